package api

import (
	"net/http"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
)

type userView struct {
	ID          string      `json:"id"`
	Username    string      `json:"username"`
	Name        string      `json:"name"`
	Kind        string      `json:"kind"`
	OrgID       string      `json:"org_id"`
	OrgName     string      `json:"org_name"`
	TOTPEnabled bool        `json:"totp_enabled"`
	Disabled    bool        `json:"disabled"`
	Locked      bool        `json:"locked"`
	LockedUntil *time.Time  `json:"locked_until"`
	Grants      []grantView `json:"grants"`
	CreatedAt   time.Time   `json:"created_at"`
}

func viewUser(u *auth.User) userView {
	v := userView{ID: db.FormatID(u.ID), Username: u.Username, Name: u.Name, Kind: u.Kind, OrgID: db.FormatID(u.OrgID),
		OrgName: u.OrgName, TOTPEnabled: u.TOTPEnabled, Disabled: u.Disabled, Locked: u.Locked,
		Grants: []grantView{}, CreatedAt: u.CreatedAt.UTC()}
	if u.Locked {
		v.LockedUntil = utc(u.LockedUntil)
	}
	for i := range u.Grants {
		v.Grants = append(v.Grants, viewGrant(&u.Grants[i]))
	}
	return v
}

// listUsers: GET /users, newest first.
func (h *Handler) listUsers(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	pg := q.page()
	in := auth.UserQuery{Q: q.str("q"), Within: q.id("within"), Role: auth.Role(q.str("role")), Limit: pg.Limit}
	q.f.Check(in.Role == "" || in.Role.Valid(), "role", "field.invalid_choice")
	if err := q.err(); err != nil {
		return err
	}
	after, err := seqCursor(pg.Cursor)
	if err != nil {
		return err
	}
	in.After = after
	items, next, err := h.auth.ListUsers(r.Context(), principal(r), in)
	if err != nil {
		return err
	}
	cursor := ""
	if next != 0 {
		cursor = db.FormatID(next)
	}
	return ok(w, mapList(items, cursor, viewUser))
}

type userCreateInput struct {
	Username string `json:"username"`
	Name     string `json:"name"`
	Kind     string `json:"kind"`
	OrgID    ID     `json:"org_id"`
	Password string `json:"password"`
}

// createUser: POST /users. Roles are granted separately.
func (h *Handler) createUser(w http.ResponseWriter, r *http.Request) error {
	var in userCreateInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	orgID, err := in.OrgID.only("org_id", true)
	if err != nil {
		return err
	}
	u, err := h.auth.CreateUser(r.Context(), principal(r), auth.NewUser{
		Username: in.Username, Name: in.Name, Kind: in.Kind, OrgID: orgID, Password: in.Password,
	})
	if err != nil {
		return err
	}
	return created(w, "/users/"+db.FormatID(u.ID), viewUser(u))
}

// getUser: GET /users/{id}.
func (h *Handler) getUser(w http.ResponseWriter, r *http.Request) error {
	return get(w, r, viewed(h.auth.GetUser, viewUser))
}

type userPatchInput struct {
	Disabled *bool `json:"disabled"`
}

// patchUser: PATCH /users/{id} turns an account off or on; nothing else.
func (h *Handler) patchUser(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in userPatchInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if in.Disabled == nil {
		return fieldErr("disabled", "field.required")
	}
	p := principal(r)
	if err := h.auth.SetDisabled(r.Context(), p, id, *in.Disabled); err != nil {
		return err
	}
	u, err := h.auth.GetUser(r.Context(), p, id)
	if err != nil {
		return err
	}
	return ok(w, viewUser(u))
}

type grantInput struct {
	Role  string `json:"role"`
	OrgID ID     `json:"org_id"`
}

// grant: POST /users/{id}/grants.
func (h *Handler) grant(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in grantInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	f := errs.Fields{}
	f.Check(in.Role != "", "role", "field.required")
	orgID := in.OrgID.parse(f, "org_id", true)
	if err := f.Err(); err != nil {
		return err
	}
	g, err := h.auth.Grant(r.Context(), principal(r), id, auth.Role(in.Role), orgID)
	if err != nil {
		return err
	}
	return created(w, "/users/"+db.FormatID(id), viewGrant(g))
}

// revoke: DELETE /users/{id}/grants/{grant_id}.
func (h *Handler) revoke(w http.ResponseWriter, r *http.Request) error {
	return removeSub(w, r, "grant_id", h.auth.Revoke)
}

type passwordInput struct {
	Password string `json:"password"`
}

// resetPassword: POST /users/{id}/password sets a new password and ends the
// account's web sessions.
func (h *Handler) resetPassword(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in passwordInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if in.Password == "" {
		return fieldErr("password", "field.required")
	}
	if err := h.auth.ResetPassword(r.Context(), principal(r), id, in.Password); err != nil {
		return err
	}
	return noContent(w)
}

// unlock: POST /users/{id}/unlock lifts a lockout.
func (h *Handler) unlock(w http.ResponseWriter, r *http.Request) error {
	return remove(w, r, h.auth.Unlock)
}

type tokenCreateInput struct {
	Name string `json:"name"`
	Days int    `json:"days"`
}

// createToken: POST /users/{id}/tokens issues a named API token; the secret
// is shown this once.
func (h *Handler) createToken(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in tokenCreateInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	token, exp, err := h.auth.CreateToken(r.Context(), principal(r), id, in.Name, in.Days)
	if err != nil {
		return err
	}
	return created(w, "/users/"+db.FormatID(id)+"/sessions", tokenView{Token: token, ExpiresAt: exp.UTC()})
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
func (h *Handler) userSessions(w http.ResponseWriter, r *http.Request) error {
	return getAll(w, r, viewedAll(h.auth.UserSessions, viewSession))
}

// revokeSessions: DELETE /users/{id}/sessions ends all of them.
func (h *Handler) revokeSessions(w http.ResponseWriter, r *http.Request) error {
	return remove(w, r, h.auth.RevokeSessions)
}
