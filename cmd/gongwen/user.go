package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/gongwen/gongwen/archive"
	"github.com/gongwen/gongwen/audit"
	"github.com/gongwen/gongwen/auth"
)

const userUsage = `用法：
  gongwen user add 用户名 --role 起草人 --org 机关ID [--display 姓名] [--clearance 秘密] [--password-stdin]
      评查人另可用 --scope-org ID,ID --scope-unit 单位,单位 --scope-from 2025-01-01 --scope-to 2025-12-31
  gongwen user set 用户名 [--role …] [--org …] [--display …] [--clearance …] [--scope-…]
  gongwen user list [--json]
  gongwen user passwd 用户名 [--password-stdin]
  gongwen user disable 用户名 | enable 用户名`

// userFlags are the particulars add and set take.
type userFlags struct {
	role, org, display, clearance *string
	scopeOrgs, scopeUnits         *string
	scopeFrom, scopeTo            *string
	fs                            *flag.FlagSet
}

func addUserFlags(fs *flag.FlagSet) *userFlags {
	return &userFlags{
		fs:         fs,
		role:       fs.String("role", "", "角色：起草人、档案员、评查人、管理员（或 drafter、archivist、evaluator、admin）"),
		org:        fs.String("org", "", "所属机关的 ID（gongwen profile list）；管理员可不填"),
		display:    fs.String("display", "", "姓名"),
		clearance:  fs.String("clearance", "", "可查看的最高密级：秘密、机密、绝密（不填则只能看非涉密文件）"),
		scopeOrgs:  fs.String("scope-org", "", "评查人：可查看哪些机关的文件（机关 ID，逗号分隔；不填则不限）"),
		scopeUnits: fs.String("scope-unit", "", "评查人：可查看哪些被监督单位的文件（逗号分隔；不填则不限）"),
		scopeFrom:  fs.String("scope-from", "", "评查人：成文日期起（YYYY-MM-DD）"),
		scopeTo:    fs.String("scope-to", "", "评查人：成文日期止（YYYY-MM-DD）"),
	}
}

// userFlagNames are the flags addUserFlags defines.
var userFlagNames = []string{"role", "org", "display", "clearance", "scope-org", "scope-unit", "scope-from", "scope-to"}

// given records which of the user flags were on the command line (after
// parsing).
func (f *userFlags) given() map[string]bool {
	m := map[string]bool{}
	f.fs.Visit(func(fl *flag.Flag) {
		if slices.Contains(userFlagNames, fl.Name) {
			m[fl.Name] = true
		}
	})
	return m
}

// splitList splits a list typed with commas (either width) or 、.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '，' || r == '、' }) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// apply writes the given flags into u.
func (f *userFlags) apply(u *auth.User) error {
	g := f.given()
	if g["role"] {
		r, err := auth.ParseRole(*f.role)
		if err != nil {
			return &usageError{err.Error()}
		}
		u.Role = r
	}
	if g["org"] {
		u.Org = *f.org
	}
	if g["display"] {
		u.DisplayName = *f.display
	}
	if g["clearance"] {
		u.Clearance = *f.clearance
	}
	if g["scope-org"] {
		u.Scope.Orgs = splitList(*f.scopeOrgs)
	}
	if g["scope-unit"] {
		u.Scope.Units = splitList(*f.scopeUnits)
	}
	if g["scope-from"] {
		u.Scope.From = strings.TrimSpace(*f.scopeFrom)
	}
	if g["scope-to"] {
		u.Scope.To = strings.TrimSpace(*f.scopeTo)
	}
	return nil
}

// readPassword reads a password from the first line of r (for
// --password-stdin: `echo "$PW" | gongwen user add …`).
func readPassword(r io.Reader) (string, error) {
	line, err := bufio.NewReader(io.LimitReader(r, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("无法从标准输入读取密码：%w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", &usageError{"--password-stdin：标准输入的第一行为空，没有读到密码"}
	}
	return line, nil
}

// describeUser is the one-line description used in the audit log.
func describeUser(u *auth.User) string {
	parts := []string{"角色 " + u.Role.Label()}
	if u.Org != "" {
		parts = append(parts, "机关 "+u.Org)
	}
	if u.Clearance != "" {
		parts = append(parts, "密级 "+u.Clearance)
	}
	if u.Role == auth.RoleEvaluator {
		parts = append(parts, "评查范围 "+u.Scope.String())
	}
	if u.Disabled {
		parts = append(parts, "已停用")
	}
	return strings.Join(parts, "，")
}

func userStatus(u *auth.User) string {
	switch {
	case u.Disabled:
		return "已停用"
	case u.MustChangePassword:
		return "须修改密码"
	}
	return "正常"
}

func runUser(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		return &usageError{userUsage}
	}
	sub := args[0]
	fs := flag.NewFlagSet("user "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	sf := addStoreFlags(fs)
	var uf *userFlags
	var passwordStdin, asJSON *bool
	switch sub {
	case "add", "set":
		uf = addUserFlags(fs)
	case "list":
		asJSON = fs.Bool("json", false, "以 JSON 输出（不含密码哈希）")
	case "passwd", "disable", "enable":
	default:
		return &usageError{fmt.Sprintf("未知的子命令“%s”\n%s", sub, userUsage)}
	}
	if sub == "add" || sub == "passwd" {
		passwordStdin = fs.Bool("password-stdin", false, "从标准输入的第一行读取密码（不给则生成一次性密码并显示）")
	}
	pos, err := parseFlags(fs, args[1:])
	if err != nil {
		return err
	}
	wantArgs := 1
	if sub == "list" {
		wantArgs = 0
	}
	if len(pos) != wantArgs {
		return &usageError{userUsage}
	}
	store, err := sf.open(ctx)
	if err != nil {
		return err
	}
	users := auth.NewUsers(store)
	switch sub {
	case "add":
		return userAdd(ctx, store, users, pos[0], uf, *passwordStdin, stdout)
	case "set":
		return userSet(ctx, store, users, pos[0], uf, stdout)
	case "list":
		return userList(ctx, users, *asJSON, stdout)
	case "passwd":
		return userPasswd(ctx, store, users, pos[0], *passwordStdin, stdout)
	default:
		return userEnable(ctx, store, users, pos[0], sub == "enable", stdout)
	}
}

func userAdd(ctx context.Context, store archive.Store, users *auth.Users, name string, uf *userFlags, fromStdin bool, stdout io.Writer) error {
	if !uf.given()["role"] {
		return &usageError{"缺少 --role（起草人、档案员、评查人或管理员）"}
	}
	u := &auth.User{Name: name}
	if err := uf.apply(u); err != nil {
		return err
	}
	password := ""
	if fromStdin {
		var err error
		if password, err = readPassword(os.Stdin); err != nil {
			return err
		}
	} else {
		var err error
		if password, err = auth.NewOneTimePassword(); err != nil {
			return err
		}
		u.MustChangePassword = true
	}
	if err := users.Create(ctx, u, password); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "已创建用户 %s：%s\n", u.Label(), describeUser(u))
	if !fromStdin {
		fmt.Fprintf(stdout, "一次性密码（只显示这一次，首次登录后须修改）：%s\n", password)
	}
	return cliAudit(ctx, store, audit.ActionUserChange, u.Name, "创建用户："+describeUser(u), "用户已创建")
}

func userSet(ctx context.Context, store archive.Store, users *auth.Users, name string, uf *userFlags, stdout io.Writer) error {
	if len(uf.given()) == 0 {
		return &usageError{"没有要修改的内容：用 --role、--org、--display、--clearance 或 --scope-… 给出新值"}
	}
	u, err := users.Update(ctx, name, uf.apply)
	if err != nil {
		var ue *usageError
		if errors.As(err, &ue) {
			return ue
		}
		return err
	}
	fmt.Fprintf(stdout, "已修改用户 %s：%s\n", u.Label(), describeUser(u))
	return cliAudit(ctx, store, audit.ActionUserChange, u.Name, "修改用户："+describeUser(u), "用户已修改")
}

func userList(ctx context.Context, users *auth.Users, asJSON bool, stdout io.Writer) error {
	all, err := users.List(ctx)
	if err != nil {
		return err
	}
	if asJSON {
		for _, u := range all {
			u.PasswordHash = ""
		}
		if all == nil {
			all = []*auth.User{}
		}
		return jsonOut(stdout).Encode(all)
	}
	if len(all) == 0 {
		fmt.Fprintln(stdout, "还没有用户：gongwen user add 添加，或首次启动 gongwen serve 时自动创建管理员")
		return nil
	}
	fmt.Fprintln(stdout, "用户名\t姓名\t角色\t机关\t密级\t状态")
	for _, u := range all {
		clearance := u.Clearance
		if clearance == "" {
			clearance = "非涉密"
		}
		org := u.Org
		if org == "" {
			org = "-"
		}
		line := fmt.Sprintf("%s\t%s\t%s\t%s\t%s\t%s", u.Name, u.DisplayName, u.Role.Label(), org, clearance, userStatus(u))
		if u.Role == auth.RoleEvaluator {
			line += "\t评查范围：" + u.Scope.String()
		}
		fmt.Fprintln(stdout, line)
	}
	return nil
}

func userPasswd(ctx context.Context, store archive.Store, users *auth.Users, name string, fromStdin bool, stdout io.Writer) error {
	var detail string
	if fromStdin {
		password, err := readPassword(os.Stdin)
		if err != nil {
			return err
		}
		if err := users.SetPassword(ctx, name, password); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "已为 %s 设置新密码\n", name)
		detail = "管理员设置新密码"
	} else {
		password, err := users.ResetPassword(ctx, name)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "已为 %s 重设密码。一次性密码（只显示这一次，登录后须修改）：%s\n", name, password)
		detail = "管理员重设为一次性密码"
	}
	if err := endSessions(ctx, store, name, stdout); err != nil {
		return err
	}
	return cliAudit(ctx, store, audit.ActionPasswordChange, name, detail, "密码已修改")
}

func userEnable(ctx context.Context, store archive.Store, users *auth.Users, name string, enable bool, stdout io.Writer) error {
	u, err := users.Update(ctx, name, func(u *auth.User) error {
		u.Disabled = !enable
		return nil
	})
	if err != nil {
		return err
	}
	if enable {
		fmt.Fprintf(stdout, "已启用用户 %s\n", u.Label())
		return cliAudit(ctx, store, audit.ActionUserChange, u.Name, "启用用户", "用户已启用")
	}
	fmt.Fprintf(stdout, "已停用用户 %s\n", u.Label())
	if err := endSessions(ctx, store, u.Name, stdout); err != nil {
		return err
	}
	return cliAudit(ctx, store, audit.ActionUserChange, u.Name, "停用用户", "用户已停用")
}

// endSessions signs a user out everywhere.
func endSessions(ctx context.Context, store archive.Store, name string, stdout io.Writer) error {
	n, err := auth.NewSessions(store, 0).DeleteUser(ctx, name)
	if err != nil {
		return fmt.Errorf("未能结束 %s 的登录会话（请重试）：%w", name, err)
	}
	if n > 0 {
		fmt.Fprintf(stdout, "已结束其 %d 个登录会话\n", n)
	}
	return nil
}
