#!/usr/bin/python3
"""Render a .docx template with python-docx-template (docxtpl), autoescape on.

Usage: docxtpl_render.py TEMPLATE.docx CONTEXT.json OUT.docx

Used by gongwen's differential test (render/differential_test.go). The
project's filters (cn_date, cn_num, wenhao, cn_join) are mirrored here so the
built-in templates render under docxtpl too.
"""
import datetime
import json
import sys

import jinja2
from docxtpl import DocxTemplate

DIGITS = "零一二三四五六七八九"


def cn_date(s):
    if s is None:
        return s
    d = datetime.date.fromisoformat(str(s).strip())
    return "%d年%d月%d日" % (d.year, d.month, d.day)


def cn_num(n):
    n = int(n)
    if n == 0:
        return "零"
    if n >= 10000:
        hi, lo = divmod(n, 10000)
        if lo == 0:
            return cn_num(hi) + "万"
        rest = cn_num(lo)
        return cn_num(hi) + ("万零" + rest if lo < 1000 else "万" + rest)
    out, zero, started = "", False, False
    for unit, d in (("千", 1000), ("百", 100), ("十", 10), ("", 1)):
        digit = n // d % 10
        if digit == 0:
            zero = zero or started
            continue
        if zero:
            out += "零"
            zero = False
        if not (digit == 1 and d == 10 and not started):
            out += DIGITS[digit]
        out += unit
        started = True
    return out


def wenhao(daizi, year, seq):
    return "%s〔%d〕%d号" % (str(daizi).strip(), int(year), int(seq))


def cn_join(items, sep="、"):
    return sep.join(str(i) for i in items)


def main():
    template, context, out = sys.argv[1:4]
    env = jinja2.Environment(autoescape=True)
    env.filters.update(cn_date=cn_date, cn_num=cn_num, wenhao=wenhao, cn_join=cn_join)
    with open(context, encoding="utf-8") as f:
        ctx = json.load(f)
    tpl = DocxTemplate(template)
    tpl.render(ctx, env, autoescape=True)
    tpl.save(out)


if __name__ == "__main__":
    main()
