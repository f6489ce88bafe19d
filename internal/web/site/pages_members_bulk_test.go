package site

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"gonghui/internal/cnid"
	"gonghui/internal/db"
	"gonghui/internal/inbox"
	"gonghui/internal/member"
	"gonghui/internal/notice"
	"gonghui/internal/testkit"
	"gonghui/internal/web"
)

// The registry sorted by a column, and the selection's bulk actions:
// export, tag, message; scoped, refused whole, counted in the flash.
func TestMemberListSortAndBulk(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newMemberSite(t, d)
		zhang, li, wang := s.addTrio(t)
		officer := s.login("dashilan", "")
		order := func(what string, a answer, names ...string) {
			t.Helper()
			last := -1
			for _, n := range names {
				i := strings.Index(a.body, ">"+n+"<")
				if i < 0 || i < last {
					t.Fatalf("%s: %v not in this order", what, names)
				}
				last = i
			}
		}

		t.Run("sort", func(t *testing.T) {
			a := officer.get("/members")
			wantStatus(t, "list", a, 200)
			wantBody(t, "list", a, `href="/members?sort=name"`, `href="/members?sort=-joined"`, `aria-sort="ascending"`, `name="sort"`,
				`id="bulk-members"`, `form="bulk-members"`, "lists.js", "导出勾选的会员", "更改标签", "发送消息")
			wantNoKeys(t, "list", a, memberRawKeyRE)
			a = officer.get("/members?sort=joined")
			order(t.Name(), a, "张建华", "李秀英")
			wantBody(t, "joined", a, `href="/members?sort=-joined"`, `aria-sort="ascending"`)
			a = officer.get("/members?sort=-joined&tag=model_worker")
			wantBody(t, "sorted with a filter", a, "张建华", `href="/members?sort=joined&amp;tag=model_worker"`)
			order(t.Name(), officer.get("/members?sort=-joined"), "李秀英", "张建华")
			a = officer.get("/members?sort=id_hash")
			wantStatus(t, "bad sort", a, http.StatusUnprocessableEntity)
			wantBody(t, "bad sort", a, "不是可选的值")
		})

		ids := func(ms ...*member.Member) url.Values {
			v := url.Values{}
			for _, m := range ms {
				v.Add("id", mid(m))
			}
			return v
		}
		with := func(v url.Values, kv ...string) url.Values {
			for i := 0; i < len(kv); i += 2 {
				v.Set(kv[i], kv[i+1])
			}
			return v
		}
		tagsOf := func(m *member.Member) []string {
			got, err := s.members.Get(ctx, s.system, m.ID)
			if err != nil {
				t.Fatal(err)
			}
			return got.Tags
		}

		t.Run("tag", func(t *testing.T) {
			list := "/members?sort=joined"
			a := officer.post("/members/bulk?sort=joined", with(ids(zhang, li), "action", "tag", "bulk_tag", "hardship", "bulk_op", "add"), list)
			wantStatus(t, "tag", a, http.StatusSeeOther)
			if a.location != list || flashSet(a) != "flash.mweb.bulk_done:2" {
				t.Fatalf("tag: to %s, flash %q", a.location, flashSet(a))
			}
			wantBody(t, "after tagging", officer.get(a.location), "已处理 2 人。")
			if !slices.Contains(tagsOf(zhang), "hardship") || !slices.Contains(tagsOf(li), "hardship") {
				t.Fatal("not tagged")
			}
			// Someone of another street in the selection: refused whole.
			a = officer.post("/members/bulk?sort=joined", with(ids(zhang, wang), "action", "tag", "bulk_tag", "hardship", "bulk_op", "remove"), list)
			wantStatus(t, "outside", a, http.StatusUnprocessableEntity)
			wantBody(t, "outside", a, "未做任何更改", `value="`+mid(zhang)+`" id="sel-`+mid(zhang)+`" aria-label="选择 张建华" checked`)
			wantNoBody(t, "outside", a, "王德明")
			if !slices.Contains(tagsOf(zhang), "hardship") {
				t.Fatal("a refused selection changed a member")
			}
			a = officer.post("/members/bulk", with(ids(zhang), "action", "tag", "bulk_tag", "", "bulk_op", "add"), "/members")
			wantStatus(t, "no tag", a, http.StatusUnprocessableEntity)
			wantBody(t, "no tag", a, `id="f-bulk_tag-error"`)
			a = officer.post("/members/bulk", with(url.Values{}, "action", "tag", "bulk_tag", "hardship"), "/members")
			wantStatus(t, "none ticked", a, http.StatusUnprocessableEntity)
			wantBody(t, "none ticked", a, "请先勾选会员")
			many := url.Values{}
			for i := range member.MaxBulk + 1 {
				many.Add("id", db.FormatID(int64(i+1)))
			}
			a = officer.post("/members/bulk", with(many, "action", "tag", "bulk_tag", "hardship"), "/members")
			wantStatus(t, "too many", a, http.StatusUnprocessableEntity)
			wantBody(t, "too many", a, "一次最多处理 200 人")
		})

		t.Run("message", func(t *testing.T) {
			count := func() int {
				var n int
				if err := d.QueryRow(ctx, "SELECT count(*) FROM member_notices WHERE kind = 'message'").Scan(&n); err != nil {
					t.Fatal(err)
				}
				return n
			}
			a := officer.post("/members/bulk", with(ids(zhang, li), "action", "message", "message", " "), "/members")
			wantStatus(t, "empty", a, http.StatusUnprocessableEntity)
			wantBody(t, "empty", a, `id="f-message-error"`, "必填")
			a = officer.post("/members/bulk", with(ids(zhang), "action", "message", "message", strings.Repeat("长", 121)), "/members")
			wantStatus(t, "long", a, http.StatusUnprocessableEntity)
			wantBody(t, "long", a, `id="f-message-error"`, strings.Repeat("长", 121))
			if n := count(); n != 0 {
				t.Fatalf("%d notices after refusals", n)
			}
			a = officer.post("/members/bulk", with(ids(zhang, li), "action", "message", "message", "本周六工会活动室开放。"), "/members")
			wantStatus(t, "message", a, http.StatusSeeOther)
			if flashSet(a) != "flash.mweb.bulk_done:2" || count() != 2 {
				t.Fatalf("message: flash %q, %d notices", flashSet(a), count())
			}
		})

		t.Run("export", func(t *testing.T) {
			a := officer.post("/members/bulk?sort=-joined", with(ids(zhang, li), "action", "export"), "/members")
			wantStatus(t, "export", a, 200)
			if !strings.Contains(a.header.Get("Content-Disposition"), "attachment") {
				t.Fatalf("export headers: %v", a.header)
			}
			f, err := excelize.OpenReader(strings.NewReader(a.body))
			if err != nil {
				t.Fatalf("not a workbook: %v", err)
			}
			rows, _ := f.GetRows(f.GetSheetList()[0])
			if len(rows) != 3 || rows[1][0] != "李秀英" || rows[2][0] != "张建华" || rows[2][1] != cnid.MaskResidentID(idNumber(t, 1)) {
				t.Fatalf("export: %v", rows)
			}
			var after string
			if err := d.QueryRow(ctx, "SELECT after_json FROM audit_log WHERE action = 'member.export' ORDER BY seq DESC LIMIT 1").Scan(&after); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(after, `"selected":2`) || !strings.Contains(after, `"rows":2`) {
				t.Fatalf("audit: %s", after)
			}
			a = officer.post("/members/bulk", with(ids(zhang, wang), "action", "export"), "/members")
			wantStatus(t, "export outside", a, http.StatusUnprocessableEntity)
			wantNoBody(t, "export outside", a, "王德明")
		})

		t.Run("english", func(t *testing.T) {
			en := s.login("dashilan", "en")
			a := en.post("/members/bulk", with(ids(zhang), "action", "tag", "bulk_tag", "craftsman", "bulk_op", "add"), "/members")
			wantStatus(t, "en", a, http.StatusSeeOther)
			wantBody(t, "en flash", en.get(a.location), "Done for 1 member.")
			a = en.get("/members")
			wantBody(t, "en list", a, "Export the ticked members", "Sort by")
			wantNoKeys(t, "en list", a, memberRawKeyRE)
		})
	})
}

// TestPortalStaffMessage: a message staff sent to ticked members shows on
// each one's home page under 给您的消息, and on nobody else's.
func TestPortalStaffMessage(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s := newPortalSite(t, d)
		notices := notice.NewStore(d, s.members)
		s.srv = serve(t, mounted(t, Deps{Deps: web.Deps{DB: d, Auth: s.auth, Orgs: s.orgs, Members: s.members,
			Inbox: inbox.New().WithMembers(notices.MessageSource())}}))
		zhang := s.add(t, s.unionE, "张建华", 1, "2019-03-01")
		s.add(t, s.unionE, "李秀英", 2, "2019-03-01")
		if _, err := notices.MessageMany(context.Background(), s.system, []int64{zhang.ID}, "本周六上午九点，工会活动室开放。"); err != nil {
			t.Fatal(err)
		}
		a := s.memberLogin(t, mobileNumber(1)).get("/m")
		wantStatus(t, "home", a, http.StatusOK)
		wantBody(t, "home", a, "给您的消息", "本周六上午九点，工会活动室开放。", `href="/m/notices"`)
		wantNoKeys(t, "home", a, keyRE("inbox"), portalRawKeyRE)
		wantNoBody(t, "another member's home", s.memberLogin(t, mobileNumber(2)).get("/m"), "本周六上午九点")
	})
}
