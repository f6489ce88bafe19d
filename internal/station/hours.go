package station

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"gonghui/internal/beijing"
	"gonghui/internal/errs"
)

// Opening hours. Staff write each weekday as text, the way a notice on a
// door reads: "08:00-12:00, 13:30-18:00", "24小时", "休息" (closed), or a
// span past midnight such as "20:00-02:00" (it ends the next morning).
// Exceptions name a date (a holiday, a day of repairs) with the hours of
// that date instead, or none: closed. Every check is in Beijing time.

// HoursText is a station's hours as written: each weekday's text and the
// exceptions. Its canonical form (Canonical) is what the store keeps.
type HoursText struct {
	Mon        string          `json:"mon"`
	Tue        string          `json:"tue"`
	Wed        string          `json:"wed"`
	Thu        string          `json:"thu"`
	Fri        string          `json:"fri"`
	Sat        string          `json:"sat"`
	Sun        string          `json:"sun"`
	Exceptions []ExceptionText `json:"exceptions"`
}

// ExceptionText is one date's own hours ("" closed).
type ExceptionText struct {
	Date  string `json:"date"`
	Hours string `json:"hours"`
}

// DayKeys name the weekdays, Monday first, as fields and JSON do.
var DayKeys = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}

// Day is the text of weekday i (0 Monday).
func (h *HoursText) Day(i int) *string {
	return []*string{&h.Mon, &h.Tue, &h.Wed, &h.Thu, &h.Fri, &h.Sat, &h.Sun}[i]
}

// Limits of the hours.
const (
	MaxSpans      = 6  // spans on one day
	MaxExceptions = 60 // dates with their own hours
	maxHoursText  = 120
)

// Span is an opening from Open to Close, in minutes from the day's
// midnight; Close may pass 1440 (the next morning), never by more than a
// day.
type Span struct{ Open, Close int }

// Hours are parsed hours.
type Hours struct {
	Week       [7][]Span         // Monday first
	Exceptions map[string][]Span // "2006-01-02" → that date's spans (none: closed)
}

const dayMinutes = 24 * 60

// closedWords and allDayWords are what people write for a closed day and
// for one open round the clock.
var (
	closedWords = []string{"", "休息", "闭馆", "关闭", "不开放", "closed", "close", "-", "—", "无"}
	allDayWords = []string{"24小时", "24h", "24 h", "24hours", "24 hours", "全天", "全天开放", "24小时开放", "00:00-24:00", "0:00-24:00"}
)

// spanSep splits a day's spans; rangeSep the two times of one span.
var (
	spanSep  = strings.NewReplacer("，", ",", "、", ",", ";", ",", "；", ",", "/", ",", " ", ",", "\u3000", ",")
	rangeSep = strings.NewReplacer("～", "-", "~", "-", "—", "-", "–", "-", "－", "-", "至", "-", "到", "-", "：", ":")
)

// ParseDay reads one day's text into spans, sorted. It returns the key
// of the first problem (and its argument) when the text is not hours.
func ParseDay(s string) ([]Span, string, []any) {
	s = strings.TrimSpace(strings.ToLower(s))
	if len([]rune(s)) > maxHoursText {
		return nil, "field.too_long", []any{maxHoursText}
	}
	if slices.Contains(closedWords, s) {
		return nil, "", nil
	}
	if slices.Contains(allDayWords, strings.ReplaceAll(s, " ", "")) || slices.Contains(allDayWords, s) {
		return []Span{{0, dayMinutes}}, "", nil
	}
	s = rangeSep.Replace(s)
	// Keep "08:00 - 18:00" one span: spaces around a dash are not separators.
	for strings.Contains(s, " -") || strings.Contains(s, "- ") {
		s = strings.ReplaceAll(strings.ReplaceAll(s, " -", "-"), "- ", "-")
	}
	var out []Span
	for _, part := range strings.Split(spanSep.Replace(s), ",") {
		if part == "" {
			continue
		}
		a, b, ok := strings.Cut(part, "-")
		if !ok {
			return nil, "station.hours_format", []any{part}
		}
		open, ok1 := clock(a, false)
		close, ok2 := clock(b, true)
		if !ok1 || !ok2 || open == close || open == dayMinutes {
			return nil, "station.hours_format", []any{part}
		}
		if close <= open {
			close += dayMinutes // past midnight
		}
		out = append(out, Span{open, close})
	}
	if len(out) == 0 {
		return nil, "", nil
	}
	if len(out) > MaxSpans {
		return nil, "station.hours_too_many", []any{MaxSpans}
	}
	slices.SortFunc(out, func(x, y Span) int { return x.Open - y.Open })
	for i := 1; i < len(out); i++ {
		if out[i].Open < out[i-1].Close {
			return nil, "station.hours_overlap", []any{spanText(out[i-1]), spanText(out[i])}
		}
	}
	return out, "", nil
}

// clock reads "8:00", "08:00", "8" or "24:00" (only as an end) as minutes.
func clock(s string, end bool) (int, bool) {
	s = strings.TrimSpace(s)
	h, m, hasMin := strings.Cut(s, ":")
	if h == "" || len(h) > 2 || (hasMin && len(m) != 2) {
		return 0, false
	}
	hh, err := strconv.Atoi(h)
	if err != nil || hh < 0 {
		return 0, false
	}
	mm := 0
	if hasMin {
		if mm, err = strconv.Atoi(m); err != nil || mm < 0 || mm > 59 {
			return 0, false
		}
	}
	v := hh*60 + mm
	if v > dayMinutes || (v == dayMinutes && !end) || (hh == 24 && mm != 0) {
		return 0, false
	}
	return v, true
}

func hm(m int) string {
	m %= dayMinutes
	return fmt.Sprintf("%02d:%02d", m/60, m%60)
}

func spanText(s Span) string {
	if s.Open == 0 && s.Close == dayMinutes {
		return "00:00-24:00"
	}
	return hm(s.Open) + "-" + hm(s.Close)
}

// DayText writes spans in the canonical form ("" closed).
func DayText(spans []Span) string {
	parts := make([]string, len(spans))
	for i, s := range spans {
		parts[i] = spanText(s)
	}
	return strings.Join(parts, ",")
}

// Parse checks every day and exception of h, adding each problem to f
// under "hours.<day>", "exceptions.N.date" or "exceptions.N.hours", and
// returns the parsed hours and h in canonical form.
func (h HoursText) Parse(f errs.Fields) (*Hours, HoursText) {
	out := &Hours{Exceptions: map[string][]Span{}}
	var canon HoursText
	for i := range 7 {
		spans, key, args := ParseDay(*h.Day(i))
		if key != "" {
			f.Add("hours."+DayKeys[i], key, args...)
			continue
		}
		out.Week[i] = spans
		*canon.Day(i) = DayText(spans)
	}
	// A span past midnight must end before the next day's first one opens.
	for i := range 7 {
		prev, next := out.Week[i], out.Week[(i+1)%7]
		if len(prev) == 0 || len(next) == 0 {
			continue
		}
		if spill := prev[len(prev)-1].Close - dayMinutes; spill > next[0].Open {
			f.Add("hours."+DayKeys[(i+1)%7], "station.hours_spill", spanText(prev[len(prev)-1]))
		}
	}
	if len(h.Exceptions) > MaxExceptions {
		f.Add("exceptions", "station.too_many_exceptions", MaxExceptions)
		return out, canon
	}
	for i, e := range h.Exceptions {
		n := "exceptions." + strconv.Itoa(i)
		date := strings.TrimSpace(e.Date)
		if date == "" && strings.TrimSpace(e.Hours) == "" {
			continue // an empty row of the form
		}
		if _, ok := beijing.ParseDay(date); !ok {
			f.Add(n+".date", "station.date_format")
			continue
		}
		if _, dup := out.Exceptions[date]; dup {
			f.Add(n+".date", "station.exception_twice")
			continue
		}
		spans, key, args := ParseDay(e.Hours)
		if key != "" {
			f.Add(n+".hours", key, args...)
			continue
		}
		out.Exceptions[date] = spans
		canon.Exceptions = append(canon.Exceptions, ExceptionText{Date: date, Hours: DayText(spans)})
	}
	slices.SortFunc(canon.Exceptions, func(a, b ExceptionText) int { return strings.Compare(a.Date, b.Date) })
	return out, canon
}

// weekday is Monday 0 … Sunday 6.
func weekday(t time.Time) int { return (int(t.Weekday()) + 6) % 7 }

// on is the spans of a Beijing date (its midnight).
func (h *Hours) on(date time.Time) []Span {
	if s, ok := h.Exceptions[date.Format(time.DateOnly)]; ok {
		return s
	}
	return h.Week[weekday(date)]
}

// OpenAt reports whether the station is open at t: a span of that Beijing
// date holds t, or one of the day before runs past midnight into it.
func (h *Hours) OpenAt(t time.Time) bool {
	date := beijing.Midnight(t)
	m := int(t.Sub(date) / time.Minute)
	for _, s := range h.on(date) {
		if s.Open <= m && m < s.Close {
			return true
		}
	}
	for _, s := range h.on(date.AddDate(0, 0, -1)) {
		if s.Close > dayMinutes && m+dayMinutes < s.Close {
			return true
		}
	}
	return false
}

// AllDay reports whether every day of the week is open round the clock.
func (h *Hours) AllDay() bool {
	for _, d := range h.Week {
		if len(d) != 1 || d[0].Open != 0 || d[0].Close != dayMinutes {
			return false
		}
	}
	return true
}

// Today is the text of the spans of t's Beijing date.
func (h *Hours) Today(t time.Time) string { return DayText(h.on(beijing.Midnight(t))) }

// parseStored reads hours the store wrote (already canonical): a row that
// does not parse counts as closed rather than failing a search.
func parseStored(h HoursText) *Hours {
	f := errs.Fields{}
	out, _ := h.Parse(f)
	return out
}
