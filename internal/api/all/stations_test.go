package all_test

import (
	"bytes"
	"image"
	"image/png"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"gonghui/internal/api"
	"gonghui/internal/api/all"
	"gonghui/internal/db"
	"gonghui/internal/httpx"
	"gonghui/internal/inbox"
	"gonghui/internal/station"
	"gonghui/internal/testkit"
)

// withStations serves the fixture's API again with the stations' store.
func (f *fixture) withStations() *station.Store {
	f.t.Helper()
	st := station.NewStore(f.d)
	mux := http.NewServeMux()
	if _, err := all.Mount(mux, all.Deps{Deps: api.Deps{DB: f.d, Auth: f.auth, Orgs: f.orgs, Members: f.mem, HTTP: httpx.Options{}}, Acts: f.acts, Courses: f.crs,
		Banks: f.banks, Contest: f.cts, Letters: f.lets, Survey: f.svs, Inbox: inbox.New(), Works: f.works, Stations: st}); err != nil {
		f.t.Fatal(err)
	}
	f.srv.Config.Handler = checked(f.t, mux)
	return st
}

// Stations through the API: bad input refused field by field (outside
// China, overlapping hours) with nothing kept; a station written in
// GCJ-02 and read back in both systems; scope; the public nearest search
// by point and by street; a member's visit once a day and a claim.
func TestStationsAPI(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		st := f.withStations()
		f.staff("officer_b", "streetB", "officer")
		f.signedInMember("m1", "张一", "unionA", "13800000061", 21)
		st.SetClock(func() time.Time { return time.Date(2026, 9, 28, 10, 0, 0, 0, time.FixedZone("CST", 8*3600)) })
		week := `"mon":"08:00-18:00","tue":"08:00-18:00","wed":"08:00-18:00","thu":"08:00-18:00","fri":"08:00-18:00","sat":"休息","sun":""`
		good := `{"org_id":"{streetA}","type":"warm","name":"前门大街暖心驿站","address":"北京市西城区前门大街北口","lat":39.89588,"lng":116.40389,"system":"gcj02",
			"amenities":["water","charging"],"phone":"010-6303 1100","hours":{` + week + `,"exceptions":[{"date":"2026-10-01","hours":""}]}}`
		bad := strings.NewReplacer(`"lat":39.89588`, `"lat":51.5`, `"lng":116.40389`, `"lng":-0.12`, `"mon":"08:00-18:00"`, `"mon":"08:00-12:00,11:00-13:00"`).Replace(good)
		f.run([]Step{
			{name: "a leader may not add", as: "leader_a", method: "POST", path: "/api/v1/stations", body: good, status: 403},
			{name: "bad input", as: "officer_a", method: "POST", path: "/api/v1/stations", body: bad, status: 422, want: []string{`"lng"`, `"hours.mon"`}},
			{name: "not in another street", as: "officer_a", method: "POST", path: "/api/v1/stations", body: strings.Replace(good, "{streetA}", "{streetB}", 1), status: 422, want: []string{`"org_id"`}},
			{name: "nothing kept", as: "officer_a", method: "GET", path: "/api/v1/stations", status: 200, want: []string{`"total":{"n":0`}},
		})
		var s struct {
			ID       string
			Code     string
			Version  int
			Location struct{ Lat, Lng float64 }
		}
		f.postJSON("officer_a", "POST", "/api/v1/stations", good, http.StatusCreated, &s)
		if back := station.ToGCJ02(station.Point{Lat: s.Location.Lat, Lng: s.Location.Lng}); station.Distance(back, station.Point{Lat: 39.89588, Lng: 116.40389}) > 0.2 {
			t.Fatalf("stored at %+v: in GCJ-02 that is %+v, not where it was written", s.Location, back)
		}
		f.ids["station"], f.ids["code"] = s.ID, s.Code
		f.run([]Step{
			{name: "read", as: "leader_a", method: "GET", path: "/api/v1/stations/{station}", status: 200, want: []string{`"location_gcj":{"lat":39.8958`, `"open_now":true`, `"sat":""`}},
			{name: "out of scope", as: "officer_b", method: "GET", path: "/api/v1/stations/{station}", status: 404},
			{name: "filter", as: "officer_a", method: "GET", path: "/api/v1/stations?amenity=charging&type=warm", status: 200, want: []string{"前门大街暖心驿站", `"total":{"n":1`}},
			{name: "types", as: "officer_a", method: "GET", path: "/api/v1/station-types", status: 200, want: []string{`"code":"warm"`}},
			{name: "nearest, no sign-in", method: "GET", path: "/api/v1/stations/nearest?lat=39.8950&lng=116.3970&open=true&amenity=water", status: 200,
				want: []string{"前门大街暖心驿站", `"walk_min":`, `"system":"wgs84"`}},
			{name: "nearest by street", method: "GET", path: "/api/v1/stations/nearest?place=%E5%A4%A7%E6%A0%85%E6%A0%8F", status: 200, want: []string{`"from":"street"`, "前门大街暖心驿站"}},
			{name: "nearest abroad", method: "GET", path: "/api/v1/stations/nearest?lat=48.85&lng=2.35", status: 422, want: []string{`"lng"`}},
			{name: "visit", as: "m1", method: "POST", path: "/api/v1/me/stations/{code}/visit", status: 200, want: []string{`"new":true`, `"today":1`}},
			{name: "visit again", as: "m1", method: "POST", path: "/api/v1/me/stations/{code}/visit", status: 200, want: []string{`"new":false`, `"today":1`}},
			{name: "claim", as: "m1", method: "POST", path: "/api/v1/me/stations/{code}/claim", body: `{"service":"water"}`, status: 200, want: []string{`"claimed":["water"]`}},
			{name: "claim twice", as: "m1", method: "POST", path: "/api/v1/me/stations/{code}/claim", body: `{"service":"water"}`, status: 409},
			{name: "not offered", as: "m1", method: "POST", path: "/api/v1/me/stations/{code}/claim", body: `{"service":"tyre_pump"}`, status: 422, want: []string{`"service"`}},
			{name: "staff cannot visit as members", as: "officer_a", method: "POST", path: "/api/v1/me/stations/{code}/visit", status: 404},
			{name: "busiest", as: "leader_a", method: "GET", path: "/api/v1/stations/busiest?from=2026-09-01&to=2026-09-30", status: 200, want: []string{`"visits":1`, `"claims":1`}},
			{name: "close", as: "officer_a", method: "POST", path: "/api/v1/stations/{station}/close", body: `{"version":1}`, status: 200, want: []string{`"status":"closed"`}},
			{name: "closed is not public", method: "GET", path: "/api/v1/stations/nearest?lat=39.8950&lng=116.3970", status: 200, not: []string{"前门大街暖心驿站"}},
		})
	})
}

// sendPhotos posts pictures as "photo" parts to path as key.
func (f *fixture) sendPhotos(key, path string, files ...[]byte) answer {
	f.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for _, data := range files {
		fw, _ := mw.CreateFormFile("photo", "photo.png")
		fw.Write(data)
	}
	mw.Close()
	return f.send(f.token(key), "POST", f.expand(path), mw.FormDataContentType(), &b)
}

// A station's photos through the API: added by its keeper as JPEG copies,
// bad files and strangers refused with nothing kept, reordered, read
// back as thumbs, deleted; its counts and the list sorted by visits.
func TestStationPhotosAPI(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.withStations()
		f.staff("officer_b", "streetB", "officer")
		f.signedInMember("m1", "张一", "unionA", "13800000061", 21)
		week := `"mon":"08:00-18:00","tue":"08:00-18:00","wed":"08:00-18:00","thu":"08:00-18:00","fri":"08:00-18:00","sat":"","sun":"","exceptions":[]`
		var s struct{ ID, Code string }
		f.postJSON("officer_a", "POST", "/api/v1/stations", `{"org_id":"{streetA}","type":"warm","name":"前门大街暖心驿站","address":"北京市西城区前门大街北口",
			"lat":39.89588,"lng":116.40389,"amenities":["water","charging"],"hours":{`+week+`}}`, http.StatusCreated, &s)
		f.ids["station"], f.ids["code"] = s.ID, s.Code
		var pic bytes.Buffer
		png.Encode(&pic, image.NewRGBA(image.Rect(0, 0, 60, 40)))
		if a := f.sendPhotos("officer_a", "/api/v1/stations/{station}/photos", []byte("GIF89a not a photo")); a.status != 422 || !strings.Contains(a.body, `"photos"`) {
			t.Fatalf("a GIF: %d %s", a.status, a.body)
		}
		if a := f.sendPhotos("officer_b", "/api/v1/stations/{station}/photos", pic.Bytes()); a.status != 404 {
			t.Fatalf("a stranger: %d %s", a.status, a.body)
		}
		if a := f.sendPhotos("officer_a", "/api/v1/stations/{station}/photos", pic.Bytes(), pic.Bytes(), pic.Bytes(), pic.Bytes(), pic.Bytes(), pic.Bytes(), pic.Bytes()); a.status != 422 {
			t.Fatalf("seven photos: %d %s", a.status, a.body)
		}
		f.run([]Step{
			{name: "nothing kept", as: "officer_a", method: "GET", path: "/api/v1/stations/{station}/photos", status: 200, want: []string{`"items":[]`}},
			{name: "not a form", as: "officer_a", method: "POST", path: "/api/v1/stations/{station}/photos", body: `{}`, status: 422, want: []string{`"photos"`}},
		})
		a := f.sendPhotos("officer_a", "/api/v1/stations/{station}/photos", pic.Bytes(), pic.Bytes())
		if a.status != 200 || !strings.Contains(a.body, `"width":60`) {
			t.Fatalf("added: %d %s", a.status, a.body)
		}
		var ps struct{ Items []struct{ ID string } }
		f.postJSON("leader_a", "GET", "/api/v1/stations/{station}/photos", "", 200, &ps)
		if len(ps.Items) != 2 {
			t.Fatalf("stored %+v", ps)
		}
		f.ids["p1"], f.ids["p2"] = ps.Items[0].ID, ps.Items[1].ID
		f.run([]Step{
			{name: "thumb", as: "leader_a", method: "GET", path: "/api/v1/stations/{station}/photos/{p1}?size=thumb", status: 200},
			{name: "bad size", as: "leader_a", method: "GET", path: "/api/v1/stations/{station}/photos/{p1}?size=huge", status: 422, want: []string{`"size"`}},
			{name: "move", as: "officer_a", method: "POST", path: "/api/v1/stations/{station}/photos/{p2}/move", body: `{"by":-1}`, status: 200,
				want: []string{`"items":[{"id":"{p2}","position":1`}},
			{name: "bad move", as: "officer_a", method: "POST", path: "/api/v1/stations/{station}/photos/{p2}/move", body: `{"by":5}`, status: 422, want: []string{`"move"`}},
			{name: "a leader may not delete", as: "leader_a", method: "DELETE", path: "/api/v1/stations/{station}/photos/{p1}", status: 403},
			{name: "delete", as: "officer_a", method: "DELETE", path: "/api/v1/stations/{station}/photos/{p1}", status: 204},
			{name: "gone", as: "officer_a", method: "GET", path: "/api/v1/stations/{station}/photos/{p1}", status: 404},
			{name: "visit", as: "m1", method: "POST", path: "/api/v1/me/stations/{code}/visit", status: 200},
			{name: "claim", as: "m1", method: "POST", path: "/api/v1/me/stations/{code}/claim", body: `{"service":"water"}`, status: 200},
			{name: "counts", as: "leader_a", method: "GET", path: "/api/v1/stations/{station}/counts", status: 200,
				want: []string{`"today":{"visits":1,"anonymous":0,"claims":1}`, `{"service":"water","today":1,"week":1,"month":1}`}},
			{name: "by visits", as: "leader_a", method: "GET", path: "/api/v1/stations?sort=-visits", status: 200, want: []string{`"visits_30d":1`, `"photos":1`}},
		})
	})
}
