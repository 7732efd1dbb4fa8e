// Package importer turns existing files — a 司法局's past notices as .docx
// or .txt — into archive records: it reads their metadata off the text
// (Extract) and archives them with their 发文字号 registered as imported
// (Importer), so that a later issue never reuses a number.
package importer

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/gongwen/gongwen/archive"
	"github.com/gongwen/gongwen/doctext"
	"github.com/gongwen/gongwen/render"
)

// Field names, as evidence and warnings name them.
const (
	FieldWenhao   = "发文字号"
	FieldTitle    = "标题"
	FieldIssuer   = "发文机关"
	FieldDate     = "成文日期"
	FieldSigner   = "签发人"
	FieldMainTo   = "主送机关"
	FieldWenZhong = "文种"
	FieldCC       = "抄送机关"
)

// Metadata is what Extract read off a document. Empty fields were not
// found; Warnings say so, and Evidence says where each found field was
// read, so that a person can check it against the document.
type Metadata struct {
	Format   string     `json:"format"`             // archive.FormatDocx or archive.FormatText
	Encoding string     `json:"encoding,omitempty"` // of a .txt: utf-8, gb18030 or utf-16
	Wenhao   string     `json:"wenhao,omitempty"`   // 发文字号, normalised to 机关代字〔年份〕序号号
	Daizi    string     `json:"daizi,omitempty"`    // 机关代字
	Year     int        `json:"year,omitempty"`     // 年份 of the 发文字号
	Seq      int        `json:"seq,omitempty"`      // 序号 of the 发文字号
	Title    string     `json:"title,omitempty"`    // 标题, lines joined
	Issuer   string     `json:"issuer,omitempty"`   // 发文机关
	Date     string     `json:"date,omitempty"`     // 成文日期, ISO 2006-01-02
	Signer   string     `json:"signer,omitempty"`   // 签发人 (upward documents)
	MainTo   string     `json:"main_to,omitempty"`  // 主送机关
	WenZhong string     `json:"wenzhong,omitempty"` // 文种, e.g. 通知
	CC       []string   `json:"cc,omitempty"`       // 抄送机关
	Evidence []Evidence `json:"evidence"`
	Warnings []string   `json:"warnings,omitempty"`
}

// Evidence is where a field was read: the line of the document's text
// (a paragraph of a .docx, a line of a .txt; from 1) and that line as
// written. A value read from several lines names the first and joins
// their text with " / ".
type Evidence struct {
	Field string `json:"field"`
	Line  int    `json:"line"`
	Text  string `json:"text"`
}

// Of returns the evidence of a field, if it was found.
func (m *Metadata) Of(field string) (Evidence, bool) {
	for _, e := range m.Evidence {
		if e.Field == field {
			return e, true
		}
	}
	return Evidence{}, false
}

// ErrUnsupported means a file is of a kind import cannot read.
var ErrUnsupported = errors.New("不支持的文件类型")

// Extract reads the metadata of a past document: a .docx (its text as
// render.ExtractText gives it) or a .txt (UTF-8, GB18030/GBK or UTF-16, see
// doctext.Decode). name gives the file type by its extension and, when no
// title is found, the title. It returns an error only when the file cannot
// be read as text; fields it cannot find are left empty with a warning.
func Extract(name string, content []byte) (*Metadata, error) {
	format, err := FormatOf(name, content)
	if err != nil {
		return nil, err
	}
	m := &Metadata{Format: format}
	var text string
	switch format {
	case archive.FormatDocx:
		text, err = render.ExtractText(content, render.TextOptions{})
		if err != nil {
			return nil, fmt.Errorf("%s 无法读取：%w", name, err)
		}
	case archive.FormatText:
		text, m.Encoding, err = doctext.Decode(content)
		if err != nil {
			return nil, fmt.Errorf("%s 无法读取：%w", name, err)
		}
	}
	if strings.TrimSpace(text) == "" {
		return nil, fmt.Errorf("%s 没有文字内容", name)
	}
	readText(m, text)
	if m.Title == "" {
		base := strings.TrimSpace(strings.TrimSuffix(filepath.Base(name), filepath.Ext(name)))
		m.Title = base
		m.warn("未找到标题，暂以文件名“%s”为标题，请核对", base)
	}
	return m, nil
}

// FormatOf tells the archive format of a file from its name and first
// bytes: .docx and .txt are read; old Word (.doc), WPS, PDF and others
// are refused with what to do instead.
func FormatOf(name string, content []byte) (string, error) {
	ext := strings.ToLower(filepath.Ext(name))
	ole := bytes.HasPrefix(content, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1})
	switch {
	case ext == ".docx" && ole:
		return "", fmt.Errorf("%w：%s 名为 .docx，实际是旧版 Word（.doc）格式；请在 Word 或 WPS 中另存为 .docx 后再导入", ErrUnsupported, name)
	case ext == ".docx":
		return archive.FormatDocx, nil
	case ext == ".txt":
		return archive.FormatText, nil
	case ext == ".doc" || ext == ".wps" || ext == ".rtf" || ext == ".odt":
		return "", fmt.Errorf("%w：%s 是 %s 格式；请在 Word 或 WPS 中另存为 .docx 后再导入", ErrUnsupported, name, ext)
	case ext == ".pdf" || ext == ".ofd":
		return "", fmt.Errorf("%w：%s 是 %s 版式文件，无法可靠读取文字；请导入其 .docx 或 .txt", ErrUnsupported, name, ext)
	}
	return "", fmt.Errorf("%w：%s（可导入 .docx 和 .txt）", ErrUnsupported, name)
}

func (m *Metadata) warn(format string, args ...any) {
	m.Warnings = append(m.Warnings, fmt.Sprintf(format, args...))
}

func (m *Metadata) cite(field string, ls ...line) {
	if len(ls) == 0 {
		return
	}
	texts := make([]string, len(ls))
	for i, l := range ls {
		texts[i] = l.text
	}
	m.Evidence = append(m.Evidence, Evidence{Field: field, Line: ls[0].n, Text: clip(strings.Join(texts, " / "), 120)})
}

// clip shortens s to n characters with an ellipsis.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
