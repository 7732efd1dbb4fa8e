package server

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gongwen/gongwen/deadline"
	"github.com/gongwen/gongwen/stats"
)

// annualFigures computes an office's figures for a year (统计), for the
// offices the user may see: their own, an evaluator's scope, any for an
// administrator. Items whose documents the user cannot open are dropped
// from the listed rectifications; the counts are counts.
func (s *Server) annualFigures(r *http.Request, c *call) (*stats.Figures, error) {
	q := r.URL.Query()
	year := s.cfg.Now().Year()
	if v := q.Get("year"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1900 || n > 9999 {
			return nil, errorf(http.StatusBadRequest, "年度“%s”应为四位年份", v)
		}
		year = n
	}
	org, err := scopeOrg(c.user, strings.TrimSpace(q.Get("org")), "统计")
	if err != nil {
		return nil, err
	}
	var asOf deadline.Date
	if v := q.Get("as_of"); v != "" {
		d, err := deadline.ParseDate(v)
		if err != nil {
			return nil, errorf(http.StatusBadRequest, "as_of：%v", err)
		}
		asOf = d
	}
	f, err := stats.AnnualFromStore(r.Context(), s.store, org, year, asOf)
	if err != nil {
		return nil, err
	}
	kept := f.Rectification.Items[:0]
	for _, it := range f.Rectification.Items {
		if rec, err := s.findDocument(r.Context(), it.ID); err == nil && c.user.CanSee(rec) {
			kept = append(kept, it)
		}
	}
	f.Rectification.Items = kept
	return f, nil
}

func (s *Server) apiStats(w http.ResponseWriter, r *http.Request, c *call) error {
	f, err := s.annualFigures(r, c)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, f)
	return nil
}

func (s *Server) statsChart(w http.ResponseWriter, r *http.Request, c *call) error {
	f, err := s.annualFigures(r, c)
	if err != nil {
		return err
	}
	png, err := stats.ChartPNG(f)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "private, no-store")
	_, err = w.Write(png)
	return err
}

type statsData struct {
	F     *stats.Figures
	Rate  string
	Query string
	Year  int
	Org   string
}

func (s *Server) statsPage(w http.ResponseWriter, r *http.Request, c *call) error {
	f, err := s.annualFigures(r, c)
	if err != nil {
		return err
	}
	sd := &statsData{F: f, Year: f.Year, Org: f.Org, Query: r.URL.RawQuery, Rate: "—"}
	if t, ok := f.Rectification.Rate(); ok {
		sd.Rate = fmt.Sprintf("%d.%d%%", t/10, t%10)
	}
	s.ui.render(w, http.StatusOK, "stats", page(r, c, "统计", "/stats", sd))
	return nil
}
