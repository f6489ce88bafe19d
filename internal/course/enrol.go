package course

import (
	"context"
	"sort"
	"time"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/notice"
	"gonghui/internal/scope"
	"gonghui/internal/signup"
)

// What members are told about their enrolments (the same inbox as
// activity notices).
const (
	NoticeEnrolled      = "course_enrolled"  // drawn, or given a place
	NoticeWaiting       = "course_waiting"   // not drawn: on the waiting list
	NoticePromoted      = "course_promoted"  // a place came free
	NoticeTermCancelled = "course_cancelled" // the term was called off
)

func init() {
	notice.RegisterKinds(NoticeEnrolled, NoticeWaiting, NoticePromoted, NoticeTermCancelled)
}

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

// book is where terms keep their enrolments (see internal/signup): the
// waiting list goes in draw order; there is no approval.
var book = &signup.Book{
	Name: "course", Entity: "term",
	Host: "course_terms", HostSeq: "ticket_seq", Attended: "attendance",
	Counters: []signup.Counter{{Status: string(EnrolApplied), Column: "applied"}, {Status: string(EnrolEnrolled), Column: "enrolled"},
		{Status: string(EnrolWaiting), Column: "waiting"}},
	Table: "enrolments", HostCol: "term_id", SeqCol: "ticket", RankCol: "draw_rank",
	Marks:     signup.Marks{Table: "session_attendance", Point: "session_id"},
	Metrics:   statMetrics,
	Confirmed: string(EnrolEnrolled), Waiting: string(EnrolWaiting), Cancelled: string(EnrolCancelled),
	Live: []string{string(EnrolApplied), string(EnrolEnrolled), string(EnrolWaiting)},
}

// termRow is a term's row as enrolment transactions lock it.
type termRow struct {
	signup.Seats
	courseID              int64
	orgPath, audiencePath string
	tags                  int64
	status                TermStatus
	startsOn              string
	opens, closes         int64
	seed                  string
	version               int
}

func (st *termRow) Columns() (string, []any) {
	return "course_id, org_path, audience_path, audience_tags, status, starts_on, enrol_opens_at, enrol_closes_at, seed, version",
		[]any{&st.courseID, &st.orgPath, &st.audiencePath, &st.tags, &st.status, &st.startsOn, &st.opens, &st.closes, &st.seed, &st.version}
}

// enrolment is a sign-up as terms show it.
func enrolment(e *signup.Entry) *Enrolment {
	if e == nil {
		return nil
	}
	return &Enrolment{TermID: e.HostID, MemberID: e.MemberID, MemberName: e.MemberName, OrgName: e.OrgName, Status: EnrolStatus(e.Status),
		Ticket: e.Seq, DrawRank: e.Rank, Via: e.Via, Attended: e.Attended, CreatedAt: e.CreatedAt, UpdatedAt: e.UpdatedAt}
}

// Apply enrols a member in a term. Before the draw it is an application
// with a lottery ticket (first come does not matter: the draw decides).
// After the draw staff may still add members: a place if one is free,
// else the end of the waiting list. Members apply themselves only inside
// the window. A second call answers the same enrolment (made false).
func (s *Store) Apply(ctx context.Context, pr *auth.Principal, termID, memberID int64) (*Enrolment, bool, error) {
	self, err := signup.Acting(pr, memberID, "course: apply", "member")
	if err != nil {
		return nil, false, err
	}
	m, err := signup.Member(ctx, s.Members, memberID, self)
	if err != nil {
		return nil, false, err
	}
	var out *Enrolment
	var made bool
	err = signup.Locked(ctx, s.group, book, termID, func(tx *db.Tx, st *termRow) error {
		out, made = nil, false
		now := scope.Millis(s.now())
		if self && st.status == TermDraft {
			return errs.NotFound("term")
		}
		if !self {
			if err := rule.Writable(pr, st.orgPath); err != nil {
				return err
			}
		}
		if !signup.Admits(m, st.audiencePath, st.tags) {
			if self {
				return errs.NotFound("term")
			}
			return errs.Invalid("not_in_audience", "course.not_in_audience")
		}
		// Decide as if the member were new; a refusal first looks for an
		// enrolment already held, which is the answer to a second click.
		status := EnrolApplied
		var refusal error
		switch {
		case st.status == TermOpen && self && now < st.opens:
			refusal = refused("enrolment_not_open")
		case st.status == TermOpen && self && now >= st.closes:
			refusal = refused("enrolment_closed")
		case st.status == TermOpen:
		case st.status == TermDrawn && !self:
			place, _ := book.Place(&st.Seats, false, true)
			status = EnrolStatus(place)
		case st.status == TermDrawn:
			refusal = refused("enrolment_closed")
		case st.status == TermDraft:
			refusal = refused("not_open")
		default:
			refusal = refused("term_closed")
		}
		var rank int64
		if refusal == nil && status != EnrolApplied {
			// After the draw: behind everyone already ranked.
			if err := tx.QueryRow(ctx, "SELECT COALESCE(MAX(draw_rank), 0) + 1 FROM enrolments WHERE term_id = ?", termID).Scan(&rank); err != nil {
				return errs.Internal(err, "course: apply")
			}
		}
		via := "self"
		if !self {
			via = "staff"
		}
		e, ok, err := book.Join(ctx, tx, &st.Seats, signup.Join{MemberID: memberID, OrgPath: m.OrgPath, Status: string(status),
			Refusal: refusal, Rank: rank, Via: via, Now: now})
		if err != nil || !ok {
			out = enrolment(e)
			return err
		}
		out, made = enrolment(e), true
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
	self, err := signup.Acting(pr, memberID, "course: withdraw", "enrolment")
	if err != nil {
		return nil, err
	}
	var out *Enrolment
	err = signup.Locked(ctx, s.group, book, termID, func(tx *db.Tx, st *termRow) error {
		out = nil
		now := scope.Millis(s.now())
		if !self {
			if err := rule.Writable(pr, st.orgPath); err != nil {
				return err
			}
		}
		e, err := book.Held(ctx, tx, &st.Seats, memberID, "enrolment")
		if err != nil {
			return err
		}
		if !book.IsLive(e.Status) {
			out = enrolment(e)
			return nil
		}
		if st.status == TermCancelled || st.status == TermFinished {
			return refused("term_closed")
		}
		if err := book.Cancel(ctx, tx, &st.Seats, e, now, func(memberID int64) error {
			return notice.Add(ctx, tx, now, NoticePromoted, notice.Ref{TermID: st.ID}, memberID)
		}); err != nil {
			return err
		}
		out = enrolment(e)
		if !self {
			return audit.Record(ctx, tx, audit.Event{Action: "course.withdraw", Entity: "enrolment",
				EntityID: db.FormatID(termID) + "/" + db.FormatID(memberID), OrgPath: st.orgPath})
		}
		return nil
	})
	return out, err
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
	err := signup.Locked(ctx, s.group, book, termID, func(tx *db.Tx, st *termRow) error {
		out = nil
		now := scope.Millis(s.now())
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
		drawn, waiting := Draw(st.seed, tickets, st.Capacity)
		var enrolledIDs, waitingIDs []int64
		record := make([]any, 0, 4*len(tickets))
		for i, t := range append(append([]int64{}, drawn...), waiting...) {
			status := EnrolEnrolled
			if i >= len(drawn) {
				status = EnrolWaiting
			}
			record = append(record, termID, t, i+1, boolInt(status == EnrolEnrolled))
			e := &signup.Entry{MemberID: byTicket[t], Status: string(EnrolApplied)}
			if err := book.Set(ctx, tx, &st.Seats, e, string(status), now, "draw_rank = ?", i+1); err != nil {
				return err
			}
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
		st.Touch(now)
		if err := notice.Add(ctx, tx, now, NoticeEnrolled, notice.Ref{TermID: termID}, enrolledIDs...); err != nil {
			return err
		}
		if err := notice.Add(ctx, tx, now, NoticeWaiting, notice.Ref{TermID: termID}, waitingIDs...); err != nil {
			return err
		}
		out = &DrawResult{Seed: st.seed, SeedHash: SeedHash(st.seed), Capacity: st.Capacity, Tickets: tickets, Drawn: drawn, Waiting: waiting}
		if out.Tickets == nil {
			out.Tickets = []int64{}
		}
		return audit.Record(ctx, tx, audit.Event{Action: "course.draw", Entity: "course_term", EntityID: db.FormatID(termID), OrgPath: st.orgPath,
			After: map[string]any{"seed": st.seed, "tickets": len(tickets), "drawn": len(drawn), "waiting": len(waiting)}})
	})
	return out, err
}
