package tracking_test

import (
	"context"
	"maps"
	"strings"
	"testing"

	"github.com/gongwen/gongwen/archive"
	"github.com/gongwen/gongwen/deadline"
	"github.com/gongwen/gongwen/issuing"
	"github.com/gongwen/gongwen/templates"
	"github.com/gongwen/gongwen/tracking"
)

// office is the 司法局 whose notices are tracked; unit the 市场监管局 that
// answers them; other a second 司法局.
var (
	office = &archive.Profile{ID: "wlmq-sfj", Name: "乌鲁木齐市司法局", Mark: "乌鲁木齐市司法局文件",
		Daizi: map[string]string{"默认": "乌司发"}, Printer: "乌鲁木齐市司法局办公室", Fonds: "J012", OrgCode: "FZK"}
	unit = &archive.Profile{ID: "wlmq-scjg", Name: "乌鲁木齐市市场监督管理局", Mark: "乌鲁木齐市市场监督管理局文件",
		Daizi: map[string]string{"默认": "乌市监报"}, Printer: "乌鲁木齐市市场监督管理局办公室", Fonds: "J020", OrgCode: "FZK"}
	other = &archive.Profile{ID: "tsq-sfj", Name: "天山区司法局", Mark: "天山区司法局文件",
		Daizi: map[string]string{"默认": "天司发"}, Printer: "天山区司法局办公室", Fonds: "J101", OrgCode: "FZK"}
)

// archiveFixture is a small real archive: documents issued through
// issuing.Issuer into a file store.
type archiveFixture struct {
	t     *testing.T
	ctx   context.Context
	store archive.Store
	is    *issuing.Issuer
	docs  *archive.Documents
}

func newArchive(t *testing.T) *archiveFixture {
	store, err := archive.OpenFileStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	is := issuing.New(store)
	return &archiveFixture{t: t, ctx: context.Background(), store: store, is: is, docs: is.Documents}
}

// issue issues a document from a built-in template's example with changes.
func (a *archiveFixture) issue(tplID string, p *archive.Profile, change map[string]any) *archive.Record {
	a.t.Helper()
	tpl, err := templates.Builtin(tplID)
	if err != nil {
		a.t.Fatal(err)
	}
	data := maps.Clone(tpl.Example)
	maps.Copy(data, change)
	data["机关代字"] = p.DaiziFor(tplID)
	res, err := a.is.Issue(a.ctx, issuing.Request{Template: tpl, Data: data, Author: "测试", Profile: p})
	if err != nil {
		a.t.Fatalf("issue %s: %v", tplID, err)
	}
	return res.Record
}

func (a *archiveFixture) notice(tplID string, p *archive.Profile, dated, printed, term string) *archive.Record {
	return a.issue(tplID, p, map[string]any{"成文日期": dated, "印发日期": printed, "整改期限": term})
}

func (a *archiveFixture) answer(to *archive.Record, dated string) *archive.Record {
	return a.issue("整改情况报告", unit, map[string]any{"成文日期": dated, "印发日期": dated, "答复文件": to.Wenhao})
}

func (a *archiveFixture) received(r *archive.Record, date string) {
	a.t.Helper()
	if _, err := a.docs.SetReceived(a.ctx, r.Year, r.ID, date); err != nil {
		a.t.Fatal(err)
	}
}

func (a *archiveFixture) void(r *archive.Record) {
	a.t.Helper()
	if _, err := a.docs.UpdateRecord(a.ctx, r.Year, r.ID, func(r *archive.Record) error {
		r.Status, r.StatusReason = archive.StatusVoid, "测试作废"
		return nil
	}); err != nil {
		a.t.Fatal(err)
	}
}

func day(t *testing.T, s string) deadline.Date {
	d, err := deadline.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestListStates(t *testing.T) {
	a := newArchive(t)
	cal := deadline.Builtin()

	// Received 3 Sept; 30 days end 3 Oct, in 国庆, so the term runs to
	// 8 Oct; answered on 8 Oct: on time.
	onTime := a.notice("监督通知书", office, "2026-09-01", "2026-09-02", "自收到本通知之日起30日内")
	a.received(onTime, "2026-09-03")
	a.answer(onTime, "2026-10-08")
	// No receipt recorded: counted from the 印发日期 28 Sept; 10 working
	// days end 16 Oct (国庆 skipped, make-up Saturday 10 Oct counted).
	// Answered on 19 Oct by a report imported before gongwen, whose
	// RespondsTo is the 发文字号 as typed with square brackets: late by 3.
	late := a.notice("建议书", office, "2026-09-25", "2026-09-28", "自收到本建议书之日起10个工作日内")
	lateAnswer := importedAnswer(a, strings.NewReplacer("〔", "[", "〕", "]").Replace(late.Wenhao), "2026-10-19")
	// A fixed day 30 Nov, five days after today: due soon.
	soon := a.notice("决定书", office, "2026-10-20", "2026-10-20", "2026年11月30日前")
	// Received 12 Oct (Monday); 15 working days end 2 Nov; only a void
	// report answers it: overdue.
	overdue := a.notice("监督通知书", office, "2026-10-09", "2026-10-09", "自收到本通知之日起15个工作日内")
	a.received(overdue, "2026-10-12")
	a.void(a.answer(overdue, "2026-10-30"))
	// 30 days from 10 Nov end on Thursday 10 Dec: open.
	open := a.notice("监督通知书", office, "2026-11-10", "2026-11-10", "自收到本通知之日起30日内")
	// A term nobody can read.
	unknown := a.notice("监督通知书", office, "2026-11-02", "2026-11-02", "尽快")
	// Not tracked: a void notice, another office's, one before the period,
	// one to another unit, and the reports themselves.
	a.void(a.notice("监督通知书", office, "2026-10-01", "2026-10-01", "自收到本通知之日起30日内"))
	a.notice("监督通知书", other, "2026-10-01", "2026-10-01", "自收到本通知之日起30日内")
	a.notice("监督通知书", office, "2025-12-01", "2025-12-01", "自收到本通知之日起30日内")
	elsewhere := a.issue("监督通知书", office, map[string]any{"成文日期": "2026-10-05", "印发日期": "2026-10-05",
		"整改期限": "自收到本通知之日起30日内", "被监督单位": "乌鲁木齐市交通运输局"})

	rep, err := tracking.List(a.ctx, a.docs, cal, tracking.Query{
		Org: "wlmq-sfj", Unit: "乌鲁木齐市市场监督管理局",
		From: day(t, "2026-01-01"), To: day(t, "2026-12-31"), Today: day(t, "2026-11-25"), Within: 7,
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		rec       *archive.Record
		state     tracking.State
		due       string
		startFrom string
	}{
		{overdue, tracking.Overdue, "2026-11-02", tracking.FromReceived},
		{soon, tracking.DueSoon, "2026-11-30", ""},
		{open, tracking.Open, "2026-12-10", tracking.FromPrinted},
		{late, tracking.Late, "2026-10-16", tracking.FromPrinted},
		{onTime, tracking.OnTime, "2026-10-08", tracking.FromReceived},
		{unknown, tracking.Unknown, "", ""},
	}
	if len(rep.Items) != len(want) {
		for _, it := range rep.Items {
			t.Logf("%s %s %s", it.Wenhao, it.Unit, it.State)
		}
		t.Fatalf("%d items, want %d", len(rep.Items), len(want))
	}
	for i, w := range want {
		it := rep.Items[i]
		if it.ID != w.rec.ID || it.State != w.state || it.Due.String() != w.due || it.StartFrom != w.startFrom {
			t.Errorf("item %d: %s %s due %s from %q; want %s %s due %s from %q",
				i, it.Wenhao, it.State, it.Due, it.StartFrom, w.rec.Wenhao, w.state, w.due, w.startFrom)
		}
	}
	byID := map[string]tracking.Item{}
	for _, it := range rep.Items {
		byID[it.ID] = it
	}
	if it := byID[overdue.ID]; it.DaysLeft != -23 || len(it.Answers) != 0 {
		t.Errorf("overdue: %d days left, answers %v (a void report must not count)", it.DaysLeft, it.Answers)
	}
	if it := byID[soon.ID]; it.DaysLeft != 5 {
		t.Errorf("due soon: %d days left", it.DaysLeft)
	}
	if it := byID[late.ID]; it.DaysLate != 3 || len(it.Answers) != 1 || it.Answers[0].ID != lateAnswer.ID {
		t.Errorf("late: %+v", it)
	}
	if it := byID[onTime.ID]; !strings.Contains(it.DueNote, "国庆节") || it.Answers[0].Date.String() != "2026-10-08" || it.Answers[0].From != tracking.FromPrinted {
		t.Errorf("on time: %+v", it)
	}
	if it := byID[unknown.ID]; !strings.Contains(it.Problem, "尽快") {
		t.Errorf("unknown: problem %q", it.Problem)
	}
	c := rep.Counts
	if c != (tracking.Counts{Open: 1, DueSoon: 1, Overdue: 1, OnTime: 1, Late: 1, Unknown: 1, Total: 6}) {
		t.Errorf("counts %+v", c)
	}

	// The look-ahead: with 4 days, the decision due in 5 is open.
	rep, _ = tracking.List(a.ctx, a.docs, cal, tracking.Query{Org: "wlmq-sfj", Unit: "乌鲁木齐市市场监督管理局",
		From: day(t, "2026-01-01"), Today: day(t, "2026-11-25"), Within: 4})
	if rep.Counts.DueSoon != 0 || rep.Counts.Open != 2 {
		t.Errorf("within 4 days: %+v", rep.Counts)
	}
	// Without filters: every office, unit and year, still no void notice.
	rep, _ = tracking.List(a.ctx, a.docs, cal, tracking.Query{Today: day(t, "2026-11-25"), Within: 7})
	if rep.Counts.Total != 9 {
		t.Errorf("no filters: %d documents, want 9", rep.Counts.Total)
	}
	found := false
	for _, it := range rep.Items {
		found = found || it.ID == elsewhere.ID
		if it.Category == "整改情况报告" || it.Unit == "" {
			t.Errorf("tracked what it should not: %+v", it)
		}
	}
	if !found {
		t.Error("the notice to another unit is missing from the unfiltered list")
	}

	// Recording the receipt moves the count's start: received on 13 Nov,
	// the open notice now runs to Sunday 13 Dec, so Monday 14 Dec.
	a.received(open, "2026-11-13")
	rep, _ = tracking.List(a.ctx, a.docs, cal, tracking.Query{Org: "wlmq-sfj", Today: day(t, "2026-11-25")})
	for _, it := range rep.Items {
		if it.ID == open.ID && (it.Due.String() != "2026-12-14" || it.StartFrom != tracking.FromReceived) {
			t.Errorf("after the receipt: due %s from %s", it.Due, it.StartFrom)
		}
	}
}

// importedAnswer stores a 整改情况报告 the way an import does: a record
// whose RespondsTo is the 发文字号 as it was typed.
func importedAnswer(a *archiveFixture, respondsTo, dated string) *archive.Record {
	a.t.Helper()
	id := archive.NewID(day(a.t, dated).Time())
	v, err := a.docs.PutVersion(a.ctx, 2026, id, 1, []byte("报告正文"), "导入", "")
	if err != nil {
		a.t.Fatal(err)
	}
	r := &archive.Record{ID: id, Wenhao: "乌市监报〔2026〕30号", Daizi: "乌市监报", Year: 2026, Seq: 30, WenZhong: "报告",
		Title: "关于整改情况的报告", Date: dated, RespondsTo: respondsTo, Versions: []archive.Version{v}, Status: archive.StatusIssued}
	if err := a.docs.CreateRecord(a.ctx, r); err != nil {
		a.t.Fatal(err)
	}
	return r
}

func TestMissingCalendarYearIsUnknown(t *testing.T) {
	a := newArchive(t)
	// 30 days from 20 Dec 2026 end in January 2027, for which no
	// arrangement is embedded.
	n := a.notice("监督通知书", office, "2026-12-20", "2026-12-20", "自收到本通知之日起30日内")
	rep, err := tracking.List(a.ctx, a.docs, deadline.Builtin(), tracking.Query{Today: day(t, "2026-12-28")})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Items) != 1 || rep.Items[0].ID != n.ID || rep.Items[0].State != tracking.Unknown ||
		!strings.Contains(rep.Items[0].Problem, "2027") || !strings.Contains(rep.Items[0].Problem, "gongwen calendar set") {
		t.Fatalf("%+v", rep.Items)
	}
	// Once the administrator stores 2027, the term is computed.
	y, err := deadline.ParseYear([]byte(`{"year": 2027, "source": "测试", "holidays": [{"name": "元旦", "from": "2027-01-01", "to": "2027-01-03"}]}`), "2027.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := deadline.SaveOverride(a.ctx, a.store, y, "admin", day(t, "2026-12-28").Time()); err != nil {
		t.Fatal(err)
	}
	cal, err := deadline.Load(a.ctx, a.store)
	if err != nil {
		t.Fatal(err)
	}
	rep, _ = tracking.List(a.ctx, a.docs, cal, tracking.Query{Today: day(t, "2026-12-28")})
	if rep.Items[0].State != tracking.Open || rep.Items[0].Due.String() != "2027-01-19" {
		t.Errorf("with 2027: %+v", rep.Items[0])
	}
}
