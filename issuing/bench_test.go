package issuing

import (
	"context"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/gongwen/gongwen/archive"
	"github.com/gongwen/gongwen/internal/miniotest"
	"github.com/gongwen/gongwen/templates"
)

// BenchmarkIssue measures issuing (dry render, number, render, store,
// record, registry) against the file store and a local MinIO, with 1 and
// 16 concurrent issuers, and reports documents/s and latency percentiles:
//
//	go test -run '^$' -bench BenchmarkIssue -benchtime 400x ./issuing/
func BenchmarkIssue(b *testing.B) {
	tpl, err := templates.Builtin("监督通知书")
	if err != nil {
		b.Fatal(err)
	}
	stores := map[string]func(b *testing.B) archive.Store{
		"file": func(b *testing.B) archive.Store {
			s, err := archive.OpenFileStore(b.TempDir())
			if err != nil {
				b.Fatal(err)
			}
			return s
		},
		"minio": func(b *testing.B) archive.Store {
			srv := miniotest.Start(b)
			s, err := archive.OpenS3Store(context.Background(), archive.S3Config{Endpoint: srv.Endpoint,
				Bucket: srv.NewBucket(b), AccessKey: srv.AccessKey, SecretKey: srv.SecretKey})
			if err != nil {
				b.Fatal(err)
			}
			return s
		},
	}
	for _, name := range []string{"file", "minio"} {
		for _, conc := range []int{1, 16} {
			b.Run(name+"/concurrency="+itoa(conc), func(b *testing.B) {
				is := New(stores[name](b))
				ctx := context.Background()
				lat := make([]time.Duration, b.N)
				var next int64 = -1
				var mu sync.Mutex
				b.ResetTimer()
				start := time.Now()
				var wg sync.WaitGroup
				for w := 0; w < conc; w++ {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for {
							mu.Lock()
							next++
							i := next
							mu.Unlock()
							if int(i) >= b.N {
								return
							}
							t0 := time.Now()
							if _, err := is.Issue(ctx, Request{Template: tpl, Data: tpl.Example}); err != nil {
								b.Error(err)
								return
							}
							lat[i] = time.Since(t0)
						}
					}()
				}
				wg.Wait()
				elapsed := time.Since(start)
				b.StopTimer()
				sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
				pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
				b.ReportMetric(float64(b.N)/elapsed.Seconds(), "docs/s")
				b.ReportMetric(pct(0.50), "p50-ms")
				b.ReportMetric(pct(0.95), "p95-ms")
				b.ReportMetric(pct(0.99), "p99-ms")
			})
		}
	}
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}
