package member

import (
	"testing"

	"gonghui/internal/cnid"
	"gonghui/internal/db"
	"gonghui/internal/member/membertest"
	"gonghui/internal/org"
	"gonghui/internal/scope"
	"gonghui/internal/stats"
	"gonghui/internal/testkit"
)

// Every way a membership changes keeps the folded figures equal to a
// recount from the rows, at every organisation up the tree, and a move of
// a subtree carries its figures to the new ancestors.
func TestFiguresFollowEveryChange(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		st := stats.NewStore(d)
		check := testkit.RecountCheck(t, func() ([]stats.Mismatch, error) { return st.Check(ctx, StatSource()) })
		a := w.add(t, w.UnionA, "张三", 1, "model_worker", "party_member")
		b := w.add(t, w.UnionA, "李四", 2, "outdoor_worker")
		c := w.add(t, w.UnionB, "王五", 3)
		w.add(t, w.SubA, "赵六", 4, "model_worker")
		check("after joining")

		f, err := st.Read(ctx, w.Root.ID)
		if err != nil {
			t.Fatal(err)
		}
		if f.Levels[StatStatus(StatusActive)] != 4 || f.Levels[StatTag(TagModelWorker)] != 2 || f.Flow(StatJoined, "2020-05", "2020-05") != 4 {
			t.Fatalf("root after joining: %+v", f)
		}
		if f.Flow(StatJoinedTag(TagModelWorker), "2020-05", "2020-05") != 2 || f.Flow(StatJoinedTag(TagOutdoorWorker), "", "") != 1 {
			t.Fatalf("root's joinings by tag: %+v", f.Flows)
		}

		// Status: left, then back.
		if _, err := w.s.SetStatus(ctx, w.Admin, b.ID, StatusChange{Status: StatusRetired, On: "2024-03-01"}); err != nil {
			t.Fatal(err)
		}
		check("after retiring")
		// Tags edited.
		m, _ := w.s.Get(ctx, w.Admin, a.ID)
		up := Update{Person: Person{Name: m.Name, IDNumber: membertest.IDNumber(t, 1), Mobile: membertest.Mobile(1), JoinedOn: m.JoinedOn, Tags: []string{"craftsman"}}, Version: m.Version}
		if _, err := w.s.Edit(ctx, w.Admin, a.ID, up); err != nil {
			t.Fatal(err)
		}
		check("after editing tags")
		// A transfer from unionB to unionA: counted once, at the target.
		tr, err := w.s.RequestTransfer(ctx, w.Admin, TransferRequest{MemberID: c.ID, ToOrgID: w.UnionA.ID})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.DecideTransfer(ctx, w.Admin, tr.ID, TransferDecision{Action: "release"}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.DecideTransfer(ctx, w.Admin, tr.ID, TransferDecision{Action: "accept"}); err != nil {
			t.Fatal(err)
		}
		check("after a transfer")
		fa, _ := st.Read(ctx, w.UnionA.ID)
		fb, _ := st.Read(ctx, w.UnionB.ID)
		fx, _ := st.Read(ctx, w.Xicheng.ID)
		if fa.Levels[StatStatus(StatusActive)] != 3 || fb.Levels[StatStatus(StatusActive)] != 0 || fx.Levels[StatStatus(StatusActive)] != 3 ||
			fa.Flow(StatTransferIn, "", "") != 1 || fb.Flow(StatTransferOut, "", "") != 1 {
			t.Fatalf("after the transfer: A %+v B %+v district %+v", fa.Levels, fb.Levels, fx.Levels)
		}
		// Re-joining a retired member (the same row).
		if _, err := w.s.Create(ctx, w.Admin, w.UnionB.ID, Person{Name: "李四", IDNumber: membertest.IDNumber(t, 2), Mobile: membertest.Mobile(2), JoinedOn: "2025-01-02"}); err != nil {
			t.Fatal(err)
		}
		check("after re-joining")
		// Generated members, in bulk, as internal/member/roster writes them.
		w.synthetic(t, 200)
		check("after generating")
		// A subtree moves: its figures follow.
		before, _ := st.Read(ctx, w.Dashilan.ID)
		if _, err := w.Orgs.Move(ctx, w.Admin, w.UnionA.ID, w.Xichang.ID); err != nil {
			t.Fatal(err)
		}
		check("after moving a union")
		after, _ := st.Read(ctx, w.Dashilan.ID)
		ua, _ := st.Read(ctx, w.UnionA.ID)
		if after.Levels[StatStatus(StatusActive)] != before.Levels[StatStatus(StatusActive)]-ua.Levels[StatStatus(StatusActive)] {
			t.Fatalf("the street kept the moved union's members: before %d, after %d, union %d",
				before.Levels[StatStatus(StatusActive)], after.Levels[StatStatus(StatusActive)], ua.Levels[StatStatus(StatusActive)])
		}
		// A rebuild gives the same figures.
		root1, _ := st.Read(ctx, w.Root.ID)
		if err := st.Rebuild(ctx, StatSource()); err != nil {
			t.Fatal(err)
		}
		root2, _ := st.Read(ctx, w.Root.ID)
		if len(root1.Levels) != len(root2.Levels) || root1.Levels[StatStatus(StatusActive)] != root2.Levels[StatStatus(StatusActive)] {
			t.Fatalf("rebuild changed the root: %v → %v", root1.Levels, root2.Levels)
		}
		check("after a rebuild")
	})
}

// synthetic writes n made-up members in bulk, some retired and some moved
// in from another union, and rebuilds the figures, as the generator does.
func (w *world) synthetic(t *testing.T, n int) {
	t.Helper()
	var unions []*Union
	for _, o := range []*org.Org{w.UnionA, w.SubA, w.UnionB} {
		unions = append(unions, &Union{ID: o.ID, Path: o.Path, Name: o.Name, Kind: string(o.Kind)})
	}
	rows := make([]Synthetic, n)
	for i := range rows {
		id, err := cnid.ParseResidentID(membertest.IDNumber(t, 7000+i))
		if err != nil {
			t.Fatal(err)
		}
		rows[i] = Synthetic{Union: unions[i%3], Name: "生成", ID: id, Mobile: membertest.Mobile(7000 + i), Job: "电工",
			Tags: int64(i % 8), JoinedOn: "2019-03-01", Status: StatusActive}
		switch {
		case i%10 == 0:
			rows[i].Status, rows[i].StatusOn = StatusRetired, "2024-06-01"
		case i%25 == 1:
			rows[i].From, rows[i].MovedOn = unions[(i+1)%3], "2021-01-01"
		}
	}
	if err := w.s.InsertSynthetic(ctx, rows, scope.Millis(w.s.Now())); err != nil {
		t.Fatal(err)
	}
	if err := stats.NewStore(w.d).Rebuild(ctx, StatSource()); err != nil {
		t.Fatal(err)
	}
}
