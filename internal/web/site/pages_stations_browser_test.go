package site

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/station"
	"gonghui/internal/testkit"
)

// TestBrowserStations: at phone width, a worker standing on 前门大街
// (a faked geolocation) asks for the nearest open 暖心驿站 and gets the
// open one before a nearer one that is closed; a member scans a
// station's code, checks in and claims a drink, and sees the visit
// counted. Screenshots of the finder, the station's page and the
// staff's pages at 390 and 1280 px go to testkit.ScreenshotDir.
func TestBrowserStations(t *testing.T) {
	skipBrowser(t)
	s, store := stationSite(t, testkit.NewDB(t, db.SQLite))
	ctx := context.Background()
	pr := &auth.Principal{UserID: 1, Kind: auth.KindStaff, Grants: []auth.Grant{{Role: auth.RoleOfficer, OrgID: s.east.ID, OrgPath: s.east.Path}}}
	mk := func(name, typ, hours string, lat, lng float64) *station.Station {
		in := station.Input{OrgID: s.east.ID, Type: typ, Name: name, Address: "北京市西城区" + name, Lat: &lat, Lng: &lng, Phone: "010-6303 1100",
			Amenities: []station.Amenity{station.AmWater, station.AmCharging, station.AmSeats}}
		for i := range station.DayKeys {
			*in.Hours.Day(i) = hours
		}
		st, err := store.Create(ctx, pr, in)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	// Which is open depends on the clock: one never opens, one always is.
	mk("煤市街驿站（维修中）", station.TypeWarm, "休息", 39.8947, 116.3971)
	open := mk("前门大街暖心驿站", station.TypeWarm, "24小时", 39.8935, 116.3990)
	mk("大栅栏职工之家", station.TypeHome, "24小时", 39.8945, 116.3972)
	mk("西单暖心驿站", station.TypeWarm, "24小时", 39.9098, 116.3737)

	// The open one has two photos, a wide one and a tall one.
	if _, err := store.AddPhotos(ctx, pr, open.ID, [][]byte{stationJPEG(t, 1600, 1200), stationJPEG(t, 600, 900)}); err != nil {
		t.Fatal(err)
	}

	b := newTab(t, s.srv.URL, 240*time.Second, true)
	lat, lng, acc := 39.8948, 116.3975, 10.0
	b.do(chromedp.Navigate(b.base+"/lang?to=zh-CN&back=/s"), chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := cdp.Call(ctx, tg, browser.SetPermission, browser.SetPermissionParams{Permission: &browser.PermissionDescriptor{Name: "geolocation"},
			Setting: browser.PermissionSettingGranted}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, tg, emulation.SetGeolocationOverride, emulation.SetGeolocationOverrideParams{Latitude: &lat, Longitude: &lng, Accuracy: &acc})
		return err
	}))
	b.open("/s", "[data-locate-button]",
		chromedp.SetValue(chromedp.CSS(`select[name=type]`), station.TypeWarm),
		chromedp.Click(chromedp.CSS(`input[name=open]`)),
		chromedp.Click(chromedp.CSS(`[data-locate-button]`)),
		chromedp.WaitVisible(chromedp.CSS(`.station-cards`)),
		chromedp.WaitVisible(chromedp.CSS(`#station-map[data-ready]`)))
	first, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(`.station-cards li:first-child .station-name`)))
	if err != nil {
		t.Fatal(err)
	}
	if first != "前门大街暖心驿站" {
		t.Fatalf("nearest open 暖心驿站: %q", first)
	}
	text := b.text()
	if strings.Contains(text, "煤市街驿站") || strings.Contains(text, "大栅栏职工之家") || !strings.Contains(text, "步行约") {
		t.Fatalf("the closed station or another type is listed: %s", text)
	}
	if b.sideways(2) {
		t.Error("390 px: the finder runs off the side")
	}
	b.shot("stations-find-390")

	// A member scans the poster: the code's page, sign-in, check-in.
	s.add(t, s.unionE, "王师傅", 7, "2022-04-01")
	path := "/s/" + open.Code
	s.codeLogin(b, "/m/login?next=/m/stations/"+open.Code, mobileNumber(7), ".station-visit")
	b.open(path, ".station-visit")
	b.expect("before", "今天已有 0 人次到访", "打卡（记录我的到访）")
	b.do(chromedp.Click(chromedp.CSS(`.station-visit form button`)), chromedp.WaitVisible(chromedp.CSS(`.station-flash`)))
	b.expect("after", "打卡成功", "今天已有 1 人次到访")
	// The check-in's flash is still on the page: wait for the claimed
	// service, which the next page shows without its button.
	b.do(chromedp.Click(chromedp.CSS(`.station-services form button`)), chromedp.WaitVisible(chromedp.CSS(`.station-services span[aria-disabled]`)))
	b.expect("claimed", "已领取", "今天已领取")
	if b.sideways(2) {
		t.Error("390 px: the station's page runs off the side")
	}
	b.shot("stations-public-390")
	// Its photos: thumbs for phones, loaded lazily; a tap opens the larger copy.
	b.do(chromedp.ScrollIntoView(chromedp.CSS(`.station-photos`)))
	b.waitJS("thumbs loaded", `(function () {
		var im = document.querySelectorAll('.station-photos img');
		if (im.length !== 2) return false;
		for (var i = 0; i < im.length; i++) if (!im[i].complete || im[i].naturalWidth === 0 || im[i].loading !== 'lazy') return false;
		return im[0].naturalWidth === 1080 && im[1].naturalHeight === 900;
	})()`)
	if w := b.eval(`String(document.querySelector('.station-photos li:first-child img').getBoundingClientRect().width)`); w == "0" {
		t.Error("the first thumb takes no room")
	}
	b.shot("stations-photos-390")
	b.do(chromedp.Click(chromedp.CSS(`.station-photos li:first-child a`)))
	b.waitPath("/s/" + open.Code + "/photos/")
	b.waitJS("the larger copy", `document.images.length === 1 && document.images[0].complete && document.images[0].naturalWidth === 1600`)
	var busy []station.Busy
	busy, err = store.Busiest(ctx, pr, station.BusyQuery{From: "2000-01-01", To: "2100-01-01"})
	if err != nil || len(busy) != 1 || busy[0].Visits != 1 || busy[0].Claims != 1 {
		t.Fatalf("counted: %+v %v", busy, err)
	}

	screens(t, s.srv.URL, "stations", []screen{
		{"dashilan", "list", "/stations"},
		{"dashilan", "show", "/stations/" + dbID(open.ID)},
		{"dashilan", "form", "/stations/" + dbID(open.ID) + "/edit"},
		{"dashilan", "busiest", "/stations/busiest?from=2000-01-01&to=2100-01-01"},
	}, nil)
	desk := newTab(t, s.srv.URL, 60*time.Second, false)
	desk.open("/s?place=大栅栏", ".station-cards", chromedp.WaitVisible(chromedp.CSS(`#station-map[data-ready]`)))
	desk.shot("stations-find-1280")
}

func dbID(id int64) string { return db.FormatID(id) }
