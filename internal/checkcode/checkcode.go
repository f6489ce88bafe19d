// Package checkcode makes and reads the signed, optionally rotating codes
// that check-in points show as QR codes: an activity's checkpoints and a
// course's sessions.
//
//	PREFIX<base32 of varint owner, varint point, varint window, 10-byte MAC>
//
// PREFIX names what the code is for ("GHA1:" an activity's checkpoint,
// "GHK1:" a course session). The MAC is HMAC-SHA256 under the point's own
// key, over the prefix and the three numbers. The window is 0 for a code
// that never changes, otherwise the Unix time divided by the rotation
// period: a code is accepted during its window and the next, so a photo of
// the code stops working within two periods. Upper-case base32 keeps the QR
// code in alphanumeric mode; a code may also arrive inside a URL (the
// phone's camera app opens the link the QR code holds).
package checkcode

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"encoding/binary"
	"net/url"
	"strings"
	"time"

	"gonghui/internal/errs"
)

const macLen = 10

// MaxLen bounds what Parse reads: a URL with a code is far shorter.
const MaxLen = 512

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// Code is a parsed code, not yet verified.
type Code struct {
	Prefix string
	Owner  int64 // the activity or the course term
	Point  int64 // the checkpoint or the session
	Window uint64
	mac    []byte
}

// Field is the field every error of this package is reported on.
const Field = "code"

func fail(key string) error {
	f := errs.Fields{}
	f.Add(Field, key)
	return f.Err()
}

// Error reports whether err is about a code.
func Error(err error) bool {
	e, ok := errs.As(err)
	if !ok {
		return false
	}
	_, ok = e.Fields[Field]
	return ok
}

// Prefix returns the prefix a code (bare or in a URL) starts with, upper
// case, or "" when none of prefixes matches.
func Prefix(s string, prefixes ...string) string {
	s = unwrap(strings.TrimSpace(s))
	for _, p := range prefixes {
		if len(s) >= len(p) && strings.EqualFold(s[:len(p)], p) {
			return p
		}
	}
	return ""
}

// unwrap takes a code out of a URL: its "code" query parameter or its last
// path segment.
func unwrap(s string) string {
	if len(s) > MaxLen || !strings.Contains(s, "/") {
		return s
	}
	if u, err := url.Parse(s); err == nil && (u.Scheme == "http" || u.Scheme == "https" || u.Scheme == "") {
		if c := u.Query().Get("code"); c != "" {
			return c
		}
		if i := strings.LastIndexByte(u.Path, '/'); i >= 0 {
			return u.Path[i+1:]
		}
	}
	return s
}

// Parse reads a code with the given prefix, bare or inside a URL.
func Parse(prefix, s string) (Code, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Code{}, fail("field.required")
	}
	if len(s) > MaxLen {
		return Code{}, fail("checkcode.malformed")
	}
	s = unwrap(s)
	if len(s) < len(prefix) || !strings.EqualFold(s[:len(prefix)], prefix) {
		return Code{}, fail("checkcode.not_a_code")
	}
	raw, err := b32.DecodeString(strings.ToUpper(s[len(prefix):]))
	if err != nil || len(raw) < 3+macLen {
		return Code{}, fail("checkcode.malformed")
	}
	body, mac := raw[:len(raw)-macLen], raw[len(raw)-macLen:]
	var vals [3]uint64
	for i := range vals {
		var n int
		vals[i], n = binary.Uvarint(body)
		if n <= 0 {
			return Code{}, fail("checkcode.malformed")
		}
		body = body[n:]
	}
	if len(body) != 0 || vals[0] == 0 || vals[1] == 0 || vals[0] > 1<<62 || vals[1] > 1<<62 {
		return Code{}, fail("checkcode.malformed")
	}
	return Code{Prefix: prefix, Owner: int64(vals[0]), Point: int64(vals[1]), Window: vals[2], mac: mac}, nil
}

func body(owner, point int64, window uint64) []byte {
	b := make([]byte, 0, 3*binary.MaxVarintLen64+macLen)
	b = binary.AppendUvarint(b, uint64(owner))
	b = binary.AppendUvarint(b, uint64(point))
	return binary.AppendUvarint(b, window)
}

func sum(prefix string, secret, body []byte) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(prefix))
	m.Write(body)
	return m.Sum(nil)[:macLen]
}

func window(rotate int, t time.Time) uint64 {
	if rotate <= 0 {
		return 0
	}
	return uint64(t.Unix()) / uint64(rotate)
}

// Make draws the code of a point at t and says until when it is shown
// (zero for a code that never changes).
func Make(prefix string, secret []byte, owner, point int64, rotate int, t time.Time) (string, time.Time) {
	w := window(rotate, t)
	b := body(owner, point, w)
	s := prefix + b32.EncodeToString(append(b, sum(prefix, secret, b)...))
	if rotate <= 0 {
		return s, time.Time{}
	}
	return s, time.Unix(int64(w+1)*int64(rotate), 0).UTC()
}

// Verify checks a code against its point's key and rotation at t.
func (c Code) Verify(secret []byte, rotate int, t time.Time) error {
	if !hmac.Equal(c.mac, sum(c.Prefix, secret, body(c.Owner, c.Point, c.Window))) {
		return fail("checkcode.forged")
	}
	now := window(rotate, t)
	if c.Window != now && (rotate <= 0 || c.Window+1 != now) {
		return fail("checkcode.expired")
	}
	return nil
}

// Valid reports whether the code carries a MAC of the right length (for
// tests of parsers).
func (c Code) Valid() bool { return len(c.mac) == macLen }
