package chart

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"
)

// barHeights measures the first n bars of colour c from left to right: the
// number of pixels of that colour in each bar's tallest column.
func barHeights(img image.Image, n int, c color.RGBA) []int {
	b := img.Bounds()
	cols := make([]int, b.Dx())
	for x := b.Min.X; x < b.Max.X; x++ {
		for y := b.Min.Y; y < b.Max.Y; y++ {
			if color.RGBAModel.Convert(img.At(x, y)) == c {
				cols[x-b.Min.X]++
			}
		}
	}
	// contiguous coloured columns are one bar
	out := make([]int, n)
	i := -1
	in := false
	for x := range cols {
		if cols[x] > 0 && !in {
			i++
			in = true
		}
		if cols[x] == 0 {
			in = false
		}
		if cols[x] > 0 && i < n {
			out[i] = max(out[i], cols[x])
		}
	}
	return out
}

func TestBarsDrawsProportionalBars(t *testing.T) {
	labels := []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"}
	values := []int{3, 6, 9, 12, 1, 2, 4, 8, 10, 5, 7, 11}
	b := Bars{Labels: labels, Values: values, Width: 1500, Height: 720}
	p, err := b.PNG()
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(p))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	if img.Bounds().Dx() != 1500 || img.Bounds().Dy() != 720 {
		t.Fatalf("size %v, want 1500×720", img.Bounds())
	}
	h := barHeights(img, len(values), DefaultColor)
	// Heights grow linearly with the values (the base line covers the
	// same few pixels of every bar): fit on 1 and 12, check all to a pixel.
	unit := float64(h[3]-h[4]) / 11
	base := float64(h[4]) - unit
	if base < -6 || base > 1 {
		t.Errorf("bars do not stand on the base line: offset %.1f px", base)
	}
	for i, v := range values {
		want := base + unit*float64(v)
		if d := float64(h[i]) - want; d > 1.5 || d < -1.5 {
			t.Errorf("bar %d (value %d) is %d px, want about %.1f: heights %v", i+1, v, h[i], want, h)
		}
	}
	again, _ := b.PNG()
	if !bytes.Equal(p, again) {
		t.Error("the same chart gave different bytes")
	}
}

func TestBarsZeroValuesAndColours(t *testing.T) {
	red := color.RGBA{0xc0, 0, 0, 0xff}
	b := Bars{Labels: []string{"", "", ""}, Values: []int{0, 4, 0}, Colors: []color.RGBA{{}, red}, Width: 300, Height: 200}
	img, err := b.Image()
	if err != nil {
		t.Fatal(err)
	}
	if h := barHeights(img, 3, DefaultColor); h[0] != 0 {
		t.Errorf("a bar of the default colour was drawn: %v", h)
	}
	if h := barHeights(img, 1, red); h[0] == 0 {
		t.Error("the bar of 4 is not drawn in its own colour")
	}
	// all zero: the chart is drawn, with no bar
	b = Bars{Labels: []string{"1", "2"}, Values: []int{0, 0}, Width: 300, Height: 200}
	img, err = b.Image()
	if err != nil {
		t.Fatal(err)
	}
	if h := barHeights(img, 2, DefaultColor); h[0]+h[1] != 0 {
		t.Errorf("bars drawn for zero values: %v", h)
	}
	// no values: the empty grid, a placeholder
	img, err = Bars{Width: 300, Height: 200}.Image()
	if err != nil {
		t.Fatal(err)
	}
	if h := barHeights(img, 1, DefaultColor); h[0] != 0 {
		t.Errorf("a bar drawn without values: %v", h)
	}
}

func TestBarsDrawsDigits(t *testing.T) {
	// The same chart with a different count differs only where the digits
	// and the bar are: the count is drawn.
	a, _ := Bars{Labels: []string{"1"}, Values: []int{7}, Width: 200, Height: 150}.Image()
	b, _ := Bars{Labels: []string{"2"}, Values: []int{7}, Width: 200, Height: 150}.Image()
	if bytes.Equal(a.Pix, b.Pix) {
		t.Error("labels 1 and 2 drew the same image")
	}
}

func TestBarsRefusesBadInput(t *testing.T) {
	for _, c := range []struct {
		b    Bars
		want string
	}{
		{Bars{Labels: []string{"1"}, Values: []int{-1}, Width: 300, Height: 200}, "negative"},
		{Bars{Labels: []string{"一月"}, Values: []int{1}, Width: 300, Height: 200}, "cannot draw"},
		{Bars{Labels: []string{"1", "2"}, Values: []int{1}, Width: 300, Height: 200}, "2 labels for 1 values"},
		{Bars{Labels: []string{"1"}, Values: []int{1}, Width: 50, Height: 20}, "too small"},
		{Bars{Labels: make([]string, 400), Values: make([]int, 400), Width: 300, Height: 200}, "do not fit"},
	} {
		_, err := c.b.PNG()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: got %v, want an error with %q", c.b.Values, err, c.want)
		}
	}
}

func TestNiceScale(t *testing.T) {
	for _, c := range []struct{ top, step, ceil int }{
		{0, 1, 5}, {1, 1, 5}, {5, 1, 5}, {6, 2, 6}, {12, 5, 15}, {99, 20, 100}, {1234, 500, 1500},
	} {
		if s, m := niceScale(c.top); s != c.step || m != c.ceil {
			t.Errorf("niceScale(%d) = %d, %d; want %d, %d", c.top, s, m, c.step, c.ceil)
		}
	}
}
