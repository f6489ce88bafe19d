package signup

import (
	"net/http"
	"strings"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
	"gonghui/internal/member"
	"gonghui/internal/web"
)

// Writable reports whether the caller may change what is published at
// orgPath; those who only read it get the 403 page.
func Writable(k *web.Kernel, w http.ResponseWriter, r *http.Request, p *auth.Principal, orgPath string) bool {
	if !p.CanAt(auth.PermActivityWrite, orgPath) {
		k.Forbidden(w, r, p)
		return false
	}
	return true
}

// MemberHit is a member found to sign up.
type MemberHit struct {
	ID, Name, OrgName, IDNumber, Mobile string
}

// Search is the state of the form that finds a member to sign up: what
// was asked and what was found, and the form's refusal.
type Search struct {
	Q        string
	Searched bool
	Hits     []MemberHit
	Form     *web.Form
	Status   int
}

// SearchMembers finds active members to sign up by the posted "mq". The
// search posts, so that an ID or mobile number typed never goes into an
// address. noAccess is the message key for a caller who may not read
// members. An error is returned only for what is not about the form.
func SearchMembers(k *web.Kernel, w http.ResponseWriter, r *http.Request, p *auth.Principal, noAccess string) (Search, error) {
	q := web.FormValue(r, "mq")
	s := Search{Q: q, Searched: true, Status: http.StatusOK}
	pg := func() *web.Page { return k.Page(w, r, p, "", "") }
	if q == "" {
		s.Form, s.Status, s.Searched = web.FieldErrorForm(pg(), "mq", "field.required"), httpx.KindStatus(errs.KindInvalid), false
		return s, nil
	}
	hits, _, err := k.Members.List(r.Context(), p, member.Query{Q: q, Status: member.StatusActive, Limit: 20})
	if err != nil {
		page := pg()
		form, ok := web.FormError(page, err)
		if !ok {
			if !errs.Is(err, errs.KindForbidden) {
				return s, err
			}
			form = &web.Form{Values: map[string]string{}, Errors: map[string]string{}, Message: page.T(noAccess)}
		}
		if msg, bad := form.Errors["q"]; bad {
			form.Errors["mq"] = msg
		}
		s.Form, s.Status = form, httpx.Status(err)
	}
	for _, m := range hits {
		s.Hits = append(s.Hits, MemberHit{ID: db.FormatID(m.ID), Name: m.Name, OrgName: m.OrgName, IDNumber: m.IDNumber, Mobile: m.Mobile})
	}
	return s, nil
}

// MemberID reads the posted "member_id" of a member to sign up; a missing
// or malformed one is the field's error.
func MemberID(r *http.Request) (int64, error) {
	s := web.FormValue(r, "member_id")
	if mid := web.ParseIDValue(s); mid != 0 {
		return mid, nil
	}
	key := "field.required"
	if s != "" {
		key = "field.invalid_id"
	}
	return 0, errs.Fields{"member_id": {Key: key}}.Err()
}

// Forms serves the forms of a sign-up event's staff page (publish, cancel,
// sign a member up, approve, take off the list, …): each loads the event
// the caller may change, runs its store call, and goes back to the page
// with a flash, or shows the page again with the form's refusal.
type Forms[T any] struct {
	K      *web.Kernel
	Load   func(w http.ResponseWriter, r *http.Request, p *auth.Principal) (*T, bool) // answers the error page itself
	URL    func(v *T) string                                                          // the event's page
	Failed func(w http.ResponseWriter, r *http.Request, p *auth.Principal, v *T, form string, err error)
}

// Handle is the page of one form: do makes the change and names the
// flash; back is what follows the page's address on the way back (a query
// and an anchor, "?rstatus=pending#registrations", or "").
func (f Forms[T]) Handle(form, back string, do func(r *http.Request, p *auth.Principal, v *T) (flash string, err error)) web.PageFunc {
	query, anchor, _ := strings.Cut(back, "#")
	return func(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
		v, ok := f.Load(w, r, p)
		if !ok {
			return nil
		}
		flash, err := do(r, p, v)
		if err != nil {
			f.Failed(w, r, p, v, form, err)
			return nil
		}
		if anchor == "" {
			web.Redirect(w, r, f.URL(v)+query, flash)
		} else {
			web.RedirectAnchor(w, r, f.URL(v)+query, anchor, flash)
		}
		return nil
	}
}

// MemberDo changes the sign-up of the member of memberID for the event v
// and names the flash.
type MemberDo[T any] func(r *http.Request, p *auth.Principal, v *T, memberID int64) (flash string, err error)

// SignUp is Handle for the form that signs a member up: the member is the
// posted member_id (MemberID).
func (f Forms[T]) SignUp(form, back string, do MemberDo[T]) web.PageFunc {
	return f.Handle(form, back, func(r *http.Request, p *auth.Principal, v *T) (string, error) {
		mid, err := MemberID(r)
		if err != nil {
			return "", err
		}
		return do(r, p, v, mid)
	})
}

// OnMember is Handle for a form on one sign-up of the list: the member is
// the {mid} path value.
func (f Forms[T]) OnMember(form, back string, do MemberDo[T]) web.PageFunc {
	return f.Handle(form, back, func(r *http.Request, p *auth.Principal, v *T) (string, error) {
		mid, err := web.IDParam(r, "mid")
		if err != nil {
			return "", err
		}
		return do(r, p, v, mid)
	})
}

// State is what a failed or answered form brings back to an event's
// staff page: the form's values and refusal, which form it was, the
// status to answer, and the members found to sign up.
type State struct {
	Form     *web.Form
	FormName string
	Status   int
	Search   Search
}

// Search is the page of the member search (SearchMembers) of the form
// named form on the event's staff page: the event the caller may change,
// shown again (show) with the hits or the search's refusal.
func (f Forms[T]) Search(form, noAccess string, show func(w http.ResponseWriter, r *http.Request, p *auth.Principal, v *T, st State)) web.PageFunc {
	return func(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
		v, ok := f.Load(w, r, p)
		if !ok {
			return nil
		}
		s, err := SearchMembers(f.K, w, r, p, noAccess)
		if err != nil {
			return err
		}
		show(w, r, p, v, State{Form: s.Form, FormName: form, Status: s.Status, Search: s})
		return nil
	}
}
