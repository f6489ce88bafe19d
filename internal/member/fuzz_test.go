package member

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// Search input is untrusted: classifying it and deriving name keys must
// never panic, and the keys of valid text are valid text.
func FuzzSearchQuery(f *testing.F) {
	for _, s := range []string{"王伟", "zzx", "110101199003070011", "+86 138-1234-5678", "欧阳·娜娜", "\xff\xfe", "王", " ", "x", "1381234567X"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		k := classify(q)
		if k == queryIDNumber && len(q) != 18 {
			t.Fatalf("%q taken as an ID number", q)
		}
		name := cleanName(q)
		for _, g := range bigrams(name) {
			if utf8.ValidString(q) && (!utf8.ValidString(g) || utf8.RuneCountInString(g) != 2) {
				t.Fatalf("bigram %q of %q", g, q)
			}
		}
		in := initials(name)
		if strings.ToLower(in) != in {
			t.Fatalf("initials %q not lower case", in)
		}
		if name != "" && utf8.ValidString(name) {
			if n := nextString(name); n <= name {
				t.Fatalf("nextString(%q) = %q is not above it", name, n)
			}
		}
	})
}

// Cursors come back from clients: anything but our own is refused, never
// a panic.
func FuzzCursor(f *testing.F) {
	f.Add(makeCursor("path", "/1/2/", 3), "path")
	f.Add(makeCursor("name", "王伟", 9), "name")
	f.Add("", "id")
	f.Add("AAAA", "id")
	f.Fuzz(func(t *testing.T, c, order string) {
		key, id, err := ParseCursor(c, order)
		if err == nil && c != "" && (id <= 0 || makeCursor(order, key, id) != c) {
			t.Fatalf("cursor %q accepted as (%q, %d)", c, key, id)
		}
	})
}
