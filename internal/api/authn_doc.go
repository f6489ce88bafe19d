package api

import (
	"slices"

	"gonghui/internal/auth"
	"gonghui/internal/member"
)

// The routes of this module and what the OpenAPI document says of them.

func (h *Handler) authRoutes() []Route {
	return WithTag("auth", []Route{
		R("POST", "/auth/token", Public, h.token, Doc("createToken", "Sign in and get a bearer token").
			About("Staff sign in with their username. Wrong credentials answer 401 invalid_credentials; for an account with two-step verification a missing one-time code answers 401 otp_required before the password is looked at, and a wrong password or a wrong code answer alike (401 invalid_credentials). Every attempt counts towards the lockout before it is checked; too many failures lock the account (423 account_locked, even with the right password). The administrative roles (admin, security, auditor) and any role the policy names must have turned two-step verification on: otherwise 403 mfa_enrolment_required (on a server started with --demo the demo's own accounts are exempt). Over plain HTTP from another machine the server refuses with 403 https_required.").OptIn(tokenInput{}).Out(TokenView{}).
			Fail(423, "The account is locked after too many failed sign-ins").
			Fail(429, "Too many failed sign-ins from this client address in the last 15 minutes (too_many_attempts)").Errors(401, 403)),
		R("POST", "/auth/code", Public, h.sendCode, Doc("sendCode", "Send a member a one-time sign-in code by SMS (the same answer whether or not the number is a member's)").In(codeInput{}).Also(202, "Accepted", struct{}{}).
			Fail(429, "code_too_soon (one code a minute per number) or too_many_attempts").Errors(403)),
		R("POST", "/auth/logout", AnyToken, h.logout, Doc("logout", "End the token of this request").None("Done")),
		R("GET", "/me", AnyToken, h.me, Doc("me", "The caller: a staff account with roles and permissions, or for a member {\"member\": Member}").Out(OneOf{name: "Me", desc: "staff answer StaffMe; a member (signed in with a one-time code) answers MemberMe", Types: []any{meView{}, memberMe{}}})),
	})
}

func authNotes(ns Notes) {
	Note[TokenView](ns, TypeNote{
		Fields: map[string]FieldNote{
			"token": {Desc: "the bearer secret; shown once"},
		},
	})
	Note[tokenInput](ns, TypeNote{
		Name: "TokenRequest",
		Fields: map[string]FieldNote{
			"username": {Desc: "staff: the username; members: the mobile number"},
			"otp":      {Desc: "the current one-time code from the authenticator, or one unused recovery code (xxxxx-xxxxx), required when the account uses two-step verification"},
			"code":     {Desc: "members: a one-time code from POST /auth/code, instead of a password"},
		},
	})
	Note[codeInput](ns, TypeNote{
		Name:     "CodeRequest",
		Required: []string{"mobile"},
	})
	Note[memberMe](ns, TypeNote{
		Desc: "a signed-in member: their own record, numbers in full",
	})
	Note[member.Member](ns, TypeNote{
		Fields: map[string]FieldNote{
			"id_number":  {Desc: "masked: 110***********12*X (the 17th digit, which gives the sex, hidden too)"},
			"mobile":     {Desc: "masked: 138****5678"},
			"gender":     {Desc: "empty while the ID number is masked: it is one of the number's digits (POST /members/{id}/reveal shows it)", Enum: []string{"male", "female", ""}},
			"birth_date": {Desc: "****-**-** while the ID number is masked: with the first three and last four digits it would rebuild the number (POST /members/{id}/reveal shows it)"},
			"status":     {Enum: EnumOf(member.Statuses...)},
			"tags":       {Enum: EnumOf(member.Tags...)},
			"joined_on":  {Format: "date"},
			"source":     {Enum: []string{"onsite", "online", "import", "generate"}},
		},
	})
	Note[meView](ns, TypeNote{
		Name: "StaffMe",
		Desc: "a staff account (or a service account): who, where, and what it may do",
		Fields: map[string]FieldNote{
			"permissions":  {Enum: permissionNames()},
			"mfa_required": {Desc: "the policy requires two-step verification for these roles and the account has not turned it on: every other endpoint answers 403 mfa_enrolment_required"},
		},
	})
	Note[GrantView](ns, TypeNote{
		Fields: map[string]FieldNote{
			"role": {Enum: EnumOf(auth.Roles...)},
		},
	})
	Note[UserView](ns, TypeNote{
		Fields: map[string]FieldNote{
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
