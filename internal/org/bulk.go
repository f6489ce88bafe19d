package org

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"gonghui/internal/audit"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/hanzi"
	"gonghui/internal/scope"
	"gonghui/internal/stats"
)

// The unscoped helpers below serve the demo loader, the command line and
// the generator: no principal, and bulk work audited once per call.

// CreateRoot makes the root of the tree; there is only one.
func (s *Store) CreateRoot(ctx context.Context, name string, kind Kind, division string) (*Org, error) {
	v := orgFields{Name: name, Kind: kind, DivisionCode: division}
	v.trim()
	f := errs.Fields{}
	v.check(f)
	if err := f.Err(); err != nil {
		return nil, err
	}
	id := db.NewID()
	var out *Org
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, "SELECT count(*) FROM orgs WHERE depth = 0").Scan(&n); err != nil {
			return errs.Internal(err, "org: find root")
		}
		if n > 0 {
			return errs.Conflict("root_exists", "org.root_exists")
		}
		t := stamp()
		o := Org{ID: id, Path: "/" + db.FormatID(id) + "/", Name: v.Name, Kind: v.Kind, DivisionCode: v.DivisionCode, CreatedAt: t, UpdatedAt: t}
		if err := insertOrg(ctx, tx, &o); err != nil {
			return err
		}
		out = &o
		return audit.Record(ctx, tx, audit.Event{Action: "org.create", Entity: "org", EntityID: db.FormatID(id), OrgPath: o.Path, After: o})
	})
	if db.IsUnique(err) {
		// Another process made the root at the same moment.
		return nil, errs.Conflict("root_exists", "org.root_exists")
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// RootID returns the root's ID; NotFound when the tree is empty.
func (s *Store) RootID(ctx context.Context) (int64, error) {
	var id int64
	err := s.DB.QueryRow(ctx, "SELECT id FROM orgs WHERE depth = 0").Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, errs.NotFound("org")
	}
	if err != nil {
		return 0, errs.Internal(err, "org: root")
	}
	return id, nil
}

// PathOf returns an organisation's materialised path, unscoped.
func (s *Store) PathOf(ctx context.Context, id int64) (string, error) {
	var path string
	err := s.DB.QueryRow(ctx, "SELECT path FROM orgs WHERE id = ?", id).Scan(&path)
	if errors.Is(err, sql.ErrNoRows) {
		return "", errs.NotFound("org")
	}
	if err != nil {
		return "", errs.Internal(err, "org: path")
	}
	return path, nil
}

// FindByName returns the organisation with exactly this name, unscoped; the
// one nearest the root (then first in tree order) when several share it.
func (s *Store) FindByName(ctx context.Context, name string) (*Org, error) {
	o, err := scanOrg(s.DB.QueryRow(ctx, "SELECT "+orgCols+" FROM orgs WHERE name = ? ORDER BY depth, path LIMIT 1", name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFound("org")
	}
	if err != nil {
		return nil, errs.Internal(err, "org: find by name")
	}
	return &o, nil
}

// NewNode is one organisation for BulkInsert, with the employer of a single
// union, the employers a joint union covers, and its officers. Employers
// are owned by the node itself unless their OwnerOrgID says otherwise.
type NewNode struct {
	ID, ParentID int64
	Name         string
	ShortName    string
	Kind         Kind
	DivisionCode string
	Address      string
	Employer     *EmployerInput
	Covers       []EmployerInput
	Officers     []OfficerInput
}

// BulkInsert inserts prepared organisations in one transaction, in batched
// multi-row INSERTs. Nodes come parent before child with IDs from db.NewID;
// a parent is earlier in the slice or already in the database. Every row is
// validated as Create would; the call is audited as one event.
func (s *Store) BulkInsert(ctx context.Context, nodes []NewNode) error {
	return s.bulkInsert(ctx, nodes, nil)
}

// bulkRows are the prepared rows of one bulk insert.
type bulkRows struct {
	nodes     []NewNode
	fields    []orgFields   // per node: its fields, trimmed and checked
	children  []int         // per node: children among nodes
	outside   map[int64]int // parent already in the database -> new children
	employers []bulkEmployer
	officers  []any // flat officer rows, 9 values each
	nOff      int
}

// prepareBulk validates the nodes and builds every row that does not depend on
// the database, outside the transaction, so that a retried transaction
// inserts the very same rows.
func prepareBulk(nodes []NewNode, loose []EmployerInput) (*bulkRows, error) {
	b := &bulkRows{nodes: nodes, fields: make([]orgFields, len(nodes)), children: make([]int, len(nodes)), outside: map[int64]int{}}
	pos := make(map[int64]int, len(nodes))
	t := scope.Millis(stamp())
	for i := range nodes {
		n := &nodes[i]
		v := orgFields{Name: n.Name, ShortName: n.ShortName, Kind: n.Kind, DivisionCode: n.DivisionCode, Address: n.Address}
		v.trim()
		f := errs.Fields{}
		v.check(f)
		if n.ID <= 0 {
			f.Add("id", "field.invalid_id")
		} else if _, dup := pos[n.ID]; dup {
			f.Add("id", "field.invalid_id")
		}
		if err := f.Err(); err != nil {
			return nil, fmt.Errorf("org: bulk node %d (%s): %w", i, n.Name, err)
		}
		b.fields[i] = v
		if n.ParentID != 0 {
			if j, ok := pos[n.ParentID]; ok {
				b.children[j]++
			} else {
				b.outside[n.ParentID]++
			}
		}
		pos[n.ID] = i
		if n.Employer != nil {
			if err := b.addEmployer(*n.Employer, n.ID, n.ID); err != nil {
				return nil, fmt.Errorf("org: bulk node %d (%s): %w", i, n.Name, err)
			}
		}
		for _, c := range n.Covers {
			if err := b.addEmployer(c, n.ID, n.ID); err != nil {
				return nil, fmt.Errorf("org: bulk node %d (%s): %w", i, n.Name, err)
			}
		}
		for _, o := range n.Officers {
			f := errs.Fields{}
			o.normalise(f)
			if err := f.Err(); err != nil {
				return nil, fmt.Errorf("org: bulk node %d (%s) officer %s: %w", i, n.Name, o.Name, err)
			}
			b.officers = append(b.officers, db.NewID(), n.ID, o.Name, o.Position, o.TermStart, o.TermEnd, o.Note, t, t)
			b.nOff++
		}
	}
	for _, e := range loose {
		if err := b.addEmployer(e, e.OwnerOrgID, 0); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// bulkEmployer is an employer row waiting for the paths of its owner and
// union, which are known only inside the transaction.
type bulkEmployer struct {
	id, owner, union int64 // union 0: organised by none
	in               EmployerInput
}

// addEmployer adds an employer owned by owner (unless the input names its
// owner) and organised by union (0: by none).
func (b *bulkRows) addEmployer(in EmployerInput, owner, union int64) error {
	f := errs.Fields{}
	in.normalise(f)
	if err := f.Err(); err != nil {
		return fmt.Errorf("employer %s: %w", in.Name, err)
	}
	if in.OwnerOrgID != 0 {
		owner = in.OwnerOrgID
	}
	if owner == 0 {
		return fmt.Errorf("employer %s: no owner", in.Name)
	}
	b.employers = append(b.employers, bulkEmployer{id: db.NewID(), owner: owner, union: union, in: in})
	return nil
}

// employerRows renders the employers and their links as flat rows, with
// the paths of owners and unions from known (loading owners that are
// neither new nor known yet).
func (b *bulkRows) employerRows(ctx context.Context, tx *db.Tx, known map[int64]*Org) (emps, links []any, err error) {
	missing := map[int64]int{}
	for _, e := range b.employers {
		if _, ok := known[e.owner]; !ok {
			missing[e.owner]++
		}
	}
	if err := loadParents(ctx, tx, missing, known); err != nil {
		return nil, nil, err
	}
	t := scope.Millis(stamp())
	emps = make([]any, 0, 17*len(b.employers))
	for _, e := range b.employers {
		owner, ok := known[e.owner]
		if !ok {
			return nil, nil, fmt.Errorf("org: bulk employer %s: owner %d not found", e.in.Name, e.owner)
		}
		unionPath := ""
		if e.union != 0 {
			unionPath = known[e.union].Path
			links = append(links, e.union, e.id)
		}
		in := e.in
		emps = append(emps, e.id, e.owner, in.Name, creditCode(in.CreditCode), in.Category, in.Industry, in.public(),
			in.NewForms, in.Employees, in.Address, in.DivisionCode, owner.Path, unionPath, t, t, in.ShortName, hanzi.SearchKey(in.Name, in.ShortName))
	}
	return emps, links, nil
}

func (s *Store) bulkInsert(ctx context.Context, nodes []NewNode, loose []EmployerInput) error {
	if len(nodes) == 0 && len(loose) == 0 {
		return nil
	}
	b, err := prepareBulk(nodes, loose)
	if err != nil {
		return err
	}
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		known := make(map[int64]*Org, len(b.nodes)+len(b.outside))
		rows, top, err := b.orgRows(ctx, tx, known)
		if err != nil {
			return err
		}
		emps, links, err := b.employerRows(ctx, tx, known)
		if err != nil {
			return err
		}
		if err := insertBatches(ctx, tx, "orgs ("+orgInsertCols+")", 17, rows); err != nil {
			return fmt.Errorf("org: bulk insert orgs: %w", err)
		}
		// In ID order, so that two loads under the same parents lock them
		// in the same order.
		for _, id := range slices.Sorted(maps.Keys(b.outside)) {
			if _, err := tx.Exec(ctx, "UPDATE orgs SET child_count = child_count + ? WHERE id = ?", b.outside[id], id); err != nil {
				return fmt.Errorf("org: bulk child counts: %w", err)
			}
		}
		if err := insertBatches(ctx, tx, "employers ("+employerInsertCols+")", 17, emps); err != nil {
			return fmt.Errorf("org: bulk insert employers: %w", err)
		}
		if err := insertBatches(ctx, tx, "org_employers (org_id, employer_id)", 2, links); err != nil {
			return fmt.Errorf("org: bulk insert links: %w", err)
		}
		if err := insertBatches(ctx, tx, "officers ("+officerCols+", created_at, updated_at)", 9, b.officers); err != nil {
			return fmt.Errorf("org: bulk insert officers: %w", err)
		}
		if err := stats.Log(ctx, tx, b.figures(known)...); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "org.bulk_insert", Entity: "org", OrgPath: top,
			After: map[string]int{"orgs": len(b.nodes), "employers": len(b.employers), "links": len(links) / 2, "officers": b.nOff}})
	})
}

// figures are the changes to the tree's figures the rows make.
func (b *bulkRows) figures(known map[int64]*Org) []stats.Change {
	out := make([]stats.Change, 0, len(b.nodes)+3*len(b.employers))
	for _, n := range b.nodes {
		o := known[n.ID]
		out = append(out, kindChange(o.Path, o.Kind, 1))
	}
	for _, e := range b.employers {
		fig := empState{owner: known[e.owner].Path, public: e.in.public(), newForms: e.in.NewForms, employees: int64(e.in.Employees)}
		if e.union != 0 {
			fig.union = known[e.union].Path
		}
		out = append(out, fig.changes(1)...)
	}
	return out
}

// orgRows computes paths and depths (reading the parents that are already
// in the database), checks that each kind fits its parent, and returns the
// flat rows, and the path under which the audit entry of the call is filed:
// the top of what was inserted.
func (b *bulkRows) orgRows(ctx context.Context, tx *db.Tx, known map[int64]*Org) ([]any, string, error) {
	if err := loadParents(ctx, tx, b.outside, known); err != nil {
		return nil, "", err
	}
	t := scope.Millis(stamp())
	rows := make([]any, 0, 17*len(b.nodes))
	top := ""
	for i := range b.nodes {
		n, v := &b.nodes[i], &b.fields[i]
		o := &Org{ID: n.ID, ParentID: n.ParentID, Name: v.Name, Kind: v.Kind}
		var parent any
		if n.ParentID == 0 {
			o.Path = "/" + db.FormatID(n.ID) + "/"
		} else {
			par, ok := known[n.ParentID]
			if !ok {
				return nil, "", fmt.Errorf("org: bulk node %d (%s): parent %d not found", i, n.Name, n.ParentID)
			}
			f := errs.Fields{}
			checkPlace(f, v.Kind, par, "kind")
			if err := f.Err(); err != nil {
				return nil, "", fmt.Errorf("org: bulk node %d (%s) under %s: %w", i, n.Name, par.Name, err)
			}
			o.Path, o.Depth, parent = par.Path+db.FormatID(n.ID)+"/", par.Depth+1, n.ParentID
		}
		known[n.ID] = o
		if top == "" || !inside(o.Path, top) {
			top = commonPath(top, o.Path)
		}
		rows = append(rows, n.ID, parent, o.Path, o.Depth, v.Name, string(v.Kind), v.DivisionCode, v.Address,
			"", "", "", b.children[i], t, t, v.ShortName, orgSortKey(v.Kind, v.DivisionCode, v.Name), orgSearchKey(v.Name, v.ShortName))
	}
	return rows, top, nil
}

// commonPath is the deepest path containing both (a == "" means none yet).
func commonPath(a, b string) string {
	if a == "" {
		return b
	}
	for !strings.HasPrefix(b, a) {
		a = a[:strings.LastIndexByte(a[:len(a)-1], '/')+1]
	}
	return a
}

// loadParents reads organisations that are already in the database (parents
// of new nodes, owners of new employers) into into.
func loadParents(ctx context.Context, tx *db.Tx, ids map[int64]int, into map[int64]*Org) error {
	list := make([]any, 0, len(ids))
	for id := range ids {
		list = append(list, id)
	}
	for len(list) > 0 {
		n := db.BatchSize(len(list))
		rows, err := tx.Query(ctx, "SELECT "+orgCols+" FROM orgs WHERE id IN ("+placeholders(n)+")", list[:n]...)
		got, err := collectOrgs(rows, err)
		if err != nil {
			return err
		}
		for i := range got {
			into[got[i].ID] = &got[i]
		}
		list = list[n:]
	}
	return nil
}

// insertBatches inserts flat rows with multi-row INSERTs (see db.InsertRows).
func insertBatches(ctx context.Context, tx *db.Tx, into string, ncols int, flat []any) error {
	return tx.InsertRows(ctx, into, ncols, flat)
}
