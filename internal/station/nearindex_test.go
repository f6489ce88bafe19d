package station

import (
	"testing"

	"gonghui/internal/db"
	"gonghui/internal/testkit"
)

// TestNearestSeesOtherProcessesChanges: two stores on one database stand
// for two server processes, each with its snapshot of the positions. A
// station one of them adds, moves, closes or reopens is found (or gone) in
// the other's very next search.
func TestNearestSeesOtherProcessesChanges(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		other := NewStore(d)
		other.SetClock(w.clock.Now)
		at := Point{Lat: 39.8950, Lng: 116.3940}
		first := func() string {
			t.Helper()
			got, err := other.Nearest(ctx, NearQuery{At: at, Limit: 1})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) == 0 {
				return ""
			}
			return got[0].Name
		}
		if _, err := w.s.Create(ctx, w.east, w.input("远站", 39.9300, 116.4200)); err != nil {
			t.Fatal(err)
		}
		if got := first(); got != "远站" {
			t.Fatalf("first search: %q", got)
		}
		near, err := w.s.Create(ctx, w.east, w.input("近站", 39.8952, 116.3941))
		if err != nil {
			t.Fatal(err)
		}
		if got := first(); got != "近站" {
			t.Fatalf("after another process added a nearer station: %q", got)
		}
		closed, err := w.s.SetStatus(ctx, w.east, near.ID, near.Version, StatusClosed)
		if err != nil {
			t.Fatal(err)
		}
		if got := first(); got != "远站" {
			t.Fatalf("after it was closed: %q", got)
		}
		opened, err := w.s.SetStatus(ctx, w.east, near.ID, closed.Version, StatusActive)
		if err != nil {
			t.Fatal(err)
		}
		if got := first(); got != "近站" {
			t.Fatalf("after it reopened: %q", got)
		}
		moved := w.input("近站", 39.9700, 116.5000)
		if _, err := w.s.Update(ctx, w.east, near.ID, opened.Version, moved); err != nil {
			t.Fatal(err)
		}
		if got := first(); got != "远站" {
			t.Fatalf("after it moved away: %q", got)
		}
		// Nothing changed: the snapshot is kept, not reloaded.
		sn := other.near.snap.Load()
		first()
		if other.near.snap.Load() != sn {
			t.Fatal("snapshot reloaded with no change")
		}
	})
}
