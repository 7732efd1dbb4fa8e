// Package trackingtest builds the archive that the 督办 and 统计
// benchmarks measure.
package trackingtest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/gongwen/gongwen/archive"
	"github.com/gongwen/gongwen/tracking"
)

// Org is the office whose notices Archive holds.
const Org = "wlmq-sfj"

// Archive returns the documents of a file store in a temporary folder
// holding 7,500 records: 5,000 notices of Org, issued in 2026 over 300
// days with a 15-working-day term, and an answering 整改情况报告 for every
// second one.
func Archive(tb testing.TB) *archive.Documents {
	tb.Helper()
	ctx := context.Background()
	store, err := archive.OpenFileStore(tb.TempDir())
	if err != nil {
		tb.Fatal(err)
	}
	docs := archive.NewDocuments(store)
	base := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	cats := tracking.Categories()
	for i := 1; i <= 5000; i++ {
		dated := base.AddDate(0, 0, i%300)
		n := &archive.Record{ID: archive.NewID(dated), Wenhao: archive.FormatWenhao("乌司发", 2026, i), Daizi: "乌司发", Year: 2026, Seq: i,
			Category: cats[i%3], Org: Org, SupervisedUnit: fmt.Sprintf("单位%d", i%40), Date: dated.Format("2006-01-02"),
			Deadline: "自收到本通知之日起15个工作日内", Data: map[string]any{"印发日期": dated.Format("2006-01-02")},
			Versions: []archive.Version{{N: 1}}, Status: archive.StatusIssued}
		if err := docs.CreateRecord(ctx, n); err != nil {
			tb.Fatal(err)
		}
		if i%2 == 0 {
			answered := dated.AddDate(0, 0, 10+i%30)
			r := &archive.Record{ID: archive.NewID(answered), Wenhao: archive.FormatWenhao("乌市监报", 2026, i), Daizi: "乌市监报", Year: 2026, Seq: i,
				Category: "整改情况报告", Date: answered.Format("2006-01-02"), RespondsTo: n.ID, Versions: []archive.Version{{N: 1}}, Status: archive.StatusIssued}
			if err := docs.CreateRecord(ctx, r); err != nil {
				tb.Fatal(err)
			}
		}
	}
	return docs
}
