package importer_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gongwen/gongwen/doctext"
	"github.com/gongwen/gongwen/importer"
)

// want is what a person reads off a document. Evidence names, for some
// fields, the text of the line the value must have been read from.
type want struct {
	wenhao, title, issuer, date, signer, mainTo, wenzhong string
	cc                                                    []string
	encoding                                              string
	evidence                                              map[string]string
	warnings                                              []string // substrings of expected warnings
}

var fixtures = map[string]want{
	"corpus/bayannur-supervision-rules-2023.txt": {
		// Published without its 发文字号; "市政府2023年第7次常务会议" in the
		// body is not a date of signing.
		title:    "巴彦淖尔市人民政府办公室关于印发《巴彦淖尔市行政执法协调监督实施细则》的通知",
		issuer:   "巴彦淖尔市人民政府办公室",
		date:     "2023-06-28",
		mainTo:   "各旗县区人民政府，巴彦淖尔经济技术开发区管委会，甘其毛都口岸管委会，巴彦淖尔国家农高区管（筹）委会办公室，市直各部门，驻市各单位，各直属企事业单位",
		wenzhong: "通知",
		encoding: "utf-8",
		evidence: map[string]string{"成文日期": "2023年6月28日", "发文机关": "巴彦淖尔市人民政府办公室"},
		warnings: []string{"未找到发文字号"},
	},
	"corpus/jiangshan-hecun-pilot-plan-2022.txt": {
		// A web copy: the number only in the information block; the body
		// quotes 司办通〔2021〕84号 and 衢委法办函〔2021〕14号; the block's
		// "成文日期: 2022-03-04" is the publication date — the document was
		// signed 2022年1月19日; the block's 发文机关 is the publishing site's.
		wenhao:   "江委法办发〔2022〕1号",
		title:    "中共江山市委全面依法治市委员会办公室关于印发江山市贺村镇行政执法协调监督工作体系建设试点工作实施方案的通知",
		issuer:   "中共江山市委全面依法治市委员会办公室",
		date:     "2022-01-19",
		mainTo:   "各乡、镇人民政府,街道办事处,市机关各部门",
		wenzhong: "通知",
		encoding: "utf-8",
		evidence: map[string]string{"发文字号": "发文字号: 江委法办发〔2022〕1号", "成文日期": "2022年1月19日"},
		warnings: []string{"信息栏的成文日期 2022-03-04 与落款日期 2022-01-19 不同", "信息栏的发文机关“市司法局”"},
	},
	"builtin-监督通知书.docx": {
		wenhao:   "乌司发〔2026〕48号",
		title:    "乌鲁木齐市司法局关于对市市场监督管理局行政执法问题限期整改的通知",
		issuer:   "乌鲁木齐市司法局",
		date:     "2026-03-05",
		mainTo:   "乌鲁木齐市市场监督管理局",
		wenzhong: "通知",
		cc:       []string{"自治区司法厅", "市人民政府办公室"},
	},
	"builtin-年度报告.docx": {
		wenhao:   "乌司报〔2026〕3号",
		title:    "乌鲁木齐市司法局关于2025年度行政执法监督工作情况的报告",
		issuer:   "乌鲁木齐市司法局",
		date:     "2026-01-20",
		signer:   "马文华",
		mainTo:   "市人民政府",
		wenzhong: "报告",
		cc:       []string{"自治区司法厅"},
	},
	"builtin-整改情况报告.docx": {
		// The body quotes the notice it answers, 乌司发〔2026〕48号, and a
		// table of dates; the 发文机关标志 is the short name 乌鲁木齐市市场监管局.
		wenhao:   "乌市监报〔2026〕9号",
		title:    "乌鲁木齐市市场监督管理局关于行政执法问题整改情况的报告",
		issuer:   "乌鲁木齐市市场监督管理局",
		date:     "2026-04-02",
		signer:   "李建国",
		mainTo:   "乌鲁木齐市司法局",
		wenzhong: "报告",
	},
	"builtin-实施方案通知.docx": {
		// The attachment after the signature has its own title and dates.
		wenhao:   "乌司发〔2026〕12号",
		title:    "乌鲁木齐市司法局关于印发《2026年行政执法监督工作实施方案》的通知",
		issuer:   "乌鲁木齐市司法局",
		date:     "2026-02-16",
		mainTo:   "各区（县）司法局，市直各行政执法部门",
		wenzhong: "通知",
		cc:       []string{"自治区司法厅", "市人民政府办公室"},
	},
	"手工-评查通知-标题两段.docx": {
		// Title in two paragraphs; number typed with half-width brackets;
		// signed 二〇二三年三月五日 but printed (印发) on 6 March; the body
		// quotes 乌司发〔2023〕12号 and 新司发〔2023〕8号 and eight dates,
		// two of them alone in table cells.
		wenhao:   "乌司发〔2023〕47号",
		title:    "乌鲁木齐市司法局关于开展2023年度行政执法案卷评查工作的通知",
		issuer:   "乌鲁木齐市司法局",
		date:     "2023-03-05",
		mainTo:   "各区（县）司法局，市直各行政执法部门",
		wenzhong: "通知",
		cc:       []string{"自治区司法厅", "市人民政府办公室"},
		evidence: map[string]string{"发文字号": "乌司发[2023]47号", "成文日期": "二〇二三年三月五日",
			"标题": "乌鲁木齐市司法局关于开展2023年度行政执法 / 案卷评查工作的通知"},
		warnings: []string{"标题分 2 行书写"},
	},
	"手工-年度报告-签发人.docx": {
		// Number in full-width parentheses on the 签发人's line; the title's
		// first line is the office's name alone.
		wenhao:   "乌司报〔2023〕5号",
		title:    "乌鲁木齐市司法局关于2022年度行政执法监督工作情况的报告",
		issuer:   "乌鲁木齐市司法局",
		date:     "2023-01-18",
		signer:   "王建华",
		mainTo:   "自治区司法厅",
		wenzhong: "报告",
		evidence: map[string]string{"发文字号": "乌司报（2023）5号　　　　　　　　签发人：王建华"},
	},
	"通报-GB18030.txt": {
		// GB18030 with CRLF and a character outside GBK (𠮷); number in the
		// 年 form; 主送 wrapped over two lines.
		wenhao:   "乌司发〔2023〕21号",
		title:    "乌鲁木齐市司法局关于2022年度行政执法案卷评查情况的通报",
		issuer:   "乌鲁木齐市司法局",
		date:     "2023-02-20",
		mainTo:   "各区（县）司法局，市直各行政执法部门，高新区（新市区）、经开区（头屯河区）司法局",
		wenzhong: "通报",
		cc:       []string{"自治区司法厅"},
		encoding: "gb18030",
		evidence: map[string]string{"发文字号": "乌司发2023年21号"},
	},
	"决定书-GBK.txt": {
		// A 行政执法文书: the office and the document's name on two lines,
		// no 关于; the number below them as 乌司发(2023)第008号.
		wenhao:   "乌司发〔2023〕8号",
		title:    "行政执法监督决定书",
		issuer:   "乌鲁木齐市司法局",
		date:     "2023-02-03",
		mainTo:   "乌鲁木齐市交通运输局",
		wenzhong: "决定",
		encoding: "gb18030",
		evidence: map[string]string{"发文字号": "乌司发(2023)第008号"},
	},
	"函-全角文号.txt": {
		// Full-width brackets and digits; the title wrapped with a blank
		// line between its halves, as text taken from a PDF; date in
		// Chinese numerals.
		wenhao:   "乌司函〔2023〕33号",
		title:    "乌鲁木齐市司法局关于商请提供2022年度行政执法统计数据的函",
		issuer:   "乌鲁木齐市司法局",
		date:     "2023-06-12",
		mainTo:   "市统计局",
		wenzhong: "函",
		encoding: "utf-8",
		evidence: map[string]string{"发文字号": "乌司函［２０２３］３３号", "成文日期": "二〇二三年六月十二日"},
	},
	"意见书-UTF16.txt": {
		wenhao:   "米司发〔2024〕3号",
		title:    "米东区司法局关于规范涉企行政检查的行政执法协调监督意见书",
		issuer:   "米东区司法局",
		date:     "2024-03-18",
		mainTo:   "米东区市场监督管理局",
		wenzhong: "意见",
		encoding: "utf-16",
	},
}

// TestExtractFixtures checks every field of every fixture against the
// value a person reads off the document.
func TestExtractFixtures(t *testing.T) {
	for name, w := range fixtures {
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata", name))
			if err != nil {
				t.Fatal(err)
			}
			m, err := importer.Extract(filepath.Base(name), b)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range []struct{ field, got, want string }{
				{"发文字号", m.Wenhao, w.wenhao}, {"标题", m.Title, w.title}, {"发文机关", m.Issuer, w.issuer},
				{"成文日期", m.Date, w.date}, {"签发人", m.Signer, w.signer}, {"主送机关", m.MainTo, w.mainTo},
				{"文种", m.WenZhong, w.wenzhong}, {"编码", m.Encoding, w.encoding},
			} {
				if f.got != f.want {
					t.Errorf("%s = %q, want %q", f.field, f.got, f.want)
				}
			}
			if !slices.Equal(m.CC, w.cc) {
				t.Errorf("抄送 = %q, want %q", m.CC, w.cc)
			}
			for field, text := range w.evidence {
				if ev, ok := m.Of(field); !ok || ev.Text != text {
					t.Errorf("evidence of %s = %+v, want the line %q", field, ev, text)
				}
			}
			// Every field found says where; every field missing says so.
			for _, f := range []struct{ field, value string }{{"发文字号", m.Wenhao}, {"标题", m.Title}, {"发文机关", m.Issuer}, {"成文日期", m.Date}, {"主送机关", m.MainTo}} {
				_, cited := m.Of(f.field)
				if f.value != "" && !cited {
					t.Errorf("%s found without evidence", f.field)
				}
				if f.value == "" && !slices.ContainsFunc(m.Warnings, func(s string) bool { return strings.Contains(s, f.field) }) {
					t.Errorf("%s missing without a warning: %q", f.field, m.Warnings)
				}
			}
			for _, sub := range w.warnings {
				if !slices.ContainsFunc(m.Warnings, func(s string) bool { return strings.Contains(s, sub) }) {
					t.Errorf("no warning %q among %q", sub, m.Warnings)
				}
			}
			if w.wenhao != "" && m.Year == 0 {
				t.Errorf("number parts not set: %+v", m)
			}
		})
	}
}

// TestExtractNumberForms: every form people type normalises to
// 机关代字〔年份〕序号号; quoted numbers in a sentence are not the document's.
func TestExtractNumberForms(t *testing.T) {
	for _, typed := range []string{"乌司发〔2023〕47号", "乌司发[2023]47号", "乌司发［2023］47号", "乌司发(2023)47号",
		"乌司发（2023）47号", "乌司发【2023】47号", "乌司发﹝2023﹞47号", "乌司发2023年47号", "乌司发 [ 2023 ] 047 号",
		"乌司发〔２０２３〕４７号", "乌司发〔2023〕第47号", "乌司发2023年第47号"} {
		text := "乌鲁木齐市司法局文件\n" + typed + "\n乌鲁木齐市司法局关于开展评查的通知\n各区司法局：\n正文。\n乌鲁木齐市司法局\n2023年3月5日\n"
		m, err := importer.Extract("a.txt", []byte(text))
		if err != nil {
			t.Fatal(err)
		}
		if m.Wenhao != "乌司发〔2023〕47号" || m.Daizi != "乌司发" || m.Year != 2023 || m.Seq != 47 {
			t.Errorf("%q read as %q (%s %d %d)", typed, m.Wenhao, m.Daizi, m.Year, m.Seq)
		}
	}
	quoted := "乌鲁木齐市司法局关于开展评查的通知\n各区司法局：\n根据《关于评查的通知》（新司发〔2023〕8号），现通知如下。\n乌鲁木齐市司法局\n2023年3月5日\n"
	m, _ := importer.Extract("b.txt", []byte(quoted))
	if m.Wenhao != "" {
		t.Errorf("a number quoted in the body taken for the document's: %q", m.Wenhao)
	}
	if !slices.ContainsFunc(m.Warnings, func(s string) bool { return strings.Contains(s, "新司发〔2023〕8号 是其他文件的文号") }) {
		t.Errorf("warnings do not name the quoted number: %q", m.Warnings)
	}
}

// TestExtractDates: the date of signing in digits or Chinese numerals;
// an impossible date is no date; without a signed date the 印发 date is
// taken with a warning.
func TestExtractDates(t *testing.T) {
	for written, iso := range map[string]string{
		"2023年3月5日": "2023-03-05", "２０２３年１２月３１日": "2023-12-31", "2023 年 3 月 5 日": "2023-03-05",
		"二〇二三年三月五日": "2023-03-05", "二○二三年十二月三十一日": "2023-12-31", "二〇二四年二月二十九日": "2024-02-29",
		"二〇二三年十月十日": "2023-10-10", "二零二三年六月二十日": "2023-06-20",
		"2023年2月30日": "", "二〇二三年二月三十日": "", "2023年13月1日": "",
	} {
		text := "乌司发〔2023〕1号\n乌鲁木齐市司法局关于评查的通知\n各区司法局：\n于2023年4月1日开展评查。\n乌鲁木齐市司法局\n" + written + "\n"
		m, err := importer.Extract("a.txt", []byte(text))
		if err != nil {
			t.Fatal(err)
		}
		if m.Date != iso {
			t.Errorf("%s read as %q, want %q", written, m.Date, iso)
		}
	}
	text := "乌司发〔2023〕1号\n乌鲁木齐市司法局关于评查的通知\n各区司法局：\n于2023年4月1日开展评查。\n乌鲁木齐市司法局\n抄送：市政府。\n乌鲁木齐市司法局办公室　　2023年3月6日印发\n"
	m, _ := importer.Extract("a.txt", []byte(text))
	if m.Date != "2023-03-06" || !slices.ContainsFunc(m.Warnings, func(s string) bool { return strings.Contains(s, "印发日期") }) {
		t.Errorf("印发 date fallback: %q %q", m.Date, m.Warnings)
	}
}

// TestExtractRefusals: files import cannot read say what they are and
// what to do.
func TestExtractRefusals(t *testing.T) {
	ole := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 100)...)
	for _, c := range []struct {
		name    string
		content []byte
		want    string
		is      error
	}{
		{"旧通知.doc", ole, "另存为 .docx", importer.ErrUnsupported},
		{"改了名的.docx", ole, "实际是旧版 Word", importer.ErrUnsupported},
		{"扫描件.pdf", []byte("%PDF-1.4"), "版式文件", importer.ErrUnsupported},
		{"照片.jpg", []byte{0xFF, 0xD8}, "可导入 .docx 和 .txt", importer.ErrUnsupported},
		{"坏的.docx", []byte("PK not a zip"), "坏的.docx 无法读取", nil},
		{"二进制.txt", []byte{0x00, 0x01, 0x02, 0xFF, 0xFE, 0x80, 0x81}, "无法识别文本编码", doctext.ErrEncoding},
		{"空白.txt", []byte(" \n\n　\n"), "没有文字内容", nil},
	} {
		_, err := importer.Extract(c.name, c.content)
		if err == nil || !strings.Contains(err.Error(), c.want) || c.is != nil && !errors.Is(err, c.is) {
			t.Errorf("%s: %v, want an error saying %q", c.name, err, c.want)
		}
	}
	// Without a title, the file's name stands in, with a warning.
	m, err := importer.Extract("dir/2019年某通知.txt", []byte("乌司发〔2019〕3号\n各区司法局：\n请按时报送。\n乌鲁木齐市司法局\n2019年5月6日\n"))
	if err != nil || m.Title != "2019年某通知" || !slices.ContainsFunc(m.Warnings, func(s string) bool { return strings.Contains(s, "文件名") }) {
		t.Errorf("title from the file name: %v %+v", err, m)
	}
}

// TestExtractNoMainTo: a document without 主送 whose body opens with a
// line ending in a colon has no 主送 read into it.
func TestExtractNoMainTo(t *testing.T) {
	text := "乌鲁木齐市司法局公告\n乌司发〔2023〕9号\n乌鲁木齐市司法局关于行政执法人员资格清理结果的公告\n根据有关规定，现将清理结果公告如下：\n一、注销执法证件12件。\n乌鲁木齐市司法局\n2023年9月1日\n"
	m, err := importer.Extract("公告.txt", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	if m.MainTo != "" || m.Title != "乌鲁木齐市司法局关于行政执法人员资格清理结果的公告" || m.WenZhong != "公告" || m.Date != "2023-09-01" {
		t.Errorf("%+v", m)
	}
}
