package survey

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"gonghui/internal/errs"
)

// Type is a question's kind.
type Type string

const (
	Single   Type = "single"   // one option
	Multiple Type = "multiple" // several options, optionally between MinPicks and MaxPicks
	Rating   Type = "rating"   // 1 to Scale (5 or 10)
	Short    Type = "short"    // a line of text
	Long     Type = "long"     // a paragraph
	Number   Type = "number"   // a number, up to two decimals
)

// Types lists every type in display order.
var Types = []Type{Single, Multiple, Rating, Short, Long, Number}

// Valid reports whether t is a known type.
func (t Type) Valid() bool { return slices.Contains(Types, t) }

// Choice reports whether t picks among options.
func (t Type) Choice() bool { return t == Single || t == Multiple }

// Limits of questions and answers.
const (
	MaxQuestions   = 100
	MaxOptions     = 30
	MaxQTitle      = 200
	MaxHint        = 500
	MaxOption      = 100
	MaxShortAnswer = 200
	MaxLongAnswer  = 2000
	MaxNumber      = 1e9
)

// Condition shows a question only when the answer to an earlier choice
// question includes an option (indexes from 0).
type Condition struct {
	Question int `json:"question"`
	Option   int `json:"option"`
}

// Question is one question of a survey.
type Question struct {
	Type     Type       `json:"type"`
	Title    string     `json:"title"`
	Hint     string     `json:"hint,omitempty"`
	Required bool       `json:"required"`
	Options  []string   `json:"options,omitempty"`   // choice questions
	Other    bool       `json:"other,omitempty"`     // choice questions: "other, please specify"
	MinPicks int        `json:"min_picks,omitempty"` // multiple choice; 0: no minimum
	MaxPicks int        `json:"max_picks,omitempty"` // multiple choice; 0: no maximum
	Scale    int        `json:"scale,omitempty"`     // rating: 5 or 10
	ShowIf   *Condition `json:"show_if,omitempty"`   // nil: always shown
}

// CheckQuestions validates a survey's questions and their skip rules:
// a rule names an earlier choice question and one of its options (so
// rules cannot form a cycle). Texts are trimmed in place; errors are on
// "questions.N.<field>".
func CheckQuestions(f errs.Fields, qs []Question) {
	if len(qs) == 0 {
		f.Add("questions", "survey.no_questions")
		return
	}
	if len(qs) > MaxQuestions {
		f.Add("questions", "survey.too_many_questions", MaxQuestions)
		return
	}
	for i := range qs {
		q := &qs[i]
		field := "questions." + strconv.Itoa(i) + "."
		q.Title, q.Hint = strings.TrimSpace(q.Title), strings.TrimSpace(q.Hint)
		if f.Check(q.Title != "", field+"title", "field.required") {
			f.Check(utf8.RuneCountInString(q.Title) <= MaxQTitle, field+"title", "field.too_long", MaxQTitle)
		}
		f.Check(utf8.RuneCountInString(q.Hint) <= MaxHint, field+"hint", "field.too_long", MaxHint)
		if !q.Type.Valid() {
			f.Add(field+"type", "field.invalid_choice")
			continue
		}
		if q.Type.Choice() {
			opts := make([]string, 0, len(q.Options))
			for _, o := range q.Options {
				if o = strings.TrimSpace(o); o != "" {
					opts = append(opts, o)
				}
			}
			q.Options = opts
			switch {
			case len(opts) < 2:
				f.Add(field+"options", "survey.few_options")
			case len(opts) > MaxOptions:
				f.Add(field+"options", "survey.many_options", MaxOptions)
			}
			seen := map[string]bool{}
			for _, o := range opts {
				if !f.Check(utf8.RuneCountInString(o) <= MaxOption, field+"options", "survey.option_too_long", MaxOption) {
					break
				}
				if !f.Check(!seen[o], field+"options", "survey.option_twice", o) {
					break
				}
				seen[o] = true
			}
		} else {
			q.Options, q.Other = nil, false
		}
		if q.Type == Multiple {
			n := len(q.Options)
			if q.Other {
				n++
			}
			f.Check(q.MinPicks >= 0 && q.MinPicks <= n, field+"min_picks", "field.out_of_range", 0, n)
			f.Check(q.MaxPicks >= 0 && q.MaxPicks <= n, field+"max_picks", "field.out_of_range", 0, n)
			f.Check(q.MaxPicks == 0 || q.MinPicks <= q.MaxPicks, field+"max_picks", "survey.max_below_min")
		} else {
			q.MinPicks, q.MaxPicks = 0, 0
		}
		if q.Type == Rating {
			if q.Scale == 0 {
				q.Scale = 5
			}
			f.Check(q.Scale == 5 || q.Scale == 10, field+"scale", "field.invalid_choice")
		} else {
			q.Scale = 0
		}
		if c := q.ShowIf; c != nil {
			switch {
			case c.Question < 0 || c.Question >= i:
				f.Add(field+"show_if", "survey.rule_not_earlier")
			case !qs[c.Question].Type.Choice():
				f.Add(field+"show_if", "survey.rule_not_choice")
			case c.Option < 0 || c.Option >= len(qs[c.Question].Options):
				f.Add(field+"show_if", "survey.rule_option")
			}
		}
	}
}

// Answer is a member's answer to one question: Choices (option indexes
// from 0) and Other (the "other" text; non-nil: other was picked) for
// choice questions, Text for text questions, Number for ratings and
// numbers. The zero Answer leaves the question unanswered.
type Answer struct {
	Choices []int    `json:"choices,omitempty"`
	Other   *string  `json:"other,omitempty"`
	Text    string   `json:"text,omitempty"`
	Number  *float64 `json:"number,omitempty"`
}

func (a Answer) empty() bool {
	return len(a.Choices) == 0 && a.Other == nil && strings.TrimSpace(a.Text) == "" && a.Number == nil
}

// picked reports whether a includes option o.
func (a Answer) picked(o int) bool { return slices.Contains(a.Choices, o) }

// Visible reports which questions are shown for answers, in order: a
// question with a rule is shown when the question it names is shown and
// its answer includes the rule's option.
func Visible(qs []Question, answers map[int]Answer) []bool {
	vis := make([]bool, len(qs))
	for i, q := range qs {
		c := q.ShowIf
		vis[i] = c == nil || c.Question >= 0 && c.Question < i && vis[c.Question] && answers[c.Question].picked(c.Option)
	}
	return vis
}

// Check validates answers against qs: answers to hidden questions are
// dropped (a phone without JavaScript shows every question), visible
// required ones must be answered, each answer must fit its question.
// It returns the answers kept, normalised; errors are on "answers.N".
func Check(qs []Question, answers map[int]Answer) (map[int]Answer, error) {
	f := errs.Fields{}
	for i := range answers {
		if i < 0 || i >= len(qs) {
			f.Add("answers", "survey.unknown_question")
			return nil, f.Err()
		}
	}
	vis := Visible(qs, answers)
	out := map[int]Answer{}
	for i, q := range qs {
		a, given := answers[i]
		if !vis[i] {
			continue
		}
		field := "answers." + strconv.Itoa(i)
		if !given || a.empty() {
			f.Check(!q.Required, field, "survey.required")
			continue
		}
		if clean, ok := checkOne(f, field, q, a); ok {
			out[i] = clean
		}
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

func checkOne(f errs.Fields, field string, q Question, a Answer) (Answer, bool) {
	var out Answer
	switch q.Type {
	case Single, Multiple:
		if a.Text != "" || a.Number != nil {
			f.Add(field, "survey.wrong_kind")
			return out, false
		}
		seen := map[int]bool{}
		for _, c := range a.Choices {
			if c < 0 || c >= len(q.Options) || seen[c] {
				f.Add(field, "field.invalid_choice")
				return out, false
			}
			seen[c] = true
		}
		out.Choices = slices.Sorted(slices.Values(a.Choices))
		n := len(out.Choices)
		if a.Other != nil {
			if !q.Other {
				f.Add(field, "field.invalid_choice")
				return out, false
			}
			t := strings.TrimSpace(*a.Other)
			if t == "" {
				f.Add(field, "survey.other_empty")
				return out, false
			}
			if utf8.RuneCountInString(t) > MaxShortAnswer {
				f.Add(field, "field.too_long", MaxShortAnswer)
				return out, false
			}
			out.Other = &t
			n++
		}
		if q.Type == Single && n != 1 {
			f.Add(field, "survey.one_choice")
			return out, false
		}
		if q.Type == Multiple {
			if q.MinPicks > 0 && n < q.MinPicks {
				f.Add(field, "survey.min_picks", q.MinPicks)
				return out, false
			}
			if q.MaxPicks > 0 && n > q.MaxPicks {
				f.Add(field, "survey.max_picks", q.MaxPicks)
				return out, false
			}
		}
	case Short, Long:
		if len(a.Choices) > 0 || a.Other != nil || a.Number != nil {
			f.Add(field, "survey.wrong_kind")
			return out, false
		}
		t := strings.TrimSpace(a.Text)
		limit := MaxShortAnswer
		if q.Type == Long {
			limit = MaxLongAnswer
		}
		if utf8.RuneCountInString(t) > limit {
			f.Add(field, "field.too_long", limit)
			return out, false
		}
		out.Text = t
	case Rating, Number:
		if len(a.Choices) > 0 || a.Other != nil || a.Text != "" || a.Number == nil {
			f.Add(field, "survey.wrong_kind")
			return out, false
		}
		v := *a.Number
		if math.IsNaN(v) || math.IsInf(v, 0) {
			f.Add(field, "survey.not_a_number")
			return out, false
		}
		if q.Type == Rating {
			if v != math.Trunc(v) || v < 1 || v > float64(q.Scale) {
				f.Add(field, "field.out_of_range", 1, q.Scale)
				return out, false
			}
		} else {
			if math.Abs(v) > MaxNumber {
				f.Add(field, "field.out_of_range", -int(MaxNumber), int(MaxNumber))
				return out, false
			}
			if math.Abs(v*100-math.Round(v*100)) > 1e-6 {
				f.Add(field, "survey.two_decimals")
				return out, false
			}
			v = math.Round(v*100) / 100
		}
		out.Number = &v
	}
	return out, true
}
