"""Python (Jinja2) versions of gongwen's project filters, for docxtpl.

gongwen's templates use filters docxtpl does not have (render/filters.go:
cn_date, cn_num, wenhao, cn_join). docxtpl users register such filters on
a jinja2.Environment passed to DocxTemplate.render; these are minimal
equivalents, enough to render the built-in templates with the same text.
"""
import datetime
import re

_CN_DATE = re.compile(r'^([0-9]{4})年0?([1-9][0-9]?)月0?([1-9][0-9]?)日$')


def cn_date(s):
    if isinstance(s, (datetime.date, datetime.datetime)):
        return '%d年%d月%d日' % (s.year, s.month, s.day)
    s = str(s).strip()
    try:
        d = datetime.date.fromisoformat(s)
    except ValueError:
        m = _CN_DATE.match(s)
        if not m:
            raise ValueError('“%s”不是有效日期' % s)
        d = datetime.date(int(m[1]), int(m[2]), int(m[3]))
    return '%d年%d月%d日' % (d.year, d.month, d.day)


_DIGITS = '零一二三四五六七八九'


def cn_num(n):
    n = int(n)
    if n < 0 or n > 99999999:
        raise ValueError('%d 超出中文数字的范围' % n)
    if n == 0:
        return '零'
    if n >= 10000:
        hi, lo = cn_num(n // 10000), n % 10000
        if lo == 0:
            return hi + '万'
        rest = cn_num(lo)
        return hi + ('万零' + rest.lstrip('零') if lo < 1000 else '万' + rest)
    out, zero, started = [], False, False
    for unit, d in (('千', 1000), ('百', 100), ('十', 10), ('', 1)):
        digit = n // d % 10
        if digit == 0:
            zero = zero or started
            continue
        if zero:
            out.append('零')
            zero = False
        if not (digit == 1 and d == 10 and not started):
            out.append(_DIGITS[digit])
        out.append(unit)
        started = True
    return ''.join(out)


def wenhao(daizi, year, seq):
    daizi = str(daizi).strip()
    if not daizi:
        raise ValueError('机关代字为空')
    return '%s〔%d〕%d号' % (daizi, int(year), int(seq))


def cn_join(items, sep='、'):
    return sep.join(str(i) for i in items)


FILTERS = {'cn_date': cn_date, 'cn_num': cn_num, 'wenhao': wenhao, 'cn_join': cn_join}
