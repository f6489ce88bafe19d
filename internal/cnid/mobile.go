package cnid

import "strings"

// mobileSeparators are the characters people put between digit groups.
var mobileSeparators = strings.NewReplacer(" ", "", "-", "")

// NormalizeMobile validates a mainland mobile number and returns the bare 11
// digits. A leading "+86" or "86" and any spaces or hyphens are tolerated,
// since numbers are commonly written as "+86 138-1234-5678".
//
// A bare "86" is only taken as the country code when exactly 11 digits
// follow it; otherwise it is an ordinary (and then invalid) number. Any other
// "+" prefix is a foreign number and fails with the prefix rule.
func NormalizeMobile(s string) (string, error) {
	s = strings.TrimSpace(s)
	s = mobileSeparators.Replace(s)
	switch {
	case strings.HasPrefix(s, "+86"):
		s = s[3:]
	case strings.HasPrefix(s, "+"):
		return "", fail(RulePrefix)
	case len(s) == 13 && strings.HasPrefix(s, "86"):
		s = s[2:]
	}
	if !allDigits(s) {
		return "", fail(RuleCharset)
	}
	if len(s) != 11 {
		return "", fail(RuleLength)
	}
	// 10, 11 and 12 open service and special numbers, never subscriber mobiles.
	if s[0] != '1' || s[1] < '3' {
		return "", fail(RulePrefix)
	}
	return s, nil
}
