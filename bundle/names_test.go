package bundle

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/gongwen/gongwen/archive"
)

func TestSafeName(t *testing.T) {
	for in, want := range map[string]string{
		`乌司发〔2026〕1号-关于a/b\c:d*e?f"g<h>i|j的通知`: `乌司发〔2026〕1号-关于a／b＼c：d＊e？f＂g＜h＞i｜j的通知`,
		"  标题\t有\n换行  ":                        "标题 有 换行",
		"结尾的点和空格. . ":                          "结尾的点和空格",
		"控制\x00字符\x1f与\u200b格式":                "控制字符与格式",
		"CON":                                  "_CON",
		"nul.docx":                             "_nul.docx",
		"CONTRACT":                             "CONTRACT",
		"...":                                  "_",
		"e\u0301":                              "\u00e9", // NFD → NFC
	} {
		if got := SafeName(in, MaxNameBytes); got != want {
			t.Errorf("SafeName(%q) = %q, want %q", in, got, want)
		}
	}
	long := strings.Repeat("行政执法监督", 40)
	for max := 20; max <= 200; max += 7 {
		got := SafeName(long, max)
		if len(got) > max || !utf8.ValidString(got) || !strings.HasSuffix(got, "…") {
			t.Errorf("max %d: %q (%d bytes)", max, got, len(got))
		}
	}
}

func TestNamesUniqueAndBounded(t *testing.T) {
	rec := func(id, wenhao, title string, versions ...int) *archive.Record {
		r := &archive.Record{ID: id, Wenhao: wenhao, Title: title}
		for _, n := range versions {
			r.Versions = append(r.Versions, archive.Version{N: n, Key: "documents/2026/" + id + "/v" + string(rune('0'+n)) + ".docx", Time: time.Now()})
		}
		return r
	}
	ns := newNameSet()
	a := ns.document(rec("20260101-000000000001", "乌司发〔2026〕1号", "Notice", 1, 2))
	b := ns.document(rec("20260101-000000000002", "乌司发〔2026〕1号", "NOTICE", 1))
	c := ns.document(rec("20260101-000000000003", "", "", 1))
	if a[2] != "乌司发〔2026〕1号-Notice.docx" || a[1] != "乌司发〔2026〕1号-Notice-v1.docx" {
		t.Errorf("a: %v", a)
	}
	// Same name but for case: unique on Windows too.
	if b[1] != "乌司发〔2026〕1号-NOTICE-2.docx" {
		t.Errorf("b: %v", b)
	}
	if c[1] != "20260101-000000000003.docx" {
		t.Errorf("c: %v", c)
	}
	long := ns.document(rec("20260101-000000000004", "乌司发〔2026〕4号", strings.Repeat("关于", 200), 1, 2, 3))
	for n, name := range long {
		if len(name) > MaxNameBytes || !utf8.ValidString(name) {
			t.Errorf("v%d: %d bytes %q", n, len(name), name)
		}
	}
	if !strings.HasSuffix(long[1], "…-v1.docx") || !strings.HasSuffix(long[3], "….docx") {
		t.Errorf("long names %v", long)
	}
	// A version stored as text keeps its extension.
	txt := rec("20260101-000000000005", "乌司发〔2019〕5号", "旧文", 1)
	txt.Versions[0].Key = "documents/2019/20260101-000000000005/v1.txt"
	if got := ns.document(txt)[1]; got != "乌司发〔2019〕5号-旧文.txt" {
		t.Errorf("imported text: %q", got)
	}
}
