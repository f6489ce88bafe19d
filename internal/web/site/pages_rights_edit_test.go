package site

import (
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"gonghui/internal/db"
	"gonghui/internal/testkit"
)

var (
	workerEditRE = regexp.MustCompile(`href="(/cases/\d+/workers/\d+)"`)
	claimEditRE  = regexp.MustCompile(`href="(/cases/\d+/claims/\d+)"`)
	versionRE    = regexp.MustCompile(`name="version" value="(\d+)"`)
)

// Workers and claims edited on the case's pages: errors beside their
// fields with nothing changed, the timeline without personal data, every
// new route refused (404) to the neighbouring street's officer and to a
// member, writes refused to a reader, nothing editable once closed.
func TestRightsEditPages(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := newCasesSite(t, d)
		officer := s.login("dashilan", "")
		west := s.login("xichang", "")
		chief := s.login("chief", "")

		a := officer.upload("/cases/new", url.Values{"org_id": {id(s.east)}, "channel": {"walk_in"}, "kind": {"mediation"}, "title": {"外卖站拖欠骑手工资"},
			"facts": {"两名骑手自九月起未领到工资，站点负责人失联。"}, "employer_name": {"北京某配送公司"}, "rows": {"3"},
			"workers.0.name": {"赵骑手"}, "workers.0.mobile": {"13700002222"}, "workers.1.name": {"钱骑手"},
			"claims.0.kind": {"wages"}, "claims.0.amount": {"12,000.50"}}, "file", "", []byte{}, "/cases/new")
		wantStatus(t, "intake", a, http.StatusSeeOther)
		caseURL := a.location
		if caseURLRE.FindStringSubmatch(caseURL) == nil {
			t.Fatalf("after intake: %q", caseURL)
		}
		a = officer.get(caseURL)
		wantPage(t, "case", a, casesRawKeyRE)
		wantBody(t, "case", a, "添加劳动者", "添加诉求", "修改")
		workers := workerEditRE.FindAllStringSubmatch(a.body, -1)
		claims := claimEditRE.FindAllStringSubmatch(a.body, -1)
		if len(workers) != 2 || len(claims) != 1 {
			t.Fatalf("edit links: %d workers, %d claims", len(workers), len(claims))
		}
		w0, c0 := workers[0][1], claims[0][1]

		// Every new route: the neighbouring street gets 404, the reader 403
		// on writes, a member's session is no staff session.
		me := s.memberLogin(t, mobileNumber(71))
		for _, p := range []string{w0, c0} {
			wantStatus(t, "neighbour "+p, west.get(p), http.StatusNotFound)
			if a := me.get(p); a.status == http.StatusOK {
				t.Fatalf("a member opened %s", p)
			}
		}
		posts := map[string]url.Values{
			caseURL + "/workers": {"name": {"孙六"}},
			w0:                   {"name": {"孙六"}},
			w0 + "/remove":       {},
			caseURL + "/claims":  {"kind": {"wages"}, "amount": {"100"}},
			c0:                   {"kind": {"wages"}, "amount": {"100"}},
			c0 + "/remove":       {},
		}
		for p, form := range posts {
			wantStatus(t, "neighbour posts "+p, west.post(p, form, "/cases"), http.StatusNotFound)
			wantStatus(t, "reader posts "+p, chief.post(p, form, caseURL), http.StatusForbidden)
		}
		wantStatus(t, "reader opens a worker's form", chief.get(w0), http.StatusForbidden)

		// Add a worker: bad input beside its fields, nothing added.
		a = officer.post(caseURL+"/workers", url.Values{"name": {""}, "id_number": {"12345"}, "mobile": {"123"}, "version": {"1"}}, caseURL)
		wantStatus(t, "bad worker", a, http.StatusUnprocessableEntity)
		wantNoKeys(t, "bad worker", a, casesRawKeyRE)
		wantBody(t, "bad worker", a, "身份证号码不正确。", `id="add-worker" open`)
		a = officer.post(caseURL+"/workers", url.Values{"name": {"刘维权"}, "id_number": {idNumber(t, 71)}, "mobile": {"13700003333"}, "version": {"1"}}, caseURL)
		wantStatus(t, "add worker", a, http.StatusSeeOther)
		a = officer.get(caseURL)
		wantBody(t, "worker added", a, "已添加劳动者。", "劳动者（3 人）", "添加了第 3 位劳动者", "刘*权", "137****3333")
		wantNoBody(t, "worker added", a, "13700003333", "刘维权")
		// The member named by their ID number now follows it on the phone.
		wantPage(t, "the linked member's case", me.get("/m"+caseURL), casesRawKeyRE)
		wantBody(t, "the linked member's list", me.get("/m/cases"), "外卖站拖欠骑手工资")

		// Edit a worker: the form shows what is held masked; only what is
		// typed changes.
		a = officer.get(w0)
		wantPage(t, "worker form", a, casesRawKeyRE)
		wantBody(t, "worker form", a, "修改第 1 位劳动者", "现为：赵*手", "现为：137****2222", "删除手机号")
		wantNoBody(t, "worker form", a, "赵骑手", "13700002222")
		a = officer.post(w0, url.Values{"mobile": {"abc"}, "version": {version(t, officer, caseURL)}}, w0)
		wantStatus(t, "bad edit", a, http.StatusUnprocessableEntity)
		wantBody(t, "bad edit", a, "手机号码不正确。")
		a = officer.post(w0, url.Values{"version": {version(t, officer, caseURL)}}, w0)
		wantStatus(t, "empty edit", a, http.StatusUnprocessableEntity)
		wantBody(t, "empty edit", a, "没有修改任何内容。")
		a = officer.post(w0, url.Values{"version": {"1"}, "name": {"赵大骑"}}, w0)
		wantStatus(t, "stale edit", a, http.StatusConflict)
		a = officer.post(w0, url.Values{"clear_mobile": {"1"}, "name": {"赵大骑"}, "version": {version(t, officer, caseURL)}}, w0)
		wantStatus(t, "edit", a, http.StatusSeeOther)
		a = officer.get(caseURL)
		wantBody(t, "worker edited", a, "已修改劳动者信息。", "修改了第 1 位劳动者的信息", "赵*骑")
		wantNoBody(t, "worker edited", a, "137****2222")

		// Remove a worker; the last one has no remove button and is refused.
		a = officer.post(w0+"/remove", url.Values{"version": {version(t, officer, caseURL)}}, caseURL)
		wantStatus(t, "remove", a, http.StatusSeeOther)
		a = officer.get(caseURL)
		wantBody(t, "removed", a, "已移除劳动者。", "劳动者（2 人）", "移除了第 1 位劳动者")

		// Claims: bad input beside the field; add, edit (the form filled), remove.
		a = officer.post(caseURL+"/claims", url.Values{"kind": {""}, "amount": {"-1,000"}, "version": {version(t, officer, caseURL)}}, caseURL)
		wantStatus(t, "bad claim", a, http.StatusUnprocessableEntity)
		wantBody(t, "bad claim", a, "金额不能为负数。", `id="add-claim" open`)
		a = officer.post(caseURL+"/claims", url.Values{"kind": {"overtime"}, "amount": {"3,000"}, "claim_note": {"周末加班"}, "version": {version(t, officer, caseURL)}}, caseURL)
		wantStatus(t, "add claim", a, http.StatusSeeOther)
		a = officer.get(caseURL)
		wantBody(t, "claim added", a, "已添加诉求。", "周末加班", "15,000.50", "添加了一项诉求，诉求合计 15,000.50 元")
		a = officer.get(c0)
		wantPage(t, "claim form", a, casesRawKeyRE)
		wantBody(t, "claim form", a, `value="12,000.50"`, `value="wages" selected`)
		a = officer.post(c0, url.Values{"kind": {"wages"}, "amount": {"12.345"}, "version": {version(t, officer, caseURL)}}, c0)
		wantStatus(t, "bad claim edit", a, http.StatusUnprocessableEntity)
		wantNoKeys(t, "bad claim edit", a, casesRawKeyRE)
		a = officer.post(c0, url.Values{"kind": {"wages"}, "amount": {"10,000"}, "version": {version(t, officer, caseURL)}}, c0)
		wantStatus(t, "claim edit", a, http.StatusSeeOther)
		wantBody(t, "claim edited", officer.get(caseURL), "已修改诉求。", "13,000.00")
		a = officer.post(c0+"/remove", url.Values{"version": {version(t, officer, caseURL)}}, caseURL)
		wantStatus(t, "claim remove", a, http.StatusSeeOther)
		wantBody(t, "claim removed", officer.get(caseURL), "已删除诉求。", "删除了一项诉求，诉求合计 3,000.00 元")

		// Closed: nothing to edit.
		a = officer.post(caseURL+"/close", url.Values{"outcome": {"not_accepted"}, "close_note": {"不属于受理范围。"}, "version": {version(t, officer, caseURL)}}, caseURL)
		wantStatus(t, "close", a, http.StatusSeeOther)
		a = officer.get(caseURL)
		wantNoBody(t, "closed", a, "添加劳动者", "添加诉求", "/remove")
		wantStatus(t, "closed: add a worker", officer.post(caseURL+"/workers", url.Values{"name": {"孙六"}}, caseURL), http.StatusConflict)
	})
}

// version reads the case's version from its page (the forms carry it).
func version(t *testing.T, c *client, caseURL string) string {
	t.Helper()
	m := versionRE.FindStringSubmatch(c.get(caseURL).body)
	if m == nil {
		t.Fatalf("no version on %s", caseURL)
	}
	return m[1]
}
