package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"image/png"
	"io"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gongwen/gongwen/render"
	"github.com/gongwen/gongwen/templates"
)

// TestAnnualCommand issues a few documents, prints the year's figures,
// renders the report as a draft and issues it.
func TestAnnualCommand(t *testing.T) {
	w := newWorkspace(t)
	dir, run, must, write, issue := w.dir, w.run, w.must, w.write, w.issue
	must("profile", "set", write("sfj.json", map[string]any{"id": "wlmq-sfj", "名称": "乌鲁木齐市司法局", "发文机关标志": "乌鲁木齐市司法局文件",
		"机关代字": map[string]string{"默认": "乌司发", "年度报告": "乌司报"}, "印发机关": "乌鲁木齐市司法局办公室", "全宗号": "J012", "机构代码": "FZK"}))
	must("profile", "set", write("scjg.json", map[string]any{"id": "wlmq-scjg", "名称": "乌鲁木齐市市场监督管理局", "发文机关标志": "乌鲁木齐市市场监督管理局文件",
		"机关代字": map[string]string{"默认": "乌市监报"}, "印发机关": "乌鲁木齐市市场监督管理局办公室", "全宗号": "J020", "机构代码": "FZK"}))

	// 2025: a notice in January answered on time, an advice in March never
	// answered, a decision in November due in 2026. The examples point out
	// 3 problems each (发现问题, 问题清单).
	n1 := issue("监督通知书", "wlmq-sfj", map[string]any{"成文日期": "2025-01-10", "印发日期": "2025-01-10", "整改期限": "2025年3月31日前"})
	n2 := issue("建议书", "wlmq-sfj", map[string]any{"成文日期": "2025-03-05", "印发日期": "2025-03-05", "整改期限": "2025年5月30日前",
		"被监督单位": "乌鲁木齐市交通运输局"})
	issue("决定书", "wlmq-sfj", map[string]any{"成文日期": "2025-11-20", "印发日期": "2025-11-20", "整改期限": "2026年1月31日前"})
	issue("整改情况报告", "wlmq-scjg", map[string]any{"成文日期": "2025-03-20", "印发日期": "2025-03-20", "答复文件": n1})

	out, _ := must("annual", "--org", "wlmq-sfj", "--year", "2025", "--as-of", "2026-01-20")
	for _, want := range []string{
		"2025年度行政执法监督统计：乌鲁木齐市司法局（wlmq-sfj）；整改情况截至 2026-01-20",
		"制发公文 3 件",
		"行政执法监督通知书\t通知\t1\n行政执法协调监督建议书\t意见\t1\n行政执法监督决定书\t决定\t1\n",
		"月份\t1\t2\t3\t4\t5\t6\t7\t8\t9\t10\t11\t12\t合计\n件数\t1\t0\t1\t0\t0\t0\t0\t0\t0\t0\t1\t0\t3\n",
		"监督的单位 2 个：\n被监督单位\t件数\n乌鲁木齐市市场监督管理局\t2\n乌鲁木齐市交通运输局\t1\n",
		"指出的问题 6 个",
		"应整改\t2\n按期整改\t1\n逾期整改\t0\n尚未整改\t1（其中已逾期 1，尚未到期 0）\n",
		"整改按期率\t50.0%",
		"已逾期未整改：\n发文字号\t被监督单位\t到期日\t逾期天数\n" + n2 + "\t乌鲁木齐市交通运输局\t2025-05-30\t235\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("annual lacks %q\n%s", want, out)
		}
	}

	// --json: the figures as the HTTP service would send them.
	out, _ = must("annual", "--org", "wlmq-sfj", "--year", "2025", "--as-of", "2026-01-20", "--json")
	var fig struct {
		Issued        int     `json:"issued"`
		ByMonth       [12]int `json:"by_month"`
		AsOf          string  `json:"as_of"`
		Rectification struct {
			Due    int `json:"due"`
			OnTime int `json:"on_time"`
		} `json:"rectification"`
	}
	if err := json.Unmarshal([]byte(out), &fig); err != nil {
		t.Fatalf("--json: %v\n%s", err, out)
	}
	if fig.Issued != 3 || fig.ByMonth[2] != 1 || fig.AsOf != "2026-01-20" || fig.Rectification.Due != 2 || fig.Rectification.OnTime != 1 {
		t.Errorf("--json: %+v", fig)
	}

	// A draft: no number is taken.
	draft := filepath.Join(dir, "草稿.docx")
	out, errs := must("annual", "--org", "wlmq-sfj", "--year", "2025", "--as-of", "2026-01-20", "--out", draft)
	if !strings.Contains(out, "已生成年度报告草稿 "+draft) || !strings.Contains(out, "草稿未分配文号") || !strings.Contains(errs, "取自模板示例") {
		t.Errorf("draft: %s%s", out, errs)
	}
	checkReport(t, draft, []string{"2025年，我局共制发公文3件，对2个单位开展行政执法监督，在监督文书中指出问题6个。整改期限在本年度届满的监督文书2件，其中按期整改1件，逾期整改0件，尚未整改1件，整改按期率50.0%。",
		"乌鲁木齐市司法局文件", "件数\t1\t0\t1\t0\t0\t0\t0\t0\t0\t0\t1\t0\t3"})
	if out, _ := must("numbers", "--prefix", "乌司报", "--year", "2026"); strings.Contains(out, "乌司报〔2026〕1号") {
		t.Errorf("a draft took a number: %s", out)
	}

	// Issued, with the office's own text from --data.
	tpl, _ := templates.Builtin("年度报告")
	mine := maps.Clone(tpl.Example)
	mine["总体情况"] = []any{"本年度我局依法履行行政执法监督职责。"}
	delete(mine, "统计")
	issued := filepath.Join(dir, "年度报告.docx")
	out, _ = must("annual", "--org", "wlmq-sfj", "--year", "2025", "--as-of", "2026-01-20", "--issue", "--data", write("mine.json", mine), "--out", issued)
	if !strings.Contains(out, "已发文：乌司报〔2026〕1号") || !strings.Contains(out, "副本："+issued) {
		t.Errorf("--issue: %s", out)
	}
	checkReport(t, issued, []string{"乌司报〔2026〕1号", "本年度我局依法履行行政执法监督职责。", "整改按期率\t50.0%"})
	// the issued report is a 2026 document: 2025's figures do not change
	out, _ = must("annual", "--org", "wlmq-sfj", "--year", "2025", "--as-of", "2026-01-20")
	if !strings.Contains(out, "制发公文 3 件") {
		t.Errorf("issuing the report changed 2025: %s", out)
	}

	// Mistakes a user can make.
	mine["报告年度"] = 2024
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"annual", "--org", "wlmq-sfj"}, 2, "缺少 --year 统计年度"},
		{[]string{"annual", "--year", "25"}, 2, "--year 25 不是有效的年份"},
		{[]string{"annual", "--year", "2025", "--as-of", "2026-02-30"}, 2, "--as-of："},
		{[]string{"annual", "--year", "2025", "--issue"}, 2, "--issue 须用 --org 指定发文机关"},
		{[]string{"annual", "--year", "2025", "--data", "x.json"}, 2, "--data 是年度报告的内容，须与 --out 或 --issue 一起使用"},
		{[]string{"annual", "--org", "nobody", "--year", "2025"}, 1, "nobody"},
		{[]string{"annual", "--org", "wlmq-sfj", "--year", "2025", "--out", filepath.Join(dir, "x.docx"), "--data", write("bad.json", mine)}, 2, "的报告年度是 2024，与 --year 2025 不一致"},
	} {
		code, out, errs := run(c.args...)
		if code != c.code || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, want %d with %q\n%s%s", c.args, code, c.code, c.want, out, errs)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "x.docx")); err == nil {
		t.Error("a refused report was written")
	}
}

// checkReport opens a rendered report: its text holds want, and its chart
// is a valid PNG that document.xml shows.
func checkReport(t *testing.T, path string, want []string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text, err := render.ExtractText(b, render.TextOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("%s lacks %q", filepath.Base(path), w)
		}
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range zr.File {
		if f.Name != "word/media/chart.png" {
			continue
		}
		rc, _ := f.Open()
		img, _ := io.ReadAll(rc)
		rc.Close()
		if _, err := png.Decode(bytes.NewReader(img)); err != nil {
			t.Errorf("%s: chart is not a PNG: %v", filepath.Base(path), err)
		}
		found = true
	}
	if !found {
		t.Errorf("%s has no chart", filepath.Base(path))
	}
}
