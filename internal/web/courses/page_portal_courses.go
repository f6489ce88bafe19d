package courses

import (
	"context"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/beijing"
	"gonghui/internal/checkcode"
	"gonghui/internal/course"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/i18n"
	"gonghui/internal/web"
	"gonghui/internal/web/signup"
)

// Courses in the members' portal: the terms open to a member
// (/m/courses, with the interest groups they may join), one term with
// applying and withdrawing, the lottery explained (the seed's hash before
// the draw, the seed and the draw record after it: /m/courses/terms/{id}/
// draw, tickets only, no names), the coming sessions; the member's
// sessions on the timetable (/m/timetable, merged with the activities by
// pactTimetable), and attendance by a session's QR code (/m/checkin
// dispatches "GHK1:" codes here: showing the page never records, its big
// button does).
//
// Everything goes through the course store with the member's own
// principal; its refusals are shown as they are (closed, not enrolled,
// code expired...). The pages sit under the 活动 item of the bottom bar.

// portalCourseRoutes registers the members' course pages.
func (h *Pages) portalCourseRoutes(mux *http.ServeMux) {
	if h.Courses == nil {
		return
	}
	m := h.MemberAuthed
	f := h.pcrsDetail().Forms()
	mux.HandleFunc("GET /m/courses", m(h.pcrsList))
	mux.HandleFunc("GET /m/courses/terms/{id}", m(h.pcrsDetail().Show))
	mux.HandleFunc("POST /m/courses/terms/{id}/apply", m(f.Handle(h.pcrsApply)))
	mux.HandleFunc("POST /m/courses/terms/{id}/withdraw", m(f.Handle(h.pcrsWithdraw)))
	mux.HandleFunc("GET /m/courses/terms/{id}/draw", m(h.pcrsDraw))
	mux.HandleFunc("POST /m/courses/groups/{id}/join", m(h.pcrsJoin))
	mux.HandleFunc("POST /m/courses/groups/{id}/leave", m(h.pcrsLeave))
	h.HandleCheckin(course.CodePrefix, h.pcrsCheckinPage, h.pcrsCheckinSubmit)
	h.AddAgenda(h.pcrsTimetable)
}

// ---------- views ----------

// pcrsTerm is a term on a card of the list (and the head of its page).
type pcrsTerm struct {
	ID, URL         string
	Title, Name     string // the course's title, the term's name
	Category        string // translated
	Teacher, Venue  string
	Address         string
	Organiser       string
	Schedule        string // "每周二、周四 19:00–20:30"
	Dates           string // "3月10日 – 3月23日 · 共 4 次课"
	Places          string
	Window          string // enrolment window
	State, StateV   string // the term, as the member sees it
	Closed          bool   // cancelled or finished
	Mine, MineV     string // the member's enrolment ("" = none)
	Ticket          string // "报名号 17"
	Position        string // "候补第 3 位"
	HasEnrolment    bool
	EnrolmentIsLive bool
}

// pcrsGroup is an interest group with its button.
type pcrsGroup struct {
	ID, Name, Course, Description, Members string
	Joined                                 bool
}

// pcrsListData is the Data of /m/courses.
type pcrsListData struct {
	Terms  []pcrsTerm
	Groups []pcrsGroup
	Unread int
}

// pcrsSession is one coming session on a term's page.
type pcrsSession struct {
	When              string
	Cancelled, Attend bool
	AttendLabel       string // 已签到 and when
	Next              bool   // the first coming one
}

// pcrsDetailData is the Data of a term's page.
type pcrsDetailData struct {
	pcrsTerm
	Audience   string
	Attendance string // "已出勤 2 / 8 次"
	CheckedIn  string // the check-in to the session under way (or the next attended), "" when none
	Error      string // the store's refusal of the last action

	CanApply        bool
	ApplyLabel      string
	ApplyNote       string
	CanWithdraw     bool
	WithdrawNote    string
	WithdrawConfirm string

	Drawn     bool
	SeedHash  string
	Seed      string
	DrawnAt   string
	RecordURL string
	DrawNote  string // what the draw did ("35 人报名，抽取 20 人")

	Sessions []pcrsSession
	More     string // "以后还有 6 次课"
	Unread   int
}

// pcrsDrawRow is one ticket of the draw record.
type pcrsDrawRow struct {
	Rank, Ticket int64
	Key          string // the start of SHA-256("seed:ticket"), in hex
	Drawn, Mine  bool
}

// pcrsDrawData is the Data of a term's draw record.
type pcrsDrawData struct {
	pcrsTerm
	SeedHash, Seed string
	DrawnAt        string
	Summary        string
	Verify         string // a command that recomputes one ticket's key
	Rows           []pcrsDrawRow
	MyTicket       int64
	Unread         int
}

// pcrsCheckinData is the Data of the check-in page for a session's code.
type pcrsCheckinData struct {
	signup.Checkin
	Term, TermURL string
	Attendance    string
}

// ---------- formatting ----------

// pcrsDay is a day of the calendar ("2026-03-10") as 3月10日.
func pcrsDay(lang i18n.Lang, day string) string {
	t, err := time.ParseInLocation(time.DateOnly, day, beijing.Zone)
	if err != nil {
		return day
	}
	layout := i18n.T(lang, "portal.act.date_layout")
	if t.Year() != time.Now().In(beijing.Zone).Year() {
		layout = i18n.T(lang, "portal.act.date_layout_year")
	}
	return t.Format(layout)
}

// pcrsSchedule says a weekly schedule in words: 每周二、周四 19:00–20:30,
// or, when the hours differ, 每周二 19:00–20:30；周四 08:30–09:30.
func pcrsSchedule(lang i18n.Lang, slots []course.Slot) string {
	type hours struct {
		start string
		mins  int
	}
	var order []hours
	days := map[hours][]int{}
	for _, sl := range slots {
		k := hours{sl.Start, sl.Minutes}
		if _, ok := days[k]; !ok {
			order = append(order, k)
		}
		days[k] = append(days[k], sl.Weekday)
	}
	var parts []string
	for _, k := range order {
		ds := days[k]
		sort.Ints(ds)
		var names []string
		for _, wd := range ds {
			names = append(names, i18n.T(lang, "portal.act.weekday."+strconv.Itoa(wd%7)))
		}
		span := k.start
		if t, err := time.Parse("15:04", k.start); err == nil {
			span = t.Format("15:04") + "–" + t.Add(time.Duration(k.mins)*time.Minute).Format("15:04")
		}
		parts = append(parts, i18n.T(lang, "portal.crs.schedule.every", strings.Join(names, i18n.T(lang, "portal.crs.schedule.day_sep")), span))
	}
	return strings.Join(parts, i18n.T(lang, "portal.crs.schedule.sep"))
}

// pcrsState is where a term stands, as a member sees it.
func pcrsState(lang i18n.Lang, t *course.Term, now time.Time) (string, string) {
	switch {
	case t.Status == course.TermCancelled:
		return i18n.T(lang, "portal.crs.state.cancelled"), "danger"
	case t.Status == course.TermFinished:
		return i18n.T(lang, "portal.crs.state.finished"), "neutral"
	case t.Status == course.TermDrawn:
		return i18n.T(lang, "portal.crs.state.drawn"), "info"
	case now.Before(t.EnrolOpensAt):
		return i18n.T(lang, "portal.crs.state.soon"), "info"
	case now.Before(t.EnrolClosesAt):
		return i18n.T(lang, "portal.crs.state.open"), "success"
	}
	return i18n.T(lang, "portal.crs.state.closed"), "warning"
}

func pcrsEnrolVariant(s course.EnrolStatus) string {
	switch s {
	case course.EnrolEnrolled:
		return "success"
	case course.EnrolWaiting:
		return "warning"
	case course.EnrolApplied:
		return "info"
	}
	return "neutral"
}

func pcrsLive(e *course.Enrolment) bool {
	return e != nil && (e.Status == course.EnrolApplied || e.Status == course.EnrolEnrolled || e.Status == course.EnrolWaiting)
}

// pcrsPlaces says how many places there are and how many applied.
func pcrsPlaces(lang i18n.Lang, t *course.Term) string {
	switch {
	case t.Status == course.TermDrawn && t.Capacity == 0:
		return i18n.T(lang, "portal.crs.places.unlimited_drawn", t.Enrolled)
	case t.Status == course.TermDrawn:
		return i18n.T(lang, "portal.crs.places.drawn", t.Capacity, t.Enrolled, t.Waiting)
	case t.Capacity == 0:
		return i18n.T(lang, "portal.crs.places.unlimited", t.Applied)
	}
	return i18n.T(lang, "portal.crs.places.open", t.Capacity, t.Applied)
}

// pcrsTermOf fills the card of one term.
func pcrsTermOf(lang i18n.Lang, mt *course.MemberTerm, now time.Time) pcrsTerm {
	t := &mt.Term
	v := pcrsTerm{ID: db.FormatID(t.ID), URL: web.MemberTermURL(t.ID), Title: t.CourseTitle, Name: t.Name,
		Category: i18n.T(lang, "course.category."+string(t.Category)), Teacher: t.Teacher, Venue: t.Venue, Address: t.Address,
		Organiser: t.OrgName, Schedule: pcrsSchedule(lang, t.Schedule), Places: pcrsPlaces(lang, t),
		Closed: t.Status == course.TermCancelled || t.Status == course.TermFinished}
	v.Dates = i18n.T(lang, "portal.crs.dates", pcrsDay(lang, t.StartsOn), pcrsDay(lang, t.EndsOn), t.Sessions)
	v.Window = signup.Window(lang, t.EnrolOpensAt, t.EnrolClosesAt)
	v.State, v.StateV = pcrsState(lang, t, now)
	if e := mt.Enrolment; e != nil {
		v.HasEnrolment, v.EnrolmentIsLive = true, pcrsLive(e)
		v.Mine, v.MineV = i18n.T(lang, "course.enrol."+string(e.Status)), pcrsEnrolVariant(e.Status)
		if v.EnrolmentIsLive {
			v.Ticket = i18n.T(lang, "portal.crs.ticket", e.Ticket)
		}
		if e.Status == course.EnrolWaiting && mt.Position > 0 {
			v.Position = i18n.T(lang, "portal.act.position", mt.Position)
		}
	}
	return v
}

// pcrsUnread is the badge of the bottom bar (none without a notices page).
func (h *Pages) pcrsUnread(ctx context.Context, memberID int64) int {
	return h.Unread(ctx, memberID)
}

// ---------- the list ----------

// pcrsList: GET /m/courses, the terms open to the member and the
// interest groups.
func (h *Pages) pcrsList(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	ctx := r.Context()
	terms, err := h.Courses.OpenTerms(ctx, p.MemberID)
	if err != nil {
		return err
	}
	groups, err := h.Courses.MemberGroups(ctx, p.MemberID)
	if err != nil {
		return err
	}
	pg := h.MemberPage(w, r, "portal.crs.list.title", "activities")
	now := time.Now()
	d := pcrsListData{Unread: h.pcrsUnread(ctx, p.MemberID)}
	for i := range terms {
		mt := &terms[i]
		if mt.Enrolment != nil && mt.Enrolment.Status == course.EnrolWaiting {
			// The list does not read the waiting position; the term's view does.
			if v, err := h.Courses.MemberView(ctx, p.MemberID, mt.ID); err == nil {
				mt.Position = v.Position
			}
		}
		d.Terms = append(d.Terms, pcrsTermOf(pg.Lang, mt, now))
	}
	for _, g := range groups {
		d.Groups = append(d.Groups, pcrsGroup{ID: db.FormatID(g.ID), Name: g.Name, Course: g.CourseTitle,
			Description: strings.TrimSpace(g.Description), Members: pg.T("portal.crs.group.members", g.Members), Joined: g.Joined})
	}
	pg.Data = d
	h.Render(w, http.StatusOK, "pcrs_list", pg)
	return nil
}

// ---------- one term ----------

// pcrsDetail serves a term's page (renderPcrsTerm).
func (h *Pages) pcrsDetail() signup.Detail[course.MemberTerm] {
	return signup.Detail[course.MemberTerm]{K: h.Kernel, Store: h.Courses, URL: web.MemberTermURL, Render: h.renderPcrsTerm}
}

// pcrsAttended reads which of the member's sessions between from and to
// they attended, and when they checked in (only for a member with a place).
func (h *Pages) pcrsAttended(ctx context.Context, memberID, termID int64, from, to time.Time) map[int64]time.Time {
	out := map[int64]time.Time{}
	tt, err := h.Courses.Timetable(ctx, memberID, from, to)
	if err != nil {
		slog.Warn("portal: course timetable", "err", err)
		return out
	}
	for _, e := range tt {
		if e.TermID == termID && e.AttendedAt != nil {
			out[e.ID] = *e.AttendedAt
		}
	}
	return out
}

func (h *Pages) renderPcrsTerm(w http.ResponseWriter, r *http.Request, p *auth.Principal, mt *course.MemberTerm, refusal string, status int) {
	t := &mt.Term
	pg := h.MemberPage(w, r, "", "activities")
	pg.Title = t.CourseTitle + " · " + t.Name
	pg.Path = web.MemberTermURL(t.ID)
	lang := pg.Lang
	now := time.Now()
	d := pcrsDetailData{pcrsTerm: pcrsTermOf(lang, mt, now), Audience: t.AudienceOrgName, Error: refusal,
		Unread: h.pcrsUnread(r.Context(), p.MemberID), SeedHash: t.SeedHash}
	if len(t.AudienceTags) > 0 {
		var tags []string
		for _, tg := range t.AudienceTags {
			tags = append(tags, i18n.T(lang, "member.tag."+tg))
		}
		d.Audience = pg.T("portal.crs.audience_tags", t.AudienceOrgName, strings.Join(tags, pg.T("portal.crs.schedule.day_sep")))
	}
	e := mt.Enrolment
	if e != nil && e.Status == course.EnrolEnrolled {
		d.Attendance = pg.T("portal.crs.attended", e.Attended, t.Sessions)
	}

	switch {
	case pcrsLive(e):
		if t.Status == course.TermOpen || t.Status == course.TermDrawn {
			d.CanWithdraw = true
			switch e.Status {
			case course.EnrolApplied:
				d.WithdrawNote = pg.T("portal.crs.withdraw_note.applied")
			case course.EnrolEnrolled:
				d.WithdrawNote = pg.T("portal.crs.withdraw_note.enrolled")
			}
			d.WithdrawConfirm = pg.T("portal.crs.withdraw_confirm")
		}
		switch e.Status {
		case course.EnrolApplied:
			d.ApplyNote = pg.T("portal.crs.note.applied", signup.Moment(lang, t.EnrolClosesAt))
		case course.EnrolWaiting:
			d.ApplyNote = pg.T("portal.crs.note.waiting")
		}
	case t.Status == course.TermCancelled:
		d.ApplyNote = pg.T("portal.crs.note.cancelled")
	case t.Status == course.TermFinished:
		d.ApplyNote = pg.T("portal.crs.note.finished")
	case t.Status == course.TermDrawn:
		d.ApplyNote = pg.T("portal.crs.note.drawn")
	case now.Before(t.EnrolOpensAt):
		d.ApplyNote = pg.T("portal.act.note.opens", signup.Moment(lang, t.EnrolOpensAt))
	case !now.Before(t.EnrolClosesAt):
		d.ApplyNote = pg.T("portal.crs.note.closed")
	default:
		d.CanApply = true
		d.ApplyLabel = pg.T("portal.crs.apply")
		if e != nil {
			d.ApplyLabel = pg.T("portal.crs.apply_again")
		}
		if t.Capacity > 0 {
			d.ApplyNote = pg.T("portal.crs.note.lottery", t.Capacity)
		} else {
			d.ApplyNote = pg.T("portal.crs.note.unlimited")
		}
	}

	// The record page explains how to check the draw before it, and lists
	// it after.
	d.RecordURL = web.MemberTermURL(t.ID) + "/draw"
	if t.DrawnAt != nil {
		d.Drawn, d.Seed, d.DrawnAt = true, t.Seed, signup.Moment(lang, *t.DrawnAt)
	}

	// The coming sessions, with the member's marks.
	var attended map[int64]time.Time
	if e != nil && e.Status == course.EnrolEnrolled && len(mt.Upcoming) > 0 {
		attended = h.pcrsAttended(r.Context(), p.MemberID, t.ID, mt.Upcoming[0].StartsAt, mt.Upcoming[len(mt.Upcoming)-1].StartsAt.Add(time.Millisecond))
	}
	next := true
	for _, x := range mt.Upcoming {
		s := pcrsSession{When: signup.When(lang, x.StartsAt, x.EndsAt), Cancelled: x.Cancelled}
		if at, ok := attended[x.ID]; ok {
			// The member who just scanned sees it here: the session
			// under way is the first coming one, marked with the time.
			s.Attend, s.AttendLabel = true, pg.T("portal.crs.session_attended_at", signup.Clock(lang, at))
			if d.CheckedIn == "" {
				d.CheckedIn = pg.T("portal.crs.checked_in", signup.When(lang, x.StartsAt, x.EndsAt), signup.Moment(lang, at))
			}
		}
		if next && !x.Cancelled {
			s.Next, next = true, false
		}
		d.Sessions = append(d.Sessions, s)
	}
	pg.Data = d
	h.Render(w, status, "pcrs_term", pg)
}

// pcrsApply: POST /m/courses/terms/{id}/apply. A second press answers the
// application already made, with the same ticket.
func (h *Pages) pcrsApply(r *http.Request, p *auth.Principal, id int64) (string, error) {
	_, made, err := h.Courses.Apply(r.Context(), p, id, p.MemberID)
	switch {
	case err != nil:
		return "", err
	case made:
		return "portal.flash.crs_applied", nil
	}
	return "portal.flash.crs_already", nil
}

// pcrsWithdraw: POST /m/courses/terms/{id}/withdraw.
func (h *Pages) pcrsWithdraw(r *http.Request, p *auth.Principal, id int64) (string, error) {
	_, err := h.Courses.Withdraw(r.Context(), p, id, p.MemberID)
	return "portal.flash.crs_withdrawn", err
}

// pcrsDraw: GET /m/courses/terms/{id}/draw, the draw record: every ticket
// with its place in the draw and its key, no names; the member's own
// ticket marked.
func (h *Pages) pcrsDraw(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	mt, ok := h.pcrsDetail().Load(w, r, p)
	if !ok {
		return nil
	}
	rec, err := h.Courses.Record(r.Context(), &mt.Term)
	if err != nil {
		return err
	}
	pg := h.MemberPage(w, r, "portal.crs.draw.title", "activities")
	lang := pg.Lang
	d := pcrsDrawData{pcrsTerm: pcrsTermOf(lang, mt, time.Now()), SeedHash: rec.SeedHash, Seed: rec.Seed,
		Unread: h.pcrsUnread(r.Context(), p.MemberID)}
	var mine int64
	if e := mt.Enrolment; e != nil {
		mine = e.Ticket
	}
	if rec.DrawnAt != nil {
		d.DrawnAt = signup.Moment(lang, *rec.DrawnAt)
		drawn := 0
		for _, tk := range rec.Tickets {
			key := course.TicketKey(rec.Seed, tk.Ticket)
			row := pcrsDrawRow{Rank: tk.Rank, Ticket: tk.Ticket, Key: hex.EncodeToString(key[:6]), Drawn: tk.Drawn, Mine: mine != 0 && tk.Ticket == mine}
			if row.Mine {
				d.MyTicket = mine // withdrawn before the draw: not in it
			}
			d.Rows = append(d.Rows, row)
			if tk.Drawn {
				drawn++
			}
		}
		if rec.Capacity > 0 {
			d.Summary = pg.T("portal.crs.draw.summary", len(rec.Tickets), rec.Capacity, drawn)
		} else {
			d.Summary = pg.T("portal.crs.draw.summary_unlimited", len(rec.Tickets))
		}
		ticket := int64(1)
		if d.MyTicket != 0 {
			ticket = d.MyTicket
		} else if len(rec.Tickets) > 0 {
			ticket = rec.Tickets[0].Ticket
		}
		d.Verify = "printf '%s' '" + rec.Seed + ":" + strconv.FormatInt(ticket, 10) + "' | sha256sum"
	}
	pg.Data = d
	h.Render(w, http.StatusOK, "pcrs_draw", pg)
	return nil
}

// ---------- interest groups ----------

func (h *Pages) pcrsGroupAction(w http.ResponseWriter, r *http.Request, p *auth.Principal, leave bool) {
	id, err := web.IDParam(r, "id")
	if err != nil {
		h.Fail(w, r, nil, err)
		return
	}
	if _, err := h.Courses.JoinGroup(r.Context(), p, id, p.MemberID, leave); err != nil {
		h.Fail(w, r, nil, err)
		return
	}
	flash := "portal.flash.crs_joined"
	if leave {
		flash = "portal.flash.crs_left"
	}
	web.Redirect(w, r, "/m/courses", flash)
}

// pcrsJoin: POST /m/courses/groups/{id}/join.
func (h *Pages) pcrsJoin(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	h.pcrsGroupAction(w, r, p, false)
	return nil
}

// pcrsLeave: POST /m/courses/groups/{id}/leave.
func (h *Pages) pcrsLeave(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	h.pcrsGroupAction(w, r, p, true)
	return nil
}

// ---------- the timetable ----------

// pcrsTimetable adds the member's course sessions of the next four weeks
// to the days of the activity timetable (pactTimetable), in time order.
func (h *Pages) pcrsTimetable(ctx context.Context, lang i18n.Lang, memberID int64, groups []web.AgendaGroup) []web.AgendaGroup {
	if h.Courses == nil {
		return groups
	}
	now := time.Now()
	y, m, dd := now.In(beijing.Zone).Date()
	from := time.Date(y, m, dd, 0, 0, 0, 0, beijing.Zone)
	tt, err := h.Courses.Timetable(ctx, memberID, from, from.AddDate(0, 0, 28))
	if err != nil {
		slog.Warn("portal: course timetable", "err", err)
		return groups
	}
	var items []web.AgendaItem
	for _, g := range groups {
		items = append(items, g.Items...)
	}
	for _, e := range tt {
		if e.EndsAt.Before(now) {
			continue
		}
		it := web.AgendaItem{ID: db.FormatID(e.TermID), URL: web.MemberTermURL(e.TermID), Title: e.CourseTitle + " · " + e.TermName,
			Kind: i18n.T(lang, "portal.crs.kind"), When: signup.When(lang, e.StartsAt, e.EndsAt), Venue: e.Venue,
			Day: signup.DayLabel(lang, e.StartsAt), At: e.StartsAt}
		if e.Teacher != "" {
			it.Places = i18n.T(lang, "portal.crs.teacher_is", e.Teacher)
		}
		switch {
		case e.Cancelled:
			it.Closed, it.ClosedV = i18n.T(lang, "portal.crs.session_cancelled"), "danger"
		case e.AttendedAt != nil:
			it.Status, it.StatusV = i18n.T(lang, "portal.crs.session_attended_at", signup.Clock(lang, *e.AttendedAt)), "success"
		}
		items = append(items, it)
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].At.Before(items[j].At) })
	return signup.ByDay(items)
}

// ---------- check-in by a session's code ----------

// pcrsCheckinView describes what a session's code leads to, before
// attending: the course, term and session, whether the member is already
// marked, and a reason that makes checking in pointless now ("" = go
// ahead). The code's signature is checked only when attending.
func (h *Pages) pcrsCheckinView(ctx context.Context, pg *web.Page, p *auth.Principal, code string) (*pcrsCheckinData, string) {
	d := &pcrsCheckinData{Checkin: signup.Checkin{Code: code}}
	c, err := checkcode.Parse(course.CodePrefix, code)
	if err != nil {
		return d, signup.RefusalMessage(pg.Lang, err)
	}
	mt, err := h.Courses.MemberView(ctx, p.MemberID, c.Owner)
	if err != nil {
		if errs.Is(err, errs.KindNotFound) {
			return d, pg.T("checkcode.forged")
		}
		return d, signup.RefusalMessage(pg.Lang, err)
	}
	t := &mt.Term
	d.Title, d.Term, d.TermURL, d.Venue = t.CourseTitle, t.Name, web.MemberTermURL(t.ID), t.Venue
	e := mt.Enrolment
	if e != nil && e.Status == course.EnrolEnrolled {
		d.Attendance = pg.T("portal.crs.attended", e.Attended, t.Sessions)
	}
	var x *course.Session
	for i := range mt.Upcoming {
		if mt.Upcoming[i].ID == c.Point {
			x = &mt.Upcoming[i]
		}
	}
	attended := false
	if e != nil && e.Status == course.EnrolEnrolled {
		// The member's own sessions say whether this one is marked (and
		// find a past one).
		first, okF := time.ParseInLocation(time.DateOnly, t.StartsOn, beijing.Zone)
		last, okL := time.ParseInLocation(time.DateOnly, t.EndsOn, beijing.Zone)
		if okF == nil && okL == nil {
			tt, err := h.Courses.Timetable(ctx, p.MemberID, first, last.AddDate(0, 0, 1))
			if err != nil {
				return d, signup.RefusalMessage(pg.Lang, err)
			}
			for _, s := range tt {
				if s.ID == c.Point && s.TermID == t.ID {
					sess := s.Session
					x, attended = &sess, s.Attended
				}
			}
		}
	}
	switch {
	case x == nil && e != nil && e.Status == course.EnrolEnrolled:
		return d, pg.T("checkcode.forged")
	case x != nil:
		d.When = signup.When(pg.Lang, x.StartsAt, x.EndsAt)
	}
	if attended {
		d.Result = "again"
		return d, ""
	}
	now := time.Now()
	switch {
	case e == nil || e.Status == course.EnrolCancelled:
		return d, pg.T("course.not_enrolled")
	case e.Status == course.EnrolApplied:
		return d, pg.T("portal.crs.checkin.applied")
	case e.Status == course.EnrolWaiting:
		return d, pg.T("portal.crs.checkin.waiting")
	case x == nil:
		return d, pg.T("course.session_over")
	case x.Cancelled:
		return d, pg.T("course.session_cancelled")
	case now.Before(x.StartsAt.Add(-course.AttendLead)):
		return d, pg.T("portal.crs.checkin.opens", signup.Moment(pg.Lang, x.StartsAt.Add(-course.AttendLead)))
	case now.After(x.EndsAt):
		return d, pg.T("course.session_over")
	case t.Status != course.TermDrawn:
		return d, pg.T("course.not_drawn")
	}
	d.CanCheckIn = true
	return d, ""
}

// pcrsCheckin serves the check-in pages of a session's codes.
func (h *Pages) pcrsCheckin() signup.CheckinPages[*pcrsCheckinData] {
	return signup.CheckinPages[*pcrsCheckinData]{K: h.Kernel, Title: "portal.crs.checkin.title", Template: "pcrs_checkin", View: h.pcrsCheckinView}
}

// pcrsCheckinPage: GET /m/checkin?code=GHK1:…, what a session's QR code
// opens (dispatched by the code's prefix).
func (h *Pages) pcrsCheckinPage(w http.ResponseWriter, r *http.Request, p *auth.Principal, code string) error {
	return h.pcrsCheckin().Show(w, r, p, code)
}

// pcrsCheckinSubmit: POST /m/checkin with a session's code, the big
// button. A second press answers "already".
func (h *Pages) pcrsCheckinSubmit(w http.ResponseWriter, r *http.Request, p *auth.Principal, code string) error {
	if len(code) > checkcode.MaxLen {
		code = code[:checkcode.MaxLen+1] // Parse refuses it as malformed
	}
	pages := h.pcrsCheckin()
	pg := pages.Page(w, r, code)
	res, err := h.Courses.Attend(r.Context(), p, 0, course.AttendInput{Code: code})
	if err == nil && len(res) == 0 {
		err = errs.Internal(errors.New("no attendance"), "portal: course check-in")
	}
	if err != nil {
		if !pages.Refused(w, r, p, pg, code, err, "checkcode.forged") {
			h.Fail(w, r, nil, err)
		}
		return nil
	}
	a := res[0]
	d := &pcrsCheckinData{Checkin: signup.Checkin{Code: code, Title: a.CourseTitle},
		Term: a.TermName, TermURL: web.MemberTermURL(a.TermID), Attendance: pg.T("portal.crs.attended", a.Attended, a.Sessions)}
	d.Done(a.Made, signup.Clock(pg.Lang, a.At))
	if mt, err := h.Courses.MemberView(r.Context(), p.MemberID, a.TermID); err == nil {
		d.Venue = mt.Venue
		for _, x := range mt.Upcoming {
			if x.ID == a.SessionID {
				d.When = signup.When(pg.Lang, x.StartsAt, x.EndsAt)
			}
		}
	}
	pages.Render(w, r, p, pg, d, http.StatusOK)
	return nil
}
