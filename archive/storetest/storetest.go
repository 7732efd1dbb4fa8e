// Package storetest is the contract every archive.Store must meet: one
// suite, run against the file store and against a real S3 server.
package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/gongwen/gongwen/archive"
)

// Run runs the contract against stores made by open; each call must
// return an empty store.
func Run(t *testing.T, open func(t *testing.T) archive.Store) {
	ctx := context.Background()
	t.Run("RoundTrip", func(t *testing.T) {
		s := open(t)
		key := "numbers/乌司发/2026/1"
		data := []byte(`{"发文字号":"乌司发〔2026〕1号"}`)
		info, err := s.Put(ctx, key, data, archive.Cond{})
		if err != nil {
			t.Fatal(err)
		}
		if info.ETag == "" || info.Size != int64(len(data)) {
			t.Errorf("put info %+v", info)
		}
		got, gi, err := s.Get(ctx, key)
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("get: %q %v", got, err)
		}
		if gi.ETag != info.ETag {
			t.Errorf("ETag from Get %q differs from Put %q", gi.ETag, info.ETag)
		}
		st, err := s.Stat(ctx, key)
		if err != nil || st.ETag != info.ETag || st.Size != int64(len(data)) {
			t.Errorf("stat %+v %v", st, err)
		}
		for _, size := range []int{0, 5 << 20} {
			big := bytes.Repeat([]byte{0xE5}, size)
			k := "blobs/" + strconv.Itoa(size)
			if _, err := s.Put(ctx, k, big, archive.Cond{IfNoneMatch: true}); err != nil {
				t.Fatal(err)
			}
			if got, _, err := s.Get(ctx, k); err != nil || !bytes.Equal(got, big) {
				t.Errorf("%d-byte object did not come back whole: %v", size, err)
			}
		}
	})
	t.Run("NotFound", func(t *testing.T) {
		s := open(t)
		if _, _, err := s.Get(ctx, "documents/2026/none/record.json"); !errors.Is(err, archive.ErrNotFound) {
			t.Errorf("get: %v", err)
		}
		if _, err := s.Stat(ctx, "documents/2026/none/record.json"); !errors.Is(err, archive.ErrNotFound) {
			t.Errorf("stat: %v", err)
		}
	})
	t.Run("IfNoneMatchCreatesOnce", func(t *testing.T) {
		s := open(t)
		if _, err := s.Put(ctx, "k/v1.docx", []byte("first"), archive.Cond{IfNoneMatch: true}); err != nil {
			t.Fatal(err)
		}
		_, err := s.Put(ctx, "k/v1.docx", []byte("second"), archive.Cond{IfNoneMatch: true})
		if !errors.Is(err, archive.ErrPrecondition) {
			t.Fatalf("second create: %v", err)
		}
		if got, _, _ := s.Get(ctx, "k/v1.docx"); string(got) != "first" {
			t.Fatalf("a stored version was overwritten: %q", got)
		}
	})
	t.Run("IfNoneMatchRace", func(t *testing.T) {
		s := open(t)
		var wins, losses atomic.Int32
		var wg sync.WaitGroup
		for g := 0; g < 16; g++ {
			wg.Add(1)
			go func(g int) {
				defer wg.Done()
				_, err := s.Put(ctx, "numbers/乌司发/2026/48", []byte(fmt.Sprint(g)), archive.Cond{IfNoneMatch: true})
				switch {
				case err == nil:
					wins.Add(1)
				case errors.Is(err, archive.ErrPrecondition):
					losses.Add(1)
				default:
					t.Error(err)
				}
			}(g)
		}
		wg.Wait()
		if wins.Load() != 1 || losses.Load() != 15 {
			t.Fatalf("%d writers won and %d lost; want exactly 1 winner", wins.Load(), losses.Load())
		}
	})
	t.Run("IfMatch", func(t *testing.T) {
		s := open(t)
		a, err := s.Put(ctx, "r/record.json", []byte("v1"), archive.Cond{IfNoneMatch: true})
		if err != nil {
			t.Fatal(err)
		}
		b, err := s.Put(ctx, "r/record.json", []byte("v2"), archive.Cond{IfMatch: a.ETag})
		if err != nil {
			t.Fatal(err)
		}
		if b.ETag == a.ETag {
			t.Error("ETag did not change with the content")
		}
		if _, err := s.Put(ctx, "r/record.json", []byte("v3"), archive.Cond{IfMatch: a.ETag}); !errors.Is(err, archive.ErrPrecondition) {
			t.Errorf("stale ETag accepted: %v", err)
		}
		if _, err := s.Put(ctx, "r/none.json", []byte("x"), archive.Cond{IfMatch: a.ETag}); !errors.Is(err, archive.ErrPrecondition) {
			t.Errorf("If-Match on a missing object: %v", err)
		}
		if got, _, _ := s.Get(ctx, "r/record.json"); string(got) != "v2" {
			t.Errorf("content %q, want v2", got)
		}
	})
	t.Run("OptimisticCounter", func(t *testing.T) {
		s := open(t)
		if _, err := s.Put(ctx, "c/n", []byte("0"), archive.Cond{IfNoneMatch: true}); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for g := 0; g < 8; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < 5; i++ {
					for {
						cur, info, err := s.Get(ctx, "c/n")
						if err != nil {
							t.Error(err)
							return
						}
						n, _ := strconv.Atoi(string(cur))
						_, err = s.Put(ctx, "c/n", []byte(strconv.Itoa(n+1)), archive.Cond{IfMatch: info.ETag})
						if err == nil {
							break
						}
						if !errors.Is(err, archive.ErrPrecondition) {
							t.Error(err)
							return
						}
					}
				}
			}()
		}
		wg.Wait()
		if got, _, _ := s.Get(ctx, "c/n"); string(got) != "40" {
			t.Fatalf("counter %s after 40 increments: updates were lost", got)
		}
	})
	t.Run("List", func(t *testing.T) {
		s := open(t)
		keys := []string{"numbers/乌司发/2026/10", "numbers/乌司发/2026/2", "numbers/乌司发/20260/1", "numbers/乌司报/2026/1", "documents/2026/a/record.json"}
		for _, k := range keys {
			if _, err := s.Put(ctx, k, []byte(k), archive.Cond{}); err != nil {
				t.Fatal(err)
			}
		}
		list := func(prefix string) []string {
			var out []string
			if err := s.List(ctx, prefix, func(o archive.ObjectInfo) error {
				if o.Size != int64(len(o.Key)) {
					t.Errorf("%s: size %d", o.Key, o.Size)
				}
				out = append(out, o.Key)
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			return out
		}
		if got := fmt.Sprint(list("numbers/乌司发/2026/")); got != "[numbers/乌司发/2026/10 numbers/乌司发/2026/2]" {
			t.Errorf("prefix listing %s", got)
		}
		if got := len(list("")); got != len(keys) {
			t.Errorf("full listing has %d keys, want %d", got, len(keys))
		}
		if got := list("nothing/"); len(got) != 0 {
			t.Errorf("listing of an empty prefix: %v", got)
		}
		stop := errors.New("stop")
		n := 0
		if err := s.List(ctx, "", func(archive.ObjectInfo) error { n++; return stop }); !errors.Is(err, stop) || n != 1 {
			t.Errorf("fn's error did not stop the listing: %v after %d", err, n)
		}
	})
	t.Run("Delete", func(t *testing.T) {
		s := open(t)
		if _, err := s.Put(ctx, "sessions/a.json", []byte("a"), archive.Cond{IfNoneMatch: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Put(ctx, "sessions/b.json", []byte("b"), archive.Cond{IfNoneMatch: true}); err != nil {
			t.Fatal(err)
		}
		if err := s.Delete(ctx, "sessions/a.json"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.Get(ctx, "sessions/a.json"); !errors.Is(err, archive.ErrNotFound) {
			t.Errorf("get after delete: %v", err)
		}
		var keys []string
		s.List(ctx, "sessions/", func(o archive.ObjectInfo) error { keys = append(keys, o.Key); return nil })
		if fmt.Sprint(keys) != "[sessions/b.json]" {
			t.Errorf("listing after delete: %v", keys)
		}
		if err := s.Delete(ctx, "sessions/a.json"); err != nil {
			t.Errorf("deleting a missing key: %v", err)
		}
		// The key is free again: a create succeeds, and If-Match on the
		// deleted object fails.
		if _, err := s.Put(ctx, "sessions/a.json", []byte("a2"), archive.Cond{IfNoneMatch: true}); err != nil {
			t.Errorf("create after delete: %v", err)
		}
		for _, k := range []string{"../x", "a//b", ".gongwen-tmp-1"} {
			if err := s.Delete(ctx, k); err == nil {
				t.Errorf("delete of key %q accepted", k)
			}
		}
		c, cancel := context.WithCancel(ctx)
		cancel()
		if err := s.Delete(c, "sessions/b.json"); err == nil {
			t.Error("delete with a cancelled context succeeded")
		}
		if got, _, err := s.Get(ctx, "sessions/b.json"); err != nil || string(got) != "b" {
			t.Errorf("a cancelled delete removed the object: %q %v", got, err)
		}
	})
	t.Run("BadKeysRefused", func(t *testing.T) {
		s := open(t)
		for _, k := range []string{"", "../x", "/x", "a//b", `a\b`, "a/./b", "a/../../etc/passwd", "x/", ".gongwen-tmp-1", "a\x00b", "a\nb"} {
			if _, err := s.Put(ctx, k, []byte("x"), archive.Cond{}); err == nil {
				t.Errorf("key %q accepted", k)
			}
			if _, _, err := s.Get(ctx, k); err == nil || errors.Is(err, archive.ErrNotFound) {
				t.Errorf("get of key %q: %v", k, err)
			}
		}
	})
	t.Run("Cancelled", func(t *testing.T) {
		s := open(t)
		c, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := s.Put(c, "x/y", []byte("z"), archive.Cond{}); err == nil {
			t.Error("put with a cancelled context succeeded")
		}
	})
}
