package rights

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"time"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/notice"
	"gonghui/internal/scope"
	"gonghui/internal/signup"
)

// What staff and workers do with a case. Each change reads the case under
// its row's lock, checks the status it may start from (and the version the
// caller saw, when given), saves the case, adds a timeline entry, moves the
// figures, tells the member who follows it and writes the audit record, all
// in one transaction.

// errStatus answers an action the case's status does not allow (someone
// acted first, or the page was old).
func errStatus() error { return errs.Conflict("wrong_status", "case.wrong_status") }

// errStale answers a change made from a page older than the case: another
// person assigned or moved it meanwhile.
func errStale() error { return errs.Conflict("stale", "case.stale") }

// change is one action's effect on a locked case: its timeline entry and
// what the audit record keeps.
type change func(tx *db.Tx, c *Case, now int64) (Event, map[string]any, error)

func (s *Store) save(ctx context.Context, tx *db.Tx, c *Case, now time.Time) error {
	ms := func(t *time.Time) int64 {
		if t == nil {
			return 0
		}
		return scope.Millis(*t)
	}
	var handler any
	if c.HandlerID != 0 {
		handler = c.HandlerID
	}
	c.Version++
	c.UpdatedAt = now
	if c.Status == StatusClosed {
		c.escalateAt = 0 // a closed case is escalated no more
	}
	_, err := tx.Exec(ctx, `UPDATE cases SET org_id = ?, org_path = ?, status = ?, outcome = ?, handler_id = ?, handler_name = ?, claimed_fen = ?,
		recovered_fen = ?, accepted_at = ?, due_at = ?, due_known = ?, remind_at = ?, extended = ?, closed_at = ?, on_time = ?, rating = ?,
		version = ?, updated_at = ?, escalate_at = ?, workers = ? WHERE id = ?`,
		c.OrgID, c.path, c.Status, c.Outcome, handler, c.Handler, c.ClaimedFen, c.RecoveredFen, ms(c.AcceptedAt), scope.Millis(c.DueAt),
		boolInt(!c.Provisional), scope.Millis(c.remindAt), boolInt(c.Extended), ms(c.ClosedAt), boolInt(c.OnTime), c.Rating,
		c.Version, scope.Millis(now), c.escalateAt, c.Workers, c.ID)
	if err != nil {
		return errs.Internal(err, "rights: save")
	}
	return nil
}

// NoticeStatus is the members' notice of a change of their case (see
// internal/notice; its words are activity.notice.case_status).
const NoticeStatus = "case_status"

func init() { notice.RegisterKinds(NoticeStatus) }

// tell leaves the members who follow c a notice that its status changed.
func (s *Store) tell(ctx context.Context, tx *db.Tx, c *Case, now int64) error {
	ids := []int64{}
	if c.memberID != 0 {
		ids = append(ids, c.memberID)
	}
	rows, err := tx.Query(ctx, "SELECT DISTINCT member_id FROM case_workers WHERE case_id = ? AND member_id IS NOT NULL", c.ID)
	if err != nil {
		return errs.Internal(err, "rights: tell")
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return errs.Internal(err, "rights: tell")
		}
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return errs.Internal(err, "rights: tell")
	}
	return notice.AddAbout(ctx, tx, now, NoticeStatus, c.Title, notice.About{Kind: AboutCase, ID: c.ID}, ids...)
}

// AboutCase is what a case's notices are about (notice.About); the pages
// register the member's page of it.
const AboutCase = "case"

// staffAct applies fn to case id for staff pr holding case.write at its
// union, from one of the statuses in from; version, when not 0, must be
// the case's.
func (s *Store) staffAct(ctx context.Context, pr *auth.Principal, id int64, action string, from []Status, version int, fn change) (*Case, error) {
	var out *Case
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		c, err := s.lockStaff(ctx, tx, pr, id, rule.Writable)
		if err != nil {
			return err
		}
		if out, err = s.apply(ctx, tx, pr, c, action, from, version, fn); err != nil {
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Store) apply(ctx context.Context, tx *db.Tx, pr *auth.Principal, c *Case, action string, from []Status, version int, fn change) (*Case, error) {
	if version != 0 && version != c.Version {
		return nil, errStale()
	}
	if !slices.Contains(from, c.Status) {
		return nil, errStatus()
	}
	was, wasPath, wasStatus, wasDue := figuresOf(c), c.path, c.Status, c.DueAt
	now := s.stamp()
	ev, after, err := fn(tx, c, scope.Millis(now))
	if err != nil {
		return nil, err
	}
	if !c.DueAt.Equal(wasDue) {
		// A new deadline (accepted, transferred, extended) is escalated
		// once more when it passes.
		c.escalateAt = scope.Millis(c.DueAt)
	}
	if err := s.save(ctx, tx, c, now); err != nil {
		return nil, err
	}
	ev.At, ev.By = now, staffName(pr)
	if ev.OrgName == "" {
		ev.OrgName = c.OrgName
	}
	if err := addEvent(ctx, tx, c.ID, ev, pr.UserID); err != nil {
		return nil, err
	}
	if err := logFigures(ctx, tx, was, figuresOf(c)); err != nil {
		return nil, err
	}
	if c.Status != wasStatus {
		if err := s.tell(ctx, tx, c, scope.Millis(now)); err != nil {
			return nil, err
		}
	}
	if after == nil {
		after = map[string]any{}
	}
	after["status"] = c.Status
	if err := audit.Record(ctx, tx, audit.Event{Action: action, Entity: "case", EntityID: db.FormatID(c.ID), OrgPath: wasPath, After: after}); err != nil {
		return nil, err
	}
	return c, nil
}

// lockStaff reads a case under its row's lock for a change by staff; may
// decides whether pr may make it (NotFound when they may not see it).
func (s *Store) lockStaff(ctx context.Context, tx *db.Tx, pr *auth.Principal, id int64, may func(*auth.Principal, string) error) (*Case, error) {
	if pr == nil {
		return nil, scope.NilPrincipal("rights: act")
	}
	if pr.Kind == auth.KindMember {
		return nil, errs.NotFound("case")
	}
	c, err := s.load(ctx, tx, id, tx.ForUpdateOf("c"))
	if err != nil {
		return nil, err
	}
	if err := may(pr, c.path); err != nil {
		return nil, err
	}
	return c, nil
}

// querier runs a query on the database or in a transaction.
type querier interface {
	Query(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

// Handler is a staff account that may handle cases at a union: one
// holding case.write there (granted at it or above it).
type Handler struct {
	UserID  int64  `json:"user_id,string"`
	Name    string `json:"name"`
	OrgName string `json:"org_name"`
}

// writeRoles are the roles carrying case.write.
func writeRoles() []any {
	var out []any
	for _, r := range auth.Roles {
		if slices.Contains(r.Perms(), auth.PermCaseWrite) {
			out = append(out, string(r))
		}
	}
	return out
}

// handlers lists the staff who may handle a case at path (userID: only
// that one).
func (s *Store) handlers(ctx context.Context, q querier, path string, userID int64) ([]Handler, error) {
	anc := auth.Ancestors(path)
	roles := writeRoles()
	args := append([]any{auth.KindStaff, false}, roles...)
	for _, p := range anc {
		args = append(args, p)
	}
	where := "u.kind = ? AND u.disabled = ? AND g.role IN (" + db.Placeholders(len(roles)) + ") AND o.path IN (" + db.Placeholders(len(anc)) + ")"
	if userID != 0 {
		where, args = where+" AND u.id = ?", append(args, userID)
	}
	rows, err := q.Query(ctx, `SELECT u.id, u.name, MAX(uo.name) FROM users u JOIN grants g ON g.user_id = u.id JOIN orgs o ON o.id = g.org_id
		JOIN orgs uo ON uo.id = u.org_id WHERE `+where+` GROUP BY u.id, u.name ORDER BY u.name, u.id LIMIT 200`, args...)
	return signup.All(rows, err, "rights: handlers", func(sc signup.Scanner) (Handler, error) {
		var h Handler
		return h, sc.Scan(&h.UserID, &h.Name, &h.OrgName)
	})
}

// Handlers lists who may handle case id: staff with case.write over its
// union.
func (s *Store) Handlers(ctx context.Context, pr *auth.Principal, id int64) ([]Handler, error) {
	c, err := s.readable(ctx, pr, id)
	if err != nil {
		return nil, err
	}
	if pr.Kind == auth.KindMember || !rule.CanWrite(pr, c.path) {
		return nil, errs.Forbidden()
	}
	return s.handlers(ctx, s.DB, c.path, 0)
}

// handlerFor checks userID may handle a case at path, as the field
// "handler_id"; 0 is the caller.
func (s *Store) handlerFor(ctx context.Context, tx *db.Tx, pr *auth.Principal, path string, userID int64) (*Handler, error) {
	if userID == 0 {
		userID = pr.UserID
	}
	hs, err := s.handlers(ctx, tx, path, userID)
	if err != nil {
		return nil, err
	}
	if len(hs) == 0 {
		return nil, signup.FieldErr("handler_id", "case.handler_not_eligible")
	}
	return &hs[0], nil
}

// startHandling starts the kind's deadline from now.
func (s *Store) startHandling(c *Case, now int64) {
	t := scope.FromMillis(now)
	cal := s.calendar()
	var known bool
	c.DueAt, known = Due(cal, t, TermOf(c.Kind))
	c.Provisional, c.remindAt = !known, RemindFrom(cal, c.DueAt)
	c.AcceptedAt = &t
}

// Accept takes a waiting case on and assigns its handler (0: the caller);
// the kind's deadline starts. version is the one the caller saw (0: any).
func (s *Store) Accept(ctx context.Context, pr *auth.Principal, id, handlerID int64, version int) (*Case, error) {
	return s.staffAct(ctx, pr, id, "case.accept", Waiting, version, func(tx *db.Tx, c *Case, now int64) (Event, map[string]any, error) {
		h, err := s.handlerFor(ctx, tx, pr, c.path, handlerID)
		if err != nil {
			return Event{}, nil, err
		}
		c.Status, c.HandlerID, c.Handler = StatusHandling, h.UserID, h.Name
		s.startHandling(c, now)
		return Event{Kind: EvAccepted, Status: c.Status, Body: h.Name}, map[string]any{"handler": h.Name}, nil
	})
}

// Assign hands a case being handled to another handler. Two people
// assigning from the same page: the second finds the version moved on
// (409 stale) rather than silently overwriting the first.
func (s *Store) Assign(ctx context.Context, pr *auth.Principal, id, handlerID int64, version int) (*Case, error) {
	if handlerID == 0 {
		return nil, signup.FieldErr("handler_id", "field.required")
	}
	return s.staffAct(ctx, pr, id, "case.assign", []Status{StatusHandling}, version, func(tx *db.Tx, c *Case, _ int64) (Event, map[string]any, error) {
		h, err := s.handlerFor(ctx, tx, pr, c.path, handlerID)
		if err != nil {
			return Event{}, nil, err
		}
		if h.UserID == c.HandlerID {
			return Event{}, nil, signup.FieldErr("handler_id", "case.handler_same")
		}
		from := c.Handler
		c.HandlerID, c.Handler = h.UserID, h.Name
		return Event{Kind: EvAssigned, Body: h.Name}, map[string]any{"handler": h.Name, "from": from}, nil
	})
}

// Transfer hands an open case to another union up or down the tree: any
// union above the handling one (its federation, to escalate), or any
// inside its subtree (a union nearer the workers). It waits there to be
// accepted, with a new acceptance deadline; the handler is cleared. The
// caller needs case.write at the handling union only: handing a case up
// needs no rights above.
func (s *Store) Transfer(ctx context.Context, pr *auth.Principal, id, orgID int64, note string, version int) (*Case, error) {
	f := errs.Fields{}
	f.Check(orgID != 0, "org_id", "field.required")
	optText(f, "note", &note, MaxReason)
	if err := f.Err(); err != nil {
		return nil, err
	}
	return s.staffAct(ctx, pr, id, "case.transfer", Open, version, func(tx *db.Tx, c *Case, now int64) (Event, map[string]any, error) {
		var name, path string
		err := tx.QueryRow(ctx, "SELECT name, path FROM orgs WHERE id = ?"+tx.ForShare(), orgID).Scan(&name, &path)
		if errors.Is(err, sql.ErrNoRows) {
			return Event{}, nil, signup.FieldErr("org_id", "field.invalid_id")
		}
		if err != nil {
			return Event{}, nil, errs.Internal(err, "rights: transfer")
		}
		if orgID == c.OrgID {
			return Event{}, nil, signup.FieldErr("org_id", "case.transfer_same")
		}
		if !auth.Inside(path, c.path) && !auth.Inside(c.path, path) {
			return Event{}, nil, signup.FieldErr("org_id", "case.transfer_outside")
		}
		up := auth.Inside(c.path, path)
		ev := Event{Kind: EvTransferred, Status: StatusTransferred, Body: note, FromOrg: c.OrgName, ToOrg: name, OrgName: c.OrgName}
		c.OrgID, c.OrgName, c.path, c.Status, c.HandlerID, c.Handler = orgID, name, path, StatusTransferred, 0, ""
		cal := s.calendar()
		var known bool
		c.DueAt, known = Due(cal, scope.FromMillis(now), AcceptTerm)
		c.Provisional, c.remindAt, c.AcceptedAt = !known, RemindFrom(cal, c.DueAt), nil
		return ev, map[string]any{"to_org": name, "up": up}, nil
	})
}

// Extend lengthens a mediation by the days both parties agreed to (at
// most MaxExtendDays, once): 《劳动争议调解仲裁法》 art. 14's fifteen days
// hold "unless agreed". The new deadline counts from the old one.
func (s *Store) Extend(ctx context.Context, pr *auth.Principal, id int64, days int, note string, version int) (*Case, error) {
	f := errs.Fields{}
	f.Check(days >= 1 && days <= MaxExtendDays, "days", "field.out_of_range", 1, MaxExtendDays)
	checkText(f, "note", &note, 1, MaxReason)
	if err := f.Err(); err != nil {
		return nil, err
	}
	return s.staffAct(ctx, pr, id, "case.extend", []Status{StatusHandling}, version, func(_ *db.Tx, c *Case, _ int64) (Event, map[string]any, error) {
		if c.Kind != KindMediation {
			return Event{}, nil, errs.Conflict("not_mediation", "case.not_mediation")
		}
		if c.Extended {
			return Event{}, nil, errs.Conflict("extended", "case.already_extended")
		}
		cal := s.calendar()
		// The old deadline is the end of its last day: count from that day.
		due, known := Due(cal, c.DueAt.Add(-time.Millisecond), Term{Days: days})
		c.DueAt, c.Provisional, c.remindAt, c.Extended = due, c.Provisional || !known, RemindFrom(cal, due), true
		return Event{Kind: EvExtended, Body: note}, map[string]any{"days": days, "due_at": due}, nil
	})
}

// SetClaims replaces what the workers claim, while the case is open.
func (s *Store) SetClaims(ctx context.Context, pr *auth.Principal, id int64, claims []ClaimInput, version int) (*Case, error) {
	f := errs.Fields{}
	cs, total := checkClaims(f, claims)
	if err := f.Err(); err != nil {
		return nil, err
	}
	return s.staffAct(ctx, pr, id, "case.claims", Open, version, func(tx *db.Tx, c *Case, _ int64) (Event, map[string]any, error) {
		if _, err := tx.Exec(ctx, "DELETE FROM case_claims WHERE case_id = ?", c.ID); err != nil {
			return Event{}, nil, errs.Internal(err, "rights: claims")
		}
		if err := insertClaims(ctx, tx, c.ID, cs); err != nil {
			return Event{}, nil, err
		}
		was := c.ClaimedFen
		c.ClaimedFen = total
		return Event{Kind: EvClaims, Body: FormatFen(total)}, map[string]any{"claimed_fen": total, "was_fen": was, "claims": len(cs)}, nil
	})
}

// CloseInput is how a case ends.
type CloseInput struct {
	Outcome      Outcome `json:"outcome"`
	RecoveredFen int64   `json:"recovered_fen"`
	Recovered    string  `json:"-"` // as typed on a page (yuan), read by ParseFen
	Note         string  `json:"note"`
	Version      int     `json:"version"`
}

// Close ends a case with its outcome and the money recovered. A case
// being handled closes with an outcome of its kind; a waiting one only as
// not accepted, with the reason. It is on time when closed by its
// deadline.
func (s *Store) Close(ctx context.Context, pr *auth.Principal, id int64, in CloseInput) (*Case, error) {
	f := errs.Fields{}
	if in.Outcome == "" {
		f.Add("outcome", "field.required")
	} else {
		f.Check(slices.Contains(Outcomes, in.Outcome), "outcome", "field.invalid_choice")
	}
	fen := in.RecoveredFen
	if in.Recovered != "" {
		var bad string
		if fen, bad = ParseFen(in.Recovered); bad != "" {
			f.Add("recovered", bad)
		}
	}
	switch {
	case fen < 0:
		f.Add("recovered", ErrAmountNegative)
	case fen > MaxFen:
		f.Add("recovered", ErrAmountTooLarge)
	case fen > 0 && (in.Outcome == OutcomeNotAccepted || in.Outcome == OutcomeWithdrawn || in.Outcome == OutcomeAidRefused):
		f.Add("recovered", "case.recovered_none")
	}
	if in.Outcome == OutcomeNotAccepted {
		checkText(f, "note", &in.Note, 1, MaxReason)
	} else {
		optText(f, "note", &in.Note, MaxReason)
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	return s.staffAct(ctx, pr, id, "case.close", Open, in.Version, func(_ *db.Tx, c *Case, now int64) (Event, map[string]any, error) {
		waiting := slices.Contains(Waiting, c.Status)
		if waiting != (in.Outcome == OutcomeNotAccepted) {
			if waiting {
				return Event{}, nil, signup.FieldErr("outcome", "case.outcome_waiting")
			}
			return Event{}, nil, signup.FieldErr("outcome", "case.outcome_not_accepted")
		}
		if !waiting && !slices.Contains(OutcomesOf(c.Kind), in.Outcome) {
			return Event{}, nil, signup.FieldErr("outcome", "case.outcome_kind")
		}
		t := scope.FromMillis(now)
		c.Status, c.Outcome, c.RecoveredFen, c.ClosedAt, c.OnTime = StatusClosed, in.Outcome, fen, &t, t.Before(c.DueAt)
		return Event{Kind: EvClosed, Status: c.Status, Body: in.Note}, map[string]any{"outcome": in.Outcome, "recovered_fen": fen, "on_time": c.OnTime}, nil
	})
}

// AddNote adds a staff note. A confidential one is written by the case's
// handler or a supervisor only, and sealed; an ordinary one by anyone who
// may act on the case. Notes are the staff's: the worker never sees them.
func (s *Store) AddNote(ctx context.Context, pr *auth.Principal, id int64, body string, confidential bool) (*Note, error) {
	f := errs.Fields{}
	checkText(f, "body", &body, 1, MaxNote)
	if err := f.Err(); err != nil {
		return nil, err
	}
	var out *Note
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		c, err := s.lockStaff(ctx, tx, pr, id, rule.Readable)
		if err != nil {
			return err
		}
		conf := isHandler(pr, c) || supervises(pr, c)
		switch {
		case confidential && !conf:
			return signup.FieldErr("confidential", "case.confidential_refused")
		case !confidential && !conf && !rule.CanWrite(pr, c.path):
			return errs.Forbidden()
		}
		now := s.stamp()
		n := &Note{ID: db.NewID(), Confidential: confidential, By: staffName(pr), At: now}
		plain, sealed := body, ""
		if confidential {
			if sealed, err = s.seal(body, NoteAAD(n.ID)); err != nil {
				return err
			}
			plain = ""
		}
		if _, err := tx.Exec(ctx, "INSERT INTO case_notes (id, case_id, confidential, body, sealed, user_id, user_name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			n.ID, c.ID, boolInt(confidential), plain, sealed, pr.UserID, n.By, scope.Millis(now)); err != nil {
			return errs.Internal(err, "rights: note")
		}
		n.Body = body
		after := map[string]any{"note": db.FormatID(n.ID), "confidential": confidential}
		if !confidential {
			after["body"] = body
		}
		out = n
		return audit.Record(ctx, tx, audit.Event{Action: "case.note", Entity: "case", EntityID: db.FormatID(c.ID), OrgPath: c.path, After: after})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// workerAct applies fn to a case of member pr's, from one of the statuses
// in from.
func (s *Store) workerAct(ctx context.Context, pr *auth.Principal, id int64, action string, from []Status, fn change) (*Case, error) {
	var out *Case
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		if pr == nil || pr.Kind != auth.KindMember {
			return errs.NotFound("case")
		}
		c, err := s.load(ctx, tx, id, tx.ForUpdateOf("c"))
		if err != nil {
			return err
		}
		if ok, err := s.isWorker(ctx, tx, pr, c); err != nil || !ok {
			if err == nil {
				err = errs.NotFound("case")
			}
			return err
		}
		if !slices.Contains(from, c.Status) {
			return errStatus()
		}
		was := figuresOf(c)
		now := s.stamp()
		ev, after, err := fn(tx, c, scope.Millis(now))
		if err != nil {
			return err
		}
		if err := s.save(ctx, tx, c, now); err != nil {
			return err
		}
		ev.At, ev.Worker = now, true
		if err := addEvent(ctx, tx, c.ID, ev, 0); err != nil {
			return err
		}
		if err := logFigures(ctx, tx, was, figuresOf(c)); err != nil {
			return err
		}
		out = c
		return audit.Record(ctx, tx, audit.Event{Action: action, Entity: "case", EntityID: db.FormatID(c.ID), OrgPath: c.path, After: after})
	})
	if err != nil {
		return nil, err
	}
	out.Handler, out.HandlerID = "", 0
	return out, nil
}

// Rate records the satisfaction of the member who filed a closed case:
// once. The conditional update holds that across processes: of two
// ratings at once, the second finds the rating taken.
func (s *Store) Rate(ctx context.Context, pr *auth.Principal, id int64, r Rating) (*Case, error) {
	f := errs.Fields{}
	if r == "" {
		f.Add("rating", "field.required")
	} else {
		f.Check(slices.Contains(Ratings, r), "rating", "field.invalid_choice")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	return s.workerAct(ctx, pr, id, "case.rate", []Status{StatusClosed}, func(tx *db.Tx, c *Case, _ int64) (Event, map[string]any, error) {
		if c.memberID != pr.MemberID {
			return Event{}, nil, errs.Forbidden()
		}
		res, err := tx.Exec(ctx, "UPDATE cases SET rating = ? WHERE id = ? AND rating = ''", r, c.ID)
		if err != nil {
			return Event{}, nil, errs.Internal(err, "rights: rate")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return Event{}, nil, errs.Conflict("rated", "case.already_rated")
		}
		c.Rating = r
		return Event{Kind: EvRated, Body: string(r)}, map[string]any{"rating": r}, nil
	})
}

// Above lists the unions above case id's union, nearest first: where a
// transfer up may send it. Their names are shown to the case's staff even
// when they may not read those unions otherwise.
func (s *Store) Above(ctx context.Context, pr *auth.Principal, id int64) ([]Union, error) {
	c, err := s.readable(ctx, pr, id)
	if err != nil {
		return nil, err
	}
	if pr.Kind == auth.KindMember || !rule.CanWrite(pr, c.path) {
		return nil, errs.Forbidden()
	}
	anc := auth.Ancestors(c.path)
	anc = anc[:len(anc)-1]
	out := []Union{}
	if len(anc) == 0 {
		return out, nil
	}
	args := make([]any, len(anc))
	for i, p := range anc {
		args[i] = p
	}
	rows, err := s.DB.Query(ctx, "SELECT id, name FROM orgs WHERE path IN ("+db.Placeholders(len(args))+") ORDER BY path DESC", args...)
	return signup.All(rows, err, "rights: above", func(sc signup.Scanner) (Union, error) {
		var u Union
		return u, sc.Scan(&u.OrgID, &u.Name)
	})
}
