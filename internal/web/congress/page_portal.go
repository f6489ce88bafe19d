package congress

import (
	"net/http"

	"gonghui/internal/auth"
	"gonghui/internal/congress"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
	"gonghui/internal/web"
)

// The congress in the members' portal, phone first: /m/congress (the
// sessions the member is a delegate of, motions waiting for their second,
// their own motions, the open-affairs items for them), a session's page,
// the motion form, a motion (second it, rate the answer) and an item.

type portalData struct {
	Sessions []sessionRow
	ToSecond []motionRow
	Mine     []motionRow
	Affairs  []affairRow
	Unread   int
}

func (h *Pages) portal(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	mine, err := h.Congress.Mine(r.Context(), p)
	if err != nil {
		return err
	}
	pg := h.MemberPage(w, r, "congress.portal.title", "congress")
	d := portalData{Unread: h.Unread(r.Context(), p.MemberID)}
	for i := range mine.Sessions {
		v := sessionRowOf(pg.Lang, &mine.Sessions[i])
		v.URL = memberSessionURL(mine.Sessions[i].ID)
		d.Sessions = append(d.Sessions, v)
	}
	for i := range mine.ToSecond {
		d.ToSecond = append(d.ToSecond, motionRowOf(pg.Lang, &mine.ToSecond[i], memberMotionURL(mine.ToSecond[i].ID)))
	}
	for i := range mine.Mine {
		d.Mine = append(d.Mine, motionRowOf(pg.Lang, &mine.Mine[i], memberMotionURL(mine.Mine[i].ID)))
	}
	for _, a := range mine.Affairs {
		d.Affairs = append(d.Affairs, affairRow{ID: db.FormatID(a.ID), Title: a.Title, Employer: a.EmployerName,
			Category: affairCategoryLabel(pg.Lang, a.Category), Published: web.FormatTime(a.PublishedAt, "2006-01-02"), New: !a.Read})
	}
	pg.Data = d
	h.Render(w, http.StatusOK, "congress_portal", pg)
	return nil
}

type portalSessionData struct {
	S         sessionRow
	ID        string
	Agenda    []agendaRow
	Motions   []motionRow
	Delegates int
	Open      bool
	Unread    int
}

func (h *Pages) portalSession(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := web.IDParam(r, "id")
	if err != nil {
		return err
	}
	v, err := h.Congress.DelegateSession(r.Context(), p, id)
	if err != nil {
		return err
	}
	pg := h.MemberPage(w, r, "", "congress")
	pg.Title = v.EmployerName + " " + sessionName(pg.Lang, v.Term, v.Meeting)
	d := portalSessionData{S: sessionRowOf(pg.Lang, &v.Session), ID: db.FormatID(id), Delegates: len(v.Delegates),
		Open: v.Status != congress.SessionClosed, Unread: h.Unread(r.Context(), p.MemberID)}
	for _, it := range v.Agenda {
		a := agendaRow{Title: it.Title, Note: it.Note, Voted: it.VotedAt != nil, Passed: it.Passed, For: it.For, Against: it.Against, Abstain: it.Abstain}
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
		d.Motions = append(d.Motions, motionRowOf(pg.Lang, &v.MotionList[i], memberMotionURL(v.MotionList[i].ID)))
	}
	pg.Data = d
	h.Render(w, http.StatusOK, "congress_portal_session", pg)
	return nil
}

type portalFormData struct {
	Session, Action, Back string
	MaxTitle              int
	MaxText               int
	MinText               int
	Unread                int
}

func (h *Pages) portalMotionForm(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return h.renderPortalForm(w, r, p, nil)
}

func (h *Pages) renderPortalForm(w http.ResponseWriter, r *http.Request, p *auth.Principal, err error) error {
	id, ierr := web.IDParam(r, "id")
	if ierr != nil {
		return ierr
	}
	v, serr := h.Congress.DelegateSession(r.Context(), p, id)
	if serr != nil {
		return serr
	}
	pg := h.MemberPage(w, r, "congress.portal.new_motion", "congress")
	pg.Path = memberSessionURL(id) + "/motion"
	status := http.StatusOK
	if err != nil {
		f, ok := web.FormFrom(pg, r, err)
		if !ok {
			return err
		}
		pg.Form, status = f, httpx.Status(err)
	}
	pg.Data = portalFormData{Session: v.EmployerName + " " + sessionName(pg.Lang, v.Term, v.Meeting), Action: pg.Path, Back: memberSessionURL(id),
		MaxTitle: congress.MaxTitle, MaxText: congress.MaxText, MinText: congress.MinMotion, Unread: h.Unread(r.Context(), p.MemberID)}
	h.Render(w, status, "congress_portal_form", pg)
	return nil
}

func (h *Pages) portalSubmit(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := web.IDParam(r, "id")
	if err != nil {
		return err
	}
	m, err := h.Congress.Submit(r.Context(), p, id, congress.MotionInput{Title: r.PostFormValue("title"), Reason: r.PostFormValue("reason"),
		Proposal: r.PostFormValue("proposal")})
	if err != nil {
		return h.renderPortalForm(w, r, p, err)
	}
	web.Redirect(w, r, memberMotionURL(m.ID), "flash.congress.submitted")
	return nil
}

type portalMotionData struct {
	M             motionRow
	V             *congress.MotionView
	URL           string
	Session       string
	SessionURL    string
	Rating, First string
	RatingOptions []web.Option
	Unread        int
}

func (h *Pages) portalMotion(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return h.renderPortalMotion(w, r, p, nil)
}

func (h *Pages) renderPortalMotion(w http.ResponseWriter, r *http.Request, p *auth.Principal, err error) error {
	id, ierr := web.IDParam(r, "id")
	if ierr != nil {
		return ierr
	}
	v, lerr := h.Congress.MemberMotion(r.Context(), p, id)
	if lerr != nil {
		return lerr
	}
	pg := h.MemberPage(w, r, "", "congress")
	pg.Title = v.Title
	pg.Path = memberMotionURL(id)
	status := http.StatusOK
	if err != nil {
		f, ok := web.FormFrom(pg, r, err)
		if !ok {
			return err
		}
		pg.Form, status = f, httpx.Status(err)
	}
	d := portalMotionData{M: motionRowOf(pg.Lang, &v.Motion, memberMotionURL(id)), V: v, URL: memberMotionURL(id),
		Session: v.EmployerName + " " + sessionName(pg.Lang, v.Term, v.Meeting), SessionURL: memberSessionURL(v.SessionID),
		RatingOptions: web.EnumOptions(pg.Lang, congress.Ratings, ratingLabel), Unread: h.Unread(r.Context(), p.MemberID)}
	if v.Rating != "" {
		d.Rating = ratingLabel(pg.Lang, v.Rating)
	}
	if v.FirstRating != "" {
		d.First = ratingLabel(pg.Lang, v.FirstRating)
	}
	pg.Data = d
	h.Render(w, status, "congress_portal_motion", pg)
	return nil
}

func (h *Pages) portalSecond(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := web.IDParam(r, "id")
	if err != nil {
		return err
	}
	if _, err := h.Congress.Second(r.Context(), p, id); err != nil {
		if errs.Is(err, errs.KindConflict) {
			return h.renderPortalMotion(w, r, p, err)
		}
		return err
	}
	web.Redirect(w, r, memberMotionURL(id), "flash.congress.seconded")
	return nil
}

// portalWithdraw: the delegate takes back their motion before review.
func (h *Pages) portalWithdraw(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := web.IDParam(r, "id")
	if err != nil {
		return err
	}
	if _, err := h.Congress.WithdrawMotion(r.Context(), p, id); err != nil {
		if errs.Is(err, errs.KindConflict) {
			return h.renderPortalMotion(w, r, p, err)
		}
		return err
	}
	web.Redirect(w, r, memberMotionURL(id), "flash.congress.motion_withdrawn")
	return nil
}

func (h *Pages) portalRate(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := web.IDParam(r, "id")
	if err != nil {
		return err
	}
	if _, err := h.Congress.Rate(r.Context(), p, id, congress.Rating(web.FormValue(r, "rating"))); err != nil {
		return h.renderPortalMotion(w, r, p, err)
	}
	web.Redirect(w, r, memberMotionURL(id), "flash.congress.rated")
	return nil
}

type portalAffairData struct {
	A      affairRow
	Unread int
}

func (h *Pages) portalAffair(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := web.IDParam(r, "id")
	if err != nil {
		return err
	}
	a, err := h.Congress.ReadAffair(r.Context(), p, id)
	if err != nil {
		return err
	}
	pg := h.MemberPage(w, r, "", "congress")
	pg.Title = a.Title
	pg.Data = portalAffairData{A: affairRow{Title: a.Title, Body: a.Body, Employer: a.EmployerName, Category: affairCategoryLabel(pg.Lang, a.Category),
		Published: web.FormatTime(a.PublishedAt, "2006-01-02"), Reads: a.Reads}, Unread: h.Unread(r.Context(), p.MemberID)}
	h.Render(w, http.StatusOK, "congress_portal_affair", pg)
	return nil
}
