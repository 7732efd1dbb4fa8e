package stats_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/gongwen/gongwen/archive"
	"github.com/gongwen/gongwen/deadline"
	"github.com/gongwen/gongwen/stats"
	"github.com/gongwen/gongwen/tracking"
)

// BenchmarkAnnual measures one year's figures over an archive of 7,500
// records in the file store (the archive of tracking's BenchmarkList):
// 5,000 notices of one office, 2,500 answers.
//
//	go test ./stats/ -run - -bench Annual -benchtime 5x
func BenchmarkAnnual(b *testing.B) {
	ctx := context.Background()
	store, err := archive.OpenFileStore(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	docs := archive.NewDocuments(store)
	base := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	cats := tracking.Categories()
	for i := 1; i <= 5000; i++ {
		dated := base.AddDate(0, 0, i%300)
		n := &archive.Record{ID: archive.NewID(dated), Wenhao: archive.FormatWenhao("乌司发", 2026, i), Daizi: "乌司发", Year: 2026, Seq: i,
			Category: cats[i%3], Org: "wlmq-sfj", SupervisedUnit: fmt.Sprintf("单位%d", i%40), Date: dated.Format("2006-01-02"),
			Deadline: "自收到本通知之日起15个工作日内", Data: map[string]any{"印发日期": dated.Format("2006-01-02")},
			Versions: []archive.Version{{N: 1}}, Status: archive.StatusIssued}
		if err := docs.CreateRecord(ctx, n); err != nil {
			b.Fatal(err)
		}
		if i%2 == 0 {
			answered := dated.AddDate(0, 0, 10+i%30)
			r := &archive.Record{ID: archive.NewID(answered), Wenhao: archive.FormatWenhao("乌市监报", 2026, i), Daizi: "乌市监报", Year: 2026, Seq: i,
				Category: "整改情况报告", Date: answered.Format("2006-01-02"), RespondsTo: n.ID, Versions: []archive.Version{{N: 1}}, Status: archive.StatusIssued}
			if err := docs.CreateRecord(ctx, r); err != nil {
				b.Fatal(err)
			}
		}
	}
	cal := deadline.Builtin()
	b.ResetTimer()
	for b.Loop() {
		f, err := stats.Annual(ctx, docs, cal, "wlmq-sfj", 2026, deadline.Date{Year: 2026, Month: 11, Day: 25})
		if err != nil || f.Issued != 5000 {
			b.Fatalf("%v %d", err, f.Issued)
		}
	}
}
