#!/usr/bin/env bash
# Installs the pinned MinIO server (the real S3 the archive tests run
# against, see docs/DESIGN "S3 server for tests") once into a cache folder
# and prints the binary's path on stdout.
#
#   cache: ${GONGWEN_CACHE:-$HOME/.cache/gongwen}/minio/<version>/minio
#
# If the binary is already there it only prints the path. Otherwise it builds
# it with `go install` (about two minutes on 2 cores) into a temporary folder
# and moves it into place, so a killed build never leaves a half binary.
# On failure it exits non-zero with one line on stderr; the build log is kept.
set -euo pipefail

version=v0.0.0-20260212201848-7aac2a2c5b7c
module=github.com/minio/minio
cache=${GONGWEN_CACHE:-${HOME:-/tmp}/.cache/gongwen}
dir=$cache/minio/$version
bin=$dir/minio

if [ -x "$bin" ]; then
	echo "$bin"
	exit 0
fi

fail() {
	echo "scripts/minio.sh: $*" >&2
	exit 1
}

command -v go >/dev/null 2>&1 || fail "go not found on PATH, cannot build MinIO $version"
mkdir -p "$cache/minio" 2>/dev/null || fail "cannot create cache folder $cache/minio"

tmp=$(mktemp -d "$cache/minio/.build.XXXXXX") || fail "cannot create a temporary folder in $cache/minio"
log=$cache/minio/build-$version.log
trap 'rm -rf "$tmp"' EXIT

start=$SECONDS
echo "scripts/minio.sh: building MinIO $version with go install (a few minutes, once; log: $log)" >&2
if ! GOBIN="$tmp" GOFLAGS="${GOFLAGS:-} -trimpath" go install "$module@$version" >"$log" 2>&1; then
	fail "go install $module@$version failed after $((SECONDS - start))s: $(tail -n 1 "$log" | cut -c1-200) (full log: $log)"
fi
[ -x "$tmp/minio" ] || fail "go install $module@$version produced no binary in $tmp (log: $log)"

mkdir -p "$dir" || fail "cannot create $dir"
# mv within one filesystem is a rename: $bin is either absent or complete.
mv -f "$tmp/minio" "$bin" || fail "cannot move the built binary to $bin"
echo "scripts/minio.sh: built MinIO in $((SECONDS - start))s" >&2
echo "$bin"
