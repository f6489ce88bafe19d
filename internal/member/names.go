package member

import (
	"strings"
	"unicode"

	"github.com/mozillazg/go-pinyin"

	"gonghui/internal/cnid"
)

var pinyinArgs = func() pinyin.Args {
	a := pinyin.NewArgs()
	a.Style = pinyin.FirstLetter
	// Keep Latin letters of mixed names as they are.
	a.Fallback = func(r rune, _ pinyin.Args) []string {
		if r < unicode.MaxASCII && unicode.IsLetter(r) {
			return []string{strings.ToLower(string(r))}
		}
		return nil
	}
	return a
}()

// initials returns the lower-case pinyin initials of a name, "zzx" for
// 张中喜. Surnames with a special reading (单 shan, 曾 zeng...) take the
// library's first reading; a search by initials is a convenience, the
// characters themselves stay the authority.
func initials(name string) string {
	var b strings.Builder
	for _, p := range pinyin.Pinyin(name, pinyinArgs) {
		if len(p) > 0 && p[0] != "" {
			b.WriteString(p[0][:1])
		}
	}
	return b.String()
}

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
