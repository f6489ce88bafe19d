package card

import (
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"

	"gonghui/internal/errs"
	"gonghui/internal/i18n"
)

func TestSignCheckRoundTrip(t *testing.T) {
	s := testSigner(t, 1, 0x11)
	c := typical()
	p := mustSign(t, s, c)
	if !strings.HasPrefix(p, Prefix) {
		t.Fatalf("payload %q lacks the prefix", p)
	}
	for i := len(Prefix); i < len(p); i++ {
		if !isAlphanumeric(p[i]) || p[i] >= 'a' {
			t.Fatalf("payload has %q, outside the QR alphanumeric set", p[i])
		}
	}
	v := Verifier{Keys: map[byte]ed25519.PublicKey{1: s.PublicKey()}, Now: at(day(2027, 6, 1))}
	got, status, err := v.Check(p)
	if err != nil || status != StatusValid {
		t.Fatalf("Check = %v, %v", status, err)
	}
	want := c
	want.IssuedAt = day(2026, 3, 1) // the time of day is dropped
	if !sameClaims(got, want) {
		t.Fatalf("claims\n got %+v\nwant %+v", got, want)
	}
	if got.IssuedAt.Hour() != 0 || got.ValidUntil.Format("2006-01-02 15:04 -0700") != "2029-02-28 00:00 +0800" {
		t.Fatalf("dates are not midnight UTC+8: %v, %v", got.IssuedAt, got.ValidUntil)
	}
	// Signing is deterministic (Ed25519), so the payload is too.
	if again := mustSign(t, s, c); again != p {
		t.Fatalf("signing twice differs")
	}
}

func TestDaysInChinaTime(t *testing.T) {
	s := testSigner(t, 1, 0x11)
	c := typical()
	// 2026-03-01 16:30 UTC is already 2 March in Beijing.
	c.IssuedAt = time.Date(2026, 3, 1, 16, 30, 0, 0, time.UTC)
	// 2029-02-28 23:59 in New York is 1 March in Beijing.
	ny := time.FixedZone("EST", -5*60*60)
	c.ValidUntil = time.Date(2029, 2, 28, 23, 59, 0, 0, ny)
	got, _, _, _, err := Parse(mustSign(t, s, c))
	if err != nil {
		t.Fatal(err)
	}
	if !got.IssuedAt.Equal(day(2026, 3, 2)) || !got.ValidUntil.Equal(day(2029, 3, 1)) {
		t.Fatalf("got %v – %v", got.IssuedAt, got.ValidUntil)
	}
	if want := day(2029, 3, 2); !got.ExpiresAt().Equal(want) {
		t.Fatalf("ExpiresAt = %v, want %v", got.ExpiresAt(), want)
	}
	// The extremes of the range survive the round trip.
	c.IssuedAt, c.ValidUntil = day(2000, 1, 1), day(2000, 1, 1)
	if got, _, _, _, err = Parse(mustSign(t, s, c)); err != nil || !got.ValidUntil.Equal(day(2000, 1, 1)) {
		t.Fatalf("day 0: %v, %v", got.ValidUntil, err)
	}
	c.IssuedAt, c.ValidUntil = dateOf(MaxDays), dateOf(2*MaxDays)
	if got, _, _, _, err = Parse(mustSign(t, s, c)); err != nil || !got.ValidUntil.Equal(dateOf(2*MaxDays)) {
		t.Fatalf("last days: %v, %v", got.ValidUntil, err)
	}
}

func TestStatuses(t *testing.T) {
	s := testSigner(t, 1, 0x11)
	c := typical()
	p := mustSign(t, s, c)
	keys := map[byte]ed25519.PublicKey{1: s.PublicKey()}
	end := day(2029, 3, 1) // midnight after the ValidUntil day

	check := func(t *testing.T, v Verifier, payload string, want Status) Claims {
		t.Helper()
		got, status, err := v.Check(payload)
		if err != nil {
			t.Fatalf("Check: %v", err)
		}
		if status != want {
			t.Fatalf("status %q, want %q", status, want)
		}
		return got
	}

	t.Run("valid to the last instant", func(t *testing.T) {
		check(t, Verifier{Keys: keys, Now: at(end.Add(-time.Nanosecond))}, p, StatusValid)
		check(t, Verifier{Keys: keys, Now: at(day(2026, 3, 1))}, p, StatusValid)
	})
	t.Run("expired", func(t *testing.T) {
		check(t, Verifier{Keys: keys, Now: at(end)}, p, StatusExpired)
		check(t, Verifier{Keys: keys, Now: at(day(2031, 1, 1))}, p, StatusExpired)
	})
	t.Run("revoked", func(t *testing.T) {
		var seen Claims
		v := Verifier{Keys: keys, Now: at(day(2027, 1, 1)), Revoked: func(c Claims) (bool, error) {
			seen = c
			return c.Serial < 3, nil // the member holds card 3 now
		}}
		check(t, v, p, StatusRevoked)
		if seen.MemberID != c.MemberID || seen.Serial != c.Serial {
			t.Fatalf("callback saw %+v", seen)
		}
		c3 := c
		c3.Serial = 3
		check(t, v, mustSign(t, s, c3), StatusValid)
		// Revocation wins over expiry: the member should use the new card.
		v.Now = at(end)
		check(t, v, p, StatusRevoked)
		check(t, v, mustSign(t, s, c3), StatusExpired)
	})
	t.Run("revocation check fails", func(t *testing.T) {
		boom := errors.New("database down")
		v := Verifier{Keys: keys, Now: at(day(2027, 1, 1)), Revoked: func(Claims) (bool, error) { return false, boom }}
		got, status, err := v.Check(p)
		if !errors.Is(err, boom) || status != "" || got.MemberID != c.MemberID {
			t.Fatalf("got %v, %q, %v", got.MemberID, status, err)
		}
	})
	t.Run("forged", func(t *testing.T) {
		revokedCalled := false
		v := Verifier{Keys: keys, Now: at(day(2027, 1, 1)), Revoked: func(Claims) (bool, error) {
			revokedCalled = true
			return false, nil
		}}
		bin := decodeText(t, p)

		// A flipped bit in the signature, at either end.
		for _, i := range []int{len(bin) - sigLen, len(bin) - 1} {
			b := append([]byte(nil), bin...)
			b[i] ^= 0x01
			check(t, v, text(b), StatusForged)
		}
		// A claim changed and re-encoded: the serial, then a name byte
		// (张 E5 BC A0 → 弡 E5 BC A1), each still well formed.
		b := append([]byte(nil), bin...)
		serialAt := 2 + 3 + 4 // version, key id, member id (3 bytes), org id (4 bytes)
		if b[serialAt] != 2 {
			t.Fatalf("layout changed: serial byte is %d", b[serialAt])
		}
		b[serialAt] = 9
		got := check(t, v, text(b), StatusForged)
		if got.Serial != 9 {
			t.Fatalf("forged claims not answered: %+v", got)
		}
		b = append([]byte(nil), bin...)
		nameAt := strings.Index(string(b), "张")
		b[nameAt+2]++
		got = check(t, v, text(b), StatusForged)
		if got.Name != "弡中喜" {
			t.Fatalf("forged name %q", got.Name)
		}
		// A key id the verifier does not know.
		b = append([]byte(nil), bin...)
		b[1] = 7
		got = check(t, v, text(b), StatusForged)
		if got.MemberID != c.MemberID {
			t.Fatalf("claims of an unknown key not answered: %+v", got)
		}
		// Signed by another key that claims the same id.
		other := testSigner(t, 1, 0x22)
		check(t, v, mustSign(t, other, c), StatusForged)
		if revokedCalled {
			t.Fatal("the revocation check ran for a forged card")
		}
		// Forged even when also expired.
		v.Now = at(end)
		check(t, v, mustSign(t, other, c), StatusForged)
	})
	t.Run("wrong-size public key", func(t *testing.T) {
		v := Verifier{Keys: map[byte]ed25519.PublicKey{1: s.PublicKey()[:31]}}
		_, _, err := v.Check(p)
		if !errs.Is(err, errs.KindInternal) {
			t.Fatalf("want an internal error, got %v", err)
		}
	})
	t.Run("malformed", func(t *testing.T) {
		_, status, err := Verifier{Keys: keys}.Check("GHC1:HELLO")
		wantMalformed(t, err, "GHC1:HELLO")
		if status != "" {
			t.Fatalf("status %q for a malformed payload", status)
		}
	})
}

func TestKeyRotation(t *testing.T) {
	old, cur := testSigner(t, 1, 0x11), testSigner(t, 2, 0x22)
	v := Verifier{
		Keys: map[byte]ed25519.PublicKey{1: old.PublicKey(), 2: cur.PublicKey()},
		Now:  at(day(2027, 1, 1)),
	}
	for _, s := range []Signer{old, cur} {
		p := mustSign(t, s, typical())
		if _, _, _, id, _ := Parse(p); id != s.KeyID {
			t.Fatalf("key id %d, want %d", id, s.KeyID)
		}
		if _, status, err := v.Check(p); err != nil || status != StatusValid {
			t.Fatalf("key %d: %v, %v", s.KeyID, status, err)
		}
	}
	// Once the old key is withdrawn its cards no longer check out.
	delete(v.Keys, 1)
	if _, status, _ := v.Check(mustSign(t, old, typical())); status != StatusForged {
		t.Fatalf("withdrawn key: %v", status)
	}
	// A key used under the wrong id does not verify either.
	swapped := Signer{KeyID: 2, Key: old.Key}
	if _, status, _ := v.Check(mustSign(t, swapped, typical())); status != StatusForged {
		t.Fatalf("key under another id: %v", status)
	}
}

func TestSignTruncates(t *testing.T) {
	s := testSigner(t, 1, 0x11)
	c := typical()
	c.Name = strings.Repeat("张", 11)                  // 33 bytes
	c.OrgName = "工会" + strings.Repeat("😀", 22) + "ab" // 6 + 88 + 2 bytes
	got, _, _, _, err := Parse(mustSign(t, s, c))
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != strings.Repeat("张", 10) {
		t.Fatalf("name cut to %q", got.Name)
	}
	if want := "工会" + strings.Repeat("😀", 21); got.OrgName != want {
		t.Fatalf("org name cut to %q (%d bytes)", got.OrgName, len(got.OrgName))
	}
	c.Name = "ab" + strings.Repeat("é", 15) // 32 bytes, cut inside no rune
	if got, _, _, _, _ = Parse(mustSign(t, s, c)); got.Name != "ab"+strings.Repeat("é", 14) {
		t.Fatalf("name cut to %q", got.Name)
	}
	c.Name = strings.Repeat("x", MaxNameLen) // exactly at the limit
	if got, _, _, _, _ = Parse(mustSign(t, s, c)); got.Name != c.Name {
		t.Fatalf("name cut to %q", got.Name)
	}
}

func TestSignRejects(t *testing.T) {
	s := testSigner(t, 1, 0x11)
	cases := map[string]func(*Claims){
		"zero member id":      func(c *Claims) { c.MemberID = 0 },
		"negative org id":     func(c *Claims) { c.OrgID = -5 },
		"empty name":          func(c *Claims) { c.Name = "" },
		"empty org name":      func(c *Claims) { c.OrgName = "" },
		"control in name":     func(c *Claims) { c.Name = "张\n中喜" },
		"invalid UTF-8":       func(c *Claims) { c.OrgName = "工会\xff" },
		"zero time":           func(c *Claims) { c.IssuedAt = time.Time{} },
		"before 2000":         func(c *Claims) { c.IssuedAt = day(1999, 12, 31) },
		"until before issued": func(c *Claims) { c.ValidUntil = day(2026, 2, 28) },
		"valid too long":      func(c *Claims) { c.ValidUntil = c.IssuedAt.AddDate(180, 0, 0) },
		"issued too late":     func(c *Claims) { c.IssuedAt = dateOf(MaxDays + 1); c.ValidUntil = c.IssuedAt },
	}
	for name, change := range cases {
		c := typical()
		change(&c)
		if p, err := s.Sign(c); err == nil || !errs.Is(err, errs.KindInternal) {
			t.Errorf("%s: got %q, %v", name, p, err)
		}
	}
	if _, err := (Signer{KeyID: 1, Key: ed25519.PrivateKey{1, 2, 3}}).Sign(typical()); err == nil {
		t.Error("short private key accepted")
	}
	if _, err := NewSignerFromSeed(1, make([]byte, 31)); err == nil {
		t.Error("short seed accepted")
	}
}

func TestPublicKeyText(t *testing.T) {
	// RFC 8032, section 7.1, test 1.
	seed, _ := hex.DecodeString("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
	s, err := NewSignerFromSeed(1, seed)
	if err != nil {
		t.Fatal(err)
	}
	if got := hex.EncodeToString(s.PublicKey()); got != "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a" {
		t.Fatalf("public key %s", got)
	}
	const want = "ghc1-ed25519:1:11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo" // as in the doc comment
	txt := PublicKeyText(1, s.PublicKey())
	if txt != want {
		t.Fatalf("PublicKeyText = %q", txt)
	}
	for _, in := range []string{txt, "  " + txt + "\n"} {
		id, pub, err := ParsePublicKeyText(in)
		if err != nil || id != 1 || !pub.Equal(s.PublicKey()) {
			t.Fatalf("ParsePublicKeyText(%q) = %d, %x, %v", in, id, pub, err)
		}
	}
	for _, id := range []byte{0, 9, 10, 99, 100, 255} {
		got, pub, err := ParsePublicKeyText(PublicKeyText(id, s.PublicKey()))
		if err != nil || got != id || !pub.Equal(s.PublicKey()) {
			t.Fatalf("id %d: %d, %v", id, got, err)
		}
	}

	key := "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
	bad := []string{
		"",
		"ghc1-ed25519:",
		"ghc1-ed25519:1",
		"ghc1-ed25519:1:",
		"GHC1-ED25519:1:" + key,
		"ghc1-ed448:1:" + key,
		"ghc1-ed25519::" + key,
		"ghc1-ed25519:01:" + key,
		"ghc1-ed25519:256:" + key,
		"ghc1-ed25519:-1:" + key,
		"ghc1-ed25519:+1:" + key,
		"ghc1-ed25519:1 :" + key,
		"ghc1-ed25519:1:" + key + "=",
		"ghc1-ed25519:1:" + key[:42],
		"ghc1-ed25519:1:" + key + "A",
		"ghc1-ed25519:1:" + strings.ReplaceAll(key, "_", "/"),
		"ghc1-ed25519:1:" + key[:42] + "p", // non-zero spare bits
		"ghc1-ed25519:1:" + key[:20] + "\n" + key[21:],
		"ghc1-ed25519:1:" + key + ":x",
		"ghc1-ed25519:1:" + strings.Repeat("A", 1000),
	}
	for _, in := range bad {
		_, _, err := ParsePublicKeyText(in)
		var e *errs.Error
		if !errors.As(err, &e) || e.Code != CodeKeyMalformed {
			t.Errorf("ParsePublicKeyText(%q): %v", in, err)
			continue
		}
		if _, ok := e.Fields[FieldPublicKey]; !ok {
			t.Errorf("%q: no field in %+v", in, e)
		}
	}
}

func TestMessages(t *testing.T) {
	for _, s := range []Status{StatusValid, StatusExpired, StatusRevoked, StatusForged} {
		if !i18n.Has(s.Key()) {
			t.Errorf("no message for %s", s.Key())
		}
	}
	for _, k := range []string{KeyMalformed, KeyKeyMalformed} {
		if !i18n.Has(k) {
			t.Errorf("no message for %s", k)
		}
	}
	if got := i18n.T(i18n.EN, StatusRevoked.Key()); !strings.HasPrefix(got, "Revoked") {
		t.Errorf("en revoked: %q", got)
	}
}

func TestPayloadLength(t *testing.T) {
	s := testSigner(t, 1, 0x11)
	p := mustSign(t, s, typical())
	t.Logf("typical payload: %d characters (%d bytes binary): %s", len(p), len(decodeText(t, p)), p)
	if len(p) >= 250 {
		t.Fatalf("typical payload is %d characters", len(p))
	}
	// The longest card Sign can make still parses.
	c := Claims{
		MemberID: 1<<63 - 1, OrgID: 1<<63 - 1, Serial: 1<<32 - 1,
		Name: strings.Repeat("名", 10), OrgName: strings.Repeat("会", 30),
		IssuedAt: dateOf(20000), ValidUntil: dateOf(20000 + MaxDays),
	}
	longest := mustSign(t, s, c)
	t.Logf("longest payload: %d characters (limit %d)", len(longest), MaxPayloadLen)
	if len(longest) > MaxPayloadLen {
		t.Fatalf("longest payload %d > %d", len(longest), MaxPayloadLen)
	}
	if got, _, _, _, err := Parse(longest); err != nil || !sameClaims(got, c) {
		t.Fatalf("longest: %+v, %v", got, err)
	}
}
