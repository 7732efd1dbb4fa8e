package render

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"path"
	"strconv"
	"strings"
	"testing"
)

// This file ports shared/docxtpl-suite/docx_text.py (python-docx 0.8.11) to
// Go, so the compatibility test compares the very text docxtpl's expected
// files were extracted with: direct runs only, tabs as \t, breaks as \n,
// table rows as cells joined by " | " with spanned and vertically merged
// cells repeated per grid column, headers and footers of each section.

const wNS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
const rNS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

type xnode struct {
	name     xml.Name
	attrs    []xml.Attr
	children []*xnode
	text     string
}

func (n *xnode) attr(space, local string) (string, bool) {
	for _, a := range n.attrs {
		if a.Name.Local == local && (space == "" || a.Name.Space == space) {
			return a.Value, true
		}
	}
	return "", false
}

func (n *xnode) kids(local string) []*xnode {
	var out []*xnode
	for _, c := range n.children {
		if c.name.Space == wNS && c.name.Local == local {
			out = append(out, c)
		}
	}
	return out
}

func (n *xnode) kid(local string) *xnode {
	k := n.kids(local)
	if len(k) == 0 {
		return nil
	}
	return k[0]
}

func parseXNode(t testing.TB, b []byte) *xnode {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(b))
	root := &xnode{}
	stack := []*xnode{root}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("output is not well-formed XML: %v", err)
		}
		switch x := tok.(type) {
		case xml.StartElement:
			n := &xnode{name: x.Name, attrs: x.Attr}
			top := stack[len(stack)-1]
			top.children = append(top.children, n)
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			stack[len(stack)-1].text += string(x)
		}
	}
	return root.children[0]
}

func pyParaText(p *xnode) string {
	var b strings.Builder
	for _, r := range p.kids("r") {
		for _, c := range r.children {
			if c.name.Space != wNS {
				continue
			}
			switch c.name.Local {
			case "t":
				b.WriteString(c.text)
			case "tab":
				b.WriteString("\t")
			case "br", "cr":
				b.WriteString("\n")
			}
		}
	}
	return b.String()
}

func pyCellText(tc *xnode) string {
	var parts []string
	for _, p := range tc.kids("p") {
		parts = append(parts, pyParaText(p))
	}
	return strings.Join(parts, "\n")
}

func pyTableRows(tbl *xnode) []string {
	colCount := 0
	if g := tbl.kid("tblGrid"); g != nil {
		colCount = len(g.kids("gridCol"))
	}
	var cells []*xnode
	for _, tr := range tbl.kids("tr") {
		for _, tc := range tr.kids("tc") {
			span := 1
			vmerge := ""
			if pr := tc.kid("tcPr"); pr != nil {
				if gs := pr.kid("gridSpan"); gs != nil {
					if v, ok := gs.attr(wNS, "val"); ok {
						span, _ = strconv.Atoi(v)
					}
				}
				if vm := pr.kid("vMerge"); vm != nil {
					vmerge = "continue"
					if v, ok := vm.attr(wNS, "val"); ok {
						vmerge = v
					}
				}
			}
			for i := 0; i < span; i++ {
				switch {
				case vmerge == "continue" && len(cells) >= colCount && colCount > 0:
					cells = append(cells, cells[len(cells)-colCount])
				case i > 0:
					cells = append(cells, cells[len(cells)-1])
				default:
					cells = append(cells, tc)
				}
			}
		}
	}
	var rows []string
	for ri := range tbl.kids("tr") {
		lo, hi := ri*colCount, (ri+1)*colCount
		if hi > len(cells) {
			hi = len(cells)
		}
		var texts []string
		for _, c := range cells[min(lo, hi):hi] {
			texts = append(texts, pyCellText(c))
		}
		rows = append(rows, strings.Join(texts, " | "))
	}
	return rows
}

// pythonDocxText returns what docx_text.py prints for a .docx.
func pythonDocxText(t testing.TB, docx []byte) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(docx), int64(len(docx)))
	if err != nil {
		t.Fatalf("output is not a zip: %v", err)
	}
	read := func(name string) []byte {
		for _, f := range zr.File {
			if f.Name == name {
				rc, _ := f.Open()
				b, _ := io.ReadAll(rc)
				rc.Close()
				return b
			}
		}
		return nil
	}
	doc := parseXNode(t, read("word/document.xml"))
	rels := map[string]string{}
	if rb := read("word/_rels/document.xml.rels"); rb != nil {
		rn := parseXNode(t, rb)
		for _, c := range rn.children {
			id, _ := c.attr("", "Id")
			target, _ := c.attr("", "Target")
			rels[id] = path.Join("word", target)
		}
	}
	body := doc.kid("body")
	var sects []*xnode
	for _, c := range body.children {
		if c.name.Local == "p" {
			if pr := c.kid("pPr"); pr != nil {
				if s := pr.kid("sectPr"); s != nil {
					sects = append(sects, s)
				}
			}
		}
		if c.name.Local == "sectPr" {
			sects = append(sects, c)
		}
	}
	hf := func(kind string) []string {
		var lines []string
		var prev string
		for _, s := range sects {
			part := ""
			for _, ref := range s.kids(kind + "Reference") {
				if typ, _ := ref.attr(wNS, "type"); typ == "default" {
					id, _ := ref.attr(rNS, "id")
					part = rels[id]
				}
			}
			if part == "" {
				part = prev
			}
			prev = part
			if part == "" {
				continue
			}
			root := parseXNode(t, read(part))
			for _, p := range root.kids("p") {
				if txt := pyParaText(p); strings.TrimSpace(txt) != "" {
					lines = append(lines, "["+kind+"] "+strings.TrimRight(txt, " \t\n\r"))
				}
			}
		}
		return lines
	}
	var out []string
	out = append(out, hf("header")...)
	for _, c := range body.children {
		switch c.name.Local {
		case "p":
			out = append(out, strings.TrimRight(pyParaText(c), " \t\n\r"))
		case "tbl":
			for _, r := range pyTableRows(c) {
				out = append(out, strings.TrimRight(r, " \t\n\r"))
			}
		}
	}
	out = append(out, hf("footer")...)
	return strings.Join(out, "\n") + "\n"
}
