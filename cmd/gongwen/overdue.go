package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/gongwen/gongwen/archive"
	"github.com/gongwen/gongwen/deadline"
	"github.com/gongwen/gongwen/tracking"
)

func runOverdue(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("overdue", flag.ContinueOnError)
	fs.SetOutput(stderr)
	org := fs.String("org", "", "发文机关 ID（gongwen profile list）；不填则列出所有机关的文件")
	unit := fs.String("unit", "", "只看某一被监督单位（全称）")
	from := fs.String("from", "", "成文日期自（含），如 2026-01-01")
	to := fs.String("to", "", "成文日期至（含），如 2026-12-31")
	within := fs.Int("within", 7, "距到期日不超过几天的未答复文件列为“即将到期”")
	todayArg := fs.String("today", "", "按哪一天判断（默认今天，北京时间）")
	asJSON := fs.Bool("json", false, "以 JSON 输出")
	sf := addStoreFlags(fs)
	err := parseFlagsOnly(fs, args)
	if err != nil {
		return err
	}
	q := tracking.Query{Org: *org, Unit: strings.TrimSpace(*unit), Within: *within}
	for _, f := range []struct {
		name, value string
		dst         *deadline.Date
	}{{"--from", *from, &q.From}, {"--to", *to, &q.To}, {"--today", *todayArg, &q.Today}} {
		if f.value == "" {
			continue
		}
		if *f.dst, err = deadline.ParseDate(f.value); err != nil {
			return &usageError{f.name + "：" + err.Error()}
		}
	}
	if !q.From.IsZero() && !q.To.IsZero() && q.To.Before(q.From) {
		return &usageError{fmt.Sprintf("--to %s 早于 --from %s", q.To, q.From)}
	}
	if *within < 0 {
		return &usageError{"--within 不能为负数"}
	}
	store, err := sf.open(ctx)
	if err != nil {
		return err
	}
	orgName := ""
	if q.Org != "" {
		p, err := archive.NewProfiles(store).Get(ctx, q.Org)
		if err != nil {
			return err
		}
		orgName = p.Name
	}
	cal, err := deadline.Load(ctx, store)
	if err != nil {
		return err
	}
	rep, err := tracking.List(ctx, archive.NewDocuments(store), cal, q)
	if err != nil {
		return err
	}
	if *asJSON {
		return jsonOut(stdout).Encode(rep)
	}
	printOverdue(stdout, rep, orgName)
	return nil
}

// printOverdue writes the report grouped by state, one document a line,
// tab-separated, then the counts.
func printOverdue(w io.Writer, rep *tracking.Report, orgName string) {
	q := rep.Query
	scope := "所有机关"
	if q.Org != "" {
		scope = fmt.Sprintf("%s（%s）", orgName, q.Org)
	}
	if q.Unit != "" {
		scope += "，被监督单位：" + q.Unit
	}
	switch {
	case !q.From.IsZero() && !q.To.IsZero():
		scope += fmt.Sprintf("，成文日期 %s 至 %s", q.From, q.To)
	case !q.From.IsZero():
		scope += fmt.Sprintf("，成文日期 %s 起", q.From)
	case !q.To.IsZero():
		scope += fmt.Sprintf("，成文日期至 %s", q.To)
	}
	fmt.Fprintf(w, "督办：%s；截至 %s\n", scope, rep.Today)
	if len(rep.Items) == 0 {
		fmt.Fprintln(w, "\n没有需要督办的监督通知书、建议书或决定书。")
		return
	}
	i := 0
	for _, s := range tracking.States() {
		n := rep.Counts.Of(s)
		if n == 0 {
			continue
		}
		fmt.Fprintf(w, "\n【%s】%d 件\n", s.Label(), n)
		fmt.Fprintln(w, "发文字号\t被监督单位\t成文日期\t整改期限\t起算\t到期日\t情况")
		for ; i < len(rep.Items) && rep.Items[i].State == s; i++ {
			fmt.Fprintln(w, overdueLine(&rep.Items[i]))
		}
	}
	c := rep.Counts
	fmt.Fprintf(w, "\n合计 %d 件：已逾期 %d，即将到期 %d（%d 天内），未到期 %d，逾期答复 %d，按期答复 %d", c.Total,
		c.Overdue, c.DueSoon, q.Within, c.Open, c.Late, c.OnTime)
	if c.Unknown > 0 {
		fmt.Fprintf(w, "，期限不明 %d", c.Unknown)
	}
	fmt.Fprintln(w, "。")
	fmt.Fprintln(w, "起算日：已登记送达日期的按送达日期（gongwen received），否则按印发日期，再否则按成文日期。")
}

// overdueLine is one document of the report.
func overdueLine(it *tracking.Item) string {
	rule := it.Rule
	if rule == "" {
		rule = "“" + it.Term + "”"
	}
	start := "—"
	if !it.Start.IsZero() {
		start = fmt.Sprintf("%s（%s）", it.Start, it.StartFrom)
	}
	due := it.Due.String()
	if due == "" {
		due = "—"
	}
	var detail string
	switch it.State {
	case tracking.Overdue:
		detail = fmt.Sprintf("逾期 %d 天，未收到整改情况报告", -it.DaysLeft)
	case tracking.DueSoon, tracking.Open:
		if it.DaysLeft == 0 {
			detail = "今天到期"
		} else {
			detail = fmt.Sprintf("还剩 %d 天", it.DaysLeft)
		}
	case tracking.OnTime, tracking.Late:
		a := it.Answers[0]
		detail = fmt.Sprintf("%s 于 %s（%s）答复", a.Wenhao, a.Date, a.From)
		if it.State == tracking.Late {
			detail += fmt.Sprintf("，逾期 %d 天", it.DaysLate)
		}
		if len(it.Answers) > 1 {
			detail += fmt.Sprintf("；另有 %d 份答复", len(it.Answers)-1)
		}
	case tracking.Unknown:
		detail = it.Problem
	}
	if it.DueNote != "" {
		detail += "；" + it.DueNote
	}
	return strings.Join([]string{it.Wenhao, it.Unit, it.Date.String(), rule, start, due, detail}, "\t")
}
