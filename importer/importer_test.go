package importer_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/gongwen/gongwen/archive"
	"github.com/gongwen/gongwen/archive/storetest"
	"github.com/gongwen/gongwen/importer"
	"github.com/gongwen/gongwen/issuing"
	"github.com/gongwen/gongwen/render"
	"github.com/gongwen/gongwen/search"
	"github.com/gongwen/gongwen/templates"
)

func newStore(t *testing.T) *storetest.Faulty {
	fs, err := archive.OpenFileStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s := &storetest.Faulty{Store: fs}
	p := &archive.Profile{ID: "wlmq-sfj", Name: "乌鲁木齐市司法局", Mark: "乌鲁木齐市司法局文件",
		Daizi: map[string]string{"默认": "乌司发", "年度报告": "乌司报"}, Printer: "乌鲁木齐市司法局办公室", Fonds: "J012", OrgCode: "FZK"}
	if err := archive.NewProfiles(s).Put(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	return s
}

// fixtureFiles returns every fixture as a File, in name order.
func fixtureFiles(t *testing.T) []importer.File {
	names := slices.Sorted(maps.Keys(fixtures))
	files := make([]importer.File, len(names))
	for i, n := range names {
		path := filepath.Join("testdata", n)
		files[i] = importer.File{Name: path, Read: func() ([]byte, error) { return os.ReadFile(path) }}
	}
	return files
}

func byFile(sum *importer.Summary) map[string]importer.Result {
	m := map[string]importer.Result{}
	for _, r := range sum.Results {
		m[filepath.Base(r.File)] = r
	}
	return m
}

func storeKeys(t *testing.T, s archive.Store) []string {
	var keys []string
	if err := s.List(context.Background(), "", func(o archive.ObjectInfo) error {
		keys = append(keys, o.Key)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return keys
}

// TestImportArchives imports every fixture: each becomes a record with
// the metadata read off it, its original file as version 1 and its number
// registered as imported; a later issue takes the next number; the index
// finds them; verify finds nothing wrong; a second run doubles nothing.
func TestImportArchives(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	idx, _ := search.OpenMemory()
	im := importer.New(s)
	var progress []int
	opts := importer.Options{Org: "wlmq-sfj", By: "档案员", OnImported: idx.PutIssued,
		Progress: func(done, total int) { progress = append(progress, done*100+total) }}
	files := fixtureFiles(t)
	sum, err := im.Import(ctx, files, opts)
	if err != nil {
		t.Fatal(err)
	}
	n := len(files)
	if sum.Imported != n-1 || sum.Failed != 1 || sum.Duplicates != 0 || sum.Ready != 0 || len(progress) != n || progress[n-1] != n*100+n {
		t.Fatalf("summary %d imported %d failed %d duplicates, progress %v", sum.Imported, sum.Failed, sum.Duplicates, progress)
	}
	res := byFile(sum)
	// The corpus notice published without a number waits for the user's word.
	if r := res["bayannur-supervision-rules-2023.txt"]; r.Status != importer.StatusFailed || !strings.Contains(r.Reason, "未找到发文字号") || !strings.Contains(r.Reason, "--allow-no-number") {
		t.Errorf("document without a number: %+v", r)
	}
	docs := archive.NewDocuments(s)
	reg := archive.NewRegistry(s)
	for name, w := range fixtures {
		r := res[filepath.Base(name)]
		if w.wenhao == "" {
			continue
		}
		if r.Status != importer.StatusImported || r.Record == nil {
			t.Errorf("%s: %+v", name, r)
			continue
		}
		rec, _, err := docs.GetRecord(ctx, r.Record.Year, r.Record.ID)
		if err != nil {
			t.Fatal(err)
		}
		if rec.Wenhao != w.wenhao || rec.Title != w.title || rec.Issuer != w.issuer || rec.Date != w.date || rec.Signer != w.signer ||
			rec.MainTo != w.mainTo || rec.WenZhong != w.wenzhong || !slices.Equal(rec.CC, w.cc) {
			t.Errorf("%s: stored record %+v", name, rec)
		}
		if rec.Status != archive.StatusIssued || rec.Template.ID != "" || rec.CreatedBy != "档案员" || rec.Org != "wlmq-sfj" ||
			rec.Imported == nil || rec.Imported.File != filepath.Base(name) || rec.Imported.Encoding != w.encoding {
			t.Errorf("%s: record bookkeeping %+v %+v", name, rec, rec.Imported)
		}
		want, _ := os.ReadFile(filepath.Join("testdata", name))
		got, err := docs.GetVersion(ctx, rec, 1)
		if err != nil || string(got) != string(want) {
			t.Errorf("%s: stored content differs from the file (%v)", name, err)
		}
		if ext := filepath.Ext(name); !strings.HasSuffix(rec.Latest().Key, "/v1"+ext) {
			t.Errorf("%s stored as %s", name, rec.Latest().Key)
		}
		e, err := reg.Lookup(ctx, w.wenhao)
		if err != nil || e.Status != archive.NumberImported || e.DocumentID != rec.ID || e.By != "档案员" {
			t.Errorf("%s: registry entry %+v %v", name, e, err)
		}
	}
	// The office's own numbers pass; another office's 机关代字 is noted.
	if r := res["builtin-整改情况报告.docx"]; len(r.Notes) != 1 || !strings.Contains(r.Notes[0], "乌市监报") {
		t.Errorf("foreign 机关代字 not noted: %q", r.Notes)
	}
	if r := res["builtin-监督通知书.docx"]; len(r.Notes) != 0 {
		t.Errorf("notes on the office's own document: %q", r.Notes)
	}

	// A later issue never reuses an imported number: 乌司发〔2026〕12号 and
	// 48号 were imported, so the next is 49.
	tpl, _ := templates.Builtin("监督通知书")
	issued, err := issuing.New(s).Issue(ctx, issuing.Request{Template: tpl, Data: tpl.Example, Author: "王明"})
	if err != nil || issued.Record.Wenhao != "乌司发〔2026〕49号" {
		t.Fatalf("issue after import: %v %v", issued, err)
	}

	// The index finds imported documents by their text, GB18030 included.
	for q, want := range map[string]string{"高新区（新市区）": "乌司发〔2023〕21号", "商请提供": "乌司函〔2023〕33号", "同一企业重复检查": "米司发〔2024〕3号"} {
		sr, err := idx.Search(ctx, search.Request{Query: q})
		if err != nil || sr.Total != 1 || sr.Hits[0].Wenhao != want {
			t.Errorf("search %s: %+v %v", q, sr, err)
		}
	}

	rep, err := archive.Verify(ctx, s, archive.VerifyOptions{})
	if err != nil || len(rep.Problems) != 0 || rep.OK != n {
		t.Fatalf("verify after import: %+v %v", rep, err)
	}

	// Again, with the document without a number allowed: everything else is
	// a duplicate of what is stored, nothing is written twice.
	before := storeKeys(t, s)
	opts.AllowNoNumber = true
	again, err := im.Import(ctx, files, opts)
	if err != nil {
		t.Fatal(err)
	}
	if again.Imported != 1 || again.Duplicates != n-1 || again.Failed != 0 {
		t.Fatalf("second run: %+v", again)
	}
	res2 := byFile(again)
	for name := range fixtures {
		r := res2[filepath.Base(name)]
		if name == "corpus/bayannur-supervision-rules-2023.txt" {
			if r.Status != importer.StatusImported || r.Record.Wenhao != "" || r.Record.Year != 2023 || !strings.HasSuffix(r.Record.Latest().Key, "/v1.txt") {
				t.Errorf("imported without a number: %+v", r.Record)
			}
			continue
		}
		if r.Status != importer.StatusDuplicate || r.DuplicateOf == nil || r.DuplicateOf.ID != res[filepath.Base(name)].Record.ID || !strings.Contains(r.Reason, "SHA-256") {
			t.Errorf("%s second time: %+v", name, r)
		}
	}
	after := storeKeys(t, s)
	if added := len(after) - len(before); added != 2 { // the one record and its version
		t.Errorf("second run wrote %d objects", added)
	}
	if rep, _ := archive.Verify(ctx, s, archive.VerifyOptions{}); len(rep.Problems) != 0 {
		t.Errorf("verify after importing a document without a number: %+v", rep.Problems)
	}
	if sr, _ := idx.Search(ctx, search.Request{Query: "甘其毛都口岸"}); sr.Total != 1 {
		t.Errorf("document without a number not indexed: %+v", sr)
	}
}

// TestImportSameNumber: another copy of an archived document (its text as
// a .txt) is a duplicate by its number; another document claiming the
// number is a conflict. Neither is stored.
func TestImportSameNumber(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	im := importer.New(s)
	docx, _ := os.ReadFile("testdata/builtin-监督通知书.docx")
	text, _ := render.ExtractText(docx, render.TextOptions{})
	other := strings.Replace(text, "限期整改的通知", "开展评查的通知", 1)
	sum, err := im.Import(ctx, []importer.File{
		importer.BytesFile("通知.docx", docx),
		importer.BytesFile("通知.txt", []byte(text)),
		importer.BytesFile("另一份.txt", []byte(other)),
	}, importer.Options{By: "档案员"})
	if err != nil {
		t.Fatal(err)
	}
	r := sum.Results
	if r[0].Status != importer.StatusImported {
		t.Fatalf("first: %+v", r[0])
	}
	if r[1].Status != importer.StatusDuplicate || r[1].DuplicateOf.ID != r[0].Record.ID || !strings.Contains(r[1].Reason, "乌司发〔2026〕48号 已存档") {
		t.Errorf("same document as text: %+v", r[1])
	}
	if r[2].Status != importer.StatusFailed || !strings.Contains(r[2].Reason, "文号冲突") || r[2].DuplicateOf.ID != r[0].Record.ID {
		t.Errorf("another document under the number: %+v", r[2])
	}
	if sum.Imported != 1 || sum.Duplicates != 1 || sum.Failed != 1 {
		t.Errorf("counts %+v", sum)
	}
	// The same holds against the registry in a later run, and against a
	// number gongwen issued itself.
	tpl, _ := templates.Builtin("监督通知书")
	data := maps.Clone(tpl.Example)
	data["成文日期"] = "2025-06-01"
	issued, err := issuing.New(s).Issue(ctx, issuing.Request{Template: tpl, Data: data})
	if err != nil {
		t.Fatal(err)
	}
	clash := strings.NewReplacer("〔2026〕48号", "〔2025〕1号", "开展评查的通知", "其他事项的通知").Replace(other)
	sum, _ = im.Import(ctx, []importer.File{importer.BytesFile("通知.txt", []byte(text)), importer.BytesFile("冲突.txt", []byte(clash))}, importer.Options{})
	if sum.Results[0].Status != importer.StatusDuplicate || sum.Results[1].Status != importer.StatusFailed ||
		!strings.Contains(sum.Results[1].Reason, issued.Record.Wenhao) || sum.Results[1].DuplicateOf.ID != issued.Record.ID {
		t.Errorf("later run: %+v", sum.Results)
	}
}

// TestImportDryRun reports what an import would do and writes nothing.
func TestImportDryRun(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	before := storeKeys(t, s)
	files := append(fixtureFiles(t), importer.File{Name: "testdata/通报-GB18030.txt", Read: func() ([]byte, error) { return os.ReadFile("testdata/通报-GB18030.txt") }},
		importer.File{Name: "缺失.docx", Read: func() ([]byte, error) { return nil, os.ErrNotExist }})
	indexed := 0
	sum, err := importer.New(s).Import(ctx, files, importer.Options{DryRun: true, AllowNoNumber: true,
		OnImported: func(context.Context, *archive.Record, []byte) error { indexed++; return nil }})
	if err != nil {
		t.Fatal(err)
	}
	if !sum.DryRun || sum.Ready != len(fixtures) || sum.Duplicates != 1 || sum.Failed != 1 || sum.Imported != 0 || indexed != 0 {
		t.Errorf("dry run: ready %d duplicates %d failed %d imported %d indexed %d", sum.Ready, sum.Duplicates, sum.Failed, sum.Imported, indexed)
	}
	for _, r := range sum.Results {
		if r.Status == importer.StatusReady && (r.Metadata == nil || r.Record != nil) {
			t.Errorf("%s: %+v", r.File, r)
		}
	}
	if last := sum.Results[len(sum.Results)-1]; !strings.Contains(last.Reason, "无法读取文件") {
		t.Errorf("unreadable file: %+v", last)
	}
	if after := storeKeys(t, s); !slices.Equal(before, after) {
		t.Errorf("dry run wrote %v", after)
	}
}

// TestImportReservedNumber: a number reserved (预留) for a document signed
// offline is taken up by that document's import.
func TestImportReservedNumber(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	reg := archive.NewRegistry(s)
	if _, err := reg.Import(ctx, "乌司发", 2023, 46, "", "档案员"); err != nil {
		t.Fatal(err)
	}
	e, _, err := reg.Allocate(ctx, "乌司发", 2023, archive.NumberReserved, "", "王明", "线下签发的评查通知")
	if err != nil || e.Seq != 47 {
		t.Fatalf("reserve: %+v %v", e, err)
	}
	b, _ := os.ReadFile("testdata/手工-评查通知-标题两段.docx")
	sum, err := importer.New(s).Import(ctx, []importer.File{importer.BytesFile("评查通知.docx", b)}, importer.Options{By: "档案员"})
	if err != nil {
		t.Fatal(err)
	}
	r := sum.Results[0]
	if r.Status != importer.StatusImported || len(r.Notes) != 1 || !strings.Contains(r.Notes[0], "预留") {
		t.Fatalf("%+v", r)
	}
	e, _ = reg.Lookup(ctx, "乌司发〔2023〕47号")
	if e.Status != archive.NumberImported || e.DocumentID != r.Record.ID || !strings.Contains(e.Reason, "线下签发的评查通知") {
		t.Errorf("entry %+v", e)
	}
	// A void number is not taken up.
	if _, err := reg.Void(ctx, "乌司发", 2023, 48, "x", "x"); err == nil {
		t.Fatal("voided a number never taken")
	}
	v, _, _ := reg.Allocate(ctx, "乌司发", 2023, archive.NumberReserved, "", "王明", "备用")
	reg.Void(ctx, "乌司发", 2023, v.Seq, "未使用", "王明")
	text := strings.Replace(string(mustText(t, b)), "乌司发[2023]47号", "乌司发[2023]48号", 1)
	sum, _ = importer.New(s).Import(ctx, []importer.File{importer.BytesFile("作废号.txt", []byte(text))}, importer.Options{})
	if r := sum.Results[0]; r.Status != importer.StatusFailed || !strings.Contains(r.Reason, "作废") {
		t.Errorf("void number: %+v", r)
	}
}

// TestImportFillsNumberWithoutDocument: a number registered as issued
// whose document is missing — an issue interrupted, or a store restored
// from a copy taken while the document was being issued — takes the
// document when it is imported, once the issue can no longer be in
// progress; a fresh one is left alone.
func TestImportFillsNumberWithoutDocument(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	put := func(seq int, age time.Duration) {
		t.Helper()
		at := time.Now().Add(-age).UTC()
		e := archive.NumberEntry{Daizi: "乌司发", Year: 2023, Seq: seq, Wenhao: fmt.Sprintf("乌司发〔2023〕%d号", seq),
			Status: archive.NumberIssued, DocumentID: fmt.Sprintf("20230301-%012x", seq), By: "王明", Time: at, Updated: at}
		b, _ := json.Marshal(e)
		if _, err := s.Put(ctx, fmt.Sprintf("numbers/乌司发/2023/%d", seq), b, archive.Cond{IfNoneMatch: true}); err != nil {
			t.Fatal(err)
		}
	}
	put(47, archive.StaleAllocation+time.Minute)
	put(48, time.Minute)
	b, _ := os.ReadFile("testdata/手工-评查通知-标题两段.docx")
	sum, err := importer.New(s).Import(ctx, []importer.File{importer.BytesFile("评查通知.docx", b)}, importer.Options{By: "档案员"})
	if err != nil {
		t.Fatal(err)
	}
	r := sum.Results[0]
	if r.Status != importer.StatusImported || len(r.Notes) != 1 || !strings.Contains(r.Notes[0], "文件缺失") {
		t.Fatalf("stale number without its document: %+v", r)
	}
	reg := archive.NewRegistry(s)
	e, err := reg.Lookup(ctx, "乌司发〔2023〕47号")
	if err != nil || e.Status != archive.NumberImported || e.DocumentID != r.Record.ID {
		t.Errorf("entry after import: %+v %v", e, err)
	}
	if _, _, err := archive.NewDocuments(s).GetRecord(ctx, 2023, r.Record.ID); err != nil {
		t.Errorf("imported document: %v", err)
	}

	text := strings.Replace(mustText(t, b), "乌司发[2023]47号", "乌司发[2023]48号", 1)
	sum, _ = importer.New(s).Import(ctx, []importer.File{importer.BytesFile("发文中.txt", []byte(text))}, importer.Options{})
	if r := sum.Results[0]; r.Status != importer.StatusFailed || !strings.Contains(r.Reason, "尚未保存") {
		t.Errorf("number of an issue that may still be running: %+v", r)
	}
	if e, _ := reg.Lookup(ctx, "乌司发〔2023〕48号"); e == nil || e.Status != archive.NumberIssued || e.DocumentID != "20230301-000000000030" {
		t.Errorf("entry of the running issue changed: %+v", e)
	}
}

func mustText(t *testing.T, docx []byte) string {
	s, err := render.ExtractText(docx, render.TextOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestImportFailureLeavesNoHalfDocument: when the record cannot be
// stored the file is reported failed, its number stays registered as
// used (the past document did use it) but names no document, verify finds
// nothing half-done, and importing the file again completes it.
func TestImportFailureLeavesNoHalfDocument(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	b, _ := os.ReadFile("testdata/通报-GB18030.txt")
	s.FailOn("record.json")
	sum, err := importer.New(s).Import(ctx, []importer.File{importer.BytesFile("通报.txt", b)}, importer.Options{By: "档案员"})
	if err != nil {
		t.Fatal(err)
	}
	r := sum.Results[0]
	if r.Status != importer.StatusFailed || !strings.Contains(r.Reason, "保存失败") || !strings.Contains(r.Reason, "重新导入该文件即可") {
		t.Fatalf("%+v", r)
	}
	reg := archive.NewRegistry(s)
	e, err := reg.Lookup(ctx, "乌司发〔2023〕21号")
	if err != nil || e.Status != archive.NumberImported || e.DocumentID != "" {
		t.Fatalf("entry after a failed import: %+v %v", e, err)
	}
	if rep, _ := archive.Verify(ctx, s, archive.VerifyOptions{}); len(rep.Problems) != 0 || rep.Records != 0 {
		t.Errorf("verify after a failed import: %+v", rep)
	}
	// Issuing meanwhile does not take the number.
	if n, _, _ := reg.Allocate(ctx, "乌司发", 2023, archive.NumberReserved, "", "t", "r"); n.Seq != 22 {
		t.Errorf("allocated %d", n.Seq)
	}
	s.FailOn("")
	sum, _ = importer.New(s).Import(ctx, []importer.File{importer.BytesFile("通报.txt", b)}, importer.Options{By: "档案员"})
	if r := sum.Results[0]; r.Status != importer.StatusImported {
		t.Fatalf("second attempt: %+v", r)
	}
	e, _ = reg.Lookup(ctx, "乌司发〔2023〕21号")
	if e.DocumentID != sum.Results[0].Record.ID {
		t.Errorf("entry %+v", e)
	}
	if rep, _ := archive.Verify(ctx, s, archive.VerifyOptions{}); len(rep.Problems) != 0 || rep.Records != 1 {
		t.Errorf("verify after the second attempt: %+v", rep)
	}
}

// TestImportRunErrors: an unknown office stops the run before anything
// is read; a cancelled context stops it between files.
func TestImportRunErrors(t *testing.T) {
	s := newStore(t)
	im := importer.New(s)
	if _, err := im.Import(context.Background(), fixtureFiles(t), importer.Options{Org: "nobody"}); err == nil || !strings.Contains(err.Error(), "没有机关") {
		t.Errorf("unknown office: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	files := fixtureFiles(t)
	done := 0
	sum, err := im.Import(ctx, files, importer.Options{AllowNoNumber: true, Progress: func(d, _ int) {
		if done = d; d == 2 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) || len(sum.Results) != 2 || done != 2 {
		t.Errorf("cancelled run: %v, %d results", err, len(sum.Results))
	}
	var names []string
	for _, r := range sum.Results {
		names = append(names, r.File)
	}
	sort.Strings(names)
	if names[0] != files[0].Name {
		t.Errorf("results %v", names)
	}
}
