package courses

import (
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/beijing"
	"gonghui/internal/course"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
	"gonghui/internal/i18n"
	"gonghui/internal/web"
	"gonghui/internal/web/signup"
)

// A term of a course: its form (new and edit, with the weekly schedule as
// rows slot_weekday.N, slot_start.N, slot_minutes.N; signup.js adds
// rows, and without JS the form always ends with empty rows), its page
// (details, the actions its status allows, the lottery, the enrolments,
// adding a member, the sessions) and the public record of its draw.

// crsSlotRow is one row of the weekly schedule on the form.
type crsSlotRow struct {
	Index                              int
	Weekday, Start, Minutes            string
	WeekdayError, StartError, MinError string
	input                              int // its position in the store's input, -1 when left out
}

var crsSlotRE = regexp.MustCompile(`^slot_(weekday|start|minutes)\.([0-9]{1,3})$`)

// crsSlotRowsFrom reads the submitted schedule rows in their order.
func crsSlotRowsFrom(r *http.Request) []crsSlotRow {
	byIndex := map[int]*crsSlotRow{}
	for k, v := range r.PostForm {
		m := crsSlotRE.FindStringSubmatch(k)
		if m == nil || len(v) == 0 {
			continue
		}
		i, _ := strconv.Atoi(m[2])
		row, ok := byIndex[i]
		if !ok {
			row = &crsSlotRow{Index: i}
			byIndex[i] = row
		}
		val := strings.TrimSpace(v[0])
		switch m[1] {
		case "weekday":
			row.Weekday = val
		case "start":
			row.Start = val
		case "minutes":
			row.Minutes = val
		}
	}
	idx := make([]int, 0, len(byIndex))
	for i := range byIndex {
		idx = append(idx, i)
	}
	slices.Sort(idx)
	out := make([]crsSlotRow, 0, len(idx))
	for _, i := range idx {
		out = append(out, *byIndex[i])
	}
	return out
}

// crsEmptyRows is how many empty schedule rows the form ends with.
const crsEmptyRows = 2

// crsNumberRows numbers the rows in order and adds empty ones (at least
// three rows in all).
func crsNumberRows(rows []crsSlotRow) []crsSlotRow {
	out := make([]crsSlotRow, 0, len(rows)+crsEmptyRows)
	for _, s := range rows {
		s.Index = len(out)
		out = append(out, s)
	}
	for i := 0; i < crsEmptyRows || len(out) < 3; i++ {
		out = append(out, crsSlotRow{Index: len(out), input: -1})
	}
	return out
}

// crsTermInputFrom reads the term's form; the field errors are those the
// store cannot see (numbers that are not numbers).
func crsTermInputFrom(r *http.Request) (course.TermInput, []crsSlotRow, errs.Fields) {
	f := errs.Fields{}
	in := course.TermInput{Name: web.FormValue(r, "name"), Teacher: web.FormValue(r, "teacher"), Venue: web.FormValue(r, "venue"), Address: web.FormValue(r, "address"),
		EnrolOpensAt: web.FormValue(r, "enrol_opens_at"), EnrolClosesAt: web.FormValue(r, "enrol_closes_at"), StartsOn: web.FormValue(r, "starts_on"),
		EndsOn: web.FormValue(r, "ends_on"), AudienceTags: r.PostForm["tag"]}
	if in.AudienceTags == nil {
		in.AudienceTags = []string{}
	}
	web.ParseIntField(f, r, "capacity", 0, &in.Capacity)
	rows := crsSlotRowsFrom(r)
	for i := range rows {
		s := &rows[i]
		s.input = -1
		if s.Start == "" && s.Minutes == "" {
			continue
		}
		field := "schedule." + strconv.Itoa(len(in.Schedule))
		sl := course.Slot{Start: s.Start}
		var err error
		if sl.Weekday, err = strconv.Atoi(s.Weekday); err != nil {
			f.Add(field+".weekday", "field.invalid_choice")
		}
		if s.Minutes == "" {
			f.Add(field+".minutes", "field.required")
		} else if sl.Minutes, err = strconv.Atoi(s.Minutes); err != nil {
			f.Add(field+".minutes", "field.not_a_number")
		}
		s.input = len(in.Schedule)
		in.Schedule = append(in.Schedule, sl)
	}
	return in, rows, f
}

// crsTermValues are a term's fields as the form first shows them.
type crsTermValues struct {
	Name, Teacher, Venue, Address, Capacity, AudienceOrgID string
	EnrolOpensAt, EnrolClosesAt, StartsOn, EndsOn          string
	Tags                                                   []string
}

func crsTermValuesOf(t *course.Term) crsTermValues {
	v := crsTermValues{Name: t.Name, Teacher: t.Teacher, Venue: t.Venue, Address: t.Address, EnrolOpensAt: web.LocalValue(t.EnrolOpensAt),
		EnrolClosesAt: web.LocalValue(t.EnrolClosesAt), StartsOn: t.StartsOn, EndsOn: t.EndsOn, Tags: t.AudienceTags}
	if t.Capacity > 0 {
		v.Capacity = strconv.Itoa(t.Capacity)
	}
	if t.AudienceOrgID != t.OrgID {
		v.AudienceOrgID = db.FormatID(t.AudienceOrgID)
	}
	return v
}

func crsSlotRowsOf(t *course.Term) []crsSlotRow {
	rows := make([]crsSlotRow, 0, len(t.Schedule))
	for _, s := range t.Schedule {
		rows = append(rows, crsSlotRow{Weekday: strconv.Itoa(s.Weekday), Start: s.Start, Minutes: strconv.Itoa(s.Minutes), input: -1})
	}
	return crsNumberRows(rows)
}

// crsTermFormData is the Data of the term's form.
type crsTermFormData struct {
	Editing        bool
	Action, Cancel string
	CourseTitle    string
	OrgName        string
	Audience       *web.OrgPicker
	WeekdayOptions []web.Option
	V              crsTermValues
	TagChoices     []web.TagChoice
	TagsError      string
	Rows           []crsSlotRow
	ScheduleError  string
	Version        string
}

// termAudiencePick is the picker of whom a term is open to (none: the
// course's organisation and those below it).
var termAudiencePick = web.PickerSpec{Field: "audience_org_id", QField: "audience_q", Perm: auth.PermActivityWrite}

func (h *Pages) renderCrsTermForm(w http.ResponseWriter, r *http.Request, p *auth.Principal, pg *web.Page, status int, c *course.Course, t *course.Term, d *crsTermFormData) {
	d.CourseTitle, d.OrgName = c.Title, c.OrgName
	d.WeekdayOptions = crsWeekdayOptions(pg.Lang)
	d.TagChoices = web.TagChoices(pg.Lang, "f-tag-", d.V.Tags)
	d.TagsError = pg.FieldError("audience_tags")
	spec := termAudiencePick
	spec.Label, spec.Hint, spec.Blank = pg.T("cweb.term.audience"), pg.T("cweb.term.audience_hint"), pg.T("cweb.term.audience_same")
	var err error
	if d.Audience, err = h.OrgPicker(r, p, spec, d.V.AudienceOrgID); err != nil {
		h.Fail(w, r, p, err)
		return
	}
	for i := range d.Rows {
		s := &d.Rows[i]
		if s.input < 0 {
			continue
		}
		k := "schedule." + strconv.Itoa(s.input)
		s.WeekdayError, s.StartError, s.MinError = pg.FieldError(k+".weekday"), pg.FieldError(k+".start"), pg.FieldError(k+".minutes")
	}
	d.ScheduleError = pg.FieldError("schedule")
	crumbs := []web.Crumb{{Label: pg.T("cweb.list.title"), URL: "/courses"}, {Label: c.Title, URL: CourseURL(c.ID)}}
	if t != nil {
		d.Editing = true
		crumbs = append(crumbs, web.Crumb{Label: t.Name, URL: TermURL(t.ID)})
	}
	pg.Crumbs = append(crumbs, web.Crumb{Label: pg.Title})
	pg.Data = d
	h.Render(w, status, "crs_term_form", pg)
}

func (h *Pages) crsTermNew(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	c, ok := h.crsWritable(w, r, p)
	if !ok {
		return nil
	}
	pg := h.Page(w, r, p, "cweb.term.new_title", "courses")
	d := &crsTermFormData{Action: CourseURL(c.ID) + "/terms/new", Cancel: CourseURL(c.ID),
		Rows: crsNumberRows([]crsSlotRow{{Weekday: "1", Minutes: "90", input: -1}})}
	h.renderCrsTermForm(w, r, p, pg, http.StatusOK, c, nil, d)
	return nil
}

func (h *Pages) crsTermCreate(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	c, ok := h.crsWritable(w, r, p)
	if !ok {
		return nil
	}
	h.crsTermPost(w, r, p, c, nil, func(in course.TermInput, _ int) (int64, error) {
		t, err := h.Courses.CreateTerm(r.Context(), p, c.ID, in)
		if err != nil {
			return 0, err
		}
		return t.ID, nil
	})
	return nil
}

// crsTermPost answers a POST of the term's form (t nil: a new term of c):
// save runs unless the form asked a picker's search; the form comes back
// as typed after a search or a refusal.
func (h *Pages) crsTermPost(w http.ResponseWriter, r *http.Request, p *auth.Principal, c *course.Course, t *course.Term,
	save func(in course.TermInput, version int) (int64, error)) {
	in, rows, fe := crsTermInputFrom(r)
	title, flash := "cweb.term.new_title", "flash.cweb.term_created"
	d := &crsTermFormData{Action: CourseURL(c.ID) + "/terms/new", Cancel: CourseURL(c.ID), Rows: crsNumberRows(rows)}
	version := 0
	if t != nil {
		web.ParseIntField(fe, r, "version", 0, &version)
		title, flash = "cweb.term.edit_title", "flash.cweb.term_saved"
		d.Action, d.Cancel, d.V, d.Version = TermURL(t.ID)+"/edit", TermURL(t.ID), crsTermValuesOf(t), strconv.Itoa(version)
	}
	var err error
	if !web.PickerAsked(r) {
		if in.AudienceOrgID, err = h.PickedOrg(r, p, termAudiencePick, fe); err == nil {
			if err = fe.Err(); err == nil {
				var id int64
				if id, err = save(in, version); err == nil {
					web.Redirect(w, r, TermURL(id), flash)
					return
				}
			}
		}
	}
	pg := h.Page(w, r, p, title, "courses")
	pg.Path = d.Action
	if h.FormAgain(w, r, p, pg, err) {
		d.V.Tags = in.AudienceTags
		h.renderCrsTermForm(w, r, p, pg, web.FormStatus(err), c, t, d)
	}
}

// crsTermFor loads the term of the {id} path value, or answers the error
// page.
func (h *Pages) crsTermFor(w http.ResponseWriter, r *http.Request, p *auth.Principal) (*course.Term, bool) {
	return web.Load(h.Kernel, w, r, p, h.Courses.GetTerm)
}

// crsTermWritable is crsTermFor for what changes the term.
func (h *Pages) crsTermWritable(w http.ResponseWriter, r *http.Request, p *auth.Principal) (*course.Term, bool) {
	t, ok := h.crsTermFor(w, r, p)
	return t, ok && signup.Writable(h.Kernel, w, r, p, t.OrgPath)
}

// crsTermEditable refuses the form once the places are given.
func (h *Pages) crsTermEditable(w http.ResponseWriter, r *http.Request, p *auth.Principal) (*course.Term, *course.Course, bool) {
	t, ok := h.crsTermWritable(w, r, p)
	if !ok {
		return nil, nil, false
	}
	if t.Status != course.TermDraft && t.Status != course.TermOpen {
		h.Fail(w, r, p, errs.Conflict("term_closed", "cweb.term.not_editable"))
		return nil, nil, false
	}
	c, err := h.Courses.GetCourse(r.Context(), p, t.CourseID)
	if err != nil {
		h.Fail(w, r, p, err)
		return nil, nil, false
	}
	return t, c, true
}

func (h *Pages) crsTermEdit(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	t, c, ok := h.crsTermEditable(w, r, p)
	if !ok {
		return nil
	}
	pg := h.Page(w, r, p, "cweb.term.edit_title", "courses")
	d := &crsTermFormData{Action: TermURL(t.ID) + "/edit", Cancel: TermURL(t.ID), V: crsTermValuesOf(t), Rows: crsSlotRowsOf(t),
		Version: strconv.Itoa(t.Version)}
	h.renderCrsTermForm(w, r, p, pg, http.StatusOK, c, t, d)
	return nil
}

func (h *Pages) crsTermUpdate(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	t, c, ok := h.crsTermEditable(w, r, p)
	if !ok {
		return nil
	}
	h.crsTermPost(w, r, p, c, t, func(in course.TermInput, version int) (int64, error) {
		_, err := h.Courses.UpdateTerm(r.Context(), p, t.ID, version, in)
		return t.ID, err
	})
	return nil
}

// A term's page.

// crsEnrolView is an enrolment in the list.
type crsEnrolView struct {
	MemberID, MemberURL, Name, OrgName string
	StatusLabel, StatusV, ViaLabel     string
	Ticket, Rank                       int64
	Attended                           int
	Created                            string
	Live                               bool
}

// crsSessionView is a session in the list.
type crsSessionView struct {
	ID, URL, Date, Weekday, Time string
	Attended                     int
	Cancelled, Past, Now         bool
}

// crsTermShowData is the Data of a term's page.
type crsTermShowData struct {
	T                              crsTermRow
	Term                           *course.Term
	CourseURL                      string
	AudienceTags                   []string
	URL, DrawURL, ExportURL        string
	CanWrite, CanEdit, CanPublish  bool
	CanCancel, CanFinish, CanDraw  bool
	DrawWaits                      bool // open, the window not yet closed
	CanAdd                         bool
	Closes, DrawnAt                string
	Oversubscribed                 bool
	FormName                       string
	EnrolList                      *signup.List
	Enrols                         []crsEnrolView
	Search                         signup.Search
	Sessions                       []crsSessionView
	SessionsAttended, SessionsHeld int
	SessionsCancelled              int
}

func (h *Pages) crsTermShow(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	t, ok := h.crsTermFor(w, r, p)
	if !ok {
		return nil
	}
	h.renderCrsTerm(w, r, p, t, signup.State{Status: http.StatusOK})
	return nil
}

func (h *Pages) renderCrsTerm(w http.ResponseWriter, r *http.Request, p *auth.Principal, t *course.Term, st signup.State) {
	ctx := r.Context()
	pg := h.Page(w, r, p, "", "courses")
	pg.Title = t.CourseTitle + " · " + t.Name
	base := TermURL(t.ID)
	if r.Method != http.MethodGet {
		pg.Path = base
	}
	pg.Crumbs = []web.Crumb{{Label: pg.T("cweb.list.title"), URL: "/courses"}, {Label: t.CourseTitle, URL: CourseURL(t.CourseID)}, {Label: t.Name}}
	pg.Form = st.Form
	now := time.Now()
	d := &crsTermShowData{T: crsTermView(pg.Lang, t), Term: t, CourseURL: CourseURL(t.CourseID), AudienceTags: web.TagLabels(pg.Lang, t.AudienceTags),
		URL: base, DrawURL: base + "/draw", ExportURL: base + "/register.xlsx", CanWrite: p.CanAt(auth.PermActivityWrite, t.OrgPath),
		Closes: web.FormatTime(t.EnrolClosesAt, "2006-01-02 15:04"), DrawnAt: web.FormatTime(t.DrawnAt, "2006-01-02 15:04"),
		FormName: st.FormName, Search: st.Search}
	d.Oversubscribed = t.Capacity > 0 && t.Applied > t.Capacity
	if d.CanWrite {
		d.CanEdit = t.Status == course.TermDraft || t.Status == course.TermOpen
		d.CanPublish = t.Status == course.TermDraft
		d.CanCancel = t.Status == course.TermDraft || t.Status == course.TermOpen || t.Status == course.TermDrawn
		d.CanFinish = t.Status == course.TermDrawn
		closed := !now.Before(t.EnrolClosesAt)
		d.CanDraw = t.Status == course.TermOpen && closed
		d.DrawWaits = t.Status == course.TermOpen && !closed
		d.CanAdd = t.Status == course.TermOpen || t.Status == course.TermDrawn
	}

	// The enrolments, a page at a time.
	l := signup.NewList(pg, r, base, signup.ListSpec{Prefix: "e", Anchor: "enrolments", All: pg.T("cweb.enrol.all"),
		Statuses: crsEnrolStatuses.Options(pg.Lang, course.EnrolStatuses)})
	d.EnrolList = l
	err := l.Load(pg, func() (string, error) {
		es, next, err := h.Courses.Enrolments(ctx, p, t.ID, course.EnrolQuery{Status: course.EnrolStatus(l.Status), Q: l.Q, After: l.Cursor, Limit: web.PageSize})
		for _, e := range es {
			d.Enrols = append(d.Enrols, crsEnrolView{MemberID: db.FormatID(e.MemberID), MemberURL: web.MemberURL(e.MemberID), Name: e.MemberName,
				OrgName: e.OrgName, StatusLabel: crsEnrolLabel(pg.Lang, e.Status), StatusV: crsEnrolVariant(e.Status),
				ViaLabel: i18n.T(pg.Lang, "cweb.via."+e.Via), Ticket: e.Ticket, Rank: e.DrawRank, Attended: e.Attended,
				Created: web.FormatTime(e.CreatedAt, "2006-01-02 15:04"),
				Live:    e.Status == course.EnrolApplied || e.Status == course.EnrolEnrolled || e.Status == course.EnrolWaiting})
		}
		return next, err
	})
	if err != nil {
		h.Fail(w, r, p, err)
		return
	}

	sessions, err := h.Courses.Sessions(ctx, p, t.ID)
	if err != nil {
		h.Fail(w, r, p, err)
		return
	}
	for _, x := range sessions {
		v := crsSessionView{ID: db.FormatID(x.ID), URL: SessionURL(t.ID, x.ID), Date: web.FormatTime(x.StartsAt, "2006-01-02"),
			Weekday: crsWeekday(pg.Lang, isoWeekday(x.StartsAt)), Time: web.FormatTime(x.StartsAt, "15:04") + "–" + web.FormatTime(x.EndsAt, "15:04"),
			Attended: x.Attended, Cancelled: x.Cancelled, Past: now.After(x.EndsAt),
			Now: !now.Before(x.StartsAt.Add(-course.AttendLead)) && !now.After(x.EndsAt)}
		if x.Cancelled {
			d.SessionsCancelled++
		} else if v.Past {
			d.SessionsHeld++
		}
		d.SessionsAttended += x.Attended
		d.Sessions = append(d.Sessions, v)
	}
	pg.Data = d
	h.Render(w, st.Status, "crs_term", pg)
}

// isoWeekday is 1 (Monday) … 7 (Sunday) in Beijing.
func isoWeekday(t time.Time) int {
	wd := int(t.In(beijing.Zone).Weekday())
	if wd == 0 {
		return 7
	}
	return wd
}

// crsTermFailed brings the term's page back after a form's error.
func (h *Pages) crsTermFailed(w http.ResponseWriter, r *http.Request, p *auth.Principal, t *course.Term, formName string, err error) {
	pg := h.Page(w, r, p, "", "courses")
	form, ok := web.FormFrom(pg, r, err)
	if !ok {
		h.Fail(w, r, p, err)
		return
	}
	if formName != "add" {
		// Forms without inputs of their own: the reason is the message.
		form.Message = web.ErrMessage(pg.Lang, err)
	}
	status := httpx.Status(err)
	if fresh, err := h.Courses.GetTerm(r.Context(), p, t.ID); err == nil {
		t = fresh
	}
	h.renderCrsTerm(w, r, p, t, signup.State{Form: form, FormName: formName, Status: status})
}

func (h *Pages) crsTermPublish(r *http.Request, p *auth.Principal, t *course.Term) (string, error) {
	_, err := h.Courses.PublishTerm(r.Context(), p, t.ID)
	return "flash.cweb.term_published", err
}

func (h *Pages) crsTermCancel(r *http.Request, p *auth.Principal, t *course.Term) (string, error) {
	_, err := h.Courses.CancelTerm(r.Context(), p, t.ID)
	return "flash.cweb.term_cancelled", err
}

func (h *Pages) crsTermFinish(r *http.Request, p *auth.Principal, t *course.Term) (string, error) {
	_, err := h.Courses.FinishTerm(r.Context(), p, t.ID)
	return "flash.cweb.term_finished", err
}

func (h *Pages) crsTermDraw(r *http.Request, p *auth.Principal, t *course.Term) (string, error) {
	_, err := h.Courses.DrawTerm(r.Context(), p, t.ID)
	return "flash.cweb.drawn", err
}

// The page's forms (crsTermForms): the term's status, the draw, the
// enrolments.

// crsTermForms serve the forms of a term's page.
func (h *Pages) crsTermForms() signup.Forms[course.Term] {
	return signup.Forms[course.Term]{K: h.Kernel, Load: h.crsTermWritable, Failed: h.crsTermFailed,
		URL: func(t *course.Term) string { return TermURL(t.ID) }}
}

func (h *Pages) crsApply(r *http.Request, p *auth.Principal, t *course.Term, mid int64) (string, error) {
	e, made, err := h.Courses.Apply(r.Context(), p, t.ID, mid)
	switch {
	case err != nil:
		return "", err
	case !made:
		return "flash.cweb.already_applied", nil
	case e.Status == course.EnrolEnrolled:
		return "flash.cweb.enrolled", nil
	case e.Status == course.EnrolWaiting:
		return "flash.cweb.waiting", nil
	}
	return "flash.cweb.applied", nil
}

func (h *Pages) crsWithdraw(r *http.Request, p *auth.Principal, t *course.Term, mid int64) (string, error) {
	_, err := h.Courses.Withdraw(r.Context(), p, t.ID, mid)
	return "flash.cweb.withdrawn", err
}

// The public record of the draw.

// crsDrawData is the Data of the draw record.
type crsDrawData struct {
	Term    crsTermRow
	Rec     *course.DrawRecord
	DrawnAt string
	Back    string
	Drawn   int
	Example string // the command that gives the first ticket's key
}

func (h *Pages) crsDrawRecord(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	t, ok := h.crsTermFor(w, r, p)
	if !ok {
		return nil
	}
	rec, err := h.Courses.Record(r.Context(), t)
	if err != nil {
		return err
	}
	pg := h.Page(w, r, p, "cweb.draw.title", "courses")
	pg.Crumbs = []web.Crumb{{Label: pg.T("cweb.list.title"), URL: "/courses"}, {Label: t.CourseTitle, URL: CourseURL(t.CourseID)},
		{Label: t.Name, URL: TermURL(t.ID)}, {Label: pg.Title}}
	d := &crsDrawData{Term: crsTermView(pg.Lang, t), Rec: rec, DrawnAt: web.FormatTime(rec.DrawnAt, "2006-01-02 15:04:05"), Back: TermURL(t.ID)}
	for _, tk := range rec.Tickets {
		if tk.Drawn {
			d.Drawn++
		}
	}
	if rec.Seed != "" && len(rec.Tickets) > 0 {
		d.Example = `printf '%s' "` + rec.Seed + ":" + strconv.FormatInt(rec.Tickets[0].Ticket, 10) + `" | sha256sum`
	}
	pg.Data = d
	h.Render(w, http.StatusOK, "crs_draw", pg)
	return nil
}
