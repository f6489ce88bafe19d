package signup

import (
	"context"
	"net/http"

	"gonghui/internal/activity"
	"gonghui/internal/auth"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
	"gonghui/internal/i18n"
	"gonghui/internal/web"
)

// MemberForms serve a member's own forms on an event's portal page (sign
// up, cancel): each goes back to the page with a flash, or shows it again
// with the store's refusal (full, closed, deadline passed, …).
type MemberForms struct {
	K   *web.Kernel
	URL func(id int64) string // the event's portal page
	// Again renders the event's page with the refusal's message; its error
	// is the error page.
	Again func(w http.ResponseWriter, r *http.Request, p *auth.Principal, id int64, msg string, status int) error
}

// Handle is the page of one form on the event of {id}: do makes the
// change and names the flash.
func (f MemberForms) Handle(do func(r *http.Request, p *auth.Principal, id int64) (flash string, err error)) web.PageFunc {
	return func(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
		id, err := web.IDParam(r, "id")
		if err != nil {
			return err
		}
		flash, err := do(r, p, id)
		if err == nil {
			web.Redirect(w, r, f.URL(id), flash)
			return nil
		}
		if !IsRefusal(err) {
			f.K.Fail(w, r, nil, err)
			return nil
		}
		if err := f.Again(w, r, p, id, RefusalMessage(i18n.FromRequest(r), err), httpx.Status(err)); err != nil {
			f.K.Fail(w, r, nil, err)
		}
		return nil
	}
}

// Checkin is what a member's check-in page (what a printed code opens on
// the phone) shows of every module's: the event, the big button, and the
// verdict after pressing it (template signup_verdict).
type Checkin struct {
	Code        string
	Title       string
	When, Venue string
	CanCheckIn  bool
	Result      string // "" (not yet), "ok", "again", "refused"
	Message     string
	At          string
	Unread      int
}

// Base is the shared part of a module's check-in page (CheckinView).
func (c *Checkin) Base() *Checkin { return c }

// Refuse shows reason as the verdict; an empty reason leaves the page as
// it is.
func (c *Checkin) Refuse(reason string) {
	if reason != "" {
		c.Result, c.Message = "refused", reason
	}
}

// Done shows the verdict of a check-in made (made) or made before.
func (c *Checkin) Done(made bool, at string) {
	c.Result, c.At = "again", at
	if made {
		c.Result = "ok"
	}
}

// CheckinRefusal is the message and status of a check-in the store
// refused; an unknown code is forged (forgedKey). ok is false for an error
// that is not a refusal.
func CheckinRefusal(pg *web.Page, err error, forgedKey string) (msg string, status int, ok bool) {
	notFound := errs.Is(err, errs.KindNotFound)
	if !IsRefusal(err) && !notFound {
		return "", 0, false
	}
	msg = RefusalMessage(pg.Lang, err)
	if notFound {
		msg = pg.T(forgedKey)
	}
	return msg, httpx.Status(err), true
}

// CheckinView is the Data of a module's check-in page, a pointer to a
// struct that embeds Checkin.
type CheckinView interface{ Base() *Checkin }

// CheckinPages serve a module's answers to /m/checkin (the kernel's
// HandleCheckin): the page a code opens, and the page after its button.
type CheckinPages[D CheckinView] struct {
	K        *web.Kernel
	Title    string // the page's title, a message key
	Template string
	// View describes what code leads to before checking in, and a reason
	// that makes checking in pointless now ("" = go ahead).
	View func(ctx context.Context, pg *web.Page, p *auth.Principal, code string) (D, string)
	// Refusing, when set, trims the page shown after a refused press.
	Refusing func(d D)
}

// Page is the check-in page's frame; after a press it stays at the code's
// address.
func (c CheckinPages[D]) Page(w http.ResponseWriter, r *http.Request, code string) *web.Page {
	pg := c.K.MemberPage(w, r, c.Title, "activities")
	if r.Method == http.MethodPost {
		pg.Path = activity.CheckinPath(code)
	}
	return pg
}

// Show is the page a code opens: where the member is about to check in and
// the button; it never checks in by itself.
func (c CheckinPages[D]) Show(w http.ResponseWriter, r *http.Request, p *auth.Principal, code string) error {
	pg := c.Page(w, r, code)
	d, reason := c.View(r.Context(), pg, p, code)
	d.Base().Refuse(reason)
	c.Render(w, r, p, pg, d, http.StatusOK)
	return nil
}

// Render shows d, with the bottom bar's count of unread notices.
func (c CheckinPages[D]) Render(w http.ResponseWriter, r *http.Request, p *auth.Principal, pg *web.Page, d D, status int) {
	d.Base().Unread = c.K.Unread(r.Context(), p.MemberID)
	pg.Data = d
	c.K.Render(w, status, c.Template, pg)
}

// Refused shows the page again after the store refused a press, with the
// refusal and nothing to press; an unknown code is forged (forgedKey).
// false for an error that is not a refusal (nothing was answered).
func (c CheckinPages[D]) Refused(w http.ResponseWriter, r *http.Request, p *auth.Principal, pg *web.Page, code string, err error, forgedKey string) bool {
	msg, status, ok := CheckinRefusal(pg, err, forgedKey)
	if !ok {
		return false
	}
	d, _ := c.View(r.Context(), pg, p, code)
	if c.Refusing != nil {
		c.Refusing(d)
	}
	d.Base().CanCheckIn = false
	d.Base().Refuse(msg)
	c.Render(w, r, p, pg, d, status)
	return true
}
