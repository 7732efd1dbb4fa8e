package server

import (
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/gongwen/gongwen/templates"
)

// The issue form is generated from a template's field schema. Form field
// names: "f.<name>" for a value, "t.<name>.<row>.<column>" for a table
// cell. Lists are one item per line of a textarea; objects are JSON.

// formField is one schema field ready for the form template.
type formField struct {
	templates.Field
	Value   string     // scalar, list (lines) or object (JSON) value
	Rows    [][]string // table cells, by row then column
	Errors  []string   // validation messages for this field
	Auto    string     // set for fields the profile or the registry fills
	InputID string
}

// formFields prepares a template's fields with values and errors.
func formFields(t *templates.Template, data map[string]any, errs map[string][]string) []formField {
	var out []formField
	for i, f := range t.Fields {
		ff := formField{Field: f, Errors: errs[f.Name], InputID: fmt.Sprintf("f%d", i)}
		switch {
		case f.Registry:
			ff.Auto = "发文时由文号登记自动分配"
		case f.Profile:
			ff.Auto = "由本机关信息自动填写"
		}
		v := data[f.Name]
		switch f.Type {
		case templates.TypeList:
			if l, ok := v.([]any); ok {
				var lines []string
				for _, x := range l {
					lines = append(lines, fmt.Sprint(x))
				}
				ff.Value = strings.Join(lines, "\n")
			}
		case templates.TypeTable:
			if l, ok := v.([]any); ok {
				for _, r := range l {
					m, _ := r.(map[string]any)
					var row []string
					for _, c := range f.Columns {
						row = append(row, scalar(m[c.Name]))
					}
					ff.Rows = append(ff.Rows, row)
				}
			}
			for len(ff.Rows) < 2 || !blankRow(ff.Rows[len(ff.Rows)-1]) {
				ff.Rows = append(ff.Rows, make([]string, len(f.Columns)))
			}
		case templates.TypeObject:
			if v != nil {
				b, _ := json.MarshalIndent(v, "", "  ")
				ff.Value = string(b)
			}
		default:
			ff.Value = scalar(v)
		}
		out = append(out, ff)
	}
	return out
}

func blankRow(r []string) bool {
	for _, c := range r {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func scalar(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	default:
		return fmt.Sprint(x)
	}
}

// dataFromForm reads the issue form back into template data. Values that
// cannot be read (a number that is not one, JSON that is not JSON) are
// returned as problems by field, beside the schema's own validation.
func dataFromForm(t *templates.Template, form url.Values) (map[string]any, map[string][]string) {
	data := map[string]any{}
	problems := map[string][]string{}
	for _, f := range t.Fields {
		if f.Registry || f.Profile {
			continue
		}
		key := "f." + f.Name
		switch f.Type {
		case templates.TypeList:
			var items []any
			for _, line := range strings.Split(form.Get(key), "\n") {
				if line = strings.TrimSpace(line); line != "" {
					items = append(items, line)
				}
			}
			if len(items) > 0 {
				data[f.Name] = items
			}
		case templates.TypeTable:
			rows := map[int]map[string]any{}
			prefix := "t." + f.Name + "."
			for k, vs := range form {
				rest, ok := strings.CutPrefix(k, prefix)
				if !ok || len(vs) == 0 {
					continue
				}
				rs, col, ok := strings.Cut(rest, ".")
				row, err := strconv.Atoi(rs)
				if !ok || err != nil || row < 0 || row > 500 {
					continue
				}
				if strings.TrimSpace(vs[0]) == "" {
					continue
				}
				if rows[row] == nil {
					rows[row] = map[string]any{}
				}
				for _, c := range f.Columns {
					if c.Name == col {
						v, err := typed(c, strings.TrimSpace(vs[0]))
						if err != "" {
							problems[f.Name] = append(problems[f.Name], fmt.Sprintf("%s第%d行 %s：%s", f.Label, row+1, c.Label, err))
						}
						rows[row][col] = v
					}
				}
			}
			idx := make([]int, 0, len(rows))
			for i := range rows {
				idx = append(idx, i)
			}
			sort.Ints(idx)
			var list []any
			for _, i := range idx {
				list = append(list, rows[i])
			}
			if len(list) > 0 {
				data[f.Name] = list
			}
		case templates.TypeObject:
			s := strings.TrimSpace(form.Get(key))
			if s == "" {
				continue
			}
			d := json.NewDecoder(strings.NewReader(s))
			d.UseNumber()
			var m map[string]any
			if err := d.Decode(&m); err != nil {
				problems[f.Name] = append(problems[f.Name], fmt.Sprintf("%s：不是有效的 JSON 对象（%v）", f.Label, err))
				continue
			}
			data[f.Name] = m
		default:
			s := strings.TrimSpace(form.Get(key))
			if f.Type == templates.TypeText {
				s = strings.ReplaceAll(strings.TrimSpace(form.Get(key)), "\r\n", "\n")
			}
			if s == "" {
				continue
			}
			v, err := typed(f, s)
			if err != "" {
				problems[f.Name] = append(problems[f.Name], f.Label+"："+err)
			}
			data[f.Name] = v
		}
	}
	return data, problems
}

// typed converts a form string to the field's type; int fields that are
// not numbers are kept as text and reported.
func typed(f templates.Field, s string) (any, string) {
	if f.Type == templates.TypeInt {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return s, "“" + s + "”不是整数"
		}
		return int(n), ""
	}
	return s, ""
}
