// Package cnid validates and normalises Chinese identifiers: the unified
// social credit code of organisations (GB 32100-2015), the resident identity
// card number of persons (GB 11643-1999) and mainland mobile numbers.
//
// Everything here is pure: no I/O, no registry look-ups. A value that passes
// is well formed and internally consistent, which is all a check character can
// tell; whether it was actually issued is a question for the issuing authority.
package cnid

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Rule codes carried by Error. They are part of the API: callers append them
// to i18n keys (e.g. "field.credit_code."+Rule), so they must never be renamed.
const (
	RuleLength    = "length"     // wrong number of characters
	RuleCharset   = "charset"    // a character outside the allowed set
	RuleCheck     = "check"      // the final check character does not match
	RuleOrgCode   = "org_code"   // credit code: embedded GB 11714 check fails
	RuleRegion    = "region"     // unknown or malformed division code
	RulePrefix    = "prefix"     // credit code authority or mobile prefix/country code
	RuleCategory  = "category"   // credit code: category not defined for its authority
	RuleBirthDate = "birth_date" // ID: impossible, future or pre-1900 birth date
	RuleSequence  = "sequence"   // MakeResidentID: sequence outside 0-999
)

// Error says which rule an identifier broke; Rule is a stable snake_case code
// used as an i18n key suffix by callers, e.g. "length", "charset", "check",
// "region", "birth_date", "category", "prefix".
type Error struct{ Rule string }

func (e *Error) Error() string { return "cnid: invalid identifier: " + e.Rule }

func fail(rule string) error { return &Error{Rule: rule} }

// Now is the clock used to reject birth dates in the future. It is a variable
// so that tests can pin "today" and stay deterministic across midnight.
var Now = time.Now

// provinces holds the province-level prefixes of GB/T 2260 that may open a
// resident ID number: mainland provinces, plus 71 (Taiwan), 81 (Hong Kong),
// 82 (Macao) and 83, used on residence permits of Taiwan residents.
var provinces = map[string]bool{
	"11": true, "12": true, "13": true, "14": true, "15": true,
	"21": true, "22": true, "23": true,
	"31": true, "32": true, "33": true, "34": true, "35": true, "36": true, "37": true,
	"41": true, "42": true, "43": true, "44": true, "45": true, "46": true,
	"50": true, "51": true, "52": true, "53": true, "54": true,
	"61": true, "62": true, "63": true, "64": true, "65": true,
	"71": true, "81": true, "82": true, "83": true,
}

// normalise trims surrounding white space (including the ideographic space
// and no-break spaces that come along with copy and paste) and upper-cases
// ASCII letters only. strings.ToUpper is avoided on purpose: it maps
// non-ASCII letters such as U+0131 (dotless i) and U+017F (long s) onto ASCII
// 'I' and 'S', which would let exotic input masquerade as a plain code.
func normalise(s string) string {
	s = strings.TrimSpace(s)
	for i := 0; i < len(s); i++ {
		if 'a' <= s[i] && s[i] <= 'z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'a' <= b[j] && b[j] <= 'z' {
					b[j] -= 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// checkLength counts runes rather than bytes so that a code typed with, say,
// full-width digits is reported as a charset problem, which is what the user
// has to fix, rather than as a confusing length problem.
func checkLength(s string, n int) error {
	if utf8.RuneCountInString(s) != n {
		return fail(RuleLength)
	}
	return nil
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}
