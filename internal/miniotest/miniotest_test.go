package miniotest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The worked examples of AWS's "Signature Calculations for the Authorization
// Header" page for S3, which any correct SigV4 signer reproduces.
func TestSignerAWSExamples(t *testing.T) {
	s := Signer{
		AccessKey: "AKIAIOSFODNN7EXAMPLE",
		SecretKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
		Region:    "us-east-1",
	}
	at := time.Date(2013, 5, 24, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name, method, url string
		header            map[string]string
		body              string
		signedHeaders     string
		signature         string
	}{
		{
			name: "GET object", method: "GET", url: "https://examplebucket.s3.amazonaws.com/test.txt",
			header:        map[string]string{"Range": "bytes=0-9"},
			signedHeaders: "host;range;x-amz-content-sha256;x-amz-date",
			signature:     "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
		},
		{
			name: "PUT object", method: "PUT", url: "https://examplebucket.s3.amazonaws.com/test$file.text",
			header: map[string]string{
				"Date":                "Fri, 24 May 2013 00:00:00 GMT",
				"X-Amz-Storage-Class": "REDUCED_REDUNDANCY",
			},
			body:          "Welcome to Amazon S3.",
			signedHeaders: "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class",
			signature:     "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd",
		},
		{
			name: "GET bucket lifecycle", method: "GET", url: "https://examplebucket.s3.amazonaws.com/?lifecycle",
			signedHeaders: "host;x-amz-content-sha256;x-amz-date",
			signature:     "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543",
		},
		{
			name: "list objects", method: "GET", url: "https://examplebucket.s3.amazonaws.com/?max-keys=2&prefix=J",
			signedHeaders: "host;x-amz-content-sha256;x-amz-date",
			signature:     "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, err := http.NewRequest(c.method, c.url, strings.NewReader(c.body))
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range c.header {
				req.Header.Set(k, v)
			}
			if err := s.Sign(req, PayloadHash([]byte(c.body)), at); err != nil {
				t.Fatal(err)
			}
			want := "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, " +
				"SignedHeaders=" + c.signedHeaders + ", Signature=" + c.signature
			if got := req.Header.Get("Authorization"); got != want {
				t.Errorf("Authorization:\n got %s\nwant %s", got, want)
			}
			if got := req.Header.Get("X-Amz-Date"); got != "20130524T000000Z" {
				t.Errorf("X-Amz-Date = %q", got)
			}
		})
	}
}

func TestURIEncode(t *testing.T) {
	cases := []struct {
		in    string
		slash bool
		want  string
	}{
		{"a b", false, "a%20b"},
		{"a+b", false, "a%2Bb"},
		{"100%", false, "100%25"},
		{"公文/2026", false, "%E5%85%AC%E6%96%87/2026"},
		{"a/b", true, "a%2Fb"},
		{"A-z_0.9~", true, "A-z_0.9~"},
		{"!*'()$=&?#", true, "%21%2A%27%28%29%24%3D%26%3F%23"},
	}
	for _, c := range cases {
		if got := uriEncode(c.in, c.slash); got != c.want {
			t.Errorf("uriEncode(%q, %v) = %q, want %q", c.in, c.slash, got, c.want)
		}
	}
}

func TestBucketName(t *testing.T) {
	valid := regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$`)
	a, b := BucketName(t), BucketName(t)
	for _, name := range []string{a, b} {
		if !valid.MatchString(name) || strings.Contains(name, "--") {
			t.Errorf("BucketName = %q, not a valid S3 bucket name", name)
		}
	}
	if a == b {
		t.Errorf("BucketName returned %q twice", a)
	}
	t.Run("A_very/long test name, with 公文 and UPPER case and more and more and more", func(t *testing.T) {
		if name := BucketName(t); !valid.MatchString(name) || strings.Contains(name, "--") {
			t.Errorf("BucketName = %q, not a valid S3 bucket name", name)
		}
	})
}

// scripts/minio.sh and this package must agree on the pinned version, or
// the test would look for the binary where the script never put it.
func TestScriptPinsSameVersion(t *testing.T) {
	script, err := os.ReadFile(filepath.Join("..", "..", "scripts", "minio.sh"))
	if err != nil {
		t.Fatalf("reading scripts/minio.sh: %v", err)
	}
	if !bytes.Contains(script, []byte("version="+Version+"\n")) {
		t.Errorf("scripts/minio.sh does not pin version=%s", Version)
	}
}

func TestFindBinaryNone(t *testing.T) {
	t.Setenv(EnvBin, "")
	t.Setenv(EnvCache, t.TempDir())
	t.Setenv("PATH", t.TempDir())
	bin, err := FindBinary()
	if bin != "" || err != nil {
		t.Errorf("FindBinary() = %q, %v; want \"\", nil", bin, err)
	}

	t.Setenv(EnvBin, filepath.Join(t.TempDir(), "no-such-minio"))
	if _, err := FindBinary(); err == nil {
		t.Errorf("FindBinary() with %s naming a missing file: no error", EnvBin)
	}
}

func TestFindBinaryCache(t *testing.T) {
	cache := t.TempDir()
	t.Setenv(EnvBin, "")
	t.Setenv(EnvCache, cache)
	t.Setenv("PATH", t.TempDir())
	want := filepath.Join(cache, "minio", Version, "minio")
	if err := os.MkdirAll(filepath.Dir(want), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(want, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if got, err := FindBinary(); got != want || err != nil {
		t.Errorf("FindBinary() = %q, %v; want %q, nil", got, err, want)
	}
}

// put writes key with a signed PUT and returns the response status.
func put(ctx context.Context, t *testing.T, s *Server, bucket, key string, header http.Header, body []byte) (int, string) {
	t.Helper()
	resp, err := s.Do(ctx, http.MethodPut, bucket, key, "", header, body)
	if err != nil {
		t.Fatalf("PUT %s/%s: %v", bucket, key, err)
	}
	defer resp.Body.Close()
	_ = ResponseError(resp) // drain
	return resp.StatusCode, resp.Header.Get("ETag")
}

// get reads key with a signed GET and fails the test unless it answers 200.
func get(ctx context.Context, t *testing.T, s *Server, bucket, key string) []byte {
	t.Helper()
	resp, err := s.Do(ctx, http.MethodGet, bucket, key, "", nil, nil)
	if err != nil {
		t.Fatalf("GET %s/%s: %v", bucket, key, err)
	}
	defer resp.Body.Close()
	if err := ResponseError(resp); err != nil {
		t.Fatalf("GET %s/%s: %v", bucket, key, err)
	}
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s/%s: reading the body: %v", bucket, key, err)
	}
	return data
}

func TestServer(t *testing.T) {
	s := Start(t)
	ctx := t.Context()
	if !strings.HasPrefix(s.Endpoint, "127.0.0.1:") {
		t.Errorf("Endpoint = %q, want 127.0.0.1:<port>", s.Endpoint)
	}

	bucket := s.NewBucket(t)
	if err := s.MakeBucket(ctx, bucket); err == nil {
		t.Errorf("MakeBucket(%q) twice: no error", bucket)
	} else if se := (*S3Error)(nil); !errors.As(err, &se) || se.StatusCode != http.StatusConflict {
		t.Errorf("MakeBucket(%q) twice: %v, want 409", bucket, err)
	}

	// A key that needs the canonical encoding: spaces, "+", "$", Chinese.
	key := "docs/2026/国办发 [2026] 1号+v1$.docx"
	first := []byte("first version")
	ifNoneMatch := http.Header{"If-None-Match": {"*"}, "Content-Type": {"application/octet-stream"}}

	if code, _ := put(ctx, t, s, bucket, key, ifNoneMatch, first); code != http.StatusOK {
		t.Fatalf("first PUT with If-None-Match: * answered %d, want 200", code)
	}
	if code, _ := put(ctx, t, s, bucket, key, ifNoneMatch, []byte("overwrite attempt")); code != http.StatusPreconditionFailed {
		t.Fatalf("second PUT with If-None-Match: * answered %d, want 412 Precondition Failed", code)
	}
	if got := get(ctx, t, s, bucket, key); !bytes.Equal(got, first) {
		t.Fatalf("GET after the refused overwrite = %q, want %q", got, first)
	}

	// If-Match: a stale ETag is refused, the current one accepted.
	cas := "counters/next"
	code, etag := put(ctx, t, s, bucket, cas, ifNoneMatch, []byte("1"))
	if code != http.StatusOK || etag == "" {
		t.Fatalf("PUT %s: %d, ETag %q", cas, code, etag)
	}
	if code, _ := put(ctx, t, s, bucket, cas, http.Header{"If-Match": {`"00000000000000000000000000000000"`}}, []byte("2")); code != http.StatusPreconditionFailed {
		t.Fatalf("PUT with a stale If-Match answered %d, want 412", code)
	}
	if code, _ := put(ctx, t, s, bucket, cas, http.Header{"If-Match": {etag}}, []byte("2")); code != http.StatusOK {
		t.Fatalf("PUT with the current If-Match answered %d, want 200", code)
	}

	// Object Lock buckets can be made too.
	locked := BucketName(t)
	if err := s.MakeBucketWithLock(ctx, locked); err != nil {
		t.Fatalf("MakeBucketWithLock: %v", err)
	}
	resp, err := s.Do(ctx, http.MethodGet, locked, "", "object-lock", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	lockConf, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !bytes.Contains(lockConf, []byte("<ObjectLockEnabled>Enabled</ObjectLockEnabled>")) {
		t.Errorf("GET ?object-lock on %s: %d %s", locked, resp.StatusCode, lockConf)
	}

	// Wrong credentials are refused: the server really checks signatures.
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL()+"/"+bucket+"/"+cas, nil)
	if err != nil {
		t.Fatal(err)
	}
	wrong := Signer{AccessKey: s.AccessKey, SecretKey: "not-the-secret", Region: Region}
	if err := wrong.Sign(req, EmptyPayloadHash, time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err = s.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("GET with a wrong secret answered %d, want 403", resp.StatusCode)
	}

	// Stop, check it is down, Restart on the same port: the data survived.
	endpoint := s.Endpoint
	if err := s.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if s.Running() {
		t.Fatal("Running after Stop")
	}
	downCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	if resp, err := s.Do(downCtx, http.MethodGet, bucket, key, "", nil, nil); err == nil {
		resp.Body.Close()
		t.Fatalf("GET while stopped answered %d, want a connection error", resp.StatusCode)
	}
	cancel()
	if err := s.Stop(); err != nil {
		t.Errorf("second Stop: %v", err)
	}

	s.Restart(t)
	if s.Endpoint != endpoint {
		t.Errorf("Endpoint after Restart = %q, want %q", s.Endpoint, endpoint)
	}
	if got := get(ctx, t, s, bucket, key); !bytes.Equal(got, first) {
		t.Fatalf("GET after Restart = %q, want %q", got, first)
	}
	if code, _ := put(ctx, t, s, bucket, key, ifNoneMatch, []byte("overwrite after restart")); code != http.StatusPreconditionFailed {
		t.Fatalf("PUT with If-None-Match: * after Restart answered %d, want 412", code)
	}

	// A crash (SIGKILL) loses nothing that was acknowledged.
	if err := s.Kill(); err != nil {
		t.Fatalf("Kill: %v", err)
	}
	s.Restart(t)
	if got := get(ctx, t, s, bucket, cas); string(got) != "2" {
		t.Fatalf("GET %s after Kill and Restart = %q, want %q", cas, got, "2")
	}
}

// Two servers in one test are independent.
func TestTwoServers(t *testing.T) {
	a, b := Start(t), Start(t)
	if a.Endpoint == b.Endpoint || a.DataDir() == b.DataDir() {
		t.Fatalf("servers share endpoint or data: %s %s, %s %s", a.Endpoint, b.Endpoint, a.DataDir(), b.DataDir())
	}
	bucket := a.NewBucket(t)
	resp, err := b.Do(t.Context(), http.MethodHead, bucket, "", "", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("HEAD %s on the other server answered %d, want 404", bucket, resp.StatusCode)
	}
}
