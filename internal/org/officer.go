package org

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"sort"
	"strings"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/scope"
)

// Officer is a post holder of an organisation for one term.
type Officer struct {
	ID        int64  `json:"id,string"`
	OrgID     int64  `json:"org_id,string"`
	Name      string `json:"name"`
	Position  string `json:"position"`   // one of Positions
	TermStart string `json:"term_start"` // 'YYYY-MM-DD'
	TermEnd   string `json:"term_end"`   // 'YYYY-MM-DD', "" while open
	Note      string `json:"note"`
	Current   bool   `json:"current"` // today lies within the term
}

// OfficerInput records or replaces an officer's term.
type OfficerInput struct {
	Name      string
	Position  string
	TermStart string
	TermEnd   string
	Note      string
}

// normalised is a trimmed copy of in, or the fields found wrong.
func (in OfficerInput) normalised() (OfficerInput, error) {
	f := errs.Fields{}
	in.normalise(f)
	return in, f.Err()
}

func (in *OfficerInput) normalise(f errs.Fields) {
	in.Name = strings.TrimSpace(in.Name)
	in.Position = strings.TrimSpace(in.Position)
	in.TermStart = strings.TrimSpace(in.TermStart)
	in.TermEnd = strings.TrimSpace(in.TermEnd)
	in.Note = strings.TrimSpace(in.Note)
	checkName(f, "name", in.Name, maxPerson)
	if f.Check(in.Position != "", "position", "field.required") {
		f.Check(slices.Contains(Positions, in.Position), "position", "field.invalid_choice")
	}
	startOK := false
	if f.Check(in.TermStart != "", "term_start", "field.required") {
		_, startOK = parseDate(in.TermStart)
		f.Check(startOK, "term_start", "field.invalid_date")
	}
	if in.TermEnd != "" {
		_, ok := parseDate(in.TermEnd)
		if f.Check(ok, "term_end", "field.invalid_date") && startOK {
			f.Check(in.TermEnd >= in.TermStart, "term_end", "field.date_order")
		}
	}
	checkText(f, "note", in.Note, maxNote, false)
}

// current reports whether the date day lies within the term. Dates in the
// strict format compare as strings.
func (o *Officer) current(day string) bool {
	return o.TermStart <= day && (o.TermEnd == "" || day <= o.TermEnd)
}

const officerCols = "id, org_id, name, position, term_start, term_end, note"

func scanOfficer(r scanner, day string) (Officer, error) {
	var o Officer
	err := r.Scan(&o.ID, &o.OrgID, &o.Name, &o.Position, &o.TermStart, &o.TermEnd, &o.Note)
	o.Current = o.current(day)
	return o, err
}

// Officers returns an organisation's officers: the sitting ones first, then
// by term start, newest first; within a term by rank of post.
func (s *Store) Officers(ctx context.Context, p *auth.Principal, orgID int64) ([]Officer, error) {
	if _, err := s.Get(ctx, p, orgID); err != nil {
		return nil, err
	}
	rows, err := s.DB.Query(ctx, "SELECT "+officerCols+" FROM officers WHERE org_id = ?", orgID)
	if err != nil {
		return nil, errs.Internal(err, "org: officers")
	}
	defer rows.Close()
	day := today()
	var out []Officer
	for rows.Next() {
		o, err := scanOfficer(rows, day)
		if err != nil {
			return nil, errs.Internal(err, "org: scan officer")
		}
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Internal(err, "org: officers")
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Current != b.Current {
			return a.Current
		}
		if a.TermStart != b.TermStart {
			return a.TermStart > b.TermStart
		}
		if ra, rb := positionRank(a.Position), positionRank(b.Position); ra != rb {
			return ra < rb
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.ID < b.ID
	})
	return out, nil
}

// loadOfficer reads an officer and the path of its organisation.
func loadOfficer(ctx context.Context, q queryer, id int64, suffix string) (*Officer, string, error) {
	row := q.QueryRow(ctx, "SELECT f.id, f.org_id, f.name, f.position, f.term_start, f.term_end, f.note, o.path "+
		"FROM officers f JOIN orgs o ON o.id = f.org_id WHERE f.id = ?"+suffix, id)
	var f Officer
	var path string
	err := row.Scan(&f.ID, &f.OrgID, &f.Name, &f.Position, &f.TermStart, &f.TermEnd, &f.Note, &path)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", errs.NotFound("officer")
	}
	if err != nil {
		return nil, "", errs.Internal(err, "org: load officer")
	}
	f.Current = f.current(today())
	return &f, path, nil
}

// lockOfficer locks an officer in tx for p to change: one p cannot see
// is not found.
func lockOfficer(ctx context.Context, tx *db.Tx, p *auth.Principal, id int64) (*Officer, string, error) {
	cur, path, err := loadOfficer(ctx, tx, id, tx.ForUpdate())
	if err != nil {
		return nil, "", err
	}
	if !rule.CanRead(p, path) {
		return nil, "", errs.NotFound("officer")
	}
	if err := rule.Writable(p, path); err != nil {
		return nil, "", err
	}
	return cur, path, nil
}

// GetOfficer returns one officer of an organisation the caller may read.
func (s *Store) GetOfficer(ctx context.Context, p *auth.Principal, id int64) (*Officer, error) {
	if p == nil {
		return nil, scope.NilPrincipal("org")
	}
	f, path, err := loadOfficer(ctx, s.DB, id, "")
	if err != nil {
		return nil, err
	}
	if !rule.CanRead(p, path) {
		return nil, errs.NotFound("officer")
	}
	return f, nil
}

// AddOfficer records a term of office in an organisation the caller may
// change.
func (s *Store) AddOfficer(ctx context.Context, p *auth.Principal, orgID int64, in OfficerInput) (*Officer, error) {
	if p == nil {
		return nil, scope.NilPrincipal("org")
	}
	id := db.NewID()
	var out *Officer
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		o, err := load(ctx, tx, orgID, "")
		if err != nil {
			return err
		}
		if err := rule.Writable(p, o.Path); err != nil {
			return err
		}
		in, err := in.normalised()
		if err != nil {
			return err
		}
		t := scope.Millis(stamp())
		_, err = tx.Exec(ctx, "INSERT INTO officers ("+officerCols+", created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
			id, orgID, in.Name, in.Position, in.TermStart, in.TermEnd, in.Note, t, t)
		if err != nil {
			return errs.Internal(err, "org: insert officer")
		}
		of := Officer{ID: id, OrgID: orgID, Name: in.Name, Position: in.Position, TermStart: in.TermStart, TermEnd: in.TermEnd, Note: in.Note}
		of.Current = of.current(today())
		out = &of
		return audit.Record(ctx, tx, audit.Event{Action: "officer.create", Entity: "officer", EntityID: db.FormatID(id), OrgPath: o.Path, After: of})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// UpdateOfficer replaces an officer's fields.
func (s *Store) UpdateOfficer(ctx context.Context, p *auth.Principal, id int64, in OfficerInput) (*Officer, error) {
	if p == nil {
		return nil, scope.NilPrincipal("org")
	}
	var out *Officer
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		cur, path, err := lockOfficer(ctx, tx, p, id)
		if err != nil {
			return err
		}
		in, err := in.normalised()
		if err != nil {
			return err
		}
		after := *cur
		after.Name, after.Position, after.TermStart, after.TermEnd, after.Note = in.Name, in.Position, in.TermStart, in.TermEnd, in.Note
		after.Current = after.current(today())
		if after == *cur {
			out = cur
			return nil
		}
		_, err = tx.Exec(ctx, "UPDATE officers SET name = ?, position = ?, term_start = ?, term_end = ?, note = ?, updated_at = ? WHERE id = ?",
			after.Name, after.Position, after.TermStart, after.TermEnd, after.Note, scope.Millis(stamp()), id)
		if err != nil {
			return errs.Internal(err, "org: update officer")
		}
		out = &after
		return audit.Record(ctx, tx, audit.Event{Action: "officer.update", Entity: "officer", EntityID: db.FormatID(id), OrgPath: path, Before: cur, After: after})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// RemoveOfficer deletes an officer record, for one entered in error (a term
// that is over keeps its record, with its end date, as history).
func (s *Store) RemoveOfficer(ctx context.Context, p *auth.Principal, id int64) error {
	if p == nil {
		return scope.NilPrincipal("org")
	}
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		cur, path, err := lockOfficer(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM officers WHERE id = ?", id); err != nil {
			return errs.Internal(err, "org: remove officer")
		}
		return audit.Record(ctx, tx, audit.Event{Action: "officer.remove", Entity: "officer", EntityID: db.FormatID(id), OrgPath: path, Before: cur})
	})
}
