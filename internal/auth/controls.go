package auth

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// Control is one security control as an inspector checks it: what is in
// force, and whether anything falls short of it.
type Control struct {
	Name   string // e.g. "two-factor coverage"
	Gap    bool   // something falls short: the detail says what
	Detail string
}

// Controls reports the account controls in force: the policy, two-step
// verification coverage, the separation of duties as the grants stand, and
// the sending limits of sign-in codes. It reads the whole account table, so
// it is for the command line and the security administrator, not a request
// path.
func (s *Service) Controls(ctx context.Context) ([]Control, error) {
	pol, err := s.Policy(ctx)
	if err != nil {
		return nil, err
	}
	var out []Control
	out = append(out, Control{Name: "password policy", Detail: fmt.Sprintf(
		"at least %d characters of %d kinds, common and guessable passwords refused (zxcvbn score >= %d), maximum age %s",
		pol.MinLength, pol.MinClasses, minScore, days(pol.PasswordMaxAge))})
	out = append(out, Control{Name: "lockout", Detail: fmt.Sprintf(
		"%d failed attempts (passwords and second-factor codes alike, counted before checking) lock an account for %d minutes; one address: %d failures in %s",
		pol.MaxFailed, pol.LockMinutes, throttleLimit, throttleWindow)})
	out = append(out, Control{Name: "sessions", Detail: fmt.Sprintf(
		"web sessions end after %d idle minutes and %d hours; API tokens from sign-in last %d hours; a new password ends every session and token",
		pol.IdleMinutes, pol.AbsoluteHours, pol.TokenHours)})
	roles := make([]string, len(pol.MFARoles))
	for i, r := range pol.MFARoles {
		roles[i] = string(r)
	}
	out = append(out, Control{Name: "two-factor roles", Detail: "required for " + strings.Join(roles, ", ")})

	rows, err := s.DB.Query(ctx, `SELECT u.id, u.username, u.kind, u.totp_enabled, u.disabled, g.role FROM users u JOIN grants g ON g.user_id = u.id ORDER BY u.username`)
	if err != nil {
		return nil, fmt.Errorf("security controls: %w", err)
	}
	type account struct {
		id             int64
		name, kind     string
		totp, disabled bool
		roles          []Role
	}
	var accounts []*account
	for rows.Next() {
		var a account
		var role string
		if err := rows.Scan(&a.id, &a.name, &a.kind, &a.totp, &a.disabled, &role); err != nil {
			rows.Close()
			return nil, err
		}
		if n := len(accounts); n > 0 && accounts[n-1].id == a.id {
			accounts[n-1].roles = append(accounts[n-1].roles, Role(role))
			continue
		}
		a.roles = []Role{Role(role)}
		accounts = append(accounts, &a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	need, enrolled := 0, 0
	var missing, conflicts []string
	for _, a := range accounts {
		duties := map[string]bool{}
		for _, r := range a.roles {
			duties[r.Duty()] = true
		}
		if len(duties) > 1 {
			conflicts = append(conflicts, a.name)
		}
		if a.disabled || a.kind != KindStaff || !slices.ContainsFunc(a.roles, func(r Role) bool { return slices.Contains(pol.MFARoles, r) }) {
			continue
		}
		need++
		if a.totp {
			enrolled++
			continue
		}
		demo, err := s.isDemoAccount(ctx, a.id)
		if err != nil {
			return nil, err
		}
		if demo {
			missing = append(missing, a.name+" (demo, exempt under --demo)")
		} else {
			missing = append(missing, a.name)
		}
	}
	cov := Control{Name: "two-factor coverage", Detail: fmt.Sprintf("%d of %d active staff accounts whose roles require it have enrolled", enrolled, need)}
	if len(missing) > 0 {
		cov.Gap = true
		cov.Detail += "; not yet: " + strings.Join(missing, ", ") + " (they can do nothing until they enrol)"
	}
	out = append(out, cov)
	sod := Control{Name: "separation of duties", Detail: "system, security, audit and business roles are exclusive on an account; reveal and audit roles are granted by the security administrator only; no account holds roles of two duties"}
	if len(conflicts) > 0 {
		sod.Gap, sod.Detail = true, "accounts holding roles of two duties (granted before the rule): "+strings.Join(conflicts, ", ")
	}
	out = append(out, sod)
	var tokens int
	if err := s.DB.QueryRow(ctx, `SELECT count(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.name <> '' AND u.kind = ? AND s.expires_at > ?`,
		KindService, s.nowMs()).Scan(&tokens); err != nil {
		return nil, err
	}
	out = append(out, Control{Name: "API tokens", Detail: fmt.Sprintf("%d live named tokens of service accounts; tokens for someone else's account are issued only to service accounts, by the security administrator", tokens)})
	l := s.limitsSMS()
	out = append(out, Control{Name: "sign-in codes", Detail: fmt.Sprintf(
		"per hour at most %d codes per number, %d per address, %d in all; %d wrong guesses per number an hour, a resend does not reset them",
		l.PerNumber, l.PerAddress, l.Global, codeMaxAttempts)})
	return out, nil
}

func days(n int) string {
	if n == 0 {
		return "none"
	}
	return fmt.Sprintf("%d days", n)
}
