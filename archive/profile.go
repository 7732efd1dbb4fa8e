package archive

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Profile is an issuing office (机关): its particulars fill the template
// fields staff would otherwise retype, and its 机关代字 are the only ones
// its drafters may number documents with. Stored at profiles/<id>.json.
type Profile struct {
	ID          string            `json:"id"`             // short ASCII id, e.g. "wlmq-sfj"
	Name        string            `json:"名称"`             // 乌鲁木齐市司法局 (发文机关署名)
	Mark        string            `json:"发文机关标志"`         // 乌鲁木齐市司法局文件
	Daizi       map[string]string `json:"机关代字"`           // template id (or "默认") -> 机关代字
	Printer     string            `json:"印发机关"`           // 乌鲁木齐市司法局办公室
	Fonds       string            `json:"全宗号"`            // for 档号
	OrgCode     string            `json:"机构代码"`           // for 档号
	Contact     string            `json:"联系人,omitempty"`  // for 附注
	ContactTel  string            `json:"联系电话,omitempty"` // for 附注
	Description string            `json:"description,omitempty"`
}

// DefaultDaiziKey names the 机关代字 used for templates without their own.
const DefaultDaiziKey = "默认"

var profileIDRe = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// Check validates a profile, listing every problem.
func (p *Profile) Check() error {
	var probs []string
	if !profileIDRe.MatchString(p.ID) {
		probs = append(probs, fmt.Sprintf("id %q 应为小写字母、数字和连字符", p.ID))
	}
	for field, v := range map[string]string{"名称": p.Name, "发文机关标志": p.Mark, "印发机关": p.Printer, "全宗号": p.Fonds, "机构代码": p.OrgCode} {
		if strings.TrimSpace(v) == "" {
			probs = append(probs, "缺少"+field)
		}
	}
	if len(p.Daizi) == 0 {
		probs = append(probs, "至少需要一个机关代字（如 {\"默认\": \"乌司发\"}）")
	}
	for k, d := range p.Daizi {
		if err := CheckDaizi(d); err != nil {
			probs = append(probs, fmt.Sprintf("机关代字[%s]：%v", k, err))
		}
	}
	for field, v := range map[string]string{"全宗号": p.Fonds, "机构代码": p.OrgCode} {
		if strings.ContainsAny(v, "-/ ·") {
			probs = append(probs, field+" 不能含“-”“/”“·”或空格（它们是档号的分隔符）")
		}
	}
	if len(probs) > 0 {
		sort.Strings(probs)
		return refusef("机关信息有误：%s", strings.Join(probs, "；"))
	}
	return nil
}

// DaiziFor returns the 机关代字 the office uses for a template.
func (p *Profile) DaiziFor(templateID string) string {
	if d, ok := p.Daizi[templateID]; ok {
		return d
	}
	return p.Daizi[DefaultDaiziKey]
}

// Owns reports whether daizi is one of the office's 机关代字.
func (p *Profile) Owns(daizi string) bool {
	for _, d := range p.Daizi {
		if d == daizi {
			return true
		}
	}
	return false
}

// Apply fills a document's data with the office's particulars for a
// template, overriding what the data says: a drafter cannot number a
// document with another office's 机关代字.
func (p *Profile) Apply(templateID string, data map[string]any) error {
	d := p.DaiziFor(templateID)
	if d == "" {
		return refusef("机关“%s”没有用于“%s”的机关代字", p.Name, templateID)
	}
	if given, ok := data["机关代字"].(string); ok && given != "" && given != d && !p.Owns(given) {
		return refusef("机关代字“%s”不属于%s（可用：%s）", given, p.Name, strings.Join(p.daizis(), "、"))
	}
	data["机关代字"] = d
	data["发文机关标志"] = p.Mark
	data["发文机关署名"] = p.Name
	data["印发机关"] = p.Printer
	if p.Contact != "" {
		data["附注"] = fmt.Sprintf("（联系人：%s，电话：%s）", p.Contact, p.ContactTel)
	}
	return nil
}

func (p *Profile) daizis() []string {
	var out []string
	for _, d := range p.Daizi {
		out = append(out, d)
	}
	sort.Strings(out)
	return out
}

// Profiles stores office profiles.
type Profiles struct{ store Store }

// NewProfiles returns the profiles kept in store.
func NewProfiles(store Store) *Profiles { return &Profiles{store: store} }

func profileKey(id string) string { return "profiles/" + id + ".json" }

// Put stores a profile after checking it (creating or replacing).
func (ps *Profiles) Put(ctx context.Context, p *Profile) error {
	if err := p.Check(); err != nil {
		return err
	}
	b, _ := json.MarshalIndent(p, "", "  ")
	if _, err := ps.store.Put(ctx, profileKey(p.ID), b, Cond{}); err != nil {
		return fmt.Errorf("archive: 保存机关信息 %s：%w", p.ID, err)
	}
	return nil
}

// Get reads a profile.
func (ps *Profiles) Get(ctx context.Context, id string) (*Profile, error) {
	if !profileIDRe.MatchString(id) {
		return nil, refusef("机关 id %q 无效", id)
	}
	b, _, err := ps.store.Get(ctx, profileKey(id))
	if errors.Is(err, ErrNotFound) {
		return nil, refusef("没有机关“%s”（gongwen profile list 列出已登记的机关）", id)
	}
	if err != nil {
		return nil, err
	}
	var p Profile
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("archive: 机关信息 %s 已损坏：%w", profileKey(id), err)
	}
	return &p, nil
}

// List returns every profile, by id.
func (ps *Profiles) List(ctx context.Context) ([]*Profile, error) {
	var out []*Profile
	err := ps.store.List(ctx, "profiles/", func(o ObjectInfo) error {
		id := strings.TrimSuffix(strings.TrimPrefix(o.Key, "profiles/"), ".json")
		p, err := ps.Get(ctx, id)
		if err != nil {
			return err
		}
		out = append(out, p)
		return nil
	})
	return out, err
}
