package render

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// suiteDir is docxtpl's own test templates with their contexts and the
// text docxtpl 0.16.5 renders (see its README).
func suiteDir(t *testing.T) string {
	dir := filepath.Join("..", "..", "shared", "docxtpl-suite")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("docxtpl suite not found at %s (it lives in shared/ beside the repository): %v", dir, err)
	}
	return dir
}

func loadJSON(t *testing.T, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return m
}

// knownDifferences are the cases where gongwen deliberately prints other
// text than docxtpl, with the substitution that turns docxtpl's text into
// gongwen's. Each is explained in docs/COMPATIBILITY.md.
var knownDifferences = map[string][2]string{
	// docxtpl leaves "&amp;" undecoded inside a tag, so the "&" an author
	// types in a string literal prints as "&amp;"; gongwen prints "&".
	"header_footer_entities_0": {"Testé&amp;xx;", "Testé&xx;"},
}

// TestDocxtplSuite renders every case of docxtpl's test suite and compares
// the text with what docxtpl renders.
func TestDocxtplSuite(t *testing.T) {
	dir := suiteDir(t)
	cases, _ := filepath.Glob(filepath.Join(dir, "*.docx"))
	sort.Strings(cases)
	if len(cases) == 0 {
		t.Fatal("no cases in the suite")
	}
	pass, different := 0, 0
	for _, c := range cases {
		name := strings.TrimSuffix(filepath.Base(c), ".docx")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(c)
			if err != nil {
				t.Fatal(err)
			}
			data := loadJSON(t, filepath.Join(dir, name+".json"))
			if want, err := os.ReadFile(filepath.Join(dir, name+".expected-error.txt")); err == nil {
				tpl, perr := Parse(src)
				if perr == nil {
					_, perr = tpl.Render(context.Background(), data, Options{})
				}
				if perr == nil {
					t.Fatalf("rendered without error; want an error (%s)", strings.TrimSpace(string(want)))
				}
				var te TemplateErrors
				if !errors.As(perr, &te) || te[0].Loc.Paragraph == 0 {
					t.Fatalf("error does not say where: %v", perr)
				}
				t.Logf("error, as wanted: %v", perr)
				pass++
				return
			}
			want, err := os.ReadFile(filepath.Join(dir, name+".expected.txt"))
			if err != nil {
				t.Fatal(err)
			}
			tpl, err := Parse(src)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			out, err := tpl.Render(context.Background(), data, Options{AllowMissing: true})
			if err != nil {
				t.Fatalf("render: %v", err)
			}
			got := pythonDocxText(t, out)
			if d, ok := knownDifferences[name]; ok {
				if !strings.Contains(string(want), d[0]) {
					t.Fatalf("documented difference %q no longer in docxtpl's text", d[0])
				}
				want = []byte(strings.ReplaceAll(string(want), d[0], d[1]))
				different++
			}
			if got != string(want) {
				t.Errorf("text differs from docxtpl's\n--- got\n%s\n--- want\n%s", got, want)
				return
			}
			pass++
		})
	}
	t.Logf("docxtpl compatibility: %d/%d cases pass (%d identical to docxtpl, %d with a documented difference)",
		pass, len(cases), pass-different, different)
}
