// Command sizes breaks the search index's size on disk and its indexing
// time down by field: it indexes the same generated documents (bench/
// gendocs) into bleve indexes whose mapping is search's (copied here from
// search/index.go's newMapping, as of the commit that added this tool)
// with one part changed or left out at a time, and prints each index's
// settled size and time against the raw text.
//
//	go run ./bench/searchbench/sizes -n 10000
package main

import (
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/mapping"

	"github.com/gongwen/gongwen/bench/gendocs"
	"github.com/gongwen/gongwen/search" // registers the gongwen_* analyzers
)

// variant is a change to the mapping; the zero value is search's mapping.
type variant struct {
	name         string
	noBigramTV   bool // text field without term vectors (no phrase search)
	noUni        bool // no unigram field
	noBody       bool // body not stored
	noText       bool // no bigram field at all
	onlyStored   bool // nothing indexed, title and body stored
	noKwDocValue bool // keyword fields without doc values
}

var variants = []variant{
	{name: "search's mapping"},
	{name: "body not stored", noBody: true},
	{name: "no unigram field", noUni: true},
	{name: "bigrams without term vectors", noBigramTV: true},
	{name: "no bigram field", noText: true},
	{name: "keyword fields without doc values", noKwDocValue: true},
	{name: "only title and body stored", onlyStored: true},
}

const (
	bigramAnalyzer      = "gongwen_bigram"
	unigramAnalyzer     = "gongwen_unigram"
	keywordNormAnalyzer = "gongwen_keyword_norm"
)

func newMapping(v variant) mapping.IndexMapping {
	im := bleve.NewIndexMapping()
	im.DefaultAnalyzer = keyword.Name
	doc := bleve.NewDocumentStaticMapping()
	if !v.noText && !v.onlyStored {
		text := bleve.NewTextFieldMapping()
		text.Analyzer = bigramAnalyzer
		text.IncludeTermVectors = !v.noBigramTV
		text.Store, text.IncludeInAll, text.DocValues = false, false, false
		doc.AddFieldMappingsAt("text", text)
	}
	if !v.noUni && !v.onlyStored {
		uni := bleve.NewTextFieldMapping()
		uni.Analyzer = unigramAnalyzer
		uni.IncludeTermVectors, uni.Store, uni.IncludeInAll, uni.DocValues = false, false, false, false
		doc.AddFieldMappingsAt("uni", uni)
	}
	stored := func() *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Index, f.Store, f.IncludeInAll, f.IncludeTermVectors, f.DocValues = false, true, false, false, false
		return f
	}
	doc.AddFieldMappingsAt("title", stored())
	if !v.noBody {
		doc.AddFieldMappingsAt("body", stored())
	}
	if v.onlyStored {
		im.DefaultMapping = doc
		return im
	}
	kw := func(store bool) *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Store, f.IncludeInAll, f.IncludeTermVectors = store, false, false
		f.DocValues = !v.noKwDocValue
		return f
	}
	doc.AddFieldMappingsAt("wenhao", kw(true))
	wn := bleve.NewTextFieldMapping()
	wn.Analyzer = keywordNormAnalyzer
	wn.Store, wn.IncludeInAll, wn.IncludeTermVectors = false, false, false
	doc.AddFieldMappingsAt("wenhao_norm", wn)
	for _, f := range []string{"daizi", "wenzhong", "category", "issuer", "unit", "status", "retention", "year_kw"} {
		doc.AddFieldMappingsAt(f, kw(false))
	}
	date := bleve.NewDateTimeFieldMapping()
	date.Store, date.IncludeInAll = true, false
	doc.AddFieldMappingsAt("date", date)
	for _, f := range []string{"year", "seq"} {
		n := bleve.NewNumericFieldMapping()
		n.Store, n.IncludeInAll = false, false
		doc.AddFieldMappingsAt(f, n)
	}
	im.DefaultMapping = doc
	return im
}

// fields is search.Doc.fields (search/index.go).
func fields(d search.Doc) map[string]any {
	all := d.Title + "\n" + d.Text
	m := map[string]any{
		"text": all, "uni": all, "title": d.Title, "body": d.Text,
		"wenhao": d.Wenhao, "wenhao_norm": d.Wenhao,
		"daizi": d.Daizi, "wenzhong": d.WenZhong, "category": d.Category, "issuer": d.Issuer,
		"unit": d.Unit, "status": d.Status, "retention": d.Retention,
		"year": float64(d.Year), "seq": float64(d.Seq), "year_kw": strconv.Itoa(d.Year),
	}
	if !d.Date.IsZero() {
		m["date"] = d.Date
	}
	return m
}

func main() {
	n := flag.Int("n", 10000, "number of documents")
	seed := flag.Int64("seed", 1, "generator seed")
	flag.Parse()
	var docs []search.Doc
	var raw int64
	if err := gendocs.Generate(*seed, *n, func(d search.Doc) error {
		docs = append(docs, d)
		raw += int64(len(d.Title) + len(d.Text))
		return nil
	}); err != nil {
		fatal(err)
	}
	tmp, err := os.MkdirTemp("", "sizes-")
	if err != nil {
		fatal(err)
	}
	defer os.RemoveAll(tmp)
	fmt.Printf("%d documents, raw text %.1f MB\n", len(docs), float64(raw)/1e6)
	fmt.Printf("%-36s %10s %8s %10s %12s\n", "mapping", "size MB", "× raw", "index s", "documents/s")
	for i, v := range variants {
		dir := filepath.Join(tmp, strconv.Itoa(i))
		idx, err := bleve.New(dir, newMapping(v))
		if err != nil {
			fatal(err)
		}
		t0 := time.Now()
		for j := 0; j < len(docs); j += 500 {
			b := idx.NewBatch()
			for _, d := range docs[j:min(j+500, len(docs))] {
				if err := b.Index(d.ID, fields(d)); err != nil {
					fatal(err)
				}
			}
			if err := idx.Batch(b); err != nil {
				fatal(err)
			}
		}
		el := time.Since(t0).Seconds()
		if err := idx.Close(); err != nil {
			fatal(err)
		}
		idx, err = bleve.Open(dir)
		if err != nil {
			fatal(err)
		}
		size := settle(dir)
		if i == 0 {
			queryCost(idx, len(docs))
		}
		idx.Close()
		fmt.Printf("%-36s %10.1f %8.2f %10.1f %12.0f\n", v.name, float64(size)/1e6, float64(size)/float64(raw), el, float64(len(docs))/el)
		os.RemoveAll(dir)
	}
}

// queryCost times common phrases on search's mapping with parts of
// search.Search's request left out: the six facets, the sort by date, the
// stored fields.
func queryCost(idx bleve.Index, n int) {
	facets := []string{"year_kw", "wenzhong", "category", "issuer", "unit", "status"}
	for _, q := range []string{"行政执法", "整改", "执法全过程记录"} {
		for _, part := range []string{"all (as search.Search)", "no facets", "no facets, sort by score only", "no facets, score, no fields", "facets only (no sort, no fields)"} {
			pq := bleve.NewMatchPhraseQuery(search.Normalize(q))
			pq.SetField("text")
			pq.Analyzer = bigramAnalyzer
			req := bleve.NewSearchRequestOptions(pq, 20, 0, false)
			if part == "all (as search.Search)" || part == "no facets" {
				req.Fields = []string{"title", "body", "wenhao", "date"}
				req.SortBy([]string{"-_score", "-date"})
			}
			if part == "no facets, sort by score only" {
				req.Fields = []string{"title", "body", "wenhao", "date"}
			}
			if part == "all (as search.Search)" || part == "facets only (no sort, no fields)" {
				for _, f := range facets {
					req.AddFacet(f, bleve.NewFacetRequest(f, 30))
				}
			}
			var best time.Duration
			var total uint64
			for k := 0; k < 5; k++ {
				t := time.Now()
				res, err := idx.Search(req)
				if err != nil {
					fatal(err)
				}
				if el := time.Since(t); k == 0 || el < best {
					best = el
				}
				total = res.Total
			}
			fmt.Printf("  query %-8s %-34s %6d hits of %d  %8.1f ms (best of 5)\n", q, part, total, n, float64(best.Microseconds())/1000)
		}
	}
}

// settle returns the folder's size once it has not changed for 5 s (at
// most 120 s).
func settle(dir string) int64 {
	t0 := time.Now()
	last, changed := size(dir), time.Now()
	for time.Since(t0) < 120*time.Second && time.Since(changed) < 5*time.Second {
		time.Sleep(500 * time.Millisecond)
		if s := size(dir); s != last {
			last, changed = s, time.Now()
		}
	}
	return last
}

func size(dir string) int64 {
	var total int64
	filepath.WalkDir(dir, func(_ string, e fs.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			if info, err := e.Info(); err == nil {
				total += info.Size()
			}
		}
		return nil
	})
	return total
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "sizes:", err)
	os.Exit(1)
}
