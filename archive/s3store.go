package archive

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// S3Config says how to reach an S3-compatible server.
type S3Config struct {
	Endpoint  string // host:port, without scheme
	Bucket    string
	AccessKey string
	SecretKey string
	Region    string // optional
	TLS       bool   // https
}

// S3Store keeps objects in a bucket of any S3-compatible server (MinIO,
// Ceph RGW, SeaweedFS, AWS S3). It speaks plain S3: conditional writes use
// If-None-Match: * and If-Match, which those servers honour.
type S3Store struct {
	client *minio.Client
	cfg    S3Config

	lockOnce sync.Once
	locked   bool // the bucket has Object Lock enabled
	lockErr  error
}

// OpenS3Store connects to the server and checks that the bucket exists and
// the credentials work, so a misconfiguration is reported at start, not at
// the first document.
func OpenS3Store(ctx context.Context, cfg S3Config) (*S3Store, error) {
	if cfg.Endpoint == "" || cfg.Bucket == "" {
		return nil, fmt.Errorf("archive: S3 配置不完整：需要 endpoint 和 bucket")
	}
	if strings.Contains(cfg.Endpoint, "://") {
		return nil, fmt.Errorf("archive: S3 endpoint %q 不应包含协议（写 host:port；用 TLS 选项启用 https）", cfg.Endpoint)
	}
	c, err := minio.New(cfg.Endpoint, &minio.Options{
		Creds:  credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure: cfg.TLS,
		Region: cfg.Region,
	})
	if err != nil {
		return nil, fmt.Errorf("archive: S3 %s：%w", cfg.Endpoint, err)
	}
	s := &S3Store{client: c, cfg: cfg}
	ok, err := c.BucketExists(ctx, cfg.Bucket)
	if err != nil {
		return nil, s.wrap("open", "", err)
	}
	if !ok {
		return nil, fmt.Errorf("archive: %s 上没有存储桶 %q（请先创建）", s, cfg.Bucket)
	}
	return s, nil
}

// String implements Store.
func (s *S3Store) String() string {
	scheme := "http"
	if s.cfg.TLS {
		scheme = "https"
	}
	return fmt.Sprintf("s3:%s://%s/%s", scheme, s.cfg.Endpoint, s.cfg.Bucket)
}

// wrap turns S3 errors into the archive's errors and clear messages.
func (s *S3Store) wrap(op, key string, err error) error {
	where := fmt.Sprintf("archive: %s %s", op, key)
	if key == "" {
		where = fmt.Sprintf("archive: %s", op)
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%s: %w", where, err)
	}
	resp := minio.ToErrorResponse(err)
	switch {
	case resp.StatusCode == http.StatusPreconditionFailed || resp.Code == "PreconditionFailed" ||
		resp.StatusCode == http.StatusConflict && resp.Code == "ConditionalRequestConflict":
		return fmt.Errorf("%s: %w", where, ErrPrecondition)
	case resp.Code == "NoSuchKey" || resp.StatusCode == http.StatusNotFound && resp.Code != "NoSuchBucket":
		return fmt.Errorf("%s: %w", where, ErrNotFound)
	case resp.Code == "NoSuchBucket":
		return fmt.Errorf("%s: %s 上没有存储桶 %q", where, s.cfg.Endpoint, s.cfg.Bucket)
	case resp.Code == "InvalidAccessKeyId" || resp.Code == "SignatureDoesNotMatch" || resp.Code == "AccessDenied":
		return fmt.Errorf("%s: %s 拒绝访问（%s）：请检查 access key 和 secret", where, s, resp.Code)
	}
	var ne net.Error
	var oe *net.OpError
	if errors.As(err, &oe) || errors.As(err, &ne) {
		return fmt.Errorf("%s: 无法连接 %s：%w", where, s, err)
	}
	return fmt.Errorf("%s: %s：%w", where, s, err)
}

// Get implements Store.
func (s *S3Store) Get(ctx context.Context, key string) ([]byte, ObjectInfo, error) {
	if err := ValidKey(key); err != nil {
		return nil, ObjectInfo{}, fmt.Errorf("archive: %w", err)
	}
	// An object replaced while it is read makes the server answer 412 to
	// a follow-up request of the reader: read it again, whole, after a
	// short pause that grows (a record being updated by many writers at
	// once may be replaced again at once).
	for attempt := 0; ; attempt++ {
		data, info, err := s.getOnce(ctx, key)
		if !errors.Is(err, ErrPrecondition) || attempt == 20 {
			return data, info, err
		}
		select {
		case <-ctx.Done():
			return nil, ObjectInfo{}, fmt.Errorf("archive: get %s: %w", key, ctx.Err())
		case <-time.After(time.Duration(attempt+1) * time.Millisecond):
		}
	}
}

// getOnce reads an object in one GET: the body first, then the
// description the same response carried (asking for the description first
// would be a second request, which fails if the object was replaced in
// between).
func (s *S3Store) getOnce(ctx context.Context, key string) ([]byte, ObjectInfo, error) {
	obj, err := s.client.GetObject(ctx, s.cfg.Bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, ObjectInfo{}, s.wrap("get", key, err)
	}
	defer obj.Close()
	data, err := io.ReadAll(obj)
	if err != nil {
		return nil, ObjectInfo{}, s.wrap("get", key, err)
	}
	st, err := obj.Stat()
	if err != nil {
		return nil, ObjectInfo{}, s.wrap("get", key, err)
	}
	return data, ObjectInfo{Key: key, Size: int64(len(data)), ETag: st.ETag, Modified: st.LastModified}, nil
}

// Stat implements Store.
func (s *S3Store) Stat(ctx context.Context, key string) (ObjectInfo, error) {
	if err := ValidKey(key); err != nil {
		return ObjectInfo{}, fmt.Errorf("archive: %w", err)
	}
	st, err := s.client.StatObject(ctx, s.cfg.Bucket, key, minio.StatObjectOptions{})
	if err != nil {
		return ObjectInfo{}, s.wrap("stat", key, err)
	}
	return ObjectInfo{Key: key, Size: st.Size, ETag: st.ETag, Modified: st.LastModified}, nil
}

// Put implements Store.
func (s *S3Store) Put(ctx context.Context, key string, data []byte, cond Cond) (ObjectInfo, error) {
	if err := ValidKey(key); err != nil {
		return ObjectInfo{}, fmt.Errorf("archive: %w", err)
	}
	opts := minio.PutObjectOptions{ContentType: contentType(key), DisableMultipart: true}
	if cond.IfNoneMatch {
		opts.SetMatchETagExcept("*")
	}
	if cond.IfMatch != "" {
		opts.SetMatchETag(cond.IfMatch)
	}
	up, err := s.client.PutObject(ctx, s.cfg.Bucket, key, bytes.NewReader(data), int64(len(data)), opts)
	if err != nil {
		err = s.wrap("put", key, err)
		if cond.IfMatch != "" && errors.Is(err, ErrNotFound) {
			// S3 answers If-Match on a missing object with 404: the
			// condition failed all the same.
			return ObjectInfo{}, fmt.Errorf("archive: put %s: %w", key, ErrPrecondition)
		}
		return ObjectInfo{}, err
	}
	return ObjectInfo{Key: key, Size: int64(len(data)), ETag: up.ETag, Modified: up.LastModified}, nil
}

// List implements Store.
func (s *S3Store) List(ctx context.Context, prefix string, fn func(ObjectInfo) error) error {
	if err := validPrefix(prefix); err != nil {
		return fmt.Errorf("archive: list %s: %w", prefix, err)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for obj := range s.client.ListObjects(ctx, s.cfg.Bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if obj.Err != nil {
			return s.wrap("list", prefix, obj.Err)
		}
		if err := fn(ObjectInfo{Key: obj.Key, Size: obj.Size, ETag: obj.ETag, Modified: obj.LastModified}); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// Delete implements Store.
func (s *S3Store) Delete(ctx context.Context, key string) error {
	if err := ValidKey(key); err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	if err := s.client.RemoveObject(ctx, s.cfg.Bucket, key, minio.RemoveObjectOptions{}); err != nil {
		if err := s.wrap("delete", key, err); !errors.Is(err, ErrNotFound) {
			return err
		}
	}
	return nil
}

func contentType(key string) string {
	switch {
	case strings.HasSuffix(key, ".json"):
		return "application/json; charset=utf-8"
	case strings.HasSuffix(key, ".docx"):
		return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	}
	return "application/octet-stream"
}

// Retain implements Retainer: where the bucket has Object Lock, key is
// kept in GOVERNANCE mode until the date (S3 PutObjectRetention). GOVERNANCE
// lets a specially privileged administrator lift a mistaken lock;
// ordinary credentials cannot change or delete the object.
func (s *S3Store) Retain(ctx context.Context, key string, until time.Time) (bool, error) {
	s.lockOnce.Do(func() {
		enabled, _, _, _, err := s.client.GetObjectLockConfig(ctx, s.cfg.Bucket)
		if err != nil {
			if r := minio.ToErrorResponse(err); r.Code == "ObjectLockConfigurationNotFoundError" || r.StatusCode == http.StatusNotFound {
				return
			}
			s.lockErr = s.wrap("object lock", s.cfg.Bucket, err)
			return
		}
		s.locked = enabled == "Enabled"
	})
	if s.lockErr != nil {
		return false, s.lockErr
	}
	if !s.locked {
		return false, nil
	}
	mode := minio.Governance
	until = until.UTC()
	if err := s.client.PutObjectRetention(ctx, s.cfg.Bucket, key, minio.PutObjectRetentionOptions{Mode: &mode, RetainUntilDate: &until}); err != nil {
		return false, s.wrap("retain", key, err)
	}
	return true, nil
}
