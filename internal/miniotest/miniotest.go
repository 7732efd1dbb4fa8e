// Package miniotest runs a real MinIO server on loopback for tests.
//
// Tests of the S3 object store run against a real S3 server, never a mock.
// Start launches the pinned MinIO server binary (installed by
// scripts/minio.sh, which scripts/test.sh runs) in a fresh data folder on a
// free 127.0.0.1 port with random credentials, waits until it is ready and
// stops it when the test ends. When no binary can be found the test skips.
//
// The package speaks S3 itself with a small AWS Signature V4 signer (Signer),
// so it needs no S3 client library: MakeBucket, NewBucket and Do are enough to
// set up buckets and to poke at objects directly.
package miniotest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// Version is the pinned MinIO server version, the one scripts/minio.sh
// installs with `go install github.com/minio/minio@<Version>`.
const Version = "v0.0.0-20260212201848-7aac2a2c5b7c"

// Region is the S3 region the server is configured with; sign requests and
// configure clients with it.
const Region = "us-east-1"

// EnvBin names the environment variable holding the path of the MinIO
// server binary. scripts/test.sh sets it after running scripts/minio.sh.
const EnvBin = "GONGWEN_MINIO_BIN"

// EnvCache names the environment variable overriding the cache folder
// (default $HOME/.cache/gongwen) in which scripts/minio.sh installs MinIO.
const EnvCache = "GONGWEN_CACHE"

// SkipMessage is the reason given to t.Skip when no MinIO binary is found.
const SkipMessage = "MinIO server not installed: run bash scripts/test.sh (it installs MinIO with go install) or set GONGWEN_MINIO_BIN"

const (
	readyTimeout = 30 * time.Second // how long Start waits for MinIO to answer
	stopGrace    = 5 * time.Second  // SIGTERM to SIGKILL
	maxOutput    = 1 << 20          // bytes of MinIO output kept
	startTries   = 3                // fresh ports tried when the first are taken
)

// Server is a MinIO server started by Start. Its methods are safe for
// concurrent use, so a test may Stop or Restart the server while other
// goroutines are talking to it.
type Server struct {
	// Endpoint is the S3 API address, host:port on 127.0.0.1 (no scheme).
	Endpoint string
	// AccessKey is the root user, random per server.
	AccessKey string
	// SecretKey is the root password, random per server.
	SecretKey string

	bin         string
	dataDir     string
	consoleAddr string
	client      *http.Client
	out         *lockedBuffer
	outShown    atomic.Bool // output already put in a failure message

	mu   sync.Mutex
	proc *process // nil when stopped
}

// process is one run of the MinIO binary.
type process struct {
	cmd     *exec.Cmd
	done    chan struct{} // closed when the process has exited
	waitErr error         // valid after done is closed
}

// URL returns the base URL of the S3 API, http://Endpoint.
func (s *Server) URL() string { return "http://" + s.Endpoint }

// Signer returns a SigV4 signer holding the server's credentials.
func (s *Server) Signer() Signer {
	return Signer{AccessKey: s.AccessKey, SecretKey: s.SecretKey, Region: Region}
}

// DataDir returns the folder MinIO keeps its data in. It survives Stop and
// Restart and is removed when the test ends.
func (s *Server) DataDir() string { return s.dataDir }

// Output returns what MinIO has written to stdout and stderr so far (the
// last megabyte of it).
func (s *Server) Output() string { return s.out.String() }

// FindBinary returns the path of the MinIO server binary: $GONGWEN_MINIO_BIN
// if set, else `minio` on PATH, else the binary scripts/minio.sh installs in
// the cache folder. It returns "" and a nil error when none is found, and an
// error when $GONGWEN_MINIO_BIN is set but does not name an executable file.
func FindBinary() (string, error) {
	if p := os.Getenv(EnvBin); p != "" {
		if err := checkExecutable(p); err != nil {
			return "", fmt.Errorf("%s=%s: %w", EnvBin, p, err)
		}
		return p, nil
	}
	if p, err := exec.LookPath("minio"); err == nil {
		return p, nil
	}
	// Without a home folder there is no cache, hence no cached binary.
	if p, err := CachedBinaryPath(); err == nil && checkExecutable(p) == nil {
		return p, nil
	}
	return "", nil
}

// CachedBinaryPath returns where scripts/minio.sh installs the pinned MinIO:
// ${GONGWEN_CACHE:-$HOME/.cache/gongwen}/minio/<Version>/minio.
func CachedBinaryPath() (string, error) {
	cache := os.Getenv(EnvCache)
	if cache == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("locating the gongwen cache folder: %w", err)
		}
		cache = filepath.Join(home, ".cache", "gongwen")
	}
	return filepath.Join(cache, "minio", Version, "minio"), nil
}

func checkExecutable(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	if fi.IsDir() || fi.Mode().Perm()&0o111 == 0 {
		return fmt.Errorf("%s is not an executable file", path)
	}
	return nil
}

// Start starts a MinIO server for the test in a fresh data folder, on free
// loopback ports, with random root credentials, and waits until it is ready.
// It skips the test when no MinIO binary is installed (see FindBinary) and
// fails it, showing MinIO's output, when the server does not come up within
// 30 seconds. The server is stopped and its data removed when the test ends;
// if the test failed, MinIO's output is logged.
func Start(t testing.TB) *Server {
	t.Helper()
	bin, err := FindBinary()
	if err != nil {
		t.Fatalf("miniotest: %v", err)
	}
	if bin == "" {
		t.Skip(SkipMessage)
	}
	dataDir, err := os.MkdirTemp("", "gongwen-minio-")
	if err != nil {
		t.Fatalf("miniotest: creating the MinIO data folder: %v", err)
	}
	s := &Server{
		AccessKey: "test-" + randomHex(t, 6),
		SecretKey: randomHex(t, 20),
		bin:       bin,
		dataDir:   dataDir,
		out:       &lockedBuffer{limit: maxOutput},
		client: &http.Client{
			// Loopback only: never go through a proxy from the environment.
			Transport: &http.Transport{Proxy: nil, MaxIdleConnsPerHost: 16},
			Timeout:   2 * time.Minute,
		},
	}
	t.Cleanup(func() {
		if err := s.Stop(); err != nil {
			t.Errorf("miniotest: stopping MinIO: %v", err)
		}
		if t.Failed() && !s.outShown.Load() {
			t.Logf("MinIO output (%s):\n%s", s.bin, s.Output())
		}
		s.client.CloseIdleConnections()
		if err := os.RemoveAll(s.dataDir); err != nil {
			t.Errorf("miniotest: removing the MinIO data folder: %v", err)
		}
	})

	ctx := context.Background()
	var lastErr error
	for try := 0; try < startTries; try++ {
		s.Endpoint, s.consoleAddr, err = freeAddrs()
		if err != nil {
			t.Fatalf("miniotest: %v", err)
		}
		lastErr = s.start(ctx)
		if lastErr == nil {
			return s
		}
		if !strings.Contains(s.Output(), "address already in use") {
			break // not a port race: retrying will not help
		}
	}
	s.outShown.Store(true)
	t.Fatalf("miniotest: %v\nMinIO output (%s):\n%s", lastErr, s.bin, s.Output())
	return nil
}

// Restart starts the server again after Stop (or Kill), on the same port and
// with the same data folder and credentials, and waits until it is ready.
// If the server is running, it is stopped first. It fails the test if the
// server does not come back.
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	if err := s.Stop(); err != nil {
		s.outShown.Store(true)
		t.Fatalf("miniotest: restart: %v\nMinIO output (%s):\n%s", err, s.bin, s.Output())
	}
	if err := s.start(context.Background()); err != nil {
		s.outShown.Store(true)
		t.Fatalf("miniotest: restart: %v\nMinIO output (%s):\n%s", err, s.bin, s.Output())
	}
}

// Stop stops the server: SIGTERM, then SIGKILL if it has not exited within
// five seconds. Stopping a stopped server does nothing. It returns an error
// if the server had to be killed or had already died on its own.
func (s *Server) Stop() error {
	return s.halt(syscall.SIGTERM)
}

// Kill stops the server abruptly with SIGKILL, as a crash would. Killing a
// stopped server does nothing.
func (s *Server) Kill() error {
	return s.halt(syscall.SIGKILL)
}

// Running reports whether the server process is running.
func (s *Server) Running() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proc == nil {
		return false
	}
	select {
	case <-s.proc.done:
		return false
	default:
		return true
	}
}

func (s *Server) halt(sig syscall.Signal) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.proc
	if p == nil {
		return nil
	}
	s.proc = nil
	defer s.client.CloseIdleConnections()

	select {
	case <-p.done:
		return fmt.Errorf("MinIO had already exited (%s)", exitStatus(p.waitErr))
	default:
	}
	s.out.WriteString(fmt.Sprintf("\n--- miniotest: sending %v ---\n", sig))
	if err := p.cmd.Process.Signal(sig); err != nil {
		<-p.done
		if errors.Is(err, os.ErrProcessDone) {
			return fmt.Errorf("MinIO had already exited (%s)", exitStatus(p.waitErr))
		}
		return fmt.Errorf("signalling MinIO: %w", err)
	}
	if sig == syscall.SIGKILL {
		<-p.done
		return nil
	}
	select {
	case <-p.done:
		return nil
	case <-time.After(stopGrace):
	}
	if err := p.cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("killing MinIO: %w", err)
	}
	<-p.done
	return fmt.Errorf("MinIO did not exit within %v of SIGTERM and was killed", stopGrace)
}

// start runs the binary on s.Endpoint and waits until it is ready.
func (s *Server) start(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proc != nil {
		return errors.New("MinIO is already running")
	}
	cmd := exec.Command(s.bin, "server", s.dataDir,
		"--address", s.Endpoint,
		"--console-address", s.consoleAddr,
		"--certs-dir", filepath.Join(s.dataDir, ".certs"),
	)
	cmd.Env = s.environ()
	cmd.Dir = s.dataDir
	cmd.Stdout = s.out
	cmd.Stderr = s.out
	cmd.WaitDelay = stopGrace
	setProcAttr(cmd)
	s.out.WriteString(fmt.Sprintf("--- miniotest: starting %s on %s ---\n", s.bin, s.Endpoint))
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting %s: %w", s.bin, err)
	}
	p := &process{cmd: cmd, done: make(chan struct{})}
	go func() {
		p.waitErr = cmd.Wait()
		close(p.done)
	}()
	if err := s.waitReady(ctx, p); err != nil {
		_ = p.cmd.Process.Kill()
		<-p.done
		return err
	}
	s.proc = p
	return nil
}

// environ returns the environment for MinIO: the test's own, minus any
// MINIO_ settings, plus credentials and settings that keep the server
// offline and quiet.
func (s *Server) environ() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "MINIO_") {
			env = append(env, kv)
		}
	}
	return append(env,
		"MINIO_ROOT_USER="+s.AccessKey,
		"MINIO_ROOT_PASSWORD="+s.SecretKey,
		"MINIO_SITE_REGION="+Region,
		"MINIO_BROWSER=off",         // no web console
		"MINIO_UPDATE=off",          // no update check against dl.min.io
		"MINIO_CALLHOME_ENABLE=off", // no diagnostics sent home
		"MINIO_CI_CD=1",             // small buffers, no root-drive refusal
	)
}

// waitReady polls the server until it is ready, the process exits, or
// readyTimeout passes. Ready means /minio/health/cluster answers 200 (the
// object layer, IAM and bucket metadata are up; /minio/health/ready answers
// 200 earlier, while S3 requests still get 503 XMinioServerNotInitialized)
// and a signed ListBuckets succeeds.
func (s *Server) waitReady(ctx context.Context, p *process) error {
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	var lastErr error
	for {
		lastErr = s.probe(ctx)
		if lastErr == nil {
			return nil
		}
		select {
		case <-p.done:
			return fmt.Errorf("MinIO exited before it was ready (%s)", exitStatus(p.waitErr))
		case <-ctx.Done():
			return fmt.Errorf("MinIO not ready after %v: %w", readyTimeout, lastErr)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// probe returns nil if the server is ready to serve S3 requests.
func (s *Server) probe(ctx context.Context) error {
	url := s.URL() + "/minio/health/cluster"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("building the health request: %w", err)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return fmt.Errorf("GET %s: %w", url, err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	resp, err = s.Do(ctx, http.MethodGet, "", "", "", nil, nil)
	if err != nil {
		return fmt.Errorf("listing buckets: %w", err)
	}
	defer resp.Body.Close()
	if err := ResponseError(resp); err != nil {
		return fmt.Errorf("listing buckets: %w", err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	return nil
}

// freeAddrs returns two distinct free 127.0.0.1:port addresses, for the S3
// API and the console. Another process may take a port before MinIO binds
// it; Start retries then.
func freeAddrs() (api, console string, err error) {
	var addrs [2]string
	for i := range addrs {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return "", "", fmt.Errorf("finding a free loopback port: %w", err)
		}
		defer l.Close()
		addrs[i] = l.Addr().String()
	}
	return addrs[0], addrs[1], nil
}

// exitStatus describes how a process ended, from the error of cmd.Wait.
func exitStatus(err error) string {
	if err == nil {
		return "exit status 0"
	}
	return err.Error()
}

// randomHex returns 2n random hex digits.
func randomHex(t testing.TB, n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatalf("miniotest: reading random bytes: %v", err)
	}
	return hex.EncodeToString(b)
}

// Do sends a signed S3 request for bucket and key (path style; key may be
// empty for bucket requests, bucket empty for the service) with the given
// extra headers and body, and returns the response. query, if not empty, is
// a raw query string such as "object-lock" or "versionId=x". The caller
// closes the response body. Non-2xx answers are returned, not turned into
// errors; see ResponseError.
func (s *Server) Do(ctx context.Context, method, bucket, key, query string, header http.Header, body []byte) (*http.Response, error) {
	path := "/"
	if bucket != "" {
		path += bucket
		if key != "" {
			path += "/" + key
		}
	}
	req, err := http.NewRequestWithContext(ctx, method, s.URL(), bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("building %s %s: %w", method, path, err)
	}
	req.URL.Path = path
	req.URL.RawQuery = query
	if len(body) == 0 {
		req.Body = http.NoBody
		req.GetBody = func() (io.ReadCloser, error) { return http.NoBody, nil }
		req.ContentLength = 0
	}
	for name, values := range header {
		for _, v := range values {
			req.Header.Add(name, v)
		}
	}
	if err := s.Signer().Sign(req, PayloadHash(body), time.Now()); err != nil {
		return nil, fmt.Errorf("signing %s %s: %w", method, path, err)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	return resp, nil
}

// MakeBucket creates bucket with a signed S3 PUT Bucket request.
func (s *Server) MakeBucket(ctx context.Context, bucket string) error {
	return s.makeBucket(ctx, bucket, nil)
}

// MakeBucketWithLock creates bucket with S3 Object Lock enabled (and hence
// versioning), as PUT Bucket with x-amz-bucket-object-lock-enabled: true.
func (s *Server) MakeBucketWithLock(ctx context.Context, bucket string) error {
	return s.makeBucket(ctx, bucket, http.Header{"X-Amz-Bucket-Object-Lock-Enabled": {"true"}})
}

func (s *Server) makeBucket(ctx context.Context, bucket string, header http.Header) error {
	resp, err := s.Do(ctx, http.MethodPut, bucket, "", "", header, nil)
	if err != nil {
		return fmt.Errorf("creating bucket %q: %w", bucket, err)
	}
	defer resp.Body.Close()
	if err := ResponseError(resp); err != nil {
		return fmt.Errorf("creating bucket %q: %w", bucket, err)
	}
	return nil
}

// NewBucket creates a bucket with a fresh name derived from the test's name
// and returns the name. It fails the test if the bucket cannot be made.
func (s *Server) NewBucket(t testing.TB) string {
	t.Helper()
	name := BucketName(t)
	if err := s.MakeBucket(t.Context(), name); err != nil {
		t.Fatalf("miniotest: %v", err)
	}
	return name
}

// BucketName returns a valid, unique S3 bucket name derived from the test's
// name: lower-case letters, digits and hyphens, at most 63 characters.
func BucketName(t testing.TB) string {
	var b strings.Builder
	for _, r := range strings.ToLower(t.Name()) {
		switch {
		case 'a' <= r && r <= 'z', '0' <= r && r <= '9':
			b.WriteRune(r)
		default:
			if s := b.String(); s != "" && !strings.HasSuffix(s, "-") {
				b.WriteByte('-')
			}
		}
	}
	prefix := strings.Trim(b.String(), "-")
	if len(prefix) > 40 {
		prefix = strings.TrimRight(prefix[:40], "-")
	}
	if prefix == "" {
		prefix = "test"
	}
	return prefix + "-" + randomHex(t, 6)
}

// S3Error is an S3 error answer: the HTTP status and the XML error body.
type S3Error struct {
	// StatusCode is the HTTP status code, e.g. 412.
	StatusCode int
	// Code is the S3 error code, e.g. "PreconditionFailed".
	Code string `xml:"Code"`
	// Message is the human-readable message.
	Message string `xml:"Message"`
}

// Error implements error.
func (e *S3Error) Error() string {
	if e.Code == "" {
		return fmt.Sprintf("S3 answered %d %s", e.StatusCode, http.StatusText(e.StatusCode))
	}
	return fmt.Sprintf("S3 answered %d %s: %s", e.StatusCode, e.Code, e.Message)
}

// ResponseError returns nil for a 2xx response and an *S3Error otherwise,
// reading (and consuming) the body's XML error document if there is one.
func ResponseError(resp *http.Response) error {
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	e := &S3Error{StatusCode: resp.StatusCode}
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err == nil && len(data) > 0 {
		_ = xml.Unmarshal(data, e) // a non-XML body still gives the status
	}
	e.StatusCode = resp.StatusCode
	return e
}

// lockedBuffer is a size-limited buffer safe for concurrent writes; it keeps
// the last limit bytes.
type lockedBuffer struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	limit int
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.Write(p)
	if over := b.buf.Len() - b.limit; over > 0 {
		b.buf.Next(over)
	}
	return len(p), nil
}

func (b *lockedBuffer) WriteString(s string) {
	_, _ = b.Write([]byte(s))
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
