package rights

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"gonghui/internal/db"
	"gonghui/internal/org"
	"gonghui/internal/scope"
	"gonghui/internal/testkit"
)

// TestListWindowAgreesWithSort: the newest-first list read from the window
// over the city's newest cases answers exactly what sorting every matching
// case answers, page after page, by cursor and by page number, for views
// that fill from the window (the busy street) and views that fall back
// (the quiet one, closed cases long past).
func TestListWindowAgreesWithSort(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		now := w.clock.Now()
		r := rand.New(rand.NewPCG(5, 9))
		var flat []any
		const n = 400
		for i := range n {
			// Nine in ten at the busy street's union, the rest at the
			// quiet one; open cases recent, closed ones over two years.
			u := w.tr.UnionA
			if r.IntN(10) == 0 {
				u = w.tr.UnionB
			}
			st := Statuses[r.IntN(len(Statuses))]
			received := now.Add(-time.Duration(r.Int64N(int64(20 * 24 * time.Hour))))
			if st == StatusClosed {
				received = now.Add(-time.Duration(r.Int64N(int64(2 * 365 * 24 * time.Hour))))
			}
			due := now.Add(time.Duration(r.Int64N(int64(10*24*time.Hour))) - 3*24*time.Hour)
			ms := scope.Millis(received)
			// Some share a millisecond, so the id breaks the tie.
			if i%7 == 0 && i > 0 {
				ms = flat[len(flat)-14+10].(int64)
			}
			outcome := ""
			if st == StatusClosed {
				outcome = string(OutcomesOf(KindMediation)[0])
			}
			flat = append(flat, db.NewID(), u.ID, u.Path, KindMediation, ChannelHotline, fmt.Sprintf("案件 %d", i), "事实。", 1,
				st, outcome, ms, scope.Millis(due), scope.Millis(due.Add(-time.Hour)), ms)
		}
		if err := d.Tx(ctx, func(tx *db.Tx) error {
			return tx.InsertRows(ctx, "cases (id, org_id, org_path, kind, channel, title, facts, workers, status, outcome, received_at, due_at, remind_at, updated_at)", 14, flat)
		}); err != nil {
			t.Fatal(err)
		}
		defer func(v int) { recentWindow = v }(recentWindow)
		views := []Query{{}, {Status: StatusHandling}, {Overdue: true}, {Status: StatusNew, Overdue: true}, {Status: StatusClosed}}
		for _, who := range []struct {
			name string
			org  *org.Org
		}{{"busy", w.tr.UnionA}, {"quiet", w.tr.UnionB}, {"district", nil}} {
			for _, v := range views {
				v.Limit = 7
				if who.org != nil {
					v.Org = who.org.ID
				}
				recentWindow = 0
				want := w.walk(t, v)
				recentWindow = 120
				got := w.walk(t, v)
				if len(want) == 0 || !slices.Equal(got, want) {
					t.Errorf("%s %+v: window %d rows, sort %d rows; differ: %v", who.name, v, len(got), len(want), !slices.Equal(got, want))
				}
				// Page numbers: the third page agrees too.
				v.Offset = 14
				recentWindow = 0
				w3, _, err := w.s.List(ctx, w.chief, v)
				if err != nil {
					t.Fatal(err)
				}
				recentWindow = 120
				g3, _, err := w.s.List(ctx, w.chief, v)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.EqualFunc(g3, w3, func(a, b Case) bool { return a.ID == b.ID }) {
					t.Errorf("%s %+v: third page differs", who.name, v)
				}
			}
		}
	})
}

// walk reads every page of q by cursor and answers the cases' IDs.
func (w *world) walk(t *testing.T, q Query) []int64 {
	t.Helper()
	var ids []int64
	for range 200 {
		page, next, err := w.s.List(ctx, w.chief, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range page {
			ids = append(ids, c.ID)
		}
		if next == "" {
			return ids
		}
		q.After = next
	}
	t.Fatal("more than 200 pages")
	return nil
}
