package archive_test

import (
	"context"
	"strings"
	"testing"

	"github.com/gongwen/gongwen/archive"
)

func testProfile() *archive.Profile {
	return &archive.Profile{ID: "wlmq-sfj", Name: "乌鲁木齐市司法局", Mark: "乌鲁木齐市司法局文件",
		Daizi: map[string]string{"默认": "乌司发"}, Printer: "乌鲁木齐市司法局办公室", Fonds: "J012", OrgCode: "FZK"}
}

func TestFiling(t *testing.T) {
	s, _ := archive.OpenFileStore(t.TempDir())
	ctx := context.Background()
	recs := seed(t, s, 4)
	docs := archive.NewDocuments(s)
	p := testProfile()
	var got []string
	for _, r := range recs[:3] {
		f, err := docs.File(ctx, 2026, r.ID, "10年", p, "档案员")
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, f.Filing.DangHao)
	}
	if strings.Join(got, ",") != "J012-WS·2026-D10-FZK-0001,J012-WS·2026-D10-FZK-0002,J012-WS·2026-D10-FZK-0003" {
		t.Fatalf("档号 %v", got)
	}
	f, err := docs.File(ctx, 2026, recs[3].ID, "永久", p, "档案员")
	if err != nil || f.Filing.DangHao != "J012-WS·2026-Y-FZK-0001" {
		t.Fatalf("永久 starts its own 件号 sequence: %v %v", f, err)
	}
	if _, err := docs.File(ctx, 2026, recs[0].ID, "10年", p, "x"); err == nil || !strings.Contains(err.Error(), "已归档") {
		t.Errorf("filed twice: %v", err)
	}
	if _, err := docs.AddVersion(ctx, 2026, recs[0].ID, []byte("new"), "x", ""); err == nil || !strings.Contains(err.Error(), "已归档") {
		t.Errorf("a filed document took a new version: %v", err)
	}
	if _, err := docs.File(ctx, 2026, recs[1].ID, "5年", p, "x"); err == nil || !strings.Contains(err.Error(), "永久、30年 或 10年") {
		t.Errorf("bad 保管期限: %v", err)
	}
	other := testProfile()
	other.Daizi = map[string]string{"默认": "昌司发"}
	if _, err := docs.File(ctx, 2026, recs[1].ID, "30年", other, "x"); err == nil {
		t.Error("another office filed our document")
	}
}

func TestParseWenhao(t *testing.T) {
	for _, s := range []string{"乌司发〔2023〕47号", "乌司发[2023]47号", "乌司发(2023)47号", "乌司发（2023）47号", "乌司发【2023】第047号", " 乌司发 〔2023〕 47 号 ",
		"乌司发2023年47号", "乌司发［２０２３］４７号", "乌司发﹝2023﹞47号", "乌司发〖2023〗47号", "乌司发　2023年第47号"} {
		d, y, n, err := archive.ParseWenhao(s)
		if err != nil || d != "乌司发" || y != 2023 || n != 47 {
			t.Errorf("%q: %s %d %d %v", s, d, y, n, err)
		}
	}
	for _, s := range []string{"乌司发2023年", "〔2023〕47号", "2023年47号", "乌司发〔23〕47号", "乌司发〔2023〕0号"} {
		if _, _, _, err := archive.ParseWenhao(s); err == nil {
			t.Errorf("%q accepted", s)
		}
	}
}

func TestImportedNumbersAreNeverReissued(t *testing.T) {
	s, _ := archive.OpenFileStore(t.TempDir())
	ctx := context.Background()
	reg := archive.NewRegistry(s)
	if _, err := reg.Import(ctx, "乌司发", 2026, 1, "", "import"); err != nil {
		t.Fatal(err)
	}
	if _, err := reg.Import(ctx, "乌司发", 2026, 1, "", "import"); err == nil {
		t.Error("a number imported twice")
	}
	e, _, err := reg.Allocate(ctx, "乌司发", 2026, archive.NumberReserved, "", "t", "线下签发")
	if err != nil || e.Seq != 2 {
		t.Fatalf("allocation after an import: %+v %v", e, err)
	}
}
