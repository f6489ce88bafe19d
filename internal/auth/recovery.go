package auth

import (
	"context"
	"crypto/rand"
	"fmt"
	"strings"

	"gonghui/internal/audit"
	"gonghui/internal/db"
)

// recoveryCount is how many recovery codes a person gets at a time.
const recoveryCount = 10

// recoveryAlphabet leaves out letters easily mistaken for digits.
const recoveryAlphabet = "abcdefghjkmnpqrstuvwxyz23456789"

// newRecoveryCode is 10 characters from a 31-letter alphabet (about 50
// bits), shown as xxxxx-xxxxx.
func newRecoveryCode() string {
	b := make([]byte, 10)
	_, _ = rand.Read(b)
	var sb strings.Builder
	for i, c := range b {
		if i == 5 {
			sb.WriteByte('-')
		}
		sb.WriteByte(recoveryAlphabet[int(c)%len(recoveryAlphabet)])
	}
	return sb.String()
}

// normalRecoveryCode forgives case, spaces and the dash.
func normalRecoveryCode(code string) string {
	code = strings.ToLower(strings.TrimSpace(code))
	return strings.NewReplacer("-", "", " ", "").Replace(code)
}

func recoveryHash(userID int64, code string) string {
	return HashToken(db.FormatID(userID) + ":" + normalRecoveryCode(code))
}

// newRecoveryCodes replaces the account's recovery codes inside tx and
// returns the new ones, to be shown once.
func (s *Service) newRecoveryCodes(ctx context.Context, tx *db.Tx, userID int64) ([]string, error) {
	if _, err := tx.Exec(ctx, "DELETE FROM recovery_codes WHERE user_id = ?", userID); err != nil {
		return nil, fmt.Errorf("recovery codes: %w", err)
	}
	codes := make([]string, recoveryCount)
	for i := range codes {
		codes[i] = newRecoveryCode()
		if _, err := tx.Exec(ctx, "INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES (?, ?, ?)",
			userID, recoveryHash(userID, codes[i]), s.nowMs()); err != nil {
			return nil, fmt.Errorf("recovery codes: %w", err)
		}
	}
	return codes, nil
}

// RegenerateRecoveryCodes gives the principal a fresh set (the old ones stop
// working) after a current code from the authenticator.
func (s *Service) RegenerateRecoveryCodes(ctx context.Context, p *Principal, code string) ([]string, error) {
	if err := s.checkTOTP(ctx, p.UserID, code); err != nil {
		return nil, err
	}
	var codes []string
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		var err error
		if codes, err = s.newRecoveryCodes(ctx, tx, p.UserID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "auth.recovery_codes", Entity: "user", EntityID: db.FormatID(p.UserID), OrgPath: p.OrgPath})
	})
	return codes, err
}

// RecoveryCodesLeft counts the principal's unused recovery codes.
func (s *Service) RecoveryCodesLeft(ctx context.Context, p *Principal) (int, error) {
	var n int
	err := s.DB.QueryRow(ctx, "SELECT count(*) FROM recovery_codes WHERE user_id = ? AND used_at = 0", p.UserID).Scan(&n)
	return n, err
}

// useRecoveryCode spends one recovery code; the conditional UPDATE makes
// sure two requests cannot both spend it.
func (s *Service) useRecoveryCode(ctx context.Context, userID int64, code string) error {
	if len(normalRecoveryCode(code)) != 10 {
		return errBadCode()
	}
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, "UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at = 0",
			s.nowMs(), userID, recoveryHash(userID, code))
		if err != nil {
			return fmt.Errorf("use recovery code: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errBadCode()
		}
		// The auditors of the account's organisation see it used.
		var path string
		if err := tx.QueryRow(ctx, "SELECT o.path FROM users u JOIN orgs o ON o.id = u.org_id WHERE u.id = ?", userID).Scan(&path); err != nil {
			return fmt.Errorf("use recovery code: %w", err)
		}
		return audit.Record(ctx, tx, audit.Event{Action: "auth.recovery_code_used", Entity: "user", EntityID: db.FormatID(userID), OrgPath: path})
	})
}

// checkSecondFactor accepts a current authenticator code or an unused
// recovery code. A wrong one answers errBadCode (KindInvalid).
func (s *Service) checkSecondFactor(ctx context.Context, userID int64, code string) error {
	code = strings.TrimSpace(code)
	if len(code) == 6 && strings.Trim(code, "0123456789") == "" {
		return s.checkTOTP(ctx, userID, code)
	}
	return s.useRecoveryCode(ctx, userID, code)
}
