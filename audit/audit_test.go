package audit

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gongwen/gongwen/archive"
	"github.com/gongwen/gongwen/internal/miniotest"
)

func fileStore(t *testing.T, dir string) archive.Store {
	t.Helper()
	s, err := archive.OpenFileStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestAppend(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	l := NewLog(fileStore(t, dir))
	l.now = func() time.Time { return time.Date(2026, 3, 5, 23, 30, 0, 123456789, time.FixedZone("CST", 8*3600)) }
	e := &Event{Actor: "zhangsan", Org: "wlmq-sfj", Role: "drafter", Action: ActionIssue, Target: "乌司发〔2026〕48号",
		Remote: "10.0.0.7", RequestID: "r1"}
	if err := l.Append(ctx, e); err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^20260305T153000\.123456789Z-[0-9a-f]{12}$`).MatchString(e.ID) {
		t.Errorf("id %q", e.ID)
	}
	if e.Outcome != OutcomeOK || !e.Time.Equal(l.now()) || e.Time.Location() != time.UTC {
		t.Errorf("filled event %+v", e)
	}
	// The UTC day names the folder (23:30 in Ürümqi's office clock is
	// 15:30 UTC the same day).
	if _, err := os.Stat(filepath.Join(dir, "audit", "2026-03-05", e.ID+".json")); err != nil {
		t.Errorf("event not where expected: %v", err)
	}
	got, err := l.Get(ctx, e.ID)
	if err != nil || *got != *e {
		t.Errorf("get: %+v %v", got, err)
	}

	// An event with a given id: a repeat of the same one is accepted, a
	// different one under the same id never replaces it.
	again := *e
	if err := l.Append(ctx, &again); err != nil {
		t.Errorf("retrying the same event: %v", err)
	}
	forged := *e
	forged.Actor = "admin"
	if err := l.Append(ctx, &forged); err == nil || !strings.Contains(err.Error(), "不能覆盖") {
		t.Errorf("overwrite: %v", err)
	}
	if got, _ := l.Get(ctx, e.ID); got.Actor != "zhangsan" {
		t.Errorf("event overwritten: %+v", got)
	}

	for name, bad := range map[string]*Event{
		"操作“”无效":      {Actor: "x"},
		"操作“Issue”无效": {Action: "Issue"},
		"结果“maybe”无效": {Action: ActionIssue, Outcome: "maybe"},
		"编号“x”无效":     {Action: ActionIssue, ID: "x"},
		"与编号":         {Action: ActionIssue, ID: e.ID, Time: e.Time.Add(time.Second)},
		"“../../x”无效": {Action: ActionIssue, ID: "../../x"},
	} {
		if err := l.Append(ctx, bad); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: %v", name, err)
		}
	}

	long := &Event{Action: ActionExport, Detail: strings.Repeat("长", 10000), Target: strings.Repeat("x", 1000), Actor: "bad\xffutf8"}
	if err := l.Append(ctx, long); err != nil {
		t.Fatal(err)
	}
	got, _ = l.Get(ctx, long.ID)
	if n := len([]rune(got.Detail)); n != maxDetail || !strings.HasSuffix(got.Detail, "…") {
		t.Errorf("long detail kept %d characters", n)
	}
	if len(got.Target) != maxTarget-1+len("…") || got.Actor != "bad\uFFFDutf8" {
		t.Errorf("target %d bytes, actor %q", len(got.Target), got.Actor)
	}
}

// listCounter is the real store, recording which day folders a query lists.
type listCounter struct {
	archive.Store
	mu       sync.Mutex
	prefixes []string
	gets     int
}

func (c *listCounter) List(ctx context.Context, prefix string, fn func(archive.ObjectInfo) error) error {
	c.mu.Lock()
	c.prefixes = append(c.prefixes, prefix)
	c.mu.Unlock()
	return c.Store.List(ctx, prefix, fn)
}

func (c *listCounter) Get(ctx context.Context, key string) ([]byte, archive.ObjectInfo, error) {
	c.mu.Lock()
	c.gets++
	c.mu.Unlock()
	return c.Store.Get(ctx, key)
}

func (c *listCounter) reset() {
	c.mu.Lock()
	c.prefixes, c.gets = nil, 0
	c.mu.Unlock()
}

// seedDays appends 5 events on each of 2026-03-01 … 03-05 (UTC), and
// returns them newest first.
func seedDays(t *testing.T, l *Log) []*Event {
	t.Helper()
	ctx := context.Background()
	var all []*Event
	actors := []string{"zhangsan", "lisi", "admin"}
	for day := 1; day <= 5; day++ {
		for i := 0; i < 5; i++ {
			// Spread over the day, up to the last nanosecond before midnight.
			at := time.Date(2026, 3, day, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * 6 * time.Hour)
			if i == 4 {
				at = time.Date(2026, 3, day, 23, 59, 59, 999999999, time.UTC)
			}
			e := &Event{Time: at, Actor: actors[(day+i)%3], Action: []string{ActionLogin, ActionIssue, ActionDownload}[i%3],
				Target: fmt.Sprintf("doc-%d", i%2), Outcome: []string{OutcomeOK, OutcomeRefused}[(day*i)%2]}
			if err := l.Append(ctx, e); err != nil {
				t.Fatal(err)
			}
			all = append(all, e)
		}
	}
	for i, j := 0, len(all)-1; i < j; i, j = i+1, j-1 {
		all[i], all[j] = all[j], all[i]
	}
	return all
}

func ids(evs []*Event) string {
	var s []string
	for _, e := range evs {
		s = append(s, e.ID)
	}
	return strings.Join(s, ",")
}

func TestQueryPagesAcrossDays(t *testing.T) {
	ctx := context.Background()
	cs := &listCounter{Store: fileStore(t, t.TempDir())}
	l := NewLog(cs)
	l.now = func() time.Time { return time.Date(2026, 3, 6, 12, 0, 0, 0, time.UTC) }
	all := seedDays(t, l)

	got, next, err := l.Query(ctx, Filter{})
	if err != nil || next != "" || ids(got) != ids(all) {
		t.Fatalf("everything, newest first: %d events, next %q, %v", len(got), next, err)
	}
	// Pages of 3 (day boundaries fall inside pages) and of 5 (they fall
	// exactly on page ends): together every event once, in order.
	for _, size := range []int{3, 5, 7} {
		var paged []*Event
		cursor := ""
		for pages := 0; ; pages++ {
			if pages > 20 {
				t.Fatal("paging does not end")
			}
			page, next, err := l.Query(ctx, Filter{Limit: size, Before: cursor})
			if err != nil {
				t.Fatal(err)
			}
			if len(page) > size || (next != "" && len(page) != size) {
				t.Fatalf("page of %d with next %q", len(page), next)
			}
			paged = append(paged, page...)
			if next == "" {
				break
			}
			cursor = next
		}
		if ids(paged) != ids(all) {
			t.Errorf("pages of %d: %d events, not the %d in order", size, len(paged), len(all))
		}
	}

	// A filter on content, paged.
	var want []*Event
	for _, e := range all {
		if e.Actor == "lisi" && e.Outcome == OutcomeRefused {
			want = append(want, e)
		}
	}
	if len(want) < 2 {
		t.Fatalf("seed has %d matching events", len(want))
	}
	page1, next, _ := l.Query(ctx, Filter{Actor: "lisi", Outcome: OutcomeRefused, Limit: 1})
	page2, next2, _ := l.Query(ctx, Filter{Actor: "lisi", Outcome: OutcomeRefused, Limit: 100, Before: next})
	if ids(append(page1, page2...)) != ids(want) || next2 != "" {
		t.Errorf("filtered pages: %s + %s, want %s", ids(page1), ids(page2), ids(want))
	}
	for _, f := range []Filter{{Action: ActionIssue}, {Target: "doc-1"}, {Outcome: OutcomeOK}} {
		got, _, _ := l.Query(ctx, f)
		for _, e := range got {
			if !f.matches(e) || e.Action == ActionUnreadable {
				t.Errorf("filter %+v let through %+v", f, e)
			}
		}
		if len(got) == 0 || len(got) == len(all) {
			t.Errorf("filter %+v selected %d of %d", f, len(got), len(all))
		}
	}

	// A time range reads only its days' folders, and bounds are inclusive
	// to the nanosecond.
	cs.reset()
	from := time.Date(2026, 3, 2, 23, 59, 59, 999999999, time.UTC)
	to := time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC)
	got, _, err = l.Query(ctx, Filter{From: from, To: to})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(cs.prefixes) != "[audit/2026-03-04/ audit/2026-03-03/ audit/2026-03-02/]" {
		t.Errorf("listed %v", cs.prefixes)
	}
	// 03-02's last event, all 5 of 03-03, 03-04's first.
	if len(got) != 7 || !got[0].Time.Equal(to) || !got[6].Time.Equal(from) || cs.gets != 7 {
		t.Errorf("range: %d events (%d reads)", len(got), cs.gets)
	}
	// The same range in the office's time zone: 03-05 00:00 to 23:59:59
	// Beijing time is 03-04 16:00 to 03-05 15:59:59 UTC.
	cst := time.FixedZone("CST", 8*3600)
	got, _, _ = l.Query(ctx, Filter{From: time.Date(2026, 3, 5, 0, 0, 0, 0, cst), To: time.Date(2026, 3, 5, 23, 59, 59, 0, cst)})
	if len(got) != 5 { // 03-04 18:00 and 23:59:59.9…; 03-05 00:00, 06:00, 12:00 (18:00 is after 15:59:59)
		for _, e := range got {
			t.Log(e.Time)
		}
		t.Errorf("a local day: %d events", len(got))
	}
	if got, _, _ := l.Query(ctx, Filter{From: to, To: from}); len(got) != 0 {
		t.Error("an empty range selected events")
	}
	if _, _, err := l.Query(ctx, Filter{Before: "not-an-id"}); err == nil || !strings.Contains(err.Error(), "游标无效") {
		t.Errorf("bad cursor: %v", err)
	}
}

func TestQueryLongHistoryWithoutFrom(t *testing.T) {
	ctx := context.Background()
	cs := &listCounter{Store: fileStore(t, t.TempDir())}
	l := NewLog(cs)
	l.now = func() time.Time { return time.Date(2026, 3, 6, 12, 0, 0, 0, time.UTC) }
	old := &Event{Time: time.Date(2025, 12, 1, 8, 0, 0, 0, time.UTC), Action: ActionLogin, Actor: "lisi"}
	recent := &Event{Time: time.Date(2026, 3, 6, 8, 0, 0, 0, time.UTC), Action: ActionLogin, Actor: "zhangsan"}
	for _, e := range []*Event{old, recent} {
		if err := l.Append(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	got, _, err := l.Query(ctx, Filter{Actor: "lisi"})
	if err != nil || len(got) != 1 || got[0].ID != old.ID {
		t.Fatalf("an event three months back: %v %v", got, err)
	}
	// It walked back to 2025-12-01 and no further.
	last := cs.prefixes[len(cs.prefixes)-1]
	if last != "audit/2025-12-01/" || len(cs.prefixes) > 100 {
		t.Errorf("%d listings, the last %s", len(cs.prefixes), last)
	}
	// An empty trail: a query ends after a month of empty days.
	empty := NewLog(fileStore(t, t.TempDir()))
	if got, next, err := empty.Query(ctx, Filter{}); len(got) != 0 || next != "" || err != nil {
		t.Errorf("empty trail: %v %q %v", got, next, err)
	}
}

func TestQueryShowsUnreadableEvents(t *testing.T) {
	ctx := context.Background()
	s := fileStore(t, t.TempDir())
	l := NewLog(s)
	e := &Event{Action: ActionVoid, Actor: "zhangsan"}
	if err := l.Append(ctx, e); err != nil {
		t.Fatal(err)
	}
	// Someone with access to the folder edits the event in place.
	if _, err := s.Put(ctx, eventKey(e.ID), []byte(`{"id":"x"`), archive.Cond{}); err != nil {
		t.Fatal(err)
	}
	got, _, err := l.Query(ctx, Filter{Actor: "someone-else"})
	if err != nil || len(got) != 1 || got[0].Action != ActionUnreadable || !strings.Contains(got[0].Detail, "无法读取") {
		t.Fatalf("tampered event: %+v %v", got, err)
	}
}

// appendMany appends n events from each of g goroutines, with actor
// "<who>" and target "<goroutine>-<i>".
func appendMany(ctx context.Context, l *Log, who string, g, n int) error {
	var wg sync.WaitGroup
	errs := make(chan error, g)
	for k := 0; k < g; k++ {
		wg.Add(1)
		go func(k int) {
			defer wg.Done()
			for i := 0; i < n; i++ {
				if err := l.Append(ctx, &Event{Actor: who, Action: ActionDownload, Target: fmt.Sprintf("%d-%d", k, i)}); err != nil {
					errs <- err
					return
				}
			}
		}(k)
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// checkAll reads every event back, page by page, and checks that each
// writer's every event is there exactly once.
func checkAll(t *testing.T, l *Log, writers []string, g, n int) {
	t.Helper()
	seen := map[string]int{}
	cursor := ""
	for {
		page, next, err := l.Query(context.Background(), Filter{Limit: 250, Before: cursor})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range page {
			seen[e.Actor+"/"+e.Target]++
		}
		if next == "" {
			break
		}
		cursor = next
	}
	want := len(writers) * g * n
	total := 0
	for _, w := range writers {
		for k := 0; k < g; k++ {
			for i := 0; i < n; i++ {
				c := seen[fmt.Sprintf("%s/%d-%d", w, k, i)]
				if c != 1 {
					t.Errorf("%s's event %d-%d seen %d times", w, k, i, c)
				}
				total += c
			}
		}
	}
	if total != want || len(seen) != want {
		t.Errorf("%d events read back, want %d", len(seen), want)
	}
}

// TestHelperAppendProcess is not a test: TestConcurrentAppendsTwoProcesses
// runs the test binary twice with GONGWEN_AUDIT_HELPER set, and each
// process appends events to the folder it names.
func TestHelperAppendProcess(t *testing.T) {
	dir := os.Getenv("GONGWEN_AUDIT_HELPER")
	if dir == "" {
		t.Skip("helper process only")
	}
	s := fileStore(t, dir)
	if err := appendMany(context.Background(), NewLog(s), os.Getenv("GONGWEN_AUDIT_WHO"), 8, 50); err != nil {
		t.Fatal(err)
	}
}

// TestConcurrentAppendsTwoProcesses: two operating-system processes, each
// with 8 goroutines appending 50 events into one folder at once, lose
// none.
func TestConcurrentAppendsTwoProcesses(t *testing.T) {
	dir := t.TempDir()
	var wg sync.WaitGroup
	for _, who := range []string{"p1", "p2"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(os.Args[0], "-test.run=^TestHelperAppendProcess$", "-test.count=1")
			cmd.Env = append(os.Environ(), "GONGWEN_AUDIT_HELPER="+dir, "GONGWEN_AUDIT_WHO="+who)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("process %s: %v\n%s", who, err, out)
			}
		}()
	}
	wg.Wait()
	checkAll(t, NewLog(fileStore(t, dir)), []string{"p1", "p2"}, 8, 50)
}

// TestConcurrentAppendsS3: two clients of one bucket (two processes'
// worth: separate connections), 8 goroutines each, lose no event.
func TestConcurrentAppendsS3(t *testing.T) {
	srv := miniotest.Start(t)
	ctx := context.Background()
	cfg := archive.S3Config{Endpoint: srv.Endpoint, Bucket: srv.NewBucket(t), AccessKey: srv.AccessKey, SecretKey: srv.SecretKey}
	var wg sync.WaitGroup
	for _, who := range []string{"c1", "c2"} {
		s, err := archive.OpenS3Store(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := appendMany(ctx, NewLog(s), who, 8, 25); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	s, _ := archive.OpenS3Store(ctx, cfg)
	checkAll(t, NewLog(s), []string{"c1", "c2"}, 8, 25)
}

func TestParseAction(t *testing.T) {
	for in, want := range map[string]string{"issue": ActionIssue, "发文": ActionIssue, " 登录失败 ": ActionLoginFailed, "拒绝访问": ActionRefused} {
		if got, err := ParseAction(in); err != nil || got != want {
			t.Errorf("ParseAction(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseAction("飞行"); err == nil || !strings.Contains(err.Error(), "issue（发文）") {
		t.Errorf("unknown action: %v", err)
	}
	for _, a := range Actions() {
		if ActionLabel(a) == a {
			t.Errorf("action %s has no label", a)
		}
	}
	if OutcomeLabel(OutcomeRefused) != "被拒绝" {
		t.Error("labels")
	}
}
