package congress

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/member"
	"gonghui/internal/scope"
	"gonghui/internal/signup"
)

// Delegate is a member elected to a session, as staff and fellow delegates
// see them: a name and a union, never an ID or a phone number.
type Delegate struct {
	MemberID  int64     `json:"member_id,string"`
	Name      string    `json:"name"`
	OrgName   string    `json:"org_name"` // the member's union (a sub-union of the employer's, or it)
	Category  Category  `json:"category"`
	Gender    string    `json:"gender"`
	ElectedOn string    `json:"elected_on"`
	Present   bool      `json:"present"`
	AddedAt   time.Time `json:"added_at"`
}

// DelegateInput adds a member of the employer's union as a delegate.
type DelegateInput struct {
	MemberID  int64    `json:"member_id,string"`
	Category  Category `json:"category"`
	Gender    string   `json:"gender"`
	ElectedOn string   `json:"elected_on"`
}

func (in *DelegateInput) validate() errs.Fields {
	f := errs.Fields{}
	f.Check(in.MemberID != 0, "member_id", "field.required")
	if in.Category == "" {
		f.Add("category", "field.required")
	} else {
		f.Check(validIn(Categories, in.Category), "category", "field.invalid_choice")
	}
	if in.Gender == "" {
		f.Add("gender", "field.required")
	} else {
		f.Check(validIn(Genders, in.Gender), "gender", "field.invalid_choice")
	}
	in.ElectedOn = ParseDay(f, "elected_on", in.ElectedOn)
	return f
}

// eligibleSQL is "member m belongs to the employer's union": in the union's
// subtree (sub-unions and groups included), active, and employed by that
// employer or by none on record (a joint union organises several
// employers; a member of another is not this employer's worker).
const eligibleSQL = `m.status = ? AND m.org_path >= ? AND m.org_path < ? AND (m.employer_id IS NULL OR m.employer_id = ?)`

func eligibleArgs(path string, employerID int64) []any {
	_, args := scope.Ranges("x", []string{path})
	return append([]any{member.StatusActive}, append(args, employerID)...)
}

// AddDelegate adds a member of the session's employer's union as a
// delegate; the session must not be closed.
func (s *Store) AddDelegate(ctx context.Context, pr *auth.Principal, sessionID int64, in DelegateInput) (*Delegate, error) {
	f := in.validate()
	if err := f.Err(); err != nil {
		return nil, err
	}
	var out *Delegate
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		ses, err := s.lockSession(ctx, tx, pr, sessionID)
		if err != nil {
			return err
		}
		if ses.Status == SessionClosed {
			return errStatus()
		}
		if ses.Delegates >= MaxDelegate {
			return errs.Conflict("too_many", "congress.too_many_delegates", MaxDelegate)
		}
		d := &Delegate{MemberID: in.MemberID, Category: in.Category, Gender: in.Gender, ElectedOn: in.ElectedOn}
		err = tx.QueryRow(ctx, "SELECT m.name, o.name FROM members m JOIN orgs o ON o.id = m.org_id WHERE m.id = ? AND "+eligibleSQL,
			append([]any{in.MemberID}, eligibleArgs(ses.path, ses.EmployerID)...)...).Scan(&d.Name, &d.OrgName)
		if errors.Is(err, sql.ErrNoRows) {
			f.Add("member_id", "congress.not_in_union")
			return f.Err()
		}
		if err != nil {
			return errs.Internal(err, "congress: delegate")
		}
		now := s.stamp()
		d.AddedAt = now
		_, err = tx.Exec(ctx, `INSERT INTO congress_delegates (session_id, member_id, category, gender, elected_on, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			sessionID, d.MemberID, d.Category, d.Gender, d.ElectedOn, scope.Millis(now))
		if db.IsUnique(err) {
			f.Add("member_id", "congress.already_delegate")
			return f.Err()
		}
		if err != nil {
			return errs.Internal(err, "congress: delegate")
		}
		out = d
		return audit.Record(ctx, tx, audit.Event{Action: "congress.delegate_add", Entity: "congress_session", EntityID: db.FormatID(sessionID), OrgPath: ses.path,
			After: map[string]any{"member": db.FormatID(d.MemberID), "name": d.Name, "category": d.Category, "elected_on": d.ElectedOn}})
	})
	return out, err
}

// RemoveDelegate takes a delegate off a session that is not closed; one
// who filed or seconded a motion stays (their acts are on record).
func (s *Store) RemoveDelegate(ctx context.Context, pr *auth.Principal, sessionID, memberID int64) error {
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		ses, err := s.lockSession(ctx, tx, pr, sessionID)
		if err != nil {
			return err
		}
		if ses.Status == SessionClosed {
			return errStatus()
		}
		var acts int
		if err := tx.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM congress_motions WHERE session_id = ? AND member_id = ?) +
			(SELECT COUNT(*) FROM congress_seconds c JOIN congress_motions m ON m.id = c.motion_id WHERE m.session_id = ? AND c.member_id = ?)`,
			sessionID, memberID, sessionID, memberID).Scan(&acts); err != nil {
			return errs.Internal(err, "congress: remove delegate")
		}
		if acts > 0 {
			return errs.Conflict("delegate_acted", "congress.delegate_acted")
		}
		res, err := tx.Exec(ctx, "DELETE FROM congress_delegates WHERE session_id = ? AND member_id = ?", sessionID, memberID)
		if err != nil {
			return errs.Internal(err, "congress: remove delegate")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.NotFound("delegate")
		}
		return audit.Record(ctx, tx, audit.Event{Action: "congress.delegate_remove", Entity: "congress_session", EntityID: db.FormatID(sessionID), OrgPath: ses.path,
			Before: map[string]any{"member": db.FormatID(memberID)}})
	})
}

// SetAttendance records who of the session's delegates are present (every
// other delegate is absent); a closed session's attendance stays.
func (s *Store) SetAttendance(ctx context.Context, pr *auth.Principal, sessionID int64, present []int64) (*Session, error) {
	f := errs.Fields{}
	if !f.Check(len(present) <= MaxDelegate, "present", "field.too_many", MaxDelegate) {
		return nil, f.Err()
	}
	var out *Session
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		ses, err := s.lockSession(ctx, tx, pr, sessionID)
		if err != nil {
			return err
		}
		if ses.Status == SessionClosed {
			return errStatus()
		}
		ids := map[int64]bool{}
		for _, id := range present {
			ids[id] = true
		}
		all, err := s.delegates(ctx, tx, sessionID)
		if err != nil {
			return err
		}
		known := map[int64]bool{}
		for _, d := range all {
			known[d.MemberID] = true
		}
		for id := range ids {
			if !known[id] {
				f.Add("present", "congress.not_delegate")
				return f.Err()
			}
		}
		for _, d := range all {
			if d.Present == ids[d.MemberID] {
				continue
			}
			if _, err := tx.Exec(ctx, "UPDATE congress_delegates SET present = ? WHERE session_id = ? AND member_id = ?", boolInt(ids[d.MemberID]), sessionID, d.MemberID); err != nil {
				return errs.Internal(err, "congress: attendance")
			}
		}
		ses.Present = len(ids)
		ses.QuorumMet = Quorum(ses.Present, ses.Delegates)
		out = ses
		return audit.Record(ctx, tx, audit.Event{Action: "congress.attendance", Entity: "congress_session", EntityID: db.FormatID(sessionID), OrgPath: ses.path,
			After: map[string]any{"present": ses.Present, "delegates": ses.Delegates, "quorum_met": ses.QuorumMet}})
	})
	return out, err
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (s *Store) delegates(ctx context.Context, q reader, sessionID int64) ([]Delegate, error) {
	rows, err := q.Query(ctx, `SELECT d.member_id, m.name, o.name, d.category, d.gender, d.elected_on, d.present, d.created_at
		FROM congress_delegates d JOIN members m ON m.id = d.member_id JOIN orgs o ON o.id = m.org_id
		WHERE d.session_id = ? ORDER BY d.category, m.name, d.member_id`, sessionID)
	return signup.All(rows, err, "congress: delegates", func(sc signup.Scanner) (Delegate, error) {
		var d Delegate
		var present int
		var added int64
		err := sc.Scan(&d.MemberID, &d.Name, &d.OrgName, &d.Category, &d.Gender, &d.ElectedOn, &present, &added)
		d.Present, d.AddedAt = present == 1, scope.FromMillis(added)
		return d, err
	})
}

// Composition is the make-up of a session's delegates and its attendance.
type Composition struct {
	Total            int              `json:"total"`
	Present          int              `json:"present"`
	QuorumNeeded     int              `json:"quorum_needed"`
	QuorumMet        bool             `json:"quorum_met"`
	ByCategory       map[Category]int `json:"by_category"`
	Female           int              `json:"female"`
	FrontlinePercent int              `json:"frontline_percent"`
	LeadersPercent   int              `json:"leaders_percent"`
	FemalePercent    int              `json:"female_percent"`
	// Warnings of the common rules (FrontlineMinPercent, LeadersMaxPercent).
	FrontlineLow bool `json:"frontline_low"`
	LeadersHigh  bool `json:"leaders_high"`
}

func percent(n, of int) int {
	if of == 0 {
		return 0
	}
	return (n*100 + of/2) / of
}

// CompositionOf works out the make-up of ds.
func CompositionOf(ds []Delegate) Composition {
	c := Composition{Total: len(ds), ByCategory: map[Category]int{}}
	for _, d := range ds {
		c.ByCategory[d.Category]++
		if d.Gender == "female" {
			c.Female++
		}
		if d.Present {
			c.Present++
		}
	}
	c.QuorumNeeded, c.QuorumMet = QuorumNeeded(c.Total), Quorum(c.Present, c.Total)
	c.FrontlinePercent, c.LeadersPercent, c.FemalePercent = percent(c.ByCategory[CatFrontline], c.Total), percent(c.ByCategory[CatLeader], c.Total), percent(c.Female, c.Total)
	if c.Total > 0 {
		// Compared exactly, not on the rounded percentages.
		c.FrontlineLow = c.ByCategory[CatFrontline]*100 < FrontlineMinPercent*c.Total
		c.LeadersHigh = c.ByCategory[CatLeader]*100 > LeadersMaxPercent*c.Total
	}
	return c
}
