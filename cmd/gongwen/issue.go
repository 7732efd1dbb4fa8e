package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/user"
	"sort"
	"strconv"
	"strings"

	"github.com/gongwen/gongwen/archive"
	"github.com/gongwen/gongwen/issuing"
	"github.com/gongwen/gongwen/search"
	"github.com/gongwen/gongwen/templates"
)

func currentUser() string {
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return "unknown"
}

func runIssue(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("issue", flag.ContinueOnError)
	fs.SetOutput(stderr)
	tplArg := fs.String("template", "", "内置模板 ID，如 监督通知书")
	dataArg := fs.String("data", "", "数据文件（JSON 对象）；- 表示标准输入")
	example := fs.Bool("example", false, "使用模板自带的示例数据")
	asJSON := fs.Bool("json", false, "以 JSON 输出完整记录")
	author := fs.String("author", currentUser(), "发文人")
	profileID := fs.String("profile", "", "发文机关（gongwen profile list）：用其机关代字、标志、署名、印发机关和联系人")
	idxFlag := addIndexFlag(fs)
	sf := addStoreFlags(fs)
	err := parseFlagsOnly(fs, args)
	if err != nil {
		return err
	}
	if *tplArg == "" {
		return &usageError{"缺少 --template（gongwen templates 列出内置模板）"}
	}
	if (*dataArg == "") == !*example {
		return &usageError{"请给出 --data 数据文件，或用 --example 使用示例数据（二者选一）"}
	}
	tpl, err := templates.Builtin(*tplArg)
	if err != nil {
		return err
	}
	data := tpl.Example
	if !*example {
		if data, err = readData(*dataArg, os.Stdin); err != nil {
			return err
		}
	}
	store, err := sf.open(ctx)
	if err != nil {
		return err
	}
	req := issuing.Request{Template: tpl, Data: data, Author: *author}
	if *profileID != "" {
		if req.Profile, err = archive.NewProfiles(store).Get(ctx, *profileID); err != nil {
			return err
		}
	}
	is := issuing.New(store)
	var idx *search.Index
	if idx, err = search.Open(indexDir(*idxFlag)); err == nil {
		defer idx.Close()
		is.OnIssued = idx.PutIssued
	} else {
		fmt.Fprintf(stderr, "注意：检索索引暂不可用（%v）；文件照常发出，稍后运行 gongwen reindex 可补上\n", err)
	}
	res, err := is.Issue(ctx, req)
	if err != nil {
		return err
	}
	r := res.Record
	if *asJSON {
		enc := jsonOut(stdout)
		if err := enc.Encode(r); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(stdout, "已发文：%s\n标题：%s\n文件编号：%s\n存储位置：%s/%s\n", r.Wenhao, r.Title, r.ID, store, r.Latest().Key)
	}
	if res.Warning != "" {
		fmt.Fprintln(stderr, "注意："+res.Warning)
	}
	return nil
}

func runNumbers(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("numbers", flag.ContinueOnError)
	fs.SetOutput(stderr)
	prefix := fs.String("prefix", "", "机关代字，如 乌司发")
	year := fs.Int("year", 0, "年份，如 2026")
	reserve := fs.Bool("reserve", false, "预留下一个文号（用于线下签发的文件），须同时给出 --reason")
	voidSeq := fs.Int("void", 0, "作废指定序号的文号，须同时给出 --reason")
	reason := fs.String("reason", "", "预留或作废的原因")
	asJSON := fs.Bool("json", false, "以 JSON 输出")
	sf := addStoreFlags(fs)
	err := parseFlagsOnly(fs, args)
	if err != nil {
		return err
	}
	if *prefix == "" || *year == 0 {
		return &usageError{"需要 --prefix 机关代字 和 --year 年份"}
	}
	store, err := sf.open(ctx)
	if err != nil {
		return err
	}
	reg := archive.NewRegistry(store)
	who := currentUser()
	switch {
	case *reserve:
		if strings.TrimSpace(*reason) == "" {
			return &usageError{"预留文号须用 --reason 说明原因"}
		}
		e, _, err := reg.Allocate(ctx, *prefix, *year, archive.NumberReserved, "", who, *reason)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "已预留：%s（%s）\n", e.Wenhao, e.Reason)
		return nil
	case *voidSeq > 0:
		e, err := reg.Void(ctx, *prefix, *year, *voidSeq, *reason, who)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "已作废：%s（%s）\n", e.Wenhao, e.Reason)
		return nil
	}
	entries, err := reg.List(ctx, *prefix, *year)
	if err != nil {
		return err
	}
	gaps := archive.Gaps(entries)
	if *asJSON {
		enc := jsonOut(stdout)
		return enc.Encode(struct {
			Entries []*archive.NumberEntry `json:"entries"`
			Gaps    []int                  `json:"gaps"`
		}{entries, append([]int{}, gaps...)})
	}
	for _, e := range entries {
		detail := e.DocumentID
		if e.Reason != "" {
			detail = strings.TrimSpace(detail + " " + e.Reason)
		}
		fmt.Fprintf(stdout, "%s\t%s\t%s\n", e.Wenhao, archive.NumberStatusName(e.Status), detail)
	}
	fmt.Fprintf(stdout, "%s〔%d〕共 %d 个文号", *prefix, *year, len(entries))
	if len(gaps) == 0 {
		fmt.Fprintln(stdout, "，没有无法解释的空号。")
		return nil
	}
	s := make([]string, len(gaps))
	for i, g := range gaps {
		s[i] = strconv.Itoa(g)
	}
	fmt.Fprintf(stdout, "，有 %d 个无法解释的空号：%s\n", len(gaps), strings.Join(s, "、"))
	return &problemsError{}
}

func runProfile(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	usage := &usageError{"用法：gongwen profile set 机关.json | list | show ID"}
	if len(args) == 0 {
		return usage
	}
	fs := flag.NewFlagSet("profile", flag.ContinueOnError)
	fs.SetOutput(stderr)
	sf := addStoreFlags(fs)
	pos, err := parseFlags(fs, args[1:])
	if err != nil {
		return err
	}
	store, err := sf.open(ctx)
	if err != nil {
		return err
	}
	ps := archive.NewProfiles(store)
	enc := jsonOut(stdout)
	switch {
	case args[0] == "set" && len(pos) == 1:
		b, err := os.ReadFile(pos[0])
		if err != nil {
			return err
		}
		var p archive.Profile
		d := json.NewDecoder(strings.NewReader(string(b)))
		d.DisallowUnknownFields()
		if err := d.Decode(&p); err != nil {
			return fmt.Errorf("%s 不是有效的机关信息：%v", pos[0], err)
		}
		if err := ps.Put(ctx, &p); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "已保存机关“%s”（%s）\n", p.Name, p.ID)
		return nil
	case args[0] == "list" && len(pos) == 0:
		all, err := ps.List(ctx)
		if err != nil {
			return err
		}
		for _, p := range all {
			fmt.Fprintf(stdout, "%s\t%s\t机关代字：%s\n", p.ID, p.Name, strings.Join(sortedValues(p.Daizi), "、"))
		}
		return nil
	case args[0] == "show" && len(pos) == 1:
		p, err := ps.Get(ctx, pos[0])
		if err != nil {
			return err
		}
		return enc.Encode(p)
	}
	return usage
}

func sortedValues(m map[string]string) []string {
	seen := map[string]bool{}
	var out []string
	for _, v := range m {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	sort.Strings(out)
	return out
}

func runFile(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("file", flag.ContinueOnError)
	fs.SetOutput(stderr)
	wenhao := fs.String("wenhao", "", "要归档文件的发文字号，如 乌司发〔2026〕48号")
	retention := fs.String("retention", "", "保管期限：永久、30年 或 10年")
	profileID := fs.String("profile", "", "归档机关（提供全宗号和机构代码）")
	idxFlag := addIndexFlag(fs)
	sf := addStoreFlags(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 || *wenhao == "" || *retention == "" || *profileID == "" {
		return &usageError{"用法：gongwen file --wenhao 乌司发〔2026〕48号 --retention 10年 --profile 机关ID"}
	}
	store, err := sf.open(ctx)
	if err != nil {
		return err
	}
	p, err := archive.NewProfiles(store).Get(ctx, *profileID)
	if err != nil {
		return err
	}
	e, err := documentOf(ctx, store, *wenhao)
	if err != nil {
		return err
	}
	r, err := archive.NewDocuments(store).File(ctx, e.Year, e.DocumentID, *retention, p, currentUser())
	if err != nil {
		return err
	}
	reindexRecord(ctx, indexDir(*idxFlag), store, r, stderr)
	fmt.Fprintf(stdout, "已归档：%s\n档号：%s\n保管期限：%s\n", r.Wenhao, r.Filing.DangHao, r.Filing.Retention)
	return nil
}

func runRevise(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("revise", flag.ContinueOnError)
	fs.SetOutput(stderr)
	wenhao := fs.String("wenhao", "", "要更正文件的发文字号")
	docx := fs.String("docx", "", "更正后的 .docx")
	note := fs.String("note", "", "更正说明（必填）")
	idxFlag := addIndexFlag(fs)
	sf := addStoreFlags(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 || *wenhao == "" || *docx == "" || strings.TrimSpace(*note) == "" {
		return &usageError{"用法：gongwen revise --wenhao 乌司发〔2026〕48号 --docx 更正稿.docx --note 更正说明"}
	}
	content, err := os.ReadFile(*docx)
	if err != nil {
		return err
	}
	store, err := sf.open(ctx)
	if err != nil {
		return err
	}
	e, err := documentOf(ctx, store, *wenhao)
	if err != nil {
		return err
	}
	r, err := archive.NewDocuments(store).AddVersion(ctx, e.Year, e.DocumentID, content, currentUser(), *note)
	if err != nil {
		return err
	}
	reindexRecord(ctx, indexDir(*idxFlag), store, r, stderr)
	v := r.Latest()
	fmt.Fprintf(stdout, "已保存 %s 第%d版（%s），原有版本仍可读取\n", r.Wenhao, v.N, v.Key)
	return nil
}

// documentOf finds the registry entry of a 发文字号 a person typed, which
// must name a stored document.
func documentOf(ctx context.Context, store archive.Store, wenhao string) (*archive.NumberEntry, error) {
	e, err := archive.NewRegistry(store).Lookup(ctx, wenhao)
	if err != nil {
		return nil, err
	}
	if e.DocumentID == "" {
		return nil, fmt.Errorf("文号 %s 没有对应的文件（状态：%s）", e.Wenhao, e.Status)
	}
	return e, nil
}
