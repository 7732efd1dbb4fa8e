package build

import "fmt"

// The six built-in documents. Each returns the blocks of word/document.xml
// between <w:body> and the section properties.

// paras renders a list of strings as indented body paragraphs.
func paras(listExpr, v string) []string {
	return []string{
		tagP("{%p for " + v + " in " + listExpr + " %}"),
		text("{{ " + v + " }}"),
		tagP("{%p endfor %}"),
	}
}

// numbered renders a list of strings as body paragraphs "1.…" (仿宋).
func numbered(listExpr, v string) []string {
	return []string{
		tagP("{%p for " + v + " in " + listExpr + " %}"),
		body(fs("{{ loop.index }}."), fs("{{ "+v+" }}")),
		tagP("{%p endfor %}"),
	}
}

// points renders a table of {headKey, textKey} rows as second-level
// paragraphs: "（一）" + heading sentence in 楷体, then the text in 仿宋.
func points(listExpr, v, headKey, textKey string) []string {
	return []string{
		tagP("{%p for " + v + " in " + listExpr + " %}"),
		body(kai("（{{ loop.index|cn_num }}）"), kai("{{ "+v+"."+headKey+" }}"), fs("{{ "+v+"."+textKey+"|default('') }}")),
		tagP("{%p endfor %}"),
	}
}

func join(parts ...[]string) []string {
	var out []string
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// end is the tail shared by all documents: 署名, 日期, 附注, 版记.
func end() []string { return join(signature(), colophon()) }

// 行政执法监督通知书（通知）
func docNotice() []string {
	return join(headDown(), titleAndAddressee(),
		[]string{
			text("根据{{ 监督依据 }}，我局于{{ 监督时间 }}对{{ 被监督单位 }}{{ 监督事项 }}开展了行政执法监督。经查，你单位在行政执法工作中存在以下问题："),
			h1("一、存在的问题"),
		},
		points("发现问题", "项", "问题", "具体情况"),
		[]string{h1("二、整改要求")},
		numbered("整改要求", "要求"),
		[]string{
			h1("三、有关事项"),
			text("请你单位{{ 整改期限 }}完成整改，并将整改情况书面报送我局。逾期未整改或者整改不到位的，我局将依法予以通报，并视情提请有权机关追究相关人员责任。"),
			tagP("{%p if 其他事项|default('') %}"),
			text("{{ 其他事项 }}"),
			tagP("{%p endif %}"),
			text("特此通知。"),
		},
		attachmentsNote(), end())
}

// 行政执法协调监督建议书（意见）
func docAdvice() []string {
	cols := []col{
		{"序号", 700, "center", "{{ loop.index }}"},
		{"问题", 3000, "left", "{{ 项.问题 }}"},
		{"依据", 2344, "left", "{{ 项.依据 }}"},
		{"整改要求", 2800, "left", "{{ 项.整改要求 }}"},
	}
	return join(headDown(), titleAndAddressee(),
		[]string{
			text("根据{{ 监督依据 }}，我局对{{ 被监督单位 }}{{ 监督事项 }}进行了协调监督。{{ 情况概述 }}"),
			h1("一、发现的问题"),
			text("经监督，发现你单位存在以下问题："),
			dataTable(cols, "{%tr for 项 in 问题清单 %}", szTable),
			h1("二、监督建议"),
		},
		numbered("监督建议", "建议"),
		[]string{
			h1("三、反馈要求"),
			text("请你单位认真研究，对上述问题逐项整改，并{{ 整改期限 }}将整改落实情况书面反馈我局。"),
		},
		attachmentsNote(), end())
}

// 行政执法监督决定书（决定）
func docDecision() []string {
	return join(headDown(), titleAndAddressee(),
		[]string{
			text("我局依法对{{ 被监督单位 }}{{ 监督事项 }}进行了监督。"),
			text("经查明：{{ 查明事实 }}"),
			text("我局认为：{{ 认定理由 }}"),
			text("根据{{ 法律依据 }}的规定，现决定如下："),
			tagP("{%p for 事项 in 决定事项 %}"),
			body(fs("{{ loop.index|cn_num }}、"), fs("{{ 事项 }}")),
			tagP("{%p endfor %}"),
			text("请你单位{{ 整改期限 }}执行本决定，并将执行情况书面报告我局。"),
			tagP("{%p if 救济途径|default('') %}"),
			text("{{ 救济途径 }}"),
			tagP("{%p endif %}"),
		},
		attachmentsNote(), end())
}

// 整改情况报告（报告，上行文）
func docRectification() []string {
	cols := []col{
		{"序号", 700, "center", "{{ loop.index }}"},
		{"问题", 1900, "left", "{{ 项.问题 }}"},
		{"整改措施", 2060, "left", "{{ 项.措施 }}"},
		{"整改结果", 1500, "left", "{{ 项.结果 }}"},
		{"责任人", 1000, "center", "{{ 项.责任人 }}"},
		{"完成时限", 1684, "center", "{{ 项.完成时限|cn_date }}"},
	}
	return join(headUp(), titleAndAddressee(),
		[]string{
			text("{{ 来文机关 }}《{{ 来文标题 }}》（{{ 答复文件 }}）收悉后，我局高度重视，{{ 整改概述 }}现将整改情况报告如下："),
			h1("一、整改工作开展情况"),
		},
		paras("工作开展情况", "段"),
		[]string{
			h1("二、问题整改落实情况"),
			text("通知书指出的问题，整改落实情况如下表："),
			dataTable(cols, "{%tr for 项 in 整改台账 %}", szWide),
			h1("三、下一步工作"),
		},
		paras("下一步工作", "段"),
		[]string{text("特此报告。")},
		attachmentsNote(), end())
}

// 年度行政执法监督工作报告（报告，上行文）. The figures (统计) come from
// the archive (package stats): a summary paragraph, 表1 主要数据 (with the
// rectification figures and any 其他数据 the office adds by hand), 表2 by
// category, 表3 by month and 图1, the bar chart of documents by month. The
// chart is a picture whose bytes the catalogue replaces at every render with
// the chart of 统计.按月份 (templates/builtin/年度报告.json, "charts").
func docAnnual() []string {
	cp := pp{noSnap: true, spacing: `w:before="40" w:after="40"`}
	left, center := cp, cp
	left.jc, center.jc = "left", "center"
	t := rs{sz: szTable}
	h := rs{font: fHT, sz: szTable}
	caption := func(s string) string {
		return para(pp{noSnap: true, spacing: `w:before="120" w:after="120"`, jc: "center", keepNext: true}, run(h, s))
	}
	tr := `<w:cantSplit/>`
	head := `<w:cantSplit/><w:tblHeader/>`

	// 表1: item | figure; sub-items indented.
	ws1 := []int{5844, 3000}
	item := func(indent int, label, expr string) string {
		lp := left
		if indent > 0 {
			lp.ind = fmt.Sprintf(`w:left="%d"`, 280*indent)
		}
		return row(tr, cell(ws1[0], 1, true, para(lp, run(t, label))), cell(ws1[1], 1, true, para(center, run(t, expr))))
	}
	table1 := "<w:tbl>" + tblPr("", gridBorders(), 57) + tblGrid(ws1...) +
		row(head, cell(ws1[0], 1, true, para(center, run(h, "项目"))), cell(ws1[1], 1, true, para(center, run(h, "数量")))) +
		item(0, "制发公文（件）", "{{ 统计.发文总数 }}") +
		item(0, "监督的单位（个）", "{{ 统计.被监督单位数 }}") +
		item(0, "监督文书指出的问题（个）", "{{ 统计.发现问题数 }}") +
		item(0, "整改期限在本年度届满的监督文书（件）", "{{ 统计.整改.应整改 }}") +
		item(2, "其中：按期整改（件）", "{{ 统计.整改.按期整改 }}") +
		item(2, "逾期整改（件）", "{{ 统计.整改.逾期整改 }}") +
		item(2, "尚未整改（件）", "{{ 统计.整改.尚未整改 }}") +
		item(4, "其中：已逾期（件）", "{{ 统计.整改.逾期未整改 }}") +
		item(0, "整改按期率", "{{ 统计.整改.按期率 }}") +
		tagRow("{%tr for 项 in 其他数据|default([]) %}", ws1) +
		item(0, "{{ 项.项目 }}", "{{ 项.数量 }}") +
		tagRow("{%tr endfor %}", ws1) +
		"</w:tbl>"

	// 表2: by category, with the total.
	ws2 := []int{800, 4444, 1600, 2000}
	table2 := "<w:tbl>" + tblPr("", gridBorders(), 57) + tblGrid(ws2...) +
		row(head, cell(ws2[0], 1, true, para(center, run(h, "序号"))), cell(ws2[1], 1, true, para(center, run(h, "文书类别"))),
			cell(ws2[2], 1, true, para(center, run(h, "文种"))), cell(ws2[3], 1, true, para(center, run(h, "件数")))) +
		tagRow("{%tr for 类 in 统计.按类别|default([]) %}", ws2) +
		row(tr, cell(ws2[0], 1, true, para(center, run(t, "{{ loop.index }}"))), cell(ws2[1], 1, true, para(left, run(t, "{{ 类.类别 }}"))),
			cell(ws2[2], 1, true, para(center, run(t, "{{ 类.文种|default('') }}"))), cell(ws2[3], 1, true, para(center, run(t, "{{ 类.件数 }}")))) +
		tagRow("{%tr endfor %}", ws2) +
		row(tr, cell(ws2[0]+ws2[1]+ws2[2], 3, true, para(center, run(h, "合计"))), cell(ws2[3], 1, true, para(center, run(t, "{{ 统计.发文总数 }}")))) +
		"</w:tbl>"

	// 表3: by month, across: 月份 | 1 … 12 | 合计.
	const monthW, labelW, totalW = 575, 1044, 900
	ws3 := []int{labelW}
	for m := 0; m < 12; m++ {
		ws3 = append(ws3, monthW)
	}
	ws3 = append(ws3, totalW)
	sm, smh := rs{sz: szWide}, rs{font: fHT, sz: szWide}
	heads := []string{cell(labelW, 1, true, para(center, run(smh, "月份")))}
	counts := []string{cell(labelW, 1, true, para(center, run(smh, "件数")))}
	for m := 0; m < 12; m++ {
		heads = append(heads, cell(monthW, 1, true, para(center, run(smh, fmt.Sprint(m+1)))))
		counts = append(counts, cell(monthW, 1, true, para(center, run(sm, fmt.Sprintf("{{ 统计.按月份[%d].件数 }}", m)))))
	}
	heads = append(heads, cell(totalW, 1, true, para(center, run(smh, "合计"))))
	counts = append(counts, cell(totalW, 1, true, para(center, run(sm, "{{ 统计.发文总数 }}"))))
	table3 := "<w:tbl>" + tblPr("", gridBorders(), 57) + tblGrid(ws3...) + row(head, heads...) + row(tr, counts...) + "</w:tbl>"

	const chartH = float64(chartMMW) * chartPxH / chartPxW
	return join(headUp(), titleAndAddressee(),
		[]string{
			text("现将我局{{ 报告年度 }}年度行政执法监督工作情况报告如下："),
			h1("一、基本情况"),
		},
		paras("总体情况", "段"),
		[]string{
			body(fs("{{ 报告年度 }}年，我局共制发公文{{ 统计.发文总数 }}件，对{{ 统计.被监督单位数 }}个单位开展行政执法监督，在监督文书中指出问题{{ 统计.发现问题数 }}个。"),
				fs("{% if 统计.整改.应整改 %}"),
				fs("整改期限在本年度届满的监督文书{{ 统计.整改.应整改 }}件，其中按期整改{{ 统计.整改.按期整改 }}件，逾期整改{{ 统计.整改.逾期整改 }}件，尚未整改{{ 统计.整改.尚未整改 }}件，整改按期率{{ 统计.整改.按期率 }}。"),
				fs("{% else %}"),
				fs("本年度没有整改期限届满的监督文书。"),
				fs("{% endif %}"),
				fs("主要数据见表1至表3和图1。")),
			caption("表1　{{ 报告年度 }}年度行政执法监督主要数据"),
			table1,
			caption("表2　{{ 报告年度 }}年度各类公文件数"),
			table2,
			caption("表3　{{ 报告年度 }}年度各月制发公文件数"),
			table3,
			drawing(annualChart, 1, "各月制发公文件数柱状图", chartMMW, chartH),
			para(pp{noSnap: true, spacing: `w:before="60" w:after="120"`, jc: "center"}, run(h, "图1　{{ 报告年度 }}年度各月制发公文件数（横轴为月份，纵轴为件数）")),
			h1("二、主要做法"),
		},
		points("主要做法", "项", "标题", "内容"),
		[]string{h1("三、存在的问题")},
		paras("存在问题", "段"),
		[]string{h1("四、下一年度工作打算")},
		points("工作打算", "项", "标题", "内容"),
		[]string{text("特此报告。")},
		attachmentsNote(), end())
}

// 印发实施方案的通知（通知）: short notice, then the plan as 附件 on a new
// page.
func docPlan() []string {
	return join(headDown(), titleAndAddressee(),
		[]string{
			text("现将《{{ 方案名称 }}》印发给你们，请认真贯彻落实。{{ 执行要求|default('') }}"),
			blank(),
			para(pp{ind: `w:left="1600" w:leftChars="500" w:hanging="960" w:hangingChars="300"`, jc: "both"}, fs("附件："), fs("{{ 方案名称 }}")),
		},
		signature(),
		[]string{
			// 附件: new page, "附件" 3号黑体 flush left on line 1, title
			// centred on line 3.
			para(pp{pageBreak: true, jc: "left"}, run(rs{font: fHT}, "附件")),
			blank(),
			para(pp{noSnap: true, spacing: `w:line="579" w:lineRule="exact"`, jc: "center"}, run(rs{font: fXBS, sz: szTitle}, "{{ 方案名称 }}")),
			blank(),
		},
		paras("方案导语", "段"),
		[]string{
			tagP("{%p for 章 in 方案章节 %}"),
			h1("{{ loop.index|cn_num }}、{{ 章.标题 }}"),
			tagP("{%p for 段 in 章.内容|default([]) %}"),
			text("{{ 段 }}"),
			tagP("{%p endfor %}"),
			tagP("{%p for 条 in 章.条目|default([]) %}"),
			body(kai("（{{ loop.index|cn_num }}）"), kai("{{ 条.标题 }}"), fs("{{ 条.内容|default('') }}")),
			tagP("{%p for 点 in 条.要点|default([]) %}"),
			body(fs("{{ loop.index }}."), fs("{{ 点 }}")),
			tagP("{%p endfor %}"),
			tagP("{%p endfor %}"),
			tagP("{%p endfor %}"),
		},
		colophon())
}
