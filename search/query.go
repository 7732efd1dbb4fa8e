package search

import (
	"context"
	"fmt"
	"html"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Request is one search.
type Request struct {
	Query string // the query language: see Parse
	Sort  string // "relevance" (default), "date" (newest first) or "number"
	From  int    // offset of the first hit
	Size  int    // hits per page; default 20, at most 200
	// Within, if set, limits the hits and the facets to what one user may
	// see. A nil Within means the whole index (the command line, run by
	// whoever holds the store).
	Within *Restriction
}

// Restriction is the part of the archive a user may see. A nil slice
// leaves its axis open; a non-nil empty slice admits nothing on it.
type Restriction struct {
	Orgs    []string  // record.Org of the issuing office ("" for none)
	Units   []string  // 被监督单位
	Secrecy []string  // 密级 admitted; "" is an unclassified document
	From    time.Time // 成文日期 from, inclusive; zero leaves it open
	To      time.Time // 成文日期 to, inclusive; zero leaves it open
}

// query returns the restriction as bleve clauses that every hit must match.
func (w *Restriction) query() []query.Query {
	if w == nil {
		return nil
	}
	var qs []query.Query
	oneOf := func(field string, values []string) {
		if values == nil {
			return
		}
		alts := []query.Query{}
		for _, v := range values {
			tq := bleve.NewTermQuery(orEmpty(v))
			tq.SetField(field)
			tq.SetBoost(0) // a filter: it must not change the ranking
			alts = append(alts, tq)
		}
		if len(alts) == 0 {
			// Nothing admitted: a query no document matches.
			tq := bleve.NewTermQuery("\x01nothing")
			tq.SetField(field)
			alts = append(alts, tq)
		}
		dq := bleve.NewDisjunctionQuery(alts...)
		dq.SetBoost(0)
		qs = append(qs, dq)
	}
	oneOf(fOrg, w.Orgs)
	oneOf(fUnit, w.Units)
	oneOf(fSecrecy, w.Secrecy)
	if !w.From.IsZero() || !w.To.IsZero() {
		var from, to time.Time
		if !w.From.IsZero() {
			from = w.From
		}
		if !w.To.IsZero() {
			to = w.To.AddDate(0, 0, 1) // inclusive of the whole last day
		}
		t := true
		f := false
		dq := bleve.NewDateRangeInclusiveQuery(from, to, &t, &f)
		dq.SetField(fDate)
		dq.SetBoost(0)
		qs = append(qs, dq)
	}
	return qs
}

// Hit is one found document.
type Hit struct {
	ID      string    `json:"id"`
	Wenhao  string    `json:"wenhao"`
	Year    int       `json:"year"` // the archive's year of the document (its key)
	Title   string    `json:"title"`
	Date    time.Time `json:"date,omitempty"`
	Snippet string    `json:"snippet"` // HTML: escaped text, matches in <mark>
	Score   float64   `json:"score"`
}

// FacetCount is one value of a facet and how many hits have it.
type FacetCount struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// Result is a page of hits, the total, and the facets over all hits.
type Result struct {
	Total  uint64                  `json:"total"`
	Hits   []Hit                   `json:"hits"`
	Facets map[string][]FacetCount `json:"facets"`
}

// QueryError is a query that cannot be understood, with what and where.
type QueryError struct {
	Query string
	Msg   string
}

func (e *QueryError) Error() string {
	return fmt.Sprintf("无法理解的查询“%s”：%s", e.Query, e.Msg)
}

// Facet names (Chinese, as shown to users) and the fields behind them.
var facetFields = []struct{ name, field string }{
	{"年度", fYearKw}, {"文种", fWenZhong}, {"类别", fCategory}, {"发文机关", fIssuer}, {"被监督单位", fUnit}, {"状态", fStatus},
}

const fYearKw = "year_kw"

// filterFields are the field prefixes of the query language.
var filterFields = map[string]string{
	"文号": fWenhaoN, "机关": fIssuer, "年度": fYear, "文种": fWenZhong, "单位": fUnit,
	"状态": fStatus, "日期": fDate, "类别": fCategory, "期限": fRetention, "代字": fDaizi, "答复": fRespondsTo,
}

// clause is one element of a parsed query.
type clause struct {
	field string // "" for text containment
	value string
	not   bool
}

// parsed is a query: every group must match (AND); within a group any
// clause may (OR); excluded clauses must not match.
type parsed struct {
	groups   [][]clause
	excluded []clause
}

var wenhaoYearForm = regexp.MustCompile(`^(.+?)([0-9]{4})年第?0*([1-9][0-9]*)号$`)

// Parse reads the query language: words separated by spaces must all be
// contained (AND); "quoted phrases" keep their spaces; OR between two
// words accepts either; a leading - excludes; 文号: 机关: 年度: 文种: 单位:
// 状态: 类别: 期限: 代字: filter on a field; 日期:2023-01-01..2023-06-30 is a
// date range (either end may be left open).
func Parse(q string) (*parsed, error) {
	words, err := splitWords(q)
	if err != nil {
		return nil, err
	}
	if len(words) == 0 {
		return nil, &QueryError{q, "查询为空"}
	}
	p := &parsed{}
	for i := 0; i < len(words); i++ {
		w := words[i]
		if w.text == "OR" && !w.quoted {
			if len(p.groups) == 0 || i+1 >= len(words) || words[i+1].text == "OR" {
				return nil, &QueryError{q, "OR 两边都要有查询词"}
			}
			i++
			c, err := clauseOf(q, words[i])
			if err != nil {
				return nil, err
			}
			if c.not {
				return nil, &QueryError{q, "OR 之后不能是排除词（-）"}
			}
			last := len(p.groups) - 1
			p.groups[last] = append(p.groups[last], c)
			continue
		}
		c, err := clauseOf(q, w)
		if err != nil {
			return nil, err
		}
		if c.not {
			p.excluded = append(p.excluded, c)
		} else {
			p.groups = append(p.groups, []clause{c})
		}
	}
	return p, nil
}

type word struct {
	text   string
	quoted bool
	neg    bool // written -"…": a quoted phrase to exclude
}

// splitWords splits on white space, keeping quoted phrases ("…" or “…”).
func splitWords(q string) ([]word, error) {
	var out []word
	rs := []rune(q)
	for i := 0; i < len(rs); {
		r := rs[i]
		if r == ' ' || r == '\t' || r == '\n' || r == 0x3000 {
			i++
			continue
		}
		neg := false
		if (r == '-' || r == '－') && i+1 < len(rs) && (rs[i+1] == '"' || rs[i+1] == '“') {
			neg = true
			i++
			r = rs[i]
		}
		if r == '"' || r == '“' {
			closeQ := '"'
			if r == '“' {
				closeQ = '”'
			}
			j := i + 1
			for j < len(rs) && rs[j] != closeQ {
				j++
			}
			if j >= len(rs) {
				return nil, &QueryError{q, "引号没有闭合"}
			}
			out = append(out, word{string(rs[i+1 : j]), true, neg})
			i = j + 1
			continue
		}
		j := i
		for j < len(rs) && rs[j] != ' ' && rs[j] != '\t' && rs[j] != '\n' && rs[j] != 0x3000 {
			j++
		}
		out = append(out, word{string(rs[i:j]), false, false})
		i = j
	}
	return out, nil
}

func clauseOf(q string, w word) (clause, error) {
	t := w.text
	c := clause{not: w.neg}
	if !w.quoted && (strings.HasPrefix(t, "-") || strings.HasPrefix(t, "－")) {
		c.not = true
		_, size := utf8.DecodeRuneInString(t)
		t = t[size:]
	}
	if !w.quoted {
		for _, sep := range []string{":", "："} {
			if k := strings.Index(t, sep); k > 0 {
				if f, ok := filterFields[t[:k]]; ok {
					c.field, t = f, strings.TrimSpace(t[k+len(sep):])
					if t == "" {
						return c, &QueryError{q, "“" + w.text + "”之后缺少内容"}
					}
					break
				}
			}
		}
	}
	if c.field == "" && Normalize(t) == "" {
		return c, &QueryError{q, "“" + w.text + "”没有可查找的文字"}
	}
	c.value = t
	return c, nil
}

// toQuery builds the bleve query of a clause.
func (c clause) toQuery(q string) (query.Query, error) {
	switch c.field {
	case "":
		return containment(c.value), nil
	case fWenhaoN:
		if w, ok := wenhaoNorm(c.value); ok {
			tq := bleve.NewTermQuery(Normalize(w))
			tq.SetField(fWenhaoN)
			return tq, nil
		}
		return containment(c.value), nil
	case fYear:
		y, err := strconv.Atoi(strings.TrimSuffix(c.value, "年"))
		if err != nil || y < 1900 || y > 9999 {
			return nil, &QueryError{q, "年度“" + c.value + "”应为四位年份"}
		}
		lo, hi := float64(y), float64(y)
		incl := true
		nq := bleve.NewNumericRangeInclusiveQuery(&lo, &hi, &incl, &incl)
		nq.SetField(fYear)
		return nq, nil
	case fDate:
		from, to, ok := strings.Cut(c.value, "..")
		if !ok {
			from, to = c.value, c.value
		}
		var start, end time.Time
		var err error
		if from != "" {
			if start, err = time.Parse("2006-01-02", from); err != nil {
				return nil, &QueryError{q, "日期“" + from + "”应为 YYYY-MM-DD"}
			}
		}
		if to != "" {
			if end, err = time.Parse("2006-01-02", to); err != nil {
				return nil, &QueryError{q, "日期“" + to + "”应为 YYYY-MM-DD"}
			}
			end = end.Add(24*time.Hour - time.Nanosecond)
		}
		if !start.IsZero() && !end.IsZero() && end.Before(start) {
			return nil, &QueryError{q, "日期范围的结束早于开始"}
		}
		incl := true
		dq := bleve.NewDateRangeInclusiveQuery(start, end, &incl, &incl)
		dq.SetField(fDate)
		return dq, nil
	}
	tq := bleve.NewTermQuery(c.value)
	tq.SetField(c.field)
	return tq, nil
}

// containment matches documents whose normalised text contains s.
func containment(s string) query.Query {
	n := Normalize(s)
	if utf8.RuneCountInString(n) == 1 {
		tq := bleve.NewTermQuery(n)
		tq.SetField(fUni)
		return tq
	}
	pq := bigramPhrase(n)
	if w, ok := wenhaoNorm(s); ok {
		// A 发文字号: the document with that number comes first.
		tq := bleve.NewTermQuery(Normalize(w))
		tq.SetField(fWenhaoN)
		tq.SetBoost(20)
		return bleve.NewDisjunctionQuery(tq, pq, bigramPhrase(Normalize(w)))
	}
	return pq
}

// bigramPhrase matches documents whose text contains n (normalised, two
// characters or more): the bigrams of n at consecutive positions. Every
// other bigram is enough to pin every character — 行政 at p and 执法 at p+2
// is 行政执法 at p — so the phrase names the bigrams at even offsets and
// the last one, and leaves the others as "any term" (""), which bleve
// does not read: fewer posting lists and positions to decode for the
// same exact answer. Two characters are one bigram, a term query with no
// positions at all.
func bigramPhrase(n string) query.Query {
	rs := []rune(n)
	if len(rs) == 2 {
		tq := bleve.NewTermQuery(n)
		tq.SetField(fText)
		return tq
	}
	terms := make([]string, len(rs)-1)
	for i := range terms {
		if i%2 == 0 || i == len(terms)-1 {
			terms[i] = string(rs[i : i+2])
		}
	}
	return bleve.NewPhraseQuery(terms, fText)
}

// wenhaoNorm reads the forms people type for a 发文字号 — 乌司发〔2023〕47号,
// 乌司发[2023]47号, 乌司发(2023)47号, 乌司发2023年47号 — into the standard one.
func wenhaoNorm(s string) (string, bool) {
	n := Normalize(s)
	if m := wenhaoYearForm.FindStringSubmatch(n); m != nil {
		return m[1] + "〔" + m[2] + "〕" + m[3] + "号", true
	}
	if m := regexp.MustCompile(`^(.+?)〔([0-9]{4})〕第?0*([1-9][0-9]*)号$`).FindStringSubmatch(n); m != nil {
		return m[1] + "〔" + m[2] + "〕" + m[3] + "号", true
	}
	return "", false
}

// Search runs a request.
func (x *Index) Search(ctx context.Context, r Request) (*Result, error) {
	p, err := Parse(r.Query)
	if err != nil {
		return nil, err
	}
	var musts []query.Query
	var terms []string // positive text, for snippets
	for _, g := range p.groups {
		var alts []query.Query
		for _, c := range g {
			qq, err := c.toQuery(r.Query)
			if err != nil {
				return nil, err
			}
			alts = append(alts, qq)
			if c.field == "" || c.field == fWenhaoN {
				terms = append(terms, c.value)
				if w, ok := wenhaoNorm(c.value); ok {
					terms = append(terms, w)
				}
			}
		}
		if len(alts) == 1 {
			musts = append(musts, alts[0])
		} else {
			musts = append(musts, bleve.NewDisjunctionQuery(alts...))
		}
	}
	bq := bleve.NewBooleanQuery()
	if len(musts) == 0 {
		musts = append(musts, bleve.NewMatchAllQuery())
	}
	bq.AddMust(musts...)
	bq.AddMust(r.Within.query()...)
	for _, c := range p.excluded {
		qq, err := c.toQuery(r.Query)
		if err != nil {
			return nil, err
		}
		bq.AddMustNot(qq)
	}
	size := r.Size
	if size <= 0 {
		size = 20
	}
	if size > 200 {
		size = 200
	}
	req := bleve.NewSearchRequestOptions(bq, size, max(r.From, 0), false)
	req.Fields = []string{fTitle, fBody, fWenhao, fDate, fYear}
	switch r.Sort {
	case "", "relevance":
		req.SortBy([]string{"-_score", "-" + fDate})
	case "date":
		req.SortBy([]string{"-" + fDate, "-_score"})
	case "number":
		req.SortBy([]string{fDaizi, "-" + fYear, "-" + fSeq})
	default:
		return nil, &QueryError{r.Query, "排序方式“" + r.Sort + "”无效（relevance、date 或 number）"}
	}
	for _, f := range facetFields {
		req.AddFacet(f.name, bleve.NewFacetRequest(f.field, 30))
	}
	res, err := x.searchBleve(ctx, req)
	if err != nil {
		return nil, err
	}
	out := &Result{Total: res.Total, Facets: map[string][]FacetCount{}}
	for _, h := range res.Hits {
		hit := Hit{ID: h.ID, Score: h.Score}
		hit.Title, _ = h.Fields[fTitle].(string)
		hit.Wenhao, _ = h.Fields[fWenhao].(string)
		if y, ok := h.Fields[fYear].(float64); ok {
			hit.Year = int(y)
		}
		if ds, ok := h.Fields[fDate].(string); ok {
			hit.Date, _ = time.Parse(time.RFC3339, ds)
		}
		body, _ := h.Fields[fBody].(string)
		hit.Snippet = Snippet(body, terms, 80)
		out.Hits = append(out.Hits, hit)
	}
	for _, f := range facetFields {
		fr, ok := res.Facets[f.name]
		if !ok || fr.Terms == nil {
			continue
		}
		for _, t := range fr.Terms.Terms() {
			if t.Term == "" {
				continue
			}
			out.Facets[f.name] = append(out.Facets[f.name], FacetCount{t.Term, t.Count})
		}
		sort.SliceStable(out.Facets[f.name], func(i, j int) bool { return out.Facets[f.name][i].Count > out.Facets[f.name][j].Count })
	}
	return out, nil
}

// Snippet returns about width characters of text around the first match
// of any of terms (compared normalised), HTML-escaped, with every matched
// character inside <mark>…</mark>. It never cuts a character in half.
func Snippet(text string, terms []string, width int) string {
	orig := []rune(text)
	var norm []rune
	var back []int // norm index -> orig index
	for i, r := range orig {
		if nr, ok := normRune(r); ok {
			norm = append(norm, nr)
			back = append(back, i)
		}
	}
	marked := make([]bool, len(orig))
	first := -1
	for _, t := range terms {
		tr := []rune(Normalize(t))
		if len(tr) == 0 {
			continue
		}
		for i := 0; i+len(tr) <= len(norm); i++ {
			match := true
			for k := range tr {
				if norm[i+k] != tr[k] {
					match = false
					break
				}
			}
			if !match {
				continue
			}
			a, b := back[i], back[i+len(tr)-1]
			for k := a; k <= b; k++ {
				marked[k] = true
			}
			if first < 0 || a < first {
				first = a
			}
		}
	}
	start := 0
	if first > width/3 {
		start = first - width/3
	}
	end := min(len(orig), start+width)
	var b strings.Builder
	if start > 0 {
		b.WriteString("…")
	}
	in := false
	space := true // no white space at the start; runs of it shown as one
	for i := start; i < end; i++ {
		r := orig[i]
		if r == '\n' || r == '\r' || r == '\t' {
			r = ' '
		}
		if r == ' ' && space && !marked[i] {
			continue
		}
		space = r == ' '
		if marked[i] && !in {
			b.WriteString("<mark>")
			in = true
		}
		if !marked[i] && in {
			b.WriteString("</mark>")
			in = false
		}
		b.WriteString(html.EscapeString(string(r)))
	}
	if in {
		b.WriteString("</mark>")
	}
	if end < len(orig) {
		b.WriteString("…")
	}
	return b.String()
}

// searchBleve runs a bleve search. An error that is not the caller's
// (a cancelled or expired context) means the index could not be read, and
// is ErrDamaged; so is a panic of bleve's on a damaged segment, which
// would otherwise bring the process down.
func (x *Index) searchBleve(ctx context.Context, req *bleve.SearchRequest) (res *bleve.SearchResult, err error) {
	defer func() {
		if p := recover(); p != nil {
			res, err = nil, fmt.Errorf("search: %w（%v）", ErrDamaged, p)
		}
	}()
	res, err = x.idx.SearchInContext(ctx, req)
	switch {
	case err == nil:
		return res, nil
	case ctx.Err() != nil:
		return nil, fmt.Errorf("search: %w", ctx.Err())
	}
	return nil, fmt.Errorf("search: %w（%v）", ErrDamaged, err)
}
