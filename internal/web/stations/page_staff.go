package stations

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/beijing"
	"gonghui/internal/card"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
	"gonghui/internal/listing"
	"gonghui/internal/station"
	"gonghui/internal/web"
)

// The staff's pages: the list, the form, a station's page and poster.

// orgPick is the list's organisation filter; formPick the form's keeper.
var (
	orgPick  = web.PickerSpec{Field: "org", QField: "org_q", Perm: auth.PermStationRead}
	formPick = web.PickerSpec{Field: "org_id", QField: "org_q", Perm: auth.PermStationWrite, Required: true}
)

type row struct {
	URL, Name, Type, OrgName, Address, Today, Updated string
	Open, Active                                      bool
	Amenities                                         []string
	Visits30                                          int
}

type listData struct {
	Q, Type, Amenity, Status string
	Filtered                 bool
	Tabs                     []web.Tab
	AmenityOptions           []web.Option
	StatusOptions            []web.Option
	Org                      *web.OrgPicker
	Rows                     []row
	Cols                     []any
	Pager                    web.CursorPager
	ExportURL                string
	CanWrite                 bool
}

func (h *Pages) query(r *http.Request, org string) station.Query {
	return station.Query{Q: web.QueryValue(r, "q"), Type: web.QueryValue(r, "type"), Amenity: station.Amenity(web.QueryValue(r, "amenity")),
		Status: station.Status(web.QueryValue(r, "status")), Org: web.ParseIDValue(org), Sort: web.SortParam(r, station.Sorts.Default),
		After: web.QueryValue(r, "cursor"), Limit: web.PageSize}
}

func (h *Pages) list(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !mayUse(p) {
		return errs.Forbidden()
	}
	ctx := r.Context()
	pg := h.Page(w, r, p, "sweb.list.title", "stations")
	spec := orgPick
	spec.Label, spec.Blank = pg.T("sweb.field.org"), pg.T("sweb.list.all_orgs")
	d := &listData{CanWrite: p.Can(auth.PermStationWrite)}
	var err error
	if d.Org, err = h.FilterPicker(pg, r, p, spec, web.FilterValue(r, orgPick.Field)); err != nil {
		return err
	}
	q := h.query(r, d.Org.Value)
	d.Q, d.Type, d.Amenity, d.Status = q.Q, q.Type, string(q.Amenity), string(q.Status)
	d.Filtered = d.Q != "" || d.Type != "" || d.Amenity != "" || d.Status != "" || d.Org.Value != ""
	status := http.StatusOK
	items, next, total, err := web.ListPage(r, &q.Offset, func() ([]station.Station, string, error) { return h.Stations.List(ctx, p, q) },
		func() (listing.Total, error) { return h.Stations.CountList(ctx, p, q) })
	if err != nil {
		f, ok := web.FormError(pg, err)
		if !ok {
			return err
		}
		pg.Form, status = f, web.FormStatus(err)
	}
	counts, err := h.Stations.ByType(ctx, p, q)
	if err != nil && !errs.Is(err, errs.KindInvalid) {
		return err
	}
	types, err := h.typeOptions(r, pg.Lang)
	if err != nil {
		return err
	}
	all := 0
	for _, n := range counts {
		all += n
	}
	tabs := []web.Option{{Value: "", Label: fmt.Sprintf("%s %d", pg.T("sweb.list.all"), all)}}
	for _, t := range types {
		if n := counts[t.Value]; n > 0 || t.Value == d.Type {
			tabs = append(tabs, web.Option{Value: t.Value, Label: fmt.Sprintf("%s %d", t.Label, n)})
		}
	}
	d.Tabs = web.FilterTabs(web.ListBase(pg), "type", d.Type, tabs)
	d.AmenityOptions = amenityOptions(pg.Lang)
	for _, st := range station.Statuses {
		d.StatusOptions = append(d.StatusOptions, web.Option{Value: string(st), Label: pg.T("station.status." + string(st))})
	}
	back := web.BackQuery(pg)
	for i := range items {
		s := &items[i]
		d.Rows = append(d.Rows, row{URL: stationURL(s.ID) + back, Name: s.Name, Type: typeLabel(pg.Lang, s.Type, s.TypeName), OrgName: s.OrgName,
			Address: s.Address, Today: hoursWords(pg.Lang, s.Parsed().Today(h.Stations.Now())), Open: s.OpenNow, Active: s.Status == station.StatusActive,
			Amenities: amenityLabels(pg.Lang, s.Amenities), Updated: web.FormatTime(s.UpdatedAt, "2006-01-02"), Visits30: s.Visits30})
	}
	d.Pager = web.ListPagerOf(pg, r, next, len(items), total, "sweb.list.total", "sweb.list.total_over")
	d.Cols = web.SortCols(pg, web.SortParam(r, station.Sorts.Default), []web.SortHead{{Label: pg.T("sweb.field.name"), Key: "name"},
		{Label: pg.T("sweb.field.type")}, {Label: pg.T("sweb.field.org")}, {Label: pg.T("sweb.field.today")}, {Label: pg.T("sweb.field.amenities")},
		{Label: pg.T("sweb.field.visits30"), Key: "visits", Class: "num", Desc: true}, {Label: pg.T("sweb.field.updated"), Key: "updated", Desc: true}})
	d.ExportURL = "/stations/export.xlsx"
	if _, query, ok := strings.Cut(web.SetQuery(pg.Path, "flash", ""), "?"); ok {
		d.ExportURL += "?" + query
	}
	pg.Data = d
	h.Render(w, status, "station_list", pg)
	return nil
}

func (h *Pages) export(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !mayUse(p) {
		return errs.Forbidden()
	}
	var buf bytes.Buffer
	if _, err := h.Stations.Export(r.Context(), p, h.query(r, web.FilterValue(r, orgPick.Field)), &buf); err != nil {
		return err
	}
	web.Download(w, "服务阵地-"+beijing.FileDate(time.Now())+".xlsx", buf.Bytes())
	return nil
}

// ---------- the form ----------

// formValues are a station's fields as the form shows them.
func formValues(s *station.Station) map[string]string {
	v := map[string]string{"org_id": db.FormatID(s.OrgID), "type": s.Type, "name": s.Name, "address": s.Address, "system": string(station.WGS84),
		"lat": strconv.FormatFloat(s.Location.Lat, 'f', 6, 64), "lng": strconv.FormatFloat(s.Location.Lng, 'f', 6, 64),
		"phone": s.Phone, "contact": s.Contact, "note": s.Note, "status": string(s.Status), "version": strconv.Itoa(s.Version)}
	for _, a := range s.Amenities {
		v["amenity."+string(a)] = "1"
	}
	for i, k := range station.DayKeys {
		v["hours."+k] = *s.Hours.Day(i)
	}
	for i, e := range s.Hours.Exceptions {
		n := "exceptions." + strconv.Itoa(i)
		v[n+".date"], v[n+".hours"] = e.Date, e.Hours
	}
	return v
}

func inputFrom(r *http.Request) station.Input {
	in := station.Input{OrgID: web.ParseIDValue(r.PostFormValue("org_id")), Type: r.PostFormValue("type"), Name: r.PostFormValue("name"),
		Address: r.PostFormValue("address"), LatText: r.PostFormValue("lat"), LngText: r.PostFormValue("lng"), System: station.System(r.PostFormValue("system")),
		Phone: r.PostFormValue("phone"), Contact: r.PostFormValue("contact"), Note: r.PostFormValue("note"), Status: station.Status(r.PostFormValue("status"))}
	for _, a := range station.Amenities {
		if r.PostFormValue("amenity."+string(a)) == "1" {
			in.Amenities = append(in.Amenities, a)
		}
	}
	for i, k := range station.DayKeys {
		*in.Hours.Day(i) = r.PostFormValue("hours." + k)
	}
	in.Hours.Exceptions = exceptionsFrom(r)
	return in
}

type dayField struct{ Name, Label string }

type formData struct {
	Action     string
	V          map[string]string
	Org        *web.OrgPicker
	Types      []web.Option
	Systems    []web.Option
	Statuses   []web.Option
	Amenities  []web.Option
	Days       []dayField
	Exceptions []string
	NextRow    int // the number the script gives the next row it adds
	MaxRows    int
	Edit       bool
}

// renderForm shows the form with rows exception rows.
func (h *Pages) renderForm(w http.ResponseWriter, r *http.Request, p *auth.Principal, pg *web.Page, action string, v map[string]string, rows, status int) error {
	spec := formPick
	spec.Label, spec.Hint = pg.T("sweb.field.org"), pg.T("sweb.form.org_hint")
	org, err := h.OrgPicker(r, p, spec, v["org_id"])
	if err != nil {
		return err
	}
	types, err := h.typeOptions(r, pg.Lang)
	if err != nil {
		return err
	}
	d := &formData{Action: action, V: v, Org: org, Types: types, Amenities: amenityOptions(pg.Lang), Edit: v["version"] != ""}
	for _, s := range station.Systems {
		d.Systems = append(d.Systems, web.Option{Value: string(s), Label: pg.T("station.system." + string(s))})
	}
	for _, s := range station.Statuses {
		d.Statuses = append(d.Statuses, web.Option{Value: string(s), Label: pg.T("station.status." + string(s))})
	}
	for _, k := range station.DayKeys {
		d.Days = append(d.Days, dayField{Name: "hours." + k, Label: pg.T("station.day." + k)})
	}
	for i := range rows {
		d.Exceptions = append(d.Exceptions, "exceptions."+strconv.Itoa(i))
	}
	d.NextRow, d.MaxRows = rows, maxExceptionRows
	pg.Data = d
	h.Render(w, status, "station_form", pg)
	return nil
}

func (h *Pages) newForm(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !p.Can(auth.PermStationWrite) {
		return errs.Forbidden()
	}
	pg := h.Page(w, r, p, "sweb.new.title", "stations")
	pg.Crumbs = []web.Crumb{{Label: pg.T("sweb.list.title"), URL: "/stations"}, {Label: pg.Title}}
	v := map[string]string{"type": station.TypeWarm, "system": string(station.WGS84), "status": string(station.StatusActive)}
	for _, k := range station.DayKeys {
		v["hours."+k] = "08:00-20:00"
	}
	if len(p.Grants) > 0 && p.CanAt(auth.PermStationWrite, p.Grants[0].OrgPath) {
		v["org_id"] = db.FormatID(p.Grants[0].OrgID)
	}
	return h.renderForm(w, r, p, pg, "/stations/new", v, blankExceptionRows, http.StatusOK)
}

// again shows the form as it was sent: after a picker's search, or with
// the errors of err.
func (h *Pages) again(w http.ResponseWriter, r *http.Request, p *auth.Principal, titleKey, action string, err error) error {
	pg := h.Page(w, r, p, titleKey, "stations")
	pg.Crumbs = []web.Crumb{{Label: pg.T("sweb.list.title"), URL: "/stations"}, {Label: pg.Title}}
	status := http.StatusOK
	if err != nil {
		if !h.Validation(w, r, p, pg, err) {
			return nil
		}
		status = web.FormStatus(err)
	} else {
		pg.Form = web.KeptForm(r)
	}
	return h.renderForm(w, r, p, pg, action, map[string]string{"version": r.PostFormValue("version"), "org_id": r.PostFormValue("org_id")},
		postedExceptionRows(r), status)
}

func (h *Pages) create(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if web.PickerAsked(r) || r.PostFormValue("more_rows") != "" {
		return h.again(w, r, p, "sweb.new.title", "/stations/new", nil)
	}
	s, err := h.Stations.Create(r.Context(), p, inputFrom(r))
	if err == nil {
		web.Redirect(w, r, stationURL(s.ID), "flash.station.created")
		return nil
	}
	return h.again(w, r, p, "sweb.new.title", "/stations/new", err)
}

func (h *Pages) editForm(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	s, ok := web.Load(h.Kernel, w, r, p, h.Stations.Get)
	if !ok {
		return nil
	}
	pg := h.Page(w, r, p, "sweb.edit.title", "stations")
	pg.Crumbs = []web.Crumb{{Label: pg.T("sweb.list.title"), URL: "/stations"}, {Label: s.Name, URL: stationURL(s.ID)}, {Label: pg.Title}}
	return h.renderForm(w, r, p, pg, stationURL(s.ID)+"/edit", formValues(s), len(s.Hours.Exceptions)+blankExceptionRows, http.StatusOK)
}

func (h *Pages) update(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := web.IDParam(r, "id")
	if err != nil {
		return err
	}
	if web.PickerAsked(r) || r.PostFormValue("more_rows") != "" {
		return h.again(w, r, p, "sweb.edit.title", stationURL(id)+"/edit", nil)
	}
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	if _, err = h.Stations.Update(r.Context(), p, id, version, inputFrom(r)); err == nil {
		web.Redirect(w, r, stationURL(id), "flash.station.saved")
		return nil
	}
	return h.again(w, r, p, "sweb.edit.title", stationURL(id)+"/edit", err)
}

func (h *Pages) setStatus(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := web.IDParam(r, "id")
	if err != nil {
		return err
	}
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	if _, err := h.Stations.SetStatus(r.Context(), p, id, version, station.Status(r.PostFormValue("status"))); err != nil {
		return err
	}
	web.Redirect(w, r, stationURL(id), "flash.station.saved")
	return nil
}

func (h *Pages) addType(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if _, err := h.Stations.AddType(r.Context(), p, r.PostFormValue("name")); err != nil {
		pg := h.Page(w, r, p, "sweb.import.title", "stations")
		if !h.Validation(w, r, p, pg, err) {
			return nil
		}
		return h.renderImport(w, r, p, pg, nil, web.FormStatus(err))
	}
	web.Redirect(w, r, "/stations/import", "flash.station.type_added")
	return nil
}

// ---------- a station's page and its poster ----------

type showData struct {
	S                 *station.Station
	URL, PublicURL    string
	Type, Status      string
	Today             string
	Hours             []hoursRow
	Exceptions        []hoursRow
	Amenities         []string
	CanWrite          bool
	NavURL            string
	LatLng, GCJLatLng string
	Photos            []photoView
	PhotosLeft        int
	Counts            []countRow
	Services          []serviceRow
}

func (h *Pages) show(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	s, ok := web.Load(h.Kernel, w, r, p, h.Stations.Get)
	if !ok {
		return nil
	}
	return h.renderShow(w, r, p, h.Page(w, r, p, "", "stations"), s, http.StatusOK)
}

func (h *Pages) renderShow(w http.ResponseWriter, r *http.Request, p *auth.Principal, pg *web.Page, s *station.Station, status int) error {
	ps, err := h.Stations.Photos(r.Context(), p, s.ID)
	if err != nil {
		return err
	}
	counts, err := h.Stations.Counts(r.Context(), p, s.ID)
	if err != nil {
		return err
	}
	pg.Title = s.Name
	pg.Crumbs = []web.Crumb{{Label: pg.T("sweb.list.title"), URL: web.ListBack(r, "/stations")}, {Label: s.Name}}
	d := &showData{S: s, URL: stationURL(s.ID), PublicURL: "/s/" + s.Code, Type: typeLabel(pg.Lang, s.Type, s.TypeName),
		Status: pg.T("station.status." + string(s.Status)), Today: hoursWords(pg.Lang, s.Parsed().Today(h.Stations.Now())),
		Hours: hoursRows(pg.Lang, s.Hours), Amenities: amenityLabels(pg.Lang, s.Amenities), CanWrite: station.CanWrite(p, s),
		NavURL: navURL(s.GCJ02, s.Name), LatLng: latLng(s.Location), GCJLatLng: latLng(s.GCJ02)}
	for _, e := range s.Hours.Exceptions {
		d.Exceptions = append(d.Exceptions, hoursRow{Day: e.Date, Hours: hoursWords(pg.Lang, e.Hours)})
	}
	d.Photos, d.PhotosLeft = photoViews(pg, s.Name, stationURL(s.ID), ps), station.MaxPhotos-len(ps)
	d.Counts, d.Services = countRows(pg, counts)
	pg.Data = d
	h.Render(w, status, "station_show", pg)
	return nil
}

func latLng(p station.Point) string {
	return strconv.FormatFloat(p.Lat, 'f', 6, 64) + ", " + strconv.FormatFloat(p.Lng, 'f', 6, 64)
}

// scanURL is the absolute address a station's poster carries.
func (h *Pages) scanURL(r *http.Request, code string) string {
	scheme := "http"
	if httpx.Secure(r, h.HTTP) {
		scheme = "https"
	}
	return scheme + "://" + r.Host + "/s/" + code
}

func (h *Pages) poster(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	s, ok := web.Load(h.Kernel, w, r, p, h.Stations.Get)
	if !ok {
		return nil
	}
	pg := h.Page(w, r, p, "sweb.poster.title", "stations")
	pg.Crumbs = []web.Crumb{{Label: pg.T("sweb.list.title"), URL: "/stations"}, {Label: s.Name, URL: stationURL(s.ID)}, {Label: pg.Title}}
	pg.Data = map[string]any{"S": s, "Type": typeLabel(pg.Lang, s.Type, s.TypeName), "URL": h.scanURL(r, s.Code),
		"ImageURL": stationURL(s.ID) + "/qr.png", "Services": amenityLabels(pg.Lang, offeredOf(s))}
	h.Render(w, http.StatusOK, "station_poster", pg)
	return nil
}

func offeredOf(s *station.Station) []station.Amenity {
	var out []station.Amenity
	for _, a := range station.Services {
		for _, b := range s.Amenities {
			if a == b {
				out = append(out, a)
			}
		}
	}
	return out
}

func (h *Pages) qrPNG(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	s, ok := web.Load(h.Kernel, w, r, p, h.Stations.Get)
	if !ok {
		return nil
	}
	png, err := card.PNG(h.scanURL(r, s.Code), 720)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "private, max-age=300")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, err = w.Write(png)
	return err
}
