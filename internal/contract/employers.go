package contract

import (
	"context"
	"strings"
	"unicode/utf8"

	"gonghui/internal/auth"
	"gonghui/internal/cnid"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/hanzi"
	"gonghui/internal/scope"
	"gonghui/internal/signup"
)

// The employers a contract may cover: those of the registry owned or
// organised within the subtrees where the caller drafts contracts. The
// form's picker searches them by name, pinyin initials or credit code
// (SearchEmployers); the server refuses any other (checkScope).

// Choice is an employer a contract may cover.
type Choice struct {
	ID         int64  `json:"id,string"`
	Name       string `json:"name"`
	CreditCode string `json:"credit_code"`
	OrgName    string `json:"org_name"` // its owner
}

// MaxChoices bounds the employers one answer lists.
const MaxChoices = 500

// MaxSearch bounds the length of a search.
const MaxSearch = 100

// writePaths are the subtrees where pr drafts contracts.
func writePaths(pr *auth.Principal) []string {
	var paths []string
	for _, g := range pr.Grants {
		if pr.CanAt(rule.Write, g.OrgPath) {
			paths = append(paths, g.OrgPath)
		}
	}
	return paths
}

const choiceCols = "SELECT e.id, e.name, COALESCE(e.credit_code, ''), o.name FROM employers e JOIN orgs o ON o.id = e.owner_org_id WHERE "

func scanChoice(sc signup.Scanner) (Choice, error) {
	var c Choice
	return c, sc.Scan(&c.ID, &c.Name, &c.CreditCode, &c.OrgName)
}

// within is the condition "owned or organised within paths" over
// employers e, with its arguments.
func within(paths []string) (string, []any) {
	owner, oargs := scope.SQL("e.owner_path", paths)
	union, uargs := scope.SQL("e.union_path", paths)
	return "(" + owner + " OR " + union + ")", append(oargs, uargs...)
}

// Choices lists the first MaxChoices employers a contract drafted by pr
// may cover, by name.
func (s *Store) Choices(ctx context.Context, pr *auth.Principal) ([]Choice, error) {
	return s.SearchEmployers(ctx, pr, "", MaxChoices)
}

// SearchEmployers lists, by name, up to limit employers a contract drafted
// by pr may cover that match q: a credit code (in any case, with or
// without spaces) finds its employer; anything else is matched within the
// name, the short name and their pinyin initials. An empty q lists them
// all; a q over MaxSearch characters is the field error "q".
func (s *Store) SearchEmployers(ctx context.Context, pr *auth.Principal, q string, limit int) ([]Choice, error) {
	if pr == nil {
		return nil, scope.NilPrincipal("contract: employers")
	}
	q = strings.TrimSpace(q)
	f := errs.Fields{}
	if !f.Check(utf8.RuneCountInString(q) <= MaxSearch, "q", "field.too_long", MaxSearch) {
		return nil, f.Err()
	}
	paths := writePaths(pr)
	if len(paths) == 0 {
		return []Choice{}, nil
	}
	where, args := within(paths)
	if q != "" {
		// A code is often copied in groups ("91110101 MA01…").
		if code, err := cnid.NormalizeCreditCode(strings.Join(strings.Fields(q), "")); err == nil {
			where += " AND e.credit_code = ?"
			args = append(args, code)
		} else {
			where += " AND " + s.DB.LikeFold("e.search_key")
			args = append(args, "%"+db.Like(hanzi.FoldQuery(q))+"%")
		}
	}
	if limit <= 0 || limit > MaxChoices {
		limit = MaxChoices
	}
	rows, err := s.DB.Query(ctx, choiceCols+where+" ORDER BY e.name, e.id LIMIT ?", append(args, limit)...)
	out, err := signup.All(rows, err, "contract: employers", scanChoice)
	if out == nil && err == nil {
		out = []Choice{}
	}
	return out, err
}

// Employer reads one employer a contract drafted by pr may cover: the
// picker's current choice. Any other is NotFound.
func (s *Store) Employer(ctx context.Context, pr *auth.Principal, id int64) (*Choice, error) {
	if pr == nil {
		return nil, scope.NilPrincipal("contract: employer")
	}
	paths := writePaths(pr)
	if len(paths) == 0 || id == 0 {
		return nil, errs.NotFound("employer")
	}
	where, args := within(paths)
	return signup.One(s.DB.QueryRow(ctx, choiceCols+"e.id = ? AND "+where, append([]any{id}, args...)...), "employer", "contract: employer", scanChoice)
}
