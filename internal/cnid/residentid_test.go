package cnid

import (
	"testing"
	"time"
)

// withCheck appends the correct check character, so that a test case breaks
// exactly the rule it is about and not the check as a side effect.
func withCheck(tb testing.TB, first17 string) string {
	tb.Helper()
	c, err := ResidentIDCheck(first17)
	if err != nil {
		tb.Fatalf("ResidentIDCheck(%q): %v", first17, err)
	}
	return first17 + string(c)
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestParseResidentIDStandardExamples(t *testing.T) {
	pinNow(t, testNow)
	// The worked example of GB 11643-1999 itself.
	got, err := ParseResidentID("11010519491231002X")
	if err != nil {
		t.Fatal(err)
	}
	want := ResidentID{Number: "11010519491231002X", Region: "110105", Birth: date(1949, 12, 31), Male: false}
	if got != want {
		t.Fatalf("got %+v; want %+v", got, want)
	}
	// The standard's second example has a correct check digit but a holder
	// born in 1880, which this package deliberately rejects (see minBirth).
	if c, err := ResidentIDCheck("44052418800101001"); err != nil || c != '4' {
		t.Fatalf("check of the 1880 example = %q, %v; want '4'", c, err)
	}
	if _, err := ParseResidentID("440524188001010014"); ruleOf(t, err) != RuleBirthDate {
		t.Fatalf("1880 example: got %v; want birth_date", err)
	}
}

func TestParseResidentID(t *testing.T) {
	pinNow(t, testNow) // 2025-06-15 in Beijing
	tests := []struct {
		name, in, rule string
		birth          time.Time
		male           bool
	}{
		{"female", withCheck(t, "11010519491231002"), "", date(1949, 12, 31), false},
		{"male", withCheck(t, "11010519491231001"), "", date(1949, 12, 31), true},
		{"lower-case x", "11010519491231002x", "", date(1949, 12, 31), false},
		{"surrounding space", " 11010519491231002X\n", "", date(1949, 12, 31), false},
		{"Hong Kong 81", withCheck(t, "81000019900101123"), "", date(1990, 1, 1), true},
		{"Taiwan residence permit 83", withCheck(t, "83000019900101124"), "", date(1990, 1, 1), false},
		{"29 Feb 2024 (leap)", withCheck(t, "44030420240229001"), "", date(2024, 2, 29), true},
		{"29 Feb 2000 (leap, divisible by 400)", withCheck(t, "44030420000229001"), "", date(2000, 2, 29), true},
		{"first accepted day", withCheck(t, "44030419000101001"), "", date(1900, 1, 1), true},
		{"born today", withCheck(t, "44030420250615001"), "", date(2025, 6, 15), true},

		{"empty", "", RuleLength, time.Time{}, false},
		{"17 chars", "11010519491231002", RuleLength, time.Time{}, false},
		{"19 chars", "11010519491231002X0", RuleLength, time.Time{}, false},
		{"legacy 15 digits", "110105491231002", RuleLength, time.Time{}, false},
		{"inner space", "110105 19491231002X", RuleLength, time.Time{}, false},
		{"letter in body", "1101051949123100AX", RuleCharset, time.Time{}, false},
		{"X inside body", "1101051949123100X2", RuleCharset, time.Time{}, false},
		{"check char Y", "11010519491231002Y", RuleCharset, time.Time{}, false},
		{"full-width digit", "１1010519491231002X", RuleCharset, time.Time{}, false},
		{"province 00", withCheck(t, "00010519491231002"), RuleRegion, time.Time{}, false},
		{"province 10", withCheck(t, "10010519491231002"), RuleRegion, time.Time{}, false},
		{"province 99", withCheck(t, "99010519491231002"), RuleRegion, time.Time{}, false},
		{"province 72", withCheck(t, "72010519491231002"), RuleRegion, time.Time{}, false},
		{"29 Feb 2023 (not leap)", withCheck(t, "44030420230229001"), RuleBirthDate, time.Time{}, false},
		{"29 Feb 1900 (not leap, century)", withCheck(t, "44030419000229001"), RuleBirthDate, time.Time{}, false},
		{"31 April", withCheck(t, "44030419900431001"), RuleBirthDate, time.Time{}, false},
		{"month 13", withCheck(t, "44030419901301001"), RuleBirthDate, time.Time{}, false},
		{"month 00", withCheck(t, "44030419900001001"), RuleBirthDate, time.Time{}, false},
		{"day 00", withCheck(t, "44030419900100001"), RuleBirthDate, time.Time{}, false},
		{"day 32", withCheck(t, "44030419900132001"), RuleBirthDate, time.Time{}, false},
		{"before 1900", withCheck(t, "44030418991231001"), RuleBirthDate, time.Time{}, false},
		{"year 0000", withCheck(t, "44030400000101001"), RuleBirthDate, time.Time{}, false},
		{"tomorrow", withCheck(t, "44030420250616001"), RuleBirthDate, time.Time{}, false},
		{"next year", withCheck(t, "44030420260101001"), RuleBirthDate, time.Time{}, false},
		{"year 9999", withCheck(t, "44030499991231001"), RuleBirthDate, time.Time{}, false},
		{"wrong check", "110105194912310021", RuleCheck, time.Time{}, false},
		{"X where a digit belongs", withCheck(t, "11010519491231001")[:17] + "X", RuleCheck, time.Time{}, false},
		{"swapped digits", "11010519491213002X", RuleCheck, time.Time{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseResidentID(tt.in)
			if r := ruleOf(t, err); r != tt.rule {
				t.Fatalf("ParseResidentID(%q): rule %q; want %q", tt.in, r, tt.rule)
			}
			if tt.rule != "" {
				if got != (ResidentID{}) {
					t.Fatalf("rejected input returned %+v", got)
				}
				return
			}
			if !got.Birth.Equal(tt.birth) || got.Birth.Location() != time.UTC || got.Male != tt.male {
				t.Fatalf("ParseResidentID(%q) = %+v; want birth %v, male %v", tt.in, got, tt.birth, tt.male)
			}
			if len(got.Number) != 18 || got.Region != got.Number[:6] {
				t.Fatalf("ParseResidentID(%q) = %+v: bad Number or Region", tt.in, got)
			}
		})
	}
}

// TestParseResidentIDTodayInChina pins the clock near midnight to show that
// "today" is the date in China, not in UTC.
func TestParseResidentIDTodayInChina(t *testing.T) {
	bornJune15 := withCheck(t, "44030420250615002")
	bornJune16 := withCheck(t, "44030420250616002")

	// 00:30 on 15 June in Beijing, still 14 June in UTC.
	pinNow(t, time.Date(2025, 6, 14, 16, 30, 0, 0, time.UTC))
	if _, err := ParseResidentID(bornJune15); err != nil {
		t.Fatalf("baby born just after midnight in Beijing rejected: %v", err)
	}
	// 23:59:59 on 15 June in Beijing.
	pinNow(t, time.Date(2025, 6, 15, 15, 59, 59, 0, time.UTC))
	if _, err := ParseResidentID(bornJune16); ruleOf(t, err) != RuleBirthDate {
		t.Fatalf("birth tomorrow (Beijing) accepted: %v", err)
	}
}

func TestResidentIDCheck(t *testing.T) {
	tests := []ruleCase[byte]{
		{"", "11010519491231002", 'X', ""},
		{"", "44052418800101001", '4', ""},
		{"", "00000000000000000", '1', ""}, // sum 0 maps to '1', not '0'
		{"", "1101051949123100", 0, RuleLength},
		{"", "11010519491231002X", 0, RuleLength},
		{"", "1101051949123100X", 0, RuleCharset},
		{"", " 1101051949123100", 0, RuleCharset},
	}
	checkRules(t, "ResidentIDCheck", ResidentIDCheck, tests)
}

// TestResidentIDCheckEveryValue makes sure that all eleven check characters,
// X included, are reachable and round-trip through ParseResidentID.
func TestResidentIDCheckEveryValue(t *testing.T) {
	pinNow(t, testNow)
	seen := map[byte]bool{}
	for seq := 0; seq < 200 && len(seen) < 11; seq++ {
		n, err := MakeResidentID("320102", date(1985, 7, 1), seq)
		if err != nil {
			t.Fatal(err)
		}
		seen[n[17]] = true
	}
	if len(seen) != 11 {
		t.Fatalf("only %d of 11 check chars reached", len(seen))
	}
}

func TestMakeResidentID(t *testing.T) {
	pinNow(t, testNow)
	beijing := time.FixedZone("UTC+8", 8*3600)
	tests := []struct {
		name, region string
		birth        time.Time
		seq          int
		want, rule   string
	}{
		{"standard example", "110105", date(1949, 12, 31), 2, "11010519491231002X", ""},
		{"date taken in its own zone", "110105", time.Date(1949, 12, 31, 0, 30, 0, 0, beijing), 2, "11010519491231002X", ""},
		{"sequence 0", "440304", date(2000, 2, 29), 0, withCheck(t, "44030420000229000"), ""},
		{"sequence 999", "440304", date(2000, 2, 29), 999, withCheck(t, "44030420000229999"), ""},
		{"region too short", "11010", date(1990, 1, 1), 1, "", RuleLength},
		{"region not digits", "11010A", date(1990, 1, 1), 1, "", RuleCharset},
		{"unknown province", "990105", date(1990, 1, 1), 1, "", RuleRegion},
		{"before 1900", "110105", date(1899, 12, 31), 1, "", RuleBirthDate},
		{"future", "110105", date(2025, 6, 16), 1, "", RuleBirthDate},
		{"zero time", "110105", time.Time{}, 1, "", RuleBirthDate},
		{"negative sequence", "110105", date(1990, 1, 1), -1, "", RuleSequence},
		{"sequence 1000", "110105", date(1990, 1, 1), 1000, "", RuleSequence},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := MakeResidentID(tt.region, tt.birth, tt.seq)
			if r := ruleOf(t, err); r != tt.rule || got != tt.want {
				t.Fatalf("MakeResidentID(%q, %v, %d) = %q, rule %q; want %q, rule %q",
					tt.region, tt.birth, tt.seq, got, r, tt.want, tt.rule)
			}
		})
	}
}

// TestMakeParseRoundTrip walks a range of dates, leap days included, and
// sequences, and checks that every generated number parses back to its parts.
func TestMakeParseRoundTrip(t *testing.T) {
	pinNow(t, testNow)
	regions := []string{"110105", "310115", "440304", "650102", "810000", "830000"}
	i := 0
	for d := date(1900, 1, 1); !d.After(date(2025, 6, 15)); d = d.AddDate(0, 0, 97) {
		for _, b := range []time.Time{d, date(d.Year()/4*4+4, 2, 29)} {
			if b.After(date(2025, 6, 15)) || b.Year() == 1900 {
				continue
			}
			region, seq := regions[i%len(regions)], i*37%1000
			i++
			n, err := MakeResidentID(region, b, seq)
			if err != nil {
				t.Fatalf("MakeResidentID(%q, %v, %d): %v", region, b, seq, err)
			}
			got, err := ParseResidentID(n)
			if err != nil {
				t.Fatalf("ParseResidentID(%q): %v", n, err)
			}
			want := ResidentID{Number: n, Region: region, Birth: b, Male: seq%2 == 1}
			if got != want {
				t.Fatalf("round trip of %q: got %+v; want %+v", n, got, want)
			}
		}
	}
	if i < 500 {
		t.Fatalf("only %d round trips", i)
	}
}
