// Package tracking is 督办: for an issuing office and a period it lists
// every 监督通知书, 建议书 and 决定书 with the last day of its 整改期限 and
// where it stands — open, due soon, overdue, answered on time, answered
// late — by matching the 整改情况报告 that answer it. The CLI (gongwen
// overdue), the HTTP service's 督办 page and the annual statistics all
// call List.
package tracking

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/gongwen/gongwen/archive"
	"github.com/gongwen/gongwen/deadline"
)

// State is where a tracked document stands.
type State string

// States of a tracked document.
const (
	Open    State = "open"     // 未到期: not answered, due later than the look-ahead
	DueSoon State = "due_soon" // 即将到期: not answered, due within Query.Within days
	Overdue State = "overdue"  // 已逾期: not answered, due day passed
	OnTime  State = "on_time"  // 按期答复: answered on or before the due day
	Late    State = "late"     // 逾期答复: answered after the due day
	// Unknown: the due day cannot be computed — the 整改期限 text cannot be
	// read, the calendar lacks a year it needs, or the document has no
	// date. Item.Problem says which; the document is listed, not dropped.
	Unknown State = "unknown" // 期限不明
)

// States returns every state in the order listings show them: what needs
// action first.
func States() []State { return []State{Overdue, DueSoon, Open, Late, OnTime, Unknown} }

// Label is the state's Chinese name.
func (s State) Label() string {
	switch s {
	case Open:
		return "未到期"
	case DueSoon:
		return "即将到期"
	case Overdue:
		return "已逾期"
	case OnTime:
		return "按期答复"
	case Late:
		return "逾期答复"
	case Unknown:
		return "期限不明"
	}
	return string(s)
}

func (s State) rank() int {
	for i, x := range States() {
		if x == s {
			return i
		}
	}
	return len(States())
}

// Categories are the template ids (archive.Record.Category) of the
// documents that set a 整改期限 and are tracked.
func Categories() []string { return []string{"监督通知书", "建议书", "决定书"} }

// Tracked reports whether a record is tracked: a 监督通知书, 建议书 or
// 决定书 in force. A void (作废) document is not tracked, nor one
// superseded by another document (the replacement is tracked instead).
func Tracked(r *archive.Record) bool {
	if r.Status != archive.StatusIssued {
		return false
	}
	for _, c := range Categories() {
		if r.Category == c {
			return true
		}
	}
	return false
}

// Where a counting start or an answer date was taken from.
const (
	FromReceived = "送达日期" // Record.Received, set by staff
	FromPrinted  = "印发日期" // the 印发日期 in the document's data
	FromDated    = "成文日期" // Record.Date
)

// StartOf returns the day a document's 整改期限 is counted from and which
// date that is. For a term counted from receipt (deadline.FromReceipt) it
// is the 送达日期 staff recorded (gongwen received); when none is
// recorded, the 印发日期 (the day it was sent out: receipt cannot come
// earlier, so the default never gives more time than the law does); when
// the data has none, the 成文日期. For a term counted from issue
// (deadline.FromIssue) it is the 印发日期, else the 成文日期.
func StartOf(r *archive.Record, basis deadline.Basis) (deadline.Date, string, error) {
	try := func(s, from string) (deadline.Date, string, bool) {
		if strings.TrimSpace(s) == "" {
			return deadline.Date{}, "", false
		}
		d, err := deadline.ParseDate(s)
		return d, from, err == nil
	}
	if basis == deadline.FromReceipt {
		if d, from, ok := try(r.Received, FromReceived); ok {
			return d, from, nil
		}
	}
	printed, _ := r.Data["印发日期"].(string)
	if d, from, ok := try(printed, FromPrinted); ok {
		return d, from, nil
	}
	if d, from, ok := try(r.Date, FromDated); ok {
		return d, from, nil
	}
	return deadline.Date{}, "", fmt.Errorf("%s 没有可用的送达日期、印发日期或成文日期", r.Wenhao)
}

// Term is the 整改期限 of one document, computed.
type Term struct {
	Rule      deadline.Rule
	Start     deadline.Date // the day counting starts (zero for a fixed day)
	StartFrom string        // FromReceived, FromPrinted or FromDated
	Due       deadline.Due
}

// TermOf reads a document's 整改期限 (archive.Record.Deadline; none means
// deadline.DefaultDays from receipt) and computes its last day on cal.
func TermOf(r *archive.Record, cal *deadline.Calendar) (Term, error) {
	rule, err := deadline.ParseRule(r.Deadline)
	if err != nil {
		return Term{}, err
	}
	t := Term{Rule: rule}
	if rule.Kind != deadline.FixedDate {
		if t.Start, t.StartFrom, err = StartOf(r, rule.Basis); err != nil {
			return t, err
		}
	}
	if t.Due, err = rule.Due(t.Start, cal); err != nil {
		return t, err
	}
	return t, nil
}

// Query selects the documents to track.
type Query struct {
	Org  string `json:"org,omitempty"`  // the issuing office's profile id (archive.Record.Org); "" for all
	Unit string `json:"unit,omitempty"` // 被监督单位, exactly as recorded; "" for all
	// From and To bound the documents' 成文日期, both included; a zero
	// Date leaves that side open.
	From deadline.Date `json:"from,omitzero"`
	To   deadline.Date `json:"to,omitzero"`
	// Today is the day states are judged on; zero means deadline.Today(),
	// today in China.
	Today deadline.Date `json:"today,omitzero"`
	// Within is how many days ahead an unanswered document counts as due
	// soon: due from Today to Today+Within, both included. Zero marks only
	// those due today; a negative value marks none.
	Within int `json:"within"`
}

// Answer is a 整改情况报告 answering a tracked document.
type Answer struct {
	ID     string        `json:"id"`
	Wenhao string        `json:"wenhao"`
	Title  string        `json:"title"`
	Date   deadline.Date `json:"date"`      // the day it counts as answered
	From   string        `json:"date_from"` // FromReceived, FromPrinted or FromDated
}

// Item is one tracked document.
type Item struct {
	ID       string        `json:"id"`
	Wenhao   string        `json:"wenhao"`
	Title    string        `json:"title"`
	Category string        `json:"category"`
	Org      string        `json:"org,omitempty"`
	Unit     string        `json:"unit"` // 被监督单位
	Date     deadline.Date `json:"date"` // 成文日期
	// Term is the 整改期限 as typed; Rule how it was read.
	Term      string        `json:"term"`
	Rule      string        `json:"rule,omitempty"`
	Start     deadline.Date `json:"start,omitzero"`
	StartFrom string        `json:"start_from,omitempty"` // which date Start is
	Due       deadline.Date `json:"due,omitzero"`         // zero when unknown
	DueNote   string        `json:"due_note,omitempty"`   // why the last day moved
	State     State         `json:"state"`
	// DaysLeft is Due − Today for an unanswered document (negative when
	// overdue); DaysLate is how many days after Due the first answer came.
	DaysLeft int      `json:"days_left"`
	DaysLate int      `json:"days_late"`
	Answers  []Answer `json:"answers,omitempty"` // earliest first; the first decides the state
	Problem  string   `json:"problem,omitempty"` // why the state is Unknown
}

// Counts are the number of items in each state.
type Counts struct {
	Open    int `json:"open"`
	DueSoon int `json:"due_soon"`
	Overdue int `json:"overdue"`
	OnTime  int `json:"on_time"`
	Late    int `json:"late"`
	Unknown int `json:"unknown"`
	Total   int `json:"total"`
}

// Of returns the count of one state.
func (c Counts) Of(s State) int {
	switch s {
	case Open:
		return c.Open
	case DueSoon:
		return c.DueSoon
	case Overdue:
		return c.Overdue
	case OnTime:
		return c.OnTime
	case Late:
		return c.Late
	case Unknown:
		return c.Unknown
	}
	return 0
}

// Add counts one more item in state s (for a caller that keeps only some
// of a report's items).
func (c *Counts) Add(s State) {
	c.Total++
	switch s {
	case Open:
		c.Open++
	case DueSoon:
		c.DueSoon++
	case Overdue:
		c.Overdue++
	case OnTime:
		c.OnTime++
	case Late:
		c.Late++
	case Unknown:
		c.Unknown++
	}
}

// Report is the result of List.
type Report struct {
	Query  Query         `json:"query"` // as asked, Today filled in
	Today  deadline.Date `json:"today"` // the day states were judged on
	Items  []Item        `json:"items"` // by state (States order), then due day, then 发文字号
	Counts Counts        `json:"counts"`
}

// List reads every record in the archive once and returns the tracked
// documents (see Tracked) that match q, each with its due day and state.
// A 整改情况报告 answers a document when its RespondsTo is the document's
// id, or a 发文字号 that names the same number however it was typed
// (archive.ParseWenhao); void reports do not count. The day a report
// counts as answered is its 送达日期 (the day the office received it, set
// with gongwen received), else its 印发日期, else its 成文日期. A
// document answered by the due day is OnTime, later Late; one not
// answered is Overdue after its due day, DueSoon within q.Within days of
// it, else Open. A document whose due day cannot be computed is Unknown,
// with the reason.
func List(ctx context.Context, docs *archive.Documents, cal *deadline.Calendar, q Query) (*Report, error) {
	today := q.Today
	if today.IsZero() {
		today = deadline.Today()
	}
	var notices []*archive.Record
	answers := map[string][]Answer{}
	err := docs.ListRecords(ctx, func(r *archive.Record) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if r.RespondsTo != "" && r.Status != archive.StatusVoid {
			a := Answer{ID: r.ID, Wenhao: r.Wenhao, Title: r.Title}
			a.Date, a.From, _ = StartOf(r, deadline.FromReceipt)
			k := answerKey(r.RespondsTo)
			answers[k] = append(answers[k], a)
		}
		if Tracked(r) && matches(r, q) {
			notices = append(notices, r)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("tracking: 读取文件记录：%w", err)
	}
	q.Today = today
	rep := &Report{Query: q, Today: today, Items: make([]Item, 0, len(notices))}
	for _, r := range notices {
		it := item(r, cal, today, q.Within, answersOf(r, answers))
		rep.Counts.Add(it.State)
		rep.Items = append(rep.Items, it)
	}
	sort.SliceStable(rep.Items, func(i, j int) bool {
		a, b := &rep.Items[i], &rep.Items[j]
		if a.State != b.State {
			return a.State.rank() < b.State.rank()
		}
		if a.Due != b.Due {
			if a.Due.IsZero() || b.Due.IsZero() {
				return b.Due.IsZero()
			}
			return a.Due.Before(b.Due)
		}
		if a.Date != b.Date {
			return a.Date.Before(b.Date)
		}
		return a.Wenhao < b.Wenhao
	})
	return rep, nil
}

// matches applies the query's office, unit and period.
func matches(r *archive.Record, q Query) bool {
	if q.Org != "" && r.Org != q.Org {
		return false
	}
	if u := strings.TrimSpace(q.Unit); u != "" && strings.TrimSpace(r.SupervisedUnit) != u {
		return false
	}
	if q.From.IsZero() && q.To.IsZero() {
		return true
	}
	d, err := deadline.ParseDate(r.Date)
	if err != nil {
		return false // undated: outside any period
	}
	return (q.From.IsZero() || !d.Before(q.From)) && (q.To.IsZero() || !d.After(q.To))
}

// answerKey normalises what a RespondsTo (or a document) is known by: a
// document id as it is, a 发文字号 in whatever form it was typed as
// 机关代字〔年份〕序号号.
func answerKey(s string) string {
	s = strings.TrimSpace(s)
	if daizi, year, seq, err := archive.ParseWenhao(s); err == nil {
		return "文号:" + archive.FormatWenhao(daizi, year, seq)
	}
	return "id:" + s
}

// answersOf collects the answers to a document, by its id and by its
// 发文字号, earliest first, each once.
func answersOf(r *archive.Record, all map[string][]Answer) []Answer {
	var out []Answer
	seen := map[string]bool{}
	for _, k := range []string{"id:" + r.ID, answerKey(r.Wenhao)} {
		for _, a := range all[k] {
			if !seen[a.ID] {
				seen[a.ID] = true
				out = append(out, a)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Date.IsZero() != out[j].Date.IsZero() {
			return !out[i].Date.IsZero()
		}
		return out[i].Date.Before(out[j].Date)
	})
	return out
}

// item computes one document's due day and state.
func item(r *archive.Record, cal *deadline.Calendar, today deadline.Date, within int, answers []Answer) Item {
	it := Item{ID: r.ID, Wenhao: r.Wenhao, Title: r.Title, Category: r.Category, Org: r.Org,
		Unit: r.SupervisedUnit, Term: r.Deadline, Answers: answers}
	it.Date, _ = deadline.ParseDate(r.Date)
	term, err := TermOf(r, cal)
	if term.Rule.Kind != 0 {
		it.Rule = term.Rule.String()
	}
	it.Start, it.StartFrom = term.Start, term.StartFrom
	if err != nil {
		it.State, it.Problem = Unknown, err.Error()
		return it
	}
	it.Due, it.DueNote = term.Due.Date, term.Due.Note
	if len(answers) > 0 {
		first := answers[0]
		if first.Date.IsZero() {
			it.State, it.Problem = Unknown, fmt.Sprintf("答复文件 %s 没有可用的日期", first.Wenhao)
			return it
		}
		if late := first.Date.Sub(it.Due); late > 0 {
			it.State, it.DaysLate = Late, late
		} else {
			it.State = OnTime
		}
		return it
	}
	it.DaysLeft = it.Due.Sub(today)
	switch {
	case it.DaysLeft < 0:
		it.State = Overdue
	case it.DaysLeft <= within:
		it.State = DueSoon
	default:
		it.State = Open
	}
	return it
}
