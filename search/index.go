package search

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/mapping"
)

// Doc is what the index holds of one document: its metadata and its text.
type Doc struct {
	ID        string // the archive's document id
	Wenhao    string // 发文字号, e.g. 乌司发〔2023〕47号
	Daizi     string // 机关代字
	Year      int    // year of the 发文字号
	Seq       int    // 序号
	WenZhong  string // 文种
	Category  string // which supervision document (template id)
	Issuer    string // 发文机关
	Unit      string // 被监督单位
	Status    string // issued, superseded, void
	Retention string // 保管期限, once filed
	Org       string // id of the issuing office's profile (visibility)
	Secrecy   string // 密级; "" for an unclassified document
	// RespondsTo is the id (or typed 发文字号) of the document this one
	// answers: a 整改情况报告's notice.
	RespondsTo string
	Date       time.Time // 成文日期
	Title      string
	Text       string // the body text, as render.ExtractText gives it
}

// Field names in the index.
const (
	fText       = "text"  // title + body, bigrams with positions
	fUni        = "uni"   // title + body, unigrams
	fTitle      = "title" // stored for hits
	fBody       = "body"  // stored for snippets
	fWenhao     = "wenhao"
	fWenhaoN    = "wenhao_norm"
	fDaizi      = "daizi"
	fWenZhong   = "wenzhong"
	fCategory   = "category"
	fIssuer     = "issuer"
	fUnit       = "unit"
	fStatus     = "status"
	fRetention  = "retention"
	fOrg        = "org"
	fSecrecy    = "secrecy"
	fRespondsTo = "responds_to"
	fDate       = "date"
	fYear       = "year"
	fSeq        = "seq"
)

// Index is a bleve index of documents.
type Index struct {
	idx   bleve.Index
	close sync.Once
	err   error // from the one Close
}

// newMapping builds the index mapping: Chinese text as position-carrying
// bigrams (exact phrases) and unigrams (one-character queries), the
// 发文字号 exact and normalised, keyword fields for facets and filters,
// the date and numbers for ranges and sorting.
func newMapping() mapping.IndexMapping {
	im := bleve.NewIndexMapping()
	im.DefaultAnalyzer = keyword.Name
	doc := bleve.NewDocumentStaticMapping()

	// analysed returns an indexed, unstored text field with its analyzer.
	analysed := func(analyzer string, positions bool) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = analyzer
		f.IncludeTermVectors = positions
		f.Store = false
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	doc.AddFieldMappingsAt(fText, analysed(bigramAnalyzer, true))
	doc.AddFieldMappingsAt(fUni, analysed(unigramAnalyzer, false))

	stored := func() *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Index = false
		f.Store = true
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		f.DocValues = false
		return f
	}
	doc.AddFieldMappingsAt(fTitle, stored())
	doc.AddFieldMappingsAt(fBody, stored())

	kw := func(store bool) *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Store = store
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		return f
	}
	doc.AddFieldMappingsAt(fWenhao, kw(true))
	doc.AddFieldMappingsAt(fWenhaoN, analysed(keywordNormAnalyzer, false))
	for _, f := range []string{fDaizi, fWenZhong, fCategory, fIssuer, fUnit, fStatus, fRetention, fYearKw, fOrg, fSecrecy, fRespondsTo} {
		doc.AddFieldMappingsAt(f, kw(false))
	}
	date := bleve.NewDateTimeFieldMapping()
	date.Store = true
	date.IncludeInAll = false
	doc.AddFieldMappingsAt(fDate, date)
	for _, f := range []string{fYear, fSeq} {
		n := bleve.NewNumericFieldMapping()
		n.Store = f == fYear // hits name the document by year and id
		n.IncludeInAll = false
		doc.AddFieldMappingsAt(f, n)
	}
	im.DefaultMapping = doc
	return im
}

// ErrBusy means another process holds the index open.
var ErrBusy = errors.New("检索索引正被另一个进程使用")

// ErrDamaged means the index folder cannot be read: a file in it is cut
// short or corrupt (a disk fault, a copy interrupted). Nothing is lost —
// the index is derived from the store — but it must be rebuilt:
// gongwen reindex, or OpenOrReset, which the service uses at start.
var ErrDamaged = errors.New("检索索引已损坏，请运行 gongwen reindex 从存储重建（存储中的文件不受影响）")

// Open opens the index in dir, creating it if it does not exist. One
// process at a time may hold an index; another gets ErrBusy within
// a few seconds instead of waiting for ever. A folder that cannot be
// read as an index gives ErrDamaged.
func Open(dir string) (*Index, error) {
	idx, err := openBleve(dir)
	if err != nil {
		switch {
		case strings.Contains(err.Error(), "timeout"):
			return nil, fmt.Errorf("search: open index %s: %w", dir, ErrBusy)
		case errors.Is(err, fs.ErrPermission):
			return nil, fmt.Errorf("search: open index %s: %w", dir, err)
		case !looksLikeIndex(dir):
			// Never call a folder that is not an index damaged: OpenOrReset
			// would move it away.
			return nil, fmt.Errorf("search: %s 不是检索索引目录（其中没有 index_meta.json 和 store）；请用 --index-dir 指定一个新目录：%v", dir, err)
		}
		return nil, fmt.Errorf("search: open index %s: %w（%v）", dir, ErrDamaged, err)
	}
	return &Index{idx: idx}, nil
}

// looksLikeIndex reports whether dir holds what a bleve index folder
// holds, whole or not.
func looksLikeIndex(dir string) bool {
	for _, name := range []string{"index_meta.json", "store"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			return true
		}
	}
	return false
}

// openBleve opens or creates the bleve index in dir. bleve reads a
// segment's tables as it opens it and panics on some damaged ones; the
// panic is returned as an error.
func openBleve(dir string) (idx bleve.Index, err error) {
	defer func() {
		if p := recover(); p != nil {
			idx, err = nil, fmt.Errorf("%v", p)
		}
	}()
	idx, err = bleve.OpenUsing(dir, map[string]interface{}{"bolt_timeout": "3s"})
	if errors.Is(err, bleve.ErrorIndexPathDoesNotExist) || errors.Is(err, bleve.ErrorIndexMetaMissing) && isEmptyDir(dir) {
		idx, err = bleve.New(dir, newMapping())
	}
	return idx, err
}

// isEmptyDir reports whether dir is a folder with nothing in it (one made
// for the index by whoever set up the machine).
func isEmptyDir(dir string) bool {
	es, err := os.ReadDir(dir)
	return err == nil && len(es) == 0
}

// OpenOrReset opens the index in dir like Open, except that a damaged
// index is set aside — renamed to dir.damaged-<time>, kept for whoever
// wants to look at it — and a new, empty one is created in its place.
// setAside names the folder set aside, or is "" when the index was sound.
// The new index is empty: Check (or Rebuild) fills it from the store.
func OpenOrReset(dir string) (x *Index, setAside string, err error) {
	x, err = Open(dir)
	if !errors.Is(err, ErrDamaged) {
		return x, "", err
	}
	setAside = dir + ".damaged-" + time.Now().Format("20060102-150405")
	if rerr := os.Rename(dir, setAside); rerr != nil {
		return nil, "", fmt.Errorf("%w; 无法移开损坏的索引：%v", err, rerr)
	}
	x, err = Open(dir)
	return x, setAside, err
}

// Has reports whether the index holds a document id.
func (x *Index) Has(id string) (has bool, err error) {
	defer func() {
		if p := recover(); p != nil {
			has, err = false, fmt.Errorf("search: look up %s: %w（%v）", id, ErrDamaged, p)
		}
	}()
	d, err := x.idx.Document(id)
	if err != nil {
		return false, fmt.Errorf("search: look up %s: %w（%v）", id, ErrDamaged, err)
	}
	return d != nil, nil
}

// OpenMemory returns an index held in memory (for tests and tools).
func OpenMemory() (*Index, error) {
	idx, err := bleve.NewMemOnly(newMapping())
	if err != nil {
		return nil, fmt.Errorf("search: memory index: %w", err)
	}
	return &Index{idx: idx}, nil
}

// Close closes the index. Closing it again does nothing.
func (x *Index) Close() error {
	x.close.Do(func() { x.err = x.idx.Close() })
	return x.err
}

// fields is a Doc as the index stores it.
func (d Doc) fields() map[string]any {
	all := d.Title + "\n" + d.Text
	m := map[string]any{
		fText: all, fUni: all, fTitle: d.Title, fBody: d.Text,
		fWenhao: d.Wenhao, fWenhaoN: d.Wenhao,
		fDaizi: d.Daizi, fWenZhong: d.WenZhong, fCategory: d.Category, fIssuer: d.Issuer,
		fUnit: d.Unit, fStatus: d.Status, fRetention: d.Retention,
		fOrg: orEmpty(d.Org), fSecrecy: orEmpty(d.Secrecy), fRespondsTo: d.RespondsTo,
		fYear: float64(d.Year), fSeq: float64(d.Seq),
	}
	if d.Year > 0 {
		m[fYearKw] = strconv.Itoa(d.Year)
	}
	if !d.Date.IsZero() {
		m[fDate] = d.Date
	}
	return m
}

// emptyTerm stands for an empty keyword, which bleve does not index, so
// that a restriction can name "no office" or "unclassified".
const emptyTerm = "\x00"

func orEmpty(s string) string {
	if s == "" {
		return emptyTerm
	}
	return s
}

// Put indexes one document, replacing an earlier entry with its id.
func (x *Index) Put(ctx context.Context, d Doc) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := x.idx.Index(d.ID, d.fields()); err != nil {
		return fmt.Errorf("search: index %s: %w", d.ID, err)
	}
	return nil
}

// PutBatch indexes many documents in one batch.
func (x *Index) PutBatch(ctx context.Context, docs []Doc) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	b := x.idx.NewBatch()
	for _, d := range docs {
		if err := b.Index(d.ID, d.fields()); err != nil {
			return fmt.Errorf("search: index %s: %w", d.ID, err)
		}
	}
	if err := x.idx.Batch(b); err != nil {
		return fmt.Errorf("search: index batch of %d: %w", len(docs), err)
	}
	return nil
}

// Delete removes a document from the index.
func (x *Index) Delete(id string) error {
	if err := x.idx.Delete(id); err != nil {
		return fmt.Errorf("search: delete %s: %w", id, err)
	}
	return nil
}

// Count returns how many documents the index holds.
func (x *Index) Count() (uint64, error) {
	n, err := x.idx.DocCount()
	if err != nil {
		return 0, fmt.Errorf("search: count: %w", err)
	}
	return n, nil
}
