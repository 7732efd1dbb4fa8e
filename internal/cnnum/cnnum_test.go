package cnnum

import "testing"

func TestNumber(t *testing.T) {
	for s, want := range map[string]int{"五": 5, "十": 10, "十五": 15, "二十": 20, "三十一": 31, "两": 2, "一百二十": 120, "一百零五": 105} {
		if got, ok := Number(s); !ok || got != want {
			t.Errorf("Number(%q) = %d, %v; want %d", s, got, ok, want)
		}
	}
	for _, s := range []string{"", "三五", "五x"} {
		if got, ok := Number(s); ok {
			t.Errorf("Number(%q) = %d, want no number", s, got)
		}
	}
}

func TestYear(t *testing.T) {
	for s, want := range map[string]int{"二〇二三": 2023, "二○二六": 2026, "二O一九": 2019, "二零二五": 2025} {
		if got, ok := Year(s); !ok || got != want {
			t.Errorf("Year(%q) = %d, %v; want %d", s, got, ok, want)
		}
	}
	if _, ok := Year("二〇二x"); ok {
		t.Error("Year(二〇二x) read as a year")
	}
}
