// Package beijing is the one place Beijing time is defined: every module
// reads the times and days people type, and shows dates, through it (UTC+8,
// no daylight saving since 1991, so a fixed zone needs no tzdata and gives
// the same answer on every machine).
package beijing

import (
	"strings"
	"time"
)

// Zone is Beijing time.
var Zone = time.FixedZone("CST", 8*3600)

// ParseTime reads a time as forms and the API send it: "2006-01-02T15:04"
// (a datetime-local field), with seconds, with a space instead of the T
// (all in Beijing time), or RFC 3339 with its own zone.
func ParseTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02 15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, Zone); err == nil {
			return t, true
		}
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, true
	}
	return time.Time{}, false
}

// ParseDay reads YYYY-MM-DD as that day's midnight in Beijing.
func ParseDay(s string) (time.Time, bool) {
	t, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(s), Zone)
	return t, err == nil
}

// Midnight is the start of t's day in Beijing.
func Midnight(t time.Time) time.Time {
	y, m, d := t.In(Zone).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, Zone)
}

// Day is t's calendar day in Beijing, as YYYY-MM-DD.
func Day(t time.Time) string { return t.In(Zone).Format(time.DateOnly) }

// FileDate is t's Beijing date as files are named, "20261207": a file
// downloaded at 7 a.m. in Beijing carries that day, not yesterday's UTC date.
func FileDate(t time.Time) string { return t.In(Zone).Format("20060102") }

// Today is the current calendar day in Beijing, as YYYY-MM-DD.
func Today() string { return Day(time.Now()) }
