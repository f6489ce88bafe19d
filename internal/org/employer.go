package org

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/cnid"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/hanzi"
	"gonghui/internal/scope"
	"gonghui/internal/stats"
)

// Employer is an enterprise, institution or agency: where workers work and
// where a union is (or should be) organised. It belongs to an owner
// organisation, whose staff keep its record; a union organises it.
type Employer struct {
	ID           int64     `json:"id,string"`
	OwnerOrgID   int64     `json:"owner_org_id,string"`
	OwnerOrgName string    `json:"owner_org_name"`
	Name         string    `json:"name"`
	ShortName    string    `json:"short_name"`  // 简称, "" when none
	CreditCode   string    `json:"credit_code"` // "" when unknown
	Category     string    `json:"category"`    // one of Categories
	Industry     string    `json:"industry"`    // one of Industries, or ""
	IsPublic     bool      `json:"is_public"`
	NewForms     bool      `json:"new_forms"` // new industries, new forms, new models
	Employees    int       `json:"employees"`
	Address      string    `json:"address"`
	DivisionCode string    `json:"division_code"`
	UnionID      int64     `json:"union_id,string"` // the union that organises it, 0 if none
	UnionName    string    `json:"union_name"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// EmployerInput creates an employer or replaces its fields.
type EmployerInput struct {
	OwnerOrgID   int64 // on update, 0 keeps the current owner
	Name         string
	ShortName    string
	CreditCode   string
	Category     string
	Industry     string
	IsPublic     *bool // nil: DefaultPublic(Category)
	NewForms     bool
	Employees    int
	Address      string
	DivisionCode string
}

const (
	maxEmployerName = 200
	maxEmployees    = 10_000_000
)

// normalise trims the input, puts the credit code in its canonical form and
// records in f every rule the input breaks.
func (in *EmployerInput) normalise(f errs.Fields) {
	in.Name = strings.TrimSpace(in.Name)
	in.ShortName = strings.TrimSpace(in.ShortName)
	in.CreditCode = strings.TrimSpace(in.CreditCode)
	in.Category = strings.TrimSpace(in.Category)
	in.Industry = strings.ToUpper(strings.TrimSpace(in.Industry))
	in.Address = strings.TrimSpace(in.Address)
	in.DivisionCode = strings.TrimSpace(in.DivisionCode)
	checkName(f, "name", in.Name, maxEmployerName)
	checkShortName(f, "short_name", in.ShortName, in.Name, maxEmployerName)
	if in.CreditCode != "" {
		code, err := cnid.NormalizeCreditCode(in.CreditCode)
		var ce *cnid.Error
		switch {
		case errors.As(err, &ce):
			f.Add("credit_code", "field.credit_code."+ce.Rule)
		case err != nil:
			f.Add("credit_code", "field.credit_code.check")
		default:
			in.CreditCode = code
		}
	}
	if f.Check(in.Category != "", "category", "field.required") {
		f.Check(slices.Contains(Categories, in.Category), "category", "field.invalid_choice")
	}
	f.Check(in.Industry == "" || slices.Contains(Industries, in.Industry), "industry", "field.invalid_choice")
	f.Check(in.Employees >= 0 && in.Employees <= maxEmployees, "employees", "field.out_of_range", 0, maxEmployees)
	checkText(f, "address", in.Address, maxAddress, false)
	f.Check(knownDivision(in.DivisionCode), "division_code", "field.division.unknown")
}

func (in *EmployerInput) public() bool {
	if in.IsPublic != nil {
		return *in.IsPublic
	}
	return DefaultPublic(in.Category)
}

// creditCode is the stored form: NULL when unknown, so that the unique
// index lets any number of employers go without one.
func creditCode(c string) any {
	if c == "" {
		return nil
	}
	return c
}

const employerCols = `e.id, e.owner_org_id, o.name, e.name, COALESCE(e.credit_code, ''), e.category, e.industry, e.is_public,
	e.new_forms, e.employees, e.address, e.division_code, COALESCE(l.org_id, 0), COALESCE(u.name, ''), e.created_at, e.updated_at, e.owner_path, e.short_name`

// employerInsertCols are the columns of a new employer row, in the order
// CreateEmployer and the bulk insert give them.
const employerInsertCols = `id, owner_org_id, name, credit_code, category, industry, is_public, new_forms,
	employees, address, division_code, owner_path, union_path, created_at, updated_at, short_name, search_key`

const employerFrom = ` FROM employers e JOIN orgs o ON o.id = e.owner_org_id
	LEFT JOIN org_employers l ON l.employer_id = e.id LEFT JOIN orgs u ON u.id = l.org_id`

// scanEmployer reads an employer and its owner's path, which scopes it.
func scanEmployer(r scanner) (Employer, string, error) {
	var e Employer
	var created, updated int64
	var ownerPath string
	err := r.Scan(&e.ID, &e.OwnerOrgID, &e.OwnerOrgName, &e.Name, &e.CreditCode, &e.Category, &e.Industry, &e.IsPublic,
		&e.NewForms, &e.Employees, &e.Address, &e.DivisionCode, &e.UnionID, &e.UnionName, &created, &updated, &ownerPath, &e.ShortName)
	e.CreatedAt, e.UpdatedAt = scope.FromMillis(created), scope.FromMillis(updated)
	return e, ownerPath, err
}

func collectEmployers(rows *sql.Rows, err error) ([]Employer, error) {
	if err != nil {
		return nil, errs.Internal(err, "org: query employers")
	}
	defer rows.Close()
	var out []Employer
	for rows.Next() {
		e, _, err := scanEmployer(rows)
		if err != nil {
			return nil, errs.Internal(err, "org: scan employer")
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Internal(err, "org: employers")
	}
	return out, nil
}

func loadEmployer(ctx context.Context, q queryer, id int64) (*Employer, string, error) {
	e, path, err := scanEmployer(q.QueryRow(ctx, "SELECT "+employerCols+employerFrom+" WHERE e.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", errs.NotFound("employer")
	}
	if err != nil {
		return nil, "", errs.Internal(err, "org: load employer")
	}
	return &e, path, nil
}

// lockEmployer takes the employer's row lock (PostgreSQL; SQLite is locked
// whole) apart from loadEmployer, because FOR UPDATE cannot reach the
// nullable side of its outer joins.
func lockEmployer(ctx context.Context, tx *db.Tx, id int64) error {
	var x int64
	err := tx.QueryRow(ctx, "SELECT id FROM employers WHERE id = ?"+tx.ForUpdate(), id).Scan(&x)
	if errors.Is(err, sql.ErrNoRows) {
		return errs.NotFound("employer")
	}
	if err != nil {
		return errs.Internal(err, "org: lock employer")
	}
	return nil
}

// checkCreditCodeFree adds field.credit_code.taken when another employer
// has the code. The answer is given whoever holds it: a code identifies one
// legal entity, and refusing a duplicate without saying why would only make
// staff enter it again with a typo.
func checkCreditCodeFree(ctx context.Context, tx *db.Tx, f errs.Fields, code string, self int64) error {
	if _, bad := f["credit_code"]; bad || code == "" {
		return nil
	}
	var n int
	if err := tx.QueryRow(ctx, "SELECT count(*) FROM employers WHERE credit_code = ? AND id <> ?", code, self).Scan(&n); err != nil {
		return errs.Internal(err, "org: credit code")
	}
	f.Check(n == 0, "credit_code", "field.credit_code.taken")
	return nil
}

func creditCodeTakenErr() error {
	f := errs.Fields{}
	f.Add("credit_code", "field.credit_code.taken")
	return f.Err()
}

// CreateEmployer records an employer owned by an organisation the caller
// may change.
func (s *Store) CreateEmployer(ctx context.Context, p *auth.Principal, in EmployerInput) (*Employer, error) {
	if p == nil {
		return nil, scope.NilPrincipal("org")
	}
	if in.OwnerOrgID == 0 {
		f := errs.Fields{}
		f.Add("owner_org_id", "field.required")
		return nil, f.Err()
	}
	id := db.NewID()
	var out *Employer
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		// The owner's row lock keeps its path (copied below) from moving
		// under us: Move locks the subtree it rewrites.
		owner, err := lockFor(ctx, tx, p, in.OwnerOrgID, rule.Writable)
		if err != nil {
			return err
		}
		in := in // normalise a copy: the transaction may run again
		f := errs.Fields{}
		in.normalise(f)
		if err := checkCreditCodeFree(ctx, tx, f, in.CreditCode, 0); err != nil {
			return err
		}
		if err := f.Err(); err != nil {
			return err
		}
		t := stamp()
		e := Employer{ID: id, OwnerOrgID: owner.ID, OwnerOrgName: owner.Name, Name: in.Name, ShortName: in.ShortName, CreditCode: in.CreditCode,
			Category: in.Category, Industry: in.Industry, IsPublic: in.public(), NewForms: in.NewForms, Employees: in.Employees,
			Address: in.Address, DivisionCode: in.DivisionCode, CreatedAt: t, UpdatedAt: t}
		_, err = tx.Exec(ctx, "INSERT INTO employers ("+employerInsertCols+") VALUES ("+placeholders(17)+")",
			e.ID, e.OwnerOrgID, e.Name, creditCode(e.CreditCode), e.Category, e.Industry, e.IsPublic, e.NewForms,
			e.Employees, e.Address, e.DivisionCode, owner.Path, "", scope.Millis(t), scope.Millis(t), e.ShortName, hanzi.SearchKey(e.Name, e.ShortName))
		if db.IsUnique(err) {
			return creditCodeTakenErr()
		}
		if err != nil {
			return errs.Internal(err, "org: insert employer")
		}
		fig := empState{owner: owner.Path, public: e.IsPublic, newForms: e.NewForms, employees: int64(e.Employees)}
		if err := stats.Log(ctx, tx, fig.changes(1)...); err != nil {
			return err
		}
		out = &e
		return audit.Record(ctx, tx, audit.Event{Action: "employer.create", Entity: "employer", EntityID: db.FormatID(id), OrgPath: owner.Path, After: e})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// UpdateEmployer replaces an employer's fields. The caller needs write over
// its owner, and over the new owner when OwnerOrgID changes.
func (s *Store) UpdateEmployer(ctx context.Context, p *auth.Principal, id int64, in EmployerInput) (*Employer, error) {
	if p == nil {
		return nil, scope.NilPrincipal("org")
	}
	var out *Employer
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		if err := lockEmployer(ctx, tx, id); err != nil {
			return err
		}
		cur, curPath, err := loadEmployer(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := rule.Readable(p, curPath); err != nil {
			return errs.NotFound("employer")
		}
		if err := rule.Writable(p, curPath); err != nil {
			return err
		}
		in := in
		ownerPath := curPath
		after := *cur
		if in.OwnerOrgID != 0 && in.OwnerOrgID != cur.OwnerOrgID {
			owner, err := lockFor(ctx, tx, p, in.OwnerOrgID, rule.Writable)
			if err != nil {
				return err
			}
			ownerPath, after.OwnerOrgID, after.OwnerOrgName = owner.Path, owner.ID, owner.Name
		}
		f := errs.Fields{}
		in.normalise(f)
		if err := checkCreditCodeFree(ctx, tx, f, in.CreditCode, id); err != nil {
			return err
		}
		if err := f.Err(); err != nil {
			return err
		}
		after.Name, after.ShortName, after.CreditCode, after.Category, after.Industry = in.Name, in.ShortName, in.CreditCode, in.Category, in.Industry
		after.IsPublic, after.NewForms, after.Employees = in.public(), in.NewForms, in.Employees
		after.Address, after.DivisionCode = in.Address, in.DivisionCode
		if after == *cur {
			out = cur
			return nil
		}
		after.UpdatedAt = stamp()
		err = trackEmployer(ctx, tx, id, func() error {
			_, err := tx.Exec(ctx, `UPDATE employers SET owner_org_id = ?, owner_path = ?, name = ?, credit_code = ?, category = ?, industry = ?,
			is_public = ?, new_forms = ?, employees = ?, address = ?, division_code = ?, updated_at = ?, short_name = ?, search_key = ? WHERE id = ?`,
				after.OwnerOrgID, ownerPath, after.Name, creditCode(after.CreditCode), after.Category, after.Industry,
				after.IsPublic, after.NewForms, after.Employees, after.Address, after.DivisionCode, scope.Millis(after.UpdatedAt),
				after.ShortName, hanzi.SearchKey(after.Name, after.ShortName), id)
			if db.IsUnique(err) {
				return creditCodeTakenErr()
			}
			if err != nil {
				return errs.Internal(err, "org: update employer")
			}
			return nil
		})
		if err != nil {
			return err
		}
		out = &after
		if err := audit.Record(ctx, tx, audit.Event{Action: "employer.update", Entity: "employer", EntityID: db.FormatID(id),
			OrgPath: ownerPath, Before: cur, After: after}); err != nil {
			return err
		}
		if ownerPath != curPath && !inside(ownerPath, curPath) {
			// The old owner's auditors see the record leave.
			return audit.Record(ctx, tx, audit.Event{Action: "employer.move_out", Entity: "employer", EntityID: db.FormatID(id),
				OrgPath: curPath, Before: cur, After: after})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// GetEmployer returns an employer whose owner the caller may read.
func (s *Store) GetEmployer(ctx context.Context, p *auth.Principal, id int64) (*Employer, error) {
	if p == nil {
		return nil, scope.NilPrincipal("org")
	}
	e, path, err := loadEmployer(ctx, s.DB, id)
	if err != nil {
		return nil, err
	}
	if !rule.CanRead(p, path) {
		return nil, errs.NotFound("employer")
	}
	return e, nil
}

// Employers returns the employers a union organises, by name.
func (s *Store) Employers(ctx context.Context, p *auth.Principal, orgID int64) ([]Employer, error) {
	if _, err := s.Get(ctx, p, orgID); err != nil {
		return nil, err
	}
	return collectEmployers(s.DB.Query(ctx, "SELECT "+employerCols+employerFrom+" WHERE l.org_id = ? ORDER BY e.name, e.id", orgID))
}
