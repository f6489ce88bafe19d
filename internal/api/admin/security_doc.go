package admin

import (
	"gonghui/internal/api"
	"gonghui/internal/auth"
)

// The routes of this module and what the OpenAPI document says of them.

func (h *API) securityRoutes() []api.Route {
	return api.WithTag("security", []api.Route{
		api.R("GET", "/security/policy", api.Full, h.getPolicy, api.Doc("getPolicy", "The security policy (security administrators only)").Out(policyView{})),
		api.R("PUT", "/security/policy", api.Full, h.putPolicy, api.Doc("putPolicy", "Replace the security policy (security administrators only)").In(policyView{}).Out(policyView{})),
	})
}

func securityNotes(ns api.Notes) {
	api.Note[policyView](ns, api.TypeNote{
		Desc: "The security policy. PUT replaces it whole: every field is required.",
		Fields: map[string]api.FieldNote{
			"min_length":       {Min: api.Num(8), Max: api.Num(128)},
			"min_classes":      {Min: api.Num(1), Max: api.Num(4)},
			"max_failed":       {Min: api.Num(3), Max: api.Num(20)},
			"lock_minutes":     {Min: api.Num(1), Max: api.Num(1440)},
			"idle_minutes":     {Min: api.Num(5), Max: api.Num(480)},
			"absolute_hours":   {Min: api.Num(1), Max: api.Num(72)},
			"token_hours":      {Min: api.Num(1), Max: api.Num(8760)},
			"mfa_roles":        {Enum: api.EnumOf(auth.Roles...)},
			"password_max_age": {Desc: "days; 0 = no expiry", Min: api.Num(0), Max: api.Num(3650)},
		},
	})
}
