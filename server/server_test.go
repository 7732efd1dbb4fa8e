package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gongwen/gongwen/archive"
	"github.com/gongwen/gongwen/auth"
	"github.com/gongwen/gongwen/bundle"
	"github.com/gongwen/gongwen/render"
	"github.com/gongwen/gongwen/search"
	"github.com/gongwen/gongwen/templates"
)

// env is a running server over a real file store and a real index, with
// two offices and a user of every role in each.
type env struct {
	t      *testing.T
	srv    *Server
	ts     *httptest.Server
	store  archive.Store
	tokens map[string]string // user name -> API token
}

const testPassword = "correct-horse-battery"

var offices = []*archive.Profile{
	{ID: "wlmq", Name: "乌鲁木齐市司法局", Mark: "乌鲁木齐市司法局文件", Daizi: map[string]string{"默认": "乌司发", "整改情况报告": "乌司报"},
		Printer: "乌鲁木齐市司法局办公室", Fonds: "J012", OrgCode: "FZK"},
	{ID: "klmy", Name: "克拉玛依市司法局", Mark: "克拉玛依市司法局文件", Daizi: map[string]string{"默认": "克司发"},
		Printer: "克拉玛依市司法局办公室", Fonds: "J034", OrgCode: "FZK"},
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	store, err := archive.OpenFileStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	idx, err := search.OpenMemory()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	for _, p := range offices {
		if err := archive.NewProfiles(store).Put(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	srv, err := New(Config{Store: store, Index: idx, SyncEvery: -1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Prepare(ctx); err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, srv: srv, store: store, tokens: map[string]string{}}
	e.ts = httptest.NewServer(srv.Handler())
	t.Cleanup(e.ts.Close)
	for _, o := range offices {
		for _, role := range []auth.Role{auth.RoleDrafter, auth.RoleArchivist, auth.RoleEvaluator} {
			u := &auth.User{Name: o.ID + "-" + string(role), DisplayName: "测试", Org: o.ID, Role: role}
			if role == auth.RoleEvaluator {
				u.Scope = auth.Scope{Orgs: []string{o.ID}}
			}
			e.addUser(u)
		}
	}
	e.addUser(&auth.User{Name: "root", DisplayName: "管理员", Role: auth.RoleAdmin, Clearance: "绝密"})
	return e
}

func (e *env) addUser(u *auth.User) {
	e.t.Helper()
	ctx := context.Background()
	if err := e.srv.users.Create(ctx, u, testPassword); err != nil {
		e.t.Fatal(err)
	}
	secret, _, err := e.srv.tokens.Create(ctx, u.Name, "test")
	if err != nil {
		e.t.Fatal(err)
	}
	e.tokens[u.Name] = secret
}

// do sends a request as a user ("" = anonymous) and returns the response
// with its body read.
func (e *env) do(user, method, path string, body any) (*http.Response, []byte) {
	e.t.Helper()
	var rd io.Reader
	ct := ""
	switch b := body.(type) {
	case nil:
	case *multipartBody:
		rd, ct = bytes.NewReader(b.buf.Bytes()), b.ct
	case url.Values:
		rd, ct = strings.NewReader(b.Encode()), "application/x-www-form-urlencoded"
	default:
		js, _ := json.Marshal(b)
		rd, ct = bytes.NewReader(js), "application/json"
	}
	req, _ := http.NewRequest(method, e.ts.URL+path, rd)
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if user != "" {
		req.Header.Set("Authorization", "Bearer "+e.tokens[user])
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

type multipartBody struct {
	buf bytes.Buffer
	ct  string
}

func decode(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("not JSON: %v: %s", err, b)
	}
	return m
}

// issue issues an example document of a template as a user.
func (e *env) issue(user, tpl string, change func(map[string]any)) *archive.Record {
	e.t.Helper()
	t, _ := templates.Builtin(tpl)
	data := t.Example
	if change != nil {
		change(data)
	}
	resp, b := e.do(user, "POST", "/api/v1/documents", map[string]any{"template": tpl, "data": data})
	if resp.StatusCode != http.StatusCreated {
		e.t.Fatalf("issue %s as %s: %d %s", tpl, user, resp.StatusCode, b)
	}
	var out struct{ Record *archive.Record }
	json.Unmarshal(b, &out)
	return out.Record
}

// TestIssueSearchFileFlow walks the staff and archivist path through the
// API: preview, issue, download and read the number off the .docx, find
// it by a phrase with the phrase highlighted, file it, and see each step
// in the audit log.
func TestIssueSearchFileFlow(t *testing.T) {
	e := newEnv(t)

	tpl, _ := templates.Builtin("监督通知书")
	resp, b := e.do("wlmq-drafter", "POST", "/api/v1/documents/preview", map[string]any{"template": "监督通知书", "data": tpl.Example})
	if resp.StatusCode != 200 || decode(t, b)["next_wenhao"] != "乌司发〔2026〕1号" {
		t.Fatalf("preview: %d %s", resp.StatusCode, b)
	}
	rec := e.issue("wlmq-drafter", "监督通知书", func(d map[string]any) { d["监督事项"] = "2025年度案卷评查发现的行政处罚程序问题" })
	if rec.Wenhao != "乌司发〔2026〕1号" || rec.Org != "wlmq" {
		t.Fatalf("issued %s for %s", rec.Wenhao, rec.Org)
	}

	resp, b = e.do("wlmq-archivist", "GET", fmt.Sprintf("/api/v1/documents/%d/%s/versions/1", rec.Year, rec.ID), nil)
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Disposition"), url.PathEscape("乌司发〔2026〕1号")) {
		t.Fatalf("download: %d %v", resp.StatusCode, resp.Header)
	}
	text, err := render.ExtractText(b, render.TextOptions{})
	if err != nil || !strings.Contains(text, "乌司发〔2026〕1号") {
		t.Fatalf("downloaded .docx does not carry its number: %v", err)
	}

	resp, b = e.do("wlmq-archivist", "GET", "/api/v1/search?q="+url.QueryEscape("案卷评查发现"), nil)
	res := decode(t, b)
	if resp.StatusCode != 200 || res["total"].(float64) != 1 {
		t.Fatalf("search: %d %s", resp.StatusCode, b)
	}
	hit := res["hits"].([]any)[0].(map[string]any)
	if !strings.Contains(hit["snippet"].(string), "<mark>案卷评查发现</mark>") {
		t.Errorf("snippet does not highlight the phrase: %s", hit["snippet"])
	}

	resp, b = e.do("wlmq-archivist", "POST", fmt.Sprintf("/api/v1/documents/%d/%s/filing", rec.Year, rec.ID), map[string]string{"retention": "30年"})
	if resp.StatusCode != 200 || !strings.Contains(string(b), "J012-WS·2026-D30-FZK-0001") {
		t.Fatalf("filing: %d %s", resp.StatusCode, b)
	}
	// A filed document takes no new version and cannot be voided.
	resp, b = e.do("wlmq-archivist", "POST", fmt.Sprintf("/api/v1/documents/%d/%s/void", rec.Year, rec.ID), map[string]string{"reason": "误发"})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(b), "已归档") {
		t.Errorf("void of a filed document: %d %s", resp.StatusCode, b)
	}

	resp, b = e.do("root", "GET", "/api/v1/audit?limit=50", nil)
	if resp.StatusCode != 200 {
		t.Fatalf("audit: %d %s", resp.StatusCode, b)
	}
	seen := map[string]bool{}
	for _, ev := range decode(t, b)["events"].([]any) {
		m := ev.(map[string]any)
		seen[m["action"].(string)+"/"+m["outcome"].(string)] = true
	}
	for _, want := range []string{"issue/ok", "download/ok", "file/ok", "void/failed"} {
		if !seen[want] {
			t.Errorf("audit log lacks %s: %v", want, seen)
		}
	}
}

// TestBadRequests checks that bad requests get a 4xx problem saying what
// was wrong, and the server stays up.
func TestBadRequests(t *testing.T) {
	e := newEnv(t)
	post := func(path, ct, body string) (*http.Response, map[string]any) {
		req, _ := http.NewRequest("POST", e.ts.URL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", ct)
		req.Header.Set("Authorization", "Bearer "+e.tokens["wlmq-drafter"])
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
			t.Errorf("%s: content type %q, want problem+json", path, ct)
		}
		return resp, decode(t, b)
	}
	cases := []struct {
		path, ct, body string
		status         int
		detail         string
	}{
		{"/api/v1/documents", "application/json", "{\n \"template\": \"监督通知书\",\n \"data\": {,}}", 400, "第3行第12列"},
		{"/api/v1/documents", "text/plain", "{}", 415, "JSON"},
		{"/api/v1/documents", "application/json", `{"template": "没有的模板", "data": {}}`, 404, "没有的模板"},
		{"/api/v1/documents", "application/json", `{"template": "监督通知书", "data": {"标题": 5}}`, 422, "标题"},
		{"/api/v1/documents", "application/json", `{"template": "监督通知书", "data": {}, "extra": 1}`, 400, "extra"},
		{"/api/v1/documents", "application/json", `{"template": "监督通知书", "data": {"x": "` + strings.Repeat("长", 2<<20) + `"}}`, 413, "上限"},
		{"/api/v1/numbers/reserve", "application/json", `{"daizi": "克司发", "reason": "纸质"}`, 403, "本机关"},
	}
	for _, c := range cases {
		resp, p := post(c.path, c.ct, c.body)
		if resp.StatusCode != c.status || !strings.Contains(fmt.Sprint(p["detail"], p["errors"]), c.detail) {
			t.Errorf("%s %.60s: %d %v, want %d mentioning %q", c.path, c.body, resp.StatusCode, p["detail"], c.status, c.detail)
		}
	}
	// Field problems come by field, for the form.
	_, p := post("/api/v1/documents/preview", "application/json", `{"template": "监督通知书", "data": {"成文日期": "2026-02-30"}}`)
	if f, ok := p["fields"].(map[string]any); !ok || f["成文日期"] == nil || f["标题"] == nil {
		t.Errorf("problems by field: %v", p["fields"])
	}
	resp, b := e.do("", "GET", "/api/v1/nothing", nil)
	if resp.StatusCode != 404 || !strings.Contains(string(b), "/api/v1/nothing") {
		t.Errorf("unknown route: %d %s", resp.StatusCode, b)
	}
	resp, _ = e.do("", "GET", "/healthz", nil)
	if resp.StatusCode != 200 {
		t.Errorf("server not healthy after bad requests: %d", resp.StatusCode)
	}
}

// TestLoginRateLimitAndCSRF checks the browser session path: a login
// sets an HttpOnly SameSite cookie, a form post without the CSRF token is
// refused, and repeated failures lock the name out.
func TestLoginRateLimitAndCSRF(t *testing.T) {
	e := newEnv(t)
	resp, b := e.do("", "POST", "/api/v1/auth/login", map[string]string{"name": "wlmq-drafter", "password": testPassword})
	if resp.StatusCode != 200 {
		t.Fatalf("login: %d %s", resp.StatusCode, b)
	}
	var ck *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == sessionCookie {
			ck = c
		}
	}
	if ck == nil || !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode {
		t.Fatalf("session cookie %+v", ck)
	}
	csrf := decode(t, b)["csrf_token"].(string)
	reserve := func(token string) int {
		req, _ := http.NewRequest("POST", e.ts.URL+"/numbers/reserve", strings.NewReader(url.Values{"daizi": {"乌司发"}, "reason": {"纸质签发"}, "csrf": {token}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(ck)
		c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := reserve(""); got != http.StatusForbidden {
		t.Errorf("form post without CSRF token: %d, want 403", got)
	}
	if got := reserve(csrf); got != http.StatusSeeOther {
		t.Errorf("form post with CSRF token: %d, want 303", got)
	}
	for i := 0; i < 5; i++ {
		resp, _ = e.do("", "POST", "/api/v1/auth/login", map[string]string{"name": "wlmq-archivist", "password": "wrong password"})
		if resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("bad password %d: %d", i, resp.StatusCode)
		}
	}
	resp, b = e.do("", "POST", "/api/v1/auth/login", map[string]string{"name": "wlmq-archivist", "password": testPassword})
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Errorf("sixth attempt: %d %s, want 429 with Retry-After", resp.StatusCode, b)
	}
}

// TestOpenAPICoversRoutes fails when an /api/v1 route is missing from the
// OpenAPI document, or the document names a route that does not exist.
func TestOpenAPICoversRoutes(t *testing.T) {
	e := newEnv(t)
	_, b := e.do("", "GET", "/api/v1/openapi.json", nil)
	var doc struct {
		OpenAPI string                               `json:"openapi"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(b, &doc); err != nil || !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi.json: %v %q", err, doc.OpenAPI)
	}
	routes := map[string]bool{}
	for _, rt := range e.srv.routes {
		if !strings.HasPrefix(rt.path, "/api/") && rt.path != "/healthz" && rt.path != "/readyz" && rt.path != "/metrics" {
			continue
		}
		key := strings.ToLower(rt.method) + " " + rt.path
		routes[key] = true
		if doc.Paths[rt.path][strings.ToLower(rt.method)] == nil {
			t.Errorf("route %s %s is not in openapi.json", rt.method, rt.path)
		}
	}
	for p, ops := range doc.Paths {
		for m := range ops {
			if !routes[m+" "+p] {
				t.Errorf("openapi.json documents %s %s, which the server does not serve", m, p)
			}
		}
	}
}

// TestMetricsAndReady checks /metrics shows request latencies by route and
// documents issued, and /readyz answers.
func TestMetricsAndReady(t *testing.T) {
	e := newEnv(t)
	e.issue("wlmq-drafter", "建议书", nil)
	resp, b := e.do("", "GET", "/readyz", nil)
	if resp.StatusCode != 200 {
		t.Fatalf("readyz: %d %s", resp.StatusCode, b)
	}
	_, b = e.do("", "GET", "/metrics", nil)
	for _, want := range []string{
		`gongwen_http_request_duration_seconds_count{route="/api/v1/documents",method="POST",code="2xx"} 1`,
		"gongwen_documents_issued_total 1",
		"gongwen_index_documents 1",
	} {
		if !strings.Contains(string(b), want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

// TestGracefulShutdown checks that stopping the server lets a request in
// flight finish.
func TestGracefulShutdown(t *testing.T) {
	e := newEnv(t)
	ctx, cancel := context.WithCancel(context.Background())
	ln, err := netListen()
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- e.srv.Serve(ctx, ln, 10*time.Second) }()
	tpl, _ := templates.Builtin("决定书")
	js, _ := json.Marshal(map[string]any{"template": "决定书", "data": tpl.Example})
	type result struct {
		status int
		err    error
	}
	got := make(chan result, 1)
	go func() {
		req, _ := http.NewRequest("POST", "http://"+ln.Addr().String()+"/api/v1/documents", bytes.NewReader(js))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+e.tokens["wlmq-drafter"])
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			got <- result{0, err}
			return
		}
		resp.Body.Close()
		got <- result{resp.StatusCode, nil}
	}()
	time.Sleep(20 * time.Millisecond) // the issue is under way
	cancel()
	r := <-got
	if r.err != nil || r.status != http.StatusCreated {
		t.Errorf("request in flight at shutdown: %d %v", r.status, r.err)
	}
	if err := <-done; err != nil {
		t.Errorf("Serve: %v", err)
	}
}

func netListen() (net.Listener, error) { return net.Listen("tcp", "127.0.0.1:0") }

// TestTrackingPage checks the 督办 listing: a notice answered by a
// 整改情况报告, and office isolation.
func TestTrackingPage(t *testing.T) {
	e := newEnv(t)
	notice := e.issue("wlmq-drafter", "监督通知书", nil)
	e.issue("wlmq-drafter", "整改情况报告", func(d map[string]any) {
		delete(d, "机关代字")
		d["答复文件"] = notice.Wenhao
		d["成文日期"], d["印发日期"] = "2026-03-20", "2026-03-20"
	})
	resp, b := e.do("wlmq-archivist", "GET", "/api/v1/tracking?today=2026-06-01", nil)
	if resp.StatusCode != 200 {
		t.Fatalf("tracking: %d %s", resp.StatusCode, b)
	}
	rep := decode(t, b)
	items := rep["items"].([]any)
	if len(items) != 1 || items[0].(map[string]any)["state"] != "on_time" {
		t.Fatalf("tracking items: %s", b)
	}
	resp, b = e.do("klmy-archivist", "GET", "/api/v1/tracking?today=2026-06-01", nil)
	if resp.StatusCode != 200 || len(decode(t, b)["items"].([]any)) != 0 {
		t.Errorf("another office sees: %d %s", resp.StatusCode, b)
	}
	resp, _ = e.do("klmy-archivist", "GET", "/api/v1/tracking?org=wlmq", nil)
	if resp.StatusCode != 403 {
		t.Errorf("another office's 督办 by org=: %d, want 403", resp.StatusCode)
	}
	resp, b = e.do("wlmq-archivist", "GET", "/api/v1/stats?year=2026&as_of=2026-06-01", nil)
	if resp.StatusCode != 200 {
		t.Fatalf("stats: %d %s", resp.StatusCode, b)
	}
	st := decode(t, b)
	if st["issued"].(float64) != 2 || st["rectification"].(map[string]any)["on_time"].(float64) != 1 {
		t.Errorf("stats: issued %v, rectification %v", st["issued"], st["rectification"])
	}
	resp, b = e.do("wlmq-archivist", "GET", "/stats/chart.png?year=2026", nil)
	if resp.StatusCode != 200 || !bytes.HasPrefix(b, []byte("\x89PNG")) {
		t.Errorf("chart: %d, %d bytes", resp.StatusCode, len(b))
	}
	resp, _ = e.do("klmy-archivist", "GET", "/api/v1/stats?org=wlmq", nil)
	if resp.StatusCode != 403 {
		t.Errorf("another office's 统计: %d, want 403", resp.StatusCode)
	}
	resp, b = e.do("wlmq-drafter", "GET", "/tracking?today=2026-06-01", nil)
	if resp.StatusCode != 200 || !strings.Contains(string(b), "按期答复") {
		t.Errorf("督办 page: %d", resp.StatusCode)
	}
}

// TestExportBundle checks that an evaluator's export holds what they may
// see, with the report answering a notice, verifies, and is audited.
func TestExportBundle(t *testing.T) {
	e := newEnv(t)
	notice := e.issue("wlmq-drafter", "监督通知书", func(d map[string]any) { d["监督事项"] = "导出测试事项" })
	e.issue("wlmq-drafter", "整改情况报告", func(d map[string]any) { delete(d, "机关代字"); d["答复文件"] = notice.Wenhao })
	e.issue("klmy-drafter", "监督通知书", func(d map[string]any) { delete(d, "机关代字"); d["监督事项"] = "导出测试事项" })
	resp, b := e.do("wlmq-evaluator", "GET", "/api/v1/export?q="+url.QueryEscape("导出测试事项"), nil)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/zip" {
		t.Fatalf("export: %d %.300s", resp.StatusCode, b)
	}
	rep, err := bundle.Verify(context.Background(), bytes.NewReader(b), int64(len(b)), bundle.VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Problems) > 0 || rep.PayloadFiles != 2 {
		t.Errorf("bundle: %d payload files (want the notice and its report, not the other office's): %+v", rep.PayloadFiles, rep.Problems)
	}
	_, b = e.do("root", "GET", "/api/v1/audit?action=export", nil)
	if !strings.Contains(string(b), "2 件文件") {
		t.Errorf("export not audited: %s", b)
	}
	resp, _ = e.do("wlmq-drafter", "GET", "/api/v1/export?q=x", nil)
	if resp.StatusCode != 403 {
		t.Errorf("drafter export: %d, want 403", resp.StatusCode)
	}
}

// TestImportUpload checks the upload of a past document: a dry run reads
// its number and writes nothing; the import registers the number, finds
// the document by a phrase, and a second upload is a duplicate.
func TestImportUpload(t *testing.T) {
	e := newEnv(t)
	txt := "乌鲁木齐市司法局文件\n\n乌司发〔2023〕47号\n\n乌鲁木齐市司法局关于开展行政执法案卷评查工作的通知\n\n各区（县）司法局：\n    为规范行政执法行为，决定开展案卷评查专项工作。\n\n乌鲁木齐市司法局\n2023年3月5日\n"
	up := func(dry bool) map[string]any {
		fields := map[string]string{}
		if dry {
			fields["dry_run"] = "1"
		}
		resp, b := e.do("wlmq-archivist", "POST", "/api/v1/import", multipartFiles(fields, "files", "旧通知.txt", []byte(txt)))
		if resp.StatusCode != 200 {
			t.Fatalf("import: %d %s", resp.StatusCode, b)
		}
		return decode(t, b)
	}
	if s := up(true); s["ready"].(float64) != 1 || !strings.Contains(fmt.Sprint(s["results"]), "乌司发〔2023〕47号") {
		t.Fatalf("dry run: %v", s)
	}
	if s := up(false); s["imported"].(float64) != 1 {
		t.Fatalf("import: %v", s)
	}
	resp, b := e.do("wlmq-archivist", "GET", "/api/v1/search?q="+url.QueryEscape("案卷评查专项"), nil)
	if resp.StatusCode != 200 || decode(t, b)["total"].(float64) != 1 {
		t.Errorf("imported document not found: %s", b)
	}
	if s := up(false); s["duplicates"].(float64) != 1 {
		t.Errorf("second upload: %v", s)
	}
	resp, _ = e.do("wlmq-drafter", "POST", "/api/v1/import", multipartFiles(nil, "files", "x.txt", []byte(txt)))
	if resp.StatusCode != 403 {
		t.Errorf("drafter import: %d, want 403", resp.StatusCode)
	}
}

func multipartFiles(fields map[string]string, field, name string, content []byte) *multipartBody {
	m := &multipartBody{}
	w := multipart.NewWriter(&m.buf)
	for k, v := range fields {
		w.WriteField(k, v)
	}
	fw, _ := w.CreateFormFile(field, name)
	fw.Write(content)
	w.Close()
	m.ct = w.FormDataContentType()
	return m
}

// TestSyncIndexAcrossInstances checks that a second instance sharing the
// store finds a document the first issued once it syncs, and that a sync
// with nothing new reindexes nothing.
func TestSyncIndexAcrossInstances(t *testing.T) {
	e := newEnv(t)
	idx, err := search.OpenMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	other, err := New(Config{Store: e.store, Index: idx, SyncEvery: -1})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := other.Prepare(ctx); err != nil {
		t.Fatal(err)
	}
	rec := e.issue("wlmq-drafter", "建议书", func(d map[string]any) { d["监督事项"] = "另一实例同步测试" })
	if n, err := other.SyncIndex(ctx); err != nil || n != 1 {
		t.Fatalf("first sync: %d, %v; want 1", n, err)
	}
	res, err := idx.Search(ctx, search.Request{Query: "另一实例同步测试"})
	if err != nil || res.Total != 1 || res.Hits[0].ID != rec.ID {
		t.Fatalf("second instance search: %+v %v", res, err)
	}
	if n, err := other.SyncIndex(ctx); err != nil || n != 0 {
		t.Errorf("sync with nothing new: %d, %v; want 0", n, err)
	}
}

// TestIndexUnreadable: when the index cannot be read, a search answers
// 503 with an explanation in Chinese, and documents — which come from the
// store — can still be opened and downloaded.
func TestIndexUnreadable(t *testing.T) {
	e := newEnv(t)
	rec := e.issue("wlmq-drafter", "监督通知书", nil)
	e.srv.index.Close() // reads now fail, as on a damaged index
	resp, b := e.do("wlmq-archivist", "GET", "/api/v1/search?q=整改", nil)
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(b), "gongwen reindex") {
		t.Errorf("search on an unreadable index: %d %s", resp.StatusCode, b)
	}
	resp, b = e.do("wlmq-archivist", "GET", fmt.Sprintf("/api/v1/documents/%d/%s", rec.Year, rec.ID), nil)
	if resp.StatusCode != 200 || !strings.Contains(string(b), rec.Wenhao) {
		t.Errorf("document on an unreadable index: %d %.200s", resp.StatusCode, b)
	}
	resp, _ = e.do("wlmq-archivist", "GET", fmt.Sprintf("/api/v1/documents/%d/%s/versions/1", rec.Year, rec.ID), nil)
	if resp.StatusCode != 200 {
		t.Errorf("download on an unreadable index: %d", resp.StatusCode)
	}
	// Issuing goes on: the document is stored, the index catches up later.
	if next := e.issue("wlmq-drafter", "监督通知书", nil); next.Wenhao != "乌司发〔2026〕2号" {
		t.Errorf("issue on an unreadable index: %+v", next)
	}
}
