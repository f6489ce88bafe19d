package contract

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/beijing"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/scope"
	"gonghui/internal/signup"
)

// What staff do with a contract after drafting it. Each change locks the
// contract's row (and, for a renewal, the previous one's), checks where
// it stands, writes its history, moves its figures (Settle's rules, for
// the rows it touched) and the audit record, in one transaction.

func errStatus() error { return errs.Conflict("wrong_status", "contract.wrong_status") }

// dayOrToday is the day staff gave, or today when they gave none; a day
// after today is refused (nothing is recorded before it happens).
func (s *Store) dayOrToday(f errs.Fields, field string, d *string) bool {
	if strings.TrimSpace(*d) == "" {
		*d = s.Today()
		return true
	}
	if !checkDay(f, field, d) {
		return false
	}
	return f.Check(*d <= s.Today(), field, "contract.day_in_future")
}

// Submit records that the draft was submitted to the labour authority on
// day (empty: today). It is in force from EffectiveOn unless an objection
// is recorded within the 15 days. A renewal's submission schedules the
// contract it renews to end when the renewal comes into force.
func (s *Store) Submit(ctx context.Context, pr *auth.Principal, id int64, day string) (*Contract, error) {
	if pr == nil {
		return nil, scope.NilPrincipal("contract: submit")
	}
	f := errs.Fields{}
	if !s.dayOrToday(f, "submitted_on", &day) {
		return nil, f.Err()
	}
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		c, err := s.lock(ctx, tx, pr, id)
		if err != nil {
			return err
		}
		if c.state != StateDraft {
			return errStatus()
		}
		f.Check(day >= c.SignedOn, "submitted_on", "contract.submitted_before_signed", c.SignedOn)
		eff := EffectiveOn(day, c.StartsOn)
		f.Check(eff <= c.EndsOn, "submitted_on", "contract.too_late", eff)
		if err := f.Err(); err != nil {
			return err
		}
		now := s.stamp()
		if _, err := tx.Exec(ctx, `UPDATE contracts SET state = ?, submitted_on = ?, effective_on = ?, lapse_on = ?, version = version + 1, updated_at = ?
			WHERE id = ?`, StateSubmitted, day, eff, addDays(c.EndsOn, 1), scope.Millis(now), id); err != nil {
			return errs.Internal(err, "contract: submit")
		}
		if err := addEvent(ctx, tx, id, Event{Kind: EvSubmitted, Day: day}, pr, now); err != nil {
			return err
		}
		if err := logSigned(ctx, tx, c, +1); err != nil {
			return err
		}
		touched := []int64{id}
		if c.PreviousID != 0 {
			prev, err := s.lockAny(ctx, tx, c.PreviousID)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, "UPDATE contracts SET renewed = 1, lapse_on = ?, version = version + 1, updated_at = ? WHERE id = ?",
				min(addDays(prev.EndsOn, 1), eff), scope.Millis(now), prev.ID); err != nil {
				return errs.Internal(err, "contract: renew")
			}
			if err := addEvent(ctx, tx, prev.ID, Event{Kind: EvTakenOver, Day: eff}, pr, now); err != nil {
				return err
			}
			touched = append(touched, prev.ID)
		}
		if err := s.settleRows(ctx, tx, touched...); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "contract.submit", Entity: "contract", EntityID: db.FormatID(id), OrgPath: c.path,
			After: map[string]any{"submitted_on": day, "effective_on": eff}})
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, pr, id)
}

// Object records the labour authority's objection, raised on day (empty:
// today) within the 15 days, with its reason: the contract goes back to
// draft to be renegotiated. Once a contract is in force an objection can
// no longer be recorded.
func (s *Store) Object(ctx context.Context, pr *auth.Principal, id int64, day, reason string) (*Contract, error) {
	if pr == nil {
		return nil, scope.NilPrincipal("contract: object")
	}
	f := errs.Fields{}
	s.dayOrToday(f, "objected_on", &day)
	reason = cleanText(reason)
	switch n := utf8.RuneCountInString(reason); {
	case n == 0:
		f.Add("reason", "field.required")
	case n > MaxReason:
		f.Add("reason", "field.too_long", MaxReason)
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		c, err := s.lock(ctx, tx, pr, id)
		if err != nil {
			return err
		}
		if c.state != StateSubmitted {
			return errStatus()
		}
		if s.Today() >= c.EffectiveOn {
			return errs.Conflict("in_force", "contract.objection_too_late")
		}
		f.Check(day >= c.SubmittedOn && day <= ReviewEnds(c.SubmittedOn), "objected_on", "contract.objection_window", c.SubmittedOn, ReviewEnds(c.SubmittedOn))
		if err := f.Err(); err != nil {
			return err
		}
		now := s.stamp()
		if _, err := tx.Exec(ctx, `UPDATE contracts SET state = ?, submitted_on = '', effective_on = '', lapse_on = '', version = version + 1, updated_at = ?
			WHERE id = ?`, StateDraft, scope.Millis(now), id); err != nil {
			return errs.Internal(err, "contract: object")
		}
		if err := addEvent(ctx, tx, id, Event{Kind: EvObjected, Day: day, Body: reason}, pr, now); err != nil {
			return err
		}
		if err := logSigned(ctx, tx, c, -1); err != nil {
			return err
		}
		touched := []int64{id}
		if c.PreviousID != 0 {
			prev, err := s.lockAny(ctx, tx, c.PreviousID)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, "UPDATE contracts SET renewed = 0, lapse_on = ?, version = version + 1, updated_at = ? WHERE id = ?",
				addDays(prev.EndsOn, 1), scope.Millis(now), prev.ID); err != nil {
				return errs.Internal(err, "contract: object")
			}
			if err := addEvent(ctx, tx, prev.ID, Event{Kind: EvRestored}, pr, now); err != nil {
				return err
			}
			touched = append(touched, prev.ID)
		}
		if err := s.settleRows(ctx, tx, touched...); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "contract.object", Entity: "contract", EntityID: db.FormatID(id), OrgPath: c.path,
			After: map[string]any{"objected_on": day, "reason": reason}})
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, pr, id)
}

// Renew makes the next contract of the chain: a draft with the same
// parties, kind, employers and wage terms, whose term follows this one's
// and is as long. A contract has at most one renewal, made once it has
// passed review.
func (s *Store) Renew(ctx context.Context, pr *auth.Principal, id int64) (*Contract, error) {
	if pr == nil {
		return nil, scope.NilPrincipal("contract: renew")
	}
	next := db.NewID()
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		c, err := s.lock(ctx, tx, pr, id)
		if err != nil {
			return err
		}
		if c.state != StateSubmitted || c.Status == StatusReview {
			return errStatus()
		}
		var taken int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM contracts WHERE previous_id = ?", id).Scan(&taken); err != nil {
			return errs.Internal(err, "contract: renew")
		}
		if taken > 0 {
			return errs.Conflict("renewed", "contract.renewed_already")
		}
		start := addDays(c.EndsOn, 1)
		end := sameTerm(c.StartsOn, c.EndsOn, start)
		// The renewal's term must be free for its employers: another
		// contract of the kind already made for them after this one is
		// refused here, not found when the renewal is saved.
		es, err := s.coveredInputs(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := checkOverlap(ctx, tx, next, id, c.Kind, start, end, es, errs.Fields{}); err != nil {
			if e, ok := errs.As(err); ok && e.Fields != nil {
				return errs.Conflict("overlap", "contract.renewal_overlaps")
			}
			return err
		}
		now := s.stamp()
		ms := scope.Millis(now)
		_, err = tx.Exec(ctx, `INSERT INTO contracts (id, org_id, title, kind, coverage, union_rep, employer_rep, signed_on, starts_on, ends_on,
			workers, wage_increase, min_wage, notes, state, remind_on, remind_at, previous_id, created_at, updated_at)
			SELECT ?, org_id, title, kind, coverage, union_rep, employer_rep, ?, ?, ?, workers, wage_increase, min_wage, '', ?, ?, ?, id, ?, ?
			FROM contracts WHERE id = ?`, next, min(s.Today(), start), start, end, StateDraft, RemindOn(end), remindAt(end), ms, ms, id)
		if db.IsUnique(err) {
			return errs.Conflict("renewed", "contract.renewed_already")
		}
		if err != nil {
			return errs.Internal(err, "contract: renew")
		}
		if _, err := tx.Exec(ctx, `INSERT INTO contract_employers (contract_id, employer_id, workers)
			SELECT ?, employer_id, workers FROM contract_employers WHERE contract_id = ?`, next, id); err != nil {
			return errs.Internal(err, "contract: renew employers")
		}
		if err := addEvent(ctx, tx, next, Event{Kind: EvRenewal}, pr, now); err != nil {
			return err
		}
		if err := addEvent(ctx, tx, id, Event{Kind: EvRenewed}, pr, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "contract.renew", Entity: "contract", EntityID: db.FormatID(next), OrgPath: c.path,
			After: map[string]any{"previous": db.FormatID(id), "starts_on": start, "ends_on": end}})
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, pr, next)
}

// sameTerm is the end of a term starting on start as long as start0 …
// end0: whole calendar months when that term was (1 January to 31
// December is twelve), else the same number of days.
func sameTerm(start0, end0, start string) string {
	after := addDays(end0, 1)
	for k := 1; k <= 12*MaxTermYears; k++ {
		if addMonths(start0, k) == after {
			return addDays(addMonths(start, k), -1)
		}
	}
	t0, _ := beijing.ParseDay(start0)
	t1, _ := beijing.ParseDay(end0)
	// Beijing keeps no summer time: every day is 24 hours.
	return addDays(start, int(t1.Sub(t0)/(24*time.Hour)))
}

// lockAny reads a contract under its row's lock, unscoped: the previous
// contract of a renewal, which belongs to the same union.
func (s *Store) lockAny(ctx context.Context, tx *db.Tx, id int64) (*Contract, error) {
	return one(tx.QueryRow(ctx, "SELECT "+contractCols+contractFrom+" WHERE c.id = ?"+tx.ForUpdateOf("c"), id), s.Today())
}

// coveredInputs are the employers contract id covers, as a form gives them.
func (s *Store) coveredInputs(ctx context.Context, tx *db.Tx, id int64) ([]EmployerInput, error) {
	rows, err := tx.Query(ctx, "SELECT employer_id, workers FROM contract_employers WHERE contract_id = ? ORDER BY employer_id", id)
	return signup.All(rows, err, "contract: employers", func(sc signup.Scanner) (EmployerInput, error) {
		var e EmployerInput
		return e, sc.Scan(&e.EmployerID, &e.Workers)
	})
}
