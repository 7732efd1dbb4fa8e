#!/usr/bin/python3
"""Convert a docxtpl (Jinja) .docx template and its data for docxtemplater.

    /usr/bin/python3 bench/to_docxtemplater.py TEMPLATE.docx DATA.json OUT.docx OUT.json

docxtemplater's syntax differs from docxtpl's, and it has no Jinja
expressions or filters (cn_date, wenhao, join, default, loop.index, ...).
This script rewrites the Jinja tags of every XML part into docxtemplater
tags (delimiters { }, options paragraphLoop: true) and precomputes, with
Jinja itself and gongwen's filters (bench/filters.py), every value
docxtemplater cannot compute, into extra fields of the data:

  {{ name }}                  -> {name}           (plain substitution kept)
  {{ var.field }} in a loop   -> {field}          (row objects as they are)
  {{ var }} in a loop         -> {var}            (scalar items wrapped as {var: item})
  {{ any other expression }}  -> {_vN}            (value precomputed: top level,
                                                  or per item inside a loop)
  {% if EXPR %} ... endif     -> {#_cN} ... {/_cN} (bool(EXPR) precomputed)
  {% for var in list %}       -> {#list} ... {/list}
  {%p ... %}                  -> the tag alone in its paragraph, which
                                 paragraphLoop removes, as docxtpl removes it
  {%tr ... %}                 -> the tag's table row is removed; an opening
                                 tag is put at the start of the next row's
                                 first cell, a closing tag at the end of the
                                 previous row's last cell, so docxtemplater
                                 repeats (or drops) exactly those rows

It supports what the built-in templates use (one loop level, if/for/endif/
endfor at run, paragraph and row level) and fails loudly on anything else,
so a template change that it cannot follow is noticed, not mis-benchmarked.
"""
import copy
import json
import os
import re
import sys
import zipfile

import jinja2
from lxml import etree

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from filters import FILTERS  # noqa: E402

W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main'
NS = {'w': W}
TAG_RE = re.compile(r'\{\{(.*?)\}\}|\{%(p|tr|tc|r)?(\s.*?)%\}', re.S)
NAME_RE = re.compile(r'^[^\W\d][\w]*$')


def q(tag):
    return '{%s}%s' % (W, tag)


class Converter:
    def __init__(self):
        self.n = 0
        self.stack = []          # open blocks: ('if', key) or ('for', list, var)
        self.top = []            # (key, expr, kind) evaluated on the data
        self.per_item = {}       # list -> (var, [(key, expr, kind)])

    def loop(self):
        for b in reversed(self.stack):
            if b[0] == 'for':
                return b
        return None

    def derived(self, expr, kind):
        self.n += 1
        key = '_%s%d' % ('c' if kind == 'bool' else 'v', self.n)
        lp = self.loop()
        if lp:
            self.per_item[lp[1]][1].append((key, expr, kind))
        else:
            self.top.append((key, expr, kind))
        return key

    def tag(self, m):
        """Return the docxtemplater text for one Jinja tag match."""
        if m.group(1) is not None:
            expr = m.group(1).strip()
            lp = self.loop()
            if NAME_RE.match(expr) and (not lp or expr == lp[2] or expr != 'loop'):
                return '{%s}' % expr
            if lp and re.match(r'^%s\.([^\W\d]\w*)$' % re.escape(lp[2]), expr):
                return '{%s}' % expr.split('.', 1)[1]
            return '{%s}' % self.derived(expr, 'value')
        body = m.group(3).strip()
        word, _, rest = body.partition(' ')
        rest = rest.strip()
        if word == 'if':
            key = self.derived(rest, 'bool')
            self.stack.append(('if', key))
            return '{#%s}' % key
        if word == 'for':
            fm = re.match(r'^([^\W\d]\w*)\s+in\s+([^\W\d]\w*)$', rest)
            if not fm:
                raise SystemExit('unsupported for: %r' % body)
            if self.loop():
                raise SystemExit('nested loops are not supported: %r' % body)
            var, lst = fm.groups()
            self.per_item.setdefault(lst, (var, []))
            if self.per_item[lst][0] != var:
                raise SystemExit('list %s looped with two names' % lst)
            self.stack.append(('for', lst, var))
            return '{#%s}' % lst
        if word in ('endif', 'endfor'):
            if not self.stack or self.stack[-1][0] != word[3:]:
                raise SystemExit('unbalanced %r' % body)
            b = self.stack.pop()
            return '{/%s}' % b[1]
        raise SystemExit('unsupported tag: {%%%s %s %%}' % (m.group(2), body))

    def convert_part(self, name, xml):
        root = etree.fromstring(xml)
        if not name.startswith('word/'):
            # docProps/core.xml etc.: tags in element text, run level only.
            for el in root.iter():
                if isinstance(el.tag, str) and el.text and TAG_RE.search(el.text):
                    if any(g[1] for g in TAG_RE.findall(el.text)):
                        raise SystemExit('block tag outside word/ in %s' % name)
                    el.text = TAG_RE.sub(self.tag, el.text)
            return self.finish(root)
        # Tags must each lie inside one <w:t> (true of the built-in templates).
        for t in root.iter(q('t')):
            s = t.text or ''
            if s.count('{') != s.count('}'):
                raise SystemExit('a tag is split across runs near %r' % s)
        pending = {}  # content row -> opening row-level tags to put at its start
        for t in list(root.iter(q('t'))):  # document order
            s = t.text or ''
            tags = TAG_RE.findall(s)
            if not tags:
                continue
            m = TAG_RE.search(s)
            level = (m.group(2) or '') if m.group(1) is None else ''
            if level in ('p', 'tr'):
                if TAG_RE.sub('', s).strip() or len(tags) != 1:
                    raise SystemExit('{%%%s %%} must be alone: %r' % (level, s))
            elif any(g[1] for g in tags):
                raise SystemExit('mixed tag levels in one run: %r' % s)
            if level == 'p':
                p = next(t.iterancestors(q('p')))
                for other in p.iter(q('t')):
                    other.text = ''
                t.text = self.tag(m)
            elif level == 'tr':
                tr = next(t.iterancestors(q('tr')))
                new = self.tag(m)
                if new.startswith('{#'):
                    nxt = tr.getnext()
                    while nxt is not None and (nxt.tag != q('tr') or '{%tr' in
                                               ''.join(x.text or '' for x in nxt.iter(q('t')))):
                        nxt = nxt.getnext()
                    if nxt is None:
                        raise SystemExit('opening row tag with no row after it: %r' % s)
                    pending.setdefault(nxt, []).append(new)
                else:
                    prev = tr.getprevious()
                    while prev is not None and prev.tag != q('tr'):
                        prev = prev.getprevious()
                    if prev is None:
                        raise SystemExit('closing row tag with no row before it: %r' % s)
                    ts = prev.findall(q('tc'))[-1].findall('.//' + q('t'))
                    if not ts:
                        raise SystemExit('row before %r has no text to carry the tag' % s)
                    ts[-1].text = (ts[-1].text or '') + new
                tr.getparent().remove(tr)
            elif level == '':
                t.text = TAG_RE.sub(self.tag, s)
            else:
                raise SystemExit('unsupported tag level %r in %r' % (level, s))
        for tr, opens in pending.items():
            ts = tr.findall(q('tc'))[0].findall('.//' + q('t'))
            if not ts:
                raise SystemExit('row after a row tag has no text to carry it')
            ts[0].text = ''.join(opens) + (ts[0].text or '')
        return self.finish(root)

    def finish(self, root):
        if self.stack:
            raise SystemExit('unclosed blocks %r' % self.stack)
        out = etree.tostring(root, xml_declaration=True, encoding='UTF-8', standalone=True)
        left = re.findall(rb'\{[{%].{0,60}', out)
        if left:
            raise SystemExit('Jinja tags left after conversion: %r' % left[:3])
        return out

    def convert_data(self, data):
        """Return a copy of data with the precomputed fields added."""
        env = jinja2.Environment()
        env.filters.update(FILTERS)

        def ev(expr, kind, scope):
            v = env.compile_expression(expr, undefined_to_none=False)(**scope)
            if kind == 'bool':
                return bool(v)
            return '' if isinstance(v, jinja2.Undefined) else v

        out = copy.deepcopy(data)
        for key, expr, kind in self.top:
            out[key] = ev(expr, kind, data)
        for lst, (var, fields) in self.per_item.items():
            items = data.get(lst) or []
            new = []
            for i, item in enumerate(items):
                obj = dict(item) if isinstance(item, dict) else {var: item}
                loop = {'index': i + 1, 'index0': i, 'first': i == 0,
                        'last': i == len(items) - 1, 'length': len(items),
                        'revindex': len(items) - i, 'revindex0': len(items) - i - 1}
                scope = dict(data, **{var: item, 'loop': loop})
                for key, expr, kind in fields:
                    obj[key] = ev(expr, kind, scope)
                new.append(obj)
            out[lst] = new
        return out


def main():
    if len(sys.argv) != 5:
        raise SystemExit(__doc__)
    src, data_path, out_docx, out_json = sys.argv[1:]
    with open(data_path, encoding='utf-8') as f:
        data = json.load(f)
    conv = Converter()
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out_docx, 'w', zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            b = zin.read(info.filename)
            if info.filename.endswith('.xml') and (b'{{' in b or b'{%' in b):
                b = conv.convert_part(info.filename, b)
            zout.writestr(info, b, compress_type=zipfile.ZIP_DEFLATED)
    with open(out_json, 'w', encoding='utf-8') as f:
        json.dump(conv.convert_data(data), f, ensure_ascii=False, indent=2)
        f.write('\n')
    print('wrote %s and %s (%d precomputed top-level fields, %d per-item fields)' % (
        out_docx, out_json, len(conv.top), sum(len(v[1]) for v in conv.per_item.values())))


if __name__ == '__main__':
    main()
