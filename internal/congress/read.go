package congress

import (
	"context"
	"io"
	"strconv"
	"strings"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/beijing"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/listing"
	"gonghui/internal/scope"
	"gonghui/internal/sheet"
	"gonghui/internal/signup"
)

// SessionView is a session with its delegates, agenda and motions.
type SessionView struct {
	Session
	Composition Composition    `json:"composition"`
	Delegates   []Delegate     `json:"delegates"`
	Agenda      []AgendaItem   `json:"agenda"`
	MotionList  []Motion       `json:"motion_list"`
	CanWrite    bool           `json:"can_write"`         // the reader may change it (staff)
	History     []SessionEvent `json:"history,omitempty"` // staff: what changed since it was planned
}

func (s *Store) view(ctx context.Context, ses *Session) (*SessionView, error) {
	v := &SessionView{Session: *ses}
	var err error
	if v.Delegates, err = s.delegates(ctx, s.DB, ses.ID); err != nil {
		return nil, err
	}
	v.Composition = CompositionOf(v.Delegates)
	if v.Agenda, err = s.agenda(ctx, s.DB, ses.ID); err != nil {
		return nil, err
	}
	rows, err := s.DB.Query(ctx, "SELECT "+motionCols+motionFrom+" WHERE m.session_id = ? ORDER BY m.submitted_at, m.id", ses.ID)
	if v.MotionList, err = signup.All(rows, err, "congress: session motions", scanMotion(s.today())); err != nil {
		return nil, err
	}
	return v, nil
}

// SessionPage reads a session with its delegates, agenda and motions as
// staff see it.
func (s *Store) SessionPage(ctx context.Context, pr *auth.Principal, id int64) (*SessionView, error) {
	ses, err := s.Session(ctx, pr, id)
	if err != nil {
		return nil, err
	}
	v, err := s.view(ctx, ses)
	if err != nil {
		return nil, err
	}
	v.CanWrite = rule.CanWrite(pr, ses.path)
	if v.History, err = s.SessionEvents(ctx, pr, id); err != nil {
		return nil, err
	}
	return v, nil
}

// MotionCan says what the reader may do with a motion now.
type MotionCan struct {
	Review bool `json:"review"`
	Assign bool `json:"assign"`
	Answer bool `json:"answer"`
	Second bool `json:"second"` // a fellow delegate who has not seconded it
	Rate   bool `json:"rate"`   // its delegate, once per answer
	// Withdraw: its delegate, while it waits for seconds or review.
	Withdraw bool `json:"withdraw"`
}

// MotionView is a motion with who seconded it, as its reader sees it.
type MotionView struct {
	Motion
	Seconders []string  `json:"seconders"` // the delegates' names, in order
	Seconded  bool      `json:"seconded"`  // a member's reads: whether they seconded it
	Mine      bool      `json:"mine"`      // a member's reads: they filed it
	Can       MotionCan `json:"can"`
}

func (s *Store) seconders(ctx context.Context, id int64) ([]string, []int64, error) {
	rows, err := s.DB.Query(ctx, `SELECT c.member_id, m.name FROM congress_seconds c JOIN members m ON m.id = c.member_id
		WHERE c.motion_id = ? ORDER BY c.created_at, c.member_id`, id)
	if err != nil {
		return nil, nil, errs.Internal(err, "congress: seconders")
	}
	defer rows.Close()
	names, ids := []string{}, []int64{}
	for rows.Next() {
		var mid int64
		var name string
		if err := rows.Scan(&mid, &name); err != nil {
			return nil, nil, errs.Internal(err, "congress: seconders")
		}
		names, ids = append(names, name), append(ids, mid)
	}
	return names, ids, rows.Err()
}

// Motion reads a motion as staff see it.
func (s *Store) Motion(ctx context.Context, pr *auth.Principal, id int64) (*MotionView, error) {
	if pr != nil && pr.Kind == auth.KindMember {
		return nil, errs.NotFound("motion")
	}
	m, err := s.loadMotion(ctx, s.DB, id, "")
	if m, err = signup.Seen(rule, pr, m, err, (*Motion).OrgPath); err != nil {
		return nil, err
	}
	v := &MotionView{Motion: *m}
	if v.Seconders, _, err = s.seconders(ctx, id); err != nil {
		return nil, err
	}
	if rule.CanWrite(pr, m.path) {
		v.Can = MotionCan{Review: m.Status == MotionReview, Assign: m.Status == MotionAccepted || m.Status == MotionAssigned,
			Answer: m.Status == MotionAssigned}
	}
	return v, nil
}

// MemberMotion reads a motion for a member: its delegate, or a fellow
// delegate of its session; anyone else gets NotFound.
func (s *Store) MemberMotion(ctx context.Context, pr *auth.Principal, id int64) (*MotionView, error) {
	if pr == nil || pr.Kind != auth.KindMember {
		return nil, errs.NotFound("motion")
	}
	m, err := s.loadMotion(ctx, s.DB, id, "")
	if err != nil {
		return nil, err
	}
	if ok, err := isDelegate(ctx, s.DB, m.SessionID, pr.MemberID); err != nil || !ok {
		if err == nil {
			err = errs.NotFound("motion")
		}
		return nil, err
	}
	v := &MotionView{Motion: *m, Mine: m.MemberID == pr.MemberID}
	var ids []int64
	if v.Seconders, ids, err = s.seconders(ctx, id); err != nil {
		return nil, err
	}
	for _, mid := range ids {
		v.Seconded = v.Seconded || mid == pr.MemberID
	}
	open := m.sessionStatus != SessionClosed && (m.Status == MotionSeconding || m.Status == MotionReview)
	v.Can = MotionCan{Second: !v.Mine && !v.Seconded && open, Rate: v.Mine && m.Status == MotionAnswered && m.Rating == "",
		Withdraw: v.Mine && (m.Status == MotionSeconding || m.Status == MotionReview)}
	return v, nil
}

// MyCongress is what the congress holds for a member: the sessions they
// are a delegate of (newest first) and the open-affairs items for them.
type MyCongress struct {
	Sessions []Session `json:"sessions"`
	Affairs  []Affair  `json:"affairs"`
	// Motions of their sessions waiting for their second.
	ToSecond []Motion `json:"to_second"`
	Mine     []Motion `json:"mine"` // the motions they filed, newest first
}

// Mine reads the member's congress.
func (s *Store) Mine(ctx context.Context, pr *auth.Principal) (*MyCongress, error) {
	out := &MyCongress{}
	var err error
	if out.Affairs, err = s.MyAffairs(ctx, pr); err != nil {
		return nil, err
	}
	rows, err := s.DB.Query(ctx, "SELECT "+sessionCols+sessionFrom+` WHERE s.id IN (SELECT session_id FROM congress_delegates WHERE member_id = ?)
		ORDER BY s.held_on DESC, s.id DESC LIMIT ?`, pr.MemberID, scope.MaxPage)
	if out.Sessions, err = signup.All(rows, err, "congress: my sessions", scanSession); err != nil {
		return nil, err
	}
	today := s.today()
	rows, err = s.DB.Query(ctx, "SELECT "+motionCols+motionFrom+` WHERE m.session_id IN (SELECT session_id FROM congress_delegates WHERE member_id = ?)
		AND m.status IN (?, ?) AND s.status <> ? AND m.member_id <> ?
		AND NOT EXISTS (SELECT 1 FROM congress_seconds c WHERE c.motion_id = m.id AND c.member_id = ?) ORDER BY m.submitted_at, m.id LIMIT ?`,
		pr.MemberID, MotionSeconding, MotionReview, SessionClosed, pr.MemberID, pr.MemberID, scope.MaxPage)
	if out.ToSecond, err = signup.All(rows, err, "congress: to second", scanMotion(today)); err != nil {
		return nil, err
	}
	rows, err = s.DB.Query(ctx, "SELECT "+motionCols+motionFrom+" WHERE m.member_id = ? ORDER BY m.submitted_at DESC, m.id DESC LIMIT ?", pr.MemberID, scope.MaxPage)
	if out.Mine, err = signup.All(rows, err, "congress: my motions", scanMotion(today)); err != nil {
		return nil, err
	}
	return out, nil
}

// DelegateSession reads a session of which the member is a delegate, with
// its agenda, votes, delegates and motions.
func (s *Store) DelegateSession(ctx context.Context, pr *auth.Principal, id int64) (*SessionView, error) {
	if pr == nil || pr.Kind != auth.KindMember {
		return nil, errs.NotFound("congress")
	}
	if ok, err := isDelegate(ctx, s.DB, id, pr.MemberID); err != nil || !ok {
		if err == nil {
			err = errs.NotFound("congress")
		}
		return nil, err
	}
	ses, err := loadSession(ctx, s.DB, id, "")
	if err != nil {
		return nil, err
	}
	return s.view(ctx, ses)
}

// MotionQuery filters the staff's list of motions.
type MotionQuery struct {
	Q       string // title or text
	Status  MotionStatus
	Session int64
	Org     int64 // only motions at sessions of unions within this organisation's subtree
	Overdue bool
	Sort    string
	After   string
	Offset  int
	Limit   int
}

// MotionSorts are the orders of the motions list.
var MotionSorts = &listing.Sorts[Motion]{List: "congress_motion", ID: "m.id", IDOf: func(m *Motion) int64 { return m.ID },
	Default: "-submitted", Keys: []listing.Key[Motion]{
		{Name: "submitted", Expr: "m.submitted_at", Desc: true, Of: func(m *Motion) any { return scope.Millis(m.SubmittedAt) }},
		{Name: "due", Expr: "m.due_on", Of: func(m *Motion) any { return m.DueOn }},
	}}

func (s *Store) motionFilter(ctx context.Context, pr *auth.Principal, q MotionQuery) listing.Filter {
	return func() ([]string, []any, error) {
		paths, err := rule.Paths(pr)
		if err != nil {
			return nil, nil, err
		}
		f := errs.Fields{}
		f.Check(q.Status == "" || validIn(MotionStatuses, q.Status), "status", "field.invalid_choice")
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
		if q.Session != 0 {
			where, args = append(where, "m.session_id = ?"), append(args, q.Session)
		}
		if q.Q != "" {
			where = append(where, "("+s.DB.ContainsFold("m.title")+" OR "+s.DB.ContainsFold("m.reason")+" OR "+s.DB.ContainsFold("m.proposal")+")")
			arg := s.DB.ContainsFoldArg(q.Q)
			args = append(args, arg, arg, arg)
		}
		if q.Status != "" {
			where, args = append(where, "m.status = ?"), append(args, q.Status)
		}
		if q.Overdue {
			where, args = append(where, "m.status = ? AND m.due_on <> '' AND m.due_on < ?"), append(args, MotionAssigned, s.today())
		}
		return where, args, nil
	}
}

// Motions returns a page of the motions at sessions of the caller's
// subtrees.
func (s *Store) Motions(ctx context.Context, pr *auth.Principal, q MotionQuery) ([]Motion, string, error) {
	today := s.today()
	return MotionSorts.Read(q.Sort, listing.Page{After: q.After, Offset: q.Offset, Limit: q.Limit}, s.motionFilter(ctx, pr, q),
		func(clause string, args []any) ([]Motion, error) {
			rows, err := s.DB.Query(ctx, "SELECT "+motionCols+motionFrom+clause, args...)
			return signup.All(rows, err, "congress: motions", scanMotion(today))
		})
}

// CountMotions is the total of q's filter, counted up to listing.Cap.
func (s *Store) CountMotions(ctx context.Context, pr *auth.Principal, q MotionQuery) (listing.Total, error) {
	return listing.CountOf(ctx, s.DB, 0, motionFrom, s.motionFilter(ctx, pr, q))
}

// MaxExport is how many motions one export holds.
const MaxExport = 5000

// ExportMotions writes the motions of q's filter (up to MaxExport, in
// the list's order) as an .xlsx workbook in the words of tr; audited.
func (s *Store) ExportMotions(ctx context.Context, pr *auth.Principal, q MotionQuery, tr func(string, ...any) string, out io.Writer) error {
	var all []Motion
	q.After, q.Offset, q.Limit = "", 0, scope.MaxPage
	for len(all) < MaxExport {
		page, next, err := s.Motions(ctx, pr, q)
		if err != nil {
			return err
		}
		all = append(all, page...)
		if next == "" {
			break
		}
		q.After = next
	}
	if len(all) > MaxExport {
		all = all[:MaxExport]
	}
	heads := []string{"congress.field.title", "congress.field.employer", "congress.field.session", "congress.field.submitter", "congress.field.submitted",
		"congress.field.seconds", "congress.field.status", "congress.field.handler", "congress.field.due_on", "congress.field.answer", "congress.field.rating"}
	for i, h := range heads {
		heads[i] = tr(h)
	}
	w, err := sheet.NewWriter(tr("congress.motions.title"), heads)
	if err != nil {
		return errs.Internal(err, "congress: export")
	}
	defer w.Close()
	for _, m := range all {
		rating := ""
		if m.Rating != "" {
			rating = tr("congress.rating." + string(m.Rating))
		}
		if err := w.Row(m.Title, m.EmployerName, tr("congress.session_name", m.Term, m.Meeting), m.Submitter, beijing.Day(m.SubmittedAt),
			m.Seconds, tr("congress.motion_status."+string(m.Status)), m.Handler, m.DueOn, m.Answer, rating); err != nil {
			return errs.Internal(err, "congress: export")
		}
	}
	paths, _ := rule.Paths(pr)
	orgPath := ""
	if len(paths) > 0 {
		orgPath = paths[0]
	}
	desc := []string{}
	if q.Status != "" {
		desc = append(desc, "status="+string(q.Status))
	}
	if q.Org != 0 {
		desc = append(desc, "org="+db.FormatID(q.Org))
	}
	if err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		return audit.Record(ctx, tx, audit.Event{Action: "congress.export", Entity: "congress_motion", EntityID: "", OrgPath: orgPath,
			After: map[string]any{"rows": len(all), "filter": strings.Join(desc, " "), "q": q.Q, "limit": strconv.Itoa(MaxExport)}})
	}); err != nil {
		return err
	}
	if _, err := w.WriteTo(out); err != nil {
		return errs.Internal(err, "congress: export")
	}
	return nil
}
