// Package cnnum reads numbers written in Chinese numerals, as they stand
// in official documents: dates (二〇二三年三月五日) and periods (三十日内,
// 十五个工作日).
package cnnum

// Digit reads one digit: 〇 ○ 零 (and the O and 0 that typists put in a
// year) are 0, 一 to 九 are 1 to 9, 两 is 2.
func Digit(r rune) (int, bool) {
	switch r {
	case '〇', '○', '零', 'O', '0':
		return 0, true
	case '一':
		return 1, true
	case '二', '两':
		return 2, true
	case '三':
		return 3, true
	case '四':
		return 4, true
	case '五':
		return 5, true
	case '六':
		return 6, true
	case '七':
		return 7, true
	case '八':
		return 8, true
	case '九':
		return 9, true
	}
	return 0, false
}

// Year reads a year written digit by digit: 二〇二三 is 2023.
func Year(s string) (int, bool) {
	y := 0
	for _, r := range s {
		d, ok := Digit(r)
		if !ok {
			return 0, false
		}
		y = y*10 + d
	}
	return y, s != ""
}

// Number reads a numeral below 1000 written with 十 and 百: 五, 十, 十五,
// 三十一, 一百二十, 两. Two digits in a row (三五) are not a number.
func Number(s string) (int, bool) {
	total, cur := 0, -1
	for _, r := range s {
		switch r {
		case '百':
			if cur < 0 {
				cur = 1
			}
			total += cur * 100
			cur = -1
		case '十':
			if cur < 0 {
				cur = 1
			}
			total += cur * 10
			cur = -1
		default:
			d, ok := Digit(r)
			if !ok || cur > 0 {
				return 0, false
			}
			cur = d
		}
	}
	if cur > 0 {
		total += cur
	}
	return total, s != ""
}
