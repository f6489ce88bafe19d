// Package stations serves the pages of the service stations (服务阵地,
// internal/station): the public finder on the phone (/s: the nearest
// stations from the browser's location or a typed street, a district
// map that needs no internet), a station's own page that its QR poster
// opens (/s/{code}: record a visit, claim a service), and the staff's
// pages (/stations: the list with its filters and export, the form with
// its hours editor, a station's page and poster, the busiest, import).
package stations

import (
	"embed"
	"net/http"
	"strings"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/i18n"
	"gonghui/internal/station"
	"gonghui/internal/web"
)

//go:embed templates static
var files embed.FS

func init() { web.AddFiles(files) }

// Pages serve this module's pages on the web kernel.
type Pages struct {
	*web.Kernel
	Stations *station.Store // nil: the pages are not served
}

// New returns the module's pages.
func New(k *web.Kernel, s *station.Store) *Pages { return &Pages{Kernel: k, Stations: s} }

// tiles is the operator's map tile address ("https://…/{z}/{x}/{y}.png",
// the --map-tiles setting, checked at start-up; the pages' CSP allows its
// origin for pictures), drawn under the district map; "" none: the map
// then works with no internet at all.
func (h *Pages) tiles() string { return strings.TrimSpace(h.HTTP.MapTiles) }

// importMax bounds an uploaded workbook and the form around it.
const importMax = 16<<20 + 1<<20

// Routes registers the pages.
func (h *Pages) Routes(mux *http.ServeMux) {
	if h.Stations == nil {
		return
	}
	a, m := h.Authed, h.MemberAuthed
	mux.HandleFunc("GET /s", h.finder)
	mux.HandleFunc("GET /s/{code}", h.public)
	mux.HandleFunc("POST /s/{code}/visit", h.anonVisit)
	mux.HandleFunc("GET /s/{code}/photos/{photo}", h.publicPhoto)
	mux.HandleFunc("GET /m/stations/{code}", m(h.mStation))
	mux.HandleFunc("POST /m/stations/{code}/visit", m(h.mVisit))
	mux.HandleFunc("POST /m/stations/{code}/claim", m(h.mClaim))
	mux.HandleFunc("GET /stations", a(h.list))
	mux.HandleFunc("GET /stations/export.xlsx", a(h.export))
	mux.HandleFunc("GET /stations/new", a(h.newForm))
	mux.HandleFunc("POST /stations/new", a(h.create))
	mux.HandleFunc("GET /stations/busiest", a(h.busiest))
	mux.HandleFunc("GET /stations/import", a(h.importForm))
	mux.Handle("POST /stations/import", http.MaxBytesHandler(a(h.importFile), importMax))
	mux.HandleFunc("POST /stations/types", a(h.addType))
	mux.HandleFunc("GET /stations/{id}", a(h.show))
	mux.HandleFunc("GET /stations/{id}/edit", a(h.editForm))
	mux.HandleFunc("POST /stations/{id}/edit", a(h.update))
	mux.HandleFunc("POST /stations/{id}/status", a(h.setStatus))
	mux.HandleFunc("GET /stations/{id}/poster", a(h.poster))
	mux.HandleFunc("GET /stations/{id}/qr.png", a(h.qrPNG))
	mux.Handle("POST /stations/{id}/photos", http.MaxBytesHandler(a(h.addPhotos), photoMax))
	mux.HandleFunc("GET /stations/{id}/photos/{photo}", a(h.staffPhoto))
	mux.HandleFunc("POST /stations/{id}/photos/{photo}/move", a(h.movePhoto))
	mux.HandleFunc("POST /stations/{id}/photos/{photo}/delete", a(h.deletePhoto))
}

func stationURL(id int64) string { return "/stations/" + db.FormatID(id) }

func mayUse(p *auth.Principal) bool {
	return p.Can(auth.PermStationRead) || p.Can(auth.PermStationWrite)
}

// typeLabel names a station's type in the reader's language.
func typeLabel(lang i18n.Lang, code, name string) string {
	if name != "" {
		return name
	}
	return i18n.T(lang, station.TypeKey(code))
}

func amenityLabel(lang i18n.Lang, a station.Amenity) string {
	return i18n.T(lang, "station.amenity."+string(a))
}

func amenityLabels(lang i18n.Lang, as []station.Amenity) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = amenityLabel(lang, a)
	}
	return out
}

// typeOptions are the types as choices.
func (h *Pages) typeOptions(r *http.Request, lang i18n.Lang) ([]web.Option, error) {
	ts, err := h.Stations.Types(r.Context())
	if err != nil {
		return nil, err
	}
	out := make([]web.Option, len(ts))
	for i, t := range ts {
		out[i] = web.Option{Value: t.Code, Label: typeLabel(lang, t.Code, t.Name)}
	}
	return out, nil
}

func amenityOptions(lang i18n.Lang) []web.Option {
	return web.EnumOptions(lang, station.Amenities, amenityLabel)
}

// hoursRows are a week's hours in words, Monday first.
type hoursRow struct{ Day, Hours string }

func hoursRows(lang i18n.Lang, h station.HoursText) []hoursRow {
	out := make([]hoursRow, 7)
	for i, k := range station.DayKeys {
		out[i] = hoursRow{Day: i18n.T(lang, "station.day."+k), Hours: hoursWords(lang, *h.Day(i))}
	}
	return out
}

// hoursWords shows a canonical day: "休息" for none, "24 小时" for all day.
func hoursWords(lang i18n.Lang, s string) string {
	switch s {
	case "":
		return i18n.T(lang, "sweb.closed_day")
	case "00:00-24:00":
		return i18n.T(lang, "sweb.all_day")
	}
	return strings.ReplaceAll(s, ",", "，")
}
