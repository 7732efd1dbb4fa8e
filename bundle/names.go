package bundle

import (
	"fmt"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/gongwen/gongwen/archive"
)

// MaxNameBytes bounds a payload file name (without data/) in bytes of
// UTF-8. File systems allow 255 bytes (ext4) or 255 UTF-16 units (NTFS) per
// name, and Windows Explorer paths of 260 characters; 180 bytes (60 Chinese
// characters) leave room for the folder a bundle is unpacked into.
const MaxNameBytes = 180

// windowsReplacement maps the characters Windows forbids in file names to
// their full-width forms, which read the same in a Chinese title.
var windowsReplacement = map[rune]rune{
	'/': '／', '\\': '＼', ':': '：', '*': '＊', '?': '？',
	'"': '＂', '<': '＜', '>': '＞', '|': '｜',
}

// windowsReserved are device names Windows refuses as a file name, with or
// without an extension.
var windowsReserved = map[string]bool{
	"CON": true, "PRN": true, "AUX": true, "NUL": true,
	"COM1": true, "COM2": true, "COM3": true, "COM4": true, "COM5": true, "COM6": true, "COM7": true, "COM8": true, "COM9": true,
	"LPT1": true, "LPT2": true, "LPT3": true, "LPT4": true, "LPT5": true, "LPT6": true, "LPT7": true, "LPT8": true, "LPT9": true,
}

// SafeName makes s usable as a file name in a zip and on Windows, macOS and
// Linux: Unicode NFC (so names never differ only in normalisation); the
// characters / \ : * ? " < > | become their full-width forms; control and
// format characters are dropped and runs of white space become one space;
// no leading or trailing spaces or dots; a Windows device name (CON, NUL,
// …) gets a leading underscore; at most maxBytes bytes of UTF-8, cut
// between characters and marked with "…". An empty result becomes "_".
func SafeName(s string, maxBytes int) string {
	s = norm.NFC.String(s)
	var b strings.Builder
	space := false
	for _, r := range s {
		if r == utf8.RuneError {
			continue
		}
		if x, ok := windowsReplacement[r]; ok {
			r = x
		}
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	name := strings.Trim(b.String(), " .")
	if stem, _, _ := strings.Cut(name, "."); windowsReserved[strings.ToUpper(strings.TrimSpace(stem))] {
		name = "_" + name
	}
	if name == "" {
		name = "_"
	}
	return fit(name, maxBytes)
}

// fit shortens s to at most n bytes, cut between characters and marked
// with "…" when anything was cut.
func fit(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return cutBytes(s, n-len("…")) + "…"
}

// cutBytes returns the longest prefix of s of at most n bytes that ends
// between characters, without trailing spaces or dots.
func cutBytes(s string, n int) string {
	if n <= 0 {
		return ""
	}
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return strings.TrimRight(s[:n], " .")
}

// versionExt is the file extension of a stored version, taken from its key
// (documents/<year>/<id>/v<n>.docx). Imported versions may be stored under
// another extension (.txt); when archive.Version gains an explicit
// extension or media type, read it here.
func versionExt(v archive.Version) string {
	ext := strings.ToLower(path.Ext(v.Key))
	if ext == "" || len(ext) > 10 || strings.ContainsAny(ext, "/\\") {
		return ".docx"
	}
	return ext
}

// documentStem is the name of a document's files before any suffix:
// 发文字号-标题, the 发文字号 alone when there is no title, or the document
// id when there is no 发文字号.
func documentStem(r *archive.Record) string {
	wenhao, title := strings.TrimSpace(r.Wenhao), strings.TrimSpace(r.Title)
	switch {
	case wenhao != "" && title != "":
		return wenhao + "-" + title
	case wenhao != "":
		return wenhao
	case title != "":
		return r.ID + "-" + title
	}
	return r.ID
}

// nameSet hands out payload file names that are unique in a bundle, also
// on case-insensitive file systems.
type nameSet struct{ used map[string]bool }

func newNameSet() *nameSet { return &nameSet{used: map[string]bool{}} }

// document names all versions of r: the latest 发文字号-标题.docx, older ones
// 发文字号-标题-v<n>.docx. When any name is taken (two documents with the same
// 发文字号 and title), the document's names get -2, -3, … before the version
// suffix. The result maps version numbers to names.
func (ns *nameSet) document(r *archive.Record) map[int]string {
	stem := SafeName(documentStem(r), 1<<20)
	latest := r.Latest().N
	for k := 1; ; k++ {
		tag := ""
		if k > 1 {
			tag = fmt.Sprintf("-%d", k)
		}
		names := make(map[int]string, len(r.Versions))
		ok := true
		seen := map[string]bool{}
		for _, v := range r.Versions {
			suffix := tag
			if v.N != latest {
				suffix += fmt.Sprintf("-v%d", v.N)
			}
			ext := versionExt(v)
			name := fit(stem, MaxNameBytes-len(suffix)-len(ext)) + suffix + ext
			key := strings.ToLower(name)
			if ns.used[key] || seen[key] {
				ok = false
				break
			}
			seen[key] = true
			names[v.N] = name
		}
		if ok {
			for k := range seen {
				ns.used[k] = true
			}
			return names
		}
	}
}
