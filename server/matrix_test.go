package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/gongwen/gongwen/archive"
	"github.com/gongwen/gongwen/auth"
)

// TestRoleMatrix walks every route with every role (and no one): a route
// the role may use must not be refused; one it may not use must answer 403
// (401, or a redirect to the login page, without a sign-in). Routes on a
// document are tried on a document of the first office, so the second
// office's users must be refused there too. Then every user searches, and
// no document of another office may appear in their results.
func TestRoleMatrix(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	doc := e.issue("wlmq-drafter", "监督通知书", func(d map[string]any) { d["监督事项"] = "共同检索词甲乙" })
	other := e.issue("klmy-drafter", "建议书", func(d map[string]any) { delete(d, "机关代字"); d["监督事项"] = "共同检索词甲乙" })
	secret := e.issue("root", "决定书", func(d map[string]any) {
		d["密级"] = "秘密"
		d["保密期限"] = "1年"
		d["监督事项"] = "共同检索词甲乙"
	})

	vars := map[string]string{
		"{year}": fmt.Sprint(doc.Year), "{id}": doc.ID, "{n}": "1", "{template}": "监督通知书", "{name}": "wlmq-drafter",
	}
	path := func(rt route) string {
		p := rt.path
		if strings.HasPrefix(p, "/api/v1/templates/{id}") {
			p = strings.Replace(p, "{id}", "监督通知书", 1)
		}
		if strings.HasPrefix(p, "/api/v1/auth/tokens/{id}") {
			p = strings.Replace(p, "{id}", "nosuchtoken", 1)
		}
		if strings.HasPrefix(p, "/api/v1/profiles/{id}") {
			p = strings.Replace(p, "{id}", "wlmq", 1)
		}
		for k, v := range vars {
			p = strings.ReplaceAll(p, k, v)
		}
		if strings.Contains(p, "numbers") && rt.method == "GET" {
			p += "?daizi=" + url.QueryEscape("乌司发")
		}
		return p
	}
	users := []string{""}
	for name := range e.tokens {
		users = append(users, name)
	}
	checked := 0
	for _, rt := range e.srv.routes {
		if rt.perm == permPublic {
			continue
		}
		for _, name := range users {
			var u *auth.User
			if name != "" {
				var err error
				if u, err = e.srv.users.Get(ctx, name); err != nil {
					t.Fatal(err)
				}
			}
			allowed := u != nil && (rt.perm == permSignIn || u.Can(rt.perm))
			if strings.Contains(rt.path, "{id}") && strings.Contains(rt.path, "/documents/") {
				allowed = allowed && u.CanSee(doc)
			}
			if rt.method == "GET" && allowed && (rt.path == "/api/v1/numbers" || rt.path == "/numbers") {
				ok, err := e.srv.ownsDaizi(ctx, u, "乌司发", false)
				if err != nil {
					t.Fatal(err)
				}
				allowed = ok
			}
			var body any
			if rt.method != "GET" {
				if strings.HasPrefix(rt.path, "/api/") {
					body = map[string]any{}
				} else {
					body = url.Values{}
				}
			}
			resp, b := e.do(name, rt.method, path(rt), body)
			st := resp.StatusCode
			refused := st == http.StatusForbidden || st == http.StatusUnauthorized ||
				st == http.StatusSeeOther && strings.HasPrefix(resp.Header.Get("Location"), "/login?next=")
			switch {
			case allowed && refused:
				t.Errorf("%s %s as %q: refused (%d) but the role may: %.200s", rt.method, rt.path, name, st, b)
			case !allowed && !refused:
				t.Errorf("%s %s as %q: answered %d but the role may not: %.200s", rt.method, rt.path, name, st, b)
			case !allowed && name != "" && st != http.StatusForbidden:
				t.Errorf("%s %s as %q: %d, want 403", rt.method, rt.path, name, st)
			case st >= 500:
				t.Errorf("%s %s as %q: %d %.200s", rt.method, rt.path, name, st, b)
			}
			checked++
		}
	}
	t.Logf("%d route × user combinations checked", checked)

	// Search isolation: the phrase is in all three documents.
	for name := range e.tokens {
		u, _ := e.srv.users.Get(ctx, name)
		resp, b := e.do(name, "GET", "/api/v1/search?q="+url.QueryEscape("共同检索词甲乙")+"&size=50", nil)
		if !u.Can(auth.PermSearch) {
			continue
		}
		if resp.StatusCode != 200 {
			t.Fatalf("search as %s: %d %s", name, resp.StatusCode, b)
		}
		res := decode(t, b)
		var want []*archive.Record
		for _, r := range []*archive.Record{doc, other, secret} {
			if u.CanSee(r) {
				want = append(want, r)
			}
		}
		hits := res["hits"].([]any)
		if len(hits) != len(want) || int(res["total"].(float64)) != len(want) {
			t.Errorf("search as %s: %d hits (total %v), want %d", name, len(hits), res["total"], len(want))
		}
		for _, h := range hits {
			id := h.(map[string]any)["id"].(string)
			for _, r := range []*archive.Record{doc, other, secret} {
				if r.ID == id && !u.CanSee(r) {
					t.Errorf("search as %s shows %s of office %q (密级 %q)", name, r.Wenhao, r.Org, r.Secrecy)
				}
			}
		}
		n := 0
		for _, f := range res["facets"].(map[string]any)["文种"].([]any) {
			n += int(f.(map[string]any)["count"].(float64))
		}
		if n != len(want) {
			t.Errorf("search as %s: facets count %d documents, want %d", name, n, len(want))
		}
	}
}
