package web

import (
	"net/url"
	"strings"
	"testing"
)

// localURL guards every redirect target a visitor can choose (?next=, the
// language switch's back=): whatever comes in, the result must stay on this
// site.
func FuzzLocalURL(f *testing.F) {
	for _, s := range []string{"/", "/orgs?q=1", "//evil.example", "/\\evil.example", "https://evil.example/", "javascript:alert(1)", "/a\r\nSet-Cookie: x=1", "", "/%2f%2fevil", "/\t/evil.example"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := LocalURL(s, "/home")
		if got == "/home" {
			return
		}
		if got != s {
			t.Fatalf("localURL changed %q to %q", s, got)
		}
		if !strings.HasPrefix(got, "/") || strings.HasPrefix(got, "//") || strings.HasPrefix(got, "/\\") || strings.ContainsFunc(got, func(c rune) bool { return c < 0x20 || c == 0x7f }) {
			t.Fatalf("unsafe redirect target accepted: %q", got)
		}
		if u, err := url.Parse(got); err == nil && u.Host != "" {
			t.Fatalf("redirect target %q names a host %q", got, u.Host)
		}
	})
}
