package dashboard

import (
	"bytes"
	"gonghui/internal/errs"
	"gonghui/internal/web"
	"net/http"
	"net/url"
	"slices"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/beijing"
	"gonghui/internal/db"
	"gonghui/internal/httpx"
	"gonghui/internal/i18n"
	"gonghui/internal/member"
	"gonghui/internal/org"
	"gonghui/internal/report"
)

// dashboardRoutes: the figures of a subtree (数据看板), its period report
// and that report as a workbook. The figures come from internal/report,
// which answers only for organisations the caller may read.
func (h *Pages) dashboardRoutes(mux *http.ServeMux) {
	a := h.Authed
	mux.HandleFunc("GET /dashboard", a(h.dashboardHome))
	mux.HandleFunc("GET /orgs/{id}/dashboard", a(h.dashboard))
	mux.HandleFunc("GET /orgs/{id}/report", a(h.periodReport))
	mux.HandleFunc("GET /orgs/{id}/report.xlsx", a(h.periodReportXLSX))
}

func dashboardURL(id int64) string { return web.OrgURL(id) + "/dashboard" }

// dashboardHome: GET /dashboard, the nav entry: the dashboard of the
// caller's home organisation, or of the first they may read.
func (h *Pages) dashboardHome(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if p.OrgID != 0 && p.CanAt(auth.PermOrgRead, p.OrgPath) {
		http.Redirect(w, r, dashboardURL(p.OrgID), http.StatusSeeOther)
		return nil
	}
	roots, err := h.Orgs.Roots(r.Context(), p)
	if err != nil {
		return err
	}
	if len(roots) == 0 {
		return errs.Forbidden()
	}
	http.Redirect(w, r, dashboardURL(roots[0].ID), http.StatusSeeOther)
	return nil
}

// periodFrom reads the period of the URL: this year so far when neither
// end is given.
func periodFrom(r *http.Request, now time.Time) report.Period {
	p := report.Period{From: web.QueryValue(r, "from"), To: web.QueryValue(r, "to")}
	if p.From == "" && p.To == "" {
		return presetPeriods(now)[2].Period
	}
	return p
}

type namedPeriod struct {
	Key string
	report.Period
}

// presetPeriods are the picker's shortcuts: this month, last month, this
// year and the last twelve months, each up to today where it is not over.
func presetPeriods(now time.Time) []namedPeriod {
	t := now.In(beijing.Zone)
	y, m, _ := t.Date()
	day := func(t time.Time) string { return t.Format(time.DateOnly) }
	month := time.Date(y, m, 1, 0, 0, 0, 0, beijing.Zone)
	today := day(t)
	return []namedPeriod{
		{"this_month", report.Period{From: day(month), To: today}},
		{"last_month", report.Period{From: day(month.AddDate(0, -1, 0)), To: day(month.AddDate(0, 0, -1))}},
		{"this_year", report.Period{From: day(time.Date(y, 1, 1, 0, 0, 0, 0, beijing.Zone)), To: today}},
		{"last_12", report.Period{From: day(month.AddDate(0, -11, 0)), To: today}},
	}
}

// periodQuery is the URL query of a period (and, when set, a sort).
func periodQuery(p report.Period, sort string) string {
	v := url.Values{}
	if p.From != "" {
		v.Set("from", p.From)
	}
	if p.To != "" {
		v.Set("to", p.To)
	}
	if sort != "" {
		v.Set("sort", sort)
	}
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}

// figure is one number of the dashboard, a link into the list behind it
// where there is one the caller may open.
type figure struct {
	Key, Label, Value, URL string
}

// dashSection is a module's part of the dashboard, under its heading.
type dashSection struct {
	Key, Title string
	Figs       []figure
}

// preset is a shortcut of the period picker.
type preset struct {
	Label, URL string
	Current    bool
}

// sortCol is a column of the children's table.
type sortCol struct {
	Key, Label, URL string
	Current         bool
}

// childRow is a child organisation in the comparison table.
type childRow struct {
	Name, KindLabel, URL string
	Values               []string
}

// monthRow is one month of the flows table.
type monthRow struct {
	Month, Label                    string
	Joined, Left, TransIn, TransOut int64
}

// chartData is what dashboard.js draws, read from a JSON block of the page.
type chartData struct {
	Months []string          `json:"months"`
	Series []chartSeries     `json:"series"`
	Tags   []chartItem       `json:"tags"`
	Status []chartItem       `json:"status"`
	Labels map[string]string `json:"labels"`
}

type chartSeries struct {
	Key  string  `json:"key"`
	Name string  `json:"name"`
	Data []int64 `json:"data"`
}

type chartItem struct {
	Name  string `json:"name"`
	Value int64  `json:"value"`
}

// dashboardData is the Data of the dashboard.
type dashboardData struct {
	IDStr, Name, KindLabel string
	Period                 report.Period
	Presets                []preset
	Invalid                bool // the period is not one: the form, no figures
	AsOf                   string
	Pending                int64
	Members, Status, Tags  []figure
	Orgs, Kinds            []figure
	Sections               []dashSection // the modules' sections (report.Section)
	JoinedTags             []figure
	Months                 []monthRow
	Chart                  chartData
	Cols                   []sortCol
	Sort                   string
	Kids                   []childRow
	KidsTotal              int    // all the children, when only the first KidsShown are
	AllKidsURL             string // the page with every child
	ReportURL, XLSXURL     string
	OrgURL                 string
	Action                 string // where the period form goes
	IsReport               bool
	Clamped                string // the note that the period was ended at today, if it was
}

func (h *Pages) dashboard(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := web.IDParam(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	pg := h.Page(w, r, p, "dash.title", "dashboard")
	per := periodFrom(r, time.Now())
	sort := web.QueryValue(r, "sort")
	if !slices.Contains(report.SortKeys(), sort) {
		sort = ""
	}
	d := dashboardData{Period: per, Sort: sort}
	status := http.StatusOK
	dash, err := h.Reports.Dashboard(ctx, p, id, per)
	if err != nil {
		form, ok := web.FormError(pg, err)
		if !ok {
			return err
		}
		// The period is wrong: say so by its field, and name the
		// organisation all the same.
		o, gerr := h.Orgs.Get(ctx, p, id)
		if gerr != nil {
			return gerr
		}
		pg.Form, status, d.Invalid = form, httpx.Status(err), true
		d.IDStr, d.Name = db.FormatID(o.ID), o.Name
		h.dashboardFrame(r, p, pg, &d, o, dashboardURL(o.ID))
		pg.Data = d
		h.Render(w, status, "dashboard", pg)
		return nil
	}
	kids, err := h.Reports.Children(ctx, p, id, per, sort)
	if err != nil {
		return err
	}
	o, err := h.Orgs.Get(ctx, p, id)
	if err != nil {
		return err
	}
	d.IDStr, d.Name = db.FormatID(dash.OrgID), dash.OrgName
	d.Clamped = clampNote(pg.Lang, dash)
	h.dashboardFrame(r, p, pg, &d, o, dashboardURL(o.ID))
	fillDashboard(pg.Lang, p, o, dash, &d)
	// A street of 200 unions is a long table on a phone and most of the
	// page's weight: the first KidsShown in the chosen order, and a link
	// to them all (the API and the workbook always have every child).
	if len(kids) > KidsShown && r.URL.Query().Get("kids") != "all" {
		q := r.URL.Query()
		q.Set("kids", "all")
		d.KidsTotal, d.AllKidsURL = len(kids), r.URL.Path+"?"+q.Encode()+"#children"
		kids = kids[:KidsShown]
	}
	d.Kids = childRows(pg.Lang, kids, per, sort)
	pg.Data = d
	h.Render(w, status, "dashboard", pg)
	return nil
}

// dashboardFrame fills what the page shows whatever the figures: the
// title, crumbs, the period picker, the sort columns and the links out.
func (h *Pages) dashboardFrame(r *http.Request, p *auth.Principal, pg *web.Page, d *dashboardData, o *org.Org, action string) {
	lang := pg.Lang
	pg.Title = i18n.T(lang, "dash.title_of", o.Name)
	if anc, err := h.Orgs.Ancestors(r.Context(), p, o.ID); err == nil {
		pg.Crumbs = web.OrgCrumbs(lang, anc, o, web.Crumb{Label: i18n.T(lang, "dash.title")})
	}
	d.KindLabel, d.OrgURL = web.KindLabel(lang, o.Kind), web.OrgURL(o.ID)
	base := dashboardURL(o.ID)
	d.Action = action
	d.Presets = presetLinks(lang, time.Now(), action, d)
	cur := d.Sort
	if cur == "" {
		cur = "active"
	}
	for _, k := range report.SortKeys() {
		d.Cols = append(d.Cols, sortCol{Key: k, Label: i18n.T(lang, "dash.col."+k), URL: base + periodQuery(d.Period, k) + "#children",
			Current: k == cur})
	}
	d.ReportURL = web.OrgURL(o.ID) + "/report" + periodQuery(d.Period, "")
	d.XLSXURL = web.OrgURL(o.ID) + "/report.xlsx" + periodQuery(d.Period, "")
}

// memberListURL links into the registry, filtered to the subtree.
func memberListURL(orgID string, kv ...string) string {
	v := url.Values{"org": {orgID}}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			v.Add(kv[i], kv[i+1])
		}
	}
	return "/members?" + v.Encode()
}

// fillDashboard turns the figures into cards, tables and chart data; a
// number links to its list only where the caller may open that list.
func fillDashboard(lang i18n.Lang, p *auth.Principal, o *org.Org, dash *report.Dashboard, d *dashboardData) {
	t := func(key string, args ...any) string { return i18n.T(lang, key, args...) }
	idStr := d.IDStr
	canMembers := p.CanAt(auth.PermMemberRead, o.Path)
	link := func(ok bool, u string) string {
		if ok {
			return u
		}
		return ""
	}
	m := dash.Members
	per := dash.Period
	d.AsOf = web.FormatTime(dash.AsOf, "15:04:05")
	d.Pending = dash.PendingChanges
	d.Members = []figure{
		{"active", t("dash.f.active"), web.Num(m.Active), link(canMembers, memberListURL(idStr, "status", "active"))},
		{"joined", t("dash.f.joined"), web.Num(m.Joined), link(canMembers, memberListURL(idStr, "joined_from", per.From, "joined_to", per.To))},
		{"left", t("dash.f.left"), web.Num(m.Left), ""},
		{"transfer_in", t("dash.f.transfer_in"), web.Num(m.TransferIn), ""},
		{"transfer_out", t("dash.f.transfer_out"), web.Num(m.TransferOut), ""},
		{"pending", t("dash.f.pending"), web.Num(m.Pending), link(canMembers, "/applications?org="+idStr)},
	}
	for _, st := range member.Statuses {
		n := m.ByStatus[string(st)]
		d.Status = append(d.Status, figure{string(st), t("member.status." + string(st)), web.Num(n), link(canMembers, memberListURL(idStr, "status", string(st)))})
		if n > 0 {
			d.Chart.Status = append(d.Chart.Status, chartItem{t("member.status." + string(st)), n})
		}
	}
	for _, tag := range member.Tags {
		n := m.ByTag[string(tag)]
		d.Tags = append(d.Tags, figure{string(tag), t("member.tag." + string(tag)), web.Num(n), link(canMembers, memberListURL(idStr, "status", "active", "tag", string(tag)))})
		d.Chart.Tags = append(d.Chart.Tags, chartItem{t("member.tag." + string(tag)), n})
		if j := m.JoinedByTag[string(tag)]; j > 0 {
			d.JoinedTags = append(d.JoinedTags, figure{string(tag), t("member.tag." + string(tag)), web.Num(j),
				link(canMembers, memberListURL(idStr, "tag", string(tag), "joined_from", per.From, "joined_to", per.To))})
		}
	}
	d.Orgs = []figure{
		{"orgs", t("dash.f.orgs"), web.Num(dash.Orgs), web.OrgURL(o.ID) + "#children"},
		{"employers", t("dash.f.employers"), web.Num(dash.Employers), "/employers?within=" + idStr},
		{"organised", t("dash.f.organised"), web.Num(dash.OrganisedEmployers), "/employers?within=" + idStr + "&organised=yes"},
		{"organising_rate", t("dash.f.organising_rate"), web.Pct(dash.OrganisedEmployers, dash.Employers), ""},
		{"non_public_rate", t("dash.f.non_public_rate"), web.Pct(dash.NonPublicOrganised, dash.NonPublic), ""},
		{"new_forms_rate", t("dash.f.new_forms_rate"), web.Pct(dash.NewFormsOrganised, dash.NewForms), ""},
		{"employees", t("dash.f.employees"), web.Num(dash.Employees), ""},
		{"membership_rate", t("dash.f.membership_rate"), web.Pct(m.Active, dash.Employees), ""},
	}
	for _, k := range org.Kinds {
		if n := dash.ByKind[string(k)]; n > 0 {
			d.Kinds = append(d.Kinds, figure{string(k), web.KindLabel(lang, k), web.Num(n), "/orgs?" + url.Values{"within": {idStr}, "kind": {string(k)}}.Encode()})
		}
	}
	for _, sec := range dash.Sections {
		ds := dashSection{Key: sec.Section.Key(), Title: t(sec.Section.Title())}
		for _, it := range sec.Section.Cards(sec.Value) {
			u := ""
			if it.List != "" && p.CanAt(it.Perm, o.Path) {
				v := url.Values{"org": {idStr}}
				if it.Period && per.From != "" {
					v.Set("from", per.From)
				}
				if it.Period && per.To != "" {
					v.Set("to", per.To)
				}
				u = it.List + "?" + v.Encode()
			}
			ds.Figs = append(ds.Figs, figure{it.Key, t(it.Label), web.Num(it.Value), u})
		}
		d.Sections = append(d.Sections, ds)
	}
	series := []chartSeries{{Key: "joined", Name: t("dash.f.joined_m")}, {Key: "left", Name: t("dash.f.left_m")},
		{Key: "transfer_in", Name: t("dash.f.transfer_in")}, {Key: "transfer_out", Name: t("dash.f.transfer_out")}}
	for i, mo := range m.Months {
		d.Months = append(d.Months, monthRow{mo.Month, monthLabel(mo.Month, i == 0), mo.Joined, mo.Left, mo.TransferIn, mo.TransferOut})
		d.Chart.Months = append(d.Chart.Months, mo.Month)
		series[0].Data = append(series[0].Data, mo.Joined)
		series[1].Data = append(series[1].Data, mo.Left)
		series[2].Data = append(series[2].Data, mo.TransferIn)
		series[3].Data = append(series[3].Data, mo.TransferOut)
	}
	d.Chart.Series = series
	d.Chart.Labels = map[string]string{"members": t("dash.f.active")}
}

// monthLabel shortens "2026-03" to "03", so that a year's months fit a
// table row; the first column and each January keep the year.
func monthLabel(m string, first bool) string {
	if !first && len(m) == 7 && m[5:] != "01" {
		return m[5:]
	}
	return m
}

// KidsShown is how many children the dashboard page lists before a link
// to them all (a variable for tests).
var KidsShown = 50

// childRows are the children in the comparison table, each linking to
// its own dashboard for the same period and sort.
func childRows(lang i18n.Lang, kids []report.Child, per report.Period, sort string) []childRow {
	out := make([]childRow, 0, len(kids))
	keys := report.SortKeys()
	for _, k := range kids {
		vals := []string{web.Num(k.Active), web.Num(k.Joined), web.Num(k.Left), web.Num(k.Orgs), web.Num(k.Employers), web.Pct(k.Organised, k.Employers)}
		// The sections' columns follow the child's own, as in SortKeys.
		for _, c := range keys[len(vals):] {
			vals = append(vals, web.Num(k.Extra[c]))
		}
		out = append(out, childRow{Name: k.OrgName, KindLabel: web.KindLabel(lang, org.Kind(k.Kind)), URL: dashboardURL(k.OrgID) + periodQuery(per, sort), Values: vals})
	}
	return out
}

// reportData is the Data of the period report.
type reportData struct {
	dashboardData
	Sentences []string
	Figures   []report.Figure
}

// periodReport: GET /orgs/{id}/report, a printable page of a period's
// figures and the sentences made of them.
func (h *Pages) periodReport(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := web.IDParam(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	pg := h.Page(w, r, p, "dash.report.title", "dashboard")
	per := periodFrom(r, time.Now())
	o, err := h.Orgs.Get(ctx, p, id)
	if err != nil {
		return err
	}
	d := reportData{dashboardData: dashboardData{Period: per, IDStr: db.FormatID(o.ID), Name: o.Name, IsReport: true}}
	dash, kids, err := h.reportFigures(r, p, id, per)
	status := http.StatusOK
	if err != nil {
		form, ok := web.FormError(pg, err)
		if !ok {
			return err
		}
		pg.Form, status, d.Invalid = form, httpx.Status(err), true
	}
	h.dashboardFrame(r, p, pg, &d.dashboardData, o, web.OrgURL(o.ID)+"/report")
	pg.Title = i18n.T(pg.Lang, "dash.report.title_of", o.Name)
	if anc, err := h.Orgs.Ancestors(ctx, p, o.ID); err == nil {
		pg.Crumbs = web.OrgCrumbs(pg.Lang, anc, o, web.Crumb{Label: i18n.T(pg.Lang, "dash.title"), URL: dashboardURL(o.ID) + periodQuery(per, "")},
			web.Crumb{Label: i18n.T(pg.Lang, "dash.report.title")})
	}
	if dash != nil {
		tr := func(key string, args ...any) string { return i18n.T(pg.Lang, key, args...) }
		d.AsOf = web.FormatTime(dash.AsOf, "2006-01-02 15:04:05")
		d.Pending = dash.PendingChanges
		d.Clamped = clampNote(pg.Lang, dash)
		d.Sentences = report.Summary(dash, kids, tr)
		d.Figures = report.Figures(dash, tr)
		d.Kids = childRows(pg.Lang, kids, per, "")
	}
	pg.Data = d
	h.Render(w, status, "dashboard_report", pg)
	return nil
}

// reportFigures reads the dashboard and the children (largest first) of a
// period report.
func (h *Pages) reportFigures(r *http.Request, p *auth.Principal, id int64, per report.Period) (*report.Dashboard, []report.Child, error) {
	dash, err := h.Reports.Dashboard(r.Context(), p, id, per)
	if err != nil {
		return nil, nil, err
	}
	kids, err := h.Reports.Children(r.Context(), p, id, per, "active")
	if err != nil {
		return nil, nil, err
	}
	return dash, kids, nil
}

// periodReportXLSX: GET /orgs/{id}/report.xlsx, the period report as a
// workbook.
func (h *Pages) periodReportXLSX(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := web.IDParam(r, "id")
	if err != nil {
		return err
	}
	lang := i18n.FromRequest(r)
	per := periodFrom(r, time.Now())
	dash, kids, err := h.reportFigures(r, p, id, per)
	if err != nil {
		return err
	}
	tr := func(key string, args ...any) string { return i18n.T(lang, key, args...) }
	name := dash.OrgName + "-" + i18n.T(lang, "report.x.sheet")
	if per.From != "" || per.To != "" {
		name += "-" + per.From + "_" + per.To
	}
	var buf bytes.Buffer
	if err := report.Export(dash, kids, report.Summary(dash, kids, tr), tr, &buf); err != nil {
		return err
	}
	web.Download(w, name+".xlsx", buf.Bytes())
	return nil
}
