// Package deadline computes the last day of a 整改期限: it reads the term
// as typed into a 监督通知书, 建议书 or 决定书 (ParseRule), counts it on
// the holiday calendar (Calendar: 法定节假日 and 调休 make-up working days
// per year), and says which day the term ends (Rule.Due).
//
// The calendar's years come from the State Council's yearly notices
// (国务院办公厅关于某年部分节假日安排的通知), embedded in data/<year>.json
// with their source. An administrator can add or correct a year without a
// new release: a file stored at calendar/<year>.json in the archive store
// replaces the embedded year (Load, SaveOverride; gongwen calendar set).
// Where a computation needs a year the calendar does not have, it fails
// with a *MissingYearError rather than guessing which days are worked.
package deadline
