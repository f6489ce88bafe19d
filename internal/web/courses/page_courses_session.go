package courses

import (
	"io"
	"net/http"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/course"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
	"gonghui/internal/i18n"
	"gonghui/internal/web"
	"gonghui/internal/web/signup"
)

// A session of a term: its register (staff tick who came), its screen with
// the rotating QR code members scan with their phones, the phone scanner
// for members' cards, and the term's register as a workbook. The screen
// and the scanner reuse signup.js (data-code-refresh, data-scan-form).

// crsSessionOf finds the {sid} session of a term.
func (h *Pages) crsSessionOf(r *http.Request, p *auth.Principal, t *course.Term) (*course.Session, error) {
	sid, err := web.IDParam(r, "sid")
	if err != nil {
		return nil, err
	}
	ss, err := h.Courses.Sessions(r.Context(), p, t.ID)
	if err != nil {
		return nil, err
	}
	for i := range ss {
		if ss[i].ID == sid {
			return &ss[i], nil
		}
	}
	return nil, errs.NotFound("session")
}

// crsSessionFor loads the term and the session of the path, for staff who
// may run the term.
func (h *Pages) crsSessionFor(w http.ResponseWriter, r *http.Request, p *auth.Principal) (*course.Term, *course.Session, bool) {
	t, ok := h.crsTermWritable(w, r, p)
	if !ok {
		return nil, nil, false
	}
	x, err := h.crsSessionOf(r, p, t)
	if err != nil {
		h.Fail(w, r, p, err)
		return nil, nil, false
	}
	return t, x, true
}

// crsSessionHead is a session as its pages name it.
type crsSessionHead struct {
	Course, Term, Date, Weekday, Time, Venue string
	TermURL, URL                             string
	Cancelled, Open                          bool
	OpensAt                                  string
}

func crsHead(lang i18n.Lang, t *course.Term, x *course.Session) crsSessionHead {
	now := time.Now()
	return crsSessionHead{Course: t.CourseTitle, Term: t.Name, Date: web.FormatTime(x.StartsAt, "2006-01-02"),
		Weekday: crsWeekday(lang, isoWeekday(x.StartsAt)), Time: web.FormatTime(x.StartsAt, "15:04") + "–" + web.FormatTime(x.EndsAt, "15:04"),
		Venue: t.Venue, TermURL: TermURL(t.ID), URL: SessionURL(t.ID, x.ID), Cancelled: x.Cancelled,
		Open:    !now.Before(x.StartsAt.Add(-course.AttendLead)) && !now.After(x.EndsAt),
		OpensAt: web.FormatTime(x.StartsAt.Add(-course.AttendLead), "2006-01-02 15:04")}
}

func crsSessionCrumbs(pg *web.Page, t *course.Term, last string) []web.Crumb {
	return []web.Crumb{{Label: pg.T("cweb.list.title"), URL: "/courses"}, {Label: t.CourseTitle, URL: CourseURL(t.CourseID)},
		{Label: t.Name, URL: TermURL(t.ID)}, {Label: last}}
}

// crsRegisterRow is one enrolled member on a session's register.
type crsRegisterRow struct {
	MemberID, MemberURL, Name, OrgName string
	Ticket                             int64
	Attended                           bool
	At, ViaLabel                       string
	Total                              int
}

// crsSessionData is the Data of a session's register.
type crsSessionData struct {
	S                 crsSessionHead
	Rows              []crsRegisterRow
	Present, Enrolled int
	Others            []crsRegisterRow // attended without a place now (withdrawn since)
	CanTick           bool
	Drawn             bool
	DisplayURL        string
	ScanURL           string
	Truncated         bool
}

// crsRegisterMax is how many enrolled members a register lists.
const crsRegisterMax = 1000

func (h *Pages) crsSession(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	t, x, ok := h.crsSessionFor(w, r, p)
	if !ok {
		return nil
	}
	h.renderCrsSession(w, r, p, t, x, nil, http.StatusOK)
	return nil
}

func (h *Pages) renderCrsSession(w http.ResponseWriter, r *http.Request, p *auth.Principal, t *course.Term, x *course.Session, form *web.Form, status int) {
	ctx := r.Context()
	pg := h.Page(w, r, p, "", "courses")
	head := crsHead(pg.Lang, t, x)
	pg.Title = pg.T("cweb.session.title", head.Date, head.Weekday)
	pg.Crumbs = crsSessionCrumbs(pg, t, head.Date+" "+head.Time)
	if r.Method != http.MethodGet {
		pg.Path = head.URL
	}
	pg.Form = form
	d := &crsSessionData{S: head, Drawn: t.Status == course.TermDrawn, DisplayURL: head.URL + "/display", ScanURL: head.URL + "/scan"}
	d.CanTick = d.Drawn && !x.Cancelled
	att, err := h.Courses.SessionAttendance(ctx, p, t.ID, x.ID)
	if err != nil {
		h.Fail(w, r, p, err)
		return
	}
	byMember := map[int64]course.Attendance{}
	for _, a := range att {
		byMember[a.MemberID] = a
	}
	seen := map[int64]bool{}
	after := ""
	for {
		es, next, err := h.Courses.Enrolments(ctx, p, t.ID, course.EnrolQuery{Status: course.EnrolEnrolled, After: after, Limit: 200})
		if err != nil {
			h.Fail(w, r, p, err)
			return
		}
		for _, e := range es {
			row := crsRegisterRow{MemberID: db.FormatID(e.MemberID), MemberURL: web.MemberURL(e.MemberID), Name: e.MemberName, OrgName: e.OrgName,
				Ticket: e.Ticket, Total: e.Attended}
			if a, ok := byMember[e.MemberID]; ok {
				row.Attended, row.At, row.ViaLabel = true, web.FormatTime(a.At, "15:04"), i18n.T(pg.Lang, "cweb.via."+a.Via)
				d.Present++
			}
			seen[e.MemberID] = true
			d.Rows = append(d.Rows, row)
		}
		if after = next; next == "" {
			break
		}
		if len(d.Rows) >= crsRegisterMax {
			d.Truncated = true
			break
		}
	}
	d.Enrolled = len(d.Rows)
	for _, a := range att {
		if !seen[a.MemberID] {
			d.Others = append(d.Others, crsRegisterRow{MemberID: db.FormatID(a.MemberID), MemberURL: web.MemberURL(a.MemberID), Name: a.MemberName,
				Attended: true, At: web.FormatTime(a.At, "15:04"), ViaLabel: i18n.T(pg.Lang, "cweb.via."+a.Via)})
		}
	}
	pg.Data = d
	h.Render(w, status, "crs_session", pg)
}

// crsAttend: POST .../attend, the members ticked on the register.
func (h *Pages) crsAttend(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	t, x, ok := h.crsSessionFor(w, r, p)
	if !ok {
		return nil
	}
	var ids []int64
	for _, v := range r.PostForm["member_id"] {
		if id := web.ParseIDValue(v); id != 0 {
			ids = append(ids, id)
		}
	}
	var err error
	var got []course.Attendance
	if len(ids) == 0 {
		err = errs.Fields{"member_id": {Key: "cweb.session.none_ticked"}}.Err()
	} else {
		got, err = h.Courses.Attend(r.Context(), p, t.ID, course.AttendInput{SessionID: x.ID, MemberIDs: ids})
	}
	if err != nil {
		pg := h.Page(w, r, p, "", "courses")
		form, ok := web.FormFrom(pg, r, err)
		if !ok {
			return err
		}
		form.Message = web.ErrMessage(pg.Lang, err)
		h.renderCrsSession(w, r, p, t, x, form, httpx.Status(err))
		return nil
	}
	flash := "flash.cweb.attended"
	if len(got) < len(ids) {
		// The list skips those without a place.
		flash = "flash.cweb.attended_some"
	}
	web.Redirect(w, r, SessionURL(t.ID, x.ID), flash)
	return nil
}

// crsSessionCancel calls a session off, or back on (cancelled=0).
func (h *Pages) crsSessionCancel(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	t, x, ok := h.crsSessionFor(w, r, p)
	if !ok {
		return nil
	}
	cancel := web.FormValue(r, "cancelled") != "0"
	if err := h.Courses.CancelSession(r.Context(), p, t.ID, x.ID, cancel); err != nil {
		h.crsTermFailed(w, r, p, t, "sessions", err)
		return nil
	}
	flash := "flash.cweb.session_cancelled"
	if !cancel {
		flash = "flash.cweb.session_restored"
	}
	web.RedirectAnchor(w, r, TermURL(t.ID), "sessions", flash)
	return nil
}

// The session's screen.

func (h *Pages) crsCode(r *http.Request, p *auth.Principal, t *course.Term, x *course.Session) (*signup.CheckpointCode, error) {
	code, until, err := h.Courses.SessionCode(r.Context(), p, t.ID, x.ID)
	if err != nil {
		return nil, err
	}
	return signup.NewCode(h.Kernel, r, code, SessionURL(t.ID, x.ID), until), nil
}

// crsCodeNow is the current code of the session, for its picture (GET
// .../qr.png) and the screen's script (GET .../code).
func (h *Pages) crsCodeNow(w http.ResponseWriter, r *http.Request, p *auth.Principal) (*signup.CheckpointCode, bool, error) {
	t, x, ok := h.crsSessionFor(w, r, p)
	if !ok {
		return nil, false, nil
	}
	code, err := h.crsCode(r, p, t, x)
	return code, err == nil, err
}

// crsDisplayData is the Data of a session's screen.
type crsDisplayData struct {
	S        crsSessionHead
	OrgName  string
	Code     *signup.CheckpointCode
	CodeJSON string
	Rotate   int
}

func (h *Pages) crsDisplay(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	t, x, ok := h.crsSessionFor(w, r, p)
	if !ok {
		return nil
	}
	code, err := h.crsCode(r, p, t, x)
	if err != nil {
		return err
	}
	pg := h.Page(w, r, p, "", "courses")
	head := crsHead(pg.Lang, t, x)
	pg.Title = t.CourseTitle
	pg.Crumbs = crsSessionCrumbs(pg, t, head.Date+" "+head.Time)
	pg.Data = &crsDisplayData{S: head, OrgName: t.OrgName, Code: code, CodeJSON: head.URL + "/code", Rotate: course.SessionRotate}
	h.Render(w, http.StatusOK, "crs_display", pg)
	return nil
}

// The scanner.

// crsScanData is the Data of the scanner.
type crsScanData struct {
	S      crsSessionHead
	Result *signup.ScanResult
	Action string
}

func (h *Pages) crsScanPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	t, x, ok := h.crsSessionFor(w, r, p)
	if !ok {
		return nil
	}
	h.renderCrsScan(w, r, p, t, x, nil, http.StatusOK)
	return nil
}

func (h *Pages) renderCrsScan(w http.ResponseWriter, r *http.Request, p *auth.Principal, t *course.Term, x *course.Session, res *signup.ScanResult, status int) {
	pg := h.Page(w, r, p, "cweb.scan.title", "courses")
	head := crsHead(pg.Lang, t, x)
	pg.Path = head.URL + "/scan"
	pg.Crumbs = crsSessionCrumbs(pg, t, pg.Title)
	pg.Crumbs[len(pg.Crumbs)-1] = web.Crumb{Label: head.Date + " " + head.Time, URL: head.URL}
	pg.Crumbs = append(pg.Crumbs, web.Crumb{Label: pg.Title})
	pg.Data = &crsScanData{S: head, Result: res, Action: head.URL + "/scan"}
	h.Render(w, status, "crs_scan", pg)
}

// crsScan: POST .../scan, a member's card scanned at the door.
func (h *Pages) crsScan(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	t, x, ok := h.crsSessionFor(w, r, p)
	if !ok {
		return nil
	}
	lang := i18n.FromRequest(r)
	res := &signup.ScanResult{}
	payload, err := signup.ScannedCard(r)
	if err == nil {
		var got []course.Attendance
		if got, err = h.Courses.Attend(r.Context(), p, t.ID, course.AttendInput{Card: payload, SessionID: x.ID}); err == nil && len(got) > 0 {
			a := got[0]
			res.OK, res.Again, res.Title = true, !a.Made, a.MemberName
			if a.Made {
				res.Detail = i18n.T(lang, "cweb.scan.attended", web.FormatTime(a.At, "15:04:05"), a.Attended, a.Sessions)
			} else {
				res.Detail = i18n.T(lang, "cweb.scan.already", web.FormatTime(a.At, "15:04:05"), a.Attended, a.Sessions)
			}
		}
	}
	return signup.AnswerScan(w, r, res, err, "cweb.scan.refused", func(res *signup.ScanResult, status int) {
		h.renderCrsScan(w, r, p, t, x, res, status)
	})
}

// crsExport: GET /terms/{id}/register.xlsx, the term's register.
func (h *Pages) crsExport(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	t, ok := h.crsTermFor(w, r, p)
	if !ok {
		return nil
	}
	lang := i18n.FromRequest(r)
	return signup.Export(h.Kernel, w, r, p, t.CourseTitle+"-"+t.Name+"-"+i18n.T(lang, "course.export_sheet")+".xlsx", func(out io.Writer) error {
		return h.Courses.ExportAttendance(r.Context(), p, t.ID, crsTranslate(lang), out)
	})
}
