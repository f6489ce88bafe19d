package api

import (
	"slices"

	"gonghui/internal/auth"
	"gonghui/internal/member"
)

// The routes of this module and what the OpenAPI document says of them.

func (h *Handler) authRoutes() []route {
	return withTag("auth", []route{
		{"POST", "/auth/token", public, h.token, doc("createToken", "Sign in and get a bearer token").
			about("Staff sign in with their username. Wrong credentials answer 401 invalid_credentials; for an account with two-step verification a missing one-time code answers 401 otp_required before the password is looked at, and a wrong password or a wrong code answer alike (401 invalid_credentials). Every attempt counts towards the lockout before it is checked; too many failures lock the account (423 account_locked, even with the right password). The administrative roles (admin, security, auditor) and any role the policy names must have turned two-step verification on: otherwise 403 mfa_enrolment_required (on a server started with --demo the demo's own accounts are exempt). Over plain HTTP from another machine the server refuses with 403 https_required.").optIn(tokenInput{}).out(tokenView{}).
			fail(423, "The account is locked after too many failed sign-ins").
			fail(429, "Too many failed sign-ins from this client address in the last 15 minutes (too_many_attempts)").errors(401, 403)},
		{"POST", "/auth/code", public, h.sendCode, doc("sendCode", "Send a member a one-time sign-in code by SMS (the same answer whether or not the number is a member's)").in(codeInput{}).also(202, "Accepted", struct{}{}).
			fail(429, "code_too_soon (one code a minute per number) or too_many_attempts").errors(403)},
		{"POST", "/auth/logout", anyToken, h.logout, doc("logout", "End the token of this request").none("Done")},
		{"GET", "/me", anyToken, h.me, doc("me", "The caller: a staff account with roles and permissions, or for a member {\"member\": Member}").out(oneOf{name: "Me", desc: "staff answer StaffMe; a member (signed in with a one-time code) answers MemberMe", types: []any{meView{}, memberMe{}}})},
	})
}

func authNotes(ns notes) {
	note[tokenView](ns, typeNote{
		Fields: map[string]fieldNote{
			"token": {Desc: "the bearer secret; shown once"},
		},
	})
	note[tokenInput](ns, typeNote{
		Name: "TokenRequest",
		Fields: map[string]fieldNote{
			"username": {Desc: "staff: the username; members: the mobile number"},
			"otp":      {Desc: "the current one-time code from the authenticator, or one unused recovery code (xxxxx-xxxxx), required when the account uses two-step verification"},
			"code":     {Desc: "members: a one-time code from POST /auth/code, instead of a password"},
		},
	})
	note[codeInput](ns, typeNote{
		Name:     "CodeRequest",
		Required: []string{"mobile"},
	})
	note[memberMe](ns, typeNote{
		Desc: "a signed-in member: their own record, numbers in full",
	})
	note[member.Member](ns, typeNote{
		Fields: map[string]fieldNote{
			"id_number":  {Desc: "masked: 110***********12*X (the 17th digit, which gives the sex, hidden too)"},
			"mobile":     {Desc: "masked: 138****5678"},
			"gender":     {Desc: "empty while the ID number is masked: it is one of the number's digits (POST /members/{id}/reveal shows it)", Enum: []string{"male", "female", ""}},
			"birth_date": {Desc: "****-**-** while the ID number is masked: with the first three and last four digits it would rebuild the number (POST /members/{id}/reveal shows it)"},
			"status":     {Enum: enumOf(member.Statuses...)},
			"tags":       {Enum: enumOf(member.Tags...)},
			"joined_on":  {Format: "date"},
			"source":     {Enum: []string{"onsite", "online", "import", "generate"}},
		},
	})
	note[meView](ns, typeNote{
		Name: "StaffMe",
		Desc: "a staff account (or a service account): who, where, and what it may do",
		Fields: map[string]fieldNote{
			"permissions":  {Enum: permissionNames()},
			"mfa_required": {Desc: "the policy requires two-step verification for these roles and the account has not turned it on: every other endpoint answers 403 mfa_enrolment_required"},
		},
	})
	note[grantView](ns, typeNote{
		Fields: map[string]fieldNote{
			"role": {Enum: enumOf(auth.Roles...)},
		},
	})
	note[userView](ns, typeNote{
		Fields: map[string]fieldNote{
			"kind": {Enum: []string{"staff", "service"}},
		},
	})
}

// memberMe is GET /me for a member (the handler writes it as a map).
type memberMe struct {
	Member member.Member `json:"member"`
}

// permissionNames lists every permission some role grants, in the order
// the roles list them.
func permissionNames() []string {
	var out []string
	for _, r := range auth.Roles {
		for _, p := range r.Perms() {
			if !slices.Contains(out, string(p)) {
				out = append(out, string(p))
			}
		}
	}
	return out
}
