package auth

import (
	"errors"
	"strings"
	"testing"

	"github.com/gongwen/gongwen/archive"
)

func TestParseRole(t *testing.T) {
	for in, want := range map[string]Role{
		"drafter": RoleDrafter, "起草人": RoleDrafter, " 档案员 ": RoleArchivist, "archivist": RoleArchivist,
		"评查人": RoleEvaluator, "evaluator": RoleEvaluator, "管理员": RoleAdmin, "admin": RoleAdmin,
	} {
		got, err := ParseRole(in)
		if err != nil || got != want {
			t.Errorf("ParseRole(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "Admin", "root", "领导"} {
		_, err := ParseRole(in)
		if !errors.Is(err, ErrInvalidUser) || !strings.Contains(err.Error(), "起草人、档案员、评查人、管理员") {
			t.Errorf("ParseRole(%q): %v", in, err)
		}
	}
	if RoleEvaluator.Label() != "评查人" || Role("x").Label() != "x" {
		t.Error("labels")
	}
}

// TestPermissionTable checks every cell of the table in Can's comment,
// written out here independently of the code.
func TestPermissionTable(t *testing.T) {
	want := map[Role]string{
		//              preview issue revise reserve read search download file void export import users templates profiles audit
		RoleDrafter:   "111111100000000",
		RoleArchivist: "000011111110000",
		RoleEvaluator: "000011100100000",
		RoleAdmin:     "111111111111111",
	}
	perms := []Permission{PermPreview, PermIssue, PermRevise, PermReserve, PermRead, PermSearch, PermDownload,
		PermFile, PermVoid, PermExport, PermImport, PermManageUsers, PermManageTemplates, PermManageProfiles, PermAudit}
	if len(perms) != len(Permissions()) {
		t.Fatalf("the table covers %d permissions, the package has %d", len(perms), len(Permissions()))
	}
	for role, row := range want {
		if len(row) != len(perms) {
			t.Fatalf("row of %s has %d cells", role, len(row))
		}
		u := &User{Name: "u", Role: role}
		for i, p := range perms {
			if got := u.Can(p); got != (row[i] == '1') {
				t.Errorf("%s can %s: %v, want %v", role.Label(), p.Label(), got, !got)
			}
		}
		u.Disabled = true
		for _, p := range perms {
			if u.Can(p) {
				t.Errorf("disabled %s can %s", role.Label(), p.Label())
			}
		}
	}
	if (&User{Role: "root"}).Can(PermRead) {
		t.Error("an unknown role has a permission")
	}
	var nobody *User
	if nobody.Can(PermRead) {
		t.Error("a nil user has a permission")
	}
	for _, p := range Permissions() {
		if p.Label() == string(p) {
			t.Errorf("permission %s has no Chinese label", p)
		}
	}
	err := (&User{Name: "li", Role: RoleEvaluator}).Refusal(PermFile)
	if !errors.Is(err, ErrForbidden) || !strings.Contains(err.Error(), "li（评查人）不能归档") {
		t.Errorf("refusal: %v", err)
	}
}

func TestSecrecyRank(t *testing.T) {
	for s, want := range map[string]int{"": 0, "公开": 0, "秘密": 1, " 机密": 2, "绝密": 3, "内部": 4, "top secret": 4} {
		if got := SecrecyRank(s); got != want {
			t.Errorf("SecrecyRank(%q) = %d, want %d", s, got, want)
		}
	}
}

func TestCanSee(t *testing.T) {
	rec := func(org, secrecy, unit, date string) *archive.Record {
		return &archive.Record{ID: "20260305-000000000001", Org: org, Secrecy: secrecy, SupervisedUnit: unit, Date: date}
	}
	admin := &User{Name: "admin", Role: RoleAdmin}
	drafter := &User{Name: "d", Role: RoleDrafter, Org: "wlmq-sfj"}
	archivist := &User{Name: "a", Role: RoleArchivist, Org: "wlmq-sfj", Clearance: "机密"}
	cases := []struct {
		rule string
		u    *User
		r    *archive.Record
		want bool
	}{
		// Clearance, for everyone including administrators.
		{"admin sees an unclassified record of any office", admin, rec("kmy-sfj", "", "", "2026-03-05"), true},
		{"admin sees 公开 as unclassified", admin, rec("kmy-sfj", "公开", "", "2026-03-05"), true},
		{"admin without clearance does not see 秘密", admin, rec("kmy-sfj", "秘密", "", "2026-03-05"), false},
		{"admin cleared 秘密 sees 秘密", &User{Role: RoleAdmin, Clearance: "秘密"}, rec("x", "秘密", "", ""), true},
		{"admin cleared 秘密 does not see 机密", &User{Role: RoleAdmin, Clearance: "秘密"}, rec("x", "机密", "", ""), false},
		{"admin cleared 绝密 sees 绝密", &User{Role: RoleAdmin, Clearance: "绝密"}, rec("x", "绝密", "", ""), true},
		{"nobody sees an unknown 密级", &User{Role: RoleAdmin, Clearance: "绝密"}, rec("x", "内部", "", ""), false},
		{"archivist cleared 机密 sees own 机密", archivist, rec("wlmq-sfj", "机密", "", ""), true},
		{"archivist cleared 机密 does not see own 绝密", archivist, rec("wlmq-sfj", "绝密", "", ""), false},
		{"an unrecognised clearance counts as none", &User{Role: RoleAdmin, Clearance: "最高"}, rec("x", "秘密", "", ""), false},
		// Offices.
		{"drafter sees own office", drafter, rec("wlmq-sfj", "", "", ""), true},
		{"drafter does not see another office", drafter, rec("kmy-sfj", "", "", ""), false},
		{"drafter does not see a record naming no office", drafter, rec("", "", "", ""), false},
		{"drafter without clearance does not see own 秘密", drafter, rec("wlmq-sfj", "秘密", "", ""), false},
		{"archivist sees own office", archivist, rec("wlmq-sfj", "", "", ""), true},
		{"archivist does not see another office", archivist, rec("kmy-sfj", "", "", ""), false},
		{"a drafter without an office sees nothing", &User{Role: RoleDrafter}, rec("", "", "", ""), false},
		{"admin sees a record naming no office", admin, rec("", "", "", ""), true},
		// Evaluators: scope.
		{"evaluator with an empty scope sees any office", &User{Role: RoleEvaluator}, rec("kmy-sfj", "", "某县公安局", "2020-01-01"), true},
		{"evaluator inside Orgs", &User{Role: RoleEvaluator, Scope: Scope{Orgs: []string{"a", "kmy-sfj"}}}, rec("kmy-sfj", "", "", ""), true},
		{"evaluator outside Orgs", &User{Role: RoleEvaluator, Scope: Scope{Orgs: []string{"a"}}}, rec("kmy-sfj", "", "", ""), false},
		{"evaluator inside Units", &User{Role: RoleEvaluator, Scope: Scope{Units: []string{"某县公安局"}}}, rec("x", "", "某县公安局", ""), true},
		{"evaluator outside Units", &User{Role: RoleEvaluator, Scope: Scope{Units: []string{"某县公安局"}}}, rec("x", "", "某县市场监管局", ""), false},
		{"evaluator: a record without a unit is outside Units", &User{Role: RoleEvaluator, Scope: Scope{Units: []string{"某县公安局"}}}, rec("x", "", "", ""), false},
		{"evaluator: From is inclusive", &User{Role: RoleEvaluator, Scope: Scope{From: "2025-01-01"}}, rec("x", "", "", "2025-01-01"), true},
		{"evaluator: before From", &User{Role: RoleEvaluator, Scope: Scope{From: "2025-01-01"}}, rec("x", "", "", "2024-12-31"), false},
		{"evaluator: To is inclusive", &User{Role: RoleEvaluator, Scope: Scope{To: "2025-12-31"}}, rec("x", "", "", "2025-12-31"), true},
		{"evaluator: after To", &User{Role: RoleEvaluator, Scope: Scope{To: "2025-12-31"}}, rec("x", "", "", "2026-01-01"), false},
		{"evaluator: a record without a date is outside a date range", &User{Role: RoleEvaluator, Scope: Scope{From: "2025-01-01"}}, rec("x", "", "", ""), false},
		{"evaluator: every axis must hold", &User{Role: RoleEvaluator, Scope: Scope{Orgs: []string{"x"}, Units: []string{"u"}, From: "2025-01-01", To: "2025-12-31"}}, rec("x", "", "u", "2026-01-02"), false},
		{"evaluator: all axes hold", &User{Role: RoleEvaluator, Scope: Scope{Orgs: []string{"x"}, Units: []string{"u"}, From: "2025-01-01", To: "2025-12-31"}}, rec("x", "", "u", "2025-06-30"), true},
		{"evaluator: clearance still applies inside the scope", &User{Role: RoleEvaluator, Scope: Scope{Orgs: []string{"x"}}}, rec("x", "秘密", "", ""), false},
		// Nobody else.
		{"a disabled admin sees nothing", &User{Role: RoleAdmin, Disabled: true}, rec("", "", "", ""), false},
		{"an unknown role sees nothing", &User{Role: "root", Org: "x"}, rec("x", "", "", ""), false},
	}
	for _, c := range cases {
		if got := c.u.CanSee(c.r); got != c.want {
			t.Errorf("%s: CanSee = %v", c.rule, got)
		}
	}
	var nobody *User
	if nobody.CanSee(rec("", "", "", "")) || admin.CanSee(nil) {
		t.Error("nil user or record")
	}
}

func TestUserCheck(t *testing.T) {
	cases := []struct {
		u    User
		want string // "" for valid
	}{
		{User{Name: "zhangsan", Role: RoleDrafter, Org: "x"}, ""},
		{User{Name: "admin", Role: RoleAdmin}, ""},
		{User{Name: "a", Role: RoleDrafter, Org: "x"}, "用户名“a”"},
		{User{Name: "张三", Role: RoleDrafter, Org: "x"}, "用户名“张三”"},
		{User{Name: ".gongwen-tmp", Role: RoleDrafter, Org: "x"}, "以字母或数字开头"},
		{User{Name: "..", Role: RoleDrafter, Org: "x"}, "以字母或数字开头"},
		{User{Name: "wang.wu-2_x", Role: RoleDrafter, Org: "x"}, ""},
		{User{Name: "zhangsan", Role: "boss", Org: "x"}, "未知的角色“boss”"},
		{User{Name: "zhangsan", Role: RoleArchivist}, "档案员必须属于一个机关"},
		{User{Name: "zhangsan", Role: RoleDrafter, Org: "x", Clearance: "内部"}, "未知的密级“内部”"},
		{User{Name: "zhangsan", Role: RoleDrafter, Org: "x", Scope: Scope{Units: []string{"u"}}}, "只有评查人有评查范围"},
		{User{Name: "zhangsan", Role: RoleEvaluator, Org: "x", Scope: Scope{From: "2025-13-01"}}, "起始日期“2025-13-01”应为 YYYY-MM-DD"},
		{User{Name: "zhangsan", Role: RoleEvaluator, Org: "x", Scope: Scope{From: "2026-01-01", To: "2025-01-01"}}, "晚于截止日期"},
	}
	for _, c := range cases {
		u := c.u
		u.normalise()
		err := u.check()
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%+v: %v", c.u, err)
		case c.want != "" && (!errors.Is(err, ErrInvalidUser) || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%+v: %v, want %q", c.u, err, c.want)
		}
	}
}
