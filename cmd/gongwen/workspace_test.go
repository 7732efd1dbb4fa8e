package main

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gongwen/gongwen/templates"
)

// workspace runs gongwen commands as a test's user would, against the
// test's own data folder and index folder (GONGWEN_INDEX_DIR is set for
// the test).
type workspace struct {
	t    *testing.T
	dir  string // the test's folder: data/, index/ and the files written
	data string
}

func newWorkspace(t *testing.T) *workspace {
	dir := t.TempDir()
	t.Setenv("GONGWEN_INDEX_DIR", filepath.Join(dir, "index"))
	return &workspace{t: t, dir: dir, data: filepath.Join(dir, "data")}
}

// run runs a command on the workspace's data folder: exit code, stdout,
// stderr.
func (w *workspace) run(args ...string) (int, string, string) {
	w.t.Helper()
	return gongwen(w.t, append(args, "--data-dir", w.data)...)
}

// must runs a command that must succeed and returns its stdout and stderr.
func (w *workspace) must(args ...string) (string, string) {
	w.t.Helper()
	code, out, errs := w.run(args...)
	if code != 0 {
		w.t.Fatalf("gongwen %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errs)
	}
	return out, errs
}

// write writes v as JSON to a file in the test's folder and returns its path.
func (w *workspace) write(name string, v any) string {
	w.t.Helper()
	p := filepath.Join(w.dir, name)
	b, _ := json.Marshal(v)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		w.t.Fatal(err)
	}
	return p
}

// issue issues a built-in template's example with change applied, under
// an office profile, and returns the 发文字号.
func (w *workspace) issue(tplID, profile string, change map[string]any) string {
	w.t.Helper()
	tpl, err := templates.Builtin(tplID)
	if err != nil {
		w.t.Fatal(err)
	}
	d := maps.Clone(tpl.Example)
	maps.Copy(d, change)
	out, _ := w.must("issue", "--template", tplID, "--data", w.write(tplID+".json", d), "--profile", profile)
	m := regexp.MustCompile(`已发文：(\S+)`).FindStringSubmatch(out)
	if m == nil {
		w.t.Fatalf("no 发文字号 in %s", out)
	}
	return m[1]
}
