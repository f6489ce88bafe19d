package api

import (
	"gonghui/internal/auth"
)

// The routes of this module and what the OpenAPI document says of them.

func (h *Handler) securityRoutes() []route {
	return withTag("security", []route{
		{"GET", "/security/policy", full, h.getPolicy, doc("getPolicy", "The security policy (security administrators only)").out(policyView{})},
		{"PUT", "/security/policy", full, h.putPolicy, doc("putPolicy", "Replace the security policy (security administrators only)").in(policyView{}).out(policyView{})},
	})
}

func securityNotes(ns notes) {
	note[policyView](ns, typeNote{
		Desc: "The security policy. PUT replaces it whole: every field is required.",
		Fields: map[string]fieldNote{
			"min_length":       {Min: num(8), Max: num(128)},
			"min_classes":      {Min: num(1), Max: num(4)},
			"max_failed":       {Min: num(3), Max: num(20)},
			"lock_minutes":     {Min: num(1), Max: num(1440)},
			"idle_minutes":     {Min: num(5), Max: num(480)},
			"absolute_hours":   {Min: num(1), Max: num(72)},
			"token_hours":      {Min: num(1), Max: num(8760)},
			"mfa_roles":        {Enum: enumOf(auth.Roles...)},
			"password_max_age": {Desc: "days; 0 = no expiry", Min: num(0), Max: num(3650)},
		},
	})
}
