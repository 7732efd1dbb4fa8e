package render

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// onePNG is a w×h PNG of one colour.
func onePNG(t testing.TB, w, h int, c color.RGBA) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = c.R, c.G, c.B, c.A
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// imageDocx is a template with a {{ 标题 }} paragraph and two inline
// pictures: word/media/chart.png and word/media/logo.png.
func imageDocx(t testing.TB, chart, logo []byte) []byte {
	t.Helper()
	pic := func(id, rid, name string) string {
		return `<w:p><w:r><w:drawing><wp:inline><wp:extent cx="1800000" cy="900000"/><wp:docPr id="` + id + `" name="` + name + `"/>` +
			`<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">` +
			`<pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:nvPicPr><pic:cNvPr id="` + id + `" name="` + name + `"/><pic:cNvPicPr/></pic:nvPicPr>` +
			`<pic:blipFill><a:blip r:embed="` + rid + `"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>` +
			`<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="1800000" cy="900000"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic>` +
			`</a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>`
	}
	return makeDocx(t, para("{{ 标题 }}")+pic("1", "rId7", "chart.png")+pic("2", "rId8", "logo.png"), map[string]string{
		"[Content_Types].xml":          `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Default Extension="png" ContentType="image/png"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>`,
		"word/_rels/document.xml.rels": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/chart.png"/><Relationship Id="rId8" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/logo.png"/></Relationships>`,
		"word/media/chart.png":         string(chart),
		"word/media/logo.png":          string(logo),
	})
}

func TestRenderReplacesMedia(t *testing.T) {
	placeholder := onePNG(t, 20, 10, color.RGBA{0xee, 0xee, 0xee, 0xff})
	logo := onePNG(t, 8, 8, color.RGBA{0xff, 0, 0, 0xff})
	chart := onePNG(t, 40, 20, color.RGBA{0, 0, 0xff, 0xff})
	tpl, err := Parse(imageDocx(t, placeholder, logo))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(tpl.MediaParts(), " "); got != "word/media/chart.png word/media/logo.png" {
		t.Errorf("MediaParts = %s", got)
	}
	out, err := tpl.Render(context.Background(), map[string]any{"标题": "年度报告"}, Options{Media: map[string][]byte{"word/media/chart.png": chart}})
	if err != nil {
		t.Fatal(err)
	}
	if got := partOf(t, out, "word/media/chart.png"); got != string(chart) {
		t.Error("word/media/chart.png does not hold the new image")
	}
	if got := partOf(t, out, "word/media/logo.png"); got != string(logo) {
		t.Error("the other image changed")
	}
	if doc := partOf(t, out, "word/document.xml"); !strings.Contains(doc, "年度报告") || !strings.Contains(doc, `r:embed="rId7"`) {
		t.Errorf("document.xml not rendered or lost the picture: %s", doc)
	}
	// Without Media the template's image stays.
	out2, err := tpl.Render(context.Background(), map[string]any{"标题": "年度报告"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := partOf(t, out2, "word/media/chart.png"); got != string(placeholder) {
		t.Error("without Media the template's image changed")
	}

	// A second opinion: python-docx finds the new image behind the first
	// inline picture.
	py := docxtplPython(t)
	dir := t.TempDir()
	p := filepath.Join(dir, "out.docx")
	os.WriteFile(p, out, 0o644)
	script := `import sys, docx
d = docx.Document(sys.argv[1])
s = d.inline_shapes[0]
rid = s._inline.graphic.graphicData.pic.blipFill.blip.embed
sys.stdout.buffer.write(d.part.related_parts[rid].blob)`
	got, err := exec.Command(py, "-c", script, p).Output()
	if err != nil {
		t.Fatalf("python-docx: %v", err)
	}
	if !bytes.Equal(got, chart) {
		t.Error("python-docx reads another image behind the picture")
	}

	// docxtpl's replace_zipname does the same to the same template.
	tp, cp, dp := filepath.Join(dir, "tpl.docx"), filepath.Join(dir, "chart.png"), filepath.Join(dir, "docxtpl.docx")
	os.WriteFile(tp, imageDocx(t, placeholder, logo), 0o644)
	os.WriteFile(cp, chart, 0o644)
	script = `import sys
from docxtpl import DocxTemplate
t = DocxTemplate(sys.argv[1])
t.replace_zipname("word/media/chart.png", sys.argv[2])
t.render({"标题": "年度报告"})
t.save(sys.argv[3])`
	if out, err := exec.Command(py, "-c", script, tp, cp, dp).CombinedOutput(); err != nil {
		t.Fatalf("docxtpl: %v\n%s", err, out)
	}
	theirs, _ := os.ReadFile(dp)
	for _, name := range []string{"word/media/chart.png", "word/media/logo.png"} {
		if partOf(t, theirs, name) != partOf(t, out, name) {
			t.Errorf("%s differs from docxtpl's replace_zipname", name)
		}
	}
}

func TestRenderMediaErrors(t *testing.T) {
	png1 := onePNG(t, 4, 4, color.RGBA{0, 0, 0, 0xff})
	tpl, err := Parse(imageDocx(t, png1, png1))
	if err != nil {
		t.Fatal(err)
	}
	noImages, err := Parse(makeDocx(t, para("x"), nil))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		tpl   *Template
		media map[string][]byte
		want  string
	}{
		{tpl, map[string][]byte{"word/media/chart2.png": png1}, "无法替换图片 word/media/chart2.png：模板中没有这个图片（模板中的图片：word/media/chart.png、word/media/logo.png）"},
		{tpl, map[string][]byte{"word/document.xml": png1}, "无法替换图片 word/document.xml：模板中没有这个图片"},
		{tpl, map[string][]byte{"word/media/chart.png": []byte("\xff\xd8\xff\xe0 a jpeg")}, "无法替换图片 word/media/chart.png：新内容不是 png 格式的图片"},
		{noImages, map[string][]byte{"word/media/chart.png": png1}, "无法替换图片 word/media/chart.png：模板中没有图片"},
	} {
		for _, dry := range []bool{false, true} {
			out, err := c.tpl.Render(context.Background(), map[string]any{"标题": "x"}, Options{Media: c.media, DryRun: dry})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("dry run %v: got %v (%d bytes), want %q", dry, err, len(out), c.want)
			}
		}
	}
}
