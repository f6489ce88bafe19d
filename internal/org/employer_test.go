package org

import (
	"strings"
	"testing"

	"gonghui/internal/auth"
	"gonghui/internal/cnid"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/testkit"
)

func code(t *testing.T, body string) string {
	t.Helper()
	c, err := cnid.MakeCreditCode(body)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestEmployerValidation(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		good := func() EmployerInput {
			return EmployerInput{OwnerOrgID: w.dashilan.ID, Name: "丙公司", Category: "150", Industry: "I", Employees: 12}
		}
		valid := code(t, "91110102C0000003X")
		bad := []byte(valid)
		bad[17] = map[bool]byte{true: '1', false: '2'}[bad[17] != '1']
		cases := []struct {
			name       string
			edit       func(*EmployerInput)
			field, key string
		}{
			{"no owner", func(e *EmployerInput) { e.OwnerOrgID = 0 }, "owner_org_id", "field.required"},
			{"no name", func(e *EmployerInput) { e.Name = " " }, "name", "field.required"},
			{"long name", func(e *EmployerInput) { e.Name = strings.Repeat("名", 201) }, "name", "field.too_long"},
			{"code length", func(e *EmployerInput) { e.CreditCode = "9111" }, "credit_code", "field.credit_code.length"},
			{"code check", func(e *EmployerInput) { e.CreditCode = string(bad) }, "credit_code", "field.credit_code.check"},
			{"code charset", func(e *EmployerInput) { e.CreditCode = "91110102C0000003IO" }, "credit_code", "field.credit_code.charset"},
			{"code taken", func(e *EmployerInput) { e.CreditCode = strings.ToLower(w.empB.CreditCode) }, "credit_code", "field.credit_code.taken"},
			{"no category", func(e *EmployerInput) { e.Category = "" }, "category", "field.required"},
			{"bad category", func(e *EmployerInput) { e.Category = "180" }, "category", "field.invalid_choice"},
			{"bad industry", func(e *EmployerInput) { e.Industry = "U" }, "industry", "field.invalid_choice"},
			{"negative staff", func(e *EmployerInput) { e.Employees = -1 }, "employees", "field.out_of_range"},
			{"division", func(e *EmployerInput) { e.DivisionCode = "310101" }, "division_code", "field.division.unknown"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				in := good()
				c.edit(&in)
				before := takeSnapshot(t, d)
				_, err := w.s.CreateEmployer(ctx, w.admin, in)
				wantField(t, err, c.field, c.key)
				if c.field != "owner_org_id" { // on update, no owner keeps the owner
					_, err = w.s.UpdateEmployer(ctx, w.admin, w.empA.ID, in)
					wantField(t, err, c.field, c.key)
				}
				if takeSnapshot(t, d) != before {
					t.Error("failed employer write changed the database")
				}
			})
		}
		in := good()
		in.CreditCode = " " + strings.ToLower(valid) + " "
		e, err := w.s.CreateEmployer(ctx, w.dashilanOfficer, in)
		if err != nil {
			t.Fatal(err)
		}
		if e.CreditCode != valid || e.IsPublic || e.OwnerOrgName != w.dashilan.Name || e.UnionID != 0 {
			t.Errorf("created %+v", e)
		}
		got, err := w.s.GetEmployer(ctx, w.dashilanLeader, e.ID)
		if err != nil || *got != *e {
			t.Errorf("read back %+v %v, want %+v", got, err, e)
		}
		// Public by default for a public category; an explicit answer wins.
		in = good()
		in.Name, in.Category = "某事业单位", "400"
		if e, err := w.s.CreateEmployer(ctx, w.admin, in); err != nil || !e.IsPublic {
			t.Errorf("public default: %+v %v", e, err)
		}
		no := false
		in.Name, in.IsPublic = "某改制单位", &no
		if e, err := w.s.CreateEmployer(ctx, w.admin, in); err != nil || e.IsPublic {
			t.Errorf("explicit: %+v %v", e, err)
		}
		// Any number of employers may go without a credit code.
		in = good()
		in.Name = "无代码甲"
		if _, err := w.s.CreateEmployer(ctx, w.admin, in); err != nil {
			t.Error(err)
		}
		in.Name = "无代码乙"
		if _, err := w.s.CreateEmployer(ctx, w.admin, in); err != nil {
			t.Error(err)
		}
		// Changing the owner: within the caller's write scope only.
		upd := good()
		upd.Name, upd.CreditCode, upd.OwnerOrgID = "丙公司（改）", valid, w.xichang.ID
		_, err = w.s.UpdateEmployer(ctx, w.dashilanOfficer, e.ID, upd)
		wantKind(t, err, errs.KindNotFound)
		_, err = w.s.UpdateEmployer(ctx, w.twoStreets, e.ID, upd)
		wantKind(t, err, errs.KindForbidden)
		_, err = w.s.UpdateEmployer(ctx, w.dashilanLeader, e.ID, good())
		wantKind(t, err, errs.KindForbidden)
		_, err = w.s.UpdateEmployer(ctx, w.dashilanOfficer, w.empB.ID, good())
		wantKind(t, err, errs.KindNotFound)
		moved, err := w.s.UpdateEmployer(ctx, w.xichengOfficer, e.ID, upd)
		if err != nil || moved.OwnerOrgID != w.xichang.ID || moved.Name != "丙公司（改）" {
			t.Fatalf("owner change: %+v %v", moved, err)
		}
		_, err = w.s.GetEmployer(ctx, w.dashilanOfficer, e.ID)
		wantKind(t, err, errs.KindNotFound)
		es := auditOf(t, w, "employer", e.ID)
		if len(es) != 3 || es[0].Action != "employer.move_out" || es[1].Action != "employer.update" || es[2].Action != "employer.create" {
			t.Errorf("audit: %+v", es)
		}
		// OwnerOrgID 0 on update keeps the owner.
		upd.OwnerOrgID, upd.Employees = 0, 99
		if e2, err := w.s.UpdateEmployer(ctx, w.admin, e.ID, upd); err != nil || e2.OwnerOrgID != w.xichang.ID || e2.Employees != 99 {
			t.Errorf("keep owner: %+v %v", e2, err)
		}
		checkTree(t, d)
	})
}

func TestLinksAndCounts(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		mk := func(name string, owner *Org) *Employer {
			e, err := w.s.CreateEmployer(ctx, w.admin, EmployerInput{OwnerOrgID: owner.ID, Name: name, Category: "600"})
			if err != nil {
				t.Fatal(err)
			}
			return e
		}
		shop1, shop2, shop3 := mk("便利店一", w.dashilan), mk("便利店二", w.dashilan), mk("便利店三", w.dashilan)
		joint, err := w.s.Create(ctx, w.admin, CreateInput{ParentID: w.dashilan.ID, Name: "某社区联合工会", Kind: KindJoint})
		if err != nil {
			t.Fatal(err)
		}
		before := takeSnapshot(t, d)
		for _, c := range []struct {
			name       string
			org        *Org
			emp        *Employer
			field, key string
		}{
			{"federation", w.dashilan, shop1, "employer_id", "org.employer_kind"},
			{"sub-union", w.subA, shop1, "employer_id", "org.employer_kind"},
			{"group", w.groupA, shop1, "employer_id", "org.employer_kind"},
			{"single union, second employer", w.unionA, shop1, "employer_id", "org.employer_single"},
			{"organised elsewhere", joint, w.empA, "employer_id", "org.employer_taken"},
		} {
			err := w.s.LinkEmployer(ctx, w.admin, c.org.ID, c.emp.ID)
			if e, ok := errs.As(err); !ok || e.Fields[c.field].Key != c.key {
				t.Errorf("%s: %v", c.name, err)
			}
		}
		// Scope: the union must be writable, the employer visible.
		wantKind(t, w.s.LinkEmployer(ctx, w.dashilanLeader, joint.ID, shop1.ID), errs.KindForbidden)
		wantKind(t, w.s.LinkEmployer(ctx, w.dashilanOfficer, w.unionB.ID, shop1.ID), errs.KindNotFound)
		wantKind(t, w.s.LinkEmployer(ctx, w.dashilanOfficer, joint.ID, w.empB.ID), errs.KindNotFound)
		wantKind(t, w.s.LinkEmployer(ctx, w.dashilanOfficer, joint.ID, 42), errs.KindNotFound)
		if takeSnapshot(t, d) != before {
			t.Fatal("refused links changed the database")
		}
		// Before any link: 4 employers in the street, 1 organised.
		c, _ := w.s.Count(ctx, w.admin, w.dashilan.ID)
		if c.Employers != 4 || c.Organised != 1 {
			t.Errorf("counts before: %+v", c)
		}
		unorganised := false
		if list, _, _ := w.s.ListEmployers(ctx, w.dashilanOfficer, EmployerQuery{Organised: &unorganised}); len(list) != 3 {
			t.Errorf("unorganised: %d", len(list))
		}
		// A joint union takes several; linking twice is a no-op.
		for _, e := range []*Employer{shop1, shop2, shop2} {
			if err := w.s.LinkEmployer(ctx, w.dashilanOfficer, joint.ID, e.ID); err != nil {
				t.Fatal(err)
			}
		}
		list, err := w.s.Employers(ctx, w.dashilanLeader, joint.ID)
		if err != nil || len(list) != 2 || list[0].UnionID != joint.ID || list[0].UnionName != joint.Name {
			t.Errorf("joint's employers: %+v %v", list, err)
		}
		c, _ = w.s.Count(ctx, w.admin, w.dashilan.ID)
		if c.Employers != 4 || c.Organised != 3 {
			t.Errorf("counts after: %+v", c)
		}
		// A joint union cannot become a single union while it has two.
		_, err = w.s.Update(ctx, w.admin, joint.ID, UpdateInput{Name: joint.Name, Kind: KindGrassroots})
		wantField(t, err, "kind", "org.kind_employers")
		// Organised by a union inside, owned outside: the union's subtree
		// counts it; the rate never passes 1.
		if err := w.s.UnlinkEmployer(ctx, w.admin, w.unionB.ID, w.empB.ID); err != nil {
			t.Fatal(err)
		}
		if err := w.s.LinkEmployer(ctx, w.admin, joint.ID, w.empB.ID); err != nil {
			t.Fatal(err)
		}
		c, _ = w.s.Count(ctx, w.admin, joint.ID)
		if c.Orgs != 1 || c.Employers != 3 || c.Organised != 3 {
			t.Errorf("joint's counts: %+v", c)
		}
		c, _ = w.s.Count(ctx, w.admin, w.xichang.ID)
		if c.Employers != 1 || c.Organised != 1 {
			t.Errorf("owner street's counts: %+v", c)
		}
		c, _ = w.s.Count(ctx, w.admin, w.root.ID)
		if c.Orgs != 10 || c.Employers != 5 || c.Organised != 4 || c.ByKind[KindStreet] != 2 || c.ByKind[KindJoint] != 1 {
			t.Errorf("root counts: %+v", c)
		}
		// Unlinking needs write and an existing link.
		wantKind(t, w.s.UnlinkEmployer(ctx, w.dashilanLeader, joint.ID, shop1.ID), errs.KindForbidden)
		wantKind(t, w.s.UnlinkEmployer(ctx, w.admin, joint.ID, shop3.ID), errs.KindNotFound)
		if err := w.s.UnlinkEmployer(ctx, w.dashilanOfficer, joint.ID, shop1.ID); err != nil {
			t.Fatal(err)
		}
		es := auditOf(t, w, "org", joint.ID)
		if len(es) < 4 || es[0].Action != "org.unlink_employer" || es[1].Action != "org.link_employer" {
			t.Errorf("audit: %+v", es)
		}
		// Filters of the list.
		yes := true
		for _, c := range []struct {
			q    EmployerQuery
			want int
		}{
			{EmployerQuery{}, 5},
			{EmployerQuery{Q: "便利店"}, 3},
			{EmployerQuery{Q: w.empA.CreditCode}, 1},
			{EmployerQuery{Q: strings.ToLower(w.empA.CreditCode)}, 1},
			{EmployerQuery{Category: "600"}, 3},
			{EmployerQuery{Organised: &yes}, 3},
			{EmployerQuery{Within: w.xicheng.ID, IsPublic: &unorganised}, 5},
			{EmployerQuery{NewForms: &yes}, 0},
			{EmployerQuery{Within: joint.ID}, 0},
		} {
			list, _, err := w.s.ListEmployers(ctx, w.admin, c.q)
			if err != nil || len(list) != c.want {
				t.Errorf("%+v: %d, %v", c.q, len(list), err)
			}
		}
		_, _, err = w.s.ListEmployers(ctx, w.admin, EmployerQuery{Category: "1"})
		wantField(t, err, "category", "field.invalid_choice")
		// Paging by name.
		p1, next, err := w.s.ListEmployers(ctx, grant(auth.RoleLeader, w.root), EmployerQuery{Limit: 2})
		if err != nil || len(p1) != 2 || next == "" {
			t.Fatal(err)
		}
		p2, _, err := w.s.ListEmployers(ctx, w.admin, EmployerQuery{Limit: 10, After: next})
		seen := map[int64]bool{}
		for _, e := range append(p1, p2...) {
			seen[e.ID] = true
		}
		if err != nil || len(p2) != 3 || len(seen) != 5 {
			t.Errorf("page 2: %d %v", len(p2), err)
		}
		checkTree(t, d)
	})
}
