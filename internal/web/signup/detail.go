package signup

import (
	"context"
	"net/http"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/beijing"
	"gonghui/internal/i18n"
	"gonghui/internal/web"
)

// MemberViewer is a module's store as the members' portal reads it: one
// event (an activity, a course term) as the member sees it, with their own
// sign-up; the store decides what the member may see.
type MemberViewer[T any] interface {
	MemberView(ctx context.Context, memberID, id int64) (*T, error)
}

// Detail serves an event's portal page: showing it, and showing it again
// with the refusal of one of the member's forms (MemberForms.Again).
type Detail[T any] struct {
	K      *web.Kernel
	Store  MemberViewer[T]
	URL    func(id int64) string // the event's portal page
	Render func(w http.ResponseWriter, r *http.Request, p *auth.Principal, v *T, refusal string, status int)
}

// Load reads the event of the {id} path value, or answers the error page
// (never cached: it may name the member's sign-up).
func (d Detail[T]) Load(w http.ResponseWriter, r *http.Request, p *auth.Principal) (*T, bool) {
	id, err := web.IDParam(r, "id")
	var v *T
	if err == nil {
		v, err = d.Store.MemberView(r.Context(), p.MemberID, id)
	}
	if err != nil {
		w.Header().Set("Cache-Control", "no-store")
		d.K.Fail(w, r, nil, err)
		return nil, false
	}
	return v, true
}

// Show is the event's page.
func (d Detail[T]) Show(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if v, ok := d.Load(w, r, p); ok {
		d.Render(w, r, p, v, "", http.StatusOK)
	}
	return nil
}

// Again renders the event of id again with the store's refusal msg.
func (d Detail[T]) Again(w http.ResponseWriter, r *http.Request, p *auth.Principal, id int64, msg string, status int) error {
	v, err := d.Store.MemberView(r.Context(), p.MemberID, id)
	if err == nil {
		d.Render(w, r, p, v, msg, status)
	}
	return err
}

// Forms are the member's own forms on the event's page.
func (d Detail[T]) Forms() MemberForms {
	return MemberForms{K: d.K, URL: d.URL, Again: d.Again}
}

// Window says when sign-up is open: from opens to closes, the closing
// hour alone when both fall on one day.
func Window(lang i18n.Lang, opens, closes time.Time) string {
	end := Moment(lang, closes)
	if o, c := opens.In(beijing.Zone), closes.In(beijing.Zone); o.Year() == c.Year() && o.YearDay() == c.YearDay() {
		end = c.Format("15:04")
	}
	return i18n.T(lang, "portal.act.window", Moment(lang, opens), end)
}

// ByDay groups a timetable's items, in time order, by their day.
func ByDay(items []web.AgendaItem) []web.AgendaGroup {
	var out []web.AgendaGroup
	for _, it := range items {
		if n := len(out); n > 0 && out[n-1].Day == it.Day {
			out[n-1].Items = append(out[n-1].Items, it)
		} else {
			out = append(out, web.AgendaGroup{Day: it.Day, Items: []web.AgendaItem{it}})
		}
	}
	return out
}
