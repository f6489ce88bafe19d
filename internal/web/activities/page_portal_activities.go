package activities

import (
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"gonghui/internal/activity"
	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/httpx"
	"gonghui/internal/i18n"
	"gonghui/internal/web"
	"gonghui/internal/web/signup"
)

// Activities in the members' portal: the activities open to a member
// (/m/activities, with tabs for coming ones, their own and past ones, and
// their timetable), one activity with sign-up, cancellation, the stamp card
// and a calendar file, check-in by a checkpoint's QR code (/m/checkin: the
// phone's camera opens the link; showing the page never checks in, its big
// button does), and the notices the member was sent (/m/notices).
//
// Everything a member does here goes through the activity store with the
// member's own principal; the store decides what they may see and do, and
// its refusals are shown as they are (full, closed, deadline passed...).

// portalActivityRoutes registers the members' activity pages.
func (h *Pages) portalActivityRoutes(mux *http.ServeMux) {
	if h.Acts == nil {
		return
	}
	m := h.MemberAuthed
	f := h.pactDetail().Forms()
	mux.HandleFunc("GET /m/activities", m(h.pactList))
	mux.HandleFunc("GET /m/timetable", m(h.pactTimetable))
	mux.HandleFunc("GET /m/activities/{id}", m(h.pactDetail().Show))
	mux.HandleFunc("POST /m/activities/{id}/register", m(f.Handle(h.pactRegister)))
	mux.HandleFunc("POST /m/activities/{id}/cancel", m(f.Handle(h.pactCancel)))
	mux.HandleFunc("GET /m/activities/{id}/calendar.ics", m(h.pactCalendar))
	mux.HandleFunc("GET /m/activities/{id}/photos/{pid}", m(h.pactPhoto))
	h.HandleCheckin(activity.CodePrefix, h.pactCheckinPage, h.pactCheckinSubmit)
	mux.HandleFunc("GET /m/notices", m(h.pactNotices))
	h.ServeNotices()
}

// ---------- views ----------

// pactTab is one tab of the activity list.
type pactTab struct {
	Key, Label, URL string
	Current         bool
}

// pactListData is the Data of the activity list and of the timetable.
type pactListData struct {
	Tab      string // coming, mine, timetable, past
	Tabs     []pactTab
	Q        string
	Items    []web.AgendaItem
	Groups   []web.AgendaGroup // timetable
	More     string            // URL of the next page ("" = none)
	Empty    string
	Unread   int
	ClearURL string // the search without its words
}

// pactStamp is one checkpoint on a stamp card.
type pactStamp struct {
	N    int
	Name string
	Done bool
	At   string
	Just bool // the stamp just earned
}

// pactCard is a member's stamp card (活动记录卡).
type pactCard struct {
	Stamps    []pactStamp
	Collected int
	Total     int
	Progress  string // "已集 2 / 3 枚"
	Goal      string // "集满 3 枚可兑换：纪念徽章"
	Prize     string // "", or the state of the prize
	PrizeV    string
	Percent   int // progress bar width
}

// pactDetailData is the Data of an activity's page.
type pactDetailData struct {
	web.AgendaItem
	Address      string
	MapURL       string
	Organiser    string
	Window       string // registration window
	CancelBy     string // cancellation deadline
	Description  string
	CancelReason string
	Waiting      string // "候补第 3 位"

	CanRegister   bool
	RegisterLabel string
	RegisterNote  string // why not, or what to expect
	CanCancel     bool
	CancelNote    string
	Error         string // the store's refusal of the last action
	CheckedIn     string // when the member first checked in, "" before

	Card        *pactCard
	Photos      []pactPhoto
	CalendarURL string
	Unread      int
}

// pactCheckinData is the Data of the check-in page.
type pactCheckinData struct {
	signup.Checkin
	ActivityURL string
	Checkpoint  string
	Card        *pactCard
}

// pactNotice is one notice as shown.
type pactNotice struct {
	Text, URL, At string
	Kind          string
	New           bool
}

// pactNoticesData is the Data of the notices page.
type pactNoticesData struct {
	Items  []pactNotice
	Unread int
}

// ---------- formatting ----------

func pactKind(lang i18n.Lang, k activity.Kind) string {
	return i18n.T(lang, "activity.kind."+string(k))
}

func pactRegVariant(s activity.RegStatus) string {
	switch s {
	case activity.RegConfirmed, activity.RegWalkIn:
		return "success"
	case activity.RegWaiting:
		return "warning"
	case activity.RegPending:
		return "info"
	case activity.RegRejected:
		return "danger"
	}
	return "neutral"
}

// pactPlaces says how many places are left.
func pactPlaces(lang i18n.Lang, a *activity.Activity) (string, bool) {
	left := a.SeatsLeft()
	switch {
	case left < 0:
		return i18n.T(lang, "portal.act.places.unlimited"), false
	case left == 0 && a.Waitlist:
		return i18n.T(lang, "portal.act.places.full_waitlist"), true
	case left == 0:
		return i18n.T(lang, "portal.act.places.full"), true
	}
	return i18n.T(lang, "portal.act.places.left", left), false
}

// pactItemOf fills the card of one activity.
func pactItemOf(lang i18n.Lang, ma *activity.MemberActivity) web.AgendaItem {
	a := &ma.Activity
	it := web.AgendaItem{ID: db.FormatID(a.ID), URL: web.MemberActivityURL(a.ID), Title: a.Title, Kind: pactKind(lang, a.Kind),
		When: signup.When(lang, a.StartsAt, a.EndsAt), Venue: a.Venue, Day: signup.DayLabel(lang, a.StartsAt), At: a.StartsAt}
	it.Places, it.PlacesFull = pactPlaces(lang, a)
	switch {
	case a.Status == activity.StatusCancelled:
		it.Closed, it.ClosedV = i18n.T(lang, "activity.status.cancelled"), "danger"
	case a.Status == activity.StatusFinished || !time.Now().Before(a.EndsAt):
		it.Closed, it.ClosedV = i18n.T(lang, "activity.status.finished"), "neutral"
	}
	if r := ma.Registration; r != nil {
		it.HasRegistration = true
		it.RegistrationLive = r.Status == activity.RegConfirmed || r.Status == activity.RegWaiting || r.Status == activity.RegPending
		it.Status, it.StatusV = i18n.T(lang, "activity.reg."+string(r.Status)), pactRegVariant(r.Status)
		if r.Status == activity.RegWaiting && ma.Position > 0 {
			it.Position = i18n.T(lang, "portal.act.position", ma.Position)
		}
	}
	return it
}

// pactShowsCard reports whether an activity has a stamp card: several
// checkpoints, or stamps to collect for a prize.
func pactShowsCard(a *activity.Activity, sc *activity.StampCard) bool {
	return sc != nil && (len(sc.Stamps) > 1 || a.StampsRequired > 0 || len(a.Checkpoints) > 1)
}

// pactCheckedIn says when the member first checked in (and, with several
// checkpoints, how many stamps they hold), "" before any check-in: the
// member who just scanned finds it on the activity's page too.
func pactCheckedIn(lang i18n.Lang, sc *activity.StampCard) string {
	if sc == nil {
		return ""
	}
	var first *time.Time
	for _, st := range sc.Stamps {
		if st.At != nil && (first == nil || st.At.Before(*first)) {
			first = st.At
		}
	}
	if first == nil {
		return ""
	}
	if len(sc.Stamps) > 1 {
		return i18n.T(lang, "portal.act.checked_in_stamps", signup.Moment(lang, *first), sc.Collected, len(sc.Stamps))
	}
	return i18n.T(lang, "portal.act.checked_in", signup.Moment(lang, *first))
}

// pactCardOf fills a stamp card; just is the checkpoint stamped a moment
// ago (0: none).
func pactCardOf(lang i18n.Lang, sc *activity.StampCard, just int64) *pactCard {
	c := &pactCard{Collected: sc.Collected, Total: len(sc.Stamps)}
	for i, st := range sc.Stamps {
		v := pactStamp{N: i + 1, Name: st.Name, Done: st.At != nil, Just: st.CheckpointID == just && st.At != nil}
		if v.Name == "" {
			v.Name = i18n.T(lang, "activity.checkpoint.main")
		}
		if st.At != nil {
			v.At = signup.Clock(lang, *st.At)
		}
		c.Stamps = append(c.Stamps, v)
	}
	c.Progress = i18n.T(lang, "portal.act.card.progress", c.Collected, c.Total)
	goal := c.Total
	if sc.Required > 0 {
		goal = sc.Required
		c.Goal = i18n.T(lang, "portal.act.card.goal", sc.Required, sc.Prize)
	}
	if goal > 0 {
		c.Percent = min(100, c.Collected*100/goal)
	}
	switch {
	case sc.Required == 0:
	case sc.RedeemedAt != nil:
		c.Prize, c.PrizeV = i18n.T(lang, "portal.act.card.redeemed", signup.Moment(lang, *sc.RedeemedAt)), "neutral"
	case sc.Earned:
		c.Prize, c.PrizeV = i18n.T(lang, "portal.act.card.earned", sc.Prize), "success"
	default:
		c.Prize, c.PrizeV = i18n.T(lang, "portal.act.card.to_go", sc.Required-sc.Collected), "info"
	}
	return c
}

// ---------- the list ----------

// pactList: GET /m/activities, tabs coming (default), mine and past.
func (h *Pages) pactList(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	tab := web.QueryValue(r, "tab")
	if tab != "mine" && tab != "past" {
		tab = "coming"
	}
	q := web.QueryValue(r, "q")
	if len([]rune(q)) > activity.MaxTitle {
		q = string([]rune(q)[:activity.MaxTitle])
	}
	items, next, err := h.Acts.ForMember(r.Context(), p.MemberID, activity.MemberQuery{
		Mine: tab == "mine", Past: tab == "past", Q: q, After: web.QueryValue(r, "after"), Limit: 20})
	if err != nil {
		return err
	}
	pg := h.MemberPage(w, r, "portal.act.list.title", "activities")
	d := h.pactListBase(pg, r, p, tab, q)
	for i := range items {
		d.Items = append(d.Items, pactItemOf(pg.Lang, &items[i]))
	}
	if next != "" {
		v := url.Values{"after": {next}}
		if tab != "coming" {
			v.Set("tab", tab)
		}
		if q != "" {
			v.Set("q", q)
		}
		d.More = "/m/activities?" + v.Encode()
	}
	switch {
	case q != "":
		d.Empty = pg.T("portal.act.list.empty_search", q)
	default:
		d.Empty = pg.T("portal.act.list.empty_" + tab)
	}
	pg.Data = d
	h.Render(w, http.StatusOK, "pact_list", pg)
	return nil
}

func (h *Pages) pactListBase(pg *web.Page, r *http.Request, p *auth.Principal, tab, q string) pactListData {
	d := pactListData{Tab: tab, Q: q, Unread: h.Unread(r.Context(), p.MemberID)}
	for _, t := range []struct{ key, url string }{
		{"coming", "/m/activities"}, {"mine", "/m/activities?tab=mine"}, {"timetable", "/m/timetable"}, {"past", "/m/activities?tab=past"},
	} {
		d.Tabs = append(d.Tabs, pactTab{Key: t.key, Label: pg.T("portal.act.tab." + t.key), URL: t.url, Current: t.key == tab})
	}
	if q != "" {
		d.ClearURL = "/m/activities"
		if tab != "coming" {
			d.ClearURL += "?tab=" + tab
		}
	}
	return d
}

// pactTimetable: GET /m/timetable, the coming activities where the member
// holds or waits for a place, and their course sessions (page_portal_
// courses.go), by day.
func (h *Pages) pactTimetable(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	items, err := h.Acts.Timetable(r.Context(), p.MemberID, time.Time{})
	if err != nil {
		return err
	}
	pg := h.MemberPage(w, r, "portal.act.timetable.title", "activities")
	d := h.pactListBase(pg, r, p, "timetable", "")
	var mine []web.AgendaItem
	for i := range items {
		if items[i].Status == activity.StatusCancelled {
			// Called off: the registration stays as it was, the day is free.
			continue
		}
		it := pactItemOf(pg.Lang, &items[i])
		if items[i].Registration.Status == activity.RegWaiting {
			// The list does not read the waiting position; the page does.
			if ma, err := h.Acts.MemberView(r.Context(), p.MemberID, items[i].ID); err == nil && ma.Position > 0 {
				it.Position = pg.T("portal.act.position", ma.Position)
			}
		}
		mine = append(mine, it)
	}
	d.Groups = h.Agenda(r.Context(), pg.Lang, p.MemberID, signup.ByDay(mine))
	d.Empty = pg.T("portal.act.list.empty_timetable")
	pg.Data = d
	h.Render(w, http.StatusOK, "pact_list", pg)
	return nil
}

// ---------- one activity ----------

// pactDetail serves an activity's page (renderPactDetail).
func (h *Pages) pactDetail() signup.Detail[activity.MemberActivity] {
	return signup.Detail[activity.MemberActivity]{K: h.Kernel, Store: h.Acts, URL: web.MemberActivityURL, Render: h.renderPactDetail}
}

// mapURL links a place to a map (Amap's marker page, which phones open in
// the map app when it is installed).
func mapURL(a *activity.Activity) string {
	if a.Lat == nil || a.Lng == nil {
		return ""
	}
	name := a.Venue
	if name == "" {
		name = a.Title
	}
	v := url.Values{"position": {strconv.FormatFloat(*a.Lng, 'f', 6, 64) + "," + strconv.FormatFloat(*a.Lat, 'f', 6, 64)}, "name": {name}, "src": {"gonghui"}}
	return "https://uri.amap.com/marker?" + v.Encode()
}

func (h *Pages) renderPactDetail(w http.ResponseWriter, r *http.Request, p *auth.Principal, ma *activity.MemberActivity, refusal string, status int) {
	a := &ma.Activity
	pg := h.MemberPage(w, r, "", "activities")
	pg.Title = a.Title
	pg.Path = web.MemberActivityURL(a.ID)
	lang := pg.Lang
	now := time.Now()
	d := pactDetailData{AgendaItem: pactItemOf(lang, ma), Address: a.Address, MapURL: mapURL(a), Organiser: a.Organiser,
		Description: strings.TrimSpace(a.Description), CancelReason: a.CancelReason, Error: refusal,
		CalendarURL: web.MemberActivityURL(a.ID) + "/calendar.ics", Unread: h.Unread(r.Context(), p.MemberID)}
	if d.Organiser == "" {
		d.Organiser = a.OrgName
	}
	for _, ph := range ma.Photos {
		d.Photos = append(d.Photos, pactPhoto{URL: web.MemberActivityURL(a.ID) + "/photos/" + db.FormatID(ph.ID), Caption: ph.Caption})
	}
	d.Window = signup.Window(lang, a.RegOpensAt, a.RegClosesAt)
	d.CancelBy = signup.Moment(lang, a.CancelBefore)
	if ma.Registration != nil && ma.Registration.Status == activity.RegWaiting && ma.Position > 0 {
		d.Waiting = pg.T("portal.act.position", ma.Position)
	}

	reg := ma.Registration
	live := reg != nil && (reg.Status == activity.RegConfirmed || reg.Status == activity.RegWaiting || reg.Status == activity.RegPending)
	switch {
	case live:
		switch {
		case a.Status != activity.StatusPublished || !now.Before(a.EndsAt):
		case now.Before(a.CancelBefore):
			d.CanCancel = true
			d.CancelNote = pg.T("portal.act.cancel_until", d.CancelBy)
		default:
			d.CancelNote = pg.T("activity.cancel_too_late")
		}
		if reg.Status == activity.RegPending {
			d.RegisterNote = pg.T("portal.act.note.pending")
		}
	case reg != nil && reg.Status == activity.RegWalkIn:
	case a.Status == activity.StatusCancelled:
		d.RegisterNote = pg.T("portal.act.note.cancelled")
	case a.Status == activity.StatusFinished || !now.Before(a.EndsAt):
		d.RegisterNote = pg.T("activity.ended")
	case now.Before(a.RegOpensAt):
		d.RegisterNote = pg.T("portal.act.note.opens", signup.Moment(lang, a.RegOpensAt))
	case !now.Before(a.RegClosesAt):
		d.RegisterNote = pg.T("activity.registration_closed")
	case a.SeatsLeft() == 0 && !a.Waitlist:
		d.RegisterNote = pg.T("activity.full")
	default:
		d.CanRegister = true
		d.RegisterLabel = pg.T("portal.act.register")
		switch {
		case a.SeatsLeft() == 0:
			d.RegisterLabel = pg.T("portal.act.register_waitlist")
			d.RegisterNote = pg.T("portal.act.note.waitlist")
		case a.Approval:
			d.RegisterNote = pg.T("portal.act.note.approval")
		}
		if reg != nil && reg.Status == activity.RegCancelled {
			d.RegisterLabel = pg.T("portal.act.register_again")
		}
	}
	d.CheckedIn = pactCheckedIn(lang, ma.Card)
	if pactShowsCard(a, ma.Card) {
		d.Card = pactCardOf(lang, ma.Card, 0)
	}
	pg.Data = d
	h.Render(w, status, "pact_detail", pg)
}

// pactRegister: POST /m/activities/{id}/register. A second press answers
// the registration already made.
func (h *Pages) pactRegister(r *http.Request, p *auth.Principal, id int64) (string, error) {
	reg, made, err := h.Acts.Register(r.Context(), p, id, p.MemberID)
	switch {
	case err != nil:
		return "", err
	case made:
		return "portal.flash.act_" + string(reg.Status), nil
	}
	return "portal.flash.act_already", nil
}

// pactCancel: POST /m/activities/{id}/cancel.
func (h *Pages) pactCancel(r *http.Request, p *auth.Principal, id int64) (string, error) {
	_, err := h.Acts.CancelRegistration(r.Context(), p, id, p.MemberID)
	return "portal.flash.act_withdrawn", err
}

// pactCalendar: GET /m/activities/{id}/calendar.ics, to add the activity
// to the phone's calendar.
func (h *Pages) pactCalendar(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	ma, ok := h.pactDetail().Load(w, r, p)
	if !ok {
		return nil
	}
	scheme := "http"
	if httpx.Secure(r, h.HTTP) {
		scheme = "https"
	}
	link := ""
	if host := r.Host; host != "" && !strings.ContainsAny(host, "/\\ \t\r\n") {
		link = scheme + "://" + host + web.MemberActivityURL(ma.ID)
	}
	body := activity.ICS(&ma.Activity, link, time.Now())
	hd := w.Header()
	hd.Set("Content-Type", "text/calendar; charset=utf-8")
	hd.Set("Content-Disposition", `attachment; filename="activity-`+db.FormatID(ma.ID)+`.ics"`)
	hd.Set("Cache-Control", "no-store")
	hd.Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(body)
	return nil
}

// pactPhoto is one picture on an activity's page.
type pactPhoto struct{ URL, Caption string }

// pactPhoto serves one picture of an activity the member may see, with
// the type read from its bytes at upload and no sniffing or scripting.
func (h *Pages) pactPhoto(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := web.IDParam(r, "id")
	var pid int64
	if err == nil {
		pid, err = web.IDParam(r, "pid")
	}
	var ct string
	var data []byte
	if err == nil {
		ct, data, err = h.Acts.MemberPhotoData(r.Context(), p.MemberID, id, pid)
	}
	if err != nil {
		return err
	}
	_ = httpx.ServeUpload(w, ct, data, "private, max-age=3600")
	return nil
}

// pactNotices: GET /m/notices, the latest notices; they are marked read
// once shown.
func (h *Pages) pactNotices(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	ns, err := h.Notices.List(r.Context(), p.MemberID, 50)
	if err != nil {
		return err
	}
	pg := h.MemberPage(w, r, "portal.act.notices.title", "notices")
	d := pactNoticesData{}
	for _, n := range ns {
		v := pactNotice{Kind: n.Kind, New: !n.Read, At: signup.Moment(pg.Lang, n.At)}
		key := "activity.notice." + n.Kind
		if !i18n.Has(key) {
			key = "portal.act.notices.other"
		}
		v.Text = pg.T(key, n.ActivityTitle)
		if n.ActivityID != 0 {
			v.URL = web.MemberActivityURL(n.ActivityID)
		} else if n.TermID != 0 {
			v.URL = web.MemberTermURL(n.TermID)
		} else if n.LetterID != 0 {
			v.URL = "/m/letters/" + db.FormatID(n.LetterID)
		} else {
			v.URL = h.MemberURL(n.About, n.AboutID)
		}
		d.Items = append(d.Items, v)
	}
	pg.Data = d
	h.Render(w, http.StatusOK, "pact_notices", pg)
	if err := h.Notices.MarkRead(r.Context(), p.MemberID); err != nil {
		slog.Warn("portal: marking notices read", "err", err)
	}
	return nil
}
