package course

import (
	"context"
	"database/sql"
	"errors"
	"sort"
	"time"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/member"
	"gonghui/internal/notice"
	"gonghui/internal/scope"
	"gonghui/internal/stats"
)

// What members are told about their enrolments (the same inbox as
// activity notices).
const (
	NoticeEnrolled      = "course_enrolled"  // drawn, or given a place
	NoticeWaiting       = "course_waiting"   // not drawn: on the waiting list
	NoticePromoted      = "course_promoted"  // a place came free
	NoticeTermCancelled = "course_cancelled" // the term was called off
)

// Enrolment is one member's application for, or place in, a term.
type Enrolment struct {
	TermID     int64       `json:"term_id,string"`
	MemberID   int64       `json:"member_id,string"`
	MemberName string      `json:"member_name,omitempty"`
	OrgName    string      `json:"org_name,omitempty"`
	Status     EnrolStatus `json:"status"`
	Ticket     int64       `json:"ticket"`
	DrawRank   int64       `json:"draw_rank,omitempty"`
	Via        string      `json:"via"`
	Attended   int         `json:"attended"`
	CreatedAt  time.Time   `json:"created_at"`
	UpdatedAt  time.Time   `json:"updated_at"`
}

// termRow is a term's row as enrolment transactions lock it.
type termRow struct {
	id, courseID               int64
	orgPath, audiencePath      string
	tags                       int64
	status                     TermStatus
	capacity                   int
	applied, enrolled, waiting int
	attendance                 int // person-sessions attended
	startsOn                   string
	opens, closes              int64
	seq                        int64
	seed                       string
	version                    int
	dirty                      bool
	updated                    int64
	logged                     stats.Point // as the figures last logged them
}

type termKey int64

// lockTerm reads a term's counters under its row lock, once per
// transaction; they are written back once, before the commit.
func lockTerm(ctx context.Context, tx *db.Tx, id int64) (*termRow, error) {
	if st, ok := tx.Local(termKey(id)).(*termRow); ok {
		return st, nil
	}
	var st termRow
	err := tx.QueryRow(ctx, `SELECT id, course_id, org_path, audience_path, audience_tags, status, capacity, applied, enrolled, waiting,
		attendance, starts_on, enrol_opens_at, enrol_closes_at, ticket_seq, seed, version FROM course_terms WHERE id = ?`+tx.ForUpdate(), id).Scan(
		&st.id, &st.courseID, &st.orgPath, &st.audiencePath, &st.tags, &st.status, &st.capacity, &st.applied, &st.enrolled, &st.waiting,
		&st.attendance, &st.startsOn, &st.opens, &st.closes, &st.seq, &st.seed, &st.version)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFound("term")
	}
	if err != nil {
		return nil, errs.Internal(err, "course: lock term")
	}
	st.logged = st.figures()
	tx.SetLocal(termKey(id), &st)
	wctx := context.WithoutCancel(ctx)
	tx.BeforeCommit(func() error {
		if err := st.logFigures(wctx, tx); err != nil {
			return err
		}
		if !st.dirty {
			return nil
		}
		if _, err := tx.Exec(wctx, "UPDATE course_terms SET applied = ?, enrolled = ?, waiting = ?, attendance = ?, ticket_seq = ?, updated_at = ? WHERE id = ?",
			st.applied, st.enrolled, st.waiting, st.attendance, st.seq, st.updated, st.id); err != nil {
			return errs.Internal(err, "course: save counters")
		}
		return nil
	})
	return &st, nil
}

func (st *termRow) touch(now int64) { st.dirty, st.updated = true, now }

func (st *termRow) count(from, to EnrolStatus) {
	for _, c := range []struct {
		s EnrolStatus
		d int
	}{{from, -1}, {to, 1}} {
		switch c.s {
		case EnrolApplied:
			st.applied += c.d
		case EnrolEnrolled:
			st.enrolled += c.d
		case EnrolWaiting:
			st.waiting += c.d
		}
	}
}

func (st *termRow) full() bool { return st.capacity > 0 && st.enrolled >= st.capacity }

func eligible(st *termRow, m *member.Brief) bool {
	return m.Status == member.StatusActive && auth.Inside(m.OrgPath, st.audiencePath) && (st.tags == 0 || m.Tags&st.tags != 0)
}

func readEnrolment(ctx context.Context, tx *db.Tx, termID, memberID int64) (*Enrolment, error) {
	e := Enrolment{TermID: termID, MemberID: memberID}
	var created, updated int64
	err := tx.QueryRow(ctx, "SELECT status, ticket, draw_rank, via, created_at, updated_at FROM enrolments WHERE term_id = ? AND member_id = ?",
		termID, memberID).Scan(&e.Status, &e.Ticket, &e.DrawRank, &e.Via, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, errs.Internal(err, "course: read enrolment")
	}
	e.CreatedAt, e.UpdatedAt = scope.FromMillis(created), scope.FromMillis(updated)
	return &e, nil
}

func live(s EnrolStatus) bool { return s == EnrolApplied || s == EnrolEnrolled || s == EnrolWaiting }

// Apply enrols a member in a term. Before the draw it is an application
// with a lottery ticket (first come does not matter: the draw decides).
// After the draw staff may still add members: a place if one is free,
// else the end of the waiting list. Members apply themselves only inside
// the window. A second call answers the same enrolment (made false).
func (s *Store) Apply(ctx context.Context, pr *auth.Principal, termID, memberID int64) (*Enrolment, bool, error) {
	if pr == nil {
		return nil, false, scope.NilPrincipal("course: apply")
	}
	self := pr.Kind == auth.KindMember
	if self && pr.MemberID != memberID {
		return nil, false, errs.NotFound("member")
	}
	m, err := s.Members.Brief(ctx, memberID)
	if err != nil {
		if errs.Is(err, errs.KindNotFound) && !self {
			return nil, false, fieldErr("member_id", "field.invalid_id")
		}
		return nil, false, err
	}
	var out *Enrolment
	var made bool
	err = s.group.Do(ctx, func(tx *db.Tx) error {
		out, made = nil, false
		now := scope.Millis(s.now())
		st, err := lockTerm(ctx, tx, termID)
		if err != nil {
			return err
		}
		if self && st.status == TermDraft {
			return errs.NotFound("term")
		}
		if !self {
			if err := rule.Writable(pr, st.orgPath); err != nil {
				return err
			}
		}
		if !eligible(st, m) {
			if self {
				return errs.NotFound("term")
			}
			return errs.Invalid("not_in_audience", "course.not_in_audience")
		}
		e, err := readEnrolment(ctx, tx, termID, memberID)
		if err != nil {
			return err
		}
		if e != nil && live(e.Status) {
			out = e
			return nil
		}
		status := EnrolApplied
		switch {
		case st.status == TermOpen && (self && (now < st.opens || now >= st.closes)):
			if now < st.opens {
				return refused("enrolment_not_open")
			}
			return refused("enrolment_closed")
		case st.status == TermOpen:
		case st.status == TermDrawn && !self:
			status = EnrolEnrolled
			if st.full() {
				status = EnrolWaiting
			}
		case st.status == TermDrawn:
			return refused("enrolment_closed")
		case st.status == TermDraft:
			return refused("not_open")
		default:
			return refused("term_closed")
		}
		st.seq++
		var rank int64
		if status == EnrolWaiting || status == EnrolEnrolled {
			// After the draw: behind everyone already ranked.
			if err := tx.QueryRow(ctx, "SELECT COALESCE(MAX(draw_rank), 0) + 1 FROM enrolments WHERE term_id = ?", termID).Scan(&rank); err != nil {
				return errs.Internal(err, "course: apply")
			}
		}
		via := "self"
		if !self {
			via = "staff"
		}
		if e == nil {
			_, err = tx.Exec(ctx, `INSERT INTO enrolments (term_id, member_id, member_org_path, status, ticket, draw_rank, via, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, termID, memberID, m.OrgPath, status, st.seq, rank, via, now, now)
			e = &Enrolment{TermID: termID, MemberID: memberID, CreatedAt: scope.FromMillis(now)}
		} else {
			_, err = tx.Exec(ctx, `UPDATE enrolments SET member_org_path = ?, status = ?, ticket = ?, draw_rank = ?, via = ?, updated_at = ?
				WHERE term_id = ? AND member_id = ?`, m.OrgPath, status, st.seq, rank, via, now, termID, memberID)
		}
		if err != nil {
			return errs.Internal(err, "course: apply")
		}
		st.count("", status)
		st.touch(now)
		e.Status, e.Ticket, e.DrawRank, e.Via, e.UpdatedAt = status, st.seq, rank, via, scope.FromMillis(now)
		out, made = e, true
		if !self {
			return audit.Record(ctx, tx, audit.Event{Action: "course.enrol", Entity: "enrolment",
				EntityID: db.FormatID(termID) + "/" + db.FormatID(memberID), OrgPath: st.orgPath, After: map[string]any{"status": status}})
		}
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	out.MemberName = m.Name
	return out, made, nil
}

// Withdraw cancels a member's application or place (the member
// themselves, or staff). A place given up goes to the first on the waiting
// list, who is told.
func (s *Store) Withdraw(ctx context.Context, pr *auth.Principal, termID, memberID int64) (*Enrolment, error) {
	if pr == nil {
		return nil, scope.NilPrincipal("course: withdraw")
	}
	self := pr.Kind == auth.KindMember
	if self && pr.MemberID != memberID {
		return nil, errs.NotFound("enrolment")
	}
	var out *Enrolment
	err := s.group.Do(ctx, func(tx *db.Tx) error {
		out = nil
		now := scope.Millis(s.now())
		st, err := lockTerm(ctx, tx, termID)
		if err != nil {
			return err
		}
		if !self {
			if err := rule.Writable(pr, st.orgPath); err != nil {
				return err
			}
		}
		e, err := readEnrolment(ctx, tx, termID, memberID)
		if err != nil {
			return err
		}
		if e == nil {
			return errs.NotFound("enrolment")
		}
		if !live(e.Status) {
			out = e
			return nil
		}
		if st.status == TermCancelled || st.status == TermFinished {
			return refused("term_closed")
		}
		if _, err := tx.Exec(ctx, "UPDATE enrolments SET status = ?, updated_at = ? WHERE term_id = ? AND member_id = ?",
			EnrolCancelled, now, termID, memberID); err != nil {
			return errs.Internal(err, "course: withdraw")
		}
		st.count(e.Status, EnrolCancelled)
		st.touch(now)
		if err := promote(ctx, tx, st, now); err != nil {
			return err
		}
		e.Status, e.UpdatedAt = EnrolCancelled, scope.FromMillis(now)
		out = e
		if !self {
			return audit.Record(ctx, tx, audit.Event{Action: "course.withdraw", Entity: "enrolment",
				EntityID: db.FormatID(termID) + "/" + db.FormatID(memberID), OrgPath: st.orgPath})
		}
		return nil
	})
	return out, err
}

// promote gives free places to the waiting list in draw order.
func promote(ctx context.Context, tx *db.Tx, st *termRow, now int64) error {
	for st.waiting > 0 && !st.full() {
		var memberID int64
		err := tx.QueryRow(ctx, "SELECT member_id FROM enrolments WHERE term_id = ? AND status = ? ORDER BY draw_rank LIMIT 1",
			st.id, EnrolWaiting).Scan(&memberID)
		if errors.Is(err, sql.ErrNoRows) {
			st.waiting = 0
			return nil
		}
		if err != nil {
			return errs.Internal(err, "course: promote")
		}
		if _, err := tx.Exec(ctx, "UPDATE enrolments SET status = ?, updated_at = ? WHERE term_id = ? AND member_id = ?",
			EnrolEnrolled, now, st.id, memberID); err != nil {
			return errs.Internal(err, "course: promote")
		}
		st.count(EnrolWaiting, EnrolEnrolled)
		st.touch(now)
		if err := notice.Add(ctx, tx, now, NoticePromoted, notice.Ref{TermID: st.id}, memberID); err != nil {
			return err
		}
	}
	return nil
}

// DrawResult is a term's draw: its seed, now published, and the outcome.
type DrawResult struct {
	Seed     string  `json:"seed"`
	SeedHash string  `json:"seed_hash"`
	Capacity int     `json:"capacity"`
	Tickets  []int64 `json:"tickets"` // every applicant's ticket, ascending
	Drawn    []int64 `json:"drawn"`   // tickets given a place, in draw order
	Waiting  []int64 `json:"waiting"` // the rest, in draw order
}

// DrawTerm closes enrolment and gives the places: everyone when there are
// enough, otherwise by lottery (see Draw) with the term's seed, which is
// published from now on. Everyone is told the outcome. Staff may draw once
// the window has closed; if they do not, DrawDue does it soon after.
func (s *Store) DrawTerm(ctx context.Context, pr *auth.Principal, termID int64) (*DrawResult, error) {
	if pr == nil {
		return nil, scope.NilPrincipal("course: draw")
	}
	return s.draw(ctx, termID, func(path string) error { return rule.Writable(pr, path) })
}

// DrawDue draws every open term whose enrolment has closed, as the system
// (any server process may run it; a term is drawn once, under its row's
// lock). It returns how many it drew.
func (s *Store) DrawDue(ctx context.Context) (int, error) {
	rows, err := s.DB.Query(ctx, "SELECT id FROM course_terms WHERE status = ? AND enrol_closes_at <= ? ORDER BY enrol_closes_at LIMIT 100",
		TermOpen, scope.Millis(s.now()))
	if err != nil {
		return 0, errs.Internal(err, "course: due draws")
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, errs.Internal(err, "course: due draws")
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, errs.Internal(err, "course: due draws")
	}
	n := 0
	for _, id := range ids {
		_, err := s.draw(ctx, id, func(string) error { return nil })
		switch {
		case err == nil:
			n++
		case errs.Is(err, errs.KindConflict): // another process drew it first
		default:
			return n, err
		}
	}
	return n, nil
}

func (s *Store) draw(ctx context.Context, termID int64, allowed func(orgPath string) error) (*DrawResult, error) {
	var out *DrawResult
	err := s.group.Do(ctx, func(tx *db.Tx) error {
		out = nil
		now := scope.Millis(s.now())
		st, err := lockTerm(ctx, tx, termID)
		if err != nil {
			return err
		}
		if err := allowed(st.orgPath); err != nil {
			return err
		}
		if st.status != TermOpen {
			return refused("not_open")
		}
		if now < st.closes {
			return refused("enrolment_still_open")
		}
		rows, err := tx.Query(ctx, "SELECT ticket, member_id FROM enrolments WHERE term_id = ? AND status = ?", termID, EnrolApplied)
		if err != nil {
			return errs.Internal(err, "course: draw")
		}
		byTicket := map[int64]int64{}
		var tickets []int64
		for rows.Next() {
			var t, m int64
			if err := rows.Scan(&t, &m); err != nil {
				rows.Close()
				return errs.Internal(err, "course: draw")
			}
			byTicket[t] = m
			tickets = append(tickets, t)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return errs.Internal(err, "course: draw")
		}
		sort.Slice(tickets, func(i, j int) bool { return tickets[i] < tickets[j] })
		drawn, waiting := Draw(st.seed, tickets, st.capacity)
		var enrolledIDs, waitingIDs []int64
		record := make([]any, 0, 4*len(tickets))
		for i, t := range append(append([]int64{}, drawn...), waiting...) {
			status := EnrolEnrolled
			if i >= len(drawn) {
				status = EnrolWaiting
			}
			record = append(record, termID, t, i+1, boolInt(status == EnrolEnrolled))
			if _, err := tx.Exec(ctx, "UPDATE enrolments SET status = ?, draw_rank = ?, updated_at = ? WHERE term_id = ? AND ticket = ?",
				status, i+1, now, termID, t); err != nil {
				return errs.Internal(err, "course: draw")
			}
			st.count(EnrolApplied, status)
			if status == EnrolEnrolled {
				enrolledIDs = append(enrolledIDs, byTicket[t])
			} else {
				waitingIDs = append(waitingIDs, byTicket[t])
			}
		}
		if err := tx.InsertRows(ctx, "course_draws (term_id, ticket, rank, drawn)", 4, record); err != nil {
			return errs.Internal(err, "course: draw record")
		}
		if _, err := tx.Exec(ctx, "UPDATE course_terms SET status = ?, drawn_at = ?, version = version + 1 WHERE id = ?", TermDrawn, now, termID); err != nil {
			return errs.Internal(err, "course: draw")
		}
		st.status = TermDrawn
		st.version++
		st.touch(now)
		if err := notice.Add(ctx, tx, now, NoticeEnrolled, notice.Ref{TermID: termID}, enrolledIDs...); err != nil {
			return err
		}
		if err := notice.Add(ctx, tx, now, NoticeWaiting, notice.Ref{TermID: termID}, waitingIDs...); err != nil {
			return err
		}
		out = &DrawResult{Seed: st.seed, SeedHash: SeedHash(st.seed), Capacity: st.capacity, Tickets: tickets, Drawn: drawn, Waiting: waiting}
		if out.Tickets == nil {
			out.Tickets = []int64{}
		}
		return audit.Record(ctx, tx, audit.Event{Action: "course.draw", Entity: "course_term", EntityID: db.FormatID(termID), OrgPath: st.orgPath,
			After: map[string]any{"seed": st.seed, "tickets": len(tickets), "drawn": len(drawn), "waiting": len(waiting)}})
	})
	return out, err
}
