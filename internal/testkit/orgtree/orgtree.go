// Package orgtree builds organisation trees for the tests of the packages
// that use org. It lives apart from testkit because it imports org, whose
// own tests import testkit.
package orgtree

import (
	"context"
	"testing"

	"gonghui/internal/auth"
	"gonghui/internal/cnid"
	"gonghui/internal/org"
)

// Grant is a staff principal holding role at each of orgs.
func Grant(role auth.Role, orgs ...*org.Org) *auth.Principal {
	p := &auth.Principal{UserID: 1, Username: "t"}
	for _, o := range orgs {
		p.Grants = append(p.Grants, auth.Grant{Role: role, OrgID: o.ID, OrgPath: o.Path, OrgName: o.Name})
	}
	return p
}

// Tree makes organisations and employers under Root as By, failing the
// test on any error.
type Tree struct {
	t    testing.TB
	Orgs *org.Store
	Root *org.Org
	By   *auth.Principal // role at Root
}

// New makes the root, 北京市总工会, and a principal holding role there.
func New(t testing.TB, s *org.Store, role auth.Role) *Tree {
	t.Helper()
	root, err := s.CreateRoot(context.Background(), "北京市总工会", org.KindCity, "110000")
	if err != nil {
		t.Fatal(err)
	}
	return &Tree{t: t, Orgs: s, Root: root, By: Grant(role, root)}
}

// Org makes an organisation under parent.
func (tr *Tree) Org(parent *org.Org, name string, kind org.Kind) *org.Org {
	tr.t.Helper()
	o, err := tr.Orgs.Create(context.Background(), tr.By, org.CreateInput{ParentID: parent.ID, Name: name, Kind: kind})
	if err != nil {
		tr.t.Fatalf("create %s: %v", name, err)
	}
	return o
}

// Chain makes each organisation of kinds under the one before, starting at
// parent, and returns the last; names and kinds go in pairs.
func (tr *Tree) Chain(parent *org.Org, names []string, kinds []org.Kind) *org.Org {
	tr.t.Helper()
	for i, name := range names {
		parent = tr.Org(parent, name, kinds[i])
	}
	return parent
}

// Employer makes an employer owned and organised by union; the first 17
// characters of body are made into a valid credit code.
func (tr *Tree) Employer(union *org.Org, name, body string) *org.Employer {
	tr.t.Helper()
	ctx := context.Background()
	code, err := cnid.MakeCreditCode(body[:17])
	if err != nil {
		tr.t.Fatal(err)
	}
	e, err := tr.Orgs.CreateEmployer(ctx, tr.By, org.EmployerInput{OwnerOrgID: union.ID, Name: name, CreditCode: code, Category: "170",
		Industry: "C", Employees: 100})
	if err != nil {
		tr.t.Fatalf("employer %s: %v", name, err)
	}
	if err := tr.Orgs.LinkEmployer(ctx, tr.By, union.ID, e.ID); err != nil {
		tr.t.Fatal(err)
	}
	return e
}
