package org

import (
	"slices"
	"strings"
	"testing"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/beijing"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/i18n"
	"gonghui/internal/testkit"
)

func TestKindsAndCatalogue(t *testing.T) {
	if len(Kinds) != 10 {
		t.Fatalf("kinds: %d", len(Kinds))
	}
	for _, k := range Kinds {
		if !k.Valid() || !i18n.Has("org.kind."+string(k)) {
			t.Errorf("kind %s: valid %v, label %v", k, k.Valid(), i18n.Has("org.kind."+string(k)))
		}
	}
	if Kind("street").Valid() || !KindStreet.IsFederation() || KindIndustry.IsFederation() || KindGrassroots.IsFederation() {
		t.Error("Valid/IsFederation")
	}
	for _, p := range Positions {
		if !i18n.Has("org.position." + p) {
			t.Errorf("position %s has no label", p)
		}
	}
	for _, c := range Categories {
		if got := i18n.T(i18n.ZH, "org.category."+c); got != CategoryName(c, true) {
			t.Errorf("category %s: catalogue %q, table %q", c, got, CategoryName(c, true))
		}
		if got := i18n.T(i18n.EN, "org.category."+c); got != CategoryName(c, false) {
			t.Errorf("category %s: catalogue %q, table %q", c, got, CategoryName(c, false))
		}
	}
	if CategoryName("999", true) != "" {
		t.Error("unknown category has a name")
	}
	for _, c := range Industries {
		if !i18n.Has("org.industry." + c) {
			t.Errorf("industry %s has no label", c)
		}
	}
	for c, want := range map[string]bool{"110": true, "120": true, "400": true, "500": true, "150": false, "170": false, "300": false} {
		if DefaultPublic(c) != want {
			t.Errorf("DefaultPublic(%s) != %v", c, want)
		}
	}
}

func TestCreateValidation(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		tomorrow := time.Now().In(beijing.Zone).AddDate(0, 0, 2).Format(time.DateOnly)
		long := strings.Repeat("工", 101)
		cases := []struct {
			name       string
			in         CreateInput
			field, key string
		}{
			{"no name", CreateInput{ParentID: w.dashilan.ID, Kind: KindGrassroots}, "name", "field.required"},
			{"blank name", CreateInput{ParentID: w.dashilan.ID, Name: "  ", Kind: KindGrassroots}, "name", "field.required"},
			{"long name", CreateInput{ParentID: w.dashilan.ID, Name: long, Kind: KindGrassroots}, "name", "field.too_long"},
			{"newline", CreateInput{ParentID: w.dashilan.ID, Name: "甲\n乙", Kind: KindGrassroots}, "name", "org.name_control"},
			{"sibling name", CreateInput{ParentID: w.dashilan.ID, Name: " 甲公司工会 ", Kind: KindGrassroots}, "name", "org.name_taken"},
			{"no kind", CreateInput{ParentID: w.dashilan.ID, Name: "丙"}, "kind", "field.required"},
			{"bad kind", CreateInput{ParentID: w.dashilan.ID, Name: "丙", Kind: "street"}, "kind", "field.invalid_choice"},
			{"federation under union", CreateInput{ParentID: w.unionA.ID, Name: "丙", Kind: KindStreet}, "kind", "org.kind_under_union"},
			{"industry union under sub-union", CreateInput{ParentID: w.subA.ID, Name: "丙", Kind: KindIndustry}, "kind", "org.kind_under_union"},
			{"second city", CreateInput{ParentID: w.xicheng.ID, Name: "丙", Kind: KindCity}, "kind", "org.kind_city_root"},
			{"under a group", CreateInput{ParentID: w.groupA.ID, Name: "丙", Kind: KindGroup}, "parent_id", "org.group_no_children"},
			{"founded in future", CreateInput{ParentID: w.dashilan.ID, Name: "丙", Kind: KindGrassroots, FoundedOn: tomorrow}, "founded_on", "org.date_future"},
			{"not a date", CreateInput{ParentID: w.dashilan.ID, Name: "丙", Kind: KindGrassroots, FoundedOn: "2023-02-30"}, "founded_on", "field.invalid_date"},
			{"loose date", CreateInput{ParentID: w.dashilan.ID, Name: "丙", Kind: KindGrassroots, FoundedOn: "2023-2-3"}, "founded_on", "field.invalid_date"},
			{"long phone", CreateInput{ParentID: w.dashilan.ID, Name: "丙", Kind: KindGrassroots, Phone: strings.Repeat("1", 31)}, "phone", "field.too_long"},
			{"division", CreateInput{ParentID: w.dashilan.ID, Name: "丙", Kind: KindGrassroots, DivisionCode: "120101"}, "division_code", "field.division.unknown"},
			{"long address", CreateInput{ParentID: w.dashilan.ID, Name: "丙", Kind: KindGrassroots, Address: strings.Repeat("路", 201)}, "address", "field.too_long"},
			{"long note", CreateInput{ParentID: w.dashilan.ID, Name: "丙", Kind: KindGrassroots, Note: strings.Repeat("记", 1001)}, "note", "field.too_long"},
			{"no parent", CreateInput{Name: "丙", Kind: KindCity}, "parent_id", "field.required"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				before := takeSnapshot(t, d)
				_, err := w.s.Create(ctx, w.admin, c.in)
				wantField(t, err, c.field, c.key)
				if after := takeSnapshot(t, d); after != before {
					t.Errorf("a failed create changed the database: %+v -> %+v", before, after)
				}
			})
		}
		// The good case, with every field, and names differing only by
		// case are distinct.
		o, err := w.s.Create(ctx, w.dashilanOfficer, CreateInput{ParentID: w.dashilan.ID, Name: " 丙公司工会 ", Kind: KindGrassroots,
			DivisionCode: "110102013", Address: "北京市西城区大栅栏街道1号", Phone: "010-63000000", FoundedOn: "2020-05-01", Note: "备注"})
		if err != nil {
			t.Fatal(err)
		}
		if o.Name != "丙公司工会" || o.Depth != 3 || o.Path != w.dashilan.Path+db.FormatID(o.ID)+"/" || o.ParentID != w.dashilan.ID {
			t.Errorf("created %+v", o)
		}
		got, err := w.s.Get(ctx, w.admin, o.ID)
		if err != nil || *got != *o {
			t.Errorf("read back %+v, %v; want %+v", got, err, o)
		}
		for _, n := range []string{"ABC工会", "abc工会"} {
			if _, err := w.s.Create(ctx, w.admin, CreateInput{ParentID: w.dashilan.ID, Name: n, Kind: KindGrassroots}); err != nil {
				t.Errorf("%s: %v", n, err)
			}
		}
		if es := auditOf(t, w, "org", o.ID); len(es) != 1 || es[0].Action != "org.create" || es[0].OrgPath != o.Path || es[0].ActorName != "system" {
			t.Errorf("audit: %+v", es)
		}
		checkTree(t, d)
	})
}

func TestScopedReads(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		p := w.dashilanLeader
		// Inside the street: everything answers.
		for _, o := range []*Org{w.dashilan, w.unionA, w.subA, w.groupA} {
			if _, err := w.s.Get(ctx, p, o.ID); err != nil {
				t.Errorf("get %s: %v", o.Name, err)
			}
		}
		// Outside: a sibling street and its children, the district above,
		// the root, another district, and IDs that do not exist at all.
		for _, id := range []int64{w.xichang.ID, w.unionB.ID, w.xicheng.ID, w.root.ID, w.dongcheng.ID, 12345} {
			_, err := w.s.Get(ctx, p, id)
			wantKind(t, err, errs.KindNotFound)
			_, _, err = w.s.Children(ctx, p, id, "", 0)
			wantKind(t, err, errs.KindNotFound)
			_, _, err = w.s.Subtree(ctx, p, id, "", 0)
			wantKind(t, err, errs.KindNotFound)
			_, err = w.s.Count(ctx, p, id)
			wantKind(t, err, errs.KindNotFound)
			_, err = w.s.Ancestors(ctx, p, id)
			wantKind(t, err, errs.KindNotFound)
			_, _, err = w.s.Search(ctx, p, Query{Within: id})
			wantKind(t, err, errs.KindNotFound)
			_, _, err = w.s.Search(ctx, p, Query{Parent: id})
			wantKind(t, err, errs.KindNotFound)
			_, _, err = w.s.ListEmployers(ctx, p, EmployerQuery{Within: id})
			wantKind(t, err, errs.KindNotFound)
			_, err = w.s.Employers(ctx, p, id)
			wantKind(t, err, errs.KindNotFound)
			_, err = w.s.Officers(ctx, p, id)
			wantKind(t, err, errs.KindNotFound)
		}
		_, err := w.s.GetEmployer(ctx, p, w.empB.ID)
		wantKind(t, err, errs.KindNotFound)
		if _, err := w.s.GetEmployer(ctx, p, w.empA.ID); err != nil {
			t.Error(err)
		}
		// Listings show the street's subtree only.
		all, next, err := w.s.Search(ctx, p, Query{})
		if err != nil || next != "" {
			t.Fatal(err, next)
		}
		if got := names(all); !slices.Equal(got, []string{w.dashilan.Name, w.unionA.Name, w.subA.Name, w.groupA.Name}) {
			t.Errorf("search: %v", got)
		}
		if hits, _, _ := w.s.Search(ctx, p, Query{Q: "公司"}); !slices.Equal(names(hits), []string{w.unionA.Name}) {
			t.Errorf("search 公司: %v", names(hits))
		}
		emps, _, err := w.s.ListEmployers(ctx, p, EmployerQuery{})
		if err != nil || len(emps) != 1 || emps[0].ID != w.empA.ID {
			t.Errorf("employers: %+v %v", emps, err)
		}
		roots, err := w.s.Roots(ctx, p)
		if err != nil || !slices.Equal(names(roots), []string{w.dashilan.Name}) {
			t.Errorf("roots: %v %v", names(roots), err)
		}
		anc, err := w.s.Ancestors(ctx, p, w.groupA.ID)
		if err != nil || !slices.Equal(names(anc), []string{w.dashilan.Name, w.unionA.Name, w.subA.Name}) {
			t.Errorf("ancestors: %v %v", names(anc), err)
		}
		c, err := w.s.Count(ctx, p, w.dashilan.ID)
		if err != nil || c.Orgs != 4 || c.ByKind[KindGroup] != 1 || c.Employers != 1 || c.Organised != 1 {
			t.Errorf("count: %+v %v", c, err)
		}
		// Two grants: both subtrees, nothing else.
		roots, _ = w.s.Roots(ctx, w.twoStreets)
		if !slices.Equal(names(roots), []string{w.dashilan.Name, w.xichang.Name}) {
			t.Errorf("roots of two streets: %v", names(roots))
		}
		hits, _, _ := w.s.Search(ctx, w.twoStreets, Query{Q: "公司工会"})
		if !slices.Equal(sorted(names(hits)), sorted([]string{w.unionA.Name, w.unionB.Name})) {
			t.Errorf("search over two streets: %v", names(hits))
		}
		// No grant at all: nothing, and no error.
		if hits, _, err := w.s.Search(ctx, w.nobody, Query{}); err != nil || len(hits) != 0 {
			t.Errorf("nobody searched: %v %v", hits, err)
		}
		if r, err := w.s.Roots(ctx, w.nobody); err != nil || len(r) != 0 {
			t.Errorf("nobody's roots: %v %v", r, err)
		}
		// A nil principal is a bug in the caller, not an empty answer.
		_, err = w.s.Get(ctx, nil, w.root.ID)
		wantKind(t, err, errs.KindInternal)
		_, _, err = w.s.Search(ctx, nil, Query{})
		wantKind(t, err, errs.KindInternal)
	})
}

func names(os []Org) []string {
	out := make([]string, len(os))
	for i, o := range os {
		out[i] = o.Name
	}
	return out
}

func sorted(s []string) []string { slices.Sort(s); return s }

func TestScopedWrites(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		in := CreateInput{Name: "新工会", Kind: KindGrassroots}
		// Read-only over the street: forbidden; outside: not found.
		for _, c := range []struct {
			p      string
			parent *Org
			kind   errs.Kind
		}{
			{"leader", w.dashilan, errs.KindForbidden},
			{"leader", w.unionA, errs.KindForbidden},
			{"officer", w.xichang, errs.KindNotFound},
			{"officer", w.xicheng, errs.KindNotFound},
			{"nobody", w.dashilan, errs.KindNotFound},
		} {
			pr := map[string]*auth.Principal{"leader": w.dashilanLeader, "officer": w.dashilanOfficer, "nobody": w.nobody}[c.p]
			before := takeSnapshot(t, d)
			in.ParentID = c.parent.ID
			_, err := w.s.Create(ctx, pr, in)
			wantKind(t, err, c.kind)
			_, err = w.s.Update(ctx, pr, c.parent.ID, UpdateInput{Name: "改名", Kind: c.parent.Kind})
			wantKind(t, err, c.kind)
			_, err = w.s.AddOfficer(ctx, pr, c.parent.ID, OfficerInput{Name: "张三", Position: "chair", TermStart: "2021-01-01"})
			wantKind(t, err, c.kind)
			_, err = w.s.CreateEmployer(ctx, pr, EmployerInput{OwnerOrgID: c.parent.ID, Name: "丁公司", Category: "170"})
			wantKind(t, err, c.kind)
			if after := takeSnapshot(t, d); after != before {
				t.Errorf("%s under %s: refused write changed the database", c.p, c.parent.Name)
			}
		}
		// Invalid input from someone who may not even see the parent gets
		// NotFound, not a list of what is wrong with the input.
		_, err := w.s.Create(ctx, w.dashilanOfficer, CreateInput{ParentID: w.xichang.ID})
		wantKind(t, err, errs.KindNotFound)
		// The officer of the street may write there.
		if _, err := w.s.Create(ctx, w.dashilanOfficer, CreateInput{ParentID: w.unionA.ID, Name: "销售部分工会", Kind: KindSub}); err != nil {
			t.Error(err)
		}
	})
}
