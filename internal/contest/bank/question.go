// Package bank keeps the question banks of knowledge contests and quizzes:
// banks owned by an organisation and usable by its subtree, their
// questions (single and multiple choice, true/false, fill-in-the-blank,
// short answer), the answer keys and how an answer is graded against one,
// and the import and export of banks in the spreadsheet layout unions
// already use (题型, 题干, 选项A…选项F, 答案, 解析, 分类, 难度).
//
// Scoping: staff change a bank with contest.write over its owner's
// subtree; they read (and draw papers from) the banks of their subtree and
// of the organisations above it, whose banks are made for the subtrees
// below them. Anything else answers NotFound.
package bank

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gonghui/internal/errs"
)

// Type is a question's kind.
type Type string

const (
	Single    Type = "single"    // 单选题: one option is right
	Multiple  Type = "multiple"  // 多选题: two or more options are right
	TrueFalse Type = "truefalse" // 判断题
	Blank     Type = "blank"     // 填空题: one or more blanks, each with accepted answers
	Short     Type = "short"     // 简答题: graded by staff
)

// Types lists every type in display order.
var Types = []Type{Single, Multiple, TrueFalse, Blank, Short}

// Valid reports whether t is a known type.
func (t Type) Valid() bool { return slices.Contains(Types, t) }

// Choice reports whether the taker picks among options.
func (t Type) Choice() bool { return t == Single || t == Multiple }

// Difficulty is 1 (易), 2 (中) or 3 (难).
type Difficulty int

const (
	Easy   Difficulty = 1
	Medium Difficulty = 2
	Hard   Difficulty = 3
)

// Valid reports whether d is a known difficulty.
func (d Difficulty) Valid() bool { return d >= Easy && d <= Hard }

// Limits of a question.
const (
	MinOptions      = 2
	MaxOptions      = 6 // A…F, the columns of the layout unions use
	MaxStem         = 2000
	MaxOption       = 500
	MaxExplanation  = 2000
	MaxCategory     = 40
	MaxBlanks       = 10
	MaxAlternatives = 10 // accepted answers of one blank
	MaxBlankAnswer  = 100
	MaxShortAnswer  = 2000 // a taker's short answer
)

// Key is the answer key of a question; which fields count depends on its
// type. It never reaches a taker before they submit.
type Key struct {
	Choices []int      `json:"choices,omitempty"` // single, multiple: option indexes (0 is A), ascending
	True    bool       `json:"true,omitempty"`    // truefalse
	Blanks  [][]string `json:"blanks,omitempty"`  // blank: per blank, the accepted answers as written
	Outline string     `json:"outline,omitempty"` // short: a reference answer for the graders
}

// Question is one question of a bank.
type Question struct {
	ID          int64      `json:"id,string"`
	BankID      int64      `json:"bank_id,string"`
	Type        Type       `json:"type"`
	Stem        string     `json:"stem"`
	Options     []string   `json:"options,omitempty"`
	Key         Key        `json:"key"`
	Explanation string     `json:"explanation"`
	Category    string     `json:"category"`
	Difficulty  Difficulty `json:"difficulty"`
	Version     int        `json:"version"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	position    int64      // the bank's order, for the list's cursor
}

// Letter is the letter of option i (0 is A).
func Letter(i int) string { return string(rune('A' + i)) }

// Check validates q on its own, trimming its texts in place; problems are
// added to f under the question's fields (options.N, key).
func (q *Question) Check(f errs.Fields) {
	q.Stem = strings.TrimSpace(q.Stem)
	q.Explanation = strings.TrimSpace(q.Explanation)
	q.Category = strings.TrimSpace(q.Category)
	text(f, "stem", q.Stem, MaxStem, true)
	text(f, "explanation", q.Explanation, MaxExplanation, false)
	text(f, "category", q.Category, MaxCategory, false)
	if q.Difficulty == 0 {
		q.Difficulty = Medium
	}
	f.Check(q.Difficulty.Valid(), "difficulty", "bank.difficulty")
	if !q.Type.Valid() {
		f.Add("type", "bank.type")
		return
	}
	if !q.Type.Choice() {
		if len(q.Options) > 0 && q.Type != TrueFalse {
			f.Add("options", "bank.options_unexpected")
		}
		q.Options = nil
	}
	q.Key.Choices = slices.Compact(slices.Sorted(slices.Values(q.Key.Choices)))
	switch q.Type {
	case Single, Multiple:
		for i := range q.Options {
			q.Options[i] = strings.TrimSpace(q.Options[i])
		}
		// Trailing empty options are columns left blank, not options.
		for len(q.Options) > 0 && q.Options[len(q.Options)-1] == "" {
			q.Options = q.Options[:len(q.Options)-1]
		}
		if !f.Check(len(q.Options) >= MinOptions && len(q.Options) <= MaxOptions, "options", "bank.option_count", MinOptions, MaxOptions) {
			return
		}
		seen := map[string]int{}
		for i, o := range q.Options {
			field := "options." + strconv.Itoa(i)
			if !text(f, field, o, MaxOption, true) {
				continue
			}
			if j, dup := seen[o]; dup {
				f.Add(field, "bank.option_duplicate", Letter(j))
			}
			seen[o] = i
		}
		for _, c := range q.Key.Choices {
			if c < 0 || c >= len(q.Options) {
				f.Add("key", "bank.key_option", Letter(len(q.Options)-1))
				return
			}
		}
		switch {
		case len(q.Key.Choices) == 0:
			f.Add("key", "field.required")
		case q.Type == Single && len(q.Key.Choices) != 1:
			f.Add("key", "bank.key_single")
		case q.Type == Multiple && len(q.Key.Choices) < 2:
			f.Add("key", "bank.key_multiple")
		}
	case TrueFalse:
		q.Key.Choices = nil
	case Blank:
		q.Key.Choices = nil
		if len(q.Key.Blanks) == 0 {
			f.Add("key", "field.required")
			return
		}
		if !f.Check(len(q.Key.Blanks) <= MaxBlanks, "key", "bank.key_blanks", MaxBlanks) {
			return
		}
		for i, alts := range q.Key.Blanks {
			kept := alts[:0:0]
			for _, a := range alts {
				if a = strings.TrimSpace(a); a != "" {
					kept = append(kept, a)
				}
			}
			q.Key.Blanks[i] = kept
			switch {
			case len(kept) == 0:
				f.Add("key", "bank.key_blank_empty", i+1)
			case len(kept) > MaxAlternatives:
				f.Add("key", "bank.key_alternatives", i+1, MaxAlternatives)
			case slices.ContainsFunc(kept, func(a string) bool { return utf8.RuneCountInString(a) > MaxBlankAnswer }):
				f.Add("key", "bank.key_blank_long", i+1, MaxBlankAnswer)
			}
		}
	case Short:
		q.Key.Choices, q.Key.Blanks = nil, nil
		q.Key.Outline = strings.TrimSpace(q.Key.Outline)
		text(f, "key", q.Key.Outline, MaxExplanation, false)
	}
	if q.Type != Blank {
		q.Key.Blanks = nil
	}
	if q.Type != Short {
		q.Key.Outline = ""
	}
	if q.Type != TrueFalse {
		q.Key.True = false
	}
}

// text checks a text field: required, not too long, no control
// characters; false when it added a problem.
func text(f errs.Fields, field, s string, max int, required bool) bool {
	switch {
	case s == "" && required:
		f.Add(field, "field.required")
	case utf8.RuneCountInString(s) > max:
		f.Add(field, "field.too_long", max)
	case strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 && r != '\n' && r != '\t' || r == 0x7f }):
		f.Add(field, "bank.control_chars")
	default:
		return true
	}
	return false
}
