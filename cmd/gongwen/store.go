package main

import (
	"context"
	"flag"

	"github.com/gongwen/gongwen/archive"
)

// storeFlags are the flags every command that reads or writes the archive
// takes; unset flags fall back to the GONGWEN_* environment variables.
type storeFlags struct {
	dataDir, endpoint, bucket, accessKey, secretKey, region string
	tls                                                     bool
	tlsSet                                                  bool
}

func addStoreFlags(fs *flag.FlagSet) *storeFlags {
	s := &storeFlags{}
	fs.StringVar(&s.dataDir, "data-dir", "", "内置文件存储的目录（默认 ./data；或 GONGWEN_DATA_DIR）")
	fs.StringVar(&s.endpoint, "s3-endpoint", "", "S3 兼容存储的地址 host:port（或 GONGWEN_S3_ENDPOINT）；设置后使用 S3")
	fs.StringVar(&s.bucket, "s3-bucket", "", "存储桶（或 GONGWEN_S3_BUCKET）")
	fs.StringVar(&s.accessKey, "s3-access-key", "", "access key（或 GONGWEN_S3_ACCESS_KEY）")
	fs.StringVar(&s.secretKey, "s3-secret-key", "", "secret key（或 GONGWEN_S3_SECRET_KEY）")
	fs.StringVar(&s.region, "s3-region", "", "区域（或 GONGWEN_S3_REGION）")
	fs.Func("s3-tls", "使用 https 连接 S3（true/false，或 GONGWEN_S3_TLS）", func(v string) error {
		s.tlsSet = true
		s.tls = v == "" || v == "true" || v == "1"
		return nil
	})
	return s
}

// open opens the archive store from flags and environment.
func (s *storeFlags) open(ctx context.Context) (archive.Store, error) {
	c, err := archive.ConfigFromEnv(nil)
	if err != nil {
		return nil, err
	}
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	set(&c.DataDir, s.dataDir)
	set(&c.S3.Endpoint, s.endpoint)
	set(&c.S3.Bucket, s.bucket)
	set(&c.S3.AccessKey, s.accessKey)
	set(&c.S3.SecretKey, s.secretKey)
	set(&c.S3.Region, s.region)
	if s.tlsSet {
		c.S3.TLS = s.tls
	}
	return archive.OpenStore(ctx, c)
}
