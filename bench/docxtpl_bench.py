#!/usr/bin/python3
"""Time python3-docxtpl rendering the 建议书 template (render speed comparison).

Run with the Debian interpreter, /usr/bin/python3 (python3-docxtpl 0.16.5,
python3-docx, Jinja2 from Debian), not a pyenv python:

    /usr/bin/python3 bench/docxtpl_bench.py -n 1000 --data bench/data.json

Normal docxtpl usage: a DocxTemplate object renders once (render() replaces
the document's XML in place, so it cannot be re-rendered cleanly), so every
document is DocxTemplate(path) (loads and parses the .docx), then
render(context, jinja_env, autoescape=True), then save() to an in-memory
io.BytesIO (deflate-compressed zip, as python-docx writes it). Nothing is
written to disk inside the timed loop. docxtpl compiles the Jinja source of
each part on every render (Environment.from_string). The jinja2.Environment
carrying gongwen's filters (bench/filters.py: cn_date, wenhao, ...) is made
once, outside the loop, as an application would. The data file is read once.
--warmup renders are made and discarded before timing.
"""
import argparse
import io
import json
import os
import sys
import time

import jinja2
from docxtpl import DocxTemplate
import docxtpl

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from filters import FILTERS  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--root', default='.')
    ap.add_argument('-n', type=int, default=1000)
    ap.add_argument('--warmup', type=int, default=20)
    ap.add_argument('--data', default='bench/data.json')
    ap.add_argument('--out', default='')
    ap.add_argument('--json', default='')
    a = ap.parse_args()

    path = os.path.join(a.root, 'templates', 'builtin', '建议书.docx')
    with open(a.data, encoding='utf-8') as f:
        ctx = json.load(f)
    env = jinja2.Environment()
    env.filters.update(FILTERS)

    def one():
        tpl = DocxTemplate(path)
        tpl.render(ctx, env, autoescape=True)
        buf = io.BytesIO()
        tpl.save(buf)
        return buf.getvalue()

    doc = b''
    for _ in range(a.warmup):
        doc = one()
    if a.out:
        with open(a.out, 'wb') as f:
            f.write(doc)

    start = time.perf_counter()
    for _ in range(a.n):
        doc = one()
    elapsed = time.perf_counter() - start

    r = {
        'tool': 'docxtpl',
        'version': docxtpl.__version__,
        'jinja2': jinja2.__version__,
        'python': sys.version.split()[0],
        'n': a.n,
        'warmup': a.warmup,
        'ms_per_doc': elapsed / a.n * 1000,
        'output_bytes': len(doc),
        'total_seconds_timed': elapsed,
        'note': 'DocxTemplate(path) + render(ctx, env, autoescape=True) + save(BytesIO) per document',
    }
    print('docxtpl %s: %d docs in %.3f s: %.3f ms/doc' % (docxtpl.__version__, a.n, elapsed, r['ms_per_doc']))
    if a.json:
        with open(a.json, 'w') as f:
            json.dump(r, f, indent=2)
            f.write('\n')


if __name__ == '__main__':
    main()
