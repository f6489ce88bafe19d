package api

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"time"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
)

// wrap authenticates a route's caller as it asks, puts the principal and the
// audit actor in the context, and answers the handler's error.
func (h *Handler) wrap(rt Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ip := httpx.ClientIP(r, h.Opts)
		ctx := audit.WithActor(r.Context(), audit.Actor{IP: ip})
		if rt.Access != Public {
			p, err := h.authenticate(ctx, r)
			switch {
			case err != nil:
			case rt.Access == Full || (rt.Access == Either && p.Kind != auth.KindMember):
				err = h.enrolled(ctx, p)
			case rt.Access == Self && p.Kind != auth.KindMember:
				err = errs.NotFound("member")
			}
			if err != nil {
				h.writeError(w, r, err)
				return
			}
			ctx = httpx.WithPrincipal(ctx, p)
			ctx = audit.WithActor(ctx, audit.Actor{UserID: p.UserID, Name: p.Username, IP: ip})
		}
		r = r.WithContext(ctx)
		if err := rt.Fn(w, r); err != nil {
			h.writeError(w, r, err)
		}
	})
}

// bearer returns the token of an "Authorization: Bearer" header.
func bearer(r *http.Request) string {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(token)
}

func (h *Handler) authenticate(ctx context.Context, r *http.Request) (*auth.Principal, error) {
	token := bearer(r)
	if token == "" {
		return nil, errs.Unauthenticated()
	}
	p, _, err := h.Auth.Authenticate(ctx, token, false)
	if err != nil {
		return nil, err
	}
	// A browser session's cookie is not a bearer token: keeping the two
	// apart means a leaked cookie value cannot drive the API.
	if p.SessionKind != auth.SessionAPI {
		return nil, errs.Unauthenticated()
	}
	return p, nil
}

// enrolled refuses a staff account whose password has expired, or whose
// roles the policy makes use two-factor login while it has not turned it on. Service accounts cannot
// enrol (they have no password login) and are let through.
func (h *Handler) enrolled(ctx context.Context, p *auth.Principal) error {
	if p.PasswordExpired {
		return &errs.Error{Kind: errs.KindForbidden, Code: "password_expired", Key: "auth.password_expired"}
	}
	if p.TOTPEnabled || p.Kind == auth.KindService {
		return nil
	}
	if req, err := h.Auth.MFARequired(ctx, p); err != nil {
		return err
	} else if req {
		return &errs.Error{Kind: errs.KindForbidden, Code: "mfa_enrolment_required", Key: "auth.mfa_required"}
	}
	return nil
}

// Principal is the authenticated caller of r.
func Principal(r *http.Request) *auth.Principal { return httpx.PrincipalFrom(r.Context()) }

type tokenInput struct {
	Username string `json:"username"` // staff: the username; members: the mobile number
	Password string `json:"password"`
	OTP      string `json:"otp"`  // staff: the TOTP code when two-step verification is on
	Code     string `json:"code"` // members: a one-time code from POST /auth/code instead of a password
}

type TokenView struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
}

// token: POST /auth/token.
func (h *Handler) token(w http.ResponseWriter, r *http.Request) error {
	if !httpx.CredentialsAllowed(r, h.Opts) {
		return &errs.Error{Kind: errs.KindForbidden, Code: "https_required", Key: "auth.insecure_http"}
	}
	var in tokenInput
	if err := Decode(w, r, &in); err != nil {
		return err
	}
	isMember, err := h.Auth.IsMemberLogin(r.Context(), in.Username)
	if err != nil {
		return err
	}
	if isMember || in.Code != "" {
		res, err := h.Auth.MemberLogin(r.Context(), auth.MemberLoginInput{Mobile: in.Username, Password: in.Password, Code: in.Code,
			IP: httpx.ClientIP(r, h.Opts), UserAgent: r.UserAgent(), Kind: auth.SessionAPI})
		if err != nil {
			return err
		}
		return OK(w, TokenView{Token: res.Token, ExpiresAt: res.ExpiresAt.UTC()})
	}
	res, err := h.Auth.Login(r.Context(), auth.LoginInput{
		Username: in.Username, Password: in.Password, OTP: in.OTP,
		IP: httpx.ClientIP(r, h.Opts), UserAgent: r.UserAgent(), Kind: auth.SessionAPI,
	})
	if err != nil {
		return err
	}
	return OK(w, TokenView{Token: res.Token, ExpiresAt: res.ExpiresAt.UTC()})
}

// logout: POST /auth/logout ends the token of the request.
func (h *Handler) logout(w http.ResponseWriter, r *http.Request) error {
	if err := h.Auth.Logout(r.Context(), bearer(r)); err != nil {
		return err
	}
	return NoContent(w)
}

type GrantView struct {
	ID      string `json:"id"`
	Role    string `json:"role"`
	OrgID   string `json:"org_id"`
	OrgName string `json:"org_name"`
}

func ViewGrant(g *auth.Grant) GrantView {
	return GrantView{ID: db.FormatID(g.ID), Role: string(g.Role), OrgID: db.FormatID(g.OrgID), OrgName: g.OrgName}
}

type meView struct {
	User        UserView    `json:"user"`
	Grants      []GrantView `json:"grants"`
	Permissions []string    `json:"permissions"`
	MFARequired bool        `json:"mfa_required"`
}

type codeInput struct {
	Mobile string `json:"mobile"`
}

// sendCode: POST /auth/code sends a member a one-time sign-in code by SMS.
// The answer is the same whether or not the number is a member's.
func (h *Handler) sendCode(w http.ResponseWriter, r *http.Request) error {
	if !httpx.CredentialsAllowed(r, h.Opts) {
		return &errs.Error{Kind: errs.KindForbidden, Code: "https_required", Key: "auth.insecure_http"}
	}
	var in codeInput
	if err := Decode(w, r, &in); err != nil {
		return err
	}
	if err := h.Auth.SendCode(r.Context(), in.Mobile, httpx.ClientIP(r, h.Opts)); err != nil {
		return err
	}
	return writeAccepted(w)
}

// me: GET /me, the caller with their roles and permissions; for a member,
// their own record.
func (h *Handler) me(w http.ResponseWriter, r *http.Request) error {
	p := Principal(r)
	if p.Kind == auth.KindMember {
		m, err := h.Members.Own(r.Context(), p.MemberID)
		if err != nil {
			return err
		}
		return OK(w, map[string]any{"member": m})
	}
	u, err := h.Auth.GetUser(r.Context(), p, p.UserID)
	if err != nil {
		return err
	}
	req, err := h.Auth.MFARequired(r.Context(), p)
	if err != nil {
		return err
	}
	v := meView{User: ViewUser(u), Grants: []GrantView{}, Permissions: []string{},
		MFARequired: req && !p.TOTPEnabled}
	for i := range p.Grants {
		v.Grants = append(v.Grants, ViewGrant(&p.Grants[i]))
		for _, perm := range p.Grants[i].Role.Perms() {
			v.Permissions = append(v.Permissions, string(perm))
		}
	}
	slices.Sort(v.Permissions)
	v.Permissions = slices.Compact(v.Permissions)
	return OK(w, v)
}

type UserView struct {
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
	Grants      []GrantView `json:"grants"`
	CreatedAt   time.Time   `json:"created_at"`
}

func ViewUser(u *auth.User) UserView {
	v := UserView{ID: db.FormatID(u.ID), Username: u.Username, Name: u.Name, Kind: u.Kind, OrgID: db.FormatID(u.OrgID),
		OrgName: u.OrgName, TOTPEnabled: u.TOTPEnabled, Disabled: u.Disabled, Locked: u.Locked,
		Grants: []GrantView{}, CreatedAt: u.CreatedAt.UTC()}
	if u.Locked {
		v.LockedUntil = utc(u.LockedUntil)
	}
	for i := range u.Grants {
		v.Grants = append(v.Grants, ViewGrant(&u.Grants[i]))
	}
	return v
}
