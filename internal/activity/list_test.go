package activity

import (
	"testing"
	"time"

	"gonghui/internal/db"
	"gonghui/internal/listing"
	"gonghui/internal/listing/listingtest"
	"gonghui/internal/testkit"
)

// The staff listing in every order, paged by cursor and by page number,
// and the totals of its filters.
func TestListSortedAndCounted(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		// Titles and start times that repeat: ties the id must break.
		for i, title := range []string{"观影", "读书会", "观影", "健步走", "读书会"} {
			in := w.input(w.unionA)
			if i%2 == 1 {
				in = w.input(w.unionB)
			}
			in.Title = title
			start := w.clock.Now().Add(time.Duration(1+i%2) * time.Hour)
			in.StartsAt, in.EndsAt = start.Format(time.RFC3339), start.Add(time.Hour).Format(time.RFC3339)
			if i < 3 {
				w.published(t, w.city, in)
			} else if _, err := w.s.Create(ctx, w.city, in); err != nil {
				t.Fatal(err)
			}
		}
		listingtest.CheckOrders(t, Sorts, 5, func(sort, after string, offset, limit int) ([]int64, string, error) {
			rows, next, err := w.s.List(ctx, w.city, Query{Sort: sort, After: after, Offset: offset, Limit: limit})
			return listingtest.IDs(rows, func(a *Activity) int64 { return a.ID }), next, err
		})
		listingtest.CheckTotals(t, []listingtest.Total[Query]{listingtest.Want(Query{}, 5), listingtest.Want(Query{Q: "观影"}, 2), listingtest.Want(Query{Status: StatusPublished}, 3),
			listingtest.Want(Query{Status: StatusDraft, Org: w.unionB.ID}, 1), listingtest.Want(Query{From: "2030-01-01"}, 0)},
			func(q Query) (listing.Total, error) { return w.s.CountList(ctx, w.city, q) })
		if got, err := w.s.CountList(ctx, w.dashilanOfficer, Query{}); err != nil || got.N != 3 {
			t.Errorf("Dashilan's total %+v %v", got, err)
		}
		_, err := w.s.CountList(ctx, w.city, Query{Kind: "nonsense"})
		wantField(t, err, "kind", "field.invalid_choice")
		_, _, err = w.s.List(ctx, w.city, Query{Sort: "description"})
		wantField(t, err, "sort", "field.invalid_choice")
	})
}
