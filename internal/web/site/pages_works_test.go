package site

import (
	"net/url"
	"regexp"
	"testing"
	"time"

	"gonghui/internal/db"
	"gonghui/internal/testkit"
	"gonghui/internal/web"
	"gonghui/internal/works"
)

var worksPathRE = regexp.MustCompile(`^/works/(\d+)$`)

// TestWorksPages: an officer creates a call through the form (bad input
// first: kept, field by field, nothing saved), lists, opens and publishes
// it; another street's officer finds nothing.
func TestWorksPages(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := newMemberSite(t, d)
		store := works.NewStore(d, s.members)
		s.srv = serve(t, mounted(t, Deps{Deps: web.Deps{DB: d, Auth: s.auth, Orgs: s.orgs, Members: s.members}, Works: store}))
		officer := s.login("dashilan", "")
		west := s.login("xichang", "")
		a := officer.get("/works")
		wantStatus(t, "empty list", a, 200)
		wantBody(t, "empty list", a, "还没有作品征集。", `href="/works/new"`)
		wantNoKeys(t, "empty list", a, keyRE("works"), rawKeyRE)
		form := url.Values{"org_id": {id(s.east)}, "title": {"“我身边的劳动者”摄影比赛"}, "kind": {"photo"}, "max_photos": {"3"}, "max_photo_kb": {"2048"},
			"per_member": {"1"}, "opens_at": {localIn(-time.Hour)}, "closes_at": {localIn(7 * 24 * time.Hour)}, "judge_until": {localIn(14 * 24 * time.Hour)},
			"criteria.0.name": {"主题"}, "criteria.0.weight": {"40"}, "criteria.1.name": {"构图"}, "criteria.1.weight": {"30"},
			"criteria.2.name": {"创意"}, "criteria.2.weight": {"20"}, "tiers.0.name": {"一等奖"}, "tiers.0.count": {"1"}}
		// The audience's picker without JavaScript: a search shows the form
		// again as typed, with the matches to choose from; nothing saved.
		search := url.Values{}
		for k, v := range form {
			search[k] = v
		}
		search.Set("audience_q", "排水")
		search.Set("picker_search", "audience_q")
		a = officer.post("/works/new", search, "/works/new")
		wantStatus(t, "picker search", a, 200)
		wantBody(t, "picker search", a, `name="audience_org_id" value="`+id(s.unionE)+`"`, "北京排水集团工会", "“我身边的劳动者”摄影比赛")
		// An audience outside the caller's reach, or outside the publisher.
		outside := url.Values{}
		for k, v := range form {
			outside[k] = v
		}
		outside.Set("criteria.2.weight", "30")
		outside.Set("audience_org_id", id(s.unionW))
		a = officer.post("/works/new", outside, "/works/new")
		wantStatus(t, "audience out of reach", a, 422)
		wantBody(t, "audience out of reach", a, `id="f-audience_org_id-error"`)
		outside.Set("org_id", id(s.unionE))
		outside.Set("audience_org_id", id(s.east))
		a = officer.post("/works/new", outside, "/works/new")
		wantStatus(t, "audience above the publisher", a, 422)
		wantBody(t, "audience above the publisher", a, "征集范围须在发布组织之内。")
		outside.Set("org_id", id(s.east))
		outside.Set("audience_org_id", "")
		outside.Set("per_member", "两件")
		a = officer.post("/works/new", outside, "/works/new")
		wantStatus(t, "not a number", a, 422)
		wantBody(t, "not a number", a, `id="f-per_member-error"`)
		if n := countRows(t, d, "works_calls"); n != 0 {
			t.Fatalf("%d calls saved by refused forms", n)
		}
		a = officer.post("/works/new", form, "/works/new")
		wantStatus(t, "weights off", a, 422)
		wantBody(t, "weights off", a, "各项权重之和须为 100%，现在是 90%。", "“我身边的劳动者”摄影比赛")
		form.Set("criteria.2.weight", "30")
		a = officer.post("/works/new", form, "/works/new")
		m := worksPathRE.FindStringSubmatch(a.location)
		if m == nil {
			t.Fatalf("create: %d %s", a.status, a.location)
		}
		a = officer.get(a.location)
		wantStatus(t, "show", a, 200)
		wantBody(t, "show", a, "“我身边的劳动者”摄影比赛", "发布", "评委会", "去掉一个最高分和一个最低分")
		wantNoKeys(t, "show", a, keyRE("works"), rawKeyRE)
		a = officer.post("/works/"+m[1]+"/publish", url.Values{"version": {"1"}}, "/works/"+m[1])
		wantStatus(t, "publish", a, 303)
		a = officer.get("/works?status=published")
		wantBody(t, "list", a, "“我身边的劳动者”摄影比赛", "征集中")
		a = officer.get("/works?q=" + url.QueryEscape("没有这个"))
		wantStatus(t, "no hits", a, 200)
		wantBody(t, "no hits", a, "没有符合条件的作品征集。", "清除筛选")
		a = officer.get("/works/" + m[1] + "/edit")
		wantStatus(t, "edit", a, 200)
		wantBody(t, "edit", a, `<p class="works-fixed">大栅栏街道总工会</p>`, `name="audience_org_id"`)
		wantStatus(t, "another street's edit", west.get("/works/"+m[1]+"/edit"), 404)
		wantStatus(t, "another street's export", west.get("/works/"+m[1]+"/awards.xlsx"), 404)
		wantStatus(t, "another street", west.get("/works/"+m[1]), 404)
		a = officer.get("/works/" + m[1] + "/entries")
		wantStatus(t, "entries", a, 200)
		wantBody(t, "entries", a, "没有作品。", "会员提交的作品会出现在这里")
		a = officer.get("/works/" + m[1] + "/entries?q=" + url.QueryEscape("a&b"))
		wantBody(t, "entries no hits", a, "没有符合条件的作品。", `value="a&amp;b"`)
		wantStatus(t, "a page past the end", officer.get("/works/"+m[1]+"/entries?page=100000"), 422)
	})
}
