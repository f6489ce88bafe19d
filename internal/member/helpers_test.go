package member

import (
	"context"
	"testing"

	"gonghui/internal/db"
	"gonghui/internal/member/membertest"
	"gonghui/internal/org"
	"gonghui/internal/testkit"
)

var ctx = context.Background()

// world is membertest's tree with a registry on it.
type world struct {
	*membertest.Tree
	s *Store
	d *db.DB
}

func newWorld(t testing.TB, d *db.DB) *world {
	t.Helper()
	return &world{Tree: membertest.NewTree(t, d), s: NewStore(d, testkit.Keys(t)), d: d}
}

// add registers a member whose numbers derive from n.
func (w *world) add(t *testing.T, u *org.Org, name string, n int, tags ...string) *Member {
	t.Helper()
	return membertest.Must[*Member](t)(w.s.Create(ctx, w.Admin, u.ID, Person{Name: name, IDNumber: membertest.IDNumber(t, n),
		Mobile: membertest.Mobile(n), JoinedOn: membertest.JoinedOn, Tags: tags}))
}
