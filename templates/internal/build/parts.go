package build

import (
	"fmt"
	"strings"
)

const (
	nsW   = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
	nsR   = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
	nsWP  = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
	nsA   = "http://schemas.openxmlformats.org/drawingml/2006/main"
	nsPic = "http://schemas.openxmlformats.org/drawingml/2006/picture"
	decl  = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"
)

// ---- 版头 ----

// headerBlock is the space of the 版心 above the 发文机关标志: a borderless
// one-cell table whose row is exactly 35 mm (1984 twips) high, so that the
// top edge of the mark sits 35 mm below the top of the 版心 whether or not
// the optional 份号 / 密级★保密期限 / 紧急程度 lines (flush left, lines 1–3)
// are printed. The trailing empty paragraph keeps the cell valid when all
// three are omitted; it is clipped by the exact row height.
func headerBlock() string {
	ht := rs{font: fHT}
	paras := []string{
		tagP("{%p if 份号|default('') %}"),
		para(pLeft, fs("{{ 份号 }}")),
		tagP("{%p endif %}"),
		tagP("{%p if 密级|default('') %}"),
		para(pLeft, run(ht, "{{ 密级 }}"), run(ht, "{% if 保密期限|default('') %}"), run(ht, "★{{ 保密期限 }}"), run(ht, "{% endif %}")),
		tagP("{%p endif %}"),
		tagP("{%p if 紧急程度|default('') %}"),
		para(pLeft, run(ht, "{{ 紧急程度 }}")),
		tagP("{%p endif %}"),
		blank(),
	}
	return "<w:tbl>" + tblPr("", noBorders(), 0) + tblGrid(textW) +
		row(fmt.Sprintf(`<w:trHeight w:val="%d" w:hRule="exact"/>`, marBottom), cell(textW, 1, false, paras...)) +
		"</w:tbl>"
}

// mark is the red 发文机关标志, centred, 小标宋, off the character grid so
// that the large characters are not spread to grid cells.
func mark() string {
	return para(pp{noSnap: true, spacing: fmt.Sprintf(`w:line="%d" w:lineRule="exact"`, szMark*10*115/100), jc: "center"},
		run(rs{font: fXBS, sz: szMark, color: red}, "{{ 发文机关标志 }}"))
}

// separator is the red line under the 发文字号: the bottom border (1.5 pt ≈
// 0.53 mm, red) of an empty paragraph exactly 4 mm high, full 版心 width
// (no indents). A paragraph border, not a drawing shape.
func separator() string {
	return para(pp{bdr: border("bottom", "single", 12, red), noSnap: true, spacing: `w:line="227" w:lineRule="exact"`, mark: rs{sz: 2}})
}

const wenhaoExpr = "{{ 机关代字|wenhao(年份, 序号) }}"

// headDown is the 版头 of a downward document (通知, 意见, 决定): the
// 发文字号 centred two lines below the mark.
func headDown() []string {
	return []string{headerBlock(), mark(), blank(), blank(), para(pCenter, fs(wenhaoExpr)), separator()}
}

// headUp is the 版头 of an upward document (报告): 发文字号 one character in
// from the left and "签发人：" + name (name in 楷体) one character in from
// the right, on one line: a left tab stop at one character and a right tab
// stop one character short of the right edge.
func headUp() []string {
	tabs := fmt.Sprintf(`<w:tab w:val="left" w:pos="320"/><w:tab w:val="right" w:pos="%d"/>`, textW-320)
	line := para(pp{tabs: tabs, jc: "left"},
		tab(rs{}), fs(wenhaoExpr), tab(rs{}), fs("签发人："), run(rs{font: fKT}, "{{ 签发人 }}"))
	return []string{headerBlock(), mark(), blank(), blank(), line, separator()}
}

// title is the 2号小标宋 title, two lines below the red line, and the
// 主送机关 one line below it.
func titleAndAddressee() []string {
	return []string{
		blank(), blank(),
		para(pp{noSnap: true, spacing: fmt.Sprintf(`w:line="%d" w:lineRule="exact"`, linePitch), jc: "center"},
			run(rs{font: fXBS, sz: szTitle}, "{{ 标题 }}")),
		blank(),
		para(pp{jc: "both"}, fs("{{ 主送 }}"), fs("：")),
	}
}

// attachmentsNote is the 附件说明, only when 附件 is non-empty: one blank
// line, then "附件：" two characters in; with several attachments each is
// numbered "1." and put on its own line (w:br) aligned under the first name
// (hanging indent of three characters).
func attachmentsNote() []string {
	return []string{
		tagP("{%p if 附件|default([]) %}"),
		blank(),
		para(pp{ind: `w:left="1600" w:leftChars="500" w:hanging="960" w:hangingChars="300"`, jc: "left"},
			fs("附件："),
			fs("{% for 件 in 附件 %}"),
			fs("{% if 附件|length != 1 %}"), fs("{{ loop.index }}."), fs("{% endif %}"),
			fs("{{ 件 }}"),
			fs("{% if not loop.last %}"), "<w:r><w:br/></w:r>", fs("{% endif %}"),
			fs("{% endfor %}")),
		tagP("{%p endif %}"),
	}
}

// signature is the 发文机关署名 and 成文日期 without a seal: one blank line,
// the office name right-aligned two characters in from the right, the date
// on the next line right-aligned two characters in (for the usual 6–10
// character office names this puts the date's first character about two
// characters right of the name's, as §7.3.5.2 asks), then the 附注 in
// parentheses two characters in from the left, when set.
func signature() []string {
	return []string{
		blank(),
		para(pp{keepNext: true, ind: indRight, jc: "right"}, fs("{{ 发文机关署名 }}")),
		para(pp{ind: indRight, jc: "right"}, fs("{{ 成文日期|cn_date }}")),
		tagP("{%p if 附注|default('') %}"),
		para(pBody, fs("（{{ 附注 }}）")),
		tagP("{%p endif %}"),
	}
}

// colophon is the 版记 at the foot of the last page: a borderless two-column
// table floated to the bottom of the 版心 (tblpPr vertAnchor=margin,
// tblpYSpec=bottom) whose top and bottom borders are the thick first and last
// lines (sz 8 = 1 pt ≈ 0.35 mm) and whose inside horizontal border is the
// thin line between 抄送 and 印发 (sz 6 = 0.75 pt ≈ 0.25 mm). 抄送 spans both
// columns, one character (4号, 280 twips) in on each side, wrapped lines
// aligned after "抄送："; 印发机关 is one character in from the left in the
// first cell, "×年×月×日印发" one character in from the right in the second.
// The row is dropped by {%tr if %} when 抄送 is empty. The table is
// followed by a tiny empty paragraph (its anchor; a body must end in a
// paragraph).
func colophon() []string {
	half := textW / 2
	ws := []int{half, textW - half}
	small := rs{sz: szSmall}
	cp := pp{noSnap: true, spacing: fmt.Sprintf(`w:line="%d" w:lineRule="exact"`, linePitch)}
	cc := cp
	cc.ind = `w:left="1120" w:right="280" w:hanging="840"`
	cc.jc = "both"
	l := cp
	l.ind = `w:left="280"`
	l.jc = "left"
	r := cp
	r.ind = `w:right="280"`
	r.jc = "right"
	borders := border("top", "single", 8, "000000") + border("left", "none", 0, "") +
		border("bottom", "single", 8, "000000") + border("right", "none", 0, "") +
		border("insideH", "single", 6, "000000") + border("insideV", "none", 0, "")
	float := `<w:tblpPr w:leftFromText="0" w:rightFromText="0" w:topFromText="0" w:bottomFromText="0" w:vertAnchor="margin" w:horzAnchor="margin" w:tblpXSpec="center" w:tblpYSpec="bottom"/><w:tblOverlap w:val="never"/>`
	tr := `<w:cantSplit/>`
	tbl := "<w:tbl>" + tblPr(float, borders, 0) + tblGrid(ws...) +
		row("", cell(textW, 2, false, para(pp{noSnap: true}, run(small, "{%tr if 抄送|default([]) %}")))) +
		row(tr, cell(textW, 2, true, para(cc, run(small, "抄送："), run(small, "{{ 抄送|join('，') }}"), run(small, "。")))) +
		row("", cell(textW, 2, false, para(pp{noSnap: true}, run(small, "{%tr endif %}")))) +
		row(tr, cell(ws[0], 1, true, para(l, run(small, "{{ 印发机关 }}"))),
			cell(ws[1], 1, true, para(r, run(small, "{{ 印发日期|cn_date }}"), run(small, "印发")))) +
		"</w:tbl>"
	return []string{tbl, para(pp{noSnap: true, spacing: `w:line="20" w:lineRule="exact"`, mark: rs{sz: 2}})}
}

// ---- parts ----

func sectPr() string {
	return `<w:sectPr>` +
		`<w:footerReference w:type="default" r:id="rId4"/>` +
		`<w:footerReference w:type="even" r:id="rId5"/>` +
		fmt.Sprintf(`<w:pgSz w:w="%d" w:h="%d"/>`, pageW, pageH) +
		fmt.Sprintf(`<w:pgMar w:top="%d" w:right="%d" w:bottom="%d" w:left="%d" w:header="%d" w:footer="%d" w:gutter="0"/>`,
			marTop, marRight, marBottom, marLeft, headerDist, footerDist) +
		`<w:cols w:space="425"/>` +
		fmt.Sprintf(`<w:docGrid w:type="lines" w:linePitch="%d"/>`, linePitch) +
		`</w:sectPr>`
}

func documentXML(blocks []string) string {
	body := strings.Join(blocks, "")
	ns := ""
	if strings.Contains(body, "<w:drawing>") {
		ns = ` xmlns:wp="` + nsWP + `" xmlns:a="` + nsA + `" xmlns:pic="` + nsPic + `"`
	}
	return decl + `<w:document xmlns:w="` + nsW + `" xmlns:r="` + nsR + `"` + ns + `><w:body>` +
		body + sectPr() + `</w:body></w:document>`
}

// footer is a page-number footer: "— " PAGE " —" in 4号宋体, odd pages
// right-aligned one character (280 twips) in, even pages left-aligned one
// character in.
func footer(odd bool) string {
	r := rs{font: fST, ascii: fST, sz: szSmall}
	p := pp{noSnap: true, ind: `w:left="280"`, jc: "left"}
	if odd {
		p = pp{noSnap: true, ind: `w:right="280"`, jc: "right"}
	}
	rpr := r.xml()
	return decl + `<w:ftr xmlns:w="` + nsW + `" xmlns:r="` + nsR + `">` +
		para(p,
			run(r, "— "),
			`<w:r>`+rpr+`<w:fldChar w:fldCharType="begin"/></w:r>`,
			`<w:r>`+rpr+`<w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>`,
			`<w:r>`+rpr+`<w:fldChar w:fldCharType="separate"/></w:r>`,
			run(r, "1"),
			`<w:r>`+rpr+`<w:fldChar w:fldCharType="end"/></w:r>`,
			run(r, " —")) +
		`</w:ftr>`
}

func stylesXML() string {
	return decl + `<w:styles xmlns:w="` + nsW + `" xmlns:r="` + nsR + `">` +
		`<w:docDefaults><w:rPrDefault><w:rPr>` +
		`<w:rFonts w:ascii="` + fFS + `" w:eastAsia="` + fFS + `" w:hAnsi="` + fFS + `" w:cs="Times New Roman" w:hint="eastAsia"/>` +
		`<w:color w:val="000000"/>` + fmt.Sprintf(`<w:spacing w:val="%d"/>`, charSpacing) + `<w:kern w:val="2"/>` +
		fmt.Sprintf(`<w:sz w:val="%d"/><w:szCs w:val="%d"/>`, szBody, szBody) +
		`<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>` +
		`</w:rPr></w:rPrDefault>` +
		`<w:pPrDefault><w:pPr><w:widowControl w:val="0"/><w:jc w:val="both"/></w:pPr></w:pPrDefault>` +
		`</w:docDefaults>` +
		`<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/>` +
		// The size is repeated in Normal because LibreOffice derives the
		// docGrid character pitch from the Normal style's own East Asian
		// size (falling back to 12 pt), not from docDefaults.
		fmt.Sprintf(`<w:rPr><w:sz w:val="%d"/><w:szCs w:val="%d"/></w:rPr></w:style>`, szBody, szBody) +
		`<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont"><w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/><w:unhideWhenUsed/></w:style>` +
		`<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/>` +
		`<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>` +
		`<w:style w:type="numbering" w:default="1" w:styleId="NoList"><w:name w:val="No List"/><w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/></w:style>` +
		`</w:styles>`
}

func settingsXML() string {
	return decl + `<w:settings xmlns:w="` + nsW + `" xmlns:r="` + nsR + `">` +
		`<w:zoom w:percent="100"/>` +
		`<w:defaultTabStop w:val="420"/>` +
		`<w:evenAndOddHeaders/>` +
		`<w:characterSpacingControl w:val="doNotCompress"/>` +
		`<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>` +
		`<w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/>` +
		`<w:decimalSymbol w:val="."/><w:listSeparator w:val=","/>` +
		`</w:settings>`
}

func fontTableXML() string {
	font := func(name, alt, charset, family, pitch string) string {
		s := `<w:font w:name="` + name + `">`
		if alt != "" {
			s += `<w:altName w:val="` + alt + `"/>`
		}
		return s + `<w:charset w:val="` + charset + `"/><w:family w:val="` + family + `"/><w:pitch w:val="` + pitch + `"/></w:font>`
	}
	return decl + `<w:fonts xmlns:w="` + nsW + `" xmlns:r="` + nsR + `">` +
		font(fFS, "仿宋", "86", "modern", "fixed") +
		font("仿宋", "FangSong", "86", "modern", "fixed") +
		font(fKT, "楷体", "86", "modern", "fixed") +
		font(fHT, "SimHei", "86", "modern", "fixed") +
		font(fXBS, "华文中宋", "86", "auto", "variable") +
		font(fST, "SimSun", "86", "auto", "variable") +
		font("Times New Roman", "", "00", "roman", "variable") +
		`</w:fonts>`
}

// contentTypesXML declares the parts' types; png when the document has
// pictures.
func contentTypesXML(png bool) string {
	img := ""
	if png {
		img = `<Default Extension="png" ContentType="image/png"/>`
	}
	return contentTypesHead + img + contentTypesTail
}

const contentTypesHead = decl + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
	`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
	`<Default Extension="xml" ContentType="application/xml"/>`

const contentTypesTail = "" +
	`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>` +
	`<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>` +
	`<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>` +
	`<Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/>` +
	`<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>` +
	`<Override PartName="/word/footer2.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>` +
	`<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>` +
	`<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>` +
	`</Types>`

const rootRelsXML = decl + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>` +
	`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>` +
	`<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>` +
	`</Relationships>`

// documentRelsXML is the document's relationships, with one image
// relationship per picture.
func documentRelsXML(pics []picture) string {
	var b strings.Builder
	for _, p := range pics {
		b.WriteString(`<Relationship Id="` + p.rid + `" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/` + p.name + `"/>`)
	}
	return strings.TrimSuffix(documentRels, `</Relationships>`) + b.String() + `</Relationships>`
}

const documentRels = decl + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>` +
	`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>` +
	`<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable" Target="fontTable.xml"/>` +
	`<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>` +
	`<Relationship Id="rId5" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer2.xml"/>` +
	`</Relationships>`

func coreXML(name string) string {
	return decl + `<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
		`<dc:title>{{ 标题 }}</dc:title>` +
		`<dc:subject>` + esc(name) + `</dc:subject>` +
		`<dc:creator>gongwen</dc:creator>` +
		`<cp:keywords>公文 GB/T 9704-2012</cp:keywords>` +
		`</cp:coreProperties>`
}

func appXML(id string) string {
	return decl + `<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">` +
		`<Template>` + esc(id) + `</Template>` +
		`<Application>gongwen</Application>` +
		`<DocSecurity>0</DocSecurity>` +
		`</Properties>`
}
