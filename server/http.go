package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/gongwen/gongwen/archive"
	"github.com/gongwen/gongwen/audit"
	"github.com/gongwen/gongwen/auth"
)

// Access levels of routes that need no particular permission.
const (
	permPublic auth.Permission = "" // anyone, signed in or not
	permSignIn auth.Permission = "signed_in"
)

// Body limits.
const (
	maxJSONBytes   = 4 << 20  // a document's data: kilobytes in practice
	maxUploadBytes = 24 << 20 // a template or a corrected .docx
	maxFormBytes   = 4 << 20
)

// call is what a handler knows about the request beyond http.Request.
type call struct {
	user    *auth.User    // nil on public routes when not signed in
	session *auth.Session // nil when authenticated by an API token
	token   string        // the session cookie value (for logout)
	vars    map[string]string
}

// handlerFunc answers one route; an error becomes a problem (API) or an
// error page (UI).
type handlerFunc func(w http.ResponseWriter, r *http.Request, c *call) error

// route is one entry of the route table, which the router, the OpenAPI
// test and the role-matrix test all read.
type route struct {
	method string
	path   string
	perm   auth.Permission
	h      handlerFunc
	limit  int64 // body limit; 0 means maxJSONBytes
}

// ctxKey keys request-scoped values.
type ctxKey int

const (
	keyRequestID ctxKey = iota
)

func requestID(ctx context.Context) string {
	id, _ := ctx.Value(keyRequestID).(string)
	return id
}

func newRequestID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// statusWriter remembers the status a handler wrote.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// buildRouter registers every route of the table, the static assets and
// the fallbacks.
func (s *Server) buildRouter() *mux.Router {
	r := mux.NewRouter()
	for _, rt := range s.routes {
		r.Handle(rt.path, s.wrap(rt)).Methods(rt.method)
	}
	r.PathPrefix("/static/").Handler(s.observe("/static/", s.ui.static()))
	r.NotFoundHandler = s.observe("notfound", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, nil, errorf(http.StatusNotFound, "没有这个地址：%s", r.URL.Path))
	}))
	r.MethodNotAllowedHandler = s.observe("method", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, nil, errorf(http.StatusMethodNotAllowed, "%s 不接受 %s 请求", r.URL.Path, r.Method))
	}))
	return r
}

// observe gives a request its id, security headers, a log line and a
// latency observation, and turns a panic into a 500.
func (s *Server) observe(name string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-Id")
		if id == "" || len(id) > 64 {
			id = newRequestID()
		}
		r = r.WithContext(context.WithValue(r.Context(), keyRequestID, id))
		sw := &statusWriter{ResponseWriter: w}
		h := sw.Header()
		h.Set("X-Request-Id", id)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'")
		defer func() {
			if p := recover(); p != nil {
				s.log.Error("panic", "request_id", id, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				if sw.status == 0 {
					s.fail(sw, r, nil, fmt.Errorf("panic: %v", p))
				}
			}
			d := time.Since(start)
			if sw.status == 0 {
				sw.status = http.StatusOK
			}
			s.metrics.observe(name, r.Method, sw.status, d)
			s.log.Info("request", "request_id", id, "method", r.Method, "route", name, "path", r.URL.Path,
				"status", sw.status, "bytes", sw.bytes, "ms", float64(d.Microseconds())/1000, "remote", remoteAddr(r))
		}()
		next.ServeHTTP(sw, r)
	})
}

// wrap applies a route's body limit, authentication, CSRF check and
// permission before its handler.
func (s *Server) wrap(rt route) http.Handler {
	return s.observe(rt.path, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit := rt.limit
		if limit == 0 {
			limit = maxJSONBytes
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		c := &call{vars: mux.Vars(r)}
		if err := s.authenticate(r, c); err != nil {
			s.fail(w, r, c, err)
			return
		}
		if rt.perm != permPublic && c.user == nil {
			if !isAPI(r) && r.Method == http.MethodGet {
				http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			s.fail(w, r, c, errUnauthenticated)
			return
		}
		if c.session != nil && unsafeMethod(r.Method) && !s.csrfOK(r, c) {
			s.refuse(r, c, "csrf", errCSRF)
			s.fail(w, r, c, errCSRF)
			return
		}
		if rt.perm != permPublic && rt.perm != permSignIn && !c.user.Can(rt.perm) {
			err := &httpError{status: http.StatusForbidden, title: "无权访问", detail: c.user.Refusal(rt.perm).Error(), cause: auth.ErrForbidden}
			s.refuse(r, c, r.Method+" "+rt.path, err)
			s.fail(w, r, c, err)
			return
		}
		if c.user != nil && c.user.MustChangePassword && !isAPI(r) && !passwordExempt(rt.path) {
			http.Redirect(w, r, "/account?first=1", http.StatusSeeOther)
			return
		}
		if err := rt.h(w, r, c); err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) || strings.Contains(err.Error(), "request body too large") {
				err = &httpError{status: http.StatusRequestEntityTooLarge, title: "请求过大", detail: fmt.Sprintf("请求体超过 %d KiB 的上限", limit>>10)}
			}
			s.fail(w, r, c, err)
		}
	}))
}

// passwordExempt are the pages a user who must change their password may
// still reach.
func passwordExempt(path string) bool {
	return path == "/account" || path == "/logout" || path == "/login"
}

func unsafeMethod(m string) bool {
	return m != http.MethodGet && m != http.MethodHead && m != http.MethodOptions
}

// authenticate finds the user: an API token in Authorization, or a
// session cookie.
func (s *Server) authenticate(r *http.Request, c *call) error {
	ctx := r.Context()
	if h := r.Header.Get("Authorization"); h != "" {
		secret, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			return errorf(http.StatusUnauthorized, "Authorization 头应为“Bearer 令牌”")
		}
		tok, err := s.tokens.Lookup(ctx, strings.TrimSpace(secret))
		if err != nil {
			return &httpError{status: http.StatusUnauthorized, title: "令牌无效", detail: "API 令牌无效或已撤销", cause: err}
		}
		u, err := s.users.Get(ctx, tok.User)
		if err != nil || u.Disabled {
			return &httpError{status: http.StatusUnauthorized, title: "令牌无效", detail: "令牌所属用户不存在或已停用"}
		}
		c.user = u
		return nil
	}
	ck, err := r.Cookie(sessionCookie)
	if err != nil || ck.Value == "" {
		return nil
	}
	sess, err := s.sessions.Lookup(ctx, ck.Value)
	if err != nil {
		if errors.Is(err, auth.ErrNoSession) {
			return nil // expired: treated as signed out
		}
		return fmt.Errorf("server: session: %w", err)
	}
	u, err := s.users.Get(ctx, sess.User)
	if err != nil {
		if errors.Is(err, archive.ErrNotFound) {
			return nil
		}
		return fmt.Errorf("server: session user: %w", err)
	}
	if u.Disabled {
		return nil
	}
	c.user, c.session, c.token = u, sess, ck.Value
	return nil
}

// csrfOK checks the session's CSRF token in a form field or header.
func (s *Server) csrfOK(r *http.Request, c *call) bool {
	got := r.Header.Get("X-CSRF-Token")
	if got == "" {
		ct := r.Header.Get("Content-Type")
		if strings.HasPrefix(ct, "multipart/form-data") {
			if err := r.ParseMultipartForm(1 << 20); err == nil {
				got = r.FormValue("csrf")
			}
		} else if strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
			got = r.PostFormValue("csrf")
		}
	}
	return got != "" && constantTimeEqual(got, c.session.CSRF)
}

func constantTimeEqual(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	var v byte
	for i := 0; i < len(a); i++ {
		v |= a[i] ^ b[i]
	}
	return v == 0
}

// remoteAddr is the client's address (the host part).
func remoteAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// fail answers an error: problem+json for the API, an error page for the UI.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, c *call, err error) {
	p := problemOf(err)
	if p.Status >= 500 {
		s.log.Error("request failed", "request_id", requestID(r.Context()), "path", r.URL.Path, "err", err)
	}
	if isAPI(r) || c == nil && !acceptsHTML(r) {
		writeProblem(w, r, p)
		return
	}
	var u *auth.User
	if c != nil {
		u = c.user
	}
	s.ui.errorPage(w, r, u, c, p)
}

func acceptsHTML(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "text/html")
}

// event records an audit event for a request; a failure to record is
// logged (and fails the request only where the caller says so).
func (s *Server) event(r *http.Request, c *call, action, target, detail, outcome string) error {
	e := &audit.Event{Action: action, Target: target, Detail: detail, Outcome: outcome,
		Remote: remoteAddr(r), RequestID: requestID(r.Context())}
	if c != nil && c.user != nil {
		e.Actor, e.Org, e.Role = c.user.Name, c.user.Org, string(c.user.Role)
	}
	if err := s.audit.Append(context.WithoutCancel(r.Context()), e); err != nil {
		s.log.Error("audit append failed", "request_id", e.RequestID, "action", action, "err", err)
		return fmt.Errorf("server: audit: %w", err)
	}
	return nil
}

// refuse records a refusal.
func (s *Server) refuse(r *http.Request, c *call, what string, err error) {
	s.event(r, c, audit.ActionRefused, what, err.Error(), audit.OutcomeRefused)
}
