package auth

import (
	"context"
	"testing"
	"time"

	"github.com/gongwen/gongwen/archive"
	"github.com/gongwen/gongwen/internal/miniotest"
)

// TestOnS3 runs the parts of auth whose safety rests on the store's
// conditional writes and deletes against a real S3 server (MinIO; skipped
// where it is not installed).
func TestOnS3(t *testing.T) {
	srv := miniotest.Start(t)
	ctx := context.Background()
	cfg := archive.S3Config{Endpoint: srv.Endpoint, Bucket: srv.NewBucket(t), AccessKey: srv.AccessKey, SecretKey: srv.SecretKey}
	open := func() archive.Store {
		s, err := archive.OpenS3Store(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	t.Run("EnsureAdminRace", func(t *testing.T) { ensureAdminRace(t, open) })
	t.Run("SessionLogout", func(t *testing.T) {
		ss := NewSessions(open(), time.Hour)
		token, _, err := ss.Create(ctx, "admin", "127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ss.Lookup(ctx, token); err != nil {
			t.Fatal(err)
		}
		if err := ss.Delete(ctx, token); err != nil {
			t.Fatal(err)
		}
		if _, err := ss.Lookup(ctx, token); err != ErrNoSession {
			t.Errorf("after logout: %v", err)
		}
	})
	t.Run("TokenRevoke", func(t *testing.T) {
		ts := NewTokens(open())
		secret, tok, err := ts.Create(ctx, "admin", "脚本")
		if err != nil {
			t.Fatal(err)
		}
		if err := ts.Revoke(ctx, "admin", tok.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := ts.Lookup(ctx, secret); err != ErrNoToken {
			t.Errorf("revoked token: %v", err)
		}
	})
}
