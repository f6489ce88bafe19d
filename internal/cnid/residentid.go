package cnid

import (
	"time"

	"gonghui/internal/beijing"
)

// ResidentID is a parsed resident identity card number (GB 11643-1999).
type ResidentID struct {
	Number string    // normalised (upper-case X)
	Region string    // first 6 digits
	Birth  time.Time // UTC midnight
	Male   bool
}

// idWeights are 2^(17-i) mod 11 for the 0-based position i.
var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// idCheckChars maps sum mod 11 to the check character. With these weights
// the check c satisfies sum + c ≡ 1 (mod 11), and X stands for 10.
const idCheckChars = "10X98765432"

// minBirth is the earliest birth date accepted. Holders born before 1900
// are, for an employer, effectively non-existent, whereas a mistyped century
// ("18" for "19") is a common slip worth catching. This deliberately rejects
// the standard's own second worked example, whose holder was born in 1880.
var minBirth = time.Date(1900, time.January, 1, 0, 0, 0, 0, time.UTC)

func idCheck(first17 string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(first17[i]-'0') * idWeights[i]
	}
	return idCheckChars[sum%11]
}

// ParseResidentID validates an 18-character resident ID number and returns
// its parts. Surrounding white space is dropped and a lower-case x accepted,
// since both are common in typed or pasted input. The older 15-digit numbers
// are not accepted: they were replaced in 2004 and carry no check character.
//
// Rules are checked in the order length, charset, region, birth_date, check,
// so that a mistyped month is reported as a bad birth date, which the user can
// see and fix, rather than as a bad check character.
func ParseResidentID(s string) (ResidentID, error) {
	s = normalise(s)
	if err := checkLength(s, 18); err != nil {
		return ResidentID{}, err
	}
	if !allDigits(s[:17]) || !(isDigit(s[17]) || s[17] == 'X') {
		return ResidentID{}, fail(RuleCharset)
	}
	if !provinces[s[:2]] {
		return ResidentID{}, fail(RuleRegion)
	}
	birth, ok := parseBirth(s[6:14])
	if !ok || !birthInRange(birth) {
		return ResidentID{}, fail(RuleBirthDate)
	}
	if idCheck(s[:17]) != s[17] {
		return ResidentID{}, fail(RuleCheck)
	}
	return ResidentID{
		Number: s,
		Region: s[:6],
		Birth:  birth,
		Male:   (s[16]-'0')%2 == 1,
	}, nil
}

// parseBirth reads YYYYMMDD (already known to be digits). time.Date
// normalises impossible days instead of rejecting them, e.g. 29 February of a
// non-leap year becomes 1 March, so comparing the fields back is what catches
// them, leap years included.
func parseBirth(s string) (time.Time, bool) {
	y := atoi(s[0:4])
	m := atoi(s[4:6])
	d := atoi(s[6:8])
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Year() != y || int(t.Month()) != m || t.Day() != d {
		return time.Time{}, false
	}
	return t, true
}

// birthInRange compares against today's date in China rather than in UTC:
// a child born on the morning of the 2nd in Beijing is still on the 1st in
// UTC, and must not be turned away as "born in the future".
func birthInRange(birth time.Time) bool {
	y, m, d := Now().In(beijing.Zone).Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return !birth.Before(minBirth) && !birth.After(today)
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// ResidentIDCheck returns the GB 11643 check character ('0'-'9' or 'X') for
// the first 17 digits. The input is taken as is, without trimming.
func ResidentIDCheck(first17 string) (byte, error) {
	if err := checkLength(first17, 17); err != nil {
		return 0, err
	}
	if !allDigits(first17) {
		return 0, fail(RuleCharset)
	}
	return idCheck(first17), nil
}

// MakeResidentID builds a valid number from region (6 digits), birth date and
// a 3-digit sequence (0-999).
//
// The calendar date of birth is taken in birth's own location, so a date built
// with time.Date(y, m, d, 0, 0, 0, 0, loc) means that day whatever loc is. The
// region and date obey the same rules as in ParseResidentID, so the result
// always parses; odd sequences give a male holder, even ones a female.
func MakeResidentID(region string, birth time.Time, seq int) (string, error) {
	if err := checkLength(region, 6); err != nil {
		return "", err
	}
	if !allDigits(region) {
		return "", fail(RuleCharset)
	}
	if !provinces[region[:2]] {
		return "", fail(RuleRegion)
	}
	y, m, d := birth.Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	if !birthInRange(day) {
		return "", fail(RuleBirthDate)
	}
	if seq < 0 || seq > 999 {
		return "", fail(RuleSequence)
	}
	b := make([]byte, 0, 18)
	b = append(b, region...)
	b = day.AppendFormat(b, "20060102")
	b = append(b, byte('0'+seq/100), byte('0'+seq/10%10), byte('0'+seq%10))
	b = append(b, idCheck(string(b)))
	return string(b), nil
}
