package deadline

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/gongwen/gongwen/internal/cnnum"
)

// DefaultDays is the 整改期限 of a document that sets none: 30 days from
// receipt.
const DefaultDays = 30

// Kind is the form of a 整改期限.
type Kind int

// Forms of a 整改期限.
const (
	FixedDate    Kind = iota + 1 // 于2026年5月31日前: a day, itself included
	CalendarDays                 // 自收到本通知之日起30日内
	WorkingDays                  // 自收到本建议书之日起15个工作日内
	Months                       // 自收到本决定之日起2个月内
)

// Basis is the day a period is counted from.
type Basis int

// Days a period is counted from.
const (
	FromReceipt Basis = iota // 自收到…之日起 (also when the text names no day)
	FromIssue                // 自本通知印发（下发、发布）之日起
)

// String names the basis in Chinese.
func (b Basis) String() string {
	if b == FromIssue {
		return "印发"
	}
	return "收到"
}

// Rule is a 整改期限 read from its text.
type Rule struct {
	Kind    Kind
	N       int   // days, working days or months (not FixedDate)
	Date    Date  // the day of a FixedDate
	Basis   Basis // what N is counted from (not FixedDate)
	Default bool  // the document sets no term: DefaultDays from receipt
	Text    string
}

// String describes the rule in Chinese, e.g. 收到后15个工作日.
func (r Rule) String() string {
	switch r.Kind {
	case FixedDate:
		return r.Date.Chinese() + "前（含当日）"
	case WorkingDays:
		return fmt.Sprintf("%s后%d个工作日", r.Basis, r.N)
	case Months:
		return fmt.Sprintf("%s后%d个月", r.Basis, r.N)
	}
	s := fmt.Sprintf("%s后%d日", r.Basis, r.N)
	if r.Default {
		s = "未写明，按" + s
	}
	return s
}

var (
	// a day written with digits: 2026年5月31日, 2026-05-31, 2026.5.31, 2026/5/31
	digitDateRe = regexp.MustCompile(`(\d{4})\s*(?:年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]|[-./](\d{1,2})[-./](\d{1,2}))`)
	// a day written in Chinese numerals: 二〇二六年五月三十一日
	hanDateRe = regexp.MustCompile(`([〇○零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})[日号]`)
	// a period: 30日, 三十天, 15个工作日, 2个月, 两周
	periodRe = regexp.MustCompile(`(\d+|[〇零一二两三四五六七八九十百]+)\s*(个)?\s*(工作日|日|天|月|周|星期)`)
	// words that make the period run from the day of issue
	issueWordsRe = regexp.MustCompile(`印发|下发|发文|签发|发布|成文|作出|公布`)
	// words that make it run from receipt
	receiptWordsRe = regexp.MustCompile(`收到|接到|送达|收悉|接收|签收`)
)

// formsHint lists the forms ParseRule reads, for error messages.
const formsHint = "可写成“自收到本通知之日起30日内”“自收到之日起15个工作日内”“自收到之日起2个月内”或“2026年5月31日前”"

// ParseRule reads a 整改期限 as typed into a template: a day
// (2026年5月31日前, 于2026-05-31前, 二〇二六年五月三十一日前), or a period
// counted from receipt — N日/天 (calendar days), N个工作日, N个月, N周 — or
// from the day of issue when the text says so (自本通知印发之日起30日内).
// Numbers may be digits (full-width too) or Chinese numerals. An empty text
// is the default, DefaultDays calendar days from receipt. A text naming
// no term, or more than one, is an error in Chinese saying what it could
// not read: a deadline is never guessed.
func ParseRule(text string) (Rule, error) {
	t := strings.Join(strings.Fields(foldWidth(text)), "")
	if t == "" {
		return Rule{Kind: CalendarDays, N: DefaultDays, Basis: FromReceipt, Default: true, Text: text}, nil
	}
	fail := func(why string) (Rule, error) {
		return Rule{}, fmt.Errorf("整改期限“%s”无法识别：%s；%s", text, why, formsHint)
	}
	var dates []Date
	rest := t
	for _, m := range digitDateRe.FindAllStringSubmatch(t, -1) {
		mo, dd := m[2], m[3]
		if mo == "" {
			mo, dd = m[4], m[5]
		}
		y, _ := strconv.Atoi(m[1])
		mi, _ := strconv.Atoi(mo)
		di, _ := strconv.Atoi(dd)
		d, err := makeDate(m[0], y, mi, di)
		if err != nil {
			return fail(err.Error())
		}
		dates = append(dates, d)
		rest = strings.Replace(rest, m[0], "", 1)
	}
	for _, m := range hanDateRe.FindAllStringSubmatch(t, -1) {
		y, _ := cnnum.Year(m[1])
		mi, ok1 := cnnum.Number(m[2])
		di, ok2 := cnnum.Number(m[3])
		if !ok1 || !ok2 {
			return fail("日期“" + m[0] + "”写法有误")
		}
		d, err := makeDate(m[0], y, mi, di)
		if err != nil {
			return fail(err.Error())
		}
		dates = append(dates, d)
		rest = strings.Replace(rest, m[0], "", 1)
	}
	periods := periodRe.FindAllStringSubmatch(rest, -1)
	switch {
	case len(dates)+len(periods) == 0:
		return fail("没有找到日期或天数")
	case len(dates)+len(periods) > 1:
		return fail("写了不止一个期限，无法确定以哪一个为准")
	case len(dates) == 1:
		return Rule{Kind: FixedDate, Date: dates[0], Text: text}, nil
	}
	m := periods[0]
	n, ok := number(m[1])
	if !ok || n <= 0 {
		return fail("天数“" + m[1] + "”无效")
	}
	r := Rule{N: n, Text: text}
	switch m[3] {
	case "工作日":
		r.Kind = WorkingDays
	case "月":
		r.Kind = Months
	case "周", "星期":
		r.Kind, r.N = CalendarDays, n*7
	default:
		r.Kind = CalendarDays
		if m[2] != "" { // 30个日 is not Chinese
			return fail("“" + m[0] + "”写法有误")
		}
	}
	if r.Kind == Months && r.N > 120 || r.N > 3660 {
		return fail("期限“" + m[0] + "”过长")
	}
	if issueWordsRe.MatchString(t) && !receiptWordsRe.MatchString(t) {
		r.Basis = FromIssue
	}
	return r, nil
}

// number reads digits or a Chinese numeral up to 999.
func number(s string) (int, bool) {
	if n, err := strconv.Atoi(s); err == nil {
		return n, true
	}
	return cnnum.Number(s)
}
