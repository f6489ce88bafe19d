package all_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/testkit"
)

// Full-number exports above the threshold: requested with a reason,
// approved by another account over the union (never the requester),
// downloaded once; the direct export refuses them; masked exports stay a
// direct download, audited with their row count.
func TestExportRequestsAPI(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.mem.Policy.ApprovalRows = 2
		ctx := t.Context()
		f.staff("officer_a2", "streetA", auth.RoleOfficer)
		tok, second, other := f.token("officer_a"), f.token("officer_a2"), f.token("admin")
		for i := range 3 {
			st, body := f.do(tok, "POST", "/api/v1/members", fmt.Sprintf(`{"org_id":"{unionA}","name":"导出%s","id_number":"%s","joined_on":"2020-01-01"}`,
				[]string{"甲", "乙", "丙"}[i], idNo(t, 300+i)), nil)
			if st != 201 {
				t.Fatalf("create: %d %s", st, body)
			}
			if strings.Contains(body, `"birth_date":"1985`) {
				t.Fatalf("created member shows the birth date: %s", body)
			}
		}
		// Masked: a direct download, audited with its row count.
		if st, body := f.do(tok, "GET", "/api/v1/members/export?org={unionA}", "", nil); st != 200 || !strings.HasPrefix(body, "PK") {
			t.Fatalf("masked export: %d", st)
		}
		var n int
		if err := d.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'member.export' AND after_json LIKE '%"rows":3%'`).Scan(&n); err != nil || n != 1 {
			t.Fatalf("masked export audited %d times (%v)", n, err)
		}
		// Full numbers of more rows than the threshold: not directly.
		st, body := f.do(tok, "GET", "/api/v1/members/export?reveal=true&reason=x", "", nil)
		if st != 409 || !strings.Contains(body, `"export_approval_required"`) {
			t.Fatalf("large direct export: %d %s", st, body)
		}
		st, body = f.do(tok, "POST", "/api/v1/member-exports", `{"reason":""}`, nil)
		if st != 422 || !strings.Contains(body, `"reason"`) {
			t.Fatalf("request without a reason: %d %s", st, body)
		}
		st, body = f.do(tok, "POST", "/api/v1/member-exports", `{"org":"{unionA}","reason":"年度核查"}`, nil)
		var req struct {
			ID     string `json:"id"`
			Status string `json:"status"`
			Rows   int    `json:"rows"`
		}
		if json.Unmarshal([]byte(body), &req); st != 201 || req.Status != "pending" || req.Rows != 3 {
			t.Fatalf("request: %d %s", st, body)
		}
		f.ids["req"] = req.ID
		if st, body = f.do(tok, "POST", "/api/v1/member-exports/{req}/decision", `{"action":"approve"}`, nil); st != 403 || !strings.Contains(body, "export_self_approval") {
			t.Fatalf("self approval: %d %s", st, body)
		}
		if st, _ = f.do(other, "POST", "/api/v1/member-exports/{req}/decision", `{"action":"approve"}`, nil); st != 404 {
			t.Fatalf("approval by an account without member.reveal: %d", st)
		}
		if st, body = f.do(tok, "GET", "/api/v1/member-exports/{req}/download", "", nil); st != 409 {
			t.Fatalf("download before approval: %d %s", st, body)
		}
		if st, body = f.do(second, "GET", "/api/v1/member-exports?view=awaiting", "", nil); st != 200 || !strings.Contains(body, req.ID) || !strings.Contains(body, `"can_approve":true`) {
			t.Fatalf("approver's list: %d %s", st, body)
		}
		if st, body = f.do(second, "POST", "/api/v1/member-exports/{req}/decision", `{"action":"approve"}`, nil); st != 200 || !strings.Contains(body, `"status":"approved"`) {
			t.Fatalf("approve: %d %s", st, body)
		}
		if st, _ = f.do(second, "GET", "/api/v1/member-exports/{req}/download", "", nil); st != 404 {
			t.Fatalf("download by the approver: %d", st)
		}
		st, body = f.do(tok, "GET", "/api/v1/member-exports/{req}/download", "", nil)
		if st != 200 {
			t.Fatalf("download: %d %s", st, body)
		}
		if rows := sheetRows(t, body); len(rows) != 4 || !strings.Contains(strings.Join(rows[1], "|")+strings.Join(rows[2], "|")+strings.Join(rows[3], "|"), idNo(t, 300)) {
			t.Fatalf("download rows %v", rows)
		}
		if st, _ = f.do(tok, "GET", "/api/v1/member-exports/{req}/download", "", nil); st != 409 {
			t.Fatalf("second download: %d", st)
		}
		if err := d.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'pii.export' AND entity_id = ?`, req.ID).Scan(&n); err != nil || n != 1 {
			t.Fatalf("download audited %d times (%v)", n, err)
		}
	})
}
