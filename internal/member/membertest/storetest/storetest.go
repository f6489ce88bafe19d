// Package storetest is membertest's tree with a registry (a member.Store)
// on it, for the tests of member's sub-packages (exports, roster, privacy).
// Member's own tests build theirs in package member, as they cannot import
// a package that imports member.
package storetest

import (
	"context"
	"testing"

	"gonghui/internal/db"
	"gonghui/internal/member"
	"gonghui/internal/member/membertest"
	"gonghui/internal/org"
	"gonghui/internal/testkit"
)

// World is the tree and the registry.
type World struct {
	*membertest.Tree
	S *member.Store
}

// New builds the tree in d and opens a registry on it.
func New(t testing.TB, d *db.DB) *World {
	t.Helper()
	return &World{Tree: membertest.NewTree(t, d), S: member.NewStore(d, testkit.Keys(t))}
}

// Add registers, as Admin, a member of u whose numbers derive from n.
func (w *World) Add(t testing.TB, u *org.Org, name string, n int, tags ...string) *member.Member {
	t.Helper()
	return membertest.Must[*member.Member](t)(w.S.Create(context.Background(), w.Admin, u.ID, member.Person{Name: name,
		IDNumber: membertest.IDNumber(t, n), Mobile: membertest.Mobile(n), JoinedOn: membertest.JoinedOn, Tags: tags}))
}
