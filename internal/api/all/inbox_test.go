package all_test

import (
	"encoding/json"
	"testing"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/testkit"
)

// inboxAnswer is GET /api/v1/inbox as a client reads it.
type inboxAnswer struct {
	Total  int
	Groups []struct {
		Kind, Title, List string
		Count             int
		Items             []struct{ Kind, ID, Title, OrgName, Link string }
	}
}

func (f *fixture) inbox(who string, hdr map[string]string) inboxAnswer {
	f.t.Helper()
	st, body := f.do(f.token(who), "GET", "/api/v1/inbox?limit=5", "", hdr)
	var out inboxAnswer
	if err := json.Unmarshal([]byte(body), &out); st != 200 || err != nil {
		f.t.Fatalf("inbox of %s: %d %s", who, st, body)
	}
	return out
}

func TestInboxAPI(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.staff("officer_b", "streetB", auth.RoleOfficer)
		if got := f.inbox("officer_a", nil); got.Total != 0 || len(got.Groups) != 0 {
			t.Fatalf("empty inbox: %+v", got)
		}
		f.ids["id1"], f.ids["id2"] = idNo(t, 41), idNo(t, 42)
		for _, body := range []string{
			`{"org_id":"{unionA}","name":"刘强","id_number":"{id1}","mobile":"13900004101","platform_worker":true,"consent":true}`,
			`{"org_id":"{unionB}","name":"陈静","id_number":"{id2}","mobile":"13900004102","platform_worker":true,"consent":true}`,
		} {
			if st, b := f.do("", "POST", "/api/v1/join-applications", body, nil); st != 201 {
				t.Fatalf("apply: %d %s", st, b)
			}
		}
		// Each street's officer sees their own street's application only.
		for who, name := range map[string]string{"officer_a": "刘强", "officer_b": "陈静"} {
			got := f.inbox(who, map[string]string{"Accept-Language": "en"})
			if got.Total != 1 || len(got.Groups) != 1 {
				t.Fatalf("%s: %+v", who, got)
			}
			g := got.Groups[0]
			if g.Kind != "join_application" || g.Count != 1 || g.Title != "Join applications to review" || g.List != "/applications" ||
				len(g.Items) != 1 || g.Items[0].Title != name || g.Items[0].Link != "/applications/"+g.Items[0].ID {
				t.Fatalf("%s: %+v", who, g)
			}
		}
		if got := f.inbox("admin", nil); got.Total != 2 || got.Groups[0].Title != "入会申请待审核" {
			t.Fatalf("admin at the root: %+v", got)
		}
		// A leader decides none of these; nor does an auditor.
		for _, who := range []string{"leader_a", "auditor"} {
			if got := f.inbox(who, nil); got.Total != 0 || got.Groups == nil || len(got.Groups) != 0 {
				t.Fatalf("%s: %+v", who, got)
			}
		}
		if st, _ := f.do("", "GET", "/api/v1/inbox", "", nil); st != 401 {
			t.Fatalf("no token: %d", st)
		}
		if st, _ := f.do(f.token("officer_a"), "GET", "/api/v1/inbox?limit=x", "", nil); st != 422 {
			t.Fatalf("bad limit: %d", st)
		}
	})
}
