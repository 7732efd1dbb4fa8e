// Package server is gongwen's HTTP service: the JSON API under /api/v1 and
// the web UI in Chinese, on gorilla/mux. Handlers parse requests, check who
// may do what, and call the packages that do the work (issuing, archive,
// search, templates); they hold no business logic of their own.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/mux"

	"github.com/gongwen/gongwen/archive"
	"github.com/gongwen/gongwen/audit"
	"github.com/gongwen/gongwen/auth"
	"github.com/gongwen/gongwen/issuing"
	"github.com/gongwen/gongwen/search"
	"github.com/gongwen/gongwen/templates"
)

// Config is what a server needs. Store and Index are required.
type Config struct {
	Store  archive.Store
	Index  *search.Index
	Logger *slog.Logger // nil: discard

	// SessionTTL is how long a browser session lasts (default 12 hours).
	SessionTTL time.Duration
	// SecureCookies marks cookies Secure: set it when clients reach the
	// service over HTTPS (behind a TLS-terminating proxy).
	SecureCookies bool
	// SyncEvery is how often the index looks for documents other instances
	// sharing the store have changed (default 30 s; negative: never).
	SyncEvery time.Duration
	// LoginAttempts failures per LoginWindow lock a user name or an address
	// (defaults 5 and 15 minutes).
	LoginAttempts int
	LoginWindow   time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Server is the HTTP service over one archive and its index.
type Server struct {
	cfg      Config
	log      *slog.Logger
	store    archive.Store
	docs     *archive.Documents
	registry *archive.Registry
	profiles *archive.Profiles
	catalog  *templates.Catalog
	issuer   *issuing.Issuer
	index    *search.Index
	users    *auth.Users
	sessions *auth.Sessions
	tokens   *auth.Tokens
	limiter  *auth.Limiter
	audit    *audit.Log
	metrics  *metrics
	router   *mux.Router
	routes   []route
	ui       *ui

	syncMu   sync.Mutex
	lastSync time.Time
	synced   map[string]time.Time // record key -> modification time indexed, within the sync margin
}

// New builds a server. It does not touch the store: call Prepare before
// serving.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil || cfg.Index == nil {
		return nil, errors.New("server: a store and an index are required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = 12 * time.Hour
	}
	if cfg.SyncEvery == 0 {
		cfg.SyncEvery = 30 * time.Second
	}
	if cfg.LoginAttempts <= 0 {
		cfg.LoginAttempts = 5
	}
	if cfg.LoginWindow <= 0 {
		cfg.LoginWindow = 15 * time.Minute
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	cat, err := templates.NewCatalog(cfg.Store)
	if err != nil {
		return nil, fmt.Errorf("server: templates: %w", err)
	}
	s := &Server{
		cfg: cfg, log: cfg.Logger, store: cfg.Store, index: cfg.Index,
		docs:     archive.NewDocuments(cfg.Store),
		registry: archive.NewRegistry(cfg.Store),
		profiles: archive.NewProfiles(cfg.Store),
		catalog:  cat,
		issuer:   issuing.New(cfg.Store),
		users:    auth.NewUsers(cfg.Store),
		sessions: auth.NewSessions(cfg.Store, cfg.SessionTTL),
		tokens:   auth.NewTokens(cfg.Store),
		limiter:  auth.NewLimiter(cfg.LoginAttempts, cfg.LoginWindow, cfg.Now),
		audit:    audit.NewLog(cfg.Store),
		synced:   map[string]time.Time{},
	}
	s.issuer.Now = cfg.Now
	s.issuer.OnIssued = func(ctx context.Context, r *archive.Record, content []byte) error {
		s.metrics.documentIssued()
		return s.index.PutIssued(ctx, r, content)
	}
	s.metrics = newMetrics(s.index.Count)
	ui, err := newUI()
	if err != nil {
		return nil, err
	}
	s.ui = ui
	s.routes = s.routeTable()
	s.router = s.buildRouter()
	return s, nil
}

// Prepare readies the store and the index for serving: it creates the
// first administrator when the store has no users (returning its one-time
// password, to be shown once) and brings the index up to date with the
// store.
func (s *Server) Prepare(ctx context.Context) (adminPassword string, err error) {
	pw, created, err := s.users.EnsureAdmin(ctx)
	if err != nil {
		return "", fmt.Errorf("server: first administrator: %w", err)
	}
	rep, err := search.Check(ctx, s.store, s.index)
	if err != nil {
		return "", fmt.Errorf("server: index check: %w", err)
	}
	s.log.Info("index checked", "store_records", rep.StoreRecords, "indexed", rep.Indexed, "added", rep.Added)
	s.syncMu.Lock()
	s.lastSync = s.cfg.Now()
	s.syncMu.Unlock()
	if created {
		return pw, nil
	}
	return "", nil
}

// Handler returns the service's HTTP handler.
func (s *Server) Handler() http.Handler { return s.router }

// Serve answers requests on ln until ctx ends, then shuts down gracefully:
// it stops accepting, lets requests in flight (an issue half done) finish
// for up to grace, and returns.
func (s *Server) Serve(ctx context.Context, ln net.Listener, grace time.Duration) error {
	hs := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	syncCtx, stopSync := context.WithCancel(ctx)
	defer stopSync()
	if s.cfg.SyncEvery > 0 {
		go s.syncLoop(syncCtx)
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.log.Info("shutting down", "grace", grace.String())
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("server: shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// syncLoop keeps the index in step with documents that other instances
// sharing the store issued or changed.
func (s *Server) syncLoop(ctx context.Context) {
	t := time.NewTicker(s.cfg.SyncEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if n, err := s.SyncIndex(ctx); err != nil {
				s.log.Warn("index sync", "err", err)
			} else if n > 0 {
				s.log.Info("index sync", "reindexed", n)
			}
		}
	}
}

// SyncIndex reindexes every record the store shows changed since the last
// sync (with a margin for clocks), and returns how many it reindexed. A
// record seen in an earlier pass with the same modification time is not
// indexed again.
func (s *Server) SyncIndex(ctx context.Context) (int, error) {
	s.syncMu.Lock()
	defer s.syncMu.Unlock()
	since := s.lastSync.Add(-2 * time.Minute)
	started := s.cfg.Now()
	type change struct {
		year int
		id   string
		mod  time.Time
		key  string
	}
	var changed []change
	err := s.store.List(ctx, "documents/", func(o archive.ObjectInfo) error {
		// documents/<year>/<id>/record.json
		parts := strings.Split(o.Key, "/")
		if len(parts) != 4 || parts[3] != "record.json" || o.Modified.Before(since) || s.synced[o.Key].Equal(o.Modified) {
			return nil
		}
		year, err := strconv.Atoi(parts[1])
		if err != nil {
			return nil
		}
		changed = append(changed, change{year, parts[2], o.Modified, o.Key})
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("server: sync: %w", err)
	}
	n := 0
	for _, ch := range changed {
		r, _, err := s.docs.GetRecord(ctx, ch.year, ch.id)
		if err != nil {
			return n, err
		}
		if err := s.index.IndexRecord(ctx, s.store, r); err != nil {
			return n, err
		}
		s.synced[ch.key] = ch.mod
		n++
	}
	for k, mod := range s.synced {
		if mod.Before(since) {
			delete(s.synced, k)
		}
	}
	s.lastSync = started
	return n, nil
}
