package cnid

import "strings"

// maskMinRunes is the shortest value of which a head and a tail are shown.
// Shorter input (typically garbage or a truncated value) is masked entirely,
// because showing seven of, say, eight characters would show nearly all of it.
const maskMinRunes = 11

// mask keeps the first head and last tail runes and stars the rest, one star
// per hidden rune so that the displayed width hints at the real length.
// Working on runes keeps multi-byte input from being cut mid-character.
func mask(s string, head, tail int) string {
	r := []rune(s)
	if len(r) < maskMinRunes {
		return strings.Repeat("*", len(r))
	}
	return string(r[:head]) + strings.Repeat("*", len(r)-head-tail) + string(r[len(r)-tail:])
}

// MaskResidentID masks an ID number for display, keeping the first 3 and last
// 4 characters but the 17th: 110***********12*X. The province and a few
// final digits are enough for a person to recognise their own number; the
// birth date and the rest stay hidden, and so does the 17th digit, whose
// parity is the person's sex (masked views hide the sex too). Any input is
// accepted, valid or not, so that a display path can never leak a value
// just because it failed validation.
func MaskResidentID(n string) string {
	r := []rune(mask(normalise(n), 3, 4))
	if len(r) == 18 {
		r[16] = '*'
	}
	return string(r)
}

// MaskMobile masks a mobile number for display: 138****5678. A number that
// normalises is masked in its bare 11-digit form, so that "+86 138 1234 5678"
// and "13812345678" look the same on screen; anything else is masked as is.
func MaskMobile(m string) string {
	if n, err := NormalizeMobile(m); err == nil {
		return mask(n, 3, 4)
	}
	return mask(strings.TrimSpace(m), 3, 4)
}
