package auth

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/gongwen/gongwen/archive"
)

// clock is a settable time for tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// storeHolds reports whether any file under dir contains s.
func storeHolds(t *testing.T, dir, s string) bool {
	t.Helper()
	found := false
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if b, _ := os.ReadFile(p); bytes.Contains(b, []byte(s)) {
				found = true
			}
		}
		return nil
	})
	return found
}

func TestSessions(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, _ := archive.OpenFileStore(dir)
	clk := &clock{t: time.Date(2026, 3, 5, 9, 0, 0, 0, time.UTC)}
	ss := NewSessions(s, 8*time.Hour)
	ss.now = clk.now

	token, sess, err := ss.Create(ctx, "zhangsan", "10.0.0.7")
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`).MatchString(token) {
		t.Errorf("token %q is not 32 bytes of base64url", token)
	}
	sum := sha256.Sum256([]byte(token))
	key := "sessions/" + hex.EncodeToString(sum[:]) + ".json"
	if _, err := s.Stat(ctx, key); err != nil {
		t.Errorf("session not stored under the token's SHA-256: %v", err)
	}
	if storeHolds(t, dir, token) {
		t.Error("the store holds the session token: a store reader could sign in")
	}
	if sess.ID == "" || sess.ID == token || sess.CSRF == "" || sess.CSRF == token || sess.RemoteAddr != "10.0.0.7" || !sess.Expires.Equal(clk.now().Add(8*time.Hour)) {
		t.Errorf("session %+v", sess)
	}

	got, err := ss.Lookup(ctx, token)
	if err != nil || got.User != "zhangsan" || got.CSRF != sess.CSRF || got.ID != sess.ID {
		t.Fatalf("lookup: %+v %v", got, err)
	}
	if !got.ValidCSRF(sess.CSRF) || got.ValidCSRF("") || got.ValidCSRF(sess.CSRF[:10]) || got.ValidCSRF(token) {
		t.Error("CSRF check")
	}
	for _, bad := range []string{"", "x", token[:42], token + "A", "../../users/admin"} {
		if _, err := ss.Lookup(ctx, bad); err != ErrNoSession {
			t.Errorf("lookup of %q: %v", bad, err)
		}
	}
	other, _, _ := ss.Create(ctx, "lisi", "10.0.0.8")
	if _, err := ss.Lookup(ctx, other); err != nil {
		t.Fatal(err)
	}

	// Expiry: the session is gone, and so is its object.
	clk.add(8*time.Hour - time.Second)
	if _, err := ss.Lookup(ctx, token); err != nil {
		t.Errorf("a second before expiry: %v", err)
	}
	clk.add(time.Second)
	if _, err := ss.Lookup(ctx, token); err != ErrNoSession {
		t.Errorf("at expiry: %v", err)
	}
	if _, err := s.Stat(ctx, key); !errors.Is(err, archive.ErrNotFound) {
		t.Errorf("expired session still stored: %v", err)
	}

	// Logging out.
	clk.add(-time.Hour)
	token, _, _ = ss.Create(ctx, "zhangsan", "10.0.0.7")
	if err := ss.Delete(ctx, token); err != nil {
		t.Fatal(err)
	}
	if _, err := ss.Lookup(ctx, token); err != ErrNoSession {
		t.Errorf("after logout: %v", err)
	}
	if err := ss.Delete(ctx, token); err != nil {
		t.Errorf("second logout: %v", err)
	}
}

func TestSessionsDeleteUserAndPrune(t *testing.T) {
	ctx := context.Background()
	s, _ := archive.OpenFileStore(t.TempDir())
	clk := &clock{t: time.Date(2026, 3, 5, 9, 0, 0, 0, time.UTC)}
	ss := NewSessions(s, time.Hour)
	ss.now = clk.now
	z1, _, _ := ss.Create(ctx, "zhangsan", "a")
	clk.add(time.Second)
	z2, _, _ := ss.Create(ctx, "zhangsan", "b")
	l1, _, _ := ss.Create(ctx, "lisi", "c")
	if list, err := ss.List(ctx, "zhangsan"); err != nil || len(list) != 2 || list[0].RemoteAddr != "a" || list[1].RemoteAddr != "b" {
		t.Errorf("list, oldest first: %+v %v", list, err)
	}
	if list, _ := ss.List(ctx, ""); len(list) != 3 {
		t.Errorf("all sessions: %d", len(list))
	}
	n, err := ss.DeleteUser(ctx, "zhangsan")
	if err != nil || n != 2 {
		t.Fatalf("delete user: %d %v", n, err)
	}
	for _, tok := range []string{z1, z2} {
		if _, err := ss.Lookup(ctx, tok); err != ErrNoSession {
			t.Errorf("zhangsan's session survived: %v", err)
		}
	}
	if _, err := ss.Lookup(ctx, l1); err != nil {
		t.Errorf("lisi's session ended too: %v", err)
	}

	clk.add(30 * time.Minute)
	l2, _, _ := ss.Create(ctx, "lisi", "d")
	clk.add(30 * time.Minute) // l1 expired, l2 not
	s.Put(ctx, "sessions/garbage.json", []byte("{not json"), archive.Cond{})
	n, err = ss.Prune(ctx)
	if err != nil || n != 2 {
		t.Errorf("prune: %d %v (want the expired one and the unreadable one)", n, err)
	}
	if _, err := ss.Lookup(ctx, l2); err != nil {
		t.Errorf("a live session was pruned: %v", err)
	}
	var keys []string
	s.List(ctx, "sessions/", func(o archive.ObjectInfo) error { keys = append(keys, o.Key); return nil })
	if len(keys) != 1 {
		t.Errorf("left after prune: %v", keys)
	}
}
