package archive_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/gongwen/gongwen/archive"
	"github.com/gongwen/gongwen/archive/storetest"
)

func TestFileStoreContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) archive.Store {
		s, err := archive.OpenFileStore(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

// TestFileStoreNamedTemporaries runs the store contract with named
// temporary files, the way the store works where O_TMPFILE is missing.
func TestFileStoreNamedTemporaries(t *testing.T) {
	storetest.Run(t, func(t *testing.T) archive.Store {
		s, err := archive.OpenFileStore(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		archive.NamedTemporariesOnly(s)
		return s
	})
}

// TestFileStoreLeavesOnlyItsObjects checks, for both ways of writing,
// that creating, refusing a second create and replacing leave exactly the
// objects in their folders: no temporary file stays behind.
func TestFileStoreLeavesOnlyItsObjects(t *testing.T) {
	for _, unnamed := range []bool{true, false} {
		dir := t.TempDir()
		s, err := archive.OpenFileStore(dir)
		if err != nil {
			t.Fatal(err)
		}
		if !unnamed {
			archive.NamedTemporariesOnly(s)
		} else if !s.LeavesNoTemporaries() {
			t.Logf("this file system takes no O_TMPFILE files; named temporaries only")
		}
		ctx := context.Background()
		if _, err := s.Put(ctx, "numbers/乌司发/2026/1", []byte("a"), archive.Cond{IfNoneMatch: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Put(ctx, "numbers/乌司发/2026/1", []byte("b"), archive.Cond{IfNoneMatch: true}); !errors.Is(err, archive.ErrPrecondition) {
			t.Fatalf("second create of the same number: %v, want archive.ErrPrecondition", err)
		}
		info, err := s.Put(ctx, "documents/2026/x/record.json", []byte("{}"), archive.Cond{IfNoneMatch: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Put(ctx, "documents/2026/x/record.json", []byte(`{"v":2}`), archive.Cond{IfMatch: info.ETag}); err != nil {
			t.Fatal(err)
		}
		var names []string
		err = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(dir, p)
			if strings.HasPrefix(rel, archive.FileLockDir) {
				return nil
			}
			names = append(names, filepath.ToSlash(rel))
			// Documents may be classified: readable by the service's user only.
			if fi, err := d.Info(); err != nil || fi.Mode().Perm() != 0o600 {
				t.Errorf("%s: mode %v (%v), want -rw-------", rel, fi.Mode(), err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		sort.Strings(names)
		want := "documents/2026/x/record.json numbers/乌司发/2026/1"
		if got := strings.Join(names, " "); got != want {
			t.Errorf("unnamed=%v: files in the store: %s, want %s", s.LeavesNoTemporaries(), got, want)
		}
		got, _, err := s.Get(ctx, "numbers/乌司发/2026/1")
		if err != nil || string(got) != "a" {
			t.Errorf("unnamed=%v: number 1 holds %q (%v), want the first write", s.LeavesNoTemporaries(), got, err)
		}
	}
}
