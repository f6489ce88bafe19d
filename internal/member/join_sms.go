package member

import (
	"context"
	"log/slog"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/i18n"
	"gonghui/internal/sms"
)

// A person whose ID number is typed into a joining form while they are an
// active member, or while an application of theirs is pending, is told by
// SMS at the mobile number on record (never the number typed, which may be
// a stranger's): the form answers the same whoever's number was typed, so
// the message is how the real person learns of it. Sending costs money and
// reaches a phone, so it passes a budget first (one message per number per
// window and a ceiling overall, the server's throttle: see SetDuplicateSMS),
// and it runs after the answer is decided, in the background, so that the
// answer's timing tells nothing either.

// SMSBudget spends one message to a number (its keyed hash) from the
// budgets, or refuses it (a KindTooMany error).
type SMSBudget func(ctx context.Context, mobileHash string) error

// duplicate is who to tell about a repeated application, and what.
type duplicate struct {
	mobileSealed, aad, mobileHash string
	key, union                    string
}

// SetDuplicateSMS turns on the messages about repeated applications:
// send delivers them, budget rations them (nil: none are sent).
func (s *Store) SetDuplicateSMS(send sms.Sender, budget SMSBudget) {
	s.dupSMS, s.dupBudget = send, budget
}

// pendingDuplicate is the person's pending application's number, inside
// Apply's transaction.
func pendingDuplicate(ctx context.Context, tx *db.Tx, idHash, union string) (*duplicate, error) {
	var id int64
	var sealed, hash string
	err := tx.QueryRow(ctx, "SELECT id, mobile_sealed, mobile_hash FROM join_applications WHERE id_hash = ? AND status = ? ORDER BY id LIMIT 1",
		idHash, string(AppPending)).Scan(&id, &sealed, &hash)
	if err != nil {
		return nil, errs.Internal(err, "member: pending application's mobile")
	}
	return &duplicate{mobileSealed: sealed, aad: appMobileAAD(id), mobileHash: hash, key: "member.sms.duplicate_pending", union: union}, nil
}

// memberDuplicate is the active member's number on record.
func memberDuplicate(ctx context.Context, tx *db.Tx, memberID int64, union string) (*duplicate, error) {
	var sealed string
	var hash *string
	err := tx.QueryRow(ctx, "SELECT mobile_sealed, mobile_hash FROM members WHERE id = ?", memberID).Scan(&sealed, &hash)
	if err != nil {
		return nil, errs.Internal(err, "member: member's mobile")
	}
	if hash == nil || sealed == "" {
		return nil, nil // no number on record: nobody to tell
	}
	return &duplicate{mobileSealed: sealed, aad: mobileAAD(memberID), mobileHash: *hash, key: "member.sms.duplicate_member", union: union}, nil
}

// tellDuplicate sends d's message in the background, if sending is on and
// the budget allows; failures are logged (the number masked by the sender's
// log), never shown to the applicant.
func (s *Store) tellDuplicate(ctx context.Context, d *duplicate) {
	if d == nil || s.dupSMS == nil || s.dupBudget == nil {
		return
	}
	ctx = context.WithoutCancel(ctx)
	s.smsWG.Add(1)
	go func() {
		defer s.smsWG.Done()
		mobile := s.openOr(d.mobileSealed, d.aad)
		if mobile == "" {
			return
		}
		if err := s.dupBudget(ctx, d.mobileHash); err != nil {
			if !errs.Is(err, errs.KindTooMany) {
				slog.WarnContext(ctx, "duplicate application: sms budget", "err", err)
			}
			return
		}
		if err := s.dupSMS.Send(ctx, mobile, i18n.T(i18n.ZH, d.key, d.union)); err != nil {
			slog.WarnContext(ctx, "duplicate application: sms not sent", "err", err)
		}
	}()
}

// The budget of messages about repeated applications, per window of the
// server's throttle (auth.Service.Limit, shared by every process): one
// message per number, and a ceiling overall.
const (
	dupSMSPerNumber = 1
	dupSMSOverall   = 200
)

// ThrottleBudget rations the messages through the server's throttle.
func ThrottleBudget(a *auth.Service) SMSBudget {
	return func(ctx context.Context, mobileHash string) error {
		if err := a.Limit(ctx, "sms-duplicate", mobileHash, dupSMSPerNumber); err != nil {
			return err
		}
		return a.Limit(ctx, "sms-duplicate", "all", dupSMSOverall)
	}
}
