package bundle

import (
	"archive/zip"
	"context"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Problem kinds Verify reports.
const (
	ProblemMissing    = "缺少文件"   // listed in a manifest, or required, and absent
	ProblemExtra      = "多余文件"   // present and listed in no manifest
	ProblemDigest     = "摘要不符"   // content differs from its manifest digest
	ProblemOxum       = "载荷总量不符" // Payload-Oxum differs from the payload
	ProblemFormat     = "格式错误"   // a tag file breaks RFC 8493
	ProblemUnreadable = "无法读取"   // a zip entry cannot be read (damaged)
	ProblemUnsafe     = "路径不安全"  // a path that could escape the bag when unpacked
	ProblemDuplicate  = "重复条目"   // the same path twice
)

// Problem is one thing wrong with a bag, naming the file.
type Problem struct {
	File   string `json:"file"` // path in the bag (relative to its base directory), or the zip entry's name
	Kind   string `json:"kind"`
	Detail string `json:"detail"`
}

// Report is the result of verifying a bag.
type Report struct {
	Base         string      `json:"base"`          // the bag's base directory in the zip ("" at the top)
	Version      string      `json:"bagit_version"` // BagIt-Version
	Algorithms   []string    `json:"algorithms"`    // of the payload manifests
	Info         []infoField `json:"bag_info"`      // bag-info.txt in order
	PayloadFiles int         `json:"payload_files"`
	PayloadBytes int64       `json:"payload_bytes"`
	TagFiles     int         `json:"tag_files"`
	Problems     []Problem   `json:"problems"`
}

// Valid reports whether the bag is complete and every digest matches.
func (r *Report) Valid() bool { return len(r.Problems) == 0 }

// InfoValue returns the first value of a bag-info.txt element (labels
// compare case-insensitively, as RFC 8493 says of reserved ones).
func (r *Report) InfoValue(label string) string {
	for _, f := range r.Info {
		if strings.EqualFold(f.Label, label) {
			return f.Value
		}
	}
	return ""
}

// VerifyOptions shape a verification.
type VerifyOptions struct {
	// Progress, if set, is called after each payload file is hashed.
	Progress func(done, total int)
}

// maxTagFileBytes bounds a tag file read into memory (a manifest of a
// million files is about 150 MB; bundles are far smaller).
const maxTagFileBytes = 256 << 20

// hashes are the manifest algorithms Verify can check: RFC 8493 requires
// SHA-256 and SHA-512 and recommends MD5 and SHA-1 for older bags.
var hashes = map[string]func() hash.Hash{
	"sha256": sha256.New, "sha512": sha512.New, "sha1": sha1.New, "md5": md5.New,
}

var (
	manifestRe    = regexp.MustCompile(`^manifest-([a-z0-9]+)\.txt$`)
	tagManifestRe = regexp.MustCompile(`^tagmanifest-([a-z0-9]+)\.txt$`)
	versionRe     = regexp.MustCompile(`^BagIt-Version: ([0-9]+)\.([0-9]+)$`)
	oxumRe        = regexp.MustCompile(`^([0-9]+)\.([0-9]+)$`)
	dateRe        = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`)
	bagCountRe    = regexp.MustCompile(`^[0-9]+ of ([0-9]+|\?)$`)
)

// VerifyFile verifies the bag in a zip file.
func VerifyFile(ctx context.Context, name string, opt VerifyOptions) (*Report, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("无法打开文件包 %s：%w", name, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("无法读取文件包 %s：%w", name, err)
	}
	rep, err := Verify(ctx, f, st.Size(), opt)
	if err != nil {
		return nil, fmt.Errorf("%s：%w", name, err)
	}
	return rep, nil
}

// manifest is one parsed manifest: path → expected hex digest.
type manifest struct {
	name, alg string
	entries   map[string]string // NFC path → digest (lower case)
	order     []string
}

// Verify checks a bag serialised as a zip (RFC 8493): bagit.txt,
// bag-info.txt, at least one payload manifest and a tag manifest are
// present and well formed; every file a manifest lists is present; every
// file under data/ is listed in every payload manifest and every other
// file in every tag manifest (nothing extra); every digest matches; the
// Payload-Oxum matches the payload. bag-info.txt and a tag manifest are
// optional in RFC 8493 but required here: without them the metadata of an
// evaluator's bundle could be changed unnoticed.
//
// Problems with the bag are in the report, each naming its file; the error
// is for a file that is not a zip at all, or a cancelled context. Names
// are compared in Unicode NFC, as RFC 8493 §6.2 recommends.
func Verify(ctx context.Context, ra io.ReaderAt, size int64, opt VerifyOptions) (*Report, error) {
	zr, err := zip.NewReader(ra, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return nil, fmt.Errorf("不是有效的 zip 文件：%w", err)
	}
	rep := &Report{}
	problem := func(file, kind, format string, args ...any) {
		rep.Problems = append(rep.Problems, Problem{File: file, Kind: kind, Detail: fmt.Sprintf(format, args...)})
	}

	// The base directory is the folder holding bagit.txt: one folder
	// deep (as BagIt serialisations are) or the top of the zip.
	var bases []string
	for _, f := range zr.File {
		if n := f.Name; n == bagitTxt || strings.Count(n, "/") == 1 && strings.HasSuffix(n, "/"+bagitTxt) {
			bases = append(bases, strings.TrimSuffix(n, bagitTxt))
		}
	}
	sort.Strings(bases)
	if len(bases) == 0 {
		problem(bagitTxt, ProblemMissing, "zip 中没有 bagit.txt：这不是 BagIt 文件包")
		return rep, nil
	}
	rep.Base = strings.TrimSuffix(bases[0], "/")
	if len(bases) > 1 {
		problem(bases[1]+bagitTxt, ProblemExtra, "zip 中有不止一个 BagIt 文件包（%s 与 %s）", bases[0], bases[1])
	}
	base := bases[0]

	files := map[string]*zip.File{} // NFC path in the bag → entry
	var payload, tags []string      // paths in the bag, in zip order
	for _, f := range zr.File {
		name := f.Name
		if strings.HasSuffix(name, "/") && f.UncompressedSize64 == 0 {
			continue // a folder
		}
		if !strings.HasPrefix(name, base) {
			problem(name, ProblemExtra, "在文件包目录 %s 之外", displayBase(base))
			continue
		}
		rel := name[len(base):]
		if why := unsafePath(rel); why != "" {
			problem(rel, ProblemUnsafe, "%s", why)
			continue
		}
		key := norm.NFC.String(rel)
		if files[key] != nil {
			problem(rel, ProblemDuplicate, "zip 中同一路径出现不止一次")
			continue
		}
		files[key] = f
		if strings.HasPrefix(key, payloadDir) {
			payload = append(payload, key)
		} else {
			tags = append(tags, key)
		}
	}

	read := func(rel string) ([]byte, bool) {
		f := files[rel]
		if f == nil {
			return nil, false
		}
		rc, err := f.Open()
		if err != nil {
			problem(rel, ProblemUnreadable, "%v", err)
			return nil, false
		}
		defer rc.Close()
		b, err := io.ReadAll(io.LimitReader(rc, maxTagFileBytes+1))
		if err != nil {
			problem(rel, ProblemUnreadable, "%v", err)
			return nil, false
		}
		if len(b) > maxTagFileBytes {
			problem(rel, ProblemFormat, "标签文件超过 %d MiB", maxTagFileBytes>>20)
			return nil, false
		}
		if !utf8.Valid(b) {
			problem(rel, ProblemFormat, "不是有效的 UTF-8 文本")
			return nil, false
		}
		return b, true
	}

	// bagit.txt: exactly two lines, UTF-8 without a byte-order mark.
	if b, ok := read(bagitTxt); ok {
		s := string(b)
		if strings.HasPrefix(s, "\ufeff") {
			problem(bagitTxt, ProblemFormat, "不得以字节顺序标记（BOM）开头")
			s = strings.TrimPrefix(s, "\ufeff")
		}
		lines := splitLines(s)
		if len(lines) != 2 {
			problem(bagitTxt, ProblemFormat, "应恰好两行（BagIt-Version 与 Tag-File-Character-Encoding），实有 %d 行", len(lines))
		}
		if len(lines) > 0 {
			if m := versionRe.FindStringSubmatch(lines[0]); m == nil {
				problem(bagitTxt, ProblemFormat, "第1行应为“BagIt-Version: M.N”，实为 %q", clip(lines[0], 60))
			} else {
				rep.Version = m[1] + "." + m[2]
			}
		}
		if len(lines) > 1 {
			enc, ok := strings.CutPrefix(lines[1], "Tag-File-Character-Encoding: ")
			if !ok {
				problem(bagitTxt, ProblemFormat, "第2行应为“Tag-File-Character-Encoding: UTF-8”，实为 %q", clip(lines[1], 60))
			} else if !strings.EqualFold(enc, "UTF-8") {
				problem(bagitTxt, ProblemFormat, "标签文件编码为 %s：只能校验 UTF-8 的文件包", enc)
			}
		}
	}

	// Manifests.
	var payloadManifests, tagManifests []*manifest
	for _, rel := range tags {
		m := manifestRe.FindStringSubmatch(rel)
		tagm := false
		if m == nil {
			if m = tagManifestRe.FindStringSubmatch(rel); m == nil {
				continue
			}
			tagm = true
		}
		alg := m[1]
		if hashes[alg] == nil {
			problem(rel, ProblemFormat, "不支持的摘要算法 %s（可校验 sha256、sha512、sha1、md5）", alg)
			continue
		}
		b, ok := read(rel)
		if !ok {
			continue
		}
		mf := parseManifest(rel, alg, string(b), tagm, func(kind, format string, args ...any) { problem(rel, kind, format, args...) })
		if tagm {
			tagManifests = append(tagManifests, mf)
		} else {
			payloadManifests = append(payloadManifests, mf)
			rep.Algorithms = append(rep.Algorithms, alg)
		}
	}
	if len(payloadManifests) == 0 && files[manifestSHA256] == nil {
		problem(manifestSHA256, ProblemMissing, "没有载荷清单（manifest-<算法>.txt）")
	}
	if len(tagManifests) == 0 && files[tagManifest256] == nil {
		problem(tagManifest256, ProblemMissing, "没有标签清单：bag-info.txt 与元数据无法校验")
	}
	if files[bagInfoTxt] == nil {
		problem(bagInfoTxt, ProblemMissing, "没有 bag-info.txt：无法核对 Payload-Oxum")
	}

	// Completeness: what is listed is present, what is present is listed.
	for _, mf := range append(append([]*manifest{}, payloadManifests...), tagManifests...) {
		for _, p := range mf.order {
			if files[p] == nil {
				problem(p, ProblemMissing, "%s 列出了此文件，但文件包中没有", mf.name)
			}
		}
	}
	for _, p := range payload {
		for _, mf := range payloadManifests {
			if _, ok := mf.entries[p]; !ok {
				problem(p, ProblemExtra, "不在 %s 中", mf.name)
			}
		}
	}
	for _, p := range tags {
		if tagManifestRe.MatchString(p) {
			continue
		}
		for _, mf := range tagManifests {
			if _, ok := mf.entries[p]; !ok {
				if manifestRe.MatchString(p) {
					problem(p, ProblemFormat, "载荷清单必须列入 %s", mf.name)
				} else {
					problem(p, ProblemExtra, "不在 %s 中", mf.name)
				}
			}
		}
	}
	rep.TagFiles = len(tags)

	// Digests: each file is read once for all its algorithms.
	check := func(rel string, ms []*manifest) (int64, bool) {
		f := files[rel]
		want := map[string]string{}
		hs := map[string]hash.Hash{}
		var ws []io.Writer
		for _, mf := range ms {
			if d, ok := mf.entries[rel]; ok {
				want[mf.name] = d
				h := hashes[mf.alg]()
				hs[mf.name] = h
				ws = append(ws, h)
			}
		}
		rc, err := f.Open()
		if err != nil {
			problem(rel, ProblemUnreadable, "%v", err)
			return 0, false
		}
		n, err := io.Copy(io.MultiWriter(ws...), &ctxReader{ctx: ctx, r: rc})
		rc.Close()
		if ctx.Err() != nil {
			return n, false
		}
		bad := false
		names := make([]string, 0, len(want))
		for name := range want {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			if got := hex.EncodeToString(hs[name].Sum(nil)); got != want[name] {
				problem(rel, ProblemDigest, "%s 记载 %s，实际为 %s", name, want[name], got)
				bad = true
			}
		}
		if err != nil && !bad {
			// zip's own CRC-32 or a damaged deflate stream.
			problem(rel, ProblemUnreadable, "%v", err)
		}
		return n, true
	}
	for i, p := range payload {
		n, _ := check(p, payloadManifests)
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		rep.PayloadFiles++
		rep.PayloadBytes += n
		if opt.Progress != nil {
			opt.Progress(i+1, len(payload))
		}
	}
	for _, p := range tags {
		if tagManifestRe.MatchString(p) {
			continue
		}
		if _, listed := listedIn(p, tagManifests); listed {
			check(p, tagManifests)
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
	}

	// bag-info.txt: well formed, and its Payload-Oxum right.
	if b, ok := read(bagInfoTxt); ok {
		fields, format := parseBagInfo(string(b))
		rep.Info = fields
		for _, f := range format {
			problem(bagInfoTxt, ProblemFormat, "%s", f)
		}
		var oxums []string
		for _, f := range fields {
			switch strings.ToLower(f.Label) {
			case "payload-oxum":
				oxums = append(oxums, f.Value)
			case "bagging-date":
				if !dateRe.MatchString(f.Value) {
					problem(bagInfoTxt, ProblemFormat, "Bagging-Date 应为 YYYY-MM-DD，实为 %q", f.Value)
				}
			case "bag-count":
				if !bagCountRe.MatchString(f.Value) {
					problem(bagInfoTxt, ProblemFormat, "Bag-Count 应为“N of T”，实为 %q", f.Value)
				}
			}
		}
		actual := fmt.Sprintf("%d.%d", rep.PayloadBytes, rep.PayloadFiles)
		switch {
		case len(oxums) == 0:
			problem(bagInfoTxt, ProblemMissing, "没有 Payload-Oxum（实际载荷为 %s）", actual)
		case len(oxums) > 1:
			problem(bagInfoTxt, ProblemFormat, "Payload-Oxum 出现了 %d 次，只能有一个", len(oxums))
		case !oxumRe.MatchString(oxums[0]):
			problem(bagInfoTxt, ProblemFormat, "Payload-Oxum 应为“字节数.文件数”，实为 %q", oxums[0])
		default:
			m := oxumRe.FindStringSubmatch(oxums[0])
			octets, _ := strconv.ParseInt(m[1], 10, 64)
			streams, _ := strconv.Atoi(m[2])
			if octets != rep.PayloadBytes || streams != rep.PayloadFiles {
				problem(bagInfoTxt, ProblemOxum, "Payload-Oxum 记载 %s（%d 字节、%d 个文件），data/ 中实有 %s（%d 字节、%d 个文件）",
					oxums[0], octets, streams, actual, rep.PayloadBytes, rep.PayloadFiles)
			}
		}
	}
	return rep, nil
}

// parseManifest reads a payload or tag manifest: "checksum filepath" lines,
// separated by spaces or tabs, paths percent-decoded and checked.
func parseManifest(name, alg, s string, tag bool, problem func(kind, format string, args ...any)) *manifest {
	mf := &manifest{name: name, alg: alg, entries: map[string]string{}}
	size := hashes[alg]().Size() * 2
	if strings.HasPrefix(s, "\ufeff") {
		problem(ProblemFormat, "UTF-8 标签文件不得以字节顺序标记（BOM）开头")
		s = strings.TrimPrefix(s, "\ufeff")
	}
	for n, line := range splitLines(s) {
		if line == "" {
			continue
		}
		i := strings.IndexAny(line, " \t")
		if i <= 0 {
			problem(ProblemFormat, "第%d行不是“摘要 路径”的形式：%q", n+1, clip(line, 60))
			continue
		}
		sum, raw := line[:i], strings.TrimLeft(line[i:], " \t")
		if len(sum) != size || !isHex(sum) {
			problem(ProblemFormat, "第%d行的摘要 %q 不是 %d 位十六进制的 %s", n+1, clip(sum, 20), size, alg)
			continue
		}
		p, err := decodePath(raw)
		if err != nil {
			problem(ProblemFormat, "第%d行：%v", n+1, err)
			continue
		}
		if why := unsafePath(p); why != "" {
			problem(ProblemUnsafe, "第%d行的路径 %q %s", n+1, clip(p, 80), why)
			continue
		}
		if tag && (strings.HasPrefix(p, payloadDir) || tagManifestRe.MatchString(p)) {
			problem(ProblemFormat, "第%d行：标签清单不得列出 %s", n+1, p)
			continue
		}
		if !tag && !strings.HasPrefix(p, payloadDir) {
			problem(ProblemFormat, "第%d行：载荷清单只能列出 data/ 下的文件，不能列出 %s", n+1, p)
			continue
		}
		key := norm.NFC.String(p)
		if _, dup := mf.entries[key]; dup {
			problem(ProblemDuplicate, "第%d行：%s 已列出过", n+1, p)
			continue
		}
		mf.entries[key] = strings.ToLower(sum)
		mf.order = append(mf.order, key)
	}
	return mf
}

// unsafePath says why a path in a bag could escape it when unpacked, or "".
func unsafePath(p string) string {
	switch {
	case p == "":
		return "路径为空"
	case strings.HasPrefix(p, "/"):
		return "是绝对路径"
	case strings.Contains(p, "\\"):
		return "含有反斜杠"
	case len(p) >= 2 && p[1] == ':':
		return "以盘符开头"
	case !utf8.ValidString(p):
		return "不是有效的 UTF-8"
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return "含有空的、“.”或“..”的路径段"
		}
	}
	if path.Clean(p) != p {
		return "不是规范的路径"
	}
	return ""
}

func listedIn(p string, ms []*manifest) (*manifest, bool) {
	for _, m := range ms {
		if _, ok := m.entries[p]; ok {
			return m, true
		}
	}
	return nil, false
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

func displayBase(base string) string {
	if base == "" {
		return "（zip 顶层）"
	}
	return base
}

// ctxReader stops a long read when its context is cancelled.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
