#!/usr/bin/env bash
# Installs dsig for the GitHub Action: the release binary for this runner's
# OS and architecture, at the `version` input or the action's own version
# (a tag vX.Y.Z), checked against its published sha256 and kept in the
# runner's tool cache; `cargo install` from the action's source only where
# no release binary exists (no such version, or no binary for this runner).
#
# Environment: DSIG_VERSION (the input, may be empty), DSIG_ACTION_REF,
# DSIG_ACTION_REPOSITORY, DSIG_ACTION_SERVER, DSIG_ACTION_PATH,
# DSIG_RELEASE_URL (where releases are downloaded from; default
# $DSIG_ACTION_SERVER/$DSIG_ACTION_REPOSITORY/releases/download),
# RUNNER_OS, RUNNER_ARCH, RUNNER_TOOL_CACHE, RUNNER_TEMP, GITHUB_PATH.
set -euo pipefail

say() { echo "dsig-install: $*"; }
fail() { echo "::error title=dsig install::$*"; exit 1; }

# The version: the input, else the action's ref when it is a release tag.
version="${DSIG_VERSION:-}"
if [ -z "$version" ] && [[ "${DSIG_ACTION_REF:-}" =~ ^v[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
  version="$DSIG_ACTION_REF"
fi
version="${version#v}"

# The release target of this runner.
os="${RUNNER_OS:-$(uname -s)}"
arch="${RUNNER_ARCH:-$(uname -m)}"
case "$os/$arch" in
  Linux/X64 | Linux/x86_64) target=x86_64-unknown-linux-musl ;;
  Linux/ARM64 | Linux/aarch64) target=aarch64-unknown-linux-musl ;;
  macOS/X64 | Darwin/x86_64) target=x86_64-apple-darwin ;;
  macOS/ARM64 | Darwin/arm64) target=aarch64-apple-darwin ;;
  Windows/X64) target=x86_64-pc-windows-msvc ;;
  *) target= ;;
esac

cargo_install() {
  say "$1: building dsig from the action's source with cargo install"
  command -v cargo >/dev/null || fail "$1, and cargo is not installed to build it"
  local root="${RUNNER_TEMP:-/tmp}/dsig-action"
  cargo install --locked --quiet --root "$root" --path "$DSIG_ACTION_PATH"
  echo "$root/bin" >>"$GITHUB_PATH"
}

if [ -z "$version" ]; then
  cargo_install "the action runs at ${DSIG_ACTION_REF:-an unknown ref}, not a release tag"
  exit 0
fi
if [ -z "$target" ]; then
  cargo_install "no release binary for $os/$arch"
  exit 0
fi

ext=tar.gz
[ "$target" = x86_64-pc-windows-msvc ] && ext=zip
asset="dsig-$target.$ext"
dir="${RUNNER_TOOL_CACHE:-${RUNNER_TEMP:-/tmp}}/dsig/$version/$target"
bin="$dir/dsig-$target/dsig"
[ "$ext" = zip ] && bin="$bin.exe"
if [ -x "$bin" ]; then
  say "dsig $version for $target from the tool cache"
  echo "$(dirname "$bin")" >>"$GITHUB_PATH"
  exit 0
fi

base="${DSIG_RELEASE_URL:-${DSIG_ACTION_SERVER:-https://github.com}/${DSIG_ACTION_REPOSITORY:-dsig-dev/dsig}/releases/download}"
url="$base/v$version/$asset"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
get() { curl --fail --silent --show-error --location --retry 3 --output "$2" "$1"; }
if ! get "$url" "$tmp/$asset" 2>"$tmp/err"; then
  if grep -q "404" "$tmp/err"; then
    cargo_install "no release binary $url"
    exit 0
  fi
  fail "cannot download $url: $(cat "$tmp/err")"
fi
get "$url.sha256" "$tmp/$asset.sha256" 2>"$tmp/err" || fail "cannot download $url.sha256: $(cat "$tmp/err")"

want="$(cut -d' ' -f1 <"$tmp/$asset.sha256" | tr -d '\r\n')"
if command -v sha256sum >/dev/null; then
  got="$(sha256sum "$tmp/$asset" | cut -d' ' -f1)"
else
  got="$(shasum -a 256 "$tmp/$asset" | cut -d' ' -f1)"
fi
[ -n "$want" ] && [ "$want" = "$got" ] || fail "checksum mismatch for $asset: the release says ${want:-nothing}, the download is $got"

mkdir -p "$dir"
if [ "$ext" = zip ]; then
  unzip -q -o "$tmp/$asset" -d "$dir"
else
  tar -xzf "$tmp/$asset" -C "$dir"
fi
[ -x "$bin" ] || fail "$asset does not hold dsig-$target/dsig"
say "dsig $version for $target, sha256 $got"
echo "$(dirname "$bin")" >>"$GITHUB_PATH"
