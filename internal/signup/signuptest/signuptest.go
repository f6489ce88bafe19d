// Package signuptest holds the fixtures that the tests of the modules
// taking sign-ups (activity, course, signup) share: a settable clock, the
// organisation tree they publish in, staff and member principals, checks
// of the stores' refusals, and running calls at once.
package signuptest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/member"
	"gonghui/internal/org"
	"gonghui/internal/testkit"
)

// Clock is a settable time for a store's SetClock.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock is a clock standing at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now is the clock's time.
func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// Add moves the clock on by d.
func (c *Clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// Grant is a staff principal holding role at each of orgs.
func Grant(role auth.Role, orgs ...*org.Org) *auth.Principal {
	p := &auth.Principal{UserID: 1, Username: "t", Kind: auth.KindStaff}
	for _, o := range orgs {
		p.Grants = append(p.Grants, auth.Grant{Role: role, OrgID: o.ID, OrgPath: o.Path, OrgName: o.Name})
	}
	return p
}

// Self is a member's own principal.
func Self(m *member.Member) *auth.Principal {
	return &auth.Principal{Kind: auth.KindMember, MemberID: m.ID, Username: m.Name}
}

// Tree is the organisations the sign-up tests publish in:
//
//	Root 北京市总工会
//	└── Xicheng 西城区总工会
//	    ├── Dashilan 大栅栏街道总工会
//	    │   └── UnionA 甲公司工会
//	    └── Xichang 西长安街街道总工会
//	        └── UnionB 乙公司工会
//
// City is an officer of the root.
type Tree struct {
	Orgs                             *org.Store
	Root, Xicheng, Dashilan, Xichang *org.Org
	UnionA, UnionB                   *org.Org
	City                             *auth.Principal
}

// NewTree makes the tree in s, failing the test on any error.
func NewTree(t testing.TB, s *org.Store) *Tree {
	t.Helper()
	ctx := context.Background()
	tr := &Tree{Orgs: s}
	var err error
	if tr.Root, err = s.CreateRoot(ctx, "北京市总工会", org.KindCity, "110000"); err != nil {
		t.Fatal(err)
	}
	tr.City = Grant(auth.RoleOfficer, tr.Root)
	mk := func(parent *org.Org, name string, kind org.Kind) *org.Org {
		t.Helper()
		o, err := s.Create(ctx, tr.City, org.CreateInput{ParentID: parent.ID, Name: name, Kind: kind})
		if err != nil {
			t.Fatalf("create %s: %v", name, err)
		}
		return o
	}
	tr.Xicheng = mk(tr.Root, "北京市西城区总工会", org.KindDistrict)
	tr.Dashilan = mk(tr.Xicheng, "大栅栏街道总工会", org.KindStreet)
	tr.Xichang = mk(tr.Xicheng, "西长安街街道总工会", org.KindStreet)
	tr.UnionA = mk(tr.Dashilan, "甲公司工会", org.KindGrassroots)
	tr.UnionB = mk(tr.Xichang, "乙公司工会", org.KindGrassroots)
	return tr
}

// WantCode is testkit.WantCode.
var WantCode = testkit.WantCode

// WantField is testkit.WantField.
var WantField = testkit.WantField

// Together runs every fn at once and fails the test on any error.
func Together(t testing.TB, fns []func() error) {
	t.Helper()
	failed := make([]error, len(fns))
	var wg sync.WaitGroup
	for i, fn := range fns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			failed[i] = fn()
		}()
	}
	wg.Wait()
	if err := errors.Join(failed...); err != nil {
		t.Fatal(err)
	}
}
