package survey

import (
	"context"
	"strings"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/listing"
	"gonghui/internal/scope"
	"gonghui/internal/signup"
)

// OptionCount is how many respondents picked one option ("other" last).
type OptionCount struct {
	Label   string  `json:"label"`
	Other   bool    `json:"other,omitempty"`
	Count   int     `json:"count"`
	Percent float64 `json:"percent"` // of those who answered the question, 0 to 100
}

// QuestionResult is the answers to one question.
type QuestionResult struct {
	Index    int      `json:"index"`
	Question Question `json:"question"`
	Answered int      `json:"answered"`
	// Choice questions: each option; ratings: each value 1 … scale.
	Options []OptionCount `json:"options,omitempty"`
	// Ratings and numbers: the mean, the smallest and the largest.
	Mean float64 `json:"mean,omitempty"`
	Min  float64 `json:"min,omitempty"`
	Max  float64 `json:"max,omitempty"`
	// Texts is how many written answers there are (texts, "other" texts).
	Texts int `json:"texts,omitempty"`
}

// Results are a survey's answers, of all responses the caller may see
// (Partial: only their subtrees', a survey published above them) or of an
// organisation's subtree. In an anonymous survey a result of fewer than
// MinGroup responses is withheld: Withheld is true and Questions empty.
type Results struct {
	Responses int              `json:"responses"`
	OrgID     int64            `json:"org_id,string,omitempty"`
	OrgName   string           `json:"org_name,omitempty"`
	Partial   bool             `json:"partial"`
	Withheld  bool             `json:"withheld"`
	Questions []QuestionResult `json:"questions"`
}

// withheld reports whether n responses of v may not be shown.
func withheld(v *Survey, n int) bool { return v.Anonymous && n > 0 && n < MinGroup }

// narrowing is what results are counted over: the subtrees in the
// caller's sight, or one organisation's within it.
type narrowing struct {
	paths   []string // nil: every response
	orgID   int64
	orgName string
}

// narrow resolves the organisation results are narrowed to (0: all the
// caller may see): it must be in the survey's audience and in sight.
func (s *Store) narrow(ctx context.Context, v *Survey, g Sight, orgID int64) (narrowing, error) {
	if orgID == 0 {
		if g.Whole {
			return narrowing{}, nil
		}
		out := narrowing{paths: g.Paths}
		if len(g.Paths) == 1 {
			out.orgID = pathID(g.Paths[0])
			if err := s.DB.QueryRow(ctx, "SELECT name FROM orgs WHERE id = ?", out.orgID).Scan(&out.orgName); err != nil {
				return narrowing{}, errs.Internal(err, "survey: org name")
			}
		}
		return out, nil
	}
	p, ok, err := signup.OrgPath(ctx, s.DB, orgID)
	if err != nil {
		return narrowing{}, err
	}
	if !ok || !g.covers(v, p) {
		return narrowing{}, signup.FieldErr("org", "field.invalid_id")
	}
	out := narrowing{paths: []string{p}, orgID: orgID}
	if err := s.DB.QueryRow(ctx, "SELECT name FROM orgs WHERE id = ?", orgID).Scan(&out.orgName); err != nil {
		return narrowing{}, errs.Internal(err, "survey: org name")
	}
	return out, nil
}

// pathID is the organisation a materialised path ends with.
func pathID(path string) int64 {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	id, _ := db.ParseID(segs[len(segs)-1])
	return id
}

// scoped is the condition on survey_responses r of a survey and subtrees
// (none: all).
func scoped(id int64, paths []string) (string, []any) {
	where, args := "r.survey_id = ?", []any{id}
	if len(paths) > 0 {
		in, more := scope.SQL("r.org_path", paths)
		where, args = where+" AND "+in, append(args, more...)
	}
	return where, args
}

// Results counts a survey's answers, of org's subtree (0: all the caller
// may see).
func (s *Store) Results(ctx context.Context, pr *auth.Principal, id, org int64) (*Results, error) {
	v, g, err := s.View(ctx, pr, id)
	if err != nil {
		return nil, err
	}
	return s.results(ctx, v, g, org)
}

func (s *Store) results(ctx context.Context, v *Survey, g Sight, org int64) (*Results, error) {
	nw, err := s.narrow(ctx, v, g, org)
	if err != nil {
		return nil, err
	}
	out := &Results{OrgID: nw.orgID, OrgName: nw.orgName, Partial: !g.Whole, Questions: []QuestionResult{}}
	where, args := scoped(v.ID, nw.paths)
	if err := s.DB.QueryRow(ctx, "SELECT COUNT(*) FROM survey_responses r WHERE "+where, args...).Scan(&out.Responses); err != nil {
		return nil, errs.Internal(err, "survey: count responses")
	}
	if out.Withheld = withheld(v, out.Responses); out.Withheld {
		return out, nil
	}
	qs := make([]QuestionResult, len(v.Questions))
	for i, q := range v.Questions {
		qs[i] = QuestionResult{Index: i, Question: q}
		switch {
		case q.Type.Choice():
			for _, o := range q.Options {
				qs[i].Options = append(qs[i].Options, OptionCount{Label: o})
			}
			if q.Other {
				qs[i].Options = append(qs[i].Options, OptionCount{Other: true})
			}
		case q.Type == Rating:
			for n := 1; n <= q.Scale; n++ {
				qs[i].Options = append(qs[i].Options, OptionCount{Label: itoa(n)})
			}
		}
	}
	from := " FROM survey_answers a JOIN survey_responses r ON r.id = a.response_id WHERE " + where + " AND a.survey_id = ?"
	args = append(args, v.ID)
	each := func(q string, scan func(int, []any) error, dest ...any) error {
		rows, err := s.DB.Query(ctx, q, args...)
		if err != nil {
			return errs.Internal(err, "survey: results")
		}
		defer rows.Close()
		for rows.Next() {
			var qi int
			if err := rows.Scan(append([]any{&qi}, dest...)...); err != nil {
				return errs.Internal(err, "survey: results")
			}
			if qi >= 0 && qi < len(qs) {
				if err := scan(qi, dest); err != nil {
					return err
				}
			}
		}
		return rows.Err()
	}
	var n, choice int
	var num int64
	if err := each("SELECT a.question, COUNT(DISTINCT a.response_id)"+from+" GROUP BY a.question", func(qi int, _ []any) error {
		qs[qi].Answered = n
		return nil
	}, &n); err != nil {
		return nil, err
	}
	var texts int
	if err := each("SELECT a.question, a.choice, COUNT(*), SUM(CASE WHEN a.text <> '' THEN 1 ELSE 0 END)"+from+" GROUP BY a.question, a.choice", func(qi int, _ []any) error {
		q := &qs[qi]
		q.Texts += texts
		switch {
		case q.Question.Type.Choice() && choice >= 0 && choice < len(q.Question.Options):
			q.Options[choice].Count = n
		case q.Question.Type.Choice() && choice == -1 && q.Question.Other:
			q.Options[len(q.Options)-1].Count = n
		}
		return nil
	}, &choice, &n, &texts); err != nil {
		return nil, err
	}
	first := map[int]bool{}
	if err := each("SELECT a.question, a.num, COUNT(*)"+from+" AND a.num IS NOT NULL GROUP BY a.question, a.num", func(qi int, _ []any) error {
		q := &qs[qi]
		val := float64(num) / 100
		if q.Question.Type == Rating && val >= 1 && int(val) <= len(q.Options) {
			q.Options[int(val)-1].Count = n
		}
		if !first[qi] || val < q.Min {
			q.Min = val
		}
		if !first[qi] || val > q.Max {
			q.Max = val
		}
		first[qi] = true
		q.Mean += val * float64(n)
		return nil
	}, &num, &n); err != nil {
		return nil, err
	}
	for i := range qs {
		q := &qs[i]
		if q.Answered > 0 {
			q.Mean /= float64(q.Answered)
			for j := range q.Options {
				q.Options[j].Percent = float64(q.Options[j].Count) * 100 / float64(q.Answered)
			}
		}
		if q.Question.Type != Short && q.Question.Type != Long && !q.Question.Other {
			q.Texts = 0
		}
	}
	out.Questions = qs
	return out, nil
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return string(rune('0'+n/10)) + string(rune('0'+n%10))
}

// TextAnswer is one written answer; a named survey's carries who wrote it.
type TextAnswer struct {
	Text  string `json:"text"`
	Name  string `json:"name,omitempty"`
	Union string `json:"union,omitempty"`
}

// Texts pages through the written answers to question q (texts, "other"
// texts), of org's subtree (0: all the caller may see); in an anonymous
// survey in random order and withheld (errs Conflict too_few) below MinGroup responses.
func (s *Store) Texts(ctx context.Context, pr *auth.Principal, id int64, q int, org int64, offset, limit int) ([]TextAnswer, listing.Total, error) {
	v, g, err := s.View(ctx, pr, id)
	if err != nil {
		return nil, listing.Total{}, err
	}
	if q < 0 || q >= len(v.Questions) {
		return nil, listing.Total{}, signup.FieldErr("question", "field.invalid_choice")
	}
	nw, err := s.narrow(ctx, v, g, org)
	if err != nil {
		return nil, listing.Total{}, err
	}
	where, args := scoped(v.ID, nw.paths)
	var n int
	if err := s.DB.QueryRow(ctx, "SELECT COUNT(*) FROM survey_responses r WHERE "+where, args...).Scan(&n); err != nil {
		return nil, listing.Total{}, errs.Internal(err, "survey: count responses")
	}
	if withheld(v, n) {
		return nil, listing.Total{}, errs.Conflict("too_few", "survey.withheld", MinGroup)
	}
	cond := []string{where, "a.survey_id = ?", "a.question = ?", "a.text <> ''"}
	args = append(args, v.ID, q)
	total, err := listing.Count(ctx, s.DB, 0, "FROM survey_answers a JOIN survey_responses r ON r.id = a.response_id", cond, args)
	if err != nil {
		return nil, total, err
	}
	limit = scope.PageLimit(limit)
	offset = min(max(offset, 0), listing.Cap)
	rows, err := s.DB.Query(ctx, `SELECT a.text, COALESCE(m.name, ''), COALESCE(o.name, '')
		FROM survey_answers a JOIN survey_responses r ON r.id = a.response_id
		LEFT JOIN survey_takers t ON t.survey_id = r.survey_id AND t.response_id = r.id
		LEFT JOIN members m ON m.id = t.member_id LEFT JOIN orgs o ON o.id = m.org_id
		WHERE `+strings.Join(cond, " AND ")+` ORDER BY a.response_id, a.seq LIMIT ? OFFSET ?`, append(args, limit, offset)...)
	out, err := signup.All(rows, err, "survey: texts", func(sc signup.Scanner) (TextAnswer, error) {
		var t TextAnswer
		return t, sc.Scan(&t.Text, &t.Name, &t.Union)
	})
	if v.Anonymous {
		for i := range out {
			out[i].Name, out[i].Union = "", ""
		}
	}
	return out, total, err
}
