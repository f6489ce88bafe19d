package site

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/course"
	"gonghui/internal/db"
	"gonghui/internal/i18n"
	"gonghui/internal/org"
	"gonghui/internal/testkit"
)

// pickerSite is the sign-up site with courses, a street-level account
// administrator of the east ("eastadmin"), an account of the east to grant
// roles to, and a second union in the east to move about.
type pickerSite struct {
	*signupSite
	clerk *auth.User
	spare *org.Org
}

func newPickerSite(t *testing.T, d *db.DB) *pickerSite {
	t.Helper()
	ctx := context.Background()
	s := &pickerSite{signupSite: newSignupSite(t, d, true)}
	id, err := s.auth.Bootstrap(ctx, auth.NewUser{Username: "eastadmin", Name: "大栅栏账号管理员", OrgID: s.east.ID, Password: testPassword}, auth.RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.auth.MarkDemoAccount(ctx, id); err != nil {
		t.Fatal(err)
	}
	cid, err := s.auth.Bootstrap(ctx, auth.NewUser{Username: "eastclerk", Name: "大栅栏干事", OrgID: s.east.ID, Password: testPassword})
	if err != nil {
		t.Fatal(err)
	}
	if s.clerk, err = s.auth.GetUser(ctx, s.system, cid); err != nil {
		t.Fatal(err)
	}
	if s.spare, err = s.orgs.Create(ctx, s.system, org.CreateInput{ParentID: s.east.ID, Name: "大栅栏商业街联合工会", Kind: org.KindGrassroots}); err != nil {
		t.Fatal(err)
	}
	return s
}

// wantOutOfScope checks a form refused a hand-posted organisation outside
// the caller's reach on field, with the picker's message beside it.
func wantOutOfScope(t *testing.T, what string, a answer, field string) {
	t.Helper()
	wantStatus(t, what, a, http.StatusUnprocessableEntity)
	wantBody(t, what, a, `id="f-`+field+`-error"`, html.EscapeString(i18n.T(i18n.ZH, "web.picker.out_of_scope")))
	wantNoRawKeys(t, what, a)
}

// wantMatches checks a search without JavaScript listed want as a choice
// of field and nothing of the other street.
func wantMatches(t *testing.T, what string, a answer, field string, want *org.Org, unwanted ...*org.Org) {
	t.Helper()
	wantStatus(t, what, a, http.StatusOK)
	wantBody(t, what, a, `type="radio" id="f-`+field+`-m`, `name="`+field+`" value="`+id(want)+`"`)
	for _, o := range unwanted {
		if strings.Contains(a.body, `value="`+id(o)+`"`) {
			t.Errorf("%s: offers %s", what, o.Name)
		}
	}
	wantNoRawKeys(t, what, a)
}

func TestPickerForms(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newPickerSite(t, d)
		officer := s.login("dashilan", "zh-CN")
		now := time.Now()

		t.Run("list filters", func(t *testing.T) {
			// Each list's organisation filter is a picker: a search without
			// JavaScript (a GET with the box filled) lists the matches as
			// radio buttons, "all" first; the pager, sort and back links
			// leave the search out; an organisation out of reach is refused
			// on the field.
			for _, l := range []string{"/members", "/applications", "/activities", "/courses"} {
				a := officer.get(l + "?org_q=psjt")
				wantMatches(t, l+" search", a, "org", s.unionE, s.unionW)
				wantBody(t, l+" search", a, `data-org-picker`, `name="org_q" value=""`, `name="org" value="" checked`, `class="field picker-compact org-picker`)
				wantNoBody(t, l+" search", a, `<select id="f-org"`, "org_q=", "picker_search=")
				a = officer.get(l + "?org=" + id(s.unionE))
				wantStatus(t, l+" filtered", a, http.StatusOK)
				wantBody(t, l+" filtered", a, `name="org" value="`+id(s.unionE)+`" data-picker-value`, html.EscapeString(s.unionE.Name))
				// The clear button of a GET form: the list is unfiltered again.
				a = officer.get(l + "?org=" + id(s.unionE) + "&picker_clear=org")
				wantStatus(t, l+" cleared", a, http.StatusOK)
				wantBody(t, l+" cleared", a, `name="org" value="" data-picker-value`)
				wantNoBody(t, l+" cleared", a, "org="+id(s.unionE), "picker_clear=")
				a = officer.get(l + "?org=" + id(s.unionW))
				wantStatus(t, l+" elsewhere", a, http.StatusUnprocessableEntity)
				wantBody(t, l+" elsewhere", a, `id="f-org-error"`)
				wantNoRawKeys(t, l+" elsewhere", a)
			}
			// The registry's filters post (numbers stay out of addresses):
			// a typed name goes on to the list's search, a clear drops the union.
			a := officer.post("/members/search", url.Values{"q": {"张"}, "org": {id(s.unionE)}, "org_q": {"psjt"}, "picker_search": {"org_q"}}, "/members")
			if wantStatus(t, "registry search", a, http.StatusSeeOther); a.location != "/members?org="+id(s.unionE)+"&org_q=psjt&q=%E5%BC%A0" {
				t.Errorf("registry search went to %q", a.location)
			}
			a = officer.post("/members/search", url.Values{"q": {"张"}, "org": {id(s.unionE)}, "picker_clear": {"org"}}, "/members")
			if a.location != "/members?q=%E5%BC%A0" {
				t.Errorf("registry clear went to %q", a.location)
			}
			// The registry's "members" link of an organisation still filters.
			a = officer.get("/members?org=" + id(s.unionE) + "&org_q=psjt&sort=name")
			wantBody(t, "registry search keeps the union", a, `name="org" value="`+id(s.unionE)+`" checked`)
			wantNoBody(t, "registry search keeps the union", a, "org_q=")
		})

		t.Run("import and export forms", func(t *testing.T) {
			a := officer.get("/members/import?org=" + id(s.unionE))
			wantStatus(t, "import form", a, http.StatusOK)
			wantBody(t, "import form", a, `name="org" value="`+id(s.unionE)+`" data-picker-value`, html.EscapeString(i18n.T(i18n.ZH, "imp.org_blank")))
			wantNoBody(t, "import form", a, `<select id="f-org"`)
			a = officer.post("/members/import", url.Values{"mode": {"valid-rows"}, "org_q": {"psjt"}, "picker_search": {"org_q"}}, "/members/import")
			wantMatches(t, "import search", a, "org", s.unionE, s.unionW)
			wantBody(t, "import search keeps", a, `value="valid-rows" checked`)
			a = officer.post("/members/import", url.Values{"mode": {"dry-run"}, "org": {id(s.unionW)}}, "/members/import")
			wantOutOfScope(t, "import elsewhere", a, "org")

			a = officer.get("/exports/new?status=active&org_q=psjt")
			if a.status == http.StatusForbidden {
				t.Skip("the officer asks for no exports")
			}
			wantMatches(t, "export search", a, "org", s.unionE, s.unionW)
			wantNoBody(t, "export form", a, `<select id="f-org"`)
			a = officer.post("/exports", url.Values{"status": {"active"}, "reason": {"年度核对"}, "org_q": {"psjt"}, "picker_search": {"org_q"}}, "/exports/new")
			wantMatches(t, "export search posted", a, "org", s.unionE, s.unionW)
			wantBody(t, "export search keeps", a, "年度核对", `name="status" value="active"`)
			a = officer.post("/exports", url.Values{"status": {"active"}, "reason": {"年度核对"}, "org": {id(s.unionW)}}, "/exports/new")
			wantOutOfScope(t, "export elsewhere", a, "org")
		})

		t.Run("grant form", func(t *testing.T) {
			eastAdmin := s.login("eastadmin", "zh-CN")
			u := "/users/" + db.FormatID(s.clerk.ID)
			a := eastAdmin.get(u)
			wantStatus(t, "account page", a, http.StatusOK)
			wantBody(t, "account page", a, `data-org-picker`, `name="org_id" value="`+id(s.east)+`" data-picker-value`, `name="org_q"`)
			wantNoBody(t, "account page", a, `<select id="f-org_id"`)

			// A search without JavaScript keeps the role and lists the matches.
			a = eastAdmin.post(u+"/grants", url.Values{"role": {"leader"}, "org_id": {id(s.east)}, "org_q": {"psjt"}, "picker_search": {"org_q"}}, u)
			wantMatches(t, "grant search", a, "org_id", s.unionE, s.unionW)
			wantBody(t, "grant search", a, `value="leader" required checked`, `value="psjt"`, `name="org_id" value="`+id(s.east)+`" checked`)
			a = eastAdmin.post(u+"/grants", url.Values{"role": {"leader"}, "org_q": {"北京城建"}, "picker_search": {"org_q"}}, u)
			wantBody(t, "grant search elsewhere", a, html.EscapeString(i18n.T(i18n.ZH, "web.picker.no_match", "北京城建")))

			// Another street's union posted by hand: refused on the field.
			a = eastAdmin.post(u+"/grants", url.Values{"role": {"leader"}, "org_id": {id(s.unionW)}}, u)
			wantStatus(t, "grant elsewhere", a, http.StatusUnprocessableEntity)
			wantBody(t, "grant elsewhere", a, `id="f-org_id-error"`, `value="leader" required checked`)
			if got, _ := s.auth.GetUser(ctx, s.system, s.clerk.ID); got == nil || len(got.Grants) != 0 {
				t.Fatalf("granted: %+v", got)
			}

			a = eastAdmin.post(u+"/grants", url.Values{"role": {"leader"}, "org_id": {id(s.unionE)}}, u)
			wantStatus(t, "grant", a, http.StatusSeeOther)
			if got, _ := s.auth.GetUser(ctx, s.system, s.clerk.ID); got == nil || len(got.Grants) != 1 || got.Grants[0].OrgID != s.unionE.ID {
				t.Fatalf("after granting: %+v", got)
			}
		})

		t.Run("move form", func(t *testing.T) {
			u := "/orgs/" + id(s.spare) + "/move"
			a := officer.get(u + "?q=" + url.QueryEscape("大栅栏"))
			wantMatches(t, "move search", a, "parent_id", s.east, s.west)
			if strings.Contains(a.body, `value="`+id(s.spare)+`"`) {
				t.Error("the organisation being moved is offered as its own parent")
			}
			a = officer.post(u, url.Values{"q": {"西长安"}, "picker_search": {"q"}}, u)
			wantBody(t, "move search elsewhere", a, `value="西长安"`, html.EscapeString(i18n.T(i18n.ZH, "web.picker.no_match", "西长安")))

			// The JSON search leaves out the subtree being moved.
			q := "perm=org.write&q=" + url.QueryEscape("商业街")
			if got := pickJSON(t, officer, q); len(got) != 1 {
				t.Errorf("without outside: %q", got)
			}
			if got := pickJSON(t, officer, q+"&outside="+id(s.spare)); len(got) != 0 {
				t.Errorf("outside the moved one: %q", got)
			}

			a = officer.post(u, url.Values{"parent_id": {id(s.west)}}, u)
			wantOutOfScope(t, "move elsewhere", a, "parent_id")
			a = officer.post(u, url.Values{}, u)
			wantStatus(t, "move nowhere", a, http.StatusUnprocessableEntity)
			wantBody(t, "move nowhere", a, `id="f-parent_id-error"`)
			if o, err := s.orgs.Get(ctx, s.system, s.spare.ID); err != nil || o.ParentID != s.east.ID {
				t.Fatalf("moved: %+v %v", o, err)
			}
		})

		t.Run("activity form", func(t *testing.T) {
			before := countActivities(t, d)
			a := officer.get("/activities/new")
			wantStatus(t, "form", a, http.StatusOK)
			wantBody(t, "form", a, `name="org_id" value="`+id(s.east)+`" data-picker-value`, `name="audience_org_id" value="" data-picker-value`,
				html.EscapeString(i18n.T(i18n.ZH, "aweb.form.audience_same")))
			typed := url.Values{"org_id": {id(s.east)}, "title": {"胡同健步走"}, "kind": {"walk"}, "venue": {"大栅栏"}, "description": {"沿胡同走一圈"},
				"starts_at": {bj(now.Add(48 * time.Hour))}, "ends_at": {bj(now.Add(51 * time.Hour))}, "capacity": {"30"}, "waitlist": {"1"},
				"tag": {"model_worker"}, "cp_name.0": {"起点"}, "org_q": {"psjt"}, "picker_search": {"org_q"}}
			a = officer.post("/activities/new", typed, "/activities/new")
			wantMatches(t, "publisher search", a, "org_id", s.unionE, s.unionW)
			wantBody(t, "publisher search keeps", a, `value="胡同健步走"`, `value="大栅栏"`, "沿胡同走一圈", `value="30"`, `value="起点"`,
				`name="waitlist" value="1" checked`, `name="org_id" value="`+id(s.east)+`" checked`, `value="psjt"`)
			wantNoBody(t, "publisher search", a, `class="field-error"`)

			typed.Del("org_q")
			typed.Set("audience_q", "psjt")
			typed.Set("picker_search", "audience_q")
			a = officer.post("/activities/new", typed, "/activities/new")
			wantMatches(t, "audience search", a, "audience_org_id", s.unionE, s.unionW)
			wantBody(t, "audience search", a, `name="audience_org_id" value="" checked`, `value="胡同健步走"`)

			// Clearing the audience without JavaScript.
			typed.Del("picker_search")
			typed.Del("audience_q")
			typed.Set("audience_org_id", id(s.unionE))
			typed.Set("picker_clear", "audience_org_id")
			a = officer.post("/activities/new", typed, "/activities/new")
			wantStatus(t, "clear", a, http.StatusOK)
			wantBody(t, "clear", a, `name="audience_org_id" value="" data-picker-value`, `value="胡同健步走"`)
			typed.Del("picker_clear")

			for _, c := range []struct{ field, value string }{{"org_id", id(s.west)}, {"audience_org_id", id(s.unionW)}} {
				bad := url.Values{}
				for k, v := range typed {
					bad[k] = v
				}
				bad.Set(c.field, c.value)
				a = officer.post("/activities/new", bad, "/activities/new")
				wantOutOfScope(t, "activity "+c.field, a, c.field)
				wantBody(t, "activity "+c.field, a, `value="胡同健步走"`, `name="waitlist" value="1" checked`)
			}
			if n := countActivities(t, d); n != before {
				t.Fatalf("activities: %d, want %d", n, before)
			}
			a = officer.post("/activities/new", typed, "/activities/new")
			wantStatus(t, "create", a, http.StatusSeeOther)
			if n := countActivities(t, d); n != before+1 {
				t.Fatalf("activities: %d, want %d", n, before+1)
			}
		})

		t.Run("course form", func(t *testing.T) {
			courses := func() int {
				items, _, err := s.crs.ListCourses(ctx, s.staff, course.Query{Limit: 100})
				if err != nil {
					t.Fatal(err)
				}
				return len(items)
			}
			before := courses()
			typed := url.Values{"org_id": {id(s.east)}, "title": {"太极拳入门"}, "category": {"taiji"}, "description": {"每周两次"},
				"org_q": {"psjt"}, "picker_search": {"org_q"}}
			a := officer.post("/courses/new", typed, "/courses/new")
			wantMatches(t, "course search", a, "org_id", s.unionE, s.unionW)
			wantBody(t, "course search keeps", a, `value="太极拳入门"`, "每周两次", `value="taiji" selected`, `value="psjt"`)
			typed.Del("picker_search")
			typed.Set("org_id", id(s.west))
			a = officer.post("/courses/new", typed, "/courses/new")
			wantOutOfScope(t, "course elsewhere", a, "org_id")
			wantBody(t, "course elsewhere", a, `value="太极拳入门"`)
			if n := courses(); n != before {
				t.Fatalf("courses: %d, want %d", n, before)
			}
		})

		t.Run("term form", func(t *testing.T) {
			c, err := s.crs.CreateCourse(ctx, s.staff, course.CourseInput{OrgID: s.east.ID, Title: "合唱", Category: "singing"})
			if err != nil {
				t.Fatal(err)
			}
			u := "/courses/" + db.FormatID(c.ID) + "/terms/new"
			a := officer.get(u)
			wantStatus(t, "term form", a, http.StatusOK)
			wantBody(t, "term form", a, `name="audience_org_id" value="" data-picker-value`, html.EscapeString(i18n.T(i18n.ZH, "cweb.term.audience_same")))
			typed := url.Values{"name": {"2026 春季班"}, "teacher": {"李老师"}, "venue": {"文化站"}, "capacity": {"20"},
				"enrol_closes_at": {bj(now.Add(72 * time.Hour))}, "starts_on": {now.AddDate(0, 0, 5).Format("2006-01-02")}, "ends_on": {now.AddDate(0, 2, 0).Format("2006-01-02")},
				"slot_weekday.0": {"2"}, "slot_start.0": {"19:00"}, "slot_minutes.0": {"90"}, "audience_q": {"psjt"}, "picker_search": {"audience_q"}}
			a = officer.post(u, typed, u)
			wantMatches(t, "term search", a, "audience_org_id", s.unionE, s.unionW)
			wantBody(t, "term search keeps", a, `value="2026 春季班"`, `value="李老师"`, `value="文化站"`, `value="20"`, `value="psjt"`)
			typed.Del("picker_search")
			typed.Set("audience_org_id", id(s.unionW))
			a = officer.post(u, typed, u)
			wantOutOfScope(t, "term elsewhere", a, "audience_org_id")
			wantBody(t, "term elsewhere", a, `value="2026 春季班"`)
			if ts, err := s.crs.Terms(ctx, s.staff, c.ID); err != nil || len(ts) != 0 {
				t.Fatalf("terms: %v %v", ts, err)
			}
		})
	})
}
