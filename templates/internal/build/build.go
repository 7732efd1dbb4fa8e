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
	"time"
)

// Doc is one built-in template's document.
type Doc struct {
	ID   string // short Chinese id, also the file name without .docx
	Name string // full name (docProps subject)
	body func() []string
}

// Docs lists the built-in templates in catalogue order.
func Docs() []Doc {
	return []Doc{
		{"监督通知书", "行政执法监督通知书", docNotice},
		{"建议书", "行政执法协调监督建议书", docAdvice},
		{"决定书", "行政执法监督决定书", docDecision},
		{"整改情况报告", "整改情况报告", docRectification},
		{"年度报告", "年度行政执法监督工作报告", docAnnual},
		{"实施方案通知", "印发实施方案的通知", docPlan},
	}
}

// zipTime is the modification time stamped on every zip entry.
var zipTime = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// Docx builds the .docx for d.
func (d Doc) Docx() ([]byte, error) {
	parts := []struct{ name, data string }{
		{"[Content_Types].xml", contentTypesXML},
		{"_rels/.rels", rootRelsXML},
		{"docProps/app.xml", appXML(d.ID)},
		{"docProps/core.xml", coreXML(d.Name)},
		{"word/_rels/document.xml.rels", documentRelsXML},
		{"word/document.xml", documentXML(d.body())},
		{"word/fontTable.xml", fontTableXML()},
		{"word/footer1.xml", footer(true)},
		{"word/footer2.xml", footer(false)},
		{"word/settings.xml", settingsXML()},
		{"word/styles.xml", stylesXML()},
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range parts {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: p.name, Method: zip.Deflate, Modified: zipTime})
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
