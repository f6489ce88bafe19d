package all_test

import (
	"net/http"
	"strings"
	"testing"

	"gonghui/internal/db"
	"gonghui/internal/testkit"
)

// GET /me/data answers the member's own data, numbers in full, audited as
// a self-reveal; staff tokens get nothing.
func TestMyDataAPI(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.signedInMember("m1", "张一", "unionA", "13800000011", 21)
		st, body := f.do(f.token("m1"), "GET", "/api/v1/me/data", "", nil)
		if st != http.StatusOK {
			t.Fatalf("me/data: %d %s", st, body)
		}
		for _, want := range []string{`"id_number":"` + idNo(t, 21) + `"`, `"mobile":"13800000011"`, `"history":[`, `"consents":[`, `"corrections":[]`} {
			if !strings.Contains(body, want) {
				t.Fatalf("me/data lacks %s: %s", want, body)
			}
		}
		var n int
		if err := d.QueryRow(t.Context(), "SELECT COUNT(*) FROM audit_log WHERE action = 'pii.self_reveal' AND entity_id = ?", f.ids["m1"]).Scan(&n); err != nil || n != 1 {
			t.Fatalf("%d self-reveal records (%v)", n, err)
		}
		if st, _ := f.do(f.token("admin"), "GET", "/api/v1/me/data", "", nil); st != http.StatusNotFound {
			t.Fatalf("staff token: %d, want 404", st)
		}
		if st, _ := f.do("", "GET", "/api/v1/me/data", "", nil); st != http.StatusUnauthorized {
			t.Fatalf("no token: %d, want 401", st)
		}
	})
}

// Staff entering members through the API confirm consent was collected;
// it is recorded with them as collector.
func TestCreateMemberRecordsConsentAPI(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.ids["id1"] = idNo(t, 31)
		st, body := f.do(f.token("officer_a"), "POST", "/api/v1/members",
			`{"org_id":"{unionA}","name":"张同意","id_number":"{id1}","consent_collected":true}`, nil)
		if st != http.StatusCreated {
			t.Fatalf("create: %d %s", st, body)
		}
		var n int
		if err := d.QueryRow(t.Context(), `SELECT COUNT(*) FROM consents c JOIN members m ON m.id = c.member_id
			WHERE m.name = '张同意' AND c.path = 'onsite' AND c.collector_id IS NOT NULL AND c.collector <> ''`).Scan(&n); err != nil || n != 1 {
			t.Fatalf("%d consents (%v)", n, err)
		}
	})
}
