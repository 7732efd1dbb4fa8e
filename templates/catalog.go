package templates

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gongwen/gongwen/archive"
	"github.com/gongwen/gongwen/render"
)

// WenZhongs are the 15 kinds of 公文 of 《党政机关公文处理工作条例》 (2012),
// article 8; every template produces one of them.
var WenZhongs = []string{"决议", "决定", "命令", "公报", "公告", "通告", "意见", "通知", "通报", "报告", "请示", "批复", "议案", "函", "纪要"}

// MaxUploadBytes bounds an uploaded template .docx.
const MaxUploadBytes = 20 << 20

// Upload is a template an administrator uploads: a .docx in the docxtpl
// dialect and what the catalogue says about it.
type Upload struct {
	ID          string  // short Chinese id, e.g. "案卷评查通报"
	Name        string  // full name
	WenZhong    string  // one of WenZhongs
	Description string  // optional
	Docx        []byte  // the template
	Fields      []Field // the schema; nil means inferred from the variables the template uses
	By          string  // who uploads it
}

// UploadError is an upload refused for problems the uploader can fix: the
// form (Problems) or the template itself (Template, each with its location).
type UploadError struct {
	Problems []string
	Template render.TemplateErrors
}

func (e *UploadError) Error() string {
	var b strings.Builder
	b.WriteString("模板未上传：")
	for _, p := range e.Problems {
		b.WriteString("\n - " + p)
	}
	for _, te := range e.Template {
		b.WriteString("\n - " + te.Error())
	}
	return b.String()
}

// stored is what the catalogue keeps of an uploaded template version at
// templates/<id>/v<n>.json beside templates/<id>/v<n>.docx.
type stored struct {
	Template
	Uploaded   time.Time `json:"uploaded"`
	UploadedBy string    `json:"uploaded_by"`
}

// Catalog is every template staff can issue from: the built-ins and those
// administrators uploaded, kept in the archive store under templates/. It
// hands out shared, parsed Template values that callers must not modify.
type Catalog struct {
	store archive.Store

	mu     sync.Mutex
	cache  map[string]*Template // id@version -> parsed template
	builts []*Template
}

// NewCatalog returns the catalogue kept in store (nil: built-ins only).
func NewCatalog(store archive.Store) (*Catalog, error) {
	b, err := Builtins()
	if err != nil {
		return nil, err
	}
	return &Catalog{store: store, cache: map[string]*Template{}, builts: b}, nil
}

var idRe = regexp.MustCompile(`^[\p{Han}A-Za-z0-9_-]{2,32}$`)

// List returns the built-ins in catalogue order, then the latest version of
// every uploaded template by id.
func (c *Catalog) List(ctx context.Context) ([]*Template, error) {
	out := append([]*Template(nil), c.builts...)
	if c.store == nil {
		return out, nil
	}
	latest := map[string]int{}
	err := c.store.List(ctx, "templates/", func(o archive.ObjectInfo) error {
		id, n, ok := parseTemplateKey(o.Key, ".json")
		if ok && n > latest[id] {
			latest[id] = n
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("templates: list uploaded: %w", err)
	}
	ids := make([]string, 0, len(latest))
	for id := range latest {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		t, err := c.version(ctx, id, latest[id])
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// Get returns a template by id: a built-in, or the latest uploaded version.
func (c *Catalog) Get(ctx context.Context, id string) (*Template, error) {
	for _, b := range c.builts {
		if b.ID == id {
			return b, nil
		}
	}
	n, err := c.latest(ctx, id)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, fmt.Errorf("没有名为“%s”的模板: %w", id, archive.ErrNotFound)
	}
	return c.version(ctx, id, n)
}

// latest returns the newest complete version of an uploaded template (0:
// none).
func (c *Catalog) latest(ctx context.Context, id string) (int, error) {
	return c.highest(ctx, id, ".json")
}

// highest returns the highest version number among an id's objects with
// the extension: ".json" for complete versions, "" for any (an upload that
// stopped after its .docx keeps its number taken).
func (c *Catalog) highest(ctx context.Context, id, ext string) (int, error) {
	if c.store == nil || !idRe.MatchString(id) {
		return 0, nil
	}
	n := 0
	err := c.store.List(ctx, "templates/"+id+"/", func(o archive.ObjectInfo) error {
		e := ext
		if e == "" {
			e = o.Key[strings.LastIndex(o.Key, "."):]
		}
		if tid, v, ok := parseTemplateKey(o.Key, e); ok && tid == id && v > n {
			n = v
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("templates: list %s: %w", id, err)
	}
	return n, nil
}

func (c *Catalog) version(ctx context.Context, id string, n int) (*Template, error) {
	key := fmt.Sprintf("%s@%d", id, n)
	c.mu.Lock()
	t, ok := c.cache[key]
	c.mu.Unlock()
	if ok {
		return t, nil
	}
	meta, _, err := c.store.Get(ctx, fmt.Sprintf("templates/%s/v%d.json", id, n))
	if err != nil {
		return nil, fmt.Errorf("templates: read %s v%d: %w", id, n, err)
	}
	var s stored
	if err := json.Unmarshal(meta, &s); err != nil {
		return nil, fmt.Errorf("templates: %s v%d: bad JSON: %w", id, n, err)
	}
	docx, _, err := c.store.Get(ctx, fmt.Sprintf("templates/%s/v%d.docx", id, n))
	if err != nil {
		return nil, fmt.Errorf("templates: read %s v%d: %w", id, n, err)
	}
	t = &s.Template
	t.Docx = docx
	c.mu.Lock()
	if prev, ok := c.cache[key]; ok {
		t = prev
	} else {
		c.cache[key] = t
	}
	c.mu.Unlock()
	return t, nil
}

func parseTemplateKey(key, ext string) (id string, n int, ok bool) {
	rest, ok := strings.CutPrefix(key, "templates/")
	if !ok {
		return "", 0, false
	}
	id, file, ok := strings.Cut(rest, "/")
	if !ok || !strings.HasPrefix(file, "v") || !strings.HasSuffix(file, ext) {
		return "", 0, false
	}
	n, err := strconv.Atoi(strings.TrimSuffix(file[1:], ext))
	if err != nil || n < 1 {
		return "", 0, false
	}
	return id, n, true
}

// Check reads an uploaded .docx and reports every template error with its
// location and the variables the template uses, without storing anything.
func Check(docx []byte) (*render.CheckReport, error) {
	if len(docx) > MaxUploadBytes {
		return nil, fmt.Errorf("模板文件超过 %d MiB", MaxUploadBytes>>20)
	}
	return render.Check(docx)
}

// Upload checks a template and stores it as the next version of its id.
// A template with errors is refused with an *UploadError listing each with
// its location; nothing is stored. Built-in ids cannot be replaced.
func (c *Catalog) Upload(ctx context.Context, u Upload) (*Template, error) {
	if c.store == nil {
		return nil, errors.New("templates: no store to upload into")
	}
	var problems []string
	if !idRe.MatchString(u.ID) {
		problems = append(problems, fmt.Sprintf("模板标识“%s”无效：应为 2–32 个汉字、字母、数字、_ 或 -", u.ID))
	}
	for _, b := range c.builts {
		if b.ID == u.ID {
			problems = append(problems, fmt.Sprintf("“%s”是内置模板，不能替换；请另取一个标识", u.ID))
		}
	}
	if strings.TrimSpace(u.Name) == "" {
		problems = append(problems, "缺少模板名称")
	}
	okWZ := false
	for _, w := range WenZhongs {
		okWZ = okWZ || w == u.WenZhong
	}
	if !okWZ {
		problems = append(problems, fmt.Sprintf("文种“%s”不是《党政机关公文处理工作条例》规定的 15 种之一（%s）", u.WenZhong, strings.Join(WenZhongs, "、")))
	}
	if len(u.Docx) == 0 {
		problems = append(problems, "没有模板文件（.docx）")
	}
	var rep *render.CheckReport
	if len(u.Docx) > 0 {
		var err error
		rep, err = Check(u.Docx)
		if err != nil {
			problems = append(problems, "模板文件无法读取："+err.Error())
		}
	}
	if len(problems) > 0 || (rep != nil && len(rep.Errors) > 0) {
		e := &UploadError{Problems: problems}
		if rep != nil {
			e.Template = rep.Errors
		}
		return nil, e
	}
	fields := u.Fields
	if fields == nil {
		fields = InferFields(rep.Variables)
	}
	n, err := c.highest(ctx, u.ID, "")
	if err != nil {
		return nil, err
	}
	s := stored{
		Template: Template{
			ID: u.ID, Name: u.Name, WenZhong: u.WenZhong, Category: "上传模板", Version: n + 1,
			Description: u.Description, Fields: fields, Example: map[string]any{},
		},
		Uploaded: time.Now().UTC(), UploadedBy: u.By,
	}
	meta, err := json.MarshalIndent(&s, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("templates: encode %s: %w", u.ID, err)
	}
	// The .docx first, then its description: a version is listed only
	// once both are stored. Both are written only if absent, so two
	// administrators uploading at once cannot overwrite each other.
	base := fmt.Sprintf("templates/%s/v%d", u.ID, n+1)
	if _, err := c.store.Put(ctx, base+".docx", u.Docx, archive.Cond{IfNoneMatch: true}); err != nil {
		if errors.Is(err, archive.ErrPrecondition) {
			return nil, fmt.Errorf("模板“%s”刚被他人上传了新版本，请重试: %w", u.ID, err)
		}
		return nil, fmt.Errorf("templates: store %s: %w", base, err)
	}
	if _, err := c.store.Put(ctx, base+".json", meta, archive.Cond{IfNoneMatch: true}); err != nil {
		return nil, fmt.Errorf("templates: store %s: %w", base, err)
	}
	return c.version(ctx, u.ID, n+1)
}

// registryFields are filled by the number registry, profileFields by the
// issuing office's profile, when a template uses them.
var (
	registryFields = map[string]bool{"机关代字": true, "年份": true, "序号": true}
	profileFields  = map[string]bool{"发文机关标志": true, "发文机关署名": true, "印发机关": true, "附注": true}
	dateFields     = map[string]bool{"成文日期": true, "印发日期": true}
)

// InferFields makes a schema for an uploaded template from the variables it
// uses: dates for 成文日期 and 印发日期, numbers from the registry, the
// office's particulars from its profile, and multi-line text for the rest
// (required when the template prints them: a missing one is an error).
func InferFields(vars []string) []Field {
	var fs []Field
	for _, v := range vars {
		f := Field{Name: v, Label: v, Type: TypeText, Required: true}
		switch {
		case registryFields[v]:
			f.Registry = true
			f.Type = TypeString
			if v != "机关代字" {
				f.Type = TypeInt
			}
		case profileFields[v]:
			f.Profile = true
			f.Type = TypeString
		case dateFields[v]:
			f.Type = TypeDate
		}
		fs = append(fs, f)
	}
	return fs
}
