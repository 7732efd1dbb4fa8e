// Package audit is gongwen's audit trail: every login and failed login,
// issue, new version, filing, void, download, export, and every refusal is
// an event in the archive's store, appended and never overwritten, and
// administrators read them back newest first, filtered.
//
// Events live at audit/<yyyy-mm-dd>/<id>.json, one object each, created
// with If-None-Match: two processes (or machines) appending at the same
// moment write two objects, and no event can replace another. The day is
// the event's UTC date; the id begins with its UTC time to the nanosecond,
// so keys sort by time and a query reads only the days it asks about.
package audit

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gongwen/gongwen/archive"
)

// Actions. Each has a Chinese label (ActionLabel); the server may record
// others, as long as they are lower-case words joined by "_".
const (
	ActionLogin          = "login"           // 登录
	ActionLoginFailed    = "login_failed"    // 登录失败
	ActionLogout         = "logout"          // 退出登录
	ActionPasswordChange = "password_change" // 修改密码
	ActionIssue          = "issue"           // 发文
	ActionVersion        = "version"         // 更正（新版本）
	ActionFile           = "file"            // 归档
	ActionVoid           = "void"            // 作废
	ActionReserve        = "reserve"         // 预留文号
	ActionDownload       = "download"        // 下载
	ActionExport         = "export"          // 导出
	ActionImport         = "import"          // 导入
	ActionRefused        = "refused"         // 拒绝访问
	ActionUserChange     = "user_change"     // 用户变更
	ActionTokenCreate    = "token_create"    // 创建 API 令牌
	ActionTokenRevoke    = "token_revoke"    // 吊销 API 令牌
	ActionTemplateUpload = "template_upload" // 上传模板
	ActionProfileChange  = "profile_change"  // 机关信息变更
	// ActionUnreadable marks, in query results, a stored event that could
	// not be parsed: it is shown, not hidden, since it may be tampering.
	ActionUnreadable = "unreadable" // 无法读取的事件
)

var actionLabels = map[string]string{
	ActionLogin:          "登录",
	ActionLoginFailed:    "登录失败",
	ActionLogout:         "退出登录",
	ActionPasswordChange: "修改密码",
	ActionIssue:          "发文",
	ActionVersion:        "更正（新版本）",
	ActionFile:           "归档",
	ActionVoid:           "作废",
	ActionReserve:        "预留文号",
	ActionDownload:       "下载",
	ActionExport:         "导出",
	ActionImport:         "导入",
	ActionRefused:        "拒绝访问",
	ActionUserChange:     "用户变更",
	ActionTokenCreate:    "创建 API 令牌",
	ActionTokenRevoke:    "吊销 API 令牌",
	ActionTemplateUpload: "上传模板",
	ActionProfileChange:  "机关信息变更",
	ActionUnreadable:     "无法读取的事件",
}

// Actions returns the known actions, in a fixed order.
func Actions() []string {
	return []string{ActionLogin, ActionLoginFailed, ActionLogout, ActionPasswordChange, ActionIssue, ActionVersion,
		ActionFile, ActionVoid, ActionReserve, ActionDownload, ActionExport, ActionImport, ActionRefused,
		ActionUserChange, ActionTokenCreate, ActionTokenRevoke, ActionTemplateUpload, ActionProfileChange}
}

// ActionLabel returns an action's Chinese name, or the action itself.
func ActionLabel(action string) string {
	if l, ok := actionLabels[action]; ok {
		return l
	}
	return action
}

// ParseAction accepts an action or its Chinese label.
func ParseAction(s string) (string, error) {
	s = strings.TrimSpace(s)
	for a, l := range actionLabels {
		if s == a || s == l {
			return a, nil
		}
	}
	var known []string
	for _, a := range Actions() {
		known = append(known, a+"（"+ActionLabel(a)+"）")
	}
	return "", fmt.Errorf("未知的操作“%s”（可选：%s）", s, strings.Join(known, "、"))
}

// Outcomes.
const (
	OutcomeOK      = "ok"      // 成功
	OutcomeRefused = "refused" // 被拒绝
	OutcomeFailed  = "failed"  // 失败
)

// OutcomeLabel returns an outcome's Chinese name.
func OutcomeLabel(o string) string {
	switch o {
	case OutcomeOK:
		return "成功"
	case OutcomeRefused:
		return "被拒绝"
	case OutcomeFailed:
		return "失败"
	}
	return o
}

// Event is one entry of the audit trail: who did what to which document,
// when, from where, and how it ended.
type Event struct {
	ID        string    `json:"id"`                   // sortable: UTC time to the nanosecond and 48 random bits; filled by Append
	Time      time.Time `json:"time"`                 // filled by Append when zero
	Actor     string    `json:"actor"`                // user name; "" if anonymous (e.g. a failed login names the tried name in Target)
	Org       string    `json:"org,omitempty"`        // the actor's 机关 (profile id)
	Role      string    `json:"role,omitempty"`       // the actor's role
	Action    string    `json:"action"`               // one of the Action constants
	Target    string    `json:"target,omitempty"`     // document id, 发文字号, user name or route
	Detail    string    `json:"detail,omitempty"`     // what else matters: the reason, the query, counts
	Outcome   string    `json:"outcome"`              // OutcomeOK (default), OutcomeRefused, OutcomeFailed
	Remote    string    `json:"remote,omitempty"`     // client IP
	RequestID string    `json:"request_id,omitempty"` // ties the event to the server's log
}

// Bounds on field lengths, in characters: longer values are cut (and
// marked "…"), never refused — an event is never lost for being long.
const (
	maxDetail = 4000
	maxTarget = 500
	maxShort  = 200
)

// Log is the audit trail kept in a store.
type Log struct {
	store archive.Store
	now   func() time.Time
}

// NewLog returns the audit trail kept in store.
func NewLog(store archive.Store) *Log { return &Log{store: store, now: time.Now} }

// idTimeLayout is the time part of an event id: fixed width, so ids sort
// as times do.
const idTimeLayout = "20060102T150405.000000000Z"

var (
	idRe     = regexp.MustCompile(`^[0-9]{8}T[0-9]{6}\.[0-9]{9}Z-[0-9a-f]{12}$`)
	actionRe = regexp.MustCompile(`^[a-z][a-z_]{0,39}$`)
)

// newID returns an event id for time t.
func newID(t time.Time) (string, error) {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("audit: no randomness: %w", err)
	}
	return t.UTC().Format(idTimeLayout) + "-" + hex.EncodeToString(b[:]), nil
}

// idTime is the time an event id begins with.
func idTime(id string) (time.Time, error) {
	if !idRe.MatchString(id) {
		return time.Time{}, fmt.Errorf("审计事件编号“%s”无效", id)
	}
	return time.Parse(idTimeLayout, id[:len(idTimeLayout)])
}

// dayOf is the UTC date folder of a time.
func dayOf(t time.Time) string { return t.UTC().Format("2006-01-02") }

// eventKey is where the event with that id is stored.
func eventKey(id string) string {
	return "audit/" + id[0:4] + "-" + id[4:6] + "-" + id[6:8] + "/" + id + ".json"
}

// clip cuts s to n characters, marking the cut, and makes it valid UTF-8.
func clip(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// Append stores an event, never overwriting another. It fills ID and Time
// when empty (ID from Time), defaults Outcome to OutcomeOK and cuts
// over-long fields. An event given an ID that is already stored with the
// same content is not an error, so a caller whose first attempt lost its
// answer can simply append again.
func (l *Log) Append(ctx context.Context, e *Event) error {
	if !actionRe.MatchString(e.Action) {
		return fmt.Errorf("audit: 操作“%s”无效（应为小写英文单词，如 %s）", e.Action, ActionIssue)
	}
	switch e.Outcome {
	case "":
		e.Outcome = OutcomeOK
	case OutcomeOK, OutcomeRefused, OutcomeFailed:
	default:
		return fmt.Errorf("audit: 结果“%s”无效（应为 ok、refused 或 failed）", e.Outcome)
	}
	e.Actor, e.Org, e.Role = clip(e.Actor, maxShort), clip(e.Org, maxShort), clip(e.Role, maxShort)
	e.Remote, e.RequestID = clip(e.Remote, maxShort), clip(e.RequestID, maxShort)
	e.Target, e.Detail = clip(e.Target, maxTarget), clip(e.Detail, maxDetail)
	given := e.ID != ""
	if given {
		t, err := idTime(e.ID)
		if err != nil {
			return fmt.Errorf("audit: %w", err)
		}
		if e.Time.IsZero() {
			e.Time = t
		} else if !e.Time.Equal(t) {
			return fmt.Errorf("audit: 事件时间 %s 与编号 %s 不符", e.Time.UTC().Format(time.RFC3339Nano), e.ID)
		}
	} else if e.Time.IsZero() {
		e.Time = l.now()
	}
	e.Time = e.Time.UTC()
	for try := 0; ; try++ {
		if !given {
			id, err := newID(e.Time)
			if err != nil {
				return err
			}
			e.ID = id
		}
		b, err := json.Marshal(e)
		if err != nil {
			return fmt.Errorf("audit: encode event: %w", err)
		}
		key := eventKey(e.ID)
		_, err = l.store.Put(ctx, key, b, archive.Cond{IfNoneMatch: true})
		if err == nil {
			return nil
		}
		if !errors.Is(err, archive.ErrPrecondition) {
			return fmt.Errorf("audit: 写入审计事件 %s：%w", key, err)
		}
		if given {
			// The id is taken: by this very event (a retry), or by another.
			old, _, gerr := l.store.Get(ctx, key)
			if gerr == nil && bytes.Equal(old, b) {
				return nil
			}
			return fmt.Errorf("audit: 审计事件 %s 已存在且内容不同，不能覆盖", e.ID)
		}
		if try >= 3 {
			return fmt.Errorf("audit: 写入审计事件 %s：%w", key, err)
		}
		// 48 random bits collided at the same nanosecond: draw again.
	}
}

// Get reads one event by its id.
func (l *Log) Get(ctx context.Context, id string) (*Event, error) {
	if _, err := idTime(id); err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	b, _, err := l.store.Get(ctx, eventKey(id))
	if err != nil {
		return nil, fmt.Errorf("audit: 读取审计事件 %s：%w", id, err)
	}
	return decode(eventKey(id), id, b), nil
}

// decode parses a stored event; one that does not parse, or whose id does
// not match its key, comes back as an ActionUnreadable event.
func decode(key, id string, b []byte) *Event {
	var e Event
	err := json.Unmarshal(b, &e)
	if err == nil && e.ID != id {
		err = fmt.Errorf("内容中的编号为“%s”", e.ID)
	}
	if err != nil {
		t, _ := idTime(id)
		return &Event{ID: id, Time: t, Action: ActionUnreadable, Outcome: OutcomeFailed,
			Detail: clip(fmt.Sprintf("审计事件 %s 无法读取（可能被改动）：%v", key, err), maxDetail)}
	}
	return &e
}
