package activities

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"gonghui/internal/activity"
	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
	"gonghui/internal/i18n"
	"gonghui/internal/web"
	"gonghui/internal/web/signup"
)

// An activity's page: its fields and the actions its status allows, the
// registrations (tabs by status, a name search, approve/reject, cancel,
// manual check-in), signing a member up, the check-ins, the attendance,
// the report, photos, prize redemption and importing a list to sign up
// (page_activities_import.go). Each form posts to its own address and
// comes back here: with a flash on success, or the page again with the
// form's errors in place.

// regView is a registration in the list.
type regView struct {
	MemberID, MemberURL, Name, OrgName string
	StatusLabel, StatusV, ViaLabel     string
	Created                            string
	Stamps                             int
	Pending, Live, CanCheckIn          bool
}

// checkInView is a check-in in the list.
type checkInView struct {
	MemberID, MemberURL, Name, OrgName, Checkpoint, At, ViaLabel string
}

// cpView is a checkpoint on the page.
type cpView struct {
	ID, Name, DisplayURL string
	Rotate               int
}

// photoView is a photo's thumbnail.
type photoView struct {
	ID, URL, Caption, DeleteURL string
}

// activityShowData is the Data of an activity's page.
type activityShowData struct {
	A                                 actRow
	Act                               *activity.Activity
	AudienceTags                      []string
	Coords                            string
	RegOpens, RegCloses, CancelBefore string
	CanWrite                          bool
	CanEdit, CanPublish, CanCancel    bool
	CanFinish, CheckInOpen, CanSignUp bool
	Checkpoints                       []cpView
	CheckpointOpts                    []web.Option
	Tab                               string
	Views                             []web.Tab // registrations or check-ins
	RegList                           *signup.List
	Regs                              []regView
	CheckIns                          []checkInView
	CIPager                           signup.Pager
	Att                               *activity.Attendance
	AttRate                           string
	Search                            signup.Search
	Import                            *importResult
	Photos                            []photoView
	MaxPhotoMB                        int
	FormName                          string
	ExportURL, ICSURL, ScanURL, URL   string
	CancelReason                      string
	HasStamps                         bool
	Report                            string
}

// showState is what a failed or answered form brings back to the page.
type showState struct {
	signup.State
	Import *importResult
}

func (h *Pages) activityShow(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	a, ok := h.activityFor(w, r, p)
	if !ok {
		return nil
	}
	h.renderActivityShow(w, r, p, a, showState{State: signup.State{Status: http.StatusOK}})
	return nil
}

func (h *Pages) renderActivityShow(w http.ResponseWriter, r *http.Request, p *auth.Principal, a *activity.Activity, st showState) {
	ctx := r.Context()
	pg := h.Page(w, r, p, "", "activities")
	pg.Title = a.Title
	base := activityURL(a.ID)
	if r.Method != http.MethodGet {
		pg.Path = base
	}
	pg.Crumbs = []web.Crumb{{Label: pg.T("aweb.list.title"), URL: web.ListBack(r, "/activities")}, {Label: a.Title}}
	pg.Form = st.Form
	now := time.Now()
	d := &activityShowData{A: actView(pg.Lang, a), Act: a, AudienceTags: web.TagLabels(pg.Lang, a.AudienceTags),
		RegOpens: web.FormatTime(a.RegOpensAt, "2006-01-02 15:04"), RegCloses: web.FormatTime(a.RegClosesAt, "2006-01-02 15:04"),
		CancelBefore: web.FormatTime(a.CancelBefore, "2006-01-02 15:04"), CanWrite: p.CanAt(auth.PermActivityWrite, a.OrgPath),
		CheckInOpen: a.CheckInOpen(now), FormName: st.FormName, Search: st.Search, Import: st.Import, MaxPhotoMB: activity.MaxPhotoBytes >> 20, URL: base,
		ExportURL: base + "/attendance.xlsx", ICSURL: base + "/calendar.ics", ScanURL: base + "/scan",
		CancelReason: a.CancelReason, HasStamps: a.StampsRequired > 0, Report: a.Report}
	if a.Lat != nil && a.Lng != nil {
		d.Coords = strconv.FormatFloat(*a.Lat, 'f', 6, 64) + ", " + strconv.FormatFloat(*a.Lng, 'f', 6, 64)
	}
	open := a.Status == activity.StatusDraft || a.Status == activity.StatusPublished
	d.CanEdit, d.CanCancel = d.CanWrite && open, d.CanWrite && open
	d.CanPublish = d.CanWrite && a.Status == activity.StatusDraft
	d.CanFinish = d.CanWrite && a.Status == activity.StatusPublished && !now.Before(a.StartsAt)
	d.CanSignUp = d.CanWrite && a.Status == activity.StatusPublished && now.Before(a.EndsAt)
	for _, c := range a.Checkpoints {
		d.Checkpoints = append(d.Checkpoints, cpView{ID: db.FormatID(c.ID), Name: checkpointName(pg.Lang, c), Rotate: c.RotateSeconds,
			DisplayURL: base + "/checkpoints/" + db.FormatID(c.ID) + "/display"})
	}
	d.CheckpointOpts = checkpointOptions(pg.Lang, a)

	// The registrations or the check-ins, a page at a time.
	d.Tab = "regs"
	if web.QueryValue(r, "tab") == "checkins" {
		d.Tab = "checkins"
	}
	d.Views = []web.Tab{
		{Label: pg.T("aweb.regs.tab_regs"), URL: web.SetQuery(web.SetQuery(pg.Path, "tab", ""), "ccursor", "") + "#registrations", Current: d.Tab == "regs"},
		{Label: pg.T("aweb.regs.tab_checkins"), URL: web.SetQuery(web.SetQuery(pg.Path, "tab", "checkins"), "rcursor", "") + "#registrations", Current: d.Tab == "checkins"},
	}
	d.RegList = signup.NewList(pg, r, base, signup.ListSpec{Prefix: "r", Anchor: "registrations", All: pg.T("aweb.regs.all"),
		Statuses: regStatuses.Options(pg.Lang, activity.RegStatuses), Clear: []string{"tab"}})
	if d.Tab == "regs" {
		l := d.RegList
		err := l.Load(pg, func() (string, error) {
			regs, next, err := h.Acts.Registrations(ctx, p, a.ID, activity.RegQuery{Status: activity.RegStatus(l.Status), Q: l.Q, After: l.Cursor, Limit: web.PageSize})
			for _, g := range regs {
				v := regView{MemberID: db.FormatID(g.MemberID), MemberURL: web.MemberURL(g.MemberID), Name: g.MemberName, OrgName: g.OrgName,
					StatusLabel: regStatusLabel(pg.Lang, g.Status), StatusV: regStatusVariant(g.Status),
					ViaLabel: i18n.T(pg.Lang, "activity.via."+g.Via), Created: web.FormatTime(g.CreatedAt, "2006-01-02 15:04"), Stamps: g.Stamps,
					Pending: g.Status == activity.RegPending,
					Live:    g.Status == activity.RegConfirmed || g.Status == activity.RegWaiting || g.Status == activity.RegPending}
				v.CanCheckIn = d.CanWrite && d.CheckInOpen && (g.Status == activity.RegConfirmed || g.Status == activity.RegWalkIn) && g.Stamps < len(a.Checkpoints)
				d.Regs = append(d.Regs, v)
			}
			return next, err
		})
		if err != nil {
			h.Fail(w, r, p, err)
			return
		}
	} else {
		d.CIPager = signup.NewPager(pg, r, "ccursor", "registrations")
		cis, next, err := h.Acts.CheckIns(ctx, p, a.ID, d.CIPager.Cursor, web.PageSize)
		if err != nil {
			h.Fail(w, r, p, err)
			return
		}
		for _, c := range cis {
			d.CheckIns = append(d.CheckIns, checkInView{MemberID: db.FormatID(c.MemberID), MemberURL: web.MemberURL(c.MemberID), Name: c.MemberName,
				OrgName: c.OrgName, Checkpoint: checkpointTitle(pg.Lang, c.CheckpointName), At: web.FormatTime(c.At, "2006-01-02 15:04:05"),
				ViaLabel: i18n.T(pg.Lang, "activity.checkin_via."+c.Via)})
		}
		d.CIPager.Paged(pg, next)
	}

	att, err := h.Acts.Attendance(ctx, p, a.ID)
	if err != nil {
		h.Fail(w, r, p, err)
		return
	}
	d.Att = att
	d.AttRate = "—"
	if att.Confirmed > 0 {
		d.AttRate = strconv.FormatFloat(att.Rate*100, 'f', 1, 64) + "%"
	}
	photos, err := h.Acts.Photos(ctx, p, a.ID)
	if err != nil {
		h.Fail(w, r, p, err)
		return
	}
	for _, ph := range photos {
		u := base + "/photos/" + db.FormatID(ph.ID)
		d.Photos = append(d.Photos, photoView{ID: db.FormatID(ph.ID), URL: u, Caption: ph.Caption, DeleteURL: u + "/delete"})
	}
	pg.Data = d
	h.Render(w, st.Status, "activity_show", pg)
}

// checkpointTitle names a checkpoint in a list (the default one has no name).
func checkpointTitle(lang i18n.Lang, name string) string {
	if strings.TrimSpace(name) == "" {
		return i18n.T(lang, "activity.checkpoint.main")
	}
	return name
}

// showFailed brings the page back after a form's error; false when the
// error is not about the form (the error page was written).
func (h *Pages) showFailed(w http.ResponseWriter, r *http.Request, p *auth.Principal, a *activity.Activity, formName string, err error) {
	pg := h.Page(w, r, p, "", "activities")
	form, ok := web.FormFrom(pg, r, err)
	if !ok {
		h.Fail(w, r, p, err)
		return
	}
	switch formName {
	case "redeem":
		// The prize form's inputs are named apart from the sign-up form's.
		for _, k := range []string{"member_id", "card"} {
			if msg, ok := form.Errors[k]; ok {
				delete(form.Errors, k)
				form.Errors["redeem_"+k] = msg
			}
		}
	case "regs", "status":
		// Forms without inputs of their own: the reason is the message.
		form.Message = web.ErrMessage(pg.Lang, err)
	}
	h.renderActivityShow(w, r, p, a, showState{State: signup.State{Form: form, FormName: formName, Status: httpx.Status(err)}})
}

// The page's forms (activityForms): changing the activity's status, the
// report, the registrations.

// activityForms serve the forms of an activity's page.
func (h *Pages) activityForms() signup.Forms[activity.Activity] {
	return signup.Forms[activity.Activity]{K: h.Kernel, Load: h.activityWritable, Failed: h.showFailed,
		URL: func(a *activity.Activity) string { return activityURL(a.ID) }}
}

func (h *Pages) activityPublish(r *http.Request, p *auth.Principal, a *activity.Activity) (string, error) {
	_, err := h.Acts.Publish(r.Context(), p, a.ID)
	return "flash.aweb.published", err
}

func (h *Pages) activityCancel(r *http.Request, p *auth.Principal, a *activity.Activity) (string, error) {
	_, err := h.Acts.Cancel(r.Context(), p, a.ID, web.FormValue(r, "reason"))
	return "flash.aweb.cancelled", err
}

func (h *Pages) activityFinish(r *http.Request, p *auth.Principal, a *activity.Activity) (string, error) {
	_, err := h.Acts.Finish(r.Context(), p, a.ID)
	return "flash.aweb.finished", err
}

func (h *Pages) activityReport(r *http.Request, p *auth.Principal, a *activity.Activity) (string, error) {
	_, err := h.Acts.SetReport(r.Context(), p, a.ID, strings.TrimSpace(r.PostFormValue("report")))
	return "flash.aweb.report_saved", err
}

// Registrations.

// activityMemberSearch shows the page with the members found to sign up.
func (h *Pages) activityMemberSearch(w http.ResponseWriter, r *http.Request, p *auth.Principal, a *activity.Activity, st signup.State) {
	h.renderActivityShow(w, r, p, a, showState{State: st})
}

func (h *Pages) activityRegister(r *http.Request, p *auth.Principal, a *activity.Activity, mid int64) (string, error) {
	reg, made, err := h.Acts.Register(r.Context(), p, a.ID, mid)
	switch {
	case err != nil:
		return "", err
	case !made:
		return "flash.aweb.already_registered", nil
	case reg.Status == activity.RegWaiting:
		return "flash.aweb.signed_up_waiting", nil
	}
	return "flash.aweb.signed_up", nil
}

func (h *Pages) activityDecide(r *http.Request, p *auth.Principal, a *activity.Activity, mid int64) (string, error) {
	approve := web.FormValue(r, "approve") == "1"
	_, err := h.Acts.Decide(r.Context(), p, a.ID, mid, approve)
	if approve {
		return "flash.aweb.approved", err
	}
	return "flash.aweb.rejected", err
}

func (h *Pages) activityUnregister(r *http.Request, p *auth.Principal, a *activity.Activity, mid int64) (string, error) {
	_, err := h.Acts.CancelRegistration(r.Context(), p, a.ID, mid)
	return "flash.aweb.registration_cancelled", err
}

// activityManualCheckIn ticks a member on the list as present.
func (h *Pages) activityManualCheckIn(r *http.Request, p *auth.Principal, a *activity.Activity) (string, error) {
	in := activity.CheckInInput{MemberID: web.ParseIDValue(web.FormValue(r, "member_id")), CheckpointID: web.ParseIDValue(web.FormValue(r, "checkpoint_id"))}
	if in.MemberID == 0 {
		return "", errs.Fields{"member_id": {Key: "field.required"}}.Err()
	}
	_, _, err := h.Acts.CheckIn(r.Context(), p, a.ID, in)
	return "flash.aweb.checked_in", err
}

// activityRedeem hands out the prize of a full stamp card: the member named
// by ID or by a scanned card.
func (h *Pages) activityRedeem(r *http.Request, p *auth.Principal, a *activity.Activity) (string, error) {
	in := activity.CheckInInput{Card: web.FormValue(r, "redeem_card")}
	if s := web.FormValue(r, "redeem_member_id"); s != "" {
		if in.MemberID = web.ParseIDValue(s); in.MemberID == 0 {
			return "", errs.Fields{"member_id": {Key: "field.invalid_id"}}.Err()
		}
	}
	_, err := h.Acts.RedeemPrize(r.Context(), p, a.ID, in)
	return "flash.aweb.redeemed", err
}
