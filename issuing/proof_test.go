package issuing

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gongwen/gongwen/archive"
	"github.com/gongwen/gongwen/internal/miniotest"
	"github.com/gongwen/gongwen/templates"
)

func skipUnderRace(t *testing.T) {
	if raceEnabled {
		t.Skip("too slow under -race; scripts/test.sh runs the proofs in a second pass without it")
	}
}

// TestProofTwoProcessesShareABucket: 2 processes × 16 goroutines issue
// 2,000 documents under one 机关代字 against the same MinIO. Every number
// 1..2000 must be used exactly once and every document must be
// retrievable with a matching SHA-256.
func TestProofTwoProcessesShareABucket(t *testing.T) {
	skipUnderRace(t)
	srv := miniotest.Start(t)
	bucket := srv.NewBucket(t)
	env := []string{"GONGWEN_S3_ENDPOINT=" + srv.Endpoint, "GONGWEN_S3_BUCKET=" + bucket,
		"GONGWEN_S3_ACCESS_KEY=" + srv.AccessKey, "GONGWEN_S3_SECRET_KEY=" + srv.SecretKey}
	proveTwoProcesses(t, env, 2000)
}

// TestProofTwoProcessesShareADataDir is the same proof on the embedded
// file store: two processes sharing one data directory.
func TestProofTwoProcessesShareADataDir(t *testing.T) {
	skipUnderRace(t)
	proveTwoProcesses(t, []string{"GONGWEN_DATA_DIR=" + t.TempDir()}, 1000)
}

// proveTwoProcesses runs 2 processes × 16 goroutines issuing total
// documents into the store env names, then checks every number 1..total
// is used exactly once and every version's SHA-256.
func proveTwoProcesses(t *testing.T, storeEnv []string, total int) {
	const procs, workers = 2, 16
	start := time.Now()
	var wg sync.WaitGroup
	errs := make([]error, procs)
	outs := make([][]byte, procs)
	for p := 0; p < procs; p++ {
		wg.Add(1)
		go func(p int) {
			defer wg.Done()
			cmd := exec.Command(os.Args[0], "-test.run=^TestProofChildProcess$", "-test.count=1")
			cmd.Env = append(append(os.Environ(), storeEnv...), "GONGWEN_PROOF_CHILD=1",
				"GONGWEN_PROOF_COUNT="+strconv.Itoa(total/procs), "GONGWEN_PROOF_WORKERS="+strconv.Itoa(workers))
			outs[p], errs[p] = cmd.CombinedOutput()
		}(p)
	}
	wg.Wait()
	for p := range errs {
		if errs[p] != nil {
			t.Fatalf("process %d: %v\n%s", p, errs[p], outs[p])
		}
	}
	elapsed := time.Since(start)
	t.Logf("%d documents issued by %d processes × %d goroutines in %v (%.0f documents/s)", total, procs, workers, elapsed.Round(time.Millisecond), float64(total)/elapsed.Seconds())
	ctx := context.Background()
	cfg, err := archive.ConfigFromEnv(func(k string) string {
		for _, kv := range storeEnv {
			if strings.HasPrefix(kv, k+"=") {
				return strings.TrimPrefix(kv, k+"=")
			}
		}
		return ""
	})
	if err != nil {
		t.Fatal(err)
	}
	store, err := archive.OpenStore(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := archive.NewRegistry(store).List(ctx, "乌司发", 2026)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != total {
		t.Fatalf("%d numbers registered, want %d", len(entries), total)
	}
	docs := map[string]bool{}
	for i, e := range entries {
		if e.Seq != i+1 || e.Status != archive.NumberIssued || docs[e.DocumentID] {
			t.Fatalf("entry %d: %+v", i+1, e)
		}
		docs[e.DocumentID] = true
	}
	vstart := time.Now()
	rep, err := archive.Verify(ctx, store, archive.VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("verify re-hashed %d versions and checked %d numbers in %v", rep.Versions, rep.Numbers, time.Since(vstart).Round(time.Millisecond))
	if len(rep.Problems) != 0 || rep.Records != total || rep.OK != total {
		t.Fatalf("verify: %d records, %d hashes ok, problems %v", rep.Records, rep.OK, rep.Problems)
	}
}

// TestProofChildProcess is the issuing process started by
// TestProofTwoProcessesShareABucket; on its own it skips.
func TestProofChildProcess(t *testing.T) {
	if os.Getenv("GONGWEN_PROOF_CHILD") == "" {
		t.Skip("helper process of TestProofTwoProcessesShareABucket")
	}
	ctx := context.Background()
	cfg, err := archive.ConfigFromEnv(nil)
	if err != nil {
		t.Fatal(err)
	}
	store, err := archive.OpenStore(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	count, _ := strconv.Atoi(os.Getenv("GONGWEN_PROOF_COUNT"))
	workers, _ := strconv.Atoi(os.Getenv("GONGWEN_PROOF_WORKERS"))
	tpl, err := templates.Builtin("监督通知书")
	if err != nil {
		t.Fatal(err)
	}
	is := New(store)
	var next atomic.Int32
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for int(next.Add(1)) <= count {
				if _, err := is.Issue(ctx, Request{Template: tpl, Data: tpl.Example, Author: fmt.Sprint("proc ", os.Getpid())}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// TestProofMinIOStoppedMidRun stops MinIO in the middle of a run of issues
// and starts it again. Afterwards verify reports no problems and every
// number is a complete document or void with a reason.
func TestProofMinIOStoppedMidRun(t *testing.T) {
	skipUnderRace(t)
	srv := miniotest.Start(t)
	ctx := context.Background()
	cfg := archive.S3Config{Endpoint: srv.Endpoint, Bucket: srv.NewBucket(t), AccessKey: srv.AccessKey, SecretKey: srv.SecretKey}
	store, err := archive.OpenS3Store(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	tpl, _ := templates.Builtin("建议书")
	is := New(store)
	is.Retries = 1
	var ok, failed atomic.Int32
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				c, cancel := context.WithTimeout(ctx, 2*time.Second)
				_, err := is.Issue(c, Request{Template: tpl, Data: tpl.Example, Author: "fault"})
				cancel()
				if err != nil {
					failed.Add(1)
				} else {
					ok.Add(1)
				}
			}
		}()
	}
	for ok.Load() < 30 {
		time.Sleep(10 * time.Millisecond)
	}
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	// Down for longer than an issue may take (2 s), so issues fail.
	time.Sleep(6 * time.Second)
	before := ok.Load()
	srv.Restart(t)
	deadline := time.Now().Add(60 * time.Second)
	for ok.Load() < before+30 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	t.Logf("%d issues succeeded, %d failed while MinIO was down", ok.Load(), failed.Load())
	if failed.Load() == 0 || ok.Load() < before+30 {
		t.Fatalf("the fault did not happen or issuing did not resume: ok %d (before restart %d), failed %d", ok.Load(), before, failed.Load())
	}
	// Interrupted issues are settled by repair, then all is clean.
	_, entries, voids := repairAndCheck(t, store, "the fault")
	// An issue whose answer was lost in the outage may have stored its
	// document although the caller saw an error: such numbers are issued
	// with a complete document (verify checked), never lost or doubled.
	if issued := len(entries) - voids; issued < int(ok.Load()) || issued > int(ok.Load()+failed.Load()) {
		t.Errorf("%d issues succeeded, %d failed, but %d numbers are issued", ok.Load(), failed.Load(), issued)
	}
	t.Logf("registry: %d numbers, %d void with a reason", len(entries), voids)
}

// TestProofProcessKilledMidRun kills the issuing process (SIGKILL, no
// chance to clean up) in the middle of its work, three times, on one
// data directory. Whatever it was writing, the store shows no partial
// object: every key it lists is a number, a record or a version, and,
// where the store writes unnamed files, no temporary file is left in
// any folder. After verify --repair every number is a complete document
// (verify re-hashed it) or void with a reason.
func TestProofProcessKilledMidRun(t *testing.T) {
	skipUnderRace(t)
	dir := t.TempDir()
	numbers := func() int {
		es, _ := os.ReadDir(dir + "/numbers/乌司发/2026")
		return len(es)
	}
	for round := 0; round < 3; round++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestProofChildProcess$", "-test.count=1")
		cmd.Env = append(os.Environ(), "GONGWEN_DATA_DIR="+dir, "GONGWEN_PROOF_CHILD=1",
			"GONGWEN_PROOF_COUNT=1000000", "GONGWEN_PROOF_WORKERS=8")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Kill it at a different point of its work each round.
		want := numbers() + 20 + 17*round
		deadline := time.Now().Add(60 * time.Second)
		for numbers() < want && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		cmd.Wait()
		if numbers() < want {
			t.Fatalf("round %d: the process issued only %d numbers in 60 s", round, numbers())
		}
	}
	ctx := context.Background()
	store, err := archive.OpenFileStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	var keys int
	err = store.List(ctx, "", func(o archive.ObjectInfo) error {
		keys++
		parts := strings.Split(o.Key, "/")
		switch {
		case len(parts) == 4 && parts[0] == "numbers":
		case len(parts) == 4 && parts[0] == "documents" && (parts[3] == "record.json" || strings.HasPrefix(parts[3], "v")):
		default:
			t.Errorf("the store lists %q", o.Key)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if store.LeavesNoTemporaries() {
		filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err == nil && strings.HasPrefix(d.Name(), ".gongwen-tmp-") {
				t.Errorf("temporary file left behind: %s", p)
			}
			return err
		})
	}
	rep, entries, voids := repairAndCheck(t, store, "the kills")
	for i, e := range entries {
		if e.Seq != i+1 {
			t.Fatalf("entry %d is number %d", i+1, e.Seq)
		}
	}
	issued := len(entries) - voids
	if rep.OK != issued {
		t.Errorf("%d complete documents for %d issued numbers", rep.OK, issued)
	}
	// What an issue cut short stored before its record is reported, and
	// belongs to no issued number.
	issuedIDs := map[string]bool{}
	for _, e := range entries {
		if e.Status == archive.NumberIssued {
			issuedIDs[e.DocumentID] = true
		}
	}
	for _, k := range rep.Unreferenced {
		if id := strings.Split(k, "/")[2]; issuedIDs[id] {
			t.Errorf("content %s unreferenced, yet its document's number is issued", k)
		}
	}
	if len(rep.Unreferenced) > voids || keys != len(entries)+2*issued+len(rep.Unreferenced) {
		t.Errorf("%d keys for %d numbers, %d documents and %d unreferenced contents", keys, len(entries), issued, len(rep.Unreferenced))
	}
	t.Logf("3 kills: %d numbers, %d void with a reason (issues cut short), %d contents stored before the kill without a record", len(entries), voids, len(rep.Unreferenced))
}

// repairAndCheck settles the issues a fault cut short (verify --repair),
// then checks that verify finds no problem and that every number of
// 乌司发〔2026〕 is a document or void with a reason. It returns the last
// verify report, the numbers and how many of them are void.
func repairAndCheck(t *testing.T, store archive.Store, after string) (*archive.VerifyReport, []*archive.NumberEntry, int) {
	t.Helper()
	ctx := context.Background()
	if _, err := archive.Verify(ctx, store, archive.VerifyOptions{Repair: true, StaleAfter: -1}); err != nil {
		t.Fatal(err)
	}
	rep, err := archive.Verify(ctx, store, archive.VerifyOptions{StaleAfter: -1})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Problems) != 0 {
		t.Fatalf("verify after %s: %+v", after, rep.Problems)
	}
	entries, err := archive.NewRegistry(store).List(ctx, "乌司发", 2026)
	if err != nil {
		t.Fatal(err)
	}
	voids := 0
	for _, e := range entries {
		switch {
		case e.Status == archive.NumberIssued:
		case e.Status == archive.NumberVoid && e.Reason != "":
			voids++
		default:
			t.Errorf("number neither a document nor void with a reason: %+v", e)
		}
	}
	return rep, entries, voids
}
