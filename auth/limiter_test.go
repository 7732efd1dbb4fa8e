package auth

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	clk := &clock{t: time.Date(2026, 3, 5, 9, 0, 0, 0, time.UTC)}
	l := NewLimiter(3, 15*time.Minute, clk.now)
	for i := 0; i < 3; i++ {
		if ok, _ := l.Allow("user:zhangsan"); !ok {
			t.Fatalf("attempt %d refused", i+1)
		}
		l.Fail("user:zhangsan")
		clk.add(time.Minute)
	}
	// Three failures at 9:00, 9:01, 9:02; now 9:03.
	ok, retry := l.Allow("user:zhangsan")
	if ok || retry != 12*time.Minute {
		t.Errorf("after 3 failures: ok %v, retry after %v (want 12m)", ok, retry)
	}
	if ok, _ := l.Allow("user:lisi"); !ok {
		t.Error("another key is throttled too")
	}
	clk.add(12 * time.Minute) // 9:15: the first failure has aged out
	if ok, _ := l.Allow("user:zhangsan"); !ok {
		t.Error("still refused once the oldest failure is a window old")
	}
	l.Fail("user:zhangsan") // 9:15: failures 9:01, 9:02, 9:15
	if ok, retry := l.Allow("user:zhangsan"); ok || retry != time.Minute {
		t.Errorf("refused again until 9:16: ok %v retry %v", ok, retry)
	}
	l.Success("user:zhangsan")
	if ok, _ := l.Allow("user:zhangsan"); !ok {
		t.Error("success did not clear the key")
	}
	// Many failures keep only the newest max: the wait is a window after
	// the max-th newest, not longer.
	for i := 0; i < 100; i++ {
		l.Fail("ip:10.0.0.9")
	}
	if ok, retry := l.Allow("ip:10.0.0.9"); ok || retry != 15*time.Minute {
		t.Errorf("after 100 failures: ok %v retry %v", ok, retry)
	}
}

func TestLimiterForgetsOldKeys(t *testing.T) {
	clk := &clock{t: time.Date(2026, 3, 5, 9, 0, 0, 0, time.UTC)}
	l := NewLimiter(5, time.Minute, clk.now)
	for i := 0; i < sweepAt; i++ {
		l.Fail(fmt.Sprint("ip:", i))
	}
	clk.add(2 * time.Minute)
	l.Fail("ip:last")
	l.mu.Lock()
	n := len(l.fails)
	l.mu.Unlock()
	if n != 1 {
		t.Errorf("%d keys kept after every old failure aged out", n)
	}
}

func TestLimiterConcurrent(t *testing.T) {
	l := NewLimiter(50, time.Hour, nil)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 100; i++ {
				l.Allow("user:x")
				l.Fail("user:x")
			}
		}()
	}
	wg.Wait()
	if ok, _ := l.Allow("user:x"); ok {
		t.Error("800 failures did not throttle")
	}
}
