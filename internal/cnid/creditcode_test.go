package cnid

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// realCreditCodes were issued to real organisations and are printed on their
// public business licences and annual reports. They pin the implementation to
// the standard: a transcription error in a weight table or in the letter
// values would break at least one of them.
var realCreditCodes = []struct{ code, holder string }{
	{"91350100M000100Y43", "commonly cited example (Fuzhou enterprise); org code with letters"},
	{"914403001922038216", "Huawei Technologies Co., Ltd. (Shenzhen)"},
	{"91440300708461136T", "Shenzhen Tencent Computer Systems Co., Ltd."},
	{"91100000100003962T", "Industrial and Commercial Bank of China (national level, 100000)"},
	{"911000001000013428", "Bank of China Limited (national level, 100000)"},
}

func TestNormalizeCreditCodeRealCodes(t *testing.T) {
	for _, c := range realCreditCodes {
		got, err := NormalizeCreditCode(c.code)
		if err != nil || got != c.code {
			t.Errorf("%s (%s): got %q, %v; want it accepted unchanged", c.code, c.holder, got, err)
		}
		// The check characters must also come out of the exported helpers.
		if chk, err := CreditCodeCheck(c.code[:17]); err != nil || chk != c.code[17] {
			t.Errorf("%s: CreditCodeCheck = %q, %v; want %q", c.code, chk, err, c.code[17])
		}
		if made, err := MakeCreditCode(c.code[:17]); err != nil || made != c.code {
			t.Errorf("%s: MakeCreditCode = %q, %v", c.code, made, err)
		}
	}
}

func TestNormalizeCreditCode(t *testing.T) {
	const valid = "91350100M000100Y43"
	tests := []ruleCase[string]{
		{"valid", valid, valid, ""},
		{"lower case and spaces are normalised", "  91350100m000100y43\t", valid, ""},
		{"ideographic space is trimmed", "\u300091350100M000100Y43\u3000", valid, ""},
		{"empty", "", "", RuleLength},
		{"only spaces", "   ", "", RuleLength},
		{"17 chars", valid[:17], "", RuleLength},
		{"19 chars", valid + "0", "", RuleLength},
		{"inner space", "91350100 M000100Y43", "", RuleLength},
		{"letter I", "91350100M000100I43", "", RuleCharset},
		{"letter O", "9135010OM000100Y43", "", RuleCharset},
		{"letter Z", "91350100Z000100Y43", "", RuleCharset},
		{"letter S", "91350100M000100S43", "", RuleCharset},
		{"letter V", "91350100M000100Y4V", "", RuleCharset},
		{"punctuation", "91350100M000100-43", "", RuleCharset},
		{"full-width digit is charset, not length", "９1350100M000100Y43", "", RuleCharset},
		{"dotless i does not become I", "91350100M000100\u013143", "", RuleCharset},
		{"unknown authority B", "B1350100M000100Y43", "", RulePrefix},
		{"unknown authority 0", "01350100M000100Y43", "", RulePrefix},
		{"market regulation has no category 9", "99350100M000100Y43", "", RuleCategory},
		{"other authority only has category 1", "Y2350100M000100Y43", "", RuleCategory},
		{"category is a digit", "9A350100M000100Y43", "", RuleCategory},
		{"letter in division code", "913501A0M000100Y43", "", RuleRegion},
		{"unknown province 99", "91990100M000100Y43", "", RuleRegion},
		{"division 000000", "91000000M000100Y43", "", RuleRegion},
		{"wrong org code check", "91350100M000100Y53", "", RuleOrgCode},
		{"typo inside org code", "91350100M000101Y43", "", RuleOrgCode},
		{"wrong final check", "91350100M000100Y44", "", RuleCheck},
		{"typo in division breaks final check only", "91350101M000100Y43", "", RuleCheck},
	}
	checkRules(t, "NormalizeCreditCode", NormalizeCreditCode, tests)
}

func TestCreditCodeCheck(t *testing.T) {
	tests := []ruleCase[byte]{
		{"", "91350100M000100Y4", '3', ""},
		{"", "91440300708461136", 'T', ""},
		{"", "91350100M000100Y", 0, RuleLength},
		{"", "91350100M000100Y43", 0, RuleLength},
		{"", "91350100M000100I4", 0, RuleCharset},
		// No trimming or case folding: the caller hands over a raw body.
		{"", "91350100m000100y4", 0, RuleCharset},
	}
	checkRules(t, "CreditCodeCheck", CreditCodeCheck, tests)
}

// TestCreditCheckZero covers the "31 -> 0" wrap: when the weighted sum is a
// multiple of 31 the check character is '0', not an out-of-range index.
func TestCreditCheckZero(t *testing.T) {
	// All zeros sum to 0, the simplest multiple of 31.
	if c, err := CreditCodeCheck("00000000000000000"); err != nil || c != '0' {
		t.Fatalf("check of zeros = %q, %v; want '0'", c, err)
	}
	found := false
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 10000 && !found; i++ {
		body := randomCreditBody(r)
		code, err := MakeCreditCode(body)
		if err != nil {
			t.Fatal(err)
		}
		found = code[17] == '0'
	}
	if !found {
		t.Fatal("no generated code with check '0'; the wrap-around is untested")
	}
}

// TestOrgCodeCheck exercises each GB 11714 weight on its own, the two
// remainders that do not map to their own digit (10 -> 'X', 11 -> '0') and
// the letter values, which differ from those of the GB 32100 check.
func TestOrgCodeCheck(t *testing.T) {
	cases := map[string]byte{
		"00000000": '0', // sum 0 -> 11 -> '0'
		"10000000": '8', // sum 3 -> 8
		"00000010": '7', // sum 4 -> 7
		"01000000": '4', // sum 7 -> 4
		"00100000": '2', // sum 9 -> 2
		"00010000": '1', // sum 10 -> 1
		"00001000": '6', // sum 5 -> 6
		"00000100": '3', // sum 8 -> 3
		"00000001": '9', // sum 2 -> 9
		"00000005": '1', // sum 10 -> 1
		"00000006": 'X', // sum 12, 12 % 11 = 1 -> 10 -> 'X'
		"A0000000": '3', // A = 10, sum 30, 30 % 11 = 8 -> 3
		"M0000000": '0', // M = 22 under GB 11714 (not 21 as in GB 32100), sum 66 ≡ 0 -> '0'
	}
	for body, want := range cases {
		if got := orgCheck(body); got != want {
			t.Errorf("orgCheck(%q) = %q; want %q", body, got, want)
		}
	}
}

func TestMakeCreditCode(t *testing.T) {
	tests := []ruleCase[string]{
		{"fixes both check chars", "91350100M000100Y0", "91350100M000100Y43", ""},
		{"normalises input", " 91350100m000100y4 ", "91350100M000100Y43", ""},
		{"16 chars", "91350100M000100Y", "", RuleLength},
		{"18 chars", "91350100M000100Y43", "", RuleLength},
		{"char 17 must still be a code char", "91350100M000100Y_", "", RuleCharset},
		{"bad authority", "Z1350100M000100Y0", "", RuleCharset},
		{"unknown authority", "C1350100M000100Y0", "", RulePrefix},
		{"bad category", "95350100M000100Y0", "", RuleCategory},
		{"bad division", "9135010AM000100Y0", "", RuleRegion},
	}
	checkRules(t, "MakeCreditCode", MakeCreditCode, tests)
}

// TestMakeCreditCodeEveryCategory builds a code for every authority/category
// pair of the table and checks that NormalizeCreditCode accepts it, so that
// the table cannot drift into rejecting something the generator produces.
func TestMakeCreditCodeEveryCategory(t *testing.T) {
	n := 0
	for auth, cats := range creditCategories {
		for i := 0; i < len(cats); i++ {
			body := string([]byte{auth, cats[i]}) + "110000MA01ABCD0"
			code, err := MakeCreditCode(body)
			if err != nil {
				t.Fatalf("MakeCreditCode(%q): %v", body, err)
			}
			if got, err := NormalizeCreditCode(code); err != nil || got != code {
				t.Fatalf("NormalizeCreditCode(%q) = %q, %v", code, got, err)
			}
			n++
		}
	}
	if n != 36 {
		t.Fatalf("table has %d authority/category pairs; GB 32100 and its additions define 36", n)
	}
}

// TestMakeCreditCodeRoundTrip generates many random bodies and checks
// Make -> Normalize, and that changing any single character of a valid code
// is caught (GB 32100's mod-31 check detects every single substitution).
func TestMakeCreditCodeRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 2000; i++ {
		body := randomCreditBody(r)
		code, err := MakeCreditCode(body)
		if err != nil {
			t.Fatalf("MakeCreditCode(%q): %v", body, err)
		}
		if code[:16] != body[:16] {
			t.Fatalf("MakeCreditCode(%q) = %q changed chars 1-16", body, code)
		}
		got, err := NormalizeCreditCode(strings.ToLower(code))
		if err != nil || got != code {
			t.Fatalf("NormalizeCreditCode(%q) = %q, %v", code, got, err)
		}
		pos := r.IntN(18)
		old := code[pos]
		c := old
		for c == old {
			c = creditCharset[r.IntN(len(creditCharset))]
		}
		mutated := code[:pos] + string(c) + code[pos+1:]
		if _, err := NormalizeCreditCode(mutated); err == nil {
			t.Fatalf("single substitution %q -> %q went unnoticed", code, mutated)
		}
	}
}

// randomCreditBody returns 17 chars with a valid authority, category and
// division and random org code characters; char 17 is a placeholder.
func randomCreditBody(r *rand.Rand) string {
	auths := "123456789ANY"
	auth := auths[r.IntN(len(auths))]
	cats := creditCategories[auth]
	b := []byte{auth, cats[r.IntN(len(cats))]}
	prov := []string{"10", "11", "31", "44", "65", "81"}[r.IntN(6)]
	b = append(b, prov...)
	for i := 0; i < 4; i++ {
		b = append(b, byte('0'+r.IntN(10)))
	}
	for i := 0; i < 9; i++ {
		b = append(b, creditCharset[r.IntN(len(creditCharset))])
	}
	return string(b)
}
