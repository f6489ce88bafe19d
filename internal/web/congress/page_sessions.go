package congress

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/beijing"
	"gonghui/internal/congress"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/listing"
	"gonghui/internal/member"
	"gonghui/internal/web"
)

// The staff's list of sessions (/congress): search, the status tabs with
// their counts, the year and organisation filters, sortable columns, the
// total and pages; and the form that plans a session.

// orgPick is the lists' organisation filter: any organisation where the
// caller reads the congress (the store refuses one outside).
var orgPick = web.PickerSpec{Field: "org", QField: "org_q", Perm: auth.PermCongressRead}

type listData struct {
	Q, Status, Year string
	Filtered        bool
	Tabs            []web.Tab
	YearOptions     []web.Option
	Org             *web.OrgPicker
	Rows            []sessionRow
	Cols            []any
	Sort            string
	Pager           web.CursorPager
	CanWrite        bool
}

func (h *Pages) list(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !mayUse(p) {
		return errs.Forbidden()
	}
	ctx := r.Context()
	pg := h.Page(w, r, p, "congress.list.title", "congress")
	d := &listData{Q: web.QueryValue(r, "q"), Status: web.QueryValue(r, "status"), Year: web.QueryValue(r, "year"),
		Sort: web.SortParam(r, congress.SessionSorts.Default), CanWrite: p.Can(auth.PermCongressWrite)}
	spec := orgPick
	spec.Label, spec.Blank = pg.T("congress.field.org"), pg.T("congress.list.all_orgs")
	var err error
	if d.Org, err = h.FilterPicker(pg, r, p, spec, web.FilterValue(r, orgPick.Field)); err != nil {
		return err
	}
	d.Filtered = d.Q != "" || d.Status != "" || d.Year != "" || d.Org.Value != ""
	q := congress.SessionQuery{Q: d.Q, Status: congress.SessionStatus(d.Status), Org: web.ParseIDValue(d.Org.Value), Sort: d.Sort,
		After: web.QueryValue(r, "cursor"), Limit: web.PageSize}
	status := http.StatusOK
	if d.Year != "" {
		if q.Year, err = strconv.Atoi(d.Year); err != nil {
			q.Year = -1 // refused by the store with the field's message
		}
	}
	items, next, total, err := web.ListPage(r, &q.Offset, func() ([]congress.Session, string, error) { return h.Congress.Sessions(ctx, p, q) },
		func() (listing.Total, error) { return h.Congress.CountSessions(ctx, p, q) })
	if err != nil {
		f, ok := web.FormError(pg, err)
		if !ok {
			return err
		}
		pg.Form, status = f, web.FormStatus(err)
	}
	totals, err := h.Congress.SessionTotals(ctx, p, congress.SessionQuery{Org: q.Org, Year: q.Year})
	if err != nil && !errs.Is(err, errs.KindInvalid) {
		return err
	}
	opts := []web.Option{{Value: "", Label: pg.T("congress.list.all")}}
	for _, s := range congress.SessionStatuses {
		label := sessionStatusLabel(pg.Lang, s)
		if totals != nil {
			label = fmt.Sprintf("%s %d", label, totals.ByStatus[s])
		}
		opts = append(opts, web.Option{Value: string(s), Label: label})
	}
	d.Tabs = web.FilterTabs(web.ListBase(pg), "status", d.Status, opts)
	this := time.Now().In(beijing.Zone).Year()
	for y := this + 1; y >= this-4; y-- {
		d.YearOptions = append(d.YearOptions, web.Option{Value: strconv.Itoa(y), Label: pg.T("congress.list.year_n", y)})
	}
	back := web.BackQuery(pg)
	for i := range items {
		v := sessionRowOf(pg.Lang, &items[i])
		v.Link = v.URL + back
		d.Rows = append(d.Rows, v)
	}
	d.Pager = web.ListPagerOf(pg, r, next, len(items), total, "congress.list.total", "congress.list.total_over")
	d.Cols = web.SortCols(pg, d.Sort, []web.SortHead{{Label: pg.T("congress.field.session")}, {Label: pg.T("congress.field.employer"), Key: "employer"},
		{Label: pg.T("congress.field.held_on"), Key: "held", Desc: true}, {Label: pg.T("congress.field.delegates"), Class: "num"},
		{Label: pg.T("congress.field.motions"), Class: "num"}, {Label: pg.T("congress.field.status")}})
	pg.Data = d
	h.Render(w, status, "congress_list", pg)
	return nil
}

// formData is the Data of the form that plans a session.
type formData struct {
	Employers []web.Option
	Seconds   int
}

func (h *Pages) renderForm(w http.ResponseWriter, r *http.Request, p *auth.Principal, pg *web.Page, status int) error {
	emps, err := h.Congress.Employers(r.Context(), p, "")
	if err != nil {
		return err
	}
	d := formData{Seconds: congress.DefaultSeconds}
	for _, e := range emps {
		d.Employers = append(d.Employers, web.Option{Value: db.FormatID(e.ID), Label: e.Name + " · " + e.UnionName})
	}
	if len(emps) == 1 && pg.Form != nil && pg.Form.Values["employer_id"] == "" {
		pg.Form.Values["employer_id"] = db.FormatID(emps[0].ID) // the only choice, chosen
	}
	pg.Crumbs = []web.Crumb{{Label: pg.T("congress.list.title"), URL: "/congress"}, {Label: pg.Title}}
	pg.Data = d
	h.Render(w, status, "congress_form", pg)
	return nil
}

func (h *Pages) newForm(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !p.Can(auth.PermCongressWrite) {
		return errs.Forbidden()
	}
	pg := h.Page(w, r, p, "congress.new.title", "congress")
	pg.Form = &web.Form{Values: map[string]string{"term": "1", "meeting": "1", "seconds_needed": strconv.Itoa(congress.DefaultSeconds),
		"held_on": beijing.Today()}, Errors: map[string]string{}}
	return h.renderForm(w, r, p, pg, http.StatusOK)
}

func (h *Pages) create(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	f := errs.Fields{}
	in := congress.SessionInput{EmployerID: web.ParseIDValue(web.FormValue(r, "employer_id")), HeldOn: web.FormValue(r, "held_on"), Place: r.PostFormValue("place")}
	var seconds int
	web.ParseIntField(f, r, "term", 0, &in.Term)
	web.ParseIntField(f, r, "meeting", 0, &in.Meeting)
	web.ParseIntField(f, r, "seconds_needed", congress.DefaultSeconds, &seconds)
	in.SecondsNeeded = &seconds
	err := f.Err()
	if err == nil {
		var s *congress.Session
		if s, err = h.Congress.CreateSession(r.Context(), p, in); err == nil {
			web.Redirect(w, r, sessionURL(s.ID), "flash.congress.created")
			return nil
		}
	}
	pg := h.Page(w, r, p, "congress.new.title", "congress")
	if !h.Validation(w, r, p, pg, err) {
		return nil
	}
	return h.renderForm(w, r, p, pg, web.FormStatus(err))
}

// delegateRow is a delegate on the session's page.
type delegateRow struct {
	ID, Name, OrgName, Category, Gender, ElectedOn string
	Present                                        bool
}

// compRow is one line of the composition: a category and its share.
type compRow struct {
	Label   string
	N       int
	Percent int
}

// agendaRow is an item of the agenda with its vote.
type agendaRow struct {
	ID, Title, Note, Position string
	Voted, Passed, Named      bool
	First, Last               bool // at the top or the bottom: no move up or down
	For, Against, Abstain     int
	Result                    string
}

// hit is a member found for the delegate form.
type hit struct{ ID, Name, OrgName, IDNumber string }

// showData is the Data of a session's page.
type showData struct {
	S           sessionRow
	ID          string
	Comp        congress.Composition
	CompRows    []compRow
	Warnings    []string
	Delegates   []delegateRow
	Present     []delegateRow
	Agenda      []agendaRow
	Motions     []motionRow
	CanWrite    bool
	Open        bool   // not closed: delegates, agenda and motions may change
	Held        bool   // votes may be recorded
	Next        string // the next status, "" when closed
	NextLabel   string
	Failed      string
	Categories  []web.Option
	Genders     []web.Option
	Choices     []web.Option
	DelegateOpt []web.Option
	Hits        []hit
	Searched    bool
	MotionsURL  string
	Rules       string
	Edit        map[string]string // the edit form's values
	History     []historyRow
}

// historyRow is one entry of the session's history.
type historyRow struct{ What, By, At string }

// historyWhat is an entry's sentence.
func historyWhat(pg *web.Page, e congress.SessionEvent) string {
	if e.Kind != congress.EvEdited {
		return pg.T("congress.history."+e.Kind, e.Body)
	}
	var names []string
	for _, f := range strings.Split(e.Body, ",") {
		names = append(names, pg.T("congress.history.field."+f))
	}
	return pg.T("congress.history.edited", strings.Join(names, pg.T("congress.history.sep")))
}

func (h *Pages) show(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return h.renderShow(w, r, p, "", nil, nil)
}

// renderShow renders a session's page; failed names the form that came
// back with err ("" a plain view), hits are the delegate search's.
func (h *Pages) renderShow(w http.ResponseWriter, r *http.Request, p *auth.Principal, failed string, err error, hits *[]hit) error {
	if !mayUse(p) {
		return errs.Forbidden()
	}
	id, ierr := web.IDParam(r, "id")
	if ierr != nil {
		return ierr
	}
	v, lerr := h.Congress.SessionPage(r.Context(), p, id)
	if lerr != nil {
		return lerr
	}
	pg := h.Page(w, r, p, "", "congress")
	name := sessionName(pg.Lang, v.Term, v.Meeting)
	pg.Title = v.EmployerName + " " + name
	pg.Path = sessionURL(id)
	status := http.StatusOK
	if failed != "" {
		if !h.FormAgain(w, r, p, pg, err) {
			return nil
		}
		status = web.FormStatus(err)
	}
	d := &showData{S: sessionRowOf(pg.Lang, &v.Session), ID: db.FormatID(id), Comp: v.Composition, CanWrite: v.CanWrite,
		Open: v.Status != congress.SessionClosed, Held: v.Status == congress.SessionHeld, Failed: failed,
		Categories: web.EnumOptions(pg.Lang, congress.Categories, categoryLabel), Genders: web.EnumOptions(pg.Lang, congress.Genders, genderLabel),
		MotionsURL: "/congress/motions?session=" + db.FormatID(id),
		Edit:       map[string]string{"session_title": v.Title, "held_on": v.HeldOn, "place": v.Place, "version": strconv.Itoa(v.Version)},
		Rules:      pg.T("congress.rules", congress.FrontlineMinPercent, congress.LeadersMaxPercent)}
	for _, c := range congress.Choices {
		d.Choices = append(d.Choices, web.Option{Value: string(c), Label: pg.T("congress.choice." + string(c))})
	}
	switch v.Status {
	case congress.SessionPlanned:
		d.Next, d.NextLabel = string(congress.SessionHeld), pg.T("congress.act.held")
	case congress.SessionHeld:
		d.Next, d.NextLabel = string(congress.SessionClosed), pg.T("congress.act.closed")
	}
	for _, c := range congress.Categories {
		n := v.Composition.ByCategory[c]
		pct := 0
		if v.Composition.Total > 0 {
			pct = (n*100 + v.Composition.Total/2) / v.Composition.Total
		}
		d.CompRows = append(d.CompRows, compRow{Label: categoryLabel(pg.Lang, c), N: n, Percent: pct})
	}
	if v.Composition.FrontlineLow {
		d.Warnings = append(d.Warnings, pg.T("congress.warn.frontline", v.Composition.FrontlinePercent, congress.FrontlineMinPercent))
	}
	if v.Composition.LeadersHigh {
		d.Warnings = append(d.Warnings, pg.T("congress.warn.leaders", v.Composition.LeadersPercent, congress.LeadersMaxPercent))
	}
	for _, del := range v.Delegates {
		row := delegateRow{ID: db.FormatID(del.MemberID), Name: del.Name, OrgName: del.OrgName, Category: categoryLabel(pg.Lang, del.Category),
			Gender: genderLabel(pg.Lang, del.Gender), ElectedOn: del.ElectedOn, Present: del.Present}
		d.Delegates = append(d.Delegates, row)
		d.DelegateOpt = append(d.DelegateOpt, web.Option{Value: row.ID, Label: del.Name})
		if del.Present {
			d.Present = append(d.Present, row)
		}
	}
	for i, it := range v.Agenda {
		a := agendaRow{ID: db.FormatID(it.ID), Title: it.Title, Note: it.Note, Position: strconv.Itoa(it.Position), Voted: it.VotedAt != nil,
			Passed: it.Passed, Named: it.VoteKind == congress.VoteNamed, For: it.For, Against: it.Against, Abstain: it.Abstain,
			First: i == 0 || v.Agenda[i-1].VotedAt != nil, Last: i == len(v.Agenda)-1 || v.Agenda[i+1].VotedAt != nil}
		if a.Voted {
			key := "congress.vote.failed"
			if it.Passed {
				key = "congress.vote.passed"
			}
			a.Result = pg.T(key, it.For, it.Delegates)
		}
		d.Agenda = append(d.Agenda, a)
	}
	for i := range v.MotionList {
		d.Motions = append(d.Motions, motionRowOf(pg.Lang, &v.MotionList[i], motionURL(v.MotionList[i].ID)))
	}
	for _, e := range v.History {
		d.History = append(d.History, historyRow{What: historyWhat(pg, e), By: e.By, At: web.FormatTime(e.At, "2006-01-02 15:04")})
	}
	if hits != nil {
		d.Hits, d.Searched = *hits, true
	}
	pg.Crumbs = []web.Crumb{{Label: pg.T("congress.list.title"), URL: web.ListBack(r, "/congress")}, {Label: pg.Title}}
	pg.Data = d
	h.Render(w, status, "congress_show", pg)
	return nil
}

// act: POST /congress/sessions/{id}/{action}.
func (h *Pages) act(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := web.IDParam(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	action := r.PathValue("action")
	anchor := ""
	switch action {
	case "status":
		_, err = h.Congress.SetStatus(ctx, p, id, congress.SessionStatus(web.FormValue(r, "status")))
	case "edit":
		version, _ := strconv.Atoi(web.FormValue(r, "version"))
		_, err = h.Congress.EditSession(ctx, p, id, version, congress.SessionEdit{Title: r.PostFormValue("session_title"), HeldOn: web.FormValue(r, "held_on"),
			Place: r.PostFormValue("place")})
		// The page has other forms with a "title" (an agenda item's, a
		// motion's): the session's is named apart.
		if e, ok := errs.As(err); ok && e.Fields != nil {
			if f, ok := e.Fields["title"]; ok {
				delete(e.Fields, "title")
				e.Fields["session_title"] = f
			}
		}
	case "agenda_move":
		anchor = "agenda"
		by := 1
		if web.FormValue(r, "by") == "up" {
			by = -1
		} else if web.FormValue(r, "by") != "down" {
			by = 0 // refused by the store as the field "direction"
		}
		_, err = h.Congress.MoveAgendaItem(ctx, p, web.ParseIDValue(web.FormValue(r, "item")), by)
	case "agenda_delete":
		anchor = "agenda"
		err = h.Congress.DeleteAgendaItem(ctx, p, web.ParseIDValue(web.FormValue(r, "item")))
	case "delegate":
		if web.FormValue(r, "find") != "" {
			return h.findMembers(w, r, p, id)
		}
		anchor = "delegates"
		_, err = h.Congress.AddDelegate(ctx, p, id, congress.DelegateInput{MemberID: web.ParseIDValue(web.FormValue(r, "member_id")),
			Category: congress.Category(web.FormValue(r, "category")), Gender: web.FormValue(r, "gender"), ElectedOn: web.FormValue(r, "elected_on")})
	case "remove":
		anchor = "delegates"
		err = h.Congress.RemoveDelegate(ctx, p, id, web.ParseIDValue(web.FormValue(r, "member_id")))
	case "attendance":
		anchor = "delegates"
		var ids []int64
		for _, v := range r.PostForm["present"] {
			if mid := web.ParseIDValue(v); mid != 0 {
				ids = append(ids, mid)
			}
		}
		_, err = h.Congress.SetAttendance(ctx, p, id, ids)
	case "agenda":
		anchor = "agenda"
		_, err = h.Congress.AddAgendaItem(ctx, p, id, congress.AgendaInput{Title: r.PostFormValue("title"), Note: r.PostFormValue("note")})
	case "vote":
		anchor = "agenda"
		f := errs.Fields{}
		var v congress.VoteInput
		web.ParseIntField(f, r, "for", 0, &v.For)
		web.ParseIntField(f, r, "against", 0, &v.Against)
		web.ParseIntField(f, r, "abstain", 0, &v.Abstain)
		if err = f.Err(); err == nil {
			_, err = h.Congress.RecordVote(ctx, p, web.ParseIDValue(web.FormValue(r, "item")), v)
		}
	case "ballots":
		anchor = "agenda"
		var bs []congress.Ballot
		if bs, err = congress.ParseBallots(r.PostForm); err == nil {
			_, err = h.Congress.NamedVote(ctx, p, web.ParseIDValue(web.FormValue(r, "item")), bs)
		}
	case "motion":
		anchor = "motions"
		_, err = h.Congress.Submit(ctx, p, id, congress.MotionInput{MemberID: web.ParseIDValue(web.FormValue(r, "member_id")),
			Title: r.PostFormValue("title"), Reason: r.PostFormValue("reason"), Proposal: r.PostFormValue("proposal")})
	default:
		return errs.NotFound("page")
	}
	if err != nil {
		if e, ok := errs.As(err); ok && e.Kind != errs.KindInternal && e.Kind != errs.KindNotFound {
			return h.renderShow(w, r, p, action, err, nil)
		}
		return err
	}
	if anchor != "" {
		web.RedirectAnchor(w, r, sessionURL(id), anchor, "flash.congress."+action)
	} else {
		web.Redirect(w, r, sessionURL(id), "flash.congress."+action)
	}
	return nil
}

// findMembers searches the registry for members of the session's union
// (masked as the registry shows them) and shows the page again with them.
func (h *Pages) findMembers(w http.ResponseWriter, r *http.Request, p *auth.Principal, id int64) error {
	ses, err := h.Congress.Session(r.Context(), p, id)
	if err != nil {
		return err
	}
	q := web.FormValue(r, "mq")
	if q == "" {
		return h.renderShow(w, r, p, "delegate", errs.Fields{"mq": {Key: "field.required"}}.Err(), nil)
	}
	ms, _, err := h.Members.List(r.Context(), p, member.Query{Q: q, Org: ses.OrgID, Status: member.StatusActive, Limit: 20})
	if err != nil {
		if e, ok := errs.As(err); ok && e.Kind != errs.KindInternal {
			return h.renderShow(w, r, p, "delegate", err, nil)
		}
		return err
	}
	hits := []hit{}
	for _, m := range ms {
		hits = append(hits, hit{ID: db.FormatID(m.ID), Name: m.Name, OrgName: m.OrgName, IDNumber: m.IDNumber})
	}
	return h.renderShow(w, r, p, "delegate", nil, &hits)
}
