package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gongwen/gongwen/render"
)

func gongwen(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestRenderBuiltinExample(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "通知.docx")
	code, out, errs := gongwen(t, "render", "--template", "监督通知书", "--example", "--out", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "已生成 "+path) {
		t.Errorf("stdout %q", out)
	}
	doc, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text, err := render.ExtractText(doc, render.TextOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"乌司发〔2026〕48号", "2026年3月5日", "抄送："} {
		if !strings.Contains(text, want) {
			t.Errorf("document text lacks %q", want)
		}
	}
	if strings.Contains(text, "{{") || strings.Contains(text, "{%") {
		t.Errorf("template tags left in the document:\n%s", text)
	}
	// No temporary files are left beside the output.
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("files left in the output folder: %v", entries)
	}
}

func TestRenderDataFileAndErrors(t *testing.T) {
	dir := t.TempDir()
	// Valid data: the example, with another number.
	_, js, _ := gongwen(t, "templates", "--json")
	var all []struct {
		ID      string         `json:"id"`
		Name    string         `json:"name"`
		WenZh   string         `json:"文种"`
		Fields  []any          `json:"fields"`
		Example map[string]any `json:"example"`
	}
	if err := json.Unmarshal([]byte(js), &all); err != nil {
		t.Fatalf("templates --json is not JSON: %v", err)
	}
	if len(all) != 6 {
		t.Fatalf("%d built-ins, want 6", len(all))
	}
	for _, tpl := range all {
		if tpl.ID == "" || tpl.Name == "" || tpl.WenZh == "" || len(tpl.Fields) == 0 || len(tpl.Example) == 0 {
			t.Errorf("incomplete entry %+v", tpl.ID)
		}
	}
	data := all[1].Example
	data["序号"] = 7
	b, _ := json.Marshal(data)
	dataPath := filepath.Join(dir, "d.json")
	os.WriteFile(dataPath, b, 0o644)
	out := filepath.Join(dir, "o.docx")
	if code, _, errs := gongwen(t, "render", "--template", all[1].ID, "--data", dataPath, "--out", out); code != 0 {
		t.Fatalf("render with a data file: exit %d %s", code, errs)
	}
	doc, _ := os.ReadFile(out)
	text, _ := render.ExtractText(doc, render.TextOptions{})
	if !strings.Contains(text, "〔2026〕7号") {
		t.Errorf("number 7 not in the document")
	}

	os.WriteFile(dataPath, []byte("{\n  \"标题\": \"x\",\n}"), 0o644)
	code, _, errs := gongwen(t, "render", "--template", "监督通知书", "--data", dataPath, "--out", out)
	if code != 1 || !strings.Contains(errs, "第3行第1列") {
		t.Errorf("bad JSON: exit %d, %q", code, errs)
	}
	os.WriteFile(dataPath, []byte(`{"标题": "关于……的通知"}`), 0o644)
	code, _, errs = gongwen(t, "render", "--template", "监督通知书", "--data", dataPath, "--out", out)
	if code != 1 || !strings.Contains(errs, "被监督单位") || !strings.Contains(errs, "成文日期") {
		t.Errorf("missing fields: exit %d, %q", code, errs)
	}
	// The earlier document is still whole: a failed render writes nothing.
	if again, _ := os.ReadFile(out); !bytes.Equal(again, doc) {
		t.Error("a failed render changed the existing output file")
	}
	code, _, errs = gongwen(t, "render", "--template", "不存在", "--example")
	if code != 1 || !strings.Contains(errs, "监督通知书") {
		t.Errorf("unknown template: exit %d, %q", code, errs)
	}
	if code, _, _ := gongwen(t, "render", "--example"); code != exitUsage {
		t.Errorf("no --template: exit %d", code)
	}
	if code, _, _ := gongwen(t, "nosuch"); code != exitUsage {
		t.Errorf("unknown command: exit %d", code)
	}
}

func TestTemplateCheck(t *testing.T) {
	code, out, _ := gongwen(t, "template", "check", "建议书")
	if code != 0 || !strings.Contains(out, "没有发现错误") || !strings.Contains(out, "问题清单") {
		t.Errorf("built-in check: exit %d\n%s", code, out)
	}
	bad := filepath.Join("..", "..", "..", "shared", "docxtpl-suite", "template_error_0.docx")
	if _, err := os.Stat(bad); err != nil {
		t.Skip("shared/docxtpl-suite not beside the repository")
	}
	code, out, _ = gongwen(t, "template", "check", bad, "--json")
	var rep struct {
		OK     bool `json:"ok"`
		Errors []struct {
			Where, Error string
		} `json:"errors"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("--json output: %v\n%s", err, out)
	}
	if code != 1 || rep.OK || len(rep.Errors) != 1 || !strings.Contains(rep.Errors[0].Where, "正文第5段") {
		t.Errorf("stray endif: exit %d %+v", code, rep)
	}
}
