package render

import (
	"fmt"
	"strconv"
	"strings"
)

// postProcess checks that a rendered part is well-formed XML and finishes
// it: the markers for \n \a \t \f in values become line breaks, new
// paragraphs, tabs and page breaks with the run's formatting; drawing ids
// repeated by loops are made unique; and, when cells were repeated, table
// grids are adjusted to the number of columns (as docxtpl does).
// full asks for the full check of the output, needed when a value marked
// safe was printed (it may hold any markup).
func postProcess(xml string, fixGrids, full bool) (string, error) {
	hasMarks := strings.ContainsAny(xml, "\x01\x02\x03\x04")
	hasDocPr := strings.Contains(xml, "docPr")
	if !hasMarks && !hasDocPr && !fixGrids {
		check := checkBalanced
		if full {
			check = func(s string) error { return scanXML(s, false, nil) }
		}
		if err := check(xml); err != nil {
			return "", fmt.Errorf("渲染结果不是有效的 XML（%v）；请检查模板中的标签是否打乱了段落或表格结构", err)
		}
		return xml, nil
	}
	toks, err := tokenizeXML(xml, true)
	if err != nil {
		return "", fmt.Errorf("渲染结果不是有效的 XML（%v）；请检查模板中的标签是否打乱了段落或表格结构", err)
	}
	m := matchEnds(toks)
	if fixGrids {
		fixTableGrids(toks, m)
	}
	if hasDocPr {
		uniqueDocPrIDs(toks)
	}
	if !hasMarks {
		return joinRaw(toks), nil
	}
	var b strings.Builder
	b.Grow(len(xml) + 256)
	var stack []string
	var pPr, rPr string
	runInPara := false
	for i, t := range toks {
		switch t.kind {
		case tkStart:
			switch t.name {
			case "w:p":
				pPr = childRaw(toks, m, i, "w:pPr")
			case "w:r":
				rPr = childRaw(toks, m, i, "w:rPr")
				runInPara = len(stack) > 0 && stack[len(stack)-1] == "w:p"
			}
			stack = append(stack, t.name)
			b.WriteString(stripMarks(t.raw))
		case tkEnd:
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
			b.WriteString(t.raw)
		case tkText:
			if len(stack) > 0 && stack[len(stack)-1] == "w:t" && strings.ContainsAny(t.raw, "\x01\x02\x03\x04") {
				writeMarkedText(&b, t.raw, pPr, rPr, runInPara)
			} else {
				b.WriteString(stripMarks(t.raw))
			}
		default:
			b.WriteString(stripMarks(t.raw))
		}
	}
	return b.String(), nil
}

// writeMarkedText writes w:t content, turning markers into Word structure.
func writeMarkedText(b *strings.Builder, s, pPr, rPr string, runInPara bool) {
	const reopen = `<w:t xml:space="preserve">`
	for _, r := range s {
		switch r {
		case markBreak:
			b.WriteString("</w:t><w:br/>" + reopen)
		case markTab:
			b.WriteString("</w:t></w:r><w:r>" + rPr + "<w:tab/></w:r><w:r>" + rPr + reopen)
		case markParagraph:
			if runInPara {
				b.WriteString("</w:t></w:r></w:p><w:p>" + pPr + "<w:r>" + rPr + reopen)
			} else {
				b.WriteString("</w:t><w:br/>" + reopen)
			}
		case markPage:
			if runInPara {
				b.WriteString(`</w:t></w:r></w:p><w:p><w:r><w:br w:type="page"/></w:r></w:p><w:p>` + pPr + "<w:r>" + rPr + reopen)
			} else {
				b.WriteString(`</w:t><w:br w:type="page"/>` + reopen)
			}
		default:
			b.WriteRune(r)
		}
	}
}

// stripMarks turns markers that ended up outside document text (in an
// attribute, say) into a space or nothing.
func stripMarks(s string) string {
	if !strings.ContainsAny(s, "\x01\x02\x03\x04") {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch r {
		case markBreak, markTab:
			return ' '
		case markParagraph, markPage:
			return -1
		}
		return r
	}, s)
}

// uniqueDocPrIDs renumbers wp:docPr ids that a loop repeated: Word
// refuses a document whose drawings share an id.
func uniqueDocPrIDs(toks []token) {
	seen := map[int]bool{}
	maxID := 0
	var dups []int
	for i, t := range toks {
		if (t.kind == tkEmpty || t.kind == tkStart) && t.name == "wp:docPr" {
			id, err := strconv.Atoi(attrVal(t.raw, "id"))
			if err != nil {
				continue
			}
			if seen[id] {
				dups = append(dups, i)
			}
			seen[id] = true
			maxID = max(maxID, id)
		}
	}
	for _, i := range dups {
		maxID++
		old := attrVal(toks[i].raw, "id")
		toks[i].raw = strings.Replace(toks[i].raw, ` id="`+old+`"`, ` id="`+strconv.Itoa(maxID)+`"`, 1)
	}
}

// fixTableGrids adjusts each table's w:tblGrid to the cells its rows now
// hold, keeping the table's total width — docxtpl's fix_tables.
func fixTableGrids(toks []token, m []int) {
	for s, t := range toks {
		if t.kind != tkStart || t.name != "w:tbl" {
			continue
		}
		grid := -1
		var cols []int // token indices of w:gridCol
		maxTc, maxSpan := 0, 0
		for k := s + 1; k < m[s]; k++ {
			c := toks[k]
			if c.kind == tkStart && c.name == "w:tblGrid" {
				grid = k
				for g := k + 1; g < m[k]; g++ {
					if toks[g].name == "w:gridCol" && toks[g].kind != tkEnd {
						cols = append(cols, g)
					}
				}
			}
			if c.kind == tkStart && c.name == "w:tr" {
				tcs, span := 0, 0
				for x := k + 1; x < m[k]; x++ {
					if toks[x].kind == tkStart && toks[x].name == "w:tc" {
						tcs++
						span += gridSpanOf(childRaw(toks, m, x, "w:tcPr"))
						x = m[x]
					}
				}
				maxTc, maxSpan = max(maxTc, tcs), max(maxSpan, span)
			}
			if c.kind == tkStart {
				k = m[k]
			}
		}
		if grid < 0 || len(cols) == 0 {
			continue
		}
		widths := make([]float64, len(cols))
		total := 0.0
		for i, g := range cols {
			widths[i], _ = strconv.ParseFloat(attrVal(toks[g].raw, "w:w"), 64)
			total += widths[i]
		}
		changed := false
		if add := maxTc - len(widths); add > 0 && total > 0 {
			oldAvg := total / float64(len(widths))
			newAvg := total / float64(len(widths)+add)
			for i := range widths {
				widths[i] = float64(int(widths[i] * newAvg / oldAvg))
			}
			for i := 0; i < add; i++ {
				widths = append(widths, float64(int(newAvg)))
			}
			changed = true
		}
		if remove := len(widths) - maxSpan; remove > 0 && maxSpan > 0 {
			removed := 0.0
			for _, w := range widths[len(widths)-remove:] {
				removed += w
			}
			widths = widths[:len(widths)-remove]
			extra := float64(int(removed / float64(len(widths))))
			for i := range widths {
				widths[i] = float64(int(widths[i] + extra))
			}
			changed = true
		}
		if !changed {
			continue
		}
		var nb strings.Builder
		nb.WriteString(toks[grid].raw)
		for _, w := range widths {
			fmt.Fprintf(&nb, `<w:gridCol w:w="%d"/>`, int(w))
		}
		for g := grid + 1; g < m[grid]; g++ {
			if toks[g].name == "w:gridCol" {
				if toks[g].kind == tkStart {
					g = m[g]
				}
				continue
			}
			nb.WriteString(toks[g].raw)
		}
		nb.WriteString(toks[m[grid]].raw)
		toks[grid].raw = nb.String()
		for g := grid + 1; g <= m[grid]; g++ {
			toks[g].raw = ""
		}
	}
}

// gridSpanOf reads w:gridSpan from a raw w:tcPr, 1 if absent.
func gridSpanOf(tcPr string) int {
	k := strings.Index(tcPr, "<w:gridSpan ")
	if k < 0 {
		return 1
	}
	e := strings.IndexByte(tcPr[k:], '>')
	if e < 0 {
		return 1
	}
	n, err := strconv.Atoi(attrVal(tcPr[k:k+e+1], "w:val"))
	if err != nil || n < 1 {
		return 1
	}
	return n
}
