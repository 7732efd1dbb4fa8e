package auth

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/gongwen/gongwen/archive"
)

func TestTokens(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, _ := archive.OpenFileStore(dir)
	addOffices(t, s)
	us := NewUsers(s)
	for _, u := range []*User{
		{Name: "zhangsan", Org: "wlmq-sfj", Role: RoleArchivist},
		{Name: "lisi", Org: "wlmq-sfj", Role: RoleDrafter},
	} {
		if err := us.Create(ctx, u, goodPassword); err != nil {
			t.Fatal(err)
		}
	}
	ts := NewTokens(s)
	secret, tok, err := ts.Create(ctx, "zhangsan", "每晚导出")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(secret, "gw_") || len(secret) != 3+43 {
		t.Errorf("secret %q", secret)
	}
	if storeHolds(t, dir, secret) || storeHolds(t, dir, strings.TrimPrefix(secret, "gw_")) {
		t.Error("the store holds the token's secret")
	}
	if tok.ID == "" || strings.Contains(secret, tok.ID) || tok.User != "zhangsan" || tok.Name != "每晚导出" {
		t.Errorf("token %+v", tok)
	}
	got, err := ts.Lookup(ctx, secret)
	if err != nil || got.ID != tok.ID || got.User != "zhangsan" {
		t.Fatalf("lookup: %+v %v", got, err)
	}
	for _, bad := range []string{"", secret[3:], "gw_", secret[:len(secret)-1], secret + "x", "gw_" + strings.Repeat("A", 43)} {
		if _, err := ts.Lookup(ctx, bad); err != ErrNoToken {
			t.Errorf("lookup of %q: %v", bad, err)
		}
	}
	second, _, err := ts.Create(ctx, "zhangsan", "统计脚本")
	if err != nil {
		t.Fatal(err)
	}
	ts.Create(ctx, "lisi", "lisi 的脚本")
	list, err := ts.List(ctx, "zhangsan")
	if err != nil || len(list) != 2 || list[0].Name != "每晚导出" {
		t.Errorf("list: %v %v", list, err)
	}
	if all, _ := ts.List(ctx, ""); len(all) != 3 {
		t.Errorf("all tokens: %d", len(all))
	}

	// Revoking: another user cannot, the owner can, and it sticks.
	if err := ts.Revoke(ctx, "lisi", tok.ID); err != ErrNoToken {
		t.Errorf("lisi revokes zhangsan's token: %v", err)
	}
	if err := ts.Revoke(ctx, "zhangsan", tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.Lookup(ctx, secret); err != ErrNoToken {
		t.Errorf("revoked token accepted: %v", err)
	}
	if _, err := ts.Lookup(ctx, second); err != nil {
		t.Errorf("the other token was revoked too: %v", err)
	}
	if err := ts.Revoke(ctx, "zhangsan", tok.ID); err != nil {
		t.Errorf("revoking twice: %v", err)
	}
	list, _ = ts.List(ctx, "zhangsan")
	if list[0].Revoked == nil || list[1].Revoked != nil {
		t.Errorf("revocation not kept in the list: %+v %+v", list[0], list[1])
	}
	for _, id := range []string{"", "0123456789abcdef", "../x", tok.ID[:8]} {
		if err := ts.Revoke(ctx, "zhangsan", id); err != ErrNoToken {
			t.Errorf("revoke %q: %v", id, err)
		}
	}

	if _, _, err := ts.Create(ctx, "nobody", "x"); !errors.Is(err, archive.ErrNotFound) {
		t.Errorf("token for an unknown user: %v", err)
	}
	if _, _, err := ts.Create(ctx, "zhangsan", "  "); !errors.Is(err, ErrInvalidUser) || !strings.Contains(err.Error(), "令牌名称") {
		t.Errorf("token without a name: %v", err)
	}
}
