package member

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/member/membertest"
	"gonghui/internal/testkit"
)

// birthOf is the birth date membertest.IDNumber(t, n) encodes.
func birthOf(n int) string {
	return time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n%9000).Format(time.DateOnly)
}

// Point 7: a masked member shows neither the birth date nor the sex that
// the hidden digits of the ID number encode: not in the record, the list,
// the masked export (checked in package exports) or a join application;
// the audited reveal does.
func TestMaskedViewsHideBirthDate(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		m := w.add(t, w.UnionA, "王小明", 1234)
		birth := birthOf(1234)
		if m.BirthDate == birth || m.Gender != "" || m.BirthDate != MaskedBirthDate {
			t.Fatalf("created member shows %q %q", m.BirthDate, m.Gender)
		}
		got, err := w.s.Get(ctx, w.DashilanOfficer, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		list, _, err := w.s.List(ctx, w.DashilanOfficer, Query{})
		if err != nil || len(list) != 1 {
			t.Fatalf("list %v %v", list, err)
		}
		for _, v := range []Member{*got, list[0]} {
			b, _ := json.Marshal(v)
			if strings.Contains(string(b), birth) || strings.Contains(string(b), `"gender":"male"`) || strings.Contains(string(b), `"gender":"female"`) {
				t.Fatalf("masked member JSON shows the birth date or sex: %s", b)
			}
		}
		// The masked export: TestMaskedExportHidesBirthDate in package exports.
		rv, err := w.s.Reveal(ctx, w.DashilanOfficer, m.ID, "核对")
		if err != nil || rv.BirthDate != birth || rv.Gender == "" || rv.IDNumber != membertest.IDNumber(t, 1234) {
			t.Fatalf("reveal %+v %v", rv, err)
		}
		// The member sees their own record in full.
		own, err := w.s.Own(ctx, m.ID)
		if err != nil || own.BirthDate != birth {
			t.Fatalf("own record %+v %v", own, err)
		}
		a, err := w.s.Apply(ctx, w.UnionA.ID, ApplyInput{Name: "李申请", IDNumber: membertest.IDNumber(t, 1300), Mobile: membertest.Mobile(1300), EmployerID: w.EmpA.ID, Consent: true})
		if err != nil {
			t.Fatal(err)
		}
		ga, err := w.s.GetApplication(ctx, w.DashilanOfficer, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if b, _ := json.Marshal(ga); strings.Contains(string(b), birthOf(1300)) || ga.Gender != "" {
			t.Fatalf("application shows the birth date or sex: %s", b)
		}
	})
}

// Point 12: a transfer asked by ID number answers the same for a person
// in a union the caller cannot see as for nobody at all.
func TestTransferByIDNumberKeepsUnionsApart(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		w.add(t, w.UnionA, "甲会员", 1400)
		left := w.add(t, w.UnionA, "已退会", 1401)
		if _, err := w.s.SetStatus(ctx, w.Admin, left.ID, StatusChange{Status: StatusLeft, On: "2024-01-01"}); err != nil {
			t.Fatal(err)
		}
		answer := func(n int) string {
			_, err := w.s.RequestTransfer(ctx, w.XichangOf, TransferRequest{IDNumber: membertest.IDNumber(t, n), ToOrgID: w.UnionB.ID})
			e, ok := errs.As(err)
			if !ok {
				t.Fatalf("ID %d: %v", n, err)
			}
			b, _ := json.Marshal(map[string]any{"kind": e.Kind, "code": e.Code, "key": e.Key, "fields": e.Fields})
			return string(b)
		}
		unknown := answer(1499)
		if !strings.Contains(unknown, "exp.transfer_unknown") {
			t.Fatalf("unknown person: %s", unknown)
		}
		for _, n := range []int{1400, 1401} {
			if got := answer(n); got != unknown {
				t.Fatalf("ID %d in another street: %s, unknown person: %s", n, got, unknown)
			}
		}
		if n := membertest.Count(t, d, "SELECT count(*) FROM transfers"); n != 0 {
			t.Fatalf("%d transfers", n)
		}
		// Staff over both sides still ask by ID number.
		tr, err := w.s.RequestTransfer(ctx, w.Admin, TransferRequest{IDNumber: membertest.IDNumber(t, 1400), ToOrgID: w.UnionB.ID})
		if err != nil || tr.FromOrgID != w.UnionA.ID {
			t.Fatalf("request by staff over both: %+v %v", tr, err)
		}
	})
}
