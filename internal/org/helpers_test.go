package org

import (
	"context"
	"testing"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/cnid"
	"gonghui/internal/db"
	"gonghui/internal/errs"
)

var ctx = context.Background()

// world is a small tree:
//
//	root 北京市总工会
//	├── xicheng 西城区总工会
//	│   ├── dashilan 大栅栏街道总工会
//	│   │   └── unionA 甲公司工会 (employer empA)
//	│   │       └── subA 技术部分工会
//	│   │           └── groupA 第一工会小组
//	│   └── xichang 西长安街街道总工会
//	│       └── unionB 乙公司工会 (employer empB)
//	└── dongcheng 东城区总工会
type world struct {
	s                                  *Store
	d                                  *db.DB
	root, xicheng, dongcheng           *Org
	dashilan, xichang                  *Org
	unionA, subA, groupA, unionB       *Org
	empA, empB                         *Employer
	admin                              *auth.Principal
	dashilanOfficer, dashilanLeader    *auth.Principal
	xichengOfficer, twoStreets, nobody *auth.Principal
}

func grant(role auth.Role, orgs ...*Org) *auth.Principal {
	p := &auth.Principal{UserID: 1, Username: "t"}
	for _, o := range orgs {
		p.Grants = append(p.Grants, auth.Grant{Role: role, OrgID: o.ID, OrgPath: o.Path, OrgName: o.Name})
	}
	return p
}

func newWorld(t *testing.T, d *db.DB) *world {
	t.Helper()
	w := &world{s: NewStore(d), d: d}
	var err error
	if w.root, err = w.s.CreateRoot(ctx, "北京市总工会", KindCity, "110000"); err != nil {
		t.Fatal(err)
	}
	w.admin = grant(auth.RoleAdmin, w.root)
	mk := func(parent *Org, name string, kind Kind, division string) *Org {
		t.Helper()
		o, err := w.s.Create(ctx, w.admin, CreateInput{ParentID: parent.ID, Name: name, Kind: kind, DivisionCode: division})
		if err != nil {
			t.Fatalf("create %s: %v", name, err)
		}
		return o
	}
	w.xicheng = mk(w.root, "北京市西城区总工会", KindDistrict, "110102")
	w.dongcheng = mk(w.root, "北京市东城区总工会", KindDistrict, "110101")
	w.dashilan = mk(w.xicheng, "北京市西城区大栅栏街道总工会", KindStreet, "110102013")
	w.xichang = mk(w.xicheng, "北京市西城区西长安街街道总工会", KindStreet, "110102001")
	w.unionA = mk(w.dashilan, "甲公司工会", KindGrassroots, "110102013")
	w.subA = mk(w.unionA, "技术部分工会", KindSub, "")
	w.groupA = mk(w.subA, "第一工会小组", KindGroup, "")
	w.unionB = mk(w.xichang, "乙公司工会", KindGrassroots, "110102001")
	w.empA = w.employer(t, w.unionA, "甲公司", "91110102A0000001X")
	w.empB = w.employer(t, w.unionB, "乙公司", "91110102B0000002X")
	for _, x := range []*Org{w.root, w.xicheng, w.dashilan, w.unionA, w.subA} {
		// Reload: child counts moved on since they were created.
		o, err := w.s.Get(ctx, w.admin, x.ID)
		if err != nil {
			t.Fatal(err)
		}
		*x = *o
	}
	w.dashilanOfficer = grant(auth.RoleOfficer, w.dashilan)
	w.dashilanLeader = grant(auth.RoleLeader, w.dashilan)
	w.xichengOfficer = grant(auth.RoleOfficer, w.xicheng)
	w.twoStreets = grant(auth.RoleOfficer, w.dashilan)
	w.twoStreets.Grants = append(w.twoStreets.Grants, grant(auth.RoleLeader, w.xichang).Grants...)
	w.nobody = &auth.Principal{UserID: 2}
	return w
}

// employer makes an employer owned and organised by union; body17 is made
// into a valid code.
func (w *world) employer(t *testing.T, union *Org, name, body string) *Employer {
	t.Helper()
	code, err := cnid.MakeCreditCode(body[:17])
	if err != nil {
		t.Fatal(err)
	}
	e, err := w.s.CreateEmployer(ctx, w.admin, EmployerInput{OwnerOrgID: union.ID, Name: name, CreditCode: code, Category: "170", Industry: "C", Employees: 100})
	if err != nil {
		t.Fatalf("employer %s: %v", name, err)
	}
	if err := w.s.LinkEmployer(ctx, w.admin, union.ID, e.ID); err != nil {
		t.Fatalf("link %s: %v", name, err)
	}
	e, err = w.s.GetEmployer(ctx, w.admin, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func wantKind(t *testing.T, err error, k errs.Kind) {
	t.Helper()
	e, ok := errs.As(err)
	if !ok || e.Kind != k {
		t.Fatalf("want error of kind %d, got %v", k, err)
	}
}

func wantField(t *testing.T, err error, field, key string) {
	t.Helper()
	e, ok := errs.As(err)
	if !ok || e.Kind != errs.KindInvalid {
		t.Fatalf("want validation error on %s (%s), got %v", field, key, err)
	}
	f, ok := e.Fields[field]
	if !ok || f.Key != key {
		t.Fatalf("want %s: %s, got fields %+v", field, key, e.Fields)
	}
}

// snapshot is everything a failed change must leave as it was.
type snapshot struct {
	orgs, employers, links, officers, audit int64
	sum                                     string
}

func takeSnapshot(t *testing.T, d *db.DB) snapshot {
	t.Helper()
	var s snapshot
	err := d.QueryRow(ctx, `SELECT (SELECT count(*) FROM orgs), (SELECT count(*) FROM employers), (SELECT count(*) FROM org_employers),
		(SELECT count(*) FROM officers), (SELECT seq FROM audit_head WHERE id = 1)`).Scan(&s.orgs, &s.employers, &s.links, &s.officers, &s.audit)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := d.Query(ctx, "SELECT "+orgCols+" FROM orgs ORDER BY path")
	all, err := collectOrgs(rows, err)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range all {
		s.sum += o.Path + o.Name + string(o.Kind) + o.DivisionCode + o.Address + o.Phone + o.FoundedOn + o.Note + "|"
	}
	return s
}

// checkTree recomputes path, depth and child_count of every organisation
// from parent_id and compares them with what is stored.
func checkTree(t *testing.T, d *db.DB) {
	t.Helper()
	rows, err := d.Query(ctx, "SELECT "+orgCols+" FROM orgs")
	all, err := collectOrgs(rows, err)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[int64]Org{}
	kids := map[int64]int{}
	for _, o := range all {
		byID[o.ID] = o
		kids[o.ParentID]++
	}
	var path func(id int64) (string, int)
	path = func(id int64) (string, int) {
		o := byID[id]
		if o.ParentID == 0 {
			return "/" + db.FormatID(id) + "/", 0
		}
		p, dep := path(o.ParentID)
		return p + db.FormatID(id) + "/", dep + 1
	}
	for _, o := range all {
		p, dep := path(o.ID)
		if o.Path != p || o.Depth != dep || o.ChildCount != kids[o.ID] {
			t.Errorf("%s: stored path %s depth %d children %d, recomputed %s %d %d", o.Name, o.Path, o.Depth, o.ChildCount, p, dep, kids[o.ID])
		}
	}
	// The employers' copies of their owner's and union's paths.
	erows, err := d.Query(ctx, `SELECT e.name, e.owner_path, o.path, e.union_path, COALESCE(u.path, '') FROM employers e
		JOIN orgs o ON o.id = e.owner_org_id LEFT JOIN org_employers l ON l.employer_id = e.id LEFT JOIN orgs u ON u.id = l.org_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer erows.Close()
	for erows.Next() {
		var name, owner, ownerWant, union, unionWant string
		if err := erows.Scan(&name, &owner, &ownerWant, &union, &unionWant); err != nil {
			t.Fatal(err)
		}
		if owner != ownerWant || union != unionWant {
			t.Errorf("employer %s: owner path %s (want %s), union path %s (want %s)", name, owner, ownerWant, union, unionWant)
		}
	}
}

// auditOf lists the audit entries of an entity, newest first.
func auditOf(t *testing.T, w *world, entity string, id int64) []audit.Entry {
	t.Helper()
	es, err := audit.List(ctx, w.d, audit.Filter{Paths: []string{w.root.Path}, Entity: entity, EntityID: db.FormatID(id), Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	return es
}
