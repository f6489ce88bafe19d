package site

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"gonghui/internal/db"
	"gonghui/internal/testkit"
)

var teamPathRE = regexp.MustCompile(`^/contests/\d+/teams/(\d+)$`)

func TestContestTeamPages(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := newCertSite(t, d)
		zhang := s.add(t, s.unionE, "张建华", 1, "2019-03-01")
		s.add(t, s.unionW, "王德明", 3, "2020-01-10")
		s.take(t, zhang, 3)
		officer := s.login("dashilan", "")
		west := s.login("xichang", "")
		base := "/contests/" + db.FormatID(s.c.ID) + "/teams"

		a := officer.get(base)
		wantStatus(t, "teams", a, http.StatusOK)
		wantBody(t, "teams", a, "代表队排行", "还没有代表队报名", "组建代表队", "大栅栏街道总工会", "平均分")
		wantNoKeys(t, "teams", a, certRawKeyRE, rawKeyRE)
		if strings.Contains(a.body, "代表队规则") {
			t.Fatal("a street sets the city's rules")
		}

		// Refused: field errors, nothing made.
		a = officer.post(base, url.Values{"org_id": {db.FormatID(s.east.ID)}, "name": {""}}, base)
		wantStatus(t, "no name", a, http.StatusUnprocessableEntity)
		wantBody(t, "no name", a, "必填。", "还没有代表队报名")
		a = officer.post(base, url.Values{"org_id": {db.FormatID(s.west.ID)}, "name": {"西队"}}, base)
		wantStatus(t, "org outside", a, http.StatusUnprocessableEntity)
		wantBody(t, "org outside", a, "请选择竞赛参赛范围内")

		a = officer.post(base, url.Values{"org_id": {db.FormatID(s.east.ID)}, "name": {"大栅栏代表队"}}, base)
		wantStatus(t, "create", a, http.StatusSeeOther)
		m := teamPathRE.FindStringSubmatch(a.location)
		if m == nil {
			t.Fatalf("after create: %q", a.location)
		}
		team := a.location
		a = officer.get(team)
		wantStatus(t, "team", a, http.StatusOK)
		wantBody(t, "team", a, "代表队已组建", "本队还没有队员", "查找会员")
		wantNoKeys(t, "team", a, certRawKeyRE, rawKeyRE)

		// Search within the team's subtree, add, the board counts it.
		a = officer.post(team+"/search", url.Values{"mq": {""}}, team)
		wantStatus(t, "empty search", a, http.StatusUnprocessableEntity)
		a = officer.post(team+"/search", url.Values{"mq": {"王德明"}}, team)
		wantBody(t, "outside search", a, "没有符合条件")
		a = officer.post(team+"/search", url.Values{"mq": {"张建华"}}, team)
		wantStatus(t, "search", a, http.StatusOK)
		wantBody(t, "search", a, "张建华", `name="member_id" value="`+db.FormatID(zhang.ID)+`"`)
		a = officer.post(team+"/members", url.Values{"member_id": {db.FormatID(zhang.ID)}}, team)
		wantStatus(t, "add", a, http.StatusSeeOther)
		a = officer.post(team+"/members", url.Values{"member_id": {"nope"}}, team)
		wantStatus(t, "bad member", a, http.StatusUnprocessableEntity)
		a = officer.get(base)
		wantBody(t, "board", a, "大栅栏代表队", "1 / 1", "6.00")

		// Another street's officer: not found.
		wantStatus(t, "west team", west.get(team), http.StatusNotFound)
		wantStatus(t, "west add", west.post(team+"/members", url.Values{"member_id": {db.FormatID(zhang.ID)}}, base), http.StatusNotFound)

		// Rename, remove, withdraw.
		a = officer.post(team+"/edit", url.Values{"name": {strings.Repeat("长", 41)}, "version": {"0"}}, team)
		wantStatus(t, "long name", a, http.StatusUnprocessableEntity)
		wantBody(t, "long name", a, "最多 40 个字")
		wantStatus(t, "rename", officer.post(team+"/edit", url.Values{"name": {"大栅栏一队"}, "version": {"0"}}, team), http.StatusSeeOther)
		wantStatus(t, "remove", officer.post(team+"/members/"+db.FormatID(zhang.ID)+"/remove", url.Values{}, team), http.StatusSeeOther)
		a = officer.post(team+"/delete", url.Values{}, team)
		wantStatus(t, "delete", a, http.StatusSeeOther)
		if a.location != base {
			t.Fatalf("after delete: %q", a.location)
		}
		wantStatus(t, "gone", officer.get(team), http.StatusNotFound)
	})
}
