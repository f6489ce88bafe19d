package contract

import (
	"context"
	"io"
	"strings"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/inbox"
	"gonghui/internal/scope"
	"gonghui/internal/sheet"
)

// Totals are a subtree's contracts by status on today, and its coverage:
// counted live from the rows, so they agree with the list whatever the
// day (the dashboard's copies of the same figures are as of the last
// settling).
type Totals struct {
	ByStatus  map[Status]int `json:"by_status"`
	All       int            `json:"all"`
	Expiring  int            `json:"expiring"`
	Employers int            `json:"employers"` // employers of the subtree covered by a contract in force
	Registry  int            `json:"registry"`  // employers of the subtree in the registry
	Workers   int64          `json:"workers"`   // workers covered there (per employer, the most any contract in force covers)
}

// Totals counts the contracts of the caller's subtrees (or of q.Org's) by
// status, and the coverage of the employers there.
func (s *Store) Totals(ctx context.Context, pr *auth.Principal, q Query) (*Totals, error) {
	out := &Totals{ByStatus: map[Status]int{}}
	where, args, err := s.filter(ctx, pr, Query{Org: q.Org})()
	if err != nil || where == nil {
		return out, err
	}
	today := s.Today()
	for _, st := range Statuses {
		w, a := statusSQL(st, today)
		var n int
		if err := s.DB.QueryRow(ctx, "SELECT COUNT(*)"+contractFrom+" WHERE "+where[0]+" AND "+w, append(append([]any{}, args...), a...)...).Scan(&n); err != nil {
			return nil, errs.Internal(err, "contract: totals")
		}
		out.ByStatus[st] = n
		out.All += n
	}
	if err := s.DB.QueryRow(ctx, "SELECT COUNT(*)"+contractFrom+" WHERE "+where[0]+" AND "+sqlExpiring,
		append(append([]any{}, args...), today, today, today)...).Scan(&out.Expiring); err != nil {
		return nil, errs.Internal(err, "contract: totals")
	}
	// Employers of the subtree as the registry counts them: owned or
	// organised there.
	paths := []string{}
	if q.Org != 0 {
		var p string
		if err := s.DB.QueryRow(ctx, "SELECT path FROM orgs WHERE id = ?", q.Org).Scan(&p); err != nil {
			return nil, errs.Internal(err, "contract: totals")
		}
		paths = append(paths, p)
	} else if paths, err = rule.Paths(pr); err != nil {
		return nil, err
	}
	owner, oargs := scope.SQL("e.owner_path", paths)
	union, uargs := scope.SQL("e.union_path", paths)
	emp := "(" + owner + " OR " + union + ")"
	eargs := append(append([]any{}, oargs...), uargs...)
	if err := s.DB.QueryRow(ctx, "SELECT COUNT(*) FROM employers e WHERE "+emp, eargs...).Scan(&out.Registry); err != nil {
		return nil, errs.Internal(err, "contract: coverage")
	}
	err = s.DB.QueryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(w), 0) FROM (SELECT ce.employer_id, MAX(ce.workers) AS w FROM contract_employers ce
		JOIN contracts c ON c.id = ce.contract_id JOIN employers e ON e.id = ce.employer_id
		WHERE `+sqlInForce+` AND `+emp+` GROUP BY ce.employer_id) x`, append([]any{today, today}, eargs...)...).Scan(&out.Employers, &out.Workers)
	if err != nil {
		return nil, errs.Internal(err, "contract: coverage")
	}
	return out, nil
}

// InboxSource is the contracts expiring within three months with no
// renewal submitted, counted where the principal holds contract.write
// over the negotiating union; what waits depends on the day, so the
// query is built at each read.
func (s *Store) InboxSource() inbox.Source { return &expiringSource{s: s} }

type expiringSource struct{ s *Store }

func (e *expiringSource) query() *inbox.Query {
	t := e.s.Today()
	return &inbox.Query{K: e.Kind(), DB: e.s.DB, From: "contracts c JOIN orgs o ON o.id = c.org_id",
		Where: sqlExpiring, Args: []any{t, t, t}, Path: "o.path", Cols: "c.id, 0, c.title, o.name, c.remind_at",
		Link: func(id, _ int64) string { return "/contracts/" + db.FormatID(id) }}
}

func (e *expiringSource) Kind() inbox.Kind {
	return inbox.Kind{Key: "contract_expiring", Title: "contract.inbox.expiring", Perm: rule.Write, List: "/contracts?expiring=1"}
}

func (e *expiringSource) Count(ctx context.Context, p *auth.Principal, paths []string) (int, error) {
	return e.query().Count(ctx, p, paths)
}

func (e *expiringSource) Oldest(ctx context.Context, p *auth.Principal, paths []string, limit int) ([]inbox.Item, error) {
	return e.query().Oldest(ctx, p, paths, limit)
}

// Translate gives words in the reader's language.
type Translate func(key string, args ...any) string

// ExportMax bounds the rows of one export.
const ExportMax = 10000

// Export writes the contracts q's filter lists (in q's order, up to
// ExportMax) as an .xlsx sheet.
func (s *Store) Export(ctx context.Context, pr *auth.Principal, q Query, tr Translate, out io.Writer) error {
	heads := []string{"title", "org", "kind", "coverage", "employers", "workers", "signed_on", "starts_on", "ends_on", "status", "effective_on",
		"wage_increase", "min_wage", "union_rep", "employer_rep"}
	for i, h := range heads {
		heads[i] = tr("contract.field." + h)
	}
	w, err := sheet.NewWriter(tr("contract.export_sheet"), heads)
	if err != nil {
		return err
	}
	defer w.Close()
	q.Offset, q.After = 0, ""
	for done := 0; done < ExportMax; {
		q.Limit = min(scope.MaxPage, ExportMax-done)
		items, next, err := s.List(ctx, pr, q)
		if err != nil {
			return err
		}
		for i := range items {
			c := &items[i]
			names, err := s.employerNames(ctx, c.ID)
			if err != nil {
				return err
			}
			wage, minWage := "", ""
			if c.WageIncrease != 0 {
				wage = FormatHundredths(int64(c.WageIncrease)) + "%"
			}
			if c.MinWage != 0 {
				minWage = FormatHundredths(c.MinWage)
			}
			if err := w.Row(c.Title, c.OrgName, tr("contract.kind."+string(c.Kind)), tr("contract.coverage."+string(c.Coverage)), names, c.Workers,
				c.SignedOn, c.StartsOn, c.EndsOn, tr("contract.status."+string(c.Status)), c.EffectiveOn, wage, minWage, c.UnionRep, c.EmployerRep); err != nil {
				return err
			}
		}
		done += len(items)
		if next == "" || len(items) == 0 {
			break
		}
		q.After = next
	}
	_, err = w.WriteTo(out)
	return err
}

func (s *Store) employerNames(ctx context.Context, id int64) (string, error) {
	rows, err := s.DB.Query(ctx, "SELECT e.name FROM contract_employers ce JOIN employers e ON e.id = ce.employer_id WHERE ce.contract_id = ? ORDER BY e.name", id)
	if err != nil {
		return "", errs.Internal(err, "contract: export")
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return "", errs.Internal(err, "contract: export")
		}
		names = append(names, n)
	}
	return strings.Join(names, "、"), rows.Err()
}
