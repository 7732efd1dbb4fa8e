#!/usr/bin/python3
"""Print the render speed comparison table from the JSON results in a directory.

    /usr/bin/python3 bench/report.py bench/out

Reads gongwen.json, docxtpl.json, docxtemplater.json (and gongwen-1proc.json
if present) written by the three benchmark programs (see run.sh).
"""
import json
import os
import sys

GOAL_DOCXTPL = 20.0
GOAL_DOCXTEMPLATER = 5.0


def load(d, name):
    p = os.path.join(d, name + '.json')
    if not os.path.exists(p):
        return None
    with open(p) as f:
        return json.load(f)


def main():
    d = sys.argv[1] if len(sys.argv) > 1 else 'bench/out'
    g = load(d, 'gongwen')
    g1 = load(d, 'gongwen-1proc')
    p = load(d, 'docxtpl')
    x = load(d, 'docxtemplater')
    if not (g and p and x):
        raise SystemExit('missing results in %s' % d)
    rows = [
        ('gongwen (Go %s, parse once)' % g['go_version'], g['n'], g['ms_per_doc']),
    ]
    if g1:
        rows.append(('gongwen, GOMAXPROCS=1', g1['n'], g1['ms_per_doc']))
    rows.append(('gongwen, parse+render per doc', g['parse_n'], g['parse_and_render_ms_per_doc']))
    rows.append(('docxtpl %s (Python %s)' % (p['version'], p['python']), p['n'], p['ms_per_doc']))
    rows.append(('docxtemplater %s (Node %s)' % (x['version'], x['node']), x['n'], x['ms_per_doc']))
    w = max(len(r[0]) for r in rows)
    print('%-*s  %6s  %10s  %10s  %14s' % (w, 'tool', 'docs', 'ms/doc', 'docs/s', 'vs gongwen'))
    for name, n, ms in rows:
        print('%-*s  %6d  %10.3f  %10.1f  %13.2fx' % (w, name, n, ms, 1000 / ms, ms / g['ms_per_doc']))
    print()
    print('gongwen allocations: %.0f allocs/doc, %.0f B/doc (runtime.MemStats over the timed loop)'
          % (g['allocs_per_doc'], g['alloc_bytes_per_doc']))
    r1 = p['ms_per_doc'] / g['ms_per_doc']
    r2 = x['ms_per_doc'] / g['ms_per_doc']
    print('ratio docxtpl/gongwen       = %6.2f  (goal >= %.0f: %s)'
          % (r1, GOAL_DOCXTPL, 'met' if r1 >= GOAL_DOCXTPL else 'NOT met'))
    print('ratio docxtemplater/gongwen = %6.2f  (goal >= %.0f: %s)'
          % (r2, GOAL_DOCXTEMPLATER, 'met' if r2 >= GOAL_DOCXTEMPLATER else 'NOT met'))


if __name__ == '__main__':
    main()
