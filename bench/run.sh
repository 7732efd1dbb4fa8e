#!/usr/bin/env bash
# Render speed comparison: gongwen vs python3-docxtpl vs docxtemplater on the
# built-in 建议书 template with a 20-row 问题清单 (docs/PERFORMANCE.md,
# "Render speed (issue 2)").
#
#   bench/run.sh [N]        # N documents per tool, default 1000 (or $BENCH_N)
#
# Each tool runs in one process: a warm-up of 20 documents (not timed), then
# N documents rendered and saved as .docx bytes in memory (deflate zip; no
# file written inside the timed loop), timed as a whole; the mean per
# document is printed. How each tool is used (what is done once, what per
# document) is described at the top of its script:
#   gongwen        bench/renderbench/main.go   render.Parse once, Render per doc
#   docxtpl        bench/docxtpl_bench.py      DocxTemplate(path)+render+save per doc
#   docxtemplater  bench/docxtemplater_bench.js  PizZip+Docxtemplater+render+generate per doc
# Data: bench/data.json from the template's schema example (go run ./bench/makedata).
# docxtemplater gets a converted template and data (bench/to_docxtemplater.py);
# the three outputs' text is compared (bench/docx_text.py).
#
# Installs what is missing: python3-docxtpl and python3-docx (apt-get, for
# /usr/bin/python3), and bench/node_modules (npm ci, versions pinned in
# bench/package-lock.json). Needs go, node, npm.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-${BENCH_N:-1000}}
PY=/usr/bin/python3
OUT=bench/out

missing=()
if [ ! -x "$PY" ]; then missing+=(python3); fi
if ! "$PY" -c 'import docxtpl' 2>/dev/null; then missing+=(python3-docxtpl); fi
if ! "$PY" -c 'import docx' 2>/dev/null; then missing+=(python3-docx); fi
if [ ${#missing[@]} -gt 0 ]; then
	SUDO=
	if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; fi
	echo "== installing ${missing[*]}"
	$SUDO apt-get update -qq
	$SUDO apt-get install -y -qq "${missing[@]}"
fi
if [ ! -f bench/node_modules/.package-lock.json ] ||
	[ bench/package-lock.json -nt bench/node_modules/.package-lock.json ]; then
	echo "== npm ci (bench/node_modules)"
	(cd bench && npm ci --no-audit --no-fund --loglevel=error)
fi

mkdir -p "$OUT"
rm -f "$OUT"/*.json "$OUT"/*.docx
echo "== data and templates"
go run ./bench/makedata -o bench/data.json
"$PY" bench/to_docxtemplater.py templates/builtin/建议书.docx bench/data.json \
	"$OUT/建议书.docxtemplater.docx" "$OUT/data_docxtemplater.json"
go build -o "$OUT/renderbench" ./bench/renderbench

echo "== machine"
echo "nproc: $(nproc); CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
echo "$(go version); node $(node --version); $("$PY" --version)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
if awk -v n="$(nproc)" '{exit !($1 > n / 2)}' /proc/loadavg; then
	echo "WARNING: the machine is busy (1-minute load above nproc/2): the figures below will be unreliable"
fi

echo "== gongwen ($N docs)"
"$OUT/renderbench" -n "$N" -data bench/data.json -out "$OUT/gongwen.docx" -json "$OUT/gongwen.json"
GOMAXPROCS=1 "$OUT/renderbench" -n "$N" -data bench/data.json -json "$OUT/gongwen-1proc.json" | sed 's/^gongwen/gongwen GOMAXPROCS=1/'
echo "== docxtpl ($N docs)"
"$PY" bench/docxtpl_bench.py -n "$N" --data bench/data.json --out "$OUT/docxtpl.docx" --json "$OUT/docxtpl.json"
echo "== docxtemplater ($N docs)"
node bench/docxtemplater_bench.js -n "$N" --template "$OUT/建议书.docxtemplater.docx" \
	--data "$OUT/data_docxtemplater.json" --out "$OUT/docxtemplater.docx" --json "$OUT/docxtemplater.json"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

echo "== same text?"
same=0
"$PY" bench/docx_text.py --same "$OUT/gongwen.docx" "$OUT/docxtpl.docx" "$OUT/docxtemplater.docx" || same=$?
echo
echo "== results (mean per document, $N documents each, warm-up excluded)"
"$PY" bench/report.py "$OUT"
exit $same
