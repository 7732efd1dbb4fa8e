package auth

import (
	"sync"
	"time"
)

// Limiter throttles login attempts: after max failures for one key within
// window, Allow refuses that key until the oldest of those failures is
// window old. It lives in memory and is held by the server (one per
// process): keep one key per user name ("user:zhangsan") and one per
// remote IP ("ip:10.0.0.7"), ask Allow for both before authenticating,
// and report Fail for both. Success clears a key: call it for the user
// name; clearing the IP's count too would let one valid account reset a
// password-spraying address, so a server may give the IP key a higher max
// in a limiter of its own instead.
type Limiter struct {
	max    int
	window time.Duration
	now    func() time.Time

	mu    sync.Mutex
	fails map[string][]time.Time // recent failures per key, oldest first, at most max
}

// sweepAt is the number of keys above which Fail drops keys whose
// failures have all aged out.
const sweepAt = 4096

// NewLimiter returns a limiter allowing max failures per key within
// window; now is the clock (nil: time.Now).
func NewLimiter(max int, window time.Duration, now func() time.Time) *Limiter {
	if now == nil {
		now = time.Now
	}
	if max < 1 {
		max = 1
	}
	return &Limiter{max: max, window: window, now: now, fails: map[string][]time.Time{}}
}

// recent drops the key's failures older than window and returns the rest.
func (l *Limiter) recent(key string, now time.Time) []time.Time {
	fs := l.fails[key]
	i := 0
	for i < len(fs) && !now.Before(fs[i].Add(l.window)) {
		i++
	}
	fs = fs[i:]
	if len(fs) == 0 {
		delete(l.fails, key)
		return nil
	}
	l.fails[key] = fs
	return fs
}

// Allow reports whether an attempt for key may go ahead; if not, how long
// until it may.
func (l *Limiter) Allow(key string) (ok bool, retryAfter time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	fs := l.recent(key, now)
	if len(fs) < l.max {
		return true, 0
	}
	return false, fs[len(fs)-l.max].Add(l.window).Sub(now)
}

// Fail records a failed attempt for key.
func (l *Limiter) Fail(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	fs := append(l.recent(key, now), now)
	if len(fs) > l.max {
		fs = append([]time.Time(nil), fs[len(fs)-l.max:]...)
	}
	l.fails[key] = fs
	if len(l.fails) > sweepAt {
		for k := range l.fails {
			l.recent(k, now)
		}
	}
}

// Success forgets key's failures.
func (l *Limiter) Success(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.fails, key)
}
