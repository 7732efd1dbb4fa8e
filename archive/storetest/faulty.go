package storetest

import (
	"context"
	"errors"
	"strings"
	"sync"

	"github.com/gongwen/gongwen/archive"
)

// ErrSimulated is the error of a write that Faulty refuses.
var ErrSimulated = errors.New("simulated storage failure")

// Faulty is a store whose writes fail, on purpose, for keys that contain a
// chosen text: the way tests prove that a failed write leaves nothing
// half-done.
type Faulty struct {
	archive.Store
	mu   sync.Mutex
	fail string
}

// Put implements archive.Store: ErrSimulated for a key containing the
// text given to FailOn, else the underlying store's Put.
func (f *Faulty) Put(ctx context.Context, key string, data []byte, c archive.Cond) (archive.ObjectInfo, error) {
	f.mu.Lock()
	fail := f.fail != "" && strings.Contains(key, f.fail)
	f.mu.Unlock()
	if fail {
		return archive.ObjectInfo{}, ErrSimulated
	}
	return f.Store.Put(ctx, key, data, c)
}

// FailOn makes writes to keys containing s fail; "" ends the failures.
func (f *Faulty) FailOn(s string) {
	f.mu.Lock()
	f.fail = s
	f.mu.Unlock()
}
