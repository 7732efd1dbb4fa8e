// Package search is gongwen's full-text index, derived from the archive:
// Chinese phrase search that finds exactly the documents whose text
// contains what was typed, 发文字号 in the forms people type, facets,
// highlighted snippets, and a rebuild from the store.
//
// Matching is defined on normalised text (see Normalize): a query matches
// a document when the normalised query is a substring of the document's
// normalised text. The index makes that exact: every character's bigram
// is indexed with its position, and a query of n characters is a phrase
// of its bigrams at consecutive positions, which matches precisely where
// the characters stand together (bigramPhrase names only the bigrams
// needed to pin every character); one-character queries use a unigram
// field.
package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
)

// Analyzer and tokenizer names registered with bleve.
const (
	bigramAnalyzer  = "gongwen_bigram"
	unigramAnalyzer = "gongwen_unigram"
)

// bracketFold maps the bracket forms people type for a 发文字号's year (and
// elsewhere) to one form, so 乌司发[2023]47号 and 乌司发〔2023〕47号 are the
// same text.
var bracketFold = map[rune]rune{
	'[': '〔', ']': '〕', '【': '〔', '】': '〕', '(': '〔', ')': '〕',
	'（': '〔', '）': '〕', '〔': '〔', '〕': '〕', '［': '〔', '］': '〕',
}

// Normalize folds text for matching: full-width ASCII to half-width,
// Latin to lower case, bracket variants to 〔〕, and drops all white space
// (text wraps anywhere in Chinese documents, and a phrase may wrap over two
// lines). Both documents and queries go through it.
func Normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if nr, ok := normRune(r); ok {
			b.WriteRune(nr)
		}
	}
	return b.String()
}

// normRune is Normalize for one character: its folded form, or false when
// it is dropped. Normalize never maps one character to several, so
// positions in normalised text map back to the original (see Snippet).
func normRune(r rune) (rune, bool) {
	switch {
	case r == utf8.RuneError:
		return 0, false
	case r >= 0xFF01 && r <= 0xFF5E: // full-width ASCII
		r -= 0xFEE0
	case r == 0x3000:
		return 0, false
	}
	if f, ok := bracketFold[r]; ok {
		r = f
	}
	if unicode.IsSpace(r) || unicode.IsControl(r) {
		return 0, false
	}
	return unicode.ToLower(r), true
}

// ngramTokenizer splits normalised text into overlapping n-grams of
// characters (n = 1 or 2), with consecutive positions. Tokens carry no
// byte offsets: phrase matching needs only positions, snippets are found
// in the text itself (see Snippet), and offsets of zero cost the index one
// byte each instead of two or three per bigram occurrence (11% of the
// index, and a quarter of a phrase query's time decoding them, measured at
// 10,000 documents).
type ngramTokenizer struct{ n int }

// Tokenize implements analysis.Tokenizer. Terms are slices of one buffer
// per input (no allocation per token).
func (t ngramTokenizer) Tokenize(input []byte) analysis.TokenStream {
	buf := make([]byte, 0, len(input))
	offs := make([]int, 0, len(input)/2+1) // byte offset of each character in buf
	for i := 0; i < len(input); {
		r, size := utf8.DecodeRune(input[i:])
		i += size
		if nr, ok := normRune(r); ok {
			offs = append(offs, len(buf))
			buf = utf8.AppendRune(buf, nr)
		}
	}
	chars := len(offs)
	offs = append(offs, len(buf))
	n := min(t.n, chars)
	if n == 0 {
		return nil
	}
	toks := make([]analysis.Token, chars-n+1)
	out := make(analysis.TokenStream, chars-n+1)
	for i := range toks {
		toks[i] = analysis.Token{
			Term:     buf[offs[i]:offs[i+n]:offs[i+n]],
			Position: i + 1,
			Type:     analysis.Ideographic,
		}
		out[i] = &toks[i]
	}
	return out
}

// keywordNormTokenizer emits the whole normalised input as one token, for
// exact fields that must match however they were typed (the 发文字号).
type keywordNormTokenizer struct{}

// Tokenize implements analysis.Tokenizer.
func (keywordNormTokenizer) Tokenize(input []byte) analysis.TokenStream {
	s := Normalize(string(input))
	if s == "" {
		return nil
	}
	return analysis.TokenStream{{Term: []byte(s), Start: 0, End: len(s), Position: 1, Type: analysis.AlphaNumeric}}
}

const keywordNormAnalyzer = "gongwen_keyword_norm"

// The registrations bleve requires: its mappings name analyzers, and names
// resolve through its process-wide registry. They hold no state.
func init() {
	for name, tok := range map[string]analysis.Tokenizer{
		bigramAnalyzer:      ngramTokenizer{n: 2},
		unigramAnalyzer:     ngramTokenizer{n: 1},
		keywordNormAnalyzer: keywordNormTokenizer{},
	} {
		tok := tok
		registry.RegisterTokenizer(name, func(map[string]interface{}, *registry.Cache) (analysis.Tokenizer, error) {
			return tok, nil
		})
		registry.RegisterAnalyzer(name, func(_ map[string]interface{}, cache *registry.Cache) (analysis.Analyzer, error) {
			return &analysis.DefaultAnalyzer{Tokenizer: tok}, nil
		})
	}
}
