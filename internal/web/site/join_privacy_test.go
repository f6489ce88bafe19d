package site

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"gonghui/internal/db"
	"gonghui/internal/member"
	"gonghui/internal/testkit"
)

// The public joining form answers alike whoever's ID or mobile number is
// typed: a stranger must not learn from it that someone is a member (here
// or elsewhere), has applied, or owns a mobile number. Staff still see the
// duplicate when they review.
func TestJoinFormTellsNothingOfOthers(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := newMemberSite(t, d)
		here := s.add(t, s.unionE, "钱八", 40, "")
		s.add(t, s.unionW, "孙九", 41, "")
		page := "/join/" + id(s.unionE)
		apply := func(name string, idn, mobile int) answer {
			worker := s.client("")
			return worker.post(page, url.Values{"name": {name}, "id_number": {idNumber(t, idn)}, "mobile": {mobileNumber(mobile)},
				"employer_id": {db.FormatID(s.empE.ID)}, "consent": {"1"}}, page)
		}
		cases := []struct {
			what       string
			name       string
			idn, phone int
		}{
			{"a stranger", "李十", 42, 42},
			{"a member here", "钱八", 40, 43},
			{"a member of another union", "孙九", 41, 41},
			{"another member's mobile", "周十一", 44, 40},
			{"an application pending", "李十", 42, 42},
		}
		var first answer
		for i, c := range cases {
			a := apply(c.name, c.idn, c.phone)
			if a.status != http.StatusSeeOther || a.location != page+"/done" {
				t.Fatalf("%s: %d %q %s", c.what, a.status, a.location, a.body)
			}
			done := s.client("").get(a.location)
			wantStatus(t, c.what, done, http.StatusOK)
			wantNoBody(t, c.what, done, "已是", "接转", "孙九", "钱八")
			if i == 0 {
				first = done
			} else if stripTokens(done.body) != stripTokens(first.body) {
				t.Errorf("%s: the thank-you page differs from a stranger's", c.what)
			}
		}
		// Staff review catches the duplicate.
		apps, _, err := s.members.ListApplications(context.Background(), s.system, member.ApplicationQuery{Status: member.AppPending})
		if err != nil {
			t.Fatal(err)
		}
		officer := s.login("dashilan", "")
		var dup string
		for _, a := range apps {
			if a.Name == here.Name {
				dup = db.FormatID(a.ID)
			}
		}
		if dup == "" {
			t.Fatalf("the application of a member here was not filed: %+v", apps)
		}
		a := officer.post("/applications/"+dup+"/decide", url.Values{"decision": {"approve"}, "back": {"/applications"}}, "/applications")
		wantStatus(t, "approving a duplicate", a, http.StatusConflict)
		wantBody(t, "approving a duplicate", a, "此人已是本工会会员")
	})
}

// stripTokens blanks the per-visitor form tokens of a page.
func stripTokens(body string) string {
	return csrfRE.ReplaceAllString(body, "")
}
