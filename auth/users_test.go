package auth

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gongwen/gongwen/archive"
)

// newStore returns an empty file store with two offices registered.
func newStore(t *testing.T) archive.Store {
	t.Helper()
	s, err := archive.OpenFileStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	addOffices(t, s)
	return s
}

func addOffices(t *testing.T, s archive.Store) {
	t.Helper()
	for _, p := range []*archive.Profile{
		{ID: "wlmq-sfj", Name: "乌鲁木齐市司法局", Mark: "乌鲁木齐市司法局文件", Daizi: map[string]string{"默认": "乌司发"}, Printer: "乌鲁木齐市司法局办公室", Fonds: "J012", OrgCode: "FZK"},
		{ID: "kmy-sfj", Name: "克拉玛依市司法局", Mark: "克拉玛依市司法局文件", Daizi: map[string]string{"默认": "克司发"}, Printer: "克拉玛依市司法局办公室", Fonds: "J020", OrgCode: "FZK"},
	} {
		if err := archive.NewProfiles(s).Put(context.Background(), p); err != nil {
			t.Fatal(err)
		}
	}
}

const goodPassword = "a good passphrase"

func TestUsersCreateAndGet(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	us := NewUsers(s)
	u := &User{Name: " ZhangSan ", DisplayName: "张三", Org: "wlmq-sfj", Role: RoleDrafter, Clearance: "秘密"}
	if err := us.Create(ctx, u, goodPassword); err != nil {
		t.Fatal(err)
	}
	if u.Name != "zhangsan" || u.PasswordHash == "" || u.Created.IsZero() {
		t.Errorf("created user %+v", u)
	}
	got, err := us.Get(ctx, "ZHANGSAN")
	if err != nil {
		t.Fatal(err)
	}
	if got.DisplayName != "张三" || got.Role != RoleDrafter || got.Org != "wlmq-sfj" || got.Clearance != "秘密" || got.PasswordHash != u.PasswordHash {
		t.Errorf("read back %+v", got)
	}
	// The stored record never holds the password.
	b, _, _ := s.Get(ctx, "users/zhangsan.json")
	if strings.Contains(string(b), goodPassword) || !strings.Contains(string(b), "$argon2id$") {
		t.Errorf("stored record: %s", b)
	}
	if err := us.Create(ctx, &User{Name: "zhangsan", Org: "kmy-sfj", Role: RoleArchivist}, goodPassword); !errors.Is(err, ErrExists) || !strings.Contains(err.Error(), "zhangsan") {
		t.Errorf("second zhangsan: %v", err)
	}
	if _, err := us.Get(ctx, "lisi"); !errors.Is(err, archive.ErrNotFound) || !strings.Contains(err.Error(), "没有用户“lisi”") {
		t.Errorf("unknown user: %v", err)
	}
	if _, err := us.Get(ctx, "../../etc"); !errors.Is(err, archive.ErrNotFound) {
		t.Errorf("a name that is no login name: %v", err)
	}
	if err := us.Create(ctx, &User{Name: "lisi", Role: RoleEvaluator, Org: "wlmq-sfj", Scope: Scope{Orgs: []string{"kmy-sfj"}, From: "2025-01-01"}}, goodPassword); err != nil {
		t.Errorf("evaluator with a scope: %v", err)
	}
	if err := us.Create(ctx, &User{Name: "admin2", Role: RoleAdmin}, goodPassword); err != nil {
		t.Errorf("admin without an office: %v", err)
	}
	all, err := us.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, u := range all {
		names = append(names, u.Name)
	}
	if fmt.Sprint(names) != "[admin2 lisi zhangsan]" {
		t.Errorf("list: %v", names)
	}
}

func TestUsersCreateRefusals(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	us := NewUsers(s)
	cases := []struct {
		u        User
		password string
		is       error
		want     string
	}{
		{User{Name: "x", Role: RoleDrafter, Org: "wlmq-sfj"}, goodPassword, ErrInvalidUser, "用户名“x”"},
		{User{Name: "wang", Role: "boss", Org: "wlmq-sfj"}, goodPassword, ErrInvalidUser, "未知的角色"},
		{User{Name: "wang", Role: RoleDrafter}, goodPassword, ErrInvalidUser, "起草人必须属于一个机关"},
		{User{Name: "wang", Role: RoleDrafter, Org: "no-such"}, goodPassword, ErrInvalidUser, "没有机关“no-such”"},
		{User{Name: "wang", Role: RoleEvaluator, Org: "wlmq-sfj", Scope: Scope{Orgs: []string{"no-such"}}}, goodPassword, ErrInvalidUser, "没有机关“no-such”"},
		{User{Name: "wang", Role: RoleDrafter, Org: "wlmq-sfj"}, "short", ErrWeakPassword, "至少需要 10 个字符"},
		{User{Name: "wang", Role: RoleDrafter, Org: "wlmq-sfj", Clearance: "特级"}, goodPassword, ErrInvalidUser, "未知的密级“特级”"},
		// Several problems are listed together.
		{User{Name: "W", Role: "x"}, goodPassword, ErrInvalidUser, "用户名“w”应为 2–32 个小写字母、数字或“. _ -”，以字母或数字开头；未知的角色“x”"},
	}
	for _, c := range cases {
		u := c.u
		err := us.Create(ctx, &u, c.password)
		if !errors.Is(err, c.is) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want %q", c.u, err, c.want)
		}
	}
	if all, _ := us.List(ctx); len(all) != 0 {
		t.Errorf("refused users were stored: %d", len(all))
	}
}

func TestAuthenticate(t *testing.T) {
	ctx := context.Background()
	us := NewUsers(newStore(t))
	if err := us.Create(ctx, &User{Name: "zhangsan", Org: "wlmq-sfj", Role: RoleDrafter}, goodPassword); err != nil {
		t.Fatal(err)
	}
	u, err := us.Authenticate(ctx, " ZhangSan", goodPassword)
	if err != nil || u.Name != "zhangsan" {
		t.Fatalf("right password: %v", err)
	}
	if _, err := us.Authenticate(ctx, "zhangsan", goodPassword+"!"); err != ErrBadCredentials {
		t.Errorf("wrong password: %v", err)
	}
	// An unknown user gets the same answer, after hashing all the same:
	// it takes as long as an argon2id computation, not microseconds.
	start := time.Now()
	_, err = us.Authenticate(ctx, "nobody", goodPassword)
	if took := time.Since(start); err != ErrBadCredentials || took < 10*time.Millisecond {
		t.Errorf("unknown user: %v after %v", err, took)
	}
	start = time.Now()
	_, err = us.Authenticate(ctx, "Not A Name!", strings.Repeat("x", 10000))
	if took := time.Since(start); err != ErrBadCredentials || took < 10*time.Millisecond {
		t.Errorf("malformed name, huge password: %v after %v", err, took)
	}
	if _, err := us.Update(ctx, "zhangsan", func(u *User) error { u.Disabled = true; return nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := us.Authenticate(ctx, "zhangsan", goodPassword); err != ErrDisabled {
		t.Errorf("disabled, right password: %v", err)
	}
	// A guesser learns nothing about the account from a wrong password.
	if _, err := us.Authenticate(ctx, "zhangsan", "wrong password"); err != ErrBadCredentials {
		t.Errorf("disabled, wrong password: %v", err)
	}
}

func TestAuthenticateRenewsOldHash(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	us := NewUsers(s)
	u := &User{Name: "zhangsan", Org: "wlmq-sfj", Role: RoleDrafter, PasswordHash: oldHash("old password 1")}
	if err := us.create(ctx, u); err != nil {
		t.Fatal(err)
	}
	got, err := us.Authenticate(ctx, "zhangsan", "old password 1")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(got.PasswordHash, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash not renewed: %s", got.PasswordHash)
	}
	stored, _ := us.Get(ctx, "zhangsan")
	if stored.PasswordHash != got.PasswordHash {
		t.Error("renewed hash not stored")
	}
	if _, err := us.Authenticate(ctx, "zhangsan", "old password 1"); err != nil {
		t.Errorf("login with the renewed hash: %v", err)
	}
}

func TestSetAndResetPassword(t *testing.T) {
	ctx := context.Background()
	us := NewUsers(newStore(t))
	if err := us.Create(ctx, &User{Name: "zhangsan", Org: "wlmq-sfj", Role: RoleDrafter, MustChangePassword: true}, goodPassword); err != nil {
		t.Fatal(err)
	}
	if err := us.SetPassword(ctx, "zhangsan", "short"); !errors.Is(err, ErrWeakPassword) {
		t.Errorf("weak new password: %v", err)
	}
	if err := us.SetPassword(ctx, "zhangsan", "another passphrase"); err != nil {
		t.Fatal(err)
	}
	if _, err := us.Authenticate(ctx, "zhangsan", goodPassword); err != ErrBadCredentials {
		t.Errorf("old password still works: %v", err)
	}
	u, err := us.Authenticate(ctx, "zhangsan", "another passphrase")
	if err != nil || u.MustChangePassword {
		t.Errorf("new password: %v, must change %v", err, u != nil && u.MustChangePassword)
	}
	pw, err := us.ResetPassword(ctx, "zhangsan")
	if err != nil {
		t.Fatal(err)
	}
	u, err = us.Authenticate(ctx, "zhangsan", pw)
	if err != nil || !u.MustChangePassword {
		t.Errorf("one-time password: %v", err)
	}
	if err := us.SetPassword(ctx, "nobody", "another passphrase"); !errors.Is(err, archive.ErrNotFound) {
		t.Errorf("unknown user: %v", err)
	}
}

func TestUsersUpdate(t *testing.T) {
	ctx := context.Background()
	us := NewUsers(newStore(t))
	if err := us.Create(ctx, &User{Name: "admin", Role: RoleAdmin}, goodPassword); err != nil {
		t.Fatal(err)
	}
	if err := us.Create(ctx, &User{Name: "lisi", Role: RoleEvaluator, Org: "wlmq-sfj"}, goodPassword); err != nil {
		t.Fatal(err)
	}
	u, err := us.Update(ctx, "lisi", func(u *User) error {
		u.Scope = Scope{Orgs: []string{"kmy-sfj"}, Units: []string{"某县公安局"}, From: "2025-01-01", To: "2025-12-31"}
		u.Clearance = "机密"
		return nil
	})
	if err != nil || u.Scope.String() != "机关：kmy-sfj；被监督单位：某县公安局；成文日期：2025-01-01 至 2025-12-31" || !u.Updated.After(u.Created) && !u.Updated.Equal(u.Created) {
		t.Fatalf("update: %v %+v", err, u)
	}
	for name, change := range map[string]func(*User) error{
		"没有机关“nowhere”":  func(u *User) error { u.Scope.Orgs = []string{"nowhere"}; return nil },
		"用户名不能修改":        func(u *User) error { u.Name = "wangwu"; return nil },
		"晚于截止日期":         func(u *User) error { u.Scope.From = "2026-01-01"; return nil },
		"SetPassword":    func(u *User) error { u.PasswordHash = "x"; return nil },
		"my own refusal": func(u *User) error { return errors.New("my own refusal") },
	} {
		if _, err := us.Update(ctx, "lisi", change); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("change %q: %v", name, err)
		}
	}
	if got, _ := us.Get(ctx, "lisi"); got.Scope.Orgs[0] != "kmy-sfj" || got.Name != "lisi" {
		t.Errorf("a refused change was stored: %+v", got)
	}
	// The last enabled administrator can be neither disabled nor demoted.
	if _, err := us.Update(ctx, "admin", func(u *User) error { u.Disabled = true; return nil }); !errors.Is(err, ErrLastAdmin) {
		t.Errorf("disable the last admin: %v", err)
	}
	if _, err := us.Update(ctx, "admin", func(u *User) error { u.Role = RoleArchivist; u.Org = "wlmq-sfj"; return nil }); !errors.Is(err, ErrLastAdmin) {
		t.Errorf("demote the last admin: %v", err)
	}
	if _, err := us.Update(ctx, "lisi", func(u *User) error { u.Role = RoleAdmin; u.Scope = Scope{}; return nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := us.Update(ctx, "admin", func(u *User) error { u.Disabled = true; return nil }); err != nil {
		t.Errorf("disable one of two admins: %v", err)
	}
}

// TestUsersConcurrentUpdates: two processes' worth of Users (each with
// its own handle on the folder) changing one user at once lose nothing.
func TestUsersConcurrentUpdates(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	a, _ := archive.OpenFileStore(dir)
	b, _ := archive.OpenFileStore(dir)
	addOffices(t, a)
	if err := NewUsers(a).Create(ctx, &User{Name: "lisi", Role: RoleEvaluator, Org: "wlmq-sfj"}, goodPassword); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			us := NewUsers([]archive.Store{a, b}[i%2])
			if _, err := us.Update(ctx, "lisi", func(u *User) error {
				u.Scope.Units = append(u.Scope.Units, fmt.Sprintf("单位%02d", i))
				return nil
			}); err != nil {
				t.Error(err)
			}
		}(i)
	}
	wg.Wait()
	u, _ := NewUsers(b).Get(ctx, "lisi")
	if len(u.Scope.Units) != 20 {
		t.Errorf("%d of 20 concurrent changes kept: %v", len(u.Scope.Units), u.Scope.Units)
	}
}

func TestEnsureAdmin(t *testing.T) {
	ctx := context.Background()
	us := NewUsers(newStore(t))
	pw, created, err := us.EnsureAdmin(ctx)
	if err != nil || !created || pw == "" {
		t.Fatalf("first start: %q %v %v", pw, created, err)
	}
	u, err := us.Authenticate(ctx, "admin", pw)
	if err != nil || u.Role != RoleAdmin || !u.MustChangePassword || u.Org != "" {
		t.Fatalf("the first administrator: %+v %v", u, err)
	}
	pw2, created, err := us.EnsureAdmin(ctx)
	if err != nil || created || pw2 != "" {
		t.Errorf("second start: %q %v %v", pw2, created, err)
	}
}

func TestEnsureAdminSkipsWhenUsersExist(t *testing.T) {
	ctx := context.Background()
	us := NewUsers(newStore(t))
	if err := us.Create(ctx, &User{Name: "boss", Role: RoleAdmin}, goodPassword); err != nil {
		t.Fatal(err)
	}
	if _, created, err := us.EnsureAdmin(ctx); created || err != nil {
		t.Errorf("created an admin beside an existing user: %v", err)
	}
	if _, err := us.Get(ctx, "admin"); !errors.Is(err, archive.ErrNotFound) {
		t.Errorf("admin: %v", err)
	}
}

// ensureAdminRace starts instances of the service at once on one store:
// exactly one creates the administrator, and its password is the one that
// works.
func ensureAdminRace(t *testing.T, open func() archive.Store) {
	ctx := context.Background()
	const n = 6
	var wg sync.WaitGroup
	pws := make([]string, n)
	created := make([]bool, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			var err error
			pws[i], created[i], err = NewUsers(open()).EnsureAdmin(ctx)
			if err != nil {
				t.Error(err)
			}
		}(i)
	}
	wg.Wait()
	winners := 0
	var pw string
	for i := range created {
		if created[i] {
			winners++
			pw = pws[i]
		} else if pws[i] != "" {
			t.Errorf("instance %d did not create the admin but got a password", i)
		}
	}
	if winners != 1 {
		t.Fatalf("%d instances created the administrator", winners)
	}
	if _, err := NewUsers(open()).Authenticate(ctx, "admin", pw); err != nil {
		t.Errorf("the winner's password: %v", err)
	}
}

func TestEnsureAdminRace(t *testing.T) {
	dir := t.TempDir()
	ensureAdminRace(t, func() archive.Store {
		s, err := archive.OpenFileStore(dir)
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
	// Nothing but the one user record was written.
	entries, _ := os.ReadDir(filepath.Join(dir, "users"))
	if len(entries) != 1 {
		t.Errorf("users folder holds %d entries", len(entries))
	}
}
