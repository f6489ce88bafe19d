package org

import (
	"reflect"
	"testing"

	"gonghui/internal/cnid"
	"gonghui/internal/db"
	"gonghui/internal/stats"
	"gonghui/internal/testkit"
)

// Every change to the tree and its employers keeps the folded figures equal
// to a recount from the rows and to the live counts (Count) of every
// organisation, including employers owned on one side of a move and
// organised on the other.
func TestFiguresFollowEveryChange(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		st := stats.NewStore(d)
		recounted := testkit.RecountCheck(t, func() ([]stats.Mismatch, error) { return st.Check(ctx, StatSource()) })
		check := func(when string) {
			t.Helper()
			recounted(when)
			rows, err := d.Query(ctx, "SELECT id FROM orgs")
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for rows.Next() {
				var id int64
				if err := rows.Scan(&id); err != nil {
					t.Fatal(err)
				}
				ids = append(ids, id)
			}
			rows.Close()
			for _, id := range ids {
				live, err := w.s.Count(ctx, w.admin, id)
				if err != nil {
					t.Fatal(err)
				}
				f, err := st.Read(ctx, id)
				if err != nil {
					t.Fatal(err)
				}
				if got := CountsFrom(f); !reflect.DeepEqual(got, live) {
					t.Fatalf("%s: org %d: rollups %+v, live %+v", when, id, got, live)
				}
			}
		}
		check("the world")

		code := func(body string) string {
			c, err := cnid.MakeCreditCode(body)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		// Owned by a street in one district part, organised by a union in
		// another street: it belongs to both subtrees, once to xicheng.
		straddler, err := w.s.CreateEmployer(ctx, w.admin, EmployerInput{OwnerOrgID: w.dashilan.ID, Name: "丙公司",
			CreditCode: code("91110102C00000031"), Category: "170", Industry: "C", NewForms: true, Employees: 40})
		if err != nil {
			t.Fatal(err)
		}
		joint, err := w.s.Create(ctx, w.admin, CreateInput{ParentID: w.xichang.ID, Name: "西长安街联合工会", Kind: KindJoint})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.s.LinkEmployer(ctx, w.admin, joint.ID, straddler.ID); err != nil {
			t.Fatal(err)
		}
		check("an employer organised across streets")

		pub := true
		if _, err := w.s.UpdateEmployer(ctx, w.admin, straddler.ID, EmployerInput{Name: "丙公司", CreditCode: straddler.CreditCode,
			Category: "110", Industry: "C", IsPublic: &pub, Employees: 55}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.UpdateEmployer(ctx, w.admin, w.empA.ID, EmployerInput{OwnerOrgID: w.dongcheng.ID, Name: w.empA.Name,
			CreditCode: w.empA.CreditCode, Category: "170", Industry: "C", NewForms: true, Employees: 7}); err != nil {
			t.Fatal(err)
		}
		check("employers edited, one given to another district")

		if _, err := w.s.Update(ctx, w.admin, joint.ID, UpdateInput{Name: joint.Name, Kind: KindGrassroots}); err != nil {
			t.Fatal(err)
		}
		check("a kind changed")

		// The straddler's deepest common ancestor moves from xicheng to the
		// root as its union's street moves to dongcheng, and back.
		if _, err := w.s.Move(ctx, w.admin, w.xichang.ID, w.dongcheng.ID); err != nil {
			t.Fatal(err)
		}
		check("a street moved to another district")
		if _, err := w.s.Move(ctx, w.admin, w.dashilan.ID, w.dongcheng.ID); err != nil {
			t.Fatal(err)
		}
		check("the owner's street followed it")
		if _, err := w.s.Move(ctx, w.admin, w.xichang.ID, w.xicheng.ID); err != nil {
			t.Fatal(err)
		}
		check("and went back")

		if err := w.s.UnlinkEmployer(ctx, w.admin, joint.ID, straddler.ID); err != nil {
			t.Fatal(err)
		}
		check("unlinked")

		a, b := db.NewID(), db.NewID()
		err = w.s.BulkInsert(ctx, []NewNode{
			{ID: a, ParentID: w.xichang.ID, Name: "丁公司工会", Kind: KindGrassroots,
				Employer: &EmployerInput{Name: "丁公司", Category: "170", Employees: 12, OwnerOrgID: w.dongcheng.ID}},
			{ID: b, ParentID: a, Name: "丁公司第一分工会", Kind: KindSub},
		})
		if err != nil {
			t.Fatal(err)
		}
		check("a bulk insert")

		// Nothing else keeps "org." figures: a rebuild changes nothing.
		before, _ := st.Read(ctx, w.root.ID)
		if err := st.Rebuild(ctx, StatSource()); err != nil {
			t.Fatal(err)
		}
		after, _ := st.Read(ctx, w.root.ID)
		if !reflect.DeepEqual(before, after) {
			t.Fatalf("rebuild changed the root's figures: %+v → %+v", before, after)
		}
		if c := CountsFrom(after); c.Orgs != 12 || c.ByKind[KindGrassroots] != 4 || c.Employers != 4 || c.Organised != 3 {
			t.Fatalf("root: %+v", c)
		}
	})
}

func TestCommonAncestor(t *testing.T) {
	for _, c := range []struct{ a, b, want string }{
		{"/1/2/", "/1/2/", "/1/2/"},
		{"/1/2/", "/1/2/5/", "/1/2/"},
		{"/1/2/5/", "/1/2/", "/1/2/"},
		{"/1/2/", "/1/23/", "/1/"}, // a shared digit is not a shared organisation
		{"/1/2/7/", "/1/3/7/", "/1/"},
	} {
		if got := commonAncestor(c.a, c.b); got != c.want {
			t.Errorf("commonAncestor(%q, %q) = %q, want %q", c.a, c.b, got, c.want)
		}
	}
}
