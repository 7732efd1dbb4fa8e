package auth

import (
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/crypto/argon2"
)

func TestPasswordHash(t *testing.T) {
	h, err := hashPassword("正确的密码 correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`).MatchString(h) {
		t.Fatalf("not a PHC argon2id string: %s", h)
	}
	if strings.Contains(h, "correct") {
		t.Fatal("the hash holds the password")
	}
	ok, stale, err := verifyPassword(h, "正确的密码 correct horse")
	if !ok || stale || err != nil {
		t.Errorf("right password: %v %v %v", ok, stale, err)
	}
	for _, wrong := range []string{"正确的密码 correct hors", "正确的密码 correct horsE", ""} {
		if ok, _, _ := verifyPassword(h, wrong); ok {
			t.Errorf("wrong password %q accepted", wrong)
		}
	}
	h2, _ := hashPassword("正确的密码 correct horse")
	if h2 == h {
		t.Error("two hashes of one password are equal: no salt")
	}
}

// oldHash hashes a password with parameters older than the current ones.
func oldHash(password string) string {
	salt := []byte("0123456789abcdef")
	key := argon2.IDKey([]byte(password), salt, 1, 8*1024, 1, 32)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=19$m=8192,t=1,p=1$%s$%s", b64.EncodeToString(salt), b64.EncodeToString(key))
}

func TestPasswordHashOldParameters(t *testing.T) {
	ok, stale, err := verifyPassword(oldHash("old password 1"), "old password 1")
	if !ok || !stale || err != nil {
		t.Errorf("hash with older parameters: ok %v stale %v %v", ok, stale, err)
	}
}

func TestPasswordHashRefusesBadRecords(t *testing.T) {
	good, _ := hashPassword("whatever-password")
	parts := strings.Split(good, "$")
	for name, bad := range map[string]string{
		"bcrypt":         "$2a$10$abcdefghijklmnopqrstuv",
		"argon2i":        strings.Replace(good, "argon2id", "argon2i", 1),
		"version":        strings.Replace(good, "v=19", "v=16", 1),
		"4 GiB memory":   strings.Replace(good, "m=19456", "m=4194304", 1),
		"1000 passes":    strings.Replace(good, "t=2", "t=1000", 1),
		"no threads":     strings.Replace(good, "p=1", "p=0", 1),
		"unknown param":  strings.Replace(good, "p=1", "p=1,x=2", 1),
		"short hash":     strings.Join(append(parts[:5:5], "AAAA"), "$"),
		"not base64":     strings.Join(append(parts[:4:4], "!!!!", parts[5]), "$"),
		"empty":          "",
		"too many parts": good + "$x",
	} {
		if ok, _, err := verifyPassword(bad, "whatever-password"); ok || err == nil {
			t.Errorf("%s: ok %v err %v", name, ok, err)
		}
	}
}

func TestCheckPassword(t *testing.T) {
	for pw, want := range map[string]string{
		"short":                   "至少需要 10 个字符（现为 5 个）",
		"我的密码很长很长很长":              "", // ten 汉字
		"我的密码很长很长很":               "至少需要 10 个字符（现为 9 个）",
		"aaaaaaaaaaaa":            "同一个字符重复",
		"zhangsan2026!":           "不能包含用户名",
		"ZhangSan-2026!":          "不能包含用户名",
		"line\nbreak-password":    "控制字符",
		strings.Repeat("ab", 129): "不能超过 256 字节",
		"a good passphrase":       "",
		"\xff\xfe invalid utf8!":  "UTF-8",
	} {
		err := CheckPassword("zhangsan", pw)
		switch {
		case want == "" && err != nil:
			t.Errorf("%q refused: %v", pw, err)
		case want != "" && (!errors.Is(err, ErrWeakPassword) || !strings.Contains(err.Error(), want)):
			t.Errorf("%q: %v, want %q", pw, err, want)
		}
	}
	// A two-letter name may well appear inside a good password.
	if err := CheckPassword("li", "slightly-longer"); err != nil {
		t.Errorf("short name inside a password: %v", err)
	}
}

func TestOneTimePassword(t *testing.T) {
	seen := map[string]bool{}
	re := regexp.MustCompile(`^[` + passwordAlphabet + `]{4}(-[` + passwordAlphabet + `]{4}){3}$`)
	for i := 0; i < 200; i++ {
		pw, err := NewOneTimePassword()
		if err != nil {
			t.Fatal(err)
		}
		if !re.MatchString(pw) {
			t.Fatalf("one-time password %q", pw)
		}
		if err := CheckPassword("admin", pw); err != nil {
			t.Fatalf("a one-time password fails the policy: %v", err)
		}
		if seen[pw] {
			t.Fatalf("one-time password %q repeated", pw)
		}
		seen[pw] = true
	}
}

// BenchmarkPasswordHash is the cost of one login (docs/PERFORMANCE.md).
//
//	go test -run '^$' -bench BenchmarkPasswordHash -benchtime 40x ./auth/
func BenchmarkPasswordHash(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if _, err := hashPassword("a good passphrase"); err != nil {
			b.Fatal(err)
		}
	}
}
