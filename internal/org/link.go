package org

import (
	"context"
	"database/sql"
	"errors"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/scope"
)

// LinkEmployer records that a union organises an employer. A single union
// (and a committee preparing one) organises one employer, a joint union
// several, federations and the inner parts of a union none; an employer is
// organised by one union at most. Linking again is a no-op.
func (s *Store) LinkEmployer(ctx context.Context, p *auth.Principal, orgID, employerID int64) error {
	return s.unionTx(ctx, p, orgID, func(tx *db.Tx, u *Org) error {
		if err := lockEmployer(ctx, tx, employerID); err != nil {
			return err
		}
		e, ownerPath, err := loadEmployer(ctx, tx, employerID)
		if err != nil {
			return err
		}
		if !rule.CanRead(p, ownerPath) {
			return errs.NotFound("employer")
		}
		if e.UnionID == orgID {
			return nil
		}
		f := errs.Fields{}
		limit := u.Kind.employerCap()
		switch {
		case limit == 0:
			f.Add("employer_id", "org.employer_kind")
		case e.UnionID != 0:
			f.Add("employer_id", "org.employer_taken")
		case limit > 0:
			var n int
			if err := tx.QueryRow(ctx, "SELECT count(*) FROM org_employers WHERE org_id = ?", orgID).Scan(&n); err != nil {
				return errs.Internal(err, "org: count links")
			}
			f.Check(n < limit, "employer_id", "org.employer_single")
		}
		if err := f.Err(); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, "INSERT INTO org_employers (org_id, employer_id) VALUES (?, ?)", orgID, employerID)
		if db.IsUnique(err) {
			f.Add("employer_id", "org.employer_taken")
			return f.Err()
		}
		if err != nil {
			return errs.Internal(err, "org: link employer")
		}
		err = trackEmployer(ctx, tx, employerID, func() error {
			if _, err := tx.Exec(ctx, "UPDATE employers SET union_path = ? WHERE id = ?", u.Path, employerID); err != nil {
				return errs.Internal(err, "org: link employer")
			}
			return nil
		})
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "org.link_employer", Entity: "org", EntityID: db.FormatID(orgID), OrgPath: u.Path,
			After: map[string]any{"employer_id": db.FormatID(employerID), "employer_name": e.Name}})
	})
}

// unionTx runs fn in a transaction with union orgID locked for p to
// change.
func (s *Store) unionTx(ctx context.Context, p *auth.Principal, orgID int64, fn func(tx *db.Tx, u *Org) error) error {
	if p == nil {
		return scope.NilPrincipal("org")
	}
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		u, err := lockFor(ctx, tx, p, orgID, rule.Writable)
		if err != nil {
			return err
		}
		return fn(tx, u)
	})
}

// UnlinkEmployer removes the record that a union organises an employer.
func (s *Store) UnlinkEmployer(ctx context.Context, p *auth.Principal, orgID, employerID int64) error {
	return s.unionTx(ctx, p, orgID, func(tx *db.Tx, u *Org) error {
		var name string
		err := tx.QueryRow(ctx, "SELECT e.name FROM org_employers l JOIN employers e ON e.id = l.employer_id WHERE l.org_id = ? AND l.employer_id = ?",
			orgID, employerID).Scan(&name)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.NotFound("employer link")
		}
		if err != nil {
			return errs.Internal(err, "org: find link")
		}
		if _, err := tx.Exec(ctx, "DELETE FROM org_employers WHERE org_id = ? AND employer_id = ?", orgID, employerID); err != nil {
			return errs.Internal(err, "org: unlink employer")
		}
		err = trackEmployer(ctx, tx, employerID, func() error {
			if _, err := tx.Exec(ctx, "UPDATE employers SET union_path = '' WHERE id = ?", employerID); err != nil {
				return errs.Internal(err, "org: unlink employer")
			}
			return nil
		})
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "org.unlink_employer", Entity: "org", EntityID: db.FormatID(orgID), OrgPath: u.Path,
			Before: map[string]any{"employer_id": db.FormatID(employerID), "employer_name": name}})
	})
}
