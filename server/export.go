package server

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/gongwen/gongwen/audit"
	"github.com/gongwen/gongwen/bundle"
	"github.com/gongwen/gongwen/search"
)

// maxExportDocs bounds one export: a review pulls a unit's or a year's
// records, not the whole archive.
const maxExportDocs = 5000

// export writes an evaluator bundle (BagIt zip) of what a search finds and
// the user may see, with the documents they answer or that answer them.
// The bag is built in a temporary file first, so a failure sends an
// error, never half a zip; the export is audited.
func (s *Server) export(w http.ResponseWriter, r *http.Request, c *call) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if q == "" {
		return errorf(http.StatusBadRequest, "请输入检索词（q）：导出的是检索到的文件")
	}
	ctx := r.Context()
	var ids []string
	for from := 0; ; from += 200 {
		res, err := s.index.Search(ctx, search.Request{Query: q, Sort: "number", From: from, Size: 200, Within: restrictionFor(c.user)})
		if err != nil {
			return err
		}
		if res.Total > maxExportDocs {
			return errorf(http.StatusUnprocessableEntity, "检索到 %d 件，超过一次导出 %d 件的上限；请加上年度、单位等条件缩小范围", res.Total, maxExportDocs)
		}
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
		}
		if len(res.Hits) == 0 || uint64(from+len(res.Hits)) >= res.Total {
			break
		}
	}
	if len(ids) == 0 {
		return errorf(http.StatusUnprocessableEntity, "“%s”没有检索到可导出的文件", q)
	}
	sel, err := bundle.Select(ctx, s.docs, ids, bundle.SelectOptions{Allow: c.user.CanSee})
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp("", "gongwen-export-*.zip")
	if err != nil {
		return fmt.Errorf("server: export: %w", err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	org := c.user.Org
	if p, err := s.profiles.Get(ctx, org); err == nil {
		org = p.Name
	}
	sum, err := bundle.Write(ctx, tmp, s.docs, sel, bundle.Options{Query: q, SourceOrganization: org, Contact: c.user.Name})
	if err != nil {
		s.event(r, c, audit.ActionExport, q, err.Error(), audit.OutcomeFailed)
		if errors.Is(err, bundle.ErrEmpty) {
			return errorf(http.StatusUnprocessableEntity, "“%s”没有可导出的文件", q)
		}
		return err
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return err
	}
	s.event(r, c, audit.ActionExport, q, fmt.Sprintf("%s：%d 件文件（检索到 %d，关联 %d），%d 个版本，SHA-256 %s",
		sum.Identifier, sum.Documents, sum.Matched, sum.Related, sum.PayloadFiles, sum.SHA256), audit.OutcomeOK)
	name := "评查材料-" + bundle.SafeName(q, 60) + ".zip"
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=\"bundle.zip\"; filename*=UTF-8''%s", url.PathEscape(name)))
	w.Header().Set("Content-Length", strconv.FormatInt(sum.BagBytes, 10))
	w.Header().Set("X-Content-SHA256", sum.SHA256)
	w.Header().Set("Cache-Control", "private, no-store")
	_, err = io.Copy(w, tmp)
	return err
}
