package templates

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// ValidationError lists every problem Validate found in one set of data.
type ValidationError struct {
	Problems []string // one sentence per problem, in Chinese
	// Fields holds the same problems by the top-level field they concern
	// (a table's row problems under the table's name), for a form that
	// shows each message beside its field.
	Fields map[string][]string
}

// Error lists the problems: one on a line, each marked "  - ", after a
// count; a single problem stands alone.
func (e *ValidationError) Error() string {
	if len(e.Problems) == 1 {
		return e.Problems[0]
	}
	return fmt.Sprintf("%d 处问题：\n  - %s", len(e.Problems), strings.Join(e.Problems, "\n  - "))
}

// Validate checks data against the template's field schema and returns nil
// or a *ValidationError listing every problem: missing required fields (with
// their Chinese labels), values of the wrong type, dates that are not valid
// ISO dates, enum values not allowed, strings not matching their pattern,
// integers out of range, and the same for each row of a table (by row
// number) and each field of an object. Data is typically decoded by
// encoding/json into map[string]any; int fields accept float64 and
// json.Number when integral. Fields the schema does not name are ignored.
func (t *Template) Validate(data map[string]any) error {
	v := &validator{}
	v.fields(t.Fields, data, "")
	if len(v.problems) == 0 {
		return nil
	}
	return &ValidationError{Problems: v.problems, Fields: v.byField}
}

type validator struct {
	problems []string
	byField  map[string][]string
	top      string // the top-level field being checked
}

func (v *validator) add(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	v.problems = append(v.problems, msg)
	if v.byField == nil {
		v.byField = map[string][]string{}
	}
	v.byField[v.top] = append(v.byField[v.top], msg)
}

func (v *validator) fields(fs []Field, data map[string]any, path string) {
	for _, f := range fs {
		val, ok := data[f.Name]
		if path == "" {
			v.top = f.Name
		}
		v.field(f, val, ok, path+f.Name)
	}
}

func compilePattern(p string) (*regexp.Regexp, error) { return regexp.Compile(p) }

func (v *validator) field(f Field, val any, present bool, name string) {
	if !present || val == nil || isEmpty(val) {
		if f.Required {
			v.add("缺少必填字段：%s（%s）", name, f.Label)
		}
		return
	}
	switch f.Type {
	case TypeString, TypeText:
		s, ok := val.(string)
		if !ok {
			v.add("%s（%s）：应为文本，实际为%s", name, f.Label, kind(val))
			return
		}
		if f.Pattern != "" {
			if re, err := compilePattern(f.Pattern); err == nil && !re.MatchString(s) {
				v.add("%s（%s）：“%s”格式不正确（%s）", name, f.Label, s, f.Help)
			}
		}
	case TypeDate:
		s, ok := val.(string)
		if !ok {
			v.add("%s（%s）：应为日期文本（YYYY-MM-DD），实际为%s", name, f.Label, kind(val))
			return
		}
		if _, err := time.Parse("2006-01-02", s); err != nil || len(s) != 10 {
			v.add("%s：“%s”不是有效日期（应为 YYYY-MM-DD）", name, s)
		}
	case TypeInt:
		n, ok := asInt(val)
		if !ok {
			v.add("%s（%s）：应为整数，实际为%s", name, f.Label, describe(val))
			return
		}
		if f.Min != nil && n < *f.Min {
			v.add("%s（%s）：%d 小于最小值 %d", name, f.Label, n, *f.Min)
		}
		if f.Max != nil && n > *f.Max {
			v.add("%s（%s）：%d 大于最大值 %d", name, f.Label, n, *f.Max)
		}
	case TypeEnum:
		s, ok := val.(string)
		if !ok {
			v.add("%s（%s）：应为文本，实际为%s", name, f.Label, kind(val))
			return
		}
		for _, o := range f.Options {
			if s == o {
				return
			}
		}
		v.add("%s（%s）：“%s”不是允许的取值（可选：%s）", name, f.Label, s, strings.Join(f.Options, "、"))
	case TypeList:
		items, ok := toList(val)
		if !ok {
			v.add("%s（%s）：应为文本列表，实际为%s", name, f.Label, kind(val))
			return
		}
		for i, it := range items {
			if _, ok := it.(string); !ok {
				v.add("%s（%s）第%d项：应为文本，实际为%s", name, f.Label, i+1, kind(it))
			}
		}
	case TypeTable:
		rows, ok := toList(val)
		if !ok {
			v.add("%s（%s）：应为表格（对象列表），实际为%s", name, f.Label, kind(val))
			return
		}
		for i, r := range rows {
			m, ok := r.(map[string]any)
			if !ok {
				v.add("%s第%d行：应为对象，实际为%s", name, i+1, kind(r))
				continue
			}
			v.fields(f.Columns, m, fmt.Sprintf("%s第%d行.", name, i+1))
		}
	case TypeObject:
		m, ok := val.(map[string]any)
		if !ok {
			v.add("%s（%s）：应为对象，实际为%s", name, f.Label, kind(val))
			return
		}
		v.fields(f.Fields, m, name+".")
	}
}

// isEmpty reports values that count as "not filled in".
func isEmpty(v any) bool {
	switch x := v.(type) {
	case string:
		return strings.TrimSpace(x) == ""
	case []any:
		return len(x) == 0
	case []string:
		return len(x) == 0
	case []map[string]any:
		return len(x) == 0
	}
	return false
}

func toList(v any) ([]any, bool) {
	switch x := v.(type) {
	case []any:
		return x, true
	case []string:
		out := make([]any, len(x))
		for i, s := range x {
			out[i] = s
		}
		return out, true
	case []map[string]any:
		out := make([]any, len(x))
		for i, m := range x {
			out[i] = m
		}
		return out, true
	}
	return nil, false
}

// kind names a value's JSON type in Chinese.
func kind(v any) string {
	switch v.(type) {
	case string:
		return "文本"
	case bool:
		return "布尔值"
	case map[string]any:
		return "对象"
	case []any, []string, []map[string]any:
		return "列表"
	case nil:
		return "空值"
	}
	if _, ok := asInt(v); ok {
		return "整数"
	}
	switch v.(type) {
	case float32, float64:
		return "小数"
	}
	return fmt.Sprintf("%T", v)
}

// describe is kind plus the value for scalars.
func describe(v any) string {
	switch x := v.(type) {
	case string:
		return fmt.Sprintf("文本“%s”", x)
	case float64:
		return fmt.Sprintf("小数 %g", x)
	}
	return kind(v)
}
