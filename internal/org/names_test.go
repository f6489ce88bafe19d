package org

import (
	"slices"
	"testing"

	"gonghui/internal/db"
	"gonghui/internal/testkit"
)

// People search by the short names they use (北京排水集团) and by pinyin
// initials; a street officer still finds only what is in the street.
func TestSearchByShortNameAndInitials(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		water, err := w.s.Create(ctx, w.admin, CreateInput{ParentID: w.dashilan.ID, Name: "北京城市排水集团有限责任公司工会",
			ShortName: " 北京排水集团工会 ", Kind: KindGrassroots})
		if err != nil {
			t.Fatal(err)
		}
		if water.ShortName != "北京排水集团工会" {
			t.Fatalf("short name %q", water.ShortName)
		}
		for _, q := range []string{"北京排水集团", "排水集团", "bjpsjt", "BJPSJT", "bjcspsjt"} {
			got, _, err := w.s.Search(ctx, w.dashilanOfficer, Query{Q: q})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(names(got), []string{water.Name}) {
				t.Errorf("search %q: %v", q, names(got))
			}
		}
		// Out of scope: the other street's officer finds nothing.
		other := grant(w.dashilanOfficer.Grants[0].Role, w.xichang)
		got, _, err := w.s.Search(ctx, other, Query{Q: "bjpsjt"})
		if err != nil || len(got) != 0 {
			t.Fatalf("other street found %v, %v", names(got), err)
		}
		// A short name is kept on update and can be cleared.
		up, err := w.s.Update(ctx, w.admin, water.ID, UpdateInput{Name: water.Name, Kind: water.Kind})
		if err != nil || up.ShortName != "" {
			t.Fatalf("clear short name: %+v, %v", up, err)
		}
		if got, _, _ := w.s.Search(ctx, w.admin, Query{Q: "北京排水集团"}); len(got) != 0 {
			t.Fatalf("cleared short name still found: %v", names(got))
		}

		// Employers likewise.
		emp, err := w.s.CreateEmployer(ctx, w.admin, EmployerInput{OwnerOrgID: w.dashilan.ID, Name: "北京城市排水集团有限责任公司",
			ShortName: "北京排水集团", Category: "110", Industry: "D"})
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{"北京排水集团", "bjpsjt"} {
			got, _, err := w.s.ListEmployers(ctx, w.dashilanOfficer, EmployerQuery{Q: q})
			if err != nil || len(got) != 1 || got[0].ID != emp.ID || got[0].ShortName != "北京排水集团" {
				t.Errorf("employers %q: %+v, %v", q, got, err)
			}
		}
	})
}

func TestShortNameValidation(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		_, err := w.s.Create(ctx, w.admin, CreateInput{ParentID: w.dashilan.ID, Name: "丙公司工会", ShortName: "丙\n工会", Kind: KindGrassroots})
		wantField(t, err, "short_name", "org.name_control")
		_, err = w.s.Create(ctx, w.admin, CreateInput{ParentID: w.dashilan.ID, Name: "丙公司工会", ShortName: "丙公司工会", Kind: KindGrassroots})
		wantField(t, err, "short_name", "org.short_name_same")
		_, err = w.s.CreateEmployer(ctx, w.admin, EmployerInput{OwnerOrgID: w.dashilan.ID, Name: "丙公司", ShortName: "丙公司", Category: "170"})
		wantField(t, err, "short_name", "org.short_name_same")
	})
}

// Children come in the official order: division code first, then by
// pinyin; pages follow that order without gaps or repeats.
func TestChildrenInOfficialOrder(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		// Without codes, by reading: 昌 before 大 before 东, which code-point
		// order (东 U+4E1C, 大 U+5927, 昌 U+660C) would reverse.
		for _, n := range []string{"东方公司工会", "大华公司工会", "昌盛公司工会"} {
			if _, err := w.s.Create(ctx, w.admin, CreateInput{ParentID: w.xichang.ID, Name: n, Kind: KindGrassroots}); err != nil {
				t.Fatal(err)
			}
		}
		var all []Org
		cursor := ""
		for {
			page, next, err := w.s.Children(ctx, w.admin, w.xichang.ID, cursor, 2)
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, page...)
			if next == "" {
				break
			}
			cursor = next
		}
		// 乙公司工会 has the street's code, so it comes first.
		want := []string{"乙公司工会", "昌盛公司工会", "大华公司工会", "东方公司工会"}
		if !slices.Equal(names(all), want) {
			t.Fatalf("children %v, want %v", names(all), want)
		}
		// The districts under the root by their codes: 东城 110101 before 西城 110102.
		kids, _, err := w.s.Children(ctx, w.admin, w.root.ID, "", 0)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(names(kids), []string{w.dongcheng.Name, w.xicheng.Name}) {
			t.Fatalf("districts %v", names(kids))
		}
	})
}

// Rows written before the keys existed get them when a server starts.
func TestFillKeys(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		if _, err := d.Exec(ctx, "UPDATE orgs SET search_key = '', sort_key = ''"); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Exec(ctx, "UPDATE employers SET search_key = ''"); err != nil {
			t.Fatal(err)
		}
		n, err := w.s.FillKeys(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n != 11 { // 9 organisations, 2 employers
			t.Fatalf("filled %d rows", n)
		}
		if n, err := w.s.FillKeys(ctx); err != nil || n != 0 {
			t.Fatalf("second fill: %d, %v", n, err)
		}
		got, _, err := w.s.Search(ctx, w.admin, Query{Q: "dzl"})
		if err != nil || !slices.Equal(names(got), []string{w.dashilan.Name}) {
			t.Fatalf("initials after fill: %v, %v", names(got), err)
		}
		emps, _, err := w.s.ListEmployers(ctx, w.admin, EmployerQuery{Q: "jgs"})
		if err != nil || len(emps) != 1 || emps[0].ID != w.empA.ID {
			t.Fatalf("employer initials after fill: %+v, %v", emps, err)
		}
	})
}
