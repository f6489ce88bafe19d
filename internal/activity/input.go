package activity

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gonghui/internal/beijing"
	"gonghui/internal/errs"
	"gonghui/internal/signup"
)

// Input is an activity as staff write it. Times are "2006-01-02T15:04"
// (Beijing time, what a datetime-local field sends), the same with seconds,
// or RFC 3339 with a zone.
type Input struct {
	OrgID          int64             `json:"-"`
	AudienceOrgID  int64             `json:"-"` // 0: the publisher's whole subtree
	AudienceTags   []string          `json:"audience_tags"`
	Title          string            `json:"title"`
	Kind           Kind              `json:"kind"`
	Description    string            `json:"description"`
	Organiser      string            `json:"organiser"`
	Venue          string            `json:"venue"`
	Address        string            `json:"address"`
	Lat            *float64          `json:"lat"`
	Lng            *float64          `json:"lng"`
	StartsAt       string            `json:"starts_at"`
	EndsAt         string            `json:"ends_at"`
	RegOpensAt     string            `json:"registration_opens_at"`  // empty: at once
	RegClosesAt    string            `json:"registration_closes_at"` // empty: at the start
	CancelBefore   string            `json:"cancel_before"`          // empty: the start
	Capacity       int               `json:"capacity"`
	Waitlist       bool              `json:"waitlist"`
	Approval       bool              `json:"approval"`
	WalkIns        bool              `json:"walk_ins"`
	StampsRequired int               `json:"stamps_required"`
	Prize          string            `json:"prize"`
	Checkpoints    []CheckpointInput `json:"checkpoints"`
}

// CheckpointInput is a checkpoint as staff write it; ID names an existing
// one when editing (its codes stay valid).
type CheckpointInput struct {
	ID            int64  `json:"-"`
	Name          string `json:"name"`
	RotateSeconds int    `json:"rotate_seconds"`
}

// Limits of the fields; the texts' are those courses share.
const (
	MaxCapacity    = 1_000_000
	MaxCheckpoints = 20
	MaxCheckpoint  = 40
	MinRotate      = 10
	MaxRotate      = 86400
	MaxTitle       = signup.MaxTitle
	MaxText        = signup.MaxText
	MaxDescription = signup.MaxDescription
)

// parsed is an Input after validation.
type parsed struct {
	Input
	tags                                   int64
	starts, ends, opens, closes, cancelled time.Time
}

// validate checks everything that does not need the database; now fills
// the default opening of registration.
func (in Input) validate(now time.Time) (*parsed, error) {
	f := errs.Fields{}
	p := &parsed{Input: in}
	signup.Title(f, "title", &p.Title)
	signup.Choice(f, "kind", in.Kind == "", in.Kind.Valid())
	signup.Description(f, in.Description)
	signup.Texts(f, map[string]*string{"organiser": &p.Organiser, "venue": &p.Venue, "address": &p.Address, "prize": &p.Prize})
	p.tags = signup.AudienceTags(f, in.AudienceTags)
	if (in.Lat == nil) != (in.Lng == nil) {
		f.Add(map[bool]string{true: "lng", false: "lat"}[in.Lat != nil], "activity.coordinates_pair")
	}
	if in.Lat != nil {
		f.Check(!math.IsNaN(*in.Lat) && *in.Lat >= -90 && *in.Lat <= 90, "lat", "activity.latitude")
	}
	if in.Lng != nil {
		f.Check(!math.IsNaN(*in.Lng) && *in.Lng >= -180 && *in.Lng <= 180, "lng", "activity.longitude")
	}

	when := func(field, s string, def time.Time) time.Time {
		if strings.TrimSpace(s) == "" {
			if def.IsZero() {
				f.Add(field, "field.required")
			}
			return def
		}
		t, ok := beijing.ParseTime(s)
		if !ok {
			f.Add(field, "activity.time_format")
		}
		return t
	}
	p.starts = when("starts_at", in.StartsAt, time.Time{})
	p.ends = when("ends_at", in.EndsAt, time.Time{})
	if !p.starts.IsZero() && !p.ends.IsZero() {
		f.Check(p.ends.After(p.starts), "ends_at", "activity.ends_before_start")
	}
	p.opens = when("registration_opens_at", in.RegOpensAt, now.Truncate(time.Minute))
	p.closes = when("registration_closes_at", in.RegClosesAt, p.starts)
	p.cancelled = when("cancel_before", in.CancelBefore, p.starts)
	if !p.opens.IsZero() && !p.closes.IsZero() {
		f.Check(p.closes.After(p.opens), "registration_closes_at", "activity.closes_before_opens")
	}
	if !p.closes.IsZero() && !p.ends.IsZero() {
		f.Check(!p.closes.After(p.ends), "registration_closes_at", "activity.closes_after_end")
	}
	if !p.cancelled.IsZero() && !p.ends.IsZero() {
		f.Check(!p.cancelled.After(p.ends), "cancel_before", "activity.cancel_after_end")
	}

	signup.Capacity(f, in.Capacity, MaxCapacity)
	if in.Capacity == 0 && in.Waitlist {
		f.Add("waitlist", "activity.waitlist_needs_capacity")
	}
	if len(in.Checkpoints) == 0 {
		p.Checkpoints = []CheckpointInput{{}}
	}
	if f.Check(len(p.Checkpoints) <= MaxCheckpoints, "checkpoints", "activity.too_many_checkpoints", MaxCheckpoints) {
		p.Checkpoints = append([]CheckpointInput(nil), p.Checkpoints...)
		seen := map[string]bool{}
		for i := range p.Checkpoints {
			c := &p.Checkpoints[i]
			c.Name = strings.TrimSpace(c.Name)
			field := "checkpoints." + strconv.Itoa(i)
			switch {
			case c.Name == "" && len(p.Checkpoints) > 1:
				f.Add(field+".name", "field.required")
			case utf8.RuneCountInString(c.Name) > MaxCheckpoint:
				f.Add(field+".name", "field.too_long", MaxCheckpoint)
			case seen[c.Name]:
				f.Add(field+".name", "activity.checkpoint_duplicate")
			}
			seen[c.Name] = true
			if c.RotateSeconds != 0 && (c.RotateSeconds < MinRotate || c.RotateSeconds > MaxRotate) {
				f.Add(field+".rotate_seconds", "field.out_of_range", MinRotate, MaxRotate)
			}
		}
	}
	f.Check(in.StampsRequired >= 0 && in.StampsRequired <= len(p.Checkpoints), "stamps_required", "field.out_of_range", 0, len(p.Checkpoints))
	if in.StampsRequired > 0 && p.Prize == "" {
		f.Add("prize", "activity.prize_required")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	return p, nil
}
