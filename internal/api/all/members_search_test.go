package all_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"gonghui/internal/db"
	"gonghui/internal/testkit"
)

// POST /members/search: the list's filters in a body, so that an ID number
// searched for stays out of URLs; GET keeps working; both sort.
func TestMemberSearchAPI(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.ids["id1"], f.ids["id2"] = idNo(t, 11), idNo(t, 12)
		for i, in := range []string{
			`{"org_id":"{unionA}","name":"张中喜","id_number":"{id1}","mobile":"13812345611","joined_on":"2019-06-01"}`,
			`{"org_id":"{unionA}","name":"李四海","id_number":"{id2}","mobile":"13812345612","joined_on":"2021-03-01"}`,
		} {
			st, body := f.do(f.token("officer_a"), "POST", "/api/v1/members", f.expand(in), nil)
			if st != http.StatusCreated {
				t.Fatalf("create: %d %s", st, body)
			}
			var m struct{ ID string }
			_ = json.Unmarshal([]byte(body), &m)
			f.ids[[]string{"m1", "m2"}[i]] = m.ID
		}
		f.run([]Step{
			{name: "by ID number in the body", as: "officer_a", method: "POST", path: "/api/v1/members/search", body: `{"q":"{id1}"}`, status: 200,
				want: []string{`"id":"{m1}"`, `"total":{"n":1`}, not: []string{`"id":"{m2}"`, "{id1}"}},
			{name: "filters", as: "officer_a", method: "POST", path: "/api/v1/members/search", body: `{"org":"{unionA}","org_only":true,"status":"active","joined_from":"2020-01-01"}`, status: 200,
				want: []string{`"id":"{m2}"`}, not: []string{`"id":"{m1}"`}},
			{name: "an account without roles", as: "clerk", method: "POST", path: "/api/v1/members/search", body: `{"q":"{id1}"}`, status: 200,
				want: []string{`"items":[]`}},
			{name: "bad sort", as: "officer_a", method: "POST", path: "/api/v1/members/search", body: `{"sort":"id_hash"}`, status: 422, want: []string{`"sort"`}},
			{name: "bad org", as: "officer_a", method: "POST", path: "/api/v1/members/search", body: `{"org":"abc"}`, status: 422, want: []string{`"org"`}},
			{name: "bad tag", as: "officer_a", method: "POST", path: "/api/v1/members/search", body: `{"tags":["king"]}`, status: 422, want: []string{`"tags"`}},
			{name: "bad limit", as: "officer_a", method: "POST", path: "/api/v1/members/search", body: `{"limit":500}`, status: 422, want: []string{`"limit"`}},
			{name: "unknown field", as: "officer_a", method: "POST", path: "/api/v1/members/search", body: `{"id_number":"{id1}"}`, status: 400},
			{name: "no token", method: "POST", path: "/api/v1/members/search", body: `{}`, status: 401},
			{name: "GET still finds by number", as: "officer_a", method: "GET", path: "/api/v1/members?q={id1}", status: 200, want: []string{`"id":"{m1}"`}},
			{name: "GET sorted", as: "officer_a", method: "GET", path: "/api/v1/members?org={unionA}&sort=-joined&limit=1", status: 200, want: []string{`"id":"{m2}"`}},
		})
		// Paging a sorted search: the next page is the same body with the cursor.
		st, body := f.do(f.token("officer_a"), "POST", "/api/v1/members/search", f.expand(`{"org":"{unionA}","sort":"joined","limit":1}`), nil)
		var page struct {
			Items []struct{ ID string }
			Next  string
		}
		if err := json.Unmarshal([]byte(body), &page); st != 200 || err != nil || len(page.Items) != 1 || page.Items[0].ID != f.ids["m1"] || page.Next == "" {
			t.Fatalf("first page: %d %s", st, body)
		}
		st, body = f.do(f.token("officer_a"), "POST", "/api/v1/members/search", f.expand(`{"org":"{unionA}","sort":"joined","limit":1,"cursor":"`+page.Next+`"}`), nil)
		page.Items, page.Next = nil, ""
		if err := json.Unmarshal([]byte(body), &page); st != 200 || err != nil || len(page.Items) != 1 || page.Items[0].ID != f.ids["m2"] {
			t.Fatalf("second page: %d %s", st, body)
		}
	})
}
