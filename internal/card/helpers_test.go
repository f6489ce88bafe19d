package card

import (
	"bytes"
	"crypto/ed25519"
	"encoding/binary"
	"errors"
	"strings"
	"testing"
	"time"

	"gonghui/internal/beijing"
	"gonghui/internal/errs"
)

// Fixed keys, so that tests and seeds are reproducible.
func testSigner(t testing.TB, keyID byte, fill byte) Signer {
	t.Helper()
	s, err := NewSignerFromSeed(keyID, bytes.Repeat([]byte{fill}, ed25519.SeedSize))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, beijing.Zone) }

// typical is the card of the length report: seven-digit ids, a three-character
// name and a thirteen-character union name.
func typical() Claims {
	return Claims{
		MemberID:   1234567,
		OrgID:      2345678,
		Serial:     2,
		Name:       "张中喜",
		OrgName:    "北京市西城区大栅栏街道总工会",
		IssuedAt:   time.Date(2026, 3, 1, 15, 4, 5, 0, beijing.Zone),
		ValidUntil: day(2029, 2, 28),
	}
}

// at is a clock stopped at t.
func at(t time.Time) func() time.Time { return func() time.Time { return t } }

// mustSign signs or fails the test.
func mustSign(t testing.TB, s Signer, c Claims) string {
	t.Helper()
	p, err := s.Sign(c)
	if err != nil {
		t.Fatalf("Sign: %v", err)
	}
	return p
}

// decodeText is the binary form of a payload the test knows to be good.
func decodeText(t testing.TB, p string) []byte {
	t.Helper()
	bin, err := b32.DecodeString(strings.TrimPrefix(p, Prefix))
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// raw builds a binary payload field by field, for payloads Sign would not
// make: each part is a uint64 (written as a uvarint), a string (written with
// its length) or []byte (written as it is). A zero signature follows.
func raw(parts ...any) string {
	var b []byte
	for _, p := range parts {
		switch v := p.(type) {
		case uint64:
			b = binary.AppendUvarint(b, v)
		case int:
			b = binary.AppendUvarint(b, uint64(v))
		case string:
			b = binary.AppendUvarint(b, uint64(len(v)))
			b = append(b, v...)
		case []byte:
			b = append(b, v...)
		default:
			panic("raw: unknown part")
		}
	}
	return text(append(b, make([]byte, sigLen)...))
}

// goodParts are the fields of a well-formed body, for raw.
func goodParts() []any {
	return []any{[]byte{Version, 1}, 1234567, 2345678, 2, 9556, 1095, "张中喜", "北京市西城区大栅栏街道总工会"}
}

// with replaces the part at i.
func with(i int, v any) []any {
	p := goodParts()
	p[i] = v
	return p
}

// wantMalformed checks that err is the coded, field-level error for a bad
// payload and that it does not echo the input.
func wantMalformed(t testing.TB, err error, input string) {
	t.Helper()
	var e *errs.Error
	if !errors.As(err, &e) {
		t.Fatalf("want *errs.Error, got %T %v", err, err)
	}
	if e.Code != CodeMalformed || e.Key != KeyMalformed || e.Kind != errs.KindInvalid {
		t.Fatalf("want %s, got %+v", CodeMalformed, e)
	}
	if _, ok := e.Fields[FieldPayload]; !ok {
		t.Fatalf("no %q field in %+v", FieldPayload, e)
	}
	if trimmed := strings.TrimSpace(input); len(trimmed) >= 4 && strings.Contains(e.Error(), trimmed) {
		t.Fatalf("error %q echoes the input", e.Error())
	}
}

// sameClaims compares claims, times by instant.
func sameClaims(a, b Claims) bool {
	return a.MemberID == b.MemberID && a.OrgID == b.OrgID && a.Serial == b.Serial &&
		a.Name == b.Name && a.OrgName == b.OrgName &&
		a.IssuedAt.Equal(b.IssuedAt) && a.ValidUntil.Equal(b.ValidUntil)
}
