package bank

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"

	"gonghui/internal/errs"
)

// Answer is what a taker answered to one question; which field counts
// depends on its type. Choices are option indexes of the bank's order (a
// paper that shuffles options maps them back before grading).
type Answer struct {
	Choices []int    `json:"choices,omitempty"`
	True    *bool    `json:"true,omitempty"`
	Blanks  []string `json:"blanks,omitempty"`
	Text    string   `json:"text,omitempty"`
}

// Empty reports whether nothing was answered.
func (a Answer) Empty() bool {
	return len(a.Choices) == 0 && a.True == nil && strings.TrimSpace(strings.Join(a.Blanks, "")) == "" && strings.TrimSpace(a.Text) == ""
}

// CheckAnswer validates a taker's answer to q: the shape q's type takes,
// options that exist, lengths within bounds. An empty answer is valid (the
// question is left unanswered).
func CheckAnswer(q *Question, a *Answer) error {
	f := errs.Fields{}
	a.Choices = slices.Compact(slices.Sorted(slices.Values(a.Choices)))
	other := func(ok bool) { f.Check(ok, "answer", "bank.answer_shape") }
	switch q.Type {
	case Single, Multiple:
		other(a.True == nil && len(a.Blanks) == 0 && a.Text == "")
		for _, c := range a.Choices {
			if c < 0 || c >= len(q.Options) {
				f.Add("answer", "bank.answer_option")
				break
			}
		}
		f.Check(q.Type == Multiple || len(a.Choices) <= 1, "answer", "bank.answer_single")
	case TrueFalse:
		other(len(a.Choices) == 0 && len(a.Blanks) == 0 && a.Text == "")
	case Blank:
		other(len(a.Choices) == 0 && a.True == nil && a.Text == "")
		f.Check(len(a.Blanks) <= len(q.Key.Blanks), "answer", "bank.answer_blanks", len(q.Key.Blanks))
		for _, b := range a.Blanks {
			if utf8.RuneCountInString(b) > MaxBlankAnswer || !utf8.ValidString(b) {
				f.Add("answer", "field.too_long", MaxBlankAnswer)
				break
			}
		}
	case Short:
		other(len(a.Choices) == 0 && a.True == nil && len(a.Blanks) == 0)
		if utf8.RuneCountInString(a.Text) > MaxShortAnswer || !utf8.ValidString(a.Text) {
			f.Add("answer", "field.too_long", MaxShortAnswer)
		}
	default:
		f.Add("answer", "bank.type")
	}
	return f.Err()
}

// Credit is how an answer fares against the key.
type Credit int

const (
	Wrong   Credit = iota // no points
	Partial               // a multiple choice with some right options and no wrong one
	Right                 // full points
	Manual                // a short answer, for staff to grade
)

// Grade compares a checked answer with q's key. Partial credit is given
// only when partial is set (the paper's rule); otherwise a multiple choice
// is all or nothing.
func Grade(q *Question, a Answer, partial bool) Credit {
	switch q.Type {
	case Single:
		return creditIf(slices.Equal(a.Choices, q.Key.Choices))
	case Multiple:
		if slices.Equal(a.Choices, q.Key.Choices) {
			return Right
		}
		if partial && len(a.Choices) > 0 && !slices.ContainsFunc(a.Choices, func(c int) bool { return !slices.Contains(q.Key.Choices, c) }) {
			return Partial
		}
		return Wrong
	case TrueFalse:
		return creditIf(a.True != nil && *a.True == q.Key.True)
	case Blank:
		if len(a.Blanks) != len(q.Key.Blanks) {
			return Wrong
		}
		for i, alts := range q.Key.Blanks {
			got := Normalise(a.Blanks[i])
			if got == "" || !slices.ContainsFunc(alts, func(alt string) bool { return Normalise(alt) == got }) {
				return Wrong
			}
		}
		return Right
	case Short:
		return Manual
	}
	return Wrong
}

func creditIf(ok bool) Credit {
	if ok {
		return Right
	}
	return Wrong
}

// Normalise is a blank's answer as it is compared: full-width letters,
// digits and punctuation folded to half-width (ＡＢＣ１２３ is ABC123),
// white space of every width removed, letters in lower case, and the
// sentence-final punctuation people add dropped.
func Normalise(s string) string {
	s = width.Fold.String(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if unicode.IsSpace(r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return strings.TrimRight(b.String(), ".。!！;；,，、")
}
