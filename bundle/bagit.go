package bundle

import (
	"fmt"
	"strings"
)

// BagIt file names and the version written.
const (
	bagitVersion     = "1.0"
	bagitTxt         = "bagit.txt"
	bagInfoTxt       = "bag-info.txt"
	payloadDir       = "data/"
	manifestSHA256   = "manifest-sha256.txt"
	tagManifest256   = "tagmanifest-sha256.txt"
	metadataJSONName = "metadata.json"
	metadataCSVName  = "metadata.csv"
)

// bagitDeclaration is the whole of bagit.txt (RFC 8493 §2.1.1): exactly two
// lines, UTF-8 without a byte-order mark.
const bagitDeclaration = "BagIt-Version: " + bagitVersion + "\nTag-File-Character-Encoding: UTF-8\n"

// encodePath writes a file path for a manifest line: CR, LF and % — and
// only those — are percent-encoded (RFC 8493 §2.1.3).
func encodePath(p string) string {
	if !strings.ContainsAny(p, "%\r\n") {
		return p
	}
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case '%':
			b.WriteString("%25")
		case '\r':
			b.WriteString("%0D")
		case '\n':
			b.WriteString("%0A")
		default:
			b.WriteByte(p[i])
		}
	}
	return b.String()
}

// decodePath reads a manifest file path: %0D, %0A and %25 (either case)
// are decoded; any other % is an error, because RFC 8493 requires a
// literal % to be written %25.
func decodePath(p string) (string, error) {
	if !strings.Contains(p, "%") {
		return p, nil
	}
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		if p[i] != '%' {
			b.WriteByte(p[i])
			continue
		}
		if i+2 >= len(p) {
			return "", fmt.Errorf("路径中的 %% 未按 RFC 8493 编码（应写作 %%25）")
		}
		switch strings.ToUpper(p[i+1 : i+3]) {
		case "25":
			b.WriteByte('%')
		case "0D":
			b.WriteByte('\r')
		case "0A":
			b.WriteByte('\n')
		default:
			return "", fmt.Errorf("路径中的 %% 未按 RFC 8493 编码（应写作 %%25）")
		}
		i += 2
	}
	return b.String(), nil
}

// infoField is one metadata element of bag-info.txt.
type infoField struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

// formatBagInfo writes bag-info.txt: "Label: value" lines in order. Values
// are kept on one line (line breaks in a value become spaces); RFC 8493
// only recommends, and does not require, lines under 80 characters.
func formatBagInfo(fields []infoField) string {
	var b strings.Builder
	flat := strings.NewReplacer("\r\n", " ", "\r", " ", "\n", " ")
	for _, f := range fields {
		b.WriteString(f.Label)
		b.WriteString(": ")
		b.WriteString(flat.Replace(f.Value))
		b.WriteByte('\n')
	}
	return b.String()
}

// splitLines splits a text tag file into lines ended by LF, CR or CRLF
// (RFC 8493 §2.4); a last line without an ending is kept.
func splitLines(s string) []string {
	var lines []string
	for len(s) > 0 {
		i := strings.IndexAny(s, "\r\n")
		if i < 0 {
			lines = append(lines, s)
			break
		}
		lines = append(lines, s[:i])
		if s[i] == '\r' && i+1 < len(s) && s[i+1] == '\n' {
			i++
		}
		s = s[i+1:]
	}
	return lines
}

// parseBagInfo reads bag-info.txt: "Label: value" with continuation lines
// that begin with a space or tab (their padding is not part of the value,
// the line break is kept as a space). It returns the fields and a list of
// format problems, each naming the line.
func parseBagInfo(s string) ([]infoField, []string) {
	var fields []infoField
	var problems []string
	for n, line := range splitLines(s) {
		if line == "" {
			continue
		}
		if line[0] == ' ' || line[0] == '\t' {
			if len(fields) == 0 {
				problems = append(problems, fmt.Sprintf("第%d行是续行，但前面没有元素", n+1))
				continue
			}
			fields[len(fields)-1].Value += " " + strings.TrimLeft(line, " \t")
			continue
		}
		i := strings.IndexByte(line, ':')
		if i <= 0 || i+1 >= len(line) || (line[i+1] != ' ' && line[i+1] != '\t') {
			problems = append(problems, fmt.Sprintf("第%d行不是“标签: 值”的形式：%q", n+1, clip(line, 60)))
			continue
		}
		label := line[:i]
		if strings.TrimSpace(label) != label {
			problems = append(problems, fmt.Sprintf("第%d行的标签 %q 前后有空白", n+1, label))
		}
		fields = append(fields, infoField{Label: label, Value: line[i+2:]})
	}
	return fields, problems
}

// clip shortens s to at most n characters for a message.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
