package main

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gongwen/gongwen/archive"
	"github.com/gongwen/gongwen/audit"
	"github.com/gongwen/gongwen/auth"
)

// withStdin runs fn with standard input reading text.
func withStdin(t *testing.T, text string, fn func()) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "stdin")
	os.WriteFile(p, []byte(text), 0o600)
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	old := os.Stdin
	os.Stdin = f
	defer func() { os.Stdin = old }()
	fn()
}

// TestUserCommands walks an administrator through the user commands on the
// embedded file store, and checks each against what a login would see.
func TestUserCommands(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	prof := filepath.Join(dir, "office.json")
	os.WriteFile(prof, []byte(`{"id": "wlmq-sfj", "名称": "乌鲁木齐市司法局", "发文机关标志": "乌鲁木齐市司法局文件",
		"机关代字": {"默认": "乌司发"}, "印发机关": "乌鲁木齐市司法局办公室", "全宗号": "J012", "机构代码": "FZK"}`), 0o644)
	gw := func(args ...string) (int, string, string) {
		t.Helper()
		return gongwen(t, append(args, "--data-dir", data)...)
	}
	must := func(args ...string) string {
		t.Helper()
		code, out, errs := gw(args...)
		if code != 0 {
			t.Fatalf("gongwen %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errs)
		}
		return out
	}
	store, err := archive.OpenFileStore(data)
	if err != nil {
		t.Fatal(err)
	}
	users := auth.NewUsers(store)
	must("profile", "set", prof)

	if out := must("user", "list"); !strings.Contains(out, "还没有用户") {
		t.Errorf("empty list: %s", out)
	}
	out := must("user", "add", "zhangsan", "--role", "起草人", "--org", "wlmq-sfj", "--display", "张三", "--clearance", "秘密")
	m := regexp.MustCompile(`一次性密码（只显示这一次，首次登录后须修改）：(\S+)`).FindStringSubmatch(out)
	if m == nil || !strings.Contains(out, "已创建用户 张三（zhangsan）：角色 起草人，机关 wlmq-sfj，密级 秘密") {
		t.Fatalf("add: %s", out)
	}
	u, err := users.Authenticate(ctx, "zhangsan", m[1])
	if err != nil || !u.MustChangePassword || u.Role != auth.RoleDrafter || u.Clearance != "秘密" || u.DisplayName != "张三" {
		t.Fatalf("login with the printed password: %+v %v", u, err)
	}

	withStdin(t, "评查用的足够长的密码\n", func() {
		out = must("user", "add", "lisi", "--role", "evaluator", "--org", "wlmq-sfj", "--password-stdin",
			"--scope-unit", "某县公安局，某县市场监管局", "--scope-from", "2025-01-01", "--scope-to", "2025-12-31")
	})
	if strings.Contains(out, "一次性密码") {
		t.Errorf("a password from stdin was printed as one-time: %s", out)
	}
	u, err = users.Authenticate(ctx, "lisi", "评查用的足够长的密码")
	if err != nil || u.MustChangePassword || len(u.Scope.Units) != 2 || u.Scope.Units[1] != "某县市场监管局" || u.Scope.To != "2025-12-31" {
		t.Fatalf("evaluator from stdin: %+v %v", u, err)
	}
	withStdin(t, "an admin passphrase\n", func() { must("user", "add", "boss", "--role", "管理员", "--password-stdin") })

	// Refusals, each saying what is wrong.
	for _, c := range []struct {
		args  []string
		stdin string
		code  int
		want  string
	}{
		{[]string{"user", "add", "wangwu", "--org", "wlmq-sfj"}, "", 2, "缺少 --role"},
		{[]string{"user", "add", "wangwu", "--role", "领导", "--org", "wlmq-sfj"}, "", 2, "未知的角色“领导”"},
		{[]string{"user", "add", "wangwu", "--role", "档案员"}, "", 1, "档案员必须属于一个机关"},
		{[]string{"user", "add", "wangwu", "--role", "档案员", "--org", "nowhere"}, "", 1, "没有机关“nowhere”"},
		{[]string{"user", "add", "zhangsan", "--role", "档案员", "--org", "wlmq-sfj"}, "", 1, "用户名“zhangsan”已被使用"},
		{[]string{"user", "add", "wangwu", "--role", "档案员", "--org", "wlmq-sfj", "--password-stdin"}, "short\n", 1, "至少需要 10 个字符"},
		{[]string{"user", "add", "wangwu", "--role", "档案员", "--org", "wlmq-sfj", "--password-stdin"}, "\n", 2, "第一行为空"},
		{[]string{"user", "set", "nobody", "--clearance", "机密"}, "", 1, "没有用户“nobody”"},
		{[]string{"user", "set", "lisi"}, "", 2, "没有要修改的内容"},
		{[]string{"user", "frobnicate", "x"}, "", 2, "未知的子命令“frobnicate”"},
		{[]string{"user", "disable"}, "", 2, "用法"},
	} {
		withStdin(t, c.stdin, func() {
			code, _, errs := gw(c.args...)
			if code != c.code || !strings.Contains(errs, c.want) {
				t.Errorf("%v: exit %d, %q; want exit %d and %q", c.args, code, errs, c.code, c.want)
			}
		})
	}
	if _, err := users.Get(ctx, "wangwu"); !errors.Is(err, archive.ErrNotFound) {
		t.Errorf("a refused user was stored: %v", err)
	}

	out = must("user", "set", "lisi", "--clearance", "机密", "--scope-unit", "某县公安局")
	if u, _ := users.Get(ctx, "lisi"); u.Clearance != "机密" || len(u.Scope.Units) != 1 || u.Scope.From != "2025-01-01" {
		t.Errorf("set changed the wrong things: %+v", u)
	}
	out = must("user", "list")
	for _, want := range []string{"zhangsan\t张三\t起草人\twlmq-sfj\t秘密\t须修改密码", "lisi\t\t评查人\twlmq-sfj\t机密\t正常\t评查范围：被监督单位：某县公安局；成文日期：2025-01-01 至 2025-12-31", "boss\t\t管理员\t-\t非涉密\t正常"} {
		if !strings.Contains(out, want) {
			t.Errorf("list lacks %q:\n%s", want, out)
		}
	}
	out = must("user", "list", "--json")
	var listed []map[string]any
	if err := json.Unmarshal([]byte(out), &listed); err != nil || len(listed) != 3 {
		t.Fatalf("list --json: %v\n%s", err, out)
	}
	if strings.Contains(out, "argon2") {
		t.Error("list --json shows password hashes")
	}

	// Disabling signs the user out everywhere; enabling lets them back.
	sessions := auth.NewSessions(store, time.Hour)
	tok, _, _ := sessions.Create(ctx, "lisi", "10.0.0.7")
	out = must("user", "disable", "lisi")
	if !strings.Contains(out, "已停用用户 lisi") || !strings.Contains(out, "已结束其 1 个登录会话") {
		t.Errorf("disable: %s", out)
	}
	if _, err := sessions.Lookup(ctx, tok); err != auth.ErrNoSession {
		t.Errorf("session of a disabled user: %v", err)
	}
	if _, err := users.Authenticate(ctx, "lisi", "评查用的足够长的密码"); err != auth.ErrDisabled {
		t.Errorf("login when disabled: %v", err)
	}
	must("user", "enable", "lisi")
	if _, err := users.Authenticate(ctx, "lisi", "评查用的足够长的密码"); err != nil {
		t.Errorf("login when enabled again: %v", err)
	}
	code, _, errs := gw("user", "disable", "boss")
	if code != 1 || !strings.Contains(errs, "最后一个可用的管理员") {
		t.Errorf("disable the last admin: exit %d %s", code, errs)
	}

	// passwd: a new one-time password, or one from stdin.
	out = must("user", "passwd", "zhangsan")
	m = regexp.MustCompile(`一次性密码（只显示这一次，登录后须修改）：(\S+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("passwd: %s", out)
	}
	if _, err := users.Authenticate(ctx, "zhangsan", m[1]); err != nil {
		t.Errorf("login with the reset password: %v", err)
	}
	withStdin(t, "zhangsan's new pass\n", func() {
		if code, _, errs := gw("user", "passwd", "zhangsan", "--password-stdin"); code != 1 || !strings.Contains(errs, "不能包含用户名") {
			t.Errorf("a password containing the user name: exit %d %s", code, errs)
		}
	})
	withStdin(t, "a brand new passphrase\r\n", func() { must("user", "passwd", "zhangsan", "--password-stdin") })
	if u, err := users.Authenticate(ctx, "zhangsan", "a brand new passphrase"); err != nil || u.MustChangePassword {
		t.Errorf("login with the password from stdin: %v", err)
	}

	// Every change is in the audit trail, newest first.
	out = must("audit", "--actor", cliActor(), "--action", "用户变更")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 7 || !strings.HasPrefix(lines[0], "时间\t操作人") || !strings.Contains(lines[1], "用户变更\tlisi\t成功\t命令行\t启用用户") ||
		!strings.Contains(lines[len(lines)-1], "创建用户：角色 起草人，机关 wlmq-sfj，密级 秘密") {
		t.Errorf("audit of user changes:\n%s", out)
	}
}

// TestAuditCommand pages through and filters a trail written over several
// days.
func TestAuditCommand(t *testing.T) {
	ctx := context.Background()
	data := filepath.Join(t.TempDir(), "data")
	store, err := archive.OpenFileStore(data)
	if err != nil {
		t.Fatal(err)
	}
	log := audit.NewLog(store)
	day := func(d, h int) time.Time { return time.Date(2026, 3, d, h, 0, 0, 0, time.Local) }
	for _, e := range []*audit.Event{
		{Time: day(1, 9), Actor: "zhangsan", Role: "drafter", Org: "wlmq-sfj", Action: audit.ActionLogin, Remote: "10.0.0.7"},
		{Time: day(1, 10), Actor: "zhangsan", Role: "drafter", Org: "wlmq-sfj", Action: audit.ActionIssue, Target: "乌司发〔2026〕1号"},
		{Time: day(2, 9), Actor: "", Action: audit.ActionLoginFailed, Target: "lisi", Outcome: audit.OutcomeFailed, Remote: "10.0.0.9"},
		{Time: day(3, 9), Actor: "lisi", Role: "evaluator", Action: audit.ActionRefused, Target: "乌司发〔2026〕1号", Outcome: audit.OutcomeRefused, Detail: "评查范围\n之外"},
		{Time: day(3, 11), Actor: "lisi", Role: "evaluator", Action: audit.ActionDownload, Target: "乌司发〔2026〕2号"},
	} {
		if err := log.Append(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	gw := func(args ...string) (int, string, string) { return gongwen(t, append(args, "--data-dir", data)...) }

	code, out, errs := gw("audit")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 6 || !strings.HasPrefix(lines[1], "2026-03-03 11:00:00\tlisi（评查人）\t下载\t乌司发〔2026〕2号\t成功") ||
		!strings.Contains(lines[2], "拒绝访问\t乌司发〔2026〕1号\t被拒绝\t-\t评查范围 之外") ||
		!strings.Contains(lines[3], "（匿名）\t登录失败\tlisi\t失败\t10.0.0.9") ||
		!strings.Contains(lines[5], "zhangsan（起草人，wlmq-sfj）\t登录") {
		t.Errorf("audit: exit %d %s\n%s", code, errs, out)
	}
	if _, out, _ := gw("audit", "--from", "2026-03-02", "--to", "2026-03-02"); strings.Count(out, "\n") != 2 || !strings.Contains(out, "登录失败") {
		t.Errorf("one day:\n%s", out)
	}
	if _, out, _ := gw("audit", "--action", "refused", "--outcome", "被拒绝"); strings.Count(out, "\n") != 2 {
		t.Errorf("refusals:\n%s", out)
	}
	if _, out, _ := gw("audit", "--target", "乌司发〔2026〕1号", "--actor", "zhangsan"); strings.Count(out, "\n") != 2 || !strings.Contains(out, "发文") {
		t.Errorf("a document's events by one user:\n%s", out)
	}
	if _, out, _ := gw("audit", "--actor", "nobody"); !strings.Contains(out, "没有符合条件的审计事件") {
		t.Errorf("no match: %s", out)
	}

	// Paging with --limit and --before, in JSON.
	var all []*audit.Event
	before := ""
	for pages := 0; pages < 10; pages++ {
		args := []string{"audit", "--limit", "2", "--json"}
		if before != "" {
			args = append(args, "--before", before)
		}
		code, out, errs := gw(args...)
		var page struct {
			Events []*audit.Event `json:"events"`
			Next   string         `json:"next"`
		}
		if code != 0 || json.Unmarshal([]byte(out), &page) != nil {
			t.Fatalf("page: exit %d %s %s", code, out, errs)
		}
		all = append(all, page.Events...)
		if page.Next == "" {
			break
		}
		before = page.Next
	}
	if len(all) != 5 || all[0].Action != audit.ActionDownload || all[4].Action != audit.ActionLogin {
		t.Errorf("paged JSON: %d events", len(all))
	}
	if _, out, _ := gw("audit", "--limit", "2"); !strings.Contains(out, "更早的事件：加上 --before ") {
		t.Errorf("no hint for the next page:\n%s", out)
	}

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"audit", "--from", "3月1日"}, "应为日期 YYYY-MM-DD"},
		{[]string{"audit", "--from", "2026-03-05", "--to", "2026-03-01"}, "晚于"},
		{[]string{"audit", "--action", "飞行"}, "未知的操作“飞行”"},
		{[]string{"audit", "--outcome", "maybe"}, "应为 ok、refused 或 failed"},
		{[]string{"audit", "--limit", "0"}, "--limit 应在 1 到 1000 之间"},
		{[]string{"audit", "extra"}, "多余的参数"},
	} {
		if code, _, errs := gw(c.args...); code != exitUsage || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d %q", c.args, code, errs)
		}
	}
	if code, _, errs := gw("audit", "--before", "bogus"); code != 1 || !strings.Contains(errs, "游标无效") {
		t.Errorf("bad cursor: exit %d %q", code, errs)
	}
}
