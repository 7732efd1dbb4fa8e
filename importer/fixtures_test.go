package importer_test

import (
	"context"
	"flag"
	"maps"
	"os"
	"path/filepath"
	"testing"

	"github.com/gongwen/gongwen/render"
	"github.com/gongwen/gongwen/templates"
)

var update = flag.Bool("update", false, "rewrite testdata/builtin-*.docx from the built-in templates")

// builtinFixtures are documents rendered from the project's own templates
// with their example data, as gongwen issued them: importing them back
// must give the data they were made from.
var builtinFixtures = []string{"监督通知书", "年度报告", "整改情况报告", "实施方案通知"}

// TestBuiltinFixtures writes testdata/builtin-<id>.docx with -update, and
// otherwise checks that each is there and still a readable .docx.
func TestBuiltinFixtures(t *testing.T) {
	for _, id := range builtinFixtures {
		path := filepath.Join("testdata", "builtin-"+id+".docx")
		if *update {
			tpl, err := templates.Builtin(id)
			if err != nil {
				t.Fatal(err)
			}
			b, err := tpl.Render(context.Background(), maps.Clone(tpl.Example), render.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (go test ./importer -run TestBuiltinFixtures -update writes it)", err)
		}
		if _, err := render.ExtractText(b, render.TextOptions{}); err != nil {
			t.Errorf("%s: %v", path, err)
		}
	}
}
