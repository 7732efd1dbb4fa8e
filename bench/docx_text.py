#!/usr/bin/python3
"""Print the visible text of .docx files, or check that several have the same.

    /usr/bin/python3 bench/docx_text.py a.docx              # print the text
    /usr/bin/python3 bench/docx_text.py --same a.docx b.docx c.docx

The text is what python-docx (python3-docx) reads: body paragraphs and table
rows (cells joined by " | ") in document order, then header and footer
paragraphs; runs' <w:br/> become newlines. The first line is the document
title (docProps/core.xml dc:title), which the template also fills in. With --same it prints whether all
files give the same text (and a diff of the first that differs) and exits 1
if they do not.
"""
import difflib
import sys

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph


def blocks(d):
    for child in d.element.body.iterchildren():
        tag = child.tag.rsplit('}', 1)[-1]
        if tag == 'p':
            yield Paragraph(child, d).text
        elif tag == 'tbl':
            for row in Table(child, d).rows:
                yield ' | '.join(c.text for c in row.cells)


def text(path):
    d = docx.Document(path)
    lines = ['[title] ' + (d.core_properties.title or '')]
    for sec in d.sections:
        for p in sec.header.paragraphs:
            if p.text.strip():
                lines.append('[header] ' + p.text.rstrip())
    lines += [line.rstrip() for line in blocks(d)]
    for sec in d.sections:
        for p in sec.footer.paragraphs:
            if p.text.strip():
                lines.append('[footer] ' + p.text.rstrip())
    return '\n'.join(lines) + '\n'


def main(argv):
    if argv and argv[0] == '--same':
        paths = argv[1:]
        texts = [text(p) for p in paths]
        ok = True
        for p, t in zip(paths[1:], texts[1:]):
            if t != texts[0]:
                ok = False
                print('TEXT DIFFERS: %s vs %s' % (paths[0], p))
                sys.stdout.writelines(difflib.unified_diff(
                    texts[0].splitlines(True), t.splitlines(True), paths[0], p))
        if ok:
            print('text identical in all %d outputs (%d lines, %d characters)'
                  % (len(paths), texts[0].count('\n'), len(texts[0])))
        return 0 if ok else 1
    for p in argv:
        sys.stdout.write(text(p))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
