// Package chart draws simple bar charts as PNG images with the standard
// library alone: no fonts, no network, no external program.
//
// A chart holds no words. Chinese text would need a font file, which an
// offline government machine may not have and which the PNG encoder cannot
// reach; so the only text drawn is numbers (counts and labels such as
// months), from a small built-in bitmap glyph set, and the caption and axis
// names belong in the document as text next to the image, where they are
// set in the document's own fonts and can be searched.
package chart

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strconv"
)

// Colours used by the charts.
var (
	// DefaultColor fills the bars when a chart names none: a dark blue that
	// stays distinct when printed in grey.
	DefaultColor = color.RGBA{0x2f, 0x55, 0x97, 0xff}
	background   = color.RGBA{0xff, 0xff, 0xff, 0xff}
	axisColor    = color.RGBA{0x40, 0x40, 0x40, 0xff}
	gridColor    = color.RGBA{0xd9, 0xd9, 0xd9, 0xff}
	textColor    = color.RGBA{0x20, 0x20, 0x20, 0xff}
)

// Bars is a vertical bar chart of non-negative counts: one bar per value,
// its label under it and its count above it, horizontal grid lines at round
// numbers with their values on the left.
type Bars struct {
	// Labels are drawn under the bars, one per value; they may hold only
	// the characters the glyph set has (see Drawable): digits, '.', '%',
	// '-', '/' and ':'. Empty labels are allowed.
	Labels []string
	// Values are the counts, one bar each, at least 0. With none, the
	// chart is its empty grid (a placeholder).
	Values []int
	// Colors optionally gives each bar its own colour; missing entries (or
	// a nil slice) use DefaultColor.
	Colors []color.RGBA
	// Width and Height are the image size in pixels. The text scales with
	// the height; at least 120×80 pixels.
	Width, Height int
}

// Drawable reports whether every character of s is in the glyph set.
func Drawable(s string) bool {
	for _, r := range s {
		if _, ok := glyphs[r]; !ok {
			return false
		}
	}
	return true
}

// Image draws the chart. The image is paletted: a chart has a handful of
// colours, and a paletted PNG is a tenth of the size and encodes many times
// faster than a full-colour one.
func (b Bars) Image() (*image.Paletted, error) {
	if b.Width < 120 || b.Height < 80 {
		return nil, fmt.Errorf("chart: image %d×%d is too small (at least 120×80)", b.Width, b.Height)
	}
	if b.Width > 8000 || b.Height > 8000 {
		return nil, fmt.Errorf("chart: image %d×%d is too large (at most 8000×8000)", b.Width, b.Height)
	}
	if len(b.Labels) != len(b.Values) {
		return nil, fmt.Errorf("chart: %d labels for %d values", len(b.Labels), len(b.Values))
	}
	top := 0
	for i, v := range b.Values {
		if v < 0 {
			return nil, fmt.Errorf("chart: value %d (bar %d) is negative", v, i+1)
		}
		top = max(top, v)
	}
	for i, l := range b.Labels {
		if !Drawable(l) {
			return nil, fmt.Errorf("chart: label %q (bar %d) has characters the chart cannot draw (only digits . %% - / :)", l, i+1)
		}
	}
	step, ceil := niceScale(top)

	pal := color.Palette{background, gridColor, axisColor, textColor, DefaultColor}
	barColor := make([]uint8, len(b.Values))
	for i := range b.Values {
		barColor[i] = 4
		if i < len(b.Colors) && b.Colors[i] != (color.RGBA{}) {
			k, ok := paletteIndex(&pal, b.Colors[i])
			if !ok {
				return nil, fmt.Errorf("chart: more than %d bar colours", 256-4)
			}
			barColor[i] = k
		}
	}
	// Go's PNG encoder packs palettes of up to 16 colours into 4 bits a
	// pixel one pixel at a time, which costs most of the encoding; with 17
	// or more it writes whole rows of bytes, three times faster for a
	// file a fifth larger. Unused entries pad the palette.
	for len(pal) < 17 {
		pal = append(pal, background)
	}
	img := image.NewPaletted(image.Rect(0, 0, b.Width, b.Height), pal)
	const gridIdx, axisIdx, textIdx = 1, 2, 3 // 0 is the background

	// Text scale: a glyph is 5×7 cells of s×s pixels.
	s := max(1, b.Height/150)
	gh := glyphH * s
	pad := 2 * s
	widest := 0
	for v := 0; v <= ceil; v += step {
		widest = max(widest, textWidth(strconv.Itoa(v), s))
	}
	plot := image.Rect(pad+widest+2*pad, pad+gh+pad, b.Width-3*pad, b.Height-pad-gh-2*pad)
	if plot.Dx() < max(1, len(b.Values)) || plot.Dy() < 10 {
		return nil, fmt.Errorf("chart: %d bars do not fit in %d×%d pixels", len(b.Values), b.Width, b.Height)
	}
	yOf := func(v int) int { return plot.Max.Y - v*plot.Dy()/ceil }

	// Grid lines and their values.
	line := max(1, s/2)
	for v := 0; v <= ceil; v += step {
		y := yOf(v)
		fill(img, image.Rect(plot.Min.X, y-line/2, plot.Max.X, y-line/2+line), gridIdx)
		label := strconv.Itoa(v)
		drawText(img, label, plot.Min.X-pad-textWidth(label, s), y-gh/2, s, textIdx)
	}

	// Bars, their counts above and their labels below.
	n := len(b.Values)
	for i, v := range b.Values {
		x0 := plot.Min.X + i*plot.Dx()/n
		x1 := plot.Min.X + (i+1)*plot.Dx()/n
		slot := x1 - x0
		bw := max(1, slot*3/5)
		bx := x0 + (slot-bw)/2
		y := yOf(v)
		fill(img, image.Rect(bx, y, bx+bw, plot.Max.Y), barColor[i])
		count := strconv.Itoa(v)
		drawText(img, count, x0+(slot-textWidth(count, s))/2, y-pad-gh, s, textIdx)
		drawText(img, b.Labels[i], x0+(slot-textWidth(b.Labels[i], s))/2, plot.Max.Y+2*pad, s, textIdx)
	}

	// Axes: the base line and the left edge of the plot.
	fill(img, image.Rect(plot.Min.X-line, plot.Max.Y-line, plot.Max.X, plot.Max.Y+line), axisIdx)
	fill(img, image.Rect(plot.Min.X-line, plot.Min.Y-gh/2, plot.Min.X+line-line/2, plot.Max.Y+line), axisIdx)
	return img, nil
}

// PNG draws the chart and encodes it as PNG (fastest compression: a
// 1500×720 chart is about 15 KB and takes 3–10 ms; see PERFORMANCE.md).
// The same chart gives the same bytes every time.
func (b Bars) PNG() ([]byte, error) {
	img, err := b.Image()
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("chart: encode png: %w", err)
	}
	return buf.Bytes(), nil
}

// niceScale returns the step between grid lines (1, 2 or 5 times a power of
// ten) and the top of the scale (a multiple of the step, at least top) for
// counts up to top: about five grid lines. Counts up to 5 get a scale of
// 0–5, so that a single document is not a bar as tall as the chart.
func niceScale(top int) (step, ceil int) {
	if top <= 5 {
		return 1, 5
	}
	for mag := 1; ; mag *= 10 {
		for _, m := range []int{1, 2, 5} {
			step = m * mag
			if top <= 5*step {
				ceil = (top + step - 1) / step * step
				return step, ceil
			}
		}
	}
}

// paletteIndex returns the index of c in the palette, adding it if new;
// false when the palette is full.
func paletteIndex(pal *color.Palette, c color.RGBA) (uint8, bool) {
	for i, p := range *pal {
		if p == c {
			return uint8(i), true
		}
	}
	if len(*pal) == 256 {
		return 0, false
	}
	*pal = append(*pal, c)
	return uint8(len(*pal) - 1), true
}

// fill paints a rectangle (clipped to the image) with palette entry c.
func fill(img *image.Paletted, r image.Rectangle, c uint8) {
	r = r.Intersect(img.Rect)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		row := img.Pix[img.PixOffset(r.Min.X, y):img.PixOffset(r.Max.X, y)]
		for i := range row {
			row[i] = c
		}
	}
}
