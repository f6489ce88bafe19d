package mailbox

import (
	"net/http"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
	"gonghui/internal/i18n"
	"gonghui/internal/mailbox"
	"gonghui/internal/web"
)

// A letter's staff page (/letters/{id}): what the writer wrote (the
// writer only when not anonymous), its photos and history, and the forms
// of what the caller may do now. Each form posts to
// /letters/{id}/{action}; a refused one comes back with its fields kept
// and its errors beside them.

// forwardPick is the forward form's organisation: any where the caller
// acts on letters (the store refuses one outside the addressee's line).
var forwardPick = web.PickerSpec{Field: "org_id", QField: "org_q", Perm: auth.PermLetterWrite, Required: true}

// eventRow is one entry of the history.
type eventRow struct {
	When, What, Body, By string
	StatusLabel, StatusV string
	Answer, Writer       bool
}

func eventOf(lang i18n.Lang, e *mailbox.Event, staff bool) eventRow {
	v := eventRow{When: web.FormatTime(e.At, "2006-01-02 15:04"), Body: e.Body, Answer: e.Kind == mailbox.EvAnswered, Writer: e.Writer}
	switch e.Kind {
	case mailbox.EvForwarded:
		v.What = i18n.T(lang, "mailbox.ev.forwarded", e.FromOrg, e.ToOrg)
	case mailbox.EvRated:
		v.What, v.Body = i18n.T(lang, "mailbox.ev.rated", ratingLabel(lang, mailbox.Rating(e.Body))), ""
	default:
		v.What = i18n.T(lang, "mailbox.ev."+e.Kind)
	}
	if e.Status != "" {
		v.StatusLabel, v.StatusV = statusLabel(lang, e.Status), statusVariant(e.Status)
	}
	switch {
	case e.Writer && staff:
		v.By = i18n.T(lang, "mailbox.ev.by_writer")
	case e.Writer:
		v.By = i18n.T(lang, "mailbox.ev.by_me")
	case staff && e.By != "":
		v.By = e.By + " · " + e.OrgName
	default:
		v.By = e.OrgName
	}
	return v
}

// photoView is a photo's address.
type photoView struct{ URL, Alt string }

// showData is the Data of a letter's page.
type showData struct {
	L         letterRow
	Body      string
	Handler   string
	Rating    string
	Events    []eventRow
	Photos    []photoView
	Can       mailbox.Can
	URL       string
	Forward   *web.OrgPicker
	Failed    string // the form that came back refused: its section opens
	MaxAnswer int
	MaxReason int
	Back      string
}

func (h *Pages) show(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return h.renderShow(w, r, p, "", nil)
}

// renderShow renders a letter's page; failed names the form that came
// back with err (nil: a picker's search), "" for a plain view.
func (h *Pages) renderShow(w http.ResponseWriter, r *http.Request, p *auth.Principal, failed string, err error) error {
	if !mayUse(p) {
		return errs.Forbidden()
	}
	id, ierr := web.IDParam(r, "id")
	if ierr != nil {
		return ierr
	}
	th, lerr := h.Letters.Get(r.Context(), p, id)
	if lerr != nil {
		return lerr
	}
	pg := h.Page(w, r, p, "", "letters")
	pg.Title = th.Subject
	pg.Path = letterURL(id)
	status := http.StatusOK
	if failed != "" {
		if !h.FormAgain(w, r, p, pg, err) {
			return nil
		}
		status = web.FormStatus(err)
	}
	d := &showData{L: rowOf(pg.Lang, &th.Letter, th.Can.Accept), Body: th.Body, Handler: th.Handler, Events: []eventRow{}, Can: th.Can,
		URL: letterURL(id), Failed: failed, MaxAnswer: mailbox.MaxAnswer, MaxReason: mailbox.MaxReason,
		Back: web.ListBack(r, "/letters")}
	if th.Rating != "" {
		d.Rating = ratingLabel(pg.Lang, th.Rating)
	}
	for i := range th.Events {
		d.Events = append(d.Events, eventOf(pg.Lang, &th.Events[i], true))
	}
	for i, ph := range th.PhotoList {
		d.Photos = append(d.Photos, photoView{URL: d.URL + "/photos/" + db.FormatID(ph.ID), Alt: pg.T("mailbox.photo_n", i+1)})
	}
	if th.Can.Forward {
		spec := forwardPick
		spec.Label, spec.Hint = pg.T("mailbox.forward.to"), pg.T("mailbox.forward.hint")
		value := ""
		if failed == "forward" {
			value = web.FormValue(r, forwardPick.Field)
		}
		var perr error
		if d.Forward, perr = h.OrgPicker(r, p, spec, value); perr != nil {
			return perr
		}
	}
	pg.Crumbs = []web.Crumb{{Label: pg.T("mailbox.list.title"), URL: d.Back}, {Label: th.Subject}}
	pg.Data = d
	h.Render(w, status, "letter_show", pg)
	return nil
}

// act: POST /letters/{id}/{action}: accept, answer, forward, decline or
// close.
func (h *Pages) act(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := web.IDParam(r, "id")
	if err != nil {
		return err
	}
	action := r.PathValue("action")
	ctx := r.Context()
	flash := "flash.mailbox." + action
	switch action {
	case "accept":
		_, err = h.Letters.Accept(ctx, p, id, web.FormValue(r, "handler"))
	case "answer":
		_, err = h.Letters.Answer(ctx, p, id, r.PostFormValue("text"))
	case "forward":
		if web.PickerAsked(r) {
			return h.renderShow(w, r, p, "forward", nil)
		}
		f := errs.Fields{}
		org, perr := h.PickedOrg(r, p, forwardPick, f)
		if perr != nil {
			return perr
		}
		if f.Err() == nil && org == 0 {
			f.Add(forwardPick.Field, "field.required")
		}
		if err = f.Err(); err == nil {
			_, err = h.Letters.Forward(ctx, p, id, org, web.FormValue(r, "note"))
		}
	case "decline":
		_, err = h.Letters.Decline(ctx, p, id, r.PostFormValue("reason"))
	case "close":
		_, err = h.Letters.Close(ctx, p, id, web.FormValue(r, "close_note"))
		err = renamed(err, "note", "close_note")
	default:
		return errs.NotFound("page")
	}
	if err != nil {
		if _, ok := errs.As(err); ok && httpx.Status(err) < 500 && !errs.Is(err, errs.KindNotFound) {
			return h.renderShow(w, r, p, action, err)
		}
		return err
	}
	web.Redirect(w, r, letterURL(id), flash)
	return nil
}

// renamed moves a field error of err from one form field to another: the
// letter's page has two "note" fields, and each form names its own.
func renamed(err error, from, to string) error {
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

// photo: GET /letters/{id}/photos/{pid} (staff) and /m/letters/... (the
// writer): the store decides who may see it.
func (h *Pages) photo(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := web.IDParam(r, "id")
	var pid int64
	if err == nil {
		pid, err = web.IDParam(r, "pid")
	}
	var ct string
	var data []byte
	if err == nil {
		ct, data, err = h.Letters.PhotoData(r.Context(), p, id, pid)
	}
	if err != nil {
		return err
	}
	_ = httpx.ServeUpload(w, ct, data, "private, no-cache")
	return nil
}
