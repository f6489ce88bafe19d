package org

import (
	"testing"

	"gonghui/internal/db"
	"gonghui/internal/listing"
	"gonghui/internal/listing/listingtest"
	"gonghui/internal/testkit"
)

// The employer list in every order, paged by cursor and by page number,
// and the totals of its filters.
func TestEmployersSortedAndCounted(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		// Besides 甲公司 and 乙公司: names and head counts that repeat.
		for i, name := range []string{"便利店", "便利店", "餐馆", "便利店"} {
			owner := w.dashilan
			if i%2 == 1 {
				owner = w.xichang
			}
			if _, err := w.s.CreateEmployer(ctx, w.admin, EmployerInput{OwnerOrgID: owner.ID, Name: name, Category: "600", Employees: 10 * (i % 2)}); err != nil {
				t.Fatal(err)
			}
		}
		listingtest.CheckOrders(t, EmployerSorts, 6, func(sort, after string, offset, limit int) ([]int64, string, error) {
			rows, next, err := w.s.ListEmployers(ctx, w.admin, EmployerQuery{Sort: sort, After: after, Offset: offset, Limit: limit})
			return listingtest.IDs(rows, func(e *Employer) int64 { return e.ID }), next, err
		})
		yes, no := true, false
		listingtest.CheckTotals(t, []listingtest.Total[EmployerQuery]{listingtest.Want(EmployerQuery{}, 6), listingtest.Want(EmployerQuery{Q: "便利店"}, 3), listingtest.Want(EmployerQuery{Category: "600"}, 4),
			listingtest.Want(EmployerQuery{Organised: &yes}, 2), listingtest.Want(EmployerQuery{Organised: &no, Within: w.xichang.ID}, 2), listingtest.Want(EmployerQuery{NewForms: &yes}, 0)},
			func(q EmployerQuery) (listing.Total, error) {
				if list, _, _ := w.s.ListEmployers(ctx, w.admin, q); int64(len(list)) > 6 {
					t.Errorf("%+v: the list has %d", q, len(list))
				}
				return w.s.CountEmployers(ctx, w.admin, q)
			})
		if got, err := w.s.CountEmployers(ctx, w.dashilanOfficer, EmployerQuery{}); err != nil || got.N != 3 {
			t.Errorf("officer's total %+v %v", got, err)
		}
		_, err := w.s.CountEmployers(ctx, w.admin, EmployerQuery{Category: "1"})
		wantField(t, err, "category", "field.invalid_choice")
	})
}
