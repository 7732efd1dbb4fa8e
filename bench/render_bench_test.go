package bench

import (
	"context"
	"os"
	"testing"

	"github.com/gongwen/gongwen/render"
)

// root is the repository root as seen from this package's directory.
const root = ".."

func setup(tb testing.TB) ([]byte, map[string]any) {
	tb.Helper()
	src, err := os.ReadFile(TemplatePath(root))
	if err != nil {
		tb.Fatal(err)
	}
	data, err := BuildData(root)
	if err != nil {
		tb.Fatal(err)
	}
	return src, data
}

// BenchmarkRenderJianyishu renders the built-in 建议书 template with a
// 20-row 问题清单 (the render speed comparison's data, see run.sh): the
// template is parsed once, each iteration renders one .docx to bytes.
func BenchmarkRenderJianyishu(b *testing.B) {
	src, data := setup(b)
	tpl, err := render.Parse(src)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := tpl.Render(ctx, data, render.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseRenderJianyishu is BenchmarkRenderJianyishu with the
// template parsed again for every document.
func BenchmarkParseRenderJianyishu(b *testing.B) {
	src, data := setup(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		tpl, err := render.Parse(src)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := tpl.Render(ctx, data, render.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestBuildData checks the benchmark data: Rows rows with every column of
// the schema, and a template that renders it without error.
func TestBuildData(t *testing.T) {
	src, data := setup(t)
	rows, _ := data[TableField].([]any)
	if len(rows) != Rows {
		t.Fatalf("%s has %d rows, want %d", TableField, len(rows), Rows)
	}
	tpl, err := render.Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tpl.Render(context.Background(), data, render.Options{}); err != nil {
		t.Fatal(err)
	}
}
