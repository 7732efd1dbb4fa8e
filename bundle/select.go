package bundle

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/gongwen/gongwen/archive"
)

// Reason says why a document is in a bundle.
type Reason string

// Reasons a document is selected.
const (
	// Matched: the search (or the caller) asked for it.
	Matched Reason = "检索结果"
	// Answered: a selected document answers it (the notice a 整改情况报告
	// replies to).
	Answered Reason = "被答复文件"
	// Answering: it answers a selected document (the 整改情况报告 of a
	// selected notice).
	Answering Reason = "答复文件"
)

// Member is one document of a selection.
type Member struct {
	Record *archive.Record
	Reason Reason
	// Level is 0 for a matched document, 1 for one related to a matched
	// document, 2 for one related to that, and so on.
	Level int
	// Answers is the id of the selected document this one answers, or ""
	// when it answers none, or one the archive does not hold or the
	// bundle does not include (AnswersWenhao then still names it).
	Answers string
	// AnswersWenhao is the 发文字号 of the document this one answers: the
	// answered record's, or as typed in 答复文件 when the archive does not
	// hold it.
	AnswersWenhao string
}

// Selection is the documents of one bundle, in the order they are written:
// by 成文日期, then 发文字号.
type Selection struct {
	Members []*Member
	// NotFound lists ids that were asked for but are not in the store
	// (an index that lags behind the store).
	NotFound []string
	// Withheld counts documents left out because the filter refused them.
	Withheld int
}

// Counts returns how many members were matched and how many came in as
// related documents.
func (s *Selection) Counts() (matched, related int) {
	for _, m := range s.Members {
		if m.Reason == Matched {
			matched++
		} else {
			related++
		}
	}
	return matched, related
}

// SelectOptions shapes a selection.
type SelectOptions struct {
	// Depth is how many steps of 答复 relations are followed from the
	// matched documents: 1 (DefaultDepth, also what 0 means) adds the
	// notices they answer and the reports that answer them, 2 also the
	// documents related to those, and so on; OnlyMatched follows none.
	Depth int
	// Allow, if set, is asked about every document before it joins;
	// a refused document is left out and its relations are not followed
	// (access control stays with the caller).
	Allow func(*archive.Record) bool
}

// Depths of a selection.
const (
	// DefaultDepth follows one step of 答复 relations: notice ↔ 整改情况报告.
	DefaultDepth = 1
	// OnlyMatched follows no relation: the bundle holds what was asked for.
	OnlyMatched = -1
)

// catalogEntry is what Select keeps of every record while it looks for
// relations: a few strings, not the record.
type catalogEntry struct {
	year       int
	wenhao     string
	respondsTo string
}

// Select builds the selection for the document ids a search returned (in
// any order; duplicates are ignored) and the documents related to them by
// 答复 up to opt.Depth steps. RespondsTo holds the answered document's id,
// or a 发文字号 typed when the archive did not hold it; a typed 发文字号 is
// matched against the archive's records now, in any of the forms
// archive.ParseWenhao reads.
//
// Finding the documents that answer a selected one needs every record's
// RespondsTo, so Select reads the store's records once.
func Select(ctx context.Context, docs *archive.Documents, ids []string, opt SelectOptions) (*Selection, error) {
	switch {
	case opt.Depth == 0:
		opt.Depth = DefaultDepth
	case opt.Depth < 0:
		opt.Depth = 0
	}
	cat := map[string]*catalogEntry{}
	byWenhao := map[string]string{}
	err := docs.ListRecords(ctx, func(r *archive.Record) error {
		cat[r.ID] = &catalogEntry{year: r.Year, wenhao: r.Wenhao, respondsTo: strings.TrimSpace(r.RespondsTo)}
		if k := wenhaoKey(r.Wenhao); k != "" {
			if _, dup := byWenhao[k]; !dup {
				byWenhao[k] = r.ID
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("bundle: 读取文件记录：%w", err)
	}
	// resolve finds the id of the document a RespondsTo names.
	resolve := func(ref string) string {
		if ref == "" {
			return ""
		}
		if _, ok := cat[ref]; ok {
			return ref
		}
		return byWenhao[wenhaoKey(ref)]
	}
	answeredBy := map[string][]string{}
	for id, e := range cat {
		if t := resolve(e.respondsTo); t != "" && t != id {
			answeredBy[t] = append(answeredBy[t], id)
		}
	}
	for _, l := range answeredBy {
		sort.Strings(l)
	}

	sel := &Selection{}
	members := map[string]*Member{}
	refused := map[string]bool{}
	// take loads a document and adds it unless the filter refuses it.
	take := func(id string, reason Reason, level int) (*Member, error) {
		if m := members[id]; m != nil || refused[id] {
			return m, nil
		}
		e := cat[id]
		r, _, err := docs.GetRecord(ctx, e.year, id)
		if err != nil {
			return nil, fmt.Errorf("bundle: %w", err)
		}
		if opt.Allow != nil && !opt.Allow(r) {
			refused[id] = true
			sel.Withheld++
			return nil, nil
		}
		m := &Member{Record: r, Reason: reason, Level: level}
		members[id] = m
		return m, nil
	}
	var frontier []string
	asked := map[string]bool{}
	for _, id := range ids {
		if asked[id] {
			continue
		}
		asked[id] = true
		if _, ok := cat[id]; !ok {
			sel.NotFound = append(sel.NotFound, id)
			continue
		}
		m, err := take(id, Matched, 0)
		if err != nil {
			return nil, err
		}
		if m != nil {
			frontier = append(frontier, id)
		}
	}
	for level := 1; level <= opt.Depth && len(frontier) > 0; level++ {
		var next []string
		for _, id := range frontier {
			if t := resolve(cat[id].respondsTo); t != "" && t != id {
				if _, known := members[t]; !known && !refused[t] {
					m, err := take(t, Answered, level)
					if err != nil {
						return nil, err
					}
					if m != nil {
						next = append(next, t)
					}
				}
			}
			for _, a := range answeredBy[id] {
				if _, known := members[a]; known || refused[a] {
					continue
				}
				m, err := take(a, Answering, level)
				if err != nil {
					return nil, err
				}
				if m != nil {
					next = append(next, a)
				}
			}
		}
		frontier = next
	}
	for id, m := range members {
		ref := cat[id].respondsTo
		if ref == "" {
			continue
		}
		if t := resolve(ref); t != "" && members[t] != nil {
			m.Answers = t
			m.AnswersWenhao = members[t].Record.Wenhao
		} else if t != "" {
			m.AnswersWenhao = cat[t].wenhao
		} else {
			m.AnswersWenhao = ref
		}
	}
	for _, m := range members {
		sel.Members = append(sel.Members, m)
	}
	sort.Slice(sel.Members, func(i, j int) bool {
		a, b := sel.Members[i].Record, sel.Members[j].Record
		if a.Date != b.Date {
			return a.Date < b.Date
		}
		if a.Daizi != b.Daizi {
			return a.Daizi < b.Daizi
		}
		if a.Year != b.Year || a.Seq != b.Seq {
			return a.Year < b.Year || a.Year == b.Year && a.Seq < b.Seq
		}
		return a.ID < b.ID
	})
	return sel, nil
}

// ErrEmpty means a selection holds no document.
var ErrEmpty = errors.New("没有可导出的文件")

// wenhaoKey normalises a 发文字号 for matching (〔〕, [], 【】, 第, leading
// zeros); text that is not a 发文字号 gives "".
func wenhaoKey(s string) string {
	daizi, year, seq, err := archive.ParseWenhao(strings.TrimSpace(s))
	if err != nil {
		return ""
	}
	return archive.FormatWenhao(daizi, year, seq)
}
