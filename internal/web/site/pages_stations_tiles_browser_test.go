package site

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/httpx"
	"gonghui/internal/station"
	"gonghui/internal/testkit"
	"gonghui/internal/web"
)

// tileServer serves a 256-pixel tile at /{z}/{x}/{y}.png on 127.0.0.1,
// counting the requests.
func tileServer(t *testing.T, hits *atomic.Int32) *httptest.Server {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 256, 256))
	for y := range 256 {
		for x := range 256 {
			c := color.RGBA{200, 230, 200, 255}
			if x%64 == 0 || y%64 == 0 {
				c = color.RGBA{120, 160, 120, 255}
			}
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	path := regexp.MustCompile(`^/\d+/\d+/\d+\.png$`)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if !path.MatchString(r.URL.Path) {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "image/png")
		w.Write(b.Bytes())
	}))
	t.Cleanup(srv.Close)
	return srv
}

// tilesSite serves the stations' pages with the map tile address tiles,
// under the policy the server sends with it (httpx.PageCSP).
func tilesSite(t *testing.T, d *db.DB, tiles string) (*portalSite, *station.Store) {
	t.Helper()
	s := newPortalSite(t, d)
	store := station.NewStore(d)
	mux := mounted(t, Deps{Deps: web.Deps{DB: d, Auth: s.auth, Orgs: s.orgs, Members: s.members, HTTP: httpx.Options{MapTiles: tiles}}, Stations: store})
	csp := httpx.PageCSP(tiles)
	s.srv = serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", csp)
		mux.ServeHTTP(w, r)
	}))
	pr := &auth.Principal{UserID: 1, Kind: auth.KindStaff, Grants: []auth.Grant{{Role: auth.RoleOfficer, OrgID: s.east.ID, OrgPath: s.east.Path}}}
	lat, lng := 39.8935, 116.3990
	in := station.Input{OrgID: s.east.ID, Type: station.TypeWarm, Name: "前门大街暖心驿站", Address: "北京市西城区前门大街", Lat: &lat, Lng: &lng,
		Amenities: []station.Amenity{station.AmWater}}
	for i := range station.DayKeys {
		*in.Hours.Day(i) = "24小时"
	}
	if _, err := store.Create(context.Background(), pr, in); err != nil {
		t.Fatal(err)
	}
	return s, store
}

// TestBrowserStationTiles: with an operator's tile server (here a local
// one) the finder's map asks it for tiles and shows them under the
// district map, the page's policy letting that origin's pictures in and
// no other's; with none configured the map is drawn with no tiles and no
// request leaves the site. Screenshot at 390 px.
func TestBrowserStationTiles(t *testing.T) {
	skipBrowser(t)
	var hits, strays atomic.Int32
	tileSrv := tileServer(t, &hits)
	stray := tileServer(t, &strays)
	s, _ := tilesSite(t, testkit.NewDB(t, db.SQLite), tileSrv.URL+"/{z}/{x}/{y}.png")

	b := newTab(t, s.srv.URL, 90*time.Second, true)
	b.open("/lang?to=zh-CN&back=/s?place=大栅栏", ".station-cards", chromedp.WaitVisible(chromedp.CSS(`#station-map[data-ready]`)))
	b.waitJS("tiles shown", `(function () {
		var t = document.querySelectorAll('#station-map img.tile');
		if (t.length === 0) return false;
		for (var i = 0; i < t.length; i++) if (!t[i].complete || t[i].naturalWidth !== 256) return false;
		return true;
	})()`)
	if hits.Load() == 0 {
		t.Fatal("the tile server was never asked")
	}
	// The policy lets in the tile server's pictures and no other origin's.
	b.eval(`(function () { var i = new Image(); i.onload = function () { window.strayImg = 'loaded'; };
		i.onerror = function () { window.strayImg = 'blocked'; }; i.src = '` + stray.URL + `/1/1/1.png'; return ''; })()`)
	b.waitJS("the stray picture settles", `window.strayImg !== undefined`)
	if got := b.eval(`window.strayImg`); got != "blocked" || strays.Load() != 0 {
		t.Fatalf("a picture from another origin: %s, %d requests", got, strays.Load())
	}
	if b.sideways(2) {
		t.Error("390 px: the finder with tiles runs off the side")
	}
	b.shot("stations-tiles-390")

	// No tiles configured: the offline district map, nothing asked of
	// the tile server.
	before := hits.Load()
	plain, _ := tilesSite(t, testkit.NewDB(t, db.SQLite), "")
	p := newTab(t, plain.srv.URL, 60*time.Second, true)
	p.open("/lang?to=zh-CN&back=/s?place=大栅栏", ".station-cards", chromedp.WaitVisible(chromedp.CSS(`#station-map[data-ready]`)))
	p.waitJS("the district map drawn", `document.querySelectorAll('#station-map canvas').length > 0`)
	if n := p.eval(`String(document.querySelectorAll('#station-map img.tile').length) + (document.getElementById('station-map').hasAttribute('data-tiles') ? ' tiles' : '')`); n != "0" {
		t.Fatalf("without tiles the map has %s", n)
	}
	if hits.Load() != before {
		t.Fatal("the tile server was asked with no tiles configured")
	}
	p.shot("stations-offline-390")
}
