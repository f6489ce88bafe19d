package all_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"gonghui/internal/db"
	"gonghui/internal/stats"
	"gonghui/internal/testkit"
)

func TestOrganisationsAndEmployers(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		st, body := f.do(f.token("officer_a"), "POST", "/api/v1/orgs",
			`{"parent_id":"{streetA}","name":"新工会","kind":"grassroots_union","address":"煤市街2号","founded_on":"2024-03-01"}`, nil)
		if st != http.StatusCreated {
			t.Fatalf("create: %d %s", st, body)
		}
		var o struct{ ID string }
		_ = json.Unmarshal([]byte(body), &o)
		f.ids["new"] = o.ID
		// Figures are folded in the background within a second or two.
		if err := stats.NewStore(d).FoldAll(context.Background()); err != nil {
			t.Fatal(err)
		}
		f.run([]Step{
			{name: "created", as: "officer_a", method: "GET", path: "/api/v1/orgs/{new}", status: 200,
				want: []string{`"parent_id":"{streetA}"`, `"address":"煤市街2号"`, `"founded_on":"2024-03-01"`, `"depth":2`}},
			{name: "children", as: "officer_a", method: "GET", path: "/api/v1/orgs/{streetA}/children", status: 200,
				want: []string{`"id":"{new}"`, `"id":"{unionA}"`, `"next":""`}},
			{name: "subtree", as: "officer_a", method: "GET", path: "/api/v1/orgs/{streetA}/subtree", status: 200,
				want: []string{`"id":"{streetA}"`, `"id":"{new}"`, `"id":"{unionA}"`}},
			{name: "search by name", as: "officer_a", method: "GET", path: "/api/v1/orgs?q=新工", status: 200,
				want: []string{`"id":"{new}"`}, not: []string{`"id":"{unionA}"`}},
			{name: "by parent", as: "admin", method: "GET", path: "/api/v1/orgs?parent={root}", status: 200,
				want: []string{`"id":"{streetA}"`, `"id":"{streetB}"`}, not: []string{`"id":"{unionA}"`}},
			{name: "by kind", as: "admin", method: "GET", path: "/api/v1/orgs?kind=street_federation", status: 200,
				want: []string{`"id":"{streetA}"`}, not: []string{`"id":"{unionA}"`}},
			{name: "stats", as: "officer_a", method: "GET", path: "/api/v1/orgs/{streetA}/stats?from=2024-01-01&to=2024-12-31", status: 200,
				want: []string{`"org_id":"{streetA}"`, `"orgs":3`, `"employers":1`, `"organised_employers":1`, `"organising_rate":1`, `"grassroots_union":2`,
					`"members":{"active":`, `"by_status":`, `"months":[{"month":"2024-01"`, `"activities":{"held":0`, `"period":{"from":"2024-01-01","to":"2024-12-31"}`}},
			{name: "children side by side", as: "officer_a", method: "GET", path: "/api/v1/orgs/{streetA}/stats/children?sort=orgs", status: 200,
				want: []string{`"items":[{"org_id":"`, `"organising_rate":`, `"active":`}},
			{name: "children, bad sort", as: "officer_a", method: "GET", path: "/api/v1/orgs/{streetA}/stats/children?sort=height", status: 422,
				want: []string{`"sort":`}},
			{name: "children, neighbour", as: "officer_a", method: "GET", path: "/api/v1/orgs/{streetB}/stats/children", status: 404},
			{name: "officers", as: "officer_a", method: "GET", path: "/api/v1/orgs/{unionA}/officers", status: 200,
				want: []string{`"id":"{offA}"`, `"name":"王A"`, `"current":true`}},
			{name: "add officer", as: "officer_a", method: "POST", path: "/api/v1/orgs/{new}/officers",
				body: `{"name":"赵六","position":"chair","term_start":"2024-03-01","term_end":"2029-02-28"}`, status: 201,
				want: []string{`"org_id":"{new}"`, `"name":"赵六"`}},
			{name: "create employer", as: "officer_a", method: "POST", path: "/api/v1/employers",
				body: `{"owner_org_id":"{streetA}","name":"煤市街商店","category":"170","employees":12,"new_forms":true}`, status: 201,
				want: []string{`"owner_org_id":"{streetA}"`, `"organised":false`, `"union_id":null`, `"new_forms":true`}},
			{name: "unorganised employers", as: "officer_a", method: "GET", path: "/api/v1/employers?organised=false", status: 200,
				want: []string{`煤市街商店`}, not: []string{`"id":"{empA}"`}},
			{name: "organised employers", as: "officer_a", method: "GET", path: "/api/v1/employers?organised=true", status: 200,
				want: []string{`"id":"{empA}"`, `"total":{"n":1,"over":false}`}, not: []string{`煤市街商店`}},
			{name: "employers by head count", as: "officer_a", method: "GET", path: "/api/v1/employers?sort=-employees", status: 200, want: []string{`"total":{"n":`}},
			{name: "patch employer", as: "officer_a", method: "PATCH", path: "/api/v1/employers/{empA}", body: `{"employees":45}`, status: 200,
				want: []string{`"employees":45`, `"name":"测试公司A"`, `"union_id":"{unionA}"`}},
			{name: "owner ID must be a string", as: "officer_a", method: "PATCH", path: "/api/v1/employers/{empA}", body: `{"owner_org_id":5}`,
				status: 422, want: []string{`"owner_org_id":"编号无效。"`}},
			{name: "owner cannot be a neighbour", as: "officer_a", method: "PATCH", path: "/api/v1/employers/{empA}", body: `{"owner_org_id":"{streetB}"}`,
				status: 404},
			{name: "new owner within reach", as: "officer_a", method: "PATCH", path: "/api/v1/employers/{empA}", body: `{"owner_org_id":"{unionA}"}`,
				status: 200, want: []string{`"owner_org_id":"{unionA}"`, `"employees":45`}},
			{name: "union's employers", as: "officer_a", method: "GET", path: "/api/v1/orgs/{unionA}/employers", status: 200, want: []string{`"id":"{empA}"`}},
			{name: "unlink", as: "officer_a", method: "DELETE", path: "/api/v1/orgs/{unionA}/employers/{empA}", status: 204},
			{name: "unlinked", as: "officer_a", method: "GET", path: "/api/v1/employers/{empA}", status: 200, want: []string{`"organised":false`}},
			{name: "link to the new union", as: "officer_a", method: "POST", path: "/api/v1/orgs/{new}/employers", body: `{"employer_id":"{empA}"}`, status: 204},
			{name: "linked", as: "officer_a", method: "GET", path: "/api/v1/employers/{empA}", status: 200, want: []string{`"union_id":"{new}"`}},
			{name: "link a neighbour's employer", as: "officer_a", method: "POST", path: "/api/v1/orgs/{new}/employers", body: `{"employer_id":"{empB}"}`, status: 404},
			{name: "remove officer", as: "officer_a", method: "DELETE", path: "/api/v1/officers/{offA}", status: 204},
			{name: "removed", as: "officer_a", method: "GET", path: "/api/v1/orgs/{unionA}/officers", status: 200, not: []string{`"id":"{offA}"`}},
		})
	})
}

func TestListsPageWithCursors(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		for _, path := range []string{"/api/v1/orgs", "/api/v1/orgs/{root}/subtree", "/api/v1/users"} {
			seen := map[string]bool{}
			cursor, pages := "", 0
			for ; pages < 50; pages++ {
				var page struct {
					Items []struct{ ID string }
					Next  string
				}
				f.getJSON("admin", path+"?limit=2&cursor="+cursor, &page)
				if len(page.Items) > 2 {
					t.Fatalf("%s: %d items on a page of 2", path, len(page.Items))
				}
				for _, it := range page.Items {
					if seen[it.ID] {
						t.Fatalf("%s: %s twice", path, it.ID)
					}
					seen[it.ID] = true
				}
				if cursor = page.Next; cursor == "" {
					break
				}
			}
			if len(seen) < 5 || pages < 2 {
				t.Fatalf("%s: %d items in %d pages", path, len(seen), pages)
			}
		}
	})
}

func TestUserAdministration(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		st, body := f.do(f.token("admin"), "POST", "/api/v1/users",
			`{"username":"Hr.Sync","name":"人事系统","kind":"service","org_id":"{streetA}"}`, nil)
		if st != http.StatusCreated {
			t.Fatalf("create: %d %s", st, body)
		}
		var u struct{ ID string }
		_ = json.Unmarshal([]byte(body), &u)
		f.ids["svc"] = u.ID
		st, body = f.do(f.token("admin"), "POST", "/api/v1/users/{svc}/grants", `{"role":"leader","org_id":"{streetA}"}`, nil)
		if st != http.StatusCreated {
			t.Fatalf("grant: %d %s", st, body)
		}
		var g struct{ ID string }
		_ = json.Unmarshal([]byte(body), &g)
		f.ids["grant"] = g.ID
		// Only the security administrator issues tokens for service accounts.
		st, body = f.do(f.token("admin"), "POST", "/api/v1/users/{svc}/tokens", `{"name":"hr-sync","days":30}`, nil)
		if st != http.StatusForbidden || !strings.Contains(body, `"token_for_other"`) {
			t.Fatalf("admin minted a token: %d %s", st, body)
		}
		st, body = f.do(f.token("security"), "POST", "/api/v1/users/{svc}/tokens", `{"name":"hr-sync","days":30}`, nil)
		if st != http.StatusCreated {
			t.Fatalf("token: %d %s", st, body)
		}
		var tok struct{ Token string }
		_ = json.Unmarshal([]byte(body), &tok)
		f.tokens["svc"] = tok.Token
		f.run([]Step{
			{name: "created", as: "admin", method: "GET", path: "/api/v1/users/{svc}", status: 200,
				want: []string{`"username":"hr.sync"`, `"kind":"service"`, `"org_id":"{streetA}"`, `"disabled":false`}},
			{name: "service token works", as: "svc", method: "GET", path: "/api/v1/orgs/{unionA}", status: 200},
			{name: "service token cannot write", as: "svc", method: "PATCH", path: "/api/v1/orgs/{unionA}", body: `{"note":"x"}`, status: 403},
			{name: "sessions", as: "admin", method: "GET", path: "/api/v1/users/{svc}/sessions", status: 200, want: []string{`"name":"hr-sync"`, `"kind":"api"`}},
			{name: "search", as: "admin", method: "GET", path: "/api/v1/users?q=hr.&role=leader", status: 200,
				want: []string{`"id":"{svc}"`}, not: []string{`"username":"admin"`}},
			{name: "within", as: "admin", method: "GET", path: "/api/v1/users?within={streetB}", status: 200, want: []string{`"items":[]`}},
			{name: "bad role filter", as: "admin", method: "GET", path: "/api/v1/users?role=king", status: 422, want: []string{`"role":`}},
			{name: "officer cannot list users", as: "officer_a", method: "GET", path: "/api/v1/users", status: 200, want: []string{`"items":[]`}},
			{name: "officer cannot create users", as: "officer_a", method: "POST", path: "/api/v1/users",
				body: `{"username":"sneaky","name":"x","org_id":"{streetA}","password":"` + password + `"}`, status: 422, want: []string{`"org_id":`}},
			{name: "weak password", as: "admin", method: "POST", path: "/api/v1/users", hdr: map[string]string{"Accept-Language": "en"},
				body: `{"username":"weak","name":"弱","org_id":"{streetA}","password":"short"}`, status: 422,
				want: []string{`"password":"The password needs at least 10 characters."`}},
			{name: "service accounts have no password", as: "admin", method: "POST", path: "/api/v1/users/{svc}/password", body: `{"password":"` + password + `"}`,
				status: 422, want: []string{`"password":`}},
			{name: "disable", as: "admin", method: "PATCH", path: "/api/v1/users/{svc}", body: `{"disabled":true}`, status: 200, want: []string{`"disabled":true`}},
			{name: "disabled token is dead", as: "svc", method: "GET", path: "/api/v1/me", status: 401},
			{name: "patch needs disabled", as: "admin", method: "PATCH", path: "/api/v1/users/{svc}", body: `{}`, status: 422, want: []string{`"disabled":`}},
			{name: "enable", as: "admin", method: "PATCH", path: "/api/v1/users/{svc}", body: `{"disabled":false}`, status: 200, want: []string{`"disabled":false`}},
			{name: "revoke", as: "admin", method: "DELETE", path: "/api/v1/users/{svc}/grants/{grant}", status: 204},
			{name: "revoked", as: "admin", method: "GET", path: "/api/v1/users/{svc}", status: 200, want: []string{`"grants":[]`}},
			{name: "reset a password", as: "admin", method: "POST", path: "/api/v1/users/{user:leader_a}/password", body: `{"password":"Fresh-Meadow-77"}`, status: 204},
			{name: "new password works", method: "POST", path: "/api/v1/auth/token", body: `{"username":"leader_a","password":"Fresh-Meadow-77"}`, status: 200},
			{name: "end all sessions", as: "admin", method: "DELETE", path: "/api/v1/users/{user:leader_a}/sessions", status: 204},
			{name: "none left", as: "admin", method: "GET", path: "/api/v1/users/{user:leader_a}/sessions", status: 200, want: []string{`"items":[]`}},
			{name: "neighbour's account", as: "admin", method: "GET", path: "/api/v1/users/123456789", status: 404},
		})
	})
}
