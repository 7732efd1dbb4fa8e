package chart

import "testing"

func BenchmarkMonthlyPNG(b *testing.B) {
	bars := Bars{Labels: []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"},
		Values: []int{3, 0, 7, 12, 5, 1, 0, 9, 4, 2, 11, 6}, Width: 1500, Height: 720}
	for i := 0; i < b.N; i++ {
		p, err := bars.PNG()
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(len(p)))
	}
}

func BenchmarkMonthlyImage(b *testing.B) {
	bars := Bars{Labels: []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"},
		Values: []int{3, 0, 7, 12, 5, 1, 0, 9, 4, 2, 11, 6}, Width: 1500, Height: 720}
	for i := 0; i < b.N; i++ {
		if _, err := bars.Image(); err != nil {
			b.Fatal(err)
		}
	}
}
