// Command searchbench benchmarks the search index on a synthetic archive:
// it generates -n documents with bench/gendocs, bulk-indexes them with
// search.Open + PutBatch, measures the index on disk against the raw text,
// and times phrase queries (with the six facets search.Search computes).
//
//	go run ./bench/searchbench -n 100000 -json out.json
//
// It prints a readable summary and the figures as JSON.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/gongwen/gongwen/bench/gendocs"
	"github.com/gongwen/gongwen/search"
)

// Report is everything the benchmark measures.
type Report struct {
	Machine struct {
		NumCPU      int    `json:"num_cpu"`
		GOMAXPROCS  int    `json:"gomaxprocs"`
		GoVersion   string `json:"go_version"`
		CPU         string `json:"cpu"`
		LoadBefore  string `json:"loadavg_before"`
		LoadAfter   string `json:"loadavg_after"`
		StartedAt   string `json:"started_at"`
		TotalMemMiB int    `json:"total_mem_mib"`
	} `json:"machine"`
	Docs          int     `json:"docs"`
	Seed          int64   `json:"seed"`
	GenerateSec   float64 `json:"generate_seconds"`
	RawTextBytes  int64   `json:"raw_text_bytes"` // sum of len(Title)+len(Text), UTF-8
	RawTextChars  int64   `json:"raw_text_chars"`
	BatchSize     int     `json:"batch_size"`
	IndexSec      float64 `json:"index_seconds"`         // all PutBatch calls
	IndexDocsPerS float64 `json:"index_docs_per_second"` // Docs / IndexSec
	CloseSec      float64 `json:"close_seconds"`         // Close after the last batch
	IndexAllDocsS float64 `json:"index_docs_per_second_with_close"`
	FirstTenthDPS float64 `json:"first_tenth_docs_per_second"`
	LastTenthDPS  float64 `json:"last_tenth_docs_per_second"`
	HeapAfterMiB  float64 `json:"heap_inuse_after_index_mib"`
	SysMiB        float64 `json:"sys_mib"`
	Count         uint64  `json:"count_after_reopen"`

	SizeAtClose   int64              `json:"index_bytes_at_close"`
	SizeSettled   int64              `json:"index_bytes_settled"`
	SettleSec     float64            `json:"settle_seconds"`
	SizeRatio     float64            `json:"index_to_raw_ratio"`
	SizeByKind    map[string]int64   `json:"index_bytes_by_file_kind"`
	IndexFiles    int                `json:"index_files"`
	ReopenSec     float64            `json:"reopen_seconds"`
	QueryCount    int                `json:"queries"`
	Latency       Latency            `json:"latency_ms"`
	LatencyByKind map[string]Latency `json:"latency_ms_by_kind"`
	MeanHits      float64            `json:"mean_hits"`
	MedianHits    float64            `json:"median_hits"`
	Verified      int                `json:"queries_verified"`
	VerifyFailed  []string           `json:"verify_failed,omitempty"`
	Slowest       []QueryTime        `json:"slowest"`
}

// Latency is a distribution of query times in milliseconds.
type Latency struct {
	N    int     `json:"n"`
	P50  float64 `json:"p50"`
	P95  float64 `json:"p95"`
	P99  float64 `json:"p99"`
	Max  float64 `json:"max"`
	Mean float64 `json:"mean"`
}

// QueryTime is one timed query.
type QueryTime struct {
	Query string  `json:"query"`
	Kind  string  `json:"kind"`
	Ms    float64 `json:"ms"`
	Hits  uint64  `json:"hits"`
}

type query struct{ q, kind, raw string }

func main() {
	n := flag.Int("n", 100000, "number of documents")
	dir := flag.String("dir", "", "index folder (must not exist; default a temporary folder)")
	keep := flag.Bool("keep", false, "keep the index folder")
	seed := flag.Int64("seed", 1, "generator and query seed")
	nq := flag.Int("queries", 200, "number of timed queries")
	batch := flag.Int("batch", 500, "documents per PutBatch")
	jsonOut := flag.String("json", "", "write the report as JSON to this file")
	cpuprof := flag.String("cpuprofile", "", "write CPU profiles to PREFIX.index.pprof and PREFIX.query.pprof")
	stable := flag.Duration("stable", 5*time.Second, "the index size must be unchanged this long to count as settled")
	maxSettle := flag.Duration("maxsettle", 120*time.Second, "stop waiting for the size to settle after this long")
	verify := flag.Int("verify", 30, "check this many phrase queries' totals against a scan of the texts")
	flag.Parse()
	if err := run(*n, *dir, *keep, *seed, *nq, *batch, *jsonOut, *cpuprof, *stable, *maxSettle, *verify); err != nil {
		fmt.Fprintln(os.Stderr, "searchbench:", err)
		os.Exit(1)
	}
}

func run(n int, dir string, keep bool, seed int64, nq, batch int, jsonOut, cpuprof string, stable, maxSettle time.Duration, verify int) error {
	ctx := context.Background()
	var r Report
	r.Machine.NumCPU, r.Machine.GOMAXPROCS, r.Machine.GoVersion = runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version()
	r.Machine.CPU, r.Machine.TotalMemMiB = cpuModel(), totalMemMiB()
	r.Machine.LoadBefore, r.Machine.StartedAt = loadavg(), time.Now().Format(time.RFC3339)
	r.Docs, r.Seed, r.BatchSize = n, seed, batch

	// Generate.
	t0 := time.Now()
	docs := make([]search.Doc, 0, n)
	if err := gendocs.Generate(seed, n, func(d search.Doc) error {
		docs = append(docs, d)
		r.RawTextBytes += int64(len(d.Title) + len(d.Text))
		r.RawTextChars += int64(len([]rune(d.Title)) + len([]rune(d.Text)))
		return nil
	}); err != nil {
		return err
	}
	r.GenerateSec = time.Since(t0).Seconds()
	logf("generated %d documents in %.1f s: %.1f MB of text (%d characters, %.0f bytes a document)",
		n, r.GenerateSec, float64(r.RawTextBytes)/1e6, r.RawTextChars, float64(r.RawTextBytes)/float64(max(n, 1)))

	// The index folder.
	path := dir
	if path == "" {
		tmp, err := os.MkdirTemp("", "searchbench-")
		if err != nil {
			return err
		}
		path = filepath.Join(tmp, "index")
		if !keep {
			defer os.RemoveAll(tmp)
		}
	} else if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("%s exists; give a new folder", path)
	}
	logf("index folder %s", path)

	// Bulk index.
	stopProf, err := startProfile(cpuprof, "index")
	if err != nil {
		return err
	}
	idx, err := search.Open(path)
	if err != nil {
		return err
	}
	tenth := max(n/10, 1)
	var tFirst, tLastStart time.Time
	lastStartI := 0
	t0 = time.Now()
	for i := 0; i < n; i += batch {
		if i+batch > n-tenth && tLastStart.IsZero() {
			tLastStart, lastStartI = time.Now(), i
		}
		j := min(i+batch, n)
		if err := idx.PutBatch(ctx, docs[i:j]); err != nil {
			return err
		}
		if j >= tenth && tFirst.IsZero() {
			tFirst = time.Now()
			r.FirstTenthDPS = float64(j) / tFirst.Sub(t0).Seconds()
		}
		if (i/batch)%40 == 39 {
			logf("  %d documents, %.0f documents/s", j, float64(j)/time.Since(t0).Seconds())
		}
	}
	r.IndexSec = time.Since(t0).Seconds()
	if !tLastStart.IsZero() {
		r.LastTenthDPS = float64(n-lastStartI) / time.Since(tLastStart).Seconds()
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	r.HeapAfterMiB, r.SysMiB = float64(ms.HeapInuse)/(1<<20), float64(ms.Sys)/(1<<20)
	t1 := time.Now()
	if err := idx.Close(); err != nil {
		return err
	}
	r.CloseSec = time.Since(t1).Seconds()
	stopProf()
	r.IndexDocsPerS = float64(n) / r.IndexSec
	r.IndexAllDocsS = float64(n) / (r.IndexSec + r.CloseSec)
	logf("indexed %d documents in %.1f s (%.0f documents/s; first tenth %.0f/s, last tenth %.0f/s); Close %.2f s",
		n, r.IndexSec, r.IndexDocsPerS, r.FirstTenthDPS, r.LastTenthDPS, r.CloseSec)

	// Size on disk: at close, then reopened and settled.
	r.SizeAtClose, _, _ = dirSize(path)
	t1 = time.Now()
	idx, err = search.Open(path)
	if err != nil {
		return err
	}
	defer idx.Close()
	r.ReopenSec = time.Since(t1).Seconds()
	if r.Count, err = idx.Count(); err != nil {
		return err
	}
	t1 = time.Now()
	last, _, _ := dirSize(path)
	lastChange := time.Now()
	for time.Since(t1) < maxSettle && time.Since(lastChange) < stable {
		time.Sleep(500 * time.Millisecond)
		if s, _, _ := dirSize(path); s != last {
			last, lastChange = s, time.Now()
		}
	}
	r.SettleSec = time.Since(t1).Seconds()
	r.SizeSettled, r.SizeByKind, r.IndexFiles = dirSize(path)
	r.SizeRatio = float64(r.SizeSettled) / float64(r.RawTextBytes)
	logf("index on disk: %.1f MB at close, %.1f MB settled after %.0f s (%d files); raw text %.1f MB; ratio %.2f",
		float64(r.SizeAtClose)/1e6, float64(r.SizeSettled)/1e6, r.SettleSec, r.IndexFiles, float64(r.RawTextBytes)/1e6, r.SizeRatio)

	// Queries.
	qs := pickQueries(rand.New(rand.NewSource(seed+1)), docs, nq)
	for _, q := range qs { // warm-up
		if _, err := idx.Search(ctx, search.Request{Query: q.q, Size: 20}); err != nil {
			return fmt.Errorf("query %q: %w", q.q, err)
		}
	}
	stopProf, err = startProfile(cpuprof, "query")
	if err != nil {
		return err
	}
	var times []QueryTime
	for _, q := range qs {
		t := time.Now()
		res, err := idx.Search(ctx, search.Request{Query: q.q, Size: 20})
		el := time.Since(t)
		if err != nil {
			return fmt.Errorf("query %q: %w", q.q, err)
		}
		times = append(times, QueryTime{q.q, q.kind, float64(el.Microseconds()) / 1000, res.Total})
	}
	stopProf()
	r.QueryCount = len(times)
	r.Latency = latency(times, "")
	r.LatencyByKind = map[string]Latency{}
	var hits []float64
	for _, t := range times {
		r.MeanHits += float64(t.Hits)
		hits = append(hits, float64(t.Hits))
		if _, ok := r.LatencyByKind[t.Kind]; !ok {
			r.LatencyByKind[t.Kind] = latency(times, t.Kind)
		}
	}
	r.MeanHits /= float64(max(len(times), 1))
	sort.Float64s(hits)
	r.MedianHits = pct(hits, 50)
	slow := append([]QueryTime(nil), times...)
	sort.Slice(slow, func(i, j int) bool { return slow[i].Ms > slow[j].Ms })
	r.Slowest = slow[:min(10, len(slow))]

	// Totals against a scan of the texts.
	if verify > 0 {
		norm := make([]string, len(docs))
		for i, d := range docs {
			norm[i] = search.Normalize(d.Title + "\n" + d.Text)
		}
		for i, q := range qs {
			if q.kind != "phrase" || r.Verified >= verify {
				continue
			}
			want := uint64(0)
			nqr := search.Normalize(q.raw)
			for _, t := range norm {
				if strings.Contains(t, nqr) {
					want++
				}
			}
			r.Verified++
			if want != times[i].Hits {
				r.VerifyFailed = append(r.VerifyFailed, fmt.Sprintf("%s: %d hits, %d texts contain it", q.q, times[i].Hits, want))
			}
		}
	}
	r.Machine.LoadAfter = loadavg()

	printSummary(&r)
	js, _ := json.MarshalIndent(&r, "", "  ")
	fmt.Println(string(js))
	if jsonOut != "" {
		if err := os.WriteFile(jsonOut, append(js, '\n'), 0o644); err != nil {
			return err
		}
	}
	if len(r.VerifyFailed) > 0 {
		return fmt.Errorf("%d queries' totals differ from a scan of the texts", len(r.VerifyFailed))
	}
	return nil
}

// pickQueries chooses the timed queries deterministically: a tenth common
// words of supervision documents, about a seventh 发文字号 in the forms
// people type, the rest phrases of 2 to 8 characters cut from random
// documents' text.
func pickQueries(rng *rand.Rand, docs []search.Doc, n int) []query {
	common := []string{"行政执法", "整改", "监督", "行政处罚", "案卷评查", "法制审核", "司法局", "市场监督管理局",
		"执法全过程记录", "限期整改", "听证", "涉企行政检查", "整改情况", "建议书", "违法", "自治区司法厅"}
	var out []query
	nc, nw := n/10, n/7
	for i := 0; i < nc; i++ {
		w := common[i%len(common)]
		out = append(out, query{w, "common", w})
	}
	for i := 0; i < nw; i++ {
		d := docs[rng.Intn(len(docs))]
		var q string
		switch i % 5 {
		case 0:
			q = d.Wenhao
		case 1:
			q = fmt.Sprintf("%s[%d]%d号", d.Daizi, d.Year, d.Seq)
		case 2:
			q = fmt.Sprintf("%s(%d)%d号", d.Daizi, d.Year, d.Seq)
		case 3:
			q = fmt.Sprintf("%s（%d）%d号", d.Daizi, d.Year, d.Seq)
		case 4:
			q = fmt.Sprintf("%s%d年%d号", d.Daizi, d.Year, d.Seq)
		}
		out = append(out, query{q, "wenhao", q})
	}
	for len(out) < n {
		d := docs[rng.Intn(len(docs))]
		rs := []rune(search.Normalize(d.Title + d.Text))
		k := 2 + rng.Intn(7)
		if len(rs) <= k {
			continue
		}
		i := rng.Intn(len(rs) - k)
		p := string(rs[i : i+k])
		if strings.ContainsRune(p, '"') || !hasHan(p) {
			continue
		}
		// quoted, so that the query language reads it as one phrase
		out = append(out, query{`"` + p + `"`, "phrase", p})
	}
	rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

func latency(ts []QueryTime, kind string) Latency {
	var ms []float64
	sum := 0.0
	for _, t := range ts {
		if kind == "" || t.Kind == kind {
			ms = append(ms, t.Ms)
			sum += t.Ms
		}
	}
	sort.Float64s(ms)
	if len(ms) == 0 {
		return Latency{}
	}
	return Latency{N: len(ms), P50: pct(ms, 50), P95: pct(ms, 95), P99: pct(ms, 99), Max: ms[len(ms)-1], Mean: sum / float64(len(ms))}
}

// pct is the p-th percentile of sorted values (nearest rank).
func pct(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	k := int(p/100*float64(len(sorted))+0.999999) - 1
	return sorted[max(0, min(k, len(sorted)-1))]
}

// dirSize sums the sizes of the files under dir, in total and by kind
// (file extension, or the name when it has none).
func dirSize(dir string) (int64, map[string]int64, int) {
	var total int64
	kinds := map[string]int64{}
	files := 0
	filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return nil
		}
		info, err := e.Info()
		if err != nil {
			return nil
		}
		k := filepath.Ext(p)
		if k == "" {
			k = e.Name()
		}
		kinds[k] += info.Size()
		total += info.Size()
		files++
		return nil
	})
	return total, kinds, files
}

func startProfile(prefix, phase string) (func(), error) {
	if prefix == "" {
		return func() {}, nil
	}
	f, err := os.Create(prefix + "." + phase + ".pprof")
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

func cpuModel() string {
	b, _ := os.ReadFile("/proc/cpuinfo")
	for _, l := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

func totalMemMiB() int {
	b, _ := os.ReadFile("/proc/meminfo")
	var kb int
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "MemTotal:") {
			fmt.Sscanf(strings.TrimPrefix(l, "MemTotal:"), "%d", &kb)
		}
	}
	return kb / 1024
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, time.Now().Format("15:04:05 ")+format+"\n", args...)
}

func printSummary(r *Report) {
	p := func(format string, args ...any) { fmt.Printf(format+"\n", args...) }
	p("searchbench: %d documents, seed %d, %d CPUs (GOMAXPROCS %d), %s, %s", r.Docs, r.Seed, r.Machine.NumCPU, r.Machine.GOMAXPROCS, r.Machine.CPU, r.Machine.GoVersion)
	p("load average before %s, after %s", r.Machine.LoadBefore, r.Machine.LoadAfter)
	p("raw text        %.1f MB (%d characters)", float64(r.RawTextBytes)/1e6, r.RawTextChars)
	p("bulk index      %.1f s, %.0f documents/s (with Close %.0f/s; first tenth %.0f/s, last tenth %.0f/s), batches of %d",
		r.IndexSec, r.IndexDocsPerS, r.IndexAllDocsS, r.FirstTenthDPS, r.LastTenthDPS, r.BatchSize)
	p("index on disk   %.1f MB settled (%.1f MB at close), %.2f × raw text, %d files", float64(r.SizeSettled)/1e6, float64(r.SizeAtClose)/1e6, r.SizeRatio, r.IndexFiles)
	p("queries         %d, Size 20, 6 facets; mean hits %.0f, median hits %.0f", r.QueryCount, r.MeanHits, r.MedianHits)
	l := r.Latency
	p("latency ms      p50 %.2f  p95 %.2f  p99 %.2f  max %.2f  mean %.2f", l.P50, l.P95, l.P99, l.Max, l.Mean)
	kinds := make([]string, 0, len(r.LatencyByKind))
	for k := range r.LatencyByKind {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		l := r.LatencyByKind[k]
		p("  %-8s n=%-4d p50 %.2f  p95 %.2f  p99 %.2f  max %.2f", k, l.N, l.P50, l.P95, l.P99, l.Max)
	}
	p("verified        %d phrase totals against a scan of the texts, %d differ", r.Verified, len(r.VerifyFailed))
	goal := func(ok bool) string {
		if ok {
			return "met"
		}
		return "NOT met"
	}
	p("goals           index ≥ 1,000 documents/s: %s; p95 < 30 ms: %s; index ≤ 2× raw text: %s",
		goal(r.IndexDocsPerS >= 1000), goal(r.Latency.P95 < 30), goal(r.SizeRatio <= 2))
}
