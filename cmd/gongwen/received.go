package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/gongwen/gongwen/archive"
	"github.com/gongwen/gongwen/deadline"
)

func runReceived(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("received", flag.ContinueOnError)
	fs.SetOutput(stderr)
	wenhao := fs.String("wenhao", "", "文件的发文字号，如 乌司发〔2026〕48号")
	date := fs.String("date", "", "送达日期（被监督单位收到文件的日期），如 2026-03-06")
	clear := fs.Bool("clear", false, "删除已登记的送达日期（此后按印发日期起算）")
	sf := addStoreFlags(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	usage := &usageError{"用法：gongwen received --wenhao 乌司发〔2026〕48号 --date 2026-03-06（或 --clear）"}
	if len(pos) > 0 || *wenhao == "" || (*date == "") == !*clear {
		return usage
	}
	iso := ""
	if *date != "" {
		d, err := deadline.ParseDate(*date)
		if err != nil {
			return &usageError{"--date：" + err.Error()}
		}
		iso = d.String()
	}
	store, err := sf.open(ctx)
	if err != nil {
		return err
	}
	e, err := documentOf(ctx, store, *wenhao)
	if err != nil {
		return err
	}
	r, err := archive.NewDocuments(store).SetReceived(ctx, e.Year, e.DocumentID, iso)
	if err != nil {
		return err
	}
	if iso == "" {
		fmt.Fprintf(stdout, "已删除 %s 的送达日期；整改期限改按印发日期（无印发日期时按成文日期）起算\n", r.Wenhao)
		return nil
	}
	d, _ := deadline.ParseDate(iso)
	fmt.Fprintf(stdout, "已登记 %s 的送达日期：%s", r.Wenhao, d.Chinese())
	if strings.TrimSpace(r.Deadline) != "" {
		fmt.Fprintf(stdout, "（整改期限“%s”自此起算）", r.Deadline)
	}
	fmt.Fprintln(stdout)
	return nil
}
