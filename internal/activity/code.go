package activity

import (
	"net/url"
	"time"

	"gonghui/internal/checkcode"
)

// CodePrefix starts an activity checkpoint's code (see internal/checkcode
// for the format and the rotation).
const CodePrefix = "GHA1:"

// MaxCodeLen bounds what ParseCode reads.
const MaxCodeLen = checkcode.MaxLen

// Code is a parsed checkpoint code, not yet verified.
type Code struct {
	ActivityID   int64
	CheckpointID int64
	c            checkcode.Code
}

// ParseCode reads a checkpoint code, bare or inside a URL (its last path
// segment or its "code" query parameter).
func ParseCode(s string) (Code, error) {
	c, err := checkcode.Parse(CodePrefix, s)
	if err != nil {
		return Code{}, err
	}
	return Code{ActivityID: c.Owner, CheckpointID: c.Point, c: c}, nil
}

func codeErr(key string) error { return fieldErr(checkcode.Field, key) }

// code draws the checkpoint's code at t and says until when it is shown
// (zero for a code that never changes).
func (c *Checkpoint) code(activityID int64, t time.Time) (string, time.Time) {
	return checkcode.Make(CodePrefix, c.secret, activityID, c.ID, c.RotateSeconds, t)
}

// verify checks a code against checkpoint c at t.
func (c *Checkpoint) verify(code Code, t time.Time) error {
	return code.c.Verify(c.secret, c.RotateSeconds, t)
}

// CodeError reports whether err is about a code (for pages that show the
// reason on its own).
func CodeError(err error) bool { return checkcode.Error(err) }

// CheckinPath is the path a checkpoint's QR code links to (after the
// site's origin): the member's phone opens it and is checked in. Course
// session codes use the same path.
func CheckinPath(code string) string { return "/m/checkin?code=" + url.QueryEscape(code) }
