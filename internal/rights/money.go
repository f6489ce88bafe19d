package rights

import (
	"strconv"
	"strings"
)

// Money is integer fen (分) everywhere: claims, amounts recovered, the
// figures. People type yuan ("1,234.50", "￥800", "3000元"); ParseFen reads
// them without floating point, so 0.1 + 0.2 never becomes 0.30000000000000004
// of a worker's wages.

// Errors of ParseFen, as message keys.
const (
	ErrAmountFormat   = "case.amount_format"    // not a number of yuan
	ErrAmountNegative = "case.amount_negative"  // below zero
	ErrAmountDecimals = "case.amount_decimals"  // more than two decimals (fen)
	ErrAmountTooLarge = "case.amount_too_large" // above MaxFen
)

// ParseFen reads an amount of yuan typed by a person into fen. It takes
// ASCII or full-width digits, thousands separators in their places
// ("1,234,567.5"; "12,34" is refused), at most two decimals, an optional
// ￥/¥ before and 元 after. It answers the fen, or "" and the message key
// of what is wrong. An empty string is 0 with ok: callers decide whether
// an amount is required.
func ParseFen(s string) (fen int64, errKey string) {
	s = strings.TrimSpace(toASCII(s))
	s = strings.TrimSpace(strings.TrimSuffix(s, "元"))
	s = strings.TrimPrefix(strings.TrimPrefix(s, "￥"), "¥")
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, ""
	}
	if strings.HasPrefix(s, "-") || strings.HasPrefix(s, "−") {
		if _, bad := ParseFen(strings.TrimPrefix(strings.TrimPrefix(s, "-"), "−")); bad == "" {
			return 0, ErrAmountNegative
		}
		return 0, ErrAmountFormat
	}
	s = strings.TrimPrefix(s, "+")
	whole, frac, dotted := strings.Cut(s, ".")
	if whole == "" || dotted && frac == "" {
		return 0, ErrAmountFormat
	}
	if strings.Contains(whole, ",") {
		groups := strings.Split(whole, ",")
		if len(groups[0]) < 1 || len(groups[0]) > 3 {
			return 0, ErrAmountFormat
		}
		for _, g := range groups[1:] {
			if len(g) != 3 {
				return 0, ErrAmountFormat
			}
		}
		whole = strings.Join(groups, "")
	}
	if !digits(whole) || !digits(frac) {
		return 0, ErrAmountFormat
	}
	if len(frac) > 2 {
		return 0, ErrAmountDecimals
	}
	whole = strings.TrimLeft(whole, "0")
	if len(whole) > 13 { // beyond MaxFen in any case, and int64 stays safe
		return 0, ErrAmountTooLarge
	}
	yuan := int64(0)
	if whole != "" {
		var err error
		if yuan, err = strconv.ParseInt(whole, 10, 64); err != nil {
			return 0, ErrAmountFormat
		}
	}
	frac += strings.Repeat("0", 2-len(frac))
	cents, _ := strconv.ParseInt(frac, 10, 64)
	fen = yuan*100 + cents
	if fen > MaxFen {
		return 0, ErrAmountTooLarge
	}
	return fen, ""
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// toASCII turns full-width digits, comma, full stop and plus (what a
// Chinese keyboard types) into ASCII; the ideographic comma is not a
// thousands separator and stays, to be refused.
func toASCII(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９':
			return '0' + (r - '０')
		case r == '，':
			return ','
		case r == '．':
			return '.'
		case r == '＋':
			return '+'
		case r == '－':
			return '-'
		}
		return r
	}, s)
}

// FormatFen writes fen as yuan with thousands separators and two
// decimals: 123450 is "1,234.50".
func FormatFen(fen int64) string {
	neg := fen < 0
	if neg {
		fen = -fen
	}
	whole := strconv.FormatInt(fen/100, 10)
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	cents := fen % 100
	b.WriteByte('.')
	b.WriteByte(byte('0' + cents/10))
	b.WriteByte(byte('0' + cents%10))
	return b.String()
}
