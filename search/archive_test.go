package search_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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

// TestTextVersionsIndexed: an imported .txt version — here in GB18030, as
// old files are — is indexed by its text, on import and on rebuild, and a
// document without a 发文字号 is found by its words.
func TestTextVersionsIndexed(t *testing.T) {
	ctx := context.Background()
	store, err := archive.OpenFileStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	docs := archive.NewDocuments(store)
	// "关于开展案卷评查的通知" in GB18030.
	gb := []byte{0xb9, 0xd8, 0xd3, 0xda, 0xbf, 0xaa, 0xd5, 0xb9, 0xb0, 0xb8, 0xbe, 0xed, 0xc6, 0xc0, 0xb2, 0xe9, 0xb5, 0xc4, 0xcd, 0xa8, 0xd6, 0xaa}
	id := archive.NewID(time.Now())
	v, err := docs.PutVersionAs(ctx, 2019, id, 1, archive.FormatText, gb, "档案员", "导入")
	if err != nil {
		t.Fatal(err)
	}
	r := &archive.Record{ID: id, Year: 2019, Date: "2019-05-06", Title: "关于开展案卷评查的通知", WenZhong: "通知",
		Versions: []archive.Version{v}, Status: archive.StatusIssued, Imported: &archive.Imported{File: "a.txt", Encoding: "gb18030"}}
	if err := docs.CreateRecord(ctx, r); err != nil {
		t.Fatal(err)
	}
	onImport, _ := search.OpenMemory()
	if err := onImport.PutIssued(ctx, r, gb); err != nil {
		t.Fatal(err)
	}
	rebuilt, _ := search.OpenMemory()
	if n, err := search.Rebuild(ctx, store, rebuilt, nil); err != nil || n != 1 {
		t.Fatalf("rebuild: %d %v", n, err)
	}
	for _, x := range []*search.Index{onImport, rebuilt} {
		res, err := x.Search(ctx, search.Request{Query: "案卷评查 年度:2019", Size: 5})
		if err != nil || res.Total != 1 || res.Hits[0].ID != id || !strings.Contains(res.Hits[0].Snippet, "<mark>案卷评查</mark>") {
			t.Errorf("GB18030 text not found: %+v %v", res, err)
		}
	}
}

// TestDamagedIndexIsSetAsideAndRebuilt: a segment file whose footer was
// overwritten (a disk fault, a copy cut short) makes Open say the index
// is damaged instead of crashing; OpenOrReset sets the folder aside and
// the start-up check rebuilds the index from the store.
func TestDamagedIndexIsSetAsideAndRebuilt(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	store, err := archive.OpenFileStore(filepath.Join(dir, "data"))
	if err != nil {
		t.Fatal(err)
	}
	idxDir := filepath.Join(dir, "index")
	idx, err := search.Open(idxDir)
	if err != nil {
		t.Fatal(err)
	}
	is := issuing.New(store)
	is.OnIssued = idx.PutIssued
	tpl, _ := templates.Builtin("监督通知书")
	for i := 0; i < 3; i++ {
		if _, err := is.Issue(ctx, issuing.Request{Template: tpl, Data: tpl.Example}); err != nil {
			t.Fatal(err)
		}
	}
	idx.Close()
	segs, _ := filepath.Glob(filepath.Join(idxDir, "store", "*.zap"))
	if len(segs) == 0 {
		t.Fatal("no segment file in the index")
	}
	for _, seg := range segs {
		b, err := os.ReadFile(seg)
		if err != nil {
			t.Fatal(err)
		}
		clear(b[len(b)-40:])
		if err := os.WriteFile(seg, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}

	// bleve keeps the lock of an index it failed to open until the
	// process ends, so Open is shown a copy of the damaged folder.
	copyDir := filepath.Join(dir, "index-copy")
	if err := os.CopyFS(copyDir, os.DirFS(idxDir)); err != nil {
		t.Fatal(err)
	}
	if _, err := search.Open(copyDir); !errors.Is(err, search.ErrDamaged) || !strings.Contains(err.Error(), "gongwen reindex") {
		t.Fatalf("open of a damaged index: %v, want ErrDamaged naming gongwen reindex", err)
	}
	x, setAside, err := search.OpenOrReset(idxDir)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if setAside == "" {
		t.Fatal("the damaged index was not set aside")
	}
	if _, err := os.Stat(filepath.Join(setAside, "store")); err != nil {
		t.Errorf("the damaged index is not kept at %s: %v", setAside, err)
	}
	rep, err := search.Check(ctx, store, x)
	if err != nil {
		t.Fatal(err)
	}
	res, err := x.Search(ctx, search.Request{Query: "整改"})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Added != 3 || res.Total != 3 {
		t.Errorf("after the rebuild: %d added, %d found, want 3 and 3", rep.Added, res.Total)
	}
	// A sound index is opened as it is.
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	x, setAside, err = search.OpenOrReset(idxDir)
	if err != nil || setAside != "" {
		t.Fatalf("sound index: set aside %q, %v", setAside, err)
	}
	x.Close()

	// A folder that is not an index is neither damaged nor moved.
	other := filepath.Join(dir, "文件")
	os.MkdirAll(other, 0o755)
	os.WriteFile(filepath.Join(other, "说明.txt"), []byte("x"), 0o600)
	if _, setAside, err := search.OpenOrReset(other); err == nil || errors.Is(err, search.ErrDamaged) || setAside != "" || !strings.Contains(err.Error(), "不是检索索引目录") {
		t.Errorf("a folder of other files as the index: set aside %q, %v", setAside, err)
	}
	if _, err := os.Stat(filepath.Join(other, "说明.txt")); err != nil {
		t.Errorf("the other folder was touched: %v", err)
	}
	// An empty folder made for the index becomes one.
	empty := filepath.Join(dir, "empty")
	os.Mkdir(empty, 0o755)
	if x, err := search.Open(empty); err != nil {
		t.Errorf("an empty folder as the index: %v", err)
	} else {
		x.Close()
	}
}
