package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/gongwen/gongwen/archive"
	"github.com/gongwen/gongwen/auth"
	"github.com/gongwen/gongwen/render"
	"github.com/gongwen/gongwen/search"
	"github.com/gongwen/gongwen/templates"
)

// Problem is an RFC 9457 problem detail, the body of every API error.
type Problem struct {
	Type      string              `json:"type"`
	Title     string              `json:"title"`
	Status    int                 `json:"status"`
	Detail    string              `json:"detail,omitempty"`
	Instance  string              `json:"instance,omitempty"`
	RequestID string              `json:"request_id,omitempty"`
	Errors    []string            `json:"errors,omitempty"` // every problem, one sentence each
	Fields    map[string][]string `json:"fields,omitempty"` // problems by form field
	Locations []ProblemLocation   `json:"locations,omitempty"`
}

// ProblemLocation is where in an uploaded template an error stands.
type ProblemLocation struct {
	Where   string `json:"where"`
	Tag     string `json:"tag,omitempty"`
	Message string `json:"message"`
}

// httpError is an error that knows its status and Chinese title.
type httpError struct {
	status int
	title  string
	detail string
	cause  error
}

func (e *httpError) Error() string {
	if e.detail != "" {
		return e.detail
	}
	return e.title
}

func (e *httpError) Unwrap() error { return e.cause }

// errorf makes an error the client caused (or may see), with its status.
func errorf(status int, format string, args ...any) error {
	return &httpError{status: status, title: http.StatusText(status), detail: fmt.Sprintf(format, args...)}
}

var (
	errUnauthenticated = &httpError{status: http.StatusUnauthorized, title: "未登录", detail: "请先登录（或在 Authorization 头中提供 API 令牌）"}
	errCSRF            = &httpError{status: http.StatusForbidden, title: "请求校验失败", detail: "缺少或错误的 CSRF 校验码：请刷新页面后重试"}
)

// problemOf maps an error to the problem a client sees. Errors a user can
// cause say what was wrong; anything else is a 500 whose detail names the
// request id, not the internals.
func problemOf(err error) *Problem {
	var he *httpError
	var ve *templates.ValidationError
	var ue *templates.UploadError
	var te render.TemplateErrors
	var mf *render.MissingFieldsError
	var qe *search.QueryError
	var mbe *http.MaxBytesError
	var ref *archive.Refusal
	switch {
	case errors.As(err, &ref):
		return &Problem{Status: http.StatusUnprocessableEntity, Title: "无法执行", Detail: ref.Msg}
	case errors.As(err, &mbe):
		return &Problem{Status: http.StatusRequestEntityTooLarge, Title: "请求过大", Detail: fmt.Sprintf("请求体超过 %d KiB 的上限", mbe.Limit>>10)}
	case errors.As(err, &ve):
		return &Problem{Status: http.StatusUnprocessableEntity, Title: "数据有误", Detail: ve.Error(), Errors: ve.Problems, Fields: ve.Fields}
	case errors.As(err, &ue):
		p := &Problem{Status: http.StatusUnprocessableEntity, Title: "模板有误", Detail: ue.Error(), Errors: ue.Problems}
		for _, t := range ue.Template {
			p.Errors = append(p.Errors, t.Error())
			p.Locations = append(p.Locations, ProblemLocation{Where: t.Loc.String(), Tag: t.Tag, Message: t.Msg})
		}
		return p
	case errors.As(err, &te):
		p := &Problem{Status: http.StatusUnprocessableEntity, Title: "模板有误", Detail: te.Error()}
		for _, t := range te {
			p.Errors = append(p.Errors, t.Error())
			p.Locations = append(p.Locations, ProblemLocation{Where: t.Loc.String(), Tag: t.Tag, Message: t.Msg})
		}
		return p
	case errors.As(err, &mf):
		return &Problem{Status: http.StatusUnprocessableEntity, Title: "缺少字段", Detail: mf.Error()}
	case errors.As(err, &qe):
		return &Problem{Status: http.StatusBadRequest, Title: "检索式有误", Detail: qe.Error()}
	case errors.As(err, &he):
		return &Problem{Status: he.status, Title: he.title, Detail: he.detail}
	case errors.Is(err, auth.ErrNoToken):
		return &Problem{Status: http.StatusNotFound, Title: "未找到", Detail: "没有这个 API 令牌"}
	case errors.Is(err, auth.ErrInvalidUser), errors.Is(err, auth.ErrWeakPassword):
		return &Problem{Status: http.StatusUnprocessableEntity, Title: "用户信息有误", Detail: err.Error()}
	case errors.Is(err, auth.ErrExists):
		return &Problem{Status: http.StatusConflict, Title: "已存在", Detail: err.Error()}
	case errors.Is(err, auth.ErrForbidden):
		return &Problem{Status: http.StatusForbidden, Title: "无权访问", Detail: err.Error()}
	case errors.Is(err, archive.ErrNotFound):
		return &Problem{Status: http.StatusNotFound, Title: "未找到", Detail: err.Error()}
	case errors.Is(err, archive.ErrPrecondition):
		return &Problem{Status: http.StatusConflict, Title: "冲突", Detail: err.Error()}
	case errors.Is(err, search.ErrBusy):
		return &Problem{Status: http.StatusServiceUnavailable, Title: "检索索引暂不可用", Detail: err.Error()}
	case errors.Is(err, search.ErrDamaged):
		return &Problem{Status: http.StatusServiceUnavailable, Title: "检索索引已损坏", Detail: "检索索引无法读取，请管理员停止服务后运行 gongwen reindex 从存储重建；存储中的文件不受影响，文件详情与下载仍可使用"}
	}
	return &Problem{Status: http.StatusInternalServerError, Title: "服务器内部错误", Detail: "处理请求时出错，请稍后重试；如仍失败，请将请求编号告诉管理员"}
}

// writeProblem sends a problem as application/problem+json.
func writeProblem(w http.ResponseWriter, r *http.Request, p *Problem) {
	if p.Type == "" {
		p.Type = "about:blank"
	}
	p.Instance = r.URL.Path
	p.RequestID = requestID(r.Context())
	w.Header().Set("Content-Type", "application/problem+json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(p.Status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	enc.Encode(p)
}

// writeJSON sends v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

// isAPI reports whether a request is for the JSON API (problem+json errors)
// rather than a page.
func isAPI(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, "/api/")
}
