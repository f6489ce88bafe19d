package site

import (
	"bytes"
	"image"
	"image/png"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"gonghui/internal/activity"
	"gonghui/internal/db"
	"gonghui/internal/inbox"
	"gonghui/internal/mailbox"
	"gonghui/internal/member"
	"gonghui/internal/testkit"
	"gonghui/internal/web"
)

// mailboxSite is the portal site with the suggestion box behind its
// pages: a worker of the eastern street's union writes; the eastern
// street's officer (dashilan) answers; the western one (xichang) may not
// see the letters.
type mailboxSite struct {
	*portalSite
	letters *mailbox.Store
	worker  *member.Member
}

func newMailboxSite(t *testing.T, d *db.DB) *mailboxSite {
	t.Helper()
	s := &mailboxSite{portalSite: newPortalSite(t, d), letters: mailbox.NewStore(d, testkit.Keys(t))}
	s.worker = s.add(t, s.unionE, "刘写信", 61, "2020-05-01")
	// Activities serve the notices page (/m/notices) the writer is told on.
	s.srv = serve(t, mounted(t, Deps{Deps: web.Deps{DB: d, Auth: s.auth, Orgs: s.orgs, Members: s.members,
		Inbox: inbox.New(s.letters.InboxSources()...).WithMembers(s.letters.MemberSource())},
		Letters: s.letters, Acts: activity.NewStore(d, s.members)}))
	return s
}

var mailboxRawKeyRE = keyRE("mailbox|flash|list|portal")

func wantNoMailboxKeys(t *testing.T, what string, a answer) {
	t.Helper()
	wantNoKeys(t, what, a, mailboxRawKeyRE, rawKeyRE)
}

var memberLetterRE = regexp.MustCompile(`^/m/letters/(\d+)$`)

// writeLetter posts the writing form (multipart, with an optional photo).
func (c *client) writeLetter(fields url.Values, photo []byte) answer {
	c.t.Helper()
	if photo == nil {
		photo = []byte{}
	}
	return c.upload("/m/letters/new", fields, "photo", "p.png", photo, "/m/letters/new")
}

func TestMailboxPages(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := newMailboxSite(t, d)
		officer := s.login("dashilan", "")
		west := s.login("xichang", "")
		me := s.memberLogin(t, mobileNumber(61))
		var pic bytes.Buffer
		png.Encode(&pic, image.NewRGBA(image.Rect(0, 0, 8, 8)))

		a := officer.get("/letters")
		wantPage(t, "empty list", a, mailboxRawKeyRE)
		wantBody(t, "empty list", a, `href="/letters" aria-current="page"`, "还没有职工来信。")
		wantStatus(t, "admin without letter roles", s.login("admin", "").get("/letters"), http.StatusForbidden)

		// The member's pages: the home entry, the list, the form with the ancestors in words.
		wantBody(t, "portal home", me.get("/m"), `href="/m/letters"`, "职工心声")
		a = me.get("/m/letters")
		wantPage(t, "my letters", a, mailboxRawKeyRE)
		wantBody(t, "my letters", a, "您还没有写过信。", `href="/m/letters/new"`)
		a = me.get("/m/letters/new")
		wantPage(t, "form", a, mailboxRawKeyRE)
		wantBody(t, "form", a, "本单位工会 · 北京排水集团工会", "街道/乡镇工会 · 大栅栏街道总工会", "市总工会 · 北京市总工会", `enctype="multipart/form-data"`)
		if strings.Contains(a.body, "西长安街") {
			t.Fatal("the form offers a union not above the member")
		}

		// Bad input comes back with its messages and what was typed.
		a = me.writeLetter(url.Values{"org_id": {id(s.east)}, "category": {"wages"}, "subject": {""}, "body": {"工资已经拖欠三个月"}}, []byte("GIF89a not really"))
		wantStatus(t, "bad letter", a, http.StatusUnprocessableEntity)
		wantBody(t, "bad letter", a, "必填。", "只能上传 JPEG、PNG 或 WebP 格式的照片。", "工资已经拖欠三个月")
		wantNoMailboxKeys(t, "bad letter", a)
		a = me.writeLetter(url.Values{"org_id": {id(s.west)}, "category": {"wages"}, "subject": {"工资"}, "body": {"工资已经拖欠三个月了。"}}, nil)
		wantStatus(t, "letter to a stranger", a, http.StatusUnprocessableEntity)
		wantBody(t, "letter to a stranger", a, "只能写给本单位工会或其上级工会。")

		// An anonymous letter with a photo.
		a = me.writeLetter(url.Values{"org_id": {id(s.east)}, "category": {"wages"}, "subject": {"加班费拖欠"}, "body": {"公司三个月没有发加班费，请工会帮忙。"}, "anonymous": {"1"}}, pic.Bytes())
		wantStatus(t, "write", a, http.StatusSeeOther)
		m := memberLetterRE.FindStringSubmatch(a.location)
		if m == nil {
			t.Fatalf("after writing: %q", a.location)
		}
		letterID := m[1]
		a = me.get(a.location)
		wantPage(t, "my letter", a, mailboxRawKeyRE)
		wantBody(t, "my letter", a, "信已寄出", "加班费拖欠", "待受理", "匿名", `/m/letters/`+letterID+`/photos/`)

		// Staff: in the list and the inbox, without the writer.
		a = officer.get("/letters")
		wantPage(t, "list", a, mailboxRawKeyRE)
		wantBody(t, "list", a, "加班费拖欠", "匿名", "共 1 封", `name="id" value="`+letterID+`"`, "待受理 1")
		if strings.Contains(a.body, "刘写信") || strings.Contains(a.body, "北京排水集团工会") {
			t.Fatal("the staff list names the anonymous writer")
		}
		wantBody(t, "workbench", officer.get("/"), "职工来信待受理")
		wantStatus(t, "the neighbour's view", west.get("/letters/"+letterID), http.StatusNotFound)
		wantBody(t, "the neighbour's list", west.get("/letters"), "还没有职工来信。")
		a = officer.get("/letters?status=bogus")
		wantStatus(t, "bad filter", a, http.StatusUnprocessableEntity)
		wantNoMailboxKeys(t, "bad filter", a)
		wantBody(t, "search", officer.get("/letters?q=加班"), "加班费拖欠")
		wantBody(t, "search miss", officer.get("/letters?q=食堂"), "没有符合条件的来信。")

		a = officer.get("/letters/" + letterID)
		wantPage(t, "letter", a, mailboxRawKeyRE)
		wantBody(t, "letter", a, "公司三个月没有发加班费", "写信人选择了匿名", `action="/letters/`+letterID+`/accept"`, `<img src="/letters/`+letterID+`/photos/`)
		if strings.Contains(a.body, "刘写信") {
			t.Fatal("the letter's page names the anonymous writer")
		}
		photo := regexp.MustCompile(`<img src="(/letters/\d+/photos/\d+)"`).FindStringSubmatch(a.body)
		ph := officer.get(photo[1])
		if ph.status != 200 || ph.header.Get("Content-Type") != "image/png" || ph.body != pic.String() {
			t.Fatalf("photo: %d %v", ph.status, ph.header)
		}
		wantStatus(t, "the neighbour's photo", west.get(photo[1]), http.StatusNotFound)

		// Accept, answer (an empty answer first).
		page := "/letters/" + letterID
		wantStatus(t, "accept", officer.post(page+"/accept", url.Values{"handler": {"张干事"}}, page), http.StatusSeeOther)
		a = officer.post(page+"/answer", url.Values{"text": {"  "}}, page)
		wantStatus(t, "empty answer", a, http.StatusUnprocessableEntity)
		wantBody(t, "empty answer", a, "必填。")
		wantNoMailboxKeys(t, "empty answer", a)
		wantStatus(t, "accept again", officer.post(page+"/accept", url.Values{}, page), http.StatusConflict)
		wantStatus(t, "answer", officer.post(page+"/answer", url.Values{"text": {"已约谈企业负责人，月底前补发。"}}, page), http.StatusSeeOther)
		a = officer.get(page)
		wantBody(t, "answered", a, "答复已发送。", "已答复", "张干事", "已约谈企业负责人，月底前补发。", `action="/letters/`+letterID+`/close"`)

		// The member was told: the notices (and their count), the home page with a link to the letter.
		wantBody(t, "the writer's badge", me.get("/m/letters"), `class="tab-count"`)
		a = me.get("/m/notices")
		wantPage(t, "notices", a, mailboxRawKeyRE)
		wantBody(t, "notices", a, "您的来信“加班费拖欠”已受理，正在办理。", "您的来信“加班费拖欠”有了答复，请查看。")
		a = me.get("/m")
		wantBody(t, "home", a, "您的来信“加班费拖欠”有了答复", `href="/m/letters/`+letterID+`"`)
		wantNoMailboxKeys(t, "home", a)

		// The member reads the answer (no staff name), rates it.
		a = me.get("/m/letters/" + letterID)
		wantBody(t, "the writer's view", a, "已约谈企业负责人，月底前补发。", "大栅栏街道总工会", "您对答复满意吗？", "还有问题？追问")
		if strings.Contains(a.body, "张干事") || strings.Contains(a.body, "测试dashilan") {
			t.Fatal("the writer sees a staff name")
		}
		a = me.post("/m/letters/"+letterID+"/rating", url.Values{"rating": {"great"}}, "/m/letters/"+letterID)
		wantStatus(t, "bad rating", a, http.StatusUnprocessableEntity)
		wantBody(t, "bad rating", a, "不是可选的值。")
		a = me.post("/m/letters/"+letterID+"/rating", url.Values{"rating": {"satisfied"}}, "/m/letters/"+letterID)
		wantStatus(t, "rate", a, http.StatusSeeOther)
		wantBody(t, "rated", me.get("/m/letters/"+letterID), "感谢您的评价。", "评价答复：满意")

		// Close with the staff's form; the list filters by status.
		wantStatus(t, "close", officer.post(page+"/close", url.Values{"close_note": {""}}, page), http.StatusSeeOther)
		wantBody(t, "closed list", officer.get("/letters?status=closed"), "加班费拖欠", "满意")

		// A second letter: bulk accept, then forward down with the picker searched without JavaScript.
		a = me.writeLetter(url.Values{"org_id": {id(s.east)}, "category": {"safety"}, "subject": {"井盖松动"}, "body": {"单位门口的井盖松动，夜里很危险。"}}, nil)
		wantStatus(t, "second letter", a, http.StatusSeeOther)
		second := memberLetterRE.FindStringSubmatch(a.location)[1]
		a = officer.post("/letters/accept?status=new", url.Values{"id": {second}}, "/letters")
		wantStatus(t, "bulk accept", a, http.StatusOK)
		wantBody(t, "bulk accept", a, "已受理 1 封来信。")
		wantNoMailboxKeys(t, "bulk accept", a)
		page2 := "/letters/" + second
		a = officer.post(page2+"/forward", url.Values{"org_q": {"排水"}, "picker_search": {"org_q"}, "note": {"请企业工会核实"}}, page2)
		wantStatus(t, "picker search", a, http.StatusOK)
		wantBody(t, "picker search", a, "北京排水集团工会", "请企业工会核实")
		a = officer.post(page2+"/forward", url.Values{"org_id": {id(s.west)}}, page2)
		wantStatus(t, "forward outside reach", a, http.StatusUnprocessableEntity)
		wantNoMailboxKeys(t, "forward outside reach", a)
		wantStatus(t, "forward", officer.post(page2+"/forward", url.Values{"org_id": {id(s.unionE)}, "note": {"请企业工会核实"}}, page2), http.StatusSeeOther)
		wantBody(t, "forwarded", officer.get(page2), "由 大栅栏街道总工会 转办至 北京排水集团工会", "已转办")
		wantBody(t, "forwarded, the writer's view", me.get("/m/letters/"+second), "由 大栅栏街道总工会 转办至 北京排水集团工会")
		wantBody(t, "forwarded, the writer's notice", me.get("/m/notices"), "您的来信“井盖松动”已转交其他工会办理。")
		wantBody(t, "forwarded, the writer's home", me.get("/m"), "您的来信“井盖松动”正在办理")
		wantBody(t, "my letters", me.get("/m/letters"), "加班费拖欠", "井盖松动", "已办结", "已转办")

		// English.
		en := s.login("dashilan", "en")
		a = en.get(page)
		wantPage(t, "english letter", a, mailboxRawKeyRE)
		wantBody(t, "english letter", a, "Anonymous", "Closed")
	})
}
