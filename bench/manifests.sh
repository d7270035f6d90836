#!/usr/bin/env bash
# Whole-process benchmark of dsig on 1,000 generated Kubernetes manifests
# (and a few ECS task definitions) from bench/gen_manifests.py, linted in
# one run, and the number of findings each rule has on them.
#
#   bench/manifests.sh
#
# Needs python3; hyperfine when on PATH (Debian: apt-get install hyperfine),
# else python3 times the runs. Mean and median wall time of 20 runs after 3
# warm-up runs. Exit status 1 (findings) is expected; 2 or above fails.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v python3 >/dev/null || { echo "bench: python3 not found" >&2; exit 2; }

cargo build --release --locked --quiet
DSIG=$PWD/target/release/dsig
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 bench/gen_manifests.py "$work/m" 1000
files=("$work"/m/*.yaml "$work"/m/*.json)
cmd=("$DSIG" lint --no-config --format concise "${files[@]}")

# One run first: findings are fine, an error (exit 2 or above) is not.
status=0
"${cmd[@]}" >"$work/out" 2>"$work/err" || status=$?
if [ "$status" -ge 2 ]; then
    echo "bench: dsig exited $status" >&2
    cat "$work/err" >&2
    exit 1
fi

echo "dsig $("$DSIG" --version | cut -d' ' -f2), $(nproc) cores, ${#files[@]} files:"
if command -v hyperfine >/dev/null; then
    hyperfine -N --warmup 3 --runs 20 -i --style none \
        --export-json "$work/hf.json" "$(printf '%q ' "${cmd[@]}")" >/dev/null 2>"$work/err" ||
        { cat "$work/err" >&2; exit 1; }
    python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]
print("hyperfine: mean %.1f ms, median %.1f ms" % (r["mean"] * 1000, r["median"] * 1000))' "$work/hf.json"
else
    python3 - "${cmd[@]}" <<'EOF'
import statistics, subprocess, sys, time
times = []
for i in range(23):  # the first 3 are warm-up runs
    t = time.perf_counter()
    subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    times.append(time.perf_counter() - t)
times = times[3:]
print(f"python3: mean {statistics.mean(times)*1000:.1f} ms, median {statistics.median(times)*1000:.1f} ms")
EOF
fi

# Findings per code, from the JSON report.
echo "findings (exit status $status):"
"$DSIG" lint --no-config --format json --fail-level none "${files[@]}" | python3 -c '
import collections, json, sys
report = json.load(sys.stdin)
for code, n in sorted(collections.Counter(d["code"] for d in report["diagnostics"]).items()):
    print(f"  {code} {n}")
if report["errors"]:
    print("  and %d files dsig could not read" % len(report["errors"]))'
