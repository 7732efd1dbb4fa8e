package archive

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
)

// sequencer hands out 1, 2, 3 … under a key prefix — 发文字号 under
// numbers/<代字>/<year>/, 件号 under filing/… — unique across processes and
// without gaps. Each number is an object created with If-None-Match, and
// numbers are created strictly in order: n is tried only once n-1 is known
// to exist, so every number up to the highest is taken. Within a process
// allocations of one series are serialised, and the highest number seen is
// remembered so probing starts above it.
type sequencer struct {
	store  Store
	mu     sync.Mutex
	series map[string]*seriesState
}

type seriesState struct {
	mu      sync.Mutex
	highest int
	known   bool
}

func newSequencer(store Store) *sequencer {
	return &sequencer{store: store, series: map[string]*seriesState{}}
}

func (q *sequencer) state(prefix string) *seriesState {
	q.mu.Lock()
	defer q.mu.Unlock()
	s, ok := q.series[prefix]
	if !ok {
		s = &seriesState{}
		q.series[prefix] = s
	}
	return s
}

// next creates the object of the next free number under prefix with the
// content body(n) and returns n.
func (q *sequencer) next(ctx context.Context, prefix string, body func(n int) []byte) (int, ObjectInfo, error) {
	st := q.state(prefix)
	st.mu.Lock()
	defer st.mu.Unlock()
	if !st.known {
		top, err := highest(ctx, q.store, prefix)
		if err != nil {
			return 0, ObjectInfo{}, err
		}
		st.highest, st.known = top, true
	}
	for attempt := 0; attempt < 100000; attempt++ {
		n := st.highest + 1
		info, err := q.store.Put(ctx, prefix+strconv.Itoa(n), body(n), Cond{IfNoneMatch: true})
		if err == nil {
			st.highest = n
			return n, info, nil
		}
		if !errors.Is(err, ErrPrecondition) {
			return 0, ObjectInfo{}, err
		}
		st.highest = n // taken by another process: try the next one
	}
	return 0, ObjectInfo{}, fmt.Errorf("冲突过多")
}

// highest returns the highest number stored under prefix.
func highest(ctx context.Context, s Store, prefix string) (int, error) {
	top := 0
	err := s.List(ctx, prefix, func(o ObjectInfo) error {
		if n, err := strconv.Atoi(strings.TrimPrefix(o.Key, prefix)); err == nil && n > top {
			top = n
		}
		return nil
	})
	return top, err
}
