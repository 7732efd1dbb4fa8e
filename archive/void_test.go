package archive_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gongwen/gongwen/archive"
)

// TestVoidDocument checks that voiding keeps the number used and the
// versions readable, needs a reason, and refuses a filed or void document.
func TestVoidDocument(t *testing.T) {
	ctx := context.Background()
	store, err := archive.OpenFileStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	d := archive.NewDocuments(store)
	r := &archive.Record{ID: archive.NewID(time.Now()), Wenhao: "乌司发〔2026〕1号", Daizi: "乌司发", Year: 2026, Seq: 1, Status: archive.StatusIssued}
	v, err := d.PutVersion(ctx, 2026, r.ID, 1, []byte("x"), "a", "")
	if err != nil {
		t.Fatal(err)
	}
	r.Versions = []archive.Version{v}
	if err := d.CreateRecord(ctx, r); err != nil {
		t.Fatal(err)
	}
	var ref *archive.Refusal
	if _, err := d.Void(ctx, 2026, r.ID, "  ", "王"); !errors.As(err, &ref) {
		t.Fatalf("void without reason: %v, want a archive.Refusal", err)
	}
	got, err := d.Void(ctx, 2026, r.ID, "内容有误，重新发文", "王")
	if err != nil || got.Status != archive.StatusVoid || !strings.Contains(got.StatusReason, "内容有误") {
		t.Fatalf("void: %+v %v", got, err)
	}
	if _, err := d.GetVersion(ctx, got, 1); err != nil {
		t.Errorf("void document's version unreadable: %v", err)
	}
	if _, err := d.Void(ctx, 2026, r.ID, "again", "王"); !errors.As(err, &ref) {
		t.Errorf("second void: %v", err)
	}
	if _, err := d.AddVersion(ctx, 2026, r.ID, []byte("y"), "王", "更正"); !errors.As(err, &ref) {
		t.Errorf("version of a void document: %v", err)
	}
}
