package exports

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/xuri/excelize/v2"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/member"
	"gonghui/internal/member/membertest"
	"gonghui/internal/member/membertest/storetest"
	"gonghui/internal/testkit"
	"gonghui/internal/testkit/orgtree"
)

var ctx = context.Background()

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

// Point 7, as far as exports go: the masked export shows neither the birth
// date nor the sex that the hidden digits of the ID number encode.
func TestMaskedExportHidesBirthDate(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := storetest.New(t, d)
		w.Add(t, w.UnionA, "王小明", 1234)
		birth := time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, 1234).Format(time.DateOnly)
		var buf bytes.Buffer
		if _, err := Export(ctx, w.S, orgtree.Grant(auth.RoleOfficer, w.Dashilan), member.Query{}, ExportOptions{}, tr, &buf); err != nil {
			t.Fatal(err)
		}
		if text := sheetText(t, buf.Bytes()); strings.Contains(text, birth) || strings.Contains(text, "member.gender.") || !strings.Contains(text, member.MaskedBirthDate) {
			t.Fatalf("masked export shows the birth date or sex:\n%s", text)
		}
	})
}

// Point 8: full numbers leave only with a reason, within the quota, and
// above the threshold after another person's approval; every export is
// audited with its row count.
func TestExportApproval(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := storetest.New(t, d)
		w.S.Policy.ApprovalRows = 2
		for i, name := range []string{"成员甲", "成员乙", "成员丙"} {
			w.Add(t, w.UnionA, name, 1600+i)
		}
		requester := membertest.Staff(11, auth.RoleOfficer, w.UnionA)
		approver := membertest.Staff(12, auth.RoleMembershipOfficer, w.Dashilan)
		stranger := membertest.Staff(13, auth.RoleOfficer, w.Xichang)
		leader := membertest.Staff(14, auth.RoleLeader, w.UnionA)
		var buf bytes.Buffer

		// Masked: direct, and audited with its row count.
		if n, err := Export(ctx, w.S, leader, member.Query{}, ExportOptions{}, tr, &buf); err != nil || n != 3 {
			t.Fatalf("masked export %d %v", n, err)
		}
		if n := membertest.Count(t, d, "SELECT count(*) FROM audit_log WHERE action = 'member.export' AND after_json LIKE '%\"rows\":3%'"); n != 1 {
			t.Fatalf("masked export audited %d times", n)
		}
		// Full numbers: a reason, and no more rows than the threshold.
		_, err := Export(ctx, w.S, leader, member.Query{}, ExportOptions{Reveal: true, Reason: "x"}, tr, &buf)
		membertest.WantKind(t, err, errs.KindForbidden)
		_, err = Export(ctx, w.S, requester, member.Query{}, ExportOptions{Reveal: true}, tr, &buf)
		membertest.WantField(t, err, "reason", "field.required")
		_, err = Export(ctx, w.S, requester, member.Query{}, ExportOptions{Reveal: true, Reason: "年检"}, tr, &buf)
		if e, ok := errs.As(err); !ok || e.Code != "export_approval_required" {
			t.Fatalf("large direct export: %v", err)
		}
		buf.Reset()
		if n, err := Export(ctx, w.S, requester, member.Query{Q: "成员甲"}, ExportOptions{Reveal: true, Reason: "核对"}, tr, &buf); err != nil || n != 1 {
			t.Fatalf("small direct export %d %v", n, err)
		}
		if !strings.Contains(sheetText(t, buf.Bytes()), membertest.IDNumber(t, 1600)) {
			t.Fatal("small direct export without the full number")
		}

		// Above the threshold: a request another person approves.
		req, err := RequestExport(ctx, w.S, requester, member.Query{}, "年度核查")
		if err != nil || req.Status != ExportPending || req.Rows != 3 || req.OrgID != w.UnionA.ID {
			t.Fatalf("request %+v %v", req, err)
		}
		_, err = DecideExport(ctx, w.S, requester, req.ID, ExportDecision{Action: "approve"})
		if e, ok := errs.As(err); !ok || e.Code != "export_self_approval" {
			t.Fatalf("self approval: %v", err)
		}
		_, err = DownloadExport(ctx, w.S, requester, req.ID, tr, &buf)
		membertest.WantKind(t, err, errs.KindConflict)
		_, err = DecideExport(ctx, w.S, stranger, req.ID, ExportDecision{Action: "approve"})
		membertest.WantKind(t, err, errs.KindNotFound)
		if l, _, _ := ListExports(ctx, w.S, stranger, ExportQuery{}); len(l) != 0 {
			t.Fatalf("another street lists %+v", l)
		}
		waiting, _, err := ListExports(ctx, w.S, approver, ExportQuery{View: "awaiting"})
		if err != nil || len(waiting) != 1 || !waiting[0].CanApprove {
			t.Fatalf("approver's queue %+v %v", waiting, err)
		}
		_, err = DecideExport(ctx, w.S, approver, req.ID, ExportDecision{Action: "reject"})
		membertest.WantField(t, err, "note", "field.required")
		ok, err := DecideExport(ctx, w.S, approver, req.ID, ExportDecision{Action: "approve"})
		if err != nil || ok.Status != ExportApproved || ok.DecidedBy != "u12" {
			t.Fatalf("approve %+v %v", ok, err)
		}
		_, err = DecideExport(ctx, w.S, approver, req.ID, ExportDecision{Action: "reject", Note: "晚了"})
		membertest.WantKind(t, err, errs.KindConflict)
		_, err = DownloadExport(ctx, w.S, approver, req.ID, tr, &buf)
		membertest.WantKind(t, err, errs.KindNotFound)
		buf.Reset()
		if _, err := DownloadExport(ctx, w.S, requester, req.ID, tr, &buf); err != nil {
			t.Fatal(err)
		}
		text := sheetText(t, buf.Bytes())
		for i := range 3 {
			if !strings.Contains(text, membertest.IDNumber(t, 1600+i)) {
				t.Fatalf("download lacks member %d:\n%s", i, text)
			}
		}
		_, err = DownloadExport(ctx, w.S, requester, req.ID, tr, &buf)
		membertest.WantKind(t, err, errs.KindConflict)
		if n := membertest.Count(t, d, "SELECT count(*) FROM audit_log WHERE action = 'pii.export' AND entity_id = ? AND after_json LIKE '%\"rows\":3%'", db.FormatID(req.ID)); n != 1 {
			t.Fatalf("download audited %d times", n)
		}

		// An approval lapses after the policy's time.
		req2, err := RequestExport(ctx, w.S, requester, member.Query{}, "再查")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := DecideExport(ctx, w.S, approver, req2.ID, ExportDecision{Action: "approve"}); err != nil {
			t.Fatal(err)
		}
		w.S.SetClock(func() time.Time { return time.Now().Add(w.S.Policy.TTL + time.Minute) })
		_, err = DownloadExport(ctx, w.S, requester, req2.ID, tr, &buf)
		membertest.WantKind(t, err, errs.KindConflict)
		if g, _ := GetExport(ctx, w.S, requester, req2.ID); g.Status != ExportExpired {
			t.Fatalf("lapsed request %+v", g)
		}
	})
}

// Point 8: the hourly quota of full-number exports holds under concurrent
// requests (one upsert decides), and the mass-read alert fires once when
// an account's reads in an hour cross the threshold.
func TestExportQuotaAndMassRead(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := storetest.New(t, d)
		w.Add(t, w.UnionA, "成员", 1700)
		w.S.Policy.PerHour = 3
		other := member.NewStore(d, w.S.Keys) // a second process's store on the same database
		other.Policy.PerHour = 3
		requester := membertest.Staff(21, auth.RoleOfficer, w.UnionA)
		var wg sync.WaitGroup
		var mu sync.Mutex
		okN, limited := 0, 0
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s := w.S
				if i%2 == 1 {
					s = other
				}
				_, err := RequestExport(ctx, s, requester, member.Query{}, "并发")
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

		w.S.Policy.MassRead = 3
		reader := membertest.Staff(22, auth.RoleOfficer, w.UnionA)
		list, _, _ := w.S.List(ctx, reader, member.Query{})
		before := alerts(t)
		for range 5 {
			if _, err := w.S.Reveal(ctx, reader, list[0].ID, "核对"); err != nil {
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
	if err := member.MassReadAlerts.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetCounter().GetValue()
}
