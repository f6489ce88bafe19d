package all_test

import (
	"net/http"
	"strings"
	"testing"

	"gonghui/internal/db"
	"gonghui/internal/testkit"
)

func TestTokenAndAuthentication(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.run([]Step{
			{name: "token issued", method: "POST", path: "/api/v1/auth/token", body: `{"username":"admin","password":"` + password + `"}`,
				status: 200, want: []string{`"token":"`, `"expires_at":"`}},
			{name: "username is case-insensitive", method: "POST", path: "/api/v1/auth/token", body: `{"username":" Admin ","password":"` + password + `"}`,
				status: 200, want: []string{`"token":"`}},
			{name: "wrong password", method: "POST", path: "/api/v1/auth/token", body: `{"username":"admin","password":"nope-nope-nope"}`,
				status: 401, want: []string{`"code":"invalid_credentials"`, `"fields":{}`}},
			{name: "unknown user", method: "POST", path: "/api/v1/auth/token", body: `{"username":"ghost","password":"` + password + `"}`,
				status: 401, want: []string{`"code":"invalid_credentials"`}},
			{name: "missing password", method: "POST", path: "/api/v1/auth/token", body: `{"username":"admin"}`,
				status: 422, want: []string{`"code":"validation_failed"`, `"password":"必填。"`}},
			{name: "no token", method: "GET", path: "/api/v1/orgs", status: 401, want: []string{`"code":"unauthenticated"`, `"message":"请先登录。"`}},
			{name: "no token, in English", method: "GET", path: "/api/v1/me", hdr: map[string]string{"Accept-Language": "en"},
				status: 401, want: []string{`"code":"unauthenticated"`, `"message":"Please sign in first."`}},
			{name: "bad token", method: "GET", path: "/api/v1/orgs", hdr: map[string]string{"Authorization": "Bearer not-a-token"},
				status: 401, want: []string{`"code":"unauthenticated"`}},
			{name: "basic auth is not a token", method: "GET", path: "/api/v1/orgs", hdr: map[string]string{"Authorization": "Basic YWRtaW46eA=="},
				status: 401, want: []string{`"code":"unauthenticated"`}},
			{name: "me", as: "officer_a", method: "GET", path: "/api/v1/me", status: 200,
				want: []string{`"username":"officer_a"`, `"role":"officer"`, `"org_id":"{streetA}"`, `"org.write"`, `"mfa_required":false`},
				not:  []string{`"audit.read"`}},
			{name: "openapi needs no token", method: "GET", path: "/api/v1/openapi.json", status: 200, want: []string{`"openapi": "3.1.0"`}},
			{name: "unknown API path", as: "admin", method: "GET", path: "/api/v1/nowhere", status: 404, want: []string{`"code":"not_found"`}},
			{name: "unknown API path without token", method: "GET", path: "/api/v1/nowhere/else", status: 404, want: []string{`"code":"not_found"`}},
			{name: "wrong method", as: "admin", method: "DELETE", path: "/api/v1/orgs", status: 405, want: []string{`"code":"method_not_allowed"`}},
			{name: "id that cannot exist", as: "admin", method: "GET", path: "/api/v1/orgs/abc", status: 404, want: []string{`"code":"not_found"`}},
		})

		// Logging out ends the token.
		tok := f.token("leader_a")
		if st, body := f.do(tok, "POST", "/api/v1/auth/logout", "", nil); st != http.StatusNoContent {
			t.Fatalf("logout: %d %s", st, body)
		}
		if st, _ := f.do(tok, "GET", "/api/v1/me", "", nil); st != http.StatusUnauthorized {
			t.Fatalf("token still valid after logout: %d", st)
		}

		// 405 names the allowed methods.
		req, _ := http.NewRequest("PUT", f.srv.URL+f.expand("/api/v1/orgs/{root}"), nil)
		res, err := f.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 405 || !strings.Contains(res.Header.Get("Allow"), "PATCH") {
			t.Fatalf("PUT /orgs/{id}: %d, Allow %q", res.StatusCode, res.Header.Get("Allow"))
		}
	})
}

// A street's officer sees and changes that street's records and nothing of
// the neighbour's: every such record answers 404, as if it did not exist.
func TestStreetOfficerIsScopedToTheirSubtree(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.run([]Step{
			{name: "own union", as: "officer_a", method: "GET", path: "/api/v1/orgs/{unionA}", status: 200, want: []string{`"id":"{unionA}"`, `"parent_id":"{streetA}"`}},
			{name: "neighbour street", as: "officer_a", method: "GET", path: "/api/v1/orgs/{streetB}", status: 404, want: []string{`"code":"not_found"`}},
			{name: "neighbour union", as: "officer_a", method: "GET", path: "/api/v1/orgs/{unionB}", status: 404},
			{name: "neighbour children", as: "officer_a", method: "GET", path: "/api/v1/orgs/{streetB}/children", status: 404},
			{name: "neighbour stats", as: "officer_a", method: "GET", path: "/api/v1/orgs/{streetB}/stats", status: 404},
			{name: "neighbour patch", as: "officer_a", method: "PATCH", path: "/api/v1/orgs/{unionB}", body: `{"name":"x"}`, status: 404},
			{name: "neighbour employer", as: "officer_a", method: "GET", path: "/api/v1/employers/{empB}", status: 404},
			{name: "neighbour employer patch", as: "officer_a", method: "PATCH", path: "/api/v1/employers/{empB}", body: `{"employees":1}`, status: 404},
			{name: "neighbour officers", as: "officer_a", method: "GET", path: "/api/v1/orgs/{unionB}/officers", status: 404},
			{name: "neighbour officer patch", as: "officer_a", method: "PATCH", path: "/api/v1/officers/{offB}", body: `{"note":"x"}`, status: 404},
			{name: "neighbour officer delete", as: "officer_a", method: "DELETE", path: "/api/v1/officers/{offB}", status: 404},
			{name: "move into neighbour", as: "officer_a", method: "POST", path: "/api/v1/orgs/{unionA}/move", body: `{"parent_id":"{streetB}"}`, status: 404},
			{name: "create under neighbour", as: "officer_a", method: "POST", path: "/api/v1/orgs",
				body: `{"parent_id":"{streetB}","name":"越界工会","kind":"grassroots_union"}`, status: 404},
			{name: "list shows own subtree only", as: "officer_a", method: "GET", path: "/api/v1/orgs", status: 200,
				want: []string{`"id":"{unionA}"`}, not: []string{`"id":"{unionB}"`, `"id":"{streetB}"`}},
			{name: "employer list shows own subtree only", as: "officer_a", method: "GET", path: "/api/v1/employers", status: 200,
				want: []string{`"id":"{empA}"`}, not: []string{`"id":"{empB}"`}},
			{name: "own officer patch", as: "officer_a", method: "PATCH", path: "/api/v1/officers/{offA}", body: `{"note":"连任"}`, status: 200,
				want: []string{`"note":"连任"`, `"name":"王A"`, `"term_start":"2023-01-01"`}},
		})
		// Nothing of the neighbour's changed.
		var o struct {
			ParentID string `json:"parent_id"`
			Name     string `json:"name"`
		}
		f.getJSON("admin", "/api/v1/orgs/{unionA}", &o)
		if o.ParentID != f.ids["streetA"] {
			t.Fatalf("unionA moved to %s", o.ParentID)
		}
		f.getJSON("admin", "/api/v1/orgs/{unionB}", &o)
		if o.Name != "测试公司B工会" {
			t.Fatalf("unionB renamed to %s", o.Name)
		}
	})
}

func TestLeaderCannotWrite(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.run([]Step{
			{name: "leader reads", as: "leader_a", method: "GET", path: "/api/v1/orgs/{unionA}", status: 200},
			{name: "leader creates", as: "leader_a", method: "POST", path: "/api/v1/orgs",
				body: `{"parent_id":"{streetA}","name":"新工会","kind":"grassroots_union"}`, status: 403, want: []string{`"code":"forbidden"`}},
			{name: "leader patches", as: "leader_a", method: "PATCH", path: "/api/v1/orgs/{unionA}", body: `{"name":"改名"}`, status: 403},
			{name: "leader adds officer", as: "leader_a", method: "POST", path: "/api/v1/orgs/{unionA}/officers",
				body: `{"name":"李四","position":"vice_chair","term_start":"2024-01-01"}`, status: 403},
			{name: "leader removes officer", as: "leader_a", method: "DELETE", path: "/api/v1/officers/{offA}", status: 403},
			{name: "leader unlinks employer", as: "leader_a", method: "DELETE", path: "/api/v1/orgs/{unionA}/employers/{empA}", status: 403},
			{name: "nothing changed", as: "leader_a", method: "GET", path: "/api/v1/orgs/{unionA}", status: 200, want: []string{`"name":"测试公司A工会"`}},
		})
	})
}

func TestValidationNamesFieldsInTheUsersLanguage(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		en := map[string]string{"Accept-Language": "en-US,en;q=0.9"}
		f.run([]Step{
			{name: "zh-CN by default", as: "officer_a", method: "POST", path: "/api/v1/orgs", body: `{"parent_id":"{streetA}","name":"","kind":"grassroots_union"}`,
				status: 422, want: []string{`"code":"validation_failed"`, `"message":"提交的内容有误，请按提示修改。"`, `"name":"必填。"`}},
			{name: "English on request", as: "officer_a", method: "POST", path: "/api/v1/orgs", hdr: en,
				body:   `{"parent_id":"{streetA}","name":"","kind":"grassroots_union"}`,
				status: 422, want: []string{`"code":"validation_failed"`, `"message":"Some fields need correcting."`, `"name":"Required."`}},
			{name: "parent required", as: "officer_a", method: "POST", path: "/api/v1/orgs", hdr: en, body: `{"name":"某工会","kind":"grassroots_union"}`,
				status: 422, want: []string{`"parent_id":"Required."`}},
			{name: "ID as a number", as: "officer_a", method: "POST", path: "/api/v1/orgs", body: `{"parent_id":12,"name":"某工会","kind":"grassroots_union"}`,
				status: 422, want: []string{`"parent_id":"编号无效。"`}},
			{name: "ID not an ID", as: "officer_a", method: "POST", path: "/api/v1/orgs", hdr: en, body: `{"parent_id":"-4","name":"某工会","kind":"grassroots_union"}`,
				status: 422, want: []string{`"parent_id":"Not a valid ID."`}},
			{name: "wrong type", as: "officer_a", method: "POST", path: "/api/v1/orgs", hdr: en, body: `{"parent_id":"{streetA}","name":7,"kind":"grassroots_union"}`,
				status: 422, want: []string{`"name":"Must be a string."`}},
			{name: "bad kind", as: "officer_a", method: "PATCH", path: "/api/v1/orgs/{unionA}", hdr: en, body: `{"kind":"castle"}`,
				status: 422, want: []string{`"kind":`}},
			{name: "bad credit code", as: "officer_a", method: "POST", path: "/api/v1/employers", hdr: en,
				body:   `{"owner_org_id":"{streetA}","name":"某公司","category":"170","credit_code":"91110000XXXXXXXXX1"}`,
				status: 422, want: []string{`"credit_code":`}},
			{name: "bad limit", as: "officer_a", method: "GET", path: "/api/v1/orgs?limit=lots", hdr: en, status: 422, want: []string{`"limit":"Must be a whole number."`}},
			{name: "bad date", as: "officer_a", method: "GET", path: "/api/v1/orgs/{streetA}/stats?from=2024-13-01", status: 422, want: []string{`"from":"日期格式应为 YYYY-MM-DD。"`}},
			{name: "dates out of order", as: "officer_a", method: "GET", path: "/api/v1/orgs/{streetA}/stats?from=2024-05-01&to=2024-04-01", status: 422, want: []string{`"to":`}},
			{name: "dates centuries apart", as: "officer_a", method: "GET", path: "/api/v1/orgs/{streetA}/stats?from=1900-01-01&to=2100-01-01", status: 422, want: []string{`"from":"起止日期最多相隔 10 年，请缩小范围。"`}},
			{name: "children dates centuries apart", as: "officer_a", method: "GET", path: "/api/v1/orgs/{streetA}/stats/children?from=1900-01-01&to=2100-01-01", status: 422, want: []string{`"from":`}},
			{name: "bad boolean", as: "officer_a", method: "GET", path: "/api/v1/employers?organised=maybe", status: 422, want: []string{`"organised":`}},
			{name: "bad cursor", as: "admin", method: "GET", path: "/api/v1/users?cursor=xyz", status: 400, want: []string{`"code":"bad_cursor"`}},
			{name: "nothing was created", as: "officer_a", method: "GET", path: "/api/v1/orgs/{streetA}/children", status: 200,
				want: []string{`"id":"{unionA}"`}, not: []string{`某工会`}},
			{name: "nothing was changed", as: "officer_a", method: "GET", path: "/api/v1/orgs/{unionA}", status: 200, want: []string{`"kind":"grassroots_union"`}},
		})
	})
}

func TestMalformedBodiesAreRefused(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.run([]Step{
			{name: "unknown field", as: "officer_a", method: "POST", path: "/api/v1/orgs",
				body:   `{"parent_id":"{streetA}","name":"某工会","kind":"grassroots_union","child_count":99}`,
				status: 400, want: []string{`"code":"unknown_field"`, `"fields":{"child_count":"不接受此字段。"}`, `child_count`}},
			{name: "user cannot be created disabled", as: "admin", method: "POST", path: "/api/v1/users",
				body:   `{"username":"newbie","name":"新人","org_id":"{streetA}","password":"` + password + `","disabled":true}`,
				status: 400, want: []string{`"code":"unknown_field"`, `"disabled"`}},
			{name: "user patch takes only disabled", as: "admin", method: "PATCH", path: "/api/v1/users/{user:clerk}", body: `{"disabled":false,"org_id":"{root}"}`,
				status: 400, want: []string{`"org_id"`}},
			{name: "two values", as: "officer_a", method: "PATCH", path: "/api/v1/orgs/{unionA}", body: `{"note":"a"} {"note":"b"}`, status: 400, want: []string{`"code":"bad_json"`}},
			{name: "broken JSON", as: "officer_a", method: "PATCH", path: "/api/v1/orgs/{unionA}", body: `{"note":`, status: 400, want: []string{`"code":"bad_json"`}},
			{name: "not an object", as: "officer_a", method: "PATCH", path: "/api/v1/orgs/{unionA}", body: `["note"]`, status: 400, want: []string{`"code":"bad_json"`}},
			{name: "not JSON", as: "officer_a", method: "PATCH", path: "/api/v1/orgs/{unionA}", body: `<note>x</note>`,
				hdr: map[string]string{"Content-Type": "application/xml"}, status: 415, want: []string{`"code":"unsupported_media_type"`}},
			{name: "curl's default type is read as JSON", method: "POST", path: "/api/v1/auth/token",
				body: `{"username":"admin","password":"` + password + `"}`,
				hdr:  map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, status: 200, want: []string{`"token"`}},
			{name: "JSON with charset", as: "officer_a", method: "PATCH", path: "/api/v1/orgs/{unionA}", body: `{"note":"ok"}`,
				hdr: map[string]string{"Content-Type": "application/json; charset=UTF-8"}, status: 200, want: []string{`"note":"ok"`}},
			{name: "too large", as: "officer_a", method: "PATCH", path: "/api/v1/orgs/{unionA}", body: `{"note":"` + strings.Repeat("x", 1<<20) + `"}`,
				status: 413, want: []string{`"code":"body_too_large"`}},
			{name: "no note stored", as: "officer_a", method: "GET", path: "/api/v1/orgs/{unionA}", status: 200, want: []string{`"note":"ok"`}},
		})
	})
}

func TestPatchCannotChangeParent(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.run([]Step{
			{name: "set an address", as: "admin", method: "PATCH", path: "/api/v1/orgs/{unionA}", body: `{"address":"前门大街1号"}`, status: 200},
			{name: "parent_id refused", as: "admin", method: "PATCH", path: "/api/v1/orgs/{unionA}", body: `{"name":"改名","parent_id":"{streetB}"}`,
				status: 400, want: []string{`"code":"unknown_field"`, `"parent_id"`}},
			{name: "unchanged", as: "admin", method: "GET", path: "/api/v1/orgs/{unionA}", status: 200,
				want: []string{`"parent_id":"{streetA}"`, `"name":"测试公司A工会"`}},
			{name: "partial patch keeps the rest", as: "admin", method: "PATCH", path: "/api/v1/orgs/{unionA}", body: `{"name":"改名工会"}`, status: 200,
				want: []string{`"name":"改名工会"`, `"address":"前门大街1号"`, `"parent_id":"{streetA}"`, `"kind":"grassroots_union"`}},
			{name: "move is the way", as: "admin", method: "POST", path: "/api/v1/orgs/{unionA}/move", body: `{"parent_id":"{streetB}"}`, status: 200,
				want: []string{`"parent_id":"{streetB}"`}},
			{name: "ancestors follow", as: "admin", method: "GET", path: "/api/v1/orgs/{unionA}/ancestors", status: 200,
				want: []string{`"id":"{streetB}"`}, not: []string{`"id":"{streetA}"`}},
		})
	})
}

func TestAuditSeparationOfDuties(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.run([]Step{
			{name: "change in A", as: "officer_a", method: "PATCH", path: "/api/v1/orgs/{unionA}", body: `{"note":"审计A"}`, status: 200},
			{name: "change in B", as: "admin", method: "PATCH", path: "/api/v1/orgs/{unionB}", body: `{"note":"审计B"}`, status: 200},
			{name: "admin cannot read the log", as: "admin", method: "GET", path: "/api/v1/audit", status: 403, want: []string{`"code":"forbidden"`}},
			{name: "admin cannot verify the log", as: "admin", method: "GET", path: "/api/v1/audit/verify", status: 403},
			{name: "officer cannot read the log", as: "officer_a", method: "GET", path: "/api/v1/audit", status: 403},
			{name: "root auditor sees both", as: "auditor", method: "GET", path: "/api/v1/audit?entity=org&action=org.", status: 200,
				want: []string{`"entity_id":"{unionA}"`, `"entity_id":"{unionB}"`, `"actor_name":"officer_a"`}},
			{name: "street auditor sees A only", as: "auditor_a", method: "GET", path: "/api/v1/audit?entity=org", status: 200,
				want: []string{`"entity_id":"{unionA}"`}, not: []string{`"entity_id":"{unionB}"`, `"entity_id":"{streetB}"`}},
			{name: "filter by entity", as: "auditor", method: "GET", path: "/api/v1/audit?entity=org&entity_id={unionB}", status: 200,
				want: []string{`"entity_id":"{unionB}"`}, not: []string{`"entity_id":"{unionA}"`}},
			{name: "filter by actor", as: "auditor", method: "GET", path: "/api/v1/audit?actor=officer_a&action=org.", status: 200,
				want: []string{`"actor_name":"officer_a"`}, not: []string{`"actor_name":"admin"`}},
			{name: "verify", as: "auditor", method: "GET", path: "/api/v1/audit/verify", status: 200, want: []string{`"ok":true`, `"problems":[]`}},
		})
		// Paging by sequence number visits each entry once.
		seen := map[int64]bool{}
		cursor := ""
		for range 100 {
			var page struct {
				Items []struct{ Seq int64 }
				Next  string
			}
			f.getJSON("auditor", "/api/v1/audit?limit=3&cursor="+cursor, &page)
			for _, e := range page.Items {
				if seen[e.Seq] {
					t.Fatalf("entry %d twice", e.Seq)
				}
				seen[e.Seq] = true
			}
			if cursor = page.Next; cursor == "" {
				break
			}
		}
		if len(seen) < 5 || cursor != "" {
			t.Fatalf("paging saw %d entries, cursor %q", len(seen), cursor)
		}
	})
}

func TestOnlySecurityAdministratorsGrantPrivilegedRoles(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.run([]Step{
			{name: "admin cannot grant auditor", as: "admin", method: "POST", path: "/api/v1/users/{user:clerk}/grants",
				body: `{"role":"auditor","org_id":"{streetA}"}`, status: 403, want: []string{`"code":"grant_needs_security"`}},
			{name: "admin cannot grant the power to reveal", as: "admin", method: "POST", path: "/api/v1/users/{user:clerk}/grants",
				body: `{"role":"officer","org_id":"{streetA}"}`, status: 403, want: []string{`"code":"grant_needs_security"`}},
			{name: "security grants auditor", as: "security", method: "POST", path: "/api/v1/users/{user:clerk}/grants",
				body: `{"role":"auditor","org_id":"{streetA}"}`, status: 201, want: []string{`"role":"auditor"`}},
			{name: "twice is a conflict", as: "security", method: "POST", path: "/api/v1/users/{user:clerk}/grants",
				body: `{"role":"auditor","org_id":"{streetA}"}`, status: 409, want: []string{`"code":"grant_exists"`}},
			{name: "no second duty on the auditor", as: "security", method: "POST", path: "/api/v1/users/{user:clerk}/grants",
				body: `{"role":"leader","org_id":"{streetA}"}`, status: 409, want: []string{`"code":"role_conflict"`}},
			{name: "unknown role", as: "security", method: "POST", path: "/api/v1/users/{user:clerk}/grants",
				body: `{"role":"emperor","org_id":"{streetA}"}`, status: 422, want: []string{`"role":`}},
			{name: "admin cannot touch the auditor now", as: "admin", method: "PATCH", path: "/api/v1/users/{user:clerk}", body: `{"disabled":true}`, status: 403},
			{name: "admin cannot reset the auditor's password", as: "admin", method: "POST", path: "/api/v1/users/{user:clerk}/password",
				body: `{"password":"Another-Pass-99"}`, status: 403},
			{name: "no self grant", as: "security", method: "POST", path: "/api/v1/users/{user:security}/grants",
				body: `{"role":"auditor","org_id":"{root}"}`, status: 403, want: []string{`"code":"self_grant"`}},
			{name: "the grant shows", as: "security", method: "GET", path: "/api/v1/users/{user:clerk}", status: 200,
				want: []string{`"role":"auditor"`}, not: []string{`"role":"leader"`}},
			{name: "admin cannot read the policy", as: "admin", method: "GET", path: "/api/v1/security/policy", status: 403},
			{name: "security reads the policy", as: "security", method: "GET", path: "/api/v1/security/policy", status: 200,
				want: []string{`"max_failed":5`, `"mfa_roles":["admin","security","auditor"]`}},
		})
	})
}

func TestLockoutAnswers423EvenWithTheRightPassword(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		bad := `{"username":"clerk","password":"wrong-Password-1"}`
		var steps []Step
		for range 4 {
			steps = append(steps, Step{name: "bad password", method: "POST", path: "/api/v1/auth/token", body: bad, status: 401, want: []string{`"invalid_credentials"`}})
		}
		steps = append(steps,
			Step{name: "fifth locks", method: "POST", path: "/api/v1/auth/token", body: bad, status: 423, want: []string{`"code":"account_locked"`}},
			Step{name: "right password, still locked", method: "POST", path: "/api/v1/auth/token",
				body: `{"username":"clerk","password":"` + password + `"}`, status: 423, want: []string{`"code":"account_locked"`}},
			Step{name: "the list shows it", as: "admin", method: "GET", path: "/api/v1/users/{user:clerk}", status: 200, want: []string{`"locked":true`}},
			Step{name: "unlock", as: "admin", method: "POST", path: "/api/v1/users/{user:clerk}/unlock", status: 204},
			Step{name: "signs in again", method: "POST", path: "/api/v1/auth/token",
				body: `{"username":"clerk","password":"` + password + `"}`, status: 200, want: []string{`"token"`}},
		)
		f.run(steps)
	})
}

func TestMFAEnrolmentRequired(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.token("officer_a") // signed in before the policy changes
		policy := `{"min_length":10,"min_classes":3,"max_failed":5,"lock_minutes":15,"idle_minutes":30,"absolute_hours":12,"token_hours":12,"mfa_roles":["admin","security","auditor","officer"],"password_max_age":0}`
		f.run([]Step{
			{name: "admin cannot set the policy", as: "admin", method: "PUT", path: "/api/v1/security/policy", body: policy, status: 403},
			{name: "incomplete policy", as: "security", method: "PUT", path: "/api/v1/security/policy", body: `{"min_length":12}`,
				status: 422, want: []string{`"max_failed":`, `"mfa_roles":`}},
			{name: "out of range", as: "security", method: "PUT", path: "/api/v1/security/policy", body: strings.Replace(policy, `"max_failed":5`, `"max_failed":1`, 1),
				status: 422, want: []string{`"max_failed":"应在 3 到 20 之间。"`}},
			{name: "administrators cannot be let off", as: "security", method: "PUT", path: "/api/v1/security/policy",
				body: strings.Replace(policy, `"admin","security","auditor",`, "", 1), status: 422, want: []string{`"mfa_roles":`}},
			{name: "security sets it", as: "security", method: "PUT", path: "/api/v1/security/policy", body: policy, status: 200,
				want: []string{`"mfa_roles":["admin","security","auditor","officer"]`}},
			{name: "officer is held back", as: "officer_a", method: "GET", path: "/api/v1/orgs", status: 403, want: []string{`"code":"mfa_enrolment_required"`}},
			{name: "but may see who they are", as: "officer_a", method: "GET", path: "/api/v1/me", status: 200, want: []string{`"mfa_required":true`}},
			{name: "a new token is refused", method: "POST", path: "/api/v1/auth/token", body: `{"username":"officer_a","password":"` + password + `"}`,
				status: 403, want: []string{`"code":"mfa_enrolment_required"`}},
			{name: "others carry on", as: "leader_a", method: "GET", path: "/api/v1/orgs", status: 200},
			{name: "and may sign out", as: "officer_a", method: "POST", path: "/api/v1/auth/logout", status: 204},
		})
	})
}
