package tracking_test

import (
	"context"
	"testing"

	"github.com/gongwen/gongwen/deadline"
	"github.com/gongwen/gongwen/tracking"
	"github.com/gongwen/gongwen/tracking/trackingtest"
)

// BenchmarkList measures one 督办 listing over trackingtest.Archive: 7,500
// records in the file store, 5,000 notices, half of them answered.
//
//	go test ./tracking/ -run - -bench List -benchtime 5x
func BenchmarkList(b *testing.B) {
	ctx := context.Background()
	docs := trackingtest.Archive(b)
	cal := deadline.Builtin()
	b.ResetTimer()
	for b.Loop() {
		rep, err := tracking.List(ctx, docs, cal, tracking.Query{Org: trackingtest.Org, Today: deadline.Date{Year: 2026, Month: 11, Day: 25}, Within: 7})
		if err != nil || rep.Counts.Total != 5000 || rep.Counts.Unknown != 0 {
			b.Fatalf("%v %+v", err, rep.Counts)
		}
	}
}
