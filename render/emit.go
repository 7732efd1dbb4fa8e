package render

import (
	"sort"
	"strings"
)

// site is one place where the template prints a value (a {{ }} tag) or
// loops over one ({% for %}), known by the byte offset of its tag in the
// generated Jinja source.
type site struct {
	tag      *tagInfo
	wrapPre  string
	wrapPost string
}

// tagSpan maps a byte range of the generated Jinja source back to the tag
// that produced it, for error messages.
type tagSpan struct {
	start, end int
	tag        *tagInfo
}

// jinjaSource is a part turned into Jinja source text.
type jinjaSource struct {
	src   string
	spans []tagSpan     // sorted by start
	sites map[int]*site // by offset of the "{{" that opens the print tag
}

// literalUnbrace rewrites docxtpl's escapes for literal braces in document
// text ({_{ → {{ and so on).
var literalUnbrace = strings.NewReplacer("{_{", "{{", "}_}", "}}", "{_%", "{%", "%_}", "%}")

// emitJinja writes the token list as Jinja source. XML and text pass through
// literally (with "{" protected where Jinja would read a tag); tags become
// Jinja tags, each recorded with where it came from.
func emitJinja(toks []token) *jinjaSource {
	js := &jinjaSource{sites: map[int]*site{}}
	var b strings.Builder
	b.Grow(len(toks) * 24)
	m := matchEnds(toks)
	inT := 0
	for i, t := range toks {
		switch t.kind {
		case tkStart:
			if t.name == "w:t" {
				inT++
			}
			writeLiteral(&b, t.raw)
		case tkEnd:
			if t.name == "w:t" {
				inT--
			}
			writeLiteral(&b, t.raw)
		case tkText:
			if inT > 0 {
				writeLiteral(&b, literalUnbrace.Replace(t.raw))
			} else {
				writeLiteral(&b, t.raw)
			}
		case tkTag:
			tag := t.tag
			if tag.delim == '#' {
				continue
			}
			splitRun := tag.level == "r" && inT > 0
			var rPr string
			if splitRun {
				rPr = runProps(toks, m, i)
				b.WriteString("</w:t></w:r>")
				if tag.delim == '{' {
					tag.wrapPre = "<w:r>" + rPr + `<w:t xml:space="preserve">`
					tag.wrapPost = "</w:t></w:r>"
				}
			}
			start := b.Len()
			writeTag(&b, tag)
			js.spans = append(js.spans, tagSpan{start, b.Len(), tag})
			if tag.delim == '{' {
				js.sites[start] = &site{tag: tag, wrapPre: tag.wrapPre, wrapPost: tag.wrapPost}
			}
			if splitRun {
				b.WriteString("<w:r>" + rPr + `<w:t xml:space="preserve">`)
			}
		default:
			writeLiteral(&b, t.raw)
		}
	}
	js.src = b.String()
	sort.Slice(js.spans, func(a, c int) bool { return js.spans[a].start < js.spans[c].start })
	return js
}

// writeTag writes one tag as Jinja source.
func writeTag(b *strings.Builder, t *tagInfo) {
	open, close := "{{", "}}"
	if t.delim == '%' {
		open, close = "{%", "%}"
	}
	b.WriteString(open)
	if t.trimL {
		b.WriteByte('-')
	}
	b.WriteByte(' ')
	b.WriteString(strings.TrimSpace(t.body))
	// The closing delimiter goes on the next line, so every tag's body
	// stands on a line of its own and a line number in a gonja runtime
	// error names exactly one tag.
	b.WriteByte('\n')
	if t.trimR {
		b.WriteByte('-')
	}
	b.WriteString(close)
}

// crName is a context constant holding "\r": gonja's lexer turns every
// carriage return of the source into "\n", so literal ones are printed
// through it to keep the part's bytes.
const crName = "__gongwen_cr__"

// writeLiteral writes text that Jinja must print as it is. A "{" that could
// start a Jinja tag (followed by "{", "%", "#", or at the end of the piece,
// where the next piece may begin with one) is written as a tiny print tag
// of the string "{"; a carriage return as a print of crName.
func writeLiteral(b *strings.Builder, s string) {
	for {
		k := strings.IndexAny(s, "{\r")
		if k < 0 {
			b.WriteString(s)
			return
		}
		b.WriteString(s[:k])
		switch {
		case s[k] == '\r':
			b.WriteString("{{" + crName + "}}")
		case k+1 == len(s) || s[k+1] == '{' || s[k+1] == '%' || s[k+1] == '#':
			b.WriteString(`{{'{'}}`)
		default:
			b.WriteByte('{')
		}
		s = s[k+1:]
	}
}

// tagAt returns the tag whose Jinja source covers offset off, or the
// nearest one before it.
func (js *jinjaSource) tagAt(off int) *tagInfo {
	k := sort.Search(len(js.spans), func(i int) bool { return js.spans[i].start > off })
	if k == 0 {
		if len(js.spans) > 0 {
			return js.spans[0].tag
		}
		return nil
	}
	return js.spans[k-1].tag
}
