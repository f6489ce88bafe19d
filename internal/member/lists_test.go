package member

import (
	"testing"

	"gonghui/internal/db"
	"gonghui/internal/listing"
	"gonghui/internal/listing/listingtest"
	"gonghui/internal/member/membertest"
	"gonghui/internal/testkit"
)

// The transfer list and the queue of applications: every order paged by
// cursor and by page number, totals of a filter, bounded past the cap.

func TestTransfersSortedAndCounted(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		// Names repeat, and both targets too: ties the id must break.
		names := []string{"王五", "李四", "王五", "张三", "李四"}
		for i, name := range names {
			m := w.add(t, w.UnionA, name, 900+i)
			to := w.UnionB
			if i%2 == 1 {
				to = w.SubA
			}
			if _, err := w.s.RequestTransfer(ctx, w.Admin, TransferRequest{MemberID: m.ID, ToOrgID: to.ID}); err != nil {
				t.Fatal(err)
			}
		}
		listingtest.CheckOrders(t, TransferSorts, len(names), func(sort, after string, offset, limit int) ([]int64, string, error) {
			rows, next, err := w.s.ListTransfers(ctx, w.Admin, TransferQuery{Sort: sort, After: after, Offset: offset, Limit: limit})
			return listingtest.IDs(rows, func(x *Transfer) int64 { return x.ID }), next, err
		})
		// Totals agree with the lists, within the caller's scope and filter.
		listingtest.CheckTotals(t, []listingtest.Total[TransferQuery]{listingtest.Want(TransferQuery{}, 5), listingtest.Want(TransferQuery{Direction: "in"}, 5),
			listingtest.Want(TransferQuery{Status: TransferRequested}, 5), listingtest.Want(TransferQuery{Status: TransferAccepted}, 0)},
			func(q TransferQuery) (listing.Total, error) { return w.s.CountTransfers(ctx, w.Admin, q) })
		// Xichang's officer sees only the three going into 乙公司工会.
		if got, err := w.s.CountTransfers(ctx, w.XichangOf, TransferQuery{}); err != nil || got.N != 3 {
			t.Fatalf("officer's total %+v %v", got, err)
		}
		if got, err := w.s.CountTransfers(ctx, w.Nobody, TransferQuery{}); err != nil || got.N != 0 {
			t.Fatalf("no role: %+v %v", got, err)
		}
		_, err := w.s.CountTransfers(ctx, w.Admin, TransferQuery{Status: "nonsense"})
		membertest.WantField(t, err, "status", "field.invalid_choice")
		_, _, err = w.s.ListTransfers(ctx, w.Admin, TransferQuery{Sort: "id_number"})
		membertest.WantField(t, err, "sort", "field.invalid_choice")
		_, _, err = w.s.ListTransfers(ctx, w.Admin, TransferQuery{Offset: listing.Cap + 1})
		membertest.WantField(t, err, "page", "field.out_of_range")
		w.s.countCap = 3
		if got, err := w.s.CountTransfers(ctx, w.Admin, TransferQuery{}); err != nil || got != (listing.Total{N: 3, Over: true}) {
			t.Fatalf("capped total %+v %v", got, err)
		}
	})
}

func TestApplicationsSortedAndCounted(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		names := []string{"周红芳", "陈勇兰", "周红芳", "林十二"}
		for i, name := range names {
			u := w.UnionA
			if i%2 == 1 {
				u = w.UnionB
			}
			if _, err := w.s.Apply(ctx, u.ID, ApplyInput{Name: name, IDNumber: membertest.IDNumber(t, 700+i), Mobile: membertest.Mobile(700 + i), EmployerName: "某公司", Consent: true}); err != nil {
				t.Fatal(err)
			}
		}
		listingtest.CheckOrders(t, ApplicationSorts, len(names), func(sort, after string, offset, limit int) ([]int64, string, error) {
			rows, next, err := w.s.ListApplications(ctx, w.Admin, ApplicationQuery{Sort: sort, After: after, Offset: offset, Limit: limit})
			return listingtest.IDs(rows, func(x *Application) int64 { return x.ID }), next, err
		})
		for _, c := range []struct {
			pr   string
			q    ApplicationQuery
			want int64
		}{{"admin", ApplicationQuery{}, 4}, {"admin", ApplicationQuery{Status: AppPending}, 4}, {"admin", ApplicationQuery{Org: w.UnionB.ID}, 2},
			{"admin", ApplicationQuery{Status: AppApproved}, 0}, {"dashilan", ApplicationQuery{}, 2}} {
			pr := w.Admin
			if c.pr == "dashilan" {
				pr = w.DashilanOfficer
			}
			got, err := w.s.CountApplications(ctx, pr, c.q)
			if err != nil || got != (listing.Total{N: c.want}) {
				t.Fatalf("%s %+v: total %+v, want %d (%v)", c.pr, c.q, got, c.want, err)
			}
		}
		_, err := w.s.CountApplications(ctx, w.DashilanOfficer, ApplicationQuery{Org: w.UnionB.ID})
		membertest.WantField(t, err, "org", "field.invalid_id")
	})
}
