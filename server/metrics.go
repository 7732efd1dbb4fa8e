package server

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"sync"
	"time"
)

// latencyBuckets are the upper bounds, in seconds, of the request latency
// histogram: from a cached page to a large export.
var latencyBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// histogram is one Prometheus histogram series.
type histogram struct {
	counts []uint64 // per bucket, not cumulative
	sum    float64
	n      uint64
}

// metrics holds what /metrics exposes, in the Prometheus text format
// (version 0.0.4). It is written by hand: a few series do not need the
// client library and its dependencies.
type metrics struct {
	mu        sync.Mutex
	latency   map[[3]string]*histogram // route, method, status class
	issued    uint64
	indexDocs func() (uint64, error)
	started   time.Time
}

func newMetrics(indexDocs func() (uint64, error)) *metrics {
	return &metrics{latency: map[[3]string]*histogram{}, indexDocs: indexDocs, started: time.Now()}
}

// observe records one request.
func (m *metrics) observe(route, method string, status int, d time.Duration) {
	key := [3]string{route, method, fmt.Sprintf("%dxx", status/100)}
	sec := d.Seconds()
	m.mu.Lock()
	defer m.mu.Unlock()
	h := m.latency[key]
	if h == nil {
		h = &histogram{counts: make([]uint64, len(latencyBuckets)+1)}
		m.latency[key] = h
	}
	i := sort.SearchFloat64s(latencyBuckets, sec)
	h.counts[i]++
	h.sum += sec
	h.n++
}

// documentIssued counts one issued document.
func (m *metrics) documentIssued() {
	m.mu.Lock()
	m.issued++
	m.mu.Unlock()
}

// write renders every series.
func (m *metrics) write(w io.Writer) {
	m.mu.Lock()
	keys := make([][3]string, 0, len(m.latency))
	for k := range m.latency {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return strings.Join(keys[i][:], "\x00") < strings.Join(keys[j][:], "\x00") })
	fmt.Fprintln(w, "# HELP gongwen_http_request_duration_seconds Time to answer an HTTP request, by route.")
	fmt.Fprintln(w, "# TYPE gongwen_http_request_duration_seconds histogram")
	for _, k := range keys {
		h := m.latency[k]
		labels := fmt.Sprintf(`route=%q,method=%q,code=%q`, k[0], k[1], k[2])
		var cum uint64
		for i, ub := range latencyBuckets {
			cum += h.counts[i]
			fmt.Fprintf(w, "gongwen_http_request_duration_seconds_bucket{%s,le=%q} %d\n", labels, formatFloat(ub), cum)
		}
		cum += h.counts[len(latencyBuckets)]
		fmt.Fprintf(w, "gongwen_http_request_duration_seconds_bucket{%s,le=\"+Inf\"} %d\n", labels, cum)
		fmt.Fprintf(w, "gongwen_http_request_duration_seconds_sum{%s} %s\n", labels, formatFloat(h.sum))
		fmt.Fprintf(w, "gongwen_http_request_duration_seconds_count{%s} %d\n", labels, h.n)
	}
	issued := m.issued
	m.mu.Unlock()
	fmt.Fprintln(w, "# HELP gongwen_documents_issued_total Documents issued by this instance since it started.")
	fmt.Fprintln(w, "# TYPE gongwen_documents_issued_total counter")
	fmt.Fprintf(w, "gongwen_documents_issued_total %d\n", issued)
	if m.indexDocs != nil {
		if n, err := m.indexDocs(); err == nil {
			fmt.Fprintln(w, "# HELP gongwen_index_documents Documents in the search index.")
			fmt.Fprintln(w, "# TYPE gongwen_index_documents gauge")
			fmt.Fprintf(w, "gongwen_index_documents %d\n", n)
		}
	}
	fmt.Fprintln(w, "# HELP gongwen_uptime_seconds Seconds since this instance started.")
	fmt.Fprintln(w, "# TYPE gongwen_uptime_seconds gauge")
	fmt.Fprintf(w, "gongwen_uptime_seconds %s\n", formatFloat(time.Since(m.started).Seconds()))
}

func formatFloat(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return fmt.Sprintf("%.0f", f)
	}
	return fmt.Sprintf("%g", f)
}
