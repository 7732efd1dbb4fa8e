// Package gendocs generates a synthetic archive of realistic supervision
// documents (公文) for benchmarks of the search index: every document is
// one of the six built-in templates with varied data — issuing office,
// supervised unit, 发文字号, date, title, the problems found and the
// demands made, and generated sentences — and its text is what
// render.ExtractText gives for the rendered .docx.
//
// Rendering a .docx takes about a millisecond and a half, so Generate
// renders a few hundred base documents once, with placeholders for the
// fields that vary per document, and derives every document from a base
// by substituting the placeholders in its extracted text.
package gendocs

import (
	"context"
	"encoding/hex"
	"fmt"
	"maps"
	"math/rand"
	"strconv"
	"strings"
	"time"

	"github.com/gongwen/gongwen/render"
	"github.com/gongwen/gongwen/search"
	"github.com/gongwen/gongwen/templates"
)

// BasesPerTemplate is how many base documents Generate renders for each
// built-in template.
const BasesPerTemplate = 50

// FirstYear and LastYear bound the years of the generated documents.
const (
	FirstYear = 2018
	LastYear  = 2026
)

// lastDay is the latest 成文日期 of LastYear (the archive is generated
// as of late November).
var lastDay = time.Date(LastYear, 11, 20, 0, 0, 0, 0, time.UTC)

// category weights: how often each template is used, in catalogue order
// of templates.IDs().
var catWeight = map[string]int{"监督通知书": 34, "建议书": 20, "决定书": 8, "整改情况报告": 32, "年度报告": 2, "实施方案通知": 4}

// base is one rendered base document: its title and text with placeholders.
type base struct {
	tpl   *templates.Template
	title string
	text  string // extracted text; the title line already holds the title with placeholders
}

// plan is what the first pass decides for one document.
type plan struct {
	cat   int // index in the template list
	place int
	dept  int // -1 when the document has no supervised unit
	year  int
	seq   int
	daizi string
}

// Generate makes n documents deterministically from seed and calls fn for
// each, in order; it stops at fn's first error and returns it. The same
// seed and n always give the same documents. Documents have ids, 发文字号
// numbered from 1 per (机关代字, year), dates rising with the number
// within the year, and status "issued" (about 3% "void").
func Generate(seed int64, n int, fn func(search.Doc) error) error {
	if n < 0 {
		return fmt.Errorf("gendocs: n = %d", n)
	}
	rng := rand.New(rand.NewSource(seed))
	tpls, err := templates.Builtins()
	if err != nil {
		return err
	}
	bases, err := renderBases(rng, tpls)
	if err != nil {
		return err
	}

	// First pass: category, office, unit, year and number of every document.
	var cats []int
	for i, t := range tpls {
		for k := 0; k < catWeight[t.ID]; k++ {
			cats = append(cats, i)
		}
	}
	var deptPick []int
	for i, d := range depts {
		for k := 0; k < d.weight; k++ {
			deptPick = append(deptPick, i)
		}
	}
	plans := make([]plan, n)
	type key struct {
		daizi string
		year  int
	}
	counts := map[key]int{}
	for i := range plans {
		p := plan{cat: cats[rng.Intn(len(cats))], place: rng.Intn(len(places)), dept: -1,
			year: FirstYear + rng.Intn(LastYear-FirstYear+1)}
		pl := places[p.place]
		switch tpls[p.cat].ID {
		case "年度报告":
			p.daizi = pl.abbr + "司报"
		case "实施方案通知":
			p.daizi = pl.abbr + "司发"
		case "整改情况报告":
			p.dept = deptPick[rng.Intn(len(deptPick))]
			p.daizi = pl.abbr + depts[p.dept].abbr + "报"
		default:
			p.dept = deptPick[rng.Intn(len(deptPick))]
			p.daizi = pl.abbr + "司发"
		}
		k := key{p.daizi, p.year}
		counts[k]++
		p.seq = counts[k]
		plans[i] = p
	}

	// Second pass: derive each document from a base.
	for _, p := range plans {
		d := derive(rng, tpls[p.cat], bases[p.cat][rng.Intn(len(bases[p.cat]))], p, counts[key{p.daizi, p.year}])
		if err := fn(d); err != nil {
			return err
		}
	}
	return nil
}

// dateOf spreads the numbers of a year over its days: number seq of count
// falls at its share of the year, give or take two days, never past
// lastDay.
func dateOf(rng *rand.Rand, year, seq, count int) time.Time {
	start := time.Date(year, 1, 4, 0, 0, 0, 0, time.UTC)
	end := time.Date(year, 12, 28, 0, 0, 0, 0, time.UTC)
	if end.After(lastDay) {
		end = lastDay
	}
	days := int(end.Sub(start).Hours() / 24)
	day := int((float64(seq) - 0.5) / float64(count) * float64(days))
	day += rng.Intn(5) - 2
	day = max(0, min(days, day))
	return start.AddDate(0, 0, day)
}

func cnDate(t time.Time) string {
	return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
}

// derive makes one document from a base and a plan.
func derive(rng *rand.Rand, tpl *templates.Template, b *base, p plan, count int) search.Doc {
	pl := places[p.place]
	date := dateOf(rng, p.year, p.seq, count)
	wenhao := fmt.Sprintf("%s〔%d〕%d号", p.daizi, p.year, p.seq)
	pls, gov := "市", "市人民政府"
	if pl.county {
		pls, gov = "区", "区人民政府"
	}
	issuer := pl.name + "司法局"
	unit, short, ua := "", "", ""
	if p.dept >= 0 {
		dp := depts[p.dept]
		unit, short, ua = pl.name+dp.name, pls+dp.name, pl.abbr+dp.abbr
	}
	// the supervision period ended 10 to 40 days before the document
	end := date.AddDate(0, 0, -10-rng.Intn(31))
	if end.Year() != p.year {
		end = time.Date(p.year, 1, 8, 0, 0, 0, 0, time.UTC)
	}
	begin := end.AddDate(0, 0, -2-rng.Intn(5))
	if begin.Year() != p.year {
		begin = time.Date(p.year, 1, 2, 0, 0, 0, 0, time.UTC)
	}
	period := fmt.Sprintf("%d月%d日至%d日", begin.Month(), begin.Day(), end.Day())
	if begin.Month() != end.Month() {
		period = fmt.Sprintf("%d月%d日至%d月%d日", begin.Month(), begin.Day(), end.Month(), end.Day())
	}
	name := func() string {
		return string(surnames[rng.Intn(len(surnames))]) + givenNames[rng.Intn(len(givenNames))]
	}
	num := func(lo, hi int) string { return strconv.Itoa(lo + rng.Intn(hi-lo+1)) }
	pairs := []string{
		"〖D〗〔1950〕1号", wenhao,
		"〖RD〗〔1950〕7号", fmt.Sprintf("%s司发〔%d〕%d号", pl.abbr, p.year, 1+rng.Intn(max(1, p.seq*3))),
		"1950年1月2日", cnDate(date),
		"〖m〗月〖d1〗日至〖d2〗日", period,
		"〖I〗", issuer, "〖IS〗", pls + "司法局", "〖PL〗", pls, "〖GOV〗", gov,
		"〖U〗", unit, "〖S〗", short, "〖UA〗", ua,
		"〖名1〗", name(), "〖名2〗", name(), "〖名3〗", name(), "〖名4〗", name(),
		"〖电话〗", pl.area + "-" + num(2000000, 8999999),
		"〖a1〗", num(2, 9), "〖a2〗", num(2, 9), "〖a3〗", num(2, 9),
		"〖b1〗", num(10, 60), "〖b2〗", num(10, 60), "〖c1〗", num(100, 999), "〖c2〗", num(100, 999),
		"〖CO〗", companies[rng.Intn(len(companies))],
		"〖B1〗", sentences(rng, 1+rng.Intn(2), issuer, p.year), "〖B2〗", sentences(rng, 1+rng.Intn(2), issuer, p.year),
	}
	// 整改台账 due dates, before the report
	for k := 3; k <= 9; k++ {
		pairs = append(pairs, fmt.Sprintf("1950年1月%d日", k), cnDate(date.AddDate(0, 0, -(10-k)*3-rng.Intn(3))))
	}
	y := p.year
	pairs = append(pairs, "1948", strconv.Itoa(y-2), "1949", strconv.Itoa(y-1), "1950", strconv.Itoa(y),
		"1951", strconv.Itoa(y+1), "1952", strconv.Itoa(y+2))
	rep := strings.NewReplacer(pairs...)

	d := search.Doc{
		Wenhao: wenhao, Daizi: p.daizi, Year: p.year, Seq: p.seq,
		WenZhong: tpl.WenZhong, Category: tpl.ID, Issuer: issuer, Unit: unit,
		Status: "issued", Date: date,
		Title: rep.Replace(b.title), Text: rep.Replace(b.text),
	}
	if tpl.ID == "整改情况报告" {
		d.Issuer = unit
	}
	if rng.Intn(100) < 3 {
		d.Status = "void"
	}
	if p.year < LastYear {
		switch r := rng.Intn(10); {
		case r == 0:
			d.Retention = "永久"
		case r < 5:
			d.Retention = "30年"
		default:
			d.Retention = "10年"
		}
	}
	var id [6]byte
	rng.Read(id[:])
	d.ID = date.Format("20060102") + "-" + hex.EncodeToString(id[:])
	return d
}

// sentences makes k sentences from the phrase bank for a document of
// year; reports go to issuer.
func sentences(rng *rand.Rand, k int, issuer string, year int) string {
	pick := func(s []string) string { return s[rng.Intn(len(s))] }
	var b strings.Builder
	for i := 0; i < k; i++ {
		if rng.Intn(3) == 0 {
			fmt.Fprintf(&b, "%s，%s应当%s，并将%s报送%s。", strings.Replace(pick(bankWhen), "1950", strconv.Itoa(year), 1), pick(bankSubject), pick(bankTask), pick(bankReport), pick([]string{"我局", issuer}))
		} else {
			fmt.Fprintf(&b, "%s%s%s%s，%s。", pick(bankLead), pick(bankSubject), pick(bankVerb), pick(bankObject), pick(bankPurpose))
		}
	}
	return b.String()
}

// renderBases renders BasesPerTemplate base documents of every template.
func renderBases(rng *rand.Rand, tpls []*templates.Template) ([][]*base, error) {
	out := make([][]*base, len(tpls))
	ctx := context.Background()
	for i, t := range tpls {
		build := builders[t.ID]
		if build == nil {
			return nil, fmt.Errorf("gendocs: no data builder for template %s", t.ID)
		}
		for k := 0; k < BasesPerTemplate; k++ {
			data := common(rng, t)
			build(rng, data)
			docx, err := t.Render(ctx, data, render.Options{})
			if err != nil {
				return nil, fmt.Errorf("gendocs: base %s %d: %w", t.ID, k, err)
			}
			text, err := render.ExtractText(docx, render.TextOptions{})
			if err != nil {
				return nil, fmt.Errorf("gendocs: base %s %d: %w", t.ID, k, err)
			}
			title := data["标题"].(string)
			text = strings.Replace(text, "〖T〗", title, 1)
			out[i] = append(out[i], &base{tpl: t, title: title, text: text})
		}
	}
	return out, nil
}

// common fills the fields every template shares, with placeholders.
func common(rng *rand.Rand, t *templates.Template) map[string]any {
	d := maps.Clone(t.Example)
	d["发文机关标志"] = "〖I〗文件"
	d["机关代字"] = "〖D〗"
	d["年份"] = 1950
	d["序号"] = 1
	d["标题"] = "〖T〗"
	d["发文机关署名"] = "〖I〗"
	d["成文日期"] = "1950-01-02"
	d["印发机关"] = "〖I〗办公室"
	d["印发日期"] = "1950-01-02"
	d["附注"] = "联系人：〖名1〗，电话：〖电话〗"
	d["附件"] = []any{}
	d["抄送"] = anys(copies[rng.Intn(len(copies))])
	d["紧急程度"] = ""
	if rng.Intn(10) == 0 {
		d["紧急程度"] = "加急"
	}
	return d
}

func anys(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// subset returns between lo and hi of items (at most all), in random order.
func subset[T any](rng *rand.Rand, items []T, lo, hi int) []T {
	hi = min(hi, len(items))
	lo = min(lo, hi)
	k := lo + rng.Intn(hi-lo+1)
	perm := rng.Perm(len(items))
	out := make([]T, k)
	for i := range out {
		out[i] = items[perm[i]]
	}
	return out
}

// withBank inserts a generated-sentence placeholder at a random place of a
// list, with probability 2/3.
func withBank(rng *rand.Rand, items []any, ph string) []any {
	if rng.Intn(3) == 0 {
		return items
	}
	i := rng.Intn(len(items) + 1)
	out := append([]any{}, items[:i]...)
	out = append(out, ph)
	return append(out, items[i:]...)
}

func pickOne[T any](rng *rand.Rand, s []T) T { return s[rng.Intn(len(s))] }

// builders set each template's own fields of a base document.
var builders = map[string]func(*rand.Rand, map[string]any){
	"监督通知书": func(rng *rand.Rand, d map[string]any) {
		topic := pickOne(rng, noticeTopics)
		d["标题"] = "〖I〗关于对〖S〗" + topic[1] + "限期整改的通知"
		d["主送"], d["被监督单位"] = "〖U〗", "〖U〗"
		d["监督依据"] = pickOne(rng, noticeBases)
		d["监督时间"] = "1950年〖m〗月〖d1〗日至〖d2〗日"
		d["监督事项"] = topic[0]
		var found []any
		for _, p := range subset(rng, problems, 2, 5) {
			found = append(found, map[string]any{"问题": p[0], "具体情况": p[1]})
		}
		d["发现问题"] = found
		d["整改要求"] = withBank(rng, anys(subset(rng, noticeDemands, 2, 5)), "〖B1〗")
		dl := pickOne(rng, deadlines)
		d["整改期限"] = "自收到本通知之日起" + dl + "内"
		d["其他事项"] = pickOne(rng, []string{"", "你单位对本通知所列问题有异议的，可以自收到本通知之日起5个工作日内向我局书面提出。"})
		if rng.Intn(2) == 0 {
			d["附件"] = []any{pickOne(rng, []string{"行政处罚案卷评查问题清单", "行政执法监督检查情况汇总表", "案卷评查评分表"})}
		}
	},
	"建议书": func(rng *rand.Rand, d map[string]any) {
		topic := pickOne(rng, adviceTopics)
		d["标题"] = "〖I〗关于" + topic[1] + "的行政执法协调监督建议书"
		d["主送"], d["被监督单位"] = "〖U〗", "〖U〗"
		d["监督依据"] = pickOne(rng, []string{"行政执法协调监督工作有关规定", "《新疆维吾尔自治区行政执法监督条例》", "《优化营商环境条例》"})
		d["监督事项"] = topic[0]
		d["情况概述"] = pickOne(rng, adviceOverviews)
		var rows []any
		for _, r := range subset(rng, adviceRows, 2, 5) {
			rows = append(rows, map[string]any{"问题": r[0], "依据": r[1], "整改要求": r[2]})
		}
		d["问题清单"] = rows
		d["监督建议"] = withBank(rng, anys(subset(rng, adviceSuggestions, 2, 4)), "〖B1〗")
		d["整改期限"] = "自收到本建议书之日起" + pickOne(rng, deadlines) + "内"
	},
	"决定书": func(rng *rand.Rand, d map[string]any) {
		s := pickOne(rng, decisions)
		d["标题"] = "〖I〗关于" + s.title + "的决定"
		d["主送"], d["被监督单位"] = "〖U〗", "〖U〗"
		d["监督事项"] = s.matter
		d["查明事实"] = s.facts
		d["认定理由"] = s.reason
		if rng.Intn(3) > 0 {
			d["认定理由"] = s.reason + "〖B1〗"
		}
		d["法律依据"] = s.basis
		d["决定事项"] = anys(s.items)
		d["整改期限"] = "自收到本决定之日起" + pickOne(rng, deadlines) + "内"
	},
	"整改情况报告": func(rng *rand.Rand, d map[string]any) {
		topic := pickOne(rng, rectifyTopics)
		d["发文机关标志"] = "〖U〗"
		d["签发人"] = "〖名2〗"
		d["标题"] = "〖U〗关于" + topic + "整改情况的报告"
		d["主送"] = "〖I〗"
		d["答复文件"] = "〖RD〗〔1950〕7号"
		d["来文机关"] = "〖IS〗"
		d["来文标题"] = "〖I〗关于对〖S〗" + topic + "限期整改的通知"
		d["整改概述"] = pickOne(rng, rectifyOverviews)
		d["工作开展情况"] = withBank(rng, anys(subset(rng, rectifyWork, 2, 4)), "〖B1〗")
		var rows []any
		names := []string{"〖名1〗", "〖名2〗", "〖名3〗", "〖名4〗"}
		for i, r := range subset(rng, rectifyRows, 2, 6) {
			rows = append(rows, map[string]any{"问题": r[0], "措施": r[1], "结果": r[2],
				"责任人": names[rng.Intn(len(names))], "完成时限": fmt.Sprintf("1950-01-%02d", 3+i)})
		}
		d["整改台账"] = rows
		d["下一步工作"] = withBank(rng, anys(subset(rng, rectifyNext, 1, 2)), "〖B2〗")
		d["发文机关署名"] = "〖U〗"
		d["印发机关"] = "〖U〗办公室"
		d["抄送"] = []any{}
	},
	"年度报告": func(rng *rand.Rand, d map[string]any) {
		d["签发人"] = "〖名2〗"
		d["标题"] = "〖I〗关于1949年度行政执法监督工作情况的报告"
		d["主送"] = "〖GOV〗"
		d["报告年度"] = 1949
		d["总体情况"] = []any{"1949年，我局认真落实法治政府建设各项部署，全面履行行政执法协调监督职责，以提升行政执法质量和效能为重点，推动全〖PL〗行政执法规范化水平持续提升。"}
		kinds := [][2]string{{"行政执法监督通知书", "通知"}, {"行政执法协调监督建议书", "意见"}, {"行政执法监督决定书", "决定"}, {"印发实施方案的通知", "通知"}}
		total := 0
		var byKind []any
		for _, k := range kinds {
			c := 1 + rng.Intn(80)
			total += c
			byKind = append(byKind, map[string]any{"类别": k[0], "文种": k[1], "件数": c})
		}
		months := make([]any, 12)
		left := total
		for m := range months {
			c := left
			if m < 11 {
				c = rng.Intn(left/(12-m)*2 + 1)
				c = min(c, left)
			}
			left -= c
			months[m] = map[string]any{"月份": m + 1, "件数": c}
		}
		due := total / 2
		late := rng.Intn(due/10 + 1)
		open := rng.Intn(due/20 + 1)
		onTime := due - late - open
		d["统计"] = map[string]any{"发文总数": total, "按类别": byKind, "按月份": months,
			"被监督单位数": 5 + rng.Intn(40), "发现问题数": 50 + rng.Intn(400),
			"整改": map[string]any{"应整改": due, "按期整改": onTime, "逾期整改": late, "尚未整改": open, "逾期未整改": open,
				"按期率": fmt.Sprintf("%.1f%%", 100*float64(onTime)/float64(max(due, 1)))}}
		d["其他数据"] = []any{map[string]any{"项目": "开展行政执法检查（次）", "数量": 5 + rng.Intn(60)},
			map[string]any{"项目": "评查行政执法案卷（卷）", "数量": 200 + rng.Intn(1500)}}
		var prac []any
		for _, p := range subset(rng, annualPractices, 3, 5) {
			prac = append(prac, map[string]any{"标题": p[0], "内容": p[1]})
		}
		if rng.Intn(3) > 0 {
			prac = append(prac, map[string]any{"标题": "狠抓制度落实。", "内容": "〖B1〗"})
		}
		d["主要做法"] = prac
		d["存在问题"] = []any{pickOne(rng, annualProblems)}
		var plans []any
		for _, p := range subset(rng, annualPlans, 2, 4) {
			plans = append(plans, map[string]any{"标题": p[0], "内容": p[1]})
		}
		d["工作打算"] = plans
	},
	"实施方案通知": func(rng *rand.Rand, d map[string]any) {
		name := pickOne(rng, planNames)
		d["标题"] = "〖I〗关于印发《" + name + "》的通知"
		d["主送"] = pickOne(rng, []string{"各区（县）司法局，〖PL〗直各行政执法部门", "〖PL〗直各行政执法部门", "各乡（镇）人民政府、街道办事处，〖PL〗直各行政执法部门"})
		d["方案名称"] = name
		d["方案导语"] = []any{pickOne(rng, planIntros)}
		var items []any
		for _, t := range subset(rng, planTasks, 2, 5) {
			var pts []any
			if t[2] != "" {
				pts = anys(strings.Split(t[2], "|"))
			}
			items = append(items, map[string]any{"标题": t[0], "内容": t[1], "要点": pts})
		}
		d["方案章节"] = []any{
			map[string]any{"标题": "总体要求", "内容": []any{"以推进严格规范公正文明执法为目标，以落实行政执法公示、执法全过程记录、重大执法决定法制审核制度为抓手，健全行政执法协调监督工作体系，确保全〖PL〗行政执法工作规范有序。"}, "条目": []any{}},
			map[string]any{"标题": "主要任务", "内容": []any{}, "条目": items},
			map[string]any{"标题": "工作要求", "内容": withBank(rng, []any{"各单位要高度重视，明确专人负责，于1950年12月10日前将本单位年度工作总结报送〖IS〗。"}, "〖B1〗"), "条目": []any{}},
		}
	},
}
