package mailbox

import (
	"context"
	"database/sql"
	"slices"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/listing"
	"gonghui/internal/scope"
	"gonghui/internal/signup"
)

const letterCols = `l.id, l.member_id, l.anonymous, l.org_id, o.name, l.org_path, l.category, l.subject, l.body, l.status, l.handler,
	l.received_at, l.due_at, l.answered_at, l.on_time, l.closed_at, l.rating, l.followed_up, l.version, l.updated_at,
	(SELECT COUNT(*) FROM letter_photos p WHERE p.letter_id = l.id)`

// staffCols add the writer for staff: the join below matches no member
// for an anonymous letter, so no staff read can carry its writer.
const staffCols = letterCols + `, COALESCE(m.id, 0), COALESCE(m.name, ''), COALESCE(mo.name, '')`

const letterFrom = ` FROM letters l JOIN orgs o ON o.id = l.org_id`

// writerJoin is the only way staff reads reach the writer.
const writerJoin = ` LEFT JOIN members m ON m.id = l.member_id AND l.anonymous = 0 LEFT JOIN orgs mo ON mo.id = m.org_id`

func scanLetter(sc signup.Scanner, now time.Time, staff bool) (Letter, error) {
	var l Letter
	var anon, followed, onTime int
	var received, due, answered, closed, updated int64
	dest := []any{&l.ID, &l.memberID, &anon, &l.OrgID, &l.OrgName, &l.path, &l.Category, &l.Subject, &l.Body, &l.Status, &l.Handler,
		&received, &due, &answered, &onTime, &closed, &l.Rating, &followed, &l.Version, &updated, &l.Photos}
	var w Writer
	if staff {
		dest = append(dest, &w.MemberID, &w.Name, &w.Union)
	}
	if err := sc.Scan(dest...); err != nil {
		return l, err
	}
	l.Anonymous, l.FollowedUp, l.onTime = anon == 1, followed == 1, onTime == 1
	l.ReceivedAt, l.DueAt, l.UpdatedAt = scope.FromMillis(received), scope.FromMillis(due), scope.FromMillis(updated)
	if answered != 0 {
		t := scope.FromMillis(answered)
		l.AnsweredAt = &t
	}
	if closed != 0 {
		t := scope.FromMillis(closed)
		l.ClosedAt = &t
	}
	l.Overdue = slices.Contains(Open, l.Status) && now.After(l.DueAt)
	if staff && w.MemberID != 0 && !l.Anonymous {
		l.Writer = &w
	}
	return l, nil
}

// loadStaff reads a letter as staff see it (the writer only when it is not
// anonymous), unscoped.
func (s *Store) loadStaff(ctx context.Context, q signup.Queryer, id int64) (*Letter, error) {
	return signup.One(q.QueryRow(ctx, "SELECT "+staffCols+letterFrom+writerJoin+" WHERE l.id = ?", id), "letter", "mailbox: read",
		func(sc signup.Scanner) (Letter, error) { return scanLetter(sc, s.now(), true) })
}

// loadPlain reads a letter without any writer's details.
func (s *Store) loadPlain(ctx context.Context, q signup.Queryer, id int64) (*Letter, error) {
	return signup.One(q.QueryRow(ctx, "SELECT "+letterCols+letterFrom+" WHERE l.id = ?", id), "letter", "mailbox: read",
		func(sc signup.Scanner) (Letter, error) { return scanLetter(sc, s.now(), false) })
}

// readable reads letter id for pr: staff who may see its addressee, or
// its writer; anyone else gets NotFound.
func (s *Store) readable(ctx context.Context, pr *auth.Principal, id int64) (*Letter, error) {
	if pr == nil {
		return nil, scope.NilPrincipal("mailbox: read")
	}
	if pr.Kind == auth.KindMember {
		l, err := s.loadPlain(ctx, s.DB, id)
		if err == nil && l.memberID != pr.MemberID {
			return nil, errs.NotFound("letter")
		}
		return l, err
	}
	l, err := s.loadStaff(ctx, s.DB, id)
	return signup.Seen(rule, pr, l, err, func(l *Letter) string { return l.path })
}

// Get reads a letter with its history as staff see it.
func (s *Store) Get(ctx context.Context, pr *auth.Principal, id int64) (*Thread, error) {
	if pr != nil && pr.Kind == auth.KindMember {
		return nil, errs.NotFound("letter")
	}
	l, err := s.readable(ctx, pr, id)
	if err != nil {
		return nil, err
	}
	return s.thread(ctx, l, staffCan(pr, l), true)
}

// Mine reads one of the caller's own letters with its history as the
// writer sees it: the unions that acted, never the staff's names.
func (s *Store) Mine(ctx context.Context, pr *auth.Principal, id int64) (*Thread, error) {
	if pr == nil || pr.Kind != auth.KindMember {
		return nil, errs.NotFound("letter")
	}
	l, err := s.readable(ctx, pr, id)
	if err != nil {
		return nil, err
	}
	return s.thread(ctx, l, writerCan(l), false)
}

func (s *Store) thread(ctx context.Context, l *Letter, can Can, staff bool) (*Thread, error) {
	t := &Thread{Letter: *l, Can: can}
	var err error
	if t.Events, err = s.events(ctx, l.ID, staff); err != nil {
		return nil, err
	}
	if t.PhotoList, err = s.photos(ctx, l.ID); err != nil {
		return nil, err
	}
	return t, nil
}

func (s *Store) events(ctx context.Context, letterID int64, staff bool) ([]Event, error) {
	rows, err := s.DB.Query(ctx, `SELECT id, kind, status, body, from_org, to_org, user_id, user_name, org_name, created_at
		FROM letter_events WHERE letter_id = ? ORDER BY created_at, id`, letterID)
	return signup.All(rows, err, "mailbox: history", func(sc signup.Scanner) (Event, error) {
		var e Event
		var user sql.NullInt64
		var at int64
		err := sc.Scan(&e.ID, &e.Kind, &e.Status, &e.Body, &e.FromOrg, &e.ToOrg, &user, &e.By, &e.OrgName, &at)
		e.At, e.Writer = scope.FromMillis(at), !user.Valid
		if !staff {
			e.By = ""
		}
		return e, err
	})
}

// staffCan is what pr may do with l now as staff.
func staffCan(pr *auth.Principal, l *Letter) Can {
	if !rule.CanWrite(pr, l.path) {
		return Can{}
	}
	waiting, open := slices.Contains(Waiting, l.Status), slices.Contains(Open, l.Status)
	return Can{Accept: waiting, Answer: open || l.Status == StatusAnswered, Forward: open, Decline: open,
		Close: l.Status == StatusAnswered}
}

// writerCan is what the writer may do with l now.
func writerCan(l *Letter) Can {
	answered := l.Status == StatusAnswered || l.Status == StatusClosed
	return Can{Rate: answered && l.AnsweredAt != nil, FollowUp: answered && !l.FollowedUp}
}

// MineList lists the caller's own letters, newest first.
func (s *Store) MineList(ctx context.Context, pr *auth.Principal) ([]Letter, error) {
	if pr == nil || pr.Kind != auth.KindMember {
		return nil, errs.Forbidden()
	}
	rows, err := s.DB.Query(ctx, "SELECT "+letterCols+letterFrom+" WHERE l.member_id = ? ORDER BY l.id DESC LIMIT ?", pr.MemberID, scope.MaxPage)
	now := s.now()
	return signup.All(rows, err, "mailbox: my letters", func(sc signup.Scanner) (Letter, error) { return scanLetter(sc, now, false) })
}

// Query filters the staff's list of letters.
type Query struct {
	Q        string // subject or text
	Status   Status
	Category Category
	Overdue  bool  // only open letters past their due time
	Org      int64 // only letters addressed within this organisation's subtree
	Sort     string
	After    string
	Offset   int
	Limit    int
}

// Sorts are the orders of the staff list.
var Sorts = &listing.Sorts[Letter]{List: "letter", ID: "l.id", IDOf: func(l *Letter) int64 { return l.ID },
	Default: "-received", Keys: []listing.Key[Letter]{
		{Name: "received", Expr: "l.received_at", Desc: true, Of: func(l *Letter) any { return scope.Millis(l.ReceivedAt) }},
		{Name: "due", Expr: "l.due_at", Of: func(l *Letter) any { return scope.Millis(l.DueAt) }},
	}}

func (s *Store) filter(ctx context.Context, pr *auth.Principal, q Query) listing.Filter {
	return func() ([]string, []any, error) {
		paths, err := rule.Paths(pr)
		if err != nil {
			return nil, nil, err
		}
		f := errs.Fields{}
		f.Check(q.Status == "" || validStatus(q.Status), "status", "field.invalid_choice")
		f.Check(q.Category == "" || slices.Contains(Categories, q.Category), "category", "field.invalid_choice")
		if err := f.Err(); err != nil {
			return nil, nil, err
		}
		if len(paths) == 0 {
			return nil, nil, nil
		}
		if q.Org != 0 {
			path, err := signup.SeenOrg(ctx, s.DB, rule, pr, q.Org, "org")
			if err != nil {
				return nil, nil, err
			}
			paths = []string{path}
		}
		in, args := scope.SQL("l.org_path", paths)
		where := []string{in}
		if q.Q != "" {
			where = append(where, "("+s.DB.ContainsFold("l.subject")+" OR "+s.DB.ContainsFold("l.body")+")")
			arg := s.DB.ContainsFoldArg(q.Q)
			args = append(args, arg, arg)
		}
		if q.Status != "" {
			where, args = append(where, "l.status = ?"), append(args, q.Status)
		}
		if q.Category != "" {
			where, args = append(where, "l.category = ?"), append(args, q.Category)
		}
		if q.Overdue {
			where, args = append(where, "l.status IN (?, ?, ?) AND l.due_at < ?"), append(args, StatusNew, StatusForwarded, StatusAccepted, scope.Millis(s.now()))
		}
		return where, args, nil
	}
}

// List returns a page of the letters addressed within the caller's
// subtrees, in q's order.
func (s *Store) List(ctx context.Context, pr *auth.Principal, q Query) ([]Letter, string, error) {
	now := s.now()
	return Sorts.Read(q.Sort, listing.Page{After: q.After, Offset: q.Offset, Limit: q.Limit}, s.filter(ctx, pr, q),
		func(clause string, args []any) ([]Letter, error) {
			rows, err := s.DB.Query(ctx, "SELECT "+staffCols+letterFrom+writerJoin+clause, args...)
			return signup.All(rows, err, "mailbox: list", func(sc signup.Scanner) (Letter, error) { return scanLetter(sc, now, true) })
		})
}

// CountList is the total of q's filter, counted up to listing.Cap.
func (s *Store) CountList(ctx context.Context, pr *auth.Principal, q Query) (listing.Total, error) {
	return listing.CountOf(ctx, s.DB, 0, "FROM letters l", s.filter(ctx, pr, q))
}

// Totals are how many letters of the caller's subtrees (or of one
// organisation's) stand in each status, and how many are overdue.
type Totals struct {
	ByStatus map[Status]int `json:"by_status"`
	Overdue  int            `json:"overdue"`
	All      int            `json:"all"`
}

// Totals counts the letters q's organisation filter covers, by status.
func (s *Store) Totals(ctx context.Context, pr *auth.Principal, q Query) (*Totals, error) {
	out := &Totals{ByStatus: map[Status]int{}}
	where, args, err := s.filter(ctx, pr, Query{Org: q.Org})()
	if err != nil || where == nil {
		return out, err
	}
	rows, err := s.DB.Query(ctx, "SELECT l.status, COUNT(*), SUM(CASE WHEN l.due_at < ? AND l.status IN (?, ?, ?) THEN 1 ELSE 0 END) FROM letters l WHERE "+
		where[0]+" GROUP BY l.status", append([]any{scope.Millis(s.now()), StatusNew, StatusForwarded, StatusAccepted}, args...)...)
	if err != nil {
		return nil, errs.Internal(err, "mailbox: totals")
	}
	defer rows.Close()
	for rows.Next() {
		var st Status
		var n, late int
		if err := rows.Scan(&st, &n, &late); err != nil {
			return nil, errs.Internal(err, "mailbox: totals")
		}
		out.ByStatus[st] = n
		out.All += n
		out.Overdue += late
	}
	return out, rows.Err()
}

// lockStaff reads a letter under its row's lock for a change by staff,
// who must hold letter.write at its addressee.
func (s *Store) lockStaff(ctx context.Context, tx *db.Tx, pr *auth.Principal, id int64) (*Letter, error) {
	if pr == nil {
		return nil, scope.NilPrincipal("mailbox: act")
	}
	if pr.Kind == auth.KindMember {
		return nil, errs.NotFound("letter")
	}
	l, err := signup.One(tx.QueryRow(ctx, "SELECT "+letterCols+letterFrom+" WHERE l.id = ?"+tx.ForUpdateOf("l"), id), "letter", "mailbox: read",
		func(sc signup.Scanner) (Letter, error) { return scanLetter(sc, s.now(), false) })
	if err != nil {
		return nil, err
	}
	if err := rule.Writable(pr, l.path); err != nil {
		return nil, err
	}
	return l, nil
}

// lockMine reads the caller's own letter under its row's lock.
func (s *Store) lockMine(ctx context.Context, tx *db.Tx, pr *auth.Principal, id int64) (*Letter, error) {
	if pr == nil || pr.Kind != auth.KindMember {
		return nil, errs.NotFound("letter")
	}
	l, err := signup.One(tx.QueryRow(ctx, "SELECT "+letterCols+letterFrom+" WHERE l.id = ? AND l.member_id = ?"+tx.ForUpdateOf("l"), id, pr.MemberID),
		"letter", "mailbox: read", func(sc signup.Scanner) (Letter, error) { return scanLetter(sc, s.now(), false) })
	if err != nil {
		return nil, err
	}
	return l, nil
}
