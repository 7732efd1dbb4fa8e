package build

import (
	"fmt"
	"strings"
)

// Font names. The eastAsia fonts are the ones GB/T 9704-2012 names; the
// font table (fontTable.xml) gives each a w:altName fallback that exists on
// machines without the GB2312/方正 fonts (仿宋_GB2312 → 仿宋, 楷体_GB2312 →
// 楷体, 方正小标宋简体 → 华文中宋).
const (
	fFS  = "仿宋_GB2312"
	fHT  = "黑体"
	fKT  = "楷体_GB2312"
	fXBS = "方正小标宋简体"
	fST  = "宋体"
)

// Layout numbers (twips unless noted), see gbt9704.md.
const (
	pageW     = 11906
	pageH     = 16838
	marTop    = 2098                       // 37 mm
	marBottom = 1984                       // 35 mm
	marLeft   = 1588                       // 28 mm
	marRight  = 1474                       // 26 mm
	textW     = pageW - marLeft - marRight // 8844 = 156 mm
	linePitch = 579                        // 28.95 pt: 22 lines in 225 mm
	// charSpacing is the condensed character spacing of body text, in
	// twentieths of a point (w:spacing in w:rPr). 28 characters of 16 pt
	// must fit the 156 mm (442.2 pt) line: the advance may be at most
	// 442.2/28 = 15.793 pt, and 29 must not fit (more than 15.248 pt).
	// -5 gives 15.75 pt. A docGrid of type linesAndChars with charSpace -849
	// does the same in Word, but LibreOffice (7.4) rounds every 16 pt
	// character up to two 15.79 pt grid cells and sets 14 characters a
	// line; condensed spacing on a line-only grid gives 22 × 28 in both.
	charSpacing = -5
	// footer distance: the page number line (4号, 14 pt = 280 twips high) must
	// start 7 mm (397 twips) below the 版心: 1984 - 397 - 280 = 1307.
	footerDist = 1307
	headerDist = 851 // 15 mm; the templates have no header content

	szBody  = 32 // 3号
	szTitle = 44 // 2号
	szMark  = 84 // 42 pt 小标宋: ten characters fill 148 mm of the 156 mm line
	szSmall = 28 // 4号
	szTable = 28 // table text, 4号
	szWide  = 24 // 小四, for the six-column table

	red = "FF0000"
)

var xmlEsc = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")

func esc(s string) string { return xmlEsc.Replace(s) }

// rs is a run's formatting; zero values mean "inherit the document default"
// (仿宋_GB2312, 3号, black).
type rs struct {
	font  string
	ascii string // ascii/hAnsi font when it differs from font
	sz    int
	color string
	bold  bool
}

func (r rs) xml() string {
	var b strings.Builder
	if r.font != "" {
		a := r.ascii
		if a == "" {
			a = r.font
		}
		fmt.Fprintf(&b, `<w:rFonts w:ascii="%s" w:eastAsia="%s" w:hAnsi="%s" w:hint="eastAsia"/>`, a, r.font, a)
	}
	if r.bold {
		b.WriteString(`<w:b/><w:bCs/>`)
	}
	if r.color != "" {
		fmt.Fprintf(&b, `<w:color w:val="%s"/>`, r.color)
	}
	if r.sz != 0 {
		fmt.Fprintf(&b, `<w:sz w:val="%d"/><w:szCs w:val="%d"/>`, r.sz, r.sz)
	}
	if b.Len() == 0 {
		return ""
	}
	return "<w:rPr>" + b.String() + "</w:rPr>"
}

// run is one text run. Every Jinja tag is written inside one run.
func run(r rs, text string) string {
	return "<w:r>" + r.xml() + `<w:t xml:space="preserve">` + esc(text) + "</w:t></w:r>"
}

// tab is a run holding a tab character.
func tab(r rs) string { return "<w:r>" + r.xml() + "<w:tab/></w:r>" }

// pp is a paragraph's properties, written in CT_PPr schema order.
type pp struct {
	keepNext  bool
	pageBreak bool
	bdr       string // inner XML of w:pBdr
	tabs      string // inner XML of w:tabs
	noSnap    bool   // w:snapToGrid w:val="0": leave the document grid
	spacing   string // attributes of w:spacing
	ind       string // attributes of w:ind
	jc        string
	mark      rs // paragraph mark formatting
}

func (p pp) xml() string {
	var b strings.Builder
	if p.keepNext {
		b.WriteString(`<w:keepNext/>`)
	}
	if p.pageBreak {
		b.WriteString(`<w:pageBreakBefore/>`)
	}
	if p.bdr != "" {
		b.WriteString(`<w:pBdr>` + p.bdr + `</w:pBdr>`)
	}
	if p.tabs != "" {
		b.WriteString(`<w:tabs>` + p.tabs + `</w:tabs>`)
	}
	if p.noSnap {
		b.WriteString(`<w:snapToGrid w:val="0"/>`)
	}
	if p.spacing != "" {
		b.WriteString(`<w:spacing ` + p.spacing + `/>`)
	}
	if p.ind != "" {
		b.WriteString(`<w:ind ` + p.ind + `/>`)
	}
	if p.jc != "" {
		fmt.Fprintf(&b, `<w:jc w:val="%s"/>`, p.jc)
	}
	b.WriteString(p.mark.xml())
	if b.Len() == 0 {
		return ""
	}
	return "<w:pPr>" + b.String() + "</w:pPr>"
}

// para is a paragraph.
func para(p pp, runs ...string) string {
	return "<w:p>" + p.xml() + strings.Join(runs, "") + "</w:p>"
}

// tagP is a paragraph that holds only a paragraph-level tag such as
// {%p if 密级 %}: the render engine replaces the whole paragraph by the tag.
func tagP(tag string) string { return para(pp{}, run(rs{}, tag)) }

// blank is an empty 3号 line (one grid line).
func blank() string { return "<w:p/>" }

// Common paragraph properties.
const (
	ind2     = `w:firstLine="640" w:firstLineChars="200"` // 正文: 首行缩进二字
	indRight = `w:right="640" w:rightChars="200"`         // 右空二字
)

var (
	pBody   = pp{ind: ind2, jc: "both"}
	pLeft   = pp{jc: "left"}
	pCenter = pp{jc: "center"}
)

// body is an indented 3号仿宋 paragraph made of runs.
func body(runs ...string) string { return para(pBody, runs...) }

// text is an indented 3号仿宋 paragraph of plain text (tags allowed).
func text(s string) string { return body(run(rs{}, s)) }

// h1 is a first-level heading (一、) in 黑体; s holds the whole heading.
func h1(s string) string {
	return para(pp{ind: ind2, jc: "both", keepNext: true}, run(rs{font: fHT}, s))
}

// kai is a run in 楷体 (second-level headings （一）).
func kai(s string) string { return run(rs{font: fKT}, s) }

// fs is a run in the default 仿宋.
func fs(s string) string { return run(rs{}, s) }

// ---- tables ----

func border(side, val string, sz int, color string) string {
	if val == "none" {
		return fmt.Sprintf(`<w:%s w:val="none" w:sz="0" w:space="0" w:color="auto"/>`, side)
	}
	return fmt.Sprintf(`<w:%s w:val="%s" w:sz="%d" w:space="0" w:color="%s"/>`, side, val, sz, color)
}

func noBorders() string {
	var b strings.Builder
	for _, s := range []string{"top", "left", "bottom", "right", "insideH", "insideV"} {
		b.WriteString(border(s, "none", 0, ""))
	}
	return b.String()
}

func gridBorders() string {
	var b strings.Builder
	for _, s := range []string{"top", "left", "bottom", "right", "insideH", "insideV"} {
		b.WriteString(border(s, "single", 4, "000000"))
	}
	return b.String()
}

// tblPr builds table properties in CT_TblPr order.
func tblPr(float string, borders string, cellMar int) string {
	return "<w:tblPr>" + float +
		fmt.Sprintf(`<w:tblW w:w="%d" w:type="dxa"/>`, textW) +
		`<w:jc w:val="center"/><w:tblInd w:w="0" w:type="dxa"/>` +
		"<w:tblBorders>" + borders + "</w:tblBorders>" +
		`<w:tblLayout w:type="fixed"/>` +
		fmt.Sprintf(`<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="%d" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="%d" w:type="dxa"/></w:tblCellMar>`, cellMar, cellMar) +
		"</w:tblPr>"
}

func tblGrid(widths ...int) string {
	var b strings.Builder
	b.WriteString("<w:tblGrid>")
	for _, w := range widths {
		fmt.Fprintf(&b, `<w:gridCol w:w="%d"/>`, w)
	}
	b.WriteString("</w:tblGrid>")
	return b.String()
}

// cell is a table cell of the given width holding paragraphs.
func cell(w, span int, vcenter bool, paras ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/>`, w)
	if span > 1 {
		fmt.Fprintf(&b, `<w:gridSpan w:val="%d"/>`, span)
	}
	if vcenter {
		b.WriteString(`<w:vAlign w:val="center"/>`)
	}
	b.WriteString("</w:tcPr>")
	if len(paras) == 0 {
		paras = []string{"<w:p/>"}
	}
	b.WriteString(strings.Join(paras, ""))
	b.WriteString("</w:tc>")
	return b.String()
}

// row is a table row; trPr is the inner XML of w:trPr.
func row(trPr string, cells ...string) string {
	s := "<w:tr>"
	if trPr != "" {
		s += "<w:trPr>" + trPr + "</w:trPr>"
	}
	return s + strings.Join(cells, "") + "</w:tr>"
}

// tagRow is a row that holds only a row-level tag ({%tr for … %}); the
// render engine replaces the whole row by the tag.
func tagRow(tag string, widths []int) string {
	return row("", cell(sum(widths), len(widths), false, para(pp{noSnap: true}, run(rs{sz: szTable}, tag))))
}

func sum(ws []int) int {
	t := 0
	for _, w := range ws {
		t += w
	}
	return t
}

// col describes one column of a data table.
type col struct {
	head string
	w    int
	jc   string
	expr string // cell content (a {{ }} tag and/or text)
}

// dataTable is a bordered table with a repeated header row and one
// template row repeated by {%tr for %} … {%tr endfor %}.
func dataTable(cols []col, forTag string, sz int) string {
	ws := make([]int, len(cols))
	var head, data []string
	cp := pp{noSnap: true, spacing: `w:before="40" w:after="40"`}
	for i, c := range cols {
		ws[i] = c.w
		hp := cp
		hp.jc = "center"
		head = append(head, cell(c.w, 1, true, para(hp, run(rs{font: fHT, sz: sz}, c.head))))
		dp := cp
		dp.jc = c.jc
		data = append(data, cell(c.w, 1, true, para(dp, run(rs{sz: sz}, c.expr))))
	}
	if sum(ws) != textW {
		panic(fmt.Sprintf("table widths %v sum to %d, want %d", ws, sum(ws), textW))
	}
	return "<w:tbl>" + tblPr("", gridBorders(), 57) + tblGrid(ws...) +
		row(`<w:cantSplit/><w:tblHeader/>`, head...) +
		tagRow(forTag, ws) +
		row(`<w:cantSplit/>`, data...) +
		tagRow("{%tr endfor %}", ws) +
		"</w:tbl>"
}

// ---- pictures ----

// drawing is a paragraph holding one inline picture, centred, w×h mm,
// off the line grid so that the line grows to the picture's height.
func drawing(p picture, id int, descr string, wMM, hMM float64) string {
	cx, cy := int(wMM*36000), int(hMM*36000) // EMU
	ext := fmt.Sprintf(`cx="%d" cy="%d"`, cx, cy)
	name := esc(p.name)
	return para(pp{noSnap: true, spacing: `w:before="120" w:line="240" w:lineRule="auto"`, jc: "center", keepNext: true},
		`<w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0">`+
			`<wp:extent `+ext+`/><wp:effectExtent l="0" t="0" r="0" b="0"/>`+
			fmt.Sprintf(`<wp:docPr id="%d" name="%s" descr="%s"/>`, id, name, esc(descr))+
			`<wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr>`+
			`<a:graphic><a:graphicData uri="`+nsPic+`"><pic:pic>`+
			fmt.Sprintf(`<pic:nvPicPr><pic:cNvPr id="%d" name="%s"/><pic:cNvPicPr/></pic:nvPicPr>`, id, name)+
			`<pic:blipFill><a:blip r:embed="`+p.rid+`"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>`+
			`<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext `+ext+`/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr>`+
			`</pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>`)
}
