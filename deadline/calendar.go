package deadline

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gongwen/gongwen/archive"
)

// Year is one year's arrangement of public holidays as the State Council
// publishes it each November (国务院办公厅关于某年部分节假日安排的通知):
// the days off of each holiday (法定节假日 and the weekend days moved to
// join them, 放假调休) and the weekend days worked instead (调休上班).
// Every other Monday to Friday is a working day and every other Saturday
// and Sunday a rest day.
type Year struct {
	Year     int       `json:"year"`
	Source   string    `json:"source"`        // the notice it was taken from
	URL      string    `json:"url,omitempty"` // where the notice was read
	Holidays []Holiday `json:"holidays"`
	// Set when an administrator stored the year (gongwen calendar set).
	Updated   string `json:"updated,omitempty"` // RFC 3339
	UpdatedBy string `json:"updated_by,omitempty"`
}

// Holiday is one holiday of a Year: the days off From–To (both included)
// and the make-up working days (调休上班) that belong to it.
type Holiday struct {
	Name string `json:"name"` // 春节, 国庆节, …
	From Date   `json:"from"`
	To   Date   `json:"to"`
	Work []Date `json:"work,omitempty"`
}

// DayKind says whether a day is worked and why.
type DayKind int

// Kinds of day.
const (
	Workday       DayKind = iota // 工作日: Monday to Friday, no holiday
	RestDay                      // 休息日: Saturday or Sunday, no make-up work
	PublicHoliday                // 法定节假日: a day off of a holiday (放假调休 included)
	MakeupWorkday                // 调休上班: a Saturday or Sunday worked instead
)

// String names the kind in Chinese.
func (k DayKind) String() string {
	switch k {
	case Workday:
		return "工作日"
	case RestDay:
		return "休息日"
	case PublicHoliday:
		return "法定节假日"
	case MakeupWorkday:
		return "调休上班日"
	}
	return "未知"
}

// Working reports whether offices work on a day of this kind.
func (k DayKind) Working() bool { return k == Workday || k == MakeupWorkday }

// MissingYearError means a day was asked about in a year the calendar has
// no holiday arrangement for. Working days are never guessed.
type MissingYearError struct{ Year int }

// Error names the year and says how an administrator enters it.
func (e *MissingYearError) Error() string {
	return fmt.Sprintf("节假日安排中没有%d年的数据，无法确定哪些日子是工作日；国务院办公厅公布该年节假日安排后，请管理员用 gongwen calendar set %d.json 录入", e.Year, e.Year)
}

// Calendar tells working days from rest days and holidays, for the years
// it has a Year for. It is immutable and safe for concurrent use.
type Calendar struct {
	years map[int]*Year
	// from records where each year came from: "内置" or the store key.
	from map[int]string
	days map[Date]dayEntry
}

type dayEntry struct {
	kind DayKind
	name string // the holiday
}

//go:embed data/*.json
var builtinFiles embed.FS

// Builtin returns the calendar of the years embedded in the program
// (deadline/data/<year>.json, taken from the State Council's notices).
func Builtin() *Calendar {
	c, err := builtin()
	if err != nil {
		panic(err) // the embedded files are checked by the tests
	}
	return c
}

func builtin() (*Calendar, error) {
	entries, err := builtinFiles.ReadDir("data")
	if err != nil {
		return nil, fmt.Errorf("deadline: embedded calendar: %w", err)
	}
	var years []*Year
	for _, e := range entries {
		b, err := builtinFiles.ReadFile(path.Join("data", e.Name()))
		if err != nil {
			return nil, fmt.Errorf("deadline: embedded calendar %s: %w", e.Name(), err)
		}
		y, err := ParseYear(b, e.Name())
		if err != nil {
			return nil, fmt.Errorf("deadline: embedded calendar: %w", err)
		}
		years = append(years, y)
	}
	return New(years...), nil
}

// New returns a calendar of the given years; a later Year of the same
// year replaces an earlier one. The years must have passed ParseYear or
// Check.
func New(years ...*Year) *Calendar {
	c := &Calendar{years: map[int]*Year{}, from: map[int]string{}}
	for _, y := range years {
		c.years[y.Year] = y
		c.from[y.Year] = "内置"
	}
	c.index()
	return c
}

// With returns a copy of c in which y replaces the year it names; from
// says where y came from (shown by Source).
func (c *Calendar) With(y *Year, from string) *Calendar {
	n := &Calendar{years: map[int]*Year{}, from: map[int]string{}}
	for k, v := range c.years {
		n.years[k], n.from[k] = v, c.from[k]
	}
	n.years[y.Year], n.from[y.Year] = y, from
	n.index()
	return n
}

// index builds the day table. A year's file may name days of the
// adjacent years (a 元旦 holiday can start on 30 December); the file of
// the day's own year is applied last and wins.
func (c *Calendar) index() {
	c.days = map[Date]dayEntry{}
	years := c.sortedYears()
	apply := func(y *Year, own bool) {
		for _, h := range y.Holidays {
			for d := h.From; !d.After(h.To); d = d.AddDays(1) {
				if (d.Year == y.Year) == own {
					c.days[d] = dayEntry{PublicHoliday, h.Name}
				}
			}
			for _, d := range h.Work {
				if (d.Year == y.Year) == own {
					c.days[d] = dayEntry{MakeupWorkday, h.Name}
				}
			}
		}
	}
	for _, y := range years {
		apply(c.years[y], false)
	}
	for _, y := range years {
		apply(c.years[y], true)
	}
}

func (c *Calendar) sortedYears() []int {
	ys := make([]int, 0, len(c.years))
	for y := range c.years {
		ys = append(ys, y)
	}
	sort.Ints(ys)
	return ys
}

// Years returns the years the calendar has data for, in order.
func (c *Calendar) Years() []int { return c.sortedYears() }

// Year returns the arrangement of one year, or nil.
func (c *Calendar) Year(year int) *Year { return c.years[year] }

// Source says where a year's data came from: "内置" (embedded) or the
// store key of an administrator's override; "" when there is none.
func (c *Calendar) Source(year int) string { return c.from[year] }

// Kind says what kind of day d is, and the name of its holiday for public
// holidays and make-up working days. A year without data is a
// *MissingYearError.
func (c *Calendar) Kind(d Date) (DayKind, string, error) {
	if _, ok := c.years[d.Year]; !ok {
		return 0, "", &MissingYearError{d.Year}
	}
	if e, ok := c.days[d]; ok {
		return e.kind, e.name, nil
	}
	if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return RestDay, "", nil
	}
	return Workday, "", nil
}

// IsWorkday reports whether offices work on d.
func (c *Calendar) IsWorkday(d Date) (bool, error) {
	k, _, err := c.Kind(d)
	return k.Working(), err
}

// NextWorkday returns the first working day after d.
func (c *Calendar) NextWorkday(d Date) (Date, error) {
	for i := 0; i < 60; i++ { // no holiday arrangement rests 60 days in a row
		d = d.AddDays(1)
		ok, err := c.IsWorkday(d)
		if err != nil {
			return Date{}, err
		}
		if ok {
			return d, nil
		}
	}
	return Date{}, fmt.Errorf("deadline: %s 之后60天内没有工作日：节假日数据有误", d)
}

// WorkdaysIn counts the working days of a year.
func (c *Calendar) WorkdaysIn(year int) (int, error) {
	n := 0
	for d := (Date{year, time.January, 1}); d.Year == year; d = d.AddDays(1) {
		ok, err := c.IsWorkday(d)
		if err != nil {
			return 0, err
		}
		if ok {
			n++
		}
	}
	return n, nil
}

// yearFile is a Year as written in a file, with dates as text so that a
// wrong one is reported with its place.
type yearFile struct {
	Year     int    `json:"year"`
	Source   string `json:"source"`
	URL      string `json:"url,omitempty"`
	Holidays []struct {
		Name string   `json:"name"`
		From string   `json:"from"`
		To   string   `json:"to"`
		Work []string `json:"work,omitempty"`
	} `json:"holidays"`
	Updated   string `json:"updated,omitempty"`
	UpdatedBy string `json:"updated_by,omitempty"`
}

// YearError lists every problem found in a year's file.
type YearError struct {
	Name     string   // the file
	Problems []string // one sentence per problem, in Chinese
}

// Error lists the problems after the file's name, one on a line when
// there are several.
func (e *YearError) Error() string {
	if len(e.Problems) == 1 {
		return fmt.Sprintf("节假日文件 %s 有误：%s", e.Name, e.Problems[0])
	}
	return fmt.Sprintf("节假日文件 %s 有 %d 处错误：\n - %s", e.Name, len(e.Problems), strings.Join(e.Problems, "\n - "))
}

// ParseYear reads a year's file (JSON: year, source, url, holidays with
// name, from, to and work) and checks it; name is the file's name for
// messages. Every problem is reported in one *YearError.
func ParseYear(b []byte, name string) (*Year, error) {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var f yearFile
	if err := dec.Decode(&f); err != nil {
		return nil, &YearError{name, []string{"不是有效的 JSON（" + err.Error() + "）"}}
	}
	if dec.More() {
		return nil, &YearError{name, []string{"JSON 对象之后还有多余内容"}}
	}
	var probs []string
	bad := func(format string, a ...any) { probs = append(probs, fmt.Sprintf(format, a...)) }
	y := &Year{Year: f.Year, Source: strings.TrimSpace(f.Source), URL: f.URL, Updated: f.Updated, UpdatedBy: f.UpdatedBy}
	if f.Year < 1900 || f.Year > 2200 {
		bad("year（年份）应为四位年份，而不是 %d", f.Year)
	}
	if y.Source == "" {
		bad("缺少 source：请写明数据来源（国务院办公厅关于%d年部分节假日安排的通知及其文号、日期）", f.Year)
	}
	if len(f.Holidays) == 0 {
		bad("holidays 为空：没有任何节假日")
	}
	date := func(where, field, s string) Date {
		d, err := ParseDate(s)
		if err != nil {
			bad("%s的%s：%v", where, field, err)
			return Date{}
		}
		if f.Year >= 1900 && (d.Before(Date{f.Year - 1, time.December, 1}) || d.After(Date{f.Year + 1, time.January, 31})) {
			bad("%s的%s %s 不在%d年内", where, field, d, f.Year)
		}
		return d
	}
	for i, raw := range f.Holidays {
		where := fmt.Sprintf("第%d项", i+1)
		if strings.TrimSpace(raw.Name) != "" {
			where += "（" + strings.TrimSpace(raw.Name) + "）"
		} else {
			bad("%s缺少 name（节日名称）", where)
		}
		h := Holiday{Name: strings.TrimSpace(raw.Name), From: date(where, "放假开始日期 from", raw.From), To: date(where, "放假结束日期 to", raw.To)}
		if !h.From.IsZero() && !h.To.IsZero() {
			if h.To.Before(h.From) {
				bad("%s的放假结束日期 %s 早于开始日期 %s", where, h.To, h.From)
			} else if h.To.Sub(h.From) >= 15 {
				bad("%s放假 %d 天，超过15天：请检查日期", where, h.To.Sub(h.From)+1)
			}
		}
		for _, s := range raw.Work {
			d := date(where, "调休上班日 work", s)
			if d.IsZero() {
				continue
			}
			if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
				bad("%s的调休上班日 %s 是%s：调休上班日应为周六或周日", where, d, d.WeekdayChinese())
			}
			h.Work = append(h.Work, d)
		}
		y.Holidays = append(y.Holidays, h)
	}
	// No day may be both off and worked, or off in two holidays.
	seen := map[Date]string{}
	for _, h := range y.Holidays {
		if h.From.IsZero() || h.To.IsZero() || h.To.Before(h.From) || h.To.Sub(h.From) >= 15 {
			continue
		}
		for d := h.From; !d.After(h.To); d = d.AddDays(1) {
			if other, ok := seen[d]; ok {
				bad("%s 同时列在“%s”和“%s”的放假日期中", d, other, h.Name)
			}
			seen[d] = h.Name
		}
	}
	for _, h := range y.Holidays {
		for _, d := range h.Work {
			if other, ok := seen[d]; ok {
				bad("%s 既是“%s”的放假日，又是“%s”的调休上班日", d, other, h.Name)
			}
		}
	}
	if len(probs) > 0 {
		return nil, &YearError{name, probs}
	}
	return y, nil
}

// OverridePrefix is where administrators' calendar files live in the
// archive store: calendar/<year>.json.
const OverridePrefix = "calendar/"

// OverrideKey is the store key of a year's override.
func OverrideKey(year int) string { return fmt.Sprintf("%s%d.json", OverridePrefix, year) }

var overrideKeyRe = regexp.MustCompile(`^calendar/(\d{4})\.json$`)

// Load returns the embedded calendar with the administrator's overrides
// from the store applied: a year stored at calendar/<year>.json replaces
// the embedded one, or adds a year the program does not know. A stored
// file that cannot be read is an error, never silently skipped.
func Load(ctx context.Context, store archive.Store) (*Calendar, error) {
	c, err := builtin()
	if err != nil {
		return nil, err
	}
	var keys []string
	err = store.List(ctx, OverridePrefix, func(o archive.ObjectInfo) error {
		if overrideKeyRe.MatchString(o.Key) {
			keys = append(keys, o.Key)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("deadline: 读取节假日安排（%s%s）：%w", store, OverridePrefix, err)
	}
	for _, k := range keys {
		b, _, err := store.Get(ctx, k)
		if err != nil {
			return nil, fmt.Errorf("deadline: 读取节假日安排 %s：%w", k, err)
		}
		y, err := ParseYear(b, k)
		if err != nil {
			return nil, err
		}
		if want, _ := strconv.Atoi(overrideKeyRe.FindStringSubmatch(k)[1]); y.Year != want {
			return nil, fmt.Errorf("节假日文件 %s 写的是%d年，与文件名不符", k, y.Year)
		}
		c = c.With(y, k)
	}
	return c, nil
}

// SaveOverride stores a year's arrangement in the archive store, where it
// replaces the embedded data for that year from the next Load on. The
// override it replaces, if any, is kept under
// calendar/history/<year>/<time>.json: nothing an administrator entered
// is lost.
func SaveOverride(ctx context.Context, store archive.Store, y *Year, by string, now time.Time) error {
	b, err := json.MarshalIndent(y, "", "  ")
	if err != nil {
		return fmt.Errorf("deadline: %d: %w", y.Year, err)
	}
	checked, err := ParseYear(b, fmt.Sprintf("%d.json", y.Year))
	if err != nil {
		return err
	}
	checked.Updated, checked.UpdatedBy = now.UTC().Format(time.RFC3339), by
	if b, err = json.MarshalIndent(checked, "", "  "); err != nil {
		return fmt.Errorf("deadline: %d: %w", y.Year, err)
	}
	key := OverrideKey(y.Year)
	old, _, err := store.Get(ctx, key)
	switch {
	case err == nil:
		hist := fmt.Sprintf("%shistory/%d/%s.json", OverridePrefix, y.Year, now.UTC().Format("20060102T150405.000000000Z"))
		if _, err := store.Put(ctx, hist, old, archive.Cond{IfNoneMatch: true}); err != nil {
			return fmt.Errorf("deadline: 保留旧的节假日安排 %s：%w", hist, err)
		}
	case !errors.Is(err, archive.ErrNotFound):
		return fmt.Errorf("deadline: 读取节假日安排 %s：%w", key, err)
	}
	if _, err := store.Put(ctx, key, append(b, '\n'), archive.Cond{}); err != nil {
		return fmt.Errorf("deadline: 保存节假日安排 %s：%w", key, err)
	}
	return nil
}
