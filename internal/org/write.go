package org

import (
	"context"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/scope"
	"gonghui/internal/stats"
)

// CreateInput is a new organisation under ParentID.
type CreateInput struct {
	ParentID     int64
	Name         string
	ShortName    string
	Kind         Kind
	DivisionCode string
	Address      string
	Phone        string
	FoundedOn    string
	Note         string
}

// UpdateInput replaces every editable field of an organisation.
type UpdateInput struct {
	Name         string
	ShortName    string
	Kind         Kind
	DivisionCode string
	Address      string
	Phone        string
	FoundedOn    string
	Note         string
}

// Create adds an organisation under a parent the caller may change. A new
// root cannot be made this way: there is one tree, made by CreateRoot.
func (s *Store) Create(ctx context.Context, p *auth.Principal, in CreateInput) (*Org, error) {
	if p == nil {
		return nil, scope.NilPrincipal("org")
	}
	v := orgFields{in.Name, in.ShortName, in.Kind, in.DivisionCode, in.Address, in.Phone, in.FoundedOn, in.Note}
	v.trim()
	if in.ParentID == 0 {
		// Tell every problem at once, not the missing parent alone.
		f := errs.Fields{}
		f.Add("parent_id", "field.required")
		v.check(f)
		return nil, f.Err()
	}
	id := db.NewID()
	var out *Org
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		parent, err := lockFor(ctx, tx, p, in.ParentID, rule.Writable)
		if err != nil {
			return err
		}
		f := errs.Fields{}
		v.check(f)
		checkPlace(f, v.Kind, parent, "kind")
		if err := checkSiblingName(ctx, tx, f, parent.ID, v.Name, 0); err != nil {
			return err
		}
		if err := f.Err(); err != nil {
			return err
		}
		t := stamp()
		o := Org{ID: id, ParentID: parent.ID, Path: parent.Path + db.FormatID(id) + "/", Depth: parent.Depth + 1,
			Name: v.Name, ShortName: v.ShortName, Kind: v.Kind, DivisionCode: v.DivisionCode, Address: v.Address, Phone: v.Phone,
			FoundedOn: v.FoundedOn, Note: v.Note, CreatedAt: t, UpdatedAt: t}
		if err := insertOrg(ctx, tx, &o); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE orgs SET child_count = child_count + 1 WHERE id = ?", parent.ID); err != nil {
			return errs.Internal(err, "org: count child")
		}
		out = &o
		return audit.Record(ctx, tx, audit.Event{Action: "org.create", Entity: "org", EntityID: db.FormatID(id), OrgPath: o.Path, After: o})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func insertOrg(ctx context.Context, tx *db.Tx, o *Org) error {
	var parent any
	if o.ParentID != 0 {
		parent = o.ParentID
	}
	o.sortKey = orgSortKey(o.Kind, o.DivisionCode, o.Name)
	_, err := tx.Exec(ctx, "INSERT INTO orgs ("+orgInsertCols+") VALUES ("+placeholders(17)+")",
		o.ID, parent, o.Path, o.Depth, o.Name, string(o.Kind), o.DivisionCode, o.Address, o.Phone, o.FoundedOn, o.Note,
		o.ChildCount, scope.Millis(o.CreatedAt), scope.Millis(o.UpdatedAt), o.ShortName, o.sortKey, orgSearchKey(o.Name, o.ShortName))
	if db.IsUnique(err) {
		// Only a sibling with the same name can clash here: the ID is new.
		return nameTakenErr()
	}
	if err != nil {
		return errs.Internal(err, "org: insert")
	}
	return stats.Log(ctx, tx, kindChange(o.Path, o.Kind, 1))
}

func nameTakenErr() error {
	f := errs.Fields{}
	f.Add("name", "org.name_taken")
	return f.Err()
}

// checkSiblingName adds org.name_taken when another child of parent (other
// than self) already carries name. The unique index would refuse it anyway;
// asking first lets the error join the other field errors.
func checkSiblingName(ctx context.Context, tx *db.Tx, f errs.Fields, parentID int64, name string, self int64) error {
	if _, bad := f["name"]; bad {
		return nil
	}
	var n int
	if err := tx.QueryRow(ctx, "SELECT count(*) FROM orgs WHERE parent_id = ? AND name = ? AND id <> ?", parentID, name, self).Scan(&n); err != nil {
		return errs.Internal(err, "org: sibling names")
	}
	f.Check(n == 0, "name", "org.name_taken")
	return nil
}

// Update replaces the editable fields of an organisation the caller may
// change. A change of kind must still fit the parent, the children and the
// employers the organisation already has.
func (s *Store) Update(ctx context.Context, p *auth.Principal, id int64, in UpdateInput) (*Org, error) {
	if p == nil {
		return nil, scope.NilPrincipal("org")
	}
	v := orgFields(in)
	v.trim()
	var out *Org
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		o, err := lockFor(ctx, tx, p, id, rule.Writable)
		if err != nil {
			return err
		}
		f := errs.Fields{}
		v.check(f)
		if o.ParentID != 0 {
			parent, err := load(ctx, tx, o.ParentID, "")
			if err != nil {
				return err
			}
			checkPlace(f, v.Kind, parent, "kind")
			if v.Name != o.Name {
				if err := checkSiblingName(ctx, tx, f, o.ParentID, v.Name, o.ID); err != nil {
					return err
				}
			}
		}
		if v.Kind != o.Kind {
			if err := checkKindChange(ctx, tx, f, o, v.Kind); err != nil {
				return err
			}
		}
		if err := f.Err(); err != nil {
			return err
		}
		after := *o
		after.Name, after.ShortName, after.Kind, after.DivisionCode, after.Address = v.Name, v.ShortName, v.Kind, v.DivisionCode, v.Address
		after.Phone, after.FoundedOn, after.Note = v.Phone, v.FoundedOn, v.Note
		if after == *o {
			out = o // nothing changed: nothing to write or audit
			return nil
		}
		after.UpdatedAt, after.sortKey = stamp(), orgSortKey(after.Kind, after.DivisionCode, after.Name)
		_, err = tx.Exec(ctx, `UPDATE orgs SET name = ?, short_name = ?, kind = ?, division_code = ?, address = ?, phone = ?, founded_on = ?,
			note = ?, updated_at = ?, sort_key = ?, search_key = ? WHERE id = ?`, after.Name, after.ShortName, string(after.Kind), after.DivisionCode,
			after.Address, after.Phone, after.FoundedOn, after.Note, scope.Millis(after.UpdatedAt), after.sortKey,
			orgSearchKey(after.Name, after.ShortName), id)
		if db.IsUnique(err) {
			return nameTakenErr()
		}
		if err != nil {
			return errs.Internal(err, "org: update")
		}
		if after.Kind != o.Kind {
			if err := stats.Log(ctx, tx, kindChange(o.Path, o.Kind, -1), kindChange(o.Path, after.Kind, 1)); err != nil {
				return err
			}
		}
		out = &after
		return audit.Record(ctx, tx, audit.Event{Action: "org.update", Entity: "org", EntityID: db.FormatID(id), OrgPath: o.Path, Before: o, After: after})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// checkKindChange refuses a new kind that no longer fits what hangs below
// the organisation: a union group has no children, a union has no
// federations below it, and no kind holds more employers than it may.
func checkKindChange(ctx context.Context, tx *db.Tx, f errs.Fields, o *Org, kind Kind) error {
	if _, bad := f["kind"]; bad {
		return nil
	}
	if !f.Check(kind != KindGroup || o.ChildCount == 0, "kind", "org.group_has_children") {
		return nil
	}
	if kind.base() {
		var n int
		err := tx.QueryRow(ctx, "SELECT count(*) FROM orgs WHERE parent_id = ? AND kind IN (?, ?, ?, ?, ?)", o.ID,
			string(KindCity), string(KindDistrict), string(KindStreet), string(KindTownship), string(KindIndustry)).Scan(&n)
		if err != nil {
			return errs.Internal(err, "org: child kinds")
		}
		if !f.Check(n == 0, "kind", "org.kind_upper_children") {
			return nil
		}
	}
	if c := kind.employerCap(); c >= 0 {
		var n int
		if err := tx.QueryRow(ctx, "SELECT count(*) FROM org_employers WHERE org_id = ?", o.ID).Scan(&n); err != nil {
			return errs.Internal(err, "org: employer links")
		}
		f.Check(n <= c, "kind", "org.kind_employers", n)
	}
	return nil
}
