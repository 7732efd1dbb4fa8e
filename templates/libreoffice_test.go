package templates

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gongwen/gongwen/render"
)

// lengthen repeats every list of strings in the data four times, so the
// rendered document runs to several pages and has full body pages.
func lengthen(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			out[k] = lengthen(e)
		}
		return out
	case []any:
		allStrings := len(x) > 0
		for _, e := range x {
			if _, ok := e.(string); !ok {
				allStrings = false
			}
		}
		var out []any
		n := 1
		if allStrings {
			n = 4
		}
		for i := 0; i < n; i++ {
			for _, e := range x {
				out = append(out, lengthen(e))
			}
		}
		return out
	}
	return v
}

var bboxLine = regexp.MustCompile(`<line xMin="[0-9.]+" yMin="([0-9.]+)" xMax="[0-9.]+" yMax="([0-9.]+)"`)
var bboxPage = regexp.MustCompile(`<page `)
var bboxWord = regexp.MustCompile(`<word [^>]*>([^<]*)</word>`)

// TestLibreOfficeLayout converts every built-in, filled with its example
// (lists lengthened), to PDF with LibreOffice and checks that a full body
// page holds 22 lines of 3号 body text in the 版心, as GB/T 9704-2012
// requires, and no page holds more.
func TestLibreOfficeLayout(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Skip("soffice (LibreOffice) not installed: the README's test command installs libreoffice-writer-nogui")
	}
	pdftotext, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Skip("pdftotext not installed: the README's test command installs poppler-utils")
	}
	all, err := Builtins()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var paths []string
	for _, tpl := range all {
		data := lengthen(tpl.Example).(map[string]any)
		// One long paragraph of body text gives a page that is all body.
		long := strings.Repeat("行政执法监督工作应当坚持依法、公正、公开、效能的原则，做到有错必纠。", 50)
		for _, f := range tpl.Fields {
			if f.Type == TypeText {
				data[f.Name] = long
				break
			}
			if f.Type == TypeList && f.Name == "总体情况" {
				data[f.Name] = []any{long}
				break
			}
		}
		doc, err := tpl.Render(context.Background(), data, render.Options{})
		if err != nil {
			t.Fatalf("%s: %v", tpl.ID, err)
		}
		p := filepath.Join(dir, tpl.ID+".docx")
		if err := os.WriteFile(p, doc, 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	args := append([]string{"-env:UserInstallation=file://" + filepath.Join(dir, "lo-profile"),
		"--headless", "--convert-to", "pdf", "--outdir", dir}, paths...)
	if out, err := exec.CommandContext(ctx, soffice, args...).CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	// The 版心 spans 37 mm to 262 mm from the top of the page.
	const mm = 72 / 25.4
	top, bottom := 37*mm-2, 262*mm+2
	for _, tpl := range all {
		pdf := filepath.Join(dir, tpl.ID+".pdf")
		out, err := exec.CommandContext(ctx, pdftotext, "-bbox-layout", pdf, "-").Output()
		if err != nil {
			t.Errorf("%s: LibreOffice did not produce a readable PDF: %v", tpl.ID, err)
			continue
		}
		pages := bboxPage.Split(string(out), -1)[1:]
		var counts []int
		widest := 0
		for _, pg := range pages {
			ys := map[int]bool{}
			for _, ln := range strings.Split(pg, "</line>") {
				if m := bboxLine.FindStringSubmatch(ln); m != nil {
					y, _ := strconv.ParseFloat(m[1], 64)
					y2, _ := strconv.ParseFloat(m[2], 64)
					if h := y2 - y; h >= 19 && h <= 23 {
						n := 0
						for _, w := range bboxWord.FindAllStringSubmatch(ln, -1) {
							for _, r := range w[1] {
								if r >= 0x3000 { // full-width: CJK and its punctuation
									n++
								}
							}
						}
						widest = max(widest, n)
					}
				}
			}
			for _, m := range bboxLine.FindAllStringSubmatch(pg, -1) {
				y, _ := strconv.ParseFloat(m[1], 64)
				y2, _ := strconv.ParseFloat(m[2], 64)
				// Body text is 3号 (16 pt): its line box is about 20.8 pt
				// high; table text (4号), the title and the mark are not
				// body lines.
				if h := y2 - y; h < 19 || h > 23 {
					continue
				}
				if y >= top && y <= bottom {
					ys[int(y/4)] = true // lines of one row share a baseline
				}
			}
			counts = append(counts, len(ys))
		}
		// Full body pages: neither the first (版头) nor the last (版记).
		full := 0
		for i := 1; i < len(counts)-1; i++ {
			full = max(full, counts[i])
		}
		t.Logf("%s: %d pages, text lines per page %v, widest body line %d full-width characters", tpl.ID, len(counts), counts, widest)
		// A line of the long paragraph holds 28 characters; a full-width
		// punctuation mark may hang past the margin (避头尾), making 29.
		if widest < 28 || widest > 29 {
			t.Errorf("%s: the widest body line holds %d characters, want 28", tpl.ID, widest)
		}
		if len(counts) < 3 {
			t.Errorf("%s: only %d pages; the test needs a full body page", tpl.ID, len(counts))
			continue
		}
		sorted := append([]int(nil), counts...)
		sort.Ints(sorted)
		if full != 22 {
			t.Errorf("%s: a full body page holds %d lines, want 22 (per page: %v)", tpl.ID, full, counts)
		}
		if sorted[len(sorted)-1] > 22 {
			t.Errorf("%s: a page holds more than 22 lines: %v", tpl.ID, counts)
		}
		if len(tpl.Charts) > 0 {
			checkChartsInPDF(t, ctx, tpl, pdf)
		}
	}
}

// checkChartsInPDF checks that LibreOffice placed each chart of a template
// in the PDF: an image of the chart's pixel size, printed at the size the
// template's drawing gives it (150 mm wide, about 254 pixels an inch).
func checkChartsInPDF(t *testing.T, ctx context.Context, tpl *Template, pdf string) {
	pdfimages, err := exec.LookPath("pdfimages")
	if err != nil {
		t.Logf("pdfimages not installed: charts not checked in the PDF")
		return
	}
	out, err := exec.CommandContext(ctx, pdfimages, "-list", pdf).Output()
	if err != nil {
		t.Errorf("%s: pdfimages: %v", tpl.ID, err)
		return
	}
	for _, c := range tpl.Charts {
		re := regexp.MustCompile(`(?m)^\s*\d+\s+\d+\s+image\s+` + strconv.Itoa(c.Width) + `\s+` + strconv.Itoa(c.Height) + `\s.*\s(25[0-9])\s+(25[0-9])\s`)
		if !re.Match(out) {
			t.Errorf("%s: the PDF has no %d×%d image printed 150 mm wide (chart %s):\n%s", tpl.ID, c.Width, c.Height, c.Media, out)
		}
	}
}
