package archive_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gongwen/gongwen/archive"
)

// seed stores n documents the way issuing does: number, version, record.
func seed(t *testing.T, s archive.Store, n int) []*archive.Record {
	ctx := context.Background()
	reg, docs := archive.NewRegistry(s), archive.NewDocuments(s)
	var out []*archive.Record
	for i := 0; i < n; i++ {
		id := archive.NewID(time.Now())
		e, _, err := reg.Allocate(ctx, "乌司发", 2026, archive.NumberIssued, id, "t", "")
		if err != nil {
			t.Fatal(err)
		}
		v, err := docs.PutVersion(ctx, 2026, id, 1, []byte("docx bytes "+e.Wenhao), "t", "")
		if err != nil {
			t.Fatal(err)
		}
		r := &archive.Record{ID: id, Wenhao: e.Wenhao, Daizi: e.Daizi, Year: 2026, Seq: e.Seq, Versions: []archive.Version{v}, Status: archive.StatusIssued}
		if err := docs.CreateRecord(ctx, r); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

func TestVerify(t *testing.T) {
	dir := t.TempDir()
	s, _ := archive.OpenFileStore(dir)
	ctx := context.Background()
	recs := seed(t, s, 4)
	rep, err := archive.Verify(ctx, s, archive.VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Problems) != 0 || rep.Records != 4 || rep.OK != 4 || rep.Numbers != 4 || len(rep.Unreferenced) != 0 {
		t.Fatalf("clean archive: %+v", rep)
	}
	// Content stored by an issue cut short before its record: reported as
	// unreferenced, not as a problem.
	orphan, err := archive.NewDocuments(s).PutVersion(ctx, 2026, archive.NewID(time.Now()), 1, []byte("docx bytes"), "t", "")
	if err != nil {
		t.Fatal(err)
	}
	rep, err = archive.Verify(ctx, s, archive.VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Problems) != 0 || len(rep.Unreferenced) != 1 || rep.Unreferenced[0] != orphan.Key {
		t.Fatalf("archive with a content no record names: %+v", rep)
	}
	// A changed byte, a lost registry entry, an interrupted issue.
	f := filepath.Join(dir, filepath.FromSlash(recs[0].Latest().Key))
	b, _ := os.ReadFile(f)
	b[0] ^= 1
	os.WriteFile(f, b, 0o644)
	os.Remove(filepath.Join(dir, "numbers", "乌司发", "2026", "2"))
	stale := archive.NumberEntry{Daizi: "乌司发", Year: 2026, Seq: 5, Wenhao: "乌司发〔2026〕5号", Status: archive.NumberAllocated, Time: time.Now().Add(-time.Hour)}
	js, _ := json.Marshal(stale)
	s.Put(ctx, "numbers/乌司发/2026/5", js, archive.Cond{IfNoneMatch: true})

	rep, err = archive.Verify(ctx, s, archive.VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{archive.ProblemHash: 1, archive.ProblemRegistry: 1, archive.ProblemGap: 1, archive.ProblemUnfinished: 1}
	for k, n := range want {
		if rep.ByKind[k] != n {
			t.Errorf("%s: %d, want %d (%+v)", k, rep.ByKind[k], n, rep.Problems)
		}
	}
	if len(rep.Problems) != 4 {
		t.Errorf("problems %+v", rep.Problems)
	}
	rep, _ = archive.Verify(ctx, s, archive.VerifyOptions{Repair: true})
	if rep.Repaired != 1 || rep.ByKind[archive.ProblemUnfinished] != 0 {
		t.Errorf("repair: %+v", rep)
	}
	e, _, _ := archive.NewRegistry(s).Get(ctx, "乌司发", 2026, 5)
	if e.Status != archive.NumberVoid || e.Reason == "" {
		t.Errorf("interrupted number after repair: %+v", e)
	}
}

// A number voided by an issue that lost its record's answer, while the
// record and content are complete, is reinstated by repair.
func TestVerifyReinstatesAWronglyVoidedNumber(t *testing.T) {
	s, _ := archive.OpenFileStore(t.TempDir())
	ctx := context.Background()
	recs := seed(t, s, 2)
	reg := archive.NewRegistry(s)
	if _, err := reg.Abandon(ctx, "乌司发", 2026, 2, recs[1].ID, "发文未完成：connection reset"); err != nil {
		t.Fatal(err)
	}
	rep, _ := archive.Verify(ctx, s, archive.VerifyOptions{})
	if rep.ByKind[archive.ProblemRegistry] != 1 {
		t.Fatalf("not reported: %+v", rep.Problems)
	}
	rep, _ = archive.Verify(ctx, s, archive.VerifyOptions{Repair: true})
	if rep.Repaired != 1 {
		t.Fatalf("not repaired: %+v", rep)
	}
	e, _, _ := reg.Get(ctx, "乌司发", 2026, 2)
	if e.Status != archive.NumberIssued || e.DocumentID != recs[1].ID {
		t.Fatalf("entry after repair: %+v", e)
	}
	if rep, _ := archive.Verify(ctx, s, archive.VerifyOptions{}); len(rep.Problems) != 0 {
		t.Fatalf("still problems: %+v", rep.Problems)
	}
}
