#!/usr/bin/env bash
# Hostile-input benchmark: time and peak memory of dsig on the inputs of
# bench/adversarial.py at scales 1, 2, 4 and 8, and the two memory cases
# (a 10 MiB CMD; 100,000 findings as SARIF) against their input's size.
#
#   bench/hardening.sh            everything
#   DSIG=path/to/dsig bench/...   another binary (e.g. an older release)
#
# Wall time is the median of 5 runs; peak RSS (GNU time's maximum resident
# set size) the largest of them. Needs python3 and GNU time (/usr/bin/time).
# Linear means: time and memory roughly double with the scale; the ratio
# columns say by how much each step grew.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -x /usr/bin/time ] || { echo "bench: GNU time (/usr/bin/time) not found" >&2; exit 2; }
if [ -z "${DSIG:-}" ]; then
    cargo build --release --locked --quiet
    DSIG=$PWD/target/release/dsig
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
RUNS=${RUNS:-5}

# measure OUT CMD...: "median_seconds max_rss_kib exit_status" of RUNS runs
measure() {
    local out=$1
    shift
    local times=() rss=0 status=0
    for _ in $(seq "$RUNS"); do
        status=0
        /usr/bin/time -f '%e %M' -o "$work/t" "$@" >/dev/null 2>"$work/err" || status=$?
        # GNU time writes "Command exited with non-zero status N" first
        read -r t m < <(tail -n 1 "$work/t")
        times+=("$t")
        [ "$m" -gt "$rss" ] && rss=$m
    done
    median=$(printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    echo "$median $rss $status" >"$out"
}

size_of() { du -b --apparent-size "$1" | cut -f1; }

echo "## Scaling (median of $RUNS runs; x = growth from the previous scale)"
echo
printf '| case | scale | input bytes | wall s | x | peak RSS KiB | x | exit |\n'
printf '|---|---|---|---|---|---|---|---|\n'
for case in branching bigfunc yaml-wide yaml-nest yaml-deep pragmas; do
    prev_t="" prev_m=""
    for scale in 1 2 4 8; do
        d="$work/$case-$scale"
        python3 bench/adversarial.py "$case" "$scale" "$d"
        bytes=$(find "$d" -type f -exec du -b --apparent-size {} + | awk '{s+=$1} END {print s}')
        # yaml-deep is a .dsig.yaml beside the Dockerfile: found by discovery
        args=(--no-config)
        [ "$case" = yaml-deep ] && args=()
        measure "$work/m" "$DSIG" lint "${args[@]}" "$d/Dockerfile"
        read -r t m s <"$work/m"
        gt=$( [ -n "$prev_t" ] && awk -v a="$t" -v b="$prev_t" 'BEGIN {printf (b > 0 ? "%.1f" : "-"), (b > 0 ? a / b : 0)}' || echo "")
        gm=$( [ -n "$prev_m" ] && awk -v a="$m" -v b="$prev_m" 'BEGIN {printf "%.1f", a / b}' || echo "")
        printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$case" "$scale" "$bytes" "$t" "$gt" "$m" "$gm" "$s"
        prev_t=$t prev_m=$m
    done
done

echo
echo "## Memory against input size"
echo
printf '| case | input bytes | wall s | peak RSS KiB | RSS / input | exit |\n'
printf '|---|---|---|---|---|---|\n'
row() { # name file cmd...
    local name=$1 file=$2
    shift 2
    measure "$work/m" "$@"
    read -r t m s <"$work/m"
    local bytes
    bytes=$(size_of "$file")
    printf '| %s | %s | %s | %s | %s | %s |\n' "$name" "$bytes" "$t" "$m" \
        "$(awk -v m="$m" -v b="$bytes" 'BEGIN {printf "%.1f", m * 1024 / b}')" "$s"
}
python3 bench/adversarial.py cmd 10 "$work/cmd"
row "10 MiB CMD, tty" "$work/cmd/Dockerfile" "$DSIG" lint --no-config --color never "$work/cmd/Dockerfile"
row "10 MiB CMD, json" "$work/cmd/Dockerfile" "$DSIG" lint --no-config --format json "$work/cmd/Dockerfile"
row "10 MiB CMD, sarif" "$work/cmd/Dockerfile" "$DSIG" lint --no-config --format sarif "$work/cmd/Dockerfile"
cp "$work/cmd/Dockerfile" "$work/cmd/Fixed.Dockerfile"
row "10 MiB CMD, --fix --unsafe-fixes" "$work/cmd/Dockerfile" "$DSIG" lint --no-config --fix --unsafe-fixes "$work/cmd/Fixed.Dockerfile"
python3 bench/adversarial.py findings 8 "$work/findings"
row "100,000 findings, sarif" "$work/findings/Dockerfile" "$DSIG" lint --no-config --format sarif "$work/findings/Dockerfile"
row "100,000 findings, json" "$work/findings/Dockerfile" "$DSIG" lint --no-config --format json "$work/findings/Dockerfile"
row "100,000 findings, tty" "$work/findings/Dockerfile" "$DSIG" lint --no-config --color never "$work/findings/Dockerfile"
# about as many findings in a tree of ordinary files: 64 copies of a
# generated 2 MiB Dockerfile with findings in every block
mkdir -p "$work/tree"
python3 bench/gen.py $((2 * 1024 * 1024)) --findings >"$work/tree/base"
for i in $(seq 1 64); do
    mkdir -p "$work/tree/s$i"
    cp "$work/tree/base" "$work/tree/s$i/Dockerfile"
done
rm "$work/tree/base"
tree_bytes=$(find "$work/tree" -type f -exec du -b --apparent-size {} + | awk '{s+=$1} END {print s}')
measure "$work/m" "$DSIG" lint --no-config --format sarif "$work/tree"
read -r t m s <"$work/m"
count=$({ "$DSIG" lint --no-config --format json "$work/tree" || true; } |
    python3 -c 'import json,sys; print(len(json.load(sys.stdin)["diagnostics"]))')
printf '| %s findings in 64 files, sarif | %s | %s | %s | %s | %s |\n' "$count" "$tree_bytes" "$t" "$m" \
    "$(awk -v m="$m" -v b="$tree_bytes" 'BEGIN {printf "%.1f", m * 1024 / b}')" "$s"
