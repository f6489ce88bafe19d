package activities

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"gonghui/internal/activity"
	"gonghui/internal/auth"
	"gonghui/internal/beijing"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/i18n"
	"gonghui/internal/listing"
	"gonghui/internal/web"
	"gonghui/internal/web/signup"
)

// The staff pages of activities: the list (this file), the form
// (page_activities_form.go), an activity's page with its registrations,
// check-ins, attendance and report (page_activities_show.go), its photos
// (page_activities_photos.go), signing up a list (page_activities_import.go),
// and the venue's checkpoint screen, the phone scanner and the downloads
// (page_activities_scan.go). The store is internal/activity; it scopes
// everything, answering NotFound outside the caller's subtrees.

func (h *Pages) activityRoutes(mux *http.ServeMux) {
	a, f := h.Authed, h.activityForms()
	mux.HandleFunc("GET /activities", a(h.activityList))
	mux.HandleFunc("GET /activities/new", a(h.activityNew))
	mux.HandleFunc("POST /activities/new", a(h.activityCreate))
	mux.HandleFunc("GET /activities/{id}", a(h.activityShow))
	mux.HandleFunc("GET /activities/{id}/edit", a(h.activityEdit))
	mux.HandleFunc("POST /activities/{id}/edit", a(h.activityUpdate))
	mux.HandleFunc("POST /activities/{id}/publish", a(f.Handle("status", "", h.activityPublish)))
	mux.HandleFunc("POST /activities/{id}/cancel", a(f.Handle("cancel", "", h.activityCancel)))
	mux.HandleFunc("POST /activities/{id}/finish", a(f.Handle("status", "", h.activityFinish)))
	mux.HandleFunc("POST /activities/{id}/report", a(f.Handle("report", "#report", h.activityReport)))
	mux.HandleFunc("POST /activities/{id}/members", a(f.Search("signup", "aweb.signup.no_member_access", h.activityMemberSearch)))
	mux.HandleFunc("POST /activities/{id}/register", a(f.SignUp("signup", "#registrations", h.activityRegister)))
	mux.HandleFunc("POST /activities/{id}/registrations/{mid}/decide", a(f.OnMember("regs", "?rstatus=pending#registrations", h.activityDecide)))
	mux.HandleFunc("POST /activities/{id}/registrations/{mid}/cancel", a(f.OnMember("regs", "#registrations", h.activityUnregister)))
	mux.HandleFunc("POST /activities/{id}/checkin", a(f.Handle("regs", "#registrations", h.activityManualCheckIn)))
	mux.HandleFunc("POST /activities/{id}/redeem", a(f.Handle("redeem", "#prize", h.activityRedeem)))
	mux.HandleFunc("POST /activities/{id}/import", a(h.activityImport))
	mux.HandleFunc("POST /activities/{id}/photos", a(h.activityPhotoAdd))
	mux.HandleFunc("GET /activities/{id}/photos/{pid}", a(h.activityPhoto))
	mux.HandleFunc("POST /activities/{id}/photos/{pid}/delete", a(h.activityPhotoDelete))
	mux.HandleFunc("GET /activities/{id}/attendance.xlsx", a(h.activityExport))
	mux.HandleFunc("GET /activities/{id}/calendar.ics", a(h.activityICS))
	mux.HandleFunc("GET /activities/{id}/checkpoints/{cp}/display", a(h.checkpointDisplay))
	mux.HandleFunc("GET /activities/{id}/checkpoints/{cp}/qr.png", a(signup.QRPage(h.checkpointCode)))
	mux.HandleFunc("GET /activities/{id}/checkpoints/{cp}/code", a(signup.CodeJSONPage(h.checkpointCode)))
	mux.HandleFunc("GET /activities/{id}/scan", a(h.activityScanPage))
	mux.HandleFunc("POST /activities/{id}/scan", a(h.activityScan))
}

// Labels of the store's codes (activity.*.json).

var (
	actKinds    = signup.Labels[activity.Kind]{Key: "activity.kind."}
	actStatuses = signup.Labels[activity.Status]{Key: "activity.status.", Variants: map[activity.Status]string{
		activity.StatusPublished: "success", activity.StatusDraft: "warning", activity.StatusFinished: "info"}}
	regStatuses = signup.Labels[activity.RegStatus]{Key: "activity.reg.", Variants: map[activity.RegStatus]string{
		activity.RegConfirmed: "success", activity.RegWaiting: "warning", activity.RegPending: "warning", activity.RegWalkIn: "info"}}
)

func actKindLabel(lang i18n.Lang, k activity.Kind) string        { return actKinds.Label(lang, k) }
func actStatusLabel(lang i18n.Lang, s activity.Status) string    { return actStatuses.Label(lang, s) }
func actStatusVariant(s activity.Status) string                  { return actStatuses.Variant(s) }
func regStatusLabel(lang i18n.Lang, s activity.RegStatus) string { return regStatuses.Label(lang, s) }
func regStatusVariant(s activity.RegStatus) string               { return regStatuses.Variant(s) }
func actKindOptions(lang i18n.Lang) []web.Option                 { return actKinds.Options(lang, activity.Kinds) }
func actStatusOptions(lang i18n.Lang) []web.Option {
	return actStatuses.Options(lang, activity.Statuses)
}

func activityURL(id int64) string { return "/activities/" + db.FormatID(id) }

// actRow is an activity in the list or on its page.
type actRow struct {
	ID, URL, Title, KindLabel, OrgName, OrgURL string
	Starts, Ends, When                         string
	StatusLabel, StatusV                       string
	Confirmed, Capacity, Waiting, Pending      int
	Link                                       string // URL with the way back to the list (the list sets it)
}

func actView(lang i18n.Lang, a *activity.Activity) actRow {
	return actRow{ID: db.FormatID(a.ID), URL: activityURL(a.ID), Title: a.Title, KindLabel: actKindLabel(lang, a.Kind),
		OrgName: a.OrgName, OrgURL: web.OrgURL(a.OrgID), Starts: web.FormatTime(a.StartsAt, "2006-01-02 15:04"),
		Ends: web.FormatTime(a.EndsAt, "2006-01-02 15:04"), When: timeSpan(a.StartsAt, a.EndsAt),
		StatusLabel: actStatusLabel(lang, a.Status), StatusV: actStatusVariant(a.Status),
		Confirmed: a.Confirmed, Capacity: a.Capacity, Waiting: a.Waiting, Pending: a.Pending}
}

// timeSpan shows a start and an end in Beijing time, the end's date left
// out when it is the same day.
func timeSpan(from, to time.Time) string {
	a, b := from.In(beijing.Zone), to.In(beijing.Zone)
	if a.Format(time.DateOnly) == b.Format(time.DateOnly) {
		return a.Format("2006-01-02 15:04") + "–" + b.Format("15:04")
	}
	return a.Format("2006-01-02 15:04") + " – " + b.Format("2006-01-02 15:04")
}

// actFilters are the list's filters as the URL carries them.
type actFilters struct{ Q, Org, Kind, Status, From, To string }

func actFiltersFrom(r *http.Request) actFilters {
	return actFilters{Q: web.QueryValue(r, "q"), Org: signup.OrgValue(r), Kind: web.QueryValue(r, "kind"), Status: web.QueryValue(r, "status"),
		From: web.QueryValue(r, "from"), To: web.QueryValue(r, "to")}
}

func (f actFilters) Any() bool {
	return f.Q != "" || f.Org != "" || f.Kind != "" || f.Status != "" || f.From != "" || f.To != ""
}

func (f actFilters) values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"q": f.Q, "org": f.Org, "kind": f.Kind, "status": f.Status, "from": f.From, "to": f.To} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v
}

// activityListData is the Data of the list.
type activityListData struct {
	signup.Events
	F             actFilters
	KindOptions   []web.Option
	StatusOptions []web.Option
	Rows          []actRow
	Cols          []any // the headings, sortable ones linked
	Sort          string
}

func (h *Pages) activityList(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !signup.CanRead(p) {
		return errs.Forbidden()
	}
	ctx := r.Context()
	pg := h.Page(w, r, p, "aweb.list.title", "activities")
	f := actFiltersFrom(r)
	d := activityListData{F: f, KindOptions: actKindOptions(pg.Lang), StatusOptions: actStatusOptions(pg.Lang), Sort: web.SortParam(r, activity.Sorts.Default)}
	org, err := signup.OrgFilter(h.Kernel, r, p, pg, f.Org, pg.T("aweb.field.org"), pg.T("aweb.list.all_orgs"))
	if err != nil {
		return err
	}
	var status int
	back := web.BackQuery(pg)
	d.Events, status, err = signup.ListEvents(h.Kernel, r, p, pg, "/activities/new", f.Org, org, func(org int64, cursor string) (string, int, listing.Total, error) {
		q := activity.Query{Q: f.Q, Kind: activity.Kind(f.Kind), Status: activity.Status(f.Status), From: f.From, To: f.To,
			Org: org, Sort: d.Sort, After: cursor, Limit: web.PageSize}
		items, next, total, err := web.ListPage(r, &q.Offset, func() ([]activity.Activity, string, error) { return h.Acts.List(ctx, p, q) },
			func() (listing.Total, error) { return h.Acts.CountList(ctx, p, q) })
		for i := range items {
			v := actView(pg.Lang, &items[i])
			v.Link = v.URL + back
			d.Rows = append(d.Rows, v)
		}
		return next, len(items), total, err
	})
	d.Cols = web.SortCols(pg, d.Sort, []web.SortHead{{Label: pg.T("aweb.field.title"), Key: "title"}, {Label: pg.T("aweb.field.kind")},
		{Label: pg.T("aweb.field.org"), Key: "org"}, {Label: pg.T("aweb.field.starts_at"), Key: "starts", Desc: true}, {Label: pg.T("aweb.field.status")},
		{Label: pg.T("aweb.list.places"), Key: "confirmed", Class: "num", Desc: true}, {Label: pg.T("aweb.list.waiting"), Class: "num"}})
	if err != nil {
		return err
	}
	pg.Data = d
	h.Render(w, status, "activity_list", pg)
	return nil
}

// activityFor loads the activity of the {id} path value, or answers the
// error page.
func (h *Pages) activityFor(w http.ResponseWriter, r *http.Request, p *auth.Principal) (*activity.Activity, bool) {
	return web.Load(h.Kernel, w, r, p, h.Acts.Get)
}

// activityWritable is activityFor for what changes the activity: those who
// only read it get the 403 page.
func (h *Pages) activityWritable(w http.ResponseWriter, r *http.Request, p *auth.Principal) (*activity.Activity, bool) {
	a, ok := h.activityFor(w, r, p)
	return a, ok && signup.Writable(h.Kernel, w, r, p, a.OrgPath)
}

// actTranslate is the store's translate function in the page's language.
func actTranslate(lang i18n.Lang) activity.Translate {
	return func(k string, a ...any) string { return i18n.T(lang, k, a...) }
}

// checkpointName is a checkpoint's name, the default one's label when it
// has none.
func checkpointName(lang i18n.Lang, c activity.Checkpoint) string {
	if strings.TrimSpace(c.Name) == "" {
		return i18n.T(lang, "activity.checkpoint.main")
	}
	return c.Name
}

func checkpointOptions(lang i18n.Lang, a *activity.Activity) []web.Option {
	out := make([]web.Option, 0, len(a.Checkpoints))
	for _, c := range a.Checkpoints {
		out = append(out, web.Option{Value: db.FormatID(c.ID), Label: checkpointName(lang, c)})
	}
	return out
}
