package bundle

import (
	"archive/zip"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/gongwen/gongwen/archive"
)

// Options describe a bundle being written.
type Options struct {
	// Name is the bag's base directory inside the zip; "bundle" when
	// empty. It is made safe with SafeName.
	Name string
	// Query is the search that chose the documents (External-Description).
	Query string
	// SourceOrganization is the office transferring the documents.
	SourceOrganization string
	// Contact is the person exporting (Contact-Name).
	Contact string
	// Identifier names the bag (External-Identifier); generated when
	// empty: gongwen-<UTC time>-<random>.
	Identifier string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Progress, if set, is called after each payload file.
	Progress func(done, total int)
}

// Summary is what an export produced: what an audit event records.
type Summary struct {
	Identifier   string `json:"identifier"`    // External-Identifier
	Name         string `json:"name"`          // base directory in the zip
	Query        string `json:"query"`         // External-Description's query
	BaggingDate  string `json:"bagging_date"`  // YYYY-MM-DD
	Documents    int    `json:"documents"`     // documents in the bag
	Matched      int    `json:"matched"`       // of which the search found
	Related      int    `json:"related"`       // of which came in by 答复 relations
	Withheld     int    `json:"withheld"`      // refused by the caller's filter
	PayloadFiles int    `json:"payload_files"` // document versions in data/
	PayloadBytes int64  `json:"payload_bytes"`
	BagBytes     int64  `json:"bag_bytes"` // bytes of the zip
	SHA256       string `json:"sha256"`    // of the zip as written
}

// Write streams sel as a BagIt bag in a zip to w: bagit.txt, the payload
// (each version read from the store, checked against its recorded SHA-256,
// and written before the next is read), manifest-sha256.txt, bag-info.txt,
// metadata.json, metadata.csv and tagmanifest-sha256.txt. The zip needs no
// seeking, so w may be a network connection; a failure midway leaves w
// with an incomplete zip, which the caller discards (the CLI writes to a
// temporary file and renames it only when complete).
func Write(ctx context.Context, w io.Writer, docs *archive.Documents, sel *Selection, opt Options) (*Summary, error) {
	if len(sel.Members) == 0 {
		return nil, ErrEmpty
	}
	now := time.Now
	if opt.Now != nil {
		now = opt.Now
	}
	t := now()
	base := SafeName(opt.Name, 120)
	if strings.TrimSpace(opt.Name) == "" {
		base = "bundle"
	}
	id := opt.Identifier
	if id == "" {
		var rnd [4]byte
		if _, err := rand.Read(rnd[:]); err != nil {
			return nil, fmt.Errorf("bundle: no randomness: %w", err)
		}
		id = "gongwen-" + t.UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(rnd[:])
	}
	matched, related := sel.Counts()
	sum := &Summary{Identifier: id, Name: base, Query: opt.Query, BaggingDate: t.Format("2006-01-02"),
		Documents: len(sel.Members), Matched: matched, Related: related, Withheld: sel.Withheld}

	// Names first: relations in the metadata point at other documents' files.
	ns := newNameSet()
	fileNames := map[string]map[int]string{}
	all := map[string]*Member{}
	answeredBy := map[string][]*Member{}
	total := 0
	for _, m := range sel.Members {
		fileNames[m.Record.ID] = ns.document(m.Record)
		all[m.Record.ID] = m
		total += len(m.Record.Versions)
	}
	for _, m := range sel.Members {
		if m.Answers != "" {
			answeredBy[m.Answers] = append(answeredBy[m.Answers], m)
		}
	}

	out := &countingHash{w: w, h: sha256.New()}
	bw := &bagWriter{zw: zip.NewWriter(out), base: base + "/", modified: t}
	if err := bw.tagFile(bagitTxt, []byte(bagitDeclaration)); err != nil {
		return nil, err
	}
	var manifest strings.Builder
	done := 0
	for _, m := range sel.Members {
		r := m.Record
		// Newest first, so a reader listing the zip sees the current text first.
		for i := len(r.Versions) - 1; i >= 0; i-- {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			v := r.Versions[i]
			content, err := docs.GetVersion(ctx, r, v.N)
			if err != nil {
				return nil, fmt.Errorf("bundle: %w（导出已停止，请先运行 gongwen verify 查明）", err)
			}
			rel := payloadDir + fileNames[r.ID][v.N]
			digest, err := bw.write(rel, content, storedMethod(versionExt(v)), v.Time)
			if err != nil {
				return nil, err
			}
			fmt.Fprintf(&manifest, "%s  %s\n", digest, encodePath(rel))
			sum.PayloadFiles++
			sum.PayloadBytes += int64(len(content))
			done++
			if opt.Progress != nil {
				opt.Progress(done, total)
			}
		}
	}
	if err := bw.tagFile(manifestSHA256, []byte(manifest.String())); err != nil {
		return nil, err
	}

	info := []infoField{}
	add := func(label, value string) {
		if strings.TrimSpace(value) != "" {
			info = append(info, infoField{label, value})
		}
	}
	add("Source-Organization", opt.SourceOrganization)
	add("Contact-Name", opt.Contact)
	add("External-Description", describe(opt.Query, matched, related))
	add("External-Identifier", id)
	add("Bagging-Date", sum.BaggingDate)
	add("Payload-Oxum", strconv.FormatInt(sum.PayloadBytes, 10)+"."+strconv.Itoa(sum.PayloadFiles))
	add("Bag-Count", "1 of 1")
	add("Internal-Sender-Description", fmt.Sprintf("%d 份文件、%d 个版本；元数据（%s 元素名）见 %s 与 %s", len(sel.Members), sum.PayloadFiles, MetadataScheme, metadataJSONName, metadataCSVName))
	add("Bag-Software-Agent", "gongwen")
	if err := bw.tagFile(bagInfoTxt, []byte(formatBagInfo(info))); err != nil {
		return nil, err
	}

	md := &Metadata{Scheme: MetadataScheme, Export: ExportMetadata{
		Identifier: id, Query: opt.Query, Organization: opt.SourceOrganization, ExportedBy: opt.Contact,
		Time: t.Format(time.RFC3339), Documents: len(sel.Members), Matched: matched, Related: related, Files: sum.PayloadFiles,
	}}
	for _, m := range sel.Members {
		md.Documents = append(md.Documents, documentMetadata(m, fileNames[m.Record.ID], all, fileNames, answeredBy))
	}
	js, err := encodeMetadataJSON(md)
	if err != nil {
		return nil, err
	}
	if err := bw.tagFile(metadataJSONName, js); err != nil {
		return nil, err
	}
	cs, err := encodeMetadataCSV(md)
	if err != nil {
		return nil, err
	}
	if err := bw.tagFile(metadataCSVName, cs); err != nil {
		return nil, err
	}
	// The tag manifest lists every tag file but itself (RFC 8493 §2.2.1).
	var tm strings.Builder
	for _, f := range bw.tags {
		fmt.Fprintf(&tm, "%s  %s\n", f.digest, encodePath(f.name))
	}
	if _, err := bw.write(tagManifest256, []byte(tm.String()), zip.Deflate, t); err != nil {
		return nil, err
	}
	if err := bw.zw.Close(); err != nil {
		return nil, fmt.Errorf("bundle: 写入 zip：%w", err)
	}
	sum.BagBytes = out.n
	sum.SHA256 = hex.EncodeToString(out.h.Sum(nil))
	return sum, nil
}

// describe is the External-Description of a bag.
func describe(query string, matched, related int) string {
	q := strings.Join(strings.Fields(query), " ")
	if q == "" {
		return fmt.Sprintf("gongwen 导出的 %d 份文件及其答复、被答复文件 %d 份", matched, related)
	}
	return fmt.Sprintf("按检索式“%s”导出的 %d 份文件，及其答复、被答复文件 %d 份", q, matched, related)
}

// storedMethod is how a payload file is put in the zip: formats that are
// already compressed zips themselves (.docx, .ofd, …) are stored, the rest
// deflated.
func storedMethod(ext string) uint16 {
	switch ext {
	case ".docx", ".xlsx", ".pptx", ".ofd", ".zip", ".pdf", ".jpg", ".jpeg", ".png":
		return zip.Store
	}
	return zip.Deflate
}

// taggedFile is a tag file written, for the tag manifest.
type taggedFile struct{ name, digest string }

// bagWriter writes entries under the bag's base directory.
type bagWriter struct {
	zw       *zip.Writer
	base     string
	modified time.Time
	tags     []taggedFile
}

// write adds one entry and returns the hex SHA-256 of its content.
func (bw *bagWriter) write(rel string, content []byte, method uint16, modified time.Time) (string, error) {
	fh := &zip.FileHeader{Name: bw.base + rel, Method: method, Modified: modified}
	if modified.IsZero() {
		fh.Modified = bw.modified
	}
	fh.SetMode(0o644)
	f, err := bw.zw.CreateHeader(fh)
	if err != nil {
		return "", fmt.Errorf("bundle: 写入 %s：%w", rel, err)
	}
	if _, err := f.Write(content); err != nil {
		return "", fmt.Errorf("bundle: 写入 %s：%w", rel, err)
	}
	s := sha256.Sum256(content)
	return hex.EncodeToString(s[:]), nil
}

// tagFile writes a tag file and remembers its digest for the tag manifest.
func (bw *bagWriter) tagFile(rel string, content []byte) error {
	d, err := bw.write(rel, content, zip.Deflate, bw.modified)
	if err != nil {
		return err
	}
	bw.tags = append(bw.tags, taggedFile{rel, d})
	return nil
}

// countingHash passes writes through, counting and hashing them.
type countingHash struct {
	w io.Writer
	h hash.Hash
	n int64
}

func (c *countingHash) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.h.Write(p[:n])
	c.n += int64(n)
	return n, err
}
