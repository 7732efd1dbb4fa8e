package bundle

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gongwen/gongwen/archive"
)

// MetadataScheme names the element set of metadata.json and metadata.csv.
const MetadataScheme = "DA/T 46-2009 文书类电子文件元数据方案"

// Metadata is the content of metadata.json: the export and every document
// in it, described with DA/T 46-2009 element names.
type Metadata struct {
	Scheme    string             `json:"元数据方案"`
	Export    ExportMetadata     `json:"导出信息"`
	Documents []DocumentMetadata `json:"文件"`
}

// ExportMetadata describes one export (mirrors bag-info.txt).
type ExportMetadata struct {
	Identifier   string `json:"文件包标识"`
	Query        string `json:"检索式,omitempty"`
	Organization string `json:"来源单位,omitempty"`
	ExportedBy   string `json:"导出人,omitempty"`
	Time         string `json:"导出时间"`
	Documents    int    `json:"文件数"`
	Matched      int    `json:"检索命中"`
	Related      int    `json:"关联文件"`
	Files        int    `json:"电子文件数"`
}

// DocumentMetadata is one document (文件, 聚合层次 件) with the DA/T 46-2009
// elements gongwen can fill from its record and filing, plus a few
// extensions that the supervision work needs (签发人 from GB/T 33480-2016,
// 被监督单位, 整改期限, 状态, 入选原因).
type DocumentMetadata struct {
	ID             string             `json:"电子文件号"`
	Aggregation    string             `json:"聚合层次"`
	Fonds          string             `json:"立档单位名称,omitempty"`
	ArchivalCode   string             `json:"档号,omitempty"`
	FondsNo        string             `json:"全宗号,omitempty"`
	Year           int                `json:"年度"`
	Retention      string             `json:"保管期限,omitempty"`
	OrgCode        string             `json:"机构或问题,omitempty"`
	ItemNo         string             `json:"室编件号,omitempty"`
	Title          string             `json:"题名"`
	Number         string             `json:"文件编号"`
	Responsible    string             `json:"责任者"`
	Date           string             `json:"日期"`
	Type           string             `json:"文种"`
	Urgency        string             `json:"紧急程度,omitempty"`
	MainTo         string             `json:"主送,omitempty"`
	CC             []string           `json:"抄送,omitempty"`
	Secrecy        string             `json:"密级,omitempty"`
	SecrecyTerm    string             `json:"保密期限,omitempty"`
	Signer         string             `json:"签发人,omitempty"`
	SupervisedUnit string             `json:"被监督单位,omitempty"`
	Deadline       string             `json:"整改期限,omitempty"`
	Status         string             `json:"状态"`
	StatusReason   string             `json:"状态说明,omitempty"`
	Reason         Reason             `json:"入选原因"`
	Relations      []RelationMetadata `json:"实体关系,omitempty"`
	Files          []FileMetadata     `json:"电子属性"`
}

// RelationMetadata is one 实体关系 between two documents: 答复 (this one
// answers the other) or 被答复 (the other answers this one).
type RelationMetadata struct {
	Relation    string `json:"关系"`
	Target      string `json:"实体标识符,omitempty"` // the other document's 电子文件号, when the bundle holds it
	Number      string `json:"文件编号"`
	Title       string `json:"题名,omitempty"`
	File        string `json:"计算机文件名,omitempty"` // its current version in the bundle
	Description string `json:"关系描述"`
}

// FileMetadata is one stored version (one computer file) of a document:
// DA/T 46-2009 电子属性 plus its 数字摘要 and version history.
type FileMetadata struct {
	Version   int    `json:"版本"`
	Current   bool   `json:"现行版本"`
	FileName  string `json:"计算机文件名"` // path in the bag, data/…
	Size      int64  `json:"计算机文件大小"`
	Format    string `json:"格式信息"`
	Creator   string `json:"文档创建程序"`
	Algorithm string `json:"摘要算法"`
	Digest    string `json:"数字摘要"`
	Time      string `json:"形成时间"`
	Author    string `json:"形成者,omitempty"`
	Note      string `json:"版本说明,omitempty"`
}

// formatOf describes a file format by its extension.
func formatOf(ext string) string {
	switch ext {
	case ".docx":
		return "DOCX（Office Open XML 文字处理文档）"
	case ".txt":
		return "TXT（纯文本，UTF-8）"
	case ".pdf":
		return "PDF"
	case ".ofd":
		return "OFD（版式文档）"
	}
	return strings.ToUpper(strings.TrimPrefix(ext, "."))
}

// documentMetadata describes member m, whose versions are in the bag under
// names (version → file name), and its relations to the other members.
func documentMetadata(m *Member, names map[int]string, all map[string]*Member, fileNames map[string]map[int]string, answeredBy map[string][]*Member) DocumentMetadata {
	r := m.Record
	d := DocumentMetadata{
		ID: r.ID, Aggregation: "文件", Fonds: r.Issuer, Year: r.Year,
		Title: r.Title, Number: r.Wenhao, Responsible: r.Issuer, Date: r.Date, Type: r.WenZhong,
		Urgency: r.Urgency, MainTo: r.MainTo, CC: r.CC, Secrecy: r.Secrecy, SecrecyTerm: r.SecrecyTerm,
		Signer: r.Signer, SupervisedUnit: r.SupervisedUnit, Deadline: r.Deadline,
		Status: archive.StatusName(r.Status), StatusReason: r.StatusReason, Reason: m.Reason,
	}
	if d.Status == "" {
		d.Status = r.Status
	}
	if f := r.Filing; f != nil {
		d.ArchivalCode, d.Retention = f.DangHao, f.Retention
		// 档号 全宗号-WS·年度-期限代码-机构代码-件号 (DA/T 22-2015).
		if parts := strings.Split(f.DangHao, "-"); len(parts) == 5 {
			d.FondsNo, d.OrgCode = parts[0], parts[3]
		}
		if f.JianHao > 0 {
			d.ItemNo = fmt.Sprintf("%04d", f.JianHao)
		}
	}
	if m.AnswersWenhao != "" {
		rel := RelationMetadata{Relation: "答复", Number: m.AnswersWenhao}
		if t := all[m.Answers]; t != nil {
			rel.Target, rel.Title = t.Record.ID, t.Record.Title
			rel.File = payloadDir + fileNames[t.Record.ID][t.Record.Latest().N]
			rel.Description = fmt.Sprintf("本文件答复 %s《%s》", t.Record.Wenhao, t.Record.Title)
		} else {
			rel.Description = fmt.Sprintf("本文件答复 %s（该文件不在本文件包中）", m.AnswersWenhao)
		}
		d.Relations = append(d.Relations, rel)
	}
	for _, a := range answeredBy[r.ID] {
		ar := a.Record
		d.Relations = append(d.Relations, RelationMetadata{
			Relation: "被答复", Target: ar.ID, Number: ar.Wenhao, Title: ar.Title,
			File:        payloadDir + fileNames[ar.ID][ar.Latest().N],
			Description: fmt.Sprintf("%s《%s》答复本文件", ar.Wenhao, ar.Title),
		})
	}
	latest := r.Latest().N
	for i := len(r.Versions) - 1; i >= 0; i-- {
		v := r.Versions[i]
		d.Files = append(d.Files, FileMetadata{
			Version: v.N, Current: v.N == latest, FileName: payloadDir + names[v.N], Size: v.Size,
			Format: formatOf(versionExt(v)), Creator: "gongwen", Algorithm: "SHA-256", Digest: v.SHA256,
			Time: v.Time.Format(time.RFC3339), Author: v.Author, Note: v.Note,
		})
	}
	return d
}

// encodeMetadataJSON writes metadata.json: indented UTF-8 JSON, Chinese
// and markup characters as they are.
func encodeMetadataJSON(md *Metadata) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(md); err != nil {
		return nil, fmt.Errorf("bundle: 编码 metadata.json：%w", err)
	}
	return b.Bytes(), nil
}

// csvColumns are the columns of metadata.csv: one row per computer file
// (document version), the document's elements repeated on each.
var csvColumns = []string{
	"电子文件号", "聚合层次", "立档单位名称", "档号", "全宗号", "年度", "保管期限", "机构或问题", "室编件号",
	"题名", "文件编号", "责任者", "日期", "文种", "紧急程度", "主送", "抄送", "密级", "保密期限",
	"签发人", "被监督单位", "整改期限", "状态", "入选原因", "实体关系",
	"版本", "现行版本", "计算机文件名", "计算机文件大小", "格式信息", "摘要算法", "数字摘要", "形成时间", "形成者", "版本说明",
}

// encodeMetadataCSV writes metadata.csv: UTF-8 with a byte-order mark (so
// Excel opens it as Chinese text), CRLF line ends (RFC 4180), one row per
// computer file. A cell that a spreadsheet would take for a formula
// (= + - @ at its start) is prefixed with an apostrophe; metadata.json
// keeps the exact values.
func encodeMetadataCSV(md *Metadata) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("\ufeff")
	w := csv.NewWriter(&b)
	w.UseCRLF = true
	if err := w.Write(csvColumns); err != nil {
		return nil, err
	}
	yes := map[bool]string{true: "是", false: "否"}
	for _, d := range md.Documents {
		var rels []string
		for _, r := range d.Relations {
			rels = append(rels, r.Relation+"："+r.Number)
		}
		for _, f := range d.Files {
			row := []string{
				d.ID, d.Aggregation, d.Fonds, d.ArchivalCode, d.FondsNo, strconv.Itoa(d.Year), d.Retention, d.OrgCode, d.ItemNo,
				d.Title, d.Number, d.Responsible, d.Date, d.Type, d.Urgency, d.MainTo, strings.Join(d.CC, "、"), d.Secrecy, d.SecrecyTerm,
				d.Signer, d.SupervisedUnit, d.Deadline, d.Status, string(d.Reason), strings.Join(rels, "；"),
				strconv.Itoa(f.Version), yes[f.Current], f.FileName, strconv.FormatInt(f.Size, 10), f.Format, f.Algorithm, f.Digest, f.Time, f.Author, f.Note,
			}
			for i, c := range row {
				row[i] = spreadsheetSafe(c)
			}
			if err := w.Write(row); err != nil {
				return nil, err
			}
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, fmt.Errorf("bundle: 编码 metadata.csv：%w", err)
	}
	return b.Bytes(), nil
}

// spreadsheetSafe keeps a cell from being read as a formula by Excel or
// LibreOffice (CSV injection).
func spreadsheetSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
