package server

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/gongwen/gongwen/archive"
	"github.com/gongwen/gongwen/audit"
	"github.com/gongwen/gongwen/auth"
	"github.com/gongwen/gongwen/search"
	"github.com/gongwen/gongwen/templates"
)

// pageRoutes are the web UI's routes. Pages answer errors with an error
// page; forms post back with the session's CSRF token.
func (s *Server) pageRoutes() []route {
	return []route{
		{method: "GET", path: "/", perm: permSignIn, h: s.home},
		{method: "GET", path: "/login", perm: permPublic, h: s.loginPage},
		{method: "POST", path: "/login", perm: permPublic, h: s.loginPost, limit: maxFormBytes},
		{method: "POST", path: "/logout", perm: permSignIn, h: s.logoutPost, limit: maxFormBytes},
		{method: "GET", path: "/account", perm: permSignIn, h: s.accountPage},
		{method: "POST", path: "/account", perm: permSignIn, h: s.accountPost, limit: maxFormBytes},

		{method: "GET", path: "/issue", perm: auth.PermIssue, h: s.issueChoosePage},
		{method: "GET", path: "/issue/{template}", perm: auth.PermIssue, h: s.issueFormPage},
		{method: "POST", path: "/issue/{template}", perm: auth.PermPreview, h: s.issueFormPost, limit: maxFormBytes},

		{method: "GET", path: "/search", perm: auth.PermSearch, h: s.searchUIPage},
		{method: "GET", path: "/export", perm: auth.PermExport, h: s.export},
		{method: "GET", path: "/documents/{year}/{id}", perm: auth.PermRead, h: s.documentPage},
		{method: "GET", path: "/documents/{year}/{id}/v/{n}", perm: auth.PermDownload, h: s.apiDownload},
		{method: "POST", path: "/documents/{year}/{id}/file", perm: auth.PermFile, h: s.filePost, limit: maxFormBytes},
		{method: "POST", path: "/documents/{year}/{id}/void", perm: auth.PermVoid, h: s.voidPost, limit: maxFormBytes},
		{method: "POST", path: "/documents/{year}/{id}/versions", perm: auth.PermRevise, h: s.revisePost, limit: maxUploadBytes},

		{method: "GET", path: "/numbers", perm: auth.PermRead, h: s.numbersPage},
		{method: "POST", path: "/numbers/reserve", perm: auth.PermReserve, h: s.reservePost, limit: maxFormBytes},
		{method: "POST", path: "/numbers/void", perm: auth.PermVoid, h: s.voidNumberPost, limit: maxFormBytes},

		{method: "GET", path: "/templates", perm: auth.PermManageTemplates, h: s.templatesPage},
		{method: "POST", path: "/templates", perm: auth.PermManageTemplates, h: s.templatesPost, limit: maxUploadBytes},

		{method: "GET", path: "/users", perm: auth.PermManageUsers, h: s.usersPage},
		{method: "POST", path: "/users", perm: auth.PermManageUsers, h: s.usersPost, limit: maxFormBytes},
		{method: "POST", path: "/users/{name}", perm: auth.PermManageUsers, h: s.userPost, limit: maxFormBytes},

		{method: "GET", path: "/audit", perm: auth.PermAudit, h: s.auditPage},
		{method: "GET", path: "/tracking", perm: auth.PermRead, h: s.trackingPage},
		{method: "GET", path: "/stats", perm: auth.PermRead, h: s.statsPage},
		{method: "GET", path: "/import", perm: auth.PermImport, h: s.importPage},
		{method: "POST", path: "/import", perm: auth.PermImport, h: s.importPost, limit: maxImportBytes},
		{method: "GET", path: "/stats/chart.png", perm: auth.PermRead, h: s.statsChart},
	}
}

// redirectFlash sends the browser to a page with a message to show once.
func redirectFlash(w http.ResponseWriter, r *http.Request, to, flash string) {
	sep := "?"
	if strings.Contains(to, "?") {
		sep = "&"
	}
	http.Redirect(w, r, to+sep+"flash="+url.QueryEscape(flash), http.StatusSeeOther)
}

// safeNext keeps a post-login redirect on this site.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}

func (s *Server) home(w http.ResponseWriter, r *http.Request, c *call) error {
	to := "/account"
	for _, n := range nav {
		if c.user.Can(n.Perm) {
			to = n.Href
			break
		}
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// ---- sign-in and account ----

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request, c *call) error {
	if c.user != nil {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return nil
	}
	d := page(r, c, "登录", "", map[string]string{"Next": r.URL.Query().Get("next")})
	d.CSRF = s.loginCSRF(w)
	s.ui.render(w, http.StatusOK, "login", d)
	return nil
}

// loginCookie carries the login form's CSRF token (double submit: the
// form's hidden field must equal the cookie, which another site can
// neither read nor set).
const loginCookie = "gongwen_login_csrf"

func (s *Server) loginCSRF(w http.ResponseWriter) string {
	tok := newRequestID() + newRequestID()
	http.SetCookie(w, &http.Cookie{Name: loginCookie, Value: tok, Path: "/login", HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteStrictMode, MaxAge: 3600})
	return tok
}

func (s *Server) loginPost(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := r.ParseForm(); err != nil {
		return errorf(http.StatusBadRequest, "表单无法读取：%v", err)
	}
	next := r.PostFormValue("next")
	var u *auth.User
	ck, cerr := r.Cookie(loginCookie)
	var err error = errCSRF
	if cerr == nil && ck.Value != "" && constantTimeEqual(ck.Value, r.PostFormValue("csrf")) {
		u, _, err = s.login(w, r, r.PostFormValue("name"), r.PostFormValue("password"))
	} else {
		s.refuse(r, c, "login", errCSRF)
	}
	if err != nil {
		p := problemOf(err)
		d := page(r, c, "登录", "", map[string]string{"Next": next, "Name": r.PostFormValue("name")})
		d.Error = p.Detail
		d.CSRF = s.loginCSRF(w)
		s.ui.render(w, p.Status, "login", d)
		return nil
	}
	if u.MustChangePassword {
		http.Redirect(w, r, "/account?first=1", http.StatusSeeOther)
		return nil
	}
	http.Redirect(w, r, safeNext(next), http.StatusSeeOther)
	return nil
}

func (s *Server) logoutPost(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := s.logout(w, r, c); err != nil {
		return err
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

type accountData struct {
	First  bool
	Tokens any
	Secret string
}

func (s *Server) accountPage(w http.ResponseWriter, r *http.Request, c *call) error {
	ts, err := s.tokens.List(r.Context(), c.user.Name)
	if err != nil {
		return err
	}
	d := page(r, c, "我的账户", "/account", &accountData{First: c.user.MustChangePassword, Tokens: ts})
	s.ui.render(w, http.StatusOK, "account", d)
	return nil
}

func (s *Server) accountPost(w http.ResponseWriter, r *http.Request, c *call) error {
	var err error
	ad := &accountData{First: c.user.MustChangePassword}
	switch r.PostFormValue("action") {
	case "password":
		if r.PostFormValue("new") != r.PostFormValue("again") {
			err = errorf(http.StatusUnprocessableEntity, "两次输入的新密码不一致")
		} else if err = s.changePassword(r, c, r.PostFormValue("old"), r.PostFormValue("new")); err == nil {
			redirectFlash(w, r, "/", "密码已修改")
			return nil
		}
	case "token":
		var tok string
		tok, _, err = s.tokens.Create(r.Context(), c.user.Name, r.PostFormValue("name"))
		if err == nil {
			s.event(r, c, audit.ActionUserChange, c.user.Name, "创建 API 令牌 "+r.PostFormValue("name"), audit.OutcomeOK)
			ad.Secret = tok
		}
	case "revoke":
		if err = s.tokens.Revoke(r.Context(), c.user.Name, r.PostFormValue("id")); err == nil {
			s.event(r, c, audit.ActionUserChange, c.user.Name, "撤销 API 令牌", audit.OutcomeOK)
			redirectFlash(w, r, "/account", "令牌已撤销")
			return nil
		}
	default:
		err = errorf(http.StatusBadRequest, "未知的操作")
	}
	ts, lerr := s.tokens.List(r.Context(), c.user.Name)
	if lerr != nil {
		return lerr
	}
	ad.Tokens = ts
	d := page(r, c, "我的账户", "/account", ad)
	status := http.StatusOK
	if err != nil {
		p := problemOf(userErr(err))
		d.Error, status = p.Detail, p.Status
	}
	s.ui.render(w, status, "account", d)
	return nil
}

// ---- issuing ----

func (s *Server) issueChoosePage(w http.ResponseWriter, r *http.Request, c *call) error {
	ts, err := s.catalog.List(r.Context())
	if err != nil {
		return err
	}
	s.ui.render(w, http.StatusOK, "issue_choose", page(r, c, "拟稿发文", "/issue", ts))
	return nil
}

type issueFormData struct {
	Template *templates.Template
	Fields   []formField
	Preview  string
	Next     string
	Orgs     []*archive.Profile
	Org      string
}

func (s *Server) issueForm(w http.ResponseWriter, r *http.Request, c *call, t *templates.Template, data map[string]any, errs map[string][]string, status int, d *pageData) error {
	fd := &issueFormData{Template: t, Fields: formFields(t, data, errs), Org: c.user.Org}
	if c.user.Role == auth.RoleAdmin {
		ps, err := s.profiles.List(r.Context())
		if err != nil {
			return err
		}
		fd.Orgs = ps
		if o := r.FormValue("org"); o != "" {
			fd.Org = o
		}
	}
	if prev, ok := d.Data.(*issueFormData); ok && prev != nil {
		fd.Preview, fd.Next = prev.Preview, prev.Next
	}
	d.Data = fd
	s.ui.render(w, status, "issue_form", d)
	return nil
}

func (s *Server) issueFormPage(w http.ResponseWriter, r *http.Request, c *call) error {
	t, err := s.catalog.Get(r.Context(), c.vars["template"])
	if err != nil {
		return err
	}
	data := map[string]any{}
	if r.URL.Query().Get("example") == "1" {
		data = t.Example
	}
	return s.issueForm(w, r, c, t, data, nil, http.StatusOK, page(r, c, "拟稿："+t.Name, "/issue", nil))
}

func (s *Server) issueFormPost(w http.ResponseWriter, r *http.Request, c *call) error {
	t, err := s.catalog.Get(r.Context(), c.vars["template"])
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return errorf(http.StatusBadRequest, "表单无法读取：%v", err)
	}
	data, problems := dataFromForm(t, r.PostForm)
	d := page(r, c, "拟稿："+t.Name, "/issue", nil)
	fail := func(err error) error {
		p := problemOf(err)
		if p.Status >= 500 {
			return err
		}
		for k, v := range p.Fields {
			problems[k] = append(problems[k], v...)
		}
		d.Error, d.Errors = p.Title+"："+firstLine(p.Detail), p.Errors
		return s.issueForm(w, r, c, t, data, problems, p.Status, d)
	}
	if len(problems) > 0 {
		var all []string
		for _, ps := range problems {
			all = append(all, ps...)
		}
		sort.Strings(all)
		d.Error, d.Errors = "数据有误", all
		return s.issueForm(w, r, c, t, data, problems, http.StatusUnprocessableEntity, d)
	}
	req := issueRequest{Template: t.ID, Data: data, Org: r.PostFormValue("org")}
	if r.PostFormValue("action") == "issue" {
		if !c.user.Can(auth.PermIssue) {
			return &httpError{status: http.StatusForbidden, title: "无权访问", detail: c.user.Refusal(auth.PermIssue).Error(), cause: auth.ErrForbidden}
		}
		res, err := s.issue(r, c, req)
		if err != nil {
			return fail(err)
		}
		redirectFlash(w, r, fmt.Sprintf("/documents/%d/%s", res.Record.Year, res.Record.ID), "已发文："+res.Record.Wenhao)
		return nil
	}
	ir, err := s.issuingRequest(r.Context(), c, req)
	if err != nil {
		return fail(err)
	}
	p, err := s.issuer.Preview(r.Context(), ir)
	if err != nil {
		return fail(err)
	}
	d.Data = &issueFormData{Preview: p.Text, Next: p.NextWenhao}
	return s.issueForm(w, r, c, t, data, nil, http.StatusOK, d)
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// ---- search and documents ----

type searchData struct {
	Export bool // the user may export the results as a bundle
	Query  string
	Sort   string
	Result *search.Result
	Page   int
	Pages  int
	Facets []facetView
}

type facetView struct {
	Name   string
	Values []facetValue
}

type facetValue struct {
	Value, Href string
	Count       int
}

// facetFilter is the query-language filter behind each facet.
var facetFilter = map[string]string{"年度": "年度", "文种": "文种", "类别": "类别", "发文机关": "机关", "被监督单位": "单位", "状态": "状态"}

func (s *Server) searchUIPage(w http.ResponseWriter, r *http.Request, c *call) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	sd := &searchData{Query: q, Sort: r.URL.Query().Get("sort"), Export: c.user.Can(auth.PermExport)}
	d := page(r, c, "文件检索", "/search", sd)
	if q == "" {
		s.ui.render(w, http.StatusOK, "search", d)
		return nil
	}
	res, req, err := s.searchPage(r, c)
	if err != nil {
		p := problemOf(err)
		if p.Status >= 500 {
			return err
		}
		d.Error = p.Detail
		s.ui.render(w, p.Status, "search", d)
		return nil
	}
	sd.Result = res
	sd.Page = req.From/req.Size + 1
	sd.Pages = int((res.Total + uint64(req.Size) - 1) / uint64(req.Size))
	for _, name := range []string{"年度", "文种", "类别", "发文机关", "被监督单位", "状态"} {
		fv := facetView{Name: name}
		for _, v := range res.Facets[name] {
			label := v.Value
			if name == "状态" {
				label = statusLabels[v.Value]
				if label == "" {
					label = v.Value
				}
			}
			val := v.Value
			if strings.ContainsAny(val, " \t　") {
				val = strings.ReplaceAll(val, " ", "")
			}
			fv.Values = append(fv.Values, facetValue{Value: label, Count: v.Count,
				Href: "/search?" + url.Values{"q": {q + " " + facetFilter[name] + ":" + val}, "sort": {sd.Sort}}.Encode()})
		}
		if len(fv.Values) > 0 {
			sd.Facets = append(sd.Facets, fv)
		}
	}
	s.ui.render(w, http.StatusOK, "search", d)
	return nil
}

type documentData struct {
	Record     *archive.Record
	Related    []*archive.Record
	CanFile    bool
	CanVoid    bool
	CanRevise  bool
	Retentions []string
}

func (s *Server) documentPage(w http.ResponseWriter, r *http.Request, c *call) error {
	rec, err := s.visible(r, c)
	if err != nil {
		return err
	}
	rel, err := s.related(r.Context(), c, rec)
	if err != nil {
		return err
	}
	dd := &documentData{Record: rec, Related: rel,
		CanFile:    c.user.Can(auth.PermFile) && rec.Filing == nil && rec.Status != archive.StatusVoid,
		CanVoid:    c.user.Can(auth.PermVoid) && rec.Filing == nil && rec.Status != archive.StatusVoid,
		CanRevise:  c.user.Can(auth.PermRevise) && rec.Filing == nil && rec.Status != archive.StatusVoid,
		Retentions: []string{"永久", "30年", "10年"},
	}
	title := rec.Wenhao
	if title == "" {
		title = rec.Title
	}
	s.ui.render(w, http.StatusOK, "document", page(r, c, title, "/search", dd))
	return nil
}

// afterAction redirects back to the document page saying what happened:
// ok, or a refusal the user can act on (a value, the document's state).
// A failure of the server, a refusal of access or a missing document is
// answered with an error page instead.
func (s *Server) afterAction(w http.ResponseWriter, r *http.Request, c *call, err error, ok string) error {
	to := fmt.Sprintf("/documents/%s/%s", c.vars["year"], c.vars["id"])
	if err != nil {
		p := problemOf(err)
		if p.Status >= 500 || p.Status == http.StatusForbidden || p.Status == http.StatusNotFound {
			return err
		}
		redirectFlash(w, r, to, "未完成："+p.Detail)
		return nil
	}
	redirectFlash(w, r, to, ok)
	return nil
}

func (s *Server) filePost(w http.ResponseWriter, r *http.Request, c *call) error {
	rec, err := s.fileDocument(r, c, r.PostFormValue("retention"))
	msg := ""
	if rec != nil && rec.Filing != nil {
		msg = "已归档，档号 " + rec.Filing.DangHao
	}
	return s.afterAction(w, r, c, err, msg)
}

func (s *Server) voidPost(w http.ResponseWriter, r *http.Request, c *call) error {
	rec, err := s.voidDocument(r, c, r.PostFormValue("reason"))
	if err != nil {
		return s.afterAction(w, r, c, err, "")
	}
	return s.afterAction(w, r, c, nil, "已作废："+rec.Wenhao)
}

func (s *Server) revisePost(w http.ResponseWriter, r *http.Request, c *call) error {
	rec, err := s.revise(r, c)
	if err != nil {
		return s.afterAction(w, r, c, err, "")
	}
	return s.afterAction(w, r, c, nil, fmt.Sprintf("已保存第%d版", rec.Latest().N))
}

// ---- numbers ----

type numbersData struct {
	List    *numberList
	Daizis  []string
	Daizi   string
	Year    int
	Reserve bool
	Void    bool
}

// daiziChoices are the 机关代字 a user may look at.
func (s *Server) daiziChoices(r *http.Request, u *auth.User) ([]string, error) {
	ps, err := s.profiles.List(r.Context())
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []string
	for _, p := range ps {
		for _, dz := range p.Daizi {
			if ok, _ := s.ownsDaizi(r.Context(), u, dz, false); ok && !seen[dz] {
				seen[dz] = true
				out = append(out, dz)
			}
		}
	}
	sort.Strings(out)
	return out, nil
}

func (s *Server) numbersPage(w http.ResponseWriter, r *http.Request, c *call) error {
	choices, err := s.daiziChoices(r, c.user)
	if err != nil {
		return err
	}
	nd := &numbersData{Daizis: choices, Year: s.cfg.Now().Year(),
		Reserve: c.user.Can(auth.PermReserve), Void: c.user.Can(auth.PermVoid)}
	q := r.URL.Query()
	nd.Daizi = q.Get("daizi")
	if nd.Daizi == "" && len(choices) > 0 {
		nd.Daizi = choices[0]
	}
	if y := q.Get("year"); y != "" {
		if nd.Year, err = strconv.Atoi(y); err != nil {
			return errorf(http.StatusBadRequest, "年份“%s”无效", y)
		}
	}
	d := page(r, c, "文号管理", "/numbers", nd)
	if nd.Daizi != "" {
		l, err := s.numbers(r, c, nd.Daizi, nd.Year)
		if err != nil {
			return err
		}
		nd.List = l
	}
	s.ui.render(w, http.StatusOK, "numbers", d)
	return nil
}

func (s *Server) numbersBack(w http.ResponseWriter, r *http.Request, daizi string, year int, err error, ok string) error {
	to := fmt.Sprintf("/numbers?daizi=%s&year=%d", url.QueryEscape(daizi), year)
	if err != nil {
		p := problemOf(err)
		if p.Status >= 500 || p.Status == http.StatusForbidden {
			return err
		}
		redirectFlash(w, r, to, "未完成："+p.Detail)
		return nil
	}
	redirectFlash(w, r, to, ok)
	return nil
}

func (s *Server) reservePost(w http.ResponseWriter, r *http.Request, c *call) error {
	year, _ := strconv.Atoi(r.PostFormValue("year"))
	req := numberRequest{Daizi: r.PostFormValue("daizi"), Year: year, Reason: r.PostFormValue("reason")}
	e, err := s.reserve(r, c, req)
	msg := ""
	if e != nil {
		msg = "已预留 " + e.Wenhao
	}
	return s.numbersBack(w, r, req.Daizi, year, err, msg)
}

func (s *Server) voidNumberPost(w http.ResponseWriter, r *http.Request, c *call) error {
	req := numberRequest{Wenhao: r.PostFormValue("wenhao"), Reason: r.PostFormValue("reason")}
	e, err := s.voidNumber(r, c, req)
	daizi, year, _, _ := archive.ParseWenhao(req.Wenhao)
	msg := ""
	if e != nil {
		msg = "已作废 " + e.Wenhao
	}
	return s.numbersBack(w, r, daizi, year, err, msg)
}

// ---- templates ----

type templatesData struct {
	Templates []*templates.Template
	WenZhongs []string
	Problems  *Problem
	Form      map[string]string
}

func (s *Server) templatesPage(w http.ResponseWriter, r *http.Request, c *call) error {
	ts, err := s.catalog.List(r.Context())
	if err != nil {
		return err
	}
	s.ui.render(w, http.StatusOK, "templates", page(r, c, "模板管理", "/templates", &templatesData{Templates: ts, WenZhongs: templates.WenZhongs}))
	return nil
}

func (s *Server) templatesPost(w http.ResponseWriter, r *http.Request, c *call) error {
	t, err := s.uploadTemplate(r, c)
	if err == nil {
		redirectFlash(w, r, "/templates", fmt.Sprintf("已上传模板“%s”第%d版", t.ID, t.Version))
		return nil
	}
	p := problemOf(err)
	if p.Status >= 500 {
		return err
	}
	ts, lerr := s.catalog.List(r.Context())
	if lerr != nil {
		return lerr
	}
	td := &templatesData{Templates: ts, WenZhongs: templates.WenZhongs, Problems: p, Form: map[string]string{
		"id": r.FormValue("id"), "name": r.FormValue("name"), "wenzhong": r.FormValue("wenzhong"), "description": r.FormValue("description")}}
	d := page(r, c, "模板管理", "/templates", td)
	d.Error = p.Title
	s.ui.render(w, p.Status, "templates", d)
	return nil
}

// ---- users ----

type usersData struct {
	Users      []*auth.User
	Roles      []auth.Role
	Profiles   []*archive.Profile
	Clearances []string
	Password   string
	For        string
}

func (s *Server) usersView(r *http.Request, c *call, ud *usersData) (*pageData, error) {
	us, err := s.users.List(r.Context())
	if err != nil {
		return nil, err
	}
	ps, err := s.profiles.List(r.Context())
	if err != nil {
		return nil, err
	}
	ud.Users, ud.Roles, ud.Profiles, ud.Clearances = us, auth.Roles(), ps, []string{"", "秘密", "机密", "绝密"}
	return page(r, c, "用户管理", "/users", ud), nil
}

func (s *Server) usersPage(w http.ResponseWriter, r *http.Request, c *call) error {
	d, err := s.usersView(r, c, &usersData{})
	if err != nil {
		return err
	}
	s.ui.render(w, http.StatusOK, "users", d)
	return nil
}

// scopeFromForm reads an evaluator's scope: lists separated by commas,
// 顿号 or new lines.
func scopeFromForm(r *http.Request) *auth.Scope {
	split := func(s string) []string {
		var out []string
		for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '，' || r == '、' || r == '\n' || r == '\r' }) {
			if f = strings.TrimSpace(f); f != "" {
				out = append(out, f)
			}
		}
		return out
	}
	return &auth.Scope{Orgs: split(r.PostFormValue("scope_orgs")), Units: split(r.PostFormValue("scope_units")),
		From: strings.TrimSpace(r.PostFormValue("scope_from")), To: strings.TrimSpace(r.PostFormValue("scope_to"))}
}

func (s *Server) usersPost(w http.ResponseWriter, r *http.Request, c *call) error {
	str := func(k string) *string { v := strings.TrimSpace(r.PostFormValue(k)); return &v }
	req := userRequest{Name: strings.TrimSpace(r.PostFormValue("name")), DisplayName: str("display_name"), Org: str("org"),
		Role: str("role"), Clearance: str("clearance"), Scope: scopeFromForm(r)}
	u, pw, err := s.createUser(r, c, req)
	return s.usersAfter(w, r, c, u, pw, err, "已新建用户 ")
}

// usersAfter shows the users page after a change: the one-time password
// if one was made, the error a user can correct, or what was done.
func (s *Server) usersAfter(w http.ResponseWriter, r *http.Request, c *call, u *auth.User, pw string, err error, done string) error {
	ud := &usersData{}
	if err == nil && pw != "" {
		ud.Password, ud.For = pw, u.Name
	}
	d, lerr := s.usersView(r, c, ud)
	if lerr != nil {
		return lerr
	}
	status := http.StatusOK
	if err != nil {
		p := problemOf(err)
		if p.Status >= 500 {
			return err
		}
		d.Error, status = p.Detail, p.Status
	} else {
		d.Flash = done + u.Name
	}
	s.ui.render(w, status, "users", d)
	return nil
}

func (s *Server) userPost(w http.ResponseWriter, r *http.Request, c *call) error {
	name := c.vars["name"]
	var req userRequest
	switch r.PostFormValue("action") {
	case "disable", "enable":
		v := r.PostFormValue("action") == "disable"
		req.Disabled = &v
	case "reset":
		req.ResetPassword = true
	case "save":
		str := func(k string) *string { v := strings.TrimSpace(r.PostFormValue(k)); return &v }
		req.DisplayName, req.Org, req.Role, req.Clearance, req.Scope = str("display_name"), str("org"), str("role"), str("clearance"), scopeFromForm(r)
	default:
		return errorf(http.StatusBadRequest, "未知的操作")
	}
	u, pw, err := s.updateUser(r, c, name, req)
	return s.usersAfter(w, r, c, u, pw, err, "已保存用户 ")
}

// ---- audit ----

type auditData struct {
	Events  []*audit.Event
	Next    string
	Filter  map[string]string
	Actions []string
}

func (s *Server) auditPage(w http.ResponseWriter, r *http.Request, c *call) error {
	f, err := auditFilter(r)
	if err != nil {
		return err
	}
	evs, next, err := s.audit.Query(r.Context(), f)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	ad := &auditData{Events: evs, Next: next, Actions: audit.Actions(), Filter: map[string]string{
		"from": q.Get("from"), "to": q.Get("to"), "actor": q.Get("actor"), "action": q.Get("action"), "target": q.Get("target"), "outcome": q.Get("outcome")}}
	if next != "" {
		v := r.URL.Query()
		v.Set("before", next)
		ad.Next = "/audit?" + v.Encode()
	}
	s.ui.render(w, http.StatusOK, "audit", page(r, c, "审计日志", "/audit", ad))
	return nil
}
