package site

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/i18n"
	"gonghui/internal/org"
	"gonghui/internal/testkit"
)

// flashSet is the flash key a redirect left for the next page (the
// gh_flash cookie), "" when none.
func flashSet(a answer) string {
	res := http.Response{Header: a.header}
	for _, c := range res.Cookies() {
		if c.Name == "gh_flash" && c.MaxAge > 0 {
			return c.Value
		}
	}
	return ""
}

// formsSite adds a union under each street federation, with names a search
// tells apart: the east one with a short name, found by its pinyin initials.
func formsSite(t *testing.T, d *db.DB) (s *site, eastUnion, westUnion *org.Org) {
	t.Helper()
	s = newSite(t, d)
	ctx := context.Background()
	var err error
	if eastUnion, err = s.orgs.Create(ctx, s.system, org.CreateInput{ParentID: s.east.ID, Name: "北京城市排水集团有限责任公司工会", ShortName: "北京排水集团", Kind: org.KindGrassroots}); err != nil {
		t.Fatal(err)
	}
	if westUnion, err = s.orgs.Create(ctx, s.system, org.CreateInput{ParentID: s.west.ID, Name: "西城排水服务中心工会", Kind: org.KindGrassroots}); err != nil {
		t.Fatal(err)
	}
	return s, eastUnion, westUnion
}

// pickJSON asks the picker's JSON search and returns the names found.
func pickJSON(t *testing.T, c *client, query string) []string {
	t.Helper()
	req, _ := http.NewRequest("GET", c.base+"/pick/orgs?"+query, nil)
	req.Header.Set("Accept", "application/json")
	a := c.do(req)
	wantStatus(t, "pick "+query, a, http.StatusOK)
	var got struct {
		Items []struct{ ID, Name, Kind string }
	}
	if err := json.Unmarshal([]byte(a.body), &got); err != nil {
		t.Fatalf("pick %s: %v\n%s", query, err, a.body)
	}
	var names []string
	for _, it := range got.Items {
		if it.ID == "" || it.Kind == "" || strings.Contains(it.Kind, "org.kind") {
			t.Errorf("pick %s: item %+v lacks an id or a kind in words", query, it)
		}
		names = append(names, it.Name)
	}
	return names
}

func TestFormsOrgPicker(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s, eastUnion, westUnion := formsSite(t, d)
		officer := s.login("dashilan", "zh-CN")
		admin := s.login("admin", "zh-CN")

		t.Run("an employer form keeps every field after a search without JavaScript", func(t *testing.T) {
			typed := url.Values{"name": {"北京润宏保安服务有限公司"}, "short_name": {"润宏保安"}, "credit_code": {"91110102MA01ABCD3X"},
				"category": {"110"}, "employees": {"36"}, "division_code": {"110102"}, "address": {"西城区大栅栏街 8 号"}, "is_public": {"no"},
				"new_forms": {"1"}, "owner_org_id": {id(s.east)}, "owner_q": {"psjt"}, "picker_search": {"owner_q"}}
			a := officer.post("/employers/new", typed, "/employers/new")
			wantPage(t, "search", a, rawKeyRE)
			for _, k := range []string{"name", "short_name", "credit_code", "employees", "division_code", "address", "owner_q"} {
				wantBody(t, "search keeps "+k, a, `value="`+html.EscapeString(typed.Get(k))+`"`)
			}
			wantBody(t, "search keeps the choices", a, `value="110" selected`, `value="no" checked`, `name="new_forms" value="1" checked`)
			// The matches are a choice list; the current choice stays, checked.
			wantBody(t, "matches", a, `type="radio"`, `name="owner_org_id" value="`+id(eastUnion)+`"`, eastUnion.Name,
				`name="owner_org_id" value="`+id(s.east)+`" checked`)
			if strings.Contains(a.body, westUnion.Name) {
				t.Error("a street officer's search shows another street's union")
			}
			if n, _, err := s.orgs.ListEmployers(context.Background(), s.system, org.EmployerQuery{Q: "润宏"}); err != nil || len(n) != 0 {
				t.Errorf("the search saved the employer: %v %v", n, err)
			}

			typed.Set("owner_q", "没有这个组织")
			a = officer.post("/employers/new", typed, "/employers/new")
			wantStatus(t, "no match", a, http.StatusOK)
			wantBody(t, "no match", a, html.EscapeString(i18n.T(i18n.ZH, "web.picker.no_match", "没有这个组织")), `value="北京润宏保安服务有限公司"`,
				`type="hidden" name="owner_org_id" value="`+id(s.east)+`"`)
		})

		t.Run("a new account's form keeps what was typed", func(t *testing.T) {
			a := admin.post("/users/new", url.Values{"username": {"wangfang"}, "name": {"王芳"}, "kind": {"staff"}, "org_q": {"排水"}, "picker_search": {"org_q"}}, "/users/new")
			wantPage(t, "users search", a, rawKeyRE)
			wantBody(t, "users search", a, `value="wangfang"`, `value="王芳"`, `value="排水"`, eastUnion.Name, westUnion.Name, `type="radio"`)
			if us, _, err := s.auth.ListUsers(context.Background(), s.system, auth.UserQuery{Q: "wangfang"}); err != nil || len(us) != 0 {
				t.Errorf("the search created the account: %v %v", us, err)
			}
		})

		t.Run("the union picker of on-site joining searches", func(t *testing.T) {
			a := officer.get("/members/new?org_q=" + url.QueryEscape("排水") + "&picker_search=org_q")
			wantPage(t, "members search", a, rawKeyRE)
			wantBody(t, "members search", a, `name="org" value="`+id(eastUnion)+`"`)
			if strings.Contains(a.body, westUnion.Name) {
				t.Error("another street's union offered")
			}
			// A city federation takes no members: not offered.
			a = admin.get("/members/new?org_q=" + url.QueryEscape("北京市") + "&picker_search=org_q")
			wantBody(t, "city search", a, html.EscapeString(i18n.T(i18n.ZH, "web.picker.no_match", "北京市")))
		})

		t.Run("the JSON search keeps to the caller's subtree", func(t *testing.T) {
			q := "perm=org.write&q=" + url.QueryEscape("排水")
			if got := pickJSON(t, officer, q); len(got) != 1 || got[0] != eastUnion.Name {
				t.Errorf("officer finds %q", got)
			}
			if got := pickJSON(t, officer, "perm=org.write&q="+url.QueryEscape("西长安")); len(got) != 0 {
				t.Errorf("officer finds another street: %q", got)
			}
			if got := pickJSON(t, admin, q); len(got) != 2 {
				t.Errorf("admin finds %q", got)
			}
			if got := pickJSON(t, officer, "perm=org.write&q=psjt"); len(got) != 1 || got[0] != eastUnion.Name {
				t.Errorf("pinyin initials find %q", got)
			}
			// The officer manages no accounts: nothing to pick for that.
			if got := pickJSON(t, officer, "perm=user.manage&q="+url.QueryEscape("排水")); len(got) != 0 {
				t.Errorf("officer picks for accounts: %q", got)
			}
			if got := pickJSON(t, admin, "perm=member.write&only=member_union&q="+url.QueryEscape("总工会")); len(got) != 2 {
				t.Errorf("unions holding members: %q", got)
			}
			if a := officer.get("/pick/orgs?only=nope&q=x"); a.status != http.StatusNotFound {
				t.Errorf("unknown filter: %d", a.status)
			}
			if a := s.client("").get("/pick/orgs?q=x"); a.status != http.StatusSeeOther {
				t.Errorf("signed out: %d", a.status)
			}
		})

		t.Run("the flash shows once and stays out of the address", func(t *testing.T) {
			form := url.Values{"owner_org_id": {id(eastUnion)}, "name": {"北京城市排水集团有限责任公司"}, "category": {"110"}}
			a := officer.post("/employers/new", form, "/employers/new")
			wantStatus(t, "create", a, http.StatusSeeOther)
			if strings.Contains(a.location, "flash") || flashSet(a) != "flash.employer_created" {
				t.Fatalf("goes to %q with flash %q", a.location, flashSet(a))
			}
			for _, c := range a.header.Values("Set-Cookie") {
				if strings.HasPrefix(c, "gh_flash=") && (!strings.Contains(c, "HttpOnly") || !strings.Contains(c, "SameSite=Lax") || !strings.Contains(c, "Path=/")) {
					t.Errorf("flash cookie %q", c)
				}
			}
			msg := i18n.T(i18n.ZH, "flash.employer_created")
			next := a.location
			a = officer.get(next)
			wantBody(t, "next page", a, msg)
			if a = officer.get(next); strings.Contains(a.body, msg) {
				t.Error("the flash shows again on reload")
			}
		})
	})
}
