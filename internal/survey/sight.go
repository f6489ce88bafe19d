package survey

import (
	"context"
	"slices"
	"strings"

	"gonghui/internal/auth"
	"gonghui/internal/errs"
	"gonghui/internal/scope"
)

// Staff see a survey published in their subtrees whole (the publisher's
// side: every response, the form, publishing and closing), and a survey
// published above them whose audience reaches their subtrees once it is
// published: read only, its results, breakdown, written answers and
// workbook counted over the responses of their own subtrees within the
// audience (a district runs a city-wide survey and sees its own workers).
// Anything else is NotFound. MinGroup holds in both: an anonymous result
// of fewer responses is withheld whatever it is narrowed to.

// Sight is what a caller may see of a survey's responses.
type Sight struct {
	Whole bool     // the publisher's side: every response
	Paths []string // otherwise the subtrees, inside the audience, whose responses count
}

// sees reports what pr may see of v as staff (ok false: nothing).
func sees(pr *auth.Principal, v *Survey) (Sight, bool) {
	if rule.CanRead(pr, v.OrgPath) {
		return Sight{Whole: true}, true
	}
	if v.Status == StatusDraft {
		return Sight{}, false // a draft is its publisher's
	}
	paths, _ := rule.Paths(pr)
	var in []string
	for _, p := range paths {
		switch {
		case auth.Inside(p, v.AudiencePath):
			in = append(in, p)
		case auth.Inside(v.AudiencePath, p):
			in = append(in, v.AudiencePath)
		}
	}
	return Sight{Paths: outermost(in)}, len(in) > 0
}

// outermost drops the paths inside another of the list (and repeats), so
// that no response is counted twice.
func outermost(paths []string) []string {
	slices.Sort(paths)
	var out []string
	for _, p := range paths {
		if len(out) == 0 || !strings.HasPrefix(p, out[len(out)-1]) {
			out = append(out, p)
		}
	}
	return out
}

// covers reports whether the responses at path are in sight.
func (g Sight) covers(v *Survey, path string) bool {
	if !auth.Inside(path, v.AudiencePath) {
		return false
	}
	if g.Whole {
		return true
	}
	for _, p := range g.Paths {
		if auth.Inside(path, p) {
			return true
		}
	}
	return false
}

// View reads a survey for staff with what they may see of it: one
// published in their subtrees, or one published above them that reaches
// them (Partial set, its Responses counted over their subtrees).
func (s *Store) View(ctx context.Context, pr *auth.Principal, id int64) (*Survey, Sight, error) {
	if pr == nil {
		return nil, Sight{}, scope.NilPrincipal("survey: view")
	}
	v, err := load(ctx, s.DB, id)
	if err != nil {
		return nil, Sight{}, err
	}
	g, ok := sees(pr, v)
	if !ok {
		return nil, Sight{}, errs.NotFound("survey")
	}
	if !g.Whole {
		v.Partial = true
		if v.Responses, err = s.takersIn(ctx, v.ID, g.Paths); err != nil {
			return nil, Sight{}, err
		}
	}
	return v, g, nil
}

// takersIn counts who responded to survey id from the subtrees at paths.
func (s *Store) takersIn(ctx context.Context, id int64, paths []string) (int, error) {
	in, args := scope.SQL("member_org_path", paths)
	var n int
	if err := s.DB.QueryRow(ctx, "SELECT COUNT(*) FROM survey_takers WHERE survey_id = ? AND "+in, append([]any{id}, args...)...).Scan(&n); err != nil {
		return 0, errs.Internal(err, "survey: responses in sight")
	}
	return n, nil
}
