package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
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

// Login checks a username and password (and, for an API token of an account
// with two-step verification, the code in the same call). Every attempt is
// counted against the account before anything is checked (reserveAttempt),
// so a lockout holds under concurrency and across server processes, and a
// right password clears nothing until the second factor is done. A web
// sign-in of an account with two-step verification always goes on to the
// code step, whether the password was right or not: only the code step
// answers, and it answers alike for a wrong password and a wrong code. The
// password hash is verified outside any transaction: holding a write lock
// for the tens of milliseconds argon2 takes would serialise the whole site.
func (s *Service) Login(ctx context.Context, in LoginInput) (*LoginResult, error) {
	ip := in.IP
	f := errs.Fields{}
	username := NormalizeUsername(in.Username)
	f.Check(username != "", "username", "field.required")
	f.Check(in.Password != "", "password", "field.required")
	f.Check(len(username) <= 64, "username", "field.too_long", 64)
	f.Check(len(in.Password) <= 256, "password", "field.too_long", 256)
	f.Check(len(in.OTP) <= 64, "otp", "field.too_long", 64)
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
	kind := in.Kind
	if kind == "" {
		kind = SessionWeb
	}
	// An API client has no second page to ask on: the code comes along. Asking
	// for it before the password is looked at says nothing about the password.
	if kind == SessionAPI && u.totp && strings.TrimSpace(in.OTP) == "" {
		return nil, &errs.Error{Kind: errs.KindUnauthenticated, Code: "otp_required", Key: "auth.otp_required",
			Fields: map[string]errs.Field{"otp": {Key: "field.required"}}}
	}
	pol, err := s.Policy(ctx)
	if err != nil {
		return nil, err
	}
	a, err := s.reserveAttempt(ctx, "users", "id", u.id, pol)
	if err != nil {
		return nil, err
	}
	if a.refused {
		s.auditFailure(ctx, u.id, u.orgPath, username, "locked")
		return nil, errLocked(time.UnixMilli(a.lockedUntil))
	}
	ok, err := VerifyPassword(ctx, u.hash, in.Password)
	if err != nil {
		return nil, err
	}
	ok = ok && !u.disabled
	if !ok {
		s.noteFailure(ctx, ip)
	}
	now := s.now()
	res := &LoginResult{UserID: u.id}
	lifetime := time.Duration(pol.AbsoluteHours) * time.Hour
	switch {
	case kind == SessionWeb && u.totp:
		// The code step decides; a wrong password waits there too.
		res.MFAPending = true
		lifetime = 5 * time.Minute
	case !ok && kind == SessionAPI && u.totp:
		return nil, orCode(s.failAttempt(ctx, a, u.id, u.orgPath, username, "wrong_password"))
	case !ok:
		return nil, s.failAttempt(ctx, a, u.id, u.orgPath, username, "wrong_password")
	case kind == SessionAPI && u.totp:
		if err := s.checkSecondFactor(ctx, u.id, in.OTP); err != nil {
			if !errs.Is(err, errs.KindInvalid) {
				return nil, err
			}
			return nil, orCode(s.failAttempt(ctx, a, u.id, u.orgPath, username, "wrong_code"))
		}
	}
	ctx = audit.WithActor(ctx, audit.Actor{UserID: u.id, Name: username, IP: in.IP})
	if ok && kind == SessionAPI {
		lifetime = time.Duration(pol.TokenHours) * time.Hour
		p, err := s.loadPrincipal(ctx, u.id)
		if err != nil {
			return nil, err
		}
		if !u.totp {
			if req, err := s.MFARequired(ctx, p); err != nil {
				return nil, err
			} else if req {
				// The attempt stays counted: a token is not a way around enrolling.
				return nil, &errs.Error{Kind: errs.KindForbidden, Code: "mfa_enrolment_required", Key: "auth.mfa_enrol_first"}
			}
		}
	}
	res.ExpiresAt = now.Add(lifetime)
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		if !res.MFAPending {
			if err := clearAttempts(ctx, tx, "users", "id", u.id); err != nil {
				return err
			}
		}
		res.Token, err = s.createSession(ctx, tx, sessionSpec{userID: u.id, kind: kind, mfaPending: res.MFAPending, passwordWrong: !ok,
			lifetime: lifetime, ip: in.IP, ua: in.UserAgent})
		if err != nil {
			return err
		}
		action, after := "auth.login", map[string]string{"session": kind}
		switch {
		case res.MFAPending && ok:
			action = "auth.password_ok"
		case res.MFAPending:
			action, after["reason"] = "auth.login_failed", "wrong_password"
		case u.totp:
			after["mfa"] = "totp"
		}
		return audit.Record(ctx, tx, audit.Event{Action: action, Entity: "user", EntityID: db.FormatID(u.id), OrgPath: u.orgPath, After: after})
	})
	if err != nil {
		return nil, fmt.Errorf("login: %w", err)
	}
	return res, nil
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
