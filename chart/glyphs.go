package chart

import "image"

// The glyph set: 5×7 bitmaps of the characters numbers need. A row is five
// bits, the leftmost pixel the highest bit.
const (
	glyphW   = 5
	glyphH   = 7
	glyphGap = 1 // empty columns between two glyphs
)

var glyphs = map[rune][glyphH]uint8{
	'0': {0b01110, 0b10001, 0b10011, 0b10101, 0b11001, 0b10001, 0b01110},
	'1': {0b00100, 0b01100, 0b00100, 0b00100, 0b00100, 0b00100, 0b01110},
	'2': {0b01110, 0b10001, 0b00001, 0b00010, 0b00100, 0b01000, 0b11111},
	'3': {0b11111, 0b00010, 0b00100, 0b00010, 0b00001, 0b10001, 0b01110},
	'4': {0b00010, 0b00110, 0b01010, 0b10010, 0b11111, 0b00010, 0b00010},
	'5': {0b11111, 0b10000, 0b11110, 0b00001, 0b00001, 0b10001, 0b01110},
	'6': {0b00110, 0b01000, 0b10000, 0b11110, 0b10001, 0b10001, 0b01110},
	'7': {0b11111, 0b00001, 0b00010, 0b00100, 0b01000, 0b01000, 0b01000},
	'8': {0b01110, 0b10001, 0b10001, 0b01110, 0b10001, 0b10001, 0b01110},
	'9': {0b01110, 0b10001, 0b10001, 0b01111, 0b00001, 0b00010, 0b01100},
	'.': {0, 0, 0, 0, 0, 0b01100, 0b01100},
	'%': {0b11000, 0b11001, 0b00010, 0b00100, 0b01000, 0b10011, 0b00011},
	'-': {0, 0, 0, 0b11111, 0, 0, 0},
	'/': {0, 0b00001, 0b00010, 0b00100, 0b01000, 0b10000, 0},
	':': {0, 0b01100, 0b01100, 0, 0b01100, 0b01100, 0},
	' ': {},
}

// textWidth is the width in pixels of s drawn at scale sc.
func textWidth(s string, sc int) int {
	n := 0
	for range s {
		n++
	}
	if n == 0 {
		return 0
	}
	return (n*(glyphW+glyphGap) - glyphGap) * sc
}

// drawText draws s with its top left corner at (x, y), each glyph pixel an
// sc×sc square of palette entry c. Characters outside the glyph set are skipped (callers check
// with Drawable first).
func drawText(img *image.Paletted, s string, x, y, sc int, c uint8) {
	for _, r := range s {
		g := glyphs[r]
		for row := 0; row < glyphH; row++ {
			for col := 0; col < glyphW; col++ {
				if g[row]&(1<<(glyphW-1-col)) != 0 {
					px, py := x+col*sc, y+row*sc
					fill(img, image.Rect(px, py, px+sc, py+sc), c)
				}
			}
		}
		x += (glyphW + glyphGap) * sc
	}
}
