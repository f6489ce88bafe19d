// Package listingtest checks a store's sorted list (internal/listing) the
// same way for every list: each order paged by cursor and by offset.
package listingtest

import (
	"slices"
	"testing"

	"gonghui/internal/listing"
)

// PageFunc reads one page of a list in the order sort ("name", "-name"),
// after a cursor or at an offset, with limit rows.
type PageFunc func(sort, after string, offset, limit int) ([]int64, string, error)

// CheckOrders walks the list in every order of sorts, two rows a page,
// and checks that each walk finds the want rows once each, in the order
// one page holding all of them has; that the descending order is the
// ascending one reversed (the id breaks ties in the key's direction);
// that page numbers (offsets) give the same pages as the cursor; and that
// a cursor of one order is refused by another.
func CheckOrders[T any](t *testing.T, sorts *listing.Sorts[T], want int, page PageFunc) {
	t.Helper()
	var firstCursor, firstSort string
	for _, k := range sorts.Keys {
		var asc []int64
		for _, sort := range []string{k.Name, "-" + k.Name} {
			all, next, err := page(sort, "", 0, want+1)
			if err != nil || next != "" || len(all) != want {
				t.Fatalf("%s: one page: %d rows (want %d), next %q, %v", sort, len(all), want, next, err)
			}
			var walked []int64
			after := ""
			for i := 0; ; i++ {
				rows, next, err := page(sort, after, 0, 2)
				if err != nil {
					t.Fatalf("%s: page %d: %v", sort, i+1, err)
				}
				byOffset, _, err := page(sort, "", 2*i, 2)
				if err != nil || !slices.Equal(rows, byOffset) {
					t.Fatalf("%s: page %d by cursor %v, by offset %v (%v)", sort, i+1, rows, byOffset, err)
				}
				walked = append(walked, rows...)
				if firstCursor == "" && next != "" {
					firstCursor, firstSort = next, sort
				}
				if next == "" {
					break
				}
				if len(walked) > want {
					t.Fatalf("%s: the walk does not end: %v", sort, walked)
				}
				after = next
			}
			if !slices.Equal(walked, all) {
				t.Fatalf("%s: walked %v, one page %v", sort, walked, all)
			}
			if sort == k.Name {
				asc = all
			} else if slices.Reverse(all); !slices.Equal(all, asc) {
				t.Fatalf("%s: not the reverse of %s: %v, %v", sort, k.Name, all, asc)
			}
		}
	}
	if firstCursor == "" {
		t.Fatal("fixture: no list had a second page")
	}
	for _, k := range sorts.Keys {
		if other := "-" + k.Name; other != firstSort {
			if _, _, err := page(other, firstCursor, 0, 2); err == nil {
				t.Fatalf("a cursor of %s taken by %s", firstSort, other)
			}
			break
		}
	}
	if _, _, err := page("nonsense", "", 0, 2); err == nil {
		t.Fatal("an unknown sort key taken")
	}
}

// IDs lists the ids of rows.
func IDs[T any](rows []T, id func(*T) int64) []int64 {
	out := make([]int64, len(rows))
	for i := range rows {
		out[i] = id(&rows[i])
	}
	return out
}

// Total is a filter of a list and how many rows it should count.
type Total[Q any] struct {
	Q    Q
	Want int64
}

// CheckTotals wants each filter's count exact, and not over the cap.
func CheckTotals[Q any](t *testing.T, cases []Total[Q], count func(Q) (listing.Total, error)) {
	t.Helper()
	for _, c := range cases {
		got, err := count(c.Q)
		if err != nil || got != (listing.Total{N: c.Want}) {
			t.Errorf("%+v: total %+v, want %d (%v)", c.Q, got, c.Want, err)
		}
	}
}

// Want is the case of CheckTotals that q counts n rows.
func Want[Q any](q Q, n int64) Total[Q] { return Total[Q]{Q: q, Want: n} }
