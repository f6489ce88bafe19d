package signup

import (
	"net/http"

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
