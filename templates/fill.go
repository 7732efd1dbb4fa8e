package templates

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/gongwen/gongwen/render"
)

// Render checks data against the template's schema, then renders the
// document. The result's core properties carry the title (标题), the
// 发文字号 built from 机关代字/年份/序号, and the issuing office; the
// template's charts are drawn from data into its images (images given in
// opts.Media take their place).
func (t *Template) Render(ctx context.Context, data map[string]any, opts render.Options) ([]byte, error) {
	if err := t.Validate(data); err != nil {
		return nil, fmt.Errorf("模板“%s”的数据有误：%w", t.ID, err)
	}
	tpl, err := t.Parsed()
	if err != nil {
		return nil, err
	}
	if opts.Properties == (render.Properties{}) {
		opts.Properties = PropertiesOf(data)
	}
	if opts.Media, err = t.withCharts(data, opts); err != nil {
		return nil, fmt.Errorf("模板“%s”的图表：%w", t.ID, err)
	}
	out, err := tpl.Render(ctx, data, opts)
	if err != nil {
		return nil, fmt.Errorf("模板“%s”：%w", t.ID, err)
	}
	return out, nil
}

// PropertiesOf derives the document properties from a document's data:
// 标题 as title, the 发文字号 as identifier, 发文机关署名 as creator.
func PropertiesOf(data map[string]any) render.Properties {
	str := func(k string) string {
		if v, ok := data[k]; ok && v != nil {
			return strings.TrimSpace(fmt.Sprint(v))
		}
		return ""
	}
	p := render.Properties{Title: str("标题"), Creator: str("发文机关署名")}
	if y, ok := asInt(data["年份"]); ok {
		if s, ok := asInt(data["序号"]); ok {
			if wh, err := render.Wenhao(str("机关代字"), int(y), int(s)); err == nil {
				p.Identifier = wh
			}
		}
	}
	return p
}

// Parsed returns the template's .docx parsed by the render engine, parsing
// it once per Template.
func (t *Template) Parsed() (*render.Template, error) {
	t.parse.once.Do(func() {
		t.parse.tpl, t.parse.err = render.Parse(t.Docx)
		if t.parse.err != nil {
			t.parse.err = fmt.Errorf("templates: parse %s: %w", t.ID, t.parse.err)
		}
	})
	return t.parse.tpl, t.parse.err
}

// parsed holds a Template's parsed .docx.
type parsed struct {
	once sync.Once
	tpl  *render.Template
	err  error
}
