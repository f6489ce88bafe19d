package course

import (
	"testing"

	"gonghui/internal/db"
	"gonghui/internal/listing"
	"gonghui/internal/listing/listingtest"
	"gonghui/internal/testkit"
)

// The staff listing of courses in every order, paged by cursor and by
// page number, and the totals of its filters.
func TestCoursesSortedAndCounted(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		// Titles repeat: ties the id breaks.
		for i, c := range []CourseInput{{Title: "太极拳", Category: "taiji"}, {Title: "瑜伽", Category: "yoga"}, {Title: "太极拳", Category: "taiji"},
			{Title: "合唱", Category: "singing"}} {
			c.OrgID = w.street.ID
			if i%2 == 1 {
				c.OrgID = w.unionA.ID
			}
			if _, err := w.s.CreateCourse(ctx, w.officer, c); err != nil {
				t.Fatal(err)
			}
		}
		listingtest.CheckOrders(t, Sorts, 4, func(sort, after string, offset, limit int) ([]int64, string, error) {
			rows, next, err := w.s.ListCourses(ctx, w.officer, Query{Sort: sort, After: after, Offset: offset, Limit: limit})
			return listingtest.IDs(rows, func(c *Course) int64 { return c.ID }), next, err
		})
		listingtest.CheckTotals(t, []listingtest.Total[Query]{listingtest.Want(Query{}, 4), listingtest.Want(Query{Q: "太极"}, 2), listingtest.Want(Query{Category: "yoga"}, 1), listingtest.Want(Query{Org: w.unionA.ID}, 2)},
			func(q Query) (listing.Total, error) { return w.s.CountCourses(ctx, w.officer, q) })
		if got, err := w.s.CountCourses(ctx, w.outsider, Query{}); err != nil || got.N != 0 {
			t.Errorf("another street's total %+v %v", got, err)
		}
		_, err := w.s.CountCourses(ctx, w.officer, Query{Category: "karaoke"})
		wantField(t, err, "category")
		_, _, err = w.s.ListCourses(ctx, w.officer, Query{Sort: "-terms"})
		wantField(t, err, "sort")
	})
}
