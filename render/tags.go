package render

import (
	"strings"
	"unicode/utf8"
)

// tagInfo is one template tag found in a part.
type tagInfo struct {
	delim     byte   // '{' prints a value, '%' is a statement, '#' a comment
	level     string // docxtpl structural level: "", "p", "tr", "tc" or "r"
	body      string // Jinja source between the delimiters, entities decoded
	trimL     bool   // written as {%- or {{-
	trimR     bool   // written as -%} or -}}
	text      string // the tag as the user sees it in Word, for messages
	loc       *Location
	generated bool // inserted by the engine (cell extensions), not typed by a user
	// wrapPre and wrapPost surround a printed plain value where the tag
	// replaced a whole run ({{r x}}) or paragraph ({{p x}}).
	wrapPre, wrapPost string
}

// closerFor returns the closing delimiter of a tag opened by "{"+c.
func closerFor(c byte) string {
	switch c {
	case '{':
		return "}}"
	case '%':
		return "%}"
	}
	return "#}"
}

// isOpener reports whether s[k:] starts a template tag.
func isOpener(s string, k int) bool {
	return k+1 < len(s) && s[k] == '{' && (s[k+1] == '{' || s[k+1] == '%' || s[k+1] == '#')
}

// smartQuotes maps the typographic quotes Word substitutes while typing
// back to the ASCII quotes Jinja understands (as docxtpl does).
var smartQuotes = strings.NewReplacer("“", `"`, "”", `"`, "‘", "'", "’", "'")

// parseTag builds a tagInfo from the raw (XML-escaped) text of a tag,
// delimiters included.
func parseTag(raw string, loc *Location) *tagInfo {
	t := &tagInfo{delim: raw[1], loc: loc, text: unescapeXML(raw)}
	inner := raw[2 : len(raw)-2]
	for _, lv := range []string{"tr", "tc", "p", "r"} {
		if strings.HasPrefix(inner, lv+" ") && !(t.delim == '#' && lv == "r") {
			t.level = lv
			inner = inner[len(lv):]
			break
		}
	}
	if strings.HasPrefix(inner, "-") {
		t.trimL = true
		inner = inner[1:]
	}
	if strings.HasSuffix(inner, "-") {
		t.trimR = true
		inner = inner[:len(inner)-1]
	}
	t.body = smartQuotes.Replace(unescapeXML(inner))
	return t
}

// textGroup is a run of text tokens read as one string when looking for
// tags: the w:t texts of one paragraph, or one text node elsewhere.
type textGroup struct {
	texts []int // token indices
	loc   Location
}

// splitTags finds the template tags in a part's text and turns each into a
// tkTag token. In WordprocessingML parts (word is true) a tag may be split
// across runs, proofing marks and bookmarks by Word: the whole tag is moved
// into the w:t where it begins, so it keeps that run's formatting, and the
// other runs keep their own text. Elsewhere (docProps/core.xml) each text
// node is read on its own.
func splitTags(part string, toks []token, word bool) ([]token, TemplateErrors) {
	groups := groupTexts(part, toks, word)
	var errs TemplateErrors
	segs := map[int][]token{}
	for _, g := range groups {
		var sb strings.Builder
		offs := make([]int, len(g.texts)+1)
		for n, ti := range g.texts {
			offs[n] = sb.Len()
			sb.WriteString(toks[ti].raw)
		}
		offs[len(g.texts)] = sb.Len()
		all := sb.String()
		if !strings.Contains(all, "{") {
			continue
		}
		type span struct{ s, e, owner int }
		var found []span
		owner := func(k int) int {
			n := 0
			for n+1 < len(g.texts) && offs[n+1] <= k {
				n++
			}
			return n
		}
		for k := 0; k < len(all); {
			if !isOpener(all, k) {
				k++
				continue
			}
			closer := closerFor(all[k+1])
			j := strings.Index(all[k+2:], closer)
			if j < 0 {
				loc := g.loc
				loc.Context = contextAround(all, k)
				errs = append(errs, &TemplateError{Loc: loc, Tag: shorten(unescapeXML(all[k:]), 0, 24),
					Msg: "标签没有结束（缺少“" + closer + "”）；一个标签必须写在同一段之内"})
				break
			}
			found = append(found, span{k, k + 2 + j + 2, owner(k)})
			k += 2 + j + 2
		}
		if len(found) == 0 {
			continue
		}
		// Reassign the bytes of split tags to the text token where they begin.
		lo := make([]int, len(g.texts))
		hi := make([]int, len(g.texts))
		for n := range g.texts {
			lo[n], hi[n] = offs[n], offs[n+1]
		}
		for _, f := range found {
			last := owner(f.e - 1)
			if last == f.owner {
				continue
			}
			hi[f.owner] = f.e
			for n := f.owner + 1; n <= last; n++ {
				if f.e > lo[n] {
					lo[n] = min(f.e, offs[n+1])
				}
			}
		}
		byOwner := map[int][]span{}
		for _, f := range found {
			byOwner[f.owner] = append(byOwner[f.owner], f)
		}
		for n, ti := range g.texts {
			var out []token
			pos := lo[n]
			end := hi[n]
			if pos > end {
				pos = end
			}
			for _, f := range byOwner[n] {
				if f.s > pos {
					out = append(out, token{kind: tkText, raw: all[pos:f.s]})
				}
				loc := g.loc
				loc.Context = contextAround(all, f.s)
				tag := parseTag(all[f.s:f.e], &loc)
				out = append(out, token{kind: tkTag, raw: all[f.s:f.e], tag: tag})
				pos = f.e
			}
			if pos < end {
				out = append(out, token{kind: tkText, raw: all[pos:end]})
			}
			if len(byOwner[n]) == 0 && lo[n] == offs[n] && hi[n] == offs[n+1] {
				continue // untouched
			}
			if out == nil {
				out = []token{}
			}
			segs[ti] = out
		}
	}
	if len(segs) == 0 {
		return toks, errs
	}
	out := make([]token, 0, len(toks)+len(segs)*2)
	for i, t := range toks {
		s, ok := segs[i]
		if !ok {
			out = append(out, t)
			continue
		}
		hasTag := false
		for _, x := range s {
			if x.kind == tkTag {
				hasTag = true
			}
		}
		// Tags may print leading or trailing spaces: make Word keep them.
		if hasTag && word && len(out) > 0 {
			if p := &out[len(out)-1]; p.kind == tkStart && p.name == "w:t" && !strings.Contains(p.raw, "xml:space") {
				p.raw = p.raw[:len(p.raw)-1] + ` xml:space="preserve">`
			}
		}
		out = append(out, s...)
	}
	return out, errs
}

// contextAround returns the decoded text around raw offset k, shortened.
func contextAround(raw string, k int) string {
	before := unescapeXML(raw[:k])
	text := unescapeXML(raw)
	return shorten(text, utf8.RuneCountInString(before), 40)
}

// groupTexts collects the text tokens to search for tags, with where each
// group stands.
func groupTexts(part string, toks []token, word bool) []*textGroup {
	var groups []*textGroup
	if !word {
		for i, t := range toks {
			if t.kind == tkText && strings.Contains(t.raw, "{") {
				name := ""
				for k := i - 1; k >= 0; k-- {
					if toks[k].kind == tkStart {
						name = toks[k].name
						break
					}
				}
				groups = append(groups, &textGroup{texts: []int{i}, loc: Location{Part: part + " " + name}})
			}
		}
		return groups
	}
	type tbl struct{ n, row, cell int }
	var pstack []*textGroup
	var tstack []*tbl
	tables, paras, inT := 0, 0, 0
	for i, t := range toks {
		switch t.kind {
		case tkStart:
			switch t.name {
			case "w:p":
				paras++
				g := &textGroup{loc: Location{Part: part, Paragraph: paras}}
				if len(tstack) > 0 {
					ts := tstack[len(tstack)-1]
					g.loc.Table, g.loc.Row, g.loc.Cell = ts.n, ts.row, ts.cell
				}
				groups = append(groups, g)
				pstack = append(pstack, g)
			case "w:tbl":
				tables++
				tstack = append(tstack, &tbl{n: tables})
			case "w:tr":
				if len(tstack) > 0 {
					tstack[len(tstack)-1].row++
					tstack[len(tstack)-1].cell = 0
				}
			case "w:tc":
				if len(tstack) > 0 {
					tstack[len(tstack)-1].cell++
				}
			case "w:t":
				inT++
			}
		case tkEnd:
			switch t.name {
			case "w:p":
				if len(pstack) > 0 {
					pstack = pstack[:len(pstack)-1]
				}
			case "w:tbl":
				if len(tstack) > 0 {
					tstack = tstack[:len(tstack)-1]
				}
			case "w:t":
				inT--
			}
		case tkText:
			if inT > 0 && len(pstack) > 0 {
				g := pstack[len(pstack)-1]
				g.texts = append(g.texts, i)
			}
		}
	}
	return groups
}

// mergeParagraphs applies docxtpl's {%- and -%} rules: a statement tag
// written as {%- at the start of its text merges with the text before it
// (the XML between the two texts, paragraph ends included, is dropped), and
// -%} at the end of its text merges with the next text. As in docxtpl, all
// {%- merges happen before the -%} ones.
func mergeParagraphs(toks []token) []token {
	out := make([]token, 0, len(toks))
	// lastEndT is the index in out of the last </w:t>, closedStart the index
	// of the <w:t> it closes, curStart the index of the open <w:t>.
	lastEndT, closedStart, curStart := -1, -1, -1
	for i, t := range toks {
		if t.kind == tkTag && t.tag.delim == '%' && t.tag.trimL && i > 0 &&
			toks[i-1].kind == tkStart && toks[i-1].name == "w:t" && lastEndT >= 0 {
			out = out[:lastEndT]
			t.tag.trimL = false
			preserveSpace(out, closedStart)
			curStart, lastEndT = closedStart, -1
		}
		switch {
		case t.kind == tkEnd && t.name == "w:t":
			lastEndT, closedStart = len(out), curStart
		case t.kind == tkStart && t.name == "w:t":
			curStart = len(out)
		}
		out = append(out, t)
	}
	toks = out
	out = make([]token, 0, len(toks))
	var pending *tagInfo
	pendingAt, lastStartT := -1, -1
	for i, t := range toks {
		switch {
		case t.kind == tkTag:
			pending = nil
			if t.tag.delim == '%' && t.tag.trimR && i+1 < len(toks) && toks[i+1].kind == tkEnd && toks[i+1].name == "w:t" {
				pending = t.tag
				pendingAt = len(out) + 1
			}
		case t.kind == tkStart && t.name == "w:t" && pending != nil:
			out = out[:pendingAt]
			pending.trimR = false
			pending = nil
			preserveSpace(out, lastStartT)
			continue
		case t.kind == tkStart && t.name == "w:t":
			lastStartT = len(out)
		}
		out = append(out, t)
	}
	return out
}

// preserveSpace marks the w:t start token at index i to keep its spaces.
func preserveSpace(toks []token, i int) {
	if i >= 0 && i < len(toks) && toks[i].kind == tkStart && !strings.Contains(toks[i].raw, "xml:space") {
		toks[i].raw = toks[i].raw[:len(toks[i].raw)-1] + ` xml:space="preserve">`
	}
}
