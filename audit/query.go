package audit

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gongwen/gongwen/archive"
)

// Filter selects events. Empty fields select everything on that axis.
type Filter struct {
	From, To time.Time // inclusive bounds on Event.Time; zero: unbounded
	Actor    string    // exact user name
	Action   string    // exact action
	Target   string    // exact target (document id, 发文字号, user name …)
	Outcome  string    // exact outcome
	Limit    int       // events per page: default DefaultLimit, at most MaxLimit
	Before   string    // cursor: only events older than this event id (the next cursor of the previous page)
}

// Page sizes.
const (
	DefaultLimit = 100
	MaxLimit     = 1000
)

// matches applies the filters that need the event's content.
func (f *Filter) matches(e *Event) bool {
	if e.Action == ActionUnreadable {
		return true // shown whatever the filter: it cannot be told apart
	}
	return (f.Actor == "" || e.Actor == f.Actor) &&
		(f.Action == "" || e.Action == f.Action) &&
		(f.Target == "" || e.Target == f.Target) &&
		(f.Outcome == "" || e.Outcome == f.Outcome)
}

// fetchBatch is how many events a query reads at once, concurrently.
const fetchBatch = 16

// Query returns the events f selects, newest first, at most f.Limit, and
// the cursor for the next page ("" when there is none: pass it as
// f.Before). It lists only the day folders inside From..To (and before
// the cursor), and reads an event only when its id, which holds its time,
// is inside the range. With no From it walks back day by day to the
// oldest stored day, so a narrow filter over a long history costs one
// listing per day; give From where you can.
func (l *Log) Query(ctx context.Context, f Filter) ([]*Event, string, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	limit = min(limit, MaxLimit)
	upper := f.To
	if upper.IsZero() {
		upper = l.now().Add(24 * time.Hour) // an event stamped by a clock a little ahead
	}
	if f.Before != "" {
		t, err := idTime(f.Before)
		if err != nil {
			return nil, "", fmt.Errorf("audit: 翻页游标无效：%w", err)
		}
		if t.Before(upper) {
			upper = t
		}
	}
	if !f.From.IsZero() && upper.Before(f.From) {
		return nil, "", nil
	}
	firstDay := ""
	if !f.From.IsZero() {
		firstDay = dayOf(f.From)
	}
	oldestKnown := false // firstDay is the oldest stored day, looked up

	var out []*Event
	day := time.Date(upper.UTC().Year(), upper.UTC().Month(), upper.UTC().Day(), 0, 0, 0, 0, time.UTC)
	for walked := 0; ; walked++ {
		d := dayOf(day)
		if firstDay == "" && walked >= 31 && !oldestKnown {
			// A long walk without From: find where the trail begins.
			oldest, err := l.oldestDay(ctx)
			if err != nil {
				return nil, "", err
			}
			if oldest == "" {
				return out, "", nil
			}
			firstDay, oldestKnown = oldest, true
		}
		if firstDay != "" && d < firstDay {
			return out, "", nil
		}
		ids, err := l.dayIDs(ctx, d, f, upper)
		if err != nil {
			return nil, "", err
		}
		for start := 0; start < len(ids); start += fetchBatch {
			batch := ids[start:min(start+fetchBatch, len(ids))]
			evs, err := l.fetch(ctx, batch)
			if err != nil {
				return nil, "", err
			}
			for _, e := range evs {
				if !f.matches(e) {
					continue
				}
				if len(out) == limit {
					// One more exists: the page is full and has a successor.
					return out, out[limit-1].ID, nil
				}
				out = append(out, e)
			}
		}
		day = day.AddDate(0, 0, -1)
	}
}

// dayIDs lists the ids stored for one day that fall inside the filter's
// time range and before the cursor, newest first.
func (l *Log) dayIDs(ctx context.Context, day string, f Filter, upper time.Time) ([]string, error) {
	var ids []string
	prefix := "audit/" + day + "/"
	err := l.store.List(ctx, prefix, func(o archive.ObjectInfo) error {
		id, ok := strings.CutSuffix(strings.TrimPrefix(o.Key, prefix), ".json")
		if !ok {
			return nil
		}
		t, err := idTime(id)
		if err != nil {
			return nil // not an event
		}
		if f.Before != "" && id >= f.Before {
			return nil
		}
		if t.After(upper) || (!f.From.IsZero() && t.Before(f.From)) || (!f.To.IsZero() && t.After(f.To)) {
			return nil
		}
		ids = append(ids, id)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("audit: 列出 %s 的审计事件：%w", day, err)
	}
	slices.Reverse(ids) // List is in ascending key order
	return ids, nil
}

// fetch reads events concurrently, keeping their order.
func (l *Log) fetch(ctx context.Context, ids []string) ([]*Event, error) {
	evs := make([]*Event, len(ids))
	errs := make([]error, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b, _, err := l.store.Get(ctx, eventKey(id))
			if err != nil {
				errs[i] = fmt.Errorf("audit: 读取审计事件 %s：%w", id, err)
				return
			}
			evs[i] = decode(eventKey(id), id, b)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return evs, nil
}

// oldestDay returns the day folder of the oldest stored event, or "".
func (l *Log) oldestDay(ctx context.Context) (string, error) {
	stop := errors.New("stop")
	day := ""
	err := l.store.List(ctx, "audit/", func(o archive.ObjectInfo) error {
		rest := strings.TrimPrefix(o.Key, "audit/")
		if d, _, ok := strings.Cut(rest, "/"); ok && len(d) == 10 {
			day = d
			return stop
		}
		return nil
	})
	if err != nil && !errors.Is(err, stop) {
		return "", fmt.Errorf("audit: 查找最早的审计事件：%w", err)
	}
	return day, nil
}
