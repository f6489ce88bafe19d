package httpx

import (
	"strings"
	"testing"
)

// The pages' policy allows pictures from the configured tile server's
// origin only, and a template that could smuggle a directive in is
// refused.
func TestPageCSP(t *testing.T) {
	base := "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
	if got := PageCSP(""); got != base {
		t.Fatalf("no tiles: %q", got)
	}
	got := PageCSP("https://tiles.example.cn:8443/maps/{z}/{x}/{y}.png?style=7")
	if !strings.Contains(got, "img-src 'self' data: blob: https://tiles.example.cn:8443;") || strings.Count(got, "tiles.example.cn") != 1 {
		t.Fatalf("with tiles: %q", got)
	}
	for _, bad := range []string{
		"tiles.example/{z}/{x}/{y}.png",
		"ftp://tiles.example/{z}/{x}/{y}.png",
		"https://tiles.example/{z}/{x}.png",
		"https://tiles.example;script-src *;/{z}/{x}/{y}.png",
		"https://user:pw@tiles.example/{z}/{x}/{y}.png",
		"https:///{z}/{x}/{y}.png",
		"https://tiles.example /{z}/{x}/{y}.png",
	} {
		if o, err := TileOrigin(bad); err == nil {
			t.Errorf("%q accepted as %q", bad, o)
		}
		if PageCSP(bad) != base {
			t.Errorf("%q reached the policy", bad)
		}
	}
	if o, err := TileOrigin("http://127.0.0.1:34567/{z}/{x}/{y}.png"); err != nil || o != "http://127.0.0.1:34567" {
		t.Fatalf("local tiles: %q %v", o, err)
	}
}

// FuzzTileOrigin: whatever an operator types, an accepted origin has no
// character that could end or add a directive.
func FuzzTileOrigin(f *testing.F) {
	f.Add("https://tiles.example/{z}/{x}/{y}.png")
	f.Add("http://[::1]:8080/{z}/{x}/{y}")
	f.Add("https://a;b/{z}/{x}/{y}")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		o, err := TileOrigin(s)
		if err != nil || o == "" {
			return
		}
		if strings.ContainsAny(o, "; ,'\"\t\n\r") || !strings.HasPrefix(o, "http") {
			t.Fatalf("%q gave the origin %q", s, o)
		}
	})
}
