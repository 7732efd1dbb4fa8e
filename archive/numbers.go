package archive

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Number statuses in the registry.
const (
	NumberAllocated = "allocated" // taken for a document being issued right now
	NumberIssued    = "issued"    // used by a stored document
	NumberReserved  = "reserved"  // 预留: kept for a document signed offline
	NumberVoid      = "void"      // 作废: taken and never used, with the reason
	NumberImported  = "imported"  // used by a document imported from before gongwen
)

// NumberStatusName is a number status as staff read it: 已发文, 预留,
// 作废, 导入 or 发文中 (the status itself when it is none of these).
func NumberStatusName(status string) string {
	switch status {
	case NumberIssued:
		return "已发文"
	case NumberReserved:
		return "预留"
	case NumberVoid:
		return "作废"
	case NumberImported:
		return "导入"
	case NumberAllocated:
		return "发文中"
	}
	return status
}

// NumberEntry is one 发文字号 in the registry, stored at
// numbers/<机关代字>/<year>/<seq>.
type NumberEntry struct {
	Daizi      string    `json:"daizi"`                 // 机关代字, e.g. 乌司发
	Year       int       `json:"year"`                  // 年份
	Seq        int       `json:"seq"`                   // 序号, from 1, no leading zeros
	Wenhao     string    `json:"wenhao"`                // 乌司发〔2026〕48号
	Status     string    `json:"status"`                // one of the Number* constants
	DocumentID string    `json:"document_id,omitempty"` // the document that uses it
	Reason     string    `json:"reason,omitempty"`      // why it was reserved or voided
	By         string    `json:"by,omitempty"`          // who took it
	Time       time.Time `json:"time"`                  // when it was taken
	Updated    time.Time `json:"updated"`               // last change
}

// Registry allocates and records 发文字号. Uniqueness rests on the store
// alone: an entry is created with If-None-Match, so two processes on two
// machines sharing a bucket never take the same number. Entries are never
// deleted, so the registry has no gaps: every number from 1 to the highest
// is issued, reserved, imported, void with a reason, or being issued.
type Registry struct {
	store Store
	now   func() time.Time
	seq   *sequencer
}

// NewRegistry returns the registry kept in store.
func NewRegistry(store Store) *Registry {
	return &Registry{store: store, now: time.Now, seq: newSequencer(store)}
}

// numberKey is where an entry is stored.
func numberKey(daizi string, year, seq int) string {
	return fmt.Sprintf("numbers/%s/%d/%d", daizi, year, seq)
}

// CheckDaizi validates a 机关代字 for use in numbers and keys.
func CheckDaizi(daizi string) error {
	if strings.TrimSpace(daizi) != daizi || daizi == "" {
		return refusef("机关代字 %q 无效：不能为空或以空格开头结尾", daizi)
	}
	if strings.ContainsAny(daizi, "〔〕[]【】()（）/\\") {
		return refusef("机关代字 %q 不能含括号或斜杠", daizi)
	}
	if strings.ContainsFunc(daizi, func(r rune) bool { return r >= '0' && r <= '9' }) {
		return refusef("机关代字 %q 不能含数字", daizi)
	}
	return ValidKey("numbers/" + daizi)
}

// FormatWenhao writes 机关代字〔年份〕序号号 (GB/T 9704-2012 7.2.4).
func FormatWenhao(daizi string, year, seq int) string {
	return fmt.Sprintf("%s〔%d〕%d号", daizi, year, seq)
}

// Allocate takes the next free number of (daizi, year) with status:
// NumberIssued with the id of the document about to be stored under it (an
// issue in progress: see Abandon), or NumberReserved with a reason (预留).
func (r *Registry) Allocate(ctx context.Context, daizi string, year int, status, docID, by, reason string) (*NumberEntry, ObjectInfo, error) {
	if err := CheckDaizi(daizi); err != nil {
		return nil, ObjectInfo{}, err
	}
	if year < 1900 || year > 9999 {
		return nil, ObjectInfo{}, refusef("年份 %d 无效", year)
	}
	var e *NumberEntry
	prefix := fmt.Sprintf("numbers/%s/%d/", daizi, year)
	_, info, err := r.seq.next(ctx, prefix, func(seq int) []byte {
		now := r.now().UTC()
		e = &NumberEntry{Daizi: daizi, Year: year, Seq: seq, Wenhao: FormatWenhao(daizi, year, seq),
			Status: status, DocumentID: docID, By: by, Reason: reason, Time: now, Updated: now}
		b, _ := json.Marshal(e)
		return b
	})
	if err != nil {
		return nil, ObjectInfo{}, fmt.Errorf("archive: 分配 %s〔%d〕的文号：%w", daizi, year, err)
	}
	return e, info, nil
}

// Get returns one entry and its ETag.
func (r *Registry) Get(ctx context.Context, daizi string, year, seq int) (*NumberEntry, ObjectInfo, error) {
	b, info, err := r.store.Get(ctx, numberKey(daizi, year, seq))
	if err != nil {
		return nil, ObjectInfo{}, err
	}
	var e NumberEntry
	if err := json.Unmarshal(b, &e); err != nil {
		return nil, ObjectInfo{}, fmt.Errorf("archive: 文号登记 %s 已损坏：%w", numberKey(daizi, year, seq), err)
	}
	return &e, info, nil
}

// Update changes an entry with If-Match on its ETag, retrying when another
// writer changed it in between. change returns an error to refuse.
func (r *Registry) Update(ctx context.Context, daizi string, year, seq int, change func(*NumberEntry) error) (*NumberEntry, error) {
	for attempt := 0; attempt < 20; attempt++ {
		e, info, err := r.Get(ctx, daizi, year, seq)
		if err != nil {
			return nil, err
		}
		if err := change(e); err != nil {
			return nil, err
		}
		e.Updated = r.now().UTC()
		b, _ := json.Marshal(e)
		_, err = r.store.Put(ctx, numberKey(daizi, year, seq), b, Cond{IfMatch: info.ETag})
		if err == nil {
			return e, nil
		}
		if !errors.Is(err, ErrPrecondition) {
			return nil, err
		}
	}
	return nil, fmt.Errorf("archive: 更新文号 %s 失败：并发修改过多", FormatWenhao(daizi, year, seq))
}

// Void marks a number 作废 with its reason. An issued number cannot be
// voided here: void the document instead.
func (r *Registry) Void(ctx context.Context, daizi string, year, seq int, reason, by string) (*NumberEntry, error) {
	if strings.TrimSpace(reason) == "" {
		return nil, refusef("作废文号必须说明原因")
	}
	return r.Update(ctx, daizi, year, seq, func(e *NumberEntry) error {
		switch e.Status {
		case NumberVoid:
			return refusef("%s 已作废（%s）", e.Wenhao, e.Reason)
		case NumberIssued, NumberImported:
			return refusef("%s 已用于文件 %s，不能直接作废文号", e.Wenhao, e.DocumentID)
		}
		e.Status, e.Reason, e.By = NumberVoid, reason, by
		return nil
	})
}

// Abandon voids a number taken for document docID that was never stored
// (rendering or storage failed, or the issuing process died), keeping the
// reason. It refuses when the entry names another document.
func (r *Registry) Abandon(ctx context.Context, daizi string, year, seq int, docID, reason string) (*NumberEntry, error) {
	return r.Update(ctx, daizi, year, seq, func(e *NumberEntry) error {
		if e.DocumentID != docID {
			return refusef("%s 登记的是文件 %s，不是 %s", e.Wenhao, e.DocumentID, docID)
		}
		if e.Status == NumberVoid {
			return nil
		}
		e.Status, e.Reason, e.DocumentID = NumberVoid, reason+"（未保存的文件编号 "+docID+"）", ""
		return nil
	})
}

// List returns the entries of (daizi, year) ordered by sequence number.
func (r *Registry) List(ctx context.Context, daizi string, year int) ([]*NumberEntry, error) {
	if err := CheckDaizi(daizi); err != nil {
		return nil, err
	}
	prefix := fmt.Sprintf("numbers/%s/%d/", daizi, year)
	var keys []string
	if err := r.store.List(ctx, prefix, func(o ObjectInfo) error {
		if _, err := strconv.Atoi(strings.TrimPrefix(o.Key, prefix)); err == nil {
			keys = append(keys, o.Key)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	out := make([]*NumberEntry, len(keys))
	if err := forEach(ctx, len(keys), func(i int) error {
		b, _, err := r.store.Get(ctx, keys[i])
		if err != nil {
			return err
		}
		var e NumberEntry
		if err := json.Unmarshal(b, &e); err != nil {
			return fmt.Errorf("archive: 文号登记 %s 已损坏：%w", keys[i], err)
		}
		out[i] = &e
		return nil
	}); err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Seq < out[j].Seq })
	return out, nil
}

// Gaps returns the sequence numbers below the highest that have no entry
// and are not explained by an import. Allocation never leaves one; a gap
// means an entry was lost or removed. Numbers below an imported entry are
// explained: that document numbered them before gongwen kept the series,
// and the documents that used them need not all be imported. entries are
// ordered by sequence number.
func Gaps(entries []*NumberEntry) []int {
	var gaps []int
	next := 1
	for _, e := range entries {
		if e.Status == NumberImported {
			next = e.Seq + 1
			gaps = gaps[:0]
			continue
		}
		for ; next < e.Seq; next++ {
			gaps = append(gaps, next)
		}
		next = e.Seq + 1
	}
	return gaps
}

var wenhaoRe = regexp.MustCompile(`^\s*(.+?)\s*(?:[〔\[【(﹝〖]\s*([0-9]{4})\s*[〕\]】)﹞〗]|([0-9]{4})\s*年)\s*第?\s*0*([1-9][0-9]*)\s*号\s*$`)

// ParseWenhao reads a 发文字号 in the forms people type into its parts:
// 〔〕, [], 【】, (), ﹝﹞ or 〖〗 around the year, or the year followed by 年
// (乌司发2023年47号); full-width or half-width brackets and digits; 第 and
// leading zeros tolerated. FormatWenhao writes the normal form.
func ParseWenhao(s string) (daizi string, year, seq int, err error) {
	m := wenhaoRe.FindStringSubmatch(foldWidth(s))
	if m == nil {
		return "", 0, 0, refusef("“%s”不是发文字号（应如 乌司发〔2026〕48号）", s)
	}
	y := m[2]
	if y == "" {
		y = m[3]
	}
	year, _ = strconv.Atoi(y)
	seq, err = strconv.Atoi(m[4])
	if err != nil || seq > 999999 {
		return "", 0, 0, fmt.Errorf("“%s”的序号 %s 无效", s, m[4])
	}
	return m[1], year, seq, CheckDaizi(m[1])
}

// foldWidth maps full-width ASCII forms (Ａ, ２, （, ［) to their ASCII
// letters and the ideographic space to a space.
func foldWidth(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			return r - 0xFEE0
		case r == '\u3000':
			return ' '
		}
		return r
	}, s)
}

// Lookup finds the registry entry of a 发文字号 typed by a person.
func (r *Registry) Lookup(ctx context.Context, wenhao string) (*NumberEntry, error) {
	daizi, year, seq, err := ParseWenhao(wenhao)
	if err != nil {
		return nil, err
	}
	e, _, err := r.Get(ctx, daizi, year, seq)
	if errors.Is(err, ErrNotFound) {
		return nil, refusef("文号 %s 未登记", FormatWenhao(daizi, year, seq))
	}
	return e, err
}

// Import registers a number used by a document from before gongwen (an
// imported past notice), so that no later issue reuses it. It fails with
// ErrPrecondition when the number is already registered.
func (r *Registry) Import(ctx context.Context, daizi string, year, seq int, docID, by string) (*NumberEntry, error) {
	if err := CheckDaizi(daizi); err != nil {
		return nil, err
	}
	if seq < 1 {
		return nil, refusef("序号 %d 无效", seq)
	}
	now := r.now().UTC()
	e := &NumberEntry{Daizi: daizi, Year: year, Seq: seq, Wenhao: FormatWenhao(daizi, year, seq),
		Status: NumberImported, DocumentID: docID, By: by, Time: now, Updated: now}
	b, _ := json.Marshal(e)
	if _, err := r.store.Put(ctx, numberKey(daizi, year, seq), b, Cond{IfNoneMatch: true}); err != nil {
		if errors.Is(err, ErrPrecondition) {
			return nil, fmt.Errorf("文号 %s 已登记：%w", e.Wenhao, err)
		}
		return nil, fmt.Errorf("archive: 登记导入的文号 %s：%w", e.Wenhao, err)
	}
	return e, nil
}
