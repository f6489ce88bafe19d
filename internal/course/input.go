package course

import (
	"strconv"
	"strings"
	"time"

	"gonghui/internal/beijing"
	"gonghui/internal/errs"
	"gonghui/internal/signup"
)

// CourseInput is a course as staff write it.
type CourseInput struct {
	OrgID       int64    `json:"-"`
	Title       string   `json:"title"`
	Category    Category `json:"category"`
	Description string   `json:"description"`
}

// Limits of the fields.
const (
	MaxTitle       = signup.MaxTitle
	MaxText        = signup.MaxText
	MaxDescription = signup.MaxDescription
	MaxCapacity    = 100_000
	MaxSlots       = 14
	MaxSessions    = 400
	MaxWeeks       = 104
)

func (in *CourseInput) validate() error {
	f := errs.Fields{}
	signup.Title(f, "title", &in.Title)
	signup.Choice(f, "category", in.Category == "", in.Category.Valid())
	signup.Description(f, in.Description)
	return f.Err()
}

// TermInput is a term as staff write it. Times as activity.Input takes
// them ("2006-01-02T15:04" in Beijing time, or RFC 3339); days YYYY-MM-DD.
type TermInput struct {
	AudienceOrgID int64    `json:"-"` // 0: the course's organisation
	AudienceTags  []string `json:"audience_tags"`
	Name          string   `json:"name"`
	Teacher       string   `json:"teacher"`
	Venue         string   `json:"venue"`
	Address       string   `json:"address"`
	Capacity      int      `json:"capacity"`
	EnrolOpensAt  string   `json:"enrol_opens_at"` // empty: at once
	EnrolClosesAt string   `json:"enrol_closes_at"`
	StartsOn      string   `json:"starts_on"`
	EndsOn        string   `json:"ends_on"`
	Schedule      []Slot   `json:"schedule"`
}

type parsedTerm struct {
	TermInput
	tags          int64
	opens, closes time.Time
	first, last   time.Time // days, midnight Beijing
	sessions      [][2]time.Time
}

// clock reads "HH:MM" as minutes after midnight.
func clock(s string) (int, bool) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok || len(h) == 0 || len(h) > 2 || len(m) != 2 {
		return 0, false
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh < 0 || hh > 23 || mm < 0 || mm > 59 {
		return 0, false
	}
	return hh*60 + mm, true
}

func (in TermInput) validate(now time.Time) (*parsedTerm, error) {
	f := errs.Fields{}
	p := &parsedTerm{TermInput: in}
	signup.Title(f, "name", &p.Name)
	signup.Texts(f, map[string]*string{"teacher": &p.Teacher, "venue": &p.Venue, "address": &p.Address})
	p.tags = signup.AudienceTags(f, in.AudienceTags)
	signup.Capacity(f, in.Capacity, MaxCapacity)
	var ok, okFirst, okLast bool
	if p.first, okFirst = beijing.ParseDay(in.StartsOn); !okFirst {
		f.Add("starts_on", map[bool]string{true: "field.required", false: "field.invalid_date"}[strings.TrimSpace(in.StartsOn) == ""])
	}
	if p.last, okLast = beijing.ParseDay(in.EndsOn); !okLast {
		f.Add("ends_on", map[bool]string{true: "field.required", false: "field.invalid_date"}[strings.TrimSpace(in.EndsOn) == ""])
	}
	if okFirst && okLast {
		if f.Check(!p.last.Before(p.first), "ends_on", "field.date_order") {
			f.Check(p.last.Sub(p.first) <= MaxWeeks*7*24*time.Hour, "ends_on", "course.term_too_long", MaxWeeks)
		}
	}
	if strings.TrimSpace(in.EnrolOpensAt) == "" {
		p.opens = now.Truncate(time.Minute)
	} else if p.opens, ok = beijing.ParseTime(in.EnrolOpensAt); !ok {
		f.Add("enrol_opens_at", "course.time_format")
	}
	if strings.TrimSpace(in.EnrolClosesAt) == "" {
		f.Add("enrol_closes_at", "field.required")
	} else if p.closes, ok = beijing.ParseTime(in.EnrolClosesAt); !ok {
		f.Add("enrol_closes_at", "course.time_format")
	}
	if !p.opens.IsZero() && !p.closes.IsZero() {
		f.Check(p.closes.After(p.opens), "enrol_closes_at", "course.closes_before_opens")
	}
	if !p.closes.IsZero() && okFirst {
		f.Check(p.closes.Before(p.first.AddDate(0, 0, 1)), "enrol_closes_at", "course.closes_after_start")
	}
	if len(in.Schedule) == 0 {
		f.Add("schedule", "course.schedule_required")
	} else if f.Check(len(in.Schedule) <= MaxSlots, "schedule", "course.too_many_slots", MaxSlots) {
		for i, sl := range in.Schedule {
			field := "schedule." + strconv.Itoa(i)
			f.Check(sl.Weekday >= 1 && sl.Weekday <= 7, field+".weekday", "field.out_of_range", 1, 7)
			if _, ok := clock(sl.Start); !ok {
				f.Add(field+".start", "course.clock_format")
			}
			f.Check(sl.Minutes >= 10 && sl.Minutes <= 600, field+".minutes", "field.out_of_range", 10, 600)
		}
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	p.sessions = sessionsOf(p.first, p.last, p.Schedule)
	if len(p.sessions) == 0 {
		return nil, fieldErr("schedule", "course.no_sessions")
	}
	if len(p.sessions) > MaxSessions {
		return nil, fieldErr("schedule", "course.too_many_sessions", MaxSessions)
	}
	return p, nil
}

// sessionsOf lists the meetings of a weekly schedule between two days
// (both included), in time order.
func sessionsOf(first, last time.Time, slots []Slot) [][2]time.Time {
	var out [][2]time.Time
	for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
		wd := int(d.Weekday())
		if wd == 0 {
			wd = 7
		}
		for _, sl := range slots {
			if sl.Weekday != wd {
				continue
			}
			m, _ := clock(sl.Start)
			start := d.Add(time.Duration(m) * time.Minute)
			out = append(out, [2]time.Time{start, start.Add(time.Duration(sl.Minutes) * time.Minute)})
		}
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j][0].Before(out[j-1][0]); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}
