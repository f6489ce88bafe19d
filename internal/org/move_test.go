package org

import (
	"testing"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/scope"
	"gonghui/internal/testkit"
)

func TestMove(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		// Readable but not writable at the destination: forbidden.
		before := takeSnapshot(t, d)
		_, err := w.s.Move(ctx, w.twoStreets, w.unionA.ID, w.xichang.ID)
		wantKind(t, err, errs.KindForbidden)
		// Writable source, invisible destination: not found.
		_, err = w.s.Move(ctx, w.dashilanOfficer, w.unionA.ID, w.xichang.ID)
		wantKind(t, err, errs.KindNotFound)
		// Invisible source.
		_, err = w.s.Move(ctx, w.dashilanOfficer, w.unionB.ID, w.dashilan.ID)
		wantKind(t, err, errs.KindNotFound)
		// Write at the destination, read only at the source.
		p := grant(auth.RoleOfficer, w.xichang)
		p.Grants = append(p.Grants, grant(auth.RoleLeader, w.dashilan).Grants...)
		_, err = w.s.Move(ctx, p, w.unionA.ID, w.xichang.ID)
		wantKind(t, err, errs.KindForbidden)
		// The rules.
		_, err = w.s.Move(ctx, w.admin, w.root.ID, w.xicheng.ID)
		wantField(t, err, "parent_id", "org.move_root")
		_, err = w.s.Move(ctx, w.admin, w.dashilan.ID, w.groupA.ID)
		wantField(t, err, "parent_id", "org.move_into_own")
		_, err = w.s.Move(ctx, w.admin, w.unionA.ID, w.unionA.ID)
		wantField(t, err, "parent_id", "org.move_into_own")
		_, err = w.s.Move(ctx, w.admin, w.xichang.ID, w.unionA.ID)
		wantField(t, err, "parent_id", "org.kind_under_union")
		_, err = w.s.Move(ctx, w.admin, w.unionB.ID, w.groupA.ID)
		wantField(t, err, "parent_id", "org.group_no_children")
		_, err = w.s.Move(ctx, w.admin, 999, w.xichang.ID)
		wantKind(t, err, errs.KindNotFound)
		_, err = w.s.Move(ctx, w.admin, w.unionA.ID, 999)
		wantKind(t, err, errs.KindNotFound)
		if after := takeSnapshot(t, d); after != before {
			t.Fatal("refused moves changed the database")
		}

		// A sibling with the same name at the destination.
		clash, err := w.s.Create(ctx, w.admin, CreateInput{ParentID: w.xichang.ID, Name: w.unionA.Name, Kind: KindGrassroots})
		if err != nil {
			t.Fatal(err)
		}
		before = takeSnapshot(t, d)
		_, err = w.s.Move(ctx, w.xichengOfficer, w.unionA.ID, w.xichang.ID)
		wantField(t, err, "name", "org.name_taken")
		if after := takeSnapshot(t, d); after != before {
			t.Fatal("refused move changed the database")
		}
		if _, err := w.s.Update(ctx, w.admin, clash.ID, UpdateInput{Name: "丙公司工会", Kind: KindGrassroots}); err != nil {
			t.Fatal(err)
		}

		// The district's officer moves the union with its subtree across
		// streets.
		moved, err := w.s.Move(ctx, w.xichengOfficer, w.unionA.ID, w.xichang.ID)
		if err != nil {
			t.Fatal(err)
		}
		if moved.ParentID != w.xichang.ID || moved.Path != w.xichang.Path+db.FormatID(w.unionA.ID)+"/" || moved.Depth != 3 {
			t.Errorf("moved: %+v", moved)
		}
		checkTree(t, d)
		g, _ := w.s.Get(ctx, w.admin, w.groupA.ID)
		if g.Path != moved.Path+db.FormatID(w.subA.ID)+"/"+db.FormatID(w.groupA.ID)+"/" || g.Depth != 5 {
			t.Errorf("group after move: %s depth %d", g.Path, g.Depth)
		}
		// The old street no longer sees it; the new one does.
		_, err = w.s.Get(ctx, w.dashilanOfficer, w.groupA.ID)
		wantKind(t, err, errs.KindNotFound)
		if _, err := w.s.Get(ctx, grant(auth.RoleLeader, w.xichang), w.groupA.ID); err != nil {
			t.Error(err)
		}
		// The employer follows its owner: the street counts change.
		c, _ := w.s.Count(ctx, w.admin, w.xichang.ID)
		if c.Orgs != 6 || c.Employers != 2 || c.Organised != 2 {
			t.Errorf("counts after move: %+v", c)
		}
		c, _ = w.s.Count(ctx, w.admin, w.dashilan.ID)
		if c.Orgs != 1 || c.Employers != 0 {
			t.Errorf("counts of the old street: %+v", c)
		}
		// Audited where it went and where it left.
		es := auditOf(t, w, "org", w.unionA.ID)
		if len(es) < 3 || es[0].Action != "org.move_out" || es[0].OrgPath != w.dashilan.Path || es[1].Action != "org.move" || es[1].OrgPath != moved.Path {
			t.Errorf("audit: %+v", es[:2])
		}
		// Moving to where it is changes nothing.
		n := takeSnapshot(t, d)
		if _, err := w.s.Move(ctx, w.admin, w.unionA.ID, w.xichang.ID); err != nil {
			t.Fatal(err)
		}
		if takeSnapshot(t, d) != n {
			t.Error("a move to the same parent changed something")
		}
		// Across districts, by the root's admin, and back.
		if _, err := w.s.Move(ctx, w.admin, w.xichang.ID, w.dongcheng.ID); err != nil {
			t.Fatal(err)
		}
		checkTree(t, d)
		if _, err := w.s.Move(ctx, w.admin, w.subA.ID, w.dashilan.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.Move(ctx, w.admin, w.xichang.ID, w.xicheng.ID); err != nil {
			t.Fatal(err)
		}
		checkTree(t, d)
		if ok, err := w.s.IsInside(ctx, w.groupA.ID, w.dashilan.ID); !ok || err != nil {
			t.Errorf("group inside dashilan: %v %v", ok, err)
		}
	})
}

func TestUpdate(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		up := func(o *Org) UpdateInput {
			return UpdateInput{Name: o.Name, Kind: o.Kind, DivisionCode: o.DivisionCode, Address: o.Address, Phone: o.Phone, FoundedOn: o.FoundedOn, Note: o.Note}
		}
		cases := []struct {
			name       string
			o          *Org
			edit       func(*UpdateInput)
			field, key string
		}{
			{"sibling name", w.xichang, func(u *UpdateInput) { u.Name = w.dashilan.Name }, "name", "org.name_taken"},
			{"blank", w.xichang, func(u *UpdateInput) { u.Name = "" }, "name", "field.required"},
			{"group with children", w.subA, func(u *UpdateInput) { u.Kind = KindGroup }, "kind", "org.group_has_children"},
			{"union over federations", w.xicheng, func(u *UpdateInput) { u.Kind = KindGrassroots }, "kind", "org.kind_upper_children"},
			{"federation under union", w.subA, func(u *UpdateInput) { u.Kind = KindDistrict }, "kind", "org.kind_under_union"},
			{"union with employer to federation", w.unionB, func(u *UpdateInput) { u.Kind = KindStreet }, "kind", "org.kind_employers"},
			{"union with employer to sub-union", w.unionB, func(u *UpdateInput) { u.Kind = KindSub }, "kind", "org.kind_employers"},
			{"bad division", w.unionB, func(u *UpdateInput) { u.DivisionCode = "1101" }, "division_code", "field.division.unknown"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				in := up(c.o)
				c.edit(&in)
				before := takeSnapshot(t, d)
				_, err := w.s.Update(ctx, w.admin, c.o.ID, in)
				wantField(t, err, c.field, c.key)
				if takeSnapshot(t, d) != before {
					t.Error("failed update changed the database")
				}
			})
		}
		in := up(w.unionB)
		in.Kind, in.Phone, in.FoundedOn, in.Note = KindJoint, "010-1234", "2001-01-01", "改为联合工会"
		o, err := w.s.Update(ctx, grant(auth.RoleOfficer, w.xichang), w.unionB.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		if o.Kind != KindJoint || o.Phone != "010-1234" || o.Path != w.unionB.Path || !o.UpdatedAt.After(w.unionB.UpdatedAt.Add(-1)) {
			t.Errorf("updated: %+v", o)
		}
		got, _ := w.s.Get(ctx, w.admin, o.ID)
		if *got != *o {
			t.Errorf("read back %+v, want %+v", got, o)
		}
		es := auditOf(t, w, "org", o.ID)
		if len(es) != 3 || es[0].Action != "org.update" || es[0].Before == "" || es[0].After == "" {
			t.Errorf("audit: %+v", es)
		}
		// The same values again: nothing written, nothing audited.
		if _, err := w.s.Update(ctx, w.admin, o.ID, in); err != nil {
			t.Fatal(err)
		}
		if es := auditOf(t, w, "org", o.ID); len(es) != 3 {
			t.Errorf("a no-op update was audited: %d entries", len(es))
		}
		// The root may be renamed; its kind is free.
		if _, err := w.s.Update(ctx, w.admin, w.root.ID, UpdateInput{Name: "北京市总工会（新）", Kind: KindCity}); err != nil {
			t.Error(err)
		}
	})
}

func TestCursors(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		var want []string
		for i := range 23 {
			n := string(rune('A'+i%26)) + "公司工会"
			if i%2 == 0 {
				n = "z" + n
			}
			o, err := w.s.Create(ctx, w.admin, CreateInput{ParentID: w.dongcheng.ID, Name: n, Kind: KindGrassroots})
			if err != nil {
				t.Fatal(err)
			}
			want = append(want, o.Name)
		}
		want = sorted(want)
		var got []string
		after := ""
		pages := 0
		for {
			page, next, err := w.s.Children(ctx, w.admin, w.dongcheng.ID, after, 5)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, names(page)...)
			pages++
			if next == "" {
				break
			}
			after = next
		}
		if pages != 5 || len(got) != len(want) {
			t.Fatalf("children: %d pages, %v", pages, got)
		}
		// The database orders names; the keys are ASCII-first here, so
		// byte order and any collation agree.
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("children order: %v, want %v", got, want)
			}
		}
		// Subtree pages follow path order and cover the subtree once.
		var sub []Org
		after = ""
		for {
			page, next, err := w.s.Subtree(ctx, w.admin, w.root.ID, after, 4)
			if err != nil {
				t.Fatal(err)
			}
			sub = append(sub, page...)
			if next == "" {
				break
			}
			after = next
		}
		all, _, _ := w.s.Search(ctx, w.admin, Query{Limit: 200})
		if len(sub) != len(all) || len(sub) != 9+23 || sub[0].ID != w.root.ID {
			t.Fatalf("subtree %d, search %d", len(sub), len(all))
		}
		for i := 1; i < len(sub); i++ {
			if sub[i-1].Path >= sub[i].Path {
				t.Fatalf("subtree not in path order at %d", i)
			}
		}
		// Search pages by path, with filters.
		hits, next, err := w.s.Search(ctx, w.admin, Query{Q: "Z", Kind: KindGrassroots, Limit: 5})
		if err != nil || len(hits) != 5 || next == "" {
			t.Fatalf("search page: %d %q %v", len(hits), next, err)
		}
		rest, next2, err := w.s.Search(ctx, w.admin, Query{Q: "Z", Kind: KindGrassroots, Limit: 5, After: next})
		if err != nil || len(rest) != 5 || next2 == "" || rest[0].Path <= hits[4].Path {
			t.Fatalf("second page: %d %v", len(rest), err)
		}
		byParent, _, err := w.s.Search(ctx, w.admin, Query{Parent: w.dongcheng.ID, Q: "z", Limit: 200})
		if err != nil || len(byParent) != 12 {
			t.Fatalf("search by parent: %d %v", len(byParent), err)
		}
		if within, _, _ := w.s.Search(ctx, w.admin, Query{Within: w.xicheng.ID, Kind: KindGroup}); len(within) != 1 {
			t.Errorf("within: %v", names(within))
		}
		// Paging one by one over two grants' subtrees: each once, in order.
		var seen []Org
		after = ""
		for range 20 {
			page, next, err := w.s.Search(ctx, w.twoStreets, Query{Limit: 1, After: after})
			if err != nil {
				t.Fatal(err)
			}
			seen = append(seen, page...)
			if next == "" {
				break
			}
			after = next
		}
		if len(seen) != 6 || seen[0].ID != w.dashilan.ID && seen[0].ID != w.xichang.ID {
			t.Errorf("paging over two streets: %v", names(seen))
		}
		for i := 1; i < len(seen); i++ {
			if seen[i-1].Path >= seen[i].Path {
				t.Errorf("paging over two streets out of order: %v", names(seen))
			}
		}
		// Bad cursors: garbage, and a cursor of another ordering.
		for _, c := range []string{"!!", "eA", next, pathCursor("/abc/")} {
			_, _, err := w.s.Children(ctx, w.admin, w.dongcheng.ID, c, 5)
			if e, ok := errs.As(err); !ok || e.Code != "bad_cursor" || e.Key != "error.bad_cursor" {
				t.Errorf("children cursor %q: %v", c, err)
			}
		}
		_, nameNext, _ := w.s.Children(ctx, w.admin, w.dongcheng.ID, "", 5)
		for _, c := range []string{"!!", nameNext} {
			_, _, err := w.s.Subtree(ctx, w.admin, w.root.ID, c, 5)
			if e, ok := errs.As(err); !ok || e.Code != "bad_cursor" {
				t.Errorf("subtree cursor %q: %v", c, err)
			}
		}
		// Limits: the default and the cap.
		if page, _, _ := w.s.Search(ctx, w.admin, Query{}); len(page) != 32 {
			t.Errorf("default page: %d", len(page))
		}
		if scope.PageLimit(0) != 50 || scope.PageLimit(1000) != 200 || scope.PageLimit(7) != 7 {
			t.Error("pageLimit")
		}
	})
}

func TestIsInsideAndHelpers(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		for _, c := range []struct {
			x, y *Org
			want bool
		}{
			{w.groupA, w.root, true}, {w.groupA, w.dashilan, true}, {w.groupA, w.groupA, true},
			{w.dashilan, w.groupA, false}, {w.unionB, w.dashilan, false}, {w.root, w.xicheng, false},
		} {
			if got, err := w.s.IsInside(ctx, c.x.ID, c.y.ID); err != nil || got != c.want {
				t.Errorf("IsInside(%s, %s) = %v, %v", c.x.Name, c.y.Name, got, err)
			}
		}
		_, err := w.s.IsInside(ctx, 1, w.root.ID)
		wantKind(t, err, errs.KindNotFound)
		_, err = w.s.IsInside(ctx, w.root.ID, 1)
		wantKind(t, err, errs.KindNotFound)
		if id, err := w.s.RootID(ctx); err != nil || id != w.root.ID {
			t.Errorf("root: %v %v", id, err)
		}
		if p, err := w.s.PathOf(ctx, w.groupA.ID); err != nil || p != w.groupA.Path {
			t.Errorf("path: %v %v", p, err)
		}
		if o, err := w.s.FindByName(ctx, w.subA.Name); err != nil || o.ID != w.subA.ID {
			t.Errorf("find: %v %v", o, err)
		}
		_, err = w.s.FindByName(ctx, "没有这个工会")
		wantKind(t, err, errs.KindNotFound)
		_, err = w.s.CreateRoot(ctx, "第二棵树", KindCity, "")
		if e, ok := errs.As(err); !ok || e.Code != "root_exists" {
			t.Errorf("second root: %v", err)
		}
		empty := NewStore(testkit.NewDB(t, d.Dialect))
		_, err = empty.RootID(ctx)
		wantKind(t, err, errs.KindNotFound)
	})
}
