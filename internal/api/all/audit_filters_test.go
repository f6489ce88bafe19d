package all_test

import (
	"testing"

	"gonghui/internal/beijing"
	"gonghui/internal/db"
	"gonghui/internal/testkit"
)

// The log's API filters as its page does: one kind of action or an area,
// the acting account, Beijing days; bad values are field errors.
func TestAuditFilters(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		today := beijing.Today()
		f.run([]Step{
			{name: "change in A", as: "officer_a", method: "PATCH", path: "/api/v1/orgs/{unionA}", body: `{"note":"审计A"}`, status: 200},
			{name: "one kind", as: "auditor", method: "GET", path: "/api/v1/audit?kind=org.update", status: 200,
				want: []string{`"action":"org.update"`}, not: []string{`"action":"org.create"`}},
			{name: "an area", as: "auditor", method: "GET", path: "/api/v1/audit?kind=area:org", status: 200,
				want: []string{`"action":"org.update"`, `"action":"org.create"`}, not: []string{`"action":"auth.login"`}},
			{name: "the acting account", as: "auditor", method: "GET", path: "/api/v1/audit?actor_id={user:officer_a}", status: 200,
				want: []string{`"actor_name":"officer_a"`}, not: []string{`"actor_name":"admin"`}},
			{name: "today", as: "auditor", method: "GET", path: "/api/v1/audit?kind=org.update&from=" + today + "&to=" + today, status: 200,
				want: []string{`"action":"org.update"`}},
			{name: "long ago", as: "auditor", method: "GET", path: "/api/v1/audit?kind=org.update&to=2020-01-01", status: 200,
				not: []string{`"action":"org.update"`}},
			{name: "to before from", as: "auditor", method: "GET", path: "/api/v1/audit?from=2026-12-07&to=2026-12-01", status: 422,
				want: []string{`"to"`}},
			{name: "unknown kind", as: "auditor", method: "GET", path: "/api/v1/audit?kind=nope", status: 422, want: []string{`"kind"`}},
		})
	})
}
