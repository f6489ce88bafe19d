package exports

import (
	"context"
	"testing"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/cnid"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/member"
	"gonghui/internal/org"
	"gonghui/internal/testkit"
	"gonghui/internal/testkit/orgtree"
)

var ctx = context.Background()

// world is as much of member's test tree as exports need:
//
//	root 北京市总工会
//	└── xicheng 西城区总工会
//	    ├── dashilan 大栅栏街道总工会
//	    │   └── unionA 甲公司工会
//	    └── xichang 西长安街街道总工会
type world struct {
	s                         *member.Store
	admin                     *auth.Principal
	dashilan, unionA, xichang *org.Org
}

func newWorld(t testing.TB, d *db.DB) *world {
	t.Helper()
	w := &world{s: member.NewStore(d, testkit.Keys(t))}
	tr := orgtree.New(t, org.NewStore(d), auth.RoleOfficer)
	w.admin = tr.By
	xicheng := tr.Org(tr.Root, "北京市西城区总工会", org.KindDistrict)
	w.dashilan = tr.Org(xicheng, "大栅栏街道总工会", org.KindStreet)
	w.xichang = tr.Org(xicheng, "西长安街街道总工会", org.KindStreet)
	w.unionA = tr.Org(w.dashilan, "甲公司工会", org.KindGrassroots)
	return w
}

// add registers a member whose numbers derive from n.
func (w *world) add(t *testing.T, u *org.Org, name string, n int) *member.Member {
	t.Helper()
	mobile := "00000000" + db.FormatID(int64(n))
	m, err := w.s.Create(ctx, w.admin, u.ID, member.Person{Name: name, IDNumber: idNumber(t, n), Mobile: "139" + mobile[len(mobile)-8:], JoinedOn: "2020-05-01"})
	if err != nil {
		t.Fatalf("add %s: %v", name, err)
	}
	return m
}

// idNumber makes a valid ID number: born 1980-01-01 plus n days, Xicheng.
func idNumber(t testing.TB, n int) string {
	t.Helper()
	id, err := cnid.MakeResidentID("110102", time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n%9000), n/9000)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// staff is a principal with its own account id.
func staff(id int64, role auth.Role, orgs ...*org.Org) *auth.Principal {
	p := orgtree.Grant(role, orgs...)
	p.UserID, p.Username = id, "u"+db.FormatID(id)
	return p
}

func count(t *testing.T, d *db.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := d.QueryRow(ctx, q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func wantKind(t *testing.T, err error, k errs.Kind) {
	t.Helper()
	if e, ok := errs.As(err); !ok || e.Kind != k {
		t.Fatalf("error %v, want kind %d", err, k)
	}
}

func wantField(t *testing.T, err error, field, key string) {
	t.Helper()
	e, ok := errs.As(err)
	if !ok || e.Fields[field].Key != key {
		t.Fatalf("error %v, want field %s: %s", err, field, key)
	}
}
