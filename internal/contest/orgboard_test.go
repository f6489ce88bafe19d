package contest

import (
	"testing"

	"gonghui/internal/db"
	"gonghui/internal/member"
	"gonghui/internal/testkit"
)

func TestOrgBoard(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		in := w.input()
		in.Attempts, in.Counting = 2, CountBest
		c := w.published(t, in)
		// 大栅栏's union A: four members, three take it (one fails);
		// 西长安街's union B: two members, one takes it.
		a, b, y := w.add(t, w.tr.UnionA), w.add(t, w.tr.UnionA), w.add(t, w.tr.UnionA)
		w.add(t, w.tr.UnionA)
		x := w.add(t, w.tr.UnionB)
		w.add(t, w.tr.UnionB)
		take := func(m *member.Member, right int) { w.take(t, c, m, right) }
		take(a, 3)
		take(b, 8)
		take(y, 2)
		take(x, 15)
		take(a, 9)         // better: a's counting score goes from 6 to 18
		checkFigures(t, w) // folds, and the board's figures match a recount

		city, err := w.s.OrgBoard(ctx, w.tr.City, c.ID, OrgBoardQuery{})
		if err != nil {
			t.Fatal(err)
		}
		want := OrgRow{OrgID: w.tr.Root.ID, Name: w.tr.Root.Name, HasKids: true, Members: 6, Takers: 4, Passed: 3,
			Participation: 4.0 / 6, Average: float64(18+16+4+30) / 4, PassRate: 0.75}
		if city.Parent != want || city.Total != 1 || city.Up != 0 || city.Children[0].OrgID != w.tr.Xicheng.ID || city.Children[0].Takers != 4 {
			t.Fatalf("city's board:\n%+v\nwant parent %+v", city, want)
		}
		district, err := w.s.OrgBoard(ctx, w.tr.City, c.ID, OrgBoardQuery{Org: w.tr.Xicheng.ID})
		if err != nil || district.Up != w.tr.Root.ID || len(district.Children) != 2 {
			t.Fatalf("district's board %+v %v", district, err)
		}
		first, second := district.Children[0], district.Children[1]
		if first.OrgID != w.tr.Dashilan.ID || first.Participation != 0.75 || second.OrgID != w.tr.Xichang.ID || second.Average != 30 {
			t.Fatalf("by participation: %+v", district.Children)
		}
		district, err = w.s.OrgBoard(ctx, w.tr.City, c.ID, OrgBoardQuery{Org: w.tr.Xicheng.ID, Sort: "average"})
		if err != nil || district.Children[0].OrgID != w.tr.Xichang.ID {
			t.Fatalf("by average: %+v %v", district, err)
		}
		// 大栅栏's officer starts at 大栅栏 and cannot climb or look across.
		street, err := w.s.OrgBoard(ctx, w.street, c.ID, OrgBoardQuery{})
		if err != nil || street.Parent.OrgID != w.tr.Dashilan.ID || street.Up != 0 || street.Parent.Takers != 3 || street.Children[0].OrgID != w.tr.UnionA.ID {
			t.Fatalf("street's board %+v %v", street, err)
		}
		_, err = w.s.OrgBoard(ctx, w.street, c.ID, OrgBoardQuery{Org: w.tr.UnionB.ID})
		wantField(t, err, "org", "field.invalid_id")
		_, err = w.s.OrgBoard(ctx, w.street, c.ID, OrgBoardQuery{Sort: "name; DROP"})
		wantField(t, err, "sort", "field.invalid_choice")
	})
}
