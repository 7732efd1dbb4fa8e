package render

import (
	"fmt"
	"sort"
	"strings"
)

// Location says where a template tag stands in a .docx, in the words a
// person uses when looking at the document in Word.
type Location struct {
	Part      string // the part inside the .docx, e.g. "word/document.xml"
	Paragraph int    // 1-based paragraph number within the part; 0 if none
	Table     int    // 1-based table number within the part; 0 outside tables
	Row       int    // 1-based row within that table
	Cell      int    // 1-based cell within that row
	Context   string // the paragraph's text around the tag, shortened
}

// partLabel names a part the way a user knows it.
func partLabel(part string) string {
	switch {
	case part == "word/document.xml":
		return "正文"
	case strings.HasPrefix(part, "word/header"):
		return "页眉(" + strings.TrimPrefix(part, "word/") + ")"
	case strings.HasPrefix(part, "word/footer"):
		return "页脚(" + strings.TrimPrefix(part, "word/") + ")"
	case part == "word/footnotes.xml":
		return "脚注"
	case part == "word/endnotes.xml":
		return "尾注"
	case part == "docProps/core.xml":
		return "文档属性"
	}
	return part
}

// String renders the location as "正文第5段（表格1第2行第3列）“…context…”".
func (l Location) String() string {
	var b strings.Builder
	b.WriteString(partLabel(l.Part))
	if l.Paragraph > 0 {
		fmt.Fprintf(&b, "第%d段", l.Paragraph)
	}
	if l.Table > 0 {
		fmt.Fprintf(&b, "（表格%d第%d行第%d列）", l.Table, l.Row, l.Cell)
	}
	if l.Context != "" {
		fmt.Fprintf(&b, "“%s”", l.Context)
	}
	return b.String()
}

// TemplateError is one problem found in a template, with where it is.
type TemplateError struct {
	Loc Location // where the offending tag stands
	Tag string   // the tag as written, e.g. "{% endif %}"; may be empty
	Msg string   // what is wrong, in Chinese
}

// Error implements error.
func (e *TemplateError) Error() string {
	if e.Tag != "" && !strings.Contains(e.Msg, e.Tag) {
		return fmt.Sprintf("%s：%s（标签 %s）", e.Loc, e.Msg, e.Tag)
	}
	return fmt.Sprintf("%s：%s", e.Loc, e.Msg)
}

// TemplateErrors is every problem found in one template.
type TemplateErrors []*TemplateError

// Error implements error, listing every problem on its own line.
func (es TemplateErrors) Error() string {
	lines := make([]string, 0, len(es)+1)
	lines = append(lines, fmt.Sprintf("模板有 %d 处错误：", len(es)))
	for _, e := range es {
		lines = append(lines, "  - "+e.Error())
	}
	return strings.Join(lines, "\n")
}

// MissingField is a value the template prints but the data does not hold.
type MissingField struct {
	Name string   // the expression as written in the template, e.g. "被监督单位"
	Loc  Location // the first place it is printed
}

// MissingFieldsError lists every field a render needed and did not get.
// An official document with a blank field is a defect, so by default a
// render with missing fields fails with this error.
type MissingFieldsError struct {
	Fields []MissingField
}

// Error implements error.
func (e *MissingFieldsError) Error() string {
	names := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		names[i] = f.Name
	}
	var b strings.Builder
	fmt.Fprintf(&b, "缺少字段：%s", strings.Join(names, "、"))
	for _, f := range e.Fields {
		fmt.Fprintf(&b, "\n  - %s：用于%s", f.Name, f.Loc)
	}
	return b.String()
}

// Names returns the missing field names, sorted.
func (e *MissingFieldsError) Names() []string {
	out := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		out[i] = f.Name
	}
	sort.Strings(out)
	return out
}

// shorten cuts s to about n runes around position at (a rune index),
// marking cuts with "…". It never splits a rune.
func shorten(s string, at, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	start := at - n/2
	if start < 0 {
		start = 0
	}
	end := start + n
	if end > len(r) {
		end = len(r)
		start = end - n
	}
	out := string(r[start:end])
	if start > 0 {
		out = "…" + out
	}
	if end < len(r) {
		out += "…"
	}
	return out
}
