#!/usr/bin/env bash
# Fill fuzz/corpus/<target> with starting inputs: the project's test Dockerfiles
# and, when present, the shared real-world corpus. Run from anywhere.
set -euo pipefail
cd "$(dirname "$0")"
root=..
mkdir -p corpus/parse corpus/shell corpus/lint
n=0
add() { # file
    local name
    name=$(sha1sum "$1" | cut -c1-16)
    cp "$1" "corpus/parse/$name"
    cp "$1" "corpus/lint/$name"
    n=$((n + 1))
}
while IFS= read -r -d '' f; do add "$f"; done < <(find "$root/testdata" -name '*Dockerfile*' -type f -print0)
if [ -d "$root/../shared/corpus/files" ]; then
    while IFS= read -r -d '' f; do add "$f"; done < <(find "$root/../shared/corpus/files" -name Dockerfile -type f -print0)
fi
# lint: Dockerfiles with their build context (package.json, entrypoint
# scripts, compose file, .dsig.yaml) in the target's NUL-separated layout
contexts=("$root/testdata")
[ -d "$root/../shared/corpus/files" ] && contexts+=("$root/../shared/corpus/files")
python3 seed_lint.py corpus/lint "${contexts[@]}"
# shell: the CMD/ENTRYPOINT/RUN texts of the same files
grep -hoE '^(CMD|ENTRYPOINT|RUN) .*' "$root"/testdata/rules/*/*/Dockerfile "$root"/../shared/corpus/files/*/Dockerfile 2>/dev/null |
    sed -E 's/^(CMD|ENTRYPOINT|RUN) //' | sort -u | head -20000 |
    while IFS= read -r line; do
        printf '%s' "$line" > "corpus/shell/$(printf '%s' "$line" | sha1sum | cut -c1-16)"
    done
# and the entrypoint scripts, for the strict script parser
while IFS= read -r -d '' f; do
    cp "$f" "corpus/shell/$(sha1sum "$f" | cut -c1-16)"
done < <(find "$root/testdata" "$root/../shared/corpus/files" -type f -name '*.sh' -print0 2>/dev/null)
echo "seeded $n Dockerfiles; shell: $(ls corpus/shell | wc -l) command texts and scripts"
