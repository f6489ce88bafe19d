package activities

import (
	"context"
	"net/http"
	"time"

	"gonghui/internal/activity"
	"gonghui/internal/auth"
	"gonghui/internal/errs"
	"gonghui/internal/web"
	"gonghui/internal/web/signup"
)

// Check-in from the members' portal: a checkpoint's QR code opens
// /m/checkin on the phone; showing the page never checks in, its big
// button does.

// pactCheckinView describes what a code leads to, before checking in:
// the activity and checkpoint, whether the member already holds the stamp,
// and a reason that makes checking in pointless now ("" = go ahead).
func (h *Pages) pactCheckinView(ctx context.Context, pg *web.Page, p *auth.Principal, code string) (*pactCheckinData, string) {
	d := &pactCheckinData{Checkin: signup.Checkin{Code: code}}
	c, err := activity.ParseCode(code)
	if err != nil {
		return d, signup.RefusalMessage(pg.Lang, err)
	}
	ma, err := h.Acts.MemberView(ctx, p.MemberID, c.ActivityID)
	if err != nil {
		if errs.Is(err, errs.KindNotFound) {
			return d, pg.T("activity.code.forged")
		}
		return d, signup.RefusalMessage(pg.Lang, err)
	}
	a := &ma.Activity
	d.Title, d.ActivityURL, d.When, d.Venue = a.Title, web.MemberActivityURL(a.ID), signup.When(pg.Lang, a.StartsAt, a.EndsAt), a.Venue
	found := false
	for _, cp := range a.Checkpoints {
		if cp.ID == c.CheckpointID {
			found = true
			d.Checkpoint = cp.Name
		}
	}
	if !found {
		return d, pg.T("activity.code.forged")
	}
	if d.Checkpoint == "" {
		d.Checkpoint = pg.T("activity.checkpoint.main")
	}
	if ma.Card != nil {
		for _, st := range ma.Card.Stamps {
			if st.CheckpointID == c.CheckpointID && st.At != nil {
				d.Done(false, signup.Clock(pg.Lang, *st.At))
				if pactShowsCard(a, ma.Card) {
					d.Card = pactCardOf(pg.Lang, ma.Card, c.CheckpointID)
				}
				return d, ""
			}
		}
	}
	now := time.Now()
	reg := ma.Registration
	switch {
	case a.Status != activity.StatusPublished || now.After(a.EndsAt):
		return d, pg.T("activity.checkin_closed")
	case now.Before(a.StartsAt.Add(-activity.CheckInLead)):
		return d, pg.T("portal.act.checkin.opens", signup.Moment(pg.Lang, a.StartsAt.Add(-activity.CheckInLead)))
	case reg != nil && (reg.Status == activity.RegConfirmed || reg.Status == activity.RegWalkIn):
	case a.WalkIns:
	case reg != nil && reg.Status == activity.RegWaiting:
		return d, pg.T("portal.act.checkin.waiting")
	case reg != nil && reg.Status == activity.RegPending:
		return d, pg.T("portal.act.checkin.pending")
	default:
		return d, pg.T("activity.not_registered")
	}
	d.CanCheckIn = true
	return d, ""
}

// pactCheckin serves the check-in pages of an activity's codes.
func (h *Pages) pactCheckin() signup.CheckinPages[*pactCheckinData] {
	return signup.CheckinPages[*pactCheckinData]{K: h.Kernel, Title: "portal.act.checkin.title", Template: "pact_checkin",
		View: h.pactCheckinView, Refusing: func(d *pactCheckinData) { d.Card = nil }}
}

// pactCheckinPage: GET /m/checkin?code=…, what a checkpoint's QR code
// opens (the kernel dispatches by the code's prefix).
func (h *Pages) pactCheckinPage(w http.ResponseWriter, r *http.Request, p *auth.Principal, code string) error {
	if len(code) > activity.MaxCodeLen {
		code = ""
	}
	return h.pactCheckin().Show(w, r, p, code)
}

// pactCheckinSubmit: POST /m/checkin, the big button. A second press
// answers "already checked in".
func (h *Pages) pactCheckinSubmit(w http.ResponseWriter, r *http.Request, p *auth.Principal, code string) error {
	if len(code) > activity.MaxCodeLen {
		code = code[:activity.MaxCodeLen+1] // ParseCode refuses it as malformed
	}
	pages := h.pactCheckin()
	pg := pages.Page(w, r, code)
	ci, made, err := h.Acts.CheckIn(r.Context(), p, 0, activity.CheckInInput{Code: code})
	if err != nil {
		if !pages.Refused(w, r, p, pg, code, err, "activity.code.forged") {
			return err
		}
		return nil
	}
	d := &pactCheckinData{Checkin: signup.Checkin{Code: code, Title: ci.ActivityTitle},
		ActivityURL: web.MemberActivityURL(ci.ActivityID), Checkpoint: ci.CheckpointName}
	d.Done(made, signup.Clock(pg.Lang, ci.At))
	if d.Checkpoint == "" {
		d.Checkpoint = pg.T("activity.checkpoint.main")
	}
	if ma, err := h.Acts.MemberView(r.Context(), p.MemberID, ci.ActivityID); err == nil {
		d.When, d.Venue = signup.When(pg.Lang, ma.StartsAt, ma.EndsAt), ma.Venue
		if pactShowsCard(&ma.Activity, ma.Card) {
			just := ci.CheckpointID
			if !made {
				just = 0
			}
			d.Card = pactCardOf(pg.Lang, ma.Card, just)
		}
	}
	pages.Render(w, r, p, pg, d, http.StatusOK)
	return nil
}

// ---------- notices ----------
