package sheet

import (
	"math"
	"strconv"
	"strings"
	"time"
)

var (
	// excelEpoch is day 0 of the 1900 date system for serials from 61 on
	// (1900-03-01): Excel counts a 29 February 1900 that never was, so from
	// there on its serials are one day ahead of a count from 1899-12-31.
	excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	epoch1904  = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC)
)

const (
	maxSerial1900 = 2958465 // 9999-12-31
	maxSerial1904 = maxSerial1900 - 1462
)

// ExcelSerialDate converts an Excel serial date ("43831" is 2020-01-01,
// "43831.5" its noon) in the 1900 date system to a time in UTC, rounded to
// the millisecond. Serials 1 to 59 are 1900-01-01 to 1900-02-28; 60 is the
// 29 February 1900 that Excel shows but that never was, and is refused, as
// are 0, negative numbers, anything past 9999-12-31 and anything that is not a
// number. Excel stores dates as such numbers, so Reader returns date cells
// this way; Reader.Date also honours workbooks in the 1904 system.
func ExcelSerialDate(s string) (time.Time, bool) { return excelDate(s, false) }

func excelDate(s string, date1904 bool) (time.Time, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return time.Time{}, false
	}
	days := math.Floor(f)
	base := excelEpoch
	switch {
	case date1904:
		if days < 0 || days > maxSerial1904 {
			return time.Time{}, false
		}
		base = epoch1904
	case days < 1 || days == 60 || days > maxSerial1900:
		return time.Time{}, false
	case days < 60:
		base = excelEpoch.AddDate(0, 0, 1)
	}
	ms := math.Round((f - days) * 86_400_000)
	return base.AddDate(0, 0, int(days)).Add(time.Duration(ms) * time.Millisecond), true
}

// excelSerial is the inverse of ExcelSerialDate for the writer: the wall
// clock of t (in its own location, so a date at midnight in Beijing stays
// that date) as a 1900-system serial. ok is false before 1900-01-01 or after
// 9999-12-31, which Excel cannot show as dates.
func excelSerial(t time.Time) (float64, bool) {
	y, m, d := t.Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	days := float64((day.Unix() - excelEpoch.Unix()) / 86400)
	if days <= 60 {
		days-- // before 1900-03-01 Excel counts from 1899-12-31
	}
	if days < 1 || days > maxSerial1900 {
		return 0, false
	}
	hh, mm, ss := t.Clock()
	frac := (float64(hh*3600+mm*60+ss) + float64(t.Nanosecond())/1e9) / 86400
	return days + frac, true
}
