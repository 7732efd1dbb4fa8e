// Package issuing is the one place that issues a document — number,
// render, store, index — so that the command line and the HTTP service
// share it and hold no logic of their own.
package issuing

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/gongwen/gongwen/archive"
	"github.com/gongwen/gongwen/render"
	"github.com/gongwen/gongwen/templates"
)

// Issuer issues documents into an archive.
type Issuer struct {
	Registry  *archive.Registry
	Documents *archive.Documents
	// OnIssued, if set, receives every issued record and its .docx (the
	// search index). Its error is reported but does not undo the issue: the
	// index is derived and can be rebuilt from the store.
	OnIssued func(ctx context.Context, r *archive.Record, content []byte) error
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Retries of a failed storage write before the number is voided.
	Retries int
}

// New returns an Issuer over one store.
func New(store archive.Store) *Issuer {
	return &Issuer{Registry: archive.NewRegistry(store), Documents: archive.NewDocuments(store), Retries: 3}
}

// Request is one document to issue.
type Request struct {
	Template *templates.Template
	// Data fills the template. 年份 and 序号 are set by the registry;
	// 机关代字 must be given.
	Data   map[string]any
	Author string // who issues it (for the record and the registry)
	// Profile, if set, is the issuing office: its particulars and its
	// 机关代字 for the template replace what Data says.
	Profile *archive.Profile
}

// Result is an issued document.
type Result struct {
	Record  *archive.Record
	Content []byte // the stored .docx
	Warning string // set when the document is stored but a later step (the index) failed
}

func (is *Issuer) now() time.Time {
	if is.Now != nil {
		return is.Now()
	}
	return time.Now()
}

// Preview is what a document will look like before it is issued: the
// .docx rendered with every field, the text of it, and the 发文字号 it
// would take now (the next free number, which another issue may still take
// first).
type Preview struct {
	Docx       []byte
	Text       string
	NextWenhao string
}

// Preview validates the data and renders the document as it would be
// issued, without taking a number or storing anything.
func (is *Issuer) Preview(ctx context.Context, req Request) (*Preview, error) {
	t := req.Template
	data, daizi, year, err := is.prepare(t, req)
	if err != nil {
		return nil, err
	}
	next := 1
	if entries, err := is.Registry.List(ctx, daizi, year); err != nil {
		return nil, err
	} else if len(entries) > 0 {
		next = entries[len(entries)-1].Seq + 1
	}
	data["序号"] = next
	content, err := t.Render(ctx, data, render.Options{})
	if err != nil {
		return nil, err
	}
	text, err := render.ExtractText(content, render.TextOptions{})
	if err != nil {
		return nil, fmt.Errorf("issuing: preview text: %w", err)
	}
	return &Preview{Docx: content, Text: text, NextWenhao: archive.FormatWenhao(daizi, year, next)}, nil
}

// prepare applies the office's profile to a copy of the data and fills the
// registry's fields for a trial render: it returns the data, the 机关代字
// and the year of the 发文字号.
func (is *Issuer) prepare(t *templates.Template, req Request) (map[string]any, string, int, error) {
	if t == nil {
		return nil, "", 0, errors.New("issuing: 未指定模板")
	}
	data := maps.Clone(req.Data)
	if data == nil {
		data = map[string]any{}
	}
	if req.Profile != nil {
		if err := req.Profile.Apply(t.ID, data); err != nil {
			return nil, "", 0, err
		}
	}
	daizi, _ := data["机关代字"].(string)
	if err := archive.CheckDaizi(daizi); err != nil {
		return nil, "", 0, err
	}
	year := is.now().Year()
	if d, ok := data["成文日期"].(string); ok {
		if tm, err := time.Parse("2006-01-02", d); err == nil {
			year = tm.Year()
		}
	}
	data["年份"], data["序号"] = year, 1
	return data, daizi, year, nil
}

// Issue validates the data and renders a dry run first (so a bad request
// takes no number), then allocates the next 发文字号, renders the document
// with it, stores the content and the record, and marks the number issued.
// Either the document is complete and retrievable, or its number is void
// with the reason.
func (is *Issuer) Issue(ctx context.Context, req Request) (*Result, error) {
	t := req.Template
	data, daizi, year, err := is.prepare(t, req)
	if err != nil {
		return nil, err
	}
	if _, err := t.Render(ctx, data, render.Options{DryRun: true}); err != nil {
		return nil, err // nothing allocated yet
	}

	// The document's id is chosen first, so the number entry names it from
	// the start: no second write to the registry when all goes well.
	now := is.now()
	id := archive.NewID(now)
	entry, _, err := is.Registry.Allocate(ctx, daizi, year, archive.NumberIssued, id, req.Author, "")
	if err != nil {
		return nil, err
	}
	voidWith := func(cause error) error {
		reason := "发文未完成：" + cause.Error()
		if _, verr := is.Registry.Abandon(context.WithoutCancel(ctx), daizi, year, entry.Seq, id, reason); verr != nil {
			// The store did not answer: the document may have been saved
			// all the same (a write that arrived but whose answer was lost).
			return fmt.Errorf("%w；结果未知：文号 %s（文件编号 %s）可能已保存，也可能未保存。请勿重发，先运行 gongwen verify --repair：文件完整则保留，否则作废该文号（%v）", cause, entry.Wenhao, id, verr)
		}
		return fmt.Errorf("%w（文号 %s 已登记为作废）", cause, entry.Wenhao)
	}

	data["序号"] = entry.Seq
	content, err := t.Render(ctx, data, render.Options{})
	if err != nil {
		return nil, voidWith(err)
	}
	var v archive.Version
	err = is.retry(ctx, func() error {
		var e error
		v, e = is.Documents.PutVersion(ctx, year, id, 1, content, req.Author, "首次发文")
		return e
	})
	if err != nil {
		return nil, voidWith(err)
	}
	rec := recordOf(t, data, entry, id, v, req.Author, now)
	if req.Profile != nil {
		rec.Org = req.Profile.ID
	}
	if rec.RespondsTo != "" {
		// 答复文件 is typed as a 发文字号; the record keeps the notice's id
		// when the archive holds it.
		if e, err := is.Registry.Lookup(ctx, rec.RespondsTo); err == nil && e.DocumentID != "" {
			rec.RespondsTo = e.DocumentID
		}
	}
	created := false
	if err := is.retry(ctx, func() error {
		e := is.Documents.CreateRecord(ctx, rec)
		if errors.Is(e, archive.ErrPrecondition) && created {
			return nil // an earlier attempt stored it and its answer was lost
		}
		created = created || e != nil && !errors.Is(e, archive.ErrPrecondition)
		return e
	}); err != nil {
		// The record may have been stored by an attempt whose answer was
		// lost: then the document is complete and must not lose its number.
		if got, _, gerr := is.Documents.GetRecord(ctx, year, id); gerr == nil && got.ID == id {
			return is.finish(ctx, rec, content), nil
		} else if gerr != nil && !errors.Is(gerr, archive.ErrNotFound) {
			return nil, fmt.Errorf("%w；结果未知：文号 %s（文件编号 %s）可能已保存，也可能未保存。请勿重发，先运行 gongwen verify --repair（%v）", err, entry.Wenhao, id, gerr)
		}
		return nil, voidWith(err)
	}
	return is.finish(ctx, rec, content), nil
}

// finish hands an issued document to OnIssued (the index).
func (is *Issuer) finish(ctx context.Context, rec *archive.Record, content []byte) *Result {
	res := &Result{Record: rec, Content: content}
	if is.OnIssued != nil {
		if err := is.OnIssued(ctx, rec, content); err != nil {
			res.Warning = fmt.Sprintf("文件已保存，但未能加入检索索引（%v）；运行 gongwen reindex 可重建", err)
		}
	}
	return res
}

// retry runs op up to Retries+1 times with a short backoff, stopping at
// once on a cancelled context.
func (is *Issuer) retry(ctx context.Context, op func() error) error {
	var err error
	for attempt := 0; attempt <= is.Retries; attempt++ {
		if err = op(); err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Duration(50*(attempt+1)) * time.Millisecond):
		}
	}
	return err
}

// recordOf builds the record of a document from its template and data.
func recordOf(t *templates.Template, data map[string]any, e *archive.NumberEntry, id string, v archive.Version, author string, now time.Time) *archive.Record {
	str := func(k string) string {
		if s, ok := data[k].(string); ok {
			return strings.TrimSpace(s)
		}
		if v, ok := data[k]; ok && v != nil {
			return fmt.Sprint(v)
		}
		return ""
	}
	var cc []string
	if l, ok := data["抄送"].([]any); ok {
		for _, x := range l {
			cc = append(cc, fmt.Sprint(x))
		}
	}
	return &archive.Record{
		ID: id, Wenhao: e.Wenhao, Daizi: e.Daizi, Year: e.Year, Seq: e.Seq,
		WenZhong: t.WenZhong, Category: t.ID, Title: str("标题"), Issuer: str("发文机关署名"),
		MainTo: str("主送"), CC: cc, Signer: str("签发人"), Date: str("成文日期"),
		Urgency: str("紧急程度"), Secrecy: str("密级"), SecrecyTerm: str("保密期限"),
		SupervisedUnit: str("被监督单位"), RespondsTo: str("答复文件"), Deadline: str("整改期限"),
		Template: archive.TemplateRef{ID: t.ID, Version: t.Version},
		Data:     data, Versions: []archive.Version{v}, Status: archive.StatusIssued,
		Created: now.UTC(), CreatedBy: author,
	}
}
