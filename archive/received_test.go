package archive_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gongwen/gongwen/archive"
)

func TestSetReceived(t *testing.T) {
	ctx := context.Background()
	s, err := archive.OpenFileStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	docs := archive.NewDocuments(s)
	r := seed(t, s, 1)[0]
	if _, err := docs.UpdateRecord(ctx, 2026, r.ID, func(r *archive.Record) error { r.Date = "2026-03-05"; return nil }); err != nil {
		t.Fatal(err)
	}
	got, err := docs.SetReceived(ctx, 2026, r.ID, "2026-03-06")
	if err != nil || got.Received != "2026-03-06" {
		t.Fatalf("SetReceived: %v %+v", err, got)
	}
	back, _, err := docs.GetRecord(ctx, 2026, r.ID)
	if err != nil || back.Received != "2026-03-06" {
		t.Fatalf("stored: %v %q", err, back.Received)
	}
	tomorrow := time.Now().In(time.FixedZone("CST", 8*60*60)).AddDate(0, 0, 1).Format("2006-01-02") // in China
	for date, want := range map[string]string{
		"2026-03-04": "早于其成文日期 2026-03-05",
		"2026-3-6":   "无效",
		"2026-02-30": "无效",
		tomorrow:     "晚于今天",
	} {
		if _, err := docs.SetReceived(ctx, 2026, r.ID, date); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("SetReceived(%s): %v, want %q", date, err, want)
		}
	}
	if back, _, _ := docs.GetRecord(ctx, 2026, r.ID); back.Received != "2026-03-06" {
		t.Errorf("a refused date changed the record: %q", back.Received)
	}
	if got, err := docs.SetReceived(ctx, 2026, r.ID, ""); err != nil || got.Received != "" {
		t.Errorf("clear: %v %q", err, got.Received)
	}
}
