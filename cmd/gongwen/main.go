// Command gongwen generates, archives and finds numbered official documents
// (公文) for the offices that supervise administrative law enforcement.
//
// Usage:
//
//	gongwen render --template 监督通知书 --data notice.json --out notice.docx
//	gongwen templates [--json]
//	gongwen template check T.docx [--json]
//	gongwen text FILE.docx
//	gongwen export --query "限期整改 年度:2026" --out bundle.zip
//	gongwen verify-bundle bundle.zip
//
// Each subcommand parses its flags and calls the packages that do the work;
// none holds business logic of its own.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// exitUsage is the exit status for a command line that cannot be run.
const exitUsage = 2

// usageError marks errors in how the command was called.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"serve", "启动网页服务与 API（默认 127.0.0.1:8080，存储 ./data）", runServe},
		{"render", "用模板和数据生成公文 .docx", runRender},
		{"templates", "列出内置模板及其字段（--json 供脚本使用）", runTemplates},
		{"template", "模板工具：template check T.docx 检查模板错误并列出变量", runTemplate},
		{"text", "提取 .docx 的正文文本", runText},
		{"issue", "分配文号、生成并归存公文（默认存于 ./data，或 S3）", runIssue},
		{"import", "导入以往的公文（.docx、.txt 文件或目录）：提取元数据、登记文号并存档；--dry-run 只列出", runImport},
		{"numbers", "查看文号登记（--prefix 乌司发 --year 2026），预留或作废文号", runNumbers},
		{"revise", "更正：保存文件的新版本，文号不变，旧版本保留", runRevise},
		{"file", "归档：file --wenhao 乌司发〔2026〕48号 --retention 10年 --profile 机关ID", runFile},
		{"profile", "发文机关信息：profile set 机关.json | list | show ID", runProfile},
		{"search", "全文检索：search 案卷评查 [--year 2023] [--type 通知] [--json]", runSearch},
		{"reindex", "从存储重建检索索引", runReindex},
		{"verify", "重新计算每个版本的哈希，核对记录、内容与文号登记", runVerify},
		{"user", "用户管理：user add 用户名 --role 起草人 --org 机关ID | list | set | passwd | disable | enable", runUser},
		{"audit", "审计日志：audit [--from 日期 --to 日期 --actor 用户 --action 操作 --json]", runAudit},
		{"overdue", "督办：overdue [--org 机关ID] [--unit 被监督单位] [--from D --to D] [--within 7] 列出整改期限与答复情况", runOverdue},
		{"received", "登记送达日期：received --wenhao 乌司发〔2026〕48号 --date 2026-03-06", runReceived},
		{"calendar", "节假日安排：calendar show [年份] | set 年份.json", runCalendar},
		{"export", "导出评查文件包（BagIt zip）：export --query 检索式 --out bundle.zip", runExport},
		{"verify-bundle", "校验文件包：是否完整、每个文件的摘要是否一致", runVerifyBundle},
		{"annual", "年度统计：annual --org 机关ID --year 2025 [--json]；--out 报告.docx 生成年度报告（--issue 正式发文）", runAnnual},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// run executes one command line and returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		printUsage(stdout)
		return 0
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, args[1:], stdout, stderr)
		if err == nil {
			return 0
		}
		var ue *usageError
		if errors.As(err, &ue) {
			fmt.Fprintf(stderr, "gongwen %s：%v\n（gongwen %s -h 查看用法）\n", c.name, err, c.name)
			return exitUsage
		}
		var pe *problemsError
		if errors.As(err, &pe) {
			return 1
		}
		fmt.Fprintf(stderr, "gongwen %s：%v\n", c.name, err)
		return 1
	}
	fmt.Fprintf(stderr, "gongwen：未知的命令“%s”\n", args[0])
	printUsage(stderr)
	return exitUsage
}

// problemsError means the command already printed the problems it found
// and only needs a failing exit status.
type problemsError struct{}

func (*problemsError) Error() string { return "发现问题" }

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "gongwen — 行政执法监督公文的生成、归档与检索")
	fmt.Fprintln(w, "\n用法：gongwen <命令> [参数]\n\n命令：")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-13s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\n示例：\n  gongwen render --template 监督通知书 --example --out 监督通知书.docx\n  gongwen render --template 监督通知书 --data notice.json --out notice.docx")
}
