#!/usr/bin/env bash
# The whole test suite of gongwen, as CI runs it (.ci/run calls this).
#
# It first installs, with apt-get, what the tests need and the machine lacks:
#   python3-docxtpl, python3-docx  differential test against docxtpl
#   libreoffice-writer-nogui       .docx -> PDF layout test (22 lines x 28)
#   poppler-utils                  pdftotext, to read that PDF
#   fonts-noto-cjk                 Chinese glyphs for LibreOffice and chromium
#   chromium                       the browser tests of the web UI (chromedp)
# A test whose tool cannot be had skips and says why; everything else runs.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
/usr/bin/python3 -c 'import docxtpl, docx' 2>/dev/null || need+=(python3-docxtpl python3-docx)
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
fc-list :lang=zh 2>/dev/null | grep -q . || need+=(fonts-noto-cjk)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
if ((${#need[@]})); then
	sudo=""
	[ "$(id -u)" = 0 ] || sudo="sudo"
	echo "scripts/test.sh: installing ${need[*]}"
	if ! { $sudo apt-get update -q && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${need[@]}"; } >/tmp/gongwen-apt.log 2>&1; then
		echo "scripts/test.sh: apt-get failed (see /tmp/gongwen-apt.log); the tests that need these packages will skip"
	fi
fi

unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
	echo "gofmt would change:"; echo "$unformatted"; exit 1
fi

# A real S3 server for the object-store tests: MinIO, built once with
# go install into a cache folder (a few minutes the first time).
echo "scripts/test.sh: MinIO server for the S3 tests (scripts/minio.sh; the first build takes minutes)"
minio_err=$(mktemp)
if minio_bin=$(bash scripts/minio.sh 2>"$minio_err"); then
	export GONGWEN_MINIO_BIN="$minio_bin"
	cat "$minio_err"
	echo "scripts/test.sh: MinIO server: $GONGWEN_MINIO_BIN"
else
	echo "scripts/test.sh: the S3 tests will skip: $(tail -n 1 "$minio_err")"
fi
rm -f "$minio_err"

go vet ./...
# staticcheck, pinned; built once into the Go cache.
go run honnef.co/go/tools/cmd/staticcheck@v0.8.1 ./...
go test -race -count=1 ./...

# The storage proofs (2 processes × 16 goroutines issuing 2,000 documents
# into one MinIO bucket; MinIO stopped in the middle of a run) are too slow
# under the race detector; they run here without it.
go test -count=1 -run '^TestProof' -v ./issuing/ 2>&1 | grep -Ev '^=== (RUN|PAUSE|CONT)'
