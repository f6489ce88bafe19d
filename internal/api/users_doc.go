package api

import (
	"gonghui/internal/auth"
)

// The routes of this module and what the OpenAPI document says of them.

func (h *Handler) userRoutes() []route {
	return withTag("users", []route{
		{"GET", "/users", full, h.listUsers, doc("listUsers", "Accounts within the caller's account subtree, newest first").
			params(qp("q", "username or name contains", str()), qp("within", "home organisation within this subtree", idS()), qp("role", "holding this role", enumS(enumOf(auth.Roles...)...))).paged().out(list[userView]{}).errors(404)},
		{"POST", "/users", full, h.createUser, doc("createUser", "Create an account (roles are granted separately)").in(userCreateInput{}).made(userView{}).errors(409)},
		{"GET", "/users/{id}", full, h.getUser, doc("getUser", "One account").out(userView{})},
		{"PATCH", "/users/{id}", full, h.patchUser, doc("patchUser", "Disable or enable an account").in(userPatchInput{}).out(userView{})},
		{"POST", "/users/{id}/grants", full, h.grant, doc("grantRole", "Grant a role over an organisation's subtree (administrative roles: security administrators only)").
			about("Separation of duties: an account holds roles of one duty only (system: admin; security; audit: auditor; business: the others), or 409 role_conflict. The administrative roles and the roles that may reveal personal data (officer, membership_officer) are granted by the security administrator only (403 grant_needs_security).").in(grantInput{}).made(grantView{}).errors(409)},
		{"DELETE", "/users/{id}/grants/{grant_id}", full, h.revoke, doc("revokeRole", "Revoke a role").none("Done")},
		{"POST", "/users/{id}/password", full, h.resetPassword, doc("resetPassword", "Set a new password (ends the account's web sessions)").in(passwordInput{}).none("Done")},
		{"POST", "/users/{id}/unlock", full, h.unlock, doc("unlockUser", "Lift a lockout").none("Done")},
		{"POST", "/users/{id}/tokens", full, h.createToken, doc("createUserToken", "Issue a named API token (shown once)").
			about("For one's own account, or, by the security administrator only, for a service account; a token for another person's account is refused with 403 token_for_other (it would let the issuer act in that person's name).").in(tokenCreateInput{}).made(tokenView{})},
		{"GET", "/users/{id}/sessions", full, h.userSessions, doc("userSessions", "Sessions and tokens of an account").out(list[sessionView]{})},
		{"DELETE", "/users/{id}/sessions", full, h.revokeSessions, doc("revokeSessions", "End every session and token of an account").none("Done")},
	})
}

func userNotes(ns notes) {
	note[userCreateInput](ns, typeNote{
		Name:     "UserCreate",
		Required: []string{"username", "name", "org_id"},
		Fields: map[string]fieldNote{
			"username": {Desc: "3-64 small letters, digits or . _ - @"},
			"kind":     {Enum: []string{"staff", "service"}, Default: "staff"},
			"password": {Desc: "staff only; must meet the security policy"},
		},
	})
	note[userPatchInput](ns, typeNote{
		Name:     "UserPatch",
		Desc:     "Only the disabled flag can be changed here; roles, passwords and tokens have their own actions.",
		Required: []string{"disabled"},
	})
	note[grantInput](ns, typeNote{
		Required: []string{"role", "org_id"},
		Fields: map[string]fieldNote{
			"role": {Enum: enumOf(auth.Roles...)},
		},
	})
	note[passwordInput](ns, typeNote{
		Required: []string{"password"},
	})
	note[tokenCreateInput](ns, typeNote{
		Name:     "TokenCreate",
		Required: []string{"name", "days"},
		Fields: map[string]fieldNote{
			"name": {MaxLength: count(60)},
			"days": {Min: num(1), Max: num(730)},
		},
	})
	note[sessionView](ns, typeNote{
		Fields: map[string]fieldNote{
			"kind": {Enum: []string{"web", "api"}},
			"name": {Desc: "the name of a named API token; empty for sign-ins"},
		},
	})
}
