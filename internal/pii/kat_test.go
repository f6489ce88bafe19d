package pii

import (
	"bytes"
	"crypto/cipher"
	"crypto/hmac"
	"encoding/hex"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/emmansun/gmsm/sm3"
	"github.com/emmansun/gmsm/sm4"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The known-answer tests prove that the GM profile runs the real national
// standard algorithms, not something merely named after them.

// GB/T 32907-2016 Appendix A, example 1 (and example 2: the same block
// encrypted 1,000,000 times).
func TestSM4KnownAnswer(t *testing.T) {
	key := unhex(t, "0123456789abcdeffedcba9876543210")
	c, err := sm4.NewCipher(key)
	if err != nil {
		t.Fatal(err)
	}
	got := make([]byte, 16)
	c.Encrypt(got, key) // the standard's plaintext equals its key
	if want := unhex(t, "681edf34d206965e86b3e94f536e4246"); !bytes.Equal(got, want) {
		t.Fatalf("SM4 = %x, want %x", got, want)
	}
	back := make([]byte, 16)
	c.Decrypt(back, got)
	if !bytes.Equal(back, key) {
		t.Fatalf("SM4 decrypt = %x", back)
	}
	if testing.Short() {
		return
	}
	buf := bytes.Clone(key)
	for i := 0; i < 1_000_000; i++ {
		c.Encrypt(buf, buf)
	}
	if want := unhex(t, "595298c7c6fd271f0402f804c33d3f66"); !bytes.Equal(buf, want) {
		t.Fatalf("SM4 x1e6 = %x, want %x", buf, want)
	}
}

// GB/T 32905-2016 Appendix A, examples 1 and 2, through the same hash
// constructor the GM suite uses.
func TestSM3KnownAnswer(t *testing.T) {
	cases := []struct{ in, want string }{
		{"abc", "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"},
		{strings.Repeat("abcd", 16), "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"},
	}
	for _, c := range cases {
		sum := sm3.Sum([]byte(c.in))
		if got := hex.EncodeToString(sum[:]); got != c.want {
			t.Errorf("sm3.Sum(%q) = %s, want %s", c.in, got, c.want)
		}
		h := suites[GM].newHash()
		h.Write([]byte(c.in))
		if got := hex.EncodeToString(h.Sum(nil)); got != c.want {
			t.Errorf("GM suite hash(%q) = %s, want %s", c.in, got, c.want)
		}
	}
}

// TestHMACSM3 rebuilds HMAC (RFC 2104) by hand from sm3.Sum, so the keyed
// hash is shown to be HMAC over SM3 and not just "some hash".
func TestHMACSM3(t *testing.T) {
	key := derive("hmac", 32)
	msg := []byte("\x00\x00\x00\x06mobile13800138000")
	var ipad, opad [64]byte
	copy(ipad[:], key)
	copy(opad[:], key)
	for i := range ipad {
		ipad[i] ^= 0x36
		opad[i] ^= 0x5c
	}
	inner := sm3.Sum(append(ipad[:], msg...))
	outer := sm3.Sum(append(opad[:], inner[:]...))
	m := hmac.New(suites[GM].newHash, key)
	m.Write(msg)
	if got := m.Sum(nil); !bytes.Equal(got, outer[:]) {
		t.Fatalf("HMAC-SM3 = %x, want %x", got, outer)
	}
}

// RFC 8998 Appendix A.1 (SM4-GCM) and GCM spec test case 14 (AES-256-GCM),
// through the AEAD constructor the keyring uses.
func TestGCMKnownAnswer(t *testing.T) {
	cases := []struct {
		p                     Profile
		key, iv, aad, pt, out string
	}{
		{
			GM, "0123456789abcdeffedcba9876543210", "00001234567800000000abcd", "feedfacedeadbeeffeedfacedeadbeefabaddad2",
			"aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbbccccccccccccccccddddddddddddddddeeeeeeeeeeeeeeeeffffffffffffffffeeeeeeeeeeeeeeeeaaaaaaaaaaaaaaaa",
			"17f399f08c67d5ee19d0dc9969c4bb7d5fd46fd3756489069157b282bb200735d82710ca5c22f0ccfa7cbf93d496ac15a56834cbcf98c397b4024a2691233b8d" +
				"83de3541e4c2b58177e065a9bf7b62ec",
		},
		{
			Standard, strings.Repeat("00", 32), strings.Repeat("00", 12), "", strings.Repeat("00", 16),
			"cea7403d4d606b6e074ec5d3baf39d18" + "d0d1c8a799996bf0265b98b5d48ab919",
		},
	}
	for _, c := range cases {
		aead, err := suites[c.p].newAEAD(unhex(t, c.key))
		if err != nil {
			t.Fatal(err)
		}
		got := aead.Seal(nil, unhex(t, c.iv), unhex(t, c.pt), unhex(t, c.aad))
		if want := unhex(t, c.out); !bytes.Equal(got, want) {
			t.Errorf("%s: GCM = %x, want %x", c.p, got, want)
		}
		pt, err := aead.Open(nil, unhex(t, c.iv), got, unhex(t, c.aad))
		if err != nil || !bytes.Equal(pt, unhex(t, c.pt)) {
			t.Errorf("%s: GCM open = %x, %v", c.p, pt, err)
		}
	}
}

// blockOnly hides gmsm's NewGCM method, so cipher.NewGCM falls back to the
// standard library's generic GCM over the SM4 block.
type blockOnly struct{ cipher.Block }

// TestSM4GCMMatchesStdlib compares gmsm's accelerated SM4-GCM (what the
// keyring runs) with the standard library's generic GCM over the same block
// on many lengths, including the in-place Open the keyring uses.
func TestSM4GCMMatchesStdlib(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 500; i++ {
		key := make([]byte, 16)
		for j := range key {
			key[j] = byte(r.Uint32())
		}
		fast, err := suites[GM].newAEAD(key)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := sm4.NewCipher(key)
		ref, err := cipher.NewGCM(blockOnly{b})
		if err != nil {
			t.Fatal(err)
		}
		nonce := make([]byte, 12)
		pt := make([]byte, r.IntN(300))
		ad := make([]byte, r.IntN(80))
		for _, s := range [][]byte{nonce, pt, ad} {
			for j := range s {
				s[j] = byte(r.Uint32())
			}
		}
		a := fast.Seal(nil, nonce, pt, ad)
		want := ref.Seal(nil, nonce, pt, ad)
		if !bytes.Equal(a, want) {
			t.Fatalf("len %d/%d: gmsm GCM %x != stdlib %x", len(pt), len(ad), a, want)
		}
		ct := bytes.Clone(a)
		got, err := fast.Open(ct[:0], nonce, ct, ad)
		if err != nil || !bytes.Equal(got, pt) {
			t.Fatalf("len %d: in-place open = %v", len(pt), err)
		}
	}
}
