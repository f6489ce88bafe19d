// Package signup is the page part shared by the modules that take sign-ups
// (activities, course terms, and next checkup bookings, congress sessions,
// party meetings, contests): the staff's list of sign-ups with status tabs,
// a name search and paging, signing a member up, the check-in screen's
// rotating code and the staff's scanner, the attendance download, and in
// the members' portal an event's page with the member's own forms and the
// refusal they meet, check-in by a printed code, and the timetable's days.
//
// Its templates/signup.components.html joins every page's base set: the
// components there (signup_*) are called from the modules' own templates
// with dict parameters. Its static files (signup.css, signup.js for staff
// pages; signup_portal.css, signup_portal.js for the portal) are linked by
// the modules' page heads.
package signup

import (
	"embed"
	"net/http"
	"strconv"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/beijing"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
	"gonghui/internal/i18n"
	"gonghui/internal/web"
)

//go:embed templates static
var files embed.FS

func init() { web.AddFiles(files) }

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

// Clock is a moment of today as its hour ("14:05"), of another day with
// the day.
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

// Origin is this site's scheme and host as the visitor reached it.
func Origin(k *web.Kernel, r *http.Request) string {
	scheme := "http"
	if httpx.Secure(r, k.HTTP) {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// DefaultPublisher is where a new sign-up event is published by default:
// the organisation of ?org=, else the first of the caller's grants that
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

// CanRead reports whether the caller sees sign-up events anywhere.
func CanRead(p *auth.Principal) bool {
	return p.Can(auth.PermActivityRead) || p.Can(auth.PermActivityWrite)
}
