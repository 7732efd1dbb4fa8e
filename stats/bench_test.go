package stats_test

import (
	"context"
	"testing"

	"github.com/gongwen/gongwen/deadline"
	"github.com/gongwen/gongwen/stats"
	"github.com/gongwen/gongwen/tracking/trackingtest"
)

// BenchmarkAnnual measures one year's figures over the archive of
// tracking's BenchmarkList (trackingtest.Archive): 7,500 records in the
// file store, 5,000 notices of one office, 2,500 answers.
//
//	go test ./stats/ -run - -bench Annual -benchtime 5x
func BenchmarkAnnual(b *testing.B) {
	ctx := context.Background()
	docs := trackingtest.Archive(b)
	cal := deadline.Builtin()
	b.ResetTimer()
	for b.Loop() {
		f, err := stats.Annual(ctx, docs, cal, trackingtest.Org, 2026, deadline.Date{Year: 2026, Month: 11, Day: 25})
		if err != nil || f.Issued != 5000 {
			b.Fatalf("%v %d", err, f.Issued)
		}
	}
}
