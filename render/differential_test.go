package render

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"testing"
)

// docxtplPython returns the Python that has docxtpl (Debian's python3-docxtpl
// installs it for /usr/bin/python3), or skips the test saying why.
func docxtplPython(t *testing.T) string {
	for _, py := range []string{"/usr/bin/python3", "python3"} {
		if exec.Command(py, "-c", "import docxtpl").Run() == nil {
			return py
		}
	}
	t.Skip("python3-docxtpl is not installed (the README's test command installs it with apt-get)")
	return ""
}

// diffFixtures are the project's own templates with their data.
func diffFixtures(t *testing.T) map[string]struct {
	docx []byte
	data map[string]any
} {
	out := map[string]struct {
		docx []byte
		data map[string]any
	}{}
	add := func(name, body string, data map[string]any) {
		out[name] = struct {
			docx []byte
			data map[string]any
		}{makeDocx(t, body, nil), data}
	}
	add("split-runs", `<w:p><w:r><w:t>致{</w:t></w:r><w:proofErr w:type="spellStart"/><w:r><w:rPr><w:b/></w:rPr><w:t>{ 被监督</w:t></w:r><w:bookmarkStart w:id="1" w:name="b"/><w:r><w:t>单位 }}：</w:t></w:r><w:bookmarkEnd w:id="1"/></w:p>`,
		map[string]any{"被监督单位": "某区市场监督管理局"})
	add("escaping", para(`{{ a }}|{{ b }}|{{ c }}`), map[string]any{"a": `<w:t>&amp; "引号" 'x' {{ y }}`, "b": 3, "c": []any{"<", 1}})
	add("newlines", para(`{{ a }}`), map[string]any{"a": "第一行\n第二行\t制表"})
	add("paragraph-tags", para(`{%p if 密级 %}`)+para(`{{ 密级 }}★{{ 保密期限 }}`)+para(`{%p endif %}`)+
		para(`{%p for x in 要求 %}`)+para(`{{ loop.index }}.{{ x }}`)+para(`{%p endfor %}`),
		map[string]any{"密级": "秘密", "保密期限": "1年", "要求": []any{"甲", "乙", "丙"}})
	add("row-tags", `<w:tbl><w:tblGrid><w:gridCol w:w="1000"/><w:gridCol w:w="3000"/></w:tblGrid>`+
		`<w:tr><w:tc><w:p><w:r><w:t>序号</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>问题</w:t></w:r></w:p></w:tc></w:tr>`+
		`<w:tr><w:tc><w:p><w:r><w:t>{%tr for q in 清单 %}</w:t></w:r></w:p></w:tc><w:tc><w:p/></w:tc></w:tr>`+
		`<w:tr><w:tc><w:p><w:r><w:t>{{ loop.index|cn_num }}</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>{{ q.问题|upper }}</w:t></w:r></w:p></w:tc></w:tr>`+
		`<w:tr><w:tc><w:p><w:r><w:t>{%tr endfor %}</w:t></w:r></w:p></w:tc><w:tc><w:p/></w:tc></w:tr></w:tbl>`,
		map[string]any{"清单": []any{map[string]any{"问题": "a&b"}, map[string]any{"问题": "未亮证"}}})
	add("run-tags", `<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>前{%r if x %}中{%r endif %}后</w:t></w:r></w:p>`, map[string]any{"x": false})
	add("merge", para(`我局`)+para(`{%- if 通过 -%}`)+para(` 同意 `)+para(`{%- else -%}`)+para(` 不同意 `)+para(`{%- endif -%}`)+para(`该方案。`),
		map[string]any{"通过": true})
	add("filters", para(`{{ 日期|cn_date }} {{ 代字|wenhao(年, 号) }} {{ 单位|join("，") }} {{ 无|default("（空）") }} {{ 列|length }}`),
		map[string]any{"日期": "2023-07-13", "代字": "乌司发", "年": 2026, "号": 48, "单位": []any{"甲", "乙"}, "列": []any{1, 2, 3}})
	return out
}

// TestDifferentialDocxtpl renders the project's fixtures and the built-in
// templates with Debian's python3-docxtpl (autoescape on) and with gongwen,
// and compares the text.
func TestDifferentialDocxtpl(t *testing.T) {
	py := docxtplPython(t)
	script, _ := filepath.Abs(filepath.Join("testdata", "docxtpl_render.py"))
	fixtures := diffFixtures(t)
	builtins, _ := filepath.Glob(filepath.Join("..", "templates", "builtin", "*.docx"))
	for _, b := range builtins {
		src, err := os.ReadFile(b)
		if err != nil {
			t.Fatal(err)
		}
		meta, err := os.ReadFile(b[:len(b)-len(".docx")] + ".json")
		if err != nil {
			t.Fatal(err)
		}
		var m struct {
			Example map[string]any `json:"example"`
		}
		if err := json.Unmarshal(meta, &m); err != nil {
			t.Fatal(err)
		}
		fixtures["builtin-"+filepath.Base(b)] = struct {
			docx []byte
			data map[string]any
		}{src, m.Example}
	}
	names := make([]string, 0, len(fixtures))
	for n := range fixtures {
		names = append(names, n)
	}
	sort.Strings(names)
	dir := t.TempDir()
	for _, name := range names {
		f := fixtures[name]
		t.Run(name, func(t *testing.T) {
			tplPath := filepath.Join(dir, "t.docx")
			ctxPath := filepath.Join(dir, "c.json")
			outPath := filepath.Join(dir, "o.docx")
			js, _ := json.Marshal(f.data)
			os.WriteFile(tplPath, f.docx, 0o644)
			os.WriteFile(ctxPath, js, 0o644)
			if out, err := exec.Command(py, script, tplPath, ctxPath, outPath).CombinedOutput(); err != nil {
				t.Fatalf("docxtpl failed: %v\n%s", err, out)
			}
			theirs, err := os.ReadFile(outPath)
			if err != nil {
				t.Fatal(err)
			}
			tpl, err := Parse(f.docx)
			if err != nil {
				t.Fatal(err)
			}
			ours, err := tpl.Render(context.Background(), f.data, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if a, b := pythonDocxText(t, ours), pythonDocxText(t, theirs); a != b {
				t.Errorf("gongwen and docxtpl differ\n--- gongwen\n%s\n--- docxtpl\n%s", a, b)
			}
		})
	}
}
