package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gongwen/gongwen/archive"
)

// ErrNoToken means an API token is unknown or revoked.
var ErrNoToken = errors.New("API 令牌无效或已吊销")

// TokenPrefix begins every API token secret, so a leaked one is easy to
// recognise (and to search for in logs and repositories).
const TokenPrefix = "gw_"

// Token is an API token a user made for scripts. It acts with its user's
// role and visibility. The secret is shown once at creation; the store
// holds the token under the secret's SHA-256.
type Token struct {
	ID      string     `json:"id"`                // first 16 hex digits of sha256(secret): names the token, is not the secret
	User    string     `json:"user"`              // whose token it is
	Name    string     `json:"name"`              // what it is for, e.g. 每晚导出
	Created time.Time  `json:"created"`           // when it was made
	Revoked *time.Time `json:"revoked,omitempty"` // when it was revoked; a revoked token is kept, for the record
}

// Tokens stores API tokens at tokens/<sha256(secret)>.json.
type Tokens struct {
	store archive.Store
	now   func() time.Time
}

// NewTokens returns the API tokens kept in store.
func NewTokens(store archive.Store) *Tokens { return &Tokens{store: store, now: time.Now} }

func tokenKey(digest string) string { return "tokens/" + digest + ".json" }

var tokenIDRe = regexp.MustCompile(`^[0-9a-f]{16}$`)

// Create makes a token for an existing user and returns its secret
// ("gw_" and 32 random bytes, base64url) — shown this once — and the token.
func (t *Tokens) Create(ctx context.Context, user, name string) (secret string, tok *Token, err error) {
	user = normName(user)
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > 64 || strings.IndexFunc(name, isControl) >= 0 {
		return "", nil, fmt.Errorf("%w：令牌名称应为 1–64 个字，说明它的用途（如“每晚导出”）", ErrInvalidUser)
	}
	if !nameRe.MatchString(user) {
		return "", nil, fmt.Errorf("没有用户“%s”：%w", user, archive.ErrNotFound)
	}
	if _, err := t.store.Stat(ctx, userKey(user)); err != nil {
		if errors.Is(err, archive.ErrNotFound) {
			return "", nil, fmt.Errorf("没有用户“%s”：%w", user, archive.ErrNotFound)
		}
		return "", nil, fmt.Errorf("auth: 读取用户 %s：%w", user, err)
	}
	raw, err := newSecret()
	if err != nil {
		return "", nil, err
	}
	secret = TokenPrefix + raw
	d := digest(secret)
	tok = &Token{ID: d[:idLen], User: user, Name: name, Created: t.now().UTC()}
	b, err := json.MarshalIndent(tok, "", "  ")
	if err != nil {
		return "", nil, fmt.Errorf("auth: encode token: %w", err)
	}
	if _, err := t.store.Put(ctx, tokenKey(d), b, archive.Cond{IfNoneMatch: true}); err != nil {
		return "", nil, fmt.Errorf("auth: 保存 API 令牌：%w", err)
	}
	return secret, tok, nil
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

// Lookup returns the live token a secret names, or ErrNoToken. Other
// errors mean the store could not answer. The caller still checks that
// the token's user exists and is not disabled.
func (t *Tokens) Lookup(ctx context.Context, secret string) (*Token, error) {
	raw, ok := strings.CutPrefix(secret, TokenPrefix)
	if !ok || !wellFormed(raw) {
		return nil, ErrNoToken
	}
	tok, _, err := t.get(ctx, tokenKey(digest(secret)))
	if errors.Is(err, archive.ErrNotFound) {
		return nil, ErrNoToken
	}
	if err != nil {
		return nil, err
	}
	if tok.Revoked != nil {
		return nil, ErrNoToken
	}
	return tok, nil
}

func (t *Tokens) get(ctx context.Context, key string) (*Token, archive.ObjectInfo, error) {
	b, info, err := t.store.Get(ctx, key)
	if err != nil {
		return nil, info, fmt.Errorf("auth: 读取 API 令牌：%w", err)
	}
	var tok Token
	if err := json.Unmarshal(b, &tok); err != nil {
		return nil, info, fmt.Errorf("auth: API 令牌记录 %s 已损坏：%w", key, err)
	}
	return &tok, info, nil
}

// List returns user's tokens, revoked ones included, oldest first; every
// user's when user is "".
func (t *Tokens) List(ctx context.Context, user string) ([]*Token, error) {
	user = normName(user)
	var out []*Token
	err := t.store.List(ctx, "tokens/", func(o archive.ObjectInfo) error {
		if !strings.HasSuffix(o.Key, ".json") {
			return nil
		}
		tok, _, err := t.get(ctx, o.Key)
		if err != nil {
			return err
		}
		if user == "" || tok.User == user {
			out = append(out, tok)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("auth: 列出 API 令牌：%w", err)
	}
	slices.SortStableFunc(out, func(a, b *Token) int { return a.Created.Compare(b.Created) })
	return out, nil
}

// Revoke revokes user's token with the given ID; from then on Lookup
// refuses it. The token of another user is not found (ErrNoToken).
// Revoking a revoked token is not an error.
func (t *Tokens) Revoke(ctx context.Context, user, id string) error {
	user = normName(user)
	if !tokenIDRe.MatchString(id) {
		return ErrNoToken
	}
	var key string
	err := t.store.List(ctx, "tokens/"+id, func(o archive.ObjectInfo) error {
		key = o.Key
		return nil
	})
	if err != nil {
		return fmt.Errorf("auth: 查找 API 令牌 %s：%w", id, err)
	}
	if key == "" {
		return ErrNoToken
	}
	for try := 0; try < maxUpdateTries; try++ {
		tok, info, err := t.get(ctx, key)
		if err != nil {
			return err
		}
		if tok.User != user {
			return ErrNoToken
		}
		if tok.Revoked != nil {
			return nil
		}
		now := t.now().UTC()
		tok.Revoked = &now
		b, err := json.MarshalIndent(tok, "", "  ")
		if err != nil {
			return fmt.Errorf("auth: encode token: %w", err)
		}
		_, err = t.store.Put(ctx, key, b, archive.Cond{IfMatch: info.ETag})
		if errors.Is(err, archive.ErrPrecondition) {
			continue
		}
		if err != nil {
			return fmt.Errorf("auth: 吊销 API 令牌 %s：%w", id, err)
		}
		return nil
	}
	return fmt.Errorf("auth: API 令牌 %s 正被频繁修改，请稍后重试", id)
}
