package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestImportCommand walks an archivist through importing a folder of past
// documents: a dry run to check what was read (table and JSON), the
// import, the document without a number imported on request, a second run
// that doubles nothing, and the archive, registry, index and next issue
// agreeing afterwards.
func TestImportCommand(t *testing.T) {
	w := newWorkspace(t)
	dir, data, run := w.dir, w.data, w.run
	fixtures := filepath.Join("..", "..", "importer", "testdata")

	code, out, errs := run("import", fixtures, "--dry-run")
	if code != 1 {
		t.Fatalf("dry run with a file without a number: exit %d\n%s%s", code, out, errs)
	}
	for _, want := range []string{"发文字号", "主送机关", "乌司发〔2023〕47号", "乌鲁木齐市司法局关于开展2023年度行政执法案卷评查工作的通知",
		"2023-03-05", "王建华", "将导入", "试运行（未写入）：将导入 11 份，重复 0 份，失败 1 份", "bayannur-supervision-rules-2023.txt：未找到发文字号"} {
		if !strings.Contains(out, want) {
			t.Errorf("dry-run table lacks %q:\n%s", want, out)
		}
	}
	if _, err := os.Stat(filepath.Join(data, "documents")); !os.IsNotExist(err) {
		t.Errorf("dry run wrote documents: %v", err)
	}
	code, out, _ = run("import", fixtures, "--dry-run", "--json")
	var sum struct {
		DryRun  bool `json:"dry_run"`
		Ready   int  `json:"ready"`
		Failed  int  `json:"failed"`
		Results []struct {
			File     string `json:"file"`
			Status   string `json:"status"`
			Metadata struct {
				Wenhao   string `json:"wenhao"`
				Date     string `json:"date"`
				Evidence []struct {
					Field string `json:"field"`
					Line  int    `json:"line"`
					Text  string `json:"text"`
				} `json:"evidence"`
			} `json:"metadata"`
		} `json:"results"`
	}
	if err := json.Unmarshal([]byte(out), &sum); err != nil || code != 1 || !sum.DryRun || sum.Ready != 11 || sum.Failed != 1 || len(sum.Results) != 12 {
		t.Fatalf("dry run --json: exit %d %v\n%s", code, err, out)
	}
	for _, r := range sum.Results {
		if filepath.Base(r.File) == "函-全角文号.txt" && (r.Metadata.Wenhao != "乌司函〔2023〕33号" || r.Metadata.Evidence[0].Text != "乌司函［２０２３］３３号" || r.Metadata.Evidence[0].Line != 3) {
			t.Errorf("JSON result %+v", r)
		}
	}

	code, out, _ = run("import", fixtures, "--author", "档案员")
	if code != 1 || !strings.Contains(out, "导入完成：导入 11 份，重复 0 份（未重复存档），失败 1 份") || !strings.Contains(out, "通报-GB18030.txt → 乌司发〔2023〕21号") {
		t.Fatalf("import: exit %d\n%s", code, out)
	}
	code, out, _ = run("import", filepath.Join(fixtures, "corpus", "bayannur-supervision-rules-2023.txt"), "--allow-no-number")
	if code != 0 || !strings.Contains(out, "导入 1 份") {
		t.Fatalf("import without a number: exit %d\n%s", code, out)
	}
	code, out, _ = run("import", fixtures, "--allow-no-number")
	if code != 0 || !strings.Contains(out, "导入 0 份，重复 12 份") || !strings.Contains(out, "SHA-256 一致") {
		t.Fatalf("second import: exit %d\n%s", code, out)
	}
	if code, out, _ := run("verify"); code != 0 || !strings.Contains(out, "文件记录 12 份") || !strings.Contains(out, "没有发现问题") {
		t.Errorf("verify after import: exit %d\n%s", code, out)
	}
	if code, out, _ := run("numbers", "--prefix", "乌司发", "--year", "2023"); code != 0 || !strings.Contains(out, "乌司发〔2023〕47号\t导入") {
		t.Errorf("numbers after import: exit %d\n%s", code, out)
	}
	if code, out, _ := gongwen(t, "search", "甘其毛都口岸"); code != 0 || !strings.Contains(out, "找到 1 份文件") {
		t.Errorf("search for the document without a number: exit %d\n%s", code, out)
	}
	if code, out, _ := gongwen(t, "search", "文号:乌司发[2023]21号"); code != 0 || !strings.Contains(out, "案卷评查情况的通报") {
		t.Errorf("search by number of a GB18030 text: exit %d\n%s", code, out)
	}
	if _, out, _ := run("issue", "--template", "监督通知书", "--example"); !strings.Contains(out, "已发文：乌司发〔2026〕49号") {
		t.Errorf("issue after importing 乌司发〔2026〕48号: %s", out)
	}

	// Mistakes an archivist can make are named.
	empty := filepath.Join(dir, "empty")
	os.MkdirAll(filepath.Join(empty, ".hidden"), 0o755)
	os.WriteFile(filepath.Join(empty, "scan.jpg"), []byte{0xff, 0xd8}, 0o644)
	os.WriteFile(filepath.Join(empty, "~$通知.docx"), []byte("lock"), 0o644)
	os.WriteFile(filepath.Join(empty, ".hidden", "a.txt"), []byte("x"), 0o644)
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"import"}, exitUsage, "用法"},
		{[]string{"import", filepath.Join(dir, "nosuch")}, 1, "找不到要导入的文件或目录"},
		{[]string{"import", empty}, 1, "中没有 .docx 或 .txt 文件"},
		{[]string{"import", fixtures, "--profile", "nobody"}, 1, "没有机关“nobody”"},
	} {
		code, out, errs := run(c.args...)
		if code != c.code || !strings.Contains(out+errs, c.want) {
			t.Errorf("%v: exit %d\n%s%s", c.args, code, out, errs)
		}
	}
	old := filepath.Join(empty, "旧通知.doc")
	os.WriteFile(old, append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 64)...), 0o644)
	code, out, _ = run("import", empty)
	if code != 1 || !strings.Contains(out, "旧通知.doc：不支持的文件类型") || !strings.Contains(out, "另存为 .docx") || !strings.Contains(out, "另有 2 个非文档文件") {
		t.Errorf("old .doc in a folder: exit %d\n%s", code, out)
	}
}
