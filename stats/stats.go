// Package stats computes, from the archive, the figures an office's
// 年度行政执法监督工作报告 states: documents issued by category and by month,
// the units supervised, the problems pointed out, and the rectifications
// whose term ended in the year — answered on time, answered late, still
// open — with the on-time rate. The figures fill the built-in 年度报告
// template's 统计 (Figures.Context) and its chart (ChartPNG); the CLI
// (gongwen annual) and the HTTP service's 统计 page show the same values.
//
// The rectification figures come from package tracking (督办): its
// deadline rules, holiday calendar and matching of 整改情况报告 to the
// documents they answer. This package only counts what tracking finds.
package stats

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/gongwen/gongwen/archive"
	"github.com/gongwen/gongwen/deadline"
	"github.com/gongwen/gongwen/templates"
	"github.com/gongwen/gongwen/tracking"
)

// Figures are one office's figures for one year.
type Figures struct {
	Org  string        `json:"org"`   // the office's profile id (archive.Record.Org); "" for every office
	Year int           `json:"year"`  // the year counted
	AsOf deadline.Date `json:"as_of"` // the day the rectification states are judged on

	// Issued counts the documents issued in the year: status issued
	// (neither void nor superseded by a later document, which is counted
	// instead) and a 成文日期 in the year.
	Issued     int             `json:"issued"`
	ByCategory []CategoryCount `json:"by_category"` // catalogue order, then by id; only categories with documents
	ByMonth    [12]int         `json:"by_month"`    // ByMonth[0] is January; they add up to Issued
	// Units are the distinct 被监督单位 of the documents counted (names
	// compared after trimming spaces), most documents first.
	Units []UnitCount `json:"units"`
	// Problems counts the problems the year's documents point out: the
	// rows of 发现问题 in the 监督通知书 and of 问题清单 in the 建议书
	// (a 决定书 decides; its 决定事项 are not counted as problems).
	Problems int `json:"problems"`

	Rectification Rectification `json:"rectification"`

	// Undated are the 发文字号 of documents of the year (by their number)
	// whose 成文日期 cannot be read: they are left out of every count and
	// listed so that nobody mistakes the figures for complete.
	Undated []string `json:"undated,omitempty"`
}

// CategoryCount is the number of documents of one category.
type CategoryCount struct {
	Category string `json:"category"` // the template id, e.g. 监督通知书
	Name     string `json:"name"`     // its full name, e.g. 行政执法监督通知书
	WenZhong string `json:"wenzhong"` // 文种, e.g. 通知
	Count    int    `json:"count"`
}

// UnitCount is the number of documents concerning one supervised unit.
type UnitCount struct {
	Unit  string `json:"unit"`
	Count int    `json:"count"`
}

// Rectification counts the tracked documents (监督通知书, 建议书, 决定书,
// see tracking.Tracked) of the office whose 整改期限 ends in the year, by
// their state on AsOf. An answer dated after AsOf does not count yet.
//
// Due = OnTime + Late + Open, and Open = Overdue + NotYetDue. Documents
// whose last day cannot be computed (tracking.Unknown: a 整改期限 that
// cannot be read, a year missing from the holiday calendar) are counted in
// Unknown — those dated in the year when their last day is not known — and
// in no other figure.
type Rectification struct {
	Due       int `json:"due"`         // 应整改: term ends in the year
	OnTime    int `json:"on_time"`     // 按期整改: answered by the last day
	Late      int `json:"late"`        // 逾期整改: answered after the last day
	Open      int `json:"open"`        // 尚未整改: not answered by AsOf
	Overdue   int `json:"overdue"`     // of Open: the last day is before AsOf
	NotYetDue int `json:"not_yet_due"` // of Open: the last day is AsOf or later
	Unknown   int `json:"unknown"`     // 期限不明, not in Due
	// Items are the documents counted in Due and Unknown, as tracking
	// lists them, judged on AsOf.
	Items []tracking.Item `json:"items"`
}

// Rate is the on-time rate (整改按期率) in tenths of a percent, and false
// when there is nothing to divide by:
//
//	OnTime ÷ (OnTime + Late + Overdue) × 100 %, rounded half up to one decimal
//
// — the documents answered on time among those whose outcome is known on
// AsOf: answered, or not answered and past their last day. Documents not
// yet due and unanswered are left out: they may still be answered on time.
// For a year reported after it ended every term has run out, so the base
// is Due and the rate is simply answered on time ÷ due.
func (r Rectification) Rate() (tenths int, ok bool) {
	base := r.OnTime + r.Late + r.Overdue
	if base == 0 {
		return 0, false
	}
	return (r.OnTime*2000 + base) / (2 * base), true
}

// RateText is Rate as the report prints it: "93.3%", "100.0%", or "—"
// when there is nothing to divide by.
func (r Rectification) RateText() string {
	t, ok := r.Rate()
	if !ok {
		return "—"
	}
	return fmt.Sprintf("%d.%d%%", t/10, t%10)
}

// problemTables names, per category, the table field whose rows are the
// problems a document points out.
var problemTables = map[string]string{"监督通知书": "发现问题", "建议书": "问题清单"}

// Annual computes the figures of one office (org, a profile id; "" for
// every office in the archive) for one year, judging the rectifications on
// asOf (zero means today in China). cal is the holiday calendar the 整改期限
// are counted on (deadline.Load). It reads every record of the archive
// twice: once here, once in tracking.List.
func Annual(ctx context.Context, docs *archive.Documents, cal *deadline.Calendar, org string, year int, asOf deadline.Date) (*Figures, error) {
	if year < 1949 || year > 9999 {
		return nil, fmt.Errorf("stats: 年度 %d 不是有效的年份", year)
	}
	if asOf.IsZero() {
		asOf = deadline.Today()
	}
	f := &Figures{Org: org, Year: year, AsOf: asOf, ByCategory: []CategoryCount{}, Units: []UnitCount{}}
	cats := map[string]*CategoryCount{}
	units := map[string]int{}
	err := docs.ListRecords(ctx, func(r *archive.Record) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if r.Status != archive.StatusIssued || org != "" && r.Org != org {
			return nil
		}
		d, err := deadline.ParseDate(r.Date)
		if err != nil {
			if r.Year == year {
				f.Undated = append(f.Undated, r.Wenhao)
			}
			return nil
		}
		if d.Year != year {
			return nil
		}
		f.Issued++
		f.ByMonth[d.Month-1]++
		c := cats[r.Category]
		if c == nil {
			c = &CategoryCount{Category: r.Category, Name: r.Category, WenZhong: r.WenZhong}
			cats[r.Category] = c
		}
		c.Count++
		if u := strings.TrimSpace(r.SupervisedUnit); u != "" {
			units[u]++
		}
		if field, ok := problemTables[r.Category]; ok {
			if rows, ok := r.Data[field].([]any); ok {
				f.Problems += len(rows)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("stats: 读取文件记录：%w", err)
	}
	f.ByCategory = orderCategories(cats)
	for u, n := range units {
		f.Units = append(f.Units, UnitCount{Unit: u, Count: n})
	}
	sort.Slice(f.Units, func(i, j int) bool {
		if f.Units[i].Count != f.Units[j].Count {
			return f.Units[i].Count > f.Units[j].Count
		}
		return f.Units[i].Unit < f.Units[j].Unit
	})
	sort.Strings(f.Undated)

	rep, err := tracking.List(ctx, docs, cal, tracking.Query{Org: org, Today: asOf, Within: -1})
	if err != nil {
		return nil, err
	}
	f.Rectification = rectification(rep.Items, year, asOf)
	return f, nil
}

// orderCategories lists the categories in the catalogue's order, then the
// others (uploaded templates) by id, with the catalogue's full names.
func orderCategories(cats map[string]*CategoryCount) []CategoryCount {
	out := []CategoryCount{}
	builtin := templates.IDs()
	for _, id := range builtin {
		if c := cats[id]; c != nil {
			if t, err := templates.Builtin(id); err == nil {
				c.Name = t.Name
				if c.WenZhong == "" {
					c.WenZhong = t.WenZhong
				}
			}
			out = append(out, *c)
		}
	}
	var others []string
	for id := range cats {
		if !slices.Contains(builtin, id) {
			others = append(others, id)
		}
	}
	sort.Strings(others)
	for _, id := range others {
		out = append(out, *cats[id])
	}
	return out
}

// rectification counts the tracked items whose term ends in year, judged
// on asOf.
func rectification(items []tracking.Item, year int, asOf deadline.Date) Rectification {
	r := Rectification{Items: []tracking.Item{}}
	for _, it := range items {
		if it.State == tracking.Unknown {
			y := it.Due.Year
			if it.Due.IsZero() {
				y = it.Date.Year
			}
			if y == year {
				r.Unknown++
				r.Items = append(r.Items, it)
			}
			continue
		}
		if it.Due.Year != year {
			continue
		}
		r.Due++
		// Answers after asOf have not arrived yet on asOf.
		var answered []tracking.Answer
		for _, a := range it.Answers {
			if !a.Date.After(asOf) {
				answered = append(answered, a)
			}
		}
		it.Answers = answered
		if len(answered) > 0 {
			if it.State == tracking.Late {
				r.Late++
			} else {
				r.OnTime++
			}
			r.Items = append(r.Items, it)
			continue
		}
		r.Open++
		it.DaysLate, it.DaysLeft = 0, it.Due.Sub(asOf)
		if it.Due.Before(asOf) {
			r.Overdue++
			it.State = tracking.Overdue
		} else {
			r.NotYetDue++
			it.State = tracking.Open
		}
		r.Items = append(r.Items, it)
	}
	return r
}
