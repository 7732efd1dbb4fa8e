package deadline

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gongwen/gongwen/archive"
)

func day(t *testing.T, s string) Date {
	t.Helper()
	d, err := ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestParseDate(t *testing.T) {
	for in, want := range map[string]string{
		"2026-03-05": "2026-03-05", "2026年3月5日": "2026-03-05", " ２０２６－０３－０５ ": "2026-03-05", "2026-3-5": "2026-03-05",
	} {
		d, err := ParseDate(in)
		if err != nil || d.String() != want {
			t.Errorf("ParseDate(%q) = %v, %v; want %s", in, d, err, want)
		}
	}
	for _, in := range []string{"2026-02-30", "2026/03/05x", "", "明天", "2026-13-01"} {
		if _, err := ParseDate(in); err == nil {
			t.Errorf("ParseDate(%q) accepted", in)
		}
	}
	if got := day(t, "2026-01-31").AddMonths(1); got.String() != "2026-02-28" {
		t.Errorf("31 January + 1 month = %s", got)
	}
	if got := day(t, "2028-01-31").AddMonths(1); got.String() != "2028-02-29" {
		t.Errorf("31 January 2028 + 1 month = %s", got)
	}
	if n := day(t, "2026-03-01").Sub(day(t, "2026-02-01")); n != 28 {
		t.Errorf("February 2026 has %d days", n)
	}
}

// TestEmbeddedYearsMatchTheNotices checks the data entry of the embedded
// files against the day counts the State Council's notices state
// (共N天) and their make-up working days.
func TestEmbeddedYearsMatchTheNotices(t *testing.T) {
	cal := Builtin()
	type want struct {
		days int
		work []string
	}
	notices := map[int]map[string]want{
		2025: {"元旦": {1, nil}, "春节": {8, []string{"2025-01-26", "2025-02-08"}}, "清明节": {3, nil},
			"劳动节": {5, []string{"2025-04-27"}}, "端午节": {3, nil}, "国庆节、中秋节": {8, []string{"2025-09-28", "2025-10-11"}}},
		2026: {"元旦": {3, []string{"2026-01-04"}}, "春节": {9, []string{"2026-02-14", "2026-02-28"}}, "清明节": {3, nil},
			"劳动节": {5, []string{"2026-05-09"}}, "端午节": {3, nil}, "中秋节": {3, nil}, "国庆节": {7, []string{"2026-09-20", "2026-10-10"}}},
	}
	for year, hs := range notices {
		y := cal.Year(year)
		if y == nil {
			t.Fatalf("no embedded data for %d", year)
		}
		if !strings.Contains(y.Source, "国务院办公厅关于") || y.URL == "" || cal.Source(year) != "内置" {
			t.Errorf("%d: source not recorded: %q %q %q", year, y.Source, y.URL, cal.Source(year))
		}
		if len(y.Holidays) != len(hs) {
			t.Errorf("%d: %d holidays, the notice has %d", year, len(y.Holidays), len(hs))
		}
		for _, h := range y.Holidays {
			w, ok := hs[h.Name]
			if !ok {
				t.Errorf("%d: holiday %q not in the notice", year, h.Name)
				continue
			}
			if n := h.To.Sub(h.From) + 1; n != w.days {
				t.Errorf("%d %s: %d days off, the notice says 共%d天", year, h.Name, n, w.days)
			}
			var got []string
			for _, d := range h.Work {
				got = append(got, d.String())
			}
			if strings.Join(got, ",") != strings.Join(w.work, ",") {
				t.Errorf("%d %s: make-up days %v, the notice says %v", year, h.Name, got, w.work)
			}
		}
	}
	// 261 weekdays in each year, less the holidays on weekdays (18 in 2025,
	// 19 in 2026), plus the make-up days (5 and 6), counted by hand from
	// the notices.
	for year, want := range map[int]int{2025: 248, 2026: 248} {
		if n, err := cal.WorkdaysIn(year); err != nil || n != want {
			t.Errorf("%d has %d working days (%v), want %d", year, n, err, want)
		}
	}
	for _, c := range []struct {
		d    string
		kind DayKind
	}{
		{"2026-10-01", PublicHoliday}, {"2026-10-10", MakeupWorkday}, {"2026-10-11", RestDay},
		{"2026-10-12", Workday}, {"2026-02-14", MakeupWorkday}, {"2026-02-23", PublicHoliday}, {"2025-10-08", PublicHoliday},
	} {
		k, _, err := cal.Kind(day(t, c.d))
		if err != nil || k != c.kind {
			t.Errorf("%s is %v (%v), want %v", c.d, k, err, c.kind)
		}
	}
}

func TestParseRule(t *testing.T) {
	for _, c := range []struct {
		text string
		want string // Rule.String()
	}{
		{"", "未写明，按收到后30日"},
		{"自收到本通知之日起30日内", "收到后30日"},
		{"自收到本建议书之日起15个工作日内", "收到后15个工作日"},
		{"收到本决定后十五个工作日内", "收到后15个工作日"},
		{"自收到本通知之日起三十日内", "收到后30日"},
		{"自收到之日起３０天内", "收到后30日"},
		{"自收到本通知之日起两个月内", "收到后2个月"},
		{"两周内", "收到后14日"},
		{"自本通知印发之日起20日内", "印发后20日"},
		{"于2026年5月31日前", "2026年5月31日前（含当日）"},
		{"2026年5月31日前", "2026年5月31日前（含当日）"},
		{"在2026-05-31之前", "2026年5月31日前（含当日）"},
		{"二〇二六年五月三十一日前", "2026年5月31日前（含当日）"},
		{"2026.5.31前", "2026年5月31日前（含当日）"},
	} {
		r, err := ParseRule(c.text)
		if err != nil {
			t.Errorf("ParseRule(%q): %v", c.text, err)
			continue
		}
		if r.String() != c.want {
			t.Errorf("ParseRule(%q) = %s, want %s", c.text, r, c.want)
		}
	}
	for _, c := range []struct{ text, why string }{
		{"尽快", "没有找到日期或天数"},
		{"限期整改", "没有找到日期或天数"},
		{"自收到之日起30日内整改，并于整改完成后10日内报告", "不止一个期限"},
		{"2026年2月30日前", "不存在"},
		{"自收到之日起0日内", "无效"},
		{"半个月内", "没有找到日期或天数"},
	} {
		_, err := ParseRule(c.text)
		if err == nil {
			t.Errorf("ParseRule(%q) accepted", c.text)
			continue
		}
		if !strings.Contains(err.Error(), c.text) || !strings.Contains(err.Error(), c.why) || !strings.Contains(err.Error(), "2026年5月31日前") {
			t.Errorf("ParseRule(%q): message %q should quote the text, say %q and show the forms", c.text, err, c.why)
		}
	}
}

func TestDue(t *testing.T) {
	cal := Builtin()
	for _, c := range []struct {
		name, rule, start, due, note string
	}{
		// 10 working days from a receipt just before 2026's 国庆: 29, 30 Sept,
		// 8, 9 Oct, Saturday 10 Oct (调休上班), 12–16 Oct. Without the make-up
		// day it would be 19 Oct; without the holiday 13 Oct.
		{"working days across 国庆 and a make-up Saturday", "自收到本通知之日起10个工作日内", "2026-09-28", "2026-10-16", ""},
		// The make-up Sunday 20 Sept counts.
		{"a make-up Sunday is a working day", "2个工作日内", "2026-09-18", "2026-09-21", ""},
		// 春节 2026: 11, 12, 13 Feb, Saturday 14 Feb (调休上班), then 24 Feb.
		{"working days across 春节", "5个工作日内", "2026-02-10", "2026-02-24", ""},
		// Receipt on a holiday: counting starts on the next working day.
		{"receipt during a holiday", "1个工作日内", "2026-10-03", "2026-10-08", ""},
		// Across the year end and 元旦 2026 with its make-up Sunday 4 Jan.
		{"working days across 元旦", "15个工作日内", "2025-12-20", "2026-01-12", ""},
		// 30 days from 3 Sept is 3 Oct, in the 国庆 holiday: moved to 8 Oct.
		{"calendar days ending in 国庆", "自收到本通知之日起30日内", "2026-09-03", "2026-10-08", "期满日 2026-10-03 为法定节假日（国庆节），顺延至 2026-10-08"},
		// Ending on 4 April, 清明: 4–6 April off, so 7 April.
		{"calendar days ending in 清明", "", "2026-03-05", "2026-04-07", "期满日 2026-04-04 为法定节假日（清明节），顺延至 2026-04-07"},
		{"calendar days ending on a Saturday", "30日内", "2026-03-19", "2026-04-20", "期满日 2026-04-18 为休息日，顺延至 2026-04-20"},
		{"calendar days ending on a make-up Sunday", "10日内", "2026-09-10", "2026-09-20", ""},
		{"calendar days ending on a weekday", "30日内", "2026-03-16", "2026-04-15", ""},
		// 31 Jan + 1 month = 28 Feb, a Saturday worked for 春节.
		{"a month ending on a make-up Saturday", "1个月内", "2026-01-31", "2026-02-28", ""},
		{"a month ending on a Sunday", "1个月内", "2026-02-15", "2026-03-16", "期满日 2026-03-15 为休息日，顺延至 2026-03-16"},
		{"a fixed day is not moved", "2026年10月3日前", "2026-09-01", "2026-10-03", ""},
		{"a fixed day needs no calendar", "2030年1月1日前", "2026-09-01", "2030-01-01", ""},
	} {
		r, err := ParseRule(c.rule)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		d, err := r.Due(day(t, c.start), cal)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if d.Date.String() != c.due || d.Note != c.note {
			t.Errorf("%s: %s from %s is due %s (%q), want %s (%q)", c.name, r, c.start, d.Date, d.Note, c.due, c.note)
		}
	}
}

func TestMissingYearIsAnError(t *testing.T) {
	cal := Builtin()
	for _, c := range []struct{ rule, start string }{
		{"30日内", "2026-12-20"},       // ends 19 January 2027
		{"10个工作日内", "2026-12-24"},    // runs into 2027
		{"自收到之日起10日内", "2024-05-01"}, // 2024 is not embedded
	} {
		r, _ := ParseRule(c.rule)
		_, err := r.Due(day(t, c.start), cal)
		var my *MissingYearError
		if !errors.As(err, &my) {
			t.Errorf("%s from %s: %v, want a MissingYearError", c.rule, c.start, err)
			continue
		}
		if !strings.Contains(err.Error(), "gongwen calendar set") {
			t.Errorf("message does not say how to fix it: %v", err)
		}
	}
}

func TestParseYearProblems(t *testing.T) {
	_, err := ParseYear([]byte(`{"year": 2027, "holidays": [
		{"name": "元旦", "from": "2027-01-01", "to": "2027-01-03", "work": ["2027-01-05"]},
		{"name": "春节", "from": "2027-02-05", "to": "2027-02-03"},
		{"name": "", "from": "2027-13-01", "to": "2027-10-07"},
		{"name": "国庆节", "from": "2027-10-01", "to": "2027-10-07", "work": ["2027-10-02"]},
		{"name": "中秋节", "from": "2027-10-07", "to": "2027-10-07"}
	]}`), "2027.json")
	var ye *YearError
	if !errors.As(err, &ye) {
		t.Fatalf("want a YearError, got %v", err)
	}
	msg := err.Error()
	for _, want := range []string{"2027.json", "缺少 source", "2027-01-05 是周二", "早于开始日期", "第3项缺少 name", "2027-13-01", "2027-10-02 既是“国庆节”的放假日", "2027-10-07 同时列在“国庆节”和“中秋节”"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
	if _, err := ParseYear([]byte(`{"year": 2027, "source": "x", "holidays": [{"name": "元旦", "from": "2027-01-01", "to": "2027-01-01", "wrok": []}]}`), "f.json"); err == nil || !strings.Contains(err.Error(), "wrok") {
		t.Errorf("unknown field: %v", err)
	}
}

// TestOverride stores an administrator's files in a real file store: a
// year the program lacks becomes usable, a corrected year replaces the
// embedded one, the replaced file is kept, and a broken file is an error.
func TestOverride(t *testing.T) {
	ctx := context.Background()
	store, err := archive.OpenFileStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	y2027, err := ParseYear([]byte(`{"year": 2027, "source": "国务院办公厅关于2027年部分节假日安排的通知（测试数据）",
		"holidays": [{"name": "元旦", "from": "2027-01-01", "to": "2027-01-03"}]}`), "2027.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := SaveOverride(ctx, store, y2027, "admin", now); err != nil {
		t.Fatal(err)
	}
	cal, err := Load(ctx, store)
	if err != nil {
		t.Fatal(err)
	}
	r, _ := ParseRule("30日内")
	// 20 Dec 2026 + 30 days = 19 Jan 2027, a Tuesday: now computable.
	d, err := r.Due(day(t, "2026-12-20"), cal)
	if err != nil || d.Date.String() != "2027-01-19" {
		t.Errorf("with 2027 stored: %v %v", d, err)
	}
	if cal.Source(2027) != "calendar/2027.json" || cal.Year(2027).UpdatedBy != "admin" || cal.Source(2026) != "内置" {
		t.Errorf("sources: %q %q %q", cal.Source(2027), cal.Year(2027).UpdatedBy, cal.Source(2026))
	}
	// 3 Dec 2026 + 30 days = 2 Jan 2027, off for 元旦 per the override.
	if d, err := r.Due(day(t, "2026-12-03"), cal); err != nil || d.Date.String() != "2027-01-04" {
		t.Errorf("30 days from 3 Dec 2026 (ends 2 Jan 2027, 元旦 per the override): %v %v", d, err)
	}

	// Correct 2026: suppose the State Council moved 国庆 to 2–8 October with
	// no make-up days. The stored year replaces the embedded one.
	emb := Builtin().Year(2026)
	fixed := *emb
	fixed.Holidays = append([]Holiday(nil), emb.Holidays...)
	for i, h := range fixed.Holidays {
		if h.Name == "国庆节" {
			fixed.Holidays[i] = Holiday{Name: "国庆节", From: day(t, "2026-10-02"), To: day(t, "2026-10-08")}
		}
	}
	if err := SaveOverride(ctx, store, &fixed, "admin", now); err != nil {
		t.Fatal(err)
	}
	if err := SaveOverride(ctx, store, &fixed, "admin2", now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	cal, err = Load(ctx, store)
	if err != nil {
		t.Fatal(err)
	}
	w, _ := ParseRule("10个工作日内")
	// From 28 Sept: 29, 30 Sept, 1 Oct, then 9, 12–16 Oct, 19 Oct (no make-up Saturday).
	if d, err := w.Due(day(t, "2026-09-28"), cal); err != nil || d.Date.String() != "2026-10-19" {
		t.Errorf("with the corrected 2026: %v %v", d, err)
	}
	if cal.Year(2026).UpdatedBy != "admin2" {
		t.Errorf("latest override not in force: %+v", cal.Year(2026))
	}
	var hist []string
	store.List(ctx, "calendar/history/2026/", func(o archive.ObjectInfo) error { hist = append(hist, o.Key); return nil })
	if len(hist) != 1 {
		t.Errorf("replaced override not kept: %v", hist)
	}

	// A broken stored file stops Load with its key in the message.
	if _, err := store.Put(ctx, OverrideKey(2028), []byte(`{"year": 2028, "source": "x", "holidays": [{"name": "元旦", "from": "2028-01-01", "to": "2028-01-01", "work": ["2028-01-03"]}]}`), archive.Cond{}); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(ctx, store); err == nil || !strings.Contains(err.Error(), "calendar/2028.json") || !strings.Contains(err.Error(), "周一") {
		t.Errorf("broken override: %v", err)
	}
	// A file whose year differs from its name.
	store.Put(ctx, OverrideKey(2028), []byte(`{"year": 2029, "source": "x", "holidays": [{"name": "元旦", "from": "2029-01-01", "to": "2029-01-01"}]}`), archive.Cond{})
	if _, err := Load(ctx, store); err == nil || !strings.Contains(err.Error(), "与文件名不符") {
		t.Errorf("year and name differ: %v", err)
	}
}
