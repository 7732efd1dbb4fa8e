package main

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gongwen/gongwen/bundle"
)

// TestExportAndVerifyBundle is the proof: a bundle written and
// verified, then a byte changed and verification failing with the file
// named.
func TestExportAndVerifyBundle(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	t.Setenv("GONGWEN_INDEX_DIR", filepath.Join(dir, "index"))
	t.Setenv("GONGWEN_DATA_DIR", data)
	must := func(args ...string) string {
		t.Helper()
		code, out, errs := gongwen(t, args...)
		if code != 0 {
			t.Fatalf("gongwen %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errs)
		}
		return out
	}
	prof := filepath.Join(dir, "office.json")
	os.WriteFile(prof, []byte(`{"id": "wlmq-sfj", "名称": "乌鲁木齐市司法局", "发文机关标志": "乌鲁木齐市司法局文件",
		"机关代字": {"默认": "乌司发", "年度报告": "乌司报"}, "印发机关": "乌鲁木齐市司法局办公室", "全宗号": "J012", "机构代码": "FZK"}`), 0o644)
	must("profile", "set", prof)
	must("issue", "--template", "监督通知书", "--example", "--profile", "wlmq-sfj")
	// The 整改情况报告 that answers it (答复文件 = the notice's 发文字号).
	_, js, _ := gongwen(t, "templates", "--json")
	var all []struct {
		ID      string         `json:"id"`
		Example map[string]any `json:"example"`
	}
	json.Unmarshal([]byte(js), &all)
	for _, tpl := range all {
		if tpl.ID == "整改情况报告" {
			tpl.Example["答复文件"] = "乌司发〔2026〕1号"
			b, _ := json.Marshal(tpl.Example)
			os.WriteFile(filepath.Join(dir, "report.json"), b, 0o644)
		}
	}
	must("issue", "--template", "整改情况报告", "--data", filepath.Join(dir, "report.json"))
	must("issue", "--template", "年度报告", "--example", "--profile", "wlmq-sfj")

	out := filepath.Join(dir, "评查", "bundle.zip")
	os.Mkdir(filepath.Dir(out), 0o755)
	res := must("export", "--query", "限期整改 文种:通知", "--out", out)
	for _, want := range []string{"2 份文件（检索结果 1 份，答复、被答复文件 1 份），2 个版本", "文件包 SHA-256：", "已校验"} {
		if !strings.Contains(res, want) {
			t.Errorf("export output lacks %q:\n%s", want, res)
		}
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	if !strings.Contains(res, hex.EncodeToString(sum[:])) {
		t.Errorf("printed SHA-256 is not the file's")
	}
	if left, _ := os.ReadDir(filepath.Dir(out)); len(left) != 1 {
		t.Errorf("files beside the bundle: %v", left)
	}
	zr, _ := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	notice := "data/乌司发〔2026〕1号-乌鲁木齐市司法局关于对市市场监督管理局行政执法问题限期整改的通知.docx"
	if !strings.Contains(strings.Join(names, "\n"), "bundle/"+notice) || !strings.Contains(strings.Join(names, "\n"), "bundle/data/乌市监报〔2026〕1号-") {
		t.Errorf("entries: %v", names)
	}
	if out := must("verify-bundle", out); !strings.Contains(out, "校验通过") || !strings.Contains(out, "External-Description: 按检索式“限期整改 文种:通知”导出的 1 份文件") ||
		!strings.Contains(out, "Source-Organization: 乌鲁木齐市司法局") {
		t.Errorf("verify-bundle: %s", out)
	}

	// An existing bundle is kept unless --force.
	code, _, errs := gongwen(t, "export", "--query", "年度", "--out", out)
	if code != 1 || !strings.Contains(errs, "已存在") || !strings.Contains(errs, "--force") {
		t.Errorf("export over an existing file: exit %d %s", code, errs)
	}
	if again, _ := os.ReadFile(out); !bytes.Equal(again, b) {
		t.Errorf("the existing bundle was changed")
	}
	forced := filepath.Join(dir, "forced.zip")
	os.WriteFile(forced, []byte("old"), 0o644)
	code, js, errs = gongwen(t, "export", "--query", "限期整改 文种:通知", "--out", forced, "--force", "--depth", "0", "--json")
	var s struct {
		Documents    int    `json:"documents"`
		PayloadFiles int    `json:"payload_files"`
		SHA256       string `json:"sha256"`
		BagBytes     int64  `json:"bag_bytes"`
	}
	if code != 0 || json.Unmarshal([]byte(js), &s) != nil || s.Documents != 1 || s.PayloadFiles != 1 || len(s.SHA256) != 64 {
		t.Errorf("export --force --json: exit %d %s %s", code, js, errs)
	}
	if st, _ := os.Stat(forced); st == nil || st.Size() != s.BagBytes {
		t.Errorf("forced bundle size %v, summary %d", st, s.BagBytes)
	}

	// Nothing found, a bad query, a missing folder: no file written.
	none := filepath.Join(dir, "none.zip")
	if code, _, errs := gongwen(t, "export", "--query", "不存在的词语", "--out", none); code != 1 || !strings.Contains(errs, "没有找到文件") {
		t.Errorf("no hits: exit %d %s", code, errs)
	}
	if code, _, errs := gongwen(t, "export", "--query", "年度:二〇二六", "--out", none); code != exitUsage || !strings.Contains(errs, "四位年份") {
		t.Errorf("bad query: exit %d %s", code, errs)
	}
	if code, _, errs := gongwen(t, "export", "--query", "年度", "--out", filepath.Join(dir, "无此目录", "b.zip")); code != 1 || !strings.Contains(errs, "不存在") {
		t.Errorf("missing folder: exit %d %s", code, errs)
	}
	if _, err := os.Stat(none); err == nil {
		t.Errorf("%s written", none)
	}
	if code, _, errs := gongwen(t, "export", "--out", none); code != exitUsage || !strings.Contains(errs, "--query") {
		t.Errorf("no query: exit %d %s", code, errs)
	}

	// One byte of the notice changed inside the zip: verification fails
	// and names the file.
	bad := bytes.Clone(b)
	for _, f := range zr.File {
		if f.Name == "bundle/"+notice {
			off, err := f.DataOffset()
			if err != nil {
				t.Fatal(err)
			}
			bad[off+int64(f.CompressedSize64)/2] ^= 0x01
		}
	}
	tampered := filepath.Join(dir, "tampered.zip")
	os.WriteFile(tampered, bad, 0o644)
	code, got, _ := gongwen(t, "verify-bundle", tampered)
	if code != 1 || !strings.Contains(got, "校验未通过，发现 1 个问题") || !strings.Contains(got, "[摘要不符] "+notice+"：manifest-sha256.txt 记载") {
		t.Errorf("tampered bundle: exit %d\n%s", code, got)
	}
	code, got, _ = gongwen(t, "verify-bundle", tampered, "--json")
	var rep struct {
		Problems []struct{ File, Kind string } `json:"problems"`
	}
	if code != 1 || json.Unmarshal([]byte(got), &rep) != nil || len(rep.Problems) != 1 || rep.Problems[0].File != notice {
		t.Errorf("verify-bundle --json: exit %d %s", code, got)
	}
	if code, _, errs := gongwen(t, "verify-bundle", filepath.Join(dir, "office.json")); code != 1 || !strings.Contains(errs, "不是有效的 zip") {
		t.Errorf("not a zip: exit %d %s", code, errs)
	}
}

// TestWriteBundleLeavesNoHalfBag: a write that fails midway, or writes
// something that is not a valid bag, leaves neither the output nor a
// temporary file.
func TestWriteBundleLeavesNoHalfBag(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "b.zip")
	for name, write := range map[string]func(io.Writer) (*bundle.Summary, error){
		"failed": func(w io.Writer) (*bundle.Summary, error) {
			w.Write([]byte("PK\x03\x04 half a zip"))
			return nil, errors.New("存储不可用")
		},
		"cancelled": func(w io.Writer) (*bundle.Summary, error) {
			w.Write([]byte("PK\x03\x04"))
			return nil, context.Canceled
		},
		"not a bag": func(w io.Writer) (*bundle.Summary, error) {
			zw := zip.NewWriter(w)
			f, _ := zw.Create("x/data/a.txt")
			f.Write([]byte("a"))
			return &bundle.Summary{}, zw.Close()
		},
	} {
		_, err := writeBundle(context.Background(), out, false, write, nil)
		if err == nil || !strings.Contains(err.Error(), "未生成 "+out) {
			t.Errorf("%s: err %v", name, err)
		}
		if left, _ := os.ReadDir(dir); len(left) != 0 {
			t.Errorf("%s: left %v", name, left)
		}
	}
}
