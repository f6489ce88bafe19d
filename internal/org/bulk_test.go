package org

import (
	"slices"
	"testing"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/demo"
	"gonghui/internal/errs"
	"gonghui/internal/testkit"
)

// flattenDemo is DemoNodes, failing the test on an error.
func flattenDemo(t *testing.T, root demo.Node) []NewNode {
	t.Helper()
	nodes, err := DemoNodes(root)
	if err != nil {
		t.Fatal(err)
	}
	return nodes
}

func TestBulkInsertDemoWorld(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := NewStore(d)
		nodes := flattenDemo(t, demo.World())
		if err := s.BulkInsert(ctx, nodes); err != nil {
			t.Fatal(err)
		}
		checkTree(t, d)
		rootID, err := s.RootID(ctx)
		if err != nil || rootID != nodes[0].ID {
			t.Fatal(rootID, err)
		}
		root, _ := s.PathOf(ctx, rootID)
		admin := &auth.Principal{UserID: 1, Grants: []auth.Grant{{Role: auth.RoleAdmin, OrgID: rootID, OrgPath: root}}}
		c, err := s.Count(ctx, admin, rootID)
		if err != nil {
			t.Fatal(err)
		}
		if c.Orgs != len(nodes) || c.ByKind[KindDistrict] != 16 || c.Employers == 0 || c.Organised != c.Employers {
			t.Errorf("counts: %+v", c)
		}
		bit, err := s.FindByName(ctx, "北京理工大学工会")
		if err != nil {
			t.Fatal(err)
		}
		if bit.ChildCount < 23 {
			t.Errorf("BIT has %d children", bit.ChildCount)
		}
		emps, err := s.Employers(ctx, admin, bit.ID)
		if err != nil || len(emps) != 1 || emps[0].OwnerOrgID != bit.ID || !emps[0].IsPublic {
			t.Errorf("BIT's employer: %+v %v", emps, err)
		}
		// Found through search, as staff would, by name, by the short
		// name people use and by its pinyin initials.
		hits, _, err := s.Search(ctx, admin, Query{Q: "人文学院"})
		if err != nil || len(hits) == 0 {
			t.Errorf("search 人文学院: %v %v", names(hits), err)
		}
		for _, q := range []string{"北京排水集团", "bjpsjt"} {
			hits, _, err = s.Search(ctx, admin, Query{Q: q})
			if err != nil || len(hits) == 0 || hits[0].Name != "北京城市排水集团有限责任公司工会" {
				t.Errorf("search %s: %v %v", q, names(hits), err)
			}
		}
		// The districts in their official order: 东城 (110101) first.
		kids, _, err := s.Children(ctx, admin, rootID, "", 0)
		if err != nil || len(kids) < 16 || kids[0].Name != "北京市东城区总工会" || kids[1].Name != "北京市西城区总工会" {
			t.Errorf("districts: %v %v", names(kids), err)
		}
		// One audit entry for the whole load.
		var n int
		if err := d.QueryRow(ctx, "SELECT count(*) FROM audit_log WHERE action = 'org.bulk_insert'").Scan(&n); err != nil || n != 1 {
			t.Errorf("bulk audit entries: %d %v", n, err)
		}
		// A second load clashes on the one root.
		err = s.BulkInsert(ctx, flattenDemo(t, demo.World()))
		if !db.IsUnique(err) {
			t.Errorf("second load: %v", err)
		}
	})
}

func TestBulkInsertRules(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		before := takeSnapshot(t, d)
		a, b := db.NewID(), db.NewID()
		for name, nodes := range map[string][]NewNode{
			"unknown parent":  {{ID: a, ParentID: 12345, Name: "甲", Kind: KindGrassroots}},
			"child first":     {{ID: b, ParentID: a, Name: "乙", Kind: KindSub}, {ID: a, ParentID: w.dashilan.ID, Name: "甲", Kind: KindGrassroots}},
			"bad kind":        {{ID: a, ParentID: w.dashilan.ID, Name: "甲", Kind: "x"}},
			"no name":         {{ID: a, ParentID: w.dashilan.ID, Kind: KindGrassroots}},
			"duplicate id":    {{ID: a, ParentID: w.dashilan.ID, Name: "甲", Kind: KindGrassroots}, {ID: a, ParentID: w.dashilan.ID, Name: "乙", Kind: KindGrassroots}},
			"under a group":   {{ID: a, ParentID: w.groupA.ID, Name: "甲", Kind: KindGroup}},
			"sibling name":    {{ID: a, ParentID: w.dashilan.ID, Name: w.unionA.Name, Kind: KindGrassroots}},
			"bad employer":    {{ID: a, ParentID: w.dashilan.ID, Name: "甲", Kind: KindGrassroots, Employer: &EmployerInput{Name: "甲", Category: "1"}}},
			"taken code":      {{ID: a, ParentID: w.dashilan.ID, Name: "甲", Kind: KindGrassroots, Employer: &EmployerInput{Name: "甲", Category: "170", CreditCode: w.empA.CreditCode}}},
			"bad officer":     {{ID: a, ParentID: w.dashilan.ID, Name: "甲", Kind: KindGrassroots, Officers: []OfficerInput{{Name: "张", Position: "chair"}}}},
			"federation deep": {{ID: a, ParentID: w.unionA.ID, Name: "甲", Kind: KindStreet}},
		} {
			if err := w.s.BulkInsert(ctx, nodes); err == nil {
				t.Errorf("%s: accepted", name)
			}
			if takeSnapshot(t, d) != before {
				t.Fatalf("%s: failed bulk insert changed the database", name)
			}
		}
		// Under parents already in the database: child counts follow.
		nodes := []NewNode{
			{ID: a, ParentID: w.dashilan.ID, Name: "甲", Kind: KindJoint, Covers: []EmployerInput{{Name: "小店一", Category: "600"}, {Name: "小店二", Category: "600"}}},
			{ID: b, ParentID: w.unionA.ID, Name: "乙分工会", Kind: KindSub},
			{ID: db.NewID(), ParentID: a, Name: "丙小组", Kind: KindGroup},
		}
		if err := w.s.BulkInsert(ctx, nodes); err != nil {
			t.Fatal(err)
		}
		checkTree(t, d)
		emps, err := w.s.Employers(ctx, w.admin, a)
		if err != nil || len(emps) != 2 || emps[0].OwnerOrgID != a || emps[0].IsPublic {
			t.Errorf("covers: %+v %v", emps, err)
		}
		var path string
		if err := d.QueryRow(ctx, "SELECT org_path FROM audit_log WHERE action = 'org.bulk_insert'").Scan(&path); err != nil || path != w.dashilan.Path {
			t.Errorf("bulk audit filed under %q, want the street %q (%v)", path, w.dashilan.Path, err)
		}
		if got := commonPath("/1/2/3/", "/1/2/45/"); got != "/1/2/" {
			t.Errorf("commonPath: %s", got)
		}
		if got := commonPath("/1/2/", "/1/2/45/6/"); got != "/1/2/" {
			t.Errorf("commonPath: %s", got)
		}
		if err := w.s.BulkInsert(ctx, nil); err != nil {
			t.Errorf("empty bulk insert: %v", err)
		}
	})
}

func TestGenerate(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := NewStore(d)
		var calls int
		if err := Generate(ctx, s, 3000, 7, func(done, total int) { calls++ }); err != nil {
			t.Fatal(err)
		}
		checkTree(t, d)
		var n, maxDepth int
		if err := d.QueryRow(ctx, "SELECT count(*), max(depth) FROM orgs").Scan(&n, &maxDepth); err != nil {
			t.Fatal(err)
		}
		if n != 3000 || maxDepth != 5 || calls == 0 {
			t.Errorf("%d orgs, max depth %d, %d progress calls", n, maxDepth, calls)
		}
		rootID, _ := s.RootID(ctx)
		root, _ := s.PathOf(ctx, rootID)
		c, err := s.Count(ctx, grant(auth.RoleLeader, &Org{ID: rootID, Path: root}), rootID)
		if err != nil {
			t.Fatal(err)
		}
		rate := float64(c.Organised) / float64(c.Employers)
		if c.ByKind[KindDistrict] != 16 || c.ByKind[KindStreet]+c.ByKind[KindTownship] != 349 || rate < 0.7 || rate > 0.95 {
			t.Errorf("counts %+v, rate %.2f", c, rate)
		}
		var newForms, public, withCode int
		if err := d.QueryRow(ctx, "SELECT count(*) FROM employers WHERE new_forms = ?", true).Scan(&newForms); err != nil {
			t.Fatal(err)
		}
		_ = d.QueryRow(ctx, "SELECT count(*) FROM employers WHERE is_public = ?", true).Scan(&public)
		_ = d.QueryRow(ctx, "SELECT count(*) FROM employers WHERE credit_code IS NOT NULL").Scan(&withCode)
		if f := float64(newForms) / float64(c.Employers); f < 0.04 || f > 0.2 {
			t.Errorf("new forms share %.2f", f)
		}
		if public == 0 || withCode < c.Employers*9/10 {
			t.Errorf("public %d, with code %d of %d", public, withCode, c.Employers)
		}
		// A second run refuses: there is a tree already.
		err = Generate(ctx, s, 3000, 7, nil)
		if e, ok := errs.As(err); !ok || e.Code != "root_exists" {
			t.Errorf("second run: %v", err)
		}
		// The same seed makes the same city.
		other := NewStore(testkit.NewDB(t, d.Dialect))
		if err := Generate(ctx, other, 3000, 7, nil); err != nil {
			t.Fatal(err)
		}
		if a, b := shape(t, s.DB), shape(t, other.DB); !slices.Equal(a, b) {
			t.Error("same seed, different city")
		}
	})
}

// shape lists every organisation as "depth kind name", sorted.
func shape(t *testing.T, d *db.DB) []string {
	rows, err := d.Query(ctx, "SELECT "+orgCols+" FROM orgs")
	all, err := collectOrgs(rows, err)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(all))
	for i, o := range all {
		out[i] = string(rune('0'+o.Depth)) + string(o.Kind) + o.Name
	}
	slices.Sort(out)
	return out
}

func TestBatchSize(t *testing.T) {
	shapes := map[int]bool{}
	for n := 1; n <= 1300; n++ {
		left := n
		for left > 0 {
			b := db.BatchSize(left)
			if b < 1 || b > left || b > 500 {
				t.Fatalf("db.BatchSize(%d) = %d", left, b)
			}
			shapes[b] = true
			left -= b
		}
	}
	if len(shapes) > 10 {
		t.Errorf("%d statement shapes", len(shapes))
	}
}
