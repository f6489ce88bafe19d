package rights

import (
	"net/http"
	"slices"
	"strconv"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
	"gonghui/internal/i18n"
	"gonghui/internal/rights"
	"gonghui/internal/web"
)

// A case's staff page (/cases/{id}): the facts, the workers (masked; the
// reveal form shows them in full, audited), claims, evidence, timeline and
// notes (a confidential one opens on its own page, each read audited),
// and the forms of what the caller may do now, each posting to
// /cases/{id}/{action}; a refused one comes back with its fields kept and
// its errors beside them.

// downPick is the transfer form's union below: any where the caller acts
// on cases (the store refuses one outside the case's subtree).
var downPick = web.PickerSpec{Field: "down_org_id", QField: "down_q", Perm: auth.PermCaseWrite}

// eventRow is one entry of the timeline.
type eventRow struct {
	When, What, Body, By string
	StatusLabel, StatusV string
	Worker               bool
}

func eventOf(lang i18n.Lang, e *rights.Event, staff bool) eventRow {
	v := eventRow{When: web.FormatTime(e.At, "2006-01-02 15:04"), Body: e.Body, Worker: e.Worker}
	switch e.Kind {
	case rights.EvTransferred:
		v.What = i18n.T(lang, "case.ev.transferred", e.FromOrg, e.ToOrg)
	case rights.EvRated:
		v.What, v.Body = i18n.T(lang, "case.ev.rated", ratingLabel(lang, rights.Rating(e.Body))), ""
	case rights.EvAccepted, rights.EvAssigned:
		v.What = i18n.T(lang, "case.ev."+e.Kind)
		if e.Body != "" {
			v.What, v.Body = i18n.T(lang, "case.ev."+e.Kind+"_to", e.Body), ""
		}
	case rights.EvClaims, rights.EvWorkerAdded, rights.EvWorkerEdited, rights.EvWorkerRemoved,
		rights.EvClaimAdded, rights.EvClaimEdited, rights.EvClaimRemoved:
		// The body is a worker's place in the list or the claims' new
		// total: part of the sentence.
		v.What, v.Body = i18n.T(lang, "case.ev."+e.Kind, e.Body), ""
	default:
		v.What = i18n.T(lang, "case.ev."+e.Kind)
	}
	if e.Status != "" {
		v.StatusLabel, v.StatusV = statusLabel(lang, e.Status), statusVariant(e.Status)
	}
	switch {
	case e.System:
		v.By = i18n.T(lang, "case.ev.by_system")
	case e.Worker && staff:
		v.By = i18n.T(lang, "case.ev.by_worker")
	case e.Worker:
		v.By = i18n.T(lang, "case.ev.by_me")
	case staff && e.By != "":
		v.By = e.By + " · " + e.OrgName
	default:
		v.By = e.OrgName
	}
	return v
}

// claimRow is one claim in words; URL is its edit page's (staff who may
// change it).
type claimRow struct{ Kind, Amount, Note, URL string }

func claimsView(lang i18n.Lang, cs []rights.Claim, base string) []claimRow {
	out := make([]claimRow, 0, len(cs))
	for _, c := range cs {
		row := claimRow{Kind: claimLabel(lang, c.Kind), Amount: rights.FormatFen(c.AmountFen), Note: c.Note}
		if base != "" {
			row.URL = base + "/claims/" + db.FormatID(c.ID)
		}
		out = append(out, row)
	}
	return out
}

// workerRow is one worker as the case's page lists them; URL is their
// edit page's (staff who may change them).
type workerRow struct {
	rights.Worker
	URL string
}

// fileRow is an evidence file's link.
type fileRow struct {
	URL, Name, Size string
	ByWorker, Image bool
}

func filesView(base string, fs []rights.File) []fileRow {
	out := make([]fileRow, 0, len(fs))
	for _, f := range fs {
		out = append(out, fileRow{URL: base + "/files/" + db.FormatID(f.ID), Name: f.Name, Size: strconv.Itoa(max(1, f.Size>>10)) + " KB",
			ByWorker: f.ByWorker, Image: f.ContentType != "application/pdf"})
	}
	return out
}

// noteRow is a note as the page lists it.
type noteRow struct {
	URL, By, When, Body string
	Confidential        bool
}

// showData is the Data of a case's page.
type showData struct {
	C                       caseRow
	Facts, CreditCode       string
	EmployerURL             string
	Workers                 []workerRow
	Revealed                bool
	ClaimKinds              []web.Option // the add-a-claim form's
	MaxName, MaxClaimNote   int
	Claims                  []claimRow
	Files                   []fileRow
	Events                  []eventRow
	Notes                   []noteRow
	Can                     rights.Can
	URL                     string
	Handlers                []web.Option
	Up                      []web.Option // the unions above, for a transfer up
	Down                    *web.OrgPicker
	Outcomes                []web.Option
	Failed                  string // the form that came back refused: its section opens
	Term                    string // how long the present stage may take, in words
	MaxNote, MaxReason      int
	MaxExtend, MaxFiles, MB int
	Back                    string
}

func (h *Pages) show(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return h.renderShow(w, r, p, "", nil, nil)
}

// renderShow renders a case's page; failed names the form that came back
// with err (nil: a picker's search), "" for a plain view; revealed are the
// workers in full after a reveal.
func (h *Pages) renderShow(w http.ResponseWriter, r *http.Request, p *auth.Principal, failed string, err error, revealed []rights.Worker) error {
	if !mayUse(p) {
		return errs.Forbidden()
	}
	id, ierr := web.IDParam(r, "id")
	if ierr != nil {
		return ierr
	}
	ctx := r.Context()
	th, lerr := h.Cases.Get(ctx, p, id)
	if lerr != nil {
		return lerr
	}
	pg := h.Page(w, r, p, "", "cases")
	pg.Title = th.Title
	pg.Path = caseURL(id)
	status := http.StatusOK
	if failed != "" {
		if !h.FormAgain(w, r, p, pg, err) {
			return nil
		}
		status = web.FormStatus(err)
	}
	editBase := ""
	if th.Can.Claims {
		editBase = caseURL(id)
	}
	d := &showData{C: rowOf(pg.Lang, &th.Case), Facts: th.Facts, CreditCode: th.CreditCode, Can: th.Can, URL: caseURL(id),
		Claims: claimsView(pg.Lang, th.Claims, editBase), Files: filesView(caseURL(id), th.Files), Failed: failed, MaxNote: rights.MaxNote,
		MaxReason: rights.MaxReason, MaxExtend: rights.MaxExtendDays, MaxFiles: rights.MaxFiles, MB: rights.MaxFileSize >> 20,
		Back: web.ListBack(r, "/cases"), Events: []eventRow{}, MaxName: rights.MaxName, MaxClaimNote: rights.MaxEmployer}
	ws := th.WorkerList
	if revealed != nil {
		ws, d.Revealed = revealed, true
	}
	for _, wk := range ws {
		row := workerRow{Worker: wk}
		if th.Can.Workers {
			row.URL = caseURL(id) + "/workers/" + db.FormatID(wk.ID)
		}
		d.Workers = append(d.Workers, row)
	}
	if th.Can.Claims {
		d.ClaimKinds = web.EnumOptions(pg.Lang, rights.ClaimKinds, claimLabel)
	}
	if th.EmployerID != 0 && p.Can(auth.PermOrgRead) {
		d.EmployerURL = "/employers/" + db.FormatID(th.EmployerID)
	}
	term := rights.TermOf(th.Kind)
	if slices.Contains(rights.Waiting, th.Status) {
		term = rights.AcceptTerm
	}
	if term.Working {
		d.Term = pg.T("case.term.working", term.Days)
	} else {
		d.Term = pg.T("case.term.calendar", term.Days)
	}
	for i := range th.Events {
		d.Events = append(d.Events, eventOf(pg.Lang, &th.Events[i], true))
	}
	for _, n := range th.Notes {
		nr := noteRow{By: n.By, When: web.FormatTime(n.At, "2006-01-02 15:04"), Body: n.Body, Confidential: n.Confidential}
		if n.Confidential && th.Can.Confidential {
			nr.URL = d.URL + "/notes/" + db.FormatID(n.ID)
		}
		d.Notes = append(d.Notes, nr)
	}
	if th.Can.Accept || th.Can.Assign {
		hs, herr := h.Cases.Handlers(ctx, p, id)
		if herr != nil {
			return herr
		}
		for _, hd := range hs {
			d.Handlers = append(d.Handlers, web.Option{Value: db.FormatID(hd.UserID), Label: hd.Name + " · " + hd.OrgName})
		}
	}
	if th.Can.Transfer {
		up, uerr := h.Cases.Above(ctx, p, id)
		if uerr != nil {
			return uerr
		}
		for _, u := range up {
			d.Up = append(d.Up, web.Option{Value: db.FormatID(u.OrgID), Label: u.Name})
		}
		spec := downPick
		spec.Label, spec.Hint = pg.T("case.transfer.down"), pg.T("case.transfer.down_hint")
		value := ""
		if failed == "transfer" {
			value = web.FormValue(r, downPick.Field)
		}
		var perr error
		if d.Down, perr = h.OrgPicker(r, p, spec, value); perr != nil {
			return perr
		}
	}
	if th.Can.Close {
		outs := []rights.Outcome{rights.OutcomeNotAccepted}
		if th.Status == rights.StatusHandling {
			outs = rights.OutcomesOf(th.Kind)
		}
		d.Outcomes = web.EnumOptions(pg.Lang, outs, outcomeLabel)
	}
	pg.Crumbs = []web.Crumb{{Label: pg.T("case.list.title"), URL: d.Back}, {Label: th.Title}}
	pg.Data = d
	h.Render(w, status, "case_show", pg)
	return nil
}

// act: POST /cases/{id}/{action}.
func (h *Pages) act(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := web.IDParam(r, "id")
	if err != nil {
		return err
	}
	action := r.PathValue("action")
	ctx := r.Context()
	version, _ := strconv.Atoi(web.FormValue(r, "version"))
	to, flash := caseURL(id), "flash.case."+action
	switch action {
	case "workers":
		_, err = h.Cases.AddWorker(ctx, p, id, rights.WorkerInput{Name: web.FormValue(r, "name"), IDNumber: web.FormValue(r, "id_number"),
			Mobile: web.FormValue(r, "mobile")}, version)
		to, flash = to+"#workers", "flash.case.worker_add"
	case "claims":
		_, err = h.Cases.AddClaim(ctx, p, id, claimOf(r, "claim_note"), version)
		err = renamedField(err, "note", "claim_note")
		to, flash = to+"#claims", "flash.case.claim_add"
	case "accept":
		_, err = h.Cases.Accept(ctx, p, id, web.ParseIDValue(web.FormValue(r, "handler_id")), version)
	case "assign":
		_, err = h.Cases.Assign(ctx, p, id, web.ParseIDValue(web.FormValue(r, "handler_id")), version)
	case "transfer":
		if web.PickerAsked(r) {
			return h.renderShow(w, r, p, action, nil, nil)
		}
		f := errs.Fields{}
		down, perr := h.PickedOrg(r, p, downPick, f)
		if perr != nil {
			return perr
		}
		up := web.ParseIDValue(web.FormValue(r, "up_org_id"))
		switch {
		case f.Err() != nil:
		case up != 0 && down != 0:
			f.Add("up_org_id", "case.transfer_one")
		case up == 0 && down == 0:
			f.Add("up_org_id", "field.required")
		}
		if err = f.Err(); err == nil {
			var c *rights.Case
			if c, err = h.Cases.Transfer(ctx, p, id, up+down, web.FormValue(r, "note"), version); err == nil &&
				!p.CanAt(auth.PermCaseRead, c.OrgPath()) && !p.CanAt(auth.PermCaseWrite, c.OrgPath()) {
				to = "/cases" // handed up, out of the caller's sight
			}
			err = renamedField(err, "org_id", "up_org_id")
		}
	case "extend":
		days, _ := strconv.Atoi(web.FormValue(r, "days"))
		_, err = h.Cases.Extend(ctx, p, id, days, web.FormValue(r, "extend_note"), version)
		err = renamedField(err, "note", "extend_note")
	case "close":
		_, err = h.Cases.Close(ctx, p, id, rights.CloseInput{Outcome: rights.Outcome(web.FormValue(r, "outcome")), Recovered: web.FormValue(r, "recovered"),
			Note: web.FormValue(r, "close_note"), Version: version})
		err = renamedField(err, "note", "close_note")
	case "notes":
		_, err = h.Cases.AddNote(ctx, p, id, r.PostFormValue("body"), web.FormValue(r, "confidential") == "1")
	case "reveal":
		ws, rerr := h.Cases.Reveal(ctx, p, id, web.FormValue(r, "reason"))
		if rerr != nil {
			return rerr
		}
		return h.renderShow(w, r, p, "", nil, ws)
	default:
		return errs.NotFound("page")
	}
	if err != nil {
		if _, ok := errs.As(err); ok && httpx.Status(err) < 500 && !errs.Is(err, errs.KindNotFound) {
			return h.renderShow(w, r, p, action, err, nil)
		}
		return err
	}
	web.Redirect(w, r, to, flash)
	return nil
}

// renamedField moves a field error of err from one form field to another:
// the case's page has several "note" fields, and each form names its own.
func renamedField(err error, from, to string) error {
	e, ok := errs.As(err)
	if !ok || e.Fields == nil {
		return err
	}
	if f, ok := e.Fields[from]; ok {
		e.Fields[to] = f
		delete(e.Fields, from)
	}
	return err
}

// addFiles: POST /cases/{id}/files (multipart).
func (h *Pages) addFiles(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := web.IDParam(r, "id")
	if err != nil {
		return err
	}
	f := errs.Fields{}
	files := readFiles(r, "file", f)
	if err = f.Err(); err == nil {
		if _, err = h.Cases.AddFiles(r.Context(), p, id, files); err == nil {
			web.Redirect(w, r, caseURL(id), "flash.case.files")
			return nil
		}
	}
	if _, ok := errs.As(err); ok && httpx.Status(err) < 500 && !errs.Is(err, errs.KindNotFound) {
		return h.renderShow(w, r, p, "files", err, nil)
	}
	return err
}

// noteData is the Data of a confidential note's page.
type noteData struct {
	Body, By, When, Back string
}

// note: GET /cases/{id}/notes/{nid}: one confidential note, for the
// handler and the supervisors; the store audits the read.
func (h *Pages) note(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := web.IDParam(r, "id")
	if err != nil {
		return err
	}
	nid, err := web.IDParam(r, "nid")
	if err != nil {
		return err
	}
	n, err := h.Cases.OpenNote(r.Context(), p, id, nid)
	if err != nil {
		return err
	}
	pg := h.Page(w, r, p, "case.note.title", "cases")
	pg.Data = noteData{Body: n.Body, By: n.By, When: web.FormatTime(n.At, "2006-01-02 15:04"), Back: caseURL(id) + "#notes"}
	pg.Crumbs = []web.Crumb{{Label: pg.T("case.list.title"), URL: "/cases"}, {Label: pg.T("case.note.back"), URL: caseURL(id)}, {Label: pg.T("case.note.title")}}
	w.Header().Set("Cache-Control", "no-store")
	h.Render(w, http.StatusOK, "case_note", pg)
	return nil
}

// file: GET /cases/{id}/files/{fid} (staff) and /m/cases/... (the
// worker): the store decides who may see it.
func (h *Pages) file(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := web.IDParam(r, "id")
	var fid int64
	if err == nil {
		fid, err = web.IDParam(r, "fid")
	}
	var ct string
	var data []byte
	if err == nil {
		_, ct, data, err = h.Cases.FileData(r.Context(), p, id, fid)
	}
	if err != nil {
		return err
	}
	_ = httpx.ServeUpload(w, ct, data, "private, no-cache")
	return nil
}
