package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestArchiveWorkflow walks the archive commands as an office would use
// them on the embedded file store: register the office, issue, reserve
// and void numbers, correct, file, verify — and see a tampered file caught.
func TestArchiveWorkflow(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	t.Setenv("GONGWEN_INDEX_DIR", filepath.Join(dir, "index"))
	prof := filepath.Join(dir, "office.json")
	os.WriteFile(prof, []byte(`{"id": "wlmq-sfj", "名称": "乌鲁木齐市司法局", "发文机关标志": "乌鲁木齐市司法局文件",
		"机关代字": {"默认": "乌司发", "年度报告": "乌司报"}, "印发机关": "乌鲁木齐市司法局办公室",
		"全宗号": "J012", "机构代码": "FZK", "联系人": "王明", "联系电话": "0991-1234567"}`), 0o644)
	must := func(args ...string) string {
		t.Helper()
		code, out, errs := gongwen(t, append(args, "--data-dir", data)...)
		if code != 0 {
			t.Fatalf("gongwen %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errs)
		}
		return out
	}
	must("profile", "set", prof)
	if out := must("profile", "list"); !strings.Contains(out, "wlmq-sfj") || !strings.Contains(out, "乌司报") {
		t.Errorf("profile list: %s", out)
	}
	out := must("issue", "--template", "监督通知书", "--example", "--profile", "wlmq-sfj")
	if !strings.Contains(out, "已发文：乌司发〔2026〕1号") {
		t.Fatalf("issue: %s", out)
	}
	docPath := regexp.MustCompile(`存储位置：file:(\S+)`).FindStringSubmatch(out)
	if docPath == nil {
		t.Fatalf("no location in %s", out)
	}
	out = must("issue", "--template", "年度报告", "--example", "--profile", "wlmq-sfj", "--json")
	var rec struct {
		Wenhao string `json:"wenhao"`
		Title  string `json:"title"`
	}
	if err := json.Unmarshal([]byte(out), &rec); err != nil || rec.Wenhao != "乌司报〔2026〕1号" {
		t.Fatalf("issue --json with the office's 机关代字 for 年度报告: %v %s", err, out)
	}
	must("numbers", "--prefix", "乌司发", "--year", "2026", "--reserve", "--reason", "线下签发")
	code, _, errs := gongwen(t, "numbers", "--prefix", "乌司发", "--year", "2026", "--void", "2", "--data-dir", data)
	if code == 0 || !strings.Contains(errs, "原因") {
		t.Errorf("void without a reason: exit %d %s", code, errs)
	}
	must("numbers", "--prefix", "乌司发", "--year", "2026", "--void", "2", "--reason", "未签发")
	out = must("numbers", "--prefix", "乌司发", "--year", "2026")
	for _, want := range []string{"乌司发〔2026〕1号\t已发文", "乌司发〔2026〕2号\t作废\t", "未签发", "没有无法解释的空号"} {
		if !strings.Contains(out, want) {
			t.Errorf("numbers lacks %q:\n%s", want, out)
		}
	}
	// A correction keeps the number; filing then freezes the document.
	src, _ := os.ReadFile(docPath[1])
	fixed := filepath.Join(dir, "fixed.docx")
	os.WriteFile(fixed, src, 0o644)
	if out := must("revise", "--wenhao", "乌司发[2026]1号", "--docx", fixed, "--note", "更正错字"); !strings.Contains(out, "第2版") {
		t.Errorf("revise: %s", out)
	}
	if out := must("file", "--wenhao", "乌司发〔2026〕1号", "--retention", "永久", "--profile", "wlmq-sfj"); !strings.Contains(out, "J012-WS·2026-Y-FZK-0001") {
		t.Errorf("file: %s", out)
	}
	code, _, errs = gongwen(t, "revise", "--wenhao", "乌司发〔2026〕1号", "--docx", fixed, "--note", "再改", "--data-dir", data)
	if code != 1 || !strings.Contains(errs, "已归档") {
		t.Errorf("revise after filing: exit %d %s", code, errs)
	}
	if out := must("verify"); !strings.Contains(out, "没有发现问题") || !strings.Contains(out, "版本 3 个") {
		t.Errorf("verify: %s", out)
	}
	// Issued documents are searchable at once; a rebuild finds the same.
	for _, step := range []string{"issued", "reindexed"} {
		code, out, errs := gongwen(t, "search", "调查取证", "--json")
		var res struct {
			Total int `json:"total"`
			Hits  []struct {
				Wenhao  string `json:"wenhao"`
				Snippet string `json:"snippet"`
			} `json:"hits"`
		}
		if code != 0 || json.Unmarshal([]byte(out), &res) != nil || res.Total != 1 || res.Hits[0].Wenhao != "乌司发〔2026〕1号" ||
			!strings.Contains(res.Hits[0].Snippet, "<mark>调查取证</mark>") {
			t.Errorf("search after %s: exit %d %s %s", step, code, out, errs)
		}
		if step == "issued" {
			must("reindex")
		}
	}
	if out := must("reindex", "--check"); !strings.Contains(out, "一致") {
		t.Errorf("reindex --check: %s", out)
	}
	if code, _, errs := gongwen(t, "search", "年度:二〇二六"); code != exitUsage || !strings.Contains(errs, "四位年份") {
		t.Errorf("bad query: exit %d %s", code, errs)
	}
	// One changed byte in a stored version is found and named.
	b, _ := os.ReadFile(docPath[1])
	b[len(b)/2] ^= 0xff
	os.WriteFile(docPath[1], b, 0o644)
	code, out, _ = gongwen(t, "verify", "--data-dir", data)
	if code != 1 || !strings.Contains(out, "内容与 SHA-256 不符：1") || !strings.Contains(out, "乌司发〔2026〕1号 第1版") {
		t.Errorf("tampering not reported: exit %d\n%s", code, out)
	}
	// Another office's 机关代字 is refused.
	bad := filepath.Join(dir, "bad.json")
	var ex map[string]any
	_, js, _ := gongwen(t, "templates", "--json")
	var all []struct {
		ID      string         `json:"id"`
		Example map[string]any `json:"example"`
	}
	json.Unmarshal([]byte(js), &all)
	for _, tpl := range all {
		if tpl.ID == "监督通知书" {
			ex = tpl.Example
		}
	}
	ex["机关代字"] = "昌司发"
	eb, _ := json.Marshal(ex)
	os.WriteFile(bad, eb, 0o644)
	code, _, errs = gongwen(t, "issue", "--template", "监督通知书", "--data", bad, "--profile", "wlmq-sfj", "--data-dir", data)
	if code != 1 || !strings.Contains(errs, "不属于") {
		t.Errorf("foreign 机关代字: exit %d %s", code, errs)
	}
}
