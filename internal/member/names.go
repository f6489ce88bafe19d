package member

import (
	"strings"
	"unicode"

	"gonghui/internal/cnid"
	"gonghui/internal/hanzi"
)

// initials returns the lower-case pinyin initials of a name, "zzx" for
// 张中喜 (internal/hanzi).
func initials(name string) string { return hanzi.Initials(name) }

// bigrams returns the distinct character pairs of a name, which the
// member_grams table indexes: any query of two or more characters contains
// one, so a two-character name such as 王伟 is found, which trigram indexes
// cannot do. Spaces and the middle dot are not part of any pair.
func bigrams(name string) []string {
	var rs []rune
	for _, r := range strings.ToLower(name) {
		if r != ' ' && r != '·' {
			rs = append(rs, r)
		}
	}
	var out []string
	seen := map[string]bool{}
	for i := 0; i+1 < len(rs); i++ {
		g := string(rs[i : i+2])
		if !seen[g] {
			seen[g] = true
			out = append(out, g)
		}
	}
	return out
}

// queryKind says how a search string is looked up.
type queryKind int

const (
	queryName     queryKind = iota // characters: bigrams (or a prefix for one)
	queryInitials                  // ASCII letters: pinyin initials prefix
	queryIDNumber                  // 18 characters of an ID number: exact, by hash
	queryMobile                    // 11 digits: exact, by hash
)

func classify(q string) queryKind {
	if strings.Trim(q, "0123456789+- ") == "" {
		if _, err := cnid.NormalizeMobile(q); err == nil {
			return queryMobile
		}
	}
	allLetters, allDigits := true, true
	for i, r := range q {
		isDigit := r >= '0' && r <= '9'
		isX := (r == 'x' || r == 'X') && i == len(q)-1
		if !isDigit && !isX {
			allDigits = false
		}
		if !(r < unicode.MaxASCII && unicode.IsLetter(r)) {
			allLetters = false
		}
	}
	switch {
	case allLetters:
		return queryInitials
	case allDigits && len(q) == 18:
		return queryIDNumber
	}
	return queryName
}
