package render

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
)

const docHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\r\n" +
	`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"><w:body>`
const docTail = `<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>`

// makeDocx builds a minimal .docx whose body is body; extra adds or
// replaces parts.
func makeDocx(t testing.TB, body string, extra map[string]string) []byte {
	t.Helper()
	parts := map[string]string{
		"[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>`,
		"_rels/.rels":         `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>`,
		"word/document.xml":   docHead + body + docTail,
		"docProps/core.xml":   `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>模板</dc:title><dc:creator>gongwen</dc:creator></cp:coreProperties>`,
	}
	for k, v := range extra {
		parts[k] = v
	}
	order := []string{"[Content_Types].xml", "_rels/.rels", "word/document.xml", "docProps/core.xml"}
	for k := range extra {
		if _, ok := map[string]bool{"[Content_Types].xml": true, "_rels/.rels": true, "word/document.xml": true, "docProps/core.xml": true}[k]; !ok {
			order = append(order, k)
		}
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range order {
		if parts[name] == "" && name != "word/document.xml" {
			continue
		}
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, parts[name])
	}
	zw.Close()
	return buf.Bytes()
}

// para wraps text in one paragraph with one run.
func para(text string) string {
	return `<w:p><w:r><w:t>` + text + `</w:t></w:r></w:p>`
}

// renderBody parses and renders a body with data; it fails the test on error.
func renderBody(t testing.TB, body string, data map[string]any) []byte {
	t.Helper()
	out, err := renderBodyErr(t, body, data, Options{})
	if err != nil {
		t.Fatalf("render: %v", err)
	}
	return out
}

func renderBodyErr(t testing.TB, body string, data map[string]any, opts Options) ([]byte, error) {
	t.Helper()
	tpl, err := Parse(makeDocx(t, body, nil))
	if err != nil {
		return nil, err
	}
	return tpl.Render(context.Background(), data, opts)
}

// partOf returns one part of a .docx.
func partOf(t testing.TB, docx []byte, name string) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(docx), int64(len(docx)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	for _, f := range zr.File {
		if f.Name == name {
			rc, _ := f.Open()
			b, _ := io.ReadAll(rc)
			rc.Close()
			return string(b)
		}
	}
	t.Fatalf("no part %s", name)
	return ""
}

// bodyText returns the python-docx text of a rendered document's body,
// without the trailing newline.
func bodyText(t testing.TB, docx []byte) string {
	return strings.TrimSuffix(pythonDocxText(t, docx), "\n")
}
