package templates

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestBuiltinsCatalogue(t *testing.T) {
	ts, err := Builtins()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"监督通知书", "建议书", "决定书", "整改情况报告", "年度报告", "实施方案通知"}
	if len(ts) != len(want) {
		t.Fatalf("got %d templates, want %d", len(ts), len(want))
	}
	for i, tp := range ts {
		if tp.ID != want[i] {
			t.Errorf("template %d is %q, want %q", i, tp.ID, want[i])
		}
		if tp.Name == "" || tp.WenZhong == "" || tp.Category == "" || tp.Version < 1 || tp.Description == "" || len(tp.Docx) == 0 {
			t.Errorf("%s: incomplete metadata: %+v", tp.ID, tp)
		}
		for _, f := range tp.Fields {
			if f.Help == "" {
				t.Errorf("%s: field %s has no help text", tp.ID, f.Name)
			}
		}
	}
	wz := map[string]string{"监督通知书": "通知", "建议书": "意见", "决定书": "决定", "整改情况报告": "报告", "年度报告": "报告", "实施方案通知": "通知"}
	for _, tp := range ts {
		if tp.WenZhong != wz[tp.ID] {
			t.Errorf("%s: 文种 %q, want %q", tp.ID, tp.WenZhong, wz[tp.ID])
		}
	}
	one, err := Builtin("建议书")
	if err != nil || one.ID != "建议书" {
		t.Fatalf("Builtin(建议书) = %v, %v", one, err)
	}
	// fresh values: changing one does not change the next
	one.Example["标题"] = "changed"
	again, _ := Builtin("建议书")
	if again.Example["标题"] == "changed" {
		t.Error("Builtin returns shared state")
	}
	_, err = Builtin("通报")
	wantErr := `templates: no built-in template "通报" (have: 监督通知书, 建议书, 决定书, 整改情况报告, 年度报告, 实施方案通知)`
	if err == nil || err.Error() != wantErr {
		t.Errorf("Builtin(通报) error = %v, want %s", err, wantErr)
	}
}

// the shared field names must keep their types across templates
func TestSharedFieldNames(t *testing.T) {
	ts, err := Builtins()
	if err != nil {
		t.Fatal(err)
	}
	shared := map[string]string{
		"发文机关标志": TypeString, "机关代字": TypeString, "年份": TypeInt, "序号": TypeInt,
		"份号": TypeString, "密级": TypeEnum, "保密期限": TypeString, "紧急程度": TypeEnum,
		"标题": TypeString, "主送": TypeString, "发文机关署名": TypeString, "成文日期": TypeDate,
		"附注": TypeString, "抄送": TypeList, "印发机关": TypeString, "印发日期": TypeDate,
		"签发人": TypeString, "被监督单位": TypeString, "附件": TypeList, "整改期限": TypeString, "答复文件": TypeString,
	}
	profile := map[string]bool{"发文机关标志": true, "机关代字": true, "发文机关署名": true, "印发机关": true, "附注": true}
	registry := map[string]bool{"年份": true, "序号": true}
	for _, tp := range ts {
		for _, f := range tp.Fields {
			if typ, ok := shared[f.Name]; ok && typ != f.Type {
				t.Errorf("%s: shared field %s has type %s, want %s", tp.ID, f.Name, f.Type, typ)
			}
			if f.Profile != profile[f.Name] || f.Registry != registry[f.Name] {
				t.Errorf("%s: field %s profile=%v registry=%v", tp.ID, f.Name, f.Profile, f.Registry)
			}
		}
	}
}

func TestExamplesValidate(t *testing.T) {
	ts, err := Builtins()
	if err != nil {
		t.Fatal(err)
	}
	for _, tp := range ts {
		if err := tp.Validate(tp.Example); err != nil {
			t.Errorf("%s: example does not validate: %v", tp.ID, err)
		}
		// as a client would send it: numbers become float64
		if err := tp.Validate(roundTrip(t, tp.Example, false)); err != nil {
			t.Errorf("%s: example (float64) does not validate: %v", tp.ID, err)
		}
		// and with json.Number
		if err := tp.Validate(roundTrip(t, tp.Example, true)); err != nil {
			t.Errorf("%s: example (json.Number) does not validate: %v", tp.ID, err)
		}
		// every schema field appears in the example (complete data)
		for _, f := range tp.Fields {
			if _, ok := tp.Example[f.Name]; !ok {
				t.Errorf("%s: example lacks field %s", tp.ID, f.Name)
			}
		}
	}
}

func roundTrip(t *testing.T, v map[string]any, useNumber bool) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	if useNumber {
		dec.UseNumber()
	}
	var out map[string]any
	if err := dec.Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestValidateReportsEveryProblem(t *testing.T) {
	tp, err := Builtin("监督通知书")
	if err != nil {
		t.Fatal(err)
	}
	d := roundTrip(t, tp.Example, false)
	delete(d, "被监督单位")
	d["标题"] = "   "
	d["成文日期"] = "2026-13-01"
	d["印发日期"] = "2026/3/5"
	d["年份"] = 2026.5
	d["序号"] = 0.0
	d["紧急程度"] = "急件"
	d["份号"] = "12"
	d["附件"] = "清单"
	d["抄送"] = []any{"市政府", 3.0}
	rows := d["发现问题"].([]any)
	delete(rows[1].(map[string]any), "问题")
	rows[2] = "不是对象"
	err = tp.Validate(d)
	if err == nil {
		t.Fatal("broken data validated")
	}
	ve, ok := err.(*ValidationError)
	if !ok {
		t.Fatalf("error is %T, want *ValidationError", err)
	}
	want := []string{
		"缺少必填字段：标题（标题）",
		"缺少必填字段：被监督单位（被监督单位名称）",
		"成文日期：“2026-13-01”不是有效日期（应为 YYYY-MM-DD）",
		"印发日期：“2026/3/5”不是有效日期（应为 YYYY-MM-DD）",
		"年份（发文年份）：应为整数，实际为小数 2026.5",
		"序号（发文顺序号）：0 小于最小值 1",
		"紧急程度（紧急程度）：“急件”不是允许的取值（可选：特急、加急）",
		"份号（份号）：“12”格式不正确",
		"附件（附件名称）：应为文本列表，实际为文本",
		"抄送（抄送机关）第2项：应为文本，实际为整数",
		"缺少必填字段：发现问题第2行.问题（问题概括）",
		"发现问题第3行：应为对象，实际为文本",
	}
	msg := err.Error()
	for _, w := range want {
		if !strings.Contains(msg, w) {
			t.Errorf("error lacks %q\nfull error: %s", w, msg)
		}
	}
	if len(ve.Problems) != len(want) {
		t.Errorf("got %d problems, want %d:\n%s", len(ve.Problems), len(want), strings.Join(ve.Problems, "\n"))
	}
	if !strings.Contains(msg, "；") {
		t.Errorf("problems are not joined with ；: %s", msg)
	}
}

func TestValidateNestedObjectAndIntForms(t *testing.T) {
	tp, err := Builtin("年度报告")
	if err != nil {
		t.Fatal(err)
	}
	d := roundTrip(t, tp.Example, true) // json.Number
	stat := d["统计"].(map[string]any)
	stat["发文总数"] = json.Number("12.5")
	delete(stat["整改"].(map[string]any), "按期率")
	cats := stat["按类别"].([]any)
	cats[0].(map[string]any)["件数"] = "五十八"
	d["报告年度"] = int64(2025) // Go ints are fine too
	err = tp.Validate(d)
	if err == nil {
		t.Fatal("broken data validated")
	}
	for _, w := range []string{
		"统计.发文总数（制发公文总数（件））：应为整数",
		"缺少必填字段：统计.整改.按期率（整改按期率）",
		"统计.按类别第1行.件数（件数）：应为整数，实际为文本“五十八”",
	} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error lacks %q\nfull error: %v", w, err)
		}
	}
	if n := len(err.(*ValidationError).Problems); n != 3 {
		t.Errorf("got %d problems, want 3: %v", n, err)
	}
	// optional fields may be absent
	d = roundTrip(t, tp.Example, false)
	for _, k := range []string{"份号", "密级", "保密期限", "紧急程度", "附注", "抄送", "附件", "其他数据"} {
		delete(d, k)
	}
	if err := tp.Validate(d); err != nil {
		t.Errorf("optional fields absent: %v", err)
	}
}
