package stats

import (
	"context"
	"fmt"

	"github.com/gongwen/gongwen/archive"
	"github.com/gongwen/gongwen/deadline"
	"github.com/gongwen/gongwen/templates"
)

// TemplateID is the built-in template the figures fill.
const TemplateID = "年度报告"

// chartMedia is the image of that template the chart replaces.
const chartMedia = "word/media/chart.png"

// Context returns the figures as the 年度报告 template's 统计 value: plain
// maps and lists with the Chinese keys templates/builtin/年度报告.json
// describes, so that they validate against the schema, print in the
// template and travel as JSON.
//
//	年度 截至 发文总数 按类别[类别 文种 件数] 按月份[月份 件数] 被监督单位数
//	被监督单位[单位 件数] 发现问题数
//	整改{应整改 按期整改 逾期整改 尚未整改 逾期未整改 未到期 期限不明 按期率}
func (f *Figures) Context() map[string]any {
	cats := make([]any, 0, len(f.ByCategory))
	for _, c := range f.ByCategory {
		cats = append(cats, map[string]any{"类别": c.Name, "文种": c.WenZhong, "件数": c.Count})
	}
	months := make([]any, 0, 12)
	for i, n := range f.ByMonth {
		months = append(months, map[string]any{"月份": i + 1, "件数": n})
	}
	units := make([]any, 0, len(f.Units))
	for _, u := range f.Units {
		units = append(units, map[string]any{"单位": u.Unit, "件数": u.Count})
	}
	r := f.Rectification
	return map[string]any{
		"年度":     f.Year,
		"截至":     f.AsOf.String(),
		"发文总数":   f.Issued,
		"按类别":    cats,
		"按月份":    months,
		"被监督单位数": len(f.Units),
		"被监督单位":  units,
		"发现问题数":  f.Problems,
		"整改": map[string]any{
			"应整改":   r.Due,
			"按期整改":  r.OnTime,
			"逾期整改":  r.Late,
			"尚未整改":  r.Open,
			"逾期未整改": r.Overdue,
			"未到期":   r.NotYetDue,
			"期限不明":  r.Unknown,
			"按期率":   r.RateText(),
		},
	}
}

// Fill puts the figures into the data of a 年度报告: 统计, and 报告年度
// (the year the figures are of).
func (f *Figures) Fill(data map[string]any) {
	data["统计"] = f.Context()
	data["报告年度"] = f.Year
}

// ChartPNG draws the chart of the figures exactly as the 年度报告 shows it
// (图1: documents issued by month), for the 统计 page.
func ChartPNG(f *Figures) ([]byte, error) {
	t, err := templates.Builtin(TemplateID)
	if err != nil {
		return nil, err
	}
	media, err := t.Media(map[string]any{"统计": f.Context()})
	if err != nil {
		return nil, fmt.Errorf("stats: chart: %w", err)
	}
	png, ok := media[chartMedia]
	if !ok {
		return nil, fmt.Errorf("stats: the %s template draws no %s", TemplateID, chartMedia)
	}
	return png, nil
}

// AnnualFromStore is Annual for a service that holds only the store: it
// loads the holiday calendar (embedded years and the administrators'
// overrides, deadline.Load) and reads the store's documents.
func AnnualFromStore(ctx context.Context, store archive.Store, org string, year int, asOf deadline.Date) (*Figures, error) {
	cal, err := deadline.Load(ctx, store)
	if err != nil {
		return nil, err
	}
	return Annual(ctx, archive.NewDocuments(store), cal, org, year, asOf)
}
