package render

import (
	"fmt"
	"strings"
)

// setCoreProperties writes the non-empty fields of p into docProps/core.xml,
// replacing an element's text or adding the element before the end of the
// root. Other bytes of the part stay as they were.
func setCoreProperties(core string, p Properties) (string, error) {
	fields := []struct{ name, val string }{
		{"dc:title", p.Title}, {"dc:subject", p.Subject}, {"dc:creator", p.Creator},
		{"cp:keywords", p.Keywords}, {"dc:description", p.Description}, {"dc:identifier", p.Identifier},
	}
	for _, f := range fields {
		if f.val == "" {
			continue
		}
		toks, err := tokenize(core)
		if err != nil {
			return "", fmt.Errorf("render: docProps/core.xml 不是有效的 XML（%v）", err)
		}
		m := matchEnds(toks)
		val := strings.Map(func(r rune) rune {
			if r >= markBreak && r <= markPage {
				return ' '
			}
			return r
		}, escapeValue(f.val))
		done := false
		for i, t := range toks {
			if t.name != f.name {
				continue
			}
			switch t.kind {
			case tkEmpty:
				toks[i].raw = "<" + f.name + ">" + val + "</" + f.name + ">"
				done = true
			case tkStart:
				for k := i + 1; k < m[i]; k++ {
					toks[k].raw = ""
				}
				toks[i].raw = t.raw + val
				done = true
			}
			if done {
				break
			}
		}
		if !done {
			for i := len(toks) - 1; i >= 0; i-- {
				if toks[i].kind == tkEnd {
					toks[i].raw = "<" + f.name + ">" + val + "</" + f.name + ">" + toks[i].raw
					break
				}
			}
		}
		core = joinRaw(toks)
	}
	return core, nil
}
