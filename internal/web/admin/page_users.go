package admin

import (
	"net/http"
	"strconv"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
	"gonghui/internal/i18n"
	"gonghui/internal/web"
)

// canUsers lets through holders of the account-management right; everyone
// else gets the 403 page (the menu does not offer these pages to them).
func (h *Pages) canUsers(w http.ResponseWriter, r *http.Request, p *auth.Principal) bool {
	if !p.Can(auth.PermUserManage) {
		h.Forbidden(w, r, p)
		return false
	}
	return true
}

// userRow is an account in the list.
type userRow struct {
	auth.User
	IDStr     string
	URL       string
	KindLabel string
	Roles     []web.GrantView
}

func userView(lang i18n.Lang, u auth.User) userRow {
	return userRow{User: u, IDStr: db.FormatID(u.ID), URL: "/users/" + db.FormatID(u.ID),
		KindLabel: i18n.T(lang, "kind."+u.Kind), Roles: web.GrantViews(lang, u.Grants)}
}

// userListData is the Data of the account list.
type userListData struct {
	Q, Role     string
	RoleOptions []web.Option
	Rows        []userRow
	Next        string
	HasPrev     bool
	Filtered    bool
}

func (h *Pages) userList(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !h.canUsers(w, r, p) {
		return nil
	}
	pg := h.Page(w, r, p, "page.users.title", "users")
	d := userListData{Q: web.QueryValue(r, "q"), Role: web.QueryValue(r, "role"), RoleOptions: web.RoleOptions(pg.Lang)}
	d.Filtered = d.Q != "" || d.Role != ""
	q := auth.UserQuery{Q: d.Q, Limit: web.PageSize}
	if d.Role != "" {
		if !auth.Role(d.Role).Valid() {
			d.Role = ""
		} else {
			q.Role = auth.Role(d.Role)
		}
	}
	cursor := web.QueryValue(r, "cursor")
	q.After = web.ParseIDValue(cursor)
	users, next, err := h.Auth.ListUsers(r.Context(), p, q)
	if err != nil {
		return err
	}
	for _, u := range users {
		d.Rows = append(d.Rows, userView(pg.Lang, u))
	}
	if next != 0 {
		d.Next = web.ListURL(pg, "cursor", db.FormatID(next))
	}
	d.HasPrev = q.After != 0
	pg.Data = d
	h.Render(w, http.StatusOK, "user_list", pg)
	return nil
}

// userNewData is the Data of the "user_new" page.
type userNewData struct {
	Org         *web.OrgPicker
	KindOptions []web.Option
	Kind        string
}

func (h *Pages) renderUserNew(w http.ResponseWriter, r *http.Request, p *auth.Principal, pg *web.Page, status int) {
	d := userNewData{Kind: web.FormValue(r, "kind")}
	if d.Kind == "" {
		d.Kind = auth.KindStaff
	}
	d.KindOptions = []web.Option{{Value: auth.KindStaff, Label: pg.T("kind.staff")}, {Value: auth.KindService, Label: pg.T("kind.service")}}
	var err error
	spec := web.PickerSpec{Field: "org_id", QField: "org_q", Label: pg.T("page.user.org"), Hint: pg.T("page.user.org_hint"), Required: true, Perm: auth.PermUserManage}
	if d.Org, err = h.OrgPicker(r, p, spec, db.FormatID(p.OrgID)); err != nil {
		h.Fail(w, r, p, err)
		return
	}
	pg.Crumbs = []web.Crumb{{Label: pg.T("page.users.title"), URL: "/users"}, {Label: pg.Title}}
	pg.Data = d
	h.Render(w, status, "user_new", pg)
}

func (h *Pages) userNew(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !h.canUsers(w, r, p) {
		return nil
	}
	h.renderUserNew(w, r, p, h.Page(w, r, p, "page.user.new_title", "users"), http.StatusOK)
	return nil
}

func (h *Pages) userCreate(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !h.canUsers(w, r, p) {
		return nil
	}
	if web.PickerAsked(r) {
		pg := h.Page(w, r, p, "page.user.new_title", "users")
		// Typed back, like every other field, so that a search loses nothing.
		pg.Form = &web.Form{Values: map[string]string{"username": web.FormValue(r, "username"), "name": web.FormValue(r, "name"), "password": ""}, Errors: map[string]string{}}
		h.renderUserNew(w, r, p, pg, http.StatusOK)
		return nil
	}
	in := auth.NewUser{Username: web.FormValue(r, "username"), Name: web.FormValue(r, "name"), Kind: web.FormValue(r, "kind"),
		OrgID: web.ParseIDValue(r.PostFormValue("org_id")), Password: r.PostFormValue("password")}
	if in.Kind == auth.KindService {
		in.Password = ""
	}
	u, err := h.Auth.CreateUser(r.Context(), p, in)
	if err != nil {
		pg := h.Page(w, r, p, "page.user.new_title", "users")
		if h.Validation(w, r, p, pg, err) {
			h.renderUserNew(w, r, p, pg, httpx.Status(err))
		}
		return nil
	}
	web.Redirect(w, r, "/users/"+db.FormatID(u.ID), "flash.user_created")
	return nil
}

// roleChoice is a role offered in the add-grant form.
type roleChoice struct {
	Value, Label, Desc string
}

// userShowData is the Data of an account's page ("user_show") and of the
// page that shows a new API token once ("user_token").
type userShowData struct {
	U            userRow
	Self         bool
	Manageable   bool // false: an administrative account only a security administrator may change
	RoleChoices  []roleChoice
	Role         string
	GrantOrg     *web.OrgPicker // where the new role applies
	Sessions     []web.SessionView
	FormName     string // which form .Form belongs to: grant, password, token
	CanToken     bool   // the viewer may issue this (service) account a token
	Token        string
	TokenName    string
	TokenExpires time.Time
	DefaultDays  string
}

func (h *Pages) userShow(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	h.renderUserShow(w, r, p, nil, "", http.StatusOK)
	return nil
}

// renderUserShow renders an account's page; form and formName carry a
// failed submission of one of its forms back to it.
func (h *Pages) renderUserShow(w http.ResponseWriter, r *http.Request, p *auth.Principal, form *web.Form, formName string, status int) {
	if !h.canUsers(w, r, p) {
		return
	}
	ctx := r.Context()
	u, ok := web.Load(h.Kernel, w, r, p, h.Auth.GetUser)
	if !ok {
		return
	}
	pg := h.Page(w, r, p, "", "users")
	pg.Title = u.Name
	pg.Path = "/users/" + db.FormatID(u.ID) // also after a failed POST to one of its forms
	pg.Crumbs = []web.Crumb{{Label: pg.T("page.users.title"), URL: "/users"}, {Label: u.Username}}
	pg.Form = form
	d := userShowData{U: userView(pg.Lang, *u), Self: u.ID == p.UserID, FormName: formName, Manageable: true,
		Role: web.FormValue(r, "role"), DefaultDays: "365"}
	sessions, err := h.Auth.UserSessions(ctx, p, u.ID)
	switch {
	case errs.Is(err, errs.KindForbidden):
		d.Manageable = false
	case err != nil:
		h.Fail(w, r, p, err)
		return
	}
	d.Sessions = web.SessionViews(pg.Lang, sessions, "")
	privileged := p.Can(auth.PermUserPrivilege)
	d.CanToken = privileged && u.Kind == auth.KindService
	// Only the roles this viewer may grant to this account are offered:
	// one duty per account, and the powers the system administrator may
	// not hold only from the security administrator.
	duty := ""
	if len(u.Grants) > 0 {
		duty = u.Grants[0].Role.Duty()
	}
	for _, role := range auth.Roles {
		if (role.GrantedBySecurity() && !privileged) || (role.Privileged() && u.Kind == auth.KindService) || (duty != "" && role.Duty() != duty) {
			continue
		}
		d.RoleChoices = append(d.RoleChoices, roleChoice{string(role), web.RoleLabel(pg.Lang, role), pg.T("role." + string(role) + ".desc")})
	}
	if d.Manageable && !d.Self {
		spec := web.PickerSpec{Field: "org_id", QField: "org_q", Label: pg.T("page.user.scope"), Hint: pg.T("page.user.scope_hint"), Required: true, Perm: auth.PermUserManage}
		if d.GrantOrg, err = h.OrgPicker(r, p, spec, db.FormatID(u.OrgID)); err != nil {
			h.Fail(w, r, p, err)
			return
		}
	}
	pg.Data = d
	h.Render(w, status, "user_show", pg)
}

// userAction runs a POST action on the account of the {id} path value and
// goes back to its page with a flash, or shows the failure there.
func (h *Pages) userAction(w http.ResponseWriter, r *http.Request, p *auth.Principal, formName, flash string, fn func(id int64) error) {
	if !h.canUsers(w, r, p) {
		return
	}
	id, err := web.IDParam(r, "id")
	if err != nil {
		h.Fail(w, r, p, err)
		return
	}
	if err := fn(id); err != nil {
		pg := h.Page(w, r, p, "", "users")
		f, ok := web.FormFrom(pg, r, err)
		if !ok {
			h.Fail(w, r, p, err)
			return
		}
		h.renderUserShow(w, r, p, f, formName, httpx.Status(err))
		return
	}
	web.Redirect(w, r, "/users/"+db.FormatID(id), flash)
}

func (h *Pages) userGrant(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if web.PickerAsked(r) {
		// A search without JavaScript: the grant form comes back with the
		// role kept and the matches to choose from.
		h.renderUserShow(w, r, p, &web.Form{Values: map[string]string{}, Errors: map[string]string{}}, "grant", http.StatusOK)
		return nil
	}
	h.userAction(w, r, p, "grant", "flash.user_granted", func(id int64) error {
		_, err := h.Auth.Grant(r.Context(), p, id, auth.Role(web.FormValue(r, "role")), web.ParseIDValue(r.PostFormValue("org_id")))
		return err
	})
	return nil
}

func (h *Pages) userRevoke(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	h.userAction(w, r, p, "", "flash.user_revoked", func(id int64) error {
		gid, err := web.IDParam(r, "gid")
		if err != nil {
			return err
		}
		return h.Auth.Revoke(r.Context(), p, id, gid)
	})
	return nil
}

func (h *Pages) userDisable(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	h.userAction(w, r, p, "", "flash.user_disabled", func(id int64) error {
		return h.Auth.SetDisabled(r.Context(), p, id, true)
	})
	return nil
}

func (h *Pages) userEnable(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	h.userAction(w, r, p, "", "flash.user_enabled", func(id int64) error {
		return h.Auth.SetDisabled(r.Context(), p, id, false)
	})
	return nil
}

func (h *Pages) userUnlock(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	h.userAction(w, r, p, "", "flash.user_unlocked", func(id int64) error {
		return h.Auth.Unlock(r.Context(), p, id)
	})
	return nil
}

func (h *Pages) userResetPassword(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	h.userAction(w, r, p, "password", "flash.user_password_reset", func(id int64) error {
		pw := r.PostFormValue("password")
		if pw != r.PostFormValue("password_confirm") {
			f := errs.Fields{}
			f.Add("password_confirm", "page.password.mismatch")
			return f.Err()
		}
		return h.Auth.ResetPassword(r.Context(), p, id, pw)
	})
	return nil
}

func (h *Pages) userRevokeSessions(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	h.userAction(w, r, p, "", "flash.user_sessions_revoked", func(id int64) error {
		return h.Auth.RevokeSessions(r.Context(), p, id)
	})
	return nil
}

// userCreateToken issues an API token and shows it once, on a page of its
// own that is not kept by the browser (no redirect: the secret is nowhere
// else).
func (h *Pages) userCreateToken(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !h.canUsers(w, r, p) {
		return nil
	}
	id, err := web.IDParam(r, "id")
	if err != nil {
		return err
	}
	u, err := h.Auth.GetUser(r.Context(), p, id)
	if err != nil {
		return err
	}
	f := errs.Fields{}
	days, convErr := strconv.Atoi(web.FormValue(r, "days"))
	if convErr != nil {
		f.Add("days", "field.not_a_number")
	}
	var token string
	var expires time.Time
	if err = f.Err(); err == nil {
		token, expires, err = h.Auth.CreateToken(r.Context(), p, id, web.FormValue(r, "name"), days)
	}
	if err != nil {
		pg := h.Page(w, r, p, "", "users")
		form, ok := web.FormFrom(pg, r, err)
		if !ok {
			return err
		}
		h.renderUserShow(w, r, p, form, "token", httpx.Status(err))
		return nil
	}
	pg := h.Page(w, r, p, "page.user.token_title", "users")
	pg.Path = "/users/" + db.FormatID(u.ID) // switching language must not show the token again
	pg.Crumbs = []web.Crumb{{Label: pg.T("page.users.title"), URL: "/users"}, {Label: u.Username, URL: "/users/" + db.FormatID(u.ID)}, {Label: pg.Title}}
	pg.Data = userShowData{U: userView(pg.Lang, *u), Token: token, TokenName: web.FormValue(r, "name"), TokenExpires: expires}
	w.Header().Set("Cache-Control", "no-store")
	h.Render(w, http.StatusOK, "user_token", pg)
	return nil
}
