package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/gongwen/gongwen/archive"
)

// isTerminal reports whether w is a terminal (for progress bars).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// progressBar draws "校验 [#####     ] 123/456" on a terminal.
func progressBar(w io.Writer, label string) func(done, total int) {
	if !isTerminal(w) {
		return nil
	}
	return func(done, total int) {
		if total == 0 || done != total && done%20 != 0 {
			return
		}
		n := done * 30 / total
		fmt.Fprintf(w, "\r%s [%s%s] %d/%d", label, strings.Repeat("#", n), strings.Repeat(" ", 30-n), done, total)
		if done == total {
			fmt.Fprintln(w)
		}
	}
}

func runVerify(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	repair := fs.Bool("repair", false, "处理中断的发文：文件完整的登记为已发文，否则作废并注明原因")
	asJSON := fs.Bool("json", false, "以 JSON 输出")
	sf := addStoreFlags(fs)
	err := parseFlagsOnly(fs, args)
	if err != nil {
		return err
	}
	store, err := sf.open(ctx)
	if err != nil {
		return err
	}
	rep, err := archive.Verify(ctx, store, archive.VerifyOptions{Repair: *repair, Progress: progressBar(stderr, "校验")})
	if err != nil {
		return err
	}
	if *asJSON {
		enc := jsonOut(stdout)
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(stdout, "已校验 %s：文件记录 %d 份，版本 %d 个（%d 个哈希一致），文号登记 %d 条\n",
			store, rep.Records, rep.Versions, rep.OK, rep.Numbers)
		if rep.Repaired > 0 {
			fmt.Fprintf(stdout, "已修复中断的发文 %d 个\n", rep.Repaired)
		}
		if n := len(rep.Unreferenced); n > 0 {
			fmt.Fprintf(stdout, "另有 %d 个内容对象未被任何记录引用：发文或更正中断时留下，不是文件，已保留（--json 列出）\n", n)
		}
		if len(rep.Problems) == 0 {
			fmt.Fprintln(stdout, "没有发现问题。")
		} else {
			kinds := make([]string, 0, len(rep.ByKind))
			for k := range rep.ByKind {
				kinds = append(kinds, k)
			}
			sort.Strings(kinds)
			fmt.Fprintf(stdout, "发现 %d 个问题：\n", len(rep.Problems))
			for _, k := range kinds {
				fmt.Fprintf(stdout, "  %s：%d\n", k, rep.ByKind[k])
			}
			for _, p := range rep.Problems {
				fmt.Fprintf(stdout, "  - [%s] %s：%s\n", p.Kind, p.Key, p.Detail)
			}
		}
	}
	if len(rep.Problems) > 0 {
		return &problemsError{}
	}
	return nil
}
