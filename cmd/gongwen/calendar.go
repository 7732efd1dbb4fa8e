package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/gongwen/gongwen/deadline"
)

func runCalendar(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	usage := &usageError{"用法：gongwen calendar show [年份] [--json] | set 年份.json"}
	if len(args) == 0 {
		return usage
	}
	fs := flag.NewFlagSet("calendar", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "以 JSON 输出（show）")
	sf := addStoreFlags(fs)
	pos, err := parseFlags(fs, args[1:])
	if err != nil {
		return err
	}
	switch {
	case args[0] == "set" && len(pos) == 1:
		b, err := os.ReadFile(pos[0])
		if err != nil {
			return fmt.Errorf("无法读取节假日文件：%w", err)
		}
		y, err := deadline.ParseYear(b, pos[0])
		if err != nil {
			return err
		}
		store, err := sf.open(ctx)
		if err != nil {
			return err
		}
		if err := deadline.SaveOverride(ctx, store, y, currentUser(), time.Now()); err != nil {
			return err
		}
		work := 0
		for _, h := range y.Holidays {
			work += len(h.Work)
		}
		fmt.Fprintf(stdout, "已保存%d年节假日安排（%d 个节日，%d 个调休上班日）到 %s/%s；此后计算期限以此为准\n",
			y.Year, len(y.Holidays), work, store, deadline.OverrideKey(y.Year))
		return nil
	case args[0] == "show" && len(pos) <= 1:
		store, err := sf.open(ctx)
		if err != nil {
			return err
		}
		cal, err := deadline.Load(ctx, store)
		if err != nil {
			return err
		}
		if len(pos) == 1 {
			year, err := strconv.Atoi(pos[0])
			if err != nil {
				return &usageError{fmt.Sprintf("年份“%s”无效", pos[0])}
			}
			y := cal.Year(year)
			if y == nil {
				return &deadline.MissingYearError{Year: year}
			}
			if *asJSON {
				return jsonOut(stdout).Encode(y)
			}
			return showYear(stdout, cal, y)
		}
		return showYears(stdout, cal, *asJSON)
	}
	return usage
}

// showYears lists the years the calendar knows and warns about the
// current or next year when missing.
func showYears(w io.Writer, cal *deadline.Calendar, asJSON bool) error {
	type row struct {
		Year     int    `json:"year"`
		From     string `json:"from"` // 内置 or the store key
		Source   string `json:"source"`
		Workdays int    `json:"workdays"`
	}
	var rows []row
	for _, year := range cal.Years() {
		n, err := cal.WorkdaysIn(year)
		if err != nil {
			return err
		}
		rows = append(rows, row{year, cal.Source(year), cal.Year(year).Source, n})
	}
	if asJSON {
		return jsonOut(w).Encode(rows)
	}
	for _, r := range rows {
		fmt.Fprintf(w, "%d\t%s\t工作日 %d 天\t%s\n", r.Year, r.From, r.Workdays, r.Source)
	}
	today := deadline.Today()
	for _, y := range []int{today.Year, today.Year + 1} {
		if cal.Year(y) == nil {
			fmt.Fprintf(w, "注意：尚无%d年的节假日安排，期限跨入该年的文件无法计算到期日；公布后请用 gongwen calendar set %d.json 录入\n", y, y)
		}
	}
	return nil
}

// showYear prints one year's holidays and make-up working days.
func showYear(w io.Writer, cal *deadline.Calendar, y *deadline.Year) error {
	fmt.Fprintf(w, "%d年节假日安排（%s）\n来源：%s\n", y.Year, cal.Source(y.Year), y.Source)
	if y.URL != "" {
		fmt.Fprintf(w, "网址：%s\n", y.URL)
	}
	if y.UpdatedBy != "" {
		fmt.Fprintf(w, "录入：%s，%s\n", y.UpdatedBy, y.Updated)
	}
	for _, h := range y.Holidays {
		line := fmt.Sprintf("%s：%s（%s）至 %s（%s）放假，共 %d 天", h.Name, h.From, h.From.WeekdayChinese(), h.To, h.To.WeekdayChinese(), h.To.Sub(h.From)+1)
		var work []string
		for _, d := range h.Work {
			work = append(work, fmt.Sprintf("%s（%s）", d, d.WeekdayChinese()))
		}
		if len(work) > 0 {
			line += "；" + strings.Join(work, "、") + "上班"
		}
		fmt.Fprintln(w, line)
	}
	n, err := cal.WorkdaysIn(y.Year)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "全年工作日 %d 天\n", n)
	return nil
}
