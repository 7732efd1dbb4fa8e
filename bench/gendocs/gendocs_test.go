package gendocs

import (
	"strings"
	"testing"

	"github.com/gongwen/gongwen/search"
)

// TestGenerate: documents are deterministic, complete, without
// placeholders left over, and differ from each other.
func TestGenerate(t *testing.T) {
	var a, b []search.Doc
	if err := Generate(7, 600, func(d search.Doc) error { a = append(a, d); return nil }); err != nil {
		t.Fatal(err)
	}
	if err := Generate(7, 600, func(d search.Doc) error { b = append(b, d); return nil }); err != nil {
		t.Fatal(err)
	}
	texts := map[string]bool{}
	ids := map[string]bool{}
	wenhao := map[string]bool{}
	for i, d := range a {
		if d.ID != b[i].ID || d.Text != b[i].Text || d.Title != b[i].Title {
			t.Fatalf("document %d differs between two runs with the same seed", i)
		}
		for _, s := range []string{d.ID, d.Wenhao, d.Daizi, d.WenZhong, d.Category, d.Issuer, d.Status, d.Title, d.Text} {
			if s == "" {
				t.Fatalf("document %d has an empty field: %+v", i, d)
			}
		}
		if strings.ContainsAny(d.Title+d.Text, "〖〗") || strings.Contains(d.Text, "1950") || strings.Contains(d.Text, "1949") {
			t.Fatalf("document %d has a placeholder left:\n%s\n%s", i, d.Title, d.Text)
		}
		if !strings.Contains(d.Text, d.Wenhao) || !strings.Contains(d.Text, d.Title) {
			t.Fatalf("document %d: text lacks its 发文字号 %s or title %s", i, d.Wenhao, d.Title)
		}
		if d.Year < FirstYear || d.Year > LastYear || d.Date.Year() != d.Year {
			t.Fatalf("document %d: year %d, date %v", i, d.Year, d.Date)
		}
		texts[d.Text], ids[d.ID], wenhao[d.Wenhao] = true, true, true
	}
	if len(texts) != len(a) || len(ids) != len(a) || len(wenhao) != len(a) {
		t.Errorf("%d documents, %d distinct texts, %d ids, %d 发文字号", len(a), len(texts), len(ids), len(wenhao))
	}
}
