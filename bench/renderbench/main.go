// Command renderbench times gongwen rendering the 建议书 template, for the
// render speed comparison (bench/run.sh).
//
// Normal gongwen usage: the template is parsed once (render.Parse) and the
// *Template is reused — it is safe for concurrent use and is what the
// gongwen server caches. Each iteration is one Render(ctx, data) returning
// the finished .docx as bytes in memory (deflate-compressed zip); nothing is
// written to disk inside the timed loop. The data file is decoded once
// (json.Number kept, as the gongwen command does). -warmup renders are
// made and discarded before timing. For reference it also times
// Parse+Render per document (the template parsed again for every document).
//
//	go run ./bench/renderbench -n 1000 -data bench/data.json -out bench/out/gongwen.docx -json bench/out/gongwen.json
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"runtime"
	"time"

	"github.com/gongwen/gongwen/bench"
	"github.com/gongwen/gongwen/render"
)

type result struct {
	Tool              string  `json:"tool"`
	N                 int     `json:"n"`
	Warmup            int     `json:"warmup"`
	MsPerDoc          float64 `json:"ms_per_doc"`
	AllocsPerDoc      float64 `json:"allocs_per_doc"`
	BytesPerDoc       float64 `json:"alloc_bytes_per_doc"`
	ParseMs           float64 `json:"parse_ms"`
	ParseRenderMsPer  float64 `json:"parse_and_render_ms_per_doc"`
	ParseN            int     `json:"parse_n"`
	OutputBytes       int     `json:"output_bytes"`
	Note              string  `json:"note"`
	GoVersion         string  `json:"go_version"`
	GOMAXPROCS        int     `json:"gomaxprocs"`
	TotalSecondsTimed float64 `json:"total_seconds_timed"`
}

func main() {
	root := flag.String("root", ".", "repository root")
	n := flag.Int("n", 1000, "documents to render (timed)")
	warm := flag.Int("warmup", 20, "documents rendered before timing")
	dataPath := flag.String("data", "bench/data.json", "data file (go run ./bench/makedata)")
	outPath := flag.String("out", "", "write one rendered document here (for the text check)")
	jsonPath := flag.String("json", "", "write the result as JSON here")
	flag.Parse()

	src, err := os.ReadFile(bench.TemplatePath(*root))
	if err != nil {
		log.Fatal(err)
	}
	data, err := bench.LoadData(*dataPath)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	t0 := time.Now()
	tpl, err := render.Parse(src)
	if err != nil {
		log.Fatalf("parse: %v", err)
	}
	parseDur := time.Since(t0)

	var doc []byte
	for i := 0; i < *warm; i++ {
		if doc, err = tpl.Render(ctx, data, render.Options{}); err != nil {
			log.Fatalf("render: %v", err)
		}
	}
	if *outPath != "" {
		if err := os.WriteFile(*outPath, doc, 0o644); err != nil {
			log.Fatal(err)
		}
	}

	runtime.GC()
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	start := time.Now()
	for i := 0; i < *n; i++ {
		if doc, err = tpl.Render(ctx, data, render.Options{}); err != nil {
			log.Fatalf("render: %v", err)
		}
	}
	elapsed := time.Since(start)
	runtime.ReadMemStats(&m1)

	// Reference: parse the template again for every document.
	np := *n / 10
	if np < 10 {
		np = 10
	}
	startP := time.Now()
	for i := 0; i < np; i++ {
		t, err := render.Parse(src)
		if err != nil {
			log.Fatalf("parse: %v", err)
		}
		if _, err := t.Render(ctx, data, render.Options{}); err != nil {
			log.Fatalf("render: %v", err)
		}
	}
	elapsedP := time.Since(startP)

	r := result{
		Tool:              "gongwen",
		N:                 *n,
		Warmup:            *warm,
		MsPerDoc:          float64(elapsed.Nanoseconds()) / float64(*n) / 1e6,
		AllocsPerDoc:      float64(m1.Mallocs-m0.Mallocs) / float64(*n),
		BytesPerDoc:       float64(m1.TotalAlloc-m0.TotalAlloc) / float64(*n),
		ParseMs:           float64(parseDur.Nanoseconds()) / 1e6,
		ParseRenderMsPer:  float64(elapsedP.Nanoseconds()) / float64(np) / 1e6,
		ParseN:            np,
		OutputBytes:       len(doc),
		Note:              "render.Parse once, then Render to []byte in memory per document",
		GoVersion:         runtime.Version(),
		GOMAXPROCS:        runtime.GOMAXPROCS(0),
		TotalSecondsTimed: elapsed.Seconds(),
	}
	fmt.Printf("gongwen: %d docs in %.3f s: %.3f ms/doc, %.0f allocs/doc, %.0f B/doc (first parse %.2f ms; parse+render per doc %.3f ms over %d docs)\n",
		r.N, r.TotalSecondsTimed, r.MsPerDoc, r.AllocsPerDoc, r.BytesPerDoc, r.ParseMs, r.ParseRenderMsPer, np)
	if *jsonPath != "" {
		b, _ := json.MarshalIndent(r, "", "  ")
		if err := os.WriteFile(*jsonPath, append(b, '\n'), 0o644); err != nil {
			log.Fatal(err)
		}
	}
}
