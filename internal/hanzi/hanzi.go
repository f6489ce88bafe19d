// Package hanzi turns Chinese names into the keys people search and sort
// them by: pinyin initials (people type "bjpsjt" for 北京排水集团), the short
// names (简称) they use beside the registered ones, and the pinyin order a
// list of names is expected in (character-code order puts 东城 before 大兴).
package hanzi

import (
	"strings"
	"unicode"

	"github.com/mozillazg/go-pinyin"
)

func args(style int) pinyin.Args {
	a := pinyin.NewArgs()
	a.Style = style
	// Latin letters and digits of mixed names stay as they are; other
	// characters (punctuation, the middle dot) have no reading.
	a.Fallback = func(r rune, _ pinyin.Args) []string {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			return []string{strings.ToLower(string(r))}
		}
		return nil
	}
	return a
}

var (
	initialArgs = args(pinyin.FirstLetter)
	readingArgs = args(pinyin.Normal)
)

// Initials returns the lower-case pinyin initials of a name, "zzx" for
// 张中喜. Characters with several readings take the library's first; a
// search by initials is a convenience, the characters stay the authority.
func Initials(name string) string {
	var b strings.Builder
	for _, p := range pinyin.Pinyin(name, initialArgs) {
		if len(p) > 0 && p[0] != "" {
			b.WriteString(p[0][:1])
		}
	}
	return b.String()
}

// Reading returns a name's toneless pinyin syllables joined by spaces,
// "bei jing" for 北京: sorting by it gives the dictionary order people
// expect of Chinese names.
func Reading(name string) string {
	var parts []string
	for _, p := range pinyin.Pinyin(name, readingArgs) {
		if len(p) > 0 && p[0] != "" {
			parts = append(parts, p[0])
		}
	}
	return strings.Join(parts, " ")
}

// keySep separates the parts of a search key, so that a search cannot match
// across the end of one name and the start of the next. Search input never
// holds it: callers refuse control characters.
const keySep = "\x1f"

// SearchKey is what a substring search over names looks in: each non-empty
// name (the registered one, a short name…) in lower case and its pinyin
// initials. A name search of "排水集团", "北京排水集团" (a short name) or
// "psjt" finds 北京城市排水集团有限责任公司工会 when its short name is set.
func SearchKey(names ...string) string {
	var parts []string
	for _, n := range names {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		parts = append(parts, strings.ToLower(n))
		if in := Initials(n); in != "" {
			parts = append(parts, in)
		}
	}
	return strings.Join(parts, keySep)
}

// FoldQuery puts a search string in the form SearchKey stores.
func FoldQuery(q string) string { return strings.ToLower(strings.TrimSpace(q)) }
