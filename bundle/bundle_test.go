package bundle

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/gongwen/gongwen/archive"
	"github.com/gongwen/gongwen/issuing"
	"github.com/gongwen/gongwen/templates"
)

// testArchive is a small real archive: documents issued from the built-in
// templates into a file store.
type testArchive struct {
	store  archive.Store
	docs   *archive.Documents
	notice *archive.Record // 乌司发〔2026〕1号, revised once and filed
	report *archive.Record // 整改情况报告 answering the notice
	other  *archive.Record // 乌司发〔2026〕2号, answered by late (typed 发文字号)
	late   *archive.Record // a report issued before the notice it answers
	orphan *archive.Record // answers 乌司发〔2025〕7号, which the archive does not hold
}

func issue(t *testing.T, is *issuing.Issuer, tplID string, change map[string]any) *archive.Record {
	t.Helper()
	tpl, err := templates.Builtin(tplID)
	if err != nil {
		t.Fatal(err)
	}
	data := map[string]any{}
	for k, v := range tpl.Example {
		data[k] = v
	}
	for k, v := range change {
		data[k] = v
	}
	res, err := is.Issue(context.Background(), issuing.Request{Template: tpl, Data: data, Author: "王明"})
	if err != nil {
		t.Fatalf("issue %s: %v", tplID, err)
	}
	return res.Record
}

func newTestArchive(t *testing.T) *testArchive {
	t.Helper()
	ctx := context.Background()
	store, err := archive.OpenFileStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	is := issuing.New(store)
	a := &testArchive{store: store, docs: is.Documents}
	a.notice = issue(t, is, "监督通知书", nil)
	if a.notice.Wenhao != "乌司发〔2026〕1号" {
		t.Fatalf("first notice is %s", a.notice.Wenhao)
	}
	a.report = issue(t, is, "整改情况报告", map[string]any{"答复文件": "乌司发〔2026〕1号"})
	if a.report.RespondsTo != a.notice.ID {
		t.Fatalf("report answers %q, want the notice's id %s", a.report.RespondsTo, a.notice.ID)
	}
	// Issued before the notice it names: the record keeps the typed 发文字号.
	a.late = issue(t, is, "整改情况报告", map[string]any{"答复文件": "乌司发〔2026〕2号",
		"标题": "乌鲁木齐市市场监督管理局关于第二次整改情况的报告"})
	a.other = issue(t, is, "监督通知书", map[string]any{"标题": "乌鲁木齐市司法局关于对市交通运输局行政执法问题限期整改的通知",
		"被监督单位": "乌鲁木齐市交通运输局", "主送": "乌鲁木齐市交通运输局"})
	if a.other.Wenhao != "乌司发〔2026〕2号" || a.late.RespondsTo != "乌司发〔2026〕2号" {
		t.Fatalf("other %s, late answers %q", a.other.Wenhao, a.late.RespondsTo)
	}
	a.orphan = issue(t, is, "整改情况报告", map[string]any{"答复文件": "乌司发〔2025〕7号",
		"标题": "关于“整改率100%”/复查:情况?的报告. "})
	// A correction and filing of the notice.
	v1, err := a.docs.GetVersion(ctx, a.notice, 1)
	if err != nil {
		t.Fatal(err)
	}
	v2 := rezipWithComment(t, v1, "更正")
	if a.notice, err = a.docs.AddVersion(ctx, a.notice.Year, a.notice.ID, v2, "王明", "更正错字"); err != nil {
		t.Fatal(err)
	}
	prof := &archive.Profile{ID: "wlmq-sfj", Name: "乌鲁木齐市司法局", Mark: "乌鲁木齐市司法局文件",
		Daizi: map[string]string{"默认": "乌司发"}, Printer: "乌鲁木齐市司法局办公室", Fonds: "J012", OrgCode: "FZK"}
	if a.notice, err = a.docs.File(ctx, a.notice.Year, a.notice.ID, "永久", prof, "档案员"); err != nil {
		t.Fatal(err)
	}
	return a
}

// rezipWithComment returns a .docx with the same parts and a zip comment:
// another valid version of the same document.
func rezipWithComment(t *testing.T, docx []byte, comment string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(docx), int64(len(docx)))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, f := range zr.File {
		if err := zw.Copy(f); err != nil {
			t.Fatal(err)
		}
	}
	zw.SetComment(comment)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func ids(sel *Selection) map[string]Reason {
	m := map[string]Reason{}
	for _, x := range sel.Members {
		m[x.Record.ID] = x.Reason
	}
	return m
}

func TestSelectFollowsAnswers(t *testing.T) {
	a := newTestArchive(t)
	ctx := context.Background()

	// The notice brings the report that answers it, and nothing else.
	sel, err := Select(ctx, a.docs, []string{a.notice.ID, a.notice.ID}, SelectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got := ids(sel)
	if len(got) != 2 || got[a.notice.ID] != Matched || got[a.report.ID] != Answering {
		t.Errorf("notice selects %v", got)
	}
	for _, m := range sel.Members {
		if m.Record.ID == a.report.ID && (m.Answers != a.notice.ID || m.AnswersWenhao != "乌司发〔2026〕1号") {
			t.Errorf("report answers %q %q", m.Answers, m.AnswersWenhao)
		}
	}
	if sel.Members[0].Record.ID != a.notice.ID {
		t.Errorf("the notice (2026-03-05) should come before the report")
	}

	// The report brings the notice it answers.
	sel, _ = Select(ctx, a.docs, []string{a.report.ID}, SelectOptions{})
	if got := ids(sel); len(got) != 2 || got[a.notice.ID] != Answered {
		t.Errorf("report selects %v", got)
	}

	// A typed 发文字号 is matched to a notice issued later, in either direction.
	sel, _ = Select(ctx, a.docs, []string{a.other.ID}, SelectOptions{})
	if got := ids(sel); len(got) != 2 || got[a.late.ID] != Answering {
		t.Errorf("other selects %v", got)
	}
	sel, _ = Select(ctx, a.docs, []string{a.late.ID}, SelectOptions{})
	if got := ids(sel); len(got) != 2 || got[a.other.ID] != Answered {
		t.Errorf("late selects %v", got)
	}

	// A notice the archive does not hold is named, not found.
	sel, _ = Select(ctx, a.docs, []string{a.orphan.ID, "20260101-000000000000"}, SelectOptions{})
	if len(sel.Members) != 1 || sel.Members[0].AnswersWenhao != "乌司发〔2025〕7号" || sel.Members[0].Answers != "" {
		t.Errorf("orphan: %+v", sel.Members)
	}
	if len(sel.NotFound) != 1 || sel.NotFound[0] != "20260101-000000000000" {
		t.Errorf("not found: %v", sel.NotFound)
	}

	// Only what was asked for.
	sel, _ = Select(ctx, a.docs, []string{a.notice.ID}, SelectOptions{Depth: OnlyMatched})
	if got := ids(sel); len(got) != 1 {
		t.Errorf("OnlyMatched selects %v", got)
	}

	// The caller's filter keeps a document out and its relations unfollowed.
	noReports := func(r *archive.Record) bool { return r.WenZhong != "报告" }
	sel, _ = Select(ctx, a.docs, []string{a.notice.ID, a.late.ID}, SelectOptions{Allow: noReports, Depth: 3})
	if got := ids(sel); len(got) != 1 || got[a.notice.ID] != Matched || sel.Withheld != 2 {
		t.Errorf("filtered: %v, withheld %d", got, sel.Withheld)
	}
}

// writeAll bundles every document of the archive.
func writeAll(t *testing.T, a *testArchive) ([]byte, *Summary) {
	t.Helper()
	ctx := context.Background()
	sel, err := Select(ctx, a.docs, []string{a.notice.ID, a.other.ID, a.orphan.ID}, SelectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(sel.Members) != 5 {
		t.Fatalf("%d members", len(sel.Members))
	}
	var buf bytes.Buffer
	var progress []int
	sum, err := Write(ctx, &buf, a.docs, sel, Options{
		Name: "2026年评查", Query: "限期整改 年度:2026", SourceOrganization: "乌鲁木齐市司法局", Contact: "王明",
		Now:      func() time.Time { return time.Date(2026, 4, 1, 10, 0, 0, 0, time.Local) },
		Progress: func(done, total int) { progress = append(progress, done, total) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(progress) != 12 || progress[10] != 6 || progress[11] != 6 {
		t.Errorf("progress %v", progress)
	}
	return buf.Bytes(), sum
}

func entries(t *testing.T, b []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	m := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		c, err := io.ReadAll(rc)
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		m[f.Name] = c
	}
	return m
}

func TestWriteAndVerify(t *testing.T) {
	a := newTestArchive(t)
	b, sum := writeAll(t, a)
	ctx := context.Background()

	rep, err := Verify(ctx, bytes.NewReader(b), int64(len(b)), VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Valid() {
		t.Fatalf("a fresh bundle has problems: %+v", rep.Problems)
	}
	// Summary: what an audit event needs.
	h := sha256.Sum256(b)
	if sum.SHA256 != hex.EncodeToString(h[:]) || sum.BagBytes != int64(len(b)) {
		t.Errorf("summary digest/size %s %d, bag %x %d", sum.SHA256, sum.BagBytes, h, len(b))
	}
	if sum.Documents != 5 || sum.Matched != 3 || sum.Related != 2 || sum.PayloadFiles != 6 || rep.PayloadFiles != 6 ||
		sum.PayloadBytes != rep.PayloadBytes || rep.Version != "1.0" || rep.Base != "2026年评查" {
		t.Errorf("summary %+v, report %+v", sum, rep)
	}

	files := entries(t, b)
	base := "2026年评查/"
	// bagit.txt exactly as RFC 8493 §2.1.1 has it.
	if got := string(files[base+"bagit.txt"]); got != "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n" {
		t.Errorf("bagit.txt %q", got)
	}
	// Payload names: 发文字号-标题, older versions -v1, unsafe characters replaced.
	noticeName := "data/乌司发〔2026〕1号-乌鲁木齐市司法局关于对市市场监督管理局行政执法问题限期整改的通知.docx"
	orphanName := "data/乌市监报〔2026〕3号-关于“整改率100%”／复查：情况？的报告.docx"
	for _, want := range []string{noticeName, strings.TrimSuffix(noticeName, ".docx") + "-v1.docx", orphanName} {
		if _, ok := files[base+want]; !ok {
			t.Errorf("no %s in %v", want, keys(files))
		}
	}
	// Each version is the stored one, byte for byte.
	for n, name := range map[int]string{1: strings.TrimSuffix(noticeName, ".docx") + "-v1.docx", 2: noticeName} {
		stored, _ := a.docs.GetVersion(ctx, a.notice, n)
		if !bytes.Equal(files[base+name], stored) {
			t.Errorf("version %d differs from the store", n)
		}
	}
	// Manifest lines: 64 hex digits, white space, data/ path; % encoded.
	line := regexp.MustCompile(`^[0-9a-f]{64} +data/\S.*$`)
	manifest := string(files[base+"manifest-sha256.txt"])
	lines := strings.Split(strings.TrimSuffix(manifest, "\n"), "\n")
	if len(lines) != 6 {
		t.Errorf("manifest has %d lines:\n%s", len(lines), manifest)
	}
	for _, l := range lines {
		if !line.MatchString(l) {
			t.Errorf("manifest line %q", l)
		}
	}
	if !strings.Contains(manifest, "整改率100%25”") || strings.Contains(manifest, "100%”") {
		t.Errorf("%% not percent-encoded in the manifest:\n%s", manifest)
	}
	// The tag manifest lists every tag file but itself.
	var tagged []string
	for _, l := range strings.Split(strings.TrimSpace(string(files[base+"tagmanifest-sha256.txt"])), "\n") {
		f := strings.Fields(l)
		tagged = append(tagged, f[1])
		if d := sha256.Sum256(files[base+f[1]]); hex.EncodeToString(d[:]) != f[0] {
			t.Errorf("tag manifest digest of %s", f[1])
		}
	}
	sort.Strings(tagged)
	if want := "bag-info.txt bagit.txt manifest-sha256.txt metadata.csv metadata.json"; strings.Join(tagged, " ") != want {
		t.Errorf("tag manifest lists %v", tagged)
	}
	// bag-info.txt: reserved elements in order.
	info := string(files[base+"bag-info.txt"])
	for _, want := range []string{
		"Source-Organization: 乌鲁木齐市司法局\n", "Contact-Name: 王明\n",
		"External-Description: 按检索式“限期整改 年度:2026”导出的 3 份文件，及其答复、被答复文件 2 份\n",
		"Bagging-Date: 2026-04-01\n", fmt.Sprintf("Payload-Oxum: %d.6\n", sum.PayloadBytes), "Bag-Count: 1 of 1\n",
	} {
		if !strings.Contains(info, want) {
			t.Errorf("bag-info.txt lacks %q:\n%s", want, info)
		}
	}
	if rep.InfoValue("payload-oxum") != fmt.Sprintf("%d.6", sum.PayloadBytes) {
		t.Errorf("report's Payload-Oxum %q", rep.InfoValue("Payload-Oxum"))
	}

	// metadata.json: DA/T 46-2009 names, relations both ways, filing.
	var md struct {
		Export    map[string]any   `json:"导出信息"`
		Documents []map[string]any `json:"文件"`
	}
	if err := json.Unmarshal(files[base+"metadata.json"], &md); err != nil {
		t.Fatal(err)
	}
	if md.Export["检索式"] != "限期整改 年度:2026" || len(md.Documents) != 5 {
		t.Errorf("metadata export %v, %d documents", md.Export, len(md.Documents))
	}
	byNumber := map[string]map[string]any{}
	for _, d := range md.Documents {
		byNumber[d["文件编号"].(string)] = d
	}
	n := byNumber["乌司发〔2026〕1号"]
	for k, want := range map[string]any{"题名": a.notice.Title, "责任者": "乌鲁木齐市司法局", "日期": "2026-03-05", "文种": "通知",
		"档号": "J012-WS·2026-Y-FZK-0001", "全宗号": "J012", "保管期限": "永久", "机构或问题": "FZK", "室编件号": "0001",
		"主送": "乌鲁木齐市市场监督管理局", "聚合层次": "文件", "入选原因": "检索结果", "状态": "有效"} {
		if n[k] != want {
			t.Errorf("notice %s = %v, want %v", k, n[k], want)
		}
	}
	rels, _ := n["实体关系"].([]any)
	if len(rels) != 1 || rels[0].(map[string]any)["关系"] != "被答复" || rels[0].(map[string]any)["实体标识符"] != a.report.ID ||
		!strings.HasPrefix(rels[0].(map[string]any)["计算机文件名"].(string), "data/乌市监报〔2026〕1号-") {
		t.Errorf("notice relations %v", rels)
	}
	files0, _ := n["电子属性"].([]any)
	if len(files0) != 2 || files0[0].(map[string]any)["计算机文件名"] != noticeName || files0[0].(map[string]any)["数字摘要"] != a.notice.Latest().SHA256 ||
		files0[1].(map[string]any)["版本说明"] != "首次发文" {
		t.Errorf("notice files %v", files0)
	}
	rep1 := byNumber["乌市监报〔2026〕1号"]
	if r, _ := rep1["实体关系"].([]any); len(r) != 1 || r[0].(map[string]any)["关系"] != "答复" || r[0].(map[string]any)["文件编号"] != "乌司发〔2026〕1号" {
		t.Errorf("report relations %v", rep1["实体关系"])
	}
	orph := byNumber["乌市监报〔2026〕3号"]
	if r, _ := orph["实体关系"].([]any); len(r) != 1 || r[0].(map[string]any)["实体标识符"] != nil || !strings.Contains(r[0].(map[string]any)["关系描述"].(string), "不在本文件包中") {
		t.Errorf("orphan relations %v", orph["实体关系"])
	}

	// metadata.csv: BOM, the columns, one row per computer file.
	csvb := files[base+"metadata.csv"]
	if !bytes.HasPrefix(csvb, []byte("\xef\xbb\xbf电子文件号,聚合层次,立档单位名称,档号,")) {
		t.Errorf("metadata.csv starts %q", csvb[:40])
	}
	if rows := bytes.Count(csvb, []byte("\r\n")); rows != 7 {
		t.Errorf("metadata.csv has %d lines, want header + 6", rows)
	}
}

func keys(m map[string][]byte) []string {
	var l []string
	for k := range m {
		l = append(l, k)
	}
	sort.Strings(l)
	return l
}

// rewrite copies a zip, letting change replace or drop entries, and adds
// extra entries.
func rewrite(t *testing.T, b []byte, change func(name string, c []byte) ([]byte, bool), extra map[string][]byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		rc, _ := f.Open()
		c, _ := io.ReadAll(rc)
		c, keep := change(f.Name, c)
		if !keep {
			continue
		}
		w, _ := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: f.Method})
		w.Write(c)
	}
	for name, c := range extra {
		w, _ := zw.Create(name)
		w.Write(c)
	}
	zw.Close()
	return out.Bytes()
}

func verifyBytes(t *testing.T, b []byte) *Report {
	t.Helper()
	rep, err := Verify(context.Background(), bytes.NewReader(b), int64(len(b)), VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// wantProblems checks the report names exactly these (kind, file) pairs.
func wantProblems(t *testing.T, rep *Report, want ...string) {
	t.Helper()
	var got []string
	for _, p := range rep.Problems {
		got = append(got, p.Kind+" "+p.File)
	}
	sort.Strings(got)
	sort.Strings(want)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s\n(%+v)", strings.Join(got, "\n"), strings.Join(want, "\n"), rep.Problems)
	}
}

func TestVerifyFindsDamage(t *testing.T) {
	a := newTestArchive(t)
	b, sum := writeAll(t, a)
	base := "2026年评查/"
	notice := "data/乌司发〔2026〕1号-乌鲁木齐市司法局关于对市市场监督管理局行政执法问题限期整改的通知.docx"

	t.Run("one byte of a payload file changed", func(t *testing.T) {
		bad := rewrite(t, b, func(name string, c []byte) ([]byte, bool) {
			if name == base+notice {
				c = bytes.Clone(c)
				c[len(c)/2] ^= 0x01
			}
			return c, true
		}, nil)
		rep := verifyBytes(t, bad)
		wantProblems(t, rep, ProblemDigest+" "+notice)
		if !strings.Contains(rep.Problems[0].Detail, "manifest-sha256.txt 记载") {
			t.Errorf("detail %q", rep.Problems[0].Detail)
		}
	})

	t.Run("one byte flipped in the zip itself", func(t *testing.T) {
		// The .docx is stored uncompressed: find its bytes in the zip.
		content := entries(t, b)[base+notice]
		i := bytes.Index(b, content)
		if i < 0 {
			t.Fatal("stored payload not found in the zip")
		}
		bad := bytes.Clone(b)
		bad[i+len(content)/3] ^= 0x80
		rep := verifyBytes(t, bad)
		wantProblems(t, rep, ProblemDigest+" "+notice)
	})

	t.Run("a payload file missing", func(t *testing.T) {
		bad := rewrite(t, b, func(name string, c []byte) ([]byte, bool) { return c, name != base+notice }, nil)
		wantProblems(t, verifyBytes(t, bad), ProblemMissing+" "+notice, ProblemOxum+" bag-info.txt")
	})

	t.Run("an extra payload file", func(t *testing.T) {
		bad := rewrite(t, b, func(name string, c []byte) ([]byte, bool) { return c, true },
			map[string][]byte{base + "data/说明.txt": []byte("补充")})
		wantProblems(t, verifyBytes(t, bad), ProblemExtra+" data/说明.txt", ProblemOxum+" bag-info.txt")
	})

	t.Run("an extra tag file and a file outside the bag", func(t *testing.T) {
		bad := rewrite(t, b, func(name string, c []byte) ([]byte, bool) { return c, true },
			map[string][]byte{base + "备注.txt": []byte("x"), "readme.txt": []byte("x")})
		wantProblems(t, verifyBytes(t, bad), ProblemExtra+" 备注.txt", ProblemExtra+" readme.txt")
	})

	t.Run("a wrong Payload-Oxum", func(t *testing.T) {
		// bag-info.txt changed and the tag manifest made to agree, so only
		// the Oxum itself is wrong.
		oxum := fmt.Sprintf("Payload-Oxum: %d.6", sum.PayloadBytes)
		var info []byte
		step1 := rewrite(t, b, func(name string, c []byte) ([]byte, bool) {
			if name == base+"bag-info.txt" {
				c = bytes.Replace(c, []byte(oxum), []byte(fmt.Sprintf("Payload-Oxum: %d.6", sum.PayloadBytes+1)), 1)
				info = c
			}
			return c, true
		}, nil)
		old := sha256.Sum256(entries(t, b)[base+"bag-info.txt"])
		now := sha256.Sum256(info)
		bad := rewrite(t, step1, func(name string, c []byte) ([]byte, bool) {
			if name == base+"tagmanifest-sha256.txt" {
				c = bytes.Replace(c, []byte(hex.EncodeToString(old[:])), []byte(hex.EncodeToString(now[:])), 1)
			}
			return c, true
		}, nil)
		rep := verifyBytes(t, bad)
		wantProblems(t, rep, ProblemOxum+" bag-info.txt")
		if !strings.Contains(rep.Problems[0].Detail, fmt.Sprintf("%d 字节", sum.PayloadBytes+1)) {
			t.Errorf("detail %q", rep.Problems[0].Detail)
		}
	})

	t.Run("metadata changed", func(t *testing.T) {
		bad := rewrite(t, b, func(name string, c []byte) ([]byte, bool) {
			if name == base+"metadata.csv" {
				c = bytes.Replace(c, []byte("永久"), []byte("10年"), 1)
			}
			return c, true
		}, nil)
		wantProblems(t, verifyBytes(t, bad), ProblemDigest+" metadata.csv")
	})

	t.Run("manifest missing and bagit.txt malformed", func(t *testing.T) {
		bad := rewrite(t, b, func(name string, c []byte) ([]byte, bool) {
			if name == base+"bagit.txt" {
				return []byte("\ufeffBagIt-Version: 1.0\n"), true
			}
			return c, name != base+"manifest-sha256.txt"
		}, nil)
		rep := verifyBytes(t, bad)
		var kinds []string
		for _, p := range rep.Problems {
			kinds = append(kinds, p.Kind+" "+p.File)
		}
		all := strings.Join(kinds, "\n")
		for _, want := range []string{ProblemMissing + " manifest-sha256.txt", ProblemFormat + " bagit.txt", ProblemDigest + " bagit.txt"} {
			if !strings.Contains(all, want) {
				t.Errorf("lacks %q in\n%s", want, all)
			}
		}
	})

	t.Run("not a zip", func(t *testing.T) {
		if _, err := Verify(context.Background(), strings.NewReader("hello"), 5, VerifyOptions{}); err == nil || !strings.Contains(err.Error(), "zip") {
			t.Errorf("err %v", err)
		}
	})
}

func TestPathEncoding(t *testing.T) {
	for _, p := range []string{"data/a b.docx", "data/100%.docx", "data/x\ny\r.docx", "data/%25.docx"} {
		enc := encodePath(p)
		if strings.ContainsAny(enc, "\r\n") {
			t.Errorf("%q encodes to %q", p, enc)
		}
		dec, err := decodePath(enc)
		if err != nil || dec != p {
			t.Errorf("%q → %q → %q, %v", p, enc, dec, err)
		}
	}
	if got := encodePath("data/100%.docx"); got != "data/100%25.docx" {
		t.Errorf("got %q", got)
	}
	if got, err := decodePath("data/a%0a%0D.txt"); err != nil || got != "data/a\n\r.txt" {
		t.Errorf("lower-case escapes: %q %v", got, err)
	}
	for _, bad := range []string{"data/%41.txt", "data/100%", "data/%2"} {
		if _, err := decodePath(bad); err == nil {
			t.Errorf("%q decoded", bad)
		}
	}
}

func TestParseBagInfo(t *testing.T) {
	fields, problems := parseBagInfo("Source-Organization: 乌鲁木齐市司法局\r\nExternal-Description: first\n  second line\nBad line\nPayload-Oxum: 10.2")
	if len(problems) != 1 || !strings.Contains(problems[0], "第4行") {
		t.Errorf("problems %v", problems)
	}
	if len(fields) != 3 || fields[1].Value != "first second line" || fields[2].Value != "10.2" {
		t.Errorf("fields %+v", fields)
	}
}

// TestOtherToolsReadTheBag opens a bundle with tools that are not gongwen:
// every Chinese name carries the zip UTF-8 flag; unzip and Python's zipfile
// list the names as written; and a check written by hand in Python from
// RFC 8493 (percent-decoding only %0D %0A %25, every payload file listed,
// every digest, Payload-Oxum) passes on the files Python unpacks.
func TestOtherToolsReadTheBag(t *testing.T) {
	a := newTestArchive(t)
	b, sum := writeAll(t, a)
	zr, _ := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	for _, f := range zr.File {
		if f.Flags&0x800 == 0 && strings.ContainsFunc(f.Name, func(r rune) bool { return r > 0x7f }) {
			t.Errorf("%s: Chinese name without the UTF-8 flag", f.Name)
		}
	}
	dir := t.TempDir()
	path := dir + "/评查.zip"
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	want := "2026年评查/data/乌司发〔2026〕1号-乌鲁木齐市司法局关于对市市场监督管理局行政执法问题限期整改的通知-v1.docx"
	if _, err := exec.LookPath("unzip"); err == nil {
		cmd := exec.Command("unzip", "-Z1", path)
		cmd.Env = append(os.Environ(), "LC_ALL=C.UTF-8")
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), want+"\n") {
			t.Errorf("unzip -Z1: %v\n%s", err, out)
		}
	} else {
		t.Log("unzip not installed: skipped")
	}
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not installed")
	}
	script := `
import hashlib, os, re, sys, zipfile
path, out = sys.argv[1], sys.argv[2]
z = zipfile.ZipFile(path)
names = z.namelist()
assert any(n == sys.argv[3] for n in names), names
z.extractall(out)
base = os.path.join(out, names[0].split("/")[0])
def dec(p):
    return re.sub(r"%(0[DdAa]|25)", lambda m: {"0d": "\r", "0a": "\n", "25": "%"}[m.group(1).lower()], p)
def listed(manifest):
    entries = {}
    with open(os.path.join(base, manifest), encoding="utf-8") as f:
        for line in f.read().splitlines():
            digest, p = re.match(r"^([0-9a-f]{64})[ \t]+(.+)$", line).groups()
            entries[dec(p)] = digest
    return entries
payload = listed("manifest-sha256.txt")
present = []
for root, _, files in os.walk(os.path.join(base, "data")):
    for f in files:
        present.append(os.path.relpath(os.path.join(root, f), base).replace(os.sep, "/"))
assert sorted(present) == sorted(payload), (present, payload)
octets = 0
for p, d in list(payload.items()) + list(listed("tagmanifest-sha256.txt").items()):
    data = open(os.path.join(base, p), "rb").read()
    assert hashlib.sha256(data).hexdigest() == d, p
    if p.startswith("data/"):
        octets += len(data)
assert open(os.path.join(base, "bagit.txt"), "rb").read() == b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
info = open(os.path.join(base, "bag-info.txt"), encoding="utf-8").read()
oxum = re.search(r"^Payload-Oxum: (\d+)\.(\d+)$", info, re.M)
assert (int(oxum.group(1)), int(oxum.group(2))) == (octets, len(payload)), (oxum.groups(), octets, len(payload))
assert open(os.path.join(base, "metadata.csv"), "rb").read(3) == b"\xef\xbb\xbf"
print("ok", len(payload), octets)
`
	cmd := exec.Command(py, "-c", script, path, filepath.Join(dir, "out"), want)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), fmt.Sprintf("ok 6 %d", sum.PayloadBytes)) {
		t.Errorf("python check: %v\n%s", err, out)
	}
}
