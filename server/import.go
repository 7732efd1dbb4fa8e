package server

import (
	"fmt"
	"io"
	"net/http"

	"github.com/gongwen/gongwen/audit"
	"github.com/gongwen/gongwen/importer"
)

// maxImportBytes bounds one upload of past documents.
const maxImportBytes = 64 << 20

// importFiles archives uploaded past documents (.docx, .txt) for the
// user's office, or with dry_run only shows what would be read. Each file
// imported is indexed and audited.
func (s *Server) importFiles(r *http.Request, c *call) (*importer.Summary, error) {
	if err := r.ParseMultipartForm(16 << 20); err != nil {
		return nil, errorf(http.StatusBadRequest, "请求应为 multipart/form-data 表单，带一个或多个文件字段 files：%v", err)
	}
	var files []importer.File
	for _, fh := range r.MultipartForm.File["files"] {
		f, err := fh.Open()
		if err != nil {
			return nil, err
		}
		b, err := io.ReadAll(f)
		f.Close()
		if err != nil {
			return nil, err
		}
		files = append(files, importer.BytesFile(fh.Filename, b))
	}
	if len(files) == 0 {
		return nil, errorf(http.StatusBadRequest, "没有选择文件（字段 files）")
	}
	dry := r.FormValue("dry_run") != ""
	im := importer.New(s.store)
	im.Now = s.cfg.Now
	sum, err := im.Import(r.Context(), files, importer.Options{
		DryRun: dry, Org: c.user.Org, By: c.user.Name, AllowNoNumber: r.FormValue("allow_no_number") != "",
		OnImported: s.index.PutIssued,
	})
	if err != nil {
		return nil, err
	}
	if !dry {
		s.event(r, c, audit.ActionImport, fmt.Sprintf("%d 个文件", len(files)),
			fmt.Sprintf("导入 %d，重复 %d，失败 %d", sum.Imported, sum.Duplicates, sum.Failed), audit.OutcomeOK)
	}
	return sum, nil
}

func (s *Server) apiImport(w http.ResponseWriter, r *http.Request, c *call) error {
	sum, err := s.importFiles(r, c)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sum)
	return nil
}

func (s *Server) importPage(w http.ResponseWriter, r *http.Request, c *call) error {
	s.ui.render(w, http.StatusOK, "import", page(r, c, "导入", "/import", (*importer.Summary)(nil)))
	return nil
}

func (s *Server) importPost(w http.ResponseWriter, r *http.Request, c *call) error {
	sum, err := s.importFiles(r, c)
	d := page(r, c, "导入", "/import", sum)
	status := http.StatusOK
	if err != nil {
		p := problemOf(err)
		if p.Status >= 500 {
			return err
		}
		d.Error, status = p.Detail, p.Status
	}
	s.ui.render(w, status, "import", d)
	return nil
}
