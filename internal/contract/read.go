package contract

import (
	"context"
	"database/sql"
	"slices"

	"gonghui/internal/auth"
	"gonghui/internal/errs"
	"gonghui/internal/listing"
	"gonghui/internal/scope"
	"gonghui/internal/signup"
)

const contractCols = `c.id, c.org_id, o.name, o.path, c.title, c.kind, c.coverage, c.union_rep, c.employer_rep, c.signed_on, c.starts_on, c.ends_on,
	c.workers, c.wage_increase, c.min_wage, c.notes, c.state, c.submitted_on, c.effective_on, c.lapse_on, c.remind_on, c.previous_id, c.renewed,
	c.version, c.created_at, c.updated_at, (SELECT COUNT(*) FROM contract_files f WHERE f.contract_id = c.id)`

// contractFrom joins the negotiating union, whose path scopes the
// contract: no copy of it to keep when the tree moves.
const contractFrom = ` FROM contracts c JOIN orgs o ON o.id = c.org_id`

func scanContract(sc signup.Scanner, today string) (Contract, error) {
	var c Contract
	var prev sql.NullInt64
	var renewed, files int
	var created, updated int64
	err := sc.Scan(&c.ID, &c.OrgID, &c.OrgName, &c.path, &c.Title, &c.Kind, &c.Coverage, &c.UnionRep, &c.EmployerRep, &c.SignedOn, &c.StartsOn, &c.EndsOn,
		&c.Workers, &c.WageIncrease, &c.MinWage, &c.Notes, &c.state, &c.SubmittedOn, &c.EffectiveOn, &c.LapseOn, &c.RemindOn, &prev, &renewed,
		&c.Version, &created, &updated, &files)
	if err != nil {
		return c, err
	}
	c.PreviousID, c.Renewed, c.HasFile = prev.Int64, renewed == 1, files > 0
	c.CreatedAt, c.UpdatedAt = scope.FromMillis(created), scope.FromMillis(updated)
	d := c.days()
	c.Status, c.Expiring = d.statusOn(today), d.expiringOn(today)
	if c.SubmittedOn != "" {
		c.ReviewEndsOn = ReviewEnds(c.SubmittedOn)
	}
	return c, nil
}

func (c *Contract) days() days {
	return days{state: c.state, submitted: c.SubmittedOn, effective: c.EffectiveOn, lapse: c.LapseOn, remind: c.RemindOn, renewed: c.Renewed}
}

func one(row *sql.Row, today string) (*Contract, error) {
	return signup.One(row, "contract", "contract: read", func(sc signup.Scanner) (Contract, error) { return scanContract(sc, today) })
}

// Get reads a contract with its employers, for staff who may see its
// union; anyone else gets NotFound.
func (s *Store) Get(ctx context.Context, pr *auth.Principal, id int64) (*Contract, error) {
	if pr == nil {
		return nil, scope.NilPrincipal("contract: read")
	}
	c, err := one(s.DB.QueryRow(ctx, "SELECT "+contractCols+contractFrom+" WHERE c.id = ?", id), s.Today())
	if c, err = signup.Seen(rule, pr, c, err, (*Contract).OrgPath); err != nil {
		return nil, err
	}
	rows, err := s.DB.Query(ctx, `SELECT e.id, e.name, COALESCE(e.credit_code, ''), ce.workers FROM contract_employers ce
		JOIN employers e ON e.id = ce.employer_id WHERE ce.contract_id = ? ORDER BY e.name, e.id`, id)
	c.Employers, err = signup.All(rows, err, "contract: employers", func(sc signup.Scanner) (Employer, error) {
		var e Employer
		return e, sc.Scan(&e.EmployerID, &e.Name, &e.CreditCode, &e.Workers)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Can says what the reader may do with a contract now.
type Can struct {
	Edit   bool `json:"edit"`
	Submit bool `json:"submit"`
	Object bool `json:"object"`
	Renew  bool `json:"renew"`
	Upload bool `json:"upload"`
}

// Link is one contract of a renewal chain.
type Link struct {
	ID       int64  `json:"id,string"`
	Title    string `json:"title"`
	StartsOn string `json:"starts_on"`
	EndsOn   string `json:"ends_on"`
	Status   Status `json:"status"`
	Current  bool   `json:"current"` // the contract being read
}

// Detail is a contract with its history, its renewal chain and what the
// reader may do.
type Detail struct {
	Contract
	Events []Event `json:"events"`
	Chain  []Link  `json:"chain"` // oldest first, the contract itself among them
	File   *File   `json:"file,omitempty"`
	Can    Can     `json:"can"`
}

// File is a contract's uploaded text, without its bytes.
type File struct {
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int    `json:"size"`
}

// Detail reads a contract as its page shows it.
func (s *Store) Detail(ctx context.Context, pr *auth.Principal, id int64) (*Detail, error) {
	c, err := s.Get(ctx, pr, id)
	if err != nil {
		return nil, err
	}
	d := &Detail{Contract: *c}
	rows, err := s.DB.Query(ctx, "SELECT id, kind, day, body, user_name, created_at FROM contract_events WHERE contract_id = ? ORDER BY created_at, id", id)
	d.Events, err = signup.All(rows, err, "contract: history", func(sc signup.Scanner) (Event, error) {
		var e Event
		var at int64
		err := sc.Scan(&e.ID, &e.Kind, &e.Day, &e.Body, &e.By, &at)
		e.At = scope.FromMillis(at)
		return e, err
	})
	if err != nil {
		return nil, err
	}
	if d.Chain, err = s.chain(ctx, c); err != nil {
		return nil, err
	}
	var f File
	err = s.DB.QueryRow(ctx, "SELECT name, content_type, size FROM contract_files WHERE contract_id = ? ORDER BY id DESC LIMIT 1", id).Scan(&f.Name, &f.ContentType, &f.Size)
	switch {
	case err == nil:
		d.File = &f
	case err != sql.ErrNoRows:
		return nil, errs.Internal(err, "contract: file")
	}
	if rule.CanWrite(pr, c.path) {
		hasNext := false
		for _, l := range d.Chain {
			hasNext = hasNext || l.StartsOn > c.StartsOn
		}
		d.Can = Can{Edit: c.Status == StatusDraft, Submit: c.Status == StatusDraft, Upload: true,
			Object: c.state == StateSubmitted && s.Today() < c.EffectiveOn,
			Renew:  c.state == StateSubmitted && c.Status != StatusReview && !hasNext}
	}
	return d, nil
}

// chain walks the renewals back to the first contract and forward to the
// last: at most a few dozen rows, one query per link (a chain grows by
// one every one to three years).
func (s *Store) chain(ctx context.Context, c *Contract) ([]Link, error) {
	link := func(x *Contract) Link {
		return Link{ID: x.ID, Title: x.Title, StartsOn: x.StartsOn, EndsOn: x.EndsOn, Status: x.Status, Current: x.ID == c.ID}
	}
	today := s.Today()
	out := []Link{link(c)}
	for prev := c.PreviousID; prev != 0 && len(out) < scope.MaxPage; {
		p, err := one(s.DB.QueryRow(ctx, "SELECT "+contractCols+contractFrom+" WHERE c.id = ?", prev), today)
		if err != nil {
			return nil, err
		}
		out = append(out, link(p))
		prev = p.PreviousID
	}
	slices.Reverse(out)
	for cur := c.ID; len(out) < scope.MaxPage; {
		n, err := one(s.DB.QueryRow(ctx, "SELECT "+contractCols+contractFrom+" WHERE c.previous_id = ?", cur), today)
		if errs.Is(err, errs.KindNotFound) {
			break
		}
		if err != nil {
			return nil, err
		}
		out = append(out, link(n))
		cur = n.ID
	}
	return out, nil
}

// Query filters the staff's list of contracts.
type Query struct {
	Q        string // words of the title, or an employer's name
	Kind     Kind
	Status   Status
	Expiring bool  // in force, within three months of its end, not renewed
	Org      int64 // only contracts negotiated within this organisation's subtree
	Sort     string
	After    string
	Offset   int
	Limit    int
}

// Sorts are the orders of the staff list.
var Sorts = &listing.Sorts[Contract]{List: "contract", ID: "c.id", IDOf: func(c *Contract) int64 { return c.ID },
	Default: "-updated", Keys: []listing.Key[Contract]{
		{Name: "updated", Expr: "c.updated_at", Desc: true, Of: func(c *Contract) any { return scope.Millis(c.UpdatedAt) }},
		{Name: "ends", Expr: "c.ends_on", Of: func(c *Contract) any { return c.EndsOn }},
		{Name: "workers", Expr: "c.workers", Desc: true, Of: func(c *Contract) any { return int64(c.Workers) }},
	}}

func (s *Store) filter(ctx context.Context, pr *auth.Principal, q Query) listing.Filter {
	return func() ([]string, []any, error) {
		if pr == nil {
			return nil, nil, scope.NilPrincipal("contract: list")
		}
		paths, err := rule.Paths(pr)
		if err != nil {
			return nil, nil, err
		}
		f := errs.Fields{}
		f.Check(q.Kind == "" || slices.Contains(Kinds, q.Kind), "kind", "field.invalid_choice")
		f.Check(q.Status == "" || slices.Contains(Statuses, q.Status), "status", "field.invalid_choice")
		if err := f.Err(); err != nil {
			return nil, nil, err
		}
		if len(paths) == 0 {
			return nil, nil, nil
		}
		if q.Org != 0 {
			path, err := signup.SeenOrg(ctx, s.DB, rule, pr, q.Org, "org")
			if err != nil {
				return nil, nil, err
			}
			paths = []string{path}
		}
		in, args := scope.SQL("o.path", paths)
		where := []string{in}
		today := s.Today()
		if q.Q != "" {
			arg := s.DB.ContainsFoldArg(q.Q)
			where = append(where, "("+s.DB.ContainsFold("c.title")+" OR EXISTS (SELECT 1 FROM contract_employers qe JOIN employers qx ON qx.id = qe.employer_id WHERE qe.contract_id = c.id AND "+
				s.DB.ContainsFold("qx.name")+"))")
			args = append(args, arg, arg)
		}
		if q.Kind != "" {
			where, args = append(where, "c.kind = ?"), append(args, q.Kind)
		}
		if q.Status != "" {
			w, a := statusSQL(q.Status, today)
			where, args = append(where, w), append(args, a...)
		}
		if q.Expiring {
			where, args = append(where, sqlExpiring), append(args, today, today, today)
		}
		return where, args, nil
	}
}

// List returns a page of the contracts negotiated within the caller's
// subtrees, in q's order.
func (s *Store) List(ctx context.Context, pr *auth.Principal, q Query) ([]Contract, string, error) {
	today := s.Today()
	return Sorts.Read(q.Sort, listing.Page{After: q.After, Offset: q.Offset, Limit: q.Limit}, s.filter(ctx, pr, q),
		func(clause string, args []any) ([]Contract, error) {
			rows, err := s.DB.Query(ctx, "SELECT "+contractCols+contractFrom+clause, args...)
			return signup.All(rows, err, "contract: list", func(sc signup.Scanner) (Contract, error) { return scanContract(sc, today) })
		})
}

// CountList is the total of q's filter, counted up to listing.Cap.
func (s *Store) CountList(ctx context.Context, pr *auth.Principal, q Query) (listing.Total, error) {
	return listing.CountOf(ctx, s.DB, 0, "FROM contracts c JOIN orgs o ON o.id = c.org_id", s.filter(ctx, pr, q))
}
