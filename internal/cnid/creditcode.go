package cnid

import "strings"

// creditCharset is the GB 32100 alphabet. A character's index in it is its
// numeric value in the mod-31 check. I, O, Z, S and V are left out because
// they are easily misread as 1, 0, 2, 5 and U.
const creditCharset = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// creditWeights are 3^i mod 31 for positions 1 to 17.
var creditWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// orgWeights are the GB 11714 weights for the eight body characters of an
// organisation code.
var orgWeights = [8]int{3, 7, 9, 10, 5, 8, 4, 2}

// creditCategories maps each registration authority code (character 1) to
// the organisation category codes (character 2) it has defined. The table
// follows GB 32100-2015 and the authority codes assigned after it (A for the
// military establishment office, N for agricultural collectives). It is kept
// complete rather than "9 and Y only", as many validators do, because law
// firms (31...), trade unions (81...) and village collectives (N2...) are
// real employers and must not be rejected.
var creditCategories = map[byte]string{
	'1': "1239",   // establishment offices: organs, public institutions, mass organisations
	'2': "19",     // foreign affairs: resident foreign news agencies
	'3': "123459", // justice: law firms, notaries, legal services, forensics, arbitration
	'4': "19",     // culture: foreign cultural centres
	'5': "1239",   // civil affairs: associations, private non-enterprises, foundations
	'6': "129",    // tourism: representative offices of foreign and HK/Macao/Taiwan tourism bodies
	'7': "129",    // religious affairs: places of worship, religious schools
	'8': "19",     // trade unions
	'9': "123",    // market regulation: enterprises, individual businesses, farmer co-operatives
	'A': "19",     // Central Military Commission establishment office
	'N': "1239",   // agriculture: rural collective economic organisations
	'Y': "1",      // any other authority; the category is fixed at 1
}

// creditRegionOK reports whether a registration authority's division code is
// six digits starting with a province-level code, or with 10 for authorities at
// national level, whose division code is 100000.
func creditRegionOK(code string) bool {
	return allDigits(code) && (code[:2] == "10" || provinces[code[:2]])
}

func creditValue(c byte) int { return strings.IndexByte(creditCharset, c) }

// orgValue is a character's value under GB 11714, whose alphabet is the full
// A-Z (A=10 ... Z=35). That differs from the GB 32100 values for every letter
// after H, so the two checks cannot share a lookup table.
func orgValue(c byte) int {
	if isDigit(c) {
		return int(c - '0')
	}
	return int(c-'A') + 10
}

// orgCheck computes the GB 11714 check character of an 8-character body
// that has already been checked against creditCharset.
func orgCheck(body string) byte {
	sum := 0
	for i := 0; i < 8; i++ {
		sum += orgValue(body[i]) * orgWeights[i]
	}
	switch c := 11 - sum%11; c {
	case 10:
		return 'X'
	case 11:
		return '0'
	default:
		return byte('0' + c)
	}
}

// creditCheck computes the GB 32100 check character of 17 characters that
// have already been checked against creditCharset.
func creditCheck(first17 string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += creditValue(first17[i]) * creditWeights[i]
	}
	return creditCharset[(31-sum%31)%31]
}

func checkCreditCharset(s string) error {
	for i := 0; i < len(s); i++ {
		if creditValue(s[i]) < 0 {
			return fail(RuleCharset)
		}
	}
	return nil
}

// checkCreditStructure validates everything a credit code body carries apart
// from the two check characters: authority, category and division code.
func checkCreditStructure(s string) error {
	cats, ok := creditCategories[s[0]]
	if !ok {
		return fail(RulePrefix)
	}
	if strings.IndexByte(cats, s[1]) < 0 {
		return fail(RuleCategory)
	}
	if !creditRegionOK(s[2:8]) {
		return fail(RuleRegion)
	}
	return nil
}

// NormalizeCreditCode validates a unified social credit code (GB 32100-2015)
// and returns it trimmed and upper-cased.
//
// Rules are checked from the coarsest to the finest, so that the reported
// rule points at what the user should look at first: length, charset,
// prefix (unknown registration authority), category, region, org_code (the
// GB 11714 check character at position 17) and finally check (position 18).
// org_code comes before check because a typo inside the organisation code
// breaks both, and the narrower message is the more useful one.
func NormalizeCreditCode(s string) (string, error) {
	s = normalise(s)
	if err := checkLength(s, 18); err != nil {
		return "", err
	}
	if err := checkCreditCharset(s); err != nil {
		return "", err
	}
	if err := checkCreditStructure(s); err != nil {
		return "", err
	}
	if orgCheck(s[8:16]) != s[16] {
		return "", fail(RuleOrgCode)
	}
	if creditCheck(s[:17]) != s[17] {
		return "", fail(RuleCheck)
	}
	return s, nil
}

// CreditCodeCheck returns the GB 32100 check character for the first 17
// characters. It looks at the alphabet only, not at the meaning of the
// characters, so that it can serve as a plain checksum. The input is taken
// as is: it is not trimmed or upper-cased.
func CreditCodeCheck(first17 string) (byte, error) {
	if err := checkLength(first17, 17); err != nil {
		return 0, err
	}
	if err := checkCreditCharset(first17); err != nil {
		return 0, err
	}
	return creditCheck(first17), nil
}

// MakeCreditCode builds a valid code from a 17-char body whose chars 9-16
// are the org code body; it fixes char 17 (org code check) and appends char
// 18. Used by demo data and generators.
//
// Character 17 of body17 is overwritten, but must still be a credit-code
// character: accepting anything there would let a garbled body pass
// unnoticed. The body is normalised like NormalizeCreditCode's input and must
// carry a valid authority, category and division code, so that whatever this
// returns is accepted by NormalizeCreditCode.
func MakeCreditCode(body17 string) (string, error) {
	s := normalise(body17)
	if err := checkLength(s, 17); err != nil {
		return "", err
	}
	if err := checkCreditCharset(s); err != nil {
		return "", err
	}
	if err := checkCreditStructure(s); err != nil {
		return "", err
	}
	b := []byte(s[:16])
	b = append(b, orgCheck(s[8:16]))
	b = append(b, creditCheck(string(b)))
	return string(b), nil
}
