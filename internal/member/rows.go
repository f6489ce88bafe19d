package member

// The registry side of a roster import: internal/member/roster reads the
// file and keeps the report, and hands rows here to be checked against the
// rules of a member's record and against what the registry holds, and to be
// written inside the transactions it runs.

import (
	"context"
	"database/sql"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/scope"
)

// Checked is a Person that went through the checks of a member's record.
type Checked struct{ p person }

// Check validates in into f's fields (the mobile number is optional);
// callers check f.
func (s *Store) Check(in Person, f errs.Fields) Checked {
	return Checked{s.checkPerson(in, f, false)}
}

// IDKey is the ID number's keyed hash, "" when the number was refused.
func (c *Checked) IDKey() string { return c.p.idHash }

// MobileKey is the mobile number's keyed hash, "" when none was given.
func (c *Checked) MobileKey() string { return c.p.mobileHash }

// Male is the sex the ID number gives.
func (c *Checked) Male() bool { return c.p.id.Male }

// Row is one checked roster row. Its Union comes from TargetUnion or
// FindUnion, which check that the caller may write members there.
type Row struct {
	Num    int
	Person Checked
	Union  *Union // the union the row joins
	OK     bool   // passed the checks of the row itself
}

// TargetUnion loads the union a roster is imported into and checks that pr
// may write members there (errors name the field "org").
func (s *Store) TargetUnion(ctx context.Context, pr *auth.Principal, id int64) (*Union, error) {
	return targetUnion(ctx, s.DB, pr, id, "org")
}

// FindUnion looks a union up by id or exact name among the organisations
// pr may write members into that hold members.
func (s *Store) FindUnion(ctx context.Context, pr *auth.Principal, name string) (*Union, error) {
	var candidates []*Union
	if id, ok := db.ParseID(name); ok {
		if u, err := loadUnion(ctx, s.DB, id); err == nil {
			candidates = append(candidates, u)
		}
	} else {
		rows, err := s.DB.Query(ctx, "SELECT id, path, name, kind FROM orgs WHERE name = ? LIMIT 20", name)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var u Union
			if err := rows.Scan(&u.ID, &u.Path, &u.Name, &u.Kind); err != nil {
				rows.Close()
				return nil, err
			}
			candidates = append(candidates, &u)
		}
		rows.Close()
	}
	var found []*Union
	for _, u := range candidates {
		if rule.CanWrite(pr, u.Path) && !noMembers[u.Kind] {
			found = append(found, u)
		}
	}
	switch len(found) {
	case 0:
		return nil, errs.NotFound("org")
	case 1:
		return found[0], nil
	}
	return nil, errs.Conflict("ambiguous", "member.import_union_ambiguous")
}

// Verdict is what the registry says of one good row.
type Verdict struct {
	Skip   bool   // already a member of this union
	Field  string // when not "", the row is refused: field and key
	Key    string
	rejoin int64 // a former member's row, to take back
}

// Registry checks a batch's good rows against what the registry holds
// (inside tx, when given, so that writes follow from what was read): a
// member of this union already is skipped; an active member elsewhere, or a
// mobile number taken by someone else, is refused.
func (s *Store) Registry(ctx context.Context, tx *db.Tx, batch []Row) ([]Verdict, error) {
	out := make([]Verdict, len(batch))
	var ids, mobiles []any
	for _, r := range batch {
		if r.OK {
			ids = append(ids, r.Person.p.idHash)
			if r.Person.p.mobileHash != "" {
				mobiles = append(mobiles, r.Person.p.mobileHash)
			}
		}
	}
	if len(ids) == 0 {
		return out, nil
	}
	type known struct {
		id     int64
		orgID  int64
		status Status
	}
	query := func(q string, args []any, each func(scan func(...any) error) error) error {
		var rows *sql.Rows
		var err error
		if tx != nil {
			rows, err = tx.Query(ctx, q, args...)
		} else {
			rows, err = s.DB.Query(ctx, q, args...)
		}
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			if err := each(rows.Scan); err != nil {
				return err
			}
		}
		return rows.Err()
	}
	byID := map[string]known{}
	err := query("SELECT id_hash, id, org_id, status FROM members WHERE id_hash IN ("+db.Placeholders(len(ids))+")", ids,
		func(scan func(...any) error) error {
			var h string
			var k known
			if err := scan(&h, &k.id, &k.orgID, &k.status); err != nil {
				return err
			}
			byID[h] = k
			return nil
		})
	if err != nil {
		return nil, errs.Internal(err, "member: import lookup")
	}
	byMobile := map[string]int64{}
	if len(mobiles) > 0 {
		err := query("SELECT mobile_hash, id FROM members WHERE mobile_hash IN ("+db.Placeholders(len(mobiles))+")", mobiles,
			func(scan func(...any) error) error {
				var h string
				var id int64
				if err := scan(&h, &id); err != nil {
					return err
				}
				byMobile[h] = id
				return nil
			})
		if err != nil {
			return nil, errs.Internal(err, "member: import lookup")
		}
	}
	for i, r := range batch {
		if !r.OK {
			continue
		}
		ex, found := byID[r.Person.p.idHash]
		switch {
		case found && ex.status == StatusActive && ex.orgID == r.Union.ID:
			out[i].Skip = true
		case found && ex.status == StatusActive:
			out[i].Field, out[i].Key = "id_number", "member.member_elsewhere"
		default:
			if owner, taken := byMobile[r.Person.p.mobileHash]; taken && (!found || owner != ex.id) {
				out[i].Field, out[i].Key = "mobile", "member.mobile_taken"
			} else if found {
				out[i].rejoin = ex.id
			}
		}
	}
	return out, nil
}

// Write stores a batch's accepted rows inside tx: new members in bulk,
// former members rejoining one by one.
func (s *Store) Write(ctx context.Context, tx *db.Tx, batch []Row, vs []Verdict) error {
	actor := actorOf(ctx)
	var fresh []memberRow
	var done []entered
	at := scope.Millis(s.now())
	for i := range batch {
		r := &batch[i]
		if !r.OK || vs[i].Skip || vs[i].Field != "" {
			continue
		}
		// The registry check of this transaction found who is there; a
		// row added since by someone else fails the unique index and the
		// batch is checked again.
		if vs[i].rejoin != 0 {
			if err := s.rejoin(ctx, tx, vs[i].rejoin, r.Union, &r.Person.p, SourceImport, actor); err != nil {
				return err
			}
			done = append(done, entered{vs[i].rejoin, r.Union.Path})
			continue
		}
		fresh = append(fresh, memberRow{id: db.NewID(), org: r.Union, p: &r.Person.p, source: SourceImport, actor: actor, at: at})
		done = append(done, entered{fresh[len(fresh)-1].id, r.Union.Path})
	}
	if err := s.insertMembers(ctx, tx, fresh); err != nil {
		return err
	}
	return s.staffConsent(ctx, tx, ConsentImport, done...)
}

// UnionEmployers maps the names of the employers a union organises (or
// its enclosing union, for a sub-union) to their ids.
func (s *Store) UnionEmployers(ctx context.Context, u *Union) (map[string]int64, error) {
	rows, err := s.DB.Query(ctx, `SELECT e.id, e.name FROM employers e JOIN org_employers oe ON oe.employer_id = e.id JOIN orgs o ON o.id = oe.org_id
		WHERE o.path = substr(CAST(? AS TEXT), 1, length(o.path))`, u.Path)
	if err != nil {
		return nil, errs.Internal(err, "member: union employers")
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, errs.Internal(err, "member: union employers")
		}
		out[name] = id
	}
	return out, rows.Err()
}

// HoldsMembers reports whether organisation id exists and holds members
// (unions and street federations do; city and district federations not).
func (s *Store) HoldsMembers(ctx context.Context, id int64) bool {
	u, err := loadUnion(ctx, s.DB, id)
	return err == nil && !noMembers[u.Kind]
}
