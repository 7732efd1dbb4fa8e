package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/gongwen/gongwen/archive"
	"github.com/gongwen/gongwen/audit"
	"github.com/gongwen/gongwen/auth"
)

// cliActor names whoever runs the command line in the audit log: the
// operating-system user, since the command line signs in as nobody.
func cliActor() string { return "cli:" + currentUser() }

// cliAudit records what a command did. done says what already happened,
// so that when the event cannot be written the user knows the change
// itself stands.
func cliAudit(ctx context.Context, store archive.Store, action, target, detail, done string) error {
	err := audit.NewLog(store).Append(ctx, &audit.Event{Actor: cliActor(), Action: action, Target: target,
		Detail: detail, Remote: "命令行"})
	if err != nil {
		return fmt.Errorf("%s，但审计事件未能写入：%w", done, err)
	}
	return nil
}

// parseDay reads a --from/--to value: a date (the whole day, local time)
// or an RFC 3339 time. end selects the last instant of a date.
func parseDay(flagName, v string, end bool) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	d, err := time.ParseInLocation("2006-01-02", v, time.Local)
	if err != nil {
		return time.Time{}, &usageError{fmt.Sprintf("--%s “%s” 应为日期 YYYY-MM-DD（或 RFC 3339 时间，如 2026-03-05T09:00:00+08:00）", flagName, v)}
	}
	if end {
		d = d.AddDate(0, 0, 1).Add(-time.Nanosecond)
	}
	return d, nil
}

func runAudit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("audit", flag.ContinueOnError)
	fs.SetOutput(stderr)
	from := fs.String("from", "", "起始日期 YYYY-MM-DD（含）")
	to := fs.String("to", "", "截止日期 YYYY-MM-DD（含）")
	actor := fs.String("actor", "", "操作人（用户名）")
	action := fs.String("action", "", "操作，如 login、发文、登录失败、拒绝访问")
	target := fs.String("target", "", "对象：文件编号、发文字号或用户名")
	outcome := fs.String("outcome", "", "结果：ok（成功）、refused（被拒绝）、failed（失败）")
	limit := fs.Int("limit", 100, fmt.Sprintf("最多显示多少条（至多 %d）", audit.MaxLimit))
	before := fs.String("before", "", "翻页：只显示比此事件编号更早的事件")
	asJSON := fs.Bool("json", false, "以 JSON 输出：{\"events\": […], \"next\": 下一页游标}")
	sf := addStoreFlags(fs)
	err := parseFlagsOnly(fs, args)
	if err != nil {
		return err
	}
	f := audit.Filter{Actor: strings.TrimSpace(*actor), Target: strings.TrimSpace(*target), Limit: *limit, Before: *before}
	if f.From, err = parseDay("from", *from, false); err != nil {
		return err
	}
	if f.To, err = parseDay("to", *to, true); err != nil {
		return err
	}
	if !f.From.IsZero() && !f.To.IsZero() && f.To.Before(f.From) {
		return &usageError{fmt.Sprintf("--from %s 晚于 --to %s", *from, *to)}
	}
	if *action != "" {
		if f.Action, err = audit.ParseAction(*action); err != nil {
			return &usageError{err.Error()}
		}
	}
	switch o := strings.TrimSpace(*outcome); o {
	case "", audit.OutcomeOK, audit.OutcomeRefused, audit.OutcomeFailed:
		f.Outcome = o
	case "成功", "被拒绝", "失败":
		f.Outcome = map[string]string{"成功": audit.OutcomeOK, "被拒绝": audit.OutcomeRefused, "失败": audit.OutcomeFailed}[o]
	default:
		return &usageError{fmt.Sprintf("--outcome “%s” 应为 ok、refused 或 failed", o)}
	}
	if *limit < 1 || *limit > audit.MaxLimit {
		return &usageError{fmt.Sprintf("--limit 应在 1 到 %d 之间", audit.MaxLimit)}
	}
	store, err := sf.open(ctx)
	if err != nil {
		return err
	}
	events, next, err := audit.NewLog(store).Query(ctx, f)
	if err != nil {
		return err
	}
	if *asJSON {
		if events == nil {
			events = []*audit.Event{}
		}
		return jsonOut(stdout).Encode(struct {
			Events []*audit.Event `json:"events"`
			Next   string         `json:"next,omitempty"`
		}{events, next})
	}
	if len(events) == 0 {
		fmt.Fprintln(stdout, "没有符合条件的审计事件")
		return nil
	}
	fmt.Fprintln(stdout, "时间\t操作人\t操作\t对象\t结果\t来源\t说明")
	for _, e := range events {
		who := e.Actor
		if who == "" {
			who = "（匿名）"
		}
		if e.Role != "" || e.Org != "" {
			var p []string
			if e.Role != "" {
				p = append(p, auth.Role(e.Role).Label())
			}
			if e.Org != "" {
				p = append(p, e.Org)
			}
			who += "（" + strings.Join(p, "，") + "）"
		}
		fmt.Fprintf(stdout, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", e.Time.Local().Format("2006-01-02 15:04:05"), who,
			audit.ActionLabel(e.Action), dash(e.Target), audit.OutcomeLabel(e.Outcome), dash(e.Remote), oneLine(e.Detail))
	}
	if next != "" {
		fmt.Fprintf(stdout, "\n共显示 %d 条；更早的事件：加上 --before %s\n", len(events), next)
	}
	return nil
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// oneLine keeps a table row on one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
