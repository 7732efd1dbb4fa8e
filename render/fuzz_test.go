package render

import (
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"testing"
	"time"
)

// FuzzRender feeds arbitrary document bodies through the whole engine: it
// must never panic or hang, and whatever it renders must be well-formed
// XML. Run longer with: go test ./render -fuzz FuzzRender -fuzztime 60s
func FuzzRender(f *testing.F) {
	seeds := []string{
		para(`{{ a }}`),
		`<w:p><w:r><w:t>{{ a</w:t></w:r><w:r><w:t> }}</w:t></w:r></w:p>`,
		para(`{%p if a %}`) + para(`x`) + para(`{%p endif %}`),
		`<w:tbl><w:tr><w:tc><w:p><w:r><w:t>{%tr for x in l %}</w:t></w:r></w:p></w:tc></w:tr><w:tr><w:tc><w:p><w:r><w:t>{{ x }}{% vm %}</w:t></w:r></w:p></w:tc></w:tr><w:tr><w:tc><w:p><w:r><w:t>{%tr endfor %}</w:t></w:r></w:p></w:tc></w:tr></w:tbl>`,
		para(`a`) + para(`{%- if a -%}`) + para(`b`) + para(`{%- endif -%}`),
		`<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>x{%r if a %}y{%r endif %}z</w:t></w:r></w:p>`,
		`<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p><w:r><w:t>{% colspan 3 %}{% cellbg "FF0000" %}{% hm %}</w:t></w:r></w:p></w:tc></w:tr></w:tbl>`,
		para(`{{p a }}`) + para(`{{r a }}`) + para(`{_{ }_}`),
		para(`{{ a|safe }}`) + para(`{% macro m(x) %}<{{ x }}>{% endmacro %}{{ m(a) }}`),
	}
	for _, s := range seeds {
		f.Add(s, "v<&>\n\a\t\f")
	}
	f.Fuzz(func(t *testing.T, body, value string) {
		tpl, err := Parse(makeDocx(t, body, nil))
		if err != nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		data := map[string]any{"a": value, "l": []any{value, 1}, "x": value}
		out, err := tpl.Render(ctx, data, Options{AllowMissing: true})
		if err != nil {
			return
		}
		doc := partOf(t, out, "word/document.xml")
		d := xml.NewDecoder(bytes.NewReader([]byte(doc)))
		for {
			_, err := d.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("rendered XML is not well-formed: %v\n%s", err, doc)
			}
		}
	})
}
