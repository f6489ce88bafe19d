package works

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
	"gonghui/internal/i18n"
	"gonghui/internal/listing"
	"gonghui/internal/web"
	"gonghui/internal/works"
)

// The staff's pages: the list of calls, the form, a call's page with its
// actions, panel and awards (and their workbook), its entries with
// screening.

type callRow struct {
	URL, Title, OrgName, Window, Kind, Phase, PhaseV string
}

func (h *Pages) list(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !mayUse(p) {
		return errs.Forbidden()
	}
	ctx := r.Context()
	pg := h.Page(w, r, p, "works.list.title", "works")
	q := works.Query{Q: web.QueryValue(r, "q"), Status: works.Status(web.QueryValue(r, "status")), Kind: works.Kind(web.QueryValue(r, "kind")),
		Sort: web.SortParam(r, works.Sorts.Default), After: web.QueryValue(r, "cursor"), Limit: web.PageSize}
	items, next, total, err := web.ListPage(r, &q.Offset, func() ([]works.Call, string, error) { return h.Works.List(ctx, p, q) },
		func() (listing.Total, error) { return h.Works.CountList(ctx, p, q) })
	status := http.StatusOK
	if err != nil {
		form, ok := web.FormError(pg, err)
		if !ok {
			return err
		}
		pg.Form, status = form, web.FormStatus(err)
	}
	var rows []callRow
	for _, c := range items {
		ph := c.PhaseAt(h.now())
		rows = append(rows, callRow{URL: callURL(c.ID), Title: c.Title, OrgName: c.OrgName, Window: window(c.OpensAt, c.ClosesAt),
			Kind: pg.T("works.kind." + string(c.Kind)), Phase: phaseLabel(pg.Lang, ph), PhaseV: phaseVariant(ph)})
	}
	statusOpts := []web.Option{}
	for _, s := range works.Statuses {
		statusOpts = append(statusOpts, web.Option{Value: string(s), Label: pg.T("works.status." + string(s))})
	}
	kindOpts := []web.Option{}
	for _, k := range works.Kinds {
		kindOpts = append(kindOpts, web.Option{Value: string(k), Label: pg.T("works.kind." + string(k))})
	}
	newURL := ""
	if p.Can(auth.PermContestWrite) {
		newURL = "/works/new"
	}
	pg.Data = map[string]any{"Q": q.Q, "Status": string(q.Status), "Kind": string(q.Kind), "StatusOptions": statusOpts, "KindOptions": kindOpts,
		"Filtered": q.Q != "" || q.Status != "" || q.Kind != "", "Rows": rows, "Sort": q.Sort, "CanWrite": p.Can(auth.PermContestWrite), "NewURL": newURL,
		"Pager": web.ListPagerOf(pg, r, next, len(items), total, "works.list.total", "works.list.total_over")}
	h.Render(w, status, "works_list", pg)
	return nil
}

func (h *Pages) now() time.Time { return h.Works.Now() }

// ---------- the form ----------

// The form's organisation pickers: the publisher (new calls only; a
// call's publisher stays) and the audience (none: the publisher's whole
// subtree). The store checks both again (signup.Places): the audience is
// the publisher or below it.
var (
	orgPick      = web.PickerSpec{Field: "org_id", QField: "org_q", Required: true, Perm: auth.PermContestWrite}
	audiencePick = web.PickerSpec{Field: "audience_org_id", QField: "audience_q", Perm: auth.PermContestWrite}
)

// formData is the Data of the form.
type formData struct {
	Editing        bool
	Action, Cancel string
	OrgName        string         // the publisher, when editing
	Org, Audience  *web.OrgPicker // the publisher's picker when new
	OrgID          string         // the publisher chosen first
	AudienceOrgID  string
	V              map[string]string // the other fields as first shown
	Tags           []string
	TagChoices     []web.TagChoice
	TagsError      string
	Rows           []string
	Kinds          []web.Option
}

// formValues are a call's fields as the form shows them.
func formValues(c *works.Call) map[string]string {
	v := map[string]string{"title": c.Title, "description": c.Description, "kind": string(c.Kind),
		"min_chars": strconv.Itoa(c.MinChars), "max_chars": strconv.Itoa(c.MaxChars), "max_photos": strconv.Itoa(c.MaxPhotos),
		"max_photo_kb": strconv.Itoa(c.MaxPhotoKB), "per_member": strconv.Itoa(c.PerMember), "opens_at": web.LocalValue(c.OpensAt),
		"closes_at": web.LocalValue(c.ClosesAt), "judge_until": web.LocalValue(c.JudgeUntil), "version": strconv.Itoa(c.Version)}
	if c.Kind == works.KindEssay {
		v["max_photos"], v["max_photo_kb"] = "", ""
	} else {
		v["min_chars"], v["max_chars"] = "", ""
	}
	for i, k := range c.Criteria {
		v["criteria."+strconv.Itoa(i)+".name"], v["criteria."+strconv.Itoa(i)+".weight"] = k.Name, strconv.Itoa(k.Weight)
	}
	for i, t := range c.Tiers {
		v["tiers."+strconv.Itoa(i)+".name"], v["tiers."+strconv.Itoa(i)+".count"] = t.Name, strconv.Itoa(t.Count)
	}
	return v
}

// inputFrom reads the form but for its organisations (pickedOrgs); the
// field errors are those the store cannot see (numbers that are not
// numbers), on the form's own names.
func inputFrom(r *http.Request) (works.Input, errs.Fields) {
	f := errs.Fields{}
	num := func(name string) int {
		s := web.FormValue(r, name)
		if s == "" {
			return 0
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			f.Add(name, "field.not_a_number")
		}
		return n
	}
	in := works.Input{Title: r.PostFormValue("title"), Description: r.PostFormValue("description"), Kind: works.Kind(web.FormValue(r, "kind")),
		MinChars: num("min_chars"), MaxChars: num("max_chars"), MaxPhotos: num("max_photos"), MaxPhotoKB: num("max_photo_kb"),
		PerMember: num("per_member"), OpensAt: web.FormValue(r, "opens_at"), ClosesAt: web.FormValue(r, "closes_at"), JudgeUntil: web.FormValue(r, "judge_until"),
		AudienceTags: r.PostForm["tag"]}
	if in.AudienceTags == nil {
		in.AudienceTags = []string{}
	}
	for i := range formRows {
		s := strconv.Itoa(i)
		in.Criteria = append(in.Criteria, works.Criterion{Name: r.PostFormValue("criteria." + s + ".name"), Weight: num("criteria." + s + ".weight")})
		in.Tiers = append(in.Tiers, works.Tier{Name: r.PostFormValue("tiers." + s + ".name"), Count: num("tiers." + s + ".count")})
	}
	return in, f
}

// pickedOrgs puts the organisations the form sent into in (the publisher
// only when withOrg); one the caller may not pick is a field error in f.
func (h *Pages) pickedOrgs(r *http.Request, p *auth.Principal, in *works.Input, f errs.Fields, withOrg bool) (err error) {
	if withOrg {
		if in.OrgID, err = h.PickedOrg(r, p, orgPick, f); err != nil {
			return err
		}
		if in.OrgID == 0 && f["org_id"].Key == "" {
			f.Add("org_id", "field.required")
		}
	}
	in.AudienceOrgID, err = h.PickedOrg(r, p, audiencePick, f)
	return err
}

// defaultPublisher is where a new call is published by default: the
// caller's own organisation when they run calls there.
func defaultPublisher(p *auth.Principal) string {
	if p.OrgPath != "" && p.CanAt(auth.PermContestWrite, p.OrgPath) {
		return db.FormatID(p.OrgID)
	}
	for _, g := range p.Grants {
		if p.CanAt(auth.PermContestWrite, g.OrgPath) {
			return db.FormatID(g.OrgID)
		}
	}
	return ""
}

// formRows is how many rows of criteria and of tiers the form offers.
const formRows = 5

func (h *Pages) renderForm(w http.ResponseWriter, r *http.Request, p *auth.Principal, pg *web.Page, status int, c *works.Call, d *formData) error {
	var err error
	for i := range formRows {
		d.Rows = append(d.Rows, strconv.Itoa(i))
	}
	for _, k := range works.Kinds {
		d.Kinds = append(d.Kinds, web.Option{Value: string(k), Label: pg.T("works.kind." + string(k))})
	}
	d.TagChoices = web.TagChoices(pg.Lang, "f-tag-", d.Tags)
	if c == nil {
		spec := orgPick
		spec.Label, spec.Hint = pg.T("works.field.org"), pg.T("works.form.org_hint")
		if d.Org, err = h.OrgPicker(r, p, spec, d.OrgID); err != nil {
			return err
		}
	} else {
		d.Editing, d.OrgName = true, c.OrgName
	}
	spec := audiencePick
	spec.Label, spec.Hint, spec.Blank = pg.T("works.field.audience"), pg.T("works.form.audience_hint"), pg.T("works.form.audience_same")
	if d.Audience, err = h.OrgPicker(r, p, spec, d.AudienceOrgID); err != nil {
		return err
	}
	d.TagsError = pg.FieldError("audience_tags")
	crumbs := []web.Crumb{{Label: pg.T("works.list.title"), URL: "/works"}}
	if c != nil {
		crumbs = append(crumbs, web.Crumb{Label: c.Title, URL: callURL(c.ID)})
	}
	pg.Crumbs = append(crumbs, web.Crumb{Label: pg.Title})
	pg.Data = d
	h.Render(w, status, "works_form", pg)
	return nil
}

func (h *Pages) newForm(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !p.Can(auth.PermContestWrite) {
		return errs.Forbidden()
	}
	pg := h.Page(w, r, p, "works.new.title", "works")
	v := map[string]string{"kind": "essay", "min_chars": "300", "max_chars": "3000", "max_photos": "3", "max_photo_kb": "5120", "per_member": "1",
		"criteria.0.name": pg.T("works.default.theme"), "criteria.0.weight": "40", "criteria.1.name": pg.T("works.default.style"), "criteria.1.weight": "30",
		"criteria.2.name": pg.T("works.default.idea"), "criteria.2.weight": "30",
		"tiers.0.name": pg.T("works.default.first"), "tiers.0.count": "1", "tiers.1.name": pg.T("works.default.second"), "tiers.1.count": "2",
		"tiers.2.name": pg.T("works.default.third"), "tiers.2.count": "3", "tiers.3.name": pg.T("works.default.merit"), "tiers.3.count": "10"}
	d := &formData{Action: "/works/new", Cancel: "/works", V: v, OrgID: defaultPublisher(p)}
	return h.renderForm(w, r, p, pg, http.StatusOK, nil, d)
}

func (h *Pages) create(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !p.Can(auth.PermContestWrite) {
		return errs.Forbidden()
	}
	in, fe := inputFrom(r)
	var err error
	if !web.PickerAsked(r) { // a picker's search shows the form again, as typed
		if err = h.pickedOrgs(r, p, &in, fe, true); err == nil {
			if err = fe.Err(); err == nil {
				var c *works.Call
				if c, err = h.Works.Create(r.Context(), p, in); err == nil {
					web.Redirect(w, r, callURL(c.ID), "flash.works.created")
					return nil
				}
			}
		}
	}
	pg := h.Page(w, r, p, "works.new.title", "works")
	pg.Path = "/works/new"
	if !h.FormAgain(w, r, p, pg, err) {
		return nil
	}
	d := &formData{Action: "/works/new", Cancel: "/works", Tags: in.AudienceTags}
	return h.renderForm(w, r, p, pg, web.FormStatus(err), nil, d)
}

// writable loads the call of {id} for its form: one the caller may not
// run is refused, one with results out or cancelled is frozen.
func (h *Pages) writable(w http.ResponseWriter, r *http.Request, p *auth.Principal) (*works.Call, bool) {
	c, ok := web.Load(h.Kernel, w, r, p, h.Works.Get)
	if !ok {
		return nil, false
	}
	switch {
	case !works.CanRun(p, c):
		h.Fail(w, r, p, errs.Forbidden())
		return nil, false
	case c.ResultsAt != nil || c.Status == works.StatusCancelled:
		h.Fail(w, r, p, errs.Conflict("frozen", "works.frozen"))
		return nil, false
	}
	return c, true
}

func (h *Pages) editForm(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	c, ok := h.writable(w, r, p)
	if !ok {
		return nil
	}
	pg := h.Page(w, r, p, "works.edit.title", "works")
	d := &formData{Action: callURL(c.ID) + "/edit", Cancel: callURL(c.ID), V: formValues(c), Tags: c.AudienceTags}
	if c.AudienceOrgID != c.OrgID {
		d.AudienceOrgID = db.FormatID(c.AudienceOrgID)
	}
	return h.renderForm(w, r, p, pg, http.StatusOK, c, d)
}

func (h *Pages) update(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	c, ok := h.writable(w, r, p)
	if !ok {
		return nil
	}
	in, fe := inputFrom(r)
	in.OrgID = c.OrgID
	version := 0
	web.ParseIntField(fe, r, "version", 0, &version)
	var err error
	if !web.PickerAsked(r) {
		if err = h.pickedOrgs(r, p, &in, fe, false); err == nil {
			if err = fe.Err(); err == nil {
				if _, err = h.Works.Update(r.Context(), p, c.ID, version, in); err == nil {
					web.Redirect(w, r, callURL(c.ID), "flash.works.saved")
					return nil
				}
			}
		}
	}
	pg := h.Page(w, r, p, "works.edit.title", "works")
	pg.Path = callURL(c.ID) + "/edit"
	if !h.FormAgain(w, r, p, pg, err) {
		return nil
	}
	d := &formData{Action: callURL(c.ID) + "/edit", Cancel: callURL(c.ID), V: map[string]string{"version": strconv.Itoa(version)}, Tags: in.AudienceTags}
	return h.renderForm(w, r, p, pg, web.FormStatus(err), c, d)
}

// ---------- a call's page ----------

// winnerView is an awarded entry on a results page, with its photos'
// copies for phones and their originals (where the viewer may have them).
type winnerView struct {
	works.Winner
	ScoreS string
	Photos []photoLink
}

// photoLink is a photo on a page: its copy for phones and where a tap
// leads (the original, or the same copy).
type photoLink struct{ Thumb, Full string }

func photoLinks(ps []works.Photo, prefix string, full bool) []photoLink {
	var out []photoLink
	for _, ph := range ps {
		u := prefix + db.FormatID(ph.ID)
		l := photoLink{Thumb: u + "?size=thumb", Full: u}
		if !full {
			l.Full = l.Thumb
		}
		out = append(out, l)
	}
	return out
}

func winnerViews(ws []works.Winner, prefix string, full bool) []winnerView {
	out := make([]winnerView, 0, len(ws))
	for _, w := range ws {
		out = append(out, winnerView{Winner: w, ScoreS: score(w.Score), Photos: photoLinks(w.Photos, prefix, full)})
	}
	return out
}

func (h *Pages) show(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := web.IDParam(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	c, err := h.Works.Get(ctx, p, id)
	if err != nil {
		return err
	}
	judges, err := h.Works.Judges(ctx, p, id)
	if err != nil {
		return err
	}
	counts, err := h.Works.EntryCounts(ctx, p, id)
	if err != nil {
		return err
	}
	pg := h.Page(w, r, p, "", "works")
	pg.Title = c.Title
	pg.Crumbs = []web.Crumb{{Label: pg.T("works.list.title"), URL: "/works"}, {Label: c.Title}}
	run := works.CanRun(p, c)
	ph := c.PhaseAt(h.now())
	d := map[string]any{"C": c, "URL": callURL(id), "Facts": facts(pg.Lang, c), "Judges": judges, "Run": run,
		"Window": window(c.OpensAt, c.ClosesAt), "Judging": window(c.ClosesAt, c.JudgeUntil), "Trimmed": len(judges) >= works.TrimFrom,
		"Audience": audienceWords(pg.Lang, c), "Counts": countWords(pg.Lang, counts), "ToScreen": counts[works.EntrySubmitted],
		"Phase": phaseLabel(pg.Lang, ph), "PhaseV": phaseVariant(ph), "PhaseKey": string(ph),
		"Editable":    run && c.ResultsAt == nil && c.Status != works.StatusCancelled,
		"Cancellable": run && c.ResultsAt == nil && c.Status != works.StatusCancelled,
		"JudgesOpen":  run && ph != works.PhaseJudged && ph != works.PhaseResults && ph != works.PhaseCancelled}
	if d["JudgesOpen"].(bool) {
		q := web.QueryValue(r, "judge_q")
		cands, err := h.Works.Candidates(ctx, p, id, q)
		if err != nil {
			return err
		}
		seated := map[int64]bool{}
		for _, j := range judges {
			seated[j.UserID] = true
		}
		var opts []works.Judge
		for _, j := range cands {
			if !seated[j.UserID] {
				opts = append(opts, j)
			}
		}
		d["Candidates"], d["JudgeQ"] = opts, q
	}
	if c.RankedAt != nil {
		ws, err := h.Works.Winners(ctx, p, id)
		if err != nil {
			return err
		}
		d["Winners"], d["ExportURL"] = winnerViews(ws, "/work-photos/", true), callURL(id)+"/awards.xlsx"
	}
	pg.Data = d
	h.Render(w, http.StatusOK, "works_show", pg)
	return nil
}

// audienceWords says who a call is for: the audience organisation and,
// when narrowed, the tags.
func audienceWords(lang i18n.Lang, c *works.Call) string {
	s := c.AudienceOrgName
	if len(c.AudienceTags) > 0 {
		s += i18n.T(lang, "works.show.tags_only", strings.Join(web.TagLabels(lang, c.AudienceTags), "、"))
	}
	return s
}

// countWords are a call's entries by status, in words ("待初审 2 · 已入围 5").
func countWords(lang i18n.Lang, n map[works.EntryStatus]int) string {
	var parts []string
	for _, st := range []works.EntryStatus{works.EntrySubmitted, works.EntryAccepted, works.EntryRejected} {
		if n[st] > 0 {
			parts = append(parts, entryLabel(lang, st)+" "+strconv.Itoa(n[st]))
		}
	}
	if len(parts) == 0 {
		return i18n.T(lang, "works.show.no_entries")
	}
	return strings.Join(parts, " · ")
}

// act runs one of a call's buttons.
func (h *Pages) act(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := web.IDParam(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	flash := "flash.works." + r.PathValue("action")
	switch r.PathValue("action") {
	case "publish":
		_, err = h.Works.Publish(ctx, p, id, version)
	case "cancel":
		_, err = h.Works.Cancel(ctx, p, id, version)
	case "close":
		_, err = h.Works.Close(ctx, p, id, version)
	case "award":
		_, err = h.Works.Award(ctx, p, id)
	case "results":
		_, err = h.Works.PublishResults(ctx, p, id)
	case "judges":
		uid, _ := db.ParseID(r.PostFormValue("user_id"))
		if r.PostFormValue("remove") != "" {
			err = h.Works.RemoveJudge(ctx, p, id, uid)
		} else {
			err = h.Works.AddJudge(ctx, p, id, uid)
		}
		if err == nil {
			web.RedirectAnchor(w, r, callURL(id), "panel", flash)
			return nil
		}
	default:
		return errs.NotFound("action")
	}
	if err != nil {
		return err // the kernel shows the store's message
	}
	web.Redirect(w, r, callURL(id), flash)
	return nil
}

// awardsExport answers the call's awards as a workbook (audited).
func (h *Pages) awardsExport(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := web.IDParam(r, "id")
	if err != nil {
		return err
	}
	c, err := h.Works.Get(r.Context(), p, id)
	if err != nil {
		return err
	}
	lang := i18n.FromRequest(r)
	tr := func(k string, a ...any) string { return i18n.T(lang, k, a...) }
	name := tr("works.awards.file", c.Title) + ".xlsx"
	out := &httpx.LazyWriter{W: w, Before: func() { httpx.Attachment(w, name) }}
	if err := h.Works.ExportAwards(r.Context(), p, id, tr, out); err != nil {
		if out.Started {
			return nil
		}
		return err
	}
	return nil
}

// ---------- entries ----------

type entryRow struct {
	*works.Entry
	StatusL, StatusV, ScoreS, Screen string
	Photos                           []photoLink
	// A refused screening of this entry: its error and what was typed.
	ReasonError, ReasonValue string
}

func (h *Pages) entries(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := web.IDParam(r, "id")
	if err != nil {
		return err
	}
	return h.renderEntries(w, r, p, h.Page(w, r, p, "", "works"), id, 0, http.StatusOK)
}

// renderEntries shows a call's entries, a page of them by number; failed
// is the entry whose screening was refused (pg.Form holds why), 0 for
// none.
func (h *Pages) renderEntries(w http.ResponseWriter, r *http.Request, p *auth.Principal, pg *web.Page, id, failed int64, status int) error {
	ctx := r.Context()
	c, err := h.Works.Get(ctx, p, id)
	if err != nil {
		return err
	}
	pg.Title = pg.T("works.entries.title", c.Title)
	pg.Crumbs = []web.Crumb{{Label: pg.T("works.list.title"), URL: "/works"}, {Label: c.Title, URL: callURL(id)}, {Label: pg.T("works.show.entries")}}
	q := works.EntryQuery{Q: web.QueryValue(r, "q"), Status: works.EntryStatus(web.QueryValue(r, "status")), Limit: web.PageSize}
	var list []works.Entry
	var total listing.Total
	if q.Offset, err = listing.OffsetOf(int(web.ParseIDValue(web.QueryValue(r, "page"))), web.PageSize); err == nil {
		list, total, err = h.Works.Entries(ctx, p, id, q)
	}
	if err != nil {
		form, ok := web.FormError(pg, err)
		if !ok {
			return err
		}
		pg.Form, status = form, web.FormStatus(err)
	}
	if failed != 0 {
		// The list's own address, not the screening's.
		pg.Path = callURL(id) + "/entries"
	}
	var rows []entryRow
	for i := range list {
		e := &list[i]
		row := entryRow{Entry: e, StatusL: entryLabel(pg.Lang, e.Status), StatusV: entryVariant(e.Status), ScoreS: score(e.Score),
			Screen: "/works/entries/" + db.FormatID(e.ID) + "/screen", Photos: photoLinks(e.Photos, "/work-photos/", true)}
		if e.ID == failed && pg.Form != nil {
			row.ReasonError, row.ReasonValue = pg.Form.Errors["reason"], r.PostFormValue("reason")
		}
		rows = append(rows, row)
	}
	opts := []web.Option{}
	for _, s := range works.EntryStatuses {
		opts = append(opts, web.Option{Value: string(s), Label: entryLabel(pg.Lang, s)})
	}
	pg.Data = map[string]any{"C": c, "URL": callURL(id), "Rows": rows, "Q": q.Q, "Status": string(q.Status), "StatusOptions": opts,
		"Filtered": q.Q != "" || q.Status != "", "Run": works.CanRun(p, c), "Frozen": c.ResultsAt != nil || c.Status == works.StatusCancelled,
		"Failed": failed, "Pager": web.ListPagerOf(pg, r, "", len(list), total, "works.entries.total", "works.entries.total_over")}
	h.Render(w, status, "works_entries", pg)
	return nil
}

func (h *Pages) screen(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := web.IDParam(r, "entry")
	if err != nil {
		return err
	}
	e, err := h.Works.Screen(r.Context(), p, id, r.PostFormValue("decision") == "accept", r.PostFormValue("reason"))
	if err == nil {
		// Back to the list as it was filtered, at the entry screened.
		back := callURL(e.CallID) + "/entries"
		if ret := r.PostFormValue("back"); strings.HasPrefix(ret, back) && !strings.ContainsAny(ret, "\r\n#") {
			back = ret
		}
		web.RedirectAnchor(w, r, back, "e-"+db.FormatID(id), "flash.works.screened")
		return nil
	}
	pg := h.Page(w, r, p, "", "works")
	form, ok := web.FormError(pg, err)
	if !ok {
		return err
	}
	e, _, serr := h.Works.StaffEntry(r.Context(), p, id)
	if serr != nil {
		return err
	}
	pg.Form = form
	return h.renderEntries(w, r, p, pg, e.CallID, id, web.FormStatus(err))
}
