package importer_test

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"testing"

	"github.com/gongwen/gongwen/archive"
	"github.com/gongwen/gongwen/importer"
	"github.com/gongwen/gongwen/render"
	"github.com/gongwen/gongwen/templates"
)

// BenchmarkExtract reads the metadata of every fixture once per op.
func BenchmarkExtract(b *testing.B) {
	type file struct {
		name string
		b    []byte
	}
	var files []file
	for name := range fixtures {
		c, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			b.Fatal(err)
		}
		files = append(files, file{filepath.Base(name), c})
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, f := range files {
			if _, err := importer.Extract(f.name, f.b); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.N*len(files))/b.Elapsed().Seconds(), "files/s")
}

// BenchmarkImport1000 imports 1,000 distinct .docx (监督通知书 rendered
// with numbers 1–1000) into an empty file store: extraction, dedupe,
// registry, version and record for each.
func BenchmarkImport1000(b *testing.B) {
	tpl, err := templates.Builtin("监督通知书")
	if err != nil {
		b.Fatal(err)
	}
	files := make([]importer.File, 1000)
	for i := range files {
		data := maps.Clone(tpl.Example)
		data["序号"] = i + 1
		c, err := tpl.Render(context.Background(), data, render.Options{})
		if err != nil {
			b.Fatal(err)
		}
		files[i] = importer.BytesFile(fmt.Sprintf("通知%d.docx", i+1), c)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s, err := archive.OpenFileStore(b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		sum, err := importer.New(s).Import(context.Background(), files, importer.Options{By: "bench"})
		if err != nil || sum.Imported != len(files) {
			b.Fatalf("%v %+v", err, sum)
		}
	}
	b.ReportMetric(float64(b.N*len(files))/b.Elapsed().Seconds(), "docs/s")
}
