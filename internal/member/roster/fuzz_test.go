package roster

import (
	"strings"
	"testing"
	"time"

	"gonghui/internal/member"
	"gonghui/internal/sheet"
)

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
			if !knownTags(tags) {
				t.Fatalf("%q parsed to unknown tags %v", s, tags)
			}
		}
		_ = isHeader(strings.Split(s, ","))
	})
}

func knownTags(tags []string) bool {
	for _, t := range tags {
		if member.Tag(strings.TrimSpace(t)).Bit() == 0 {
			return false
		}
	}
	return true
}
