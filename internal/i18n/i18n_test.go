package i18n

import (
	"net/http/httptest"
	"strings"
	"testing"
)

func TestCataloguesHaveSameKeys(t *testing.T) {
	zh, en := map[string]bool{}, map[string]bool{}
	for _, k := range Keys(ZH) {
		zh[k] = true
	}
	for _, k := range Keys(EN) {
		en[k] = true
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
		a, b := catalogues[ZH][k], catalogues[EN][k]
		if strings.Count(a, "%") != strings.Count(b, "%") {
			t.Errorf("key %q: zh-CN %q and en %q use different placeholders", k, a, b)
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
