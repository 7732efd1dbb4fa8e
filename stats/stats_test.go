package stats_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"image/png"
	"io"
	"maps"
	"reflect"
	"strings"
	"testing"

	"github.com/gongwen/gongwen/archive"
	"github.com/gongwen/gongwen/deadline"
	"github.com/gongwen/gongwen/issuing"
	"github.com/gongwen/gongwen/render"
	"github.com/gongwen/gongwen/stats"
	"github.com/gongwen/gongwen/templates"
	"github.com/gongwen/gongwen/tracking"
)

// The offices: the 司法局 whose report it is, a second 司法局 whose
// documents must not count, and the supervised units that answer.
var (
	office = &archive.Profile{ID: "wlmq-sfj", Name: "乌鲁木齐市司法局", Mark: "乌鲁木齐市司法局文件",
		Daizi: map[string]string{"默认": "乌司发", "年度报告": "乌司报"}, Printer: "乌鲁木齐市司法局办公室", Fonds: "J012", OrgCode: "FZK"}
	other = &archive.Profile{ID: "tsq-sfj", Name: "天山区司法局", Mark: "天山区司法局文件",
		Daizi: map[string]string{"默认": "天司发"}, Printer: "天山区司法局办公室", Fonds: "J101", OrgCode: "FZK"}
	answerer = map[string]*archive.Profile{}
)

// The supervised units.
const (
	unitA = "乌鲁木齐市市场监督管理局"
	unitB = "乌鲁木齐市交通运输局"
	unitC = "乌鲁木齐市城市管理综合行政执法局"
	unitD = "乌鲁木齐市生态环境局"
)

func init() {
	for i, u := range []string{unitA, unitB, unitC, unitD} {
		code := string(rune('a' + i))
		answerer[u] = &archive.Profile{ID: "unit-" + code, Name: u, Mark: u + "文件",
			Daizi: map[string]string{"默认": "乌" + string([]rune("甲乙丙丁")[i]) + "报"}, Printer: u + "办公室", Fonds: "J2" + code, OrgCode: "FZK"}
	}
}

type fixture struct {
	t    *testing.T
	ctx  context.Context
	is   *issuing.Issuer
	docs *archive.Documents
}

// issue issues a document from a built-in template's example with changes.
func (f *fixture) issue(tplID string, p *archive.Profile, change map[string]any) *archive.Record {
	f.t.Helper()
	tpl, err := templates.Builtin(tplID)
	if err != nil {
		f.t.Fatal(err)
	}
	data := maps.Clone(tpl.Example)
	maps.Copy(data, change)
	data["机关代字"] = p.DaiziFor(tplID)
	res, err := f.is.Issue(f.ctx, issuing.Request{Template: tpl, Data: data, Author: "测试", Profile: p})
	if err != nil {
		f.t.Fatalf("issue %s: %v", tplID, err)
	}
	return res.Record
}

// rows repeats the first row of an example table n times.
func rows(tplID, field string, n int) []any {
	tpl, _ := templates.Builtin(tplID)
	first := tpl.Example[field].([]any)[0]
	out := make([]any, n)
	for i := range out {
		out[i] = first
	}
	return out
}

// supervise issues a 监督通知书, 建议书 or 决定书 of the office p to unit,
// dated (成文日期 = 印发日期) with the given 整改期限, pointing out n
// problems (决定书: none).
func (f *fixture) supervise(tplID string, p *archive.Profile, dated, unit, term string, n int) *archive.Record {
	change := map[string]any{"成文日期": dated, "印发日期": dated, "被监督单位": unit, "整改期限": term}
	switch tplID {
	case "监督通知书":
		change["发现问题"] = rows(tplID, "发现问题", n)
	case "建议书":
		change["问题清单"] = rows(tplID, "问题清单", n)
	}
	return f.issue(tplID, p, change)
}

// answer issues the unit's 整改情况报告 answering r, dated.
func (f *fixture) answer(r *archive.Record, dated string) {
	f.t.Helper()
	f.issue("整改情况报告", answerer[r.SupervisedUnit], map[string]any{"成文日期": dated, "印发日期": dated, "答复文件": r.Wenhao})
}

func day(t *testing.T, s string) deadline.Date {
	t.Helper()
	d, err := deadline.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// handCounted builds the small archive whose 2025 figures the tests state
// by hand. Every document below is numbered; the counts in the tests name
// them.
func handCounted(t *testing.T) *fixture {
	store, err := archive.OpenFileStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	is := issuing.New(store)
	f := &fixture{t: t, ctx: context.Background(), is: is, docs: is.Documents}

	// #1 notice, Jan, unit A, 2 problems; due 31 Mar, answered 20 Mar: on time.
	d1 := f.supervise("监督通知书", office, "2025-01-10", unitA, "2025年3月31日前", 2)
	f.answer(d1, "2025-03-20")
	// #2 notice, Mar, unit B, 1 problem; due 30 May, answered 10 Jun: late.
	d2 := f.supervise("监督通知书", office, "2025-03-05", unitB, "2025年5月30日前", 1)
	f.answer(d2, "2025-06-10")
	// #3 建议书, Mar, unit A, 2 problems; due 30 Jun, never answered: overdue.
	f.supervise("建议书", office, "2025-03-18", unitA, "2025年6月30日前", 2)
	// #4 决定书, Jul, unit C; due 30 Sep, answered on 30 Sep: on time.
	d4 := f.supervise("决定书", office, "2025-07-08", unitC, "2025年9月30日前", 0)
	f.answer(d4, "2025-09-30")
	// #5 notice, Nov, unit A, 3 problems; due 31 Jan 2026: issued in 2025,
	// its rectification belongs to 2026.
	f.supervise("监督通知书", office, "2025-11-20", unitA, "2026年1月31日前", 3)
	// #6 notice of 2024, unit A; due 15 Jan 2025, answered 20 Jan 2025:
	// late, and a 2025 rectification, though not issued in 2025.
	d6 := f.supervise("监督通知书", office, "2024-11-15", unitA, "2025年1月15日前", 4)
	f.answer(d6, "2025-01-20")
	// #7 实施方案通知, Feb; #8 年度报告 (for 2024), Jan.
	f.issue("实施方案通知", office, map[string]any{"成文日期": "2025-02-16", "印发日期": "2025-02-16"})
	f.issue("年度报告", office, map[string]any{"成文日期": "2025-01-20", "印发日期": "2025-01-20", "报告年度": 2024})
	// #9 notice, Aug, unit C, voided: counts nowhere.
	d9 := f.supervise("监督通知书", office, "2025-08-01", unitC, "2025年9月1日前", 5)
	if _, err := f.docs.UpdateRecord(f.ctx, d9.Year, d9.ID, func(r *archive.Record) error {
		r.Status, r.StatusReason = archive.StatusVoid, "测试作废"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	// #10 建议书, Oct, unit D, 1 problem; received Mon 13 Oct, 30 days end
	// Wed 12 Nov; answered 5 Nov: on time.
	d10 := f.supervise("建议书", office, "2025-10-10", unitD, "自收到本建议书之日起30日内", 1)
	if _, err := f.docs.SetReceived(f.ctx, d10.Year, d10.ID, "2025-10-13"); err != nil {
		t.Fatal(err)
	}
	f.answer(d10, "2025-11-05")
	// #11 建议书, Dec, unit D, 1 problem; due 31 Dec, answered 25 Jan 2026.
	d11 := f.supervise("建议书", office, "2025-12-01", unitD, "2025年12月31日前", 1)
	f.answer(d11, "2026-01-25")
	// #12 决定书, May, unit C, a term nobody can read: 期限不明.
	f.supervise("决定书", office, "2025-05-05", unitC, "尽快", 0)
	// #13 the other office's notice, Apr, unit A, unanswered: not ours.
	f.supervise("监督通知书", other, "2025-04-01", unitA, "2025年5月1日前", 6)
	return f
}

func TestAnnualHandCounted(t *testing.T) {
	f := handCounted(t)
	cal := deadline.Builtin()
	fig, err := stats.Annual(f.ctx, f.docs, cal, office.ID, 2025, day(t, "2026-01-20"))
	if err != nil {
		t.Fatal(err)
	}
	// Issued in 2025 by the office, not void: #1 #2 #3 #4 #5 #7 #8 #10 #11 #12.
	if fig.Issued != 10 {
		t.Errorf("issued %d, want 10", fig.Issued)
	}
	wantCats := []stats.CategoryCount{
		{"监督通知书", "行政执法监督通知书", "通知", 3},   // #1 #2 #5
		{"建议书", "行政执法协调监督建议书", "意见", 3},   // #3 #10 #11
		{"决定书", "行政执法监督决定书", "决定", 2},     // #4 #12
		{"年度报告", "年度行政执法监督工作报告", "报告", 1}, // #8
		{"实施方案通知", "印发实施方案的通知", "通知", 1},  // #7
	}
	if !reflect.DeepEqual(fig.ByCategory, wantCats) {
		t.Errorf("by category\n got %v\nwant %v", fig.ByCategory, wantCats)
	}
	// Jan #1 #8, Feb #7, Mar #2 #3, May #12, Jul #4, Oct #10, Nov #5, Dec #11.
	if want := [12]int{2, 1, 2, 0, 1, 0, 1, 0, 0, 1, 1, 1}; fig.ByMonth != want {
		t.Errorf("by month %v, want %v", fig.ByMonth, want)
	}
	wantUnits := []stats.UnitCount{{unitA, 3}, {unitC, 2}, {unitD, 2}, {unitB, 1}} // A #1 #3 #5; C #4 #12; D #10 #11; B #2
	if !reflect.DeepEqual(fig.Units, wantUnits) {
		t.Errorf("units\n got %v\nwant %v", fig.Units, wantUnits)
	}
	// 发现问题 of #1 #2 #5: 2+1+3; 问题清单 of #3 #10 #11: 2+1+1.
	if fig.Problems != 10 {
		t.Errorf("problems %d, want 10", fig.Problems)
	}
	// Due in 2025: #1 #2 #3 #4 #6 #10 #11. On time #1 #4 #10; late #2 #6;
	// open #3 #11 (#11's answer comes after 20 Jan), both overdue.
	// 期限不明: #12. Rate 3 / (3+2+2) = 42.857… → 42.9%.
	r := fig.Rectification
	got := [7]int{r.Due, r.OnTime, r.Late, r.Open, r.Overdue, r.NotYetDue, r.Unknown}
	if want := [7]int{7, 3, 2, 2, 2, 0, 1}; got != want {
		t.Errorf("rectification due/on time/late/open/overdue/not yet due/unknown = %v, want %v", got, want)
	}
	if r.RateText() != "42.9%" {
		t.Errorf("rate %s, want 42.9%%", r.RateText())
	}
	if len(r.Items) != 8 {
		t.Errorf("%d items, want 8 (7 due and 1 unknown)", len(r.Items))
	}
	for _, it := range r.Items {
		if it.Wenhao == "" || it.Due.IsZero() && it.State != tracking.Unknown {
			t.Errorf("item without number or due day: %+v", it)
		}
	}
	if len(fig.Undated) != 0 {
		t.Errorf("undated: %v", fig.Undated)
	}

	// The same year judged earlier: answers not yet arrived do not count.
	// On 15 Dec 2025: #11 (due 31 Dec) is open and not yet due.
	fig, err = stats.Annual(f.ctx, f.docs, cal, office.ID, 2025, day(t, "2025-12-15"))
	if err != nil {
		t.Fatal(err)
	}
	r = fig.Rectification
	got = [7]int{r.Due, r.OnTime, r.Late, r.Open, r.Overdue, r.NotYetDue, r.Unknown}
	if want := [7]int{7, 3, 2, 2, 1, 1, 1}; got != want || r.RateText() != "50.0%" {
		t.Errorf("on 2025-12-15: %v %s, want %v 50.0%%", got, r.RateText(), [7]int{7, 3, 2, 2, 1, 1, 1})
	}
	// On 1 Jun 2025: on time #1, late #6; #2 (due 30 May, its answer comes
	// 10 Jun) overdue; #3 #4 #10 #11 not yet due. Rate 1 / (1+1+1).
	fig, err = stats.Annual(f.ctx, f.docs, cal, office.ID, 2025, day(t, "2025-06-01"))
	if err != nil {
		t.Fatal(err)
	}
	r = fig.Rectification
	got = [7]int{r.Due, r.OnTime, r.Late, r.Open, r.Overdue, r.NotYetDue, r.Unknown}
	if want := [7]int{7, 1, 1, 5, 1, 4, 1}; got != want || r.RateText() != "33.3%" {
		t.Errorf("on 2025-06-01: %v %s, want %v 33.3%%", got, r.RateText(), [7]int{7, 1, 1, 5, 1, 4, 1})
	}

	// Every office: #13 joins (Apr, unit A, 6 problems, due 1 May, overdue),
	// and the units' 整改情况报告 (#1 #2 #4 #10 in 2025; #6's answer in
	// Jan, #11's in 2026) — 5 answers dated 2025.
	fig, err = stats.Annual(f.ctx, f.docs, cal, "", 2025, day(t, "2026-01-20"))
	if err != nil {
		t.Fatal(err)
	}
	if fig.Issued != 16 || fig.Problems != 16 || fig.ByMonth[3] != 1 || fig.Rectification.Overdue != 3 {
		t.Errorf("every office: issued %d (want 16), problems %d (want 16), April %d (want 1), overdue %d (want 3)",
			fig.Issued, fig.Problems, fig.ByMonth[3], fig.Rectification.Overdue)
	}

	// 2024: #6 only (its rectification is 2025's).
	fig, err = stats.Annual(f.ctx, f.docs, cal, office.ID, 2024, day(t, "2026-01-20"))
	if err != nil {
		t.Fatal(err)
	}
	if fig.Issued != 1 || fig.ByMonth[10] != 1 || fig.Rectification.Due != 0 || fig.Rectification.RateText() != "—" {
		t.Errorf("2024: issued %d, Nov %d, due %d, rate %s; want 1, 1, 0, —", fig.Issued, fig.ByMonth[10], fig.Rectification.Due, fig.Rectification.RateText())
	}
}

func TestRate(t *testing.T) {
	for _, c := range []struct {
		r    stats.Rectification
		want string
	}{
		{stats.Rectification{}, "—"},
		{stats.Rectification{Due: 2, Open: 2, NotYetDue: 2}, "—"},
		{stats.Rectification{Due: 3, OnTime: 3}, "100.0%"},
		{stats.Rectification{Due: 3, OnTime: 2, Late: 1}, "66.7%"},
		{stats.Rectification{Due: 3, OnTime: 1, Open: 2, Overdue: 2}, "33.3%"},
		{stats.Rectification{Due: 8, OnTime: 7, Late: 1}, "87.5%"},        // exact
		{stats.Rectification{Due: 2000, OnTime: 1999, Late: 1}, "100.0%"}, // 99.95 rounds half up
		{stats.Rectification{Due: 2000, OnTime: 1, Late: 1999}, "0.1%"},   // 0.05 rounds half up
		{stats.Rectification{Due: 1, Late: 1}, "0.0%"},
	} {
		if got := c.r.RateText(); got != c.want {
			t.Errorf("%+v: %s, want %s", c.r, got, c.want)
		}
	}
}

// TestAnnualReportRendered fills the 年度报告 with the hand-counted figures
// and checks the document: the schema accepts them, the tables and the text
// carry them, and the chart is a valid PNG of the months, shown in the body.
func TestAnnualReportRendered(t *testing.T) {
	f := handCounted(t)
	fig, err := stats.Annual(f.ctx, f.docs, deadline.Builtin(), office.ID, 2025, day(t, "2026-01-20"))
	if err != nil {
		t.Fatal(err)
	}
	// The context survives JSON, as the HTTP service sends it.
	ctxJSON, err := json.Marshal(fig.Context())
	if err != nil {
		t.Fatal(err)
	}
	var back map[string]any
	if err := json.Unmarshal(ctxJSON, &back); err != nil {
		t.Fatal(err)
	}
	tpl, err := templates.Builtin(stats.TemplateID)
	if err != nil {
		t.Fatal(err)
	}
	for _, ctx := range []map[string]any{fig.Context(), back} {
		data := maps.Clone(tpl.Example)
		data["统计"] = ctx
		if err := tpl.Validate(data); err != nil {
			t.Fatalf("统计 does not fit the schema: %v", err)
		}
	}
	data := maps.Clone(tpl.Example)
	fig.Fill(data)
	delete(data, "其他数据")
	doc, err := tpl.Render(f.ctx, data, render.Options{})
	if err != nil {
		t.Fatal(err)
	}
	text, err := render.ExtractText(doc, render.TextOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"2025年，我局共制发公文10件，对4个单位开展行政执法监督，在监督文书中指出问题10个。整改期限在本年度届满的监督文书7件，其中按期整改3件，逾期整改2件，尚未整改2件，整改按期率42.9%。",
		"表1　2025年度行政执法监督主要数据",
		"整改期限在本年度届满的监督文书（件）\t7",
		"其中：已逾期（件）\t2",
		"整改按期率\t42.9%",
		"1\t行政执法监督通知书\t通知\t3",
		"5\t印发实施方案的通知\t通知\t1",
		"合计\t10",
		"月份\t1\t2\t3\t4\t5\t6\t7\t8\t9\t10\t11\t12\t合计",
		"件数\t2\t1\t2\t0\t1\t0\t1\t0\t0\t1\t1\t1\t10",
		"图1　2025年度各月制发公文件数（横轴为月份，纵轴为件数）",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	if strings.Contains(text, "开展行政执法检查") {
		t.Error("其他数据 removed, yet its rows are printed")
	}

	parts := unzip(t, doc)
	img, ok := parts["word/media/chart.png"]
	if !ok {
		t.Fatal("no word/media/chart.png")
	}
	if _, err := png.Decode(strings.NewReader(img)); err != nil {
		t.Fatalf("the chart is not a valid PNG: %v", err)
	}
	want, err := stats.ChartPNG(fig)
	if err != nil {
		t.Fatal(err)
	}
	if img != string(want) {
		t.Error("the report's chart is not ChartPNG of its figures")
	}
	empty, _ := stats.ChartPNG(&stats.Figures{Year: 2025})
	if img == string(empty) {
		t.Error("the chart is the chart of no documents")
	}
	if !strings.Contains(parts["word/_rels/document.xml.rels"], `Target="media/chart.png"`) ||
		!strings.Contains(parts["word/document.xml"], `<a:blip r:embed="rId6"/>`) ||
		!strings.Contains(parts["word/_rels/document.xml.rels"], `Id="rId6" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/chart.png"`) {
		t.Error("document.xml does not show media/chart.png")
	}
}

// unzip returns the parts of a .docx.
func unzip(t *testing.T, docx []byte) map[string]string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(docx), int64(len(docx)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	out := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name] = string(b)
	}
	return out
}
