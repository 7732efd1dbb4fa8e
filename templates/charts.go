package templates

import (
	"archive/zip"
	"bytes"
	"fmt"
	"image/png"
	"maps"
	"strconv"
	"strings"

	"github.com/gongwen/gongwen/chart"
	"github.com/gongwen/gongwen/render"
)

// Chart is a bar chart a template draws from its own data into one of its
// images: the template's .docx holds a placeholder picture (placed and
// sized in a <w:drawing>), and every render replaces its bytes with the
// chart of the document's data (render.Options.Media). So the chart and the
// tables of a document always show the same figures, whoever renders it.
type Chart struct {
	Media string `json:"media"` // the image it replaces, e.g. "word/media/chart.png"
	// Table is the dotted path of a table field, e.g. "统计.按月份": one bar
	// per row.
	Table string `json:"table"`
	// Label is the column drawn under each bar (digits only: the chart has
	// no font for Chinese; the caption is text in the document). Empty
	// numbers the bars 1, 2, 3 … like a table's 序号 column.
	Label string `json:"label,omitempty"`
	Value string `json:"value"` // the int column giving each bar's height
	// Width and Height are the image size in pixels; the template's
	// placeholder has the same size and its drawing the same proportions.
	Width  int `json:"width"`
	Height int `json:"height"`
}

// Media draws the template's charts from data: the image part each
// replaces, with its PNG. Data must have passed Validate. A table without
// rows gives the empty grid.
func (t *Template) Media(data map[string]any) (map[string][]byte, error) {
	return t.drawCharts(data, nil, true)
}

// drawCharts draws the charts whose image given does not hold; with encode
// false it only checks that they can be drawn (a dry run) and returns
// nothing.
func (t *Template) drawCharts(data map[string]any, given map[string][]byte, encode bool) (map[string][]byte, error) {
	if len(t.Charts) == 0 {
		return nil, nil
	}
	out := make(map[string][]byte, len(t.Charts))
	for _, c := range t.Charts {
		if _, ok := given[c.Media]; ok {
			continue
		}
		b, err := c.bars(data)
		if err != nil {
			return nil, err
		}
		if !encode {
			if _, err := b.Image(); err != nil {
				return nil, fmt.Errorf("templates: chart %s: %w", c.Media, err)
			}
			continue
		}
		p, err := b.PNG()
		if err != nil {
			return nil, fmt.Errorf("templates: chart %s: %w", c.Media, err)
		}
		out[c.Media] = p
	}
	return out, nil
}

// bars reads the chart's rows from data.
func (c Chart) bars(data map[string]any) (chart.Bars, error) {
	b := chart.Bars{Width: c.Width, Height: c.Height}
	var v any = data
	for _, k := range strings.Split(c.Table, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return b, fmt.Errorf("图表数据 %s 不是表格", c.Table)
		}
		v = m[k]
	}
	if v == nil {
		return b, nil
	}
	rows, ok := toList(v)
	if !ok {
		return b, fmt.Errorf("图表数据 %s 不是表格", c.Table)
	}
	for i, r := range rows {
		row, ok := r.(map[string]any)
		if !ok {
			return b, fmt.Errorf("图表数据 %s第%d行不是对象", c.Table, i+1)
		}
		n, ok := asInt(row[c.Value])
		if !ok || n < 0 {
			return b, fmt.Errorf("图表数据 %s第%d行.%s应为非负整数，实际为%s", c.Table, i+1, c.Value, describe(row[c.Value]))
		}
		label := strconv.Itoa(i + 1)
		if c.Label != "" {
			if l, ok := asInt(row[c.Label]); ok {
				label = strconv.FormatInt(l, 10)
			} else {
				label = strings.TrimSpace(fmt.Sprint(row[c.Label]))
			}
			if !chart.Drawable(label) {
				return b, fmt.Errorf("图表数据 %s第%d行.%s“%s”无法画入图表（图中只能写数字）", c.Table, i+1, c.Label, label)
			}
		}
		b.Labels = append(b.Labels, label)
		b.Values = append(b.Values, int(n))
	}
	return b, nil
}

// withCharts returns opts.Media with the template's charts drawn from data
// added; images the caller gives win (and are not drawn). A dry run checks
// that the charts can be drawn, and encodes none.
func (t *Template) withCharts(data map[string]any, opts render.Options) (map[string][]byte, error) {
	drawn, err := t.drawCharts(data, opts.Media, !opts.DryRun)
	if err != nil || len(drawn) == 0 {
		return opts.Media, err
	}
	maps.Copy(drawn, opts.Media)
	return drawn, nil
}

// checkCharts checks a template's chart declarations against its schema and
// its .docx: the table field and its columns exist with the right types, and
// the image exists with the declared pixel size.
func checkCharts(t *Template) error {
	if len(t.Charts) == 0 {
		return nil
	}
	zr, err := zip.NewReader(bytes.NewReader(t.Docx), int64(len(t.Docx)))
	if err != nil {
		return fmt.Errorf("charts: %w", err)
	}
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		files[f.Name] = f
	}
	for _, c := range t.Charts {
		f, ok := files[c.Media]
		if !ok || !strings.HasPrefix(c.Media, "word/media/") || !strings.HasSuffix(c.Media, ".png") {
			return fmt.Errorf("chart %s: the .docx has no such PNG under word/media/", c.Media)
		}
		rc, err := f.Open()
		if err != nil {
			return fmt.Errorf("chart %s: %w", c.Media, err)
		}
		cfg, err := png.DecodeConfig(rc)
		rc.Close()
		if err != nil {
			return fmt.Errorf("chart %s: placeholder is not a PNG: %w", c.Media, err)
		}
		if cfg.Width != c.Width || cfg.Height != c.Height {
			return fmt.Errorf("chart %s: placeholder is %d×%d pixels, the chart %d×%d", c.Media, cfg.Width, cfg.Height, c.Width, c.Height)
		}
		field, ok := fieldAt(t.Fields, c.Table)
		if !ok || field.Type != TypeTable {
			return fmt.Errorf("chart %s: %q is not a table field", c.Media, c.Table)
		}
		cols := map[string]string{}
		for _, col := range field.Columns {
			cols[col.Name] = col.Type
		}
		if cols[c.Value] != TypeInt {
			return fmt.Errorf("chart %s: %s.%s is not an int column", c.Media, c.Table, c.Value)
		}
		if c.Label != "" && cols[c.Label] == "" {
			return fmt.Errorf("chart %s: %s has no column %s", c.Media, c.Table, c.Label)
		}
	}
	return nil
}

// fieldAt finds a field by its dotted path through object fields.
func fieldAt(fs []Field, path string) (Field, bool) {
	name, rest, nested := strings.Cut(path, ".")
	for _, f := range fs {
		if f.Name != name {
			continue
		}
		if !nested {
			return f, true
		}
		if f.Type == TypeObject {
			return fieldAt(f.Fields, rest)
		}
	}
	return Field{}, false
}
