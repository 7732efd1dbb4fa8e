package server

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/gongwen/gongwen/archive"
	"github.com/gongwen/gongwen/auth"
)

//go:embed ui/pages/*.html ui/static/*
var uiFS embed.FS

// ui renders the server-side pages: one html/template set per page, each
// with the shared layout.
type ui struct {
	pages map[string]*template.Template
}

// navItem is one entry of the menu.
type navItem struct {
	Href, Label string
	Perm        auth.Permission
}

var nav = []navItem{
	{"/issue", "拟稿发文", auth.PermIssue},
	{"/search", "文件检索", auth.PermSearch},
	{"/tracking", "督办", auth.PermRead},
	{"/stats", "统计", auth.PermRead},
	{"/numbers", "文号管理", auth.PermRead},
	{"/import", "导入", auth.PermImport},
	{"/templates", "模板管理", auth.PermManageTemplates},
	{"/users", "用户管理", auth.PermManageUsers},
	{"/audit", "审计日志", auth.PermAudit},
}

// statusLabels name document and number states in Chinese (the two share
// "issued" and "void"); numbers are named as the CLI names them.
var statusLabels = map[string]string{
	archive.StatusIssued: "已发文", archive.StatusSuperseded: "已被替代", archive.StatusVoid: "作废",
	archive.NumberReserved:  archive.NumberStatusName(archive.NumberReserved),
	archive.NumberAllocated: archive.NumberStatusName(archive.NumberAllocated),
	archive.NumberImported:  archive.NumberStatusName(archive.NumberImported),
}

func newUI() (*ui, error) {
	funcs := template.FuncMap{
		"status": func(s string) string {
			if l, ok := statusLabels[s]; ok {
				return l
			}
			return s
		},
		"safeSnippet": func(s string) template.HTML { return template.HTML(s) }, // search.Snippet escapes; only <mark> is markup
		"datetime": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.Local().Format("2006-01-02 15:04:05")
		},
		"date": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.Format("2006-01-02")
		},
		"kib":  func(n int64) string { return fmt.Sprintf("%.1f KiB", float64(n)/1024) },
		"join": strings.Join,
		"add":  func(a, b int) int { return a + b },
		"docpath": func(r *archive.Record) string {
			return fmt.Sprintf("/documents/%d/%s", r.Year, r.ID)
		},
		"short": func(s string) string {
			if len(s) > 12 {
				return s[:12]
			}
			return s
		},
	}
	layout, err := template.New("layout.html").Funcs(funcs).ParseFS(uiFS, "ui/pages/layout.html")
	if err != nil {
		return nil, fmt.Errorf("server: ui layout: %w", err)
	}
	names, err := fs.Glob(uiFS, "ui/pages/*.html")
	if err != nil {
		return nil, err
	}
	u := &ui{pages: map[string]*template.Template{}}
	for _, n := range names {
		base := strings.TrimPrefix(n, "ui/pages/")
		if base == "layout.html" {
			continue
		}
		t, err := template.Must(layout.Clone()).ParseFS(uiFS, n)
		if err != nil {
			return nil, fmt.Errorf("server: ui page %s: %w", base, err)
		}
		u.pages[strings.TrimSuffix(base, ".html")] = t
	}
	return u, nil
}

// static serves the embedded assets.
func (u *ui) static() http.Handler {
	sub, _ := fs.Sub(uiFS, "ui")
	fsrv := http.FileServer(http.FS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		fsrv.ServeHTTP(w, r)
	})
}

// pageData is what every page receives.
type pageData struct {
	Title   string
	User    *auth.User
	CSRF    string
	Nav     []navItem
	Active  string
	Flash   string
	Error   string
	Errors  []string
	Data    any
	Request string
}

// render writes a page with the layout.
func (u *ui) render(w http.ResponseWriter, status int, name string, d *pageData) {
	t, ok := u.pages[name]
	if !ok {
		http.Error(w, "页面不存在："+name, http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", d); err != nil {
		http.Error(w, "页面生成失败："+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// page fills the common fields of a page for a signed-in user.
func page(r *http.Request, c *call, title, active string, data any) *pageData {
	d := &pageData{Title: title, Active: active, Data: data, Request: requestID(r.Context())}
	if c != nil && c.user != nil {
		d.User = c.user
		if c.session != nil {
			d.CSRF = c.session.CSRF
		}
		for _, n := range nav {
			if c.user.Can(n.Perm) {
				d.Nav = append(d.Nav, n)
			}
		}
	}
	if f := r.URL.Query().Get("flash"); f != "" && len(f) < 300 {
		d.Flash = f
	}
	return d
}

// errorPage shows a problem as a page.
func (u *ui) errorPage(w http.ResponseWriter, r *http.Request, user *auth.User, c *call, p *Problem) {
	if c == nil {
		c = &call{user: user}
	}
	d := page(r, c, p.Title, "", p)
	d.Error = p.Detail
	d.Errors = p.Errors
	u.render(w, p.Status, "error", d)
}
