package survey

import (
	"context"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/listing"
	"gonghui/internal/member"
	"gonghui/internal/scope"
	"gonghui/internal/signup"
)

// Query filters the staff listing of surveys.
type Query struct {
	Q      string // title substring
	Status Status
	Sort   string // one of Sorts' keys; "" newest opening first
	After  string
	Offset int
	Limit  int
}

// Sorts are the orders of the staff listing.
var Sorts = &listing.Sorts[Survey]{List: "survey", ID: "v.id", IDOf: func(v *Survey) int64 { return v.ID },
	Default: "-opens", Keys: []listing.Key[Survey]{
		{Name: "opens", Expr: "v.opens_at", Desc: true, Of: func(v *Survey) any { return scope.Millis(v.OpensAt) }},
		{Name: "title", Expr: "v.title", Of: func(v *Survey) any { return v.Title }},
		// Sorted by the responses in all, also where a row shows only the
		// caller's (Partial): the cursor must be the column's value.
		{Name: "responses", Expr: "v.responses", Desc: true, Of: func(v *Survey) any { return v.stored }},
	}}

func (s *Store) filter(pr *auth.Principal, q Query) listing.Filter {
	return func() ([]string, []any, error) {
		paths, err := rule.Paths(pr)
		if err != nil {
			return nil, nil, err
		}
		if q.Status != "" && !validStatus(q.Status) {
			return nil, nil, signup.FieldErr("status", "field.invalid_choice")
		}
		if len(paths) == 0 {
			return nil, nil, nil
		}
		mine, args := scope.SQL("v.org_path", paths)
		// Published above, once published, to an audience at or above the
		// caller's subtrees or inside them (View's Partial).
		above, more, _ := scope.Above("v.audience_path", paths, true)
		below, more2 := scope.SQL("v.audience_path", paths)
		where := []string{"(" + mine + " OR ((" + above + " OR " + below + ") AND v.status <> ?))"}
		args = append(append(append(args, more...), more2...), StatusDraft)
		if q.Q != "" {
			where, args = append(where, s.DB.ContainsFold("v.title")), append(args, s.DB.ContainsFoldArg(q.Q))
		}
		if q.Status != "" {
			where, args = append(where, "v.status = ?"), append(args, q.Status)
		}
		return where, args, nil
	}
}

// List returns the surveys of the caller's subtrees, and those published
// above them that reach them (Partial, with their subtrees' responses), in
// q's order.
func (s *Store) List(ctx context.Context, pr *auth.Principal, q Query) ([]Survey, string, error) {
	if pr == nil {
		return nil, "", scope.NilPrincipal("survey: list")
	}
	items, next, err := Sorts.Read(q.Sort, listing.Page{After: q.After, Offset: q.Offset, Limit: q.Limit}, s.filter(pr, q),
		func(clause string, args []any) ([]Survey, error) {
			rows, err := s.DB.Query(ctx, "SELECT "+surveyCols+surveyFrom+clause, args...)
			return signup.All(rows, err, "survey: list", func(sc signup.Scanner) (Survey, error) { return scanSurvey(sc) })
		})
	if err != nil {
		return nil, "", err
	}
	for i := range items {
		if g, _ := sees(pr, &items[i]); !g.Whole {
			items[i].Partial = true
			if items[i].Responses, err = s.takersIn(ctx, items[i].ID, g.Paths); err != nil {
				return nil, "", err
			}
		}
	}
	return items, next, nil
}

// CountList is the total of q's filter, counted up to listing.Cap.
func (s *Store) CountList(ctx context.Context, pr *auth.Principal, q Query) (listing.Total, error) {
	if pr == nil {
		return listing.Total{}, scope.NilPrincipal("survey: count")
	}
	return listing.CountOf(ctx, s.DB, 0, "FROM surveys v", s.filter(pr, q))
}

// Listed is a survey open to a member, with whether they have responded.
type Listed struct {
	Survey
	Responded  bool `json:"responded"`
	CanRespond bool `json:"can_respond"`
}

// ForMember lists the published surveys whose audience includes the
// member (their union or one above it, and their tags), open or closed
// within the last 30 days, soonest closing first.
func (s *Store) ForMember(ctx context.Context, pr *auth.Principal) ([]Listed, error) {
	if pr == nil || pr.Kind != auth.KindMember {
		return nil, errs.Forbidden()
	}
	m, paths, err := signup.Reach(ctx, s.Members, pr.MemberID)
	if err != nil || len(paths) == 0 {
		return []Listed{}, err
	}
	now := s.stamp()
	args := append([]any{m.ID, StatusPublished, StatusClosed, scope.Millis(now.AddDate(0, 0, -30))}, paths...)
	rows, err := s.DB.Query(ctx, "SELECT "+surveyCols+`, EXISTS (SELECT 1 FROM survey_takers t WHERE t.survey_id = v.id AND t.member_id = ?)`+surveyFrom+
		` WHERE v.status IN (?, ?) AND v.closes_at > ? AND v.audience_path IN (`+db.Placeholders(len(paths))+`) ORDER BY v.closes_at, v.id LIMIT 100`, args...)
	all, err := signup.All(rows, err, "survey: member list", func(sc signup.Scanner) (Listed, error) {
		var l Listed
		var done bool
		v, err := scanSurvey(tail{sc, &done})
		l.Survey, l.Responded = v, done
		return l, err
	})
	if err != nil {
		return nil, err
	}
	out := []Listed{}
	for _, l := range all {
		if tags, _ := member.TagBits(l.AudienceTags); tags != 0 && m.Tags&tags == 0 {
			continue
		}
		l.CanRespond = !l.Responded && l.Open(now)
		out = append(out, l)
	}
	return out, nil
}

// tail scans extra columns after a survey's.
type tail struct {
	sc   interface{ Scan(...any) error }
	more any
}

func (t tail) Scan(dest ...any) error { return t.sc.Scan(append(dest, t.more)...) }
