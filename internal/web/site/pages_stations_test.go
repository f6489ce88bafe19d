package site

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/station"
	"gonghui/internal/testkit"
	"gonghui/internal/web"
)

var stationPathRE = regexp.MustCompile(`^/stations/(\d+)$`)

// stationSite is the member site with the stations' pages and an
// officer's principal at 大栅栏.
func stationSite(t *testing.T, d *db.DB) (*portalSite, *station.Store) {
	t.Helper()
	s := newPortalSite(t, d)
	store := station.NewStore(d)
	s.srv = serve(t, mounted(t, Deps{Deps: web.Deps{DB: d, Auth: s.auth, Orgs: s.orgs, Members: s.members}, Stations: store}))
	return s, store
}

func stationForm(org string) url.Values {
	v := url.Values{"org_id": {org}, "type": {station.TypeWarm}, "name": {"前门大街暖心驿站"}, "address": {"北京市西城区前门大街北口"},
		"system": {"wgs84"}, "lat": {"39.8944"}, "lng": {"116.3977"}, "amenity.water": {"1"}, "amenity.charging": {"1"},
		"phone": {"010-6303 1100"}, "contact": {"李站长"}, "status": {"active"}}
	for _, k := range station.DayKeys {
		v.Set("hours."+k, "24小时")
	}
	return v
}

// TestStationPages: an officer adds a station through the form (bad
// input first: outside China, overlapping hours; field by field, nothing
// stored), lists and opens it; another street's officer finds nothing;
// the public finds it by a typed street, opens its page and checks in
// anonymously, once a day; the poster's code reads back as that page.
func TestStationPages(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s, store := stationSite(t, d)
		officer := s.login("dashilan", "")
		west := s.login("xichang", "")
		a := officer.get("/stations")
		wantStatus(t, "empty list", a, 200)
		wantBody(t, "empty list", a, "还没有服务阵地。", `href="/stations/new"`)
		wantNoKeys(t, "empty list", a, keyRE("sweb|station"), rawKeyRE)
		wantStatus(t, "new", officer.get("/stations/new"), 200)
		form := stationForm(id(s.east))
		form.Set("lat", "51.5")
		form.Set("lng", "-0.12")
		form.Set("hours.mon", "08:00-12:00,11:00-14:00")
		a = officer.post("/stations/new", form, "/stations/new")
		wantStatus(t, "bad input", a, 422)
		wantBody(t, "bad input", a, "经度须在 73.5 到 135.1 之间", "时段 08:00-12:00 与 11:00-14:00 重叠。", "前门大街暖心驿站")
		if n, _ := store.CountList(context.Background(), signupGrant(s), station.Query{}); n.N != 0 {
			t.Fatalf("%d stations stored after bad input", n.N)
		}
		form = stationForm(id(s.east))
		a = officer.post("/stations/new", form, "/stations/new")
		m := stationPathRE.FindStringSubmatch(a.location)
		if m == nil {
			t.Fatalf("create: %d %s", a.status, a.location)
		}
		a = officer.get(a.location)
		wantStatus(t, "show", a, 200)
		wantBody(t, "show", a, "前门大街暖心驿站", "24 小时", "饮水", "二维码海报")
		wantNoKeys(t, "show", a, keyRE("sweb|station"), rawKeyRE)
		a = officer.get("/stations?amenity=charging&q=前门")
		wantBody(t, "list", a, "前门大街暖心驿站", "共 1 个服务阵地")
		wantStatus(t, "another street", west.get("/stations/"+m[1]), 404)
		a = west.get("/stations")
		wantBody(t, "another street's list", a, "还没有服务阵地。")
		a = officer.get("/stations/export.xlsx")
		rows := xlsxRows(t, a.body)
		if len(rows) != 2 || rows[1][0] != "前门大街暖心驿站" {
			t.Fatalf("export rows %v", rows)
		}

		public := s.client("")
		a = public.get("/s?place=" + url.QueryEscape("大栅栏") + "&open=1&amenity=water")
		wantStatus(t, "finder", a, 200)
		wantBody(t, "finder", a, "最近的 1 个服务阵地", "前门大街暖心驿站", "开放中", "uri.amap.com")
		wantNoKeys(t, "finder", a, keyRE("sweb|station"), rawKeyRE)
		a = public.get("/s?lat=48.85&lng=2.35")
		wantStatus(t, "finder abroad", a, 422)
		wantBody(t, "finder abroad", a, "经度须在")
		st, err := store.Get(context.Background(), signupGrant(s), mustID(t, m[1]))
		if err != nil {
			t.Fatal(err)
		}
		a = public.get("/s/" + st.Code)
		wantStatus(t, "station page", a, 200)
		wantBody(t, "station page", a, "今天已有 0 人次到访", "匿名打卡")
		for range 2 {
			a = public.post("/s/"+st.Code+"/visit", url.Values{}, "/s/"+st.Code)
			wantStatus(t, "visit", a, 303)
		}
		a = public.get("/s/" + st.Code)
		wantBody(t, "counted once", a, "今天已有 1 人次到访", "您今天已在这里打过卡。")
		wantStatus(t, "unknown code", public.get("/s/nosuchcode"), 404)

		a = officer.get("/stations/busiest")
		wantBody(t, "busiest", a, "前门大街暖心驿站")
		a = officer.get("/stations/" + m[1] + "/poster")
		wantBody(t, "poster", a, "用手机扫描二维码", "/s/"+st.Code)
		png := officer.get("/stations/" + m[1] + "/qr.png")
		wantStatus(t, "qr", png, 200)
		if got := zbarDecode(t, []byte(png.body)); !strings.HasSuffix(got, "/s/"+st.Code) {
			t.Fatalf("the poster's code reads %q", got)
		}
	})
}

func signupGrant(s *portalSite) *auth.Principal {
	return &auth.Principal{UserID: 1, Kind: auth.KindStaff, Grants: []auth.Grant{{Role: auth.RoleOfficer, OrgID: s.root.ID, OrgPath: s.root.Path}}}
}
