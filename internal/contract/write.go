package contract

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/beijing"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/scope"
	"gonghui/internal/signup"
)

// Kinds of history entries.
const (
	EvCreated   = "created"
	EvEdited    = "edited"
	EvSubmitted = "submitted"
	EvObjected  = "objected"
	EvRenewal   = "renewal"    // this contract was made as the renewal of the previous one
	EvRenewed   = "renewed"    // a renewal of this contract was made
	EvFile      = "file"       // the text was uploaded
	EvTakenOver = "taken_over" // its renewal was submitted: it ends when that comes into force
	EvRestored  = "restored"   // its renewal was objected to: it runs to its own end again
)

// EventKinds lists every kind of history entry.
var EventKinds = []string{EvCreated, EvEdited, EvSubmitted, EvObjected, EvRenewal, EvRenewed, EvFile, EvTakenOver, EvRestored}

// Event is one entry of a contract's history.
type Event struct {
	ID   int64     `json:"id,string"`
	Kind string    `json:"kind"`
	Day  string    `json:"day,omitempty"`  // the day it names: a submission's, an objection's
	Body string    `json:"body,omitempty"` // an objection's reason, a file's name
	By   string    `json:"by"`             // the staff member who acted
	At   time.Time `json:"at"`
}

func staffName(pr *auth.Principal) string {
	if pr.Name != "" {
		return pr.Name
	}
	return pr.Username
}

func addEvent(ctx context.Context, tx *db.Tx, contractID int64, e Event, pr *auth.Principal, at time.Time) error {
	var user any
	name := ""
	if pr != nil && pr.UserID != 0 {
		user, name = pr.UserID, staffName(pr)
	}
	_, err := tx.Exec(ctx, `INSERT INTO contract_events (id, contract_id, kind, day, body, user_id, user_name, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, db.NewID(), contractID, e.Kind, e.Day, e.Body, user, name, scope.Millis(at))
	if err != nil {
		return errs.Internal(err, "contract: history")
	}
	return nil
}

// remindAt is the moment reminders of a contract ending on end start:
// the inbox orders by it.
func remindAt(end string) int64 {
	t, _ := beijing.ParseDay(RemindOn(end))
	return scope.Millis(t)
}

// Create saves a draft contract negotiated by in.OrgID, where pr holds
// contract.write, covering employers of that organisation's subtree.
func (s *Store) Create(ctx context.Context, pr *auth.Principal, in Input) (*Contract, error) {
	if pr == nil {
		return nil, scope.NilPrincipal("contract: create")
	}
	if !pr.Can(auth.PermContractWrite) {
		return nil, errs.Forbidden()
	}
	f := errs.Fields{}
	in.validate(f)
	if err := f.Err(); err != nil {
		return nil, err
	}
	id := db.NewID()
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		path, _, err := checkScope(ctx, tx, pr, &in, f)
		if err != nil {
			return err
		}
		if err := checkOverlap(ctx, tx, 0, 0, in.Kind, in.StartsOn, in.EndsOn, in.Employers, f); err != nil {
			return err
		}
		now := s.stamp()
		ms := scope.Millis(now)
		if _, err := tx.Exec(ctx, `INSERT INTO contracts (id, org_id, title, kind, coverage, union_rep, employer_rep, signed_on, starts_on, ends_on,
			workers, wage_increase, min_wage, notes, state, remind_on, remind_at, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			id, in.OrgID, in.Title, in.Kind, in.Coverage, in.UnionRep, in.EmployerRep, in.SignedOn, in.StartsOn, in.EndsOn,
			workersOf(in.Employers), in.WageIncrease, in.MinWage, in.Notes, StateDraft, RemindOn(in.EndsOn), remindAt(in.EndsOn), ms, ms); err != nil {
			return errs.Internal(err, "contract: create")
		}
		if err := saveEmployers(ctx, tx, id, in.Employers); err != nil {
			return err
		}
		if err := addEvent(ctx, tx, id, Event{Kind: EvCreated}, pr, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "contract.create", Entity: "contract", EntityID: db.FormatID(id), OrgPath: path,
			After: auditView(&in)})
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, pr, id)
}

// Update replaces a draft's fields, at the version it was read.
func (s *Store) Update(ctx context.Context, pr *auth.Principal, id int64, version int, in Input) (*Contract, error) {
	if pr == nil {
		return nil, scope.NilPrincipal("contract: update")
	}
	f := errs.Fields{}
	in.validate(f)
	if err := f.Err(); err != nil {
		return nil, err
	}
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		c, err := s.lock(ctx, tx, pr, id)
		if err != nil {
			return err
		}
		if c.state != StateDraft {
			return errs.Conflict("wrong_status", "contract.not_draft")
		}
		if version != 0 && version != c.Version {
			return errs.Conflict("stale", "contract.stale")
		}
		if in.OrgID != c.OrgID {
			f.Add("org_id", "contract.org_fixed")
			return f.Err()
		}
		if _, _, err := checkScope(ctx, tx, pr, &in, f); err != nil {
			return err
		}
		if c.PreviousID != 0 {
			if err := checkRenewalDays(ctx, tx, c.PreviousID, in.StartsOn, f); err != nil {
				return err
			}
		}
		if err := checkOverlap(ctx, tx, id, c.PreviousID, in.Kind, in.StartsOn, in.EndsOn, in.Employers, f); err != nil {
			return err
		}
		now := s.stamp()
		if _, err := tx.Exec(ctx, `UPDATE contracts SET title = ?, kind = ?, coverage = ?, union_rep = ?, employer_rep = ?, signed_on = ?, starts_on = ?,
			ends_on = ?, workers = ?, wage_increase = ?, min_wage = ?, notes = ?, remind_on = ?, remind_at = ?, version = version + 1, updated_at = ?
			WHERE id = ?`, in.Title, in.Kind, in.Coverage, in.UnionRep, in.EmployerRep, in.SignedOn, in.StartsOn, in.EndsOn, workersOf(in.Employers),
			in.WageIncrease, in.MinWage, in.Notes, RemindOn(in.EndsOn), remindAt(in.EndsOn), scope.Millis(now), id); err != nil {
			return errs.Internal(err, "contract: update")
		}
		if _, err := tx.Exec(ctx, "DELETE FROM contract_employers WHERE contract_id = ?", id); err != nil {
			return errs.Internal(err, "contract: update employers")
		}
		if err := saveEmployers(ctx, tx, id, in.Employers); err != nil {
			return err
		}
		if err := addEvent(ctx, tx, id, Event{Kind: EvEdited}, pr, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "contract.update", Entity: "contract", EntityID: db.FormatID(id), OrgPath: c.path,
			After: auditView(&in)})
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, pr, id)
}

// checkRenewalDays: a renewal starts after the contract it renews starts
// (so it cannot take over before that one came into force).
func checkRenewalDays(ctx context.Context, tx *db.Tx, previous int64, start string, f errs.Fields) error {
	var prevStart string
	if err := tx.QueryRow(ctx, "SELECT starts_on FROM contracts WHERE id = ?", previous).Scan(&prevStart); err != nil {
		return errs.Internal(err, "contract: read previous")
	}
	if start <= prevStart {
		f.Add("starts_on", "contract.renewal_starts_early", prevStart)
	}
	return f.Err()
}

func workersOf(es []EmployerInput) int {
	n := 0
	for _, e := range es {
		n += e.Workers
	}
	return n
}

func saveEmployers(ctx context.Context, tx *db.Tx, id int64, es []EmployerInput) error {
	flat := make([]any, 0, 3*len(es))
	for _, e := range es {
		flat = append(flat, id, e.EmployerID, e.Workers)
	}
	if err := tx.InsertRows(ctx, "contract_employers (contract_id, employer_id, workers)", 3, flat); err != nil {
		return errs.Internal(err, "contract: save employers")
	}
	return nil
}

// auditView is what the audit record keeps of a contract's fields.
func auditView(in *Input) map[string]any {
	ids := make([]string, len(in.Employers))
	for i, e := range in.Employers {
		ids[i] = db.FormatID(e.EmployerID)
	}
	return map[string]any{"title": in.Title, "kind": in.Kind, "coverage": in.Coverage, "signed_on": in.SignedOn, "starts_on": in.StartsOn,
		"ends_on": in.EndsOn, "workers": workersOf(in.Employers), "wage_increase": in.WageIncrease, "min_wage": in.MinWage, "employers": ids}
}

// lock reads a contract under its row's lock for a change by pr, who must
// hold contract.write at its union.
func (s *Store) lock(ctx context.Context, tx *db.Tx, pr *auth.Principal, id int64) (*Contract, error) {
	c, err := signup.One(tx.QueryRow(ctx, "SELECT "+contractCols+contractFrom+" WHERE c.id = ?"+tx.ForUpdateOf("c"), id), "contract", "contract: read",
		func(sc signup.Scanner) (Contract, error) { return scanContract(sc, s.Today()) })
	if err != nil {
		return nil, err
	}
	if err := rule.Writable(pr, c.path); err != nil {
		return nil, err
	}
	return c, nil
}

// employerIDs lists the employers contract id covers.
func employerIDs(ctx context.Context, tx *db.Tx, id int64) ([]int64, error) {
	rows, err := tx.Query(ctx, "SELECT employer_id FROM contract_employers WHERE contract_id = ? ORDER BY employer_id", id)
	out, err := signup.All(rows, err, "contract: employers", func(sc signup.Scanner) (int64, error) {
		var e int64
		return e, sc.Scan(&e)
	})
	slices.Sort(out)
	return out, err
}

// checkOverlap refuses, inside tx, a term of kind for employers that
// overlaps the term of another contract of the same kind covering any of
// them: an employer has one contract of a kind at a time. The contract
// being written (self, 0 when new) and its renewal chain's neighbours
// (the contract it renews, the one renewing it: a renewal may take over
// before its predecessor's term ends) are not counted; a contract whose
// renewal took over counts until it did. The employers' rows are locked
// first, in id order: two processes writing contracts for one employer
// take turns, and the second sees the first's contract (row locks on
// PostgreSQL; SQLite's write transaction excludes other writers).
func checkOverlap(ctx context.Context, tx *db.Tx, self, previous int64, kind Kind, start, end string, es []EmployerInput, f errs.Fields) error {
	ids := make([]int64, 0, len(es))
	at := map[int64]int{}
	for i, e := range es {
		ids = append(ids, e.EmployerID)
		at[e.EmployerID] = i
	}
	slices.Sort(ids)
	in := strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ")
	args := make([]any, 0, len(ids)+8)
	for _, id := range ids {
		args = append(args, id)
	}
	if err := tx.LockRows(ctx, "SELECT id FROM employers WHERE id IN ("+in+") ORDER BY id", args...); err != nil {
		return errs.Internal(err, "contract: lock employers")
	}
	rows, err := tx.Query(ctx, `SELECT ce.employer_id, c.title, c.starts_on, c.ends_on FROM contract_employers ce JOIN contracts c ON c.id = ce.contract_id
		WHERE ce.employer_id IN (`+in+`) AND c.kind = ? AND c.id <> ? AND c.id <> ? AND (c.previous_id IS NULL OR c.previous_id <> ?)
		AND c.starts_on <= ? AND c.ends_on >= ? AND NOT (c.renewed = 1 AND c.lapse_on <> '' AND c.lapse_on <= ?)
		ORDER BY ce.employer_id, c.starts_on, c.id`, append(args, kind, self, previous, self, end, start, start)...)
	type clash struct {
		employer          int64
		title, from, till string
	}
	found, err := signup.All(rows, err, "contract: overlap", func(sc signup.Scanner) (clash, error) {
		var c clash
		return c, sc.Scan(&c.employer, &c.title, &c.from, &c.till)
	})
	if err != nil {
		return err
	}
	for _, c := range found {
		field := "employers." + strconv.Itoa(at[c.employer]) + ".employer_id"
		if _, ok := f[field]; !ok {
			f.Add(field, "contract.overlaps", c.title, c.from, c.till)
		}
	}
	return f.Err()
}
