package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gongwen/gongwen/archive"
)

// ErrNoSession means the session token is unknown, ended or expired: the
// user must sign in.
var ErrNoSession = errors.New("未登录或登录已过期，请重新登录")

// Session is a signed-in browser. The token that names it lives only in
// the browser's cookie; the store holds the session under the token's
// SHA-256, so whoever can read the store cannot sign in with it.
type Session struct {
	ID         string    `json:"id"`                    // first 16 hex digits of sha256(token): names the session in lists and the audit log, never the token
	User       string    `json:"user"`                  // login name
	CSRF       string    `json:"csrf"`                  // token every form of this session must carry
	Created    time.Time `json:"created"`               // when the user signed in
	Expires    time.Time `json:"expires"`               // after this the session is gone
	RemoteAddr string    `json:"remote_addr,omitempty"` // where the user signed in from
}

// ValidCSRF reports, in constant time, whether a form's CSRF token is this
// session's.
func (s *Session) ValidCSRF(token string) bool {
	return token != "" && subtle.ConstantTimeCompare([]byte(token), []byte(s.CSRF)) == 1
}

// Sessions stores browser sessions at sessions/<sha256(token)>.json. A
// session lasts a fixed time from sign-in; logging out deletes it.
type Sessions struct {
	store archive.Store
	ttl   time.Duration
	now   func() time.Time
}

// NewSessions returns the sessions kept in store; each lasts ttl from
// sign-in.
func NewSessions(store archive.Store, ttl time.Duration) *Sessions {
	return &Sessions{store: store, ttl: ttl, now: time.Now}
}

// tokenBytes is the length of session tokens and API token secrets.
const tokenBytes = 32

// newSecret returns tokenBytes random bytes, base64url without padding.
func newSecret() (string, error) {
	var b [tokenBytes]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("auth: no randomness: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// wellFormed reports whether s could be a secret made by newSecret.
func wellFormed(s string) bool {
	b, err := base64.RawURLEncoding.DecodeString(s)
	return err == nil && len(b) == tokenBytes
}

// digest is the hex SHA-256 of a secret: the key under which it is stored.
func digest(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// idLen is how many hex digits of the digest make a session's or token's ID.
const idLen = 16

func sessionKey(digest string) string { return "sessions/" + digest + ".json" }

// Create starts a session for user, signed in from remote, and returns
// the token for the cookie (32 random bytes, base64url) and the session.
func (s *Sessions) Create(ctx context.Context, user, remote string) (token string, sess *Session, err error) {
	token, err = newSecret()
	if err != nil {
		return "", nil, err
	}
	csrf, err := newSecret()
	if err != nil {
		return "", nil, err
	}
	d := digest(token)
	now := s.now().UTC()
	sess = &Session{ID: d[:idLen], User: user, CSRF: csrf, Created: now, Expires: now.Add(s.ttl), RemoteAddr: remote}
	b, err := json.MarshalIndent(sess, "", "  ")
	if err != nil {
		return "", nil, fmt.Errorf("auth: encode session: %w", err)
	}
	if _, err := s.store.Put(ctx, sessionKey(d), b, archive.Cond{IfNoneMatch: true}); err != nil {
		return "", nil, fmt.Errorf("auth: 保存登录会话：%w", err)
	}
	return token, sess, nil
}

// Lookup returns the live session a token names, or ErrNoSession when it
// is unknown, ended or expired (an expired one is deleted). Other errors
// mean the store could not answer. The caller still checks that the user
// exists and is not disabled.
func (s *Sessions) Lookup(ctx context.Context, token string) (*Session, error) {
	if !wellFormed(token) {
		return nil, ErrNoSession
	}
	key := sessionKey(digest(token))
	b, _, err := s.store.Get(ctx, key)
	if errors.Is(err, archive.ErrNotFound) {
		return nil, ErrNoSession
	}
	if err != nil {
		return nil, fmt.Errorf("auth: 读取登录会话：%w", err)
	}
	var sess Session
	if err := json.Unmarshal(b, &sess); err != nil {
		return nil, fmt.Errorf("auth: 登录会话 %s 已损坏：%w", key, err)
	}
	if !s.now().Before(sess.Expires) {
		s.store.Delete(ctx, key) // best effort; Prune catches what is left
		return nil, ErrNoSession
	}
	return &sess, nil
}

// Delete ends the session a token names (logging out). An unknown token
// is not an error.
func (s *Sessions) Delete(ctx context.Context, token string) error {
	if !wellFormed(token) {
		return nil
	}
	if err := s.store.Delete(ctx, sessionKey(digest(token))); err != nil {
		return fmt.Errorf("auth: 结束登录会话：%w", err)
	}
	return nil
}

// each calls fn for every stored session with its key; unreadable ones
// are passed as nil.
func (s *Sessions) each(ctx context.Context, fn func(key string, sess *Session) error) error {
	return s.store.List(ctx, "sessions/", func(o archive.ObjectInfo) error {
		if !strings.HasSuffix(o.Key, ".json") {
			return nil
		}
		b, _, err := s.store.Get(ctx, o.Key)
		if errors.Is(err, archive.ErrNotFound) {
			return nil // ended meanwhile
		}
		if err != nil {
			return err
		}
		var sess Session
		if json.Unmarshal(b, &sess) != nil {
			return fn(o.Key, nil)
		}
		return fn(o.Key, &sess)
	})
}

// List returns the live sessions of user (every user's when user is ""),
// oldest first.
func (s *Sessions) List(ctx context.Context, user string) ([]*Session, error) {
	now := s.now()
	var out []*Session
	err := s.each(ctx, func(_ string, sess *Session) error {
		if sess != nil && (user == "" || sess.User == user) && now.Before(sess.Expires) {
			out = append(out, sess)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("auth: 列出登录会话：%w", err)
	}
	slices.SortStableFunc(out, func(a, b *Session) int { return a.Created.Compare(b.Created) })
	return out, nil
}

// DeleteUser ends every session of user — after their password is
// changed or reset, or they are disabled — and returns how many it ended.
func (s *Sessions) DeleteUser(ctx context.Context, user string) (int, error) {
	n, err := s.deleteWhere(ctx, func(sess *Session) bool { return sess != nil && sess.User == user })
	if err != nil {
		return n, fmt.Errorf("auth: 结束用户 %s 的登录会话：%w", user, err)
	}
	return n, nil
}

// Prune deletes expired and unreadable sessions and returns how many; the
// server runs it now and then.
func (s *Sessions) Prune(ctx context.Context) (int, error) {
	now := s.now()
	n, err := s.deleteWhere(ctx, func(sess *Session) bool { return sess == nil || !now.Before(sess.Expires) })
	if err != nil {
		return n, fmt.Errorf("auth: 清理过期会话：%w", err)
	}
	return n, nil
}

// deleteWhere deletes every session gone picks (nil for one that cannot be
// read) and returns how many it deleted.
func (s *Sessions) deleteWhere(ctx context.Context, gone func(*Session) bool) (int, error) {
	n := 0
	err := s.each(ctx, func(key string, sess *Session) error {
		if !gone(sess) {
			return nil
		}
		if err := s.store.Delete(ctx, key); err != nil {
			return err
		}
		n++
		return nil
	})
	return n, err
}
