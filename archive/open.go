package archive

import (
	"context"
	"fmt"
	"os"
	"strconv"
)

// StoreConfig chooses the store: S3 when an endpoint is set, otherwise the
// embedded file store in DataDir.
type StoreConfig struct {
	DataDir string // file store folder; default ./data
	S3      S3Config
}

// ConfigFromEnv reads GONGWEN_DATA_DIR and GONGWEN_S3_ENDPOINT,
// GONGWEN_S3_BUCKET, GONGWEN_S3_ACCESS_KEY, GONGWEN_S3_SECRET_KEY,
// GONGWEN_S3_REGION, GONGWEN_S3_TLS (true/false) through getenv (os.Getenv
// when nil). Flags given on the command line override these.
func ConfigFromEnv(getenv func(string) string) (StoreConfig, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	c := StoreConfig{
		DataDir: getenv("GONGWEN_DATA_DIR"),
		S3: S3Config{
			Endpoint:  getenv("GONGWEN_S3_ENDPOINT"),
			Bucket:    getenv("GONGWEN_S3_BUCKET"),
			AccessKey: getenv("GONGWEN_S3_ACCESS_KEY"),
			SecretKey: getenv("GONGWEN_S3_SECRET_KEY"),
			Region:    getenv("GONGWEN_S3_REGION"),
		},
	}
	if v := getenv("GONGWEN_S3_TLS"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return c, fmt.Errorf("GONGWEN_S3_TLS=%q 应为 true 或 false", v)
		}
		c.S3.TLS = b
	}
	return c, nil
}

// OpenStore opens the store a configuration names.
func OpenStore(ctx context.Context, c StoreConfig) (Store, error) {
	if c.S3.Endpoint != "" {
		return OpenS3Store(ctx, c.S3)
	}
	dir := c.DataDir
	if dir == "" {
		dir = "data"
	}
	return OpenFileStore(dir)
}
