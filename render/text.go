package render

import (
	"fmt"
	"strings"
)

// TextOptions adjusts ExtractText.
type TextOptions struct {
	// Headers includes headers and footers, each line marked "[页眉] " or
	// "[页脚] ". By default they are left out: page numbers and running
	// heads are not a document's text.
	Headers bool
}

// ExtractText returns the visible text of a .docx in reading order, one
// paragraph per line: the body (table rows as their cells joined by tabs,
// text boxes after the paragraph that anchors them), then footnotes and
// endnotes. Deleted revisions, field codes and fallback copies of drawings
// are left out. It is the text search indexes and import reads.
func ExtractText(docx []byte, opts TextOptions) (string, error) {
	d, err := openDocx(docx, DefaultLimits())
	if err != nil {
		return "", err
	}
	var lines []string
	add := func(name, mark string) error {
		src, err := d.read(name, DefaultLimits())
		if err != nil {
			return err
		}
		ls, err := partText(src)
		if err != nil {
			return fmt.Errorf("%w：%s 不是有效的 XML（%v）", ErrNotDocx, name, err)
		}
		for _, l := range ls {
			if mark != "" {
				if strings.TrimSpace(l) == "" {
					continue
				}
				l = mark + l
			}
			lines = append(lines, l)
		}
		return nil
	}
	parts := d.templateParts()
	if opts.Headers {
		for _, p := range parts {
			if strings.HasPrefix(p, "word/header") {
				if err := add(p, "[页眉] "); err != nil {
					return "", err
				}
			}
		}
	}
	if err := add("word/document.xml", ""); err != nil {
		return "", err
	}
	for _, p := range []string{"word/footnotes.xml", "word/endnotes.xml"} {
		if _, ok := d.files[p]; ok {
			if err := add(p, ""); err != nil {
				return "", err
			}
		}
	}
	if opts.Headers {
		for _, p := range parts {
			if strings.HasPrefix(p, "word/footer") {
				if err := add(p, "[页脚] "); err != nil {
					return "", err
				}
			}
		}
	}
	return strings.Join(lines, "\n"), nil
}

// textBox collects text while walking a part: the document itself or a
// table cell.
type textBox struct {
	lines []string // finished lines (document) or paragraphs (cell)
	row   []string // cells of the row being read, when this box holds a table
}

// partText returns the lines of one WordprocessingML part.
func partText(src string) ([]string, error) {
	toks, err := tokenize(src)
	if err != nil {
		return nil, err
	}
	boxes := []*textBox{{}}
	var paras []*strings.Builder
	inT, skip := 0, 0
	for _, t := range toks {
		if skip > 0 {
			switch t.kind {
			case tkStart:
				skip++
			case tkEnd:
				skip--
			}
			continue
		}
		switch t.kind {
		case tkStart:
			switch t.name {
			case "mc:Fallback", "w:del", "w:instrText", "w:delText":
				skip = 1
			case "w:p":
				paras = append(paras, &strings.Builder{})
			case "w:tc":
				boxes = append(boxes, &textBox{})
			case "w:t":
				inT++
			}
		case tkEmpty:
			if len(paras) > 0 {
				p := paras[len(paras)-1]
				switch t.name {
				case "w:tab":
					p.WriteByte('\t')
				case "w:br", "w:cr":
					p.WriteByte('\n')
				case "w:noBreakHyphen":
					p.WriteByte('-')
				}
			}
		case tkText:
			if inT > 0 && len(paras) > 0 {
				paras[len(paras)-1].WriteString(unescapeXML(t.raw))
			}
		case tkEnd:
			switch t.name {
			case "w:t":
				inT--
			case "w:p":
				if len(paras) == 0 {
					continue
				}
				text := strings.TrimRight(paras[len(paras)-1].String(), " \t\u3000")
				paras = paras[:len(paras)-1]
				box := boxes[len(boxes)-1]
				box.lines = append(box.lines, text)
			case "w:tc":
				cell := boxes[len(boxes)-1]
				boxes = boxes[:len(boxes)-1]
				parent := boxes[len(boxes)-1]
				parent.row = append(parent.row, strings.Join(cell.lines, " "))
			case "w:tr":
				box := boxes[len(boxes)-1]
				box.lines = append(box.lines, strings.TrimRight(strings.Join(box.row, "\t"), " \t"))
				box.row = nil
			}
		}
	}
	return boxes[0].lines, nil
}
