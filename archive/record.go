package archive

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"
)

// Document statuses.
const (
	StatusIssued     = "issued"     // in force
	StatusSuperseded = "superseded" // replaced by another document
	StatusVoid       = "void"       // 作废
)

// StatusName is a document status as the archive's readers name it: 有效,
// 已被替代 or 作废 (the status itself when it is none of these).
func StatusName(status string) string {
	switch status {
	case StatusIssued:
		return "有效"
	case StatusSuperseded:
		return "已被替代"
	case StatusVoid:
		return "作废"
	}
	return status
}

// File formats of stored versions (Version.Format).
const (
	FormatDocx = "docx" // WordprocessingML; every issued document
	FormatText = "txt"  // plain text, as imported (UTF-8, GB18030/GBK or UTF-16: see doctext)
)

// Version is one immutable stored version of a document: its .docx, or
// for an imported past document possibly a .txt.
type Version struct {
	N      int       `json:"n"`      // 1, 2, …
	Key    string    `json:"key"`    // documents/<year>/<id>/v<n>.<format>
	SHA256 string    `json:"sha256"` // hex SHA-256 of the content
	Size   int64     `json:"size"`
	Time   time.Time `json:"time"`
	Author string    `json:"author"`
	Note   string    `json:"note,omitempty"` // why this version was made
	// Format is the file format, FormatText for a .txt; empty means
	// FormatDocx (every version stored before the field existed is one).
	Format string `json:"format,omitempty"`
}

// FileFormat is the version's file format: Format, or FormatDocx when
// the record predates the field.
func (v Version) FileFormat() string {
	if v.Format == "" {
		return FormatDocx
	}
	return v.Format
}

// CheckFormat accepts the file formats a version may have.
func CheckFormat(format string) error {
	switch format {
	case FormatDocx, FormatText:
		return nil
	}
	return fmt.Errorf("archive: 不支持的文件格式 %q（可用 docx、txt）", format)
}

// TemplateRef names the template a document was rendered from.
type TemplateRef struct {
	ID      string `json:"id"`
	Version int    `json:"version"`
}

// Filing holds the 归档 fields (DA/T 22-2015) once a document is filed.
type Filing struct {
	Retention string    `json:"retention"` // 保管期限: 永久, 30年, 10年
	DangHao   string    `json:"danghao"`   // 档号
	JianHao   int       `json:"jianhao"`   // 件号
	FiledAt   time.Time `json:"filed_at"`
	FiledBy   string    `json:"filed_by"`
}

// Record is a document's metadata, stored as JSON at
// documents/<year>/<id>/record.json and updated with If-Match.
type Record struct {
	ID             string         `json:"id"`
	Wenhao         string         `json:"wenhao"` // 发文字号
	Daizi          string         `json:"daizi"`  // 机关代字
	Year           int            `json:"year"`
	Seq            int            `json:"seq"`
	WenZhong       string         `json:"wenzhong"` // 文种
	Category       string         `json:"category"` // which supervision document
	Title          string         `json:"title"`
	Issuer         string         `json:"issuer"`            // 发文机关
	Org            string         `json:"org,omitempty"`     // id of the issuing office's Profile (whose documents these are)
	MainTo         string         `json:"main_to,omitempty"` // 主送
	CC             []string       `json:"cc,omitempty"`      // 抄送
	Signer         string         `json:"signer,omitempty"`  // 签发人
	Date           string         `json:"date"`              // 成文日期, ISO
	Urgency        string         `json:"urgency,omitempty"` // 紧急程度
	Secrecy        string         `json:"secrecy,omitempty"` // 密级
	SecrecyTerm    string         `json:"secrecy_term,omitempty"`
	SupervisedUnit string         `json:"supervised_unit,omitempty"` // 被监督单位
	RespondsTo     string         `json:"responds_to,omitempty"`     // id of the notice a 整改情况报告 answers
	Deadline       string         `json:"deadline,omitempty"`        // 整改期限
	Received       string         `json:"received,omitempty"`        // 送达日期, ISO: when the addressee received it (SetReceived)
	Template       TemplateRef    `json:"template"`
	Data           map[string]any `json:"data"` // what it was rendered from
	Versions       []Version      `json:"versions"`
	Status         string         `json:"status"`
	StatusReason   string         `json:"status_reason,omitempty"`
	Filing         *Filing        `json:"filing,omitempty"`
	Imported       *Imported      `json:"imported,omitempty"` // set for a past document imported, not issued
	Created        time.Time      `json:"created"`
	CreatedBy      string         `json:"created_by"`
}

// Imported says where an imported document came from. An imported record
// has no template; its metadata were read off the document (see package
// importer) and may lack fields an issued record always has — a document
// without a 发文字号 has Wenhao, Daizi and Seq empty and no registry entry.
type Imported struct {
	File     string   `json:"file"`               // the file's name as given to the import
	Encoding string   `json:"encoding,omitempty"` // a text file's character encoding (utf-8, gb18030, utf-16)
	Warnings []string `json:"warnings,omitempty"` // what extraction could not establish, for a person to check
}

// Latest returns the newest version.
func (r *Record) Latest() Version { return r.Versions[len(r.Versions)-1] }

// Label names the document in messages: its 发文字号, or for an imported
// document without one its title and id.
func (r *Record) Label() string {
	if r.Wenhao != "" {
		return r.Wenhao
	}
	return fmt.Sprintf("《%s》（文件编号 %s）", r.Title, r.ID)
}

// Documents stores documents: immutable versions and their records.
type Documents struct {
	store Store
	now   func() time.Time

	seqOnce sync.Once
	seq     *sequencer // 件号
}

// NewDocuments returns the document store kept in store.
func NewDocuments(store Store) *Documents {
	return &Documents{store: store, now: time.Now}
}

var idRe = regexp.MustCompile(`^[0-9]{8}-[0-9a-f]{12}$`)

// NewID returns a new document id: the date and 48 random bits
// (20260305-3f2a9c0d1e4b), sortable by day and safe in keys.
func NewID(t time.Time) string {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("archive: no randomness: %v", err))
	}
	return t.UTC().Format("20060102") + "-" + hex.EncodeToString(b[:])
}

// RecordKey is where a document's record is stored.
func RecordKey(year int, id string) string {
	return fmt.Sprintf("documents/%d/%s/record.json", year, id)
}

// VersionKey is where version n of a document is stored as a .docx.
func VersionKey(year int, id string, n int) string {
	return VersionKeyAs(year, id, n, FormatDocx)
}

// VersionKeyAs is where version n of a document is stored in a format.
func VersionKeyAs(year int, id string, n int, format string) string {
	return fmt.Sprintf("documents/%d/%s/v%d.%s", year, id, n, format)
}

// PutVersion stores a .docx as version n of a document, never replacing
// a stored version (If-None-Match), and returns its description. Storing
// the same bytes again succeeds (a retried write); other bytes under an
// existing version return ErrPrecondition.
func (d *Documents) PutVersion(ctx context.Context, year int, id string, n int, content []byte, author, note string) (Version, error) {
	return d.PutVersionAs(ctx, year, id, n, FormatDocx, content, author, note)
}

// PutVersionAs is PutVersion for a file of another format (FormatText for
// an imported .txt), stored as v<n>.<format>.
func (d *Documents) PutVersionAs(ctx context.Context, year int, id string, n int, format string, content []byte, author, note string) (Version, error) {
	if !idRe.MatchString(id) {
		return Version{}, fmt.Errorf("archive: 文件编号 %q 无效", id)
	}
	if err := CheckFormat(format); err != nil {
		return Version{}, err
	}
	key := VersionKeyAs(year, id, n, format)
	sum := sha256.Sum256(content)
	if _, err := d.store.Put(ctx, key, content, Cond{IfNoneMatch: true}); err != nil {
		if !errors.Is(err, ErrPrecondition) {
			return Version{}, fmt.Errorf("archive: 保存 %s：%w", key, err)
		}
		// Stored already: by an earlier attempt of this same write (the
		// same bytes), or it is another version that must not be replaced.
		old, _, gerr := d.store.Get(ctx, key)
		if gerr != nil || sha256.Sum256(old) != sum {
			return Version{}, fmt.Errorf("archive: 保存 %s：%w", key, err)
		}
	}
	v := Version{N: n, Key: key, SHA256: hex.EncodeToString(sum[:]), Size: int64(len(content)),
		Time: d.now().UTC(), Author: author, Note: note}
	if format != FormatDocx {
		v.Format = format
	}
	return v, nil
}

// CreateRecord stores a new record; it fails if one exists.
func (d *Documents) CreateRecord(ctx context.Context, r *Record) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("archive: 记录 %s：%w", r.ID, err)
	}
	if _, err := d.store.Put(ctx, RecordKey(r.Year, r.ID), b, Cond{IfNoneMatch: true}); err != nil {
		return fmt.Errorf("archive: 保存记录 %s：%w", r.ID, err)
	}
	return nil
}

// GetRecord reads a record and its ETag.
func (d *Documents) GetRecord(ctx context.Context, year int, id string) (*Record, ObjectInfo, error) {
	if !idRe.MatchString(id) {
		return nil, ObjectInfo{}, fmt.Errorf("archive: 文件编号 %q 无效", id)
	}
	b, info, err := d.store.Get(ctx, RecordKey(year, id))
	if err != nil {
		return nil, ObjectInfo{}, fmt.Errorf("archive: 读取记录 %s：%w", id, err)
	}
	var r Record
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, ObjectInfo{}, fmt.Errorf("archive: 记录 %s 已损坏（%s）：%w", id, RecordKey(year, id), err)
	}
	if r.ID != id || len(r.Versions) == 0 {
		return nil, ObjectInfo{}, fmt.Errorf("archive: 记录 %s 已损坏：编号或版本缺失", RecordKey(year, id))
	}
	return &r, info, nil
}

// UpdateRecord applies change to a record with If-Match, retrying when
// another writer changed it in between.
func (d *Documents) UpdateRecord(ctx context.Context, year int, id string, change func(*Record) error) (*Record, error) {
	for attempt := 0; attempt < 20; attempt++ {
		r, info, err := d.GetRecord(ctx, year, id)
		if err != nil {
			return nil, err
		}
		if err := change(r); err != nil {
			return nil, err
		}
		b, err := json.MarshalIndent(r, "", "  ")
		if err != nil {
			return nil, err
		}
		_, err = d.store.Put(ctx, RecordKey(year, id), b, Cond{IfMatch: info.ETag})
		if err == nil {
			return r, nil
		}
		if !errors.Is(err, ErrPrecondition) {
			return nil, fmt.Errorf("archive: 更新记录 %s：%w", id, err)
		}
	}
	return nil, fmt.Errorf("archive: 更新记录 %s 失败：并发修改过多", id)
}

// AddVersion stores a corrected version of a document: the number stays,
// earlier versions stay readable, and a filed document takes no new
// version.
func (d *Documents) AddVersion(ctx context.Context, year int, id string, content []byte, author, note string) (*Record, error) {
	r, _, err := d.GetRecord(ctx, year, id)
	if err != nil {
		return nil, err
	}
	if r.Filing != nil {
		return nil, refusef("%s 已归档（档号 %s），不能再修改", r.Wenhao, r.Filing.DangHao)
	}
	if r.Status == StatusVoid {
		return nil, refusef("%s 已作废，不能再修改", r.Wenhao)
	}
	for {
		n := r.Latest().N + 1
		v, err := d.PutVersion(ctx, year, id, n, content, author, note)
		if errors.Is(err, ErrPrecondition) {
			// Someone else stored version n first; reread and go on.
			if r, _, err = d.GetRecord(ctx, year, id); err != nil {
				return nil, err
			}
			continue
		}
		if err != nil {
			return nil, err
		}
		return d.UpdateRecord(ctx, year, id, func(rec *Record) error {
			if rec.Filing != nil {
				return refusef("%s 已归档，不能再修改", rec.Wenhao)
			}
			rec.Versions = append(rec.Versions, v)
			sortVersions(rec.Versions)
			return nil
		})
	}
}

// Void marks an issued document 作废 with its reason. Its number stays
// used by it (the registry keeps no gap), its versions stay readable, and
// it takes no new version. A filed document cannot be voided.
func (d *Documents) Void(ctx context.Context, year int, id, reason, by string) (*Record, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return nil, refusef("作废须说明原因")
	}
	return d.UpdateRecord(ctx, year, id, func(r *Record) error {
		switch {
		case r.Status == StatusVoid:
			return refusef("%s 已于此前作废（%s）", r.Wenhao, r.StatusReason)
		case r.Filing != nil:
			return refusef("%s 已归档（档号 %s），不能作废", r.Wenhao, r.Filing.DangHao)
		}
		r.Status = StatusVoid
		r.StatusReason = reason + "（" + by + "，" + d.now().Format("2006-01-02 15:04") + "）"
		return nil
	})
}

func sortVersions(vs []Version) {
	for i := 1; i < len(vs); i++ {
		for j := i; j > 0 && vs[j].N < vs[j-1].N; j-- {
			vs[j], vs[j-1] = vs[j-1], vs[j]
		}
	}
}

// GetVersion reads version n of a document and checks it against the
// SHA-256 in its record.
func (d *Documents) GetVersion(ctx context.Context, r *Record, n int) ([]byte, error) {
	for _, v := range r.Versions {
		if v.N != n {
			continue
		}
		b, _, err := d.store.Get(ctx, v.Key)
		if err != nil {
			return nil, fmt.Errorf("archive: 读取 %s 第%d版：%w", r.Label(), n, err)
		}
		sum := sha256.Sum256(b)
		if hex.EncodeToString(sum[:]) != v.SHA256 {
			return nil, fmt.Errorf("archive: %s 第%d版（%s）的内容与记录的 SHA-256 不符：文件已被改动", r.Label(), n, v.Key)
		}
		return b, nil
	}
	return nil, fmt.Errorf("archive: %s 没有第%d版", r.Label(), n)
}

// ListRecords calls fn for every document record in the store, in key
// order. A record that cannot be read stops the listing with its error.
func (d *Documents) ListRecords(ctx context.Context, fn func(*Record) error) error {
	return d.store.List(ctx, "documents/", func(o ObjectInfo) error {
		if !strings.HasSuffix(o.Key, "/record.json") {
			return nil
		}
		b, _, err := d.store.Get(ctx, o.Key)
		if err != nil {
			return err
		}
		var r Record
		if err := json.Unmarshal(b, &r); err != nil {
			return fmt.Errorf("archive: 记录 %s 已损坏：%w", o.Key, err)
		}
		return fn(&r)
	})
}
