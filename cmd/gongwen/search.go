package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/gongwen/gongwen/archive"
	"github.com/gongwen/gongwen/search"
)

// addIndexFlag adds --index-dir to a command.
func addIndexFlag(fs *flag.FlagSet) *string {
	return fs.String("index-dir", "", "检索索引目录（默认 ./index；或 GONGWEN_INDEX_DIR）")
}

// indexDir is where the search index lives: --index-dir, GONGWEN_INDEX_DIR,
// or ./index.
func indexDir(flagValue string) string {
	if flagValue != "" {
		return flagValue
	}
	if v := os.Getenv("GONGWEN_INDEX_DIR"); v != "" {
		return v
	}
	return "index"
}

// indexAfter keeps the index up to date after a command changed a
// document. The index is derived: when it cannot be opened (another
// process holds it) the command says so and succeeds; the next start-up
// check or gongwen reindex catches up.
func indexAfter(ctx context.Context, dir string, stderr io.Writer, fn func(*search.Index) error) {
	idx, err := search.Open(dir)
	if err == nil {
		err = fn(idx)
		idx.Close()
	}
	if err != nil {
		fmt.Fprintf(stderr, "注意：检索索引未更新（%v）；稍后运行 gongwen reindex 或启动服务时会自动补上\n", err)
	}
}

func runSearch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("search", flag.ContinueOnError)
	fs.SetOutput(stderr)
	year := fs.Int("year", 0, "只看某一年度")
	typ := fs.String("type", "", "只看某一文种，如 通知")
	sortBy := fs.String("sort", "relevance", "排序：relevance、date 或 number")
	page := fs.Int("page", 1, "页码")
	size := fs.Int("size", 20, "每页条数（至多 200）")
	asJSON := fs.Bool("json", false, "以 JSON 输出：总数、分面和每条结果的 id、发文字号、标题、摘要")
	idxFlag := addIndexFlag(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	q := strings.Join(pos, " ")
	if *year > 0 {
		q += fmt.Sprintf(" 年度:%d", *year)
	}
	if *typ != "" {
		q += " 文种:" + *typ
	}
	if strings.TrimSpace(q) == "" {
		return &usageError{"用法：gongwen search 查询词 [--year 2023] [--type 通知] [--json]"}
	}
	idx, err := search.Open(indexDir(*idxFlag))
	if err != nil {
		return err
	}
	defer idx.Close()
	start := time.Now()
	res, err := idx.Search(ctx, search.Request{Query: strings.TrimSpace(q), Sort: *sortBy, From: (*page - 1) * *size, Size: *size})
	var qe *search.QueryError
	if errors.As(err, &qe) {
		return &usageError{qe.Error()}
	}
	if err != nil {
		return err
	}
	if *asJSON {
		return jsonOut(stdout).Encode(res)
	}
	if res.Total == 0 {
		if n, _ := idx.Count(); n == 0 {
			fmt.Fprintln(stdout, "检索索引为空：如已有文件，请先运行 gongwen reindex")
			return nil
		}
	}
	fmt.Fprintf(stdout, "找到 %d 份文件（%.0f 毫秒）\n", res.Total, float64(time.Since(start).Microseconds())/1000)
	for i, h := range res.Hits {
		date := ""
		if !h.Date.IsZero() {
			date = h.Date.Format("2006-01-02")
		}
		fmt.Fprintf(stdout, "\n%d. %s  %s  %s\n   %s\n", (*page-1)**size+i+1, h.Wenhao, h.Title, date, plainSnippet(h.Snippet))
	}
	names := make([]string, 0, len(res.Facets))
	for k := range res.Facets {
		names = append(names, k)
	}
	sort.Strings(names)
	if len(names) > 0 {
		fmt.Fprintln(stdout)
	}
	for _, k := range names {
		var parts []string
		for _, f := range res.Facets[k] {
			parts = append(parts, fmt.Sprintf("%s %d", archive.StatusName(f.Value), f.Count))
		}
		fmt.Fprintf(stdout, "%s：%s\n", k, strings.Join(parts, "，"))
	}
	return nil
}

// plainSnippet shows a snippet on a terminal: matches in 【】, entities
// decoded.
func plainSnippet(s string) string {
	r := strings.NewReplacer("<mark>", "【", "</mark>", "】", "&lt;", "<", "&gt;", ">", "&#34;", `"`, "&#39;", "'", "&amp;", "&")
	return r.Replace(s)
}

func runReindex(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("reindex", flag.ContinueOnError)
	fs.SetOutput(stderr)
	idxFlag := addIndexFlag(fs)
	check := fs.Bool("check", false, "只核对：比较索引与存储（数量和抽样），补上索引缺少的文件，不重建")
	sf := addStoreFlags(fs)
	if err := parseFlagsOnly(fs, args); err != nil {
		return err
	}
	store, err := sf.open(ctx)
	if err != nil {
		return err
	}
	dir := indexDir(*idxFlag)
	if *check {
		idx, err := search.Open(dir)
		if err != nil {
			return err
		}
		defer idx.Close()
		rep, err := search.Check(ctx, store, idx)
		if err != nil {
			return err
		}
		if !rep.Full {
			fmt.Fprintf(stdout, "检索索引与存储一致：%d 份文件\n", rep.StoreRecords)
		} else {
			fmt.Fprintf(stdout, "检索索引落后于存储（存储 %d 份，索引 %d 份）：已补上 %d 份\n", rep.StoreRecords, rep.Indexed, rep.Added)
		}
		return nil
	}
	// Build beside the old index and swap, so searches never see half an index.
	tmp := dir + ".rebuild-" + fmt.Sprint(os.Getpid())
	os.RemoveAll(tmp)
	idx, err := search.Open(tmp)
	if err != nil {
		return err
	}
	start := time.Now()
	n, err := search.Rebuild(ctx, store, idx, progressBar(stderr, "重建索引"))
	idx.Close()
	if err != nil {
		os.RemoveAll(tmp)
		return err
	}
	old := dir + ".old-" + fmt.Sprint(os.Getpid())
	if _, err := os.Stat(dir); err == nil {
		if err := os.Rename(dir, old); err != nil {
			os.RemoveAll(tmp)
			return fmt.Errorf("无法替换索引 %s（是否有服务正在使用？）：%w", dir, err)
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		return fmt.Errorf("无法放置新索引：%w", err)
	}
	os.RemoveAll(old)
	abs, _ := filepath.Abs(dir)
	fmt.Fprintf(stdout, "已从 %s 重建检索索引：%d 份文件，用时 %.1f 秒（%s）\n", store, n, time.Since(start).Seconds(), abs)
	return nil
}

// indexIssued returns the OnIssued hook that indexes into dir, or nil
// with a note when the index cannot be opened now.
func reindexRecord(ctx context.Context, dir string, store archive.Store, r *archive.Record, stderr io.Writer) {
	indexAfter(ctx, dir, stderr, func(idx *search.Index) error { return idx.IndexRecord(ctx, store, r) })
}
