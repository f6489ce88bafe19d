package i18n

import (
	"net/http/httptest"
	"strings"
	"testing"
)

func TestCataloguesHaveSameKeys(t *testing.T) {
	zh, en := map[string]bool{}, map[string]bool{}
	// Plural variants (KEY:one, KEY:other) stand for KEY.
	for _, k := range Keys(ZH) {
		zh[BaseKey(k)] = true
	}
	for _, k := range Keys(EN) {
		en[BaseKey(k)] = true
	}
	for k := range zh {
		if !en[k] {
			t.Errorf("key %q is in zh-CN but not in en", k)
		}
	}
	for k := range en {
		if !zh[k] {
			t.Errorf("key %q is in en but not in zh-CN", k)
		}
	}
	if len(zh) == 0 {
		t.Fatal("no messages loaded")
	}
}

func TestPlaceholdersMatch(t *testing.T) {
	for _, k := range Keys(ZH) {
		a := catalogues[ZH][k]
		for _, suffix := range []string{"", ":one", ":other"} {
			if b, ok := catalogues[EN][k+suffix]; ok && strings.Count(a, "%") != strings.Count(b, "%") {
				t.Errorf("key %q: zh-CN %q and en %q use different placeholders", k+suffix, a, b)
			}
		}
	}
}

func TestFromRequest(t *testing.T) {
	cases := []struct {
		url, cookie, accept string
		want                Lang
	}{
		{"/", "", "", ZH},
		{"/", "", "en-US,en;q=0.9", EN},
		{"/", "", "fr,en;q=0.5", EN},
		{"/", "en", "zh-CN", EN},
		{"/?lang=zh-CN", "en", "en", ZH},
		{"/?lang=xx", "", "", ZH},
	}
	for _, c := range cases {
		r := httptest.NewRequest("GET", c.url, nil)
		if c.cookie != "" {
			r.Header.Set("Cookie", "lang="+c.cookie)
		}
		if c.accept != "" {
			r.Header.Set("Accept-Language", c.accept)
		}
		if got := FromRequest(r); got != c.want {
			t.Errorf("%+v: got %s", c, got)
		}
	}
}

func TestTFallsBack(t *testing.T) {
	if got := T(EN, "no.such.key"); got != "no.such.key" {
		t.Errorf("got %q", got)
	}
	if got := T(ZH, "error.not_found"); got == "error.not_found" {
		t.Errorf("common key missing")
	}
}

func TestPlurals(t *testing.T) {
	cases := []struct {
		lang Lang
		n    any
		want string
	}{
		{EN, 1, "1 place left"},
		{EN, 2, "2 places left"},
		{EN, 0, "0 places left"},
		{EN, int64(1), "1 place left"},
	}
	for _, c := range cases {
		if got := T(c.lang, "portal.act.places.left", c.n); got != c.want {
			t.Errorf("%s %v: got %q, want %q", c.lang, c.n, got, c.want)
		}
	}
	if zh1, zh2 := T(ZH, "portal.act.places.left", 1), T(ZH, "portal.act.places.left", 2); zh1 == "portal.act.places.left" || strings.Contains(zh1, "2") || !strings.Contains(zh2, "2") {
		t.Errorf("zh-CN: %q, %q", zh1, zh2)
	}
	// Every English plural has both variants, and each language has the key
	// one way or the other.
	for _, k := range Keys(EN) {
		if b := BaseKey(k); b != k {
			if _, one := catalogues[EN][b+":one"]; !one {
				t.Errorf("%q has no :one variant", b)
			}
			if _, other := catalogues[EN][b+":other"]; !other {
				t.Errorf("%q has no :other variant", b)
			}
			if !Has(b) {
				t.Errorf("%q is not in zh-CN", b)
			}
		}
	}
	if !Has("audit.page.total") || T(EN, "audit.page.total", 1) != "1 entry" || T(EN, "audit.page.total", 3) != "3 entries" {
		t.Errorf("audit.page.total: %q, %q", T(EN, "audit.page.total", 1), T(EN, "audit.page.total", 3))
	}
}
