package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"strings"

	"github.com/gongwen/gongwen/archive"
	"github.com/gongwen/gongwen/deadline"
	"github.com/gongwen/gongwen/issuing"
	"github.com/gongwen/gongwen/render"
	"github.com/gongwen/gongwen/search"
	"github.com/gongwen/gongwen/stats"
	"github.com/gongwen/gongwen/templates"
	"github.com/gongwen/gongwen/tracking"
)

// runAnnual computes an office's figures for a year and prints them; with
// --out it renders the 年度报告 with them as a draft (no number is taken),
// with --issue it issues the report through issuing.Issuer.
func runAnnual(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("annual", flag.ContinueOnError)
	fs.SetOutput(stderr)
	org := fs.String("org", "", "发文机关 ID（gongwen profile list）；不填则统计所有机关的文件")
	year := fs.Int("year", 0, "统计年度，如 2025")
	asOfArg := fs.String("as-of", "", "整改情况截至哪一天（默认今天，北京时间），如 2026-01-20")
	asJSON := fs.Bool("json", false, "以 JSON 输出统计结果")
	out := fs.String("out", "", "生成年度报告 .docx：统计由档案库填入，其余内容取自 --data 或模板示例")
	dataArg := fs.String("data", "", "年度报告除“统计”外的数据（JSON 对象）；- 表示标准输入；不填则用模板示例")
	issue := fs.Bool("issue", false, "正式发文：分配文号、归存并加入检索（须同时给出 --org）")
	author := fs.String("author", currentUser(), "发文人（与 --issue 一起使用）")
	idxFlag := addIndexFlag(fs)
	sf := addStoreFlags(fs)
	err := parseFlagsOnly(fs, args)
	if err != nil {
		return err
	}
	if *year == 0 {
		return &usageError{"缺少 --year 统计年度，如 --year 2025"}
	}
	if *year < 1949 || *year > 9999 {
		return &usageError{fmt.Sprintf("--year %d 不是有效的年份", *year)}
	}
	var asOf deadline.Date
	if *asOfArg != "" {
		if asOf, err = deadline.ParseDate(*asOfArg); err != nil {
			return &usageError{"--as-of：" + err.Error()}
		}
	}
	if *dataArg != "" && *out == "" && !*issue {
		return &usageError{"--data 是年度报告的内容，须与 --out 或 --issue 一起使用"}
	}
	if *issue && *org == "" {
		return &usageError{"--issue 须用 --org 指定发文机关：报告以该机关的名义、用其机关代字发文"}
	}
	tpl, err := templates.Builtin(stats.TemplateID)
	if err != nil {
		return err
	}
	var data map[string]any
	if *out != "" || *issue {
		if data, err = reportData(tpl, *dataArg, *year, stderr); err != nil {
			return err
		}
	}

	store, err := sf.open(ctx)
	if err != nil {
		return err
	}
	var profile *archive.Profile
	orgName := "所有机关"
	if *org != "" {
		if profile, err = archive.NewProfiles(store).Get(ctx, *org); err != nil {
			return err
		}
		orgName = fmt.Sprintf("%s（%s）", profile.Name, profile.ID)
	}
	cal, err := deadline.Load(ctx, store)
	if err != nil {
		return err
	}
	fig, err := stats.Annual(ctx, archive.NewDocuments(store), cal, *org, *year, asOf)
	if err != nil {
		return err
	}
	if *asJSON {
		if err := jsonOut(stdout).Encode(fig); err != nil {
			return err
		}
	} else {
		printFigures(stdout, fig, orgName)
	}
	for _, wh := range fig.Undated {
		fmt.Fprintf(stderr, "注意：%s 的成文日期无法识别，未计入统计\n", wh)
	}
	if data == nil {
		return nil
	}

	fig.Fill(data)
	// Messages about the report go to stderr when stdout carries JSON.
	msg := stdout
	if *asJSON {
		msg = stderr
	}
	if *issue {
		return issueReport(ctx, store, tpl, data, profile, *author, *out, *idxFlag, msg, stderr)
	}
	if profile != nil {
		data["机关代字"] = profile.DaiziFor(tpl.ID)
		if err := profile.Apply(tpl.ID, data); err != nil {
			return err
		}
	}
	doc, err := tpl.Render(ctx, data, render.Options{})
	if err != nil {
		return err
	}
	if err := writeFileAtomic(*out, doc); err != nil {
		return err
	}
	wh, _ := render.Wenhao(fmt.Sprint(data["机关代字"]), asIntArg(data["年份"]), asIntArg(data["序号"]))
	fmt.Fprintf(msg, "\n已生成年度报告草稿 %s（%d 字节）。草稿未分配文号：文中的发文字号 %s 取自数据，不是正式文号；正式发文请加 --issue。\n", *out, len(doc), wh)
	return nil
}

// reportData reads the 年度报告's data other than 统计: --data, or the
// template's example. A 报告年度 the data gives must be the year counted.
func reportData(tpl *templates.Template, path string, year int, stderr io.Writer) (map[string]any, error) {
	if path == "" {
		fmt.Fprintln(stderr, "注意：未给出 --data，年度报告除统计外的内容（总体情况、主要做法、存在问题、工作打算等）取自模板示例，请替换为本机关的内容")
		return maps.Clone(tpl.Example), nil
	}
	data, err := readData(path, os.Stdin)
	if err != nil {
		return nil, err
	}
	if y, ok := data["报告年度"]; ok && fmt.Sprint(y) != fmt.Sprint(year) {
		return nil, &usageError{fmt.Sprintf("数据文件 %s 的报告年度是 %v，与 --year %d 不一致", path, y, year)}
	}
	if _, ok := data["统计"]; ok {
		fmt.Fprintf(stderr, "注意：数据文件 %s 中的“统计”已由档案库的统计结果替换\n", path)
	}
	return data, nil
}

// issueReport issues the report with the office's profile, indexes it, and
// writes the issued .docx to out when given.
func issueReport(ctx context.Context, store archive.Store, tpl *templates.Template, data map[string]any, profile *archive.Profile,
	author, out, idxFlag string, stdout, stderr io.Writer) error {
	is := issuing.New(store)
	if idx, err := search.Open(indexDir(idxFlag)); err == nil {
		defer idx.Close()
		is.OnIssued = idx.PutIssued
	} else {
		fmt.Fprintf(stderr, "注意：检索索引暂不可用（%v）；文件照常发出，稍后运行 gongwen reindex 可补上\n", err)
	}
	data["机关代字"] = profile.DaiziFor(tpl.ID)
	res, err := is.Issue(ctx, issuing.Request{Template: tpl, Data: data, Author: author, Profile: profile})
	if err != nil {
		return err
	}
	r := res.Record
	fmt.Fprintf(stdout, "\n已发文：%s\n标题：%s\n文件编号：%s\n存储位置：%s/%s\n", r.Wenhao, r.Title, r.ID, store, r.Latest().Key)
	if res.Warning != "" {
		fmt.Fprintln(stderr, "注意："+res.Warning)
	}
	if out != "" {
		if err := writeFileAtomic(out, res.Content); err != nil {
			return fmt.Errorf("文件已发出并归存（%s），但未能写出副本：%w", r.Wenhao, err)
		}
		fmt.Fprintf(stdout, "副本：%s\n", out)
	}
	return nil
}

// asIntArg reads an int the data holds as int, int64, float64 or
// json.Number; 0 when it holds none.
func asIntArg(v any) int {
	switch x := v.(type) {
	case int:
		return x
	case int64:
		return int(x)
	case float64:
		return int(x)
	case json.Number:
		n, _ := x.Int64()
		return int(n)
	}
	return 0
}

// printFigures writes the figures as tab-separated tables.
func printFigures(w io.Writer, f *stats.Figures, orgName string) {
	fmt.Fprintf(w, "%d年度行政执法监督统计：%s；整改情况截至 %s\n", f.Year, orgName, f.AsOf)
	fmt.Fprintf(w, "\n制发公文 %d 件（成文日期在%d年、未作废、未被替代）\n", f.Issued, f.Year)
	if len(f.ByCategory) > 0 {
		fmt.Fprintln(w, "\n按类别：\n文书类别\t文种\t件数")
		for _, c := range f.ByCategory {
			fmt.Fprintf(w, "%s\t%s\t%d\n", c.Name, c.WenZhong, c.Count)
		}
	}
	fmt.Fprintln(w, "\n按月份：")
	var head, row strings.Builder
	head.WriteString("月份")
	row.WriteString("件数")
	for i, n := range f.ByMonth {
		fmt.Fprintf(&head, "\t%d", i+1)
		fmt.Fprintf(&row, "\t%d", n)
	}
	fmt.Fprintf(w, "%s\t合计\n%s\t%d\n", head.String(), row.String(), f.Issued)
	fmt.Fprintf(w, "\n监督的单位 %d 个", len(f.Units))
	if len(f.Units) > 0 {
		fmt.Fprintln(w, "：\n被监督单位\t件数")
		for _, u := range f.Units {
			fmt.Fprintf(w, "%s\t%d\n", u.Unit, u.Count)
		}
	} else {
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "\n指出的问题 %d 个（监督通知书“发现问题”和建议书“问题清单”的条数）\n", f.Problems)

	r := f.Rectification
	fmt.Fprintf(w, "\n整改（整改期限在%d年届满的监督通知书、建议书、决定书，截至 %s）：\n", f.Year, f.AsOf)
	fmt.Fprintf(w, "应整改\t%d\n按期整改\t%d\n逾期整改\t%d\n尚未整改\t%d（其中已逾期 %d，尚未到期 %d）\n", r.Due, r.OnTime, r.Late, r.Open, r.Overdue, r.NotYetDue)
	fmt.Fprintf(w, "整改按期率\t%s（按期整改 ÷（按期整改 + 逾期整改 + 已逾期未整改），保留一位小数）\n", r.RateText())
	var overdue, unknown []tracking.Item
	for _, it := range r.Items {
		switch it.State {
		case tracking.Overdue:
			overdue = append(overdue, it)
		case tracking.Unknown:
			unknown = append(unknown, it)
		}
	}
	if len(overdue) > 0 {
		fmt.Fprintln(w, "\n已逾期未整改：\n发文字号\t被监督单位\t到期日\t逾期天数")
		for _, it := range overdue {
			fmt.Fprintf(w, "%s\t%s\t%s\t%d\n", it.Wenhao, it.Unit, it.Due, -it.DaysLeft)
		}
	}
	if len(unknown) > 0 {
		fmt.Fprintf(w, "\n期限不明 %d 件（未计入以上各项，请核对整改期限或节假日安排）：\n发文字号\t被监督单位\t原因\n", len(unknown))
		for _, it := range unknown {
			fmt.Fprintf(w, "%s\t%s\t%s\n", it.Wenhao, it.Unit, it.Problem)
		}
	}
}
