package issuing

import (
	"context"
	"errors"
	"maps"
	"strings"
	"sync"
	"testing"

	"github.com/gongwen/gongwen/archive"
	"github.com/gongwen/gongwen/archive/storetest"
	"github.com/gongwen/gongwen/render"
	"github.com/gongwen/gongwen/templates"
)

func setup(t *testing.T) (*Issuer, *storetest.Faulty, *templates.Template) {
	fs, err := archive.OpenFileStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	st := &storetest.Faulty{Store: fs}
	tpl, err := templates.Builtin("监督通知书")
	if err != nil {
		t.Fatal(err)
	}
	is := New(st)
	is.Retries = 1
	return is, st, tpl
}

func TestIssueNumbersAndStores(t *testing.T) {
	is, _, tpl := setup(t)
	ctx := context.Background()
	var recs []*archive.Record
	for i := 0; i < 3; i++ {
		res, err := is.Issue(ctx, Request{Template: tpl, Data: tpl.Example, Author: "王明"})
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, res.Record)
	}
	if recs[0].Wenhao != "乌司发〔2026〕1号" || recs[2].Wenhao != "乌司发〔2026〕3号" {
		t.Fatalf("numbers %s … %s", recs[0].Wenhao, recs[2].Wenhao)
	}
	r, _, err := is.Documents.GetRecord(ctx, 2026, recs[1].ID)
	if err != nil {
		t.Fatal(err)
	}
	if r.Title != tpl.Example["标题"] || r.SupervisedUnit == "" || r.Category != "监督通知书" || r.WenZhong != "通知" || len(r.CC) == 0 {
		t.Errorf("record fields: %+v", r)
	}
	doc, err := is.Documents.GetVersion(ctx, r, 1)
	if err != nil {
		t.Fatal(err)
	}
	text, _ := render.ExtractText(doc, render.TextOptions{})
	if !strings.Contains(text, "乌司发〔2026〕2号") {
		t.Error("stored document does not carry its number")
	}
	entries, err := is.Registry.List(ctx, "乌司发", 2026)
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range entries {
		if e.Seq != i+1 || e.Status != archive.NumberIssued || e.DocumentID != recs[i].ID {
			t.Errorf("registry entry %+v", e)
		}
	}
	// A correction keeps the number; the old version stays readable.
	r2, err := is.Documents.AddVersion(ctx, 2026, r.ID, append([]byte(nil), doc...), "李四", "更正错字")
	if err != nil {
		t.Fatal(err)
	}
	if len(r2.Versions) != 2 || r2.Wenhao != r.Wenhao {
		t.Fatalf("versions %+v", r2.Versions)
	}
	if _, err := is.Documents.GetVersion(ctx, r2, 1); err != nil {
		t.Errorf("old version unreadable: %v", err)
	}
}

func TestBadDataTakesNoNumber(t *testing.T) {
	is, _, tpl := setup(t)
	data := maps.Clone(tpl.Example)
	delete(data, "被监督单位")
	if _, err := is.Issue(context.Background(), Request{Template: tpl, Data: data}); err == nil || !strings.Contains(err.Error(), "被监督单位") {
		t.Fatalf("want a data error naming the field, got %v", err)
	}
	if entries, _ := is.Registry.List(context.Background(), "乌司发", 2026); len(entries) != 0 {
		t.Fatalf("a rejected request took a number: %+v", entries)
	}
}

func TestFailedStorageVoidsTheNumber(t *testing.T) {
	is, st, tpl := setup(t)
	ctx := context.Background()
	st.FailOn("/v1.docx")
	_, err := is.Issue(ctx, Request{Template: tpl, Data: tpl.Example, Author: "王明"})
	if err == nil || !strings.Contains(err.Error(), "已登记为作废") {
		t.Fatalf("want the number reported void, got %v", err)
	}
	st.FailOn("")
	res, err := is.Issue(ctx, Request{Template: tpl, Data: tpl.Example, Author: "王明"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Record.Seq != 2 {
		t.Errorf("next number %d, want 2 (1 stays void, never reused)", res.Record.Seq)
	}
	entries, _ := is.Registry.List(ctx, "乌司发", 2026)
	if len(entries) != 2 || entries[0].Status != archive.NumberVoid || !strings.Contains(entries[0].Reason, "simulated storage failure") {
		t.Fatalf("registry %+v", entries[0])
	}
	if gaps := archive.Gaps(entries); len(gaps) != 0 {
		t.Errorf("gaps %v", gaps)
	}
	// Nothing of the failed document is visible.
	n := 0
	is.Documents.ListRecords(ctx, func(*archive.Record) error { n++; return nil })
	if n != 1 {
		t.Errorf("%d records stored, want 1", n)
	}
}

func TestConcurrentIssuesNeverShareANumber(t *testing.T) {
	is, _, tpl := setup(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	seen := sync.Map{}
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 5; i++ {
				res, err := is.Issue(ctx, Request{Template: tpl, Data: tpl.Example})
				if err != nil {
					t.Error(err)
					return
				}
				if _, dup := seen.LoadOrStore(res.Record.Seq, true); dup {
					t.Errorf("number %d issued twice", res.Record.Seq)
				}
			}
		}()
	}
	wg.Wait()
	entries, _ := is.Registry.List(ctx, "乌司发", 2026)
	if len(entries) != 40 || len(archive.Gaps(entries)) != 0 {
		t.Fatalf("%d entries, gaps %v", len(entries), archive.Gaps(entries))
	}
}

// lostAnswerStore stores record.json but answers with an error, as when
// the connection drops after the server wrote the object.
type lostAnswerStore struct{ archive.Store }

func (l lostAnswerStore) Put(ctx context.Context, key string, data []byte, c archive.Cond) (archive.ObjectInfo, error) {
	info, err := l.Store.Put(ctx, key, data, c)
	if err == nil && strings.HasSuffix(key, "/record.json") {
		return archive.ObjectInfo{}, errors.New("connection reset after the write")
	}
	return info, err
}

func TestLostAnswerKeepsTheDocument(t *testing.T) {
	fs, _ := archive.OpenFileStore(t.TempDir())
	is := New(lostAnswerStore{fs})
	is.Retries = 1
	tpl, _ := templates.Builtin("决定书")
	res, err := is.Issue(context.Background(), Request{Template: tpl, Data: tpl.Example})
	if err != nil {
		t.Fatalf("the record was stored; the issue must succeed: %v", err)
	}
	e, _, _ := is.Registry.Get(context.Background(), res.Record.Daizi, res.Record.Year, res.Record.Seq)
	if e.Status != archive.NumberIssued || e.DocumentID != res.Record.ID {
		t.Fatalf("number entry %+v", e)
	}
	rep, _ := archive.Verify(context.Background(), fs, archive.VerifyOptions{})
	if len(rep.Problems) != 0 {
		t.Fatalf("verify: %+v", rep.Problems)
	}
}

// TestPreview checks that a preview shows the document with the next free
// number and takes nothing: the number is still free afterwards.
func TestPreview(t *testing.T) {
	ctx := context.Background()
	store, err := archive.OpenFileStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	is := New(store)
	tpl, _ := templates.Builtin("监督通知书")
	data := tpl.Example
	p, err := is.Preview(ctx, Request{Template: tpl, Data: data, Author: "t"})
	if err != nil {
		t.Fatal(err)
	}
	if p.NextWenhao != "乌司发〔2026〕1号" || !strings.Contains(p.Text, "乌司发〔2026〕1号") || !strings.Contains(p.Text, "被监督") && !strings.Contains(p.Text, "市场监督管理局") {
		t.Fatalf("preview: next %s, text %.200s", p.NextWenhao, p.Text)
	}
	if es, _ := is.Registry.List(ctx, "乌司发", 2026); len(es) != 0 {
		t.Fatalf("a preview took %d numbers", len(es))
	}
	res, err := is.Issue(ctx, Request{Template: tpl, Data: data, Author: "t"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Record.Wenhao != p.NextWenhao {
		t.Errorf("issued %s after previewing %s", res.Record.Wenhao, p.NextWenhao)
	}
	p2, err := is.Preview(ctx, Request{Template: tpl, Data: data})
	if err != nil || p2.NextWenhao != "乌司发〔2026〕2号" {
		t.Errorf("second preview: %v %v", p2, err)
	}
	// Bad data is refused with the field named.
	bad := maps.Clone(data)
	delete(bad, "标题")
	if _, err := is.Preview(ctx, Request{Template: tpl, Data: bad}); err == nil || !strings.Contains(err.Error(), "标题") {
		t.Errorf("preview without 标题: %v", err)
	}
}
