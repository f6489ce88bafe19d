package rights

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"
	"time"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/cnid"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/listing"
	"gonghui/internal/scope"
	"gonghui/internal/signup"
)

const caseCols = `c.id, COALESCE(c.member_id, 0), c.org_id, o.name, c.org_path, c.kind, c.channel, c.title, c.facts, c.workers, c.employer_name,
	c.credit_code, COALESCE(c.employer_id, 0), c.claimed_fen, c.recovered_fen, c.status, c.outcome, COALESCE(c.handler_id, 0), c.handler_name,
	c.received_at, c.accepted_at, c.due_at, c.due_known, c.remind_at, c.extended, c.closed_at, c.on_time, c.rating, c.version, c.updated_at, c.escalate_at`

const caseFrom = ` FROM cases c JOIN orgs o ON o.id = c.org_id`

func scanCase(sc signup.Scanner, now time.Time) (Case, error) {
	var c Case
	var received, accepted, due, remind, closed, updated int64
	var known, extended, onTime int
	if err := sc.Scan(&c.ID, &c.memberID, &c.OrgID, &c.OrgName, &c.path, &c.Kind, &c.Channel, &c.Title, &c.Facts, &c.Workers, &c.EmployerName,
		&c.CreditCode, &c.EmployerID, &c.ClaimedFen, &c.RecoveredFen, &c.Status, &c.Outcome, &c.HandlerID, &c.Handler,
		&received, &accepted, &due, &known, &remind, &extended, &closed, &onTime, &c.Rating, &c.Version, &updated, &c.escalateAt); err != nil {
		return c, err
	}
	c.ReceivedAt, c.DueAt, c.remindAt, c.UpdatedAt = scope.FromMillis(received), scope.FromMillis(due), scope.FromMillis(remind), scope.FromMillis(updated)
	if accepted != 0 {
		t := scope.FromMillis(accepted)
		c.AcceptedAt = &t
	}
	if closed != 0 {
		t := scope.FromMillis(closed)
		c.ClosedAt = &t
	}
	c.Provisional, c.Extended, c.OnTime = known == 0, extended == 1, onTime == 1
	c.Overdue = slices.Contains(Open, c.Status) && !now.Before(c.DueAt)
	return c, nil
}

func (s *Store) load(ctx context.Context, q signup.Queryer, id int64, lock string) (*Case, error) {
	return signup.One(q.QueryRow(ctx, "SELECT "+caseCols+caseFrom+" WHERE c.id = ?"+lock, id), "case", "rights: read",
		func(sc signup.Scanner) (Case, error) { return scanCase(sc, s.now()) })
}

// isHandler: pr is the case's handler, still within its reach.
func isHandler(pr *auth.Principal, c *Case) bool {
	return pr != nil && pr.Kind != auth.KindMember && pr.UserID != 0 && c.HandlerID == pr.UserID && rule.CanRead(pr, c.path)
}

// supervises: pr holds case.supervise over the case's union.
func supervises(pr *auth.Principal, c *Case) bool {
	return pr != nil && pr.Kind != auth.KindMember && pr.CanAt(auth.PermCaseSupervise, c.path)
}

// isWorker: member pr filed the case or is named in it.
func (s *Store) isWorker(ctx context.Context, q signup.Queryer, pr *auth.Principal, c *Case) (bool, error) {
	if pr == nil || pr.Kind != auth.KindMember || pr.MemberID == 0 {
		return false, nil
	}
	if c.memberID == pr.MemberID {
		return true, nil
	}
	var n int
	if err := q.QueryRow(ctx, "SELECT COUNT(*) FROM case_workers WHERE case_id = ? AND member_id = ?", c.ID, pr.MemberID).Scan(&n); err != nil {
		return false, errs.Internal(err, "rights: worker")
	}
	return n > 0, nil
}

// readable reads case id for pr: staff who may see its union, or a worker
// of it; anyone else gets NotFound.
func (s *Store) readable(ctx context.Context, pr *auth.Principal, id int64) (*Case, error) {
	if pr == nil {
		return nil, scope.NilPrincipal("rights: read")
	}
	c, err := s.load(ctx, s.DB, id, "")
	if err != nil {
		return nil, err
	}
	if pr.Kind == auth.KindMember {
		ok, err := s.isWorker(ctx, s.DB, pr, c)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, errs.NotFound("case")
		}
		return c, nil
	}
	if err := rule.Readable(pr, c.path); err != nil {
		return nil, err
	}
	return c, nil
}

// Get reads a case with everything on it as staff see it (workers masked,
// confidential notes without their words).
func (s *Store) Get(ctx context.Context, pr *auth.Principal, id int64) (*Thread, error) {
	if pr != nil && pr.Kind == auth.KindMember {
		return nil, errs.NotFound("case")
	}
	c, err := s.readable(ctx, pr, id)
	if err != nil {
		return nil, err
	}
	t := &Thread{Case: *c, Can: staffCan(pr, c)}
	if t.WorkerList, err = s.workers(ctx, id, false); err != nil {
		return nil, err
	}
	if len(t.WorkerList) > 0 {
		t.FirstWorker = t.WorkerList[0].Name
	}
	if t.Claims, err = s.claims(ctx, id); err != nil {
		return nil, err
	}
	if t.Events, err = s.events(ctx, id, true); err != nil {
		return nil, err
	}
	if t.Notes, err = s.notes(ctx, id); err != nil {
		return nil, err
	}
	if t.Files, err = s.files(ctx, id); err != nil {
		return nil, err
	}
	return t, nil
}

// Mine reads one of the member's cases as they see it: its status and
// timeline (the unions that acted, never staff names), claims, their
// files; no notes, no other worker's data, no handler's name.
func (s *Store) Mine(ctx context.Context, pr *auth.Principal, id int64) (*Thread, error) {
	if pr == nil || pr.Kind != auth.KindMember {
		return nil, errs.NotFound("case")
	}
	c, err := s.readable(ctx, pr, id)
	if err != nil {
		return nil, err
	}
	c.Handler, c.HandlerID = "", 0
	t := &Thread{Case: *c, WorkerList: []Worker{}, Notes: []Note{},
		Can: Can{Rate: c.Status == StatusClosed && c.Rating == "" && c.memberID == pr.MemberID, Evidence: slices.Contains(Open, c.Status)}}
	if t.Claims, err = s.claims(ctx, id); err != nil {
		return nil, err
	}
	if t.Events, err = s.events(ctx, id, false); err != nil {
		return nil, err
	}
	// The escalation to the supervisors is the staff's own business.
	t.Events = slices.DeleteFunc(t.Events, func(e Event) bool { return e.System })
	if t.Files, err = s.files(ctx, id); err != nil {
		return nil, err
	}
	return t, nil
}

func (s *Store) claims(ctx context.Context, caseID int64) ([]Claim, error) {
	rows, err := s.DB.Query(ctx, "SELECT id, kind, amount_fen, note FROM case_claims WHERE case_id = ? ORDER BY position, id", caseID)
	return signup.All(rows, err, "rights: claims", func(sc signup.Scanner) (Claim, error) {
		var c Claim
		return c, sc.Scan(&c.ID, &c.Kind, &c.AmountFen, &c.Note)
	})
}

func (s *Store) events(ctx context.Context, caseID int64, staff bool) ([]Event, error) {
	rows, err := s.DB.Query(ctx, `SELECT id, kind, status, body, from_org, to_org, user_id, user_name, org_name, created_at
		FROM case_events WHERE case_id = ? ORDER BY created_at, id`, caseID)
	return signup.All(rows, err, "rights: timeline", func(sc signup.Scanner) (Event, error) {
		var e Event
		var user sql.NullInt64
		var at int64
		err := sc.Scan(&e.ID, &e.Kind, &e.Status, &e.Body, &e.FromOrg, &e.ToOrg, &user, &e.By, &e.OrgName, &at)
		// No account and not the worker: the system (an escalation).
		e.System = e.Kind == EvEscalated
		e.At, e.Worker = scope.FromMillis(at), !user.Valid && !e.System
		if !staff {
			e.By = ""
			if e.Kind == EvAssigned || e.Kind == EvAccepted {
				e.Body = "" // who handles it is staff's business
			}
		}
		return e, err
	})
}

func (s *Store) notes(ctx context.Context, caseID int64) ([]Note, error) {
	rows, err := s.DB.Query(ctx, "SELECT id, confidential, body, user_name, created_at FROM case_notes WHERE case_id = ? ORDER BY id", caseID)
	return signup.All(rows, err, "rights: notes", func(sc signup.Scanner) (Note, error) {
		var n Note
		var conf int
		var at int64
		err := sc.Scan(&n.ID, &conf, &n.Body, &n.By, &at)
		n.Confidential, n.At = conf == 1, scope.FromMillis(at)
		return n, err
	})
}

// OpenNote answers a confidential note's words to the case's handler or
// a supervisor, and audits the read; anyone else is refused (403), a
// caller who may not see the case gets 404.
func (s *Store) OpenNote(ctx context.Context, pr *auth.Principal, caseID, noteID int64) (*Note, error) {
	if pr != nil && pr.Kind == auth.KindMember {
		return nil, errs.NotFound("case")
	}
	c, err := s.readable(ctx, pr, caseID)
	if err != nil {
		return nil, err
	}
	var n Note
	var conf int
	var sealed string
	var at int64
	err = s.DB.QueryRow(ctx, "SELECT id, confidential, body, sealed, user_name, created_at FROM case_notes WHERE id = ? AND case_id = ?", noteID, caseID).
		Scan(&n.ID, &conf, &n.Body, &sealed, &n.By, &at)
	if err == sql.ErrNoRows {
		return nil, errs.NotFound("note")
	}
	if err != nil {
		return nil, errs.Internal(err, "rights: note")
	}
	n.Confidential, n.At = conf == 1, scope.FromMillis(at)
	if !n.Confidential {
		return &n, nil
	}
	if !isHandler(pr, c) && !supervises(pr, c) {
		return nil, errs.Forbidden()
	}
	n.Body = s.open(sealed, NoteAAD(n.ID))
	err = s.audited(ctx, audit.Event{Action: "case.note_read", Entity: "case", EntityID: db.FormatID(caseID), OrgPath: c.path,
		After: map[string]any{"note": db.FormatID(n.ID)}})
	if err != nil {
		return nil, err
	}
	return &n, nil
}

// staffCan is what pr may do with c now as staff.
func staffCan(pr *auth.Principal, c *Case) Can {
	w := rule.CanWrite(pr, c.path)
	open, waiting, handling := slices.Contains(Open, c.Status), slices.Contains(Waiting, c.Status), c.Status == StatusHandling
	conf := isHandler(pr, c) || supervises(pr, c)
	return Can{Accept: w && waiting, Assign: w && handling, Transfer: w && open, Note: w || conf, Confidential: conf,
		Extend: w && handling && c.Kind == KindMediation && !c.Extended, Claims: w && open, Workers: w && open, Evidence: w && open, Close: w && open,
		Reveal: mayReveal(pr, c)}
}

// MineList lists the cases the member filed or is named in, newest first.
func (s *Store) MineList(ctx context.Context, pr *auth.Principal) ([]Case, error) {
	if pr == nil || pr.Kind != auth.KindMember {
		return nil, errs.Forbidden()
	}
	rows, err := s.DB.Query(ctx, "SELECT "+caseCols+caseFrom+` WHERE c.member_id = ? OR c.id IN (SELECT case_id FROM case_workers WHERE member_id = ?)
		ORDER BY c.received_at DESC, c.id DESC LIMIT ?`, pr.MemberID, pr.MemberID, scope.MaxPage)
	now := s.now()
	out, err := signup.All(rows, err, "rights: my cases", func(sc signup.Scanner) (Case, error) { return scanCase(sc, now) })
	for i := range out {
		out[i].Handler, out[i].HandlerID = "", 0
	}
	return out, err
}

// Query filters the staff's list of cases.
type Query struct {
	Q       string // words of the title, facts or employer; a credit code; a worker's full name, ID or mobile number
	Kind    Kind
	Status  Status
	Handler int64 // only cases this account handles
	Overdue bool  // only open cases past their deadline
	Org     int64 // only cases handled within this organisation's subtree
	Sort    string
	After   string
	Offset  int
	Limit   int
}

// Sorts are the orders of the staff list.
var Sorts = &listing.Sorts[Case]{List: "case", ID: "c.id", IDOf: func(c *Case) int64 { return c.ID },
	Default: "-received", Keys: []listing.Key[Case]{
		{Name: "received", Expr: "c.received_at", Desc: true, Of: func(c *Case) any { return scope.Millis(c.ReceivedAt) }},
		{Name: "due", Expr: "c.due_at", Of: func(c *Case) any { return scope.Millis(c.DueAt) }},
	}}

func (s *Store) filter(ctx context.Context, pr *auth.Principal, q Query) listing.Filter {
	return func() ([]string, []any, error) {
		paths, err := rule.Paths(pr)
		if err != nil {
			return nil, nil, err
		}
		if pr.Kind == auth.KindMember {
			return nil, nil, errs.Forbidden()
		}
		f := errs.Fields{}
		f.Check(q.Status == "" || validStatus(q.Status), "status", "field.invalid_choice")
		f.Check(q.Kind == "" || slices.Contains(Kinds, q.Kind), "kind", "field.invalid_choice")
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
		var where []string
		var args []any
		switch {
		case q.Status != "":
			where, args = append(where, "c.status = ?"), append(args, q.Status)
			if q.Overdue && !slices.Contains(Open, q.Status) {
				where = append(where, "1 = 0")
			}
		case q.Overdue:
			where, args = append(where, "c.status IN (?, ?, ?)"), append(args, StatusNew, StatusTransferred, StatusHandling)
		}
		in, inArgs := scope.SQL("c.org_path", paths)
		where, args = append(where, in), append(args, inArgs...)
		if q.Overdue {
			where, args = append(where, "c.due_at <= ?"), append(args, scope.Millis(s.now()))
		}
		if q.Kind != "" {
			where, args = append(where, "c.kind = ?"), append(args, q.Kind)
		}
		if q.Handler != 0 {
			where, args = append(where, "c.handler_id = ?"), append(args, q.Handler)
		}
		if t := strings.TrimSpace(q.Q); t != "" {
			w, a := s.search(t)
			where, args = append(where, w), append(args, a...)
		}
		return where, args, nil
	}
}

// search is the list's search: words of the title, facts or employer; a
// credit code; or a worker's full name, ID or mobile number, found by the
// keyed hashes (never by reading sealed values).
func (s *Store) search(t string) (string, []any) {
	arg := s.DB.ContainsFoldArg(t)
	parts := []string{s.DB.ContainsFold("c.title"), s.DB.ContainsFold("c.facts"), s.DB.ContainsFold("c.employer_name")}
	args := []any{arg, arg, arg}
	if code, err := cnid.NormalizeCreditCode(t); err == nil {
		parts, args = append(parts, "c.credit_code = ?"), append(args, code)
	}
	var hashes []string
	var hargs []any
	if r, err := cnid.ParseResidentID(t); err == nil {
		hashes, hargs = append(hashes, "w.id_hash = ?"), append(hargs, s.hash("id_number", r.Number))
	}
	if m, err := cnid.NormalizeMobile(t); err == nil {
		hashes, hargs = append(hashes, "w.mobile_hash = ?"), append(hargs, s.hash("mobile", m))
	}
	if n := []rune(t); len(n) <= MaxName && !strings.ContainsAny(t, "0123456789") {
		hashes, hargs = append(hashes, "w.name_hash = ?"), append(hargs, s.hash("name", t))
	}
	if len(hashes) > 0 {
		parts = append(parts, "EXISTS (SELECT 1 FROM case_workers w WHERE w.case_id = c.id AND ("+strings.Join(hashes, " OR ")+"))")
		args = append(args, hargs...)
	}
	return "(" + strings.Join(parts, " OR ") + ")", args
}

// List returns a page of the cases handled within the caller's subtrees,
// in q's order. The page's IDs are picked from an index alone (status,
// path, deadline and the order's columns are all in it) and only the page's
// rows are read.
//
// Newest first, filtered by status, subtree and deadline only (the staff's
// usual views), the page is first looked for among the newest
// recentWindow cases of the whole city (of the status asked for, if one),
// walked backwards on cases_recent (cases_status_recent):
// for a district that is a few hundred index entries, where sorting every
// matching case of the district costs tens of milliseconds on SQLite, whose
// planner prefers the subtree's range and sorts it. When the window holds
// less than the page (a small union, closed cases long past), the ordinary
// plan answers: it has little to sort then.
func (s *Store) List(ctx context.Context, pr *auth.Principal, q Query) ([]Case, string, error) {
	now := s.now()
	order, err := Sorts.Parse(q.Sort)
	if err != nil {
		return nil, "", err
	}
	pg := listing.Page{After: q.After, Offset: q.Offset, Limit: q.Limit}
	scan := func(from string) func(clause string, args []any) ([]Case, error) {
		return func(clause string, args []any) ([]Case, error) {
			rows, err := s.DB.Query(ctx, "SELECT "+caseCols+caseFrom+" JOIN (SELECT c.id AS k FROM "+from+clause+") p ON p.k = c.id ORDER BY "+order.By(), args...)
			return signup.All(rows, err, "rights: list", func(sc signup.Scanner) (Case, error) { return scanCase(sc, now) })
		}
	}
	if order.String() == "-received" && q.Kind == "" && q.Handler == 0 && strings.TrimSpace(q.Q) == "" && q.Offset+q.Limit < recentWindow/4 {
		// One status: its newest cases (cases_status_recent); several or
		// none: the city's newest (cases_recent).
		// SQLite is told the index: without statistics of a new index
		// its planner may pick another and sort.
		index := "cases_recent"
		var conds []string
		var wargs []any
		if q.Status != "" {
			index = "cases_status_recent"
			conds, wargs = append(conds, "c.status = ?"), append(wargs, q.Status)
		}
		window := "SELECT c.id, c.received_at, c.org_path, c.status, c.due_at FROM " + s.DB.TableByIndex("cases", "c", index)
		if q.After != "" {
			cond, cargs, err := order.Keyset(q.After)
			if err != nil {
				return nil, "", err
			}
			conds, wargs = append(conds, cond), append(wargs, cargs...)
		}
		if len(conds) > 0 {
			window += " WHERE " + strings.Join(conds, " AND ")
		}
		window += " ORDER BY " + order.By() + " LIMIT " + strconv.Itoa(recentWindow)
		// The cursor is already the window's bound; the page starts at
		// the window's top.
		wpg := pg
		wpg.After = ""
		out, next, err := Sorts.Read(q.Sort, wpg, s.filter(ctx, pr, q), func(clause string, args []any) ([]Case, error) {
			return scan("("+window+") c")(clause, append(wargs, args...))
		})
		if err != nil {
			return nil, "", err
		}
		if next != "" {
			return out, next, s.firstWorkers(ctx, out)
		}
	}
	out, next, err := Sorts.Read(q.Sort, pg, s.filter(ctx, pr, q), scan(s.from(q)))
	if err != nil {
		return nil, "", err
	}
	return out, next, s.firstWorkers(ctx, out)
}

// recentWindow is how many of the city's newest cases List looks through
// before it falls back to sorting the matching ones.
var recentWindow = 4000

// CountList is the total of q's filter, counted up to listing.Cap.
func (s *Store) CountList(ctx context.Context, pr *auth.Principal, q Query) (listing.Total, error) {
	return listing.CountOf(ctx, s.DB, 0, "FROM "+s.from(q), s.filter(ctx, pr, q))
}

// from is the cases table of q's list: overdue lists read cases_overdue,
// a range per open status over the passed deadlines, rather than every
// open case of the subtree.
func (s *Store) from(q Query) string {
	if q.Overdue {
		return s.DB.TableByIndex("cases", "c", "cases_overdue")
	}
	return "cases c"
}

// Totals are how many cases of a subtree stand in each status, how many
// are overdue, how many closed in time, and the money recovered.
type Totals struct {
	ByStatus     map[Status]int `json:"by_status"`
	Overdue      int            `json:"overdue"`
	All          int            `json:"all"`
	Closed       int            `json:"closed"`
	OnTime       int            `json:"on_time"`
	RecoveredFen int64          `json:"recovered_fen"`
}

// OnTimePercent is the share of closed cases closed by their deadline, in
// whole percent; -1 when none is closed.
func (t *Totals) OnTimePercent() int { return percent(t.OnTime, t.Closed) }

func percent(part, whole int) int {
	if whole == 0 {
		return -1
	}
	return int((int64(part)*100 + int64(whole)/2) / int64(whole))
}

// Totals counts the cases q's organisation filter covers.
func (s *Store) Totals(ctx context.Context, pr *auth.Principal, q Query) (*Totals, error) {
	out := &Totals{ByStatus: map[Status]int{}}
	where, args, err := s.filter(ctx, pr, Query{Org: q.Org})()
	if err != nil || where == nil {
		return out, err
	}
	rows, err := s.DB.Query(ctx, `SELECT c.status, COUNT(*), SUM(CASE WHEN c.due_at <= ? AND c.status <> ? THEN 1 ELSE 0 END),
		SUM(c.on_time), CAST(SUM(c.recovered_fen) AS BIGINT) FROM cases c WHERE `+strings.Join(where, " AND ")+" GROUP BY c.status",
		append([]any{scope.Millis(s.now()), StatusClosed}, args...)...)
	if err != nil {
		return nil, errs.Internal(err, "rights: totals")
	}
	defer rows.Close()
	for rows.Next() {
		var st Status
		var n, late, onTime int
		var fen int64
		if err := rows.Scan(&st, &n, &late, &onTime, &fen); err != nil {
			return nil, errs.Internal(err, "rights: totals")
		}
		out.ByStatus[st] = n
		out.All += n
		out.Overdue += late
		out.RecoveredFen += fen
		if st == StatusClosed {
			out.Closed, out.OnTime = n, onTime
		}
	}
	return out, rows.Err()
}
