package templates

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/gongwen/gongwen/archive"
)

// brokenDocx is a minimal .docx whose body has an unclosed {% if %}.
func brokenDocx(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	files := map[string]string{
		"[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`,
		"_rels/.rels":         `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`,
		"word/document.xml":   `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>第一段</w:t></w:r></w:p><w:p><w:r><w:t>{% if 紧急 %}特急</w:t></w:r></w:p></w:body></w:document>`,
	}
	for name, body := range files {
		w, _ := z.Create(name)
		w.Write([]byte(body))
	}
	z.Close()
	return buf.Bytes()
}

func TestCatalogUpload(t *testing.T) {
	ctx := context.Background()
	store, err := archive.OpenFileStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewCatalog(store)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Builtin("监督通知书")

	// A template with an error is refused, naming where the error is.
	_, err = c.Upload(ctx, Upload{ID: "案卷评查通报", Name: "案卷评查结果通报", WenZhong: "通报", Docx: brokenDocx(t), By: "admin"})
	var ue *UploadError
	if !errors.As(err, &ue) || len(ue.Template) == 0 {
		t.Fatalf("broken template: err = %v, want an UploadError with template errors", err)
	}
	if !strings.Contains(err.Error(), "第2段") {
		t.Errorf("error does not say which paragraph: %v", err)
	}
	// Bad form values are each named.
	_, err = c.Upload(ctx, Upload{ID: "监督通知书", Name: "", WenZhong: "通告书", Docx: b.Docx})
	if !errors.As(err, &ue) || len(ue.Problems) != 3 {
		t.Fatalf("bad form: %v, want 3 problems (built-in id, no name, 文种)", err)
	}

	// A good upload is listed, gets version 1, then 2, and renders.
	for v := 1; v <= 2; v++ {
		got, err := c.Upload(ctx, Upload{ID: "通知2", Name: "某通知", WenZhong: "通知", Docx: b.Docx, By: "admin"})
		if err != nil {
			t.Fatal(err)
		}
		if got.Version != v {
			t.Errorf("upload %d got version %d", v, got.Version)
		}
	}
	list, err := c.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(list); n != len(IDs())+1 || list[n-1].ID != "通知2" || list[n-1].Version != 2 {
		t.Fatalf("list has %d templates, last %s v%d", n, list[n-1].ID, list[n-1].Version)
	}
	u, err := c.Get(ctx, "通知2")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range u.Fields {
		names = append(names, f.Name)
		if f.Name == "成文日期" && f.Type != TypeDate || f.Name == "序号" && !f.Registry {
			t.Errorf("inferred field %+v", f)
		}
	}
	if !strings.Contains(strings.Join(names, ","), "被监督单位") {
		t.Errorf("inferred fields %v lack 被监督单位", names)
	}
	if _, err := c.Get(ctx, "没有这个"); !errors.Is(err, archive.ErrNotFound) {
		t.Errorf("unknown template: %v", err)
	}
}
