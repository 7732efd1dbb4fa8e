package doctext_test

import (
	"errors"
	"os"
	"testing"

	"github.com/gongwen/gongwen/doctext"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

func TestDecode(t *testing.T) {
	const text = "乌司发〔2023〕47号\n关于开展行政执法案卷评查的通知（𠮷）\n"
	gb, _ := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(text))
	gbk, _ := simplifiedchinese.GBK.NewEncoder().Bytes([]byte("乌司发〔2023〕47号\r\n通知\r\n"))
	u16le, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(text))
	u16be, _ := unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(text))
	for _, c := range []struct {
		name, enc, want string
		in              []byte
	}{
		{"utf-8", doctext.UTF8, text, []byte(text)},
		{"utf-8 with BOM", doctext.UTF8, text, append([]byte{0xEF, 0xBB, 0xBF}, text...)},
		{"gb18030", doctext.GB18030, text, gb},
		{"gbk with CRLF", doctext.GB18030, "乌司发〔2023〕47号\n通知\n", gbk},
		{"utf-16le", doctext.UTF16, text, u16le},
		{"utf-16be", doctext.UTF16, text, u16be},
	} {
		got, enc, err := doctext.Decode(c.in)
		if err != nil || got != c.want || enc != c.enc {
			t.Errorf("%s: %q %s %v", c.name, got, enc, err)
		}
	}
	zip, _ := os.ReadFile("../templates/builtin/监督通知书.docx") // binary
	for name, b := range map[string][]byte{
		"binary":  zip,
		"latin-1": []byte("Gr\xfc\xdfe aus K\xf6ln, \xe9t\xe9 \xe0 Paris"),
		"nul":     []byte("abc\x00def"),
	} {
		if _, _, err := doctext.Decode(b); !errors.Is(err, doctext.ErrEncoding) {
			t.Errorf("%s decoded: %v", name, err)
		}
	}
}

func TestText(t *testing.T) {
	docx, err := os.ReadFile("../templates/builtin/监督通知书.docx")
	if err != nil {
		t.Fatal(err)
	}
	if s, err := doctext.Text("docx", docx); err != nil || len(s) < 100 {
		t.Errorf("docx: %d %v", len(s), err)
	}
	if s, err := doctext.Text("txt", []byte("通知")); err != nil || s != "通知" {
		t.Errorf("txt: %q %v", s, err)
	}
	if _, err := doctext.Text("pdf", nil); err == nil {
		t.Error("pdf accepted")
	}
}
