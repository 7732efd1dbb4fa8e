package render

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/nikolalohinski/gonja/v2/exec"
)

// Render fills the template with data and returns the new .docx. Parts
// without tags are copied byte for byte; rendered parts keep every byte of
// XML no tag touched. With missing fields (values printed that data lacks)
// it fails with a *MissingFieldsError listing all of them, unless
// opts.AllowMissing is set. Data usually comes from encoding/json; numbers
// may be float64 or json.Number.
func (t *Template) Render(ctx context.Context, data map[string]any, opts Options) ([]byte, error) {
	if err := t.checkMedia(opts.Media); err != nil {
		return nil, err
	}
	rs := &renderState{ctx: ctx, lim: t.limits, allowMissing: opts.AllowMissing, seen: map[string]bool{}}
	data = normalizeMap(data)
	replaced := map[string]string{}
	for _, cp := range t.parts {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("render: %w", err)
		}
		vars := make(map[string]any, len(data)+1)
		for k, v := range data {
			vars[k] = v
		}
		vars[stateKey] = &partState{rs: rs, part: cp}
		w := &limitWriter{ctx: ctx, max: t.limits.MaxOutputBytes, part: cp.name}
		if err := cp.tpl.Execute(w, exec.NewContext(vars)); err != nil {
			return nil, cp.runtimeError(err)
		}
		out, err := postProcess(w.b.String(), cp.fixTables(), rs.safe)
		if err != nil {
			return nil, fmt.Errorf("%s：%w", partLabel(cp.name), err)
		}
		replaced[cp.name] = out
	}
	if len(rs.missing) > 0 {
		return nil, &MissingFieldsError{Fields: rs.missing}
	}
	if opts.DryRun {
		return nil, nil
	}
	if p := opts.Properties; p != (Properties{}) {
		core, ok := replaced["docProps/core.xml"]
		if !ok {
			var err error
			if core, err = t.docx.read("docProps/core.xml", t.limits); err != nil {
				core = ""
			}
		}
		if core != "" {
			out, err := setCoreProperties(core, p)
			if err != nil {
				return nil, err
			}
			replaced["docProps/core.xml"] = out
		}
	}
	return writeDocx(t.docx, replaced, opts.Media, &t.zip)
}

// fixTables reports whether rendered tables may have gained or lost
// columns (the part repeats cells), so their grids must be adjusted.
func (cp *compiledPart) fixTables() bool {
	for _, sp := range cp.js.spans {
		if sp.tag.generated || strings.Contains(sp.tag.text, "{%tc") {
			return true
		}
	}
	return false
}

// limitWriter collects rendered output, refusing to grow past max bytes
// and stopping when the context ends.
type limitWriter struct {
	ctx  context.Context
	b    strings.Builder
	max  int
	part string
}

func (w *limitWriter) Write(p []byte) (int, error) {
	if w.b.Len()+len(p) > w.max {
		return 0, &limitError{fmt.Sprintf("%s：渲染结果超过 %d 字节的上限", partLabel(w.part), w.max)}
	}
	if err := w.ctx.Err(); err != nil {
		return 0, err
	}
	return w.b.Write(p)
}

// normalizeMap converts json.Number values to int64 or float64, so that
// 2 prints as 2 and 2.5 as 2.5, as Python's json module and docxtpl do.
func normalizeMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = normalizeValue(v)
	}
	return out
}

func normalizeValue(v any) any {
	switch x := v.(type) {
	case json.Number:
		if n, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return n
		}
		if f, err := x.Float64(); err == nil {
			return f
		}
		return string(x)
	case float64:
		if x == float64(int64(x)) && x < 1e15 && x > -1e15 {
			return int64(x)
		}
		return x
	case map[string]any:
		return normalizeMap(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalizeValue(e)
		}
		return out
	}
	return v
}
