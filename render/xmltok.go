package render

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// tokKind is the kind of one lexical piece of an XML part.
type tokKind uint8

const (
	tkText  tokKind = iota // character data between tags
	tkStart                // <name ...>
	tkEnd                  // </name>
	tkEmpty                // <name .../>
	tkOther                // comment, processing instruction, CDATA
	tkTag                  // a template tag found inside w:t text (after preprocessing)
)

// token is one piece of an XML part. raw always holds the exact bytes of the
// source, so a part that is tokenized and emitted again is byte-identical.
type token struct {
	kind tokKind
	name string   // element name for tkStart, tkEnd, tkEmpty (e.g. "w:p")
	raw  string   // exact source text
	tag  *tagInfo // for tkTag
}

// maxXMLDepth bounds element nesting; real documents stay far below it.
const maxXMLDepth = 512

// tokenize splits an XML document into tokens and checks that it is
// well-formed enough to be processed: tags closed in order, no DOCTYPE (no
// entity expansion), only the predefined and numeric entities, no characters
// XML 1.0 forbids. The error names the byte offset and what is wrong.
func tokenize(src string) ([]token, error) {
	return tokenizeXML(src, false)
}

// tokenizeXML is tokenize; allowMarks accepts the engine's break markers
// (\x01 to \x04) in text, as found in rendered output before
// post-processing.
func tokenizeXML(src string, allowMarks bool) ([]token, error) {
	toks := make([]token, 0, len(src)/24+8)
	err := scanXML(src, allowMarks, func(t token) { toks = append(toks, t) })
	if err != nil {
		return nil, err
	}
	return toks, nil
}

// checkBalanced checks rendered output whose literal parts were fully
// checked when the template was parsed and whose values were escaped by
// the engine: elements must nest and entities be valid, but attribute
// syntax and UTF-8 are known good and not checked again.
func checkBalanced(src string) error {
	return scanXMLMode(src, true, true, nil)
}

// scanXML is the tokenizer: it checks src and passes each token to emit
// (which may be nil).
func scanXML(src string, allowMarks bool, emit func(token)) error {
	return scanXMLMode(src, allowMarks, false, emit)
}

// scanXMLMode is scanXML; light skips the checks checkBalanced skips.
func scanXMLMode(src string, allowMarks, light bool, emit func(token)) error {
	if emit == nil {
		emit = func(token) {}
	}
	var stack []string
	i := 0
	for i < len(src) {
		if src[i] != '<' {
			j := strings.IndexByte(src[i:], '<')
			if j < 0 {
				j = len(src) - i
			}
			text := src[i : i+j]
			if err := checkTextMode(text, allowMarks, light); err != nil {
				return fmt.Errorf("at byte %d: %w", i, err)
			}
			emit(token{kind: tkText, raw: text})
			i += j
			continue
		}
		rest := src[i:]
		switch {
		case strings.HasPrefix(rest, "<!--"):
			j := strings.Index(rest[4:], "-->")
			if j < 0 {
				return fmt.Errorf("at byte %d: comment is not closed", i)
			}
			emit(token{kind: tkOther, raw: rest[:4+j+3]})
			i += 4 + j + 3
		case strings.HasPrefix(rest, "<![CDATA["):
			j := strings.Index(rest[9:], "]]>")
			if j < 0 {
				return fmt.Errorf("at byte %d: CDATA section is not closed", i)
			}
			emit(token{kind: tkOther, raw: rest[:9+j+3]})
			i += 9 + j + 3
		case strings.HasPrefix(rest, "<?"):
			j := strings.Index(rest[2:], "?>")
			if j < 0 {
				return fmt.Errorf("at byte %d: processing instruction is not closed", i)
			}
			emit(token{kind: tkOther, raw: rest[:2+j+2]})
			i += 2 + j + 2
		case strings.HasPrefix(rest, "<!"):
			return fmt.Errorf("at byte %d: DOCTYPE and other declarations are not allowed in a document part", i)
		case strings.HasPrefix(rest, "</"):
			j := strings.IndexByte(rest, '>')
			if j < 0 {
				return fmt.Errorf("at byte %d: end tag is not closed", i)
			}
			name := strings.TrimRight(rest[2:j], " \t\r\n")
			if !validName(name) {
				return fmt.Errorf("at byte %d: end tag </%s> has no valid name", i, name)
			}
			if len(stack) == 0 {
				return fmt.Errorf("at byte %d: end tag </%s> has no start tag", i, name)
			}
			if top := stack[len(stack)-1]; top != name {
				return fmt.Errorf("at byte %d: end tag </%s> does not match <%s>", i, name, top)
			}
			stack = stack[:len(stack)-1]
			emit(token{kind: tkEnd, name: name, raw: rest[:j+1]})
			i += j + 1
		default:
			end, err := scanStartTag(rest)
			if err != nil {
				return fmt.Errorf("at byte %d: %w", i, err)
			}
			raw := rest[:end]
			name := elemName(raw)
			if !validName(name) {
				return fmt.Errorf("at byte %d: %q is not a valid element name", i, name)
			}
			if light {
				// attributes were checked in the template
			} else if err := checkAttrs(raw[1+len(name):], allowMarks); err != nil {
				return fmt.Errorf("at byte %d: in <%s>: %w", i, name, err)
			}
			if strings.HasSuffix(raw, "/>") {
				emit(token{kind: tkEmpty, name: name, raw: raw})
			} else {
				if len(stack) >= maxXMLDepth {
					return fmt.Errorf("at byte %d: elements nested deeper than %d", i, maxXMLDepth)
				}
				stack = append(stack, name)
				emit(token{kind: tkStart, name: name, raw: raw})
			}
			i += end
		}
	}
	if len(stack) > 0 {
		return fmt.Errorf("at end: element <%s> is not closed", stack[len(stack)-1])
	}
	return nil
}

// scanStartTag returns the length of the start or empty tag at the start of
// s, honouring quoted attribute values.
func scanStartTag(s string) (int, error) {
	var quote byte
	for k := 1; k < len(s); k++ {
		c := s[k]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			} else if c == '<' {
				return 0, fmt.Errorf("'<' inside an attribute value")
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return k + 1, nil
		case c == '<':
			return 0, fmt.Errorf("tag is not closed before the next '<'")
		}
	}
	return 0, fmt.Errorf("tag is not closed")
}

// elemName returns the element name of a start or empty tag's raw text.
func elemName(raw string) string {
	k := 1
	for k < len(raw) {
		c := raw[k]
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '/' || c == '>' {
			break
		}
		k++
	}
	return raw[1:k]
}

// checkText verifies character data: entities must be predefined or
// numeric, and control characters XML cannot hold must not appear.
func checkText(s string, allowMarks bool) error {
	return checkTextMode(s, allowMarks, false)
}

// checkTextMode is checkText; light skips the UTF-8 checks.
func checkTextMode(s string, allowMarks, light bool) error {
	if light {
		return checkChars(s, allowMarks)
	}
	if !utf8.ValidString(s) {
		return fmt.Errorf("text is not valid UTF-8")
	}
	if strings.Contains(s, "\uFFFE") || strings.Contains(s, "\uFFFF") {
		return fmt.Errorf("character U+FFFE or U+FFFF is not allowed in XML")
	}
	return checkChars(s, allowMarks)
}

// checkChars checks control characters and entity references.
func checkChars(s string, allowMarks bool) error {
	for k := 0; k < len(s); k++ {
		c := s[k]
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' && !(allowMarks && c >= markBreak && c <= markPage) {
			return fmt.Errorf("control character U+%04X is not allowed in XML", c)
		}
		if c == '&' {
			semi := strings.IndexByte(s[k:], ';')
			if semi < 0 || semi > 12 {
				return fmt.Errorf("'&' not followed by an entity reference")
			}
			if !validEntity(s[k+1 : k+semi]) {
				return fmt.Errorf("unknown entity &%s;", s[k+1:k+semi])
			}
			k += semi
		}
	}
	return nil
}

func validEntity(e string) bool {
	switch e {
	case "amp", "lt", "gt", "quot", "apos":
		return true
	}
	if len(e) < 2 || e[0] != '#' {
		return false
	}
	digits := e[1:]
	hex := false
	if digits[0] == 'x' {
		hex = true
		digits = digits[1:]
	}
	if digits == "" {
		return false
	}
	for _, c := range digits {
		if !(c >= '0' && c <= '9' || hex && (c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')) {
			return false
		}
	}
	return true
}

// unescapeXML decodes the predefined and numeric entities of XML text.
func unescapeXML(s string) string {
	if !strings.Contains(s, "&") {
		return s
	}
	var b strings.Builder
	for k := 0; k < len(s); k++ {
		if s[k] != '&' {
			b.WriteByte(s[k])
			continue
		}
		semi := strings.IndexByte(s[k:], ';')
		if semi < 0 {
			b.WriteByte('&')
			continue
		}
		ent := s[k+1 : k+semi]
		switch ent {
		case "amp":
			b.WriteByte('&')
		case "lt":
			b.WriteByte('<')
		case "gt":
			b.WriteByte('>')
		case "quot":
			b.WriteByte('"')
		case "apos":
			b.WriteByte('\'')
		default:
			var r rune
			if _, err := fmt.Sscanf(ent, "#x%x", &r); err == nil && strings.HasPrefix(ent, "#x") {
				b.WriteRune(r)
			} else if _, err := fmt.Sscanf(ent, "#%d", &r); err == nil {
				b.WriteRune(r)
			} else {
				b.WriteString(s[k : k+semi+1])
			}
		}
		k += semi
	}
	return b.String()
}

// matchEnds returns, for each tkStart token index, the index of its tkEnd.
// The token list must be balanced (as tokenize guarantees).
func matchEnds(toks []token) []int {
	m := make([]int, len(toks))
	var stack []int
	for i, t := range toks {
		m[i] = -1
		switch t.kind {
		case tkStart:
			stack = append(stack, i)
		case tkEnd:
			if len(stack) > 0 {
				s := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				m[s] = i
				m[i] = s
			}
		}
	}
	return m
}

// joinRaw concatenates the raw text of tokens.
func joinRaw(toks []token) string {
	var b strings.Builder
	for _, t := range toks {
		b.WriteString(t.raw)
	}
	return b.String()
}

// validName reports whether s is an XML name (ASCII rules; any non-ASCII
// character is accepted, as XML 1.0 fifth edition nearly does).
func validName(s string) bool {
	if s == "" || !utf8.ValidString(s) {
		return false
	}
	for k := 0; k < len(s); k++ {
		c := s[k]
		switch {
		case c >= 0x80, c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_', c == ':':
		case k > 0 && (c >= '0' && c <= '9' || c == '-' || c == '.'):
		default:
			return false
		}
	}
	return true
}

// checkAttrs checks the attribute list of a start tag (the text after the
// element name, up to and including ">" or "/>"): name="value" pairs
// separated by white space, values quoted, entities valid, no name twice.
func checkAttrs(s string, allowMarks bool) error {
	s = strings.TrimSuffix(strings.TrimSuffix(s, ">"), "/")
	var seen []string
	for {
		trimmed := trimSpaceLeft(s)
		if trimmed == "" {
			return nil
		}
		if len(trimmed) == len(s) && len(seen) > 0 {
			return fmt.Errorf("attributes must be separated by white space")
		}
		if len(seen) == 0 && len(trimmed) == len(s) {
			return fmt.Errorf("white space expected after the element name")
		}
		s = trimmed
		eq := strings.IndexByte(s, '=')
		if eq < 0 {
			return fmt.Errorf("attribute %q has no value", s)
		}
		name := trimSpaceRight(s[:eq])
		if !validName(name) {
			return fmt.Errorf("%q is not a valid attribute name", name)
		}
		for _, n := range seen {
			if n == name {
				return fmt.Errorf("attribute %s appears twice", name)
			}
		}
		seen = append(seen, name)
		s = trimSpaceLeft(s[eq+1:])
		if s == "" || s[0] != '"' && s[0] != '\'' {
			return fmt.Errorf("value of %s is not quoted", name)
		}
		q := s[0]
		e := strings.IndexByte(s[1:], q)
		if e < 0 {
			return fmt.Errorf("value of %s is not closed", name)
		}
		if err := checkText(s[1:1+e], allowMarks); err != nil {
			return fmt.Errorf("value of %s: %w", name, err)
		}
		s = s[1+e+1:]
	}
}

func isXMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func trimSpaceLeft(s string) string {
	i := 0
	for i < len(s) && isXMLSpace(s[i]) {
		i++
	}
	return s[i:]
}

func trimSpaceRight(s string) string {
	i := len(s)
	for i > 0 && isXMLSpace(s[i-1]) {
		i--
	}
	return s[:i]
}
