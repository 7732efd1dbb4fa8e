package miniotest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"
)

// EmptyPayloadHash is the hex SHA-256 of an empty request body, the value of
// x-amz-content-sha256 for requests without a body.
const EmptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// sigV4Algorithm names the signing algorithm in the Authorization header.
const sigV4Algorithm = "AWS4-HMAC-SHA256"

// amzDateFormat is the ISO 8601 basic format used by x-amz-date.
const amzDateFormat = "20060102T150405Z"

// Signer signs S3 requests with AWS Signature Version 4 (header-based, with
// a signed payload hash), using only the standard library. It lets tests talk
// plain S3 to the server without importing an S3 client library.
type Signer struct {
	// AccessKey is the access key id.
	AccessKey string
	// SecretKey is the secret access key.
	SecretKey string
	// Region is the signing region, e.g. "us-east-1".
	Region string
}

// PayloadHash returns the hex SHA-256 of body, the value of the
// x-amz-content-sha256 header for a request carrying body.
func PayloadHash(body []byte) string {
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}

// Sign signs req for the S3 service at time now. payloadHash is the hex
// SHA-256 of the request body (see PayloadHash); it is also sent as
// x-amz-content-sha256. Every header already in req.Header is signed, as is
// Host, so set all headers (If-None-Match, Content-Type, x-amz-*) before
// calling Sign. Sign sets req.URL.RawPath to the canonical encoding of the
// path so that what is sent is what was signed.
func (s Signer) Sign(req *http.Request, payloadHash string, now time.Time) error {
	if s.AccessKey == "" || s.SecretKey == "" {
		return errors.New("sigv4: access key and secret key are required")
	}
	if s.Region == "" {
		return errors.New("sigv4: region is required")
	}
	if req.URL == nil {
		return errors.New("sigv4: request has no URL")
	}
	host := req.Host
	if host == "" {
		host = req.URL.Host
	}
	if host == "" {
		return errors.New("sigv4: request has no host")
	}

	now = now.UTC()
	amzDate := now.Format(amzDateFormat)
	day := now.Format("20060102")
	req.Header.Set("X-Amz-Date", amzDate)
	req.Header.Set("X-Amz-Content-Sha256", payloadHash)
	req.Header.Del("Authorization")

	path := req.URL.Path
	if path == "" {
		path = "/"
	}
	canonicalURI := uriEncode(path, false)
	req.URL.RawPath = canonicalURI

	// Canonical headers: host plus everything in req.Header, lower-cased,
	// sorted, values trimmed with inner runs of spaces collapsed.
	headers := map[string]string{"host": host}
	for name, values := range req.Header {
		trimmed := make([]string, len(values))
		for i, v := range values {
			trimmed[i] = strings.Join(strings.Fields(v), " ")
		}
		headers[strings.ToLower(name)] = strings.Join(trimmed, ",")
	}
	names := make([]string, 0, len(headers))
	for name := range headers {
		names = append(names, name)
	}
	sort.Strings(names)
	var canonicalHeaders strings.Builder
	for _, name := range names {
		canonicalHeaders.WriteString(name)
		canonicalHeaders.WriteByte(':')
		canonicalHeaders.WriteString(headers[name])
		canonicalHeaders.WriteByte('\n')
	}
	signedHeaders := strings.Join(names, ";")

	canonicalRequest := strings.Join([]string{
		req.Method,
		canonicalURI,
		canonicalQuery(req.URL.RawQuery),
		canonicalHeaders.String(),
		signedHeaders,
		payloadHash,
	}, "\n")

	scope := day + "/" + s.Region + "/s3/aws4_request"
	stringToSign := strings.Join([]string{
		sigV4Algorithm,
		amzDate,
		scope,
		hexSHA256(canonicalRequest),
	}, "\n")

	key := hmacSHA256([]byte("AWS4"+s.SecretKey), day)
	key = hmacSHA256(key, s.Region)
	key = hmacSHA256(key, "s3")
	key = hmacSHA256(key, "aws4_request")
	signature := hex.EncodeToString(hmacSHA256(key, stringToSign))

	req.Header.Set("Authorization", fmt.Sprintf("%s Credential=%s/%s, SignedHeaders=%s, Signature=%s",
		sigV4Algorithm, s.AccessKey, scope, signedHeaders, signature))
	return nil
}

// canonicalQuery returns the SigV4 canonical query string of rawQuery:
// parameters sorted by name then value, names and values URI-encoded.
// A parameter without "=" (e.g. "?object-lock") gets an empty value.
func canonicalQuery(rawQuery string) string {
	if rawQuery == "" {
		return ""
	}
	type pair struct{ k, v string }
	var pairs []pair
	for part := range strings.SplitSeq(rawQuery, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		pairs = append(pairs, pair{uriEncode(queryUnescape(k), true), uriEncode(queryUnescape(v), true)})
	}
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i].k != pairs[j].k {
			return pairs[i].k < pairs[j].k
		}
		return pairs[i].v < pairs[j].v
	})
	parts := make([]string, len(pairs))
	for i, p := range pairs {
		parts[i] = p.k + "=" + p.v
	}
	return strings.Join(parts, "&")
}

// queryUnescape decodes a query component, keeping it as-is if malformed.
func queryUnescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '+':
			b.WriteByte(' ')
		case s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			b.WriteByte(unhex(s[i+1])<<4 | unhex(s[i+2]))
			i += 2
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// uriEncode percent-encodes s as SigV4 requires: every byte except the
// unreserved characters A-Z a-z 0-9 - . _ ~ is encoded as %XX (upper-case
// hex). "/" is kept unless encodeSlash is set (query components).
func uriEncode(s string, encodeSlash bool) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9',
			c == '-', c == '.', c == '_', c == '~':
			b.WriteByte(c)
		case c == '/' && !encodeSlash:
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&15])
		}
	}
	return b.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}

func hexSHA256(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}
