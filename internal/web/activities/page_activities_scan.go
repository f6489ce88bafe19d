package activities

import (
	"bytes"
	"io"
	"net/http"
	"time"

	"gonghui/internal/activity"
	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/i18n"
	"gonghui/internal/web"
	"gonghui/internal/web/signup"
)

// The venue's side of an activity: a checkpoint's screen with its QR code
// (members scan it with their phones), the staff's scanner (staff scan
// members' cards, to check them in or hand out a prize), and the
// downloads (attendance workbook, calendar file).

// checkpointOf finds the {cp} checkpoint of an activity.
func checkpointOf(r *http.Request, a *activity.Activity) (*activity.Checkpoint, error) {
	id, err := web.IDParam(r, "cp")
	if err != nil {
		return nil, err
	}
	for i := range a.Checkpoints {
		if a.Checkpoints[i].ID == id {
			return &a.Checkpoints[i], nil
		}
	}
	return nil, errs.NotFound("checkpoint")
}

// checkpointScreen finds the {cp} checkpoint of the activity the caller
// may change, and the code it shows now; false when there is none: err
// says why, or (err nil) the error page was answered already.
func (h *Pages) checkpointScreen(w http.ResponseWriter, r *http.Request, p *auth.Principal) (*activity.Activity, *activity.Checkpoint, *signup.CheckpointCode, bool, error) {
	a, ok := h.activityWritable(w, r, p)
	if !ok {
		return nil, nil, nil, false, nil
	}
	cp, err := checkpointOf(r, a)
	if err != nil {
		return nil, nil, nil, false, err
	}
	code, until, err := h.Acts.CheckpointCode(r.Context(), p, a.ID, cp.ID)
	if err != nil {
		return nil, nil, nil, false, err
	}
	return a, cp, signup.NewCode(h.Kernel, r, code, activityURL(a.ID)+"/checkpoints/"+db.FormatID(cp.ID), until), true, nil
}

// CheckpointCode is the current code of the {cp} checkpoint, for its
// picture (GET .../qr.png) and the screen's script (GET .../code).
func (h *Pages) checkpointCode(w http.ResponseWriter, r *http.Request, p *auth.Principal) (*signup.CheckpointCode, bool, error) {
	_, _, code, ok, err := h.checkpointScreen(w, r, p)
	return code, ok, err
}

// displayData is the Data of a checkpoint's screen.
type displayData struct {
	A               actRow
	Checkpoint      string
	Code            *signup.CheckpointCode
	CodeJSON        string
	Back            string
	CheckInOpen     bool
	CheckInFrom     string
	RotateSeconds   int
	OtherCheckpoint []cpView
}

// checkpointDisplay: GET /activities/{id}/checkpoints/{cp}/display, the page
// for a screen or a printout at the venue.
func (h *Pages) checkpointDisplay(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	a, cp, code, ok, err := h.checkpointScreen(w, r, p)
	if !ok {
		return err
	}
	pg := h.Page(w, r, p, "", "activities")
	pg.Title = a.Title
	pg.Crumbs = []web.Crumb{{Label: pg.T("aweb.list.title"), URL: "/activities"}, {Label: a.Title, URL: activityURL(a.ID)}, {Label: checkpointName(pg.Lang, *cp)}}
	d := displayData{A: actView(pg.Lang, a), Checkpoint: checkpointName(pg.Lang, *cp), Code: code, Back: activityURL(a.ID),
		CodeJSON:    activityURL(a.ID) + "/checkpoints/" + db.FormatID(cp.ID) + "/code",
		CheckInOpen: a.CheckInOpen(time.Now()), CheckInFrom: web.FormatTime(a.StartsAt.Add(-activity.CheckInLead), "2006-01-02 15:04"),
		RotateSeconds: cp.RotateSeconds}
	for _, c := range a.Checkpoints {
		if c.ID != cp.ID {
			d.OtherCheckpoint = append(d.OtherCheckpoint, cpView{ID: db.FormatID(c.ID), Name: checkpointName(pg.Lang, c),
				DisplayURL: activityURL(a.ID) + "/checkpoints/" + db.FormatID(c.ID) + "/display"})
		}
	}
	pg.Data = d
	h.Render(w, http.StatusOK, "activity_display", pg)
	return nil
}

// scanData is the Data of the scanner.
type scanData struct {
	A              actRow
	Mode           string
	CheckpointOpts []web.Option
	Checkpoint     string
	HasPrize       bool
	CheckInOpen    bool
	Result         *signup.ScanResult
	Action         string
	Back           string
	Modes          []web.Tab // check-in or redeeming the prize
}

func (h *Pages) activityScanPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	a, ok := h.activityWritable(w, r, p)
	if !ok {
		return nil
	}
	h.renderScan(w, r, p, a, web.QueryValue(r, "mode"), web.QueryValue(r, "cp"), nil, http.StatusOK)
	return nil
}

func (h *Pages) renderScan(w http.ResponseWriter, r *http.Request, p *auth.Principal, a *activity.Activity, mode, cp string, res *signup.ScanResult, status int) {
	pg := h.Page(w, r, p, "aweb.scan.title", "activities")
	base := activityURL(a.ID)
	pg.Path = base + "/scan"
	pg.Crumbs = []web.Crumb{{Label: pg.T("aweb.list.title"), URL: "/activities"}, {Label: a.Title, URL: base}, {Label: pg.Title}}
	if mode != "redeem" || a.StampsRequired == 0 {
		mode = "checkin"
	}
	d := scanData{A: actView(pg.Lang, a), Mode: mode, CheckpointOpts: checkpointOptions(pg.Lang, a), Checkpoint: cp,
		HasPrize: a.StampsRequired > 0, CheckInOpen: a.CheckInOpen(time.Now()), Result: res, Action: base + "/scan", Back: base}
	current := ""
	if mode == "redeem" {
		current = mode
	}
	d.Modes = web.FilterTabs(base+"/scan", "mode", current, []web.Option{{Label: pg.T("aweb.scan.mode_checkin")}, {Value: "redeem", Label: pg.T("aweb.scan.mode_redeem")}})
	if d.Checkpoint == "" && len(d.CheckpointOpts) > 0 {
		d.Checkpoint = d.CheckpointOpts[0].Value
	}
	pg.Data = d
	h.Render(w, status, "activity_scan", pg)
}

// activityScan: POST /activities/{id}/scan, a member's card scanned at a
// checkpoint (mode=checkin) or at the prize desk (mode=redeem).
func (h *Pages) activityScan(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	a, ok := h.activityWritable(w, r, p)
	if !ok {
		return nil
	}
	ctx := r.Context()
	lang := i18n.FromRequest(r)
	mode, cpID := web.FormValue(r, "mode"), web.FormValue(r, "checkpoint_id")
	res := &signup.ScanResult{}
	payload, err := signup.ScannedCard(r)
	switch {
	case err != nil:
	case mode == "redeem":
		var sc *activity.StampCard
		if sc, err = h.Acts.RedeemPrize(ctx, p, a.ID, activity.CheckInInput{Card: payload}); err == nil {
			res.OK, res.Prize = true, true
			res.Title = i18n.T(lang, "aweb.scan.redeemed_title")
			if chk, verr := h.Members.VerifyCard(ctx, payload); verr == nil {
				if m, berr := h.Members.Brief(ctx, chk.MemberID); berr == nil {
					res.Title = m.Name
				}
			}
			res.Detail = i18n.T(lang, "aweb.scan.redeemed", sc.Prize, sc.Collected, len(sc.Stamps))
		}
	default:
		in := activity.CheckInInput{Card: payload, CheckpointID: web.ParseIDValue(cpID)}
		var ci *activity.CheckIn
		var made bool
		if ci, made, err = h.Acts.CheckIn(ctx, p, a.ID, in); err == nil {
			res.OK, res.Again, res.Title = true, !made, ci.MemberName
			cpName := checkpointTitle(lang, ci.CheckpointName)
			if made {
				res.Detail = i18n.T(lang, "aweb.scan.checked_in", cpName, web.FormatTime(ci.At, "15:04:05"))
			} else {
				res.Detail = i18n.T(lang, "aweb.scan.already", cpName, web.FormatTime(ci.At, "15:04:05"))
			}
			if ci.StampsRequired > 0 {
				res.Detail += " " + i18n.T(lang, "aweb.scan.stamps", ci.Stamps, ci.Checkpoints)
				if ci.PrizeEarned {
					res.Prize = true
					res.Detail += " " + i18n.T(lang, "aweb.scan.prize_earned")
				}
			}
		}
	}
	return signup.AnswerScan(w, r, res, err, "aweb.scan.refused", func(res *signup.ScanResult, status int) {
		h.renderScan(w, r, p, a, mode, cpID, res, status)
	})
}

// activityExport: GET /activities/{id}/attendance.xlsx.
func (h *Pages) activityExport(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	a, ok := h.activityFor(w, r, p)
	if !ok {
		return nil
	}
	lang := i18n.FromRequest(r)
	return signup.Export(h.Kernel, w, r, p, a.Title+"-"+i18n.T(lang, "activity.export_sheet")+".xlsx", func(out io.Writer) error {
		return h.Acts.ExportAttendance(r.Context(), p, a.ID, actTranslate(lang), out)
	})
}

// activityICS: GET /activities/{id}/calendar.ics.
func (h *Pages) activityICS(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	a, ok := h.activityFor(w, r, p)
	if !ok {
		return nil
	}
	body := activity.ICS(a, signup.Origin(h.Kernel, r)+activityURL(a.ID), time.Now())
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="activity-`+db.FormatID(a.ID)+`.ics"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = bytes.NewReader(body).WriteTo(w)
	return nil
}
