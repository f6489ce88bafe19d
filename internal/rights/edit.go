package rights

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"

	"gonghui/internal/auth"
	"gonghui/internal/cnid"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/signup"
)

// Editing a case's workers and claims after intake, by staff holding
// case.write over its union while it is open. Each edit is one staffAct:
// the case's row locked, its status and the version the page showed
// checked (409 stale), a timeline entry and an audit record in the same
// transaction. Timeline entries and audit records name a worker by their
// place in the list and the fields that changed, never by what they hold:
// the timeline is shown to every worker of the case, and the audit log to
// auditors who may not see personal data.

// WorkerEdit changes one worker. A nil field stays as it is; an empty ID
// or mobile number clears it (a name cannot be cleared).
type WorkerEdit struct {
	Name     *string `json:"name,omitempty"`
	IDNumber *string `json:"id_number,omitempty"`
	Mobile   *string `json:"mobile,omitempty"`
}

// errWorker answers a worker that is not the case's.
func errWorker() error { return errs.NotFound("worker") }

// errClaim answers a claim that is not the case's.
func errClaim() error { return errs.NotFound("claim") }

// AddWorker adds a worker to an open case; one whose ID number is an
// active member's is linked to the registry, as at intake.
func (s *Store) AddWorker(ctx context.Context, pr *auth.Principal, id int64, in WorkerInput, version int) (*Case, error) {
	f := errs.Fields{}
	w := checkWorker(f, "", in)
	if err := f.Err(); err != nil {
		return nil, err
	}
	return s.staffAct(ctx, pr, id, "case.worker_add", Open, version, func(tx *db.Tx, c *Case, _ int64) (Event, map[string]any, error) {
		n, err := countOf(ctx, tx, "SELECT COUNT(*) FROM case_workers WHERE case_id = ?", c.ID)
		if err != nil {
			return Event{}, nil, err
		}
		if n >= MaxWorkers {
			return Event{}, nil, signup.FieldErr("name", "case.workers_full", MaxWorkers)
		}
		if w.memberID, err = s.memberOf(ctx, tx, w.idNumber); err != nil {
			return Event{}, nil, err
		}
		wid, err := s.insertWorker(ctx, tx, c.ID, n, w)
		if err != nil {
			return Event{}, nil, err
		}
		c.Workers = n + 1
		return Event{Kind: EvWorkerAdded, Body: strconv.Itoa(n + 1)},
			map[string]any{"worker": db.FormatID(wid), "position": n + 1, "workers": c.Workers, "fields": given(w), "member": w.memberID != 0}, nil
	})
}

// given names the fields of w that hold something (for the audit record:
// which, never what).
func given(w worker) []string {
	out := []string{"name"}
	if w.idNumber != "" {
		out = append(out, "id_number")
	}
	if w.mobile != "" {
		out = append(out, "mobile")
	}
	return out
}

// checkEdit checks a worker's edit (fields "name", "id_number",
// "mobile"), normalising what it keeps.
func checkEdit(f errs.Fields, in *WorkerEdit) {
	if in.Name != nil {
		checkText(f, "name", in.Name, 1, MaxName)
	}
	if in.IDNumber != nil {
		if v := strings.TrimSpace(*in.IDNumber); v == "" {
			*in.IDNumber = ""
		} else if r, err := cnid.ParseResidentID(v); f.Check(err == nil, "id_number", "case.id_number_invalid") {
			*in.IDNumber = r.Number
		}
	}
	if in.Mobile != nil {
		if v := strings.TrimSpace(*in.Mobile); v == "" {
			*in.Mobile = ""
		} else if m, err := cnid.NormalizeMobile(v); f.Check(err == nil, "mobile", "case.mobile_invalid") {
			*in.Mobile = m
		}
	}
	if in.Name == nil && in.IDNumber == nil && in.Mobile == nil {
		f.Add("name", "case.worker_no_change")
	}
}

// EditWorker changes a worker of an open case. A new ID number links the
// worker to the member it belongs to (or unlinks them when it is no
// member's); clearing it unlinks them, except the member who filed the
// case from their phone, whose link is their own sign-in.
func (s *Store) EditWorker(ctx context.Context, pr *auth.Principal, id, workerID int64, in WorkerEdit, version int) (*Case, error) {
	f := errs.Fields{}
	checkEdit(f, &in)
	if err := f.Err(); err != nil {
		return nil, err
	}
	return s.staffAct(ctx, pr, id, "case.worker_edit", Open, version, func(tx *db.Tx, c *Case, _ int64) (Event, map[string]any, error) {
		var pos int
		var memberID sql.NullInt64
		var name, idn, mob string
		err := tx.QueryRow(ctx, "SELECT position, member_id, name_sealed, id_sealed, mobile_sealed FROM case_workers WHERE id = ? AND case_id = ?", workerID, c.ID).
			Scan(&pos, &memberID, &name, &idn, &mob)
		if errors.Is(err, sql.ErrNoRows) {
			return Event{}, nil, errWorker()
		}
		if err != nil {
			return Event{}, nil, errs.Internal(err, "rights: worker")
		}
		var sets []string
		var args []any
		var changed []string
		set := func(field, col, hashKind, value, was string) error {
			if value == s.open(was, WorkerAAD(field, workerID)) {
				return nil
			}
			sealed, err := s.seal(value, WorkerAAD(field, workerID))
			if err != nil {
				return err
			}
			sets, args = append(sets, col+"_sealed = ?", col+"_hash = ?"), append(args, sealed, s.hash(hashKind, value))
			changed = append(changed, field)
			return nil
		}
		if in.Name != nil {
			if err := set("name", "name", "name", *in.Name, name); err != nil {
				return Event{}, nil, err
			}
		}
		if in.IDNumber != nil {
			if err := set("id_number", "id", "id_number", *in.IDNumber, idn); err != nil {
				return Event{}, nil, err
			}
		}
		if in.Mobile != nil {
			if err := set("mobile", "mobile", "mobile", *in.Mobile, mob); err != nil {
				return Event{}, nil, err
			}
		}
		if len(changed) == 0 {
			return Event{}, nil, signup.FieldErr("name", "case.worker_no_change")
		}
		linked := memberID.Int64
		if slices.Contains(changed, "id_number") {
			switch {
			case *in.IDNumber != "":
				if linked, err = s.memberOf(ctx, tx, *in.IDNumber); err != nil {
					return Event{}, nil, err
				}
			case linked != 0 && linked == c.memberID:
				// The member who filed it keeps their link: it is their sign-in.
			default:
				linked = 0
			}
		}
		var link any
		if linked != 0 {
			link = linked
		}
		sets, args = append(sets, "member_id = ?"), append(args, link)
		if _, err := tx.Exec(ctx, "UPDATE case_workers SET "+strings.Join(sets, ", ")+" WHERE id = ?", append(args, workerID)...); err != nil {
			return Event{}, nil, errs.Internal(err, "rights: worker")
		}
		return Event{Kind: EvWorkerEdited, Body: strconv.Itoa(pos + 1)},
			map[string]any{"worker": db.FormatID(workerID), "position": pos + 1, "fields": changed, "member": linked != 0}, nil
	})
}

// RemoveWorker takes a worker off an open case; the last one stays (409
// last_worker). The rest keep their order.
func (s *Store) RemoveWorker(ctx context.Context, pr *auth.Principal, id, workerID int64, version int) (*Case, error) {
	return s.staffAct(ctx, pr, id, "case.worker_remove", Open, version, func(tx *db.Tx, c *Case, _ int64) (Event, map[string]any, error) {
		var pos int
		err := tx.QueryRow(ctx, "SELECT position FROM case_workers WHERE id = ? AND case_id = ?", workerID, c.ID).Scan(&pos)
		if errors.Is(err, sql.ErrNoRows) {
			return Event{}, nil, errWorker()
		}
		if err != nil {
			return Event{}, nil, errs.Internal(err, "rights: worker")
		}
		n, err := countOf(ctx, tx, "SELECT COUNT(*) FROM case_workers WHERE case_id = ?", c.ID)
		if err != nil {
			return Event{}, nil, err
		}
		if n <= 1 {
			return Event{}, nil, errs.Conflict("last_worker", "case.last_worker")
		}
		if _, err := tx.Exec(ctx, "DELETE FROM case_workers WHERE id = ?", workerID); err != nil {
			return Event{}, nil, errs.Internal(err, "rights: worker")
		}
		// Positions stay 0..n-1: the lists show the worker at 0 first.
		if _, err := tx.Exec(ctx, "UPDATE case_workers SET position = position - 1 WHERE case_id = ? AND position > ?", c.ID, pos); err != nil {
			return Event{}, nil, errs.Internal(err, "rights: worker")
		}
		c.Workers = n - 1
		return Event{Kind: EvWorkerRemoved, Body: strconv.Itoa(pos + 1)},
			map[string]any{"worker": db.FormatID(workerID), "position": pos + 1, "workers": c.Workers}, nil
	})
}

func countOf(ctx context.Context, tx *db.Tx, q string, args ...any) (int, error) {
	var n int
	if err := tx.QueryRow(ctx, q, args...).Scan(&n); err != nil {
		return 0, errs.Internal(err, "rights: count")
	}
	return n, nil
}

// checkOne checks one claim given on its own (fields "kind", "amount",
// "note").
func checkOne(in ClaimInput) (Claim, error) {
	f := errs.Fields{}
	cl, _ := checkClaim(f, "", in)
	return cl, f.Err()
}

// total recounts a case's claims after a change, in fen.
func total(ctx context.Context, tx *db.Tx, caseID int64) (int64, error) {
	var fen int64
	if err := tx.QueryRow(ctx, "SELECT CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) FROM case_claims WHERE case_id = ?", caseID).Scan(&fen); err != nil {
		return 0, errs.Internal(err, "rights: claims")
	}
	return fen, nil
}

// AddClaim adds a claim to an open case (at most MaxClaims).
func (s *Store) AddClaim(ctx context.Context, pr *auth.Principal, id int64, in ClaimInput, version int) (*Case, error) {
	cl, err := checkOne(in)
	if err != nil {
		return nil, err
	}
	return s.staffAct(ctx, pr, id, "case.claim_add", Open, version, func(tx *db.Tx, c *Case, _ int64) (Event, map[string]any, error) {
		n, err := countOf(ctx, tx, "SELECT COUNT(*) FROM case_claims WHERE case_id = ?", c.ID)
		if err != nil {
			return Event{}, nil, err
		}
		if n >= MaxClaims {
			return Event{}, nil, signup.FieldErr("kind", "case.claims_full", MaxClaims)
		}
		cl.ID = db.NewID()
		if _, err := tx.Exec(ctx, "INSERT INTO case_claims (id, case_id, position, kind, amount_fen, note) VALUES (?, ?, ?, ?, ?, ?)",
			cl.ID, c.ID, n, cl.Kind, cl.AmountFen, cl.Note); err != nil {
			return Event{}, nil, errs.Internal(err, "rights: claims")
		}
		return s.claimsMoved(ctx, tx, c, EvClaimAdded, map[string]any{"claim": db.FormatID(cl.ID), "kind": cl.Kind, "amount_fen": cl.AmountFen})
	})
}

// EditClaim changes a claim of an open case: its kind, amount and note
// together, as the edit form shows them.
func (s *Store) EditClaim(ctx context.Context, pr *auth.Principal, id, claimID int64, in ClaimInput, version int) (*Case, error) {
	cl, err := checkOne(in)
	if err != nil {
		return nil, err
	}
	return s.staffAct(ctx, pr, id, "case.claim_edit", Open, version, func(tx *db.Tx, c *Case, _ int64) (Event, map[string]any, error) {
		var was Claim
		err := tx.QueryRow(ctx, "SELECT kind, amount_fen, note FROM case_claims WHERE id = ? AND case_id = ?", claimID, c.ID).Scan(&was.Kind, &was.AmountFen, &was.Note)
		if errors.Is(err, sql.ErrNoRows) {
			return Event{}, nil, errClaim()
		}
		if err != nil {
			return Event{}, nil, errs.Internal(err, "rights: claims")
		}
		if was.Kind == cl.Kind && was.AmountFen == cl.AmountFen && was.Note == cl.Note {
			return Event{}, nil, signup.FieldErr("amount", "case.claim_no_change")
		}
		if _, err := tx.Exec(ctx, "UPDATE case_claims SET kind = ?, amount_fen = ?, note = ? WHERE id = ?", cl.Kind, cl.AmountFen, cl.Note, claimID); err != nil {
			return Event{}, nil, errs.Internal(err, "rights: claims")
		}
		return s.claimsMoved(ctx, tx, c, EvClaimEdited, map[string]any{"claim": db.FormatID(claimID), "kind": cl.Kind, "amount_fen": cl.AmountFen,
			"was_kind": was.Kind, "was_amount_fen": was.AmountFen})
	})
}

// RemoveClaim takes a claim off an open case.
func (s *Store) RemoveClaim(ctx context.Context, pr *auth.Principal, id, claimID int64, version int) (*Case, error) {
	return s.staffAct(ctx, pr, id, "case.claim_remove", Open, version, func(tx *db.Tx, c *Case, _ int64) (Event, map[string]any, error) {
		var was Claim
		var pos int
		err := tx.QueryRow(ctx, "SELECT position, kind, amount_fen FROM case_claims WHERE id = ? AND case_id = ?", claimID, c.ID).Scan(&pos, &was.Kind, &was.AmountFen)
		if errors.Is(err, sql.ErrNoRows) {
			return Event{}, nil, errClaim()
		}
		if err != nil {
			return Event{}, nil, errs.Internal(err, "rights: claims")
		}
		if _, err := tx.Exec(ctx, "DELETE FROM case_claims WHERE id = ?", claimID); err != nil {
			return Event{}, nil, errs.Internal(err, "rights: claims")
		}
		if _, err := tx.Exec(ctx, "UPDATE case_claims SET position = position - 1 WHERE case_id = ? AND position > ?", c.ID, pos); err != nil {
			return Event{}, nil, errs.Internal(err, "rights: claims")
		}
		return s.claimsMoved(ctx, tx, c, EvClaimRemoved, map[string]any{"claim": db.FormatID(claimID), "was_kind": was.Kind, "was_amount_fen": was.AmountFen})
	})
}

// claimsMoved recounts the claims' total after a change and answers the
// timeline entry (the new total in yuan) and the audit record's after.
func (s *Store) claimsMoved(ctx context.Context, tx *db.Tx, c *Case, kind string, after map[string]any) (Event, map[string]any, error) {
	fen, err := total(ctx, tx, c.ID)
	if err != nil {
		return Event{}, nil, err
	}
	after["was_fen"], after["claimed_fen"] = c.ClaimedFen, fen
	c.ClaimedFen = fen
	return Event{Kind: kind, Body: FormatFen(fen)}, after, nil
}

// Claim reads one claim of a case for its edit form (staff who may act
// on the case).
func (s *Store) Claim(ctx context.Context, pr *auth.Principal, id, claimID int64) (*Case, *Claim, error) {
	c, err := s.writable(ctx, pr, id)
	if err != nil {
		return nil, nil, err
	}
	var cl Claim
	err = s.DB.QueryRow(ctx, "SELECT id, kind, amount_fen, note FROM case_claims WHERE id = ? AND case_id = ?", claimID, id).Scan(&cl.ID, &cl.Kind, &cl.AmountFen, &cl.Note)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, errClaim()
	}
	if err != nil {
		return nil, nil, errs.Internal(err, "rights: claims")
	}
	return c, &cl, nil
}

// Worker reads one worker of a case, masked, for its edit form (staff who
// may act on the case): the form shows what is held masked and changes
// only what is typed, so that editing reveals nothing.
func (s *Store) Worker(ctx context.Context, pr *auth.Principal, id, workerID int64) (*Case, *Worker, int, error) {
	c, err := s.writable(ctx, pr, id)
	if err != nil {
		return nil, nil, 0, err
	}
	ws, err := s.workers(ctx, id, false)
	if err != nil {
		return nil, nil, 0, err
	}
	for i := range ws {
		if ws[i].ID == workerID {
			return c, &ws[i], i + 1, nil
		}
	}
	return nil, nil, 0, errWorker()
}

// writable reads case id for staff pr who may act on it: NotFound outside
// their subtrees (and for members), Forbidden for a reader who may not
// write.
func (s *Store) writable(ctx context.Context, pr *auth.Principal, id int64) (*Case, error) {
	if pr != nil && pr.Kind == auth.KindMember {
		return nil, errs.NotFound("case")
	}
	c, err := s.readable(ctx, pr, id)
	if err != nil {
		return nil, err
	}
	if !rule.CanWrite(pr, c.path) {
		return nil, errs.Forbidden()
	}
	return c, nil
}
