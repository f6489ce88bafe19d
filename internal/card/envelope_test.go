package card

import (
	"crypto/ed25519"
	"strings"
	"testing"

	"gonghui/internal/errs"
)

func TestEnvelope(t *testing.T) {
	e := Envelope{Prefix: "GHT1:", Version: 1, MaxBody: 40}
	s := testSigner(t, 3, 0x22)
	keys := map[byte]ed25519.PublicKey{3: s.PublicKey()}
	p, err := e.Seal(s, []byte("证书 body"))
	if err != nil {
		t.Fatal(err)
	}
	o, err := e.Open(keys, " "+strings.ToLower(p)+"\n")
	if err != nil || !o.Genuine || !o.KnownKey || string(o.Body) != "证书 body" || o.KeyID != 3 {
		t.Fatalf("open: %+v, %v", o, err)
	}
	// Another key id: read, not genuine.
	if o, err := e.Open(map[byte]ed25519.PublicKey{4: s.PublicKey()}, p); err != nil || o.KnownKey || o.Genuine {
		t.Fatalf("unknown key: %+v, %v", o, err)
	}
	// One character changed: not genuine (or not readable).
	c := byte('A')
	if p[len(p)-10] == 'A' {
		c = 'B'
	}
	bad := p[:len(p)-10] + string(c) + p[len(p)-9:]
	if o, err := e.Open(keys, bad); err == nil && o.Genuine {
		t.Fatal("tampered payload is genuine")
	}
	// A card is not an envelope of another prefix, nor the reverse; the
	// prefix is signed, so a renamed payload fails.
	if _, err := e.Open(keys, mustSign(t, s, typical())); !hasCode(err, CodeMalformed) {
		t.Fatalf("card as envelope: %v", err)
	}
	other := Envelope{Prefix: "GHU1:", Version: 1, MaxBody: 40}
	if o, err := other.Open(keys, "GHU1:"+strings.TrimPrefix(p, "GHT1:")); err != nil || o.Genuine {
		t.Fatalf("renamed: %+v, %v", o, err)
	}
	for _, in := range []string{"", "GHT1:", "GHT1:AAAA", "GHT1:" + strings.Repeat("A", 400), "GHT1:1111", "GHT1:" + strings.TrimPrefix(p, "GHT1:") + "="} {
		if _, err := e.Open(keys, in); !hasCode(err, CodeMalformed) {
			t.Errorf("%q: %v", in, err)
		}
	}
	if _, err := e.Seal(s, nil); !errs.Is(err, errs.KindInternal) {
		t.Fatalf("empty body: %v", err)
	}
	if _, err := e.Seal(s, make([]byte, 41)); !errs.Is(err, errs.KindInternal) {
		t.Fatalf("long body: %v", err)
	}
}

func hasCode(err error, code string) bool {
	e, ok := errs.As(err)
	return ok && e.Code == code
}
