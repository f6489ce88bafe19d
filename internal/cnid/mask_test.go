package cnid

import (
	"testing"
	"unicode/utf8"
)

func TestMaskResidentID(t *testing.T) {
	tests := []struct{ in, want string }{
		{"11010519491231002X", "110***********00*X"},
		{"11010519491231002x", "110***********00*X"},
		{" 11010519491231002X ", "110***********00*X"},
		{"110105491231002", "110********1002"}, // legacy 15 digits: still masked
		{"", ""},
		{"12345", "*****"},
		{"1234567890", "**********"}, // too short to show head and tail
		{"身份证号码一二三四五六七八九", "身份证*******六七八九"},
	}
	for _, tt := range tests {
		if got := MaskResidentID(tt.in); got != tt.want {
			t.Errorf("MaskResidentID(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestMaskMobile(t *testing.T) {
	tests := []struct{ in, want string }{
		{"13812345678", "138****5678"},
		{"+86 138-1234-5678", "138****5678"},
		{"8613812345678", "138****5678"},
		{"12812345678", "128****5678"}, // invalid but still masked
		{"+44 7700 900123", "+44********0123"},
		{"5678", "****"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := MaskMobile(tt.in); got != tt.want {
			t.Errorf("MaskMobile(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

// checkMasked asserts the display-safety property shared by both masks,
// given the value the mask works on: the output is valid UTF-8 of the same
// rune length, values shorter than maskMinRunes are fully starred, and longer
// ones show exactly their first 3 and last 4 runes with stars in between.
func checkMasked(t *testing.T, base, out string) { t.Helper(); checkMask(t, base, out, -1) }

// checkMaskedID also wants the 17th character (the sex digit) of an
// 18-character number hidden.
func checkMaskedID(t *testing.T, base, out string) { t.Helper(); checkMask(t, base, out, 16) }

func checkMask(t *testing.T, base, out string, alsoHidden int) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Fatalf("mask of %q is not valid UTF-8: %q", base, out)
	}
	in, got := []rune(base), []rune(out)
	if len(got) != len(in) {
		t.Fatalf("mask of %q has %d runes; want %d", base, len(got), len(in))
	}
	hideFrom, hideTo := 0, len(in)
	if len(in) >= maskMinRunes {
		hideFrom, hideTo = 3, len(in)-4
	}
	for i := range got {
		hidden := hideFrom <= i && i < hideTo || (len(in) == 18 && i == alsoHidden)
		if hidden && got[i] != '*' || !hidden && got[i] != in[i] {
			t.Fatalf("mask of %q = %q: wrong rune at %d", base, out, i)
		}
	}
}
