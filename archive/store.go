// Package archive is gongwen's system of record: documents and their
// metadata in object storage, the 发文字号 registry, versions, filing and
// fixity. This file defines the one storage interface both backends — the
// embedded file store and any S3-compatible server — implement.
package archive

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// ErrNotFound means no object is stored under the key.
var ErrNotFound = errors.New("对象不存在")

// ErrPrecondition means a conditional write lost: the key already existed
// (Cond.IfNoneMatch) or its ETag had changed (Cond.IfMatch).
var ErrPrecondition = errors.New("条件写入失败：对象已存在或已被修改")

// ObjectInfo describes one stored object.
type ObjectInfo struct {
	Key      string    // the object's key
	Size     int64     // its length in bytes
	ETag     string    // changes whenever the content changes
	Modified time.Time // when it was last written
}

// Cond makes a Put conditional.
type Cond struct {
	// IfNoneMatch writes only if no object exists under the key
	// (S3 If-None-Match: *). Concurrent writers: exactly one wins.
	IfNoneMatch bool
	// IfMatch writes only if the object's current ETag is this one
	// (S3 If-Match), for optimistic updates of records.
	IfMatch string
}

// Store is object storage as gongwen needs it. Keys are slash-separated
// paths (see ValidKey). Implementations are safe for concurrent use, by
// several processes and machines sharing the same storage.
type Store interface {
	// Get returns an object's content and description, or ErrNotFound.
	Get(ctx context.Context, key string) ([]byte, ObjectInfo, error)
	// Stat describes an object without reading it, or returns ErrNotFound.
	Stat(ctx context.Context, key string) (ObjectInfo, error)
	// Put stores data under key, honouring cond; a lost condition returns
	// ErrPrecondition. A reader never sees a partly written object.
	Put(ctx context.Context, key string, data []byte, cond Cond) (ObjectInfo, error)
	// List calls fn for every object whose key starts with prefix, in
	// lexical (byte) order of keys, with Key, Size and Modified set (ETag
	// may be empty: use Stat). An error from fn stops the listing and is
	// returned.
	List(ctx context.Context, prefix string, fn func(ObjectInfo) error) error
	// Delete removes the object under key; a key with no object is not an
	// error (as in S3). It is for short-lived state such as login
	// sessions: documents, versions, numbers and audit events are never
	// deleted, and where the bucket has Object Lock a retained object
	// cannot be.
	Delete(ctx context.Context, key string) error
	// String names the store for messages, e.g. "file:/srv/gongwen/data".
	String() string
}

// MaxKeyBytes bounds the length of a key (S3 allows 1024).
const MaxKeyBytes = 1024

// ValidKey checks a key built (partly) from user input: UTF-8 path
// segments separated by single slashes, none empty, "." or "..", no
// backslash or control characters, at most MaxKeyBytes. Both stores refuse
// other keys, so no key can escape the file store's folder or surprise an
// S3 server.
func ValidKey(key string) error {
	if key == "" {
		return fmt.Errorf("键为空")
	}
	if len(key) > MaxKeyBytes {
		return fmt.Errorf("键 %q 超过 %d 字节", key[:64]+"…", MaxKeyBytes)
	}
	if !utf8.ValidString(key) {
		return fmt.Errorf("键 %q 不是有效的 UTF-8", key)
	}
	for _, r := range key {
		if r < 0x20 || r == 0x7f || r == '\\' || r == utf8.RuneError {
			return fmt.Errorf("键 %q 含有不允许的字符 %U", key, r)
		}
	}
	for _, seg := range strings.Split(key, "/") {
		switch {
		case seg == "":
			return fmt.Errorf("键 %q 含有空的路径段（开头、结尾或连续的“/”）", key)
		case seg == "." || seg == "..":
			return fmt.Errorf("键 %q 含有路径段 %q", key, seg)
		case len(seg) > 255:
			return fmt.Errorf("键 %q 的路径段超过 255 字节", key)
		case strings.HasPrefix(seg, ".gongwen-"):
			return fmt.Errorf("键 %q 使用了保留的前缀 .gongwen-", key)
		}
	}
	return nil
}

// validPrefix checks a List prefix: empty, or a key prefix whose complete
// segments are valid.
func validPrefix(prefix string) error {
	if prefix == "" {
		return nil
	}
	p := strings.TrimSuffix(prefix, "/")
	if p == "" {
		return fmt.Errorf("前缀 %q 无效", prefix)
	}
	return ValidKey(p)
}

// Refusal is an error the user caused and can correct — a bad value, or an
// action the document's state does not allow — as opposed to a failure of
// storage. Nothing was changed. Its message, in Chinese, is for the user.
type Refusal struct{ Msg string }

func (e *Refusal) Error() string { return e.Msg }

func refusef(format string, args ...any) error {
	return &Refusal{Msg: fmt.Sprintf(format, args...)}
}
