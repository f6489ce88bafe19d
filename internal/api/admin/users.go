package admin

import (
	"net/http"
	"time"

	"gonghui/internal/api"
	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
)

// listUsers: GET /users, newest first.
func (h *API) listUsers(w http.ResponseWriter, r *http.Request) error {
	q := api.NewQuery(r)
	pg := q.Page()
	in := auth.UserQuery{Q: q.Str("q"), Within: q.ID("within"), Role: auth.Role(q.Str("role")), Limit: pg.Limit}
	q.F.Check(in.Role == "" || in.Role.Valid(), "role", "field.invalid_choice")
	if err := q.Err(); err != nil {
		return err
	}
	after, err := api.SeqCursor(pg.Cursor)
	if err != nil {
		return err
	}
	in.After = after
	items, next, err := h.Auth.ListUsers(r.Context(), api.Principal(r), in)
	if err != nil {
		return err
	}
	cursor := ""
	if next != 0 {
		cursor = db.FormatID(next)
	}
	return api.OK(w, api.MapList(items, cursor, api.ViewUser))
}

type userCreateInput struct {
	Username string `json:"username"`
	Name     string `json:"name"`
	Kind     string `json:"kind"`
	OrgID    api.ID `json:"org_id"`
	Password string `json:"password"`
}

// createUser: POST /users. Roles are granted separately.
func (h *API) createUser(w http.ResponseWriter, r *http.Request) error {
	var in userCreateInput
	if err := api.Decode(w, r, &in); err != nil {
		return err
	}
	orgID, err := in.OrgID.Only("org_id", true)
	if err != nil {
		return err
	}
	u, err := h.Auth.CreateUser(r.Context(), api.Principal(r), auth.NewUser{
		Username: in.Username, Name: in.Name, Kind: in.Kind, OrgID: orgID, Password: in.Password,
	})
	if err != nil {
		return err
	}
	return api.Created(w, "/users/"+db.FormatID(u.ID), api.ViewUser(u))
}

// getUser: GET /users/{id}.
func (h *API) getUser(w http.ResponseWriter, r *http.Request) error {
	return api.Get(w, r, api.Viewed(h.Auth.GetUser, api.ViewUser))
}

type userPatchInput struct {
	Disabled *bool `json:"disabled"`
}

// patchUser: PATCH /users/{id} turns an account off or on; nothing else.
func (h *API) patchUser(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	var in userPatchInput
	if err := api.Decode(w, r, &in); err != nil {
		return err
	}
	if in.Disabled == nil {
		return api.FieldErr("disabled", "field.required")
	}
	p := api.Principal(r)
	if err := h.Auth.SetDisabled(r.Context(), p, id, *in.Disabled); err != nil {
		return err
	}
	u, err := h.Auth.GetUser(r.Context(), p, id)
	if err != nil {
		return err
	}
	return api.OK(w, api.ViewUser(u))
}

type grantInput struct {
	Role  string `json:"role"`
	OrgID api.ID `json:"org_id"`
}

// grant: POST /users/{id}/grants.
func (h *API) grant(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	var in grantInput
	if err := api.Decode(w, r, &in); err != nil {
		return err
	}
	f := errs.Fields{}
	f.Check(in.Role != "", "role", "field.required")
	orgID := in.OrgID.Parse(f, "org_id", true)
	if err := f.Err(); err != nil {
		return err
	}
	g, err := h.Auth.Grant(r.Context(), api.Principal(r), id, auth.Role(in.Role), orgID)
	if err != nil {
		return err
	}
	return api.Created(w, "/users/"+db.FormatID(id), api.ViewGrant(g))
}

// revoke: DELETE /users/{id}/grants/{grant_id}.
func (h *API) revoke(w http.ResponseWriter, r *http.Request) error {
	return api.RemoveSub(w, r, "grant_id", h.Auth.Revoke)
}

type passwordInput struct {
	Password string `json:"password"`
}

// resetPassword: POST /users/{id}/password sets a new password and ends the
// account's web sessions.
func (h *API) resetPassword(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	var in passwordInput
	if err := api.Decode(w, r, &in); err != nil {
		return err
	}
	if in.Password == "" {
		return api.FieldErr("password", "field.required")
	}
	if err := h.Auth.ResetPassword(r.Context(), api.Principal(r), id, in.Password); err != nil {
		return err
	}
	return api.NoContent(w)
}

// unlock: POST /users/{id}/unlock lifts a lockout.
func (h *API) unlock(w http.ResponseWriter, r *http.Request) error {
	return api.Remove(w, r, h.Auth.Unlock)
}

type tokenCreateInput struct {
	Name string `json:"name"`
	Days int    `json:"days"`
}

// createToken: POST /users/{id}/tokens issues a named API token; the secret
// is shown this once.
func (h *API) createToken(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	var in tokenCreateInput
	if err := api.Decode(w, r, &in); err != nil {
		return err
	}
	token, exp, err := h.Auth.CreateToken(r.Context(), api.Principal(r), id, in.Name, in.Days)
	if err != nil {
		return err
	}
	return api.Created(w, "/users/"+db.FormatID(id)+"/sessions", api.TokenView{Token: token, ExpiresAt: exp.UTC()})
}

type sessionView struct {
	Kind       string    `json:"kind"`
	Name       string    `json:"name"`
	CreatedAt  time.Time `json:"created_at"`
	LastSeenAt time.Time `json:"last_seen_at"`
	ExpiresAt  time.Time `json:"expires_at"`
	IP         string    `json:"ip"`
	UserAgent  string    `json:"user_agent"`
}

func viewSession(s *auth.Session) sessionView {
	return sessionView{Kind: s.Kind, Name: s.Name, CreatedAt: s.CreatedAt.UTC(), LastSeenAt: s.LastSeenAt.UTC(),
		ExpiresAt: s.ExpiresAt.UTC(), IP: s.IP, UserAgent: s.UserAgent}
}

// userSessions: GET /users/{id}/sessions, the account's sessions and tokens.
func (h *API) userSessions(w http.ResponseWriter, r *http.Request) error {
	return api.GetAll(w, r, api.ViewedAll(h.Auth.UserSessions, viewSession))
}

// revokeSessions: DELETE /users/{id}/sessions ends all of them.
func (h *API) revokeSessions(w http.ResponseWriter, r *http.Request) error {
	return api.Remove(w, r, h.Auth.RevokeSessions)
}
