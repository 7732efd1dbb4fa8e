package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gongwen/gongwen/archive"
)

// ErrExists means a user of that name already exists.
var ErrExists = errors.New("用户已存在")

// ErrBadCredentials is the one answer to a wrong user name or a wrong
// password, so a guesser cannot tell which was wrong.
var ErrBadCredentials = errors.New("用户名或密码错误")

// ErrDisabled means the password was right but the account is disabled.
var ErrDisabled = errors.New("该账号已停用，请联系管理员")

// ErrLastAdmin refuses a change that would leave no enabled administrator.
var ErrLastAdmin = errors.New("不能停用或降级最后一个可用的管理员账号")

// AdminName is the login name of the administrator EnsureAdmin creates.
const AdminName = "admin"

// Users stores user accounts at users/<name>.json. Updates use If-Match,
// so instances sharing a store never lose each other's changes.
type Users struct {
	store archive.Store
	now   func() time.Time

	// hashing bounds how many argon2id computations (19 MiB each) run at
	// once, so a burst of logins cannot exhaust memory.
	hashing chan struct{}

	dummyOnce sync.Once
	dummy     string // a hash to verify against when the user is unknown
}

// NewUsers returns the user accounts kept in store.
func NewUsers(store archive.Store) *Users {
	return &Users{store: store, now: time.Now, hashing: make(chan struct{}, max(2, runtime.NumCPU()))}
}

func userKey(name string) string { return "users/" + name + ".json" }

// hash computes a password hash within the concurrency bound.
func (us *Users) hash(ctx context.Context, password string) (string, error) {
	if err := us.acquire(ctx); err != nil {
		return "", err
	}
	defer us.release()
	return hashPassword(password)
}

// verify checks a password within the concurrency bound.
func (us *Users) verify(ctx context.Context, stored, password string) (ok, stale bool, err error) {
	if err := us.acquire(ctx); err != nil {
		return false, false, err
	}
	defer us.release()
	return verifyPassword(stored, password)
}

func (us *Users) acquire(ctx context.Context) error {
	select {
	case us.hashing <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (us *Users) release() { <-us.hashing }

// checkOrgs checks that the user's 机关 and the 机关 of their scope are
// registered profiles.
func (us *Users) checkOrgs(ctx context.Context, u *User) error {
	profiles := archive.NewProfiles(us.store)
	orgs := u.Scope.Orgs
	if u.Org != "" {
		orgs = append([]string{u.Org}, orgs...)
	}
	for _, id := range orgs {
		if _, err := profiles.Get(ctx, id); err != nil {
			if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
				return err
			}
			return fmt.Errorf("%w：%v", ErrInvalidUser, err)
		}
	}
	return nil
}

// Create adds a user with the given password, which must meet the policy
// (CheckPassword). It fills user's PasswordHash, Created and Updated and
// normalises the name to lower case. The name must be free (ErrExists);
// the role known; the 机关 (and an evaluator's Scope.Orgs) registered
// profiles; every problem is reported in Chinese, wrapped in
// ErrInvalidUser or ErrWeakPassword.
func (us *Users) Create(ctx context.Context, user *User, password string) error {
	user.normalise()
	if err := user.check(); err != nil {
		return err
	}
	if err := CheckPassword(user.Name, password); err != nil {
		return err
	}
	if err := us.checkOrgs(ctx, user); err != nil {
		return err
	}
	h, err := us.hash(ctx, password)
	if err != nil {
		return err
	}
	user.PasswordHash = h
	user.Created = us.now().UTC()
	user.Updated = user.Created
	return us.create(ctx, user)
}

// create stores a new user with If-None-Match.
func (us *Users) create(ctx context.Context, user *User) error {
	b, err := json.MarshalIndent(user, "", "  ")
	if err != nil {
		return fmt.Errorf("auth: encode user %s: %w", user.Name, err)
	}
	if _, err := us.store.Put(ctx, userKey(user.Name), b, archive.Cond{IfNoneMatch: true}); err != nil {
		if errors.Is(err, archive.ErrPrecondition) {
			return fmt.Errorf("%w：用户名“%s”已被使用", ErrExists, user.Name)
		}
		return fmt.Errorf("auth: 保存用户 %s：%w", user.Name, err)
	}
	return nil
}

// Get reads a user; an unknown name gives an error wrapping
// archive.ErrNotFound.
func (us *Users) Get(ctx context.Context, name string) (*User, error) {
	u, _, err := us.get(ctx, normName(name))
	return u, err
}

func (us *Users) get(ctx context.Context, name string) (*User, archive.ObjectInfo, error) {
	if !nameRe.MatchString(name) {
		return nil, archive.ObjectInfo{}, fmt.Errorf("没有用户“%s”：%w", name, archive.ErrNotFound)
	}
	b, info, err := us.store.Get(ctx, userKey(name))
	if errors.Is(err, archive.ErrNotFound) {
		return nil, info, fmt.Errorf("没有用户“%s”（gongwen user list 列出所有用户）：%w", name, archive.ErrNotFound)
	}
	if err != nil {
		return nil, info, fmt.Errorf("auth: 读取用户 %s：%w", name, err)
	}
	var u User
	if err := json.Unmarshal(b, &u); err != nil {
		return nil, info, fmt.Errorf("auth: 用户记录 %s 已损坏：%w", userKey(name), err)
	}
	return &u, info, nil
}

// List returns every user, by name.
func (us *Users) List(ctx context.Context) ([]*User, error) {
	var out []*User
	err := us.store.List(ctx, "users/", func(o archive.ObjectInfo) error {
		name, ok := strings.CutSuffix(strings.TrimPrefix(o.Key, "users/"), ".json")
		if !ok || !nameRe.MatchString(name) {
			return nil // not a user record
		}
		u, _, err := us.get(ctx, name)
		if errors.Is(err, archive.ErrNotFound) {
			return nil // deleted meanwhile
		}
		if err != nil {
			return err
		}
		out = append(out, u)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("auth: 列出用户：%w", err)
	}
	return out, nil
}

// Update changes a user with If-Match, retrying when another instance
// changed the user meanwhile (change is then called again on the fresh
// copy). change may alter anything but the name, the password hash (use
// SetPassword) and the timestamps; the result is validated as in Create. A
// change that would leave no enabled administrator is refused
// (ErrLastAdmin).
func (us *Users) Update(ctx context.Context, name string, change func(*User) error) (*User, error) {
	return us.update(ctx, normName(name), func(u *User) error {
		before := *u
		before.Scope.Orgs = slices.Clone(u.Scope.Orgs) // change may edit the slices in place
		before.Scope.Units = slices.Clone(u.Scope.Units)
		if err := change(u); err != nil {
			return err
		}
		if u.Name != before.Name {
			return fmt.Errorf("%w：用户名不能修改", ErrInvalidUser)
		}
		if u.PasswordHash != before.PasswordHash {
			return errors.New("auth: Update cannot change a password; use SetPassword")
		}
		u.Created = before.Created
		u.normalise()
		if err := u.check(); err != nil {
			return err
		}
		if u.Org != before.Org || !slices.Equal(u.Scope.Orgs, before.Scope.Orgs) {
			if err := us.checkOrgs(ctx, u); err != nil {
				return err
			}
		}
		if before.Role == RoleAdmin && !before.Disabled && (u.Role != RoleAdmin || u.Disabled) {
			return us.anotherAdmin(ctx, u.Name)
		}
		return nil
	})
}

// anotherAdmin returns ErrLastAdmin unless an enabled administrator other
// than name exists.
func (us *Users) anotherAdmin(ctx context.Context, name string) error {
	all, err := us.List(ctx)
	if err != nil {
		return err
	}
	for _, o := range all {
		if o.Name != name && o.Role == RoleAdmin && !o.Disabled {
			return nil
		}
	}
	return ErrLastAdmin
}

// maxUpdateTries bounds the retries of an optimistic update.
const maxUpdateTries = 20

// update applies change with If-Match until it sticks.
func (us *Users) update(ctx context.Context, name string, change func(*User) error) (*User, error) {
	for try := 0; try < maxUpdateTries; try++ {
		u, info, err := us.get(ctx, name)
		if err != nil {
			return nil, err
		}
		if err := change(u); err != nil {
			return nil, err
		}
		u.Updated = us.now().UTC()
		b, err := json.MarshalIndent(u, "", "  ")
		if err != nil {
			return nil, fmt.Errorf("auth: encode user %s: %w", name, err)
		}
		_, err = us.store.Put(ctx, userKey(name), b, archive.Cond{IfMatch: info.ETag})
		if errors.Is(err, archive.ErrPrecondition) {
			continue // changed by someone else meanwhile: redo on the fresh copy
		}
		if err != nil {
			return nil, fmt.Errorf("auth: 保存用户 %s：%w", name, err)
		}
		return u, nil
	}
	return nil, fmt.Errorf("auth: 用户 %s 正被频繁修改，请稍后重试", name)
}

// SetPassword replaces a user's password (which must meet the policy) and
// clears MustChangePassword. End the user's sessions afterwards
// (Sessions.DeleteUser) when someone else may know the old one.
func (us *Users) SetPassword(ctx context.Context, name, password string) error {
	name = normName(name)
	if err := CheckPassword(name, password); err != nil {
		return err
	}
	h, err := us.hash(ctx, password)
	if err != nil {
		return err
	}
	_, err = us.update(ctx, name, func(u *User) error {
		u.PasswordHash = h
		u.MustChangePassword = false
		return nil
	})
	return err
}

// ResetPassword gives a user a new random one-time password, which they
// must change at their next login, and returns it.
func (us *Users) ResetPassword(ctx context.Context, name string) (string, error) {
	name = normName(name)
	pw, err := NewOneTimePassword()
	if err != nil {
		return "", err
	}
	h, err := us.hash(ctx, pw)
	if err != nil {
		return "", err
	}
	if _, err := us.update(ctx, name, func(u *User) error {
		u.PasswordHash = h
		u.MustChangePassword = true
		return nil
	}); err != nil {
		return "", err
	}
	return pw, nil
}

// dummyHash is a hash no password matches, verified against when the user
// is unknown so that the answer takes as long as for a known one.
func (us *Users) dummyHash() string {
	us.dummyOnce.Do(func() {
		pw, err := NewOneTimePassword()
		if err == nil {
			us.dummy, err = hashPassword(pw)
		}
		if err != nil {
			// Without randomness nothing else works either; a fixed
			// well-formed hash keeps the timing.
			us.dummy = "$argon2id$v=19$m=19456,t=2,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
		}
	})
	return us.dummy
}

// Authenticate checks a login. A wrong name and a wrong password give the
// same ErrBadCredentials after the same amount of hashing; a right
// password for a disabled account gives ErrDisabled. Other errors mean the
// store could not answer. A hash made with older parameters is renewed.
// Call Limiter.Allow before and Fail or Success after.
func (us *Users) Authenticate(ctx context.Context, name, password string) (*User, error) {
	name = normName(name)
	u, _, err := us.get(ctx, name)
	if err != nil && !errors.Is(err, archive.ErrNotFound) {
		return nil, err
	}
	if u == nil || len(password) > MaxPasswordBytes {
		us.verify(ctx, us.dummyHash(), password[:min(len(password), MaxPasswordBytes)])
		return nil, ErrBadCredentials
	}
	ok, stale, err := us.verify(ctx, u.PasswordHash, password)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("auth: 用户 %s 的密码记录无效（管理员可用 gongwen user passwd 重设）：%w", name, err)
	}
	if !ok {
		return nil, ErrBadCredentials
	}
	if u.Disabled {
		return nil, ErrDisabled
	}
	if stale {
		if h, err := us.hash(ctx, password); err == nil {
			// Best effort: a lost race or a store error leaves the old,
			// still valid hash.
			if nu, err := us.update(ctx, name, func(x *User) error {
				if x.PasswordHash != u.PasswordHash {
					return errors.New("changed meanwhile")
				}
				x.PasswordHash = h
				return nil
			}); err == nil {
				u = nu
			}
		}
	}
	return u, nil
}

// EnsureAdmin makes sure someone can administer a fresh installation: when
// the store holds no users at all it creates "admin" (RoleAdmin, no 机关,
// MustChangePassword) with a random one-time password and returns it with
// created true. Several instances starting at once on one store create one
// administrator: the account is written with If-None-Match, and only the
// instance whose write won gets the password.
func (us *Users) EnsureAdmin(ctx context.Context) (password string, created bool, err error) {
	found := false
	stop := errors.New("stop")
	err = us.store.List(ctx, "users/", func(o archive.ObjectInfo) error {
		if strings.HasSuffix(o.Key, ".json") {
			found = true
			return stop
		}
		return nil
	})
	if err != nil && !errors.Is(err, stop) {
		return "", false, fmt.Errorf("auth: 检查是否已有用户：%w", err)
	}
	if found {
		return "", false, nil
	}
	pw, err := NewOneTimePassword()
	if err != nil {
		return "", false, err
	}
	h, err := us.hash(ctx, pw)
	if err != nil {
		return "", false, err
	}
	now := us.now().UTC()
	admin := &User{Name: AdminName, DisplayName: "管理员", Role: RoleAdmin, PasswordHash: h,
		MustChangePassword: true, Created: now, Updated: now}
	if err := us.create(ctx, admin); err != nil {
		if errors.Is(err, ErrExists) {
			return "", false, nil // another instance was first
		}
		return "", false, err
	}
	return pw, true, nil
}
