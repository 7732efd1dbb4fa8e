// Package build writes the built-in GB/T 9704-2012 .docx templates as
// WordprocessingML text, byte for byte reproducibly: fixed part order, fixed
// zip timestamps, no creation times. It is used by the generator
// (templates/internal/gen, run by `go generate ./templates`) and by the
// templates tests, which check the checked-in files against it.
package build

import (
	"archive/zip"
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/gongwen/gongwen/chart"
)

// Doc is one built-in template's document.
type Doc struct {
	ID       string // short Chinese id, also the file name without .docx
	Name     string // full name (docProps subject)
	body     func() []string
	pictures []picture // images the body shows
}

// picture is an image part of a document and the relationship that names
// it; the body places it with drawing().
type picture struct {
	rid  string // relationship id in word/_rels/document.xml.rels
	name string // part name under word/media/
	png  func() ([]byte, error)
}

// Docs lists the built-in templates in catalogue order.
func Docs() []Doc {
	return []Doc{
		{"监督通知书", "行政执法监督通知书", docNotice, nil},
		{"建议书", "行政执法协调监督建议书", docAdvice, nil},
		{"决定书", "行政执法监督决定书", docDecision, nil},
		{"整改情况报告", "整改情况报告", docRectification, nil},
		{"年度报告", "年度行政执法监督工作报告", docAnnual, []picture{annualChart}},
		{"实施方案通知", "印发实施方案的通知", docPlan, nil},
	}
}

// The chart of the 年度报告: its placeholder is the empty grid, of the
// size templates/builtin/年度报告.json declares for the chart; every render
// through the catalogue replaces it with the chart of the document's data.
const (
	chartPxW, chartPxH = 1500, 720
	chartMMW           = 150 // printed width in mm; the height keeps the proportions
)

var annualChart = picture{rid: "rId6", name: "chart.png", png: func() ([]byte, error) {
	return chart.Bars{Width: chartPxW, Height: chartPxH}.PNG()
}}

// zipTime is the modification time stamped on every zip entry.
var zipTime = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// Docx builds the .docx for d.
func (d Doc) Docx() ([]byte, error) {
	parts := []struct{ name, data string }{
		{"[Content_Types].xml", contentTypesXML(len(d.pictures) > 0)},
		{"_rels/.rels", rootRelsXML},
		{"docProps/app.xml", appXML(d.ID)},
		{"docProps/core.xml", coreXML(d.Name)},
		{"word/_rels/document.xml.rels", documentRelsXML(d.pictures)},
		{"word/document.xml", documentXML(d.body())},
		{"word/fontTable.xml", fontTableXML()},
		{"word/footer1.xml", footer(true)},
		{"word/footer2.xml", footer(false)},
	}
	for _, p := range d.pictures {
		b, err := p.png()
		if err != nil {
			return nil, fmt.Errorf("build %s: %w", d.ID, err)
		}
		parts = append(parts, struct{ name, data string }{"word/media/" + p.name, string(b)})
	}
	parts = append(parts, []struct{ name, data string }{
		{"word/settings.xml", settingsXML()},
		{"word/styles.xml", stylesXML()},
	}...)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range parts {
		method := zip.Deflate
		if strings.HasPrefix(p.name, "word/media/") {
			method = zip.Store // compressed already
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: p.name, Method: method, Modified: zipTime})
		if err != nil {
			return nil, fmt.Errorf("build %s: %w", d.ID, err)
		}
		if _, err := w.Write([]byte(p.data)); err != nil {
			return nil, fmt.Errorf("build %s: %w", d.ID, err)
		}
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("build %s: %w", d.ID, err)
	}
	return buf.Bytes(), nil
}
