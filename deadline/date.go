package deadline

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Date is a calendar day, without a time of day or a zone: the unit every
// 期间 is counted in. The zero Date means "no date".
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the day of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// China is the zone every 期间 is counted in: China Standard Time, UTC+8,
// without daylight saving.
func China() *time.Location { return time.FixedZone("CST", 8*60*60) }

// Today returns the current day in China, whatever the machine's zone: a
// server kept on UTC would otherwise still be on yesterday until 08:00.
func Today() Date { return DateOf(time.Now().In(China())) }

// Time returns the day's midnight in UTC.
func (d Date) Time() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// AddDays returns the day n days after d (before, when n is negative).
func (d Date) AddDays(n int) Date { return DateOf(d.Time().AddDate(0, 0, n)) }

// AddMonths returns the corresponding day n months after d; where the
// month has no such day, its last day (民法典 第二百零二条).
func (d Date) AddMonths(n int) Date {
	first := time.Date(d.Year, d.Month, 1, 0, 0, 0, 0, time.UTC).AddDate(0, n, 0)
	last := first.AddDate(0, 1, -1).Day()
	return Date{first.Year(), first.Month(), min(d.Day, last)}
}

// Sub returns the number of days from e to d (d − e).
func (d Date) Sub(e Date) int { return int(d.Time().Sub(e.Time()).Hours() / 24) }

// Before reports whether d is earlier than e.
func (d Date) Before(e Date) bool { return d.Sub(e) < 0 }

// After reports whether d is later than e.
func (d Date) After(e Date) bool { return d.Sub(e) > 0 }

// Weekday returns the day of the week.
func (d Date) Weekday() time.Weekday { return d.Time().Weekday() }

// String writes the ISO form, 2026-03-05 ("" for the zero Date).
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// Chinese writes the form used in documents, 2026年3月5日.
func (d Date) Chinese() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%d年%d月%d日", d.Year, int(d.Month), d.Day)
}

// weekdayNames are the Chinese names of the days of the week.
var weekdayNames = [7]string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}

// WeekdayChinese returns 周一 … 周日.
func (d Date) WeekdayChinese() string { return weekdayNames[d.Weekday()] }

// MarshalText writes the ISO form, so that JSON holds "2026-03-05".
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads what ParseDate reads; empty text is the zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

var (
	isoDateRe     = regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2})$`)
	chineseDateRe = regexp.MustCompile(`^(\d{4})年(\d{1,2})月(\d{1,2})日$`)
)

// ParseDate reads a day written as 2026-03-05 or 2026年3月5日 (full-width
// digits and surrounding spaces tolerated). It refuses days that do not
// exist, such as 2026-02-30.
func ParseDate(s string) (Date, error) {
	t := strings.TrimSpace(foldWidth(s))
	m := isoDateRe.FindStringSubmatch(t)
	if m == nil {
		m = chineseDateRe.FindStringSubmatch(t)
	}
	if m == nil {
		return Date{}, fmt.Errorf("日期“%s”无法识别：请写成 2026-03-05 或 2026年3月5日", s)
	}
	y, _ := strconv.Atoi(m[1])
	mo, _ := strconv.Atoi(m[2])
	dd, _ := strconv.Atoi(m[3])
	return makeDate(s, y, mo, dd)
}

// makeDate checks that year, month and day name a real day.
func makeDate(text string, y, mo, dd int) (Date, error) {
	d := Date{y, time.Month(mo), dd}
	if y < 1900 || y > 2200 || mo < 1 || mo > 12 || dd < 1 || DateOf(d.Time()) != d {
		return Date{}, fmt.Errorf("日期“%s”不存在", text)
	}
	return d, nil
}

// foldWidth turns full-width digits, letters and hyphens into ASCII.
func foldWidth(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９', r >= 'Ａ' && r <= 'Ｚ', r >= 'ａ' && r <= 'ｚ':
			return r - '０' + '0'
		case r == '－' || r == '—' || r == '–':
			return '-'
		case r == '\u3000':
			return ' '
		}
		return r
	}, s)
}
