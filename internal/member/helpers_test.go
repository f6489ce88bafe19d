package member

import (
	"context"
	"testing"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/cnid"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/org"
	"gonghui/internal/testkit"
	"gonghui/internal/testkit/orgtree"
)

var ctx = context.Background()

// world is a small tree:
//
//	root 北京市总工会
//	└── xicheng 西城区总工会
//	    ├── dashilan 大栅栏街道总工会
//	    │   └── unionA 甲公司工会 (employer empA)
//	    │       └── subA 技术部分工会
//	    └── xichang 西长安街街道总工会
//	        └── unionB 乙公司工会 (employer empB)
type world struct {
	s                                 *Store
	o                                 *org.Store
	d                                 *db.DB
	root, xicheng, dashilan, xichang  *org.Org
	unionA, subA, unionB              *org.Org
	empA, empB                        *org.Employer
	admin, dashilanOfficer, xichangOf *auth.Principal
	leader, nobody                    *auth.Principal
}

var grant = orgtree.Grant

func newWorld(t testing.TB, d *db.DB) *world {
	t.Helper()
	w := &world{s: NewStore(d, testkit.Keys(t)), o: org.NewStore(d), d: d}
	tr := orgtree.New(t, w.o, auth.RoleOfficer)
	w.root, w.admin = tr.Root, tr.By
	w.xicheng = tr.Org(w.root, "北京市西城区总工会", org.KindDistrict)
	w.dashilan = tr.Org(w.xicheng, "大栅栏街道总工会", org.KindStreet)
	w.xichang = tr.Org(w.xicheng, "西长安街街道总工会", org.KindStreet)
	w.unionA = tr.Org(w.dashilan, "甲公司工会", org.KindGrassroots)
	w.subA = tr.Org(w.unionA, "技术部分工会", org.KindSub)
	w.unionB = tr.Org(w.xichang, "乙公司工会", org.KindGrassroots)
	w.empA = tr.Employer(w.unionA, "甲公司", "91110102A0000001X")
	w.empB = tr.Employer(w.unionB, "乙公司", "91110102B0000002X")
	w.dashilanOfficer = grant(auth.RoleOfficer, w.dashilan)
	w.xichangOf = grant(auth.RoleMembershipOfficer, w.xichang)
	w.leader = grant(auth.RoleLeader, w.dashilan)
	w.nobody = &auth.Principal{UserID: 2}
	return w
}

// idNumber makes a valid ID number: born 1990-01-01 plus n days, Xicheng.
func idNumber(t testing.TB, n int) string {
	t.Helper()
	id, err := cnid.MakeResidentID("110102", time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n%9000), n/9000)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// mobile makes a valid mobile number.
func mobile(n int) string {
	return "139" + pad8(n)
}

func pad8(n int) string {
	s := "00000000" + itoa(n)
	return s[len(s)-8:]
}

func itoa(n int) string { return db.FormatID(int64(n)) }

func (w *world) add(t *testing.T, u *org.Org, name string, n int, tags ...string) *Member {
	t.Helper()
	m, err := w.s.Create(ctx, w.admin, u.ID, Person{Name: name, IDNumber: idNumber(t, n), Mobile: mobile(n), JoinedOn: "2020-05-01", Tags: tags})
	if err != nil {
		t.Fatalf("add %s: %v", name, err)
	}
	return m
}

func wantKind(t *testing.T, err error, k errs.Kind) {
	t.Helper()
	e, ok := errs.As(err)
	if !ok || e.Kind != k {
		t.Fatalf("error %v, want kind %d", err, k)
	}
}

func wantField(t *testing.T, err error, field, key string) {
	t.Helper()
	e, ok := errs.As(err)
	if !ok {
		t.Fatalf("error %v, want field %s", err, field)
	}
	f, ok := e.Fields[field]
	if !ok {
		t.Fatalf("error %v has no field %s", err, field)
	}
	if key != "" && f.Key != key {
		t.Fatalf("field %s: key %s, want %s", field, f.Key, key)
	}
}

func count(t *testing.T, d *db.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := d.QueryRow(ctx, q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
