package web

import (
	"context"
	"gonghui/internal/auth"
	"gonghui/internal/beijing"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
	"gonghui/internal/i18n"
	"log/slog"
	"net/http"
	"strconv"
	"time"
)

// AgendaItem is an activity on a card of the list (and the head of the
// detail page).
type AgendaItem struct {
	ID, URL, Title   string
	Kind             string // translated
	When             string // "12月1日 周二 09:00–11:30", Beijing time
	Venue            string
	Places           string // "余 12 个名额", "已满，可候补", "不限名额"
	PlacesFull       bool
	Status, StatusV  string // the member's registration ("" = none)
	Closed, ClosedV  string // the activity's state when cancelled or finished
	Day              string // timetable: the day heading
	Position         string // "候补第 3 位"
	HasRegistration  bool
	RegistrationLive bool
	At               time.Time // timetable: the order within a day
}

// AgendaGroup is one day of the timetable.
type AgendaGroup struct {
	Day   string
	Items []AgendaItem
}

// DayLabel is a day, e.g. 12月1日 周二 (the year only when not this year).
func DayLabel(lang i18n.Lang, t time.Time) string {
	t = t.In(beijing.Zone)
	layout := i18n.T(lang, "portal.act.date_layout")
	if t.Year() != time.Now().In(beijing.Zone).Year() {
		layout = i18n.T(lang, "portal.act.date_layout_year")
	}
	return t.Format(layout) + " " + i18n.T(lang, "portal.act.weekday."+strconv.Itoa(int(t.Weekday())))
}

// When is a span of time: one day with its hours, or two days.
func When(lang i18n.Lang, start, end time.Time) string {
	s, e := start.In(beijing.Zone), end.In(beijing.Zone)
	if s.Year() == e.Year() && s.YearDay() == e.YearDay() {
		return DayLabel(lang, s) + " " + s.Format("15:04") + "–" + e.Format("15:04")
	}
	return DayLabel(lang, s) + " " + s.Format("15:04") + " – " + DayLabel(lang, e) + " " + e.Format("15:04")
}

// Moment is a point in time: day and hour.
func Moment(lang i18n.Lang, t time.Time) string {
	return DayLabel(lang, t) + " " + t.In(beijing.Zone).Format("15:04")
}

// Clock is a moment of today as its hour ("14:05"), of another day
// with the day.
func Clock(lang i18n.Lang, t time.Time) string {
	b, now := t.In(beijing.Zone), time.Now().In(beijing.Zone)
	if b.Year() == now.Year() && b.YearDay() == now.YearDay() {
		return b.Format("15:04")
	}
	return Moment(lang, t)
}

// RefusalMessage is the translated message of a store error.
func RefusalMessage(lang i18n.Lang, err error) string {
	e, ok := errs.As(err)
	if !ok {
		return ""
	}
	if f, ok := e.FirstField(); ok {
		return i18n.T(lang, f.Key, f.Args...)
	}
	return i18n.T(lang, e.Key, e.Args...)
}

// IsRefusal reports whether err is a refusal to show on the page (as
// opposed to a missing page or a failure).
func IsRefusal(err error) bool {
	return errs.Is(err, errs.KindConflict) || errs.Is(err, errs.KindInvalid)
}

// unread counts the member's unread notices for the badge of the bottom
// bar; a failure only hides the badge.
func (h *Kernel) Unread(ctx context.Context, memberID int64) int {
	n, err := h.Notices.Unread(ctx, memberID)
	if err != nil {
		slog.Warn("portal: unread notices", "err", err)
		return 0
	}
	return n
}

// RegTab is one status tab of the registrations.
type RegTab struct {
	Label, URL string
	Current    bool
}

// MemberHit is a member found to sign up.
type MemberHit struct {
	ID, Name, OrgName, IDNumber, Mobile string
}

// Origin is this site's scheme and host as the visitor reached it.
func (h *Kernel) Origin(r *http.Request) string {
	scheme := "http"
	if httpx.Secure(r, h.HTTP) {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// CheckpointCode is what a checkpoint's screen shows now.
type CheckpointCode struct {
	URL         string `json:"url"`
	Image       string `json:"image"`
	ValidUntil  string `json:"valid_until,omitempty"`
	RefreshInMS int64  `json:"refresh_in_ms,omitempty"` // 0: never changes
}

// ScanResult is the answer to one scan.
type ScanResult struct {
	OK     bool   `json:"ok"`
	Title  string `json:"title"`            // the member's name, or what went wrong
	Detail string `json:"detail,omitempty"` // stamps, prize, or the reason
	Again  bool   `json:"again,omitempty"`  // already checked in earlier
	Prize  bool   `json:"prize,omitempty"`  // the stamp card is full
}

// DefaultPublisher is where a new activity is published by default: the
// organisation of ?org=, else the first of the caller's grants that
// allows publishing.
func DefaultPublisher(p *auth.Principal, asked int64) int64 {
	if asked != 0 {
		return asked
	}
	if p.OrgPath != "" && p.CanAt(auth.PermActivityWrite, p.OrgPath) {
		return p.OrgID
	}
	for _, g := range p.Grants {
		if p.CanAt(auth.PermActivityWrite, g.OrgPath) {
			return g.OrgID
		}
	}
	return 0
}

// CanActivities reports whether the caller sees activities anywhere.
func CanActivities(p *auth.Principal) bool {
	return p.Can(auth.PermActivityRead) || p.Can(auth.PermActivityWrite)
}

// ActOrgChoices lists the organisations to filter or publish by: those
// where the caller reads activities.
func (h *Kernel) ActOrgChoices(r *http.Request, p *auth.Principal, lang i18n.Lang, q string, keep ...int64) ([]Option, error) {
	perm := auth.PermActivityRead
	if !p.Can(perm) {
		perm = auth.PermActivityWrite
	}
	return h.OrgChoices(r.Context(), p, lang, perm, q, keep...)
}
