package deadline

import "fmt"

// Due is the last day of a 整改期限 and how it was reached.
type Due struct {
	Date Date
	// Note explains a moved last day, e.g. "期满日 2026-10-03 为法定节假日
	// （国庆节），顺延至 2026-10-08"; empty when nothing moved.
	Note string
}

// Due computes the last day on which the term is kept, counting from
// start (the day of receipt, or of issue for a FromIssue rule). The rules
// are those of Chinese law for periods (期间), as 民法典 第二百零一条至第二百零三条
// and 民事诉讼法 第八十五条 state them and administrative practice applies
// them:
//
//   - The day counting starts from is not counted: day 1 is the next day.
//     N calendar days from a receipt on 3 March end on 3 + N March.
//   - N个月 ends on the same day number N months on, or the month's last day
//     when it has none (31 January + 1 month = 28 or 29 February).
//   - When the last day of a calendar-day or month period is not a working
//     day — a Saturday or Sunday or a 法定节假日, as the State Council's
//     arrangement for the year says — the period ends on the first working
//     day after it. A 调休 make-up working Saturday or Sunday is a working
//     day: offices are open, so a period ending on it ends on it.
//   - N个工作日 counts working days only: day 1 is the first working day
//     after start, and the term ends on the N-th. Weekends and holidays
//     inside the period are skipped; make-up working days count.
//   - A fixed day (2026年5月31日前) is the last day itself, not moved: the
//     notice named it.
//
// The calendar must hold every year the computation looks at; a missing
// year is a *MissingYearError, never a guess.
func (r Rule) Due(start Date, cal *Calendar) (Due, error) {
	switch r.Kind {
	case FixedDate:
		return Due{Date: r.Date}, nil
	case WorkingDays:
		if start.IsZero() {
			return Due{}, fmt.Errorf("deadline: 没有起算日期")
		}
		d := start
		for i := 0; i < r.N; i++ {
			next, err := cal.NextWorkday(d)
			if err != nil {
				return Due{}, err
			}
			d = next
		}
		return Due{Date: d}, nil
	case CalendarDays, Months:
		if start.IsZero() {
			return Due{}, fmt.Errorf("deadline: 没有起算日期")
		}
		last := start.AddDays(r.N)
		if r.Kind == Months {
			last = start.AddMonths(r.N)
		}
		kind, name, err := cal.Kind(last)
		if err != nil {
			return Due{}, err
		}
		if kind.Working() {
			return Due{Date: last}, nil
		}
		moved, err := cal.NextWorkday(last)
		if err != nil {
			return Due{}, err
		}
		what := kind.String()
		if name != "" {
			what += "（" + name + "）"
		}
		return Due{Date: moved, Note: fmt.Sprintf("期满日 %s 为%s，顺延至 %s", last, what, moved)}, nil
	}
	return Due{}, fmt.Errorf("deadline: 未知的期限类型 %d", r.Kind)
}
