package cnid

import (
	"strings"
	"testing"
)

// The fuzz targets assert properties rather than fixed answers: no panic, and
// whatever is accepted must be canonical, self-consistent and stable.
// Seeds live both in f.Add calls and in testdata/fuzz/<FuzzName>/.

func FuzzNormalizeCreditCode(f *testing.F) {
	for _, c := range realCreditCodes {
		f.Add(c.code)
	}
	for _, s := range []string{
		"", " 91350100m000100y43 ", "91350100M000100I43", "91350100M000100Y44",
		"91350100M000100Y53", "Y1100000MA01ABCD0X", "\u013191350100M000100Y4",
		"91350100M000100Y4\x80", "ſ1350100M000100Y43",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := NormalizeCreditCode(s)
		if err != nil {
			if got != "" {
				t.Fatalf("rejected %q but returned %q", s, got)
			}
			ruleOf(t, err)
			return
		}
		if got != normalise(s) {
			t.Fatalf("accepted %q as %q; normalisation must only trim and upper-case", s, got)
		}
		if len(got) != 18 || checkCreditCharset(got) != nil {
			t.Fatalf("accepted %q as malformed %q", s, got)
		}
		again, err := NormalizeCreditCode(got)
		if err != nil || again != got {
			t.Fatalf("not idempotent: %q -> %q -> %q, %v", s, got, again, err)
		}
		if c, err := CreditCodeCheck(got[:17]); err != nil || c != got[17] {
			t.Fatalf("check of %q recomputes to %q, %v", got, c, err)
		}
		if orgCheck(got[8:16]) != got[16] {
			t.Fatalf("org code check of %q does not recompute", got)
		}
		if made, err := MakeCreditCode(got[:17]); err != nil || made != got {
			t.Fatalf("MakeCreditCode(%q) = %q, %v", got[:17], made, err)
		}
	})
}

func FuzzParseResidentID(f *testing.F) {
	for _, s := range []string{
		"11010519491231002X", "11010519491231002x", " 11010519491231002X ",
		"440524188001010014", "110105194912310021", "44030420240229001X",
		"44030420230229001", "83000019900101124", "", "１1010519491231002X",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		pinNow(t, testNow)
		checkMaskedID(t, normalise(s), MaskResidentID(s))
		id, err := ParseResidentID(s)
		if err != nil {
			if id != (ResidentID{}) {
				t.Fatalf("rejected %q but returned %+v", s, id)
			}
			ruleOf(t, err)
			return
		}
		n := id.Number
		if n != normalise(s) || len(n) != 18 || strings.Contains(n, "x") {
			t.Fatalf("accepted %q as %q", s, n)
		}
		if c, err := ResidentIDCheck(n[:17]); err != nil || c != n[17] {
			t.Fatalf("check of %q recomputes to %q, %v", n, c, err)
		}
		again, err := ParseResidentID(n)
		if err != nil || again != id {
			t.Fatalf("not idempotent: %q -> %+v -> %+v, %v", s, id, again, err)
		}
		if id.Region != n[:6] || id.Birth.Format("20060102") != n[6:14] || id.Male != ((n[16]-'0')%2 == 1) {
			t.Fatalf("parts of %q disagree with %+v", n, id)
		}
		if id.Birth.Location() != minBirth.Location() || id.Birth.Before(minBirth) || id.Birth.After(testNow) {
			t.Fatalf("birth of %q out of range: %v", n, id.Birth)
		}
		if h, m, sec := id.Birth.Clock(); h+m+sec != 0 || id.Birth.Nanosecond() != 0 {
			t.Fatalf("birth of %q is not midnight: %v", n, id.Birth)
		}
		seq := int(n[14]-'0')*100 + int(n[15]-'0')*10 + int(n[16]-'0')
		if made, err := MakeResidentID(id.Region, id.Birth, seq); err != nil || made != n {
			t.Fatalf("MakeResidentID of %q's parts = %q, %v", n, made, err)
		}
	})
}

func FuzzNormalizeMobile(f *testing.F) {
	for _, s := range []string{
		"13812345678", "+86 138 1234 5678", "+86-138-1234-5678", "8613812345678",
		"86 138 1234 5678", "861381234567", "+868613812345678", "+44 7700 900123",
		"12812345678", "１３８１２３４５６７８", "", "+", "86", "\u300013812345678",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := NormalizeMobile(s)
		base := strings.TrimSpace(s)
		if err == nil {
			base = got
		}
		checkMasked(t, base, MaskMobile(s))
		if err != nil {
			if got != "" {
				t.Fatalf("rejected %q but returned %q", s, got)
			}
			ruleOf(t, err)
			return
		}
		if len(got) != 11 || !allDigits(got) || got[0] != '1' || got[1] < '3' {
			t.Fatalf("accepted %q as %q", s, got)
		}
		if again, err := NormalizeMobile(got); err != nil || again != got {
			t.Fatalf("not idempotent: %q -> %q -> %q, %v", s, got, again, err)
		}
		// The digits of the result must appear, in order, at the end of the
		// input once separators are gone: nothing is invented or reordered.
		if !strings.HasSuffix(mobileSeparators.Replace(strings.TrimSpace(s)), got) {
			t.Fatalf("%q is not the tail of %q", got, s)
		}
	})
}
