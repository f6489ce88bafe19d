package card

import (
	"encoding/base32"
	"encoding/binary"
	"errors"
	"gonghui/internal/beijing"
	"math"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// unixDayOfEpoch is 2000-01-01 counted in days from 1970-01-01.
const unixDayOfEpoch = 10957

// body is the signed part of a payload, in the units of the binary form.
type body struct {
	keyID            byte
	memberID, orgID  uint64
	serial           uint64
	issued, validFor uint64 // days
	name, orgName    string
}

// dayOf counts the days from 2000-01-01 to t's calendar day in UTC+8; ok is
// false outside 0 … max.
func dayOf(t time.Time, max int64) (uint64, bool) {
	sec := t.Unix() + 8*60*60
	day := sec / 86400
	if sec%86400 < 0 {
		day--
	}
	day -= unixDayOfEpoch
	if day < 0 || day > max {
		return 0, false
	}
	return uint64(day), true
}

// dateOf is midnight UTC+8 of the day so many days after 2000-01-01.
func dateOf(days uint64) time.Time {
	return time.Date(2000, 1, 1+int(days), 0, 0, 0, 0, beijing.Zone)
}

// truncate cuts s to at most n bytes without splitting a rune (invalid UTF-8
// is left for checkString to refuse).
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// checkString says whether s is fit for a card: 1 … max bytes of valid UTF-8
// without control characters.
func checkString(s string, max int) bool {
	if s == "" || len(s) > max || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}

// bodyOf turns claims into the binary units, cutting the strings to their
// limits, and refuses what cannot be put on a card.
func bodyOf(keyID byte, c Claims) (body, error) {
	b := body{keyID: keyID, serial: uint64(c.Serial),
		name: truncate(c.Name, MaxNameLen), orgName: truncate(c.OrgName, MaxOrgNameLen)}
	if c.MemberID <= 0 || c.OrgID <= 0 {
		return b, errors.New("member and org ids must be positive")
	}
	b.memberID, b.orgID = uint64(c.MemberID), uint64(c.OrgID)
	if !checkString(b.name, MaxNameLen) || !checkString(b.orgName, MaxOrgNameLen) {
		return b, errors.New("name and org name must be non-empty UTF-8 without control characters")
	}
	issued, ok := dayOf(c.IssuedAt, MaxDays)
	if !ok {
		return b, errors.New("issue date out of range")
	}
	until, ok := dayOf(c.ValidUntil, 2*MaxDays)
	if !ok || until < issued || until-issued > MaxDays {
		return b, errors.New("valid-until date out of range or before the issue date")
	}
	b.issued, b.validFor = issued, until-issued
	return b, nil
}

func (b body) claims() Claims {
	return Claims{
		MemberID:   int64(b.memberID),
		OrgID:      int64(b.orgID),
		Serial:     uint32(b.serial),
		Name:       b.name,
		OrgName:    b.orgName,
		IssuedAt:   dateOf(b.issued),
		ValidUntil: dateOf(b.issued + b.validFor),
	}
}

func (b body) append(dst []byte) []byte {
	dst = append(dst, Version, b.keyID)
	for _, v := range []uint64{b.memberID, b.orgID, b.serial, b.issued, b.validFor} {
		dst = binary.AppendUvarint(dst, v)
	}
	dst = binary.AppendUvarint(dst, uint64(len(b.name)))
	dst = append(dst, b.name...)
	dst = binary.AppendUvarint(dst, uint64(len(b.orgName)))
	return append(dst, b.orgName...)
}

// text is the text form of a whole binary payload (signed part and signature).
func text(bin []byte) string {
	return Prefix + b32.EncodeToString(bin)
}

// readUvarint reads one minimal uvarint of at most max (≤ 2^63-1, so at most
// 9 bytes) from the front of b.
func readUvarint(b []byte, max uint64) (uint64, []byte, bool) {
	var x uint64
	for i := 0; i < len(b) && i < 9; i++ {
		c := b[i]
		x |= uint64(c&0x7f) << (7 * i)
		if c < 0x80 {
			if i > 0 && c == 0 {
				return 0, nil, false // not minimal
			}
			if x > max {
				return 0, nil, false
			}
			return x, b[i+1:], true
		}
	}
	return 0, nil, false
}

// readString reads a uvarint length of at most max and that many bytes.
func readString(b []byte, max int) (string, []byte, bool) {
	n, rest, ok := readUvarint(b, uint64(max))
	if !ok || uint64(len(rest)) < n {
		return "", nil, false
	}
	s := string(rest[:n])
	if !checkString(s, max) {
		return "", nil, false
	}
	return s, rest[n:], true
}

// decodeBody reads the signed part; it must be followed by exactly the
// signature.
func decodeBody(bin []byte) (body, error) {
	var b body
	if len(bin) < 2+sigLen {
		return b, malformed("too short")
	}
	if bin[0] != Version {
		return b, malformed("unknown version")
	}
	b.keyID = bin[1]
	rest := bin[2 : len(bin)-sigLen]
	var ok bool
	for _, f := range []struct {
		dst *uint64
		max uint64
	}{
		{&b.memberID, math.MaxInt64}, {&b.orgID, math.MaxInt64},
		{&b.serial, math.MaxUint32}, {&b.issued, MaxDays}, {&b.validFor, MaxDays},
	} {
		if *f.dst, rest, ok = readUvarint(rest, f.max); !ok {
			return b, malformed("bad number")
		}
	}
	if b.memberID == 0 || b.orgID == 0 {
		return b, malformed("zero id")
	}
	if b.name, rest, ok = readString(rest, MaxNameLen); !ok {
		return b, malformed("bad name")
	}
	if b.orgName, rest, ok = readString(rest, MaxOrgNameLen); !ok {
		return b, malformed("bad org name")
	}
	if len(rest) != 0 {
		return b, malformed("trailing bytes")
	}
	return b, nil
}

// canonicalText checks the characters of a payload of at most max characters
// and returns it trimmed and in upper case.
func canonicalText(payload string, max int) (string, error) {
	if len(payload) > 4*max {
		return "", malformed("too long")
	}
	s := strings.TrimSpace(payload)
	if len(s) > max {
		return "", malformed("too long")
	}
	u := []byte(s)
	for i, c := range u {
		switch {
		case c >= 'a' && c <= 'z':
			u[i] = c - 'a' + 'A'
		case c < 0x20 || c >= 0x7f:
			return "", malformed("not printable ASCII")
		}
	}
	return string(u), nil
}

// readText reads the binary form of a text payload that starts with
// prefix (in any case) and is at most max characters long: canonical
// base32, as text writes it.
func readText(payload, prefix string, max int) ([]byte, error) {
	s, err := canonicalText(payload, max)
	if err != nil {
		return nil, err
	}
	enc, ok := strings.CutPrefix(s, strings.ToUpper(prefix))
	if !ok {
		return nil, malformed("wrong prefix")
	}
	for i := 0; i < len(enc); i++ {
		if c := enc[i]; !(c >= 'A' && c <= 'Z' || c >= '2' && c <= '7') {
			return nil, malformed("not base32")
		}
	}
	bin, err := b32.DecodeString(enc)
	if err != nil {
		return nil, malformed("bad base32 length")
	}
	if b32.EncodeToString(bin) != enc {
		return nil, malformed("non-canonical base32")
	}
	return bin, nil
}

// Parse reads a payload without checking its signature. It answers the
// claims, the signed part (everything before the signature), the signature
// and the key id. Errors are *errs.Error with code card_malformed.
func Parse(payload string) (c Claims, signed, sig []byte, keyID byte, err error) {
	bin, err := readText(payload, Prefix, MaxPayloadLen)
	if err != nil {
		return Claims{}, nil, nil, 0, err
	}
	b, err := decodeBody(bin)
	if err != nil {
		return Claims{}, nil, nil, 0, err
	}
	n := len(bin) - sigLen
	return b.claims(), bin[:n:n], bin[n:], b.keyID, nil
}
