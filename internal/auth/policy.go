package auth

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"

	"gonghui/internal/audit"
	"gonghui/internal/db"
	"gonghui/internal/errs"
)

// Policy is the security policy the security administrator sets. It lives in
// the database so every server process applies the same one.
type Policy struct {
	MinLength      int    `json:"min_length"`       // characters
	MinClasses     int    `json:"min_classes"`      // of lower, upper, digit, symbol
	MaxFailed      int    `json:"max_failed"`       // failed logins before a lockout
	LockMinutes    int    `json:"lock_minutes"`     // how long a lockout lasts
	IdleMinutes    int    `json:"idle_minutes"`     // a web session ends after this long unused
	AbsoluteHours  int    `json:"absolute_hours"`   // and after this long in any case
	TokenHours     int    `json:"token_hours"`      // lifetime of a token from POST /auth/token
	MFARoles       []Role `json:"mfa_roles"`        // roles whose holders must use two-factor login
	PasswordMaxAge int    `json:"password_max_age"` // days; 0 = no expiry
}

// DefaultPolicy is what a new installation starts with.
func DefaultPolicy() Policy {
	return Policy{MinLength: 10, MinClasses: 3, MaxFailed: 5, LockMinutes: 15, IdleMinutes: 30, AbsoluteHours: 12, TokenHours: 12,
		MFARoles: slices.Clone(AlwaysMFA)}
}

// Validate checks the policy's own fields.
func (p Policy) Validate() error {
	f := errs.Fields{}
	f.Check(p.MinLength >= 8 && p.MinLength <= 128, "min_length", "field.out_of_range", 8, 128)
	f.Check(p.MinClasses >= 1 && p.MinClasses <= 4, "min_classes", "field.out_of_range", 1, 4)
	f.Check(p.MaxFailed >= 3 && p.MaxFailed <= 20, "max_failed", "field.out_of_range", 3, 20)
	f.Check(p.LockMinutes >= 1 && p.LockMinutes <= 1440, "lock_minutes", "field.out_of_range", 1, 1440)
	f.Check(p.IdleMinutes >= 5 && p.IdleMinutes <= 480, "idle_minutes", "field.out_of_range", 5, 480)
	f.Check(p.AbsoluteHours >= 1 && p.AbsoluteHours <= 72, "absolute_hours", "field.out_of_range", 1, 72)
	f.Check(p.TokenHours >= 1 && p.TokenHours <= 24*365, "token_hours", "field.out_of_range", 1, 24*365)
	f.Check(p.PasswordMaxAge >= 0 && p.PasswordMaxAge <= 3650, "password_max_age", "field.out_of_range", 0, 3650)
	for _, r := range p.MFARoles {
		f.Check(r.Valid(), "mfa_roles", "field.invalid_choice")
	}
	for _, r := range AlwaysMFA {
		f.Check(slices.Contains(p.MFARoles, r), "mfa_roles", "auth.mfa_roles_admin")
	}
	return f.Err()
}

// RequiresMFA reports whether the policy makes any of the principal's roles
// use two-factor login.
func (p Policy) RequiresMFA(pr *Principal) bool {
	for _, g := range pr.Grants {
		if slices.Contains(p.MFARoles, g.Role) {
			return true
		}
	}
	return false
}

// CheckPassword applies the policy to a new password; field names the form
// field to blame.
func (p Policy) CheckPassword(field, username, password string) error {
	f := errs.Fields{}
	n := len([]rune(password))
	if !f.Check(n >= p.MinLength, field, "auth.password.too_short", p.MinLength) {
		return f.Err()
	}
	f.Check(n <= 256, field, "field.too_long", 256)
	var lower, upper, digit, symbol int
	for _, r := range password {
		switch {
		case unicode.IsLower(r):
			lower = 1
		case unicode.IsUpper(r):
			upper = 1
		case unicode.IsDigit(r):
			digit = 1
		default:
			symbol = 1
		}
	}
	f.Check(lower+upper+digit+symbol >= p.MinClasses, field, "auth.password.classes", p.MinClasses)
	if username != "" {
		f.Check(!strings.Contains(strings.ToLower(password), strings.ToLower(username)), field, "auth.password.contains_username")
	}
	if f.Err() == nil {
		f.Check(!guessable(password, username), field, "auth.password.common")
	}
	return f.Err()
}

const policySetting = "security_policy"

// policyCache keeps the policy for a few seconds: every request needs it, and
// a change made on one process reaches the others within that time.
type policyCache struct {
	mu    sync.Mutex
	at    time.Time
	value Policy
}

const policyTTL = 5 * time.Second

// Policy returns the current policy.
func (s *Service) Policy(ctx context.Context) (Policy, error) {
	s.policy.mu.Lock()
	defer s.policy.mu.Unlock()
	if time.Since(s.policy.at) < policyTTL {
		return s.policy.value, nil
	}
	p := DefaultPolicy()
	var raw string
	err := s.DB.QueryRow(ctx, "SELECT value FROM settings WHERE name = ?", policySetting).Scan(&raw)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return p, fmt.Errorf("load policy: %w", err)
	default:
		if err := json.Unmarshal([]byte(raw), &p); err != nil {
			return p, fmt.Errorf("load policy: %w", err)
		}
		p.MFARoles = withAlwaysMFA(p.MFARoles)
	}
	s.policy.value, s.policy.at = p, time.Now()
	return p, nil
}

// SetPolicy replaces the policy; only security administrators may.
func (s *Service) SetPolicy(ctx context.Context, pr *Principal, p Policy) error {
	if !pr.Can(PermSecurity) {
		return errs.Forbidden()
	}
	if err := p.Validate(); err != nil {
		return err
	}
	old, err := s.Policy(ctx)
	if err != nil {
		return err
	}
	b, _ := json.Marshal(p)
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		if err := upsertSetting(ctx, tx, policySetting, string(b)); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "security.policy", Entity: "settings", EntityID: policySetting,
			OrgPath: pr.Paths(PermSecurity)[0], Before: old, After: p})
	})
	if err == nil {
		s.policy.mu.Lock()
		s.policy.at = time.Time{}
		s.policy.mu.Unlock()
	}
	return err
}

func upsertSetting(ctx context.Context, tx *db.Tx, name, value string) error {
	_, err := tx.Exec(ctx, "INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value", name, value)
	if err != nil {
		return fmt.Errorf("save setting %s: %w", name, err)
	}
	return nil
}
