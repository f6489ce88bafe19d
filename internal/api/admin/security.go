package admin

import (
	"net/http"

	"gonghui/internal/api"
	"gonghui/internal/auth"
	"gonghui/internal/errs"
)

type policyView struct {
	MinLength      int      `json:"min_length"`
	MinClasses     int      `json:"min_classes"`
	MaxFailed      int      `json:"max_failed"`
	LockMinutes    int      `json:"lock_minutes"`
	IdleMinutes    int      `json:"idle_minutes"`
	AbsoluteHours  int      `json:"absolute_hours"`
	TokenHours     int      `json:"token_hours"`
	MFARoles       []string `json:"mfa_roles"`
	PasswordMaxAge int      `json:"password_max_age"`
}

func viewPolicy(p auth.Policy) policyView {
	v := policyView{MinLength: p.MinLength, MinClasses: p.MinClasses, MaxFailed: p.MaxFailed, LockMinutes: p.LockMinutes,
		IdleMinutes: p.IdleMinutes, AbsoluteHours: p.AbsoluteHours, TokenHours: p.TokenHours,
		MFARoles: []string{}, PasswordMaxAge: p.PasswordMaxAge}
	for _, r := range p.MFARoles {
		v.MFARoles = append(v.MFARoles, string(r))
	}
	return v
}

// policyInput replaces the whole policy: every field is required.
type policyInput struct {
	MinLength      *int     `json:"min_length"`
	MinClasses     *int     `json:"min_classes"`
	MaxFailed      *int     `json:"max_failed"`
	LockMinutes    *int     `json:"lock_minutes"`
	IdleMinutes    *int     `json:"idle_minutes"`
	AbsoluteHours  *int     `json:"absolute_hours"`
	TokenHours     *int     `json:"token_hours"`
	MFARoles       []string `json:"mfa_roles"`
	PasswordMaxAge *int     `json:"password_max_age"`
}

func (in *policyInput) policy() (auth.Policy, error) {
	f := errs.Fields{}
	get := func(name string, v *int) int {
		if v == nil {
			f.Add(name, "field.required")
			return 0
		}
		return *v
	}
	p := auth.Policy{
		MinLength: get("min_length", in.MinLength), MinClasses: get("min_classes", in.MinClasses),
		MaxFailed: get("max_failed", in.MaxFailed), LockMinutes: get("lock_minutes", in.LockMinutes),
		IdleMinutes: get("idle_minutes", in.IdleMinutes), AbsoluteHours: get("absolute_hours", in.AbsoluteHours),
		TokenHours: get("token_hours", in.TokenHours), PasswordMaxAge: get("password_max_age", in.PasswordMaxAge),
	}
	f.Check(in.MFARoles != nil, "mfa_roles", "field.required")
	for _, r := range in.MFARoles {
		p.MFARoles = append(p.MFARoles, auth.Role(r))
	}
	return p, f.Err()
}

// security refuses callers who are not security administrators.
func security(p *auth.Principal) error {
	if !p.Can(auth.PermSecurity) {
		return errs.Forbidden()
	}
	return nil
}

// getPolicy: GET /security/policy.
func (h *API) getPolicy(w http.ResponseWriter, r *http.Request) error {
	if err := security(api.Principal(r)); err != nil {
		return err
	}
	pol, err := h.Auth.Policy(r.Context())
	if err != nil {
		return err
	}
	return api.OK(w, viewPolicy(pol))
}

// putPolicy: PUT /security/policy replaces the policy.
func (h *API) putPolicy(w http.ResponseWriter, r *http.Request) error {
	p := api.Principal(r)
	if err := security(p); err != nil {
		return err
	}
	var in policyInput
	if err := api.Decode(w, r, &in); err != nil {
		return err
	}
	pol, err := in.policy()
	if err != nil {
		return err
	}
	if err := h.Auth.SetPolicy(r.Context(), p, pol); err != nil {
		return err
	}
	return api.OK(w, viewPolicy(pol))
}
