package checkcode

import (
	"strings"
	"testing"
	"time"
)

func TestMakeParseVerify(t *testing.T) {
	secret := []byte("k")
	t0 := time.Unix(1_800_000_000, 0)
	code, until := Make("GHK1:", secret, 7, 42, 30, t0)
	if until.Sub(t0) > 30*time.Second || !until.After(t0) {
		t.Fatalf("until %v", until)
	}
	for _, s := range []string{code, strings.ToLower(code), "https://x.example/m/checkin?code=" + code, "https://x.example/c/" + code} {
		c, err := Parse("GHK1:", s)
		if err != nil || c.Owner != 7 || c.Point != 42 {
			t.Fatalf("%q: %+v %v", s, c, err)
		}
		if err := c.Verify(secret, 30, t0.Add(30*time.Second)); err != nil {
			t.Fatalf("next period: %v", err)
		}
		if err := c.Verify(secret, 30, t0.Add(61*time.Second)); !Error(err) {
			t.Fatalf("two periods later: %v", err)
		}
		if err := c.Verify([]byte("other"), 30, t0); !Error(err) {
			t.Fatalf("other key: %v", err)
		}
	}
	if _, err := Parse("GHA1:", code); !Error(err) {
		t.Fatalf("a course code read as an activity code: %v", err)
	}
	if p := Prefix("https://h/m/checkin?code="+code, "GHA1:", "GHK1:"); p != "GHK1:" {
		t.Fatalf("prefix %q", p)
	}
	static, until := Make("GHA1:", secret, 1, 2, 0, t0)
	c, _ := Parse("GHA1:", static)
	if !until.IsZero() || c.Verify(secret, 0, t0.Add(1000*time.Hour)) != nil {
		t.Fatal("a static code expired")
	}
}

func FuzzParse(f *testing.F) {
	code, _ := Make("GHA1:", []byte("s"), 123456789, 9, 30, time.Unix(1_790_000_000, 0))
	for _, s := range []string{code, "https://h/m/checkin?code=" + code, "GHA1:", "GHA1:AAAAAAAAAAAAAAAAAAAAAA", "", "/m/checkin/" + code, "GHC1:ABC", "%zz/\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := Parse("GHA1:", s)
		if err != nil {
			if !Error(err) {
				t.Fatalf("%q: error without the code field: %v", s, err)
			}
			return
		}
		if c.Owner <= 0 || c.Point <= 0 || !c.Valid() {
			t.Fatalf("%q parsed to %+v", s, c)
		}
		_ = Prefix(s, "GHA1:", "GHK1:")
	})
}
