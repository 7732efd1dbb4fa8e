package archive

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// RetentionCodes are the 保管期限 of DA/T 22-2015 and their codes in 档号.
var retentionCodes = map[string]string{"永久": "Y", "30年": "D30", "10年": "D10"}

// RetentionCode returns the code of a 保管期限, or an error naming the
// allowed ones.
func RetentionCode(retention string) (string, error) {
	c, ok := retentionCodes[retention]
	if !ok {
		return "", refusef("保管期限“%s”无效（应为 永久、30年 或 10年）", retention)
	}
	return c, nil
}

// retentionYears is how long Object Lock keeps a filed version.
func retentionYears(retention string) int {
	switch retention {
	case "30年":
		return 30
	case "10年":
		return 10
	}
	return 100 // 永久: as long as S3 retention sensibly goes
}

// Retainer is implemented by stores that can lock objects against deletion
// and change until a date (S3 Object Lock).
type Retainer interface {
	// Retain locks key until the date; ok is false when the store (or
	// bucket) has no object lock, which is not an error.
	Retain(ctx context.Context, key string, until time.Time) (ok bool, err error)
}

// FilingEntry is one 件号, stored at
// filing/<全宗号>/<年度>/<期限代码>/<机构代码>/<件号>.
type FilingEntry struct {
	DangHao    string    `json:"danghao"`
	DocumentID string    `json:"document_id"`
	Wenhao     string    `json:"wenhao"`
	Time       time.Time `json:"time"`
	By         string    `json:"by"`
}

// File files a document (归档) per DA/T 22-2015: it assigns the 保管期限 and
// the 档号 全宗号-WS·年度-期限代码-机构代码-件号, the 件号 four digits and
// sequential without gaps within (全宗号, 年度, 保管期限, 机构). A filed
// document takes no new versions; where the bucket has Object Lock, its
// versions are retained for the 保管期限.
func (d *Documents) File(ctx context.Context, year int, id, retention string, p *Profile, by string) (*Record, error) {
	code, err := RetentionCode(retention)
	if err != nil {
		return nil, err
	}
	if err := p.Check(); err != nil {
		return nil, err
	}
	r, _, err := d.GetRecord(ctx, year, id)
	if err != nil {
		return nil, err
	}
	switch {
	case r.Filing != nil:
		return nil, refusef("%s 已归档，档号 %s", r.Wenhao, r.Filing.DangHao)
	case r.Status == StatusVoid:
		return nil, refusef("%s 已作废，不能归档", r.Wenhao)
	case !p.Owns(r.Daizi):
		return nil, refusef("%s 不是%s的文件，不能由其归档", r.Wenhao, p.Name)
	}
	prefix := fmt.Sprintf("filing/%s/%d/%s/%s/", p.Fonds, r.Year, code, p.OrgCode)
	now := d.now().UTC()
	var f *Filing
	_, _, err = d.seqFor().next(ctx, prefix, func(n int) []byte {
		f = &Filing{Retention: retention, JianHao: n, FiledAt: now, FiledBy: by,
			DangHao: fmt.Sprintf("%s-WS·%d-%s-%s-%04d", p.Fonds, r.Year, code, p.OrgCode, n)}
		b, _ := json.Marshal(FilingEntry{DangHao: f.DangHao, DocumentID: r.ID, Wenhao: r.Wenhao, Time: now, By: by})
		return b
	})
	if err != nil {
		return nil, fmt.Errorf("archive: 分配件号：%w", err)
	}
	rec, err := d.UpdateRecord(ctx, year, id, func(rec *Record) error {
		if rec.Filing != nil {
			return refusef("%s 已归档，档号 %s", rec.Wenhao, rec.Filing.DangHao)
		}
		rec.Filing = f
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("%w（件号 %d 已登记给该文件，gongwen verify 会指出）", err, f.JianHao)
	}
	if ret, ok := d.store.(Retainer); ok {
		until := now.AddDate(retentionYears(retention), 0, 0)
		for _, v := range rec.Versions {
			if _, err := ret.Retain(ctx, v.Key, until); err != nil {
				return rec, fmt.Errorf("已归档（%s），但未能锁定 %s：%w", f.DangHao, v.Key, err)
			}
		}
	}
	return rec, nil
}

// seqFor returns the sequencer for 件号 (one per Documents).
func (d *Documents) seqFor() *sequencer {
	d.seqOnce.Do(func() { d.seq = newSequencer(d.store) })
	return d.seq
}
