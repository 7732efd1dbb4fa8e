package render

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
)

func TestChineseVariables(t *testing.T) {
	out := renderBody(t, para(`致{{ 被监督单位 }}：`), map[string]any{"被监督单位": "乌海市市场监督管理局"})
	if got := bodyText(t, out); got != "致乌海市市场监督管理局：" {
		t.Fatalf("got %q", got)
	}
}

// Word splits what a person typed into runs, proofing marks and
// bookmarks; the tag must still be found and its value must take the
// formatting of the run where the tag begins.
func TestTagSplitAcrossRuns(t *testing.T) {
	body := `<w:p><w:r><w:t xml:space="preserve">请</w:t></w:r>` +
		`<w:r><w:rPr><w:b/></w:rPr><w:t>{</w:t></w:r>` +
		`<w:proofErr w:type="spellStart"/><w:r><w:rPr><w:i/></w:rPr><w:t>{ 被监</w:t></w:r>` +
		`<w:bookmarkStart w:id="0" w:name="x"/><w:r><w:t>督单位 }</w:t></w:r><w:bookmarkEnd w:id="0"/>` +
		`<w:r><w:rPr><w:u w:val="single"/></w:rPr><w:t>}于十日内整改。</w:t></w:r></w:p>`
	out := renderBody(t, body, map[string]any{"被监督单位": "某局"})
	if got := bodyText(t, out); got != "请某局于十日内整改。" {
		t.Fatalf("text %q", got)
	}
	doc := partOf(t, out, "word/document.xml")
	if !strings.Contains(doc, `<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">某局</w:t></w:r>`) {
		t.Errorf("value did not keep the bold run where the tag begins:\n%s", doc)
	}
	if !strings.Contains(doc, `<w:rPr><w:u w:val="single"/></w:rPr><w:t>于十日内整改。</w:t>`) {
		t.Errorf("text after the tag lost its own run formatting:\n%s", doc)
	}
	if !strings.Contains(doc, `<w:bookmarkStart w:id="0" w:name="x"/>`) {
		t.Errorf("bookmark lost")
	}
}

// A value can never inject markup or template code.
func TestValuesAreEscaped(t *testing.T) {
	evil := `</w:t></w:r><w:r><w:t>x & y < z {{ 7*7 }} {% if %} ]]> "q" 'a'`
	body := para(`A{{ v }}B`) + para(`{{ n }}|{{ l }}|{{ m.k }}|{{ b }}`)
	out := renderBody(t, body, map[string]any{"v": evil, "n": 3.5, "l": []any{"<a>", 2}, "m": map[string]any{"k": "<k>"}, "b": true})
	lines := strings.Split(bodyText(t, out), "\n")
	if lines[0] != "A"+evil+"B" {
		t.Errorf("value not literal: %q", lines[0])
	}
	if lines[1] != "3.5|['<a>', 2]|<k>|True" {
		t.Errorf("non-string values: %q", lines[1])
	}
}

func TestSafeFilterMarksRawXML(t *testing.T) {
	body := `<w:p><w:r><w:t>{{ x|safe }}</w:t></w:r></w:p>`
	out := renderBody(t, body, map[string]any{"x": `粗体</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>B`})
	if !strings.Contains(partOf(t, out, "word/document.xml"), `<w:b/></w:rPr><w:t>B`) {
		t.Fatal("|safe value was escaped")
	}
}

func TestControlCharactersBecomeWordStructure(t *testing.T) {
	body := `<w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:rPr><w:b/></w:rPr><w:t>{{ v }}</w:t></w:r></w:p>`
	out := renderBody(t, body, map[string]any{"v": "一\n二\t三\a四\f五\x00\x0b六\uFFFE"})
	doc := partOf(t, out, "word/document.xml")
	for _, want := range []string{
		`一</w:t><w:br/><w:t xml:space="preserve">二`,
		`<w:r><w:rPr><w:b/></w:rPr><w:tab/></w:r>`,
		`</w:p><w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">四`,
		`<w:br w:type="page"/>`,
		`五六`,
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("missing %q in\n%s", want, doc)
		}
	}
	if got := bodyText(t, out); got != "一\n二\t三\n四\n\n五六" {
		t.Errorf("text %q", got)
	}
}

func TestMissingFieldsListed(t *testing.T) {
	body := para(`{{ 标题 }}`) + para(`致{{ 被监督单位 }}：{{ 被监督单位 }}`) +
		`<w:tbl><w:tr><w:tc><w:p><w:r><w:t>{{ 成文日期|cn_date }}</w:t></w:r></w:p></w:tc></w:tr></w:tbl>` +
		para(`{% for x in 问题清单 %}{{ x }}{% endfor %}{{ 有|default("缺省") }}{% if 附注 %}{{ 附注 }}{% endif %}`)
	_, err := renderBodyErr(t, body, map[string]any{"标题": "关于……的通知"}, Options{})
	var me *MissingFieldsError
	if !errors.As(err, &me) {
		t.Fatalf("want MissingFieldsError, got %v", err)
	}
	if got := strings.Join(me.Names(), ","); got != "成文日期,被监督单位,问题清单" {
		t.Fatalf("missing %q; error:\n%v", got, err)
	}
	msg := err.Error()
	for _, want := range []string{"正文第2段", "表格1第1行第1列", "被监督单位"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
	// docxtpl's behaviour, on request.
	if _, err := renderBodyErr(t, body, map[string]any{}, Options{AllowMissing: true}); err != nil {
		t.Fatalf("AllowMissing: %v", err)
	}
}

func TestParagraphAndRowTags(t *testing.T) {
	body := para(`{%p if 密级 %}`) + para(`{{ 密级 }}★{{ 保密期限 }}`) + para(`{%p endif %}`) +
		`<w:tbl><w:tblGrid><w:gridCol w:w="1000"/><w:gridCol w:w="4000"/></w:tblGrid>` +
		`<w:tr><w:tc><w:p><w:r><w:t>序号</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>问题</w:t></w:r></w:p></w:tc></w:tr>` +
		`<w:tr><w:tc><w:p><w:r><w:t>{%tr for q in 问题清单 %}</w:t></w:r></w:p></w:tc><w:tc><w:p/></w:tc></w:tr>` +
		`<w:tr><w:tc><w:p><w:r><w:t>{{ loop.index }}</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>{{ q }}</w:t></w:r></w:p></w:tc></w:tr>` +
		`<w:tr><w:tc><w:p><w:r><w:t>{%tr endfor %}</w:t></w:r></w:p></w:tc><w:tc><w:p/></w:tc></w:tr></w:tbl>` +
		para(`共{{ 问题清单|length|cn_num }}个问题`)
	out := renderBody(t, body, map[string]any{"密级": "", "保密期限": "", "问题清单": []any{"未亮证执法", "文书不规范", "超期结案"}})
	want := "序号 | 问题\n1 | 未亮证执法\n2 | 文书不规范\n3 | 超期结案\n共三个问题"
	if got := bodyText(t, out); got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	out = renderBody(t, body, map[string]any{"密级": "秘密", "保密期限": "1年", "问题清单": []any{}})
	if got := bodyText(t, out); got != "秘密★1年\n序号 | 问题\n共零个问题" {
		t.Fatalf("got %q", got)
	}
}

func TestRunTagKeepsSurroundingFormatting(t *testing.T) {
	body := `<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>前{%r if x %}中{%r endif %}后</w:t></w:r></w:p>`
	for x, want := range map[bool]string{true: "前中后", false: "前后"} {
		out := renderBody(t, body, map[string]any{"x": x})
		if got := bodyText(t, out); got != want {
			t.Errorf("x=%v: got %q", x, got)
		}
		doc := partOf(t, out, "word/document.xml")
		if strings.Count(doc, "<w:b/>") < 2 {
			t.Errorf("split runs lost formatting: %s", doc)
		}
	}
}

func TestTemplateErrorsAllReportedWithLocation(t *testing.T) {
	body := para(`第一段`) + para(`{% if a %}甲`) + para(`{% endfor %}`) + para(`{{ x|没有这个过滤器 }}`) + para(`{{ 未闭合`)
	_, err := Parse(makeDocx(t, body, nil))
	var te TemplateErrors
	if !errors.As(err, &te) {
		t.Fatalf("want TemplateErrors, got %T %v", err, err)
	}
	msg := err.Error()
	if !strings.Contains(msg, "正文第5段") || !strings.Contains(msg, "标签没有结束") {
		t.Errorf("unclosed tag not located:\n%s", msg)
	}
	// With the unclosed tag fixed, the block and filter errors show.
	body = para(`第一段`) + para(`{% if a %}甲`) + para(`{% endfor %}`) + para(`{% include "x.docx" %}`)
	_, err = Parse(makeDocx(t, body, nil))
	msg = fmt.Sprint(err)
	for _, want := range []string{"正文第3段", "{% endfor %} 不能结束 {% if a %}", "正文第4段", "不允许使用 include", "没有对应的 {% endif %}"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
	_, err = Parse(makeDocx(t, para(`{{ x|没有这个过滤器 }}`)+para(`{{ y is 怪 }}`), nil))
	msg = fmt.Sprint(err)
	if !strings.Contains(msg, "未知的过滤器“没有这个过滤器”") || !strings.Contains(msg, "正文第1段") {
		t.Errorf("unknown filter:\n%s", msg)
	}
}

func TestSyntaxErrorIsShortAndLocated(t *testing.T) {
	body := strings.Repeat(para("填充文字"), 200) + para(`{{ a + }}`)
	_, err := Parse(makeDocx(t, body, nil))
	if err == nil {
		t.Fatal("no error")
	}
	msg := err.Error()
	if !strings.Contains(msg, "正文第201段") || len(msg) > 400 || strings.Contains(msg, "填充文字填充文字") {
		t.Fatalf("syntax error should be short and located, got (%d bytes):\n%s", len(msg), msg)
	}
}

func TestBadInput(t *testing.T) {
	cases := map[string][]byte{
		"not a zip":     []byte("hello"),
		"no document":   zipOf(t, map[string]string{"a.txt": "x"}),
		"malformed xml": makeDocx(t, `<w:p><w:r><w:t>{{ x }}</w:r></w:p>`, nil),
		"doctype":       zipOf(t, map[string]string{"word/document.xml": `<!DOCTYPE x [<!ENTITY a "{{ b }}">]><w:document>&a;</w:document>`}),
		"bad entity":    makeDocx(t, para(`{{ x }}&nbsp;`), nil),
	}
	for name, b := range cases {
		if _, err := Parse(b); err == nil || !errors.Is(err, ErrNotDocx) {
			t.Errorf("%s: want ErrNotDocx, got %v", name, err)
		}
	}
}

func zipOf(t testing.TB, files map[string]string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for n, c := range files {
		w, _ := zw.Create(n)
		w.Write([]byte(c))
	}
	zw.Close()
	return buf.Bytes()
}

func TestZipBombRefused(t *testing.T) {
	// 200 MiB of zeros compresses to about 200 KiB.
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("word/document.xml")
	zeros := make([]byte, 1<<20)
	for i := 0; i < 200; i++ {
		w.Write(zeros)
	}
	zw.Close()
	lim := DefaultLimits()
	lim.MaxPartBytes = 8 << 20
	_, err := ParseWithLimits(buf.Bytes(), lim)
	if err == nil || !strings.Contains(err.Error(), "超过") {
		t.Fatalf("zip bomb not refused: %v", err)
	}
	many := map[string]string{"word/document.xml": docHead + docTail}
	for i := 0; i < 2100; i++ {
		many[fmt.Sprintf("x/%d", i)] = ""
	}
	if _, err := Parse(zipOf(t, many)); err == nil || !strings.Contains(err.Error(), "条目") {
		t.Fatalf("entry count not limited: %v", err)
	}
}

func TestRunawayTemplatesStop(t *testing.T) {
	_, err := renderBodyErr(t, para(`{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}`), nil, Options{})
	if err == nil || !strings.Contains(err.Error(), "上限") {
		t.Fatalf("nested loops not stopped: %v", err)
	}
	_, err = renderBodyErr(t, para(`{{ range(1000000000)|length }}`), nil, Options{})
	if err == nil {
		t.Fatal("huge range not refused")
	}
	_, err = renderBodyErr(t, para(`{{ v }}`), map[string]any{"v": strings.Repeat("长", 1<<20)}, Options{})
	if err == nil || !strings.Contains(err.Error(), "超过上限") {
		t.Fatalf("huge value not refused: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	tpl, _ := Parse(makeDocx(t, para(`{{ v }}`), nil))
	if _, err := tpl.Render(ctx, map[string]any{"v": 1}, Options{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled context: %v", err)
	}
}

// Parts without tags are copied byte for byte, and so is every byte of a
// rendered part that no tag touched.
func TestUntouchedBytesPreserved(t *testing.T) {
	vml := `<w:p><w:r><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml" id="seal" style="position:absolute"><v:textbox><w:txbxContent><w:p><w:r><w:t>印章</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></w:r></w:p>`
	body := vml + para(`{{ a }}`) + `<w:p w14:paraId="1A2B" xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml"><w:r><w:t>  不变  </w:t></w:r></w:p>`
	header := `<?xml version="1.0"?>` + "\n" + `<w:hdr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:p><w:r><w:t>{ 不是标签 }</w:t></w:r></w:p></w:hdr>`
	src := makeDocx(t, body, map[string]string{"word/header1.xml": header, "word/media/image1.png": "\x89PNG..."})
	tpl, err := Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	out, err := tpl.Render(context.Background(), map[string]any{"a": "值"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	doc := partOf(t, out, "word/document.xml")
	want := docHead + vml + `<w:p><w:r><w:t xml:space="preserve">值</w:t></w:r></w:p>` + body[len(vml)+len(para(`{{ a }}`)):] + docTail
	if doc != want {
		t.Fatalf("document.xml changed beyond the tag:\n got %s\nwant %s", doc, want)
	}
	in, _ := zip.NewReader(bytes.NewReader(src), int64(len(src)))
	res, _ := zip.NewReader(bytes.NewReader(out), int64(len(out)))
	for i, f := range in.File {
		g := res.File[i]
		if f.Name != g.Name {
			t.Fatalf("entry order changed: %s vs %s", f.Name, g.Name)
		}
		if f.Name == "word/document.xml" {
			continue
		}
		if f.CRC32 != g.CRC32 || f.CompressedSize64 != g.CompressedSize64 {
			t.Errorf("%s changed", f.Name)
		}
	}
}

func TestCoreProperties(t *testing.T) {
	core := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{{ 标题 }}</dc:title><dc:subject/></cp:coreProperties>`
	tpl, err := Parse(makeDocx(t, para(`{{ 标题 }}`), map[string]string{"docProps/core.xml": core}))
	if err != nil {
		t.Fatal(err)
	}
	out, err := tpl.Render(context.Background(), map[string]any{"标题": "关于A&B的通知"}, Options{Properties: Properties{Identifier: "乌司发〔2026〕48号", Subject: "监督<通知>"}})
	if err != nil {
		t.Fatal(err)
	}
	got := partOf(t, out, "docProps/core.xml")
	for _, want := range []string{"<dc:title>关于A&amp;B的通知</dc:title>", "<dc:identifier>乌司发〔2026〕48号</dc:identifier>", "<dc:subject>监督&lt;通知&gt;</dc:subject>"} {
		if !strings.Contains(got, want) {
			t.Errorf("core.xml lacks %s:\n%s", want, got)
		}
	}
}

func TestConcurrentRenders(t *testing.T) {
	tpl, err := Parse(makeDocx(t, para(`{% for x in xs %}{{ x }}{% endfor %}{{ n|cn_num }}`), nil))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				out, err := tpl.Render(context.Background(), map[string]any{"xs": []any{g, i}, "n": g}, Options{})
				if err != nil {
					errs <- err
					return
				}
				cn, _ := CnNum(g)
				if got := bodyText(t, out); got != fmt.Sprintf("%d%d%s", g, i, cn) {
					errs <- fmt.Errorf("goroutine %d: got %q", g, got)
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestVariables(t *testing.T) {
	body := para(`{{ 标题 }}{% for q in 问题清单 %}{{ q.问题 }}{{ loop.index }}{% endfor %}{% set n = 1 %}{{ n }}{{ 成文日期|cn_date }}`)
	tpl, err := Parse(makeDocx(t, body, nil))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(tpl.Variables(), ","); got != "成文日期,标题,问题清单" {
		t.Fatalf("variables %q", got)
	}
}

func TestLiteralBracesAndNonTags(t *testing.T) {
	body := para(`字面量 {_{ 名称 }_} 与 {_% 语句 %_}，单个 { 括号 } 不是标签`) +
		`<w:p><w:r><w:fldChar w:fldCharType="begin" w:fldData="{GUID}"/></w:r><w:r><w:t>{{ x }}</w:t></w:r></w:p>`
	out := renderBody(t, body, map[string]any{"x": "{"})
	if got := bodyText(t, out); got != "字面量 {{ 名称 }} 与 {% 语句 %}，单个 { 括号 } 不是标签\n{" {
		t.Fatalf("got %q", got)
	}
}

func TestRuntimeErrorNamesItsTag(t *testing.T) {
	body := para(`{{ a }}`) + para(`{{ b }}`) + para(`{{ 未定义函数(a) }}`) + para(`{{ c }}`)
	_, err := renderBodyErr(t, body, map[string]any{"a": 1, "b": 2, "c": 3}, Options{})
	if err == nil || !strings.Contains(err.Error(), "正文第3段") {
		t.Fatalf("runtime error not located at paragraph 3: %v", err)
	}
	_, err = renderBodyErr(t, body[:0]+para(`x`)+para(`{{ d|cn_date }}`), map[string]any{"d": "2023-13-45"}, Options{})
	if err == nil || !strings.Contains(err.Error(), "正文第2段") || !strings.Contains(err.Error(), "不是有效日期") {
		t.Fatalf("filter error: %v", err)
	}
}

// Headers, footers, footnotes and endnotes are rendered like the body.
func TestAllPartsRendered(t *testing.T) {
	wrap := func(root, body string) string {
		return `<?xml version="1.0" encoding="UTF-8"?><w:` + root + ` xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">` + body + `</w:` + root + `>`
	}
	parts := map[string]string{
		"word/header1.xml":   wrap("hdr", para(`页眉{{ 单位 }}`)),
		"word/footer1.xml":   wrap("ftr", para(`页脚{{ 单位 }}`)),
		"word/footnotes.xml": wrap("footnotes", `<w:footnote w:id="1">`+para(`脚注{{ 单位 }}`)+`</w:footnote>`),
		"word/endnotes.xml":  wrap("endnotes", `<w:endnote w:id="1">`+para(`尾注{{ 单位 }}`)+`</w:endnote>`),
	}
	tpl, err := Parse(makeDocx(t, para(`正文`), parts))
	if err != nil {
		t.Fatal(err)
	}
	out, err := tpl.Render(context.Background(), map[string]any{"单位": "<甲>"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"word/header1.xml": "页眉&lt;甲&gt;", "word/footer1.xml": "页脚&lt;甲&gt;",
		"word/footnotes.xml": "脚注&lt;甲&gt;", "word/endnotes.xml": "尾注&lt;甲&gt;"} {
		if got := partOf(t, out, name); !strings.Contains(got, want) {
			t.Errorf("%s not rendered: %s", name, got)
		}
	}
	text, err := ExtractText(out, TextOptions{Headers: true})
	if err != nil {
		t.Fatal(err)
	}
	if text != "[页眉] 页眉<甲>\n正文\n脚注<甲>\n尾注<甲>\n[页脚] 页脚<甲>" {
		t.Errorf("extracted text %q", text)
	}
}
