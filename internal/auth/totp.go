package auth

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"image/png"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"gonghui/internal/audit"
	"gonghui/internal/db"
	"gonghui/internal/errs"
)

const totpPeriod = 30

func errBadCode() *errs.Error {
	return &errs.Error{Kind: errs.KindInvalid, Code: "invalid_otp", Key: "auth.bad_otp",
		Fields: map[string]errs.Field{"otp": {Key: "auth.bad_otp"}}}
}

// Enrolment is a fresh TOTP secret waiting for its first code.
type Enrolment struct {
	Secret string // base32, for typing into an authenticator by hand
	URL    string // otpauth:// URL
	PNG    []byte // the URL as a QR code
}

// BeginTOTP makes a new secret for the principal's own account. It is stored
// but not enabled until ConfirmTOTP sees a valid code from it.
func (s *Service) BeginTOTP(ctx context.Context, p *Principal) (*Enrolment, error) {
	key, err := totp.Generate(totp.GenerateOpts{Issuer: "gonghui", AccountName: p.Username, Period: totpPeriod})
	if err != nil {
		return nil, fmt.Errorf("totp generate: %w", err)
	}
	sealed, err := s.sealTOTP(p.UserID, key.Secret())
	if err != nil {
		return nil, err
	}
	if _, err := s.DB.Exec(ctx, "UPDATE users SET totp_secret = ?, updated_at = ? WHERE id = ? AND totp_enabled = ?",
		sealed, s.nowMs(), p.UserID, false); err != nil {
		return nil, fmt.Errorf("totp save: %w", err)
	}
	return enrolment(key)
}

// PendingTOTP returns the enrolment in progress, if any.
func (s *Service) PendingTOTP(ctx context.Context, p *Principal) (*Enrolment, error) {
	var secret string
	var enabled bool
	var err error
	if err = s.DB.QueryRow(ctx, "SELECT totp_secret, totp_enabled FROM users WHERE id = ?", p.UserID).Scan(&secret, &enabled); err != nil {
		return nil, err
	}
	if enabled || secret == "" {
		return nil, errs.NotFound("totp enrolment")
	}
	if secret, err = s.openTOTP(p.UserID, secret); err != nil {
		return nil, err
	}
	key, err := otp.NewKeyFromURL(fmt.Sprintf("otpauth://totp/gonghui:%s?secret=%s&issuer=gonghui&period=%d", p.Username, secret, totpPeriod))
	if err != nil {
		return nil, err
	}
	return enrolment(key)
}

func enrolment(key *otp.Key) (*Enrolment, error) {
	img, err := key.Image(240, 240)
	if err != nil {
		return nil, fmt.Errorf("totp image: %w", err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return &Enrolment{Secret: key.Secret(), URL: key.URL(), PNG: buf.Bytes()}, nil
}

// ConfirmTOTP enables two-factor login once the first code checks out, and
// returns the account's recovery codes, to be shown once.
func (s *Service) ConfirmTOTP(ctx context.Context, p *Principal, code string) ([]string, error) {
	if err := s.checkTOTP(ctx, p.UserID, code); err != nil {
		return nil, err
	}
	var codes []string
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, "UPDATE users SET totp_enabled = ?, updated_at = ? WHERE id = ?", true, s.nowMs(), p.UserID); err != nil {
			return err
		}
		var err error
		if codes, err = s.newRecoveryCodes(ctx, tx, p.UserID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "auth.totp_enabled", Entity: "user", EntityID: db.FormatID(p.UserID), OrgPath: p.OrgPath})
	})
	return codes, err
}

// DisableTOTP turns two-factor login off for the principal's own account,
// after a current code; a policy that requires it for their role will ask
// them to enrol again at the next request.
func (s *Service) DisableTOTP(ctx context.Context, p *Principal, code string) error {
	if err := s.checkTOTP(ctx, p.UserID, code); err != nil {
		return err
	}
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, "UPDATE users SET totp_enabled = ?, totp_secret = '', updated_at = ? WHERE id = ?", false, s.nowMs(), p.UserID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM recovery_codes WHERE user_id = ?", p.UserID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "auth.totp_disabled", Entity: "user", EntityID: db.FormatID(p.UserID), OrgPath: p.OrgPath})
	})
}

// checkTOTP validates a code (one step of clock drift either way) and records
// its time step, so the same code cannot be used twice even on another
// server process.
func (s *Service) checkTOTP(ctx context.Context, userID int64, code string) error {
	code = strings.TrimSpace(code)
	if len(code) != 6 {
		return errBadCode()
	}
	var secret string
	err := s.DB.QueryRow(ctx, "SELECT totp_secret FROM users WHERE id = ?", userID).Scan(&secret)
	if errors.Is(err, sql.ErrNoRows) || secret == "" {
		return errBadCode()
	}
	if err != nil {
		return err
	}
	if secret, err = s.openTOTP(userID, secret); err != nil {
		return err
	}
	now := s.now()
	for _, skew := range []int{0, -1, 1} {
		t := now.Add(time.Duration(skew*totpPeriod) * time.Second)
		ok, err := totp.ValidateCustom(code, secret, t, totp.ValidateOpts{Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		if err != nil || !ok {
			continue
		}
		step := t.Unix() / totpPeriod
		res, err := s.DB.Exec(ctx, "UPDATE users SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?", step, userID, step)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return nil
		}
		return errBadCode() // replayed
	}
	return errBadCode()
}

// CompleteTOTP finishes a web sign-in waiting for its second factor: the
// pending session is replaced by a full one under a new secret. The code (or
// a recovery code) is counted as an attempt before it is checked, and a
// wrong password given at the first step fails here exactly as a wrong code
// does. Only a complete sign-in clears the failure count.
func (s *Service) CompleteTOTP(ctx context.Context, pendingToken, code, ip, ua string) (*LoginResult, error) {
	p, sess, err := s.Authenticate(ctx, pendingToken, true)
	if err != nil {
		return nil, err
	}
	if !sess.MFAPending {
		return nil, errs.Unauthenticated()
	}
	pol, err := s.Policy(ctx)
	if err != nil {
		return nil, err
	}
	a, err := s.reserveAttempt(ctx, "users", "id", p.UserID, pol)
	if err != nil {
		return nil, err
	}
	if a.refused {
		s.auditFailure(ctx, p.UserID, p.OrgPath, p.Username, "locked")
		return nil, errLocked(time.UnixMilli(a.lockedUntil))
	}
	reason := "wrong_password"
	if sess.PasswordOK {
		reason = "wrong_code"
		err = s.checkSecondFactor(ctx, p.UserID, code)
		if err != nil && !errs.Is(err, errs.KindInvalid) {
			return nil, err
		}
	}
	if !sess.PasswordOK || err != nil {
		return nil, orCode(s.failAttempt(ctx, a, p.UserID, p.OrgPath, p.Username, reason))
	}
	lifetime := time.Duration(pol.AbsoluteHours) * time.Hour
	res := &LoginResult{UserID: p.UserID, ExpiresAt: s.now().Add(lifetime)}
	ctx = audit.WithActor(ctx, audit.Actor{UserID: p.UserID, Name: p.Username, IP: ip})
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, "DELETE FROM sessions WHERE id_hash = ?", sess.IDHash); err != nil {
			return err
		}
		if err := clearAttempts(ctx, tx, "users", "id", p.UserID); err != nil {
			return err
		}
		res.Token, err = s.createSession(ctx, tx, sessionSpec{userID: p.UserID, kind: SessionWeb, lifetime: lifetime, ip: ip, ua: ua})
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "auth.login", Entity: "user", EntityID: db.FormatID(p.UserID), OrgPath: p.OrgPath,
			After: map[string]string{"session": SessionWeb, "mfa": "totp"}})
	})
	return res, err
}

// orCode turns the answer for a wrong password into the one for a wrong
// password or code, where a second factor is involved; a lock stays a lock.
func orCode(err error) error {
	if e, ok := errs.As(err); ok && e.Kind == errs.KindUnauthenticated {
		return errBadCredentialsOrCode()
	}
	return err
}

// errBadCredentialsOrCode is the code step's one answer for a wrong password
// (given at the first step) and a wrong code alike.
func errBadCredentialsOrCode() *errs.Error {
	return &errs.Error{Kind: errs.KindUnauthenticated, Code: "invalid_credentials", Key: "auth.bad_credentials_or_code",
		Fields: map[string]errs.Field{"otp": {Key: "auth.bad_credentials_or_code"}}}
}

// TOTP secrets are credentials: they are kept sealed, bound to their
// account, so a copy of the database (or a secret pasted onto another
// account's row) yields nothing usable.
func totpAAD(userID int64) string { return "user.totp_secret:" + db.FormatID(userID) }

func (s *Service) sealTOTP(userID int64, secret string) (string, error) {
	sealed, err := s.Keys.SealString(secret, totpAAD(userID))
	if err != nil {
		return "", fmt.Errorf("seal totp secret: %w", err)
	}
	return sealed, nil
}

func (s *Service) openTOTP(userID int64, sealed string) (string, error) {
	secret, err := s.Keys.OpenString(sealed, totpAAD(userID))
	if err != nil {
		return "", fmt.Errorf("open totp secret of user %d: %w", userID, err)
	}
	return secret, nil
}
