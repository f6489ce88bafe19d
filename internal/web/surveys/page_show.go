package surveys

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
	"gonghui/internal/i18n"
	"gonghui/internal/listing"
	"gonghui/internal/survey"
	"gonghui/internal/web"
)

// A survey's staff pages: its page with the results (bars per question,
// server-drawn), narrowed to an organisation's subtree; responses by
// organisation; the written answers to one question; the workbook;
// publishing and closing. The store scopes everything and withholds
// anonymous results of fewer than survey.MinGroup responses: the pages
// say so in words.

var resultsPick = web.PickerSpec{Field: "org", QField: "org_q", Perm: auth.PermContestRead}

// surveyFor loads the survey of {id} for staff, or answers the error page.
func (h *Pages) surveyFor(w http.ResponseWriter, r *http.Request, p *auth.Principal) (*survey.Survey, bool) {
	if !mayUse(p) {
		h.Fail(w, r, p, errs.Forbidden())
		return nil, false
	}
	id, err := web.IDParam(r, "id")
	if err == nil {
		var v *survey.Survey
		if v, err = h.Surveys.Get(r.Context(), p, id); err == nil {
			return v, true
		}
	}
	h.Fail(w, r, p, err)
	return nil, false
}

// writable is surveyFor for what changes the survey.
func (h *Pages) writable(w http.ResponseWriter, r *http.Request, p *auth.Principal) (*survey.Survey, bool) {
	v, ok := h.surveyFor(w, r, p)
	if ok && !p.CanAt(auth.PermContestWrite, v.OrgPath) {
		h.Fail(w, r, p, errs.Forbidden())
		return nil, false
	}
	return v, ok
}

func tabs(pg *web.Page, v *survey.Survey, current string) []web.Tab {
	base := surveyURL(v.ID)
	return []web.Tab{{Label: pg.T("survey.tab.results"), URL: base, Current: current == "results"},
		{Label: pg.T("survey.tab.orgs"), URL: base + "/orgs", Current: current == "orgs"}}
}

// bar is one option's bar.
type bar struct {
	Label, Pct string
	Count      int
	Width      string // the bar's value, 0 to 100
}

// qView is one question's results.
type qView struct {
	N                    int
	Title, TypeLabel     string
	Rule                 string // the skip rule in words
	Answered             int
	Bars                 []bar
	Mean, Min, Max       string
	Texts                int
	TextsURL             string
	Required, IsNumber   bool
	IsRating, HasOptions bool
}

type showData struct {
	S                 row
	Survey            *survey.Survey
	Tabs              []web.Tab
	AudienceTags      []string
	Version           string
	CanWrite, CanEdit bool
	CanPublish        bool
	CanClose          bool
	URL, ExportURL    string
	Org               *web.OrgPicker
	Filtered          bool
	Responses         int
	Withheld          bool
	MinGroup          int
	Questions         []qView
	AnonymousNote     string
	PartialNote       string // published above the reader
	StatusHint        string
	ExportRefused     bool
}

// partialNote tells staff below the publisher what they are reading.
func partialNote(pg *web.Page, v *survey.Survey) string {
	if !v.Partial {
		return ""
	}
	return pg.T("survey.show.partial_note", v.OrgName)
}

func pct(x float64) string { return strconv.FormatFloat(x, 'f', 1, 64) + "%" }

func ruleText(lang i18n.Lang, v *survey.Survey, q survey.Question) string {
	c := q.ShowIf
	if c == nil || c.Question >= len(v.Questions) || c.Option >= len(v.Questions[c.Question].Options) {
		return ""
	}
	return i18n.T(lang, "survey.rule.shown_if", c.Question+1, v.Questions[c.Question].Options[c.Option])
}

func (h *Pages) show(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	v, ok := h.surveyFor(w, r, p)
	if !ok {
		return nil
	}
	return h.renderShow(w, r, p, v, nil, http.StatusOK)
}

func cleanPickerQuery(r *http.Request) {
	q := r.URL.Query()
	if q.Get(web.PickerClearButton) == resultsPick.Field {
		q.Del(resultsPick.Field)
		q.Del(resultsPick.QField)
	}
	if q.Has(web.PickerClearButton) || q.Has(web.PickerSearchButton) && q.Get(resultsPick.QField) == "" {
		q.Del(web.PickerClearButton)
		q.Del(web.PickerSearchButton)
		r.URL.RawQuery = q.Encode()
		r.Form = nil
	}
}

func (h *Pages) renderShow(w http.ResponseWriter, r *http.Request, p *auth.Principal, v *survey.Survey, form *web.Form, status int) error {
	if r.Method == http.MethodGet {
		cleanPickerQuery(r)
	}
	pg := h.Page(w, r, p, "", "surveys")
	pg.Title = v.Title
	base := surveyURL(v.ID)
	if r.Method != http.MethodGet {
		pg.Path = base
	}
	pg.Form = form
	pg.Crumbs = []web.Crumb{{Label: pg.T("survey.list.title"), URL: web.ListBack(r, "/surveys")}, {Label: v.Title}}
	d := &showData{S: rowOf(pg.Lang, v), Survey: v, Tabs: tabs(pg, v, "results"), AudienceTags: web.TagLabels(pg.Lang, v.AudienceTags),
		Version: strconv.Itoa(v.Version), CanWrite: p.CanAt(auth.PermContestWrite, v.OrgPath), URL: base, ExportURL: base + "/export.xlsx",
		MinGroup: survey.MinGroup, StatusHint: pg.T("survey.show.status_hint." + string(v.Status))}
	d.CanEdit = d.CanWrite && v.Status != survey.StatusClosed
	d.CanPublish = d.CanWrite && v.Status == survey.StatusDraft
	d.CanClose = d.CanWrite && v.Status == survey.StatusPublished
	if v.Anonymous {
		d.AnonymousNote = pg.T("survey.show.anonymous_note", survey.MinGroup)
	}
	d.PartialNote = partialNote(pg, v)
	if r.Method == http.MethodGet {
		spec := resultsPick
		spec.Label, spec.Blank = pg.T("survey.results.org"), pg.T("survey.results.all_orgs")
		var err error
		if d.Org, err = h.FilterPicker(pg, r, p, spec, web.FilterValue(r, resultsPick.Field)); err != nil {
			return err
		}
		d.Filtered = d.Org.Value != ""
	}
	org := int64(0)
	if d.Org != nil {
		org = web.ParseIDValue(d.Org.Value)
	}
	res, err := h.Surveys.Results(r.Context(), p, v.ID, org)
	if err != nil {
		f, ok := web.FormError(pg, err)
		if !ok {
			return err
		}
		pg.Form, status = f, httpx.Status(err)
		res = &survey.Results{}
	}
	d.Responses, d.Withheld = res.Responses, res.Withheld
	d.ExportRefused = v.Anonymous && v.Responses > 0 && v.Responses < survey.MinGroup
	orgQ := ""
	if org != 0 {
		orgQ = "?org=" + url.QueryEscape(db.FormatID(org))
	}
	for _, qr := range res.Questions {
		q := qr.Question
		qv := qView{N: qr.Index + 1, Title: q.Title, TypeLabel: pg.T("survey.type." + string(q.Type)), Rule: ruleText(pg.Lang, v, q),
			Answered: qr.Answered, Texts: qr.Texts, Required: q.Required, IsNumber: q.Type == survey.Number, IsRating: q.Type == survey.Rating,
			HasOptions: len(qr.Options) > 0}
		if qr.Texts > 0 {
			qv.TextsURL = base + "/texts/" + strconv.Itoa(qr.Index) + orgQ
		}
		for _, o := range qr.Options {
			label := o.Label
			if o.Other {
				label = pg.T("survey.other")
			}
			if q.Type == survey.Rating {
				label = pg.T("survey.results.stars", o.Label)
			}
			qv.Bars = append(qv.Bars, bar{Label: label, Count: o.Count, Pct: pct(o.Percent), Width: strconv.FormatFloat(min(max(o.Percent, 0), 100), 'f', 1, 64)})
		}
		if (q.Type == survey.Rating || q.Type == survey.Number) && qr.Answered > 0 {
			qv.Mean = strconv.FormatFloat(qr.Mean, 'f', 2, 64)
			qv.Min, qv.Max = strconv.FormatFloat(qr.Min, 'f', -1, 64), strconv.FormatFloat(qr.Max, 'f', -1, 64)
		}
		d.Questions = append(d.Questions, qv)
	}
	pg.Data = d
	h.Render(w, status, "survey_show", pg)
	return nil
}

func (h *Pages) publish(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return h.status(w, r, p, h.Surveys.Publish, "flash.survey.published")
}

func (h *Pages) closeSurvey(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return h.status(w, r, p, h.Surveys.Close, "flash.survey.closed")
}

type statusFunc func(ctx context.Context, pr *auth.Principal, id int64, version int) (*survey.Survey, error)

func (h *Pages) status(w http.ResponseWriter, r *http.Request, p *auth.Principal, do statusFunc, flash string) error {
	v, ok := h.writable(w, r, p)
	if !ok {
		return nil
	}
	f := errs.Fields{}
	version := 0
	web.ParseIntField(f, r, "version", 0, &version)
	f.Check(version > 0, "version", "field.required")
	err := f.Err()
	if err == nil {
		if _, err = do(r.Context(), p, v.ID, version); err == nil {
			web.Redirect(w, r, surveyURL(v.ID), flash)
			return nil
		}
	}
	pg := h.Page(w, r, p, "", "")
	form, ok := web.FormFrom(pg, r, err)
	if !ok {
		return err
	}
	form.Message = web.ErrMessage(pg.Lang, err)
	return h.renderShow(w, r, p, v, form, web.FormStatus(err))
}

// orgRow is one organisation of the breakdown.
type orgRow struct {
	Name, URL, Rate  string
	Members          int64
	Responses        string
	Withheld, Parent bool
}

type orgsData struct {
	S             row
	Tabs          []web.Tab
	AnonymousNote string
	PartialNote   string
	Parent        orgRow
	UpURL         string
	Children      []orgRow
	Pager         web.CursorPager
	Cols          []any
}

func orgRowOf(pg *web.Page, base string, o survey.OrgRow, link bool) orgRow {
	out := orgRow{Name: o.Name, Members: o.Members, Responses: strconv.FormatInt(o.Responses, 10), Rate: pct(o.Rate * 100), Withheld: o.Withheld}
	if o.Withheld {
		out.Responses, out.Rate = pg.T("survey.orgs.withheld_cell", survey.MinGroup), "—"
	} else if o.Members == 0 {
		out.Rate = "—"
	}
	if link && o.HasKids {
		out.URL = base + "?org=" + db.FormatID(o.OrgID)
	}
	return out
}

func (h *Pages) orgs(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	v, ok := h.surveyFor(w, r, p)
	if !ok {
		return nil
	}
	pg := h.Page(w, r, p, "", "surveys")
	pg.Title = pg.T("survey.orgs.title", v.Title)
	base := surveyURL(v.ID) + "/orgs"
	pg.Crumbs = []web.Crumb{{Label: pg.T("survey.list.title"), URL: "/surveys"}, {Label: v.Title, URL: surveyURL(v.ID)}, {Label: pg.T("survey.tab.orgs")}}
	d := &orgsData{S: rowOf(pg.Lang, v), Tabs: tabs(pg, v, "orgs")}
	if v.Anonymous {
		d.AnonymousNote = pg.T("survey.orgs.anonymous_note", survey.MinGroup)
	}
	d.PartialNote = partialNote(pg, v)
	offset, err := listing.OffsetOf(int(web.ParseIDValue(web.QueryValue(r, "page"))), web.PageSize)
	if err != nil {
		return err
	}
	b, err := h.Surveys.Breakdown(r.Context(), p, v.ID, web.ParseIDValue(web.QueryValue(r, "org")), offset, web.PageSize)
	if err != nil {
		return err
	}
	d.Parent = orgRowOf(pg, base, b.Parent, false)
	d.Parent.Parent = true
	if b.Up != 0 {
		d.UpURL = base + "?org=" + db.FormatID(b.Up)
	}
	for _, c := range b.Children {
		d.Children = append(d.Children, orgRowOf(pg, base, c, true))
	}
	d.Pager = web.ListPagerOf(pg, r, "", len(b.Children), listing.Total{N: int64(b.Total)}, "survey.orgs.total", "survey.orgs.total")
	d.Cols = []any{pg.T("survey.orgs.org"), web.Col{Label: pg.T("survey.orgs.members"), Class: "num"},
		web.Col{Label: pg.T("survey.orgs.responses"), Class: "num"}, web.Col{Label: pg.T("survey.orgs.rate"), Class: "num"}}
	pg.Data = d
	h.Render(w, http.StatusOK, "survey_orgs", pg)
	return nil
}

type textsData struct {
	S             row
	Question      string
	N             int
	Rows          []survey.TextAnswer
	Named         bool
	Pager         web.CursorPager
	Back          string
	AnonymousNote string
}

func (h *Pages) texts(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	v, ok := h.surveyFor(w, r, p)
	if !ok {
		return nil
	}
	q, err := strconv.Atoi(r.PathValue("q"))
	if err != nil || q < 0 || q >= len(v.Questions) {
		return errs.NotFound("question")
	}
	pg := h.Page(w, r, p, "", "surveys")
	pg.Title = pg.T("survey.texts.title", q+1)
	pg.Crumbs = []web.Crumb{{Label: pg.T("survey.list.title"), URL: "/surveys"}, {Label: v.Title, URL: surveyURL(v.ID)}, {Label: pg.Title}}
	offset, err := listing.OffsetOf(int(web.ParseIDValue(web.QueryValue(r, "page"))), web.PageSize)
	if err != nil {
		return err
	}
	rows, total, err := h.Surveys.Texts(r.Context(), p, v.ID, q, web.ParseIDValue(web.QueryValue(r, "org")), offset, web.PageSize)
	if err != nil {
		return err
	}
	d := &textsData{S: rowOf(pg.Lang, v), Question: v.Questions[q].Title, N: q + 1, Rows: rows, Named: !v.Anonymous, Back: surveyURL(v.ID)}
	if v.Anonymous {
		d.AnonymousNote = pg.T("survey.texts.anonymous_note")
	}
	d.Pager = web.ListPagerOf(pg, r, "", len(rows), total, "survey.texts.total", "survey.texts.total_over")
	pg.Data = d
	h.Render(w, http.StatusOK, "survey_texts", pg)
	return nil
}

func (h *Pages) export(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	v, ok := h.surveyFor(w, r, p)
	if !ok {
		return nil
	}
	lang := i18n.FromRequest(r)
	tr := func(k string, a ...any) string { return i18n.T(lang, k, a...) }
	name := tr("survey.export.file") + "-" + db.FormatID(v.ID) + ".xlsx"
	out := &httpx.LazyWriter{W: w, Before: func() { httpx.Attachment(w, name) }}
	if err := h.Surveys.Export(r.Context(), p, v.ID, tr, out); err != nil {
		if out.Started {
			return nil
		}
		return err
	}
	return nil
}
