package station

import (
	"testing"
	"time"

	"gonghui/internal/beijing"
	"gonghui/internal/errs"
)

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, beijing.Zone)
	if err != nil {
		panic(err)
	}
	return t
}

func TestParseDay(t *testing.T) {
	for in, want := range map[string]string{
		"08:00-18:00":            "08:00-18:00",
		"8:00～12:00，13:30-18:00": "08:00-12:00,13:30-18:00",
		" 13:30 - 18:00 , 8-12 ": "08:00-12:00,13:30-18:00",
		"24小时":                   "00:00-24:00",
		"休息":                     "",
		"":                       "",
		"20:00-02:00":            "20:00-02:00",
		"06:00-09:00、17:00至次日":   "",
	} {
		spans, key, _ := ParseDay(in)
		if in == "06:00-09:00、17:00至次日" {
			if key == "" {
				t.Errorf("%q accepted", in)
			}
			continue
		}
		if key != "" || DayText(spans) != want {
			t.Errorf("ParseDay(%q) = %q %s, want %q", in, DayText(spans), key, want)
		}
	}
	for in, key := range map[string]string{
		"08:00-12:00,11:00-14:00":          "station.hours_overlap",
		"25:00-26:00":                      "station.hours_format",
		"08:00":                            "station.hours_format",
		"08:60-09:00":                      "station.hours_format",
		"09:00-09:00":                      "station.hours_format",
		"1-2,3-4,5-6,7-8,9-10,11-12,13-14": "station.hours_too_many",
	} {
		if _, got, _ := ParseDay(in); got != key {
			t.Errorf("ParseDay(%q) = %q, want %q", in, got, key)
		}
	}
}

func TestHoursFieldErrors(t *testing.T) {
	h := HoursText{Mon: "08:00-12:00,11:30-13:00", Tue: "20:00-03:00", Wed: "02:00-05:00", Thu: "八点",
		Exceptions: []ExceptionText{{Date: "2026-10-01"}, {Date: "2026-10-01", Hours: "09:00-10:00"}, {Date: "10/02", Hours: "休息"}}}
	f := errs.Fields{}
	h.Parse(f)
	for field, key := range map[string]string{"hours.mon": "station.hours_overlap", "hours.wed": "station.hours_spill",
		"hours.thu": "station.hours_format", "exceptions.1.date": "station.exception_twice", "exceptions.2.date": "station.date_format"} {
		if f[field].Key != key {
			t.Errorf("%s: %q, want %q (all: %v)", field, f[field].Key, key, f)
		}
	}
	if len(f) != 5 {
		t.Errorf("problems: %v", f)
	}
}

func TestOpenAt(t *testing.T) {
	f := errs.Fields{}
	// 2026-09-28 is a Monday; 2026-10-01 a Thursday.
	h, canon := HoursText{Mon: "08:00-12:00,13:00-18:00", Tue: "22:00-02:00", Wed: "休息", Thu: "09:00-17:00", Fri: "24小时", Sat: "24小时", Sun: "10:00-16:00",
		Exceptions: []ExceptionText{{Date: "2026-10-01", Hours: "休息"}, {Date: "2026-10-04", Hours: "12:00-13:00"}}}.Parse(f)
	if len(f) != 0 {
		t.Fatal(f)
	}
	if canon.Fri != "00:00-24:00" || canon.Wed != "" || len(canon.Exceptions) != 2 {
		t.Errorf("canonical %+v", canon)
	}
	for when, want := range map[string]bool{
		"2026-09-28 07:59": false, "2026-09-28 08:00": true, "2026-09-28 12:30": false, "2026-09-28 17:59": true, "2026-09-28 18:00": false,
		"2026-09-29 21:59": false, "2026-09-29 23:30": true, "2026-09-30 01:59": true, // Tuesday's span past midnight, into a closed Wednesday
		"2026-09-30 02:00": false, "2026-09-30 12:00": false,
		"2026-10-01 10:00": false,                                                                               // Thursday, closed for the holiday
		"2026-10-02 03:00": true, "2026-10-03 23:59": true, "2026-10-04 09:00": false, "2026-10-04 12:30": true, // Sunday's exception
		"2026-10-11 11:00": true, // an ordinary Sunday
	} {
		if got := h.OpenAt(at(when)); got != want {
			t.Errorf("open at %s: %v, want %v", when, got, want)
		}
	}
	if h.AllDay() {
		t.Error("not all day")
	}
	// The same instant in UTC is judged in Beijing time.
	if !h.OpenAt(at("2026-09-28 08:30").UTC()) {
		t.Error("UTC instant misjudged")
	}
}

func FuzzParseDay(f *testing.F) {
	for _, s := range []string{"08:00-18:00", "8-12,13-18", "24小时", "20:00-02:00", "休息", "08:00～12:00，13:30-18:00", "25:00", "1-2,3-4", "-", "::-::"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		spans, key, _ := ParseDay(s)
		if key != "" {
			return
		}
		for i, sp := range spans {
			if sp.Open < 0 || sp.Open >= dayMinutes || sp.Close <= sp.Open || sp.Close > sp.Open+dayMinutes {
				t.Fatalf("%q: bad span %+v", s, sp)
			}
			if i > 0 && sp.Open < spans[i-1].Close {
				t.Fatalf("%q: overlapping spans %v", s, spans)
			}
		}
		// The canonical text reads back as the same spans.
		again, key, _ := ParseDay(DayText(spans))
		if key != "" || DayText(again) != DayText(spans) {
			t.Fatalf("%q: canonical %q reads back as %q (%s)", s, DayText(spans), DayText(again), key)
		}
	})
}

func FuzzCheckPoint(f *testing.F) {
	for _, s := range [][3]string{{"39.9", "116.4", "wgs84"}, {"116.4", "39.9", "gcj02"}, {"0", "0", ""}, {"91", "181", "x"}, {"NaN", "1e9", "wgs84"}} {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, lat, lng, sys string) {
		fs := errs.Fields{}
		p, ok := CheckPoint(fs, nil, nil, lat, lng, System(sys))
		if ok != (len(fs) == 0) {
			t.Fatalf("ok %v with problems %v", ok, fs)
		}
		if ok && (!InChina(p) && Distance(p, FromSystem(p, GCJ02)) > 2000) {
			t.Fatalf("accepted %q,%q as %v", lat, lng, p)
		}
	})
}
