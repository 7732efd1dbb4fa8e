package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gongwen/gongwen/archive"
	"github.com/gongwen/gongwen/audit"
	"github.com/gongwen/gongwen/auth"
	"github.com/gongwen/gongwen/issuing"
	"github.com/gongwen/gongwen/search"
	"github.com/gongwen/gongwen/templates"
)

// routeTable is every route of the service. The OpenAPI test checks that
// each /api/v1 route is documented; the role-matrix test walks them all.
func (s *Server) routeTable() []route {
	r := []route{
		{method: "GET", path: "/healthz", perm: permPublic, h: s.healthz},
		{method: "GET", path: "/readyz", perm: permPublic, h: s.readyz},
		{method: "GET", path: "/metrics", perm: permPublic, h: s.metricsPage},
		{method: "GET", path: "/api/v1/openapi.json", perm: permPublic, h: s.openAPI},

		{method: "POST", path: "/api/v1/auth/login", perm: permPublic, h: s.apiLogin},
		{method: "POST", path: "/api/v1/auth/logout", perm: permSignIn, h: s.apiLogout},
		{method: "GET", path: "/api/v1/auth/me", perm: permSignIn, h: s.apiMe},
		{method: "POST", path: "/api/v1/auth/password", perm: permSignIn, h: s.apiPassword},
		{method: "GET", path: "/api/v1/auth/tokens", perm: permSignIn, h: s.apiTokens},
		{method: "POST", path: "/api/v1/auth/tokens", perm: permSignIn, h: s.apiCreateToken},
		{method: "DELETE", path: "/api/v1/auth/tokens/{id}", perm: permSignIn, h: s.apiRevokeToken},

		{method: "GET", path: "/api/v1/templates", perm: permSignIn, h: s.apiTemplates},
		{method: "GET", path: "/api/v1/templates/{id}", perm: permSignIn, h: s.apiTemplate},
		{method: "POST", path: "/api/v1/templates/check", perm: auth.PermManageTemplates, h: s.apiTemplateCheck, limit: maxUploadBytes},
		{method: "POST", path: "/api/v1/templates", perm: auth.PermManageTemplates, h: s.apiTemplateUpload, limit: maxUploadBytes},

		{method: "POST", path: "/api/v1/documents/preview", perm: auth.PermPreview, h: s.apiPreview},
		{method: "POST", path: "/api/v1/documents", perm: auth.PermIssue, h: s.apiIssue},
		{method: "GET", path: "/api/v1/documents/{year}/{id}", perm: auth.PermRead, h: s.apiDocument},
		{method: "GET", path: "/api/v1/documents/{year}/{id}/versions/{n}", perm: auth.PermDownload, h: s.apiDownload},
		{method: "POST", path: "/api/v1/documents/{year}/{id}/versions", perm: auth.PermRevise, h: s.apiRevise, limit: maxUploadBytes},
		{method: "POST", path: "/api/v1/documents/{year}/{id}/filing", perm: auth.PermFile, h: s.apiFile},
		{method: "POST", path: "/api/v1/documents/{year}/{id}/void", perm: auth.PermVoid, h: s.apiVoid},

		{method: "GET", path: "/api/v1/numbers", perm: auth.PermRead, h: s.apiNumbers},
		{method: "POST", path: "/api/v1/numbers/reserve", perm: auth.PermReserve, h: s.apiReserve},
		{method: "POST", path: "/api/v1/numbers/void", perm: auth.PermVoid, h: s.apiVoidNumber},

		{method: "GET", path: "/api/v1/search", perm: auth.PermSearch, h: s.apiSearch},
		{method: "GET", path: "/api/v1/audit", perm: auth.PermAudit, h: s.apiAudit},
		{method: "GET", path: "/api/v1/export", perm: auth.PermExport, h: s.export},
		{method: "GET", path: "/api/v1/tracking", perm: auth.PermRead, h: s.apiTracking},
		{method: "GET", path: "/api/v1/stats", perm: auth.PermRead, h: s.apiStats},
		{method: "POST", path: "/api/v1/import", perm: auth.PermImport, h: s.apiImport, limit: maxImportBytes},

		{method: "GET", path: "/api/v1/users", perm: auth.PermManageUsers, h: s.apiUsers},
		{method: "POST", path: "/api/v1/users", perm: auth.PermManageUsers, h: s.apiCreateUser},
		{method: "PATCH", path: "/api/v1/users/{name}", perm: auth.PermManageUsers, h: s.apiUpdateUser},
		{method: "GET", path: "/api/v1/profiles", perm: permSignIn, h: s.apiProfiles},
		{method: "PUT", path: "/api/v1/profiles/{id}", perm: auth.PermManageProfiles, h: s.apiPutProfile},
	}
	return append(r, s.pageRoutes()...)
}

// ---- health and metrics ----

func (s *Server) healthz(w http.ResponseWriter, r *http.Request, c *call) error {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	io.WriteString(w, "ok\n")
	return nil
}

// readyz answers 200 when the store and the index both answer.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request, c *call) error {
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	status := map[string]string{"store": "ok", "index": "ok"}
	code := http.StatusOK
	if _, err := s.store.Stat(ctx, "readyz-probe"); err != nil && !errors.Is(err, archive.ErrNotFound) {
		status["store"] = err.Error()
		code = http.StatusServiceUnavailable
	}
	if _, err := s.index.Count(); err != nil {
		status["index"] = err.Error()
		code = http.StatusServiceUnavailable
	}
	writeJSON(w, code, status)
	return nil
}

func (s *Server) metricsPage(w http.ResponseWriter, r *http.Request, c *call) error {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	s.metrics.write(w)
	return nil
}

// ---- decoding ----

// decodeJSON reads a JSON request body into v, naming the line and column
// of a syntax error.
func decodeJSON(r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return errorf(http.StatusUnsupportedMediaType, "请求体应为 JSON（Content-Type: application/json），而不是 %s", ct)
	}
	b, err := io.ReadAll(r.Body)
	if err != nil {
		return err
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.Is(err, io.EOF):
			return errorf(http.StatusBadRequest, "请求体为空，应为 JSON 对象")
		case errors.As(err, &se):
			line, col := lineCol(b, int(se.Offset))
			return errorf(http.StatusBadRequest, "请求体第%d行第%d列不是有效的 JSON：%v", line, col, se)
		case errors.As(err, &te):
			return errorf(http.StatusBadRequest, "请求体字段 %s 的类型不对：应为 %s", te.Field, te.Type)
		}
		return errorf(http.StatusBadRequest, "请求体不是有效的 JSON：%v", err)
	}
	if d.More() {
		return errorf(http.StatusBadRequest, "请求体在一个 JSON 对象之后还有多余内容")
	}
	return nil
}

func lineCol(b []byte, off int) (int, int) {
	if off > len(b) {
		off = len(b)
	}
	line := 1 + bytes.Count(b[:off], []byte("\n"))
	col := off - bytes.LastIndexByte(b[:off], '\n')
	return line, col
}

// ---- sign-in ----

const sessionCookie = "gongwen_session"

type loginRequest struct {
	Name     string `json:"name"`
	Password string `json:"password"`
}

// login checks a name and password under the rate limit, records the
// attempt, and opens a session.
func (s *Server) login(w http.ResponseWriter, r *http.Request, name, password string) (*auth.User, *auth.Session, error) {
	ctx := r.Context()
	name = strings.TrimSpace(name)
	keys := []string{"user:" + strings.ToLower(name), "ip:" + remoteAddr(r)}
	for _, k := range keys {
		if ok, wait := s.limiter.Allow(k); !ok {
			s.event(r, nil, audit.ActionLoginFailed, name, "登录尝试过于频繁，已暂停", audit.OutcomeRefused)
			w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
			return nil, nil, errorf(http.StatusTooManyRequests, "登录失败次数过多，请 %d 分钟后再试", int(wait.Minutes())+1)
		}
	}
	u, err := s.users.Authenticate(ctx, name, password)
	if err != nil {
		if errors.Is(err, auth.ErrBadCredentials) || errors.Is(err, auth.ErrDisabled) {
			for _, k := range keys {
				s.limiter.Fail(k)
			}
			s.event(r, nil, audit.ActionLoginFailed, name, err.Error(), audit.OutcomeRefused)
			msg := "用户名或密码错误"
			if errors.Is(err, auth.ErrDisabled) {
				msg = "该用户已停用，请联系管理员"
			}
			return nil, nil, &httpError{status: http.StatusUnauthorized, title: "登录失败", detail: msg, cause: err}
		}
		return nil, nil, err
	}
	for _, k := range keys {
		s.limiter.Success(k)
	}
	token, sess, err := s.sessions.Create(ctx, u.Name, remoteAddr(r))
	if err != nil {
		return nil, nil, err
	}
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: token, Path: "/", HttpOnly: true, Secure: s.cfg.SecureCookies,
		SameSite: http.SameSiteStrictMode, Expires: sess.Expires,
	})
	s.event(r, &call{user: u}, audit.ActionLogin, u.Name, "", audit.OutcomeOK)
	return u, sess, nil
}

func (s *Server) apiLogin(w http.ResponseWriter, r *http.Request, c *call) error {
	var req loginRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	u, sess, err := s.login(w, r, req.Name, req.Password)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"user": userView(u), "csrf_token": sess.CSRF, "expires": sess.Expires})
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request, c *call) error {
	if c.token != "" {
		if err := s.sessions.Delete(r.Context(), c.token); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteStrictMode})
	s.event(r, c, audit.ActionLogout, c.user.Name, "", audit.OutcomeOK)
	return nil
}

func (s *Server) apiLogout(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := s.logout(w, r, c); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// userView is a user as the API shows it: never the password hash.
func userView(u *auth.User) map[string]any {
	return map[string]any{
		"name": u.Name, "display_name": u.DisplayName, "org": u.Org, "role": u.Role, "role_label": u.Role.Label(),
		"clearance": u.Clearance, "scope": u.Scope, "disabled": u.Disabled, "must_change_password": u.MustChangePassword,
	}
}

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request, c *call) error {
	v := userView(c.user)
	var perms []string
	for _, p := range auth.Permissions() {
		if c.user.Can(p) {
			perms = append(perms, string(p))
		}
	}
	v["permissions"] = perms
	if c.session != nil {
		v["csrf_token"] = c.session.CSRF
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) apiPassword(w http.ResponseWriter, r *http.Request, c *call) error {
	var req struct {
		Old string `json:"old"`
		New string `json:"new"`
	}
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	if err := s.changePassword(r, c, req.Old, req.New); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// changePassword checks the old password and sets the new one.
func (s *Server) changePassword(r *http.Request, c *call, old, new string) error {
	if _, err := s.users.Authenticate(r.Context(), c.user.Name, old); err != nil {
		if errors.Is(err, auth.ErrBadCredentials) {
			return errorf(http.StatusUnprocessableEntity, "原密码不正确")
		}
		return err
	}
	if err := s.users.SetPassword(r.Context(), c.user.Name, new); err != nil {
		return userErr(err)
	}
	c.user.MustChangePassword = false
	s.event(r, c, audit.ActionUserChange, c.user.Name, "修改密码", audit.OutcomeOK)
	return nil
}

// userErr marks the auth package's validation errors as the user's.
func userErr(err error) error {
	if errors.Is(err, auth.ErrInvalidUser) || errors.Is(err, auth.ErrWeakPassword) || errors.Is(err, auth.ErrExists) {
		status := http.StatusUnprocessableEntity
		if errors.Is(err, auth.ErrExists) {
			status = http.StatusConflict
		}
		return &httpError{status: status, title: "用户信息有误", detail: err.Error(), cause: err}
	}
	return err
}

func (s *Server) apiTokens(w http.ResponseWriter, r *http.Request, c *call) error {
	ts, err := s.tokens.List(r.Context(), c.user.Name)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"tokens": ts})
	return nil
}

func (s *Server) apiCreateToken(w http.ResponseWriter, r *http.Request, c *call) error {
	var req struct {
		Name string `json:"name"`
	}
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	secret, tok, err := s.tokens.Create(r.Context(), c.user.Name, req.Name)
	if err != nil {
		return userErr(err)
	}
	s.event(r, c, audit.ActionUserChange, c.user.Name, "创建 API 令牌 "+tok.Name, audit.OutcomeOK)
	writeJSON(w, http.StatusCreated, map[string]any{"token": secret, "info": tok, "note": "令牌只显示这一次，请妥善保存"})
	return nil
}

func (s *Server) apiRevokeToken(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := s.tokens.Revoke(r.Context(), c.user.Name, c.vars["id"]); err != nil {
		return err
	}
	s.event(r, c, audit.ActionUserChange, c.user.Name, "撤销 API 令牌 "+c.vars["id"], audit.OutcomeOK)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// ---- templates ----

// templateView is a template's catalogue entry and schema.
func templateView(t *templates.Template) map[string]any {
	return map[string]any{
		"id": t.ID, "name": t.Name, "文种": t.WenZhong, "category": t.Category, "version": t.Version,
		"description": t.Description, "fields": t.Fields, "example": t.Example,
	}
}

func (s *Server) apiTemplates(w http.ResponseWriter, r *http.Request, c *call) error {
	ts, err := s.catalog.List(r.Context())
	if err != nil {
		return err
	}
	out := []map[string]any{}
	for _, t := range ts {
		v := templateView(t)
		delete(v, "fields")
		delete(v, "example")
		out = append(out, v)
	}
	writeJSON(w, http.StatusOK, map[string]any{"templates": out})
	return nil
}

func (s *Server) apiTemplate(w http.ResponseWriter, r *http.Request, c *call) error {
	t, err := s.catalog.Get(r.Context(), c.vars["id"])
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, templateView(t))
	return nil
}

// uploadedFile reads one file field of a multipart form.
func uploadedFile(r *http.Request, field string) ([]byte, string, error) {
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		return nil, "", errorf(http.StatusBadRequest, "请求应为 multipart/form-data 表单，带文件字段 %s：%v", field, err)
	}
	f, h, err := r.FormFile(field)
	if err != nil {
		return nil, "", errorf(http.StatusBadRequest, "缺少文件字段 %s", field)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		return nil, "", err
	}
	return b, h.Filename, nil
}

func (s *Server) apiTemplateCheck(w http.ResponseWriter, r *http.Request, c *call) error {
	docx, _, err := uploadedFile(r, "docx")
	if err != nil {
		return err
	}
	rep, err := templates.Check(docx)
	if err != nil {
		return errorf(http.StatusUnprocessableEntity, "%v", err)
	}
	out := map[string]any{"ok": len(rep.Errors) == 0, "variables": rep.Variables}
	var errs []ProblemLocation
	for _, e := range rep.Errors {
		errs = append(errs, ProblemLocation{Where: e.Loc.String(), Tag: e.Tag, Message: e.Msg})
	}
	out["errors"] = errs
	writeJSON(w, http.StatusOK, out)
	return nil
}

// uploadTemplate stores an uploaded template from a multipart form.
func (s *Server) uploadTemplate(r *http.Request, c *call) (*templates.Template, error) {
	docx, _, err := uploadedFile(r, "docx")
	if err != nil {
		return nil, err
	}
	u := templates.Upload{
		ID: strings.TrimSpace(r.FormValue("id")), Name: strings.TrimSpace(r.FormValue("name")),
		WenZhong: r.FormValue("wenzhong"), Description: r.FormValue("description"), Docx: docx, By: c.user.Name,
	}
	if sc := strings.TrimSpace(r.FormValue("schema")); sc != "" {
		if err := json.Unmarshal([]byte(sc), &u.Fields); err != nil {
			return nil, errorf(http.StatusUnprocessableEntity, "字段定义（schema）不是有效的 JSON 字段列表：%v", err)
		}
	}
	t, err := s.catalog.Upload(r.Context(), u)
	if err != nil {
		s.event(r, c, audit.ActionTemplateUpload, u.ID, err.Error(), audit.OutcomeFailed)
		return nil, err
	}
	s.event(r, c, audit.ActionTemplateUpload, t.ID, fmt.Sprintf("第%d版", t.Version), audit.OutcomeOK)
	return t, nil
}

func (s *Server) apiTemplateUpload(w http.ResponseWriter, r *http.Request, c *call) error {
	t, err := s.uploadTemplate(r, c)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, templateView(t))
	return nil
}

// ---- documents ----

// issueRequest is the body of preview and issue.
type issueRequest struct {
	Template string         `json:"template"`
	Data     map[string]any `json:"data"`
	Org      string         `json:"org,omitempty"` // administrators only: issue as this office
}

// issuingRequest turns a request into the issuer's, with the user's
// office: a drafter issues only under their own office's 机关代字.
func (s *Server) issuingRequest(ctx context.Context, c *call, req issueRequest) (issuing.Request, error) {
	if req.Template == "" {
		return issuing.Request{}, errorf(http.StatusUnprocessableEntity, "未指定模板（template）")
	}
	t, err := s.catalog.Get(ctx, req.Template)
	if err != nil {
		return issuing.Request{}, err
	}
	org := c.user.Org
	if req.Org != "" && req.Org != org {
		if c.user.Role != auth.RoleAdmin {
			return issuing.Request{}, &httpError{status: http.StatusForbidden, title: "无权访问", detail: "只能以本机关名义发文", cause: auth.ErrForbidden}
		}
		org = req.Org
	}
	out := issuing.Request{Template: t, Data: req.Data, Author: c.user.Name}
	if org != "" {
		p, err := s.profiles.Get(ctx, org)
		if err != nil {
			return issuing.Request{}, err
		}
		out.Profile = p
	} else if c.user.Role != auth.RoleAdmin {
		return issuing.Request{}, errorf(http.StatusUnprocessableEntity, "用户 %s 未登记所属机关，不能发文；请管理员设置", c.user.Name)
	}
	return out, nil
}

func (s *Server) apiPreview(w http.ResponseWriter, r *http.Request, c *call) error {
	var req issueRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	ir, err := s.issuingRequest(r.Context(), c, req)
	if err != nil {
		return err
	}
	p, err := s.issuer.Preview(r.Context(), ir)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"text": p.Text, "next_wenhao": p.NextWenhao})
	return nil
}

// issue issues a document and records the event.
func (s *Server) issue(r *http.Request, c *call, req issueRequest) (*issuing.Result, error) {
	ir, err := s.issuingRequest(r.Context(), c, req)
	if err != nil {
		return nil, err
	}
	res, err := s.issuer.Issue(r.Context(), ir)
	if err != nil {
		s.event(r, c, audit.ActionIssue, req.Template, err.Error(), audit.OutcomeFailed)
		return nil, err
	}
	if res.Warning != "" {
		s.log.Warn("issued with warning", "request_id", requestID(r.Context()), "id", res.Record.ID, "warning", res.Warning)
	}
	if err := s.event(r, c, audit.ActionIssue, res.Record.ID, res.Record.Wenhao+" "+res.Record.Title, audit.OutcomeOK); err != nil {
		s.log.Error("issued but not audited", "id", res.Record.ID)
	}
	return res, nil
}

func docPath(r *archive.Record) string { return fmt.Sprintf("%d/%s", r.Year, r.ID) }

func (s *Server) apiIssue(w http.ResponseWriter, r *http.Request, c *call) error {
	var req issueRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	res, err := s.issue(r, c, req)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/documents/"+docPath(res.Record))
	writeJSON(w, http.StatusCreated, map[string]any{
		"record": res.Record, "warning": res.Warning,
		"download": fmt.Sprintf("/api/v1/documents/%s/versions/%d", docPath(res.Record), res.Record.Latest().N),
	})
	return nil
}

// visible loads the document a route names and checks the user may see
// it; a refusal is audited.
func (s *Server) visible(r *http.Request, c *call) (*archive.Record, error) {
	year, err := strconv.Atoi(c.vars["year"])
	if err != nil || year < 1000 || year > 9999 {
		return nil, errorf(http.StatusNotFound, "文件地址中的年份“%s”无效", c.vars["year"])
	}
	id := c.vars["id"]
	if err := archive.ValidKey("documents/" + id); err != nil || strings.ContainsAny(id, "/.") {
		return nil, errorf(http.StatusNotFound, "文件编号“%s”无效", id)
	}
	rec, _, err := s.docs.GetRecord(r.Context(), year, id)
	if err != nil {
		if errors.Is(err, archive.ErrNotFound) {
			return nil, errorf(http.StatusNotFound, "没有文件 %d/%s", year, id)
		}
		return nil, err
	}
	if !c.user.CanSee(rec) {
		err := &httpError{status: http.StatusForbidden, title: "无权访问", detail: "您无权查看此文件", cause: auth.ErrForbidden}
		s.refuse(r, c, rec.ID, err)
		return nil, err
	}
	return rec, nil
}

// related are the documents linked to one: the one it answers and those
// that answer it, that the user may see.
func (s *Server) related(ctx context.Context, c *call, rec *archive.Record) ([]*archive.Record, error) {
	var out []*archive.Record
	if rec.RespondsTo != "" {
		if r2, err := s.findDocument(ctx, rec.RespondsTo); err == nil && c.user.CanSee(r2) {
			out = append(out, r2)
		}
	}
	answers, err := s.answersTo(ctx, rec)
	if errors.Is(err, search.ErrDamaged) || errors.Is(err, search.ErrBusy) {
		// The document itself comes from the store: show it without the
		// answers the index would have found.
		s.log.Warn("related documents: index unavailable", "document", rec.ID, "err", err)
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	for _, a := range answers {
		if c.user.CanSee(a) {
			out = append(out, a)
		}
	}
	return out, nil
}

// findDocument finds a document by id or by a typed 发文字号.
func (s *Server) findDocument(ctx context.Context, ref string) (*archive.Record, error) {
	if e, err := s.registry.Lookup(ctx, ref); err == nil && e.DocumentID != "" {
		r, _, err := s.docs.GetRecord(ctx, e.Year, e.DocumentID)
		return r, err
	}
	if len(ref) >= 4 {
		if y, err := strconv.Atoi(ref[:4]); err == nil {
			for _, year := range []int{y, y - 1, y + 1} {
				if r, _, err := s.docs.GetRecord(ctx, year, ref); err == nil {
					return r, nil
				}
			}
		}
	}
	return nil, archive.ErrNotFound
}

// answersTo finds the documents whose 答复文件 is rec, through the index.
func (s *Server) answersTo(ctx context.Context, rec *archive.Record) ([]*archive.Record, error) {
	res, err := s.index.Search(ctx, search.Request{Query: "答复:" + rec.ID, Size: 50})
	if err != nil {
		return nil, err
	}
	var out []*archive.Record
	for _, h := range res.Hits {
		if r, err := s.findDocument(ctx, h.ID); err == nil && r.RespondsTo == rec.ID {
			out = append(out, r)
		}
	}
	return out, nil
}

// documentView is a record as the API shows it, with links.
func documentView(rec *archive.Record, related []*archive.Record) map[string]any {
	var versions []map[string]any
	for _, v := range rec.Versions {
		versions = append(versions, map[string]any{
			"n": v.N, "sha256": v.SHA256, "size": v.Size, "time": v.Time, "author": v.Author, "note": v.Note,
			"download": fmt.Sprintf("/api/v1/documents/%s/versions/%d", docPath(rec), v.N),
		})
	}
	var rel []map[string]any
	for _, r := range related {
		rel = append(rel, map[string]any{"id": r.ID, "year": r.Year, "wenhao": r.Wenhao, "title": r.Title, "category": r.Category,
			"href": "/api/v1/documents/" + docPath(r)})
	}
	return map[string]any{"record": rec, "versions": versions, "related": rel}
}

func (s *Server) apiDocument(w http.ResponseWriter, r *http.Request, c *call) error {
	rec, err := s.visible(r, c)
	if err != nil {
		return err
	}
	rel, err := s.related(r.Context(), c, rec)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, documentView(rec, rel))
	return nil
}

// download sends one version of a visible document and audits it.
func (s *Server) download(w http.ResponseWriter, r *http.Request, c *call, rec *archive.Record, n int) error {
	var v *archive.Version
	for i := range rec.Versions {
		if rec.Versions[i].N == n {
			v = &rec.Versions[i]
		}
	}
	if v == nil {
		return errorf(http.StatusNotFound, "%s 没有第%d版", rec.Wenhao, n)
	}
	content, err := s.docs.GetVersion(r.Context(), rec, n)
	if err != nil {
		return err
	}
	name := downloadName(rec, n)
	s.event(r, c, audit.ActionDownload, rec.ID, fmt.Sprintf("%s 第%d版", rec.Wenhao, n), audit.OutcomeOK)
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=\"document.docx\"; filename*=UTF-8''%s", url.PathEscape(name)))
	w.Header().Set("Content-Length", strconv.Itoa(len(content)))
	w.Header().Set("X-Content-SHA256", v.SHA256)
	w.Header().Set("Cache-Control", "private, no-store")
	_, err = w.Write(content)
	return err
}

// downloadName is 发文字号-标题.docx (with the version after the first).
func downloadName(rec *archive.Record, n int) string {
	base := rec.Wenhao
	if rec.Title != "" {
		base += "-" + rec.Title
	}
	if base == "" {
		base = rec.ID
	}
	base = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`/\:*?"<>|`, r) || r < 0x20 {
			return '_'
		}
		return r
	}, base)
	if r := []rune(base); len(r) > 80 {
		base = string(r[:80])
	}
	if n > 1 {
		base += fmt.Sprintf("-第%d版", n)
	}
	return base + ".docx"
}

func (s *Server) apiDownload(w http.ResponseWriter, r *http.Request, c *call) error {
	rec, err := s.visible(r, c)
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(c.vars["n"])
	if err != nil {
		return errorf(http.StatusNotFound, "版本号“%s”无效", c.vars["n"])
	}
	return s.download(w, r, c, rec, n)
}

// revise stores a corrected version.
func (s *Server) revise(r *http.Request, c *call) (*archive.Record, error) {
	rec, err := s.visible(r, c)
	if err != nil {
		return nil, err
	}
	docx, _, err := uploadedFile(r, "docx")
	if err != nil {
		return nil, err
	}
	note := strings.TrimSpace(r.FormValue("note"))
	if note == "" {
		return nil, errorf(http.StatusUnprocessableEntity, "请填写更正说明（note）")
	}
	if _, err := templates.Check(docx); err != nil {
		return nil, errorf(http.StatusUnprocessableEntity, "上传的文件不是有效的 .docx：%v", err)
	}
	out, err := s.docs.AddVersion(r.Context(), rec.Year, rec.ID, docx, c.user.Name, note)
	if err != nil {
		s.event(r, c, audit.ActionVersion, rec.ID, err.Error(), audit.OutcomeFailed)
		return nil, err
	}
	s.reindex(r.Context(), out)
	s.event(r, c, audit.ActionVersion, rec.ID, fmt.Sprintf("%s 第%d版：%s", out.Wenhao, out.Latest().N, note), audit.OutcomeOK)
	return out, nil
}

// reindex updates the index after a change; the index is derived, so a
// failure is logged and the sync loop catches up.
func (s *Server) reindex(ctx context.Context, rec *archive.Record) {
	if err := s.index.IndexRecord(ctx, s.store, rec); err != nil {
		s.log.Warn("index update failed", "id", rec.ID, "err", err)
	}
}

func (s *Server) apiRevise(w http.ResponseWriter, r *http.Request, c *call) error {
	rec, err := s.revise(r, c)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, documentView(rec, nil))
	return nil
}

// fileDocument files (归档) a visible document under its office's 全宗.
func (s *Server) fileDocument(r *http.Request, c *call, retention string) (*archive.Record, error) {
	rec, err := s.visible(r, c)
	if err != nil {
		return nil, err
	}
	org := rec.Org
	if org == "" {
		org = c.user.Org
	}
	if org == "" {
		return nil, errorf(http.StatusUnprocessableEntity, "%s 未登记发文机关，无法确定全宗号；请管理员处理", rec.Wenhao)
	}
	p, err := s.profiles.Get(r.Context(), org)
	if err != nil {
		return nil, err
	}
	out, err := s.docs.File(r.Context(), rec.Year, rec.ID, retention, p, c.user.Name)
	if err != nil {
		s.event(r, c, audit.ActionFile, rec.ID, err.Error(), audit.OutcomeFailed)
		if out == nil {
			return nil, err
		}
	}
	s.reindex(r.Context(), out)
	s.event(r, c, audit.ActionFile, rec.ID, fmt.Sprintf("%s 档号 %s 保管期限 %s", out.Wenhao, out.Filing.DangHao, out.Filing.Retention), audit.OutcomeOK)
	return out, err
}

func (s *Server) apiFile(w http.ResponseWriter, r *http.Request, c *call) error {
	var req struct {
		Retention string `json:"retention"`
	}
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	rec, err := s.fileDocument(r, c, req.Retention)
	if err != nil && rec == nil {
		return err
	}
	out := documentView(rec, nil)
	if err != nil {
		out["warning"] = err.Error()
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// voidDocument voids a visible document with a reason.
func (s *Server) voidDocument(r *http.Request, c *call, reason string) (*archive.Record, error) {
	rec, err := s.visible(r, c)
	if err != nil {
		return nil, err
	}
	out, err := s.docs.Void(r.Context(), rec.Year, rec.ID, reason, c.user.Name)
	if err != nil {
		s.event(r, c, audit.ActionVoid, rec.ID, err.Error(), audit.OutcomeFailed)
		return nil, err
	}
	s.reindex(r.Context(), out)
	s.event(r, c, audit.ActionVoid, rec.ID, out.Wenhao+"："+reason, audit.OutcomeOK)
	return out, nil
}

func (s *Server) apiVoid(w http.ResponseWriter, r *http.Request, c *call) error {
	var req struct {
		Reason string `json:"reason"`
	}
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	rec, err := s.voidDocument(r, c, req.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, documentView(rec, nil))
	return nil
}

// ---- numbers ----

// ownsDaizi reports whether the user may act on a 机关代字's numbers: an
// administrator on any, others on their office's (evaluators on those of
// the offices in their scope).
func (s *Server) ownsDaizi(ctx context.Context, u *auth.User, daizi string, write bool) (bool, error) {
	if u.Role == auth.RoleAdmin {
		return true, nil
	}
	orgs := []string{u.Org}
	if u.Role == auth.RoleEvaluator {
		if write {
			return false, nil
		}
		if len(u.Scope.Orgs) == 0 {
			return true, nil
		}
		orgs = u.Scope.Orgs
	}
	for _, o := range orgs {
		if o == "" {
			continue
		}
		p, err := s.profiles.Get(ctx, o)
		if err != nil {
			var ref *archive.Refusal
			if errors.As(err, &ref) {
				continue
			}
			return false, err
		}
		if p.Owns(daizi) {
			return true, nil
		}
	}
	return false, nil
}

// numberList is a registry listing with its gap check.
type numberList struct {
	Daizi   string                 `json:"daizi"`
	Year    int                    `json:"year"`
	Entries []*archive.NumberEntry `json:"entries"`
	Gaps    []int                  `json:"gaps"`
}

func (s *Server) numbers(r *http.Request, c *call, daizi string, year int) (*numberList, error) {
	if err := archive.CheckDaizi(daizi); err != nil {
		return nil, err
	}
	ok, err := s.ownsDaizi(r.Context(), c.user, daizi, false)
	if err != nil {
		return nil, err
	}
	if !ok {
		err := &httpError{status: http.StatusForbidden, title: "无权访问", detail: "无权查看机关代字“" + daizi + "”的文号", cause: auth.ErrForbidden}
		s.refuse(r, c, "numbers "+daizi, err)
		return nil, err
	}
	es, err := s.registry.List(r.Context(), daizi, year)
	if err != nil {
		return nil, err
	}
	gaps := archive.Gaps(es)
	if es == nil {
		es = []*archive.NumberEntry{}
	}
	if gaps == nil {
		gaps = []int{}
	}
	return &numberList{Daizi: daizi, Year: year, Entries: es, Gaps: gaps}, nil
}

func (s *Server) apiNumbers(w http.ResponseWriter, r *http.Request, c *call) error {
	q := r.URL.Query()
	year, err := strconv.Atoi(q.Get("year"))
	if q.Get("year") == "" {
		year, err = s.cfg.Now().Year(), nil
	}
	if err != nil {
		return errorf(http.StatusBadRequest, "年份“%s”无效", q.Get("year"))
	}
	if q.Get("daizi") == "" {
		return errorf(http.StatusBadRequest, "请指定机关代字（daizi）")
	}
	l, err := s.numbers(r, c, q.Get("daizi"), year)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, l)
	return nil
}

type numberRequest struct {
	Daizi  string `json:"daizi"`
	Year   int    `json:"year"`
	Wenhao string `json:"wenhao"`
	Reason string `json:"reason"`
}

func (s *Server) reserve(r *http.Request, c *call, req numberRequest) (*archive.NumberEntry, error) {
	if req.Year == 0 {
		req.Year = s.cfg.Now().Year()
	}
	if err := archive.CheckDaizi(req.Daizi); err != nil {
		return nil, err
	}
	if strings.TrimSpace(req.Reason) == "" {
		return nil, errorf(http.StatusUnprocessableEntity, "预留文号须说明原因")
	}
	ok, err := s.ownsDaizi(r.Context(), c.user, req.Daizi, true)
	if err != nil {
		return nil, err
	}
	if !ok {
		err := &httpError{status: http.StatusForbidden, title: "无权访问", detail: "只能预留本机关的文号，“" + req.Daizi + "”不是", cause: auth.ErrForbidden}
		s.refuse(r, c, "reserve "+req.Daizi, err)
		return nil, err
	}
	e, _, err := s.registry.Allocate(r.Context(), req.Daizi, req.Year, archive.NumberReserved, "", c.user.Name, req.Reason)
	if err != nil {
		return nil, err
	}
	s.event(r, c, audit.ActionReserve, e.Wenhao, req.Reason, audit.OutcomeOK)
	return e, nil
}

func (s *Server) apiReserve(w http.ResponseWriter, r *http.Request, c *call) error {
	var req numberRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	e, err := s.reserve(r, c, req)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, e)
	return nil
}

func (s *Server) voidNumber(r *http.Request, c *call, req numberRequest) (*archive.NumberEntry, error) {
	daizi, year, seq, err := archive.ParseWenhao(req.Wenhao)
	if err != nil {
		return nil, err
	}
	ok, err := s.ownsDaizi(r.Context(), c.user, daizi, true)
	if err != nil {
		return nil, err
	}
	if !ok {
		err := &httpError{status: http.StatusForbidden, title: "无权访问", detail: "只能作废本机关的文号", cause: auth.ErrForbidden}
		s.refuse(r, c, "void "+req.Wenhao, err)
		return nil, err
	}
	e, err := s.registry.Void(r.Context(), daizi, year, seq, req.Reason, c.user.Name)
	if err != nil {
		return nil, err
	}
	s.event(r, c, audit.ActionVoid, e.Wenhao, req.Reason, audit.OutcomeOK)
	return e, nil
}

func (s *Server) apiVoidNumber(w http.ResponseWriter, r *http.Request, c *call) error {
	var req numberRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	e, err := s.voidNumber(r, c, req)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, e)
	return nil
}

// ---- search ----

// secrecyLevels are the 密级 in rising order; "公开" is unclassified.
var secrecyLevels = []string{"", "公开", "秘密", "机密", "绝密"}

// restrictionFor is what a user may see, as a search restriction: the
// same rule as auth.User.CanSee.
func restrictionFor(u *auth.User) *search.Restriction {
	w := &search.Restriction{Secrecy: []string{}}
	for _, l := range secrecyLevels {
		if auth.SecrecyRank(l) <= auth.SecrecyRank(u.Clearance) {
			w.Secrecy = append(w.Secrecy, l)
		}
	}
	switch u.Role {
	case auth.RoleAdmin:
	case auth.RoleDrafter, auth.RoleArchivist:
		w.Orgs = []string{}
		if u.Org != "" {
			w.Orgs = []string{u.Org}
		}
	case auth.RoleEvaluator:
		if len(u.Scope.Orgs) > 0 {
			w.Orgs = u.Scope.Orgs
		}
		if len(u.Scope.Units) > 0 {
			w.Units = u.Scope.Units
		}
		if t, err := time.Parse("2006-01-02", u.Scope.From); err == nil {
			w.From = t
		}
		if t, err := time.Parse("2006-01-02", u.Scope.To); err == nil {
			w.To = t
		}
	default:
		w.Orgs = []string{}
	}
	if u.Disabled {
		w.Orgs = []string{}
	}
	return w
}

// searchPage runs a search for a user from query parameters.
func (s *Server) searchPage(r *http.Request, c *call) (*search.Result, search.Request, error) {
	q := r.URL.Query()
	req := search.Request{Query: strings.TrimSpace(q.Get("q")), Sort: q.Get("sort"), Size: 20, Within: restrictionFor(c.user)}
	if v := q.Get("size"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 200 {
			return nil, req, errorf(http.StatusBadRequest, "每页条数 size 应为 1–200，而不是“%s”", v)
		}
		req.Size = n
	}
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 10000 {
			return nil, req, errorf(http.StatusBadRequest, "页码 page 应为正整数，而不是“%s”", v)
		}
		req.From = (n - 1) * req.Size
	}
	res, err := s.index.Search(r.Context(), req)
	return res, req, err
}

func (s *Server) apiSearch(w http.ResponseWriter, r *http.Request, c *call) error {
	if strings.TrimSpace(r.URL.Query().Get("q")) == "" {
		return errorf(http.StatusBadRequest, "请输入检索词（q）")
	}
	res, req, err := s.searchPage(r, c)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"query": req.Query, "total": res.Total, "page": req.From/req.Size + 1, "size": req.Size,
		"hits": res.Hits, "facets": res.Facets,
	})
	return nil
}

// ---- audit ----

// auditFilter reads an audit filter from query parameters.
func auditFilter(r *http.Request) (audit.Filter, error) {
	q := r.URL.Query()
	f := audit.Filter{Actor: q.Get("actor"), Action: q.Get("action"), Target: q.Get("target"), Outcome: q.Get("outcome"), Before: q.Get("before"), Limit: 100}
	for _, p := range []struct {
		name string
		dst  *time.Time
		end  bool
	}{{"from", &f.From, false}, {"to", &f.To, true}} {
		v := q.Get(p.name)
		if v == "" {
			continue
		}
		t, err := time.ParseInLocation("2006-01-02", v, time.Local)
		if err != nil {
			return f, errorf(http.StatusBadRequest, "%s 应为日期 YYYY-MM-DD，而不是“%s”", p.name, v)
		}
		if p.end {
			t = t.AddDate(0, 0, 1).Add(-time.Nanosecond)
		}
		*p.dst = t
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return f, errorf(http.StatusBadRequest, "limit 应为 1–1000")
		}
		f.Limit = n
	}
	return f, nil
}

func (s *Server) apiAudit(w http.ResponseWriter, r *http.Request, c *call) error {
	f, err := auditFilter(r)
	if err != nil {
		return err
	}
	evs, next, err := s.audit.Query(r.Context(), f)
	if err != nil {
		return err
	}
	if evs == nil {
		evs = []*audit.Event{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"events": evs, "next": next})
	return nil
}

// ---- users and offices ----

func (s *Server) apiUsers(w http.ResponseWriter, r *http.Request, c *call) error {
	us, err := s.users.List(r.Context())
	if err != nil {
		return err
	}
	out := []map[string]any{}
	for _, u := range us {
		out = append(out, userView(u))
	}
	writeJSON(w, http.StatusOK, map[string]any{"users": out})
	return nil
}

// userRequest creates or changes a user.
type userRequest struct {
	Name          string      `json:"name"`
	DisplayName   *string     `json:"display_name"`
	Org           *string     `json:"org"`
	Role          *string     `json:"role"`
	Clearance     *string     `json:"clearance"`
	Scope         *auth.Scope `json:"scope"`
	Disabled      *bool       `json:"disabled"`
	Password      string      `json:"password,omitempty"`
	ResetPassword bool        `json:"reset_password,omitempty"`
}

func (req userRequest) apply(u *auth.User) error {
	if req.DisplayName != nil {
		u.DisplayName = *req.DisplayName
	}
	if req.Org != nil {
		u.Org = *req.Org
	}
	if req.Role != nil {
		role, err := auth.ParseRole(*req.Role)
		if err != nil {
			return userErr(err)
		}
		u.Role = role
	}
	if req.Clearance != nil {
		u.Clearance = *req.Clearance
	}
	if req.Scope != nil {
		u.Scope = *req.Scope
	}
	if req.Disabled != nil {
		u.Disabled = *req.Disabled
	}
	return nil
}

func (s *Server) createUser(r *http.Request, c *call, req userRequest) (*auth.User, string, error) {
	u := &auth.User{Name: req.Name}
	if err := req.apply(u); err != nil {
		return nil, "", err
	}
	pw := req.Password
	if pw == "" {
		var err error
		if pw, err = auth.NewOneTimePassword(); err != nil {
			return nil, "", err
		}
		u.MustChangePassword = true
	}
	if err := s.users.Create(r.Context(), u, pw); err != nil {
		return nil, "", userErr(err)
	}
	s.event(r, c, audit.ActionUserChange, u.Name, fmt.Sprintf("新建用户：%s，%s", u.Role.Label(), u.Org), audit.OutcomeOK)
	if req.Password != "" {
		pw = ""
	}
	return u, pw, nil
}

func (s *Server) apiCreateUser(w http.ResponseWriter, r *http.Request, c *call) error {
	var req userRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	u, pw, err := s.createUser(r, c, req)
	if err != nil {
		return err
	}
	out := map[string]any{"user": userView(u)}
	if pw != "" {
		out["password"] = pw
		out["note"] = "一次性密码只显示这一次；用户首次登录后须修改"
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

func (s *Server) updateUser(r *http.Request, c *call, name string, req userRequest) (*auth.User, string, error) {
	if name == c.user.Name && (req.Disabled != nil && *req.Disabled || req.Role != nil && *req.Role != string(auth.RoleAdmin)) {
		return nil, "", errorf(http.StatusUnprocessableEntity, "不能停用自己或取消自己的管理员角色")
	}
	u, err := s.users.Update(r.Context(), name, func(u *auth.User) error { return req.apply(u) })
	if err != nil {
		return nil, "", userErr(err)
	}
	var pw string
	if req.ResetPassword {
		if pw, err = s.users.ResetPassword(r.Context(), name); err != nil {
			return nil, "", err
		}
	}
	if u.Disabled {
		if _, err := s.sessions.DeleteUser(r.Context(), u.Name); err != nil {
			return nil, "", err
		}
	}
	detail := "修改用户信息"
	if pw != "" {
		detail += "并重置密码"
	}
	s.event(r, c, audit.ActionUserChange, u.Name, detail, audit.OutcomeOK)
	return u, pw, nil
}

func (s *Server) apiUpdateUser(w http.ResponseWriter, r *http.Request, c *call) error {
	var req userRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	u, pw, err := s.updateUser(r, c, c.vars["name"], req)
	if err != nil {
		return err
	}
	out := map[string]any{"user": userView(u)}
	if pw != "" {
		out["password"] = pw
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiProfiles(w http.ResponseWriter, r *http.Request, c *call) error {
	ps, err := s.profiles.List(r.Context())
	if err != nil {
		return err
	}
	if ps == nil {
		ps = []*archive.Profile{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"profiles": ps})
	return nil
}

func (s *Server) apiPutProfile(w http.ResponseWriter, r *http.Request, c *call) error {
	var p archive.Profile
	if err := decodeJSON(r, &p); err != nil {
		return err
	}
	if p.ID == "" {
		p.ID = c.vars["id"]
	}
	if p.ID != c.vars["id"] {
		return errorf(http.StatusUnprocessableEntity, "机关 id “%s”与地址中的“%s”不一致", p.ID, c.vars["id"])
	}
	if err := s.profiles.Put(r.Context(), &p); err != nil {
		return err
	}
	s.event(r, c, audit.ActionUserChange, "profile "+p.ID, "保存机关信息："+p.Name, audit.OutcomeOK)
	writeJSON(w, http.StatusOK, &p)
	return nil
}
