package activity

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

// A checkpoint code is what a checkpoint's QR code carries:
//
//	GHA1:<base32 of varint activity id, varint checkpoint id, varint window, 10-byte MAC>
//
// The MAC is HMAC-SHA256 under the checkpoint's own key, over the prefix
// and the three numbers. The window is 0 for a code that never changes,
// otherwise the Unix time divided by the checkpoint's rotation period: a
// code is accepted during its window and the next one, so a photo of the
// code stops working within two periods. Upper-case base32 keeps the QR
// code in alphanumeric mode; the code may also arrive inside a URL (the
// phone's camera app opens the link the QR code holds).
const codePrefix = "GHA1:"

const macLen = 10

var codeB32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// Code is a parsed checkpoint code, not yet verified.
type Code struct {
	ActivityID   int64
	CheckpointID int64
	Window       uint64
	mac          []byte
}

// MaxCodeLen bounds what ParseCode reads: a URL with a code is far shorter.
const MaxCodeLen = 512

// Errors of a code, each a field error on "code".
func codeErr(key string) error { return fieldErr("code", key) }

// ParseCode reads a checkpoint code, bare or inside a URL (its last path
// segment or its "code" query parameter).
func ParseCode(s string) (Code, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Code{}, codeErr("field.required")
	}
	if len(s) > MaxCodeLen {
		return Code{}, codeErr("activity.code.malformed")
	}
	if !strings.HasPrefix(strings.ToUpper(s), codePrefix) {
		if u, err := url.Parse(s); err == nil && (u.Scheme == "http" || u.Scheme == "https" || u.Scheme == "") {
			if c := u.Query().Get("code"); c != "" {
				s = c
			} else if i := strings.LastIndexByte(u.Path, '/'); i >= 0 {
				s = u.Path[i+1:]
			}
		}
	}
	if !strings.HasPrefix(strings.ToUpper(s), codePrefix) {
		return Code{}, codeErr("activity.code.not_a_code")
	}
	raw, err := codeB32.DecodeString(strings.ToUpper(s[len(codePrefix):]))
	if err != nil || len(raw) < 3+macLen {
		return Code{}, codeErr("activity.code.malformed")
	}
	body, mac := raw[:len(raw)-macLen], raw[len(raw)-macLen:]
	var c Code
	var n int
	var vals [3]uint64
	for i := range vals {
		vals[i], n = binary.Uvarint(body)
		if n <= 0 {
			return Code{}, codeErr("activity.code.malformed")
		}
		body = body[n:]
	}
	if len(body) != 0 || vals[0] == 0 || vals[1] == 0 || vals[0] > 1<<62 || vals[1] > 1<<62 {
		return Code{}, codeErr("activity.code.malformed")
	}
	c.ActivityID, c.CheckpointID, c.Window, c.mac = int64(vals[0]), int64(vals[1]), vals[2], mac
	return c, nil
}

func codeBody(activityID, checkpointID int64, window uint64) []byte {
	b := make([]byte, 0, 3*binary.MaxVarintLen64+macLen)
	b = binary.AppendUvarint(b, uint64(activityID))
	b = binary.AppendUvarint(b, uint64(checkpointID))
	return binary.AppendUvarint(b, window)
}

func codeMAC(secret, body []byte) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(codePrefix))
	m.Write(body)
	return m.Sum(nil)[:macLen]
}

// window is the code window of checkpoint c at t.
func (c *Checkpoint) window(t time.Time) uint64 {
	if c.RotateSeconds <= 0 {
		return 0
	}
	return uint64(t.Unix()) / uint64(c.RotateSeconds)
}

// code draws the checkpoint's code at t and says until when it is shown
// (zero for a code that never changes).
func (c *Checkpoint) code(activityID int64, t time.Time) (string, time.Time) {
	w := c.window(t)
	body := codeBody(activityID, c.ID, w)
	s := codePrefix + codeB32.EncodeToString(append(body, codeMAC(c.secret, body)...))
	if c.RotateSeconds <= 0 {
		return s, time.Time{}
	}
	return s, time.Unix(int64(w+1)*int64(c.RotateSeconds), 0).UTC()
}

// verify checks a code against checkpoint c at t.
func (c *Checkpoint) verify(code Code, t time.Time) error {
	body := codeBody(code.ActivityID, code.CheckpointID, code.Window)
	if !hmac.Equal(code.mac, codeMAC(c.secret, body)) {
		return codeErr("activity.code.forged")
	}
	now := c.window(t)
	if code.Window != now && (c.RotateSeconds <= 0 || code.Window+1 != now) {
		return codeErr("activity.code.expired")
	}
	return nil
}

// CodeError reports whether err is about a code (for pages that show the
// reason on its own).
func CodeError(err error) bool {
	e, ok := errs.As(err)
	if !ok {
		return false
	}
	_, ok = e.Fields["code"]
	return ok
}

// CheckinPath is the path a checkpoint's QR code links to (after the
// site's origin): the member's phone opens it and is checked in.
func CheckinPath(code string) string { return "/m/checkin?code=" + url.QueryEscape(code) }
