package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestTrackingCommands walks 督办 as an office would: issue notices,
// record a receipt, take in the answer, list what is overdue, and keep the
// holiday calendar up to date.
func TestTrackingCommands(t *testing.T) {
	w := newWorkspace(t)
	run, must, write, issue := w.run, w.must, w.write, w.issue
	must("profile", "set", write("sfj.json", map[string]any{"id": "wlmq-sfj", "名称": "乌鲁木齐市司法局", "发文机关标志": "乌鲁木齐市司法局文件",
		"机关代字": map[string]string{"默认": "乌司发"}, "印发机关": "乌鲁木齐市司法局办公室", "全宗号": "J012", "机构代码": "FZK"}))
	must("profile", "set", write("scjg.json", map[string]any{"id": "wlmq-scjg", "名称": "乌鲁木齐市市场监督管理局", "发文机关标志": "乌鲁木齐市市场监督管理局文件",
		"机关代字": map[string]string{"默认": "乌市监报"}, "印发机关": "乌鲁木齐市市场监督管理局办公室", "全宗号": "J020", "机构代码": "FZK"}))

	// 10 working days from a receipt on 28 Sept 2026: 16 Oct, across 国庆
	// and its make-up Saturday. Answered on 19 Oct: late.
	n1 := issue("监督通知书", "wlmq-sfj", map[string]any{"成文日期": "2026-09-25", "印发日期": "2026-09-25", "整改期限": "自收到本通知之日起10个工作日内"})
	// 30 days from 20 Oct: 19 Nov, not answered: overdue on 25 Nov.
	n2 := issue("建议书", "wlmq-sfj", map[string]any{"成文日期": "2026-10-20", "印发日期": "2026-10-20", "整改期限": "自收到本建议书之日起30日内"})
	n3 := issue("决定书", "wlmq-sfj", map[string]any{"成文日期": "2026-11-02", "印发日期": "2026-11-02", "整改期限": "2026年11月27日前"})
	must("received", "--wenhao", strings.NewReplacer("〔", "[", "〕", "]").Replace(n1), "--date", "2026年9月28日")
	issue("整改情况报告", "wlmq-scjg", map[string]any{"成文日期": "2026-10-19", "印发日期": "2026-10-19", "答复文件": n1})

	out, _ := must("overdue", "--org", "wlmq-sfj", "--from", "2026-01-01", "--to", "2026-12-31", "--today", "2026-11-25")
	for _, want := range []string{
		"督办：乌鲁木齐市司法局（wlmq-sfj），成文日期 2026-01-01 至 2026-12-31；截至 2026-11-25",
		"【已逾期】1 件", n2 + "\t乌鲁木齐市市场监督管理局\t2026-10-20\t收到后30日\t2026-10-20（印发日期）\t2026-11-19\t逾期 6 天",
		"【即将到期】1 件", n3 + "\t乌鲁木齐市市场监督管理局\t2026-11-02\t2026年11月27日前（含当日）\t—\t2026-11-27\t还剩 2 天",
		"【逾期答复】1 件", n1 + "\t乌鲁木齐市市场监督管理局\t2026-09-25\t收到后10个工作日\t2026-09-28（送达日期）\t2026-10-16\t乌市监报〔2026〕1号 于 2026-10-19（印发日期）答复，逾期 3 天",
		"合计 3 件：已逾期 1，即将到期 1（7 天内），未到期 0，逾期答复 1，按期答复 0。",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("overdue lacks %q:\n%s", want, out)
		}
	}
	if strings.Index(out, "【已逾期】") > strings.Index(out, "【即将到期】") || strings.Index(out, "【即将到期】") > strings.Index(out, "【逾期答复】") {
		t.Errorf("states out of order:\n%s", out)
	}
	var rep struct {
		Query struct {
			Org    string `json:"org"`
			Today  string `json:"today"`
			Within int    `json:"within"`
		} `json:"query"`
		Items []struct {
			Wenhao   string `json:"wenhao"`
			State    string `json:"state"`
			Due      string `json:"due"`
			DaysLeft int    `json:"days_left"`
		} `json:"items"`
		Counts map[string]int `json:"counts"`
	}
	out, _ = must("overdue", "--org", "wlmq-sfj", "--today", "2026-11-25", "--within", "1", "--json")
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("--json: %v\n%s", err, out)
	}
	if rep.Query.Org != "wlmq-sfj" || rep.Query.Today != "2026-11-25" || rep.Query.Within != 1 || len(rep.Items) != 3 ||
		rep.Counts["overdue"] != 1 || rep.Counts["open"] != 1 || rep.Counts["late"] != 1 || rep.Counts["total"] != 3 {
		t.Errorf("--json: %+v", rep)
	}
	if it := rep.Items[0]; it.Wenhao != n2 || it.State != "overdue" || it.Due != "2026-11-19" || it.DaysLeft != -6 {
		t.Errorf("--json first item: %+v", it)
	}

	// Users' mistakes: each a clear message, nothing changed.
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"overdue", "--from", "2026-13-01"}, "--from：日期“2026-13-01”不存在"},
		{[]string{"overdue", "--from", "2026-12-01", "--to", "2026-01-01"}, "早于 --from"},
		{[]string{"overdue", "--org", "nobody"}, "没有机关“nobody”"},
		{[]string{"received", "--wenhao", n2, "--date", "2026-10-01"}, "早于其成文日期 2026-10-20"},
		{[]string{"received", "--wenhao", "乌司发〔2026〕99号", "--date", "2026-11-01"}, "99"},
		{[]string{"received", "--wenhao", n2}, "用法"},
		{[]string{"calendar", "show", "2031"}, "没有2031年的数据"},
	} {
		code, _, errs := run(c.args...)
		if code == 0 || !strings.Contains(errs, c.want) {
			t.Errorf("gongwen %s: exit %d, stderr %q, want %q", strings.Join(c.args, " "), code, errs, c.want)
		}
	}

	// The calendar: embedded years, a year the administrator adds, a file
	// with a mistake refused with its place.
	out, _ = must("calendar", "show")
	if !strings.Contains(out, "2026\t内置\t工作日 248 天\t国务院办公厅关于2026年部分节假日安排的通知") {
		t.Errorf("calendar show:\n%s", out)
	}
	out, _ = must("calendar", "show", "2026")
	if !strings.Contains(out, "国庆节：2026-10-01（周四）至 2026-10-07（周三）放假，共 7 天；2026-09-20（周日）、2026-10-10（周六）上班") {
		t.Errorf("calendar show 2026:\n%s", out)
	}
	bad := write("2027-bad.json", map[string]any{"year": 2027, "source": "国务院办公厅关于2027年部分节假日安排的通知（测试）",
		"holidays": []any{map[string]any{"name": "元旦", "from": "2027-01-01", "to": "2027-01-03", "work": []string{"2027-01-05"}}}})
	if code, _, errs := run("calendar", "set", bad); code == 0 || !strings.Contains(errs, "2027-01-05 是周二") {
		t.Errorf("calendar set with a weekday as make-up day: exit %d %s", code, errs)
	}
	// An answer to n3 dated in 2027 cannot be judged without 2027… but a
	// term running into 2027 can: issue one, see it unknown, add 2027.
	n4 := issue("监督通知书", "wlmq-sfj", map[string]any{"成文日期": "2026-11-20", "印发日期": "2026-11-20", "整改期限": "自收到本通知之日起50日内"})
	out, _ = must("overdue", "--today", "2026-11-25")
	if !strings.Contains(out, "【期限不明】1 件") || !strings.Contains(out, n4) || !strings.Contains(out, "没有2027年的数据") {
		t.Errorf("a term into 2027 without its calendar:\n%s", out)
	}
	good := write("2027.json", map[string]any{"year": 2027, "source": "国务院办公厅关于2027年部分节假日安排的通知（测试）",
		"holidays": []any{map[string]any{"name": "元旦", "from": "2027-01-01", "to": "2027-01-03"}}})
	if out, _ := must("calendar", "set", good); !strings.Contains(out, "已保存2027年节假日安排") {
		t.Errorf("calendar set: %s", out)
	}
	// 50 days from 20 Nov 2026: Saturday 9 Jan 2027, so Monday 11 Jan.
	out, _ = must("overdue", "--today", "2026-11-25")
	if !strings.Contains(out, n4+"\t乌鲁木齐市市场监督管理局\t2026-11-20\t收到后50日\t2026-11-20（印发日期）\t2027-01-11\t还剩 47 天；期满日 2027-01-09 为休息日，顺延至 2027-01-11") {
		t.Errorf("with 2027 stored:\n%s", out)
	}
	if out, _ := must("calendar", "show"); !strings.Contains(out, "2027\tcalendar/2027.json") {
		t.Errorf("calendar show after set:\n%s", out)
	}
}
