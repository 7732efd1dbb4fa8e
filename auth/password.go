package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// ErrWeakPassword wraps every reason a password is refused.
var ErrWeakPassword = errors.New("密码不符合要求")

// Password policy.
const (
	MinPasswordChars = 10  // characters (not bytes): 10 汉字 are as good as 10 letters
	MaxPasswordBytes = 256 // bounds the work of hashing
)

// CheckPassword applies the password policy for the user name: at least
// MinPasswordChars characters, at most MaxPasswordBytes bytes, no control
// characters, not the login name, not one character repeated.
func CheckPassword(name, password string) error {
	n := utf8.RuneCountInString(password)
	switch {
	case !utf8.ValidString(password):
		return fmt.Errorf("%w：密码不是有效的 UTF-8 文本", ErrWeakPassword)
	case n < MinPasswordChars:
		return fmt.Errorf("%w：密码至少需要 %d 个字符（现为 %d 个）", ErrWeakPassword, MinPasswordChars, n)
	case len(password) > MaxPasswordBytes:
		return fmt.Errorf("%w：密码不能超过 %d 字节", ErrWeakPassword, MaxPasswordBytes)
	case strings.IndexFunc(password, unicode.IsControl) >= 0:
		return fmt.Errorf("%w：密码不能含有控制字符（如换行、制表符）", ErrWeakPassword)
	case name != "" && strings.Contains(strings.ToLower(password), normName(name)) && len(normName(name)) >= 4:
		return fmt.Errorf("%w：密码不能包含用户名", ErrWeakPassword)
	case strings.Count(password, string([]rune(password)[:1])) == n:
		return fmt.Errorf("%w：密码不能由同一个字符重复组成", ErrWeakPassword)
	}
	return nil
}

// argon2id parameters: 19 MiB, 2 passes, 1 lane (the OWASP baseline),
// about 60 ms per hash on this project's 2-core machine (see
// docs/PERFORMANCE.md). Stored hashes carry their own parameters, so these
// can grow later; Authenticate rehashes on the next login.
const (
	argonMemory  = 19 * 1024 // KiB
	argonTime    = 2
	argonThreads = 1
	argonSaltLen = 16
	argonKeyLen  = 32
)

// Bounds on parameters read from a stored hash: a corrupted or planted
// record must not make a login allocate gigabytes.
const (
	maxArgonMemory  = 256 * 1024
	maxArgonTime    = 16
	maxArgonThreads = 16
)

// hashPassword returns the argon2id hash of password in PHC string format:
// $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash> (unpadded standard base64).
func hashPassword(password string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("auth: no randomness: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// phc is a parsed argon2id hash.
type phc struct {
	memory, time uint32
	threads      uint8
	salt, key    []byte
}

func parsePHC(s string) (*phc, error) {
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return nil, errors.New("auth: not an argon2id PHC string")
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return nil, fmt.Errorf("auth: argon2 version %q not supported", parts[2])
	}
	var h phc
	for _, kv := range strings.Split(parts[3], ",") {
		k, v, ok := strings.Cut(kv, "=")
		n, err := strconv.ParseUint(v, 10, 32)
		if !ok || err != nil {
			return nil, fmt.Errorf("auth: bad argon2 parameter %q", kv)
		}
		switch k {
		case "m":
			h.memory = uint32(n)
		case "t":
			h.time = uint32(n)
		case "p":
			if n > 255 {
				return nil, fmt.Errorf("auth: bad argon2 parameter %q", kv)
			}
			h.threads = uint8(n)
		default:
			return nil, fmt.Errorf("auth: unknown argon2 parameter %q", kv)
		}
	}
	if h.memory < 8 || h.memory > maxArgonMemory || h.time < 1 || h.time > maxArgonTime || h.threads < 1 || h.threads > maxArgonThreads {
		return nil, fmt.Errorf("auth: argon2 parameters %s out of bounds", parts[3])
	}
	var err error
	if h.salt, err = base64.RawStdEncoding.DecodeString(parts[4]); err != nil || len(h.salt) < 8 {
		return nil, errors.New("auth: bad argon2 salt")
	}
	if h.key, err = base64.RawStdEncoding.DecodeString(parts[5]); err != nil || len(h.key) < 16 || len(h.key) > 64 {
		return nil, errors.New("auth: bad argon2 hash")
	}
	return &h, nil
}

// verifyPassword reports whether password matches the stored hash, in
// time independent of where they differ, and whether the hash should be
// renewed with the current parameters.
func verifyPassword(stored, password string) (ok, stale bool, err error) {
	h, err := parsePHC(stored)
	if err != nil {
		return false, false, err
	}
	key := argon2.IDKey([]byte(password), h.salt, h.time, h.memory, h.threads, uint32(len(h.key)))
	ok = subtle.ConstantTimeCompare(key, h.key) == 1
	stale = h.memory != argonMemory || h.time != argonTime || h.threads != argonThreads || len(h.key) != argonKeyLen
	return ok, stale, nil
}

// passwordAlphabet has no characters people confuse (0 O o, 1 l I).
const passwordAlphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// NewOneTimePassword returns a random password to hand to a person once:
// four groups of four characters from a 56-character alphabet (about 93
// bits), easy to read aloud and type.
func NewOneTimePassword() (string, error) {
	const n = 16
	limit := 256 - 256%len(passwordAlphabet) // reject bytes above it: no bias
	out := make([]byte, 0, n+n/4)
	var buf [32]byte
	for count := 0; count < n; {
		if _, err := rand.Read(buf[:]); err != nil {
			return "", fmt.Errorf("auth: no randomness: %w", err)
		}
		for _, c := range buf {
			if int(c) >= limit || count == n {
				continue
			}
			if count > 0 && count%4 == 0 {
				out = append(out, '-')
			}
			out = append(out, passwordAlphabet[int(c)%len(passwordAlphabet)])
			count++
		}
	}
	return string(out), nil
}
