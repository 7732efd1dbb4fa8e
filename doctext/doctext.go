// Package doctext reads the text of a stored document file, whatever its
// format: a .docx through render.ExtractText, a plain-text file decoded
// from the encodings Chinese offices' files come in (UTF-8, GB18030 and
// its subsets GBK and GB2312, UTF-16 with a byte-order mark). Search
// indexes that text and import reads metadata off it.
package doctext

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/gongwen/gongwen/render"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

// Encodings reported by Decode.
const (
	UTF8    = "utf-8"
	GB18030 = "gb18030" // also GBK and GB2312, which it contains
	UTF16   = "utf-16"
)

// ErrEncoding means a text file is in none of the encodings Decode reads.
var ErrEncoding = errors.New("无法识别文本编码（应为 UTF-8、GB18030/GBK 或带 BOM 的 UTF-16）")

// Decode returns a plain-text file as a string and the encoding it was in:
// UTF-8 (a byte-order mark is dropped), UTF-16 when it starts with a
// byte-order mark (Windows Notepad's "Unicode"), otherwise GB18030 — the
// national standard that contains GBK and GB2312, in which old Chinese
// .txt files are usually saved. Bytes that are valid in none of them
// return ErrEncoding. Line ends are normalised to \n.
func Decode(b []byte) (string, string, error) {
	var (
		s   string
		enc string
	)
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}) && utf8.Valid(b[3:]):
		s, enc = string(b[3:]), UTF8
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}) || bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		out, err := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder().Bytes(b)
		if err != nil || strings.ContainsRune(string(out), utf8.RuneError) {
			return "", "", ErrEncoding
		}
		s, enc = string(out), UTF16
	case utf8.Valid(b):
		s, enc = string(b), UTF8
	default:
		out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(b)
		if err != nil || !plausibleGB(out) {
			return "", "", ErrEncoding
		}
		s, enc = string(out), GB18030
	}
	if strings.ContainsRune(s, 0) {
		return "", "", fmt.Errorf("%w：含有 NUL 字符，像是二进制文件", ErrEncoding)
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return s, enc, nil
}

// plausibleGB tells GB18030 text from bytes of another encoding or a
// binary file, which the decoder also maps (GB18030 gives every byte
// sequence a meaning): no replacement characters, no control characters
// but white space, and most non-ASCII characters in the CJK blocks and
// the punctuation Chinese text uses.
func plausibleGB(b []byte) bool {
	var han, other int
	for _, r := range string(b) {
		switch {
		case r == utf8.RuneError:
			return false
		case r < 0x20 && r != '\n' && r != '\r' && r != '\t' && r != '\f':
			return false
		case r < 0x80:
		case r >= 0x4E00 && r <= 0x9FFF, r >= 0x3000 && r <= 0x303F, r >= 0xFF00 && r <= 0xFFEF,
			r >= 0x2010 && r <= 0x206F, r >= 0x3400 && r <= 0x4DBF, r >= 0x2460 && r <= 0x24FF, r >= 0x25A0 && r <= 0x25FF:
			han++
		default:
			other++
		}
	}
	return han >= 4*other
}

// Text returns the text of a stored file in format ("docx" or "txt", as
// archive.Version.FileFormat says).
func Text(format string, content []byte) (string, error) {
	switch format {
	case "docx":
		return render.ExtractText(content, render.TextOptions{})
	case "txt":
		s, _, err := Decode(content)
		return s, err
	}
	return "", fmt.Errorf("doctext: 不支持的文件格式 %q", format)
}
