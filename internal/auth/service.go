// Package auth holds accounts, roles scoped to organisation subtrees,
// passwords, lockout, sessions and API tokens, and two-factor login.
// Everything that must hold across server processes (sessions, failure
// counts, lockouts, the policy) lives in the database.
package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/pii"
	"gonghui/internal/sms"
)

// Service is the auth store and its rules.
type Service struct {
	DB        *db.DB
	Keys      *pii.Keyring // seals two-factor secrets at rest
	policy    policyCache
	demo      demoMode
	smsLimits SMSLimits
	now       func() time.Time
	sms       sms.Sender
}

// NewService returns a Service on d that seals secrets with keys.
func NewService(d *db.DB, keys *pii.Keyring) *Service {
	return &Service{DB: d, Keys: keys, now: time.Now}
}

// User is an account as listed and shown.
type User struct {
	ID          int64     `json:"-"`
	Username    string    `json:"username"`
	Name        string    `json:"name"`
	Kind        string    `json:"kind"`
	OrgID       int64     `json:"-"`
	OrgName     string    `json:"org_name"`
	OrgPath     string    `json:"-"`
	TOTPEnabled bool      `json:"totp_enabled"`
	Disabled    bool      `json:"disabled"`
	Locked      bool      `json:"locked"`
	LockedUntil time.Time `json:"-"`
	Grants      []Grant   `json:"-"`
	CreatedAt   time.Time `json:"created_at"`
}

// Account kinds.
const (
	KindStaff   = "staff"
	KindService = "service" // integrations: no password login, API tokens only
)

// loadPrincipal reads a user and their grants (with the grant organisations'
// current paths, so a moved subtree moves its rights along).
func (s *Service) loadPrincipal(ctx context.Context, userID int64) (*Principal, error) {
	p := &Principal{UserID: userID}
	var disabled bool
	var changed int64
	err := s.DB.QueryRow(ctx, `SELECT u.username, u.name, u.kind, u.org_id, o.path, u.totp_enabled, u.disabled, u.password_changed_at
		FROM users u JOIN orgs o ON o.id = u.org_id WHERE u.id = ?`, userID).
		Scan(&p.Username, &p.Name, &p.Kind, &p.OrgID, &p.OrgPath, &p.TOTPEnabled, &disabled, &changed)
	if errors.Is(err, sql.ErrNoRows) || disabled {
		return nil, errs.Unauthenticated()
	}
	if err != nil {
		return nil, fmt.Errorf("load user %d: %w", userID, err)
	}
	if p.Kind == KindStaff {
		pol, err := s.Policy(ctx)
		if err != nil {
			return nil, err
		}
		maxAge := time.Duration(pol.PasswordMaxAge) * 24 * time.Hour
		// 0: a temporary password set by someone else, to be replaced at once.
		p.PasswordExpired = changed == 0 || (maxAge > 0 && s.now().Sub(time.UnixMilli(changed)) > maxAge)
	}
	p.Grants, err = s.grants(ctx, userID)
	return p, err
}

func (s *Service) grants(ctx context.Context, userID int64) ([]Grant, error) {
	rows, err := s.DB.Query(ctx, `SELECT g.id, g.role, g.org_id, o.path, o.name FROM grants g JOIN orgs o ON o.id = g.org_id
		WHERE g.user_id = ? ORDER BY o.path, g.role`, userID)
	if err != nil {
		return nil, fmt.Errorf("load grants: %w", err)
	}
	defer rows.Close()
	var out []Grant
	for rows.Next() {
		var g Grant
		if err := rows.Scan(&g.ID, &g.Role, &g.OrgID, &g.OrgPath, &g.OrgName); err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// NormalizeUsername makes usernames case-insensitive.
func NormalizeUsername(u string) string { return strings.ToLower(strings.TrimSpace(u)) }

func validUsername(u string) bool {
	if len(u) < 3 || len(u) > 64 {
		return false
	}
	for _, r := range u {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-' || r == '@') {
			return false
		}
	}
	return true
}

// orgPath returns the path of an organisation, or NotFound.
func (s *Service) orgPath(ctx context.Context, q interface {
	QueryRow(context.Context, string, ...any) *sql.Row
}, id int64) (string, string, error) {
	var path, name string
	err := q.QueryRow(ctx, "SELECT path, name FROM orgs WHERE id = ?", id).Scan(&path, &name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", errs.NotFound("org")
	}
	return path, name, err
}

func (s *Service) nowMs() int64 { return s.now().UnixMilli() }

// SetClock replaces the service's clock: for tests that need time to pass
// (a resend interval, an expiring lock) without waiting.
func (s *Service) SetClock(now func() time.Time) { s.now = now }
