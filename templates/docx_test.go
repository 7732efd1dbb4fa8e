package templates

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/gongwen/gongwen/templates/internal/build"
)

// TestBuiltinDocxUpToDate regenerates every .docx and compares it with the
// checked-in file, so that nobody edits a .docx by hand or forgets to run
// `go generate ./templates` after changing the generator.
func TestBuiltinDocxUpToDate(t *testing.T) {
	dir := t.TempDir()
	docs := build.Docs()
	if len(docs) != len(builtinIDs) {
		t.Fatalf("generator has %d documents, catalogue %d", len(docs), len(builtinIDs))
	}
	for i, d := range docs {
		if d.ID != builtinIDs[i] {
			t.Errorf("generator document %d is %s, catalogue has %s", i, d.ID, builtinIDs[i])
		}
		got, err := d.Docx()
		if err != nil {
			t.Fatal(err)
		}
		again, _ := d.Docx()
		if !bytes.Equal(got, again) {
			t.Errorf("%s: two builds differ", d.ID)
		}
		p := filepath.Join(dir, d.ID+".docx")
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
		fromDisk, _ := os.ReadFile(p)
		want, err := builtinFS.ReadFile("builtin/" + d.ID + ".docx")
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(fromDisk, want) {
			t.Errorf("builtin/%s.docx is stale or edited by hand: run `go generate ./templates`", d.ID)
		}
	}
}

// ---- a tiny DOM over encoding/xml ----

type node struct {
	name     string // local name
	attr     map[string]string
	children []*node
	text     string
}

func parseXML(t *testing.T, data []byte) *node {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(data))
	root := &node{name: "#root"}
	stack := []*node{root}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v", err)
		}
		switch x := tok.(type) {
		case xml.StartElement:
			n := &node{name: x.Name.Local, attr: map[string]string{}}
			for _, a := range x.Attr {
				n.attr[a.Name.Local] = a.Value
			}
			top := stack[len(stack)-1]
			top.children = append(top.children, n)
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			stack[len(stack)-1].text += string(x)
		}
	}
	return root
}

// all returns the descendants named name, in document order.
func (n *node) all(name string) []*node {
	var out []*node
	var walk func(*node)
	walk = func(m *node) {
		for _, c := range m.children {
			if c.name == name {
				out = append(out, c)
			}
			walk(c)
		}
	}
	walk(n)
	return out
}

func (n *node) first(name string) *node {
	if a := n.all(name); len(a) > 0 {
		return a[0]
	}
	return nil
}

// child returns the direct child named name.
func (n *node) child(name string) *node {
	for _, c := range n.children {
		if c.name == name {
			return c
		}
	}
	return nil
}

// textOf concatenates the w:t text below n.
func (n *node) textOf() string {
	var b strings.Builder
	for _, t := range n.all("t") {
		b.WriteString(t.text)
	}
	return b.String()
}

// paraWith returns the paragraphs whose text contains s.
func paraWith(doc *node, s string) []*node {
	var out []*node
	for _, p := range doc.all("p") {
		if strings.Contains(p.textOf(), s) {
			out = append(out, p)
		}
	}
	return out
}

// runWith returns the run of p whose text contains s.
func runWith(p *node, s string) *node {
	for _, r := range p.all("r") {
		if strings.Contains(r.textOf(), s) {
			return r
		}
	}
	return nil
}

func rprVal(r *node, el, attr string) string {
	if r == nil || r.child("rPr") == nil || r.child("rPr").child(el) == nil {
		return ""
	}
	return r.child("rPr").child(el).attr[attr]
}

func pprVal(p *node, el, attr string) string {
	if p.child("pPr") == nil || p.child("pPr").child(el) == nil {
		return ""
	}
	return p.child("pPr").child(el).attr[attr]
}

func unzip(t *testing.T, b []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name] = data
	}
	return out
}

// TestDocxPackage checks the OOXML package structure of every built-in.
func TestDocxPackage(t *testing.T) {
	ts, err := Builtins()
	if err != nil {
		t.Fatal(err)
	}
	for _, tp := range ts {
		parts := unzip(t, tp.Docx)
		for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/_rels/document.xml.rels",
			"word/styles.xml", "word/settings.xml", "word/fontTable.xml", "word/footer1.xml", "word/footer2.xml", "docProps/core.xml", "docProps/app.xml"} {
			if _, ok := parts[name]; !ok {
				t.Errorf("%s: missing part %s", tp.ID, name)
			}
		}
		for name, data := range parts {
			if strings.HasPrefix(name, "word/media/") {
				ext := strings.TrimPrefix(filepath.Ext(name), ".")
				if !strings.Contains(string(parts["[Content_Types].xml"]), `<Default Extension="`+ext+`" ContentType="image/`+ext+`"/>`) {
					t.Errorf("%s: no content type for %s", tp.ID, name)
				}
				continue
			}
			parseXML(t, data) // well-formed
			if name != "[Content_Types].xml" && !strings.HasSuffix(name, ".rels") &&
				!strings.Contains(string(parts["[Content_Types].xml"]), `PartName="/`+name+`"`) {
				t.Errorf("%s: part %s has no content-type override", tp.ID, name)
			}
		}
		rels := parseXML(t, parts["word/_rels/document.xml.rels"])
		for _, r := range rels.all("Relationship") {
			if _, ok := parts["word/"+r.attr["Target"]]; !ok {
				t.Errorf("%s: relationship %s targets missing %s", tp.ID, r.attr["Id"], r.attr["Target"])
			}
		}
		core := parseXML(t, parts["docProps/core.xml"])
		if core.first("title") == nil || core.first("title").text != "{{ 标题 }}" {
			t.Errorf("%s: core.xml dc:title is not {{ 标题 }}", tp.ID)
		}
	}
}

// TestDocxLayout checks each built-in against the numbers of gbt9704.md.
func TestDocxLayout(t *testing.T) {
	ts, err := Builtins()
	if err != nil {
		t.Fatal(err)
	}
	for _, tp := range ts {
		t.Run(tp.ID, func(t *testing.T) {
			parts := unzip(t, tp.Docx)
			doc := parseXML(t, parts["word/document.xml"])
			body := doc.first("body")

			// page
			sect := body.child("sectPr")
			if sect == nil {
				t.Fatal("no body sectPr")
			}
			pg := sect.child("pgSz")
			if pg.attr["w"] != "11906" || pg.attr["h"] != "16838" {
				t.Errorf("pgSz %v", pg.attr)
			}
			m := sect.child("pgMar")
			if m.attr["top"] != "2098" || m.attr["bottom"] != "1984" || (m.attr["left"] != "1588" && m.attr["left"] != "1587") || m.attr["right"] != "1474" {
				t.Errorf("pgMar %v", m.attr)
			}
			// footer: page number 7 mm (397 twips) below the 版心, 4号 line 280 twips
			footer, _ := strconv.Atoi(m.attr["footer"])
			if top := footer + 280; top < 1984-397-60 || top > 1984-397+60 {
				t.Errorf("footer distance %d puts the page number %d twips below the 版心, want ~397", footer, 1984-top)
			}
			g := sect.child("docGrid")
			if g.attr["type"] != "lines" || g.attr["linePitch"] != "579" {
				t.Errorf("docGrid %v, want a line grid of pitch 579", g.attr)
			}
			// 28 characters of 16 pt condensed by the default character
			// spacing fill the 156 mm line, 29 do not.
			sp := regexp.MustCompile(`<w:rPrDefault><w:rPr>.*?<w:spacing w:val="(-?\d+)"/>`).FindStringSubmatch(string(parts["word/styles.xml"]))
			if sp == nil {
				t.Fatal("styles.xml docDefaults set no character spacing")
			}
			cs, _ := strconv.Atoi(sp[1])
			pitch := 16 + float64(cs)/20 // pt
			width := float64(11906-1588-1474) / 20
			if 28*pitch > width || 29*pitch <= width {
				t.Errorf("character spacing %d gives %.3f pt: %.2f characters per %.1f pt line", cs, pitch, width/pitch, width)
			}
			// 22 lines fit the 225 mm 版心
			if 22*579 > 16838-2098-1984 {
				t.Error("22 lines do not fit")
			}
			refs := map[string]string{}
			for _, fr := range sect.all("footerReference") {
				refs[fr.attr["type"]] = fr.attr["id"]
			}
			if refs["default"] == "" || refs["even"] == "" || refs["default"] == refs["even"] {
				t.Errorf("footer references %v: want distinct default (odd) and even", refs)
			}

			// 发文机关标志: red, 小标宋, centred
			marks := paraWith(body, "{{ 发文机关标志 }}")
			if len(marks) != 1 {
				t.Fatalf("%d paragraphs with the 发文机关标志", len(marks))
			}
			r := runWith(marks[0], "{{ 发文机关标志 }}")
			if rprVal(r, "color", "val") != "FF0000" || rprVal(r, "rFonts", "eastAsia") != "方正小标宋简体" || pprVal(marks[0], "jc", "val") != "center" {
				t.Errorf("发文机关标志 run not red 小标宋 centred")
			}
			if sz, _ := strconv.Atoi(rprVal(r, "sz", "val")); sz < 72 || sz > 96 {
				t.Errorf("发文机关标志 size %d", sz)
			}
			// the mark's top edge sits 35 mm (1984 twips) below the 版心 top:
			// the first block is the exact-height 份号/密级/紧急程度 table.
			first := body.children[0]
			if first.name != "tbl" || first.first("trHeight").attr["val"] != "1984" || first.first("trHeight").attr["hRule"] != "exact" {
				t.Errorf("版头 does not start with the 35 mm spacer table")
			}
			for _, s := range []string{"{{ 份号 }}", "{{ 密级 }}", "{{ 紧急程度 }}"} {
				if len(paraWith(first, s)) != 1 {
					t.Errorf("spacer table lacks %s", s)
				}
			}

			// 发文字号 and the red separator right after it
			wh := paraWith(body, "{{ 机关代字|wenhao(年份, 序号) }}")
			if len(wh) != 1 {
				t.Fatalf("%d 发文字号 paragraphs", len(wh))
			}
			up := tp.WenZhong == "报告"
			if up {
				if !strings.Contains(wh[0].textOf(), "签发人：") || runWith(wh[0], "{{ 签发人 }}") == nil {
					t.Error("upward document: 签发人 not on the 发文字号 line")
				}
				if rprVal(runWith(wh[0], "{{ 签发人 }}"), "rFonts", "eastAsia") != "楷体_GB2312" {
					t.Error("签发人 name not 楷体")
				}
				tabs := wh[0].child("pPr").child("tabs")
				if tabs == nil || len(tabs.children) != 2 || tabs.children[0].attr["pos"] != "320" || tabs.children[1].attr["val"] != "right" || tabs.children[1].attr["pos"] != "8524" {
					t.Error("upward 发文字号 line lacks the one-character left and right tab stops")
				}
			} else if pprVal(wh[0], "jc", "val") != "center" {
				t.Error("发文字号 not centred")
			}
			sep := nextSibling(body, wh[0])
			if sep == nil || sep.first("pBdr") == nil {
				t.Fatal("no separator paragraph after the 发文字号")
			}
			b := sep.first("pBdr").child("bottom")
			if b == nil || b.attr["color"] != "FF0000" || b.attr["val"] != "single" || sep.first("ind") != nil || sep.first("drawing") != nil {
				t.Errorf("separator is not a full-width red bottom border: %v", b)
			}

			// title
			tt := paraWith(body, "{{ 标题 }}")
			if len(tt) != 1 {
				t.Fatalf("%d title paragraphs", len(tt))
			}
			if r := runWith(tt[0], "{{ 标题 }}"); rprVal(r, "sz", "val") != "44" || rprVal(r, "rFonts", "eastAsia") != "方正小标宋简体" || pprVal(tt[0], "jc", "val") != "center" {
				t.Error("title not 2号小标宋 centred")
			}
			// 主送 flush left, ending in ：
			zs := paraWith(body, "{{ 主送 }}")
			if len(zs) != 1 || !strings.HasSuffix(zs[0].textOf(), "：") || zs[0].first("ind") != nil {
				t.Error("主送 not flush left ending with ：")
			}
			// body paragraphs indented two characters
			n := 0
			for _, p := range body.all("p") {
				if pprVal(p, "ind", "firstLineChars") == "200" {
					n++
				}
			}
			if n < 5 {
				t.Errorf("only %d paragraphs indented two characters", n)
			}
			// first-level headings in 黑体
			// (决定书 numbers its 决定事项 一、二、 in 仿宋: they are items, not headings)
			hs := append(paraWith(body, "一、"), paraWith(body, "{{ loop.index|cn_num }}、{{")...)
			if tp.ID != "决定书" && (len(hs) == 0 || !hasFont(hs, "黑体")) {
				t.Error("no 一、 heading in 黑体")
			}
			if kt := paraWith(body, "（{{ loop.index|cn_num }}）"); len(kt) > 0 && !hasFont(kt, "楷体_GB2312") {
				t.Error("（一） heading not 楷体")
			}
			// 署名 and 成文日期
			sig := paraWith(body, "{{ 发文机关署名 }}")
			date := paraWith(body, "{{ 成文日期|cn_date }}")
			if len(sig) != 1 || len(date) != 1 || pprVal(sig[0], "ind", "rightChars") != "200" || pprVal(sig[0], "jc", "val") != "right" || pprVal(date[0], "jc", "val") != "right" {
				t.Error("署名/成文日期 not right-aligned two characters in")
			}
			if nextSibling(body, sig[0]) != date[0] {
				t.Error("成文日期 not on the line after the 署名")
			}
			// 版记: 抄送 and 印发, 4号, in a table with thick outer and thin inner lines
			cc := paraWith(body, "{{ 抄送|join('，') }}")
			yf := paraWith(body, "{{ 印发日期|cn_date }}")
			if len(cc) != 1 || len(yf) != 1 {
				t.Fatal("no 抄送 / 印发 line")
			}
			for _, p := range append(cc, yf...) {
				for _, r := range p.all("r") {
					if rprVal(r, "sz", "val") != "28" {
						t.Errorf("版记 run %q not 4号 (sz 28)", r.textOf())
					}
				}
			}
			if !strings.HasPrefix(cc[0].textOf(), "抄送：") || !strings.HasSuffix(cc[0].textOf(), "。") {
				t.Errorf("抄送 line %q", cc[0].textOf())
			}
			if pprVal(cc[0], "ind", "left") != "1120" || pprVal(cc[0], "ind", "hanging") != "840" || pprVal(cc[0], "ind", "right") != "280" {
				t.Error("抄送 not one character in on each side")
			}
			if pprVal(yf[0], "ind", "right") != "280" || pprVal(yf[0], "jc", "val") != "right" || !strings.HasSuffix(yf[0].textOf(), "印发") {
				t.Error("印发日期 not right-aligned one character in")
			}
			yj := paraWith(body, "{{ 印发机关 }}")
			if len(yj) != 1 || pprVal(yj[0], "ind", "left") != "280" {
				t.Error("印发机关 not one character in from the left")
			}
			tbls := body.all("tbl")
			last := tbls[len(tbls)-1]
			if len(paraWith(last, "{{ 印发机关 }}")) != 1 {
				t.Fatal("版记 is not the last table")
			}
			bd := last.first("tblBorders")
			if bd.child("top").attr["sz"] != "8" || bd.child("bottom").attr["sz"] != "8" || bd.child("insideH").attr["sz"] != "6" || bd.child("insideV").attr["val"] != "none" {
				t.Error("版记 lines: want thick (sz 8) first/last, thin (sz 6) between")
			}
			if last.first("tblpPr") == nil || last.first("tblpPr").attr["tblpYSpec"] != "bottom" {
				t.Error("版记 not placed at the bottom of the 版心")
			}
			if w := last.first("tblW").attr["w"]; w != "8844" {
				t.Errorf("版记 width %s, want 8844", w)
			}

			// styles: default 3号 仿宋 black
			st := parseXML(t, parts["word/styles.xml"])
			rd := st.first("rPrDefault")
			if rd.first("sz").attr["val"] != "32" || rd.first("rFonts").attr["eastAsia"] != "仿宋_GB2312" || rd.first("color").attr["val"] != "000000" {
				t.Error("docDefaults not 3号仿宋_GB2312 black")
			}
			// settings
			if parseXML(t, parts["word/settings.xml"]).first("evenAndOddHeaders") == nil {
				t.Error("settings lack evenAndOddHeaders")
			}
			// footers
			rels := parseXML(t, parts["word/_rels/document.xml.rels"])
			target := map[string]string{}
			for _, r := range rels.all("Relationship") {
				target[r.attr["Id"]] = r.attr["Target"]
			}
			for typ, id := range refs {
				f := parseXML(t, parts["word/"+target[id]])
				p := f.first("p")
				if !strings.Contains(p.first("instrText").text, "PAGE") || !strings.HasPrefix(p.textOf(), "— ") || !strings.HasSuffix(p.textOf(), " —") {
					t.Errorf("%s footer: want — PAGE —, got %q", typ, p.textOf())
				}
				for _, r := range p.all("r") {
					if rprVal(r, "sz", "val") != "28" || rprVal(r, "rFonts", "ascii") != "宋体" {
						t.Errorf("%s footer run not 4号宋体", typ)
						break
					}
				}
				if typ == "default" && (pprVal(p, "jc", "val") != "right" || pprVal(p, "ind", "right") != "280") {
					t.Error("odd footer not right-aligned one character in")
				}
				if typ == "even" && (pprVal(p, "jc", "val") != "left" || pprVal(p, "ind", "left") != "280") {
					t.Error("even footer not left-aligned one character in")
				}
			}
		})
	}
}

func hasFont(ps []*node, font string) bool {
	for _, p := range ps {
		for _, r := range p.all("r") {
			if rprVal(r, "rFonts", "eastAsia") == font {
				return true
			}
		}
	}
	return false
}

// nextSibling returns the element after n among its parent's children.
func nextSibling(root, n *node) *node {
	var found *node
	var walk func(*node)
	walk = func(m *node) {
		for i, c := range m.children {
			if c == n && i+1 < len(m.children) {
				found = m.children[i+1]
				return
			}
			walk(c)
		}
	}
	walk(root)
	return found
}

var (
	tagRe    = regexp.MustCompile(`\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}`)
	strRe    = regexp.MustCompile(`'[^']*'`)
	identRe  = regexp.MustCompile(`[\p{L}_][\p{L}\p{N}_]*`)
	filterRe = regexp.MustCompile(`\|\s*([\p{L}_][\p{L}\p{N}_]*)`)
	forRe    = regexp.MustCompile(`for\s+([\p{L}_][\p{L}\p{N}_]*)\s+in`)
)

// TestTemplateTags checks the Jinja tags of every built-in: each tag lies
// in one w:t, paragraph/row tags stand alone in their paragraph, only the
// filters the render engine provides are used, every variable is a schema
// field, every schema field is used, and tags need no XML escaping.
func TestTemplateTags(t *testing.T) {
	ts, err := Builtins()
	if err != nil {
		t.Fatal(err)
	}
	filters := map[string]bool{"cn_date": true, "cn_num": true, "wenhao": true, "join": true, "default": true, "length": true}
	keywords := map[string]bool{"if": true, "elif": true, "else": true, "endif": true, "for": true, "endfor": true, "in": true,
		"not": true, "and": true, "or": true, "is": true, "p": true, "tr": true, "tc": true, "r": true, "loop": true, "true": true, "false": true}
	for _, tp := range ts {
		parts := unzip(t, tp.Docx)
		raw := string(parts["word/document.xml"])
		if strings.Contains(raw, "&gt;") || strings.Contains(raw, "&lt;") || strings.Contains(raw, "&quot;") || strings.Contains(raw, "&amp;") {
			t.Errorf("%s: document.xml holds escaped characters (tags must not need escaping)", tp.ID)
		}
		doc := parseXML(t, parts["word/document.xml"])
		used := map[string]bool{}
		loopVars := map[string]bool{}
		var tags []string
		for _, w := range doc.all("t") {
			s := w.text
			if strings.Count(s, "{{") != strings.Count(s, "}}") || strings.Count(s, "{%") != strings.Count(s, "%}") {
				t.Errorf("%s: tag split across runs: %q", tp.ID, s)
			}
			tags = append(tags, tagRe.FindAllString(s, -1)...)
		}
		for _, p := range doc.all("p") {
			txt := p.textOf()
			if strings.Contains(txt, "{%p ") || strings.Contains(txt, "{%tr ") {
				if len(tagRe.FindAllString(txt, -1)) != 1 || strings.TrimSpace(tagRe.ReplaceAllString(txt, "")) != "" {
					t.Errorf("%s: paragraph/row tag does not stand alone: %q", tp.ID, txt)
				}
			}
		}
		for _, tag := range tags {
			if m := forRe.FindStringSubmatch(tag); m != nil {
				loopVars[m[1]] = true
			}
		}
		for _, tag := range tags {
			for _, f := range filterRe.FindAllStringSubmatch(tag, -1) {
				if !filters[f[1]] {
					t.Errorf("%s: unknown filter %s in %s", tp.ID, f[1], tag)
				}
			}
			body := strRe.ReplaceAllString(tag, "")
			body = filterRe.ReplaceAllString(body, "")
			for _, loc := range identRe.FindAllStringIndex(body, -1) {
				id := body[loc[0]:loc[1]]
				if loc[0] > 0 && body[loc[0]-1] == '.' { // attribute
					continue
				}
				if keywords[id] || loopVars[id] {
					continue
				}
				used[id] = true
			}
		}
		schema := map[string]bool{}
		for _, f := range tp.Fields {
			schema[f.Name] = true
		}
		for id := range used {
			if !schema[id] {
				t.Errorf("%s: template uses %s, which the schema lacks", tp.ID, id)
			}
		}
		for id := range schema {
			if !used[id] {
				t.Errorf("%s: schema field %s is not used by the template", tp.ID, id)
			}
		}
	}
}

func ExampleBuiltin() {
	t, err := Builtin("监督通知书")
	if err != nil {
		panic(err)
	}
	fmt.Println(t.Name, t.WenZhong, t.Validate(t.Example))
	// Output: 行政执法监督通知书 通知 <nil>
}
