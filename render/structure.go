package render

import (
	"regexp"
	"strconv"
	"strings"
)

// applyStructural replaces the element around each docxtpl structural tag
// by the tag itself: {%p %} its paragraph, {%tr %} its table row, {%tc %}
// its table cell. Outer elements win (a row replaced drops the paragraph
// tags inside it), as in docxtpl. {%r %} is handled at emission, where the
// run is split so the text around the tag keeps its formatting.
func applyStructural(toks []token) ([]token, TemplateErrors) {
	var errs TemplateErrors
	m := matchEnds(toks)
	names := map[string]string{"p": "w:p", "tr": "w:tr", "tc": "w:tc", "r": "w:r"}
	stacks := map[string][]int{}
	replace := map[int][]int{} // element start index -> tag token indices
	for i, t := range toks {
		switch t.kind {
		case tkStart:
			stacks[t.name] = append(stacks[t.name], i)
		case tkEnd:
			if s := stacks[t.name]; len(s) > 0 {
				stacks[t.name] = s[:len(s)-1]
			}
		case tkTag:
			lv := t.tag.level
			if lv == "" {
				continue
			}
			st := stacks[names[lv]]
			if len(st) == 0 {
				what := map[string]string{"p": "段落", "tr": "表格行", "tc": "表格单元格", "r": "文字块"}[lv]
				errs = append(errs, &TemplateError{Loc: *t.tag.loc, Tag: t.tag.text, Msg: "该标签必须位于" + what + "之内"})
				continue
			}
			if lv == "r" {
				continue
			}
			if t.tag.delim == '{' && (lv == "tr" || lv == "tc") {
				errs = append(errs, &TemplateError{Loc: *t.tag.loc, Tag: t.tag.text,
					Msg: "{{" + lv + " …}} 需要富文本对象，不支持；重复表格行或单元格请用 {%" + lv + " for … %}"})
				continue
			}
			s := st[len(st)-1]
			replace[s] = append(replace[s], i)
			if lv == "p" && t.tag.delim == '{' {
				t.tag.wrapPre, t.tag.wrapPost = paragraphWrap(toks, m, s, i)
			}
		}
	}
	if len(replace) == 0 || len(errs) > 0 {
		return toks, errs
	}
	out := make([]token, 0, len(toks))
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.kind == tkStart {
			if tags, ok := replace[i]; ok {
				for _, ti := range tags {
					tt := toks[ti]
					tt.tag.level = ""
					out = append(out, tt)
				}
				i = m[i]
				continue
			}
		}
		out = append(out, t)
	}
	return out, nil
}

// childRaw returns the raw XML of the first child element named name of the
// element starting at s (e.g. its w:pPr), or "".
func childRaw(toks []token, m []int, s int, name string) string {
	for k := s + 1; k < len(toks) && k < m[s]; k++ {
		t := toks[k]
		switch t.kind {
		case tkText, tkOther:
			continue
		case tkEmpty:
			if t.name == name {
				return t.raw
			}
			return ""
		case tkStart:
			if t.name == name {
				return joinRaw(toks[k : m[k]+1])
			}
			return ""
		default:
			return ""
		}
	}
	return ""
}

// runProps returns the w:rPr of the run enclosing token i, or "".
func runProps(toks []token, m []int, i int) string {
	for k := i - 1; k >= 0; k-- {
		if toks[k].kind == tkStart && toks[k].name == "w:r" && m[k] > i {
			return childRaw(toks, m, k, "w:rPr")
		}
		if toks[k].kind == tkStart && toks[k].name == "w:p" {
			break
		}
	}
	return ""
}

// paragraphWrap returns the XML that turns a plain value printed by
// {{p x}} into a paragraph with the template paragraph's formatting.
func paragraphWrap(toks []token, m []int, pStart, tagIdx int) (string, string) {
	pPr := childRaw(toks, m, pStart, "w:pPr")
	rPr := runProps(toks, m, tagIdx)
	return "<w:p>" + pPr + "<w:r>" + rPr + `<w:t xml:space="preserve">`, "</w:t></w:r></w:p>"
}

// tcPrOrder is the schema order of w:tcPr children (ECMA-376 CT_TcPr).
var tcPrOrder = map[string]int{
	"w:cnfStyle": 0, "w:tcW": 1, "w:gridSpan": 2, "w:hMerge": 3, "w:vMerge": 4,
	"w:tcBorders": 5, "w:shd": 6, "w:noWrap": 7, "w:tcMar": 8, "w:textDirection": 9,
	"w:tcFitText": 10, "w:vAlign": 11, "w:hideMark": 12, "w:headers": 13,
	"w:cellIns": 14, "w:cellDel": 15, "w:cellMerge": 16, "w:tcPrChange": 17,
}

var cellTagRe = regexp.MustCompile(`^\s*(colspan|cellbg|vm|hm)(?:\s+(.*?))?\s*$`)

// cellTag reports whether t is one of docxtpl's table-cell extensions and
// returns its kind and argument.
func cellTag(t *tagInfo) (kind, arg string, ok bool) {
	if t == nil || t.delim != '%' || t.level != "" {
		return "", "", false
	}
	sm := cellTagRe.FindStringSubmatch(t.body)
	if sm == nil {
		return "", "", false
	}
	return sm[1], sm[2], true
}

// applyCellTags implements docxtpl's table extensions inside the cell that
// holds the tag: {% colspan n %} (w:gridSpan), {% cellbg c %} (w:shd fill),
// {% vm %} (vertical merge of the cells a loop repeats) and {% hm %}
// (horizontal merge of the cells a loop repeats). kinds selects which ones.
func applyCellTags(toks []token, kinds string) ([]token, TemplateErrors) {
	var errs TemplateErrors
	m := matchEnds(toks)
	acts := map[int][]int{} // tc start -> tag indices
	var tcs []int
	for i, t := range toks {
		switch t.kind {
		case tkStart:
			if t.name == "w:tc" {
				tcs = append(tcs, i)
			}
		case tkEnd:
			if t.name == "w:tc" && len(tcs) > 0 {
				tcs = tcs[:len(tcs)-1]
			}
		case tkTag:
			kind, arg, ok := cellTag(t.tag)
			if !ok || !strings.Contains(kinds, kind) {
				continue
			}
			if len(tcs) == 0 {
				errs = append(errs, &TemplateError{Loc: *t.tag.loc, Tag: t.tag.text, Msg: "该标签必须位于表格单元格之内"})
				continue
			}
			if (kind == "colspan" || kind == "cellbg") && arg == "" {
				errs = append(errs, &TemplateError{Loc: *t.tag.loc, Tag: t.tag.text, Msg: kind + " 需要一个参数"})
				continue
			}
			acts[tcs[len(tcs)-1]] = append(acts[tcs[len(tcs)-1]], i)
		}
	}
	if len(acts) == 0 || len(errs) > 0 {
		return toks, errs
	}
	out := make([]token, 0, len(toks)+16)
	for i := 0; i < len(toks); i++ {
		if tags, ok := acts[i]; ok {
			out = append(out, rewriteCell(toks[i:m[i]+1], i, tags)...)
			i = m[i]
			continue
		}
		out = append(out, toks[i])
	}
	return out, nil
}

// genTokens turns engine-written XML with Jinja tags into tokens: literal
// pieces as tkOther, tags as generated tkTag tokens located at loc.
func genTokens(s string, loc *Location) []token {
	var out []token
	for s != "" {
		k := strings.Index(s, "{")
		for k >= 0 && !isOpener(s, k) {
			n := strings.Index(s[k+1:], "{")
			if n < 0 {
				k = -1
				break
			}
			k += 1 + n
		}
		if k < 0 {
			out = append(out, token{kind: tkOther, raw: s})
			break
		}
		if k > 0 {
			out = append(out, token{kind: tkOther, raw: s[:k]})
		}
		e := strings.Index(s[k+2:], closerFor(s[k+1])) + k + 4
		tag := parseTag(s[k:e], loc)
		tag.generated = true
		out = append(out, token{kind: tkTag, raw: s[k:e], tag: tag})
		s = s[e:]
	}
	return out
}

// rewriteCell applies the cell extensions found at tagIdx (indices into the
// whole token list; base is the cell's start index) to one w:tc.
func rewriteCell(cell []token, base int, tagIdx []int) []token {
	cell = append([]token(nil), cell...)
	type prop struct {
		name string
		toks []token
	}
	var loc *Location
	var wrapCell bool
	drop := map[int]bool{}
	props := map[string][]token{}
	// Locate tcPr and read its children.
	m := matchEnds(cell)
	prStart, prEnd := -1, -1
	for k := 1; k < len(cell)-1; k++ {
		if cell[k].kind == tkText || cell[k].kind == tkOther {
			continue
		}
		if cell[k].name == "w:tcPr" {
			prStart = k
			if cell[k].kind == tkStart {
				prEnd = m[k]
			} else {
				prEnd = k
			}
		}
		break
	}
	var children []prop
	if prStart >= 0 && cell[prStart].kind == tkStart {
		for k := prStart + 1; k < prEnd; k++ {
			t := cell[k]
			switch t.kind {
			case tkEmpty:
				children = append(children, prop{t.name, []token{t}})
			case tkStart:
				children = append(children, prop{t.name, cell[k : m[k]+1]})
				k = m[k]
			}
		}
	}
	for _, c := range children {
		props[c.name] = c.toks
	}
	set := map[string][]token{}
	for _, gi := range tagIdx {
		k := gi - base
		tag := cell[k].tag
		loc = tag.loc
		kind, arg, _ := cellTag(tag)
		drop[k] = true
		switch kind {
		case "colspan":
			set["w:gridSpan"] = genTokens(`<w:gridSpan w:val="{{ `+arg+` }}"/>`, loc)
			dropEmptyRun(cell, m, k, drop)
		case "cellbg":
			set["w:shd"] = genTokens(`<w:shd w:val="clear" w:color="auto" w:fill="{{ `+arg+` }}"/>`, loc)
			dropEmptyRun(cell, m, k, drop)
		case "vm":
			set["w:vMerge"] = genTokens(`<w:vMerge w:val="{% if loop.first %}restart{% else %}continue{% endif %}"/>`, loc)
			// Only the first cell of the merge shows the text of its w:t.
			if s, e := enclosingT(cell, m, k); s >= 0 {
				cell[s].raw += "\x00open"
				cell[e].raw = "\x00close" + cell[e].raw
			}
		case "hm":
			span := `{{ loop.length }}`
			if g, ok := props["w:gridSpan"]; ok {
				if n, err := strconv.Atoi(attrVal(g[0].raw, "w:val")); err == nil {
					span = `{{ ` + strconv.Itoa(n) + ` * loop.length }}`
				}
			}
			set["w:gridSpan"] = genTokens(`<w:gridSpan w:val="`+span+`"/>`, loc)
			wrapCell = true
		}
	}
	// Rebuild tcPr with the new children in schema order.
	var pr []token
	names := make([]string, 0, len(children)+len(set))
	seen := map[string]bool{}
	for _, c := range children {
		names = append(names, c.name)
		seen[c.name] = true
	}
	for n := range set {
		if !seen[n] {
			names = append(names, n)
		}
	}
	sortByOrder(names)
	pr = append(pr, token{kind: tkOther, raw: "<w:tcPr>"})
	if prStart >= 0 && cell[prStart].kind == tkStart {
		pr[0].raw = cell[prStart].raw
	}
	for _, n := range names {
		if t, ok := set[n]; ok {
			pr = append(pr, t...)
		} else {
			pr = append(pr, props[n]...)
		}
	}
	pr = append(pr, token{kind: tkOther, raw: "</w:tcPr>"})

	var out []token
	if wrapCell {
		out = append(out, genTokens("{% if loop.first %}", loc)...)
	}
	out = append(out, cell[0])
	out = append(out, pr...)
	start := 1
	if prStart >= 0 {
		start = prEnd + 1
		out = append(out, cell[1:prStart]...)
	}
	for k := start; k < len(cell); k++ {
		if drop[k] {
			continue
		}
		t := cell[k]
		if strings.HasSuffix(t.raw, "\x00open") {
			t.raw = strings.TrimSuffix(t.raw, "\x00open")
			out = append(out, t)
			out = append(out, genTokens("{% if loop.first %}", loc)...)
			continue
		}
		if strings.HasPrefix(t.raw, "\x00close") {
			t.raw = strings.TrimPrefix(t.raw, "\x00close")
			out = append(out, genTokens("{% endif %}", loc)...)
		}
		out = append(out, t)
	}
	if wrapCell {
		out = append(out, genTokens("{% endif %}", loc)...)
	}
	return out
}

// enclosingT returns the indices of the w:t start and end around token k.
func enclosingT(toks []token, m []int, k int) (int, int) {
	for s := k - 1; s >= 0; s-- {
		if toks[s].kind == tkStart && toks[s].name == "w:t" && m[s] > k {
			return s, m[s]
		}
	}
	return -1, -1
}

// dropEmptyRun marks for removal the run holding token k when the tag was
// its only content, as docxtpl does for colspan and cellbg.
func dropEmptyRun(toks []token, m []int, k int, drop map[int]bool) {
	s, e := enclosingT(toks, m, k)
	if s < 0 {
		return
	}
	for x := s + 1; x < e; x++ {
		if x != k && (toks[x].kind == tkTag || toks[x].kind == tkText && toks[x].raw != "") {
			return
		}
	}
	for r := s - 1; r >= 0; r-- {
		if toks[r].kind == tkStart && toks[r].name == "w:r" && m[r] > k {
			for x := r; x <= m[r]; x++ {
				drop[x] = true
			}
			return
		}
	}
}

func sortByOrder(names []string) {
	rank := func(n string) int {
		if r, ok := tcPrOrder[n]; ok {
			return r
		}
		return 100
	}
	for i := 1; i < len(names); i++ {
		for j := i; j > 0 && rank(names[j]) < rank(names[j-1]); j-- {
			names[j], names[j-1] = names[j-1], names[j]
		}
	}
}

// attrVal returns the value of attribute name in a raw start tag.
func attrVal(raw, name string) string {
	k := strings.Index(raw, " "+name+"=")
	if k < 0 {
		return ""
	}
	rest := raw[k+len(name)+2:]
	if rest == "" {
		return ""
	}
	q := rest[0]
	e := strings.IndexByte(rest[1:], q)
	if e < 0 {
		return ""
	}
	return rest[1 : 1+e]
}
