package pii

import (
	"path/filepath"
	"testing"
)

// Check values tell installations and keys apart, never contain a key, and
// a process that did not rotate picks the new key up with Reload.
func TestCheckValuesAndReload(t *testing.T) {
	for _, p := range []Profile{Standard, GM} {
		t.Run(string(p), func(t *testing.T) {
			a, b := fixedKeyring(t, p, "a"), fixedKeyring(t, p, "b")
			if a.CheckValue() == b.CheckValue() || a.CheckValue() != fixedKeyring(t, p, "a").CheckValue() || len(a.CheckValue()) != 2*checkLen {
				t.Fatalf("installation check values: %s %s", a.CheckValue(), b.CheckValue())
			}
			f := fixedFile(p, "a")
			f.Keys["k1"] = fixedFile(p, "c").Keys["k1"] // same hash key, another data key
			c, err := Parse(keyFileJSON(t, f))
			if err != nil {
				t.Fatal(err)
			}
			if c.CheckValue() != a.CheckValue() || c.KeyCheckValues()["k1"] == a.KeyCheckValues()["k1"] {
				t.Fatal("a different data key under the same id is not told apart")
			}

			path := filepath.Join(t.TempDir(), "keys.json")
			rotator, server := createAndLoad(t, path, p)
			id, err := rotator.Rotate(path)
			if err != nil {
				t.Fatal(err)
			}
			sealed, _ := rotator.SealString("x", "aad")
			if SealedWith(sealed) != id || SealedWith("nonsense") != "" {
				t.Fatalf("SealedWith(%q)", sealed)
			}
			if _, err := server.OpenString(sealed, "aad"); err == nil {
				t.Fatal("opened before reload")
			}
			if err := server.Reload(path); err != nil {
				t.Fatal(err)
			}
			if server.Current() != "k1" {
				t.Fatal("Reload switched the current key")
			}
			if v, err := server.OpenString(sealed, "aad"); err != nil || v != "x" {
				t.Fatalf("after reload: %q %v", v, err)
			}
			if server.KeyCheckValues()[id] != rotator.KeyCheckValues()[id] {
				t.Fatal("check values of one key differ between processes")
			}
			if err := server.UseCurrent(id); err != nil || server.Current() != id || server.NeedsRewrap(sealed) {
				t.Fatalf("UseCurrent: %v", err)
			}
			if err := server.UseCurrent("k9"); err == nil {
				t.Fatal("UseCurrent of a key not held")
			}
			other := filepath.Join(t.TempDir(), "other.json")
			if _, err := LoadOrCreate(other, p); err != nil {
				t.Fatal(err)
			}
			if err := server.Reload(other); err == nil {
				t.Fatal("reloaded another installation's key file")
			}
		})
	}
}
