package hanzi

import (
	"slices"
	"strings"
	"testing"
)

func TestInitialsAndReading(t *testing.T) {
	for _, c := range []struct{ name, initials, reading string }{
		{"张中喜", "zzx", "zhang zhong xi"},
		{"北京排水集团", "bjpsjt", "bei jing pai shui ji tuan"},
		{"ABC科技", "abckj", "a b c ke ji"},
		{"阿依古丽·买买提", "ayglmmt", "a yi gu li mai mai ti"},
		{"", "", ""},
	} {
		if got := Initials(c.name); got != c.initials {
			t.Errorf("Initials(%q) = %q, want %q", c.name, got, c.initials)
		}
		if got := Reading(c.name); got != c.reading {
			t.Errorf("Reading(%q) = %q, want %q", c.name, got, c.reading)
		}
	}
}

// The districts of Beijing in character-code order are not in the order
// people read them; by reading they are.
func TestReadingSortsLikeADictionary(t *testing.T) {
	names := []string{"密云区", "东城区", "大兴区", "丰台区", "昌平区"}
	slices.SortFunc(names, func(a, b string) int { return strings.Compare(Reading(a), Reading(b)) })
	want := []string{"昌平区", "大兴区", "东城区", "丰台区", "密云区"}
	if !slices.Equal(names, want) {
		t.Fatalf("sorted %v, want %v", names, want)
	}
}

func TestSearchKeyFindsShortNamesAndInitials(t *testing.T) {
	key := SearchKey("北京城市排水集团有限责任公司工会", "北京排水集团工会")
	for _, q := range []string{"排水集团", "北京排水集团", "bjpsjt", "BJPSJT", "bjcspsjt"} {
		if !strings.Contains(key, FoldQuery(q)) {
			t.Errorf("key %q does not hold %q", key, q)
		}
	}
	// No match across the end of one name and the start of the next.
	if strings.Contains(key, "工会北京") {
		t.Errorf("key %q joins names", key)
	}
	if SearchKey("", "  ") != "" {
		t.Error("empty names give a key")
	}
}
