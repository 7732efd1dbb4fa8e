package archive

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"
)

// FileStore keeps objects as files under one folder: the embedded default
// store. Several processes may share the folder: creation is atomic
// (a complete, synced file linked into place, which fails if the name
// exists), replacement is a rename under an exclusive lock on the key,
// and readers never see a partial file. A Put returns once the file and
// its name are on disk: the folder holding it is synced too, and so is
// every folder it had to create.
type FileStore struct {
	root string
	// unnamed says that new files can be written without a name
	// (O_TMPFILE) and named by one link: one change to the key's folder
	// per create instead of three (temporary name, link, removal), which
	// matters when many issuers add numbers to the same folder.
	unnamed bool
}

// Reserved names inside the folder; ValidKey refuses keys that use them.
const (
	fileTmpPrefix = ".gongwen-tmp-"
	fileLockDir   = ".gongwen-locks"
)

// OpenFileStore opens (creating if needed) a file store in dir.
func OpenFileStore(dir string) (*FileStore, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("archive: data dir %s: %w", dir, err)
	}
	if err := os.MkdirAll(filepath.Join(abs, fileLockDir), 0o755); err != nil {
		return nil, fmt.Errorf("archive: 无法创建数据目录 %s：%w", abs, err)
	}
	return &FileStore{root: abs, unnamed: canLinkUnnamed(filepath.Join(abs, fileLockDir))}, nil
}

// LeavesNoTemporaries reports whether a write cut short (the process
// killed, the machine stopped) leaves nothing behind in the folder: true
// where new files are written unnamed (Linux, O_TMPFILE). Elsewhere it may
// leave a temporary file named .gongwen-tmp-*, which the store never
// lists and which may be deleted.
func (s *FileStore) LeavesNoTemporaries() bool { return s.unnamed }

// canLinkUnnamed reports whether dir's file system supports creating a
// file without a name and linking it in later (Linux with /proc; not every
// file system takes O_TMPFILE).
func canLinkUnnamed(dir string) bool {
	f, err := openUnnamed(dir)
	if err != nil {
		return false
	}
	defer f.Close()
	p := filepath.Join(dir, fmt.Sprintf("probe-%d-%d", os.Getpid(), time.Now().UnixNano()))
	if err := linkUnnamed(f, p); err != nil {
		return false
	}
	os.Remove(p)
	return true
}

// String implements Store.
func (s *FileStore) String() string { return "file:" + s.root }

func (s *FileStore) path(key string) (string, error) {
	if err := ValidKey(key); err != nil {
		return "", fmt.Errorf("archive: %w", err)
	}
	return filepath.Join(s.root, filepath.FromSlash(key)), nil
}

// fileETag is the ETag of content in the file store: its SHA-256.
func fileETag(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// Get implements Store.
func (s *FileStore) Get(ctx context.Context, key string) ([]byte, ObjectInfo, error) {
	if err := ctx.Err(); err != nil {
		return nil, ObjectInfo{}, err
	}
	p, err := s.path(key)
	if err != nil {
		return nil, ObjectInfo{}, err
	}
	data, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ObjectInfo{}, fmt.Errorf("archive: get %s: %w", key, ErrNotFound)
	}
	if err != nil {
		return nil, ObjectInfo{}, fmt.Errorf("archive: get %s: %w", key, err)
	}
	st, err := os.Stat(p)
	if err != nil {
		return nil, ObjectInfo{}, fmt.Errorf("archive: get %s: %w", key, err)
	}
	return data, ObjectInfo{Key: key, Size: int64(len(data)), ETag: fileETag(data), Modified: st.ModTime()}, nil
}

// Stat implements Store. The ETag costs a read of the file.
func (s *FileStore) Stat(ctx context.Context, key string) (ObjectInfo, error) {
	_, info, err := s.Get(ctx, key)
	return info, err
}

// Put implements Store.
func (s *FileStore) Put(ctx context.Context, key string, data []byte, cond Cond) (ObjectInfo, error) {
	if err := ctx.Err(); err != nil {
		return ObjectInfo{}, err
	}
	p, err := s.path(key)
	if err != nil {
		return ObjectInfo{}, err
	}
	info := ObjectInfo{Key: key, Size: int64(len(data)), ETag: fileETag(data)}
	if cond.IfNoneMatch {
		if err := s.create(p, data); err != nil {
			if errors.Is(err, fs.ErrExist) {
				return ObjectInfo{}, fmt.Errorf("archive: put %s: %w", key, ErrPrecondition)
			}
			return ObjectInfo{}, fmt.Errorf("archive: put %s: %w", key, err)
		}
		return s.stamp(p, info)
	}
	dir := filepath.Dir(p)
	tmp, err := s.writeTemp(dir, data)
	if err != nil {
		return ObjectInfo{}, fmt.Errorf("archive: put %s: %w", key, err)
	}
	defer os.Remove(tmp)
	unlock, err := s.lock(key)
	if err != nil {
		return ObjectInfo{}, fmt.Errorf("archive: put %s: %w", key, err)
	}
	defer unlock()
	if cond.IfMatch != "" {
		cur, err := os.ReadFile(p)
		if errors.Is(err, fs.ErrNotExist) {
			return ObjectInfo{}, fmt.Errorf("archive: put %s: %w", key, ErrPrecondition)
		}
		if err != nil {
			return ObjectInfo{}, fmt.Errorf("archive: put %s: %w", key, err)
		}
		if fileETag(cur) != cond.IfMatch {
			return ObjectInfo{}, fmt.Errorf("archive: put %s: %w", key, ErrPrecondition)
		}
	}
	if err := os.Rename(tmp, p); err != nil {
		return ObjectInfo{}, fmt.Errorf("archive: put %s: %w", key, err)
	}
	if err := syncDir(dir); err != nil {
		return ObjectInfo{}, fmt.Errorf("archive: put %s: %w", key, err)
	}
	return s.stamp(p, info)
}

// create writes data as a new file p, failing with an error matching
// fs.ErrExist if p exists (atomically, across processes: link(2) never
// replaces a name). The content is synced before it gets its name and the
// folder after, so a name on disk always stands for a complete file.
func (s *FileStore) create(p string, data []byte) error {
	dir := filepath.Dir(p)
	if s.unnamed {
		f, err := openUnnamed(dir)
		if errors.Is(err, fs.ErrNotExist) {
			if err := s.mkdirSynced(dir); err != nil {
				return err
			}
			f, err = openUnnamed(dir)
		}
		if err != nil {
			return err
		}
		defer f.Close()
		if err := writeSynced(f, data); err != nil {
			return err
		}
		if err := linkUnnamed(f, p); err != nil {
			return err
		}
		return syncDir(dir)
	}
	tmp, err := s.writeTemp(dir, data)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	if err := os.Link(tmp, p); err != nil {
		return err
	}
	return syncDir(dir)
}

// stamp completes the description of a just-written object: it was
// written now (a stat would cost a syscall for the same answer).
func (s *FileStore) stamp(_ string, info ObjectInfo) (ObjectInfo, error) {
	info.Modified = time.Now()
	return info, nil
}

// writeTemp writes data to a synced temporary file in dir, creating dir
// if it does not exist.
func (s *FileStore) writeTemp(dir string, data []byte) (string, error) {
	f, err := os.CreateTemp(dir, fileTmpPrefix+"*")
	if errors.Is(err, fs.ErrNotExist) {
		// First object in this folder: make it, then write.
		if err := s.mkdirSynced(dir); err != nil {
			return "", err
		}
		f, err = os.CreateTemp(dir, fileTmpPrefix+"*")
	}
	if err != nil {
		return "", err
	}
	name := f.Name()
	err = writeSynced(f, data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(name)
		return "", err
	}
	return name, nil
}

// writeSynced writes data to f and waits until it is on disk.
func writeSynced(f *os.File, data []byte) error {
	if _, err := f.Write(data); err != nil {
		return err
	}
	return f.Sync()
}

// syncDir waits until the names in dir are on disk: a new or renamed
// file is only durable once its folder is.
func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("sync folder %s: %w", dir, err)
	}
	return nil
}

// mkdirSynced creates dir and the folders above it that are missing
// (inside the store's root), syncing the folder each one is made in.
// Another process making the same folder at the same time is not an error.
func (s *FileStore) mkdirSynced(dir string) error {
	var missing []string
	for d := dir; d != s.root && len(d) > len(s.root); d = filepath.Dir(d) {
		if _, err := os.Stat(d); err == nil {
			break
		} else if !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		missing = append(missing, d)
	}
	for i := len(missing) - 1; i >= 0; i-- {
		d := missing[i]
		if err := os.Mkdir(d, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
			return err
		}
		if err := syncDir(filepath.Dir(d)); err != nil {
			return err
		}
	}
	return nil
}

// lock takes an exclusive advisory lock (flock) for one key, shared by
// all processes using the folder.
func (s *FileStore) lock(key string) (func(), error) {
	sum := sha256.Sum256([]byte(key))
	p := filepath.Join(s.root, fileLockDir, hex.EncodeToString(sum[:8]))
	f, err := os.OpenFile(p, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

// List implements Store.
func (s *FileStore) List(ctx context.Context, prefix string, fn func(ObjectInfo) error) error {
	if err := validPrefix(prefix); err != nil {
		return fmt.Errorf("archive: list %s: %w", prefix, err)
	}
	// Walk from the deepest folder the prefix names completely.
	start := s.root
	if k := strings.LastIndex(prefix, "/"); k >= 0 {
		start = filepath.Join(s.root, filepath.FromSlash(prefix[:k]))
	}
	var infos []ObjectInfo
	err := filepath.WalkDir(start, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		name := d.Name()
		if strings.HasPrefix(name, ".gongwen-") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(s.root, p)
		if err != nil {
			return err
		}
		key := filepath.ToSlash(rel)
		if !strings.HasPrefix(key, prefix) {
			return nil
		}
		st, err := d.Info()
		if err != nil {
			return err
		}
		infos = append(infos, ObjectInfo{Key: key, Size: st.Size(), Modified: st.ModTime()})
		return nil
	})
	if err != nil {
		return fmt.Errorf("archive: list %s: %w", prefix, err)
	}
	sort.Slice(infos, func(i, j int) bool { return infos[i].Key < infos[j].Key })
	for _, info := range infos {
		if err := fn(info); err != nil {
			return err
		}
	}
	return nil
}

// Delete implements Store. It takes the key's lock, so it never removes a
// file in the middle of a replacement.
func (s *FileStore) Delete(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	p, err := s.path(key)
	if err != nil {
		return err
	}
	unlock, err := s.lock(key)
	if err != nil {
		return fmt.Errorf("archive: delete %s: %w", key, err)
	}
	defer unlock()
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("archive: delete %s: %w", key, err)
	}
	return nil
}
