package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/gongwen/gongwen/archive"
	"github.com/gongwen/gongwen/bundle"
	"github.com/gongwen/gongwen/search"
)

// searchPage is the largest page the index serves.
const searchPage = 200

func runExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	query := fs.String("query", "", "检索式（与 gongwen search 相同），如 \"限期整改 年度:2026\"")
	out := fs.String("out", "", "输出的文件包，如 bundle.zip")
	force := fs.Bool("force", false, "覆盖已存在的输出文件")
	depth := fs.Int("depth", bundle.DefaultDepth, "沿“答复”关系追加的层数：1 追加检索结果所答复的通知书和答复它们的整改情况报告；0 只导出检索结果")
	org := fs.String("org", "", "来源单位（bag-info.txt 的 Source-Organization）；默认取机关信息中的名称")
	asJSON := fs.Bool("json", false, "以 JSON 输出导出摘要（供审计记录）")
	idxFlag := addIndexFlag(fs)
	sf := addStoreFlags(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	q := strings.TrimSpace(*query)
	if q == "" {
		q = strings.TrimSpace(strings.Join(pos, " "))
	} else if len(pos) > 0 {
		return &usageError{"多余的参数：" + strings.Join(pos, " ")}
	}
	if q == "" || *out == "" {
		return &usageError{"用法：gongwen export --query \"检索式\" --out bundle.zip [--force] [--depth 1]"}
	}
	if *depth < 0 {
		return &usageError{"--depth 不能为负数"}
	}
	if !*force {
		if _, err := os.Lstat(*out); err == nil {
			return fmt.Errorf("%s 已存在：如要覆盖，请加 --force", *out)
		}
	}
	dir := filepath.Dir(*out)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return fmt.Errorf("输出目录 %s 不存在", dir)
	}

	// The documents the query finds, every page of them.
	idx, err := search.Open(indexDir(*idxFlag))
	if err != nil {
		return err
	}
	var ids []string
	for from := 0; ; from += searchPage {
		res, err := idx.Search(ctx, search.Request{Query: q, Sort: "number", From: from, Size: searchPage})
		var qe *search.QueryError
		if errors.As(err, &qe) {
			idx.Close()
			return &usageError{qe.Error()}
		}
		if err != nil {
			idx.Close()
			return err
		}
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
		}
		if len(res.Hits) == 0 || uint64(from+len(res.Hits)) >= res.Total {
			break
		}
	}
	empty := false
	if len(ids) == 0 {
		n, _ := idx.Count()
		empty = n == 0
	}
	idx.Close() // the export reads the store only; let others index meanwhile
	if len(ids) == 0 {
		if empty {
			return fmt.Errorf("检索索引为空：如已有文件，请先运行 gongwen reindex")
		}
		return fmt.Errorf("检索“%s”没有找到文件，未生成文件包", q)
	}

	store, err := sf.open(ctx)
	if err != nil {
		return err
	}
	docs := archive.NewDocuments(store)
	d := *depth
	if d == 0 {
		d = bundle.OnlyMatched
	}
	sel, err := bundle.Select(ctx, docs, ids, bundle.SelectOptions{Depth: d})
	if err != nil {
		return err
	}
	if len(sel.NotFound) > 0 {
		fmt.Fprintf(stderr, "注意：检索索引中的 %d 份文件在存储中已不存在（%s），未导出；运行 gongwen reindex 可更新索引\n",
			len(sel.NotFound), strings.Join(first(sel.NotFound, 3), "、"))
	}
	if len(sel.Members) == 0 {
		return fmt.Errorf("检索“%s”找到的文件在存储中均已不存在，未生成文件包（请运行 gongwen reindex）", q)
	}
	source := *org
	if source == "" {
		source = sourceOrganization(ctx, store, sel)
	}
	base := strings.TrimSuffix(filepath.Base(*out), filepath.Ext(*out))
	sum, err := writeBundle(ctx, *out, *force, func(w io.Writer) (*bundle.Summary, error) {
		return bundle.Write(ctx, w, docs, sel, bundle.Options{
			Name: base, Query: q, SourceOrganization: source, Contact: currentUser(),
			Progress: progressBar(stderr, "导出"),
		})
	}, progressBar(stderr, "校验"))
	if err != nil {
		return err
	}
	if *asJSON {
		return jsonOut(stdout).Encode(sum)
	}
	fmt.Fprintf(stdout, "已导出 %s：%d 份文件（检索结果 %d 份，答复、被答复文件 %d 份），%d 个版本，载荷 %d 字节，文件包 %d 字节\n",
		*out, sum.Documents, sum.Matched, sum.Related, sum.PayloadFiles, sum.PayloadBytes, sum.BagBytes)
	fmt.Fprintf(stdout, "文件包标识：%s\n文件包 SHA-256：%s\n已校验：完整，每个摘要一致（gongwen verify-bundle %s 可再次校验）\n", sum.Identifier, sum.SHA256, *out)
	return nil
}

// writeBundle writes a bundle through a temporary file beside out, checks
// it with bundle.Verify, and only then puts it in place, so a failed or
// interrupted export leaves no half bag. Without force an existing out is
// never replaced, even one created meanwhile (a hard link cannot replace).
func writeBundle(ctx context.Context, out string, force bool, write func(io.Writer) (*bundle.Summary, error), verifyProgress func(done, total int)) (*bundle.Summary, error) {
	f, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("无法写入 %s：%w", out, err)
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	bw := bufio.NewWriterSize(f, 1<<20)
	sum, err := write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return nil, fmt.Errorf("导出已中断，未生成 %s", out)
		}
		return nil, fmt.Errorf("导出失败，未生成 %s：%w", out, err)
	}
	rep, err := bundle.VerifyFile(ctx, tmp, bundle.VerifyOptions{Progress: verifyProgress})
	if err != nil {
		return nil, fmt.Errorf("导出后校验失败，未生成 %s：%w", out, err)
	}
	if !rep.Valid() {
		p := rep.Problems[0]
		return nil, fmt.Errorf("导出后校验发现 %d 个问题（%s %s：%s），未生成 %s", len(rep.Problems), p.Kind, p.File, p.Detail, out)
	}
	if force {
		err = os.Rename(tmp, out)
	} else if err = os.Link(tmp, out); errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("%s 已存在：如要覆盖，请加 --force", out)
	} else if err != nil {
		// No hard links on this file system (FAT, some network shares).
		if _, serr := os.Lstat(out); serr == nil {
			return nil, fmt.Errorf("%s 已存在：如要覆盖，请加 --force", out)
		}
		err = os.Rename(tmp, out)
	}
	if err != nil {
		return nil, fmt.Errorf("无法写入 %s：%w", out, err)
	}
	return sum, nil
}

// sourceOrganization is the Source-Organization of a bag made on this
// server: the office's name when the archive has one office profile,
// otherwise the issuers of the matched documents.
func sourceOrganization(ctx context.Context, store archive.Store, sel *bundle.Selection) string {
	if ps, err := archive.NewProfiles(store).List(ctx); err == nil && len(ps) == 1 {
		return ps[0].Name
	}
	seen := map[string]bool{}
	var names []string
	for _, m := range sel.Members {
		if n := strings.TrimSpace(m.Record.Issuer); m.Reason == bundle.Matched && n != "" && !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	sort.Strings(names)
	if len(names) > 3 {
		return strings.Join(names[:3], "、") + "等"
	}
	return strings.Join(names, "、")
}

func first(l []string, n int) []string {
	if len(l) > n {
		return append(l[:n:n], "…")
	}
	return l
}

func runVerifyBundle(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("verify-bundle", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "以 JSON 输出校验结果")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return &usageError{"用法：gongwen verify-bundle bundle.zip [--json]"}
	}
	name := pos[0]
	rep, err := bundle.VerifyFile(ctx, name, bundle.VerifyOptions{Progress: progressBar(stderr, "校验")})
	if err != nil {
		return err
	}
	if *asJSON {
		if rep.Problems == nil {
			rep.Problems = []bundle.Problem{}
		}
		if err := jsonOut(stdout).Encode(rep); err != nil {
			return err
		}
	} else {
		base := rep.Base
		if base == "" {
			base = "（zip 顶层）"
		}
		fmt.Fprintf(stdout, "文件包 %s（目录 %s）：BagIt %s，载荷文件 %d 个，共 %d 字节；标签文件 %d 个\n",
			name, base, orDash(rep.Version), rep.PayloadFiles, rep.PayloadBytes, rep.TagFiles)
		for _, l := range []string{"Source-Organization", "External-Description", "External-Identifier", "Bagging-Date", "Payload-Oxum"} {
			if v := rep.InfoValue(l); v != "" {
				fmt.Fprintf(stdout, "  %s: %s\n", l, v)
			}
		}
		if rep.Valid() {
			fmt.Fprintln(stdout, "校验通过：文件包完整，每个文件的摘要一致。")
		} else {
			fmt.Fprintf(stdout, "校验未通过，发现 %d 个问题：\n", len(rep.Problems))
			for _, p := range rep.Problems {
				fmt.Fprintf(stdout, "  - [%s] %s：%s\n", p.Kind, p.File, p.Detail)
			}
		}
	}
	if !rep.Valid() {
		return &problemsError{}
	}
	return nil
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
