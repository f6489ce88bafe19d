package course

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/beijing"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/member"
	"gonghui/internal/scope"
	"gonghui/internal/signup"
)

const courseCols = `c.id, c.org_id, o.name, c.org_path, c.title, c.category, c.description, c.version, c.created_at, c.updated_at,
	(SELECT COUNT(*) FROM course_terms t WHERE t.course_id = c.id), (SELECT COUNT(*) FROM interest_groups g WHERE g.course_id = c.id)`

func scanCourse(r interface{ Scan(...any) error }) (Course, error) {
	var c Course
	var created, updated int64
	err := r.Scan(&c.ID, &c.OrgID, &c.OrgName, &c.OrgPath, &c.Title, &c.Category, &c.Description, &c.Version, &created, &updated, &c.Terms, &c.Groups)
	c.CreatedAt, c.UpdatedAt = scope.FromMillis(created), scope.FromMillis(updated)
	return c, err
}

// GetCourse returns a course the caller may see.
func (s *Store) GetCourse(ctx context.Context, pr *auth.Principal, id int64) (*Course, error) {
	row := s.DB.QueryRow(ctx, "SELECT "+courseCols+" FROM courses c JOIN orgs o ON o.id = c.org_id WHERE c.id = ?", id)
	c, err := signup.One(row, "course", "course: get", scanCourse)
	return signup.Seen(rule, pr, c, err, func(c *Course) string { return c.OrgPath })
}

const termCols = `t.id, t.course_id, c.title, c.category, c.org_id, o.name, t.org_path, t.audience_org_id, ao.name, t.audience_path, t.audience_tags,
	t.name, t.teacher, t.venue, t.address, t.capacity, t.enrol_opens_at, t.enrol_closes_at, t.starts_on, t.ends_on, t.schedule,
	t.status, t.seed, t.seed_hash, t.drawn_at, t.applied, t.enrolled, t.waiting, t.version, t.created_at, t.updated_at, t.secret,
	(SELECT COUNT(*) FROM course_sessions x WHERE x.term_id = t.id AND x.cancelled = 0)`

const termFrom = ` FROM course_terms t JOIN courses c ON c.id = t.course_id JOIN orgs o ON o.id = c.org_id JOIN orgs ao ON ao.id = t.audience_org_id`

func scanTerm(r interface{ Scan(...any) error }) (Term, error) {
	var t Term
	var tags, opens, closes, drawn, created, updated int64
	var schedule string
	err := r.Scan(&t.ID, &t.CourseID, &t.CourseTitle, &t.Category, &t.OrgID, &t.OrgName, &t.OrgPath, &t.AudienceOrgID, &t.AudienceOrgName, &t.AudiencePath, &tags,
		&t.Name, &t.Teacher, &t.Venue, &t.Address, &t.Capacity, &opens, &closes, &t.StartsOn, &t.EndsOn, &schedule,
		&t.Status, &t.Seed, &t.SeedHash, &drawn, &t.Applied, &t.Enrolled, &t.Waiting, &t.Version, &created, &updated, &t.secret, &t.Sessions)
	if err != nil {
		return t, err
	}
	t.AudienceTags = member.TagNames(tags)
	t.EnrolOpensAt, t.EnrolClosesAt = scope.FromMillis(opens), scope.FromMillis(closes)
	t.CreatedAt, t.UpdatedAt = scope.FromMillis(created), scope.FromMillis(updated)
	if drawn != 0 {
		d := scope.FromMillis(drawn)
		t.DrawnAt = &d
	} else {
		t.Seed = "" // published only once drawn
	}
	if err := json.Unmarshal([]byte(schedule), &t.Schedule); err != nil {
		return t, err
	}
	return t, nil
}

func loadTerm(ctx context.Context, d *db.DB, id int64) (*Term, error) {
	return signup.One(d.QueryRow(ctx, "SELECT "+termCols+termFrom+" WHERE t.id = ?", id), "term", "course: load term", scanTerm)
}

// GetTerm returns a term the caller may see.
func (s *Store) GetTerm(ctx context.Context, pr *auth.Principal, id int64) (*Term, error) {
	t, err := loadTerm(ctx, s.DB, id)
	return signup.Seen(rule, pr, t, err, func(t *Term) string { return t.OrgPath })
}

// Terms lists a course's terms, latest first.
func (s *Store) Terms(ctx context.Context, pr *auth.Principal, courseID int64) ([]Term, error) {
	if _, err := s.GetCourse(ctx, pr, courseID); err != nil {
		return nil, err
	}
	return s.terms(ctx, "t.course_id = ?", []any{courseID}, "t.starts_on DESC, t.id DESC", 200)
}

func (s *Store) terms(ctx context.Context, where string, args []any, order string, limit int) ([]Term, error) {
	rows, err := s.DB.QueryFresh(ctx, "SELECT "+termCols+termFrom+" WHERE "+where+" ORDER BY "+order+" LIMIT ?", append(args, limit)...)
	return signup.All(rows, err, "course: terms", scanTerm)
}

// Sessions lists a term's sessions with how many attended each.
func (s *Store) Sessions(ctx context.Context, pr *auth.Principal, termID int64) ([]Session, error) {
	if _, err := s.GetTerm(ctx, pr, termID); err != nil {
		return nil, err
	}
	return s.sessions(ctx, termID)
}

func (s *Store) sessions(ctx context.Context, termID int64) ([]Session, error) {
	rows, err := s.DB.Query(ctx, `SELECT x.id, x.starts_at, x.ends_at, x.cancelled,
		(SELECT COUNT(*) FROM session_attendance a WHERE a.session_id = x.id)
		FROM course_sessions x WHERE x.term_id = ? ORDER BY x.starts_at`, termID)
	return signup.All(rows, err, "course: sessions", func(r signup.Scanner) (Session, error) {
		x := Session{TermID: termID}
		var starts, ends int64
		var cancelled int
		err := r.Scan(&x.ID, &starts, &ends, &cancelled, &x.Attended)
		x.StartsAt, x.EndsAt, x.Cancelled = scope.FromMillis(starts), scope.FromMillis(ends), cancelled != 0
		return x, err
	})
}

// EnrolQuery filters a term's enrolments.
type EnrolQuery struct {
	Status EnrolStatus
	Q      string
	After  string // the last ticket seen
	Limit  int
}

// Enrolments lists a term's enrolments by ticket, with sessions attended.
func (s *Store) Enrolments(ctx context.Context, pr *auth.Principal, termID int64, q EnrolQuery) ([]Enrolment, string, error) {
	t, err := s.GetTerm(ctx, pr, termID)
	if err != nil {
		return nil, "", err
	}
	if q.Status != "" {
		ok := false
		for _, st := range EnrolStatuses {
			ok = ok || st == q.Status
		}
		if !ok {
			return nil, "", fieldErr("status", "field.invalid_choice")
		}
	}
	list, next, err := book.List(ctx, s.DB, t.ID, signup.Query{Status: string(q.Status), Q: q.Q, After: q.After, Limit: q.Limit})
	if err != nil {
		return nil, "", err
	}
	out := make([]Enrolment, len(list))
	for i := range list {
		out[i] = *enrolment(&list[i])
	}
	return out, next, nil
}

// MemberTerm is a term as a member sees it, with their enrolment.
type MemberTerm struct {
	Term
	Enrolment *Enrolment `json:"enrolment,omitempty"`
	Position  int        `json:"waiting_position,omitempty"`
	Upcoming  []Session  `json:"upcoming_sessions,omitempty"`
}

// OpenTerms lists the terms open to a member (published to their union or
// one above it, with their tags) that have not ended, and those they are
// enrolled in, soonest first, with their enrolments.
func (s *Store) OpenTerms(ctx context.Context, memberID int64) ([]MemberTerm, error) {
	m, anc, err := signup.Reach(ctx, s.Members, memberID)
	if err != nil {
		return nil, err
	}
	if len(anc) == 0 {
		return []MemberTerm{}, nil
	}
	today := beijing.Day(s.now())
	args := append(anc, m.Tags, memberID, EnrolApplied, EnrolEnrolled, EnrolWaiting, TermOpen, TermDrawn, today)
	// Open to them now, or held by them (a member who moved keeps the
	// terms they applied for).
	terms, err := s.terms(ctx, "((t.audience_path IN ("+db.Placeholders(len(anc))+") AND (t.audience_tags = 0 OR (t.audience_tags & ?) <> 0))"+
		" OR EXISTS (SELECT 1 FROM enrolments e WHERE e.term_id = t.id AND e.member_id = ? AND e.status IN (?, ?, ?)))"+
		" AND t.status IN (?, ?) AND t.ends_on >= ?", args, "t.starts_on, t.id", 200)
	if err != nil {
		return nil, err
	}
	out := make([]MemberTerm, 0, len(terms))
	for _, t := range terms {
		mt := MemberTerm{Term: t}
		if mt.Enrolment, err = s.ownEnrolment(ctx, t.ID, memberID); err != nil {
			return nil, err
		}
		out = append(out, mt)
	}
	return out, nil
}

func (s *Store) ownEnrolment(ctx context.Context, termID, memberID int64) (*Enrolment, error) {
	e, err := book.Read(ctx, s.DB, termID, memberID, true)
	return enrolment(e), err
}

// MemberView returns one term for a member: NotFound unless it is open to
// them or they applied.
func (s *Store) MemberView(ctx context.Context, memberID, termID int64) (*MemberTerm, error) {
	m, err := s.Members.Brief(ctx, memberID)
	if err != nil {
		return nil, err
	}
	t, err := loadTerm(ctx, s.DB, termID)
	if err != nil {
		return nil, err
	}
	mt := &MemberTerm{Term: *t}
	if mt.Enrolment, err = s.ownEnrolment(ctx, termID, memberID); err != nil {
		return nil, err
	}
	tags, _ := member.TagBits(t.AudienceTags)
	open := signup.Admits(m, t.AudiencePath, tags)
	if t.Status == TermDraft || (mt.Enrolment == nil && !open) {
		return nil, errs.NotFound("term")
	}
	if mt.Enrolment != nil && mt.Enrolment.Status == EnrolWaiting {
		if mt.Position, err = book.Position(ctx, s.DB, termID, mt.Enrolment.DrawRank); err != nil {
			return nil, err
		}
	}
	all, err := s.sessions(ctx, termID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	for _, x := range all {
		if x.EndsAt.After(now) && len(mt.Upcoming) < 10 {
			mt.Upcoming = append(mt.Upcoming, x)
		}
	}
	return mt, nil
}

// TimetableEntry is one coming session of a term a member is enrolled in.
type TimetableEntry struct {
	Session
	CourseTitle string `json:"course_title"`
	TermName    string `json:"term_name"`
	Venue       string `json:"venue"`
	Teacher     string `json:"teacher"`
	Attended    bool   `json:"attended"`
	// AttendedAt is when the member checked in to the session (nil: not).
	AttendedAt *time.Time `json:"attended_at,omitempty"`
}

// Timetable lists a member's sessions between from and to (at most 200).
func (s *Store) Timetable(ctx context.Context, memberID int64, from, to time.Time) ([]TimetableEntry, error) {
	rows, err := s.DB.Query(ctx, `SELECT x.id, x.term_id, x.starts_at, x.ends_at, x.cancelled, c.title, t.name, t.venue, t.teacher,
		(SELECT a.at FROM session_attendance a WHERE a.session_id = x.id AND a.member_id = ?)
		FROM enrolments e JOIN course_terms t ON t.id = e.term_id JOIN courses c ON c.id = t.course_id
		JOIN course_sessions x ON x.term_id = e.term_id
		WHERE e.member_id = ? AND e.status = ? AND t.status IN (?, ?, ?) AND x.starts_at >= ? AND x.starts_at < ?
		ORDER BY x.starts_at LIMIT 200`, memberID, memberID, EnrolEnrolled, TermDrawn, TermOpen, TermFinished, scope.Millis(from), scope.Millis(to))
	if err != nil {
		return nil, errs.Internal(err, "course: timetable")
	}
	defer rows.Close()
	out := []TimetableEntry{}
	for rows.Next() {
		var e TimetableEntry
		var starts, ends int64
		var cancelled int
		var at sql.NullInt64
		if err := rows.Scan(&e.ID, &e.TermID, &starts, &ends, &cancelled, &e.CourseTitle, &e.TermName, &e.Venue, &e.Teacher, &at); err != nil {
			return nil, errs.Internal(err, "course: timetable")
		}
		e.StartsAt, e.EndsAt, e.Cancelled = scope.FromMillis(starts), scope.FromMillis(ends), cancelled != 0
		if at.Valid {
			t := scope.FromMillis(at.Int64)
			e.Attended, e.AttendedAt = true, &t
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// DrawRecord is what anyone who may see a term can check about its draw:
// the seed's hash (from publication), the seed (once drawn), the capacity
// and every ticket with its place in the draw — no personal data.
type DrawRecord struct {
	SeedHash string       `json:"seed_hash"`
	Seed     string       `json:"seed,omitempty"`
	Capacity int          `json:"capacity"`
	DrawnAt  *time.Time   `json:"drawn_at,omitempty"`
	Tickets  []TicketDraw `json:"tickets"`
}

// TicketDraw is one ticket in the draw.
type TicketDraw struct {
	Ticket int64 `json:"ticket"`
	Rank   int64 `json:"rank"`
	Drawn  bool  `json:"drawn"`
}

// Record returns a term's draw record as it was drawn (tickets of those
// who withdrew since included; members added after the draw are not in it).
func (s *Store) Record(ctx context.Context, t *Term) (*DrawRecord, error) {
	rec := &DrawRecord{SeedHash: t.SeedHash, Seed: t.Seed, Capacity: t.Capacity, DrawnAt: t.DrawnAt, Tickets: []TicketDraw{}}
	if t.DrawnAt == nil {
		return rec, nil
	}
	rows, err := s.DB.Query(ctx, "SELECT ticket, rank, drawn FROM course_draws WHERE term_id = ? ORDER BY rank", t.ID)
	if err != nil {
		return nil, errs.Internal(err, "course: draw record")
	}
	defer rows.Close()
	for rows.Next() {
		var td TicketDraw
		var drawn int
		if err := rows.Scan(&td.Ticket, &td.Rank, &drawn); err != nil {
			return nil, errs.Internal(err, "course: draw record")
		}
		td.Drawn = drawn != 0
		rec.Tickets = append(rec.Tickets, td)
	}
	return rec, rows.Err()
}
