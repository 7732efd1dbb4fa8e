package archive_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gongwen/gongwen/archive"
)

// TestTextVersions: an imported .txt is stored as v1.txt, read back
// unchanged and re-hashed by verify; a record written before versions had
// a format still reads as .docx.
func TestTextVersions(t *testing.T) {
	dir := t.TempDir()
	s, _ := archive.OpenFileStore(dir)
	ctx := context.Background()
	docs := archive.NewDocuments(s)
	id := archive.NewID(time.Now())
	gb := []byte{0xce, 0xda, 0xcb, 0xbe, 0xb7, 0xa2} // 乌司发 in GB18030: stored as given
	v, err := docs.PutVersionAs(ctx, 2019, id, 1, archive.FormatText, gb, "档案员", "导入：旧通知.txt")
	if err != nil {
		t.Fatal(err)
	}
	if v.Key != "documents/2019/"+id+"/v1.txt" || v.FileFormat() != archive.FormatText {
		t.Fatalf("version %+v", v)
	}
	if _, err := docs.PutVersionAs(ctx, 2019, id, 2, "exe", gb, "x", ""); err == nil {
		t.Error("a version stored in an unknown format")
	}
	r := &archive.Record{ID: id, Year: 2019, Title: "旧通知", Versions: []archive.Version{v}, Status: archive.StatusIssued,
		Imported: &archive.Imported{File: "旧通知.txt", Encoding: "gb18030"}}
	if err := docs.CreateRecord(ctx, r); err != nil {
		t.Fatal(err)
	}
	got, _, err := docs.GetRecord(ctx, 2019, id)
	if err != nil {
		t.Fatal(err)
	}
	if b, err := docs.GetVersion(ctx, got, 1); err != nil || string(b) != string(gb) {
		t.Fatalf("read back %q %v", b, err)
	}
	// Verify: an imported document without a 发文字号 needs no registry
	// entry; the .txt is re-hashed, and a changed byte is caught.
	rep, err := archive.Verify(ctx, s, archive.VerifyOptions{})
	if err != nil || len(rep.Problems) != 0 || rep.OK != 1 {
		t.Fatalf("verify: %+v %v", rep, err)
	}
	os.WriteFile(filepath.Join(dir, "documents", "2019", id, "v1.txt"), []byte("altered"), 0o644)
	rep, _ = archive.Verify(ctx, s, archive.VerifyOptions{})
	if rep.ByKind[archive.ProblemHash] != 1 {
		t.Errorf("altered .txt not caught: %+v", rep.Problems)
	}
	// An issued record without a number is still a problem.
	seed(t, s, 1)
	bare := &archive.Record{ID: archive.NewID(time.Now()), Year: 2026, Versions: []archive.Version{{N: 1, Key: "documents/x", SHA256: "00"}}}
	docs.CreateRecord(ctx, bare)
	rep, _ = archive.Verify(ctx, s, archive.VerifyOptions{})
	if rep.ByKind[archive.ProblemRegistry] != 1 {
		t.Errorf("an issued record without its number not reported: %+v", rep.Problems)
	}

	// A record stored before Version.Format existed reads as .docx.
	old := []byte(`{"id":"20260101-000000000001","wenhao":"乌司发〔2026〕9号","year":2026,"versions":[{"n":1,"key":"documents/2026/20260101-000000000001/v1.docx","sha256":"ab"}]}`)
	s.Put(ctx, archive.RecordKey(2026, "20260101-000000000001"), old, archive.Cond{})
	o, _, err := docs.GetRecord(ctx, 2026, "20260101-000000000001")
	if err != nil || o.Latest().FileFormat() != archive.FormatDocx {
		t.Errorf("old record: %+v %v", o, err)
	}
}

// TestGapsBelowImported: numbers below an imported one were used before
// gongwen kept the series and are no unexplained gap; numbers above it,
// and gaps in a series without imports, are.
func TestGapsBelowImported(t *testing.T) {
	e := func(seq int, status string) *archive.NumberEntry {
		return &archive.NumberEntry{Seq: seq, Status: status}
	}
	for _, c := range []struct {
		entries []*archive.NumberEntry
		want    []int
	}{
		{[]*archive.NumberEntry{e(1, archive.NumberIssued), e(4, archive.NumberIssued)}, []int{2, 3}},
		{[]*archive.NumberEntry{e(47, archive.NumberImported)}, nil},
		{[]*archive.NumberEntry{e(47, archive.NumberImported), e(48, archive.NumberIssued), e(50, archive.NumberIssued)}, []int{49}},
		{[]*archive.NumberEntry{e(2, archive.NumberIssued), e(9, archive.NumberImported), e(12, archive.NumberImported)}, nil},
	} {
		if got := archive.Gaps(c.entries); !slices.Equal(got, c.want) && (len(got) > 0 || len(c.want) > 0) {
			t.Errorf("Gaps(%v) = %v, want %v", c.entries, got, c.want)
		}
	}
	// Verify agrees.
	s, _ := archive.OpenFileStore(t.TempDir())
	ctx := context.Background()
	reg := archive.NewRegistry(s)
	if _, err := reg.Import(ctx, "乌司发", 2023, 47, "", "档案员"); err != nil {
		t.Fatal(err)
	}
	next, _, err := reg.Allocate(ctx, "乌司发", 2023, archive.NumberReserved, "", "t", "线下签发")
	if err != nil || next.Seq != 48 {
		t.Fatalf("after importing 47 the next is %+v %v", next, err)
	}
	rep, err := archive.Verify(ctx, s, archive.VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range rep.Problems {
		if strings.Contains(p.Kind, "空号") {
			t.Errorf("numbers before an imported one reported: %+v", p)
		}
	}
}
