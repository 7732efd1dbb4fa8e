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
	var recordKeys, numberKeys []string
	if err := s.List(ctx, "documents/", func(o ObjectInfo) error {
		if strings.HasSuffix(o.Key, "/record.json") {
			recordKeys = append(recordKeys, o.Key)
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
	total, done := len(recordKeys)+len(numberKeys), 0
	tick := func() {
		done++
		if progress != nil {
			progress(done, total)
		}
	}
	byNumber := map[string]*Record{} // wenhao -> record
	for _, key := range recordKeys {
		tick()
		b, _, err := s.Get(ctx, key)
		if err != nil {
			return nil, err
		}
		var r Record
		if err := json.Unmarshal(b, &r); err != nil || r.ID == "" {
			add(ProblemRecord, key, fmt.Sprintf("无法解析：%v", err))
			continue
		}
		rep.Records++
		byNumber[r.Wenhao] = &r
		for _, v := range r.Versions {
			rep.Versions++
			content, _, err := s.Get(ctx, v.Key)
			if errors.Is(err, ErrNotFound) {
				add(ProblemMissing, v.Key, fmt.Sprintf("%s 第%d版", r.Wenhao, v.N))
				continue
			}
			if err != nil {
				return nil, err
			}
			sum := sha256.Sum256(content)
			if hex.EncodeToString(sum[:]) != v.SHA256 {
				add(ProblemHash, v.Key, fmt.Sprintf("%s 第%d版：记录 %s，实际 %s", r.Wenhao, v.N, v.SHA256[:12], hex.EncodeToString(sum[:6])))
				continue
			}
			rep.OK++
		}
		e, _, err := NewRegistry(s).Get(ctx, r.Daizi, r.Year, r.Seq)
		switch {
		case errors.Is(err, ErrNotFound):
			add(ProblemRegistry, key, fmt.Sprintf("%s 没有文号登记", r.Wenhao))
		case err != nil:
			add(ProblemRegistry, key, err.Error())
		case e.DocumentID != r.ID:
			add(ProblemRegistry, key, fmt.Sprintf("%s 登记为 %s（文件 %s），记录为文件 %s", r.Wenhao, e.Status, e.DocumentID, r.ID))
		}
	}
	reg := NewRegistry(s)
	seriesSeqs := map[string][]int{}
	for _, key := range numberKeys {
		tick()
		parts := strings.Split(key, "/")
		if len(parts) != 4 {
			continue
		}
		seq, err := strconv.Atoi(parts[3])
		if err != nil {
			continue
		}
		year, _ := strconv.Atoi(parts[2])
		rep.Numbers++
		seriesSeqs[parts[1]+"〔"+parts[2]+"〕"] = append(seriesSeqs[parts[1]+"〔"+parts[2]+"〕"], seq)
		e, _, err := reg.Get(ctx, parts[1], year, seq)
		if err != nil {
			add(ProblemRecord, key, err.Error())
			continue
		}
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
	names := make([]string, 0, len(seriesSeqs))
	for n := range seriesSeqs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		seqs := seriesSeqs[n]
		sort.Ints(seqs)
		entries := make([]*NumberEntry, len(seqs))
		for i, q := range seqs {
			entries[i] = &NumberEntry{Seq: q}
		}
		if gaps := Gaps(entries); len(gaps) > 0 {
			add(ProblemGap, "numbers/"+n, fmt.Sprintf("%s 缺少序号 %v", n, gaps))
		}
	}
	return rep, nil
}
