package congress

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/beijing"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/listing"
	"gonghui/internal/scope"
	"gonghui/internal/signup"
)

// Session is one meeting of an employer's congress, with its figures.
type Session struct {
	ID            int64         `json:"id,string"`
	OrgID         int64         `json:"org_id,string"` // the employer's union, which owns it
	OrgName       string        `json:"org_name"`
	EmployerID    int64         `json:"employer_id,string"`
	EmployerName  string        `json:"employer_name"`
	Term          int           `json:"term"`    // 第N届
	Meeting       int           `json:"meeting"` // 第M次会议
	Title         string        `json:"title"`   // "" when the term and meeting name it
	HeldOn        string        `json:"held_on"`
	Place         string        `json:"place"`
	Status        SessionStatus `json:"status"`
	SecondsNeeded int           `json:"seconds_needed"`
	Delegates     int           `json:"delegates"`
	Present       int           `json:"present"`
	QuorumMet     bool          `json:"quorum_met"`
	Motions       int           `json:"motions"`
	Version       int           `json:"version"`
	CreatedAt     time.Time     `json:"created_at"`
	UpdatedAt     time.Time     `json:"updated_at"`

	path string
}

// OrgPath is the owning union's path.
func (s *Session) OrgPath() string { return s.path }

// Quorum reports whether present delegates of total make a valid session:
// at least two thirds (QuorumNum/QuorumDen), and at least one.
func Quorum(present, total int) bool {
	return total > 0 && present*QuorumDen >= total*QuorumNum
}

// QuorumNeeded is how many of total delegates must be present.
func QuorumNeeded(total int) int { return (total*QuorumNum + QuorumDen - 1) / QuorumDen }

// SessionInput creates a session.
type SessionInput struct {
	EmployerID    int64  `json:"employer_id,string"`
	Term          int    `json:"term"`
	Meeting       int    `json:"meeting"`
	Title         string `json:"title"` // optional
	HeldOn        string `json:"held_on"`
	Place         string `json:"place"`
	SecondsNeeded *int   `json:"seconds_needed,omitempty"` // absent: DefaultSeconds
}

// ParseDay checks a YYYY-MM-DD day: field gets the error.
func ParseDay(f errs.Fields, field, v string) string {
	v = strings.TrimSpace(v)
	if v == "" {
		f.Add(field, "field.required")
		return v
	}
	t, err := time.ParseInLocation("2006-01-02", v, beijing.Zone)
	if err != nil || t.Year() < 1950 || t.Year() > 2100 {
		f.Add(field, "field.invalid_date")
		return v
	}
	return t.Format("2006-01-02")
}

// checkText trims *v and checks that it is given (when min > 0) and at
// most max characters long, on one line when oneLine.
func checkText(f errs.Fields, field string, v *string, min, max int, oneLine bool) {
	s := strings.ReplaceAll(strings.TrimSpace(*v), "\r\n", "\n")
	s = strings.Map(func(r rune) rune {
		if (r < 0x20 && r != '\n' && r != '\t') || r == 0x7f {
			return -1
		}
		return r
	}, s)
	*v = s
	n := utf8.RuneCountInString(s)
	switch {
	case n == 0 && min > 0:
		f.Add(field, "field.required")
	case n > 0 && n < min:
		f.Add(field, "field.too_short", min)
	case n > max:
		f.Add(field, "field.too_long", max)
	case oneLine && strings.Contains(s, "\n"):
		f.Add(field, "congress.one_line")
	}
}

func (in *SessionInput) validate() errs.Fields {
	f := errs.Fields{}
	f.Check(in.EmployerID != 0, "employer_id", "field.required")
	f.Check(in.Term >= 1 && in.Term <= MaxTerm, "term", "field.out_of_range", 1, MaxTerm)
	f.Check(in.Meeting >= 1 && in.Meeting <= MaxTerm, "meeting", "field.out_of_range", 1, MaxTerm)
	in.HeldOn = ParseDay(f, "held_on", in.HeldOn)
	checkText(f, "place", &in.Place, 0, MaxPlace, true)
	checkText(f, "title", &in.Title, 0, MaxSessionTitle, true)
	if in.SecondsNeeded != nil {
		f.Check(*in.SecondsNeeded >= 0 && *in.SecondsNeeded <= MaxSeconds, "seconds_needed", "field.out_of_range", 0, MaxSeconds)
	}
	return f
}

// Employer is an employer whose congress the caller may run: it has a
// union within the caller's congress.write subtrees.
type Employer struct {
	ID        int64  `json:"id,string"`
	Name      string `json:"name"`
	UnionID   int64  `json:"union_id,string"`
	UnionName string `json:"union_name"`
}

// employerUnion reads an employer's union (id, name, path); ok is false
// when the employer is unknown or has none.
func employerUnion(ctx context.Context, q signup.Queryer, employerID int64) (e Employer, path string, ok bool, err error) {
	err = q.QueryRow(ctx, `SELECT e.id, e.name, o.id, o.name, o.path FROM employers e JOIN org_employers oe ON oe.employer_id = e.id
		JOIN orgs o ON o.id = oe.org_id WHERE e.id = ?`, employerID).Scan(&e.ID, &e.Name, &e.UnionID, &e.UnionName, &path)
	if errors.Is(err, sql.ErrNoRows) {
		return e, "", false, nil
	}
	if err != nil {
		return e, "", false, errs.Internal(err, "congress: employer")
	}
	return e, path, true, nil
}

// Employers lists the employers (with a union) whose congress the caller
// may run, by name; q narrows by name.
func (s *Store) Employers(ctx context.Context, pr *auth.Principal, q string) ([]Employer, error) {
	if pr == nil {
		return nil, scope.NilPrincipal("congress: employers")
	}
	paths := pr.Paths(rule.Write)
	if len(paths) == 0 {
		return []Employer{}, nil
	}
	in, args := scope.SQL("o.path", paths)
	where := in
	if q = strings.TrimSpace(q); q != "" {
		where += " AND " + s.DB.ContainsFold("e.name")
		args = append(args, s.DB.ContainsFoldArg(q))
	}
	rows, err := s.DB.Query(ctx, `SELECT e.id, e.name, o.id, o.name FROM employers e JOIN org_employers oe ON oe.employer_id = e.id
		JOIN orgs o ON o.id = oe.org_id WHERE `+where+` ORDER BY e.name, e.id LIMIT ?`, append(args, scope.MaxPage)...)
	return signup.All(rows, err, "congress: employers", func(sc signup.Scanner) (Employer, error) {
		var e Employer
		return e, sc.Scan(&e.ID, &e.Name, &e.UnionID, &e.UnionName)
	})
}

// CreateSession plans a session of an employer's congress, owned by the
// employer's union, where the caller must hold congress.write.
func (s *Store) CreateSession(ctx context.Context, pr *auth.Principal, in SessionInput) (*Session, error) {
	if pr == nil {
		return nil, scope.NilPrincipal("congress: create session")
	}
	f := in.validate()
	if err := f.Err(); err != nil {
		return nil, err
	}
	e, path, ok, err := employerUnion(ctx, s.DB, in.EmployerID)
	if err != nil {
		return nil, err
	}
	if !ok || !rule.CanWrite(pr, path) {
		f.Add("employer_id", "congress.employer_outside")
		return nil, f.Err()
	}
	seconds := DefaultSeconds
	if in.SecondsNeeded != nil {
		seconds = *in.SecondsNeeded
	}
	now := s.stamp()
	ses := &Session{ID: db.NewID(), OrgID: e.UnionID, OrgName: e.UnionName, EmployerID: e.ID, EmployerName: e.Name, Term: in.Term, Meeting: in.Meeting,
		Title: in.Title, HeldOn: in.HeldOn, Place: in.Place, Status: SessionPlanned, SecondsNeeded: seconds, Version: 1, CreatedAt: now, UpdatedAt: now, path: path}
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO congress_sessions (id, org_id, employer_id, term, meeting, title, held_on, place, status, seconds_needed, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, ses.ID, ses.OrgID, ses.EmployerID, ses.Term, ses.Meeting, ses.Title, ses.HeldOn, ses.Place, ses.Status,
			ses.SecondsNeeded, scope.Millis(now), scope.Millis(now))
		if db.IsUnique(err) {
			f.Add("meeting", "congress.session_taken", ses.Term, ses.Meeting)
			return f.Err()
		}
		if err != nil {
			return errs.Internal(err, "congress: create session")
		}
		return audit.Record(ctx, tx, audit.Event{Action: "congress.session_create", Entity: "congress_session", EntityID: db.FormatID(ses.ID), OrgPath: path,
			After: map[string]any{"employer": e.Name, "term": ses.Term, "meeting": ses.Meeting, "title": ses.Title, "held_on": ses.HeldOn, "place": ses.Place, "seconds_needed": seconds}})
	})
	if err != nil {
		return nil, err
	}
	return ses, nil
}

const sessionCols = `s.id, s.org_id, o.name, o.path, s.employer_id, e.name, s.term, s.meeting, s.title, s.held_on, s.place, s.status, s.seconds_needed,
	(SELECT COUNT(*) FROM congress_delegates d WHERE d.session_id = s.id),
	(SELECT COUNT(*) FROM congress_delegates d WHERE d.session_id = s.id AND d.present = 1),
	(SELECT COUNT(*) FROM congress_motions m WHERE m.session_id = s.id),
	s.version, s.created_at, s.updated_at`

const sessionFrom = ` FROM congress_sessions s JOIN orgs o ON o.id = s.org_id JOIN employers e ON e.id = s.employer_id`

func scanSession(sc signup.Scanner) (Session, error) {
	var v Session
	var created, updated int64
	err := sc.Scan(&v.ID, &v.OrgID, &v.OrgName, &v.path, &v.EmployerID, &v.EmployerName, &v.Term, &v.Meeting, &v.Title, &v.HeldOn, &v.Place, &v.Status,
		&v.SecondsNeeded, &v.Delegates, &v.Present, &v.Motions, &v.Version, &created, &updated)
	v.CreatedAt, v.UpdatedAt = scope.FromMillis(created), scope.FromMillis(updated)
	v.QuorumMet = Quorum(v.Present, v.Delegates)
	return v, err
}

func loadSession(ctx context.Context, q signup.Queryer, id int64, lock string) (*Session, error) {
	return signup.One(q.QueryRow(ctx, "SELECT "+sessionCols+sessionFrom+" WHERE s.id = ?"+lock, id), "congress", "congress: read session", scanSession)
}

// Session reads a session the caller may see (staff).
func (s *Store) Session(ctx context.Context, pr *auth.Principal, id int64) (*Session, error) {
	if pr != nil && pr.Kind == auth.KindMember {
		return nil, errs.NotFound("congress")
	}
	ses, err := loadSession(ctx, s.DB, id, "")
	return signup.Seen(rule, pr, ses, err, (*Session).OrgPath)
}

// lockSession reads a session under its row's lock for a change by staff
// holding congress.write at its union.
func (s *Store) lockSession(ctx context.Context, tx *db.Tx, pr *auth.Principal, id int64) (*Session, error) {
	if pr == nil {
		return nil, scope.NilPrincipal("congress: change session")
	}
	if pr.Kind == auth.KindMember {
		return nil, errs.NotFound("congress")
	}
	var path string
	err := tx.QueryRow(ctx, "SELECT o.path FROM congress_sessions s JOIN orgs o ON o.id = s.org_id WHERE s.id = ?"+tx.ForUpdateOf("s"), id).Scan(&path)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFound("congress")
	}
	if err != nil {
		return nil, errs.Internal(err, "congress: lock session")
	}
	if err := rule.Writable(pr, path); err != nil {
		return nil, err
	}
	return loadSession(ctx, tx, id, "")
}

// errStatus answers a change the status does not allow.
func errStatus() error { return errs.Conflict("wrong_status", "congress.wrong_status") }

// SetStatus moves a session on: planned → held → closed (never back).
func (s *Store) SetStatus(ctx context.Context, pr *auth.Principal, id int64, to SessionStatus) (*Session, error) {
	f := errs.Fields{}
	if !f.Check(validIn(SessionStatuses, to), "status", "field.invalid_choice") {
		return nil, f.Err()
	}
	var out *Session
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		ses, err := s.lockSession(ctx, tx, pr, id)
		if err != nil {
			return err
		}
		from := ses.Status
		if indexOf(SessionStatuses, to) <= indexOf(SessionStatuses, from) {
			return errStatus()
		}
		now := s.stamp()
		if _, err := tx.Exec(ctx, "UPDATE congress_sessions SET status = ?, version = version + 1, updated_at = ? WHERE id = ?", to, scope.Millis(now), id); err != nil {
			return errs.Internal(err, "congress: session status")
		}
		if from == SessionPlanned {
			if err := logFigure(ctx, tx, ses.path, StatSessions, monthOfDay(ses.HeldOn), 1); err != nil {
				return err
			}
		}
		ses.Status, ses.Version, ses.UpdatedAt = to, ses.Version+1, now
		out = ses
		return audit.Record(ctx, tx, audit.Event{Action: "congress.session_status", Entity: "congress_session", EntityID: db.FormatID(id), OrgPath: ses.path,
			Before: map[string]any{"status": from}, After: map[string]any{"status": to}})
	})
	return out, err
}

func indexOf[T comparable](list []T, v T) int {
	for i, x := range list {
		if x == v {
			return i
		}
	}
	return -1
}

// SessionQuery filters the staff's list of sessions.
type SessionQuery struct {
	Q      string // the employer's or the union's name
	Status SessionStatus
	Year   int   // the year it is held in
	Org    int64 // only sessions of unions within this organisation's subtree
	Sort   string
	After  string
	Offset int
	Limit  int
}

// SessionSorts are the orders of the sessions list.
var SessionSorts = &listing.Sorts[Session]{List: "congress_session", ID: "s.id", IDOf: func(v *Session) int64 { return v.ID },
	Default: "-held", Keys: []listing.Key[Session]{
		{Name: "held", Expr: "s.held_on", Desc: true, Of: func(v *Session) any { return v.HeldOn }},
		{Name: "employer", Expr: "e.name", Of: func(v *Session) any { return v.EmployerName }},
	}}

func (s *Store) sessionFilter(ctx context.Context, pr *auth.Principal, q SessionQuery) listing.Filter {
	return func() ([]string, []any, error) {
		paths, err := rule.Paths(pr)
		if err != nil {
			return nil, nil, err
		}
		f := errs.Fields{}
		f.Check(q.Status == "" || validIn(SessionStatuses, q.Status), "status", "field.invalid_choice")
		f.Check(q.Year == 0 || (q.Year >= 1950 && q.Year <= 2100), "year", "field.out_of_range", 1950, 2100)
		if err := f.Err(); err != nil {
			return nil, nil, err
		}
		if len(paths) == 0 || pr.Kind == auth.KindMember {
			return nil, nil, nil
		}
		if q.Org != 0 {
			path, err := signup.SeenOrg(ctx, s.DB, rule, pr, q.Org, "org")
			if err != nil {
				return nil, nil, err
			}
			paths = []string{path}
		}
		in, args := scope.SQL("o.path", paths)
		where := []string{in}
		if q.Q != "" {
			where = append(where, "("+s.DB.ContainsFold("e.name")+" OR "+s.DB.ContainsFold("o.name")+")")
			arg := s.DB.ContainsFoldArg(q.Q)
			args = append(args, arg, arg)
		}
		if q.Status != "" {
			where, args = append(where, "s.status = ?"), append(args, q.Status)
		}
		if q.Year != 0 {
			where, args = append(where, "s.held_on >= ? AND s.held_on < ?"), append(args, strconv.Itoa(q.Year)+"-01-01", strconv.Itoa(q.Year+1)+"-01-01")
		}
		return where, args, nil
	}
}

// Sessions returns a page of the sessions of the caller's subtrees.
func (s *Store) Sessions(ctx context.Context, pr *auth.Principal, q SessionQuery) ([]Session, string, error) {
	return SessionSorts.Read(q.Sort, listing.Page{After: q.After, Offset: q.Offset, Limit: q.Limit}, s.sessionFilter(ctx, pr, q),
		func(clause string, args []any) ([]Session, error) {
			rows, err := s.DB.Query(ctx, "SELECT "+sessionCols+sessionFrom+clause, args...)
			return signup.All(rows, err, "congress: sessions", scanSession)
		})
}

// CountSessions is the total of q's filter, counted up to listing.Cap.
func (s *Store) CountSessions(ctx context.Context, pr *auth.Principal, q SessionQuery) (listing.Total, error) {
	return listing.CountOf(ctx, s.DB, 0, sessionFrom, s.sessionFilter(ctx, pr, q))
}

// SessionTotals are how many sessions of the filter's organisation and
// year stand in each status.
type SessionTotals struct {
	ByStatus map[SessionStatus]int `json:"by_status"`
	All      int                   `json:"all"`
}

// SessionTotals counts the sessions q's organisation and year cover, by
// status.
func (s *Store) SessionTotals(ctx context.Context, pr *auth.Principal, q SessionQuery) (*SessionTotals, error) {
	out := &SessionTotals{ByStatus: map[SessionStatus]int{}}
	where, args, err := s.sessionFilter(ctx, pr, SessionQuery{Org: q.Org, Year: q.Year})()
	if err != nil || where == nil {
		return out, err
	}
	rows, err := s.DB.Query(ctx, "SELECT s.status, COUNT(*)"+sessionFrom+" WHERE "+strings.Join(where, " AND ")+" GROUP BY s.status", args...)
	if err != nil {
		return nil, errs.Internal(err, "congress: session totals")
	}
	defer rows.Close()
	for rows.Next() {
		var st SessionStatus
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, errs.Internal(err, "congress: session totals")
		}
		out.ByStatus[st] = n
		out.All += n
	}
	return out, rows.Err()
}
