package archive

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Problem kinds found by Verify.
const (
	ProblemHash       = "内容与 SHA-256 不符"
	ProblemMissing    = "内容缺失"
	ProblemRecord     = "记录损坏"
	ProblemRegistry   = "记录与文号登记不符"
	ProblemDangling   = "文号指向不存在的文件"
	ProblemGap        = "文号登记有空号"
	ProblemUnfinished = "发文未完成的文号"
)

// Problem is one thing Verify found wrong.
type Problem struct {
	Kind   string `json:"kind"`
	Key    string `json:"key"`
	Detail string `json:"detail"`
}

// VerifyReport is what Verify found.
type VerifyReport struct {
	Records  int            `json:"records"`  // document records read
	Versions int            `json:"versions"` // stored versions re-hashed
	Numbers  int            `json:"numbers"`  // registry entries read
	OK       int            `json:"ok"`       // versions whose hash matched
	Problems []Problem      `json:"problems"`
	ByKind   map[string]int `json:"by_kind"`
	Repaired int            `json:"repaired"` // unfinished numbers settled by repair
	// Unreferenced are content objects that no record names: the .docx of
	// an issue cut short after its content was stored and before its
	// record was (its number is void). They are not documents, nothing
	// shows them, and they are kept as evidence; they are not problems.
	Unreferenced []string `json:"unreferenced"`
}

// StaleAllocation is how long a number may stay "allocated" (an issue in
// progress) before Verify counts it as an unfinished issue.
const StaleAllocation = 10 * time.Minute

// VerifyOptions adjust Verify.
type VerifyOptions struct {
	// Repair settles numbers left "allocated" by an interrupted issue:
	// issued if their document is complete, else void with the reason.
	Repair bool
	// StaleAfter is how old an allocation must be to count as interrupted;
	// zero means StaleAllocation, negative means at once.
	StaleAfter time.Duration
	// Progress, if set, is called as work is done.
	Progress func(done, total int)
}

// Verify re-hashes every stored version against its record and checks that
// records, content and the number registry agree and that the registry has
// no gaps.
func Verify(ctx context.Context, s Store, opt VerifyOptions) (*VerifyReport, error) {
	repair, progress := opt.Repair, opt.Progress
	stale := opt.StaleAfter
	if stale == 0 {
		stale = StaleAllocation
	}
	rep := &VerifyReport{ByKind: map[string]int{}}
	add := func(kind, key, detail string) {
		rep.Problems = append(rep.Problems, Problem{kind, key, detail})
		rep.ByKind[kind]++
	}
	var recordKeys, numberKeys, contentKeys []string
	if err := s.List(ctx, "documents/", func(o ObjectInfo) error {
		if strings.HasSuffix(o.Key, "/record.json") {
			recordKeys = append(recordKeys, o.Key)
		} else {
			contentKeys = append(contentKeys, o.Key)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	if err := s.List(ctx, "numbers/", func(o ObjectInfo) error {
		numberKeys = append(numberKeys, o.Key)
		return nil
	}); err != nil {
		return nil, err
	}
	total := len(recordKeys) + len(numberKeys)
	var pmu sync.Mutex
	done := 0
	tick := func() {
		pmu.Lock()
		done++
		if progress != nil {
			progress(done, total)
		}
		pmu.Unlock()
	}
	// Read the registry and re-hash the documents concurrently: on S3 each
	// object is a round trip, and an archive holds thousands.
	entries := make([]*NumberEntry, len(numberKeys))
	entryErr := make([]error, len(numberKeys))
	if err := forEach(ctx, len(numberKeys), func(i int) error {
		defer tick()
		b, _, err := s.Get(ctx, numberKeys[i])
		if err != nil {
			return err
		}
		var e NumberEntry
		if err := json.Unmarshal(b, &e); err != nil {
			entryErr[i] = fmt.Errorf("文号登记已损坏：%v", err)
			return nil
		}
		entries[i] = &e
		return nil
	}); err != nil {
		return nil, err
	}
	type recordResult struct {
		rec      *Record
		problems []Problem
		versions int
		ok       int
	}
	results := make([]recordResult, len(recordKeys))
	if err := forEach(ctx, len(recordKeys), func(i int) error {
		defer tick()
		key := recordKeys[i]
		res := &results[i]
		b, _, err := s.Get(ctx, key)
		if err != nil {
			return err
		}
		var r Record
		if err := json.Unmarshal(b, &r); err != nil || r.ID == "" {
			res.problems = append(res.problems, Problem{ProblemRecord, key, fmt.Sprintf("无法解析：%v", err)})
			return nil
		}
		res.rec = &r
		for _, v := range r.Versions {
			res.versions++
			content, _, err := s.Get(ctx, v.Key)
			if errors.Is(err, ErrNotFound) {
				res.problems = append(res.problems, Problem{ProblemMissing, v.Key, fmt.Sprintf("%s 第%d版", r.Wenhao, v.N)})
				continue
			}
			if err != nil {
				return err
			}
			sum := sha256.Sum256(content)
			if hex.EncodeToString(sum[:]) != v.SHA256 {
				res.problems = append(res.problems, Problem{ProblemHash, v.Key, fmt.Sprintf("%s 第%d版：记录 %s，实际 %s", r.Wenhao, v.N, v.SHA256[:12], hex.EncodeToString(sum[:6]))})
				continue
			}
			res.ok++
		}
		return nil
	}); err != nil {
		return nil, err
	}
	entryByKey := map[string]*NumberEntry{}
	for i, k := range numberKeys {
		if entries[i] != nil {
			entryByKey[k] = entries[i]
		}
	}
	byNumber := map[string]*Record{} // wenhao -> record
	for i, res := range results {
		for _, p := range res.problems {
			add(p.Kind, p.Key, p.Detail)
		}
		rep.Versions += res.versions
		rep.OK += res.ok
		r := res.rec
		if r == nil {
			continue
		}
		rep.Records++
		if r.Wenhao == "" && r.Imported != nil {
			continue // an imported document that bore no 发文字号: nothing to register
		}
		byNumber[r.Wenhao] = r
		e := entryByKey[numberKey(r.Daizi, r.Year, r.Seq)]
		switch {
		case e == nil:
			add(ProblemRegistry, recordKeys[i], fmt.Sprintf("%s 没有文号登记", r.Wenhao))
		case e.DocumentID != r.ID && repair && e.Status == NumberVoid && strings.Contains(e.Reason, r.ID):
			// Voided by an issue that believed its record was lost, yet the
			// record and its content are here: the document was issued.
			if _, err := NewRegistry(s).Update(ctx, e.Daizi, e.Year, e.Seq, func(n *NumberEntry) error {
				if n.Status != NumberVoid || !strings.Contains(n.Reason, r.ID) {
					return fmt.Errorf("%s 已被改动", n.Wenhao)
				}
				n.Status, n.DocumentID = NumberIssued, r.ID
				n.Reason = "文件完整，恢复为已发文（verify 修复；原因：" + n.Reason + "）"
				return nil
			}); err != nil {
				add(ProblemRegistry, recordKeys[i], fmt.Sprintf("修复失败：%v", err))
				continue
			}
			rep.Repaired++
		case e.DocumentID != r.ID:
			add(ProblemRegistry, recordKeys[i], fmt.Sprintf("%s 登记为 %s（文件 %s），记录为文件 %s", r.Wenhao, e.Status, e.DocumentID, r.ID))
		}
	}
	referenced := map[string]bool{}
	for _, res := range results {
		if res.rec != nil {
			for _, v := range res.rec.Versions {
				referenced[v.Key] = true
			}
		}
	}
	for _, k := range contentKeys {
		if !referenced[k] {
			rep.Unreferenced = append(rep.Unreferenced, k)
		}
	}
	reg := NewRegistry(s)
	series := map[string][]*NumberEntry{}
	for i, key := range numberKeys {
		parts := strings.Split(key, "/")
		if len(parts) != 4 {
			continue
		}
		seq, err := strconv.Atoi(parts[3])
		if err != nil {
			continue
		}
		rep.Numbers++
		e := entries[i]
		name := parts[1] + "〔" + parts[2] + "〕"
		if e == nil {
			series[name] = append(series[name], &NumberEntry{Seq: seq})
			add(ProblemRecord, key, entryErr[i].Error())
			continue
		}
		series[name] = append(series[name], &NumberEntry{Seq: seq, Status: e.Status})
		switch e.Status {
		case NumberImported:
			if r := byNumber[e.Wenhao]; e.DocumentID != "" && (r == nil || r.ID != e.DocumentID) {
				add(ProblemDangling, key, fmt.Sprintf("导入的 %s 登记的文件 %s 不存在", e.Wenhao, e.DocumentID))
			}
		case NumberIssued:
			if r := byNumber[e.Wenhao]; r != nil && r.ID == e.DocumentID {
				continue
			}
			if time.Since(e.Time) < stale {
				continue // an issue in progress
			}
			if !repair {
				add(ProblemDangling, key, fmt.Sprintf("%s 登记的文件 %s 不存在（发文中断？gongwen verify --repair 可作废该文号）", e.Wenhao, e.DocumentID))
				continue
			}
			if _, err := reg.Abandon(ctx, e.Daizi, e.Year, e.Seq, e.DocumentID, "发文中断，文件未保存（verify 修复）"); err != nil {
				add(ProblemDangling, key, fmt.Sprintf("修复失败：%v", err))
				continue
			}
			rep.Repaired++
		case NumberAllocated:
			if time.Since(e.Time) < stale {
				continue // an issue in progress
			}
			if !repair {
				add(ProblemUnfinished, key, fmt.Sprintf("%s 于 %s 分配后未完成（gongwen verify --repair 可处理）", e.Wenhao, e.Time.Local().Format("2006-01-02 15:04")))
				continue
			}
			if r := byNumber[e.Wenhao]; r != nil {
				_, err = reg.Update(ctx, e.Daizi, e.Year, e.Seq, func(n *NumberEntry) error {
					n.Status, n.DocumentID = NumberIssued, r.ID
					return nil
				})
			} else {
				_, err = reg.Void(ctx, e.Daizi, e.Year, e.Seq, "发文中断，文件未保存（verify 修复）", "verify")
			}
			if err != nil {
				add(ProblemUnfinished, key, fmt.Sprintf("修复失败：%v", err))
				continue
			}
			rep.Repaired++
		}
	}
	names := make([]string, 0, len(series))
	for n := range series {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		entries := series[n]
		sort.Slice(entries, func(i, j int) bool { return entries[i].Seq < entries[j].Seq })
		if gaps := Gaps(entries); len(gaps) > 0 {
			add(ProblemGap, "numbers/"+n, fmt.Sprintf("%s 缺少序号 %v", n, gaps))
		}
	}
	return rep, nil
}

// verifyWorkers is how many objects Verify reads at once.
const verifyWorkers = 8

// forEach calls fn(0) … fn(n-1) from verifyWorkers goroutines; the first
// error stops the rest and is returned.
func forEach(ctx context.Context, n int, fn func(i int) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	next := make(chan int)
	errs := make(chan error, verifyWorkers)
	var wg sync.WaitGroup
	for w := 0; w < verifyWorkers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := fn(i); err != nil {
					errs <- err
					cancel()
					return
				}
			}
		}()
	}
feed:
	for i := 0; i < n; i++ {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
		return ctx.Err()
	}
}
