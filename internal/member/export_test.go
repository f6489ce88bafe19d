package member

import (
	"bytes"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/xuri/excelize/v2"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/org"
	"gonghui/internal/testkit"
)

func tr(key string, args ...any) string { return key }

// sheetText is every cell of an .xlsx, joined.
func sheetText(t *testing.T, data []byte) string {
	t.Helper()
	x, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := x.GetRows(x.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(strings.Join(r, "|"))
		b.WriteString("\n")
	}
	return b.String()
}

// birthOf is the birth date idNumber(t, n) encodes.
func birthOf(n int) string {
	return time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n%9000).Format(time.DateOnly)
}

// staff is a principal with its own account id.
func staff(id int64, role auth.Role, orgs ...*org.Org) *auth.Principal {
	p := grant(role, orgs...)
	p.UserID, p.Username = id, "u"+db.FormatID(id)
	return p
}

// Point 7: a masked member shows neither the birth date nor the sex that
// the hidden digits of the ID number encode: not in the record, the list,
// the masked export or a join application; the audited reveal does.
func TestMaskedViewsHideBirthDate(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		m := w.add(t, w.unionA, "王小明", 1234)
		birth := birthOf(1234)
		if m.BirthDate == birth || m.Gender != "" || m.BirthDate != MaskedBirthDate {
			t.Fatalf("created member shows %q %q", m.BirthDate, m.Gender)
		}
		got, err := w.s.Get(ctx, w.dashilanOfficer, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		list, _, err := w.s.List(ctx, w.dashilanOfficer, Query{})
		if err != nil || len(list) != 1 {
			t.Fatalf("list %v %v", list, err)
		}
		for _, v := range []Member{*got, list[0]} {
			b, _ := json.Marshal(v)
			if strings.Contains(string(b), birth) || strings.Contains(string(b), `"gender":"male"`) || strings.Contains(string(b), `"gender":"female"`) {
				t.Fatalf("masked member JSON shows the birth date or sex: %s", b)
			}
		}
		var buf bytes.Buffer
		if _, err := w.s.Export(ctx, w.dashilanOfficer, Query{}, ExportOptions{}, tr, &buf); err != nil {
			t.Fatal(err)
		}
		if text := sheetText(t, buf.Bytes()); strings.Contains(text, birth) || strings.Contains(text, "member.gender.") || !strings.Contains(text, MaskedBirthDate) {
			t.Fatalf("masked export shows the birth date or sex:\n%s", text)
		}
		rv, err := w.s.Reveal(ctx, w.dashilanOfficer, m.ID, "核对")
		if err != nil || rv.BirthDate != birth || rv.Gender == "" || rv.IDNumber != idNumber(t, 1234) {
			t.Fatalf("reveal %+v %v", rv, err)
		}
		// The member sees their own record in full.
		own, err := w.s.Own(ctx, m.ID)
		if err != nil || own.BirthDate != birth {
			t.Fatalf("own record %+v %v", own, err)
		}
		a, err := w.s.Apply(ctx, w.unionA.ID, ApplyInput{Name: "李申请", IDNumber: idNumber(t, 1300), Mobile: mobile(1300), EmployerID: w.empA.ID, Consent: true})
		if err != nil {
			t.Fatal(err)
		}
		ga, err := w.s.GetApplication(ctx, w.dashilanOfficer, a.ID)
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
		w.add(t, w.unionA, "甲会员", 1400)
		left := w.add(t, w.unionA, "已退会", 1401)
		if _, err := w.s.SetStatus(ctx, w.admin, left.ID, StatusChange{Status: StatusLeft, On: "2024-01-01"}); err != nil {
			t.Fatal(err)
		}
		answer := func(n int) string {
			_, err := w.s.RequestTransfer(ctx, w.xichangOf, TransferRequest{IDNumber: idNumber(t, n), ToOrgID: w.unionB.ID})
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
		if n := count(t, d, "SELECT count(*) FROM transfers"); n != 0 {
			t.Fatalf("%d transfers", n)
		}
		// Staff over both sides still ask by ID number.
		tr, err := w.s.RequestTransfer(ctx, w.admin, TransferRequest{IDNumber: idNumber(t, 1400), ToOrgID: w.unionB.ID})
		if err != nil || tr.FromOrgID != w.unionA.ID {
			t.Fatalf("request by staff over both: %+v %v", tr, err)
		}
	})
}

// Point 8: full numbers leave only with a reason, within the quota, and
// above the threshold after another person's approval; every export is
// audited with its row count.
func TestExportApproval(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		w.s.Policy.ApprovalRows = 2
		for i, name := range []string{"成员甲", "成员乙", "成员丙"} {
			w.add(t, w.unionA, name, 1600+i)
		}
		requester := staff(11, auth.RoleOfficer, w.unionA)
		approver := staff(12, auth.RoleMembershipOfficer, w.dashilan)
		stranger := staff(13, auth.RoleOfficer, w.xichang)
		leader := staff(14, auth.RoleLeader, w.unionA)
		var buf bytes.Buffer

		// Masked: direct, and audited with its row count.
		if n, err := w.s.Export(ctx, leader, Query{}, ExportOptions{}, tr, &buf); err != nil || n != 3 {
			t.Fatalf("masked export %d %v", n, err)
		}
		if n := count(t, d, "SELECT count(*) FROM audit_log WHERE action = 'member.export' AND after_json LIKE '%\"rows\":3%'"); n != 1 {
			t.Fatalf("masked export audited %d times", n)
		}
		// Full numbers: a reason, and no more rows than the threshold.
		_, err := w.s.Export(ctx, leader, Query{}, ExportOptions{Reveal: true, Reason: "x"}, tr, &buf)
		wantKind(t, err, errs.KindForbidden)
		_, err = w.s.Export(ctx, requester, Query{}, ExportOptions{Reveal: true}, tr, &buf)
		wantField(t, err, "reason", "field.required")
		_, err = w.s.Export(ctx, requester, Query{}, ExportOptions{Reveal: true, Reason: "年检"}, tr, &buf)
		if e, ok := errs.As(err); !ok || e.Code != "export_approval_required" {
			t.Fatalf("large direct export: %v", err)
		}
		buf.Reset()
		if n, err := w.s.Export(ctx, requester, Query{Q: "成员甲"}, ExportOptions{Reveal: true, Reason: "核对"}, tr, &buf); err != nil || n != 1 {
			t.Fatalf("small direct export %d %v", n, err)
		}
		if !strings.Contains(sheetText(t, buf.Bytes()), idNumber(t, 1600)) {
			t.Fatal("small direct export without the full number")
		}

		// Above the threshold: a request another person approves.
		req, err := w.s.RequestExport(ctx, requester, Query{}, "年度核查")
		if err != nil || req.Status != ExportPending || req.Rows != 3 || req.OrgID != w.unionA.ID {
			t.Fatalf("request %+v %v", req, err)
		}
		_, err = w.s.DecideExport(ctx, requester, req.ID, ExportDecision{Action: "approve"})
		if e, ok := errs.As(err); !ok || e.Code != "export_self_approval" {
			t.Fatalf("self approval: %v", err)
		}
		_, err = w.s.DownloadExport(ctx, requester, req.ID, tr, &buf)
		wantKind(t, err, errs.KindConflict)
		_, err = w.s.DecideExport(ctx, stranger, req.ID, ExportDecision{Action: "approve"})
		wantKind(t, err, errs.KindNotFound)
		if l, _, _ := w.s.ListExports(ctx, stranger, ExportQuery{}); len(l) != 0 {
			t.Fatalf("another street lists %+v", l)
		}
		waiting, _, err := w.s.ListExports(ctx, approver, ExportQuery{View: "awaiting"})
		if err != nil || len(waiting) != 1 || !waiting[0].CanApprove {
			t.Fatalf("approver's queue %+v %v", waiting, err)
		}
		_, err = w.s.DecideExport(ctx, approver, req.ID, ExportDecision{Action: "reject"})
		wantField(t, err, "note", "field.required")
		ok, err := w.s.DecideExport(ctx, approver, req.ID, ExportDecision{Action: "approve"})
		if err != nil || ok.Status != ExportApproved || ok.DecidedBy != "u12" {
			t.Fatalf("approve %+v %v", ok, err)
		}
		_, err = w.s.DecideExport(ctx, approver, req.ID, ExportDecision{Action: "reject", Note: "晚了"})
		wantKind(t, err, errs.KindConflict)
		_, err = w.s.DownloadExport(ctx, approver, req.ID, tr, &buf)
		wantKind(t, err, errs.KindNotFound)
		buf.Reset()
		if _, err := w.s.DownloadExport(ctx, requester, req.ID, tr, &buf); err != nil {
			t.Fatal(err)
		}
		text := sheetText(t, buf.Bytes())
		for i := range 3 {
			if !strings.Contains(text, idNumber(t, 1600+i)) {
				t.Fatalf("download lacks member %d:\n%s", i, text)
			}
		}
		_, err = w.s.DownloadExport(ctx, requester, req.ID, tr, &buf)
		wantKind(t, err, errs.KindConflict)
		if n := count(t, d, "SELECT count(*) FROM audit_log WHERE action = 'pii.export' AND entity_id = ? AND after_json LIKE '%\"rows\":3%'", db.FormatID(req.ID)); n != 1 {
			t.Fatalf("download audited %d times", n)
		}

		// An approval lapses after the policy's time.
		req2, err := w.s.RequestExport(ctx, requester, Query{}, "再查")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.DecideExport(ctx, approver, req2.ID, ExportDecision{Action: "approve"}); err != nil {
			t.Fatal(err)
		}
		w.s.now = func() time.Time { return time.Now().Add(w.s.Policy.TTL + time.Minute) }
		_, err = w.s.DownloadExport(ctx, requester, req2.ID, tr, &buf)
		wantKind(t, err, errs.KindConflict)
		if g, _ := w.s.GetExport(ctx, requester, req2.ID); g.Status != ExportExpired {
			t.Fatalf("lapsed request %+v", g)
		}
	})
}

// Point 8: the hourly quota of full-number exports holds under concurrent
// requests (one upsert decides), and the mass-read alert fires once when
// an account's reads in an hour cross the threshold.
func TestExportQuotaAndMassRead(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		w.add(t, w.unionA, "成员", 1700)
		w.s.Policy.PerHour = 3
		other := NewStore(d, w.s.Keys) // a second process's store on the same database
		other.Policy.PerHour = 3
		requester := staff(21, auth.RoleOfficer, w.unionA)
		var wg sync.WaitGroup
		var mu sync.Mutex
		okN, limited := 0, 0
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s := w.s
				if i%2 == 1 {
					s = other
				}
				_, err := s.RequestExport(ctx, requester, Query{}, "并发")
				mu.Lock()
				defer mu.Unlock()
				if err == nil {
					okN++
				} else if errs.Is(err, errs.KindTooMany) {
					limited++
				} else {
					t.Errorf("request: %v", err)
				}
			}()
		}
		wg.Wait()
		if okN != 3 || limited != 5 {
			t.Fatalf("%d granted, %d limited; want 3 and 5", okN, limited)
		}

		w.s.Policy.MassRead = 3
		reader := staff(22, auth.RoleOfficer, w.unionA)
		list, _, _ := w.s.List(ctx, reader, Query{})
		before := alerts(t)
		for range 5 {
			if _, err := w.s.Reveal(ctx, reader, list[0].ID, "核对"); err != nil {
				t.Fatal(err)
			}
		}
		if got := alerts(t) - before; got != 1 {
			t.Fatalf("%v alerts after 5 reveals over a threshold of 3", got)
		}
	})
}

func alerts(t *testing.T) float64 {
	var m dto.Metric
	if err := MassReadAlerts.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetCounter().GetValue()
}
