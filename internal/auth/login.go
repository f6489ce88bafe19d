package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"gonghui/internal/audit"
	"gonghui/internal/db"
	"gonghui/internal/errs"
)

// LoginInput is what a person types to sign in.
type LoginInput struct {
	Username  string
	Password  string
	IP        string
	UserAgent string
	Kind      string // SessionWeb or SessionAPI
	OTP       string // only for SessionAPI: the second factor in the same call
}

// LoginResult is a new session: Token is the secret to hand to the client.
type LoginResult struct {
	Token      string
	MFAPending bool // the password was right; a one-time code must follow
	ExpiresAt  time.Time
	UserID     int64
}

// ErrLocked is answered while an account is locked out.
func errLocked(until time.Time) *errs.Error {
	return &errs.Error{Kind: errs.KindLocked, Code: "account_locked", Key: "auth.locked", Args: []any{until.Local().Format("15:04")}}
}

func errBadCredentials() *errs.Error {
	return &errs.Error{Kind: errs.KindUnauthenticated, Code: "invalid_credentials", Key: "auth.bad_credentials"}
}

type loginUser struct {
	id          int64
	hash        string
	kind        string
	orgPath     string
	totp        bool
	lockedUntil int64
	disabled    bool
}

// Login checks a username and password. Failures are counted in the database
// (so a lockout holds across server processes) with one atomic UPDATE, and
// every failure and lockout is audited. The password hash is verified outside
// any transaction: holding a write lock for the tens of milliseconds argon2
// takes would serialise the whole site.
func (s *Service) Login(ctx context.Context, in LoginInput) (*LoginResult, error) {
	ip := in.IP
	f := errs.Fields{}
	username := NormalizeUsername(in.Username)
	f.Check(username != "", "username", "field.required")
	f.Check(in.Password != "", "password", "field.required")
	f.Check(len(username) <= 64, "username", "field.too_long", 64)
	f.Check(len(in.Password) <= 256, "password", "field.too_long", 256)
	if err := f.Err(); err != nil {
		return nil, err
	}
	if ip == "" {
		ip = audit.ActorFrom(ctx).IP
	}
	if over, err := s.throttled(ctx, ip); err != nil {
		return nil, err
	} else if over {
		return nil, errThrottled()
	}
	var u loginUser
	err := s.DB.QueryRow(ctx, `SELECT u.id, u.password_hash, u.kind, o.path, u.totp_enabled, u.locked_until, u.disabled
		FROM users u JOIN orgs o ON o.id = u.org_id WHERE u.username = ?`, username).
		Scan(&u.id, &u.hash, &u.kind, &u.orgPath, &u.totp, &u.lockedUntil, &u.disabled)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && (u.kind != KindStaff || u.hash == "")) {
		_, _ = VerifyPassword(ctx, dummyHash(), in.Password)
		s.noteFailure(ctx, ip)
		s.auditFailure(ctx, 0, "", username, "unknown_user")
		return nil, errBadCredentials()
	}
	if err != nil {
		return nil, fmt.Errorf("login: %w", err)
	}
	now := s.now()
	if u.lockedUntil > now.UnixMilli() {
		s.auditFailure(ctx, u.id, u.orgPath, username, "locked")
		return nil, errLocked(time.UnixMilli(u.lockedUntil))
	}
	ok, err := VerifyPassword(ctx, u.hash, in.Password)
	if err != nil {
		return nil, err
	}
	pol, err := s.Policy(ctx)
	if err != nil {
		return nil, err
	}
	if !ok || u.disabled {
		s.noteFailure(ctx, ip)
		return nil, s.countFailure(ctx, u, username, pol)
	}
	ctx = audit.WithActor(ctx, audit.Actor{UserID: u.id, Name: username, IP: in.IP})
	p, err := s.loadPrincipal(ctx, u.id)
	if err != nil {
		return nil, err
	}
	res := &LoginResult{UserID: u.id}
	kind := in.Kind
	if kind == "" {
		kind = SessionWeb
	}
	lifetime := time.Duration(pol.AbsoluteHours) * time.Hour
	if kind == SessionAPI {
		lifetime = time.Duration(pol.TokenHours) * time.Hour
		if u.totp {
			// An API client has no second page to ask on: the code comes along.
			if in.OTP == "" {
				return nil, &errs.Error{Kind: errs.KindUnauthenticated, Code: "otp_required", Key: "auth.otp_required",
					Fields: map[string]errs.Field{"otp": {Key: "field.required"}}}
			}
			if err := s.checkTOTP(ctx, u.id, in.OTP); err != nil {
				return nil, s.countFailure(ctx, u, username, pol)
			}
		} else if pol.RequiresMFA(p) {
			return nil, &errs.Error{Kind: errs.KindForbidden, Code: "mfa_enrolment_required", Key: "auth.mfa_enrol_first"}
		}
	}
	res.MFAPending = kind == SessionWeb && u.totp
	if res.MFAPending {
		// Just long enough to type the code.
		lifetime = 5 * time.Minute
	}
	res.ExpiresAt = now.Add(lifetime)
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, "UPDATE users SET failed_logins = 0, locked_until = 0 WHERE id = ?", u.id); err != nil {
			return err
		}
		res.Token, err = s.createSession(ctx, tx, sessionSpec{userID: u.id, kind: kind, mfaPending: res.MFAPending, lifetime: lifetime, ip: in.IP, ua: in.UserAgent})
		if err != nil {
			return err
		}
		action := "auth.login"
		if res.MFAPending {
			action = "auth.password_ok"
		}
		return audit.Record(ctx, tx, audit.Event{Action: action, Entity: "user", EntityID: db.FormatID(u.id), OrgPath: u.orgPath,
			After: map[string]string{"session": kind}})
	})
	if err != nil {
		return nil, fmt.Errorf("login: %w", err)
	}
	return res, nil
}

// countFailure adds one failed attempt and locks the account when the policy's
// limit is reached. The increment and the test happen in one statement, so
// concurrent attempts on several processes cannot slip past the limit.
func (s *Service) countFailure(ctx context.Context, u loginUser, username string, pol Policy) error {
	now := s.now()
	until := now.Add(time.Duration(pol.LockMinutes) * time.Minute).UnixMilli()
	var failed int
	var lockedUntil int64
	ctx = audit.WithActor(ctx, audit.Actor{Name: username, IP: audit.ActorFrom(ctx).IP})
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE users SET failed_logins = failed_logins + 1,
			locked_until = CASE WHEN failed_logins + 1 >= ? THEN ? ELSE locked_until END WHERE id = ?`, pol.MaxFailed, until, u.id); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, "SELECT failed_logins, locked_until FROM users WHERE id = ?", u.id).Scan(&failed, &lockedUntil); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, audit.Event{Action: "auth.login_failed", Entity: "user", EntityID: db.FormatID(u.id), OrgPath: u.orgPath,
			After: map[string]any{"failed_logins": failed}}); err != nil {
			return err
		}
		if failed >= pol.MaxFailed {
			if _, err := tx.Exec(ctx, "UPDATE users SET failed_logins = 0 WHERE id = ?", u.id); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, "DELETE FROM sessions WHERE user_id = ? AND mfa_pending = ?", u.id, true); err != nil {
				return err
			}
			return audit.Record(ctx, tx, audit.Event{Action: "auth.locked", Entity: "user", EntityID: db.FormatID(u.id), OrgPath: u.orgPath,
				After: map[string]any{"locked_until": time.UnixMilli(until).UTC()}})
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("count failed login: %w", err)
	}
	if failed >= pol.MaxFailed {
		return errLocked(time.UnixMilli(until))
	}
	return errBadCredentials()
}

func (s *Service) auditFailure(ctx context.Context, userID int64, path, username, reason string) {
	ctx = audit.WithActor(ctx, audit.Actor{Name: username, IP: audit.ActorFrom(ctx).IP})
	id := ""
	if userID != 0 {
		id = db.FormatID(userID)
	}
	_ = s.DB.Tx(ctx, func(tx *db.Tx) error {
		return audit.Record(ctx, tx, audit.Event{Action: "auth.login_failed", Entity: "user", EntityID: id, OrgPath: path,
			After: map[string]string{"reason": reason}})
	})
}
