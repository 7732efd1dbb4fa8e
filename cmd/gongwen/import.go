package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gongwen/gongwen/importer"
	"github.com/gongwen/gongwen/search"
	"golang.org/x/text/width"
)

// importExts are the extensions a folder is searched for: the formats
// import reads, and those it refuses with advice (so that a folder's old
// .doc files are reported, not silently passed over).
var importExts = map[string]bool{".docx": true, ".txt": true, ".doc": true, ".wps": true, ".rtf": true, ".odt": true, ".pdf": true, ".ofd": true}

func runImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dryRun := fs.Bool("dry-run", false, "只读取并列出提取的元数据（表格；加 --json 为 JSON），不写入存档")
	asJSON := fs.Bool("json", false, "以 JSON 输出每个文件的结果和提取的元数据")
	profileID := fs.String("profile", "", "这些文件所属的机关（gongwen profile list）")
	allowNoNumber := fs.Bool("allow-no-number", false, "没有发文字号的文件也导入（不登记文号）；默认列为失败")
	author := fs.String("author", currentUser(), "导入人")
	idxFlag := addIndexFlag(fs)
	sf := addStoreFlags(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return &usageError{"用法：gongwen import 文件或目录… [--dry-run] [--json] [--profile 机关ID] [--allow-no-number]"}
	}
	files, skipped, err := importFiles(pos)
	if err != nil {
		return err
	}
	store, err := sf.open(ctx)
	if err != nil {
		return err
	}
	opts := importer.Options{DryRun: *dryRun, Org: *profileID, By: *author, AllowNoNumber: *allowNoNumber,
		Progress: progressBar(stderr, "导入")}
	if !*dryRun {
		if idx, err := search.Open(indexDir(*idxFlag)); err == nil {
			defer idx.Close()
			opts.OnImported = idx.PutIssued
		} else {
			fmt.Fprintf(stderr, "注意：检索索引暂不可用（%v）；文件照常导入，稍后运行 gongwen reindex 可补上\n", err)
		}
	}
	start := time.Now()
	sum, err := importer.New(store).Import(ctx, files, opts)
	if sum == nil {
		return err
	}
	switch {
	case *asJSON:
		if jerr := jsonOut(stdout).Encode(sum); jerr != nil {
			return jerr
		}
	case *dryRun:
		printImportTable(stdout, sum)
	default:
		printImportLog(stdout, sum)
	}
	if !*asJSON {
		printImportSummary(stdout, sum, skipped, time.Since(start))
	}
	if err != nil {
		return err
	}
	if sum.Failed > 0 {
		return &problemsError{}
	}
	return nil
}

// importFiles lists the files named on the command line, searching
// folders (and their subfolders) for documents. It returns how many other
// files the folders held.
func importFiles(args []string) ([]importer.File, int, error) {
	var files []importer.File
	skipped := 0
	add := func(path string) {
		files = append(files, importer.File{Name: path, Read: func() ([]byte, error) { return readImportFile(path) }})
	}
	for _, arg := range args {
		st, err := os.Stat(arg)
		if err != nil {
			return nil, 0, fmt.Errorf("找不到要导入的文件或目录 %s", arg)
		}
		if !st.IsDir() {
			add(arg)
			continue
		}
		before := len(files)
		err = filepath.WalkDir(arg, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return fmt.Errorf("无法读取目录 %s：%w", path, err)
			}
			name := d.Name()
			if path != arg && strings.HasPrefix(name, ".") {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				return nil
			}
			// ~$通知.docx is the lock file Word keeps beside an open document.
			if !d.Type().IsRegular() || strings.HasPrefix(name, "~$") || !importExts[strings.ToLower(filepath.Ext(name))] {
				skipped++
				return nil
			}
			add(path)
			return nil
		})
		if err != nil {
			return nil, 0, err
		}
		if len(files) == before {
			return nil, 0, fmt.Errorf("目录 %s 中没有 .docx 或 .txt 文件", arg)
		}
	}
	return files, skipped, nil
}

func readImportFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, importer.MaxFileBytes+1))
	if err != nil {
		return nil, err
	}
	return b, nil
}

var importStatusLabel = map[string]string{
	importer.StatusImported: "已导入", importer.StatusReady: "将导入", importer.StatusDuplicate: "重复", importer.StatusFailed: "失败",
}

// printImportTable prints what a dry run read off each file, one row a
// file, and under the table what needs a person's eye.
func printImportTable(w io.Writer, sum *importer.Summary) {
	head := []string{"#", "文件", "发文字号", "标题", "发文机关", "成文日期", "签发人", "主送机关", "文种", "结果"}
	rows := [][]string{head}
	for i, r := range sum.Results {
		row := []string{fmt.Sprint(i + 1), r.File, "", "", "", "", "", "", "", importStatusLabel[r.Status]}
		if m := r.Metadata; m != nil {
			row[2], row[3], row[4], row[5], row[6], row[7], row[8] = dash(m.Wenhao), m.Title, dash(m.Issuer), dash(m.Date), dash(m.Signer), dash(clipWidth(m.MainTo, 40)), dash(m.WenZhong)
		}
		rows = append(rows, row)
	}
	writeTable(w, rows)
	printImportDetails(w, sum, false)
}

// printImportLog prints one line a file after an import.
func printImportLog(w io.Writer, sum *importer.Summary) {
	for _, r := range sum.Results {
		switch r.Status {
		case importer.StatusImported:
			rec := r.Record
			fmt.Fprintf(w, "已导入  %s → %s《%s》（文件编号 %s）\n", r.File, dash(rec.Wenhao), rec.Title, rec.ID)
		default:
			fmt.Fprintf(w, "%s  %s → %s\n", padWidth(importStatusLabel[r.Status], 6), r.File, r.Reason)
		}
	}
	printImportDetails(w, sum, true)
}

// printImportDetails lists, file by file, the warnings of extraction and
// the notes of the import (and, for a dry run, what a file duplicates;
// failures are listed with the summary).
func printImportDetails(w io.Writer, sum *importer.Summary, importedOnly bool) {
	first := true
	for i, r := range sum.Results {
		var lines []string
		if !importedOnly && r.Status == importer.StatusDuplicate {
			lines = append(lines, r.Reason)
		}
		if r.Metadata != nil && (r.Status == importer.StatusImported || r.Status == importer.StatusReady) {
			lines = append(lines, r.Metadata.Warnings...)
		}
		lines = append(lines, r.Notes...)
		if len(lines) == 0 {
			continue
		}
		if first {
			fmt.Fprintln(w, "\n请核对：")
			first = false
		}
		fmt.Fprintf(w, "[%d] %s\n", i+1, r.File)
		for _, l := range lines {
			fmt.Fprintf(w, "    %s\n", l)
		}
	}
}

// printImportSummary prints the counts and every failure with its reason.
func printImportSummary(w io.Writer, sum *importer.Summary, skipped int, took time.Duration) {
	fmt.Fprintln(w)
	if sum.DryRun {
		fmt.Fprintf(w, "试运行（未写入）：将导入 %d 份，重复 %d 份，失败 %d 份", sum.Ready, sum.Duplicates, sum.Failed)
	} else {
		fmt.Fprintf(w, "导入完成：导入 %d 份，重复 %d 份（未重复存档），失败 %d 份，用时 %.1f 秒", sum.Imported, sum.Duplicates, sum.Failed, took.Seconds())
	}
	if skipped > 0 {
		fmt.Fprintf(w, "；目录中另有 %d 个非文档文件未处理", skipped)
	}
	fmt.Fprintln(w)
	if sum.Failed == 0 {
		return
	}
	fmt.Fprintln(w, "失败的文件：")
	for _, r := range sum.Results {
		if r.Status == importer.StatusFailed {
			fmt.Fprintf(w, "  %s：%s\n", r.File, r.Reason)
		}
	}
}

// displayWidth is how many terminal columns s takes: two for each wide
// (CJK) or full-width character.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}

func padWidth(s string, cols int) string {
	if d := cols - displayWidth(s); d > 0 {
		return s + strings.Repeat(" ", d)
	}
	return s
}

// clipWidth shortens s to at most cols columns with an ellipsis.
func clipWidth(s string, cols int) string {
	if displayWidth(s) <= cols {
		return s
	}
	var b strings.Builder
	n := 0
	for _, r := range s {
		rw := displayWidth(string(r))
		if n+rw > cols-2 {
			break
		}
		b.WriteRune(r)
		n += rw
	}
	return b.String() + "…"
}

// writeTable prints rows in columns aligned by display width.
func writeTable(w io.Writer, rows [][]string) {
	widths := make([]int, len(rows[0]))
	for _, row := range rows {
		for i, c := range row {
			widths[i] = max(widths[i], displayWidth(c))
		}
	}
	for _, row := range rows {
		var b strings.Builder
		for i, c := range row {
			if i == len(row)-1 {
				b.WriteString(c)
				break
			}
			b.WriteString(padWidth(c, widths[i]+2))
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
}
