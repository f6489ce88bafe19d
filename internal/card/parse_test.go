package card

import (
	"strings"
	"testing"
)

func TestParseAcceptsLowerCaseAndSpace(t *testing.T) {
	s := testSigner(t, 3, 0x11)
	p := mustSign(t, s, typical())
	want, signed, sig, id, err := Parse(p)
	if err != nil || id != 3 || len(sig) != sigLen {
		t.Fatalf("Parse: %v, id %d, sig %d bytes", err, id, len(sig))
	}
	bin := decodeText(t, p)
	if string(signed) != string(bin[:len(bin)-sigLen]) || string(sig) != string(bin[len(bin)-sigLen:]) {
		t.Fatal("signed part and signature do not split the binary form")
	}
	for _, in := range []string{
		strings.ToLower(p),
		Prefix + strings.ToLower(p[len(Prefix):]),
		" \t\r\n" + p + "\n",
		"\u3000" + p + "\u00a0", // ideographic and no-break spaces
	} {
		got, _, _, _, err := Parse(in)
		if err != nil || !sameClaims(got, want) {
			t.Errorf("Parse(%q): %+v, %v", in, got, err)
		}
	}
}

func TestParseRaw(t *testing.T) {
	// The raw builder makes what Sign makes, bar the signature.
	got, _, _, _, err := Parse(raw(goodParts()...))
	want := typical()
	want.IssuedAt = day(2026, 3, 1)
	if err != nil || !sameClaims(got, want) {
		t.Fatalf("raw good parts: %+v, %v", got, err)
	}
}

func TestParseStrict(t *testing.T) {
	p := mustSign(t, testSigner(t, 1, 0x11), typical())
	enc := p[len(Prefix):]

	// The last character carries spare bits when the length is not a
	// multiple of 8 characters; setting one must be refused.
	if len(enc)%8 == 0 {
		t.Fatalf("typical payload has no spare bits; pick another test")
	}
	last := strings.IndexByte("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", enc[len(enc)-1])
	spare := enc[:len(enc)-1] + string("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"[last^1])

	cases := map[string]string{
		"empty":            "",
		"spaces":           "   ",
		"prefix only":      Prefix,
		"no prefix":        enc,
		"wrong version":    "GHC2:" + enc,
		"no colon":         "GHC1" + enc,
		"other scheme":     "https://example.com/" + enc,
		"text before":      "XGHC1:" + enc,
		"space in prefix":  "GHC1 :" + enc,
		"fullwidth colon":  "GHC1：" + enc,
		"digit 0":          Prefix + "0" + enc[1:],
		"digit 1":          Prefix + enc[:10] + "1" + enc[11:],
		"digit 8":          Prefix + enc[:10] + "8" + enc[11:],
		"base64 char":      Prefix + enc[:10] + "+" + enc[11:],
		"padding":          p + strings.Repeat("=", (8-len(enc)%8)%8),
		"inner space":      Prefix + enc[:20] + " " + enc[20:],
		"inner newline":    Prefix + enc[:20] + "\n" + enc[20:],
		"NUL":              p + "\x00",
		"fullwidth letter": Prefix + "Ａ" + enc[1:],
		"dotless i":        Prefix + "ı" + enc[1:], // upper-cases to I in Unicode
		"long s":           "GHC1:" + "ſ" + enc[1:],
		"invalid UTF-8":    p + "\xff",
		"spare bits":       Prefix + spare,
		"trailing garbage": p + "AAAAAAAA",
		"trailing chars":   p + "A",
		"trailing text":    p + " hello",
		"two payloads":     p + p,
		"overlong":         Prefix + strings.Repeat("A", MaxPayloadLen),
		"huge":             Prefix + strings.Repeat("A", 1<<20),
		"huge spaces":      strings.Repeat(" ", 1<<20) + p,
		"too short":        Prefix + "AE",
		"signature only":   text(make([]byte, sigLen)),

		"version 0":           raw(with(0, []byte{0, 1})...),
		"version 2":           raw(with(0, []byte{2, 1})...),
		"zero member id":      raw(with(1, 0)...),
		"zero org id":         raw(with(2, 0)...),
		"member id 2^63":      raw(with(1, uint64(1)<<63)...),
		"member id max+":      raw(with(1, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})...),
		"uvarint 10 bytes":    raw(with(1, []byte{0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00})...),
		"uvarint unended":     raw(with(1, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})...),
		"uvarint not minimal": raw(with(3, []byte{0x82, 0x00})...),
		"zero padded":         raw(with(1, []byte{0x87, 0xad, 0xcb, 0x80, 0x00})...),
		"serial 2^32":         raw(with(3, uint64(1)<<32)...),
		"issued too late":     raw(with(4, MaxDays+1)...),
		"valid too long":      raw(with(5, MaxDays+1)...),
		"empty name":          raw(with(6, "")...),
		"empty org name":      raw(with(7, "")...),
		"name 31 bytes":       raw(with(6, strings.Repeat("a", 31))...),
		"name 11 runes":       raw(with(6, strings.Repeat("张", 11))...),
		"org name 91 bytes":   raw(with(7, strings.Repeat("a", 91))...),
		"name length huge":    raw(with(6, []byte{0xff, 0xff, 0xff, 0xff, 0x0f})...),
		"name length beyond":  raw([]byte{Version, 1}, 1, 1, 1, 1, 1, []byte{30, 'a', 'b'}),
		"name bad UTF-8":      raw(with(6, "张\xe4")...),
		"name control":        raw(with(6, "张\u0000三")...),
		"org name newline":    raw(with(7, "工会\n")...),
		"org name C1 control": raw(with(7, "工会\u0085")...),
		"extra field":         raw(append(goodParts(), "x")...),
		"missing org name":    raw(goodParts()[:7]...),
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			c, signed, sig, id, err := Parse(in)
			wantMalformed(t, err, in)
			if c != (Claims{}) || signed != nil || sig != nil || id != 0 {
				t.Fatalf("answers beside the error: %+v %x %x %d", c, signed, sig, id)
			}
		})
	}

	// Every proper prefix of a payload is refused, and so is every
	// payload with one character deleted.
	for i := 0; i < len(p); i++ {
		if _, _, _, _, err := Parse(p[:i]); err == nil {
			t.Fatalf("accepted the first %d characters", i)
		}
		if _, _, _, _, err := Parse(p[:i] + p[i+1:]); err == nil {
			t.Fatalf("accepted the payload without character %d", i)
		}
	}
}

func TestParseNeverPanicsOnMutations(t *testing.T) {
	p := mustSign(t, testSigner(t, 1, 0x11), typical())
	bin := decodeText(t, p)
	// Every single-byte change of the binary form is either refused or
	// read back as exactly the changed binary.
	for i := range bin {
		for _, v := range []byte{0x00, 0x01, 0x7f, 0x80, 0xff, bin[i] ^ 0x40} {
			b := append([]byte(nil), bin...)
			b[i] = v
			_, signed, sig, _, err := Parse(text(b))
			if err != nil {
				wantMalformed(t, err, text(b))
				continue
			}
			if string(append(append([]byte(nil), signed...), sig...)) != string(b) {
				t.Fatalf("byte %d = %#x: parsed parts differ from the input", i, v)
			}
		}
	}
}
