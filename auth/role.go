// Package auth holds who may do what in gongwen: users and their roles,
// the permission table, the one visibility rule for documents (CanSee),
// password hashing (argon2id), browser sessions, API tokens and login
// throttling. It knows nothing of HTTP: the server calls it.
//
// Everything lives in the archive's store, so several instances sharing a
// bucket share users, sessions and tokens:
//
//	users/<name>.json              User, replaced with If-Match
//	sessions/<sha256(token)>.json  Session (the token itself is never stored)
//	tokens/<sha256(secret)>.json   Token (the secret itself is never stored)
package auth

import (
	"errors"
	"fmt"
	"strings"
)

// Role is what a user does in the office; it decides their permissions.
type Role string

// The four roles.
const (
	RoleDrafter   Role = "drafter"   // 起草人
	RoleArchivist Role = "archivist" // 档案员
	RoleEvaluator Role = "evaluator" // 评查人
	RoleAdmin     Role = "admin"     // 管理员
)

// roles lists every role, from the least to the most privileged.
var roles = []Role{RoleEvaluator, RoleDrafter, RoleArchivist, RoleAdmin}

// Roles returns every role, from the least to the most privileged.
func Roles() []Role { return append([]Role(nil), roles...) }

var roleLabels = map[Role]string{
	RoleDrafter:   "起草人",
	RoleArchivist: "档案员",
	RoleEvaluator: "评查人",
	RoleAdmin:     "管理员",
}

// Label returns the role's Chinese name (起草人, 档案员, 评查人, 管理员), or
// the raw value for an unknown role.
func (r Role) Label() string {
	if l, ok := roleLabels[r]; ok {
		return l
	}
	return string(r)
}

// Valid reports whether r is one of the four roles.
func (r Role) Valid() bool {
	_, ok := roleLabels[r]
	return ok
}

// ParseRole accepts a role's id (drafter) or its Chinese label (起草人).
func ParseRole(s string) (Role, error) {
	s = strings.TrimSpace(s)
	for _, r := range roles {
		if s == string(r) || s == r.Label() {
			return r, nil
		}
	}
	return "", fmt.Errorf("%w：未知的角色“%s”（可选：起草人、档案员、评查人、管理员）", ErrInvalidUser, s)
}

// Permission is one thing a user may be allowed to do.
type Permission string

// The permissions. Which role holds which is the table in Can.
const (
	PermPreview         Permission = "preview"          // 预览（生成但不编号、不存档）
	PermIssue           Permission = "issue"            // 发文（分配文号并存档）
	PermRevise          Permission = "revise"           // 更正（保存新版本）
	PermReserve         Permission = "reserve"          // 预留文号
	PermRead            Permission = "read"             // 查阅
	PermSearch          Permission = "search"           // 检索
	PermDownload        Permission = "download"         // 下载
	PermFile            Permission = "file"             // 归档
	PermVoid            Permission = "void"             // 作废（须说明原因）
	PermExport          Permission = "export"           // 导出
	PermImport          Permission = "import"           // 导入
	PermManageUsers     Permission = "manage_users"     // 管理用户
	PermManageTemplates Permission = "manage_templates" // 管理模板
	PermManageProfiles  Permission = "manage_profiles"  // 管理机关信息
	PermAudit           Permission = "audit"            // 查看审计日志
)

var permLabels = map[Permission]string{
	PermPreview:         "预览",
	PermIssue:           "发文",
	PermRevise:          "更正",
	PermReserve:         "预留文号",
	PermRead:            "查阅",
	PermSearch:          "检索",
	PermDownload:        "下载",
	PermFile:            "归档",
	PermVoid:            "作废",
	PermExport:          "导出",
	PermImport:          "导入",
	PermManageUsers:     "管理用户",
	PermManageTemplates: "管理模板",
	PermManageProfiles:  "管理机关信息",
	PermAudit:           "查看审计日志",
}

// Label returns the permission's Chinese name, for refusals ("您没有“归档”权限").
func (p Permission) Label() string {
	if l, ok := permLabels[p]; ok {
		return l
	}
	return string(p)
}

// Permissions returns every permission, in a fixed order.
func Permissions() []Permission {
	return []Permission{PermPreview, PermIssue, PermRevise, PermReserve, PermRead, PermSearch, PermDownload,
		PermFile, PermVoid, PermExport, PermImport, PermManageUsers, PermManageTemplates, PermManageProfiles, PermAudit}
}

// rolePerms is the permission table; see Can.
var rolePerms = map[Role]map[Permission]bool{
	RoleDrafter: set(PermPreview, PermIssue, PermRevise, PermReserve,
		PermRead, PermSearch, PermDownload),
	RoleArchivist: set(PermRead, PermSearch, PermDownload,
		PermFile, PermVoid, PermExport, PermImport),
	RoleEvaluator: set(PermRead, PermSearch, PermDownload, PermExport),
	RoleAdmin:     set(Permissions()...),
}

func set(ps ...Permission) map[Permission]bool {
	m := make(map[Permission]bool, len(ps))
	for _, p := range ps {
		m[p] = true
	}
	return m
}

// ErrForbidden is the refusal of an action a user's role does not allow.
var ErrForbidden = errors.New("没有权限")

// Refusal returns ErrForbidden wrapped with a message naming the user's
// role and the permission, for the user and the audit log.
func (u *User) Refusal(p Permission) error {
	return fmt.Errorf("%w：%s（%s）不能%s", ErrForbidden, u.Name, u.Role.Label(), p.Label())
}

// Can reports whether the user's role allows p. It says nothing about a
// particular document: every action on one also needs CanSee.
//
//	                 起草人  档案员  评查人  管理员
//	预览 preview        ✓                       ✓
//	发文 issue          ✓                       ✓
//	更正 revise         ✓                       ✓
//	预留文号 reserve    ✓                       ✓
//	查阅 read           ✓      ✓      ✓       ✓
//	检索 search         ✓      ✓      ✓       ✓
//	下载 download       ✓      ✓      ✓       ✓
//	归档 file                  ✓              ✓
//	作废 void                  ✓              ✓
//	导出 export                ✓      ✓       ✓
//	导入 import                ✓              ✓
//	管理用户、模板、机关信息、查看审计日志              ✓
//
// Decisions: a drafter reserves numbers (预留, for a document signed on
// paper) because it is an act of the issuing desk, recorded with its
// reason in the number registry and only with the drafter's own office's
// 机关代字 — the server checks that, as for issuing. Voiding is the
// archivist's, with a reason. An evaluator may export, because pulling
// every record of a unit and period as one verifiable bundle is what an
// evaluation needs; the export holds only what CanSee lets them see and is
// as read-only as a download. A disabled user can do nothing.
func (u *User) Can(p Permission) bool {
	if u == nil || u.Disabled {
		return false
	}
	return rolePerms[u.Role][p]
}
