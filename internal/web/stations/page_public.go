package stations

import (
	"crypto/rand"
	"encoding/json"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"gonghui/internal/auth"
	"gonghui/internal/errs"
	"gonghui/internal/i18n"
	"gonghui/internal/station"
	"gonghui/internal/web"
)

// The public pages, phone first, no sign-in needed: the finder and a
// station's own page, which its QR poster opens. A signed-in member is
// sent on to the members' page of the station, where visits are theirs
// and services may be claimed.

// deviceCookie holds the random ID an anonymous visit is counted by:
// one per station and day for each.
const deviceCookie = "gh_station_device"

// navURL opens the place in a map app (Amap's URI takes GCJ-02).
func navURL(gcj station.Point, name string) string {
	return "https://uri.amap.com/marker?position=" + strconv.FormatFloat(gcj.Lng, 'f', 6, 64) + "," + strconv.FormatFloat(gcj.Lat, 'f', 6, 64) +
		"&name=" + url.QueryEscape(name) + "&coordinate=gaode&callnative=1"
}

// stationCard is a station as the public pages show it.
type stationCard struct {
	URL, Name, Type, OrgName, Address, Today, Phone, NavURL, Distance, Walk string
	Open                                                                    bool
	Amenities                                                               []string
}

func cardOf(lang i18n.Lang, p station.Public) stationCard {
	return stationCard{URL: "/s/" + p.Code, Name: p.Name, Type: typeLabel(lang, p.Type, p.TypeName), OrgName: p.OrgName, Address: p.Address,
		Today: hoursWords(lang, p.Today), Phone: p.Phone, NavURL: navURL(p.GCJ02, p.Name), Open: p.OpenNow, Amenities: amenityLabels(lang, p.Amenities)}
}

type finderData struct {
	Place, Lat, Lng, Type string
	Open, Searched        bool
	Amenities             []check
	Types                 []web.Option
	Found                 string // what the typed place matched
	Cards                 []stationCard
	Map                   template.JS
	GeoURL, EChartsURL    string
	Tiles                 string
}

type check struct {
	Value, Label string
	Checked      bool
}

// mapPoint is one station on the district map: GCJ-02, as the map is.
type mapPoint struct {
	Name string     `json:"name"`
	At   [2]float64 `json:"at"` // lng, lat
	Open bool       `json:"open"`
	URL  string     `json:"url"`
}

type mapData struct {
	Me     *[2]float64 `json:"me,omitempty"`
	Points []mapPoint  `json:"points"`
	Labels struct {
		Open, Closed, Me string
	} `json:"labels"`
}

func (h *Pages) finder(w http.ResponseWriter, r *http.Request) {
	pg := h.PublicPage(w, r, "sweb.find.title")
	q := r.URL.Query()
	d := &finderData{Place: q.Get("place"), Lat: q.Get("lat"), Lng: q.Get("lng"), Type: q.Get("type"), Open: q.Get("open") == "1", Tiles: h.tiles()}
	d.GeoURL, _ = web.Asset("beijing-map/beijing.json")
	d.EChartsURL, _ = web.Asset("vendor/echarts/echarts.min.js")
	var err error
	if d.Types, err = h.typeOptions(r, pg.Lang); err != nil {
		h.Fail(w, r, nil, err)
		return
	}
	nq := station.NearQuery{Type: d.Type, OpenNow: d.Open}
	picked := q["amenity"]
	for _, a := range station.Amenities {
		on := slices.Contains(picked, string(a))
		if on {
			nq.Amenities = append(nq.Amenities, a)
		}
		d.Amenities = append(d.Amenities, check{Value: string(a), Label: amenityLabel(pg.Lang, a), Checked: on})
	}
	md := mapData{Points: []mapPoint{}}
	md.Labels.Open, md.Labels.Closed, md.Labels.Me = pg.T("sweb.open_now"), pg.T("sweb.closed_now"), pg.T("sweb.find.me")
	status := http.StatusOK
	err = nil
	switch {
	case d.Lat != "" || d.Lng != "":
		f := errs.Fields{}
		if at, ok := station.CheckPoint(f, nil, nil, d.Lat, d.Lng, station.WGS84); ok {
			nq.At, d.Searched = at, true
		} else {
			err = f.Err()
		}
	case d.Place != "":
		var p *station.Place
		if p, err = h.Stations.Locate(r.Context(), d.Place); err == nil {
			nq.At, d.Searched = p.At, true
			d.Found = pg.T("sweb.find.from_"+p.From, p.Name)
		}
	}
	if d.Searched {
		var near []station.Near
		if near, err = h.Stations.Nearest(r.Context(), nq); err == nil {
			g := nq.At.In(station.GCJ02)
			md.Me = &[2]float64{g.Lng, g.Lat}
			for _, n := range near {
				c := cardOf(pg.Lang, n.Public)
				c.Distance = distanceWords(pg.Lang, n.Distance)
				c.Walk = pg.T("sweb.walk", n.WalkMinutes)
				d.Cards = append(d.Cards, c)
				md.Points = append(md.Points, mapPoint{Name: n.Name, At: [2]float64{n.GCJ02.Lng, n.GCJ02.Lat}, Open: n.OpenNow, URL: c.URL})
			}
		}
	}
	if err != nil {
		f, ok := web.FormError(pg, err)
		if !ok {
			h.Fail(w, r, nil, err)
			return
		}
		pg.Form, status = f, web.FormStatus(err)
		d.Searched = false
	}
	b, _ := json.Marshal(md)
	d.Map = template.JS(b)
	pg.Data = d
	h.Render(w, status, "station_find", pg)
}

func distanceWords(lang i18n.Lang, m int) string {
	if m < 1000 {
		return i18n.T(lang, "sweb.metres", m)
	}
	return i18n.T(lang, "sweb.km", strconv.FormatFloat(float64(m)/1000, 'f', 1, 64))
}

type stationData struct {
	C        stationCard
	V        *station.Visited
	Hours    []hoursRow
	Member   bool
	Offered  []check // services, checked when claimed today
	LoginURL string
	VisitURL string
	ClaimURL string
	Today    string
	Photos   []photoView
}

// signedIn is the member whose session r carries, or nil.
func (h *Pages) signedIn(r *http.Request) *auth.Principal {
	tok := h.MemberToken(r)
	if tok == "" {
		return nil
	}
	p, _, err := h.Auth.Authenticate(r.Context(), tok, false)
	if err != nil || p.Kind != auth.KindMember || p.MemberID == 0 || p.SessionKind != auth.SessionWeb {
		return nil
	}
	return p
}

// public: GET /s/{code}, what the poster's code opens.
func (h *Pages) public(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("code")
	if h.signedIn(r) != nil {
		http.Redirect(w, r, "/m/stations/"+url.PathEscape(code), http.StatusSeeOther)
		return
	}
	if c, err := r.Cookie(deviceCookie); err != nil || !station.ValidDevice(c.Value) {
		h.SetCookie(w, r, deviceCookie, rand.Text(), 400*24*3600)
	}
	pg := h.PublicPage(w, r, "")
	v, err := h.Stations.Seen(r.Context(), nil, code)
	if err != nil {
		h.Fail(w, r, nil, err)
		return
	}
	h.renderStation(w, r, pg, v, false, code, http.StatusOK)
}

func (h *Pages) renderStation(w http.ResponseWriter, r *http.Request, pg *web.Page, v *station.Visited, member bool, code string, status int) {
	pg.Title = v.Station.Name
	d := &stationData{C: cardOf(pg.Lang, v.Station), V: v, Hours: hoursRows(pg.Lang, v.Station.Hours), Member: member,
		LoginURL: "/m/login?next=" + url.QueryEscape("/m/stations/"+code), Today: pg.T("sweb.today_count", v.Today)}
	if member {
		d.VisitURL, d.ClaimURL = "/m/stations/"+url.PathEscape(code)+"/visit", "/m/stations/"+url.PathEscape(code)+"/claim"
	} else {
		d.VisitURL = "/s/" + url.PathEscape(code) + "/visit"
	}
	ps, err := h.publicPhotos(r, pg, v.Station.Name, code)
	if err != nil {
		h.Fail(w, r, nil, err)
		return
	}
	d.Photos = ps
	for _, a := range v.Offered {
		d.Offered = append(d.Offered, check{Value: string(a), Label: pg.T("station.service." + string(a)), Checked: slices.Contains(v.Claimed, a)})
	}
	pg.Data = d
	h.Render(w, status, "station_public", pg)
}

// anonVisit: POST /s/{code}/visit, a visit counted by the device.
func (h *Pages) anonVisit(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("code")
	if !h.CheckCSRF(r) {
		h.Fail(w, r, nil, &errs.Error{Kind: errs.KindForbidden, Code: "csrf", Key: "error.csrf"})
		return
	}
	dev := ""
	if c, err := r.Cookie(deviceCookie); err == nil {
		dev = c.Value
	}
	v, err := h.Stations.VisitAnonymous(r.Context(), code, dev)
	if err != nil {
		h.Fail(w, r, nil, err)
		return
	}
	web.Redirect(w, r, "/s/"+url.PathEscape(code), visitFlash(v))
}

func visitFlash(v *station.Visited) string {
	if v.New {
		return "flash.station.visited"
	}
	return "flash.station.visited_before"
}

func (h *Pages) mStation(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	code := r.PathValue("code")
	v, err := h.Stations.Seen(r.Context(), p, code)
	if err != nil {
		return err
	}
	pg := h.MemberPage(w, r, "", "home")
	h.renderStation(w, r, pg, v, true, code, http.StatusOK)
	return nil
}

func (h *Pages) mVisit(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	code := r.PathValue("code")
	v, err := h.Stations.Visit(r.Context(), p, code)
	if err != nil {
		return err
	}
	web.Redirect(w, r, "/m/stations/"+url.PathEscape(code), visitFlash(v))
	return nil
}

func (h *Pages) mClaim(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	code := r.PathValue("code")
	_, err := h.Stations.Claim(r.Context(), p, code, station.Amenity(r.PostFormValue("service")))
	if err != nil && !errs.Is(err, errs.KindConflict) {
		return err
	}
	flash := "flash.station.claimed"
	if err != nil {
		flash = "flash.station.claimed_before"
	}
	web.Redirect(w, r, "/m/stations/"+url.PathEscape(code), flash)
	return nil
}
