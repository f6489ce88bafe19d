package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
)

// AlwaysMFA are the roles whose holders must use two-step verification
// whatever the policy says: the three administrative roles (三员) between
// them control every account, the security policy and the audit log.
var AlwaysMFA = []Role{RoleAdmin, RoleSecurity, RoleAuditor}

// demoMode is set by a server started with --demo: only then are the demo's
// own accounts let in with a password alone. It lives in the process, not
// the database, so a server started without --demo never exempts anyone,
// whatever the database says.
type demoMode struct{ on atomic.Bool }

// SetDemoMode turns the demo exemption on for this process.
func (s *Service) SetDemoMode(on bool) { s.demo.on.Store(on) }

// DemoMode reports whether the demo's accounts are exempt from two-step
// verification in this process (the sign-in page says so).
func (s *Service) DemoMode() bool { return s.demo.on.Load() }

func demoSetting(userID int64) string { return fmt.Sprintf("demo_account.%d", userID) }

// MarkDemoAccount records that the demo made this account, so that a server
// started with --demo may let it in without a second factor.
func (s *Service) MarkDemoAccount(ctx context.Context, userID int64) error {
	_, err := s.DB.Exec(ctx, "INSERT INTO settings (name, value) VALUES (?, '1') ON CONFLICT (name) DO NOTHING", demoSetting(userID))
	if err != nil {
		return fmt.Errorf("mark demo account: %w", err)
	}
	return nil
}

func (s *Service) isDemoAccount(ctx context.Context, userID int64) (bool, error) {
	if !s.DemoMode() || userID == 0 {
		return false, nil
	}
	var v string
	err := s.DB.QueryRow(ctx, "SELECT value FROM settings WHERE name = ?", demoSetting(userID)).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// MFARequired reports whether the principal must use two-step verification:
// the policy names one of their roles, unless this is a --demo server and
// the account is one the demo made.
func (s *Service) MFARequired(ctx context.Context, p *Principal) (bool, error) {
	if p == nil || p.Kind == KindService || p.Kind == KindMember {
		return false, nil
	}
	pol, err := s.Policy(ctx)
	if err != nil {
		return false, err
	}
	if !pol.RequiresMFA(p) {
		return false, nil
	}
	demo, err := s.isDemoAccount(ctx, p.UserID)
	return !demo, err
}

// withAlwaysMFA adds the roles that always need two-step verification to a
// stored policy written before they were required.
func withAlwaysMFA(roles []Role) []Role {
	for _, r := range AlwaysMFA {
		if !slices.Contains(roles, r) {
			roles = append(roles, r)
		}
	}
	return roles
}
