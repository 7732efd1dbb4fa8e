package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// maxDataBytes bounds a data file: official documents hold kilobytes.
const maxDataBytes = 16 << 20

// readData reads a JSON object from a file, or standard input for "-".
// Numbers are kept exact (json.Number).
func readData(path string, stdin io.Reader) (map[string]any, error) {
	var r io.Reader
	if path == "-" {
		r = stdin
	} else {
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("无法读取数据文件：%w", err)
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, maxDataBytes+1))
	if err != nil {
		return nil, fmt.Errorf("无法读取数据文件 %s：%w", path, err)
	}
	if len(b) > maxDataBytes {
		return nil, fmt.Errorf("数据文件 %s 超过 %d MiB", path, maxDataBytes>>20)
	}
	return decodeData(b, path)
}

// decodeData parses a JSON object, pointing at the line and column of a
// syntax error.
func decodeData(b []byte, name string) (map[string]any, error) {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			line, col := lineCol(b, int(se.Offset)-1)
			return nil, fmt.Errorf("数据文件 %s 第%d行第%d列不是有效的 JSON：%v", name, line, col, se)
		}
		return nil, fmt.Errorf("数据文件 %s 不是有效的 JSON：%v", name, err)
	}
	if d.More() {
		return nil, fmt.Errorf("数据文件 %s 在一个 JSON 对象之后还有多余内容", name)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("数据文件 %s 应为一个 JSON 对象（{\"字段\": 值, …}）", name)
	}
	return m, nil
}

func lineCol(b []byte, off int) (int, int) {
	if off > len(b) {
		off = len(b)
	}
	line := 1 + bytes.Count(b[:off], []byte("\n"))
	start := bytes.LastIndexByte(b[:off], '\n') + 1
	return line, len([]rune(string(b[start:off]))) + 1
}

// writeFileAtomic writes data to path through a temporary file in the same
// folder and a rename, so a reader never sees half a document and an
// existing file is replaced whole or not at all.
func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("无法写入 %s：%w", path, err)
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("无法写入 %s：%w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("无法写入 %s：%w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("无法写入 %s：%w", path, err)
	}
	if err := os.Chmod(tmp, 0o644); err != nil {
		return fmt.Errorf("无法写入 %s：%w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("无法写入 %s：%w", path, err)
	}
	return nil
}

// parseFlags parses flags wherever they stand among the arguments (Go's
// flag package stops at the first positional one) and returns the
// positional arguments in order.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, &usageError{err.Error()}
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// parseFlagsOnly parses a command's flags, for a command that takes no
// other arguments: any is a usage error naming it.
func parseFlagsOnly(fs *flag.FlagSet, args []string) error {
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return &usageError{"多余的参数：" + strings.Join(pos, " ")}
	}
	return nil
}

// isTemplatePath tells a template file path from a built-in template id.
func isTemplatePath(s string) bool {
	return strings.HasSuffix(strings.ToLower(s), ".docx") || strings.ContainsAny(s, `/\`)
}

// jsonOut returns an encoder for indented JSON that keeps Chinese and
// markup characters readable.
func jsonOut(w io.Writer) *json.Encoder {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc
}
