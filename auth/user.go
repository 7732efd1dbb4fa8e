package auth

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gongwen/gongwen/archive"
)

// ErrInvalidUser wraps every problem with a user's particulars (name,
// role, 机关, 密级, scope) that the person entering them can fix.
var ErrInvalidUser = errors.New("用户信息有误")

// Scope limits what an evaluator may see; empty fields mean no limit on
// that axis, so an evaluator with an empty scope sees every document their
// clearance allows.
type Scope struct {
	Orgs  []string `json:"orgs,omitempty"`  // profile ids of issuing offices
	Units []string `json:"units,omitempty"` // 被监督单位
	From  string   `json:"from,omitempty"`  // 成文日期 from (ISO date), inclusive
	To    string   `json:"to,omitempty"`    // 成文日期 to, inclusive
}

// IsZero reports whether the scope sets no limit at all.
func (s Scope) IsZero() bool {
	return len(s.Orgs) == 0 && len(s.Units) == 0 && s.From == "" && s.To == ""
}

// String describes the scope in Chinese, for lists and the audit log.
func (s Scope) String() string {
	if s.IsZero() {
		return "不限"
	}
	var parts []string
	if len(s.Orgs) > 0 {
		parts = append(parts, "机关："+strings.Join(s.Orgs, "、"))
	}
	if len(s.Units) > 0 {
		parts = append(parts, "被监督单位："+strings.Join(s.Units, "、"))
	}
	if s.From != "" || s.To != "" {
		parts = append(parts, fmt.Sprintf("成文日期：%s 至 %s", orDots(s.From), orDots(s.To)))
	}
	return strings.Join(parts, "；")
}

func orDots(s string) string {
	if s == "" {
		return "…"
	}
	return s
}

// check validates the scope's dates.
func (s Scope) check() []string {
	var probs []string
	for _, d := range []struct{ name, v string }{{"起始日期", s.From}, {"截止日期", s.To}} {
		if d.v == "" {
			continue
		}
		if _, err := time.Parse("2006-01-02", d.v); err != nil {
			probs = append(probs, fmt.Sprintf("评查范围的%s“%s”应为 YYYY-MM-DD", d.name, d.v))
		}
	}
	if s.From != "" && s.To != "" && s.From > s.To {
		probs = append(probs, fmt.Sprintf("评查范围的起始日期 %s 晚于截止日期 %s", s.From, s.To))
	}
	for _, u := range s.Units {
		if strings.TrimSpace(u) == "" {
			probs = append(probs, "评查范围含有空的被监督单位")
		}
	}
	return probs
}

// User is a person who signs in. Stored at users/<name>.json.
type User struct {
	Name               string    `json:"name"`                           // login name: [a-z0-9._-], 2–32, beginning with a letter or digit
	DisplayName        string    `json:"display_name"`                   // 姓名
	Org                string    `json:"org"`                            // archive.Profile id of their 机关 ("" only for an admin)
	Role               Role      `json:"role"`                           // what they do
	Clearance          string    `json:"clearance,omitempty"`            // highest 密级 they may see: "", 秘密, 机密, 绝密
	Scope              Scope     `json:"scope,omitempty"`                // evaluators: what they were granted
	PasswordHash       string    `json:"password_hash"`                  // argon2id, PHC string format; never shown
	MustChangePassword bool      `json:"must_change_password,omitempty"` // set for one-time passwords
	Disabled           bool      `json:"disabled,omitempty"`             // 停用: cannot sign in, can do nothing
	Created            time.Time `json:"created"`                        // when the account was made
	Updated            time.Time `json:"updated"`                        // when it last changed
}

// Label names the user for people: "张三（zhangsan）", or the login name.
func (u *User) Label() string {
	if u.DisplayName == "" {
		return u.Name
	}
	return u.DisplayName + "（" + u.Name + "）"
}

// The 密级 (GB/T 9704 §7.2.2), from the lowest.
var secrecyRanks = map[string]int{"": 0, "公开": 0, "秘密": 1, "机密": 2, "绝密": 3}

// maxRank is the rank of 绝密; unknownRank is above every clearance.
const (
	maxRank     = 3
	unknownRank = maxRank + 1
)

// SecrecyRank orders 密级: "" and 公开 0, 秘密 1, 机密 2, 绝密 3. An unknown
// value ranks above 绝密, so a document with a 密级 nobody recognises is
// shown to nobody rather than to everybody.
func SecrecyRank(s string) int {
	if r, ok := secrecyRanks[strings.TrimSpace(s)]; ok {
		return r
	}
	return unknownRank
}

// clearanceRank is the user's clearance; an unrecognised one (which Users
// never stores) counts as none.
func (u *User) clearanceRank() int {
	r := SecrecyRank(u.Clearance)
	if r > maxRank {
		return 0
	}
	return r
}

// CanSee is the one visibility rule for documents, used by search results,
// reading, downloading and exporting alike:
//   - everyone, administrators included, needs a clearance at least the
//     document's 密级 (an unknown 密级 is seen by nobody);
//   - an administrator sees every office's documents;
//   - a drafter or an archivist sees their own office's (record.Org ==
//     user.Org; a record naming no office is seen by administrators only);
//   - an evaluator sees what lies inside their Scope: the issuing office
//     among Scope.Orgs, the 被监督单位 among Scope.Units, the 成文日期
//     within Scope.From..To, each axis unlimited when empty.
//
// A disabled user, or one with an unknown role, sees nothing.
func (u *User) CanSee(r *archive.Record) bool {
	if u == nil || r == nil || u.Disabled {
		return false
	}
	if SecrecyRank(r.Secrecy) > u.clearanceRank() {
		return false
	}
	switch u.Role {
	case RoleAdmin:
		return true
	case RoleDrafter, RoleArchivist:
		return u.Org != "" && r.Org == u.Org
	case RoleEvaluator:
		return u.Scope.contains(r)
	}
	return false
}

func (s Scope) contains(r *archive.Record) bool {
	if len(s.Orgs) > 0 && !contains(s.Orgs, r.Org) {
		return false
	}
	if len(s.Units) > 0 && !contains(s.Units, strings.TrimSpace(r.SupervisedUnit)) {
		return false
	}
	if s.From != "" || s.To != "" {
		// 成文日期 is stored as an ISO date; compare the date part only.
		d := r.Date
		if len(d) > 10 {
			d = d[:10]
		}
		if d == "" || (s.From != "" && d < s.From) || (s.To != "" && d > s.To) {
			return false
		}
	}
	return true
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if strings.TrimSpace(x) == v {
			return true
		}
	}
	return false
}

// nameRe: login names begin with a letter or digit, so none can name a
// reserved or hidden key.
var nameRe = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,31}$`)

// normName folds what a person types as a login name to the stored form.
func normName(name string) string { return strings.ToLower(strings.TrimSpace(name)) }

// normalise folds what was typed into the stored form.
func (u *User) normalise() {
	u.Name = normName(u.Name)
	u.DisplayName = strings.TrimSpace(u.DisplayName)
	u.Org = strings.TrimSpace(u.Org)
	u.Clearance = strings.TrimSpace(u.Clearance)
	if u.Clearance == "公开" {
		u.Clearance = ""
	}
	for i := range u.Scope.Orgs {
		u.Scope.Orgs[i] = strings.TrimSpace(u.Scope.Orgs[i])
	}
	for i := range u.Scope.Units {
		u.Scope.Units[i] = strings.TrimSpace(u.Scope.Units[i])
	}
}

// check validates everything but the password and whether the 机关
// exists, listing every problem.
func (u *User) check() error {
	var probs []string
	if !nameRe.MatchString(u.Name) {
		probs = append(probs, fmt.Sprintf("用户名“%s”应为 2–32 个小写字母、数字或“. _ -”，以字母或数字开头", u.Name))
	}
	if !u.Role.Valid() {
		probs = append(probs, fmt.Sprintf("未知的角色“%s”（可选：起草人、档案员、评查人、管理员）", u.Role))
	}
	if u.Org == "" && u.Role != RoleAdmin && u.Role.Valid() {
		probs = append(probs, fmt.Sprintf("%s必须属于一个机关（gongwen profile list 列出已登记的机关）", u.Role.Label()))
	}
	if _, ok := secrecyRanks[u.Clearance]; !ok {
		probs = append(probs, fmt.Sprintf("未知的密级“%s”（可选：秘密、机密、绝密，或留空）", u.Clearance))
	}
	if utf8.RuneCountInString(u.DisplayName) > 64 {
		probs = append(probs, "姓名超过 64 个字")
	}
	if !u.Scope.IsZero() && u.Role != RoleEvaluator {
		probs = append(probs, fmt.Sprintf("只有评查人有评查范围（%s不需要）", u.Role.Label()))
	}
	probs = append(probs, u.Scope.check()...)
	if len(probs) > 0 {
		return fmt.Errorf("%w：%s", ErrInvalidUser, strings.Join(probs, "；"))
	}
	return nil
}
