package pii

import (
	"errors"
	"testing"
)

// FuzzOpen: arbitrary sealed strings and aads never panic and fail only with
// the typed errors; the only inputs that open are the ones Seal produced,
// with their own aad and profile. Seeds are reproducible (fixed keys, seeded
// nonces), so the fuzzer's cached corpus stays meaningful across runs.
func FuzzOpen(f *testing.F) {
	type origin struct {
		p       Profile
		aad, pt string
	}
	rings := map[Profile]*Keyring{}
	made := map[string]origin{}
	for _, p := range profiles {
		k := fixedKeyring(f, p, "fuzz")
		rings[p] = k
		for _, c := range []struct{ pt, aad string }{
			{"110101199003074514", "member.id_number"},
			{"13800138000", "member.mobile"},
			{"", ""},
			{"JBSWY3DPEHPK3PXP", "user.totp_secret"},
		} {
			s, err := k.SealString(c.pt, c.aad)
			if err != nil {
				f.Fatal(err)
			}
			made[s] = origin{p, c.aad, c.pt}
			f.Add(s, c.aad)
			f.Add(s, c.aad+"x")
		}
	}
	for _, s := range []string{"", ":", "k1:", "k2:AAAA", "k9:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGw", "\xff:\x00"} {
		f.Add(s, "")
	}
	f.Fuzz(func(t *testing.T, sealed, aad string) {
		for _, p := range profiles {
			k := rings[p]
			k.NeedsRewrap(sealed)
			k.Hash(aad, sealed)
			pt, err := k.Open(sealed, aad)
			if err != nil {
				if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrTampered) && !errors.Is(err, ErrUnknownKey) {
					t.Fatalf("untyped error: %v", err)
				}
				continue
			}
			o, ok := made[sealed]
			if !ok || o.p != p || o.aad != aad || o.pt != string(pt) {
				t.Fatalf("%s: %q with aad %q opened to %q but was not sealed so", p, sealed, aad, pt)
			}
		}
	})
}
