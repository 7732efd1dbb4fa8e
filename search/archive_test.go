package search_test

import (
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gongwen/gongwen/archive"
	"github.com/gongwen/gongwen/issuing"
	"github.com/gongwen/gongwen/search"
	"github.com/gongwen/gongwen/templates"
)

// TestIndexDerivedFromArchive: issuing indexes each document; a rebuild
// from the store gives identical results; the start-up check repairs an
// index that fell behind.
func TestIndexDerivedFromArchive(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	store, err := archive.OpenFileStore(filepath.Join(dir, "data"))
	if err != nil {
		t.Fatal(err)
	}
	idx, err := search.Open(filepath.Join(dir, "index"))
	if err != nil {
		t.Fatal(err)
	}
	is := issuing.New(store)
	is.OnIssued = idx.PutIssued
	units := []string{"乌鲁木齐市生态环境局", "乌鲁木齐市交通运输局", "乌鲁木齐市应急管理局"}
	for _, id := range []string{"监督通知书", "建议书", "决定书"} {
		tpl, _ := templates.Builtin(id)
		for _, u := range units {
			data := maps.Clone(tpl.Example)
			data["被监督单位"] = u
			if _, err := is.Issue(ctx, issuing.Request{Template: tpl, Data: data}); err != nil {
				t.Fatal(err)
			}
		}
	}
	queries := []string{"生态环境局", "整改", "监督 -建议", "乌司发[2026]3号", "单位:乌鲁木齐市交通运输局", "文种:决定 OR 文种:意见", "法"}
	results := func(x *search.Index) string {
		var b strings.Builder
		for _, q := range queries {
			res, err := x.Search(ctx, search.Request{Query: q, Size: 50, Sort: "number"})
			if err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			fmt.Fprintf(&b, "%s=%d:", q, res.Total)
			for _, h := range res.Hits {
				b.WriteString(h.Wenhao + "|" + h.Snippet + ";")
			}
			b.WriteString("\n")
		}
		return b.String()
	}
	before := results(idx)
	if !strings.Contains(before, "生态环境局=3:") || !strings.Contains(before, "乌司发[2026]3号=") {
		t.Fatalf("issued documents not found:\n%s", before)
	}
	rebuilt, _ := search.OpenMemory()
	n, err := search.Rebuild(ctx, store, rebuilt, nil)
	if err != nil || n != 9 {
		t.Fatalf("rebuild: %d %v", n, err)
	}
	if after := results(rebuilt); after != before {
		t.Errorf("rebuilt index answers differently:\nbefore\n%s\nafter\n%s", before, after)
	}
	// An index that missed documents is caught up at start.
	lagging, _ := search.OpenMemory()
	rep, err := search.Check(ctx, store, lagging)
	if err != nil || rep.Added != 9 || !rep.Full {
		t.Fatalf("check of an empty index: %+v %v", rep, err)
	}
	if got := results(lagging); got != before {
		t.Errorf("caught-up index answers differently")
	}
	rep, _ = search.Check(ctx, store, lagging)
	if rep.Added != 0 || rep.Full {
		t.Errorf("second check did work: %+v", rep)
	}
	// A second process cannot open the same index, and says so.
	if _, err := search.Open(filepath.Join(dir, "index")); err == nil || !strings.Contains(err.Error(), "另一个进程") {
		t.Errorf("second open: %v", err)
	}
	idx.Close()
}
