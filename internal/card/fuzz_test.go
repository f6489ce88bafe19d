package card

import (
	"strings"
	"testing"
)

// The fuzz targets assert properties rather than fixed answers: no panic, only
// coded errors, and whatever is accepted is canonical: writing it back gives
// the input, trimmed and upper-cased. Seeds live both in f.Add calls and in
// testdata/fuzz/<FuzzName>/.

func FuzzParse(f *testing.F) {
	s := testSigner(f, 1, 0x11)
	p := mustSign(f, s, typical())
	for _, seed := range []string{
		p, strings.ToLower(p), " " + p + "\n", p + "A", p[:len(p)-1], Prefix,
		raw(goodParts()...), raw(with(6, strings.Repeat("张", 10))...),
		raw(with(1, []byte{0x87, 0xad, 0xcb, 0x80, 0x00})...), "GHC1:" + strings.Repeat("7", 200),
		"", "ghc1:", "GHC1:====", "\u3000" + p,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		c, signed, sig, keyID, err := Parse(in)
		if err != nil {
			wantMalformed(t, err, in)
			return
		}
		canon := Prefix + strings.ToUpper(strings.TrimSpace(in)[len(Prefix):])
		if len(canon) > MaxPayloadLen {
			t.Fatalf("accepted %d characters", len(canon))
		}
		if len(sig) != sigLen || len(signed) < 2 || signed[0] != Version || signed[1] != keyID {
			t.Fatalf("bad parts: signed %x, sig %d bytes, key id %d", signed, len(sig), keyID)
		}
		// The claims alone (with the key id and signature) give back the
		// input: one card, one encoding.
		b, err := bodyOf(keyID, c)
		if err != nil {
			t.Fatalf("accepted claims that Sign would refuse: %+v: %v", c, err)
		}
		again := b.append(nil)
		if string(again) != string(signed) {
			t.Fatalf("signed part re-encodes differently:\n got %x\nwant %x", again, signed)
		}
		if out := text(append(again, sig...)); out != canon {
			t.Fatalf("text re-encodes differently:\n got %s\nwant %s", out, canon)
		}
		// And the claims survive a real signature.
		c2, _, _, _, err := Parse(mustSign(t, Signer{KeyID: keyID, Key: s.Key}, c))
		if err != nil || !sameClaims(c2, c) {
			t.Fatalf("re-signed claims differ: %+v, %v", c2, err)
		}
	})
}

func FuzzParsePublicKeyText(f *testing.F) {
	pub := testSigner(f, 1, 0x11).PublicKey()
	for _, seed := range []string{
		PublicKeyText(0, pub), PublicKeyText(255, pub), " " + PublicKeyText(7, pub) + "\n",
		"ghc1-ed25519:01:" + PublicKeyText(1, pub)[len("ghc1-ed25519:1:"):],
		"ghc1-ed25519:1:", "", "ghc1-ed25519:256:AAAA",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		id, key, err := ParsePublicKeyText(in)
		if err != nil {
			if key != nil || id != 0 {
				t.Fatalf("answers beside the error: %d %x", id, key)
			}
			if _, _, err := ParsePublicKeyText(in); err == nil {
				t.Fatal("not deterministic")
			}
			return
		}
		if len(key) != 32 {
			t.Fatalf("key of %d bytes", len(key))
		}
		if out := PublicKeyText(id, key); out != strings.TrimSpace(in) {
			t.Fatalf("re-encodes as %q, not %q", out, strings.TrimSpace(in))
		}
	})
}
