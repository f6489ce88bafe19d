package admin

import (
	"net/http"
	"slices"
	"strconv"

	"gonghui/internal/auth"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
	"gonghui/internal/web"
)

// securityData is the Data of the security policy page.
type securityData struct {
	V     map[string]string // number fields as shown
	Roles []roleCheck
}

type roleCheck struct {
	Value, Label, Desc string
	Checked            bool
	Fixed              bool // always required: shown checked, cannot be unticked
}

// policyFields are the number fields of auth.Policy, in form order.
var policyFields = []string{"min_length", "min_classes", "max_failed", "lock_minutes", "idle_minutes", "absolute_hours", "token_hours", "password_max_age"}

func policyPtrs(p *auth.Policy) map[string]*int {
	return map[string]*int{
		"min_length": &p.MinLength, "min_classes": &p.MinClasses, "max_failed": &p.MaxFailed, "lock_minutes": &p.LockMinutes,
		"idle_minutes": &p.IdleMinutes, "absolute_hours": &p.AbsoluteHours, "token_hours": &p.TokenHours, "password_max_age": &p.PasswordMaxAge,
	}
}

func (h *Pages) canSecurity(w http.ResponseWriter, r *http.Request, p *auth.Principal) bool {
	if !p.Can(auth.PermSecurity) {
		h.Forbidden(w, r, p)
		return false
	}
	return true
}

func (h *Pages) renderSecurity(w http.ResponseWriter, pg *web.Page, status int, pol auth.Policy) {
	d := securityData{V: map[string]string{}}
	for name, ptr := range policyPtrs(&pol) {
		d.V[name] = strconv.Itoa(*ptr)
	}
	for _, role := range auth.Roles {
		fixed := slices.Contains(auth.AlwaysMFA, role)
		d.Roles = append(d.Roles, roleCheck{string(role), web.RoleLabel(pg.Lang, role), pg.T("role." + string(role) + ".desc"), fixed || slices.Contains(pol.MFARoles, role), fixed})
	}
	pg.Data = d
	h.Render(w, status, "security", pg)
}

func (h *Pages) securityForm(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !h.canSecurity(w, r, p) {
		return nil
	}
	pol, err := h.Auth.Policy(r.Context())
	if err != nil {
		return err
	}
	h.renderSecurity(w, h.Page(w, r, p, "page.security.title", "security"), http.StatusOK, pol)
	return nil
}

func (h *Pages) securitySave(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !h.canSecurity(w, r, p) {
		return nil
	}
	var pol auth.Policy
	f := errs.Fields{}
	ptrs := policyPtrs(&pol)
	for _, name := range policyFields {
		web.ParseIntField(f, r, name, 0, ptrs[name])
		if web.FormValue(r, name) == "" {
			f.Add(name, "field.required")
		}
	}
	_ = r.ParseForm()
	// The administrative roles' boxes are disabled (always required), so a
	// browser does not send them.
	pol.MFARoles = slices.Clone(auth.AlwaysMFA)
	for _, v := range r.PostForm["mfa_roles"] {
		if !slices.Contains(pol.MFARoles, auth.Role(v)) {
			pol.MFARoles = append(pol.MFARoles, auth.Role(v))
		}
	}
	err := f.Err()
	if err == nil {
		err = h.Auth.SetPolicy(r.Context(), p, pol)
	}
	if err != nil {
		pg := h.Page(w, r, p, "page.security.title", "security")
		if h.Validation(w, r, p, pg, err) {
			h.renderSecurity(w, pg, httpx.Status(err), pol)
		}
		return nil
	}
	web.Redirect(w, r, "/security", "flash.policy_saved")
	return nil
}
