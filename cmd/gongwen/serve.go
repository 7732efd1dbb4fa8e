package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"time"

	"github.com/gongwen/gongwen/search"
	"github.com/gongwen/gongwen/server"
)

// runServe runs the HTTP service until interrupted.
func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", envOr("GONGWEN_ADDR", "127.0.0.1:8080"), "监听地址（或 GONGWEN_ADDR）")
	secure := fs.Bool("secure-cookies", os.Getenv("GONGWEN_SECURE_COOKIES") == "true", "Cookie 仅经 HTTPS 发送（在 TLS 反向代理之后时设置）")
	grace := fs.Duration("grace", 30*time.Second, "停止时等待进行中请求（如发文）完成的时间")
	syncEvery := fs.Duration("sync", 30*time.Second, "多实例共用存储时，检查其他实例新发文件的间隔")
	idxFlag := addIndexFlag(fs)
	sf := addStoreFlags(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return &usageError{"serve 不接受位置参数"}
	}
	log := slog.New(slog.NewJSONHandler(stderr, nil))
	store, err := sf.open(ctx)
	if err != nil {
		return err
	}
	// A damaged index is set aside and rebuilt from the store (by
	// Prepare's check below): the index is derived, the service need not
	// stay down for it.
	idx, setAside, err := search.OpenOrReset(indexDir(*idxFlag))
	if errors.Is(err, search.ErrBusy) {
		return fmt.Errorf("%w（每个实例须有自己的索引目录：--index-dir）", err)
	}
	if err != nil {
		return err
	}
	defer idx.Close()
	if setAside != "" {
		log.Warn("search index damaged: set aside, rebuilding from the store", "set_aside", setAside)
		fmt.Fprintf(stdout, "检索索引已损坏，已移至 %s；正在从存储重建索引……\n", setAside)
	}
	srv, err := server.New(server.Config{Store: store, Index: idx, Logger: log, SecureCookies: *secure, SyncEvery: *syncEvery})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("无法监听 %s：%w", *addr, err)
	}
	pw, err := srv.Prepare(ctx)
	if err != nil {
		ln.Close()
		return err
	}
	fmt.Fprintf(stdout, "gongwen 已启动：http://%s/ （存储 %s，索引 %s）\n", ln.Addr(), store, indexDir(*idxFlag))
	if pw != "" {
		fmt.Fprintf(stdout, "\n已创建管理员账户：用户名 admin，一次性密码 %s\n首次登录后须修改密码。此密码只显示这一次。\n\n", pw)
	}
	err = srv.Serve(ctx, ln, *grace)
	fmt.Fprintln(stdout, "gongwen 已停止")
	return err
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
