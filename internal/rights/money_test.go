package rights

import (
	"strings"
	"testing"
)

func TestParseFen(t *testing.T) {
	for _, c := range []struct {
		in  string
		fen int64
		err string
	}{
		{"1,234.50", 123450, ""},
		{"1234.5", 123450, ""},
		{"0.1", 10, ""},
		{"0.29", 29, ""},
		{"￥800", 80000, ""},
		{"3000元", 300000, ""},
		{"１２，３４５．６７", 1234567, ""},
		{" 12 ", 1200, ""},
		{"", 0, ""},
		{"007", 700, ""},
		{"-5", 0, ErrAmountNegative},
		{"-1,000.00", 0, ErrAmountNegative},
		{"－3", 0, ErrAmountNegative},
		{"-abc", 0, ErrAmountFormat},
		{"1.234", 0, ErrAmountDecimals},
		{"12,34", 0, ErrAmountFormat},
		{"1,2345", 0, ErrAmountFormat},
		{",123", 0, ErrAmountFormat},
		{"1.", 0, ErrAmountFormat},
		{".5", 0, ErrAmountFormat},
		{"1e5", 0, ErrAmountFormat},
		{"壹佰", 0, ErrAmountFormat},
		{"10000000000.01", 0, ErrAmountTooLarge},
		{"99999999999999999999999", 0, ErrAmountTooLarge},
		{"10000000000", MaxFen, ""},
	} {
		fen, err := ParseFen(c.in)
		if fen != c.fen || err != c.err {
			t.Errorf("ParseFen(%q) = %d %q, want %d %q", c.in, fen, err, c.fen, c.err)
		}
	}
}

func TestFormatFen(t *testing.T) {
	for fen, want := range map[int64]string{0: "0.00", 5: "0.05", 123450: "1,234.50", 100000000: "1,000,000.00", -1999: "-19.99"} {
		if got := FormatFen(fen); got != want {
			t.Errorf("FormatFen(%d) = %q, want %q", fen, got, want)
		}
	}
}

// FuzzParseFen: whatever a person types, the parser never panics, never
// answers a negative or oversized amount, and what it accepts reads back
// the same after formatting.
func FuzzParseFen(f *testing.F) {
	for _, s := range []string{"1,234.50", "0.1", "-5", "￥800", "3000元", "１２．３", "1e9", "12,34", "99999999999999", "", " ", "1..2", "+7", "-", "¥-1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fen, bad := ParseFen(s)
		if bad != "" {
			if fen != 0 {
				t.Fatalf("%q refused (%s) with %d", s, bad, fen)
			}
			return
		}
		if fen < 0 || fen > MaxFen {
			t.Fatalf("%q accepted as %d", s, fen)
		}
		back, bad := ParseFen(FormatFen(fen))
		if bad != "" || back != fen {
			t.Fatalf("%q: %d formats as %q, which reads back as %d %q", s, fen, FormatFen(fen), back, bad)
		}
		if strings.TrimSpace(s) == "" && fen != 0 {
			t.Fatalf("blank read as %d", fen)
		}
	})
}
