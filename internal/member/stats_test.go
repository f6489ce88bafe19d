package member

import (
	"testing"

	"gonghui/internal/cnid"
	"gonghui/internal/db"
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
		a := w.add(t, w.unionA, "张三", 1, "model_worker", "party_member")
		b := w.add(t, w.unionA, "李四", 2, "outdoor_worker")
		c := w.add(t, w.unionB, "王五", 3)
		w.add(t, w.subA, "赵六", 4, "model_worker")
		check("after joining")

		f, err := st.Read(ctx, w.root.ID)
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
		if _, err := w.s.SetStatus(ctx, w.admin, b.ID, StatusChange{Status: StatusRetired, On: "2024-03-01"}); err != nil {
			t.Fatal(err)
		}
		check("after retiring")
		// Tags edited.
		m, _ := w.s.Get(ctx, w.admin, a.ID)
		up := Update{Person: Person{Name: m.Name, IDNumber: idNumber(t, 1), Mobile: mobile(1), JoinedOn: m.JoinedOn, Tags: []string{"craftsman"}}, Version: m.Version}
		if _, err := w.s.Edit(ctx, w.admin, a.ID, up); err != nil {
			t.Fatal(err)
		}
		check("after editing tags")
		// A transfer from unionB to unionA: counted once, at the target.
		tr, err := w.s.RequestTransfer(ctx, w.admin, TransferRequest{MemberID: c.ID, ToOrgID: w.unionA.ID})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.DecideTransfer(ctx, w.admin, tr.ID, TransferDecision{Action: "release"}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.DecideTransfer(ctx, w.admin, tr.ID, TransferDecision{Action: "accept"}); err != nil {
			t.Fatal(err)
		}
		check("after a transfer")
		fa, _ := st.Read(ctx, w.unionA.ID)
		fb, _ := st.Read(ctx, w.unionB.ID)
		fx, _ := st.Read(ctx, w.xicheng.ID)
		if fa.Levels[StatStatus(StatusActive)] != 3 || fb.Levels[StatStatus(StatusActive)] != 0 || fx.Levels[StatStatus(StatusActive)] != 3 ||
			fa.Flow(StatTransferIn, "", "") != 1 || fb.Flow(StatTransferOut, "", "") != 1 {
			t.Fatalf("after the transfer: A %+v B %+v district %+v", fa.Levels, fb.Levels, fx.Levels)
		}
		// Re-joining a retired member (the same row).
		if _, err := w.s.Create(ctx, w.admin, w.unionB.ID, Person{Name: "李四", IDNumber: idNumber(t, 2), Mobile: mobile(2), JoinedOn: "2025-01-02"}); err != nil {
			t.Fatal(err)
		}
		check("after re-joining")
		// Generated members, in bulk, as internal/member/roster writes them.
		w.synthetic(t, 200)
		check("after generating")
		// A subtree moves: its figures follow.
		before, _ := st.Read(ctx, w.dashilan.ID)
		if _, err := w.o.Move(ctx, w.admin, w.unionA.ID, w.xichang.ID); err != nil {
			t.Fatal(err)
		}
		check("after moving a union")
		after, _ := st.Read(ctx, w.dashilan.ID)
		ua, _ := st.Read(ctx, w.unionA.ID)
		if after.Levels[StatStatus(StatusActive)] != before.Levels[StatStatus(StatusActive)]-ua.Levels[StatStatus(StatusActive)] {
			t.Fatalf("the street kept the moved union's members: before %d, after %d, union %d",
				before.Levels[StatStatus(StatusActive)], after.Levels[StatStatus(StatusActive)], ua.Levels[StatStatus(StatusActive)])
		}
		// A rebuild gives the same figures.
		root1, _ := st.Read(ctx, w.root.ID)
		if err := st.Rebuild(ctx, StatSource()); err != nil {
			t.Fatal(err)
		}
		root2, _ := st.Read(ctx, w.root.ID)
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
	for _, o := range []*org.Org{w.unionA, w.subA, w.unionB} {
		unions = append(unions, &Union{ID: o.ID, Path: o.Path, Name: o.Name, Kind: string(o.Kind)})
	}
	rows := make([]Synthetic, n)
	for i := range rows {
		id, err := cnid.ParseResidentID(idNumber(t, 7000+i))
		if err != nil {
			t.Fatal(err)
		}
		rows[i] = Synthetic{Union: unions[i%3], Name: "生成", ID: id, Mobile: mobile(7000 + i), Job: "电工",
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
