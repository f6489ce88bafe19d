package member

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"gonghui/internal/sheet"
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
		key, id, err := parseCursor(c, order)
		if err == nil && c != "" && (id <= 0 || makeCursor(order, key, id) != c) {
			t.Fatalf("cursor %q accepted as (%q, %d)", c, key, id)
		}
	})
}

// Cells of an uploaded roster: dates and tags parse to valid values or
// are refused.
func FuzzImportCell(f *testing.F) {
	for _, s := range []string{"2020-01-02", "2020/1/2", "2020年1月2日", "20200102", "2020-02-30", "43831", "2020年3月", "劳模、党员", "king", "１２", "9999999999"} {
		f.Add(s)
	}
	r, err := sheet.Open(strings.NewReader("a,b\n"), 4, sheet.Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if d, ok := parseImportDate(r, s); ok {
			if _, err := time.Parse(time.DateOnly, d); err != nil {
				t.Fatalf("%q parsed to %q", s, d)
			}
		}
		if tags, ok := parseTags(s); ok {
			if _, ok := tagBits(tags); !ok {
				t.Fatalf("%q parsed to unknown tags %v", s, tags)
			}
		}
		_ = isHeader(strings.Split(s, ","))
	})
}
