package templates

import (
	"bytes"
	"context"
	"image/png"
	"maps"
	"strings"
	"testing"

	"github.com/gongwen/gongwen/render"
)

// monthly sets the example's 按月份 to counts.
func monthly(data map[string]any, counts [12]int) {
	var rows []any
	for i, n := range counts {
		rows = append(rows, map[string]any{"月份": i + 1, "件数": n})
	}
	data["统计"].(map[string]any)["按月份"] = rows
}

func TestAnnualReportDrawsItsChart(t *testing.T) {
	tp, err := Builtin("年度报告")
	if err != nil {
		t.Fatal(err)
	}
	if len(tp.Charts) != 1 || tp.Charts[0].Media != "word/media/chart.png" {
		t.Fatalf("charts: %+v", tp.Charts)
	}
	placeholder := unzip(t, tp.Docx)["word/media/chart.png"]
	data := roundTrip(t, tp.Example, false)
	monthly(data, [12]int{1, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 2})
	doc, err := tp.Render(context.Background(), data, render.Options{})
	if err != nil {
		t.Fatal(err)
	}
	parts := unzip(t, doc)
	img := parts["word/media/chart.png"]
	cfg, err := png.DecodeConfig(bytes.NewReader(img))
	if err != nil {
		t.Fatalf("chart is not a PNG: %v", err)
	}
	if cfg.Width != 1500 || cfg.Height != 720 {
		t.Errorf("chart is %d×%d", cfg.Width, cfg.Height)
	}
	if bytes.Equal(img, placeholder) {
		t.Error("the chart is still the placeholder")
	}
	want, err := tp.Media(data)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(img, want["word/media/chart.png"]) {
		t.Error("the document's chart is not the chart of its 按月份")
	}
	// The picture in document.xml refers to the chart.
	rels := parseXML(t, parts["word/_rels/document.xml.rels"])
	rid := ""
	for _, r := range rels.all("Relationship") {
		if r.attr["Target"] == "media/chart.png" {
			rid = r.attr["Id"]
		}
	}
	if rid == "" || !strings.Contains(string(parts["word/document.xml"]), `r:embed="`+rid+`"`) {
		t.Errorf("document.xml does not show media/chart.png (relationship %q)", rid)
	}

	// Other figures give another chart; an image the caller gives wins.
	monthly(data, [12]int{5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5})
	other, _ := tp.Media(data)
	if bytes.Equal(other["word/media/chart.png"], img) {
		t.Error("different months drew the same chart")
	}
	given := maps.Clone(other)
	doc, err = tp.Render(context.Background(), data, render.Options{Media: map[string][]byte{"word/media/chart.png": placeholder}})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(unzip(t, doc)["word/media/chart.png"], placeholder) {
		t.Error("the caller's image did not replace the drawn chart")
	}
	if !bytes.Equal(given["word/media/chart.png"], other["word/media/chart.png"]) {
		t.Error("Media's result was changed by a render")
	}
}

func TestChartDataErrors(t *testing.T) {
	tp, err := Builtin("年度报告")
	if err != nil {
		t.Fatal(err)
	}
	data := roundTrip(t, tp.Example, false)
	rows := data["统计"].(map[string]any)["按月份"].([]any)
	rows[0].(map[string]any)["月份"] = "一月"
	_, err = tp.Render(context.Background(), data, render.Options{})
	if err == nil || !strings.Contains(err.Error(), "月份") {
		t.Fatalf("a Chinese month label: %v", err)
	}
	// the schema says 月份 is an int; the chart says why it cannot draw it
	c := tp.Charts[0]
	if _, err := c.bars(data); err == nil || !strings.Contains(err.Error(), "图表数据 统计.按月份第1行.月份“一月”无法画入图表（图中只能写数字）") {
		t.Errorf("chart error: %v", err)
	}
	rows[0].(map[string]any)["月份"] = 1
	rows[1].(map[string]any)["件数"] = -3
	if _, err := c.bars(data); err == nil || !strings.Contains(err.Error(), "图表数据 统计.按月份第2行.件数应为非负整数") {
		t.Errorf("chart error: %v", err)
	}
	// no rows: the empty grid
	data["统计"].(map[string]any)["按月份"] = []any{}
	if b, err := c.bars(data); err != nil || len(b.Values) != 0 {
		t.Errorf("empty table: %v %v", b.Values, err)
	}
}

func TestCheckChartsCatchesBadDeclarations(t *testing.T) {
	for _, c := range []struct {
		change func(*Chart)
		want   string
	}{
		{func(c *Chart) { c.Media = "word/media/other.png" }, "no such PNG"},
		{func(c *Chart) { c.Width = 1600 }, "placeholder is 1500×720 pixels, the chart 1600×720"},
		{func(c *Chart) { c.Table = "统计.按类别x" }, "is not a table field"},
		{func(c *Chart) { c.Table = "统计.发文总数" }, "is not a table field"},
		{func(c *Chart) { c.Value = "月份x" }, "is not an int column"},
		{func(c *Chart) { c.Label = "名称" }, "has no column 名称"},
	} {
		tp, err := Builtin("年度报告")
		if err != nil {
			t.Fatal(err)
		}
		c.change(&tp.Charts[0])
		if err := checkCharts(tp); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("got %v, want %q", err, c.want)
		}
	}
}

// BenchmarkRenderWithChart renders the 年度报告 example (its chart drawn
// at every render) and, for comparison, the 监督通知书 example.
//
//	go test ./templates/ -run - -bench RenderWithChart -benchtime 50x
func BenchmarkRenderWithChart(b *testing.B) {
	for _, id := range []string{"年度报告", "监督通知书"} {
		tp, err := Builtin(id)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(id, func(b *testing.B) {
			for b.Loop() {
				if _, err := tp.Render(context.Background(), tp.Example, render.Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestChartCheckedInDryRun: a chart that cannot be drawn fails the dry run
// issuing makes before it takes a number.
func TestChartCheckedInDryRun(t *testing.T) {
	tp, err := Builtin("年度报告")
	if err != nil {
		t.Fatal(err)
	}
	data := roundTrip(t, tp.Example, false)
	var rows []any
	for i := 0; i < 2000; i++ {
		rows = append(rows, map[string]any{"月份": 1 + i%12, "件数": 1})
	}
	data["统计"].(map[string]any)["按月份"] = rows
	out, err := tp.Render(context.Background(), data, render.Options{DryRun: true})
	if err == nil || !strings.Contains(err.Error(), "模板“年度报告”的图表：templates: chart word/media/chart.png: chart: 2000 bars do not fit in 1500×720 pixels") {
		t.Errorf("dry run: %v (%d bytes)", err, len(out))
	}
}
