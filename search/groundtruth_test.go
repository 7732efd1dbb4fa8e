package search

import (
	"context"
	"fmt"
	"maps"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/gongwen/gongwen/render"
	"github.com/gongwen/gongwen/templates"
)

// corpus builds documents: every built-in template rendered with varied
// data, plus the real public documents in shared/corpus.
func corpus(t testing.TB) []Doc {
	units := []string{"乌鲁木齐市市场监督管理局", "乌鲁木齐市生态环境局", "乌鲁木齐市交通运输局", "乌鲁木齐市城市管理综合行政执法局", "乌鲁木齐市卫生健康委员会"}
	all, err := templates.Builtins()
	if err != nil {
		t.Fatal(err)
	}
	var docs []Doc
	for ti, tpl := range all {
		for v := 0; v < 5; v++ {
			data := maps.Clone(tpl.Example)
			year := 2022 + v
			seq := 40 + v + 10*ti
			data["年份"], data["序号"] = year, seq
			data["成文日期"] = fmt.Sprintf("%d-0%d-1%d", year, v+3, v)
			if _, ok := data["被监督单位"]; ok {
				data["被监督单位"] = units[v]
			}
			data["标题"] = fmt.Sprintf("%s（第%d件）", data["标题"], v+1)
			out, err := tpl.Render(context.Background(), data, render.Options{})
			if err != nil {
				t.Fatalf("%s: %v", tpl.ID, err)
			}
			text, err := render.ExtractText(out, render.TextOptions{})
			if err != nil {
				t.Fatal(err)
			}
			date, _ := time.Parse("2006-01-02", data["成文日期"].(string))
			daizi := data["机关代字"].(string)
			unit, _ := data["被监督单位"].(string)
			docs = append(docs, Doc{
				ID: fmt.Sprintf("%s-%d", tpl.ID, v), Wenhao: fmt.Sprintf("%s〔%d〕%d号", daizi, year, seq),
				Daizi: daizi, Year: year, Seq: seq, WenZhong: tpl.WenZhong, Category: tpl.ID,
				Issuer: fmt.Sprint(data["发文机关署名"]), Unit: unit, Status: "issued", Date: date,
				Title: data["标题"].(string), Text: text,
			})
		}
	}
	files, _ := filepath.Glob(filepath.Join("..", "..", "shared", "corpus", "*.txt"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.SplitN(string(b), "\n", 2)
		docs = append(docs, Doc{ID: filepath.Base(f), Title: lines[0], Text: lines[len(lines)-1], Status: "issued", Year: 2023})
	}
	return docs
}

func contains(d Doc, q string) bool {
	return strings.Contains(Normalize(d.Title+"\n"+d.Text), Normalize(q))
}

// TestGroundTruth: for every query, the hits are exactly the documents
// whose normalised text contains the query — precision and recall 100%.
func TestGroundTruth(t *testing.T) {
	docs := corpus(t)
	idx, err := OpenMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	ctx := context.Background()
	if err := idx.PutBatch(ctx, docs); err != nil {
		t.Fatal(err)
	}
	queries := []string{"案卷评查", "行政执法", "监督", "整改", "法", "局", "〔", "市场监督管理局", "2026", "30日", "第四十四条",
		"（一）", "(一)", "２０２６", "协调监督实施细则", "贺村镇", "巴彦淖尔", "不存在的短语", "执法 监督", "案卷\n评查", "Ａ"}
	// Random substrings of 1 to 8 characters taken from the corpus.
	rng := rand.New(rand.NewSource(9704))
	for len(queries) < 320 {
		d := docs[rng.Intn(len(docs))]
		rs := []rune(Normalize(d.Title + d.Text))
		n := 1 + rng.Intn(8)
		if len(rs) <= n {
			continue
		}
		i := rng.Intn(len(rs) - n)
		queries = append(queries, string(rs[i:i+n]))
	}
	for _, q := range queries {
		var want []string
		for _, d := range docs {
			if contains(d, q) {
				want = append(want, d.ID)
			}
		}
		// The query language reads spaces as AND; a query's own spaces are
		// tested by quoting it.
		res, err := idx.Search(ctx, Request{Query: `"` + strings.ReplaceAll(q, `"`, "") + `"`, Size: 200})
		if err != nil {
			t.Fatalf("%q: %v", q, err)
		}
		var got []string
		for _, h := range res.Hits {
			got = append(got, h.ID)
		}
		sort.Strings(want)
		sort.Strings(got)
		if strings.Join(got, ",") != strings.Join(want, ",") || int(res.Total) != len(want) {
			t.Errorf("query %q: got %d %v, want %d %v", q, res.Total, got, len(want), want)
		}
	}
	t.Logf("%d documents, %d queries: every result set equals the documents containing the query", len(docs), len(queries))
}

// TestWenhaoForms: a 发文字号 in any form people type finds its document first.
func TestWenhaoForms(t *testing.T) {
	docs := corpus(t)
	idx, _ := OpenMemory()
	defer idx.Close()
	ctx := context.Background()
	idx.PutBatch(ctx, docs)
	target := docs[7] // 建议书-2 or similar
	daizi, year, seq := target.Daizi, target.Year, target.Seq
	for _, form := range []string{
		fmt.Sprintf("%s〔%d〕%d号", daizi, year, seq), fmt.Sprintf("%s[%d]%d号", daizi, year, seq),
		fmt.Sprintf("%s(%d)%d号", daizi, year, seq), fmt.Sprintf("%s（%d）%d号", daizi, year, seq),
		fmt.Sprintf("%s%d年%d号", daizi, year, seq), fmt.Sprintf("文号:%s[%d]%d号", daizi, year, seq),
	} {
		res, err := idx.Search(ctx, Request{Query: form})
		if err != nil {
			t.Fatalf("%s: %v", form, err)
		}
		if len(res.Hits) == 0 || res.Hits[0].ID != target.ID {
			t.Errorf("%s: first hit %v, want %s", form, res.Hits, target.ID)
		}
	}
}

func TestQueryLanguageAndFacets(t *testing.T) {
	docs := corpus(t)
	idx, _ := OpenMemory()
	defer idx.Close()
	ctx := context.Background()
	idx.PutBatch(ctx, docs)
	count := func(pred func(Doc) bool) int {
		n := 0
		for _, d := range docs {
			if pred(d) {
				n++
			}
		}
		return n
	}
	cases := map[string]func(Doc) bool{
		"整改 期限":       func(d Doc) bool { return contains(d, "整改") && contains(d, "期限") },
		"整改 -期限":      func(d Doc) bool { return contains(d, "整改") && !contains(d, "期限") },
		"贺村镇 OR 巴彦淖尔": func(d Doc) bool { return contains(d, "贺村镇") || contains(d, "巴彦淖尔") },
		"年度:2024 监督":  func(d Doc) bool { return d.Year == 2024 && contains(d, "监督") },
		"文种:决定":       func(d Doc) bool { return d.WenZhong == "决定" },
		"日期:2023-01-01..2024-12-31": func(d Doc) bool {
			return !d.Date.IsZero() && d.Date.Year() >= 2023 && d.Date.Year() <= 2024
		},
		"单位:乌鲁木齐市生态环境局 整改": func(d Doc) bool { return d.Unit == "乌鲁木齐市生态环境局" && contains(d, "整改") },
	}
	for q, pred := range cases {
		res, err := idx.Search(ctx, Request{Query: q, Size: 200})
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if want := count(pred); int(res.Total) != want {
			t.Errorf("%s: %d hits, want %d", q, res.Total, want)
		}
	}
	res, _ := idx.Search(ctx, Request{Query: "监督", Size: 5, Sort: "date"})
	if len(res.Hits) != 5 || res.Hits[0].Date.Before(res.Hits[4].Date) {
		t.Errorf("sort by date: %+v", res.Hits)
	}
	if got := res.Facets["年度"]; len(got) == 0 {
		t.Errorf("no 年度 facet: %+v", res.Facets)
	}
	sum := 0
	for _, f := range res.Facets["文种"] {
		sum += f.Count
	}
	if uint64(sum) > res.Total || sum == 0 {
		t.Errorf("文种 facet counts %d for %d hits", sum, res.Total)
	}
	for _, bad := range []string{`"未闭合`, "OR 监督", "监督 OR", "年度:二〇二三", "日期:2023-13-01..", "  ", "文号:"} {
		if _, err := idx.Search(ctx, Request{Query: bad}); err == nil {
			t.Errorf("%q: no error", bad)
		} else if _, ok := err.(*QueryError); !ok {
			t.Errorf("%q: %T %v", bad, err, err)
		}
	}
}

func TestSnippet(t *testing.T) {
	text := "一、存在的问题\n（一）部分案件<调查>取证不规范。抽查的案卷中，案卷\n评查发现问题&整改。"
	got := Snippet(text, []string{"案卷评查", "(一)"}, 200)
	want := "一、存在的问题 <mark>（一）</mark>部分案件&lt;调查&gt;取证不规范。抽查的案卷中，<mark>案卷 评查</mark>发现问题&amp;整改。"
	if s := Snippet("\n\n  首行\n\n次行", []string{"次行"}, 50); s != "首行 <mark>次行</mark>" {
		t.Errorf("white space runs: %q", s)
	}
	if got != want {
		t.Errorf("snippet\n got %s\nwant %s", got, want)
	}
	long := strings.Repeat("甲", 100) + "乙丙" + strings.Repeat("丁", 100)
	s := Snippet(long, []string{"乙丙"}, 20)
	if !strings.HasPrefix(s, "…") || !strings.HasSuffix(s, "…") || !strings.Contains(s, "<mark>乙丙</mark>") {
		t.Errorf("windowed snippet %s", s)
	}
}
