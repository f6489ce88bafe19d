package member

import (
	"testing"

	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/member/membertest"
	"gonghui/internal/stats"
	"gonghui/internal/testkit"
)

// listed counts what List shows for q, page by page: the truth a total
// must agree with.
func (w *world) listed(t *testing.T, q Query) int64 {
	t.Helper()
	var n int64
	if err := w.s.Each(ctx, w.Admin, q, false, func(*Member) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestCountFiguresAndBounded(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		w.add(t, w.UnionA, "王大明", 800, string(TagPartyMember))
		w.add(t, w.UnionA, "王小明", 801)
		w.add(t, w.SubA, "王明亮", 802, string(TagPartyMember))
		w.add(t, w.UnionB, "李明", 803, string(TagPartyMember))
		w.add(t, w.UnionB, "赵四", 804)
		if err := stats.NewStore(d).FoldAll(ctx); err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			q       Query
			figures bool
		}{
			{Query{}, true},
			{Query{Org: w.Dashilan.ID}, true},
			{Query{Org: w.Dashilan.ID, Status: StatusActive, Tags: []string{string(TagPartyMember)}}, true},
			{Query{Status: StatusLeft}, true},
			{Query{Tags: []string{string(TagPartyMember)}}, false}, // any status: not in the rollups
			{Query{Org: w.UnionA.ID, OrgOnly: true}, false},
			{Query{Q: "明"}, false},
			{Query{Q: "王明"}, false},
			{Query{JoinedFrom: membertest.JoinedOn}, false},
		}
		for _, c := range cases {
			got, err := w.s.Count(ctx, w.Admin, c.q)
			if err != nil {
				t.Fatalf("%+v: %v", c.q, err)
			}
			if want := w.listed(t, c.q); got.N != want || got.Over || got.FromFigures != c.figures {
				t.Errorf("%+v: total %+v, list has %d (figures expected: %v)", c.q, got, want, c.figures)
			}
		}
		// The caller's scope: an officer of Dashilan counts Dashilan only.
		all, _ := w.s.Count(ctx, w.Admin, Query{})
		mine, err := w.s.Count(ctx, w.DashilanOfficer, Query{})
		if err != nil || mine.N != w.listed(t, Query{Org: w.Dashilan.ID}) || mine.N >= all.N {
			t.Fatalf("officer's total %+v of %+v: %v", mine, all, err)
		}
		_, err = w.s.Count(ctx, w.DashilanOfficer, Query{Org: w.UnionB.ID})
		membertest.WantField(t, err, "org", "field.invalid_id")
		// Past the cap, a bounded count says "more than".
		w.s.countCap = 2
		q := Query{Q: "王"}
		if n := w.listed(t, q); n <= 2 {
			t.Fatalf("fixture: %d matches", n)
		}
		got, err := w.s.Count(ctx, w.Admin, q)
		if err != nil || !got.Over || got.N != 2 || got.FromFigures {
			t.Fatalf("capped total %+v %v", got, err)
		}
	})
}

func TestDecideMany(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		apply := func(u int64, name string, n int) *Application {
			return membertest.Must[*Application](t)(w.s.Apply(ctx, u, ApplyInput{Name: name, IDNumber: membertest.IDNumber(t, n),
				Mobile: membertest.Mobile(n), EmployerName: "甲公司", Consent: true}))
		}
		a1 := apply(w.UnionA.ID, "钱一", 900)
		a2 := apply(w.UnionA.ID, "钱二", 901)
		b := apply(w.UnionB.ID, "孙三", 902) // outside Dashilan
		// A rejection without a reason changes nothing.
		_, err := w.s.DecideMany(ctx, w.DashilanOfficer, []int64{a1.ID, a2.ID}, Decision{})
		membertest.WantField(t, err, "reason", "field.required")
		_, err = w.s.DecideMany(ctx, w.DashilanOfficer, nil, Decision{Approve: true})
		membertest.WantField(t, err, "ids", "field.required")
		res, err := w.s.DecideMany(ctx, w.DashilanOfficer, []int64{a1.ID, b.ID, a2.ID, a1.ID}, Decision{Approve: true})
		if err != nil || len(res) != 3 {
			t.Fatalf("results %+v %v", res, err)
		}
		for _, r := range res {
			switch r.ID {
			case b.ID:
				membertest.WantKind(t, r.Err, errs.KindNotFound)
				if r.Name != "" {
					t.Fatal("a refused item outside the subtree names the applicant")
				}
			default:
				if r.Err != nil || r.Name == "" {
					t.Fatalf("item %+v", r)
				}
			}
		}
		for _, id := range []int64{a1.ID, a2.ID} {
			if a, err := w.s.GetApplication(ctx, w.DashilanOfficer, id); err != nil || a.Status != AppApproved || a.MemberID == 0 {
				t.Fatalf("approved %+v %v", a, err)
			}
		}
		if other, err := w.s.GetApplication(ctx, w.Admin, b.ID); err != nil || other.Status != AppPending {
			t.Fatalf("the application outside the subtree: %+v %v", other, err)
		}
		if n := membertest.Count(t, d, "SELECT count(*) FROM audit_log WHERE action = ? AND entity = ?", "join.approved", "join_application"); n != 2 {
			t.Fatalf("%d audit records for 2 approvals", n)
		}
		// Deciding again: each item says it was decided; the reason is kept.
		res, err = w.s.DecideMany(ctx, w.XichangOf, []int64{b.ID, a1.ID}, Decision{Reason: "不是本单位职工"})
		if err != nil || res[0].Err != nil {
			t.Fatalf("reject %+v %v", res, err)
		}
		membertest.WantKind(t, res[1].Err, errs.KindNotFound)
		if r, _ := w.s.GetApplication(ctx, w.Admin, b.ID); r.Status != AppRejected || r.Reason != "不是本单位职工" {
			t.Fatalf("rejected %+v", r)
		}
		res, _ = w.s.DecideMany(ctx, w.Admin, []int64{a2.ID}, Decision{Approve: true})
		membertest.WantKind(t, res[0].Err, errs.KindConflict)
	})
}
