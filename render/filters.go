package render

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/nikolalohinski/gonja/v2/exec"
)

// projectFilters are the filters official documents need, plus the two the
// engine wraps around every print and loop.
func projectFilters() map[string]exec.FilterFunction {
	return map[string]exec.FilterFunction{
		"_gw_out":  outFilter,
		"_gw_iter": iterFilter,
		"cn_date":  filterCnDate,
		"cn_num":   filterCnNum,
		"wenhao":   filterWenhao,
		"cn_join":  filterCnJoin,
	}
}

// CnDate formats an ISO date (2023-07-13) as a 成文日期: Arabic numerals,
// the full year, no leading zeros (2023年7月13日), per GB/T 9704-2012 7.3.5.
// A date already written that way is checked and returned as it is.
func CnDate(s string) (string, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day()), nil
	}
	if m := cnDateRe.FindStringSubmatch(s); m != nil {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		d, _ := strconv.Atoi(m[3])
		if t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC); t.Month() == time.Month(mo) && t.Day() == d {
			return fmt.Sprintf("%d年%d月%d日", y, mo, d), nil
		}
	}
	return "", fmt.Errorf("“%s”不是有效日期（应为 YYYY-MM-DD，如 2023-07-13）", s)
}

var cnDateRe = regexp.MustCompile(`^([0-9]{4})年0?([1-9][0-9]?)月0?([1-9][0-9]?)日$`)

var cnDigits = []string{"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"}

// CnNum writes a non-negative integer in Chinese numerals as headings use
// them: 3 → 三, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五.
func CnNum(n int) (string, error) {
	if n < 0 || n > 99999999 {
		return "", fmt.Errorf("%d 超出中文数字的范围（0 至 99999999）", n)
	}
	if n == 0 {
		return "零", nil
	}
	if n >= 10000 {
		hi, _ := CnNum(n / 10000)
		lo := n % 10000
		if lo == 0 {
			return hi + "万", nil
		}
		rest, _ := CnNum(lo)
		if lo < 1000 {
			return hi + "万零" + strings.TrimPrefix(rest, "零"), nil
		}
		return hi + "万" + rest, nil
	}
	units := []string{"千", "百", "十", ""}
	div := []int{1000, 100, 10, 1}
	var b strings.Builder
	zero := false
	started := false
	for i, d := range div {
		digit := n / d % 10
		if digit == 0 {
			if started {
				zero = true
			}
			continue
		}
		if zero {
			b.WriteString("零")
			zero = false
		}
		if !(digit == 1 && d == 10 && !started) { // 十二, not 一十二
			b.WriteString(cnDigits[digit])
		}
		b.WriteString(units[i])
		started = true
	}
	return b.String(), nil
}

// Wenhao formats a 发文字号 from its parts: 机关代字, year and sequence
// number, as 乌司发〔2026〕48号 — the year in full inside 六角括号, the
// number without 第 and without leading zeros (GB/T 9704-2012 7.2.4).
func Wenhao(daizi string, year, seq int) (string, error) {
	daizi = strings.TrimSpace(daizi)
	if daizi == "" {
		return "", fmt.Errorf("机关代字为空")
	}
	if strings.ContainsAny(daizi, "〔〕[]【】()（）") {
		return "", fmt.Errorf("机关代字“%s”不能含括号", daizi)
	}
	if year < 1000 || year > 9999 {
		return "", fmt.Errorf("年份 %d 应为四位数", year)
	}
	if seq < 1 {
		return "", fmt.Errorf("序号 %d 应从 1 开始", seq)
	}
	return fmt.Sprintf("%s〔%d〕%d号", daizi, year, seq), nil
}

func filterCnDate(_ *exec.Evaluator, in *exec.Value, _ *exec.VarArgs) *exec.Value {
	if in.IsNil() || in.IsError() {
		return in
	}
	if t, ok := in.Interface().(time.Time); ok {
		return exec.AsValue(fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day()))
	}
	s, err := CnDate(in.String())
	if err != nil {
		return exec.AsValue(fmt.Errorf("cn_date：%w", err))
	}
	return exec.AsValue(s)
}

func filterCnNum(_ *exec.Evaluator, in *exec.Value, _ *exec.VarArgs) *exec.Value {
	if in.IsNil() || in.IsError() {
		return in
	}
	n, err := toInt(in)
	if err != nil {
		return exec.AsValue(fmt.Errorf("cn_num：%w", err))
	}
	s, err := CnNum(n)
	if err != nil {
		return exec.AsValue(fmt.Errorf("cn_num：%w", err))
	}
	return exec.AsValue(s)
}

func filterWenhao(_ *exec.Evaluator, in *exec.Value, params *exec.VarArgs) *exec.Value {
	if in.IsNil() || in.IsError() {
		return in
	}
	if len(params.Args) != 2 {
		return exec.AsValue(fmt.Errorf("wenhao：用法为 {{ 机关代字|wenhao(年份, 序号) }}"))
	}
	for _, a := range params.Args {
		if a.IsNil() {
			return a // a missing year or number is reported as missing
		}
	}
	year, err := toInt(params.Args[0])
	if err != nil {
		return exec.AsValue(fmt.Errorf("wenhao：年份%w", err))
	}
	seq, err := toInt(params.Args[1])
	if err != nil {
		return exec.AsValue(fmt.Errorf("wenhao：序号%w", err))
	}
	s, err := Wenhao(in.String(), year, seq)
	if err != nil {
		return exec.AsValue(fmt.Errorf("wenhao：%w", err))
	}
	return exec.AsValue(s)
}

// filterCnJoin joins a list with the Chinese enumeration comma "、", or
// with the separator given.
func filterCnJoin(_ *exec.Evaluator, in *exec.Value, params *exec.VarArgs) *exec.Value {
	if in.IsNil() || in.IsError() {
		return in
	}
	sep := "、"
	if len(params.Args) > 0 {
		sep = params.Args[0].String()
	}
	if !in.IsList() {
		return exec.AsValue(in.String())
	}
	parts := make([]string, 0, in.Len())
	for i := 0; i < in.Len(); i++ {
		parts = append(parts, in.Index(i).String())
	}
	return exec.AsValue(strings.Join(parts, sep))
}

// toInt reads an integer from an int, an integral float or a numeric string.
func toInt(v *exec.Value) (int, error) {
	switch {
	case v.IsInteger():
		return v.Integer(), nil
	case v.IsFloat():
		f := v.Float()
		if f == float64(int(f)) {
			return int(f), nil
		}
	case v.IsString():
		if n, err := strconv.Atoi(strings.TrimSpace(v.String())); err == nil {
			return n, nil
		}
	}
	return 0, fmt.Errorf("“%s”不是整数", v.String())
}

// Markers for characters that become Word structure after rendering.
const (
	markBreak     = '\x01' // \n: a line break (w:br)
	markParagraph = '\x02' // \a: a new paragraph
	markTab       = '\x03' // \t: a tab
	markPage      = '\x04' // \f: a page break
)

// escapeValue XML-escapes a printed value. Characters XML cannot hold are
// dropped; \n, \a, \t and \f become markers for post-processing; invalid
// UTF-8 becomes U+FFFD.
func escapeValue(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 16)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '"':
			b.WriteString("&#34;")
		case '\'':
			b.WriteString("&#39;")
		case '\r':
			if i < len(s) && s[i] == '\n' {
				continue
			}
			b.WriteByte(markBreak)
		case '\n':
			b.WriteByte(markBreak)
		case '\a':
			b.WriteByte(markParagraph)
		case '\t':
			b.WriteByte(markTab)
		case '\f':
			b.WriteByte(markPage)
		default:
			if !xmlChar(r) {
				continue
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}

// sanitizeSafe keeps a value marked safe as it is, but for characters XML
// cannot hold (the engine's own markers survive).
func sanitizeSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= markBreak && r <= markPage {
			return r
		}
		if !xmlChar(r) {
			return -1
		}
		return r
	}, s)
}

// xmlChar reports whether XML 1.0 may hold r.
func xmlChar(r rune) bool {
	switch {
	case r == '\t' || r == '\n' || r == '\r':
		return true
	case r < 0x20:
		return false
	case r >= 0xD800 && r <= 0xDFFF, r == 0xFFFE, r == 0xFFFF:
		return false
	case r == utf8.RuneError:
		return true
	}
	return r <= 0x10FFFF
}
