package archive_test

import (
	"bytes"
	"context"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gongwen/gongwen/archive"
	"github.com/gongwen/gongwen/archive/storetest"
	"github.com/gongwen/gongwen/internal/miniotest"
)

// s3Config returns the configuration of a fresh bucket on srv.
func s3Config(t *testing.T, srv *miniotest.Server) archive.S3Config {
	return archive.S3Config{Endpoint: srv.Endpoint, Bucket: srv.NewBucket(t), AccessKey: srv.AccessKey, SecretKey: srv.SecretKey}
}

// TestS3StoreContract runs the store contract against a real MinIO server
// (skipped, saying how to run it, where MinIO is not installed).
func TestS3StoreContract(t *testing.T) {
	srv := miniotest.Start(t)
	storetest.Run(t, func(t *testing.T) archive.Store {
		s, err := archive.OpenS3Store(context.Background(), s3Config(t, srv))
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

func TestS3Misconfiguration(t *testing.T) {
	srv := miniotest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	good := s3Config(t, srv)

	bad := good
	bad.SecretKey = "wrong-secret-key"
	if _, err := archive.OpenS3Store(ctx, bad); err == nil || !strings.Contains(err.Error(), "access key") {
		t.Errorf("wrong credentials: %v", err)
	}
	missing := good
	missing.Bucket = "no-such-bucket"
	if _, err := archive.OpenS3Store(ctx, missing); err == nil || !strings.Contains(err.Error(), "没有存储桶") {
		t.Errorf("missing bucket: %v", err)
	}
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	down := good
	down.Endpoint = addr
	if _, err := archive.OpenS3Store(ctx, down); err == nil || !strings.Contains(err.Error(), "无法连接") {
		t.Errorf("unreachable endpoint: %v", err)
	}
	withScheme := good
	withScheme.Endpoint = "http://" + good.Endpoint
	if _, err := archive.OpenS3Store(ctx, withScheme); err == nil {
		t.Error("endpoint with a scheme accepted")
	}
}

// TestS3FilingLocksVersions: where the bucket has Object Lock, filing
// retains the document's versions for the 保管期限.
func TestS3FilingLocksVersions(t *testing.T) {
	srv := miniotest.Start(t)
	ctx := context.Background()
	bucket := miniotest.BucketName(t)
	if err := srv.MakeBucketWithLock(ctx, bucket); err != nil {
		t.Fatal(err)
	}
	s, err := archive.OpenS3Store(ctx, archive.S3Config{Endpoint: srv.Endpoint, Bucket: bucket, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey})
	if err != nil {
		t.Fatal(err)
	}
	recs := seed(t, s, 1)
	if _, err := archive.NewDocuments(s).File(ctx, 2026, recs[0].ID, "10年", testProfile(), "档案员"); err != nil {
		t.Fatal(err)
	}
	resp, err := srv.Do(ctx, "GET", bucket, recs[0].Latest().Key, "retention=", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	year := time.Now().Year() + 10
	if resp.StatusCode != 200 || !strings.Contains(string(body), "GOVERNANCE") || !strings.Contains(string(body), strconv.Itoa(year)) {
		t.Fatalf("retention of the filed version: %d %s", resp.StatusCode, body)
	}
}

// BenchmarkS3ConditionalPut measures the ceiling of the S3 server itself:
// 8 KB PUTs with If-None-Match from 16 goroutines, no rendering. Issuing
// makes three such writes per document, so this bounds issue throughput.
//
//	GONGWEN_MINIO_BIN=$(bash scripts/minio.sh) go test -run '^$' -bench BenchmarkS3ConditionalPut -benchtime 3200x ./archive/
func BenchmarkS3ConditionalPut(b *testing.B) {
	srv := miniotest.Start(b)
	s, err := archive.OpenS3Store(context.Background(), archive.S3Config{Endpoint: srv.Endpoint,
		Bucket: srv.NewBucket(b), AccessKey: srv.AccessKey, SecretKey: srv.SecretKey})
	if err != nil {
		b.Fatal(err)
	}
	data := bytes.Repeat([]byte("x"), 8000)
	var next atomic.Int64
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1)
				if i > int64(b.N) {
					return
				}
				if _, err := s.Put(context.Background(), "k/"+strconv.FormatInt(i, 10), data, archive.Cond{IfNoneMatch: true}); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "PUT/s")
}
