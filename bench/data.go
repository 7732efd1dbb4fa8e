// Package bench holds the render speed comparison of gongwen with docxtpl
// and docxtemplater (see run.sh and docs/PERFORMANCE.md, "Render speed").
//
// The data every tool renders is the 建议书 template's schema example with
// its 问题清单 extended to Rows rows; BuildData derives it from
// templates/builtin/建议书.json so it stays in step with the template.
package bench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// Template is the built-in template the comparison renders.
const Template = "建议书"

// Rows is how many rows the 问题清单 table gets.
const Rows = 20

// TableField is the table field that is extended to Rows rows.
const TableField = "问题清单"

// TemplatePath returns the template's .docx path under the repository root.
func TemplatePath(root string) string {
	return filepath.Join(root, "templates", "builtin", Template+".docx")
}

// SchemaPath returns the template's schema (.json) path.
func SchemaPath(root string) string {
	return filepath.Join(root, "templates", "builtin", Template+".json")
}

type schema struct {
	Fields []struct {
		Name    string `json:"name"`
		Type    string `json:"type"`
		Columns []struct {
			Name string `json:"name"`
			Type string `json:"type"`
		} `json:"columns"`
	} `json:"fields"`
	Example map[string]any `json:"example"`
}

// BuildData returns the schema's example with TableField extended to Rows
// rows. Row k beyond the example's rows copies example row (k-1) mod n and
// appends "（第k项）" to each of its text columns (the schema's columns),
// so every row is distinct and of realistic length.
func BuildData(root string) (map[string]any, error) {
	b, err := os.ReadFile(SchemaPath(root))
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var s schema
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("%s: %w", SchemaPath(root), err)
	}
	if s.Example == nil {
		return nil, fmt.Errorf("%s: no \"example\"", SchemaPath(root))
	}
	var cols []string
	for _, f := range s.Fields {
		if f.Name == TableField {
			if f.Type != "table" {
				return nil, fmt.Errorf("field %s is %q, not a table", TableField, f.Type)
			}
			for _, c := range f.Columns {
				cols = append(cols, c.Name)
			}
		}
	}
	if len(cols) == 0 {
		return nil, fmt.Errorf("schema has no table field %s with columns", TableField)
	}
	ex, _ := s.Example[TableField].([]any)
	if len(ex) == 0 {
		return nil, fmt.Errorf("example has no %s rows", TableField)
	}
	rows := make([]any, 0, Rows)
	for k := 1; k <= Rows; k++ {
		src, ok := ex[(k-1)%len(ex)].(map[string]any)
		if !ok {
			return nil, fmt.Errorf("example %s row %d is not an object", TableField, (k-1)%len(ex)+1)
		}
		row := make(map[string]any, len(cols))
		for _, c := range cols {
			v := src[c]
			if str, ok := v.(string); ok && k > len(ex) {
				v = fmt.Sprintf("%s（第%d项）", str, k)
			}
			row[c] = v
		}
		rows = append(rows, row)
	}
	data := make(map[string]any, len(s.Example))
	for k, v := range s.Example {
		data[k] = v
	}
	data[TableField] = rows
	return data, nil
}

// LoadData reads a data file written by makedata (JSON numbers kept as
// json.Number, as the gongwen command does).
func LoadData(path string) (map[string]any, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}
