package importer

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gongwen/gongwen/archive"
	"github.com/gongwen/gongwen/internal/cnnum"
)

// A 公文 (GB/T 9704-2012) reads, top to bottom: 版头 (份号, 密级, 紧急程度,
// 发文机关标志, the 发文字号 line with 签发人 for upward documents), the
// 标题 (关于……的通知, wrapped over lines when long), 主送机关 ending in a
// colon, the body, the 发文机关署名 with the 成文日期 on the line below, 附注,
// attachments, and the 版记 (抄送, 印发机关 and 印发日期). Copies taken
// from government websites add a block of labelled fields (发文字号:,
// 成文日期:, 发布日期:) above the title. readText finds each field by
// its place in that order, never from a sentence of the body: bodies
// quote other documents' 发文字号 and titles, and dates of every kind.

// line is one line of the document's text.
type line struct {
	n     int    // 1-based line number in the extracted text
	text  string // as written, trimmed, converter artefacts removed
	fold  string // text with full-width ASCII folded and white space made plain, for matching
	label bool   // a labelled field of a web copy's information block ("发文字号: …")
}

func (l line) blank() bool { return l.fold == "" }

var (
	// artefacts of converters that turned the document into text.
	artefactRe = regexp.MustCompile(`\[bookmark: [^\]]*\]`)

	// numberRe finds a 发文字号 in folded text: 机关代字, the year in any
	// bracket or followed by 年, 第 and leading zeros tolerated.
	numberRe = regexp.MustCompile(`(\p{Han}{1,15})\s*(?:[〔\[【(﹝〖]\s*([0-9]{4})\s*[〕\]】)﹞〗]|([0-9]{4})\s*年)\s*第?\s*0*([1-9][0-9]{0,5})\s*号`)

	signerRe = regexp.MustCompile(`签\s*发\s*人\s*:\s*(.*)$`)
	ccRe     = regexp.MustCompile(`^抄\s*送\s*:`)
	mainToRe = regexp.MustCompile(`^主\s*送(?:机关)?\s*:`)

	// labelRe finds the labelled fields of a web copy's information block.
	labelRe      = regexp.MustCompile(`(` + labelNames + `)\s*:`)
	labelStartRe = regexp.MustCompile(`^(?:` + labelNames + `)\s*:`)

	digitDateRe = regexp.MustCompile(`([0-9]{4})年([0-9]{1,2})月([0-9]{1,2})日`)
	hanDateRe   = regexp.MustCompile(`([〇○零O0一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日`)
	isoDateRe   = regexp.MustCompile(`^([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})$`)

	// titleSuffixRe is a trailing parenthesised note of a title: （试行）, （征求意见稿）.
	titleSuffixRe = regexp.MustCompile(`[(（][^()（）]{1,8}[)）]$`)
)

// labelNames are the labels of a web copy's information block.
const labelNames = `索引号|主题分类|发文机关|发布机构|成文日期|发文日期|发文字号|文号|签发人|标题|名称|发布日期|生效日期|浏览次数|信息来源|来源|公开方式|有效性|主题词|时效`

// wenzhongEndings maps how a title ends to its 文种, longest first: the
// 15 文种 of 《党政机关公文处理工作条例》, the supervision documents named
// after them (监督通知书 is a 通知, 协调监督建议书 an 意见), and 方案.
var wenzhongEndings = []struct{ suffix, wenzhong string }{
	{"会议纪要", "纪要"}, {"通知书", "通知"}, {"决定书", "决定"}, {"意见书", "意见"}, {"建议书", "意见"},
	{"决议", "决议"}, {"决定", "决定"}, {"命令", "命令"}, {"公报", "公报"}, {"公告", "公告"},
	{"通告", "通告"}, {"意见", "意见"}, {"通知", "通知"}, {"通报", "通报"}, {"报告", "报告"},
	{"请示", "请示"}, {"批复", "批复"}, {"议案", "议案"}, {"纪要", "纪要"}, {"方案", "方案"}, {"函", "函"},
}

// legalWenzhong are the 15 文种 of 《党政机关公文处理工作条例》.
var legalWenzhong = "决议 决定 命令 公报 公告 通告 意见 通知 通报 报告 请示 批复 议案 函 纪要"

// wenzhongOf returns the 文种 a title ends with, ignoring a trailing
// parenthesised note.
func wenzhongOf(title string) string {
	t := titleSuffixRe.ReplaceAllString(title, "")
	for _, e := range wenzhongEndings {
		if strings.HasSuffix(t, e.suffix) && t != e.suffix {
			return e.wenzhong
		}
	}
	return ""
}

// foldText folds full-width ASCII forms to ASCII and every kind of white
// space to a plain space, rune for rune.
func foldText(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			return r - 0xFEE0
		case unicode.IsSpace(r) || r == '\u3000' || r == '\u00a0':
			return ' '
		}
		return r
	}, s)
}

// trimSpace trims white space of every kind, full-width included.
func trimSpace(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || r == '\u3000' || r == '\u00a0' || r == '\u200b' || r == '\ufeff'
	})
}

func splitLines(text string) []line {
	raw := strings.Split(text, "\n")
	ls := make([]line, len(raw))
	for i, r := range raw {
		t := trimSpace(artefactRe.ReplaceAllString(r, ""))
		f := strings.TrimSpace(foldText(t))
		ls[i] = line{n: i + 1, text: t, fold: f, label: labelStartRe.MatchString(f)}
	}
	return ls
}

// doc is the text being read, with the places found so far.
type doc struct {
	ls                []line
	m                 *Metadata
	title, titleEnd   int // line indexes of the title, -1 when none
	mainTo            int // index of the 主送 line, -1 when none
	labels            map[string]labelled
	numberLineIndexes map[int]bool
}

type labelled struct {
	value string
	l     line
}

// readText fills m from the text of a document.
func readText(m *Metadata, text string) {
	d := &doc{ls: splitLines(text), m: m, title: -1, titleEnd: -1, mainTo: -1, labels: map[string]labelled{}, numberLineIndexes: map[int]bool{}}
	d.readLabels()
	d.findTitle()
	d.findMainTo()
	if d.title < 0 {
		d.findTitleAboveMainTo()
	}
	if d.title < 0 {
		if lb, ok := d.labels["标题"]; ok {
			m.Title = lb.value
			m.cite(FieldTitle, lb.l)
		}
	}
	d.findWenhao()
	d.findSigner()
	d.findDateAndIssuer()
	d.findCC()
	d.findWenZhong()
	d.checkYear()
	order := map[string]int{FieldWenhao: 1, FieldTitle: 2, FieldIssuer: 3, FieldDate: 4, FieldSigner: 5, FieldMainTo: 6, FieldWenZhong: 7, FieldCC: 8}
	sort.SliceStable(m.Evidence, func(i, j int) bool { return order[m.Evidence[i].Field] < order[m.Evidence[j].Field] })
}

// headEnd is the index below which the 版头 and title lie: the 主送 line,
// or a few lines past the title, or the first 15 lines.
func (d *doc) headEnd() int {
	end := 15
	switch {
	case d.mainTo >= 0:
		end = d.mainTo
	case d.titleEnd >= 0:
		end = d.titleEnd + 4
	}
	return min(end, len(d.ls))
}

// readLabels reads the labelled fields of a web copy's information block
// in the first lines: "发文字号: 江委法办发〔2022〕1号", several on a line.
func (d *doc) readLabels() {
	for i := 0; i < len(d.ls) && i < 25; i++ {
		l := d.ls[i]
		if !l.label {
			continue
		}
		locs := labelRe.FindAllStringSubmatchIndex(l.fold, -1)
		for k, loc := range locs {
			end := len(l.fold)
			if k+1 < len(locs) {
				end = locs[k+1][0]
			}
			name := l.fold[loc[2]:loc[3]]
			v := strings.TrimSpace(l.fold[loc[1]:end])
			if _, seen := d.labels[name]; !seen && v != "" {
				d.labels[name] = labelled{v, l}
			}
		}
	}
}

func (d *doc) isLabelLine(l line) bool { return l.label }

// numberLine reports whether a line holds a 发文字号 and nothing else but
// white space and the 签发人 of an upward document.
func (d *doc) numberLine(l line) (match []string, ok bool) {
	if !strings.Contains(l.fold, "号") || utf8.RuneCountInString(l.fold) > 80 {
		return nil, false
	}
	rest := signerRe.ReplaceAllString(l.fold, "")
	loc := numberRe.FindStringSubmatchIndex(rest)
	if loc == nil || strings.TrimSpace(rest[:loc[0]]+rest[loc[1]:]) != "" {
		return nil, false
	}
	m := make([]string, len(loc)/2)
	for i := range m {
		if loc[2*i] >= 0 {
			m[i] = rest[loc[2*i]:loc[2*i+1]]
		}
	}
	return m, true
}

// parseNumber validates a numberRe match.
func parseNumber(m []string) (daizi string, year, seq int, ok bool) {
	y := m[2]
	if y == "" {
		y = m[3]
	}
	year, _ = strconv.Atoi(y)
	seq, _ = strconv.Atoi(m[4])
	if archive.CheckDaizi(m[1]) != nil || year < 1949 || year > 2100 {
		return "", 0, 0, false
	}
	return m[1], year, seq, true
}

// hasSentencePunct reports punctuation that ends or divides a sentence,
// which a title, an office's name or a number line never holds.
func hasSentencePunct(s string) bool {
	return strings.ContainsAny(s, "。，,；;:！!？?")
}

// titleCandidate reports whether a line may be (part of) a title.
func (d *doc) titleCandidate(l line, maxLen int) bool {
	if l.blank() || hasSentencePunct(l.fold) || utf8.RuneCountInString(l.text) > maxLen || d.isLabelLine(l) {
		return false
	}
	if _, ok := d.numberLine(l); ok {
		return false
	}
	if _, _, ok := dateOf(l.fold); ok {
		return false
	}
	return !strings.HasPrefix(l.text, "《") && !strings.HasPrefix(l.text, "附件") && !strings.HasPrefix(l.text, "抄送")
}

// findTitle finds the first 关于……的通知 line, joining the lines of a
// title wrapped over several (up to three, at most one blank line between
// them, as text copies of PDFs have).
func (d *doc) findTitle() {
	limit := min(len(d.ls), 80)
	for i := 0; i < limit; i++ {
		l := d.ls[i]
		at := strings.Index(l.text, "关于")
		if at < 0 || strings.Contains(l.text[:at], "《") || !d.titleCandidate(l, 100) {
			continue
		}
		parts := []line{l}
		if wenzhongOf(l.text) == "" {
			parts = d.joinDown(i)
			if parts == nil {
				continue
			}
		}
		// "乌鲁木齐市司法局" on the line right above "关于……的通知".
		if at == 0 && i > 0 && orgLike(d.ls[i-1].text) && !strings.HasSuffix(d.ls[i-1].text, "文件") && d.titleCandidate(d.ls[i-1], 40) {
			parts = append([]line{d.ls[i-1]}, parts...)
			i--
		}
		d.setTitle(i, parts)
		return
	}
}

// joinDown joins the lines from i until one ends with a 文种, or returns nil.
func (d *doc) joinDown(i int) []line {
	parts := []line{d.ls[i]}
	blanks := 0
	for j := i + 1; j < len(d.ls) && len(parts) < 3; j++ {
		l := d.ls[j]
		if l.blank() {
			if blanks++; blanks > 1 {
				return nil
			}
			continue
		}
		blanks = 0
		if !d.titleCandidate(l, 40) {
			return nil
		}
		parts = append(parts, l)
		if wenzhongOf(joinText(parts)) != "" {
			return parts
		}
	}
	return nil
}

func joinText(parts []line) string {
	var b strings.Builder
	for _, p := range parts {
		b.WriteString(p.text)
	}
	return b.String()
}

func (d *doc) setTitle(i int, parts []line) {
	d.title = i
	d.titleEnd = parts[len(parts)-1].n - 1
	d.m.Title = joinText(parts)
	d.m.cite(FieldTitle, parts...)
	if len(parts) > 1 {
		d.m.warn("标题分 %d 行书写，已合并为一行", len(parts))
	}
}

// findMainTo finds the 主送机关: the first line after the title that ends
// with a colon (a long list may wrap over up to three lines), skipping the
// labelled fields of a web copy; or a 版记 line "主送：……".
func (d *doc) findMainTo() {
	if d.titleEnd >= 0 {
		var parts []line
		seen := 0
		for j := d.titleEnd + 1; j < len(d.ls) && seen < 6; j++ {
			l := d.ls[j]
			if l.blank() || d.isLabelLine(l) {
				continue
			}
			seen++
			if strings.ContainsAny(l.fold, "。;!?") || strings.HasPrefix(l.text, "附件") || len(parts) == 3 {
				break
			}
			if sentenceOpening(l.text) {
				break
			}
			parts = append(parts, l)
			if strings.HasSuffix(l.fold, ":") {
				d.mainTo = parts[0].n - 1
				d.m.MainTo = strings.TrimRight(joinText(parts), ":：")
				d.m.cite(FieldMainTo, parts...)
				return
			}
		}
	} else {
		// No title yet: the first line in the head ending with a colon.
		for j := 0; j < len(d.ls) && j < 40; j++ {
			l := d.ls[j]
			if l.blank() || d.isLabelLine(l) || !strings.HasSuffix(l.fold, ":") {
				continue
			}
			if strings.ContainsAny(l.fold, "。;!?") || strings.HasPrefix(l.text, "附件") || strings.HasPrefix(l.text, "抄送") || strings.Contains(l.fold, "签发人") || sentenceOpening(l.text) {
				break
			}
			d.mainTo = j
			d.m.MainTo = strings.TrimRight(l.text, ":：")
			d.m.cite(FieldMainTo, l)
			return
		}
	}
	for _, l := range d.ls {
		if v, ok := l.after(mainToRe); ok && v != "" {
			d.m.MainTo = strings.TrimRight(v, "。.")
			d.m.cite(FieldMainTo, l)
			return
		}
	}
	d.m.warn("未找到主送机关（公告、纪要、方案等可以没有主送机关）")
}

// sentenceOpening reports a line of the body that ends with a colon but is
// no 主送: "现将有关事项通知如下：", "根据……，现公告如下：".
func sentenceOpening(s string) bool {
	if strings.Contains(s, "如下") {
		return true
	}
	for _, w := range []string{"根据", "按照", "依据", "为了", "为做好", "为进一步", "为加强", "为贯彻", "为落实", "经研究", "经审查", "经查", "现将", "现就", "特此", "关于"} {
		if strings.HasPrefix(s, w) {
			return true
		}
	}
	return false
}

// findTitleAboveMainTo finds a title without 关于 on the lines above the
// 主送 line: 行政执法文书 put the office's name on one line and the
// document's name (行政执法监督决定书) on the next, the number below.
func (d *doc) findTitleAboveMainTo() {
	if d.mainTo < 0 {
		return
	}
	var parts []line
	for j := d.mainTo - 1; j >= 0 && len(parts) < 2; j-- {
		l := d.ls[j]
		if _, number := d.numberLine(l); len(parts) == 0 && (l.blank() || number) {
			continue // a number line may stand below the title
		}
		if l.blank() {
			break
		}
		if !d.titleCandidate(l, 60) || strings.HasSuffix(l.text, "文件") {
			break
		}
		parts = append([]line{l}, parts...)
		if wenzhongOf(joinText(parts)) != "" {
			d.setTitle(j, parts)
			return
		}
	}
}

// findWenhao finds the document's own 发文字号: a line in the 版头 that
// holds only the number (and 签发人), else the labelled field of a web
// copy. Numbers quoted in the body are other documents'.
func (d *doc) findWenhao() {
	var own []string
	var ownLine line
	for i := 0; i < d.headEnd(); i++ {
		if m, ok := d.numberLine(d.ls[i]); ok {
			if _, _, _, valid := parseNumber(m); valid {
				own, ownLine = m, d.ls[i]
				d.numberLineIndexes[i] = true
				break
			}
		}
	}
	var lbNum []string
	lb, hasLabel := d.labels["发文字号"]
	if !hasLabel {
		lb, hasLabel = d.labels["文号"]
	}
	if hasLabel {
		if m := numberRe.FindStringSubmatch(lb.value); m != nil {
			if _, _, _, valid := parseNumber(m); valid {
				lbNum = m
			}
		}
	}
	switch {
	case own != nil:
		d.setWenhao(own, ownLine)
		if lbNum != nil {
			if dz, y, s, _ := parseNumber(lbNum); archive.FormatWenhao(dz, y, s) != d.m.Wenhao {
				d.m.warn("信息栏的发文字号“%s”与文件版头的“%s”不同，取版头的", lb.value, d.m.Wenhao)
			}
		}
	case lbNum != nil:
		d.setWenhao(lbNum, lb.l)
	default:
		var quoted []string
		for _, l := range d.ls {
			if !strings.Contains(l.fold, "号") {
				continue
			}
			for _, m := range numberRe.FindAllStringSubmatch(l.fold, -1) {
				if dz, y, s, ok := parseNumber(m); ok && len(quoted) < 3 {
					quoted = append(quoted, archive.FormatWenhao(dz, y, s))
				}
			}
		}
		if len(quoted) > 0 {
			d.m.warn("未找到本文件的发文字号（正文引用的 %s 是其他文件的文号）", strings.Join(quoted, "、"))
		} else {
			d.m.warn("未找到发文字号")
		}
	}
}

func (d *doc) setWenhao(m []string, l line) {
	dz, y, s, _ := parseNumber(m)
	d.m.Daizi, d.m.Year, d.m.Seq = dz, y, s
	d.m.Wenhao = archive.FormatWenhao(dz, y, s)
	d.m.cite(FieldWenhao, l)
}

// findSigner reads 签发人 from the 版头 (upward documents put it on the
// 发文字号 line) or the labelled field.
func (d *doc) findSigner() {
	for i := 0; i < d.headEnd(); i++ {
		l := d.ls[i]
		if d.isLabelLine(l) {
			continue
		}
		if m := signerRe.FindStringSubmatch(l.fold); m != nil {
			if names := signerNames(m[1]); names != "" {
				d.m.Signer = names
				d.m.cite(FieldSigner, l)
				return
			}
		}
	}
	if lb, ok := d.labels["签发人"]; ok {
		if names := signerNames(lb.value); names != "" {
			d.m.Signer = names
			d.m.cite(FieldSigner, lb.l)
		}
	}
}

// signerNames reads the names after "签发人：", several when a joint
// upward document has several signers.
func signerNames(s string) string {
	var names []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '、' || r == ',' || r == '，' }) {
		if n := utf8.RuneCountInString(f); n >= 2 && n <= 6 && !strings.ContainsFunc(f, func(r rune) bool { return !unicode.Is(unicode.Han, r) && r != '·' }) {
			names = append(names, f)
		}
	}
	return strings.Join(names, "、")
}

// dateOf reads a date written in digits (2023年3月5日) or in Chinese
// numerals (二〇二三年三月五日) that makes up the whole of s, spaces
// aside.
func dateOf(s string) (string, time.Time, bool) {
	if len(s) > 64 { // 二〇二三年十二月三十一日 is 36 bytes; a longer line is no date alone
		return "", time.Time{}, false
	}
	s = strings.Join(strings.Fields(s), "")
	if m := digitDateRe.FindStringSubmatch(s); m != nil && m[0] == s {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		da, _ := strconv.Atoi(m[3])
		return validDate(y, mo, da)
	}
	if m := hanDateRe.FindStringSubmatch(s); m != nil && m[0] == s {
		y, _ := cnnum.Year(m[1])
		mo, _ := cnnum.Number(m[2])
		da, _ := cnnum.Number(m[3])
		return validDate(y, mo, da) // a numeral that is none is 0: no date
	}
	if m := isoDateRe.FindStringSubmatch(s); m != nil {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		da, _ := strconv.Atoi(m[3])
		return validDate(y, mo, da)
	}
	return "", time.Time{}, false
}

func validDate(y, m, d int) (string, time.Time, bool) {
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if y < 1949 || y > 2100 || t.Month() != time.Month(m) || t.Day() != d {
		return "", time.Time{}, false
	}
	return t.Format("2006-01-02"), t, true
}

// orgLike reports whether s reads as the name of an office (one line of a
// 发文机关署名): short, no sentence punctuation, ending as offices' names
// end (局, 厅, 委员会, 人民政府, 办公室, 司法所 …).
func orgLike(s string) bool {
	n := utf8.RuneCountInString(s)
	if n < 2 || n > 40 || hasSentencePunct(foldText(s)) || strings.ContainsAny(s, "《》“”\"") {
		return false
	}
	if strings.HasPrefix(s, "附件") || strings.HasPrefix(s, "抄送") || strings.HasPrefix(s, "关于") {
		return false
	}
	if _, _, ok := dateOf(s); ok {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(s)
	return strings.ContainsRune("局厅部委办院所心司处科室组会队站馆署镇乡府行社团盟庭", last)
}

// findDateAndIssuer finds the 成文日期 — the first line after the title
// that is a date and nothing else, normally right below the 发文机关署名
// — and the 发文机关: the 署名 above that date, else the office named in
// the title before 关于, else the 发文机关标志 (……文件), else the
// labelled field.
func (d *doc) findDateAndIssuer() {
	from := 0
	if d.titleEnd >= 0 {
		from = d.titleEnd + 1
	}
	var sig []line
	for i := from; i < len(d.ls); i++ {
		l := d.ls[i]
		if l.blank() || d.isLabelLine(l) {
			continue
		}
		if iso, _, ok := dateOf(l.fold); ok {
			d.m.Date = iso
			d.m.cite(FieldDate, l)
			// The 署名 above it, skipping blank lines; a joint document
			// has one office a line.
			for j := i - 1; j >= from && len(sig) < 4; j-- {
				if d.ls[j].blank() {
					continue
				}
				if !orgLike(d.ls[j].text) {
					break
				}
				sig = append([]line{d.ls[j]}, sig...)
			}
			break
		}
	}
	if lb, ok := d.labels["成文日期"]; ok {
		iso, _, valid := dateOf(lb.value)
		switch {
		case valid && d.m.Date == "":
			d.m.Date = iso
			d.m.cite(FieldDate, lb.l)
		case valid && iso != d.m.Date:
			d.m.warn("信息栏的成文日期 %s 与落款日期 %s 不同，取落款日期（信息栏常记的是发布日期）", iso, d.m.Date)
		}
	}
	if d.m.Date == "" {
		// The 版记's 印发日期: "……办公室　2023年3月5日印发".
		for i := len(d.ls) - 1; i >= from && i >= 0; i-- {
			l := d.ls[i]
			if !strings.HasSuffix(l.fold, "印发") {
				continue
			}
			if m := digitDateRe.FindStringSubmatch(strings.Join(strings.Fields(l.fold), "")); m != nil {
				if iso, _, ok := dateOf(m[0]); ok {
					d.m.Date = iso
					d.m.cite(FieldDate, l)
					d.m.warn("未找到落款的成文日期，暂取印发日期 %s，请核对", iso)
					break
				}
			}
		}
	}
	if d.m.Date == "" {
		d.m.warn("未找到成文日期（落款处独占一行的日期）")
	}

	var fromTitle string
	if at := strings.Index(d.m.Title, "关于"); d.title >= 0 && at > 0 && orgLike(d.m.Title[:at]) {
		fromTitle = d.m.Title[:at]
	}
	switch {
	case len(sig) > 0:
		names := make([]string, len(sig))
		for i, l := range sig {
			names[i] = strings.Join(strings.Fields(foldSpaces(l.text)), "、")
		}
		d.m.Issuer = strings.Join(names, "、")
		switch {
		case fromTitle == "" || fromTitle == d.m.Issuer:
		case strings.HasSuffix(fromTitle, d.m.Issuer) || len(sig) == 1 && strings.Contains(fromTitle, d.m.Issuer):
			d.m.Issuer = fromTitle // the 署名 is a short form of the name in the title
		default:
			d.m.warn("落款署名“%s”与标题中的发文机关“%s”不同，取落款署名", d.m.Issuer, fromTitle)
		}
		d.m.cite(FieldIssuer, sig...)
	case fromTitle != "":
		d.m.Issuer = fromTitle
		d.m.cite(FieldIssuer, d.ls[d.title])
	default:
		for i := 0; i < d.headEnd() && i < len(d.ls); i++ {
			l := d.ls[i]
			if name, ok := strings.CutSuffix(l.text, "文件"); ok && orgLike(name) {
				d.m.Issuer = name
				d.m.cite(FieldIssuer, l)
				break
			}
		}
	}
	for _, key := range []string{"发文机关", "发布机构"} {
		lb, ok := d.labels[key]
		if !ok {
			continue
		}
		if d.m.Issuer == "" {
			d.m.Issuer = lb.value
			d.m.cite(FieldIssuer, lb.l)
		} else if lb.value != d.m.Issuer && !strings.HasSuffix(d.m.Issuer, lb.value) {
			d.m.warn("信息栏的发文机关“%s”与文件中的“%s”不同，取文件中的", lb.value, d.m.Issuer)
		}
		break
	}
	if d.m.Issuer == "" {
		d.m.warn("未找到发文机关")
	}
}

// foldSpaces makes every kind of white space a plain space.
func foldSpaces(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '\u3000' || r == '\u00a0' {
			return ' '
		}
		return r
	}, s)
}

// findCC reads the 版记's 抄送 line.
func (d *doc) findCC() {
	for _, l := range d.ls {
		rest, ok := l.after(ccRe)
		if !ok {
			continue
		}
		for _, p := range strings.FieldsFunc(rest, func(r rune) bool { return strings.ContainsRune("，,、；;", r) }) {
			if p = strings.TrimRight(trimSpace(p), "。."); p != "" {
				d.m.CC = append(d.m.CC, p)
			}
		}
		if len(d.m.CC) > 0 {
			d.m.cite(FieldCC, l)
		}
		return
	}
}

// after returns the text of the line after a match of re in its folded
// form (folding keeps one rune for one), trimmed.
func (l line) after(re *regexp.Regexp) (string, bool) {
	loc := re.FindStringIndex(l.fold)
	if loc == nil {
		return "", false
	}
	k := utf8.RuneCountInString(l.fold[:loc[1]])
	return trimSpace(string([]rune(l.text)[k:])), true
}

// findWenZhong reads the 文种 off the end of the title.
func (d *doc) findWenZhong() {
	if d.m.Title == "" {
		d.m.warn("没有标题，无法确定文种")
		return
	}
	w := wenzhongOf(d.m.Title)
	if w == "" {
		d.m.warn("标题“%s”的结尾不是文种，未能确定文种", clip(d.m.Title, 30))
		return
	}
	d.m.WenZhong = w
	if ev, ok := d.m.Of(FieldTitle); ok {
		d.m.Evidence = append(d.m.Evidence, Evidence{Field: FieldWenZhong, Line: ev.Line, Text: ev.Text})
	}
	if !strings.Contains(legalWenzhong, w) {
		d.m.warn("“%s”不是《党政机关公文处理工作条例》规定的15种文种之一，请核对", w)
	}
}

// checkYear warns when the 发文字号's year and the 成文日期's differ.
func (d *doc) checkYear() {
	if d.m.Year == 0 || d.m.Date == "" {
		return
	}
	if y, _ := strconv.Atoi(d.m.Date[:4]); y != d.m.Year {
		d.m.warn("发文字号的年份 %d 与成文日期 %s 的年份不同，请核对", d.m.Year, d.m.Date)
	}
}
