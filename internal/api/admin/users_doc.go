package admin

import (
	"gonghui/internal/api"
	"gonghui/internal/auth"
)

// The routes of this module and what the OpenAPI document says of them.

func (h *API) userRoutes() []api.Route {
	return api.WithTag("users", []api.Route{
		api.R("GET", "/users", api.Full, h.listUsers, api.Doc("listUsers", "Accounts within the caller's account subtree, newest first").
			Params(api.QP("q", "username or name contains", api.Str()), api.QP("within", "home organisation within this subtree", api.IDS()), api.QP("role", "holding this role", api.EnumS(api.EnumOf(auth.Roles...)...))).Paged().Out(api.List[api.UserView]{}).Errors(404)),
		api.R("POST", "/users", api.Full, h.createUser, api.Doc("createUser", "Create an account (roles are granted separately)").In(userCreateInput{}).Made(api.UserView{}).Errors(409)),
		api.R("GET", "/users/{id}", api.Full, h.getUser, api.Doc("getUser", "One account").Out(api.UserView{})),
		api.R("PATCH", "/users/{id}", api.Full, h.patchUser, api.Doc("patchUser", "Disable or enable an account").In(userPatchInput{}).Out(api.UserView{})),
		api.R("POST", "/users/{id}/grants", api.Full, h.grant, api.Doc("grantRole", "Grant a role over an organisation's subtree (administrative roles: security administrators only)").
			About("Separation of duties: an account holds roles of one duty only (system: admin; security; audit: auditor; business: the others), or 409 role_conflict. The administrative roles and the roles that may reveal personal data (officer, membership_officer, rights_officer) are granted by the security administrator only (403 grant_needs_security).").In(grantInput{}).Made(api.GrantView{}).Errors(409)),
		api.R("DELETE", "/users/{id}/grants/{grant_id}", api.Full, h.revoke, api.Doc("revokeRole", "Revoke a role").None("Done")),
		api.R("POST", "/users/{id}/password", api.Full, h.resetPassword, api.Doc("resetPassword", "Set a new password (ends the account's web sessions)").In(passwordInput{}).None("Done")),
		api.R("POST", "/users/{id}/unlock", api.Full, h.unlock, api.Doc("unlockUser", "Lift a lockout").None("Done")),
		api.R("POST", "/users/{id}/tokens", api.Full, h.createToken, api.Doc("createUserToken", "Issue a named API token (shown once)").
			About("For one's own account, or, by the security administrator only, for a service account; a token for another person's account is refused with 403 token_for_other (it would let the issuer act in that person's name).").In(tokenCreateInput{}).Made(api.TokenView{})),
		api.R("GET", "/users/{id}/sessions", api.Full, h.userSessions, api.Doc("userSessions", "Sessions and tokens of an account").Out(api.List[sessionView]{})),
		api.R("DELETE", "/users/{id}/sessions", api.Full, h.revokeSessions, api.Doc("revokeSessions", "End every session and token of an account").None("Done")),
	})
}

func userNotes(ns api.Notes) {
	api.Note[userCreateInput](ns, api.TypeNote{
		Name:     "UserCreate",
		Required: []string{"username", "name", "org_id"},
		Fields: map[string]api.FieldNote{
			"username": {Desc: "3-64 small letters, digits or . _ - @"},
			"kind":     {Enum: []string{"staff", "service"}, Default: "staff"},
			"password": {Desc: "staff only; must meet the security policy"},
		},
	})
	api.Note[userPatchInput](ns, api.TypeNote{
		Name:     "UserPatch",
		Desc:     "Only the disabled flag can be changed here; roles, passwords and tokens have their own actions.",
		Required: []string{"disabled"},
	})
	api.Note[grantInput](ns, api.TypeNote{
		Required: []string{"role", "org_id"},
		Fields: map[string]api.FieldNote{
			"role": {Enum: api.EnumOf(auth.Roles...)},
		},
	})
	api.Note[passwordInput](ns, api.TypeNote{
		Required: []string{"password"},
	})
	api.Note[tokenCreateInput](ns, api.TypeNote{
		Name:     "TokenCreate",
		Required: []string{"name", "days"},
		Fields: map[string]api.FieldNote{
			"name": {MaxLength: api.Count(60)},
			"days": {Min: api.Num(1), Max: api.Num(730)},
		},
	})
	api.Note[sessionView](ns, api.TypeNote{
		Fields: map[string]api.FieldNote{
			"kind": {Enum: []string{"web", "api"}},
			"name": {Desc: "the name of a named API token; empty for sign-ins"},
		},
	})
}
