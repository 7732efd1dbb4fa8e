package bundle

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/gongwen/gongwen/archive"
	"github.com/gongwen/gongwen/issuing"
	"github.com/gongwen/gongwen/templates"
)

// BenchmarkExport times the three steps of an export on a file store of
// GONGWEN_BENCH_DOCS documents (default 2,000): half 监督通知书, half the
// 整改情况报告 answering them, each version a real rendered .docx. One
// iteration selects a tenth of the notices (their reports join them),
// writes the bag to a file and verifies it.
//
//	GONGWEN_BENCH_DOCS=10000 go test -run '^$' -bench BenchmarkExport -benchtime 3x ./bundle/
func BenchmarkExport(b *testing.B) {
	n := 2000
	if v, err := strconv.Atoi(os.Getenv("GONGWEN_BENCH_DOCS")); err == nil && v > 1 {
		n = v
	}
	ctx := context.Background()
	dir := b.TempDir()
	store, err := archive.OpenFileStore(filepath.Join(dir, "data"))
	if err != nil {
		b.Fatal(err)
	}
	docs := archive.NewDocuments(store)
	// One rendered notice and report, stored under many ids.
	is := issuing.New(store)
	render := func(id string) []byte {
		tpl, _ := templates.Builtin(id)
		res, err := is.Issue(ctx, issuing.Request{Template: tpl, Data: tpl.Example, Author: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		return res.Content
	}
	notice, report := render("监督通知书"), render("整改情况报告")
	start := time.Now()
	var picked []string
	day := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < n/2; i++ {
		nid := archive.NewID(day)
		rid := archive.NewID(day)
		for _, d := range []struct {
			id, wenhao, wz, answers string
			content                 []byte
		}{
			{nid, archive.FormatWenhao("乌司发", 2025, i+1), "通知", "", notice},
			{rid, archive.FormatWenhao("乌市监报", 2025, i+1), "报告", nid, report},
		} {
			v, err := docs.PutVersion(ctx, 2025, d.id, 1, d.content, "bench", "首次发文")
			if err != nil {
				b.Fatal(err)
			}
			err = docs.CreateRecord(ctx, &archive.Record{ID: d.id, Wenhao: d.wenhao, Year: 2025, WenZhong: d.wz,
				Title: "关于行政执法问题限期整改的通知" + strconv.Itoa(i), Issuer: "乌鲁木齐市司法局", Date: "2025-06-01",
				RespondsTo: d.answers, Versions: []archive.Version{v}, Status: archive.StatusIssued})
			if err != nil {
				b.Fatal(err)
			}
		}
		if i%10 == 0 {
			picked = append(picked, nid)
		}
	}
	b.Logf("archive of %d documents built in %.1f s", n, time.Since(start).Seconds())
	var selT, writeT, verT time.Duration
	var bytes int64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		sel, err := Select(ctx, docs, picked, SelectOptions{})
		if err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		out := filepath.Join(dir, fmt.Sprintf("b%d.zip", i))
		f, _ := os.Create(out)
		sum, err := Write(ctx, f, docs, sel, Options{Name: "bench"})
		f.Close()
		if err != nil {
			b.Fatal(err)
		}
		t2 := time.Now()
		rep, err := VerifyFile(ctx, out, VerifyOptions{})
		if err != nil || !rep.Valid() {
			b.Fatal(err, rep.Problems)
		}
		t3 := time.Now()
		selT, writeT, verT = selT+t1.Sub(t0), writeT+t2.Sub(t1), verT+t3.Sub(t2)
		bytes = sum.BagBytes
		if i == 0 {
			b.Logf("bundle: %d documents, %d bytes", sum.Documents, sum.BagBytes)
		}
		os.Remove(out)
	}
	per := func(d time.Duration) float64 { return d.Seconds() * 1000 / float64(b.N) }
	b.ReportMetric(per(selT), "select-ms")
	b.ReportMetric(per(writeT), "write-ms")
	b.ReportMetric(per(verT), "verify-ms")
	b.ReportMetric(float64(bytes), "bag-bytes")
}
