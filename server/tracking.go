package server

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gongwen/gongwen/auth"
	"github.com/gongwen/gongwen/deadline"
	"github.com/gongwen/gongwen/tracking"
)

// trackingReport lists the 督办 items a user may see: an office's
// 监督通知书, 建议书 and 决定书 with their 整改期限 and answers. A
// non-administrator sees their own office (an evaluator, the offices of
// their scope), and never an item whose document they could not open.
func (s *Server) trackingReport(r *http.Request, c *call) (*tracking.Report, tracking.Query, error) {
	q := r.URL.Query()
	tq := tracking.Query{Org: strings.TrimSpace(q.Get("org")), Unit: strings.TrimSpace(q.Get("unit")), Within: 7}
	for _, p := range []struct {
		name string
		dst  *deadline.Date
	}{{"from", &tq.From}, {"to", &tq.To}, {"today", &tq.Today}} {
		if v := strings.TrimSpace(q.Get(p.name)); v != "" {
			d, err := deadline.ParseDate(v)
			if err != nil {
				return nil, tq, errorf(http.StatusBadRequest, "%s：%v", p.name, err)
			}
			*p.dst = d
		}
	}
	if v := q.Get("within"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 365 {
			return nil, tq, errorf(http.StatusBadRequest, "within 应为 0–365 天，而不是“%s”", v)
		}
		tq.Within = n
	}
	org, err := scopeOrg(c.user, tq.Org, "督办事项")
	if err != nil {
		return nil, tq, err
	}
	tq.Org = org
	cal, err := deadline.Load(r.Context(), s.store)
	if err != nil {
		return nil, tq, err
	}
	rep, err := tracking.List(r.Context(), s.docs, cal, tq)
	if err != nil {
		return nil, tq, err
	}
	// Keep only what the user could open (密级, an evaluator's scope).
	kept := rep.Items[:0]
	var counts tracking.Counts
	for _, it := range rep.Items {
		rec, err := s.findDocument(r.Context(), it.ID)
		if err != nil && it.Wenhao != "" {
			rec, err = s.findDocument(r.Context(), it.Wenhao)
		}
		if err != nil || !c.user.CanSee(rec) {
			continue
		}
		kept = append(kept, it)
		counts.Add(it.State)
	}
	rep.Items, rep.Counts = kept, counts
	return rep, tq, nil
}

// scopeOrg is the office whose tracking or figures a user asks for (org,
// possibly empty): an administrator any (empty: all), an evaluator one of
// their scope (the first when empty; any when their scope names none),
// everyone else their own. what names the listing in a refusal.
func scopeOrg(u *auth.User, org, what string) (string, error) {
	switch {
	case u.Role == auth.RoleAdmin:
		return org, nil
	case u.Role == auth.RoleEvaluator && len(u.Scope.Orgs) > 0:
		if org == "" {
			org = u.Scope.Orgs[0]
		}
		if !slices.Contains(u.Scope.Orgs, org) {
			return "", &httpError{status: http.StatusForbidden, title: "无权访问", detail: "该机关不在您的查阅范围内", cause: auth.ErrForbidden}
		}
		return org, nil
	case u.Role == auth.RoleEvaluator:
		return org, nil
	}
	if org != "" && org != u.Org {
		return "", &httpError{status: http.StatusForbidden, title: "无权访问", detail: "只能查看本机关的" + what, cause: auth.ErrForbidden}
	}
	return u.Org, nil
}

func (s *Server) apiTracking(w http.ResponseWriter, r *http.Request, c *call) error {
	rep, _, err := s.trackingReport(r, c)
	if err != nil {
		return err
	}
	if rep.Items == nil {
		rep.Items = []tracking.Item{}
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}

type trackingData struct {
	Report *tracking.Report
	Query  map[string]string
	States []tracking.State
}

func (s *Server) trackingPage(w http.ResponseWriter, r *http.Request, c *call) error {
	q := r.URL.Query()
	td := &trackingData{States: tracking.States(), Query: map[string]string{
		"org": q.Get("org"), "unit": q.Get("unit"), "from": q.Get("from"), "to": q.Get("to"), "within": q.Get("within")}}
	d := page(r, c, "督办", "/tracking", td)
	rep, _, err := s.trackingReport(r, c)
	if err != nil {
		p := problemOf(err)
		if p.Status >= 500 || p.Status == http.StatusForbidden {
			return err
		}
		d.Error = p.Detail
		s.ui.render(w, p.Status, "tracking", d)
		return nil
	}
	td.Report = rep
	s.ui.render(w, http.StatusOK, "tracking", d)
	return nil
}
