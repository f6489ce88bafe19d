package contest

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gonghui/internal/auth"
	"gonghui/internal/beijing"
	"gonghui/internal/contest/bank"
	"gonghui/internal/errs"
	"gonghui/internal/signup"
)

// Input is a contest as staff write it. Times are "2006-01-02T15:04"
// (Beijing time), the same with seconds, or RFC 3339 with a zone.
type Input struct {
	OrgID            int64     `json:"org_id,string"`
	AudienceOrgID    int64     `json:"audience_org_id,string"` // 0: the publisher's whole subtree
	AudienceTags     []string  `json:"audience_tags"`
	Title            string    `json:"title"`
	Description      string    `json:"description"`
	Practice         bool      `json:"practice"`
	OpensAt          string    `json:"opens_at"`
	ClosesAt         string    `json:"closes_at"`
	TimeLimit        int       `json:"time_limit"` // seconds; 0: until closing
	Attempts         int       `json:"attempts"`   // 0: one
	Counting         Counting  `json:"counting"`   // "": best
	PassMark         int       `json:"pass_mark"`
	ShuffleQuestions bool      `json:"shuffle_questions"`
	ShuffleOptions   bool      `json:"shuffle_options"`
	PartialCredit    bool      `json:"partial_credit"`
	ShowCorrections  bool      `json:"show_corrections"`
	Sections         []Section `json:"sections"`
}

// Limits of a contest.
const (
	MinTimeLimit     = 60
	MaxTimeLimit     = 24 * 3600
	MaxAttempts      = 20
	MaxSections      = 20
	MaxSectionSize   = 200
	MaxPaper         = 300 // questions on one paper
	MaxPoints        = 100 // per question
	MaxSectionTitle  = 40
	MaxContestLength = 366 * 24 * time.Hour
)

// parsed is an Input after validation.
type parsed struct {
	Input
	tags           int64
	opens, closes  time.Time
	maxScore       int
	sectionsByBank map[int64][]int // bank -> indexes of its sections
}

// validate checks everything that does not need the database.
func (in Input) validate() (*parsed, error) {
	f := errs.Fields{}
	p := &parsed{Input: in, sectionsByBank: map[int64][]int{}}
	signup.Title(f, "title", &p.Title)
	signup.Description(f, in.Description)
	p.Description = strings.TrimSpace(in.Description)
	p.tags = signup.AudienceTags(f, in.AudienceTags)
	when := func(field, s string) time.Time {
		if strings.TrimSpace(s) == "" {
			f.Add(field, "field.required")
			return time.Time{}
		}
		t, ok := beijing.ParseTime(s)
		f.Check(ok, field, "contest.time_format")
		return t
	}
	p.opens, p.closes = when("opens_at", in.OpensAt), when("closes_at", in.ClosesAt)
	if !p.opens.IsZero() && !p.closes.IsZero() {
		if f.Check(p.closes.After(p.opens), "closes_at", "contest.closes_before_opens") {
			f.Check(p.closes.Sub(p.opens) <= MaxContestLength, "closes_at", "contest.too_long_open")
		}
	}
	f.Check(in.TimeLimit == 0 || in.TimeLimit >= MinTimeLimit && in.TimeLimit <= MaxTimeLimit, "time_limit", "contest.time_limit", MinTimeLimit/60, MaxTimeLimit/60)
	if p.Attempts == 0 {
		p.Attempts = 1
	}
	f.Check(p.Attempts >= 1 && p.Attempts <= MaxAttempts, "attempts", "field.out_of_range", 1, MaxAttempts)
	if p.Counting == "" {
		p.Counting = CountBest
	}
	f.Check(p.Counting == CountBest || p.Counting == CountLast, "counting", "field.invalid_choice")
	p.Sections = append([]Section(nil), in.Sections...)
	if len(p.Sections) == 0 {
		f.Add("sections", "contest.no_sections")
	}
	f.Check(len(p.Sections) <= MaxSections, "sections", "contest.too_many_sections", MaxSections)
	total := 0
	for i := range p.Sections {
		sec := &p.Sections[i]
		field := "sections." + strconv.Itoa(i) + "."
		sec.Title = strings.TrimSpace(sec.Title)
		sec.Category = strings.TrimSpace(sec.Category)
		f.Check(utf8.RuneCountInString(sec.Title) <= MaxSectionTitle, field+"title", "field.too_long", MaxSectionTitle)
		f.Check(sec.BankID != 0, field+"bank_id", "field.required")
		switch {
		case len(sec.Questions) > 0 && sec.Count > 0:
			f.Add(field+"count", "contest.fixed_or_random")
		case len(sec.Questions) == 0 && sec.Count <= 0:
			f.Add(field+"count", "contest.section_empty")
		case sec.Size() > MaxSectionSize:
			f.Add(field+"count", "field.out_of_range", 1, MaxSectionSize)
		}
		if len(sec.Questions) > 0 {
			seen := map[int64]bool{}
			for _, id := range sec.Questions {
				if seen[id] {
					f.Add(field+"questions", "contest.question_twice")
					break
				}
				seen[id] = true
			}
			sec.Category, sec.Type, sec.Difficulty = "", "", 0
		}
		f.Check(sec.Type == "" || sec.Type.Valid(), field+"type", "field.invalid_choice")
		f.Check(sec.Difficulty == 0 || sec.Difficulty.Valid(), field+"difficulty", "field.invalid_choice")
		f.Check(utf8.RuneCountInString(sec.Category) <= bank.MaxCategory, field+"category", "field.too_long", bank.MaxCategory)
		f.Check(sec.Points >= 1 && sec.Points <= MaxPoints, field+"points", "field.out_of_range", 1, MaxPoints)
		total += sec.Size()
		p.maxScore += sec.Size() * max(sec.Points, 0)
		p.sectionsByBank[sec.BankID] = append(p.sectionsByBank[sec.BankID], i)
	}
	f.Check(total <= MaxPaper, "sections", "contest.paper_too_long", MaxPaper)
	f.Check(in.PassMark >= 0 && in.PassMark <= p.maxScore, "pass_mark", "field.out_of_range", 0, p.maxScore)
	if err := f.Err(); err != nil {
		return nil, err
	}
	return p, nil
}

// checkBanks refuses sections whose bank the publisher may not use, fixed
// questions not in their bank, and random sections asking for more
// questions than their bank holds of their kind: "too few questions for
// the rules", field by field.
func (s *Store) checkBanks(ctx context.Context, pr *auth.Principal, p *parsed) error {
	f := errs.Fields{}
	for bankID, idx := range p.sectionsByBank {
		if _, err := s.Banks.Bank(ctx, pr, bankID); err != nil {
			if !errs.Is(err, errs.KindNotFound) {
				return err
			}
			for _, i := range idx {
				f.Add("sections."+strconv.Itoa(i)+".bank_id", "field.invalid_id")
			}
			continue
		}
		cats, err := s.Banks.Categories(ctx, pr, bankID)
		if err != nil {
			return err
		}
		// Random sections of one bank draw without repeats: each asks for
		// its own questions on top of what the sections before it took.
		used := map[int64]bool{}
		for _, i := range idx {
			sec := p.Sections[i]
			field := "sections." + strconv.Itoa(i) + "."
			if len(sec.Questions) > 0 {
				have, err := s.Banks.Have(ctx, bankID, sec.Questions)
				if err != nil {
					return err
				}
				for _, id := range sec.Questions {
					if !have[id] {
						f.Add(field+"questions", "contest.question_not_in_bank")
						break
					}
					used[id] = true
				}
				continue
			}
			avail := 0
			for _, c := range cats {
				if matches(sec, c.Name, c.Type, c.Difficulty) {
					avail += c.Questions
				}
			}
			// Questions fixed or drawn by earlier sections of this bank
			// are not available twice; the count stays an upper bound
			// that drawing (draw.go) checks again.
			avail -= overlap(p.Sections, idx, i, sec)
			f.Check(avail >= sec.Count, field+"count", "contest.too_few_questions", max(avail, 0))
		}
	}
	return f.Err()
}

// overlap is how many questions earlier random sections of the same bank
// with the same filters took (a conservative share of what i may draw).
func overlap(secs []Section, idx []int, i int, sec Section) int {
	n := 0
	for _, j := range idx {
		if j >= i {
			break
		}
		o := secs[j]
		if len(o.Questions) == 0 && o.Category == sec.Category && o.Type == sec.Type && o.Difficulty == sec.Difficulty {
			n += o.Count
		}
	}
	return n
}

// matches reports whether a question of category, type and difficulty
// may be drawn for sec.
func matches(sec Section, category string, t bank.Type, d bank.Difficulty) bool {
	return (sec.Category == "" || sec.Category == category) && (sec.Type == "" || sec.Type == t) && (sec.Difficulty == 0 || sec.Difficulty == d)
}
