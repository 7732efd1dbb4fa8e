package archive

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// SetReceived records the day a document reached its addressee (送达日期,
// ISO yyyy-mm-dd), from which a 整改期限 is counted; an empty date clears
// it. The day may be neither before the document's 成文日期 nor after
// today. It returns the updated record.
func (d *Documents) SetReceived(ctx context.Context, year int, id, date string) (*Record, error) {
	date = strings.TrimSpace(date)
	if date != "" {
		t, err := time.Parse("2006-01-02", date)
		if err != nil {
			return nil, fmt.Errorf("送达日期“%s”无效：请写成 2026-03-06", date)
		}
		if t.Format("2006-01-02") != date {
			return nil, fmt.Errorf("送达日期“%s”无效：请写成 2026-03-06", date)
		}
		// Today in China (UTC+8), whatever the server's zone.
		if today := d.now().In(time.FixedZone("CST", 8*60*60)).Format("2006-01-02"); date > today {
			return nil, fmt.Errorf("送达日期 %s 晚于今天（%s）", date, today)
		}
	}
	return d.UpdateRecord(ctx, year, id, func(r *Record) error {
		if date != "" && r.Date != "" && date < r.Date {
			return fmt.Errorf("%s 的送达日期 %s 早于其成文日期 %s", r.Wenhao, date, r.Date)
		}
		r.Received = date
		return nil
	})
}
