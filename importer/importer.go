package importer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"time"

	"github.com/gongwen/gongwen/archive"
)

// MaxFileBytes bounds one imported file: official documents hold
// kilobytes, a .docx with scanned pages a few megabytes.
const MaxFileBytes = 64 << 20

// File is one file to import.
type File struct {
	// Name is how the user knows the file: a path, or an uploaded file's
	// name. Its extension gives the format; the record keeps its base name.
	Name string
	// Read returns the content; it is called once, when the file's turn
	// comes, so that a long run does not hold every file in memory.
	Read func() ([]byte, error)
}

// BytesFile is a File whose content is already in memory (an upload).
func BytesFile(name string, content []byte) File {
	return File{Name: name, Read: func() ([]byte, error) { return content, nil }}
}

// Options adjust an import.
type Options struct {
	DryRun bool   // extract and check against the archive; write nothing
	Org    string // id of the office's profile whose documents these are (Record.Org); optional
	By     string // who imports: the records' CreatedBy and the registry entries' By
	// AllowNoNumber archives a document in which no 发文字号 was found,
	// without a registry entry. Without it such a file is reported as
	// failed: most often the number is there and was not read, and an
	// archivist wants to look before the document goes in unnumbered.
	AllowNoNumber bool
	// Progress, if set, is called after each file.
	Progress func(done, total int)
	// OnImported, if set, receives every record imported and its content
	// (the search index). Its error is noted on the file's result and does
	// not undo the import: the index is derived and can be rebuilt.
	OnImported func(ctx context.Context, r *archive.Record, content []byte) error
}

// Result statuses.
const (
	StatusImported  = "imported"  // archived
	StatusReady     = "ready"     // dry run: would be archived
	StatusDuplicate = "duplicate" // already archived: the same file, or the same document under its number
	StatusFailed    = "failed"    // not archived; Reason says why
)

// DocRef names an archived document.
type DocRef struct {
	ID     string `json:"id"`
	Year   int    `json:"year"`
	Wenhao string `json:"wenhao,omitempty"`
	Title  string `json:"title,omitempty"`
	File   string `json:"file,omitempty"` // the file it was imported from, when imported
}

// Label names the document in messages.
func (d DocRef) Label() string {
	s := d.Wenhao
	if d.Title != "" {
		s += "《" + d.Title + "》"
	}
	if s == "" {
		s = "文件 " + d.ID
	}
	return s
}

// Result is what became of one file.
type Result struct {
	File        string          `json:"file"`
	Status      string          `json:"status"`
	Reason      string          `json:"reason,omitempty"` // why not imported (duplicate, failed), in Chinese
	SHA256      string          `json:"sha256,omitempty"`
	Metadata    *Metadata       `json:"metadata,omitempty"`     // what was read off the document
	Record      *archive.Record `json:"record,omitempty"`       // the record stored (imported)
	DuplicateOf *DocRef         `json:"duplicate_of,omitempty"` // the archived document it duplicates
	Notes       []string        `json:"notes,omitempty"`        // things done or noticed on the way, in Chinese
}

// Summary is what an import did, file by file, with the counts.
type Summary struct {
	DryRun     bool     `json:"dry_run"`
	Results    []Result `json:"results"`
	Imported   int      `json:"imported"`   // archived
	Ready      int      `json:"ready"`      // dry run: would be archived
	Duplicates int      `json:"duplicates"` // already archived
	Failed     int      `json:"failed"`
}

// Importer archives past documents.
type Importer struct {
	Registry  *archive.Registry
	Documents *archive.Documents
	Profiles  *archive.Profiles
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// New returns an Importer into one store.
func New(store archive.Store) *Importer {
	return &Importer{Registry: archive.NewRegistry(store), Documents: archive.NewDocuments(store), Profiles: archive.NewProfiles(store)}
}

func (im *Importer) now() time.Time {
	if im.Now != nil {
		return im.Now()
	}
	return time.Now()
}

// run is the state of one Import call.
type run struct {
	opts    Options
	profile *archive.Profile
	bySum   map[string]DocRef // SHA-256 of every stored version -> its document
	byNum   map[string]DocRef // numbers taken in this run (a dry run registers nothing)
}

// Import reads each file's metadata and archives it: the 发文字号 is
// registered as imported, the original file stored unchanged as version 1
// (v1.docx or v1.txt) and the record created with status issued. A file
// whose content is already archived (the SHA-256 of any stored version)
// is reported as a duplicate, as is a document whose number is already
// registered to a document of the same title; a number registered to
// another document is a conflict and fails. Nothing is doubled and no
// file is left half-archived. The error is for the run as a whole (the
// archive cannot be read, the office is unknown, the context ended); the
// summary then holds the files done so far.
func (im *Importer) Import(ctx context.Context, files []File, opts Options) (*Summary, error) {
	r := &run{opts: opts, bySum: map[string]DocRef{}, byNum: map[string]DocRef{}}
	if opts.Org != "" {
		p, err := im.Profiles.Get(ctx, opts.Org)
		if err != nil {
			return nil, err
		}
		r.profile = p
	}
	if err := im.Documents.ListRecords(ctx, func(rec *archive.Record) error {
		ref := refOf(rec)
		for _, v := range rec.Versions {
			r.bySum[v.SHA256] = ref
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("导入前读取已存档的记录失败（gongwen verify 可检查存储）：%w", err)
	}
	sum := &Summary{DryRun: opts.DryRun, Results: make([]Result, 0, len(files))}
	for i, f := range files {
		if err := ctx.Err(); err != nil {
			return sum, fmt.Errorf("导入在第 %d 个文件前中止（已处理的见结果）：%w", i+1, err)
		}
		res := im.one(ctx, r, f)
		switch res.Status {
		case StatusImported:
			sum.Imported++
		case StatusReady:
			sum.Ready++
		case StatusDuplicate:
			sum.Duplicates++
		default:
			sum.Failed++
		}
		sum.Results = append(sum.Results, res)
		if opts.Progress != nil {
			opts.Progress(i+1, len(files))
		}
	}
	return sum, nil
}

func refOf(rec *archive.Record) DocRef {
	ref := DocRef{ID: rec.ID, Year: rec.Year, Wenhao: rec.Wenhao, Title: rec.Title}
	if rec.Imported != nil {
		ref.File = rec.Imported.File
	}
	return ref
}

// one imports one file.
func (im *Importer) one(ctx context.Context, r *run, f File) Result {
	res := Result{File: f.Name}
	fail := func(format string, args ...any) Result {
		res.Status, res.Reason = StatusFailed, fmt.Sprintf(format, args...)
		return res
	}
	content, err := f.Read()
	if err != nil {
		return fail("无法读取文件：%v", err)
	}
	if len(content) > MaxFileBytes {
		return fail("文件超过 %d MiB，不像是一份公文", MaxFileBytes>>20)
	}
	h := sha256.Sum256(content)
	res.SHA256 = hex.EncodeToString(h[:])
	if ref, ok := r.bySum[res.SHA256]; ok {
		res.Status, res.DuplicateOf = StatusDuplicate, &ref
		res.Reason = fmt.Sprintf("与已存档的 %s 内容完全相同（SHA-256 一致），未重复导入", ref.Label())
		return res
	}
	md, err := Extract(f.Name, content)
	if err != nil {
		return fail("%v", err)
	}
	res.Metadata = md
	year := md.Year
	if year == 0 && md.Date != "" {
		year, _ = strconv.Atoi(md.Date[:4])
	}
	switch {
	case md.Wenhao == "" && year == 0:
		return fail("未找到发文字号，也未找到成文日期，无法确定文件所属年度，未导入")
	case md.Wenhao == "" && !r.opts.AllowNoNumber:
		return fail("未找到发文字号，未导入（确无文号的文件可选择允许无文号导入，命令行为 --allow-no-number；不登记文号）")
	}
	if r.profile != nil && md.Daizi != "" && !r.profile.Owns(md.Daizi) {
		res.Notes = append(res.Notes, fmt.Sprintf("机关代字“%s”不是%s的机关代字（收文或其他机关的文件？）；文号照常登记，本机关发文不会用到它", md.Daizi, r.profile.Name))
	}

	// The number: free, claimable (reserved for this document, or left by
	// an interrupted import), or taken.
	var claim *archive.NumberEntry
	if md.Wenhao != "" {
		if ref, ok := r.byNum[md.Wenhao]; ok {
			return im.numberTaken(res, md, ref)
		}
		e, _, err := im.Registry.Get(ctx, md.Daizi, md.Year, md.Seq)
		switch {
		case errors.Is(err, archive.ErrNotFound):
		case err != nil:
			return fail("无法读取文号登记 %s：%v", md.Wenhao, err)
		default:
			ok, out := im.claimable(ctx, e, md, res)
			if !ok {
				return out
			}
			claim = e
		}
	}
	if r.opts.DryRun {
		res.Status = StatusReady
		if claim != nil {
			res.Notes = append(res.Notes, claimNote(claim))
		}
		ref := DocRef{Year: year, Wenhao: md.Wenhao, Title: md.Title, File: filepath.Base(f.Name)}
		r.bySum[res.SHA256] = ref
		if md.Wenhao != "" {
			r.byNum[md.Wenhao] = ref
		}
		return res
	}

	now := im.now()
	id := archive.NewID(now)
	by := r.opts.By
	if md.Wenhao != "" {
		if claim != nil {
			note := claimNote(claim)
			if _, err := im.Registry.Update(ctx, md.Daizi, md.Year, md.Seq, func(e *archive.NumberEntry) error {
				if ok, _ := im.claimable(ctx, e, md, res); !ok || e.DocumentID != claim.DocumentID {
					return fmt.Errorf("文号 %s 刚被另一处使用", e.Wenhao)
				}
				e.Status, e.DocumentID, e.By = archive.NumberImported, id, by
				e.Reason = note
				return nil
			}); err != nil {
				return fail("登记文号 %s 失败：%v", md.Wenhao, err)
			}
			res.Notes = append(res.Notes, note)
		} else if _, err := im.Registry.Import(ctx, md.Daizi, md.Year, md.Seq, id, by); err != nil {
			if errors.Is(err, archive.ErrPrecondition) {
				// Registered a moment ago by another process.
				if e, _, gerr := im.Registry.Get(ctx, md.Daizi, md.Year, md.Seq); gerr == nil {
					if _, out := im.claimable(ctx, e, md, res); out.Status != "" {
						return out
					}
				}
			}
			return fail("登记文号 %s 失败：%v", md.Wenhao, err)
		}
	}
	rec, err := im.store(ctx, f, md, content, id, year, r.opts.Org, by, now)
	if err != nil {
		reason := fmt.Sprintf("保存失败：%v", err)
		if md.Wenhao != "" {
			reason += im.release(ctx, md, id, err)
		}
		return fail("%s", reason)
	}
	res.Status, res.Record = StatusImported, rec
	ref := refOf(rec)
	r.bySum[res.SHA256] = ref
	if md.Wenhao != "" {
		r.byNum[md.Wenhao] = ref
	}
	if r.opts.OnImported != nil {
		if err := r.opts.OnImported(ctx, rec, content); err != nil {
			res.Notes = append(res.Notes, fmt.Sprintf("文件已导入，但未能加入检索索引（%v）；运行 gongwen reindex 可重建", err))
		}
	}
	return res
}

// store writes the content as version 1 and the record.
func (im *Importer) store(ctx context.Context, f File, md *Metadata, content []byte, id string, year int, org, by string, now time.Time) (*archive.Record, error) {
	name := filepath.Base(f.Name)
	v, err := im.Documents.PutVersionAs(ctx, year, id, 1, md.Format, content, by, "导入："+name)
	if err != nil {
		return nil, err
	}
	rec := &archive.Record{
		ID: id, Wenhao: md.Wenhao, Daizi: md.Daizi, Year: year, Seq: md.Seq,
		WenZhong: md.WenZhong, Title: md.Title, Issuer: md.Issuer, Org: org, MainTo: md.MainTo, CC: md.CC,
		Signer: md.Signer, Date: md.Date, Versions: []archive.Version{v}, Status: archive.StatusIssued,
		Imported: &archive.Imported{File: name, Encoding: md.Encoding, Warnings: md.Warnings},
		Created:  now.UTC(), CreatedBy: by,
	}
	if err := im.Documents.CreateRecord(ctx, rec); err != nil {
		// The write may have arrived while its answer was lost.
		if got, _, gerr := im.Documents.GetRecord(ctx, year, id); gerr == nil && got.ID == id {
			return rec, nil
		}
		return nil, err
	}
	return rec, nil
}

// release keeps a number registered by an import whose document could not
// be stored as used (the past document did use it) but names no document,
// so that importing the file again takes it up. It returns what to add to
// the failure's reason.
func (im *Importer) release(ctx context.Context, md *Metadata, id string, cause error) string {
	ctx = context.WithoutCancel(ctx)
	if _, err := im.Registry.Update(ctx, md.Daizi, md.Year, md.Seq, func(e *archive.NumberEntry) error {
		if e.DocumentID != id {
			return fmt.Errorf("登记的是文件 %s", e.DocumentID)
		}
		e.DocumentID = ""
		e.Reason = fmt.Sprintf("导入未完成（%v）；文号为导入的旧文件所用，重新导入该文件即可", cause)
		return nil
	}); err != nil {
		return fmt.Sprintf("；文号 %s 已登记为导入但文件未保存，且无法更正登记（%v）：重新导入该文件即可，或运行 gongwen verify 查看", md.Wenhao, err)
	}
	return fmt.Sprintf("；文号 %s 保留为已用，重新导入该文件即可", md.Wenhao)
}

// claimable decides about a number already in the registry. An import
// may take it up when it waits for this document: reserved (预留) for a
// document signed offline, or left without its document for ten minutes
// or more (archive.StaleAllocation) by an import or an issue that was
// interrupted — or whose document is missing because the store was
// restored from a copy taken while it was being issued. Otherwise the
// result says why the file is not imported: a duplicate when the number's
// document has the same title, else a conflict.
func (im *Importer) claimable(ctx context.Context, e *archive.NumberEntry, md *Metadata, res Result) (bool, Result) {
	res.Status = StatusFailed
	stale := time.Since(e.Updated) >= archive.StaleAllocation
	switch e.Status {
	case archive.NumberReserved:
		if e.DocumentID == "" {
			return true, Result{}
		}
	case archive.NumberVoid:
		res.Reason = fmt.Sprintf("文号 %s 已登记为作废（%s），未导入；如该文号确曾使用，请先核实登记", e.Wenhao, e.Reason)
		return false, res
	case archive.NumberAllocated:
		if !stale {
			res.Reason = fmt.Sprintf("文号 %s 正在发文中，未导入；请稍后再试", e.Wenhao)
			return false, res
		}
	}
	if e.DocumentID == "" {
		if e.Status == archive.NumberImported || e.Status == archive.NumberAllocated {
			return true, Result{} // left by an import or an issue that failed
		}
		res.Reason = fmt.Sprintf("文号 %s 已登记（%s），未导入；请先核实登记", e.Wenhao, e.Status)
		return false, res
	}
	rec, _, err := im.Documents.GetRecord(ctx, e.Year, e.DocumentID)
	switch {
	case err == nil:
		return false, im.numberTaken(res, md, refOf(rec))
	case !errors.Is(err, archive.ErrNotFound):
		res.Reason = fmt.Sprintf("无法读取文号 %s 登记的文件 %s：%v", e.Wenhao, e.DocumentID, err)
		return false, res
	case stale && e.Status != archive.NumberReserved:
		return true, Result{} // its document was never stored, or is lost
	}
	res.Reason = fmt.Sprintf("文号 %s 正在由另一次导入或发文使用（文件 %s 尚未保存），未导入；请 10 分钟后再试，或运行 gongwen verify 查看", e.Wenhao, e.DocumentID)
	return false, res
}

// numberTaken reports a number already used by an archived document: the
// same document again (same title) is a duplicate, another is a conflict.
func (im *Importer) numberTaken(res Result, md *Metadata, ref DocRef) Result {
	res.DuplicateOf = &ref
	if ref.Title == md.Title {
		res.Status = StatusDuplicate
		res.Reason = fmt.Sprintf("文号 %s 已存档（%s，标题相同），未重复导入；如为同一文件的另一稿，可用 gongwen revise 保存为新版本", md.Wenhao, ref.Label())
		return res
	}
	res.Status = StatusFailed
	res.Reason = fmt.Sprintf("文号冲突：%s 已用于 %s，与本文件标题“%s”不同，未导入；请核对文号", md.Wenhao, ref.Label(), md.Title)
	return res
}

func claimNote(e *archive.NumberEntry) string {
	if e.Status == archive.NumberReserved {
		return fmt.Sprintf("使用预留的文号 %s（预留原因：%s）", e.Wenhao, e.Reason)
	}
	if e.Status == archive.NumberImported {
		return fmt.Sprintf("接续未完成的导入，使用已登记的文号 %s", e.Wenhao)
	}
	return fmt.Sprintf("文号 %s 已登记（%s）但文件缺失（发文中断，或存储由发文中途的备份恢复），以导入的文件补齐", e.Wenhao, archive.NumberStatusName(e.Status))
}
