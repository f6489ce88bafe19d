package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"gonghui/internal/audit"
	"gonghui/internal/db"
)

// attempt is the outcome of counting one sign-in attempt against an account.
type attempt struct {
	failed      int   // attempts counted since the last success, this one included
	lockedUntil int64 // when the account's lock ends (0: not locked)
	refused     bool  // the account was already locked: nothing may be checked
}

// locksNow reports whether this attempt took the count to the policy's limit
// and so locked the account (for every other attempt) as it was counted.
func (a attempt) locksNow() bool { return !a.refused && a.lockedUntil > 0 }

// reserveAttempt counts one attempt against the account before any secret is
// checked, in one conditional UPDATE: an attempt is a failure until it proves
// otherwise, and only a complete sign-in (password and, when the account has
// one, its second factor) clears the count. Concurrent attempts on several
// server processes therefore cannot check more secrets than the policy
// allows: the attempt that reaches the limit locks the account for all the
// others at the moment it is counted, not after its password was checked.
// An expired lock starts the count afresh.
func (s *Service) reserveAttempt(ctx context.Context, table, keyCol string, id int64, pol Policy) (attempt, error) {
	now := s.now()
	until := now.Add(time.Duration(pol.LockMinutes) * time.Minute).UnixMilli()
	var a attempt
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		err := tx.QueryRow(ctx, `UPDATE `+table+` SET
			failed_logins = CASE WHEN locked_until > 0 THEN 1 ELSE failed_logins + 1 END,
			locked_until = CASE WHEN (CASE WHEN locked_until > 0 THEN 1 ELSE failed_logins + 1 END) >= ? THEN CAST(? AS BIGINT) ELSE 0 END
			WHERE `+keyCol+` = ? AND locked_until <= ?
			RETURNING failed_logins, locked_until`, pol.MaxFailed, until, id, now.UnixMilli()).Scan(&a.failed, &a.lockedUntil)
		if errors.Is(err, sql.ErrNoRows) {
			a.refused = true
			return tx.QueryRow(ctx, "SELECT locked_until FROM "+table+" WHERE "+keyCol+" = ?", id).Scan(&a.lockedUntil)
		}
		if err != nil {
			return err
		}
		if a.locksNow() && table == "users" {
			// A sign-in half done (password given, code still to come) must
			// not outlive the lock.
			_, err = tx.Exec(ctx, "DELETE FROM sessions WHERE user_id = ? AND mfa_pending = ?", id, true)
		}
		return err
	})
	if err != nil {
		return a, fmt.Errorf("count sign-in attempt: %w", err)
	}
	return a, nil
}

// clearAttempts ends the count after a complete sign-in.
func clearAttempts(ctx context.Context, tx *db.Tx, table, keyCol string, id int64) error {
	_, err := tx.Exec(ctx, "UPDATE "+table+" SET failed_logins = 0, locked_until = 0 WHERE "+keyCol+" = ?", id)
	return err
}

// failAttempt records a failed attempt (already counted by reserveAttempt)
// in the audit log and answers what the person sees: locked when this
// attempt reached the limit, otherwise the one answer for every wrong secret.
func (s *Service) failAttempt(ctx context.Context, a attempt, userID int64, orgPath, username, reason string) error {
	ctx = audit.WithActor(ctx, audit.Actor{Name: username, IP: audit.ActorFrom(ctx).IP})
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		if err := audit.Record(ctx, tx, audit.Event{Action: "auth.login_failed", Entity: "user", EntityID: db.FormatID(userID), OrgPath: orgPath,
			After: map[string]any{"failed_logins": a.failed, "reason": reason}}); err != nil {
			return err
		}
		if a.locksNow() {
			return audit.Record(ctx, tx, audit.Event{Action: "auth.locked", Entity: "user", EntityID: db.FormatID(userID), OrgPath: orgPath,
				After: map[string]any{"locked_until": time.UnixMilli(a.lockedUntil).UTC()}})
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("record failed sign-in: %w", err)
	}
	if a.locksNow() {
		return errLocked(time.UnixMilli(a.lockedUntil))
	}
	return errBadCredentials()
}
