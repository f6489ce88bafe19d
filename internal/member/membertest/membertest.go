// Package membertest holds the test world of package member and of its
// sub-packages (exports, roster, privacy): the tree of unions their tests
// share, the numbers of made-up members and the checks on errors. Only
// tests import it.
//
// It does not import package member, so that member's own (internal)
// tests can use it as well as the sub-packages' tests; each keeps its
// store beside the Tree.
package membertest

import (
	"testing"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/cnid"
	"gonghui/internal/db"
	"gonghui/internal/org"
	"gonghui/internal/testkit"
	"gonghui/internal/testkit/orgtree"
)

// Tree is a small tree of unions with staff at its levels:
//
//	Root 北京市总工会
//	└── Xicheng 西城区总工会
//	    ├── Dashilan 大栅栏街道总工会
//	    │   └── UnionA 甲公司工会 (employer EmpA)
//	    │       └── SubA 技术部分工会
//	    └── Xichang 西长安街街道总工会
//	        └── UnionB 乙公司工会 (employer EmpB)
type Tree struct {
	Orgs                              *org.Store
	Root, Xicheng, Dashilan, Xichang  *org.Org
	UnionA, SubA, UnionB              *org.Org
	EmpA, EmpB                        *org.Employer
	Admin, DashilanOfficer, XichangOf *auth.Principal // officers at Root, Dashilan and (membership) Xichang
	Leader, Nobody                    *auth.Principal // a leader at Dashilan; an account with no roles
}

// NewTree builds the tree in d.
func NewTree(t testing.TB, d *db.DB) *Tree {
	t.Helper()
	w := &Tree{Orgs: org.NewStore(d)}
	tr := orgtree.New(t, w.Orgs, auth.RoleOfficer)
	w.Root, w.Admin = tr.Root, tr.By
	w.Xicheng = tr.Org(w.Root, "北京市西城区总工会", org.KindDistrict)
	w.Dashilan = tr.Org(w.Xicheng, "大栅栏街道总工会", org.KindStreet)
	w.Xichang = tr.Org(w.Xicheng, "西长安街街道总工会", org.KindStreet)
	w.UnionA = tr.Org(w.Dashilan, "甲公司工会", org.KindGrassroots)
	w.SubA = tr.Org(w.UnionA, "技术部分工会", org.KindSub)
	w.UnionB = tr.Org(w.Xichang, "乙公司工会", org.KindGrassroots)
	w.EmpA = tr.Employer(w.UnionA, "甲公司", "91110102A0000001X")
	w.EmpB = tr.Employer(w.UnionB, "乙公司", "91110102B0000002X")
	w.DashilanOfficer = orgtree.Grant(auth.RoleOfficer, w.Dashilan)
	w.XichangOf = orgtree.Grant(auth.RoleMembershipOfficer, w.Xichang)
	w.Leader = orgtree.Grant(auth.RoleLeader, w.Dashilan)
	w.Nobody = &auth.Principal{UserID: 2}
	return w
}

// JoinedOn is the joining date of the members tests add.
const JoinedOn = "2020-05-01"

// Staff is a principal with role over orgs and an account of its own, id.
func Staff(id int64, role auth.Role, orgs ...*org.Org) *auth.Principal {
	p := orgtree.Grant(role, orgs...)
	p.UserID, p.Username = id, "u"+db.FormatID(id)
	return p
}

// IDNumber makes member n's valid ID number: born 1980-01-01 plus n days
// (in a cycle of 9000), Xicheng.
func IDNumber(t testing.TB, n int) string {
	t.Helper()
	id, err := cnid.MakeResidentID("110102", time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n%9000), n/9000)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// Mobile makes member n's valid mobile number.
func Mobile(n int) string {
	s := "00000000" + db.FormatID(int64(n))
	return "139" + s[len(s)-8:]
}

// Must answers a call's value, failing t on its error: Must[T](t)(call()).
func Must[T any](t testing.TB) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// Count answers a query counting rows.
func Count(t testing.TB, d *db.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := d.QueryRow(t.Context(), q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// WantKind is testkit.WantKind.
var WantKind = testkit.WantKind

// WantField is testkit.WantField.
var WantField = testkit.WantField
