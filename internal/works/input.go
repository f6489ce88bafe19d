package works

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gonghui/internal/beijing"
	"gonghui/internal/errs"
	"gonghui/internal/signup"
)

// Input is a call as staff write it. Times are "2006-01-02T15:04"
// (Beijing time), the same with seconds, or RFC 3339 with a zone.
type Input struct {
	OrgID         int64       `json:"org_id,string"`
	AudienceOrgID int64       `json:"audience_org_id,string"` // 0: the publisher's whole subtree
	AudienceTags  []string    `json:"audience_tags"`
	Title         string      `json:"title"`
	Description   string      `json:"description"`
	Kind          Kind        `json:"kind"`
	MinChars      int         `json:"min_chars"`
	MaxChars      int         `json:"max_chars"`
	MaxPhotos     int         `json:"max_photos"`
	MaxPhotoKB    int         `json:"max_photo_kb"`
	PerMember     int         `json:"per_member"` // 0: one
	OpensAt       string      `json:"opens_at"`
	ClosesAt      string      `json:"closes_at"`
	JudgeUntil    string      `json:"judge_until"`
	Criteria      []Criterion `json:"criteria"`
	Tiers         []Tier      `json:"tiers"`
}

// Limits of a call.
const (
	MaxEssayChars   = 50000
	MaxPhotos       = 9
	MaxPhotoKB      = 10 << 10 // 10 MB
	MaxPerMember    = 10
	MaxCriteria     = 8
	MaxTiers        = 8
	MaxTierCount    = 1000
	MaxName         = 20
	MaxCallLength   = 366 * 24 * time.Hour
	MaxEntryTitle   = 60
	MaxEntryNote    = 300
	MaxReason       = 200
	DefaultPhotoKB  = 5 << 10
	DefaultMaxChars = 3000
)

// parsed is an Input after validation.
type parsed struct {
	Input
	tags                 int64
	opens, closes, judge time.Time
}

func (in Input) validate() (*parsed, error) {
	f := errs.Fields{}
	p := &parsed{Input: in}
	signup.Title(f, "title", &p.Title)
	p.Description = strings.TrimSpace(in.Description)
	signup.Description(f, p.Description)
	p.tags = signup.AudienceTags(f, in.AudienceTags)
	signup.Choice(f, "kind", in.Kind == "", in.Kind == KindEssay || in.Kind == KindPhoto)
	switch in.Kind {
	case KindEssay:
		if p.MaxChars == 0 {
			p.MaxChars = DefaultMaxChars
		}
		f.Check(p.MinChars >= 0 && p.MinChars <= MaxEssayChars, "min_chars", "field.out_of_range", 0, MaxEssayChars)
		if f.Check(p.MaxChars >= 1 && p.MaxChars <= MaxEssayChars, "max_chars", "field.out_of_range", 1, MaxEssayChars) {
			f.Check(p.MinChars <= p.MaxChars, "max_chars", "works.max_below_min")
		}
		p.MaxPhotos, p.MaxPhotoKB = 0, 0
	case KindPhoto:
		if p.MaxPhotos == 0 {
			p.MaxPhotos = 1
		}
		if p.MaxPhotoKB == 0 {
			p.MaxPhotoKB = DefaultPhotoKB
		}
		f.Check(p.MaxPhotos >= 1 && p.MaxPhotos <= MaxPhotos, "max_photos", "field.out_of_range", 1, MaxPhotos)
		f.Check(p.MaxPhotoKB >= 100 && p.MaxPhotoKB <= MaxPhotoKB, "max_photo_kb", "field.out_of_range", 100, MaxPhotoKB)
		p.MinChars, p.MaxChars = 0, 0
	}
	if p.PerMember == 0 {
		p.PerMember = 1
	}
	f.Check(p.PerMember >= 1 && p.PerMember <= MaxPerMember, "per_member", "field.out_of_range", 1, MaxPerMember)
	when := func(field, s string) time.Time {
		if strings.TrimSpace(s) == "" {
			f.Add(field, "field.required")
			return time.Time{}
		}
		t, ok := beijing.ParseTime(s)
		f.Check(ok, field, "works.time_format")
		return t
	}
	p.opens, p.closes, p.judge = when("opens_at", in.OpensAt), when("closes_at", in.ClosesAt), when("judge_until", in.JudgeUntil)
	if !p.opens.IsZero() && !p.closes.IsZero() {
		if f.Check(p.closes.After(p.opens), "closes_at", "works.closes_before_opens") {
			f.Check(p.closes.Sub(p.opens) <= MaxCallLength, "closes_at", "works.too_long_open")
		}
	}
	if !p.closes.IsZero() && !p.judge.IsZero() {
		if f.Check(p.judge.After(p.closes), "judge_until", "works.judging_before_close") {
			f.Check(p.judge.Sub(p.closes) <= MaxCallLength, "judge_until", "works.too_long_open")
		}
	}
	p.Criteria = nil
	sum := 0
	for _, c := range in.Criteria {
		c.Name = strings.TrimSpace(c.Name)
		if c.Name == "" && c.Weight == 0 {
			continue // a blank row of the form
		}
		field := "criteria." + strconv.Itoa(len(p.Criteria)) + "."
		if f.Check(c.Name != "", field+"name", "field.required") {
			f.Check(utf8.RuneCountInString(c.Name) <= MaxName, field+"name", "field.too_long", MaxName)
		}
		f.Check(c.Weight >= 1 && c.Weight <= 100, field+"weight", "field.out_of_range", 1, 100)
		sum += c.Weight
		p.Criteria = append(p.Criteria, c)
	}
	switch {
	case len(p.Criteria) == 0:
		f.Add("criteria", "works.no_criteria")
	case len(p.Criteria) > MaxCriteria:
		f.Add("criteria", "works.too_many", MaxCriteria)
	default:
		f.Check(sum == 100, "criteria", "works.weights_sum", sum)
	}
	p.Tiers = nil
	for _, t := range in.Tiers {
		t.Name = strings.TrimSpace(t.Name)
		if t.Name == "" && t.Count == 0 {
			continue
		}
		field := "tiers." + strconv.Itoa(len(p.Tiers)) + "."
		if f.Check(t.Name != "", field+"name", "field.required") {
			f.Check(utf8.RuneCountInString(t.Name) <= MaxName, field+"name", "field.too_long", MaxName)
		}
		f.Check(t.Count >= 1 && t.Count <= MaxTierCount, field+"count", "field.out_of_range", 1, MaxTierCount)
		p.Tiers = append(p.Tiers, t)
	}
	if len(p.Tiers) == 0 {
		f.Add("tiers", "works.no_tiers")
	}
	f.Check(len(p.Tiers) <= MaxTiers, "tiers", "works.too_many", MaxTiers)
	if err := f.Err(); err != nil {
		return nil, err
	}
	if p.Criteria == nil {
		p.Criteria = []Criterion{}
	}
	return p, nil
}

// EntryInput is an entry as a member writes it; photos come as their bytes.
type EntryInput struct {
	Title  string   `json:"title"`
	Body   string   `json:"body"` // essay: the text
	Note   string   `json:"note"` // a short description
	Photos [][]byte `json:"-"`    // photo: new pictures
	Remove []int64  `json:"-"`    // photo: pictures to drop (editing)
	// Original: the member confirms the work is their own and consents to
	// its use by the union (required).
	Original bool `json:"original"`
}
