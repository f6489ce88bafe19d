package works

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"unicode/utf8"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/org"
	"gonghui/internal/scope"
	"gonghui/internal/signup"
)

// Screen accepts an entry for judging or rejects it with a reason (the
// format checks before judging), until the results are out; the author
// sees the decision and the reason.
func (s *Store) Screen(ctx context.Context, pr *auth.Principal, entryID int64, accept bool, reason string) (*Entry, error) {
	if pr == nil {
		return nil, scope.NilPrincipal("works: screen")
	}
	reason = strings.TrimSpace(reason)
	if !accept {
		f := errs.Fields{}
		if f.Check(reason != "", "reason", "works.reason_required") {
			f.Check(utf8.RuneCountInString(reason) <= MaxReason, "reason", "field.too_long", MaxReason)
		}
		if err := f.Err(); err != nil {
			return nil, err
		}
	} else {
		reason = ""
	}
	e, err := s.entry(ctx, s.DB, entryID)
	if err != nil {
		return nil, err
	}
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		c, err := lock(ctx, tx, pr, e.CallID, 0)
		if err != nil {
			// Who may not see the call finds no entry; who sees it but
			// may not run it (a leader) is refused, as for the call's
			// other steps.
			if errs.Is(err, errs.KindNotFound) {
				return errs.NotFound("entry")
			}
			return err
		}
		if c.ResultsAt != nil || c.Status == StatusCancelled {
			return errs.Conflict("frozen", "works.frozen")
		}
		to := EntryRejected
		if accept {
			to = EntryAccepted
		}
		var scored int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM works_scores WHERE entry_id = ?", entryID).Scan(&scored); err != nil {
			return errs.Internal(err, "works: screen")
		}
		if !accept && scored > 0 {
			return errs.Conflict("scored", "works.already_scored")
		}
		res, err := tx.Exec(ctx, "UPDATE works_entries SET status = ?, reason = ?, screened_by = ?, updated_at = ? WHERE id = ? AND status <> ?",
			to, reason, by(pr), scope.Millis(s.stamp()), entryID, EntryWithdrawn)
		if err != nil {
			return errs.Internal(err, "works: screen")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.NotFound("entry")
		}
		return audit.Record(ctx, tx, audit.Event{Action: "works.screen", Entity: "works_entry", EntityID: db.FormatID(entryID), OrgPath: c.OrgPath,
			Before: map[string]any{"status": e.Status}, After: map[string]any{"status": to, "reason": reason}})
	})
	if err != nil {
		return nil, err
	}
	out, _, err := s.StaffEntry(ctx, pr, entryID)
	return out, err
}

// Judge is a staff account on a call's panel (or one that may join it).
type Judge struct {
	UserID   int64  `json:"user_id,string"`
	Name     string `json:"name"`
	Username string `json:"username"`
	OrgName  string `json:"org_name"`
	Scored   int    `json:"scored"` // entries this judge scored
	// Recused: accepted entries of the judge's own union, which the judge
	// neither reads nor scores.
	Recused int `json:"recused"`
}

// readRoles are the roles that carry contest.read: a judge holds one at
// the publisher or below.
func readRoles() []any {
	var out []any
	for _, r := range auth.Roles {
		if slices.Contains(r.Perms(), auth.PermContestRead) {
			out = append(out, string(r))
		}
	}
	return out
}

// Candidates lists staff accounts that may sit on c's panel: enabled,
// holding contest.read at the publisher or an organisation below it;
// q narrows by name or username. At most 50.
func (s *Store) Candidates(ctx context.Context, pr *auth.Principal, callID int64, q string) ([]Judge, error) {
	c, err := s.Get(ctx, pr, callID)
	if err != nil {
		return nil, err
	}
	list, err := s.candidates(ctx, s.DB, c, 0, q)
	out := make([]Judge, len(list))
	for i, j := range list {
		out[i] = j.Judge
	}
	return out, err
}

// candidate is a possible judge with the path they would be scoped by.
type candidate struct {
	Judge
	path string
}

type querier interface {
	Query(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

func (s *Store) candidates(ctx context.Context, q querier, c *Call, userID int64, name string) ([]candidate, error) {
	roles := readRoles()
	inside, args := scope.SQL("o.path", []string{c.OrgPath})
	where := "u.kind = ? AND u.disabled = ? AND g.role IN (" + db.Placeholders(len(roles)) + ") AND " + inside
	args = append(append([]any{auth.KindStaff, false}, roles...), args...)
	if userID != 0 {
		where, args = where+" AND u.id = ?", append(args, userID)
	}
	if t := strings.TrimSpace(name); t != "" {
		where += " AND (" + s.DB.ContainsFold("u.name") + " OR " + s.DB.ContainsFold("u.username") + ")"
		args = append(args, s.DB.ContainsFoldArg(t), s.DB.ContainsFoldArg(t))
	}
	rows, err := q.Query(ctx, `SELECT u.id, u.name, u.username, MIN(o.name), MIN(o.path) FROM users u JOIN grants g ON g.user_id = u.id JOIN orgs o ON o.id = g.org_id
		WHERE `+where+` GROUP BY u.id, u.name, u.username ORDER BY u.name, u.id LIMIT 50`, args...)
	return signup.All(rows, err, "works: candidates", func(sc signup.Scanner) (candidate, error) {
		var j candidate
		return j, sc.Scan(&j.UserID, &j.Name, &j.Username, &j.OrgName, &j.path)
	})
}

// Judges lists c's panel with how many entries each scored.
func (s *Store) Judges(ctx context.Context, pr *auth.Principal, callID int64) ([]Judge, error) {
	if _, err := s.Get(ctx, pr, callID); err != nil {
		return nil, err
	}
	rows, err := s.DB.Query(ctx, `SELECT u.id, u.name, u.username, o.name,
		(SELECT COUNT(*) FROM works_scores sc WHERE sc.call_id = j.call_id AND sc.judge_id = j.user_id),
		(SELECT COUNT(*) FROM works_entries e WHERE e.call_id = j.call_id AND e.status = ? AND `+aside+`)
		FROM works_judges j JOIN users u ON u.id = j.user_id JOIN orgs o ON o.id = u.org_id WHERE j.call_id = ? ORDER BY j.added_at, u.id`,
		EntryAccepted, callID)
	return signup.All(rows, err, "works: judges", func(sc signup.Scanner) (Judge, error) {
		var j Judge
		return j, sc.Scan(&j.UserID, &j.Name, &j.Username, &j.OrgName, &j.Scored, &j.Recused)
	})
}

// AddJudge puts a staff account on c's panel, until judging closes.
func (s *Store) AddJudge(ctx context.Context, pr *auth.Principal, callID, userID int64) error {
	if pr == nil {
		return scope.NilPrincipal("works: add judge")
	}
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		c, err := lock(ctx, tx, pr, callID, 0)
		if err != nil {
			return err
		}
		if p := c.PhaseAt(s.stamp()); p == PhaseJudged || p == PhaseResults || p == PhaseCancelled {
			return errs.Conflict("judging_closed", "works.judging_closed")
		}
		cands, err := s.candidates(ctx, tx, c, userID, "")
		if err != nil {
			return err
		}
		if len(cands) == 0 {
			return signup.FieldErr("user_id", "works.not_eligible")
		}
		own, end, err := ownUnion(ctx, tx, userID)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "INSERT INTO works_judges (call_id, user_id, judge_path, own_path, own_end, added_at) VALUES (?, ?, ?, ?, ?, ?)",
			callID, userID, cands[0].path, own, end, scope.Millis(s.stamp())); err != nil {
			if db.IsUnique(err) {
				return signup.FieldErr("user_id", "works.already_judge")
			}
			return errs.Internal(err, "works: add judge")
		}
		return audit.Record(ctx, tx, audit.Event{Action: "works.judge_add", Entity: "works_call", EntityID: db.FormatID(callID), OrgPath: c.OrgPath,
			After: map[string]any{"judge": cands[0].Name}})
	})
}

// RemoveJudge takes a judge off the panel, with the scores they gave.
func (s *Store) RemoveJudge(ctx context.Context, pr *auth.Principal, callID, userID int64) error {
	if pr == nil {
		return scope.NilPrincipal("works: remove judge")
	}
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		c, err := lock(ctx, tx, pr, callID, 0)
		if err != nil {
			return err
		}
		if c.ResultsAt != nil {
			return errs.Conflict("frozen", "works.frozen")
		}
		res, err := tx.Exec(ctx, "DELETE FROM works_judges WHERE call_id = ? AND user_id = ?", callID, userID)
		if err != nil {
			return errs.Internal(err, "works: remove judge")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.NotFound("judge")
		}
		if _, err := tx.Exec(ctx, "DELETE FROM works_scores WHERE call_id = ? AND judge_id = ?", callID, userID); err != nil {
			return errs.Internal(err, "works: remove judge")
		}
		return audit.Record(ctx, tx, audit.Event{Action: "works.judge_remove", Entity: "works_call", EntityID: db.FormatID(callID), OrgPath: c.OrgPath,
			Before: map[string]any{"judge": db.FormatID(userID)}})
	})
}

// seat is where a judge sits on a call's panel: the path they judge by
// (where they hold contest.read) and the range of union paths they stand
// aside from (their own union; see ownUnion).
type seat struct {
	path, ownPath, ownEnd string
}

// recuses reports whether the judge stands aside from an entry of a
// member registered at memberPath.
func (st seat) recuses(memberPath string) bool {
	return memberPath == st.ownPath || (memberPath >= st.ownPath && memberPath < st.ownEnd)
}

// aside is SQL for "entry e is of judge j's own union" (works_entries e,
// works_judges j): the judge neither reads nor scores it.
const aside = "(e.member_org_path = j.own_path OR (e.member_org_path >= j.own_path AND e.member_org_path < j.own_end))"

// asideArgs is aside with the judge's range as arguments (three of them).
const asideArgs = "(e.member_org_path = ? OR (e.member_org_path >= ? AND e.member_org_path < ?))"

// unionKinds are a union and its inner parts: a judge whose account sits
// in one of them belongs to the union at the top.
var unionKinds = []any{string(org.KindGrassroots), string(org.KindJoint), string(org.KindSub), string(org.KindGroup), string(org.KindPreparatory)}

// ownUnion is the range of union paths a staff account stands aside from
// as a judge: when its organisation is a union or inside one, that
// union's whole subtree (the topmost union above it: a sub-union's
// officer is of the whole union); at a federation, only members
// registered at that very organisation (end ""). The federation's own
// workers are in unions of their own below it, which the account's
// organisation does not name.
func ownUnion(ctx context.Context, q querier, userID int64) (path, end string, err error) {
	rows, err := q.Query(ctx, "SELECT o.path FROM users u JOIN orgs o ON o.id = u.org_id WHERE u.id = ?", userID)
	homes, err := signup.All(rows, err, "works: judge's union", func(sc signup.Scanner) (string, error) {
		var p string
		return p, sc.Scan(&p)
	})
	if err != nil || len(homes) == 0 {
		return "", "", err
	}
	home := homes[0]
	anc := auth.Ancestors(home)
	args := append(append([]any{}, unionKinds...), make([]any, len(anc))...)
	for i, a := range anc {
		args[len(unionKinds)+i] = a
	}
	rows, err = q.Query(ctx, "SELECT path FROM orgs WHERE kind IN ("+db.Placeholders(len(unionKinds))+") AND path IN ("+
		db.Placeholders(len(anc))+") ORDER BY path LIMIT 1", args...)
	top, err := signup.All(rows, err, "works: judge's union", func(sc signup.Scanner) (string, error) {
		var p string
		return p, sc.Scan(&p)
	})
	if err != nil {
		return "", "", err
	}
	if len(top) == 0 {
		return home, "", nil
	}
	return top[0], audit.PathEnd(top[0]), nil
}

// judgeSeat answers where pr judges call callID: on its panel and still
// holding contest.read there. Anyone else finds no such call.
func (s *Store) judgeSeat(ctx context.Context, pr *auth.Principal, callID int64) (seat, error) {
	var st seat
	if pr == nil || pr.Kind == auth.KindMember || pr.UserID == 0 {
		return st, errs.NotFound("call")
	}
	err := s.DB.QueryRow(ctx, "SELECT judge_path, own_path, own_end FROM works_judges WHERE call_id = ? AND user_id = ?", callID, pr.UserID).
		Scan(&st.path, &st.ownPath, &st.ownEnd)
	if errors.Is(err, sql.ErrNoRows) || err == nil && !pr.CanAt(auth.PermContestRead, st.path) {
		return st, errs.NotFound("call")
	}
	if err != nil {
		return st, errs.Internal(err, "works: judge")
	}
	return st, nil
}

// JudgeCalls lists the published calls pr sits on the panel of, soonest
// judging deadline first.
func (s *Store) JudgeCalls(ctx context.Context, pr *auth.Principal) ([]Listed, error) {
	if pr == nil || pr.UserID == 0 {
		return []Listed{}, nil
	}
	rows, err := s.DB.Query(ctx, "SELECT "+callCols+", j.judge_path"+callFrom+` JOIN works_judges j ON j.call_id = c.id
		WHERE j.user_id = ? AND c.status = ? ORDER BY c.judge_until DESC, c.id LIMIT 100`, pr.UserID, StatusPublished)
	type judged struct {
		Call
		path string
	}
	all, err := signup.All(rows, err, "works: judge calls", func(sc signup.Scanner) (judged, error) {
		var j judged
		var err error
		j.Call, err = scanCall(scanTail{sc, &j.path})
		return j, err
	})
	if err != nil {
		return nil, err
	}
	now := s.stamp()
	out := []Listed{}
	for _, j := range all {
		if !pr.CanAt(auth.PermContestRead, j.path) {
			continue
		}
		l := Listed{Call: j.Call, Phase: j.PhaseAt(now)}
		if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM works_entries e JOIN works_judges j ON j.call_id = e.call_id AND j.user_id = ?
			WHERE e.call_id = ? AND e.status = ? AND NOT `+aside+` AND NOT EXISTS
			(SELECT 1 FROM works_scores sc WHERE sc.entry_id = e.id AND sc.judge_id = j.user_id)`, pr.UserID, j.ID, EntryAccepted).Scan(&l.Entries); err != nil {
			return nil, errs.Internal(err, "works: to score")
		}
		out = append(out, l)
	}
	return out, nil
}

// scanTail scans a row's leading columns with a scanner and the rest into tail.
type scanTail struct {
	sc   signup.Scanner
	tail any
}

func (t scanTail) Scan(dest ...any) error { return t.sc.Scan(append(dest, t.tail)...) }

// BlindEntry is an entry as a judge reads it: a number in place of the
// author, the work itself, and the judge's own marks (nil before).
type BlindEntry struct {
	ID     int64    `json:"id,string"`
	Number int      `json:"number"` // 1.. in the order entries came in
	Title  string   `json:"title"`
	Body   string   `json:"body"`
	Note   string   `json:"note"`
	Photos []Photo  `json:"photos"`
	Marks  []int    `json:"marks"`           // by criterion; empty before scoring
	Total  *float64 `json:"total,omitempty"` // the judge's weighted score
}

// Judging is a call's accepted entries as one judge sees them.
type Judging struct {
	Call     *Call        `json:"call"`
	Phase    Phase        `json:"phase"`
	CanScore bool         `json:"can_score"` // judging is open
	Entries  []BlindEntry `json:"entries"`
	Scored   int          `json:"scored"`
	// Recused: accepted entries of the judge's own union, left out.
	Recused int `json:"recused"`
}

// Blind reads a call's accepted entries for one of its judges.
func (s *Store) Blind(ctx context.Context, pr *auth.Principal, callID int64) (*Judging, error) {
	st, err := s.judgeSeat(ctx, pr, callID)
	if err != nil {
		return nil, err
	}
	c, err := load(ctx, s.DB, callID)
	if err != nil {
		return nil, err
	}
	if c.Status != StatusPublished {
		return nil, errs.NotFound("call")
	}
	rows, err := s.DB.Query(ctx, `SELECT e.id, e.title, e.body, e.note, sc.marks, sc.total FROM works_entries e
		LEFT JOIN works_scores sc ON sc.entry_id = e.id AND sc.judge_id = ? WHERE e.call_id = ? AND e.status = ? AND NOT `+asideArgs+`
		ORDER BY e.created_at, e.id`, pr.UserID, callID, EntryAccepted, st.ownPath, st.ownPath, st.ownEnd)
	list, err := signup.All(rows, err, "works: blind", func(sc signup.Scanner) (BlindEntry, error) {
		var b BlindEntry
		var marks sql.NullString
		var total sql.NullInt64
		if err := sc.Scan(&b.ID, &b.Title, &b.Body, &b.Note, &marks, &total); err != nil {
			return b, err
		}
		b.Marks = []int{}
		if marks.Valid {
			if err := json.Unmarshal([]byte(marks.String), &b.Marks); err != nil {
				return b, err
			}
			v := float64(total.Int64) / 100
			b.Total = &v
		}
		return b, nil
	})
	if err != nil {
		return nil, err
	}
	j := &Judging{Call: c, Phase: c.PhaseAt(s.stamp()), Entries: list}
	j.CanScore = j.Phase == PhaseJudging
	if err := s.DB.QueryRow(ctx, "SELECT COUNT(*) FROM works_entries e WHERE e.call_id = ? AND e.status = ? AND "+asideArgs,
		callID, EntryAccepted, st.ownPath, st.ownPath, st.ownEnd).Scan(&j.Recused); err != nil {
		return nil, errs.Internal(err, "works: recused")
	}
	withPhotos := make([]Entry, len(list))
	for i := range list {
		withPhotos[i].ID = list[i].ID
	}
	if err := s.photos(ctx, withPhotos); err != nil {
		return nil, err
	}
	for i := range list {
		list[i].Number, list[i].Photos = i+1, withPhotos[i].Photos
		if list[i].Total != nil {
			j.Scored++
		}
	}
	return j, nil
}

// Weighted is a judge's score of marks (0..100 by criterion) in
// hundredths: the marks weighted by the criteria's percentages.
func Weighted(criteria []Criterion, marks []int) int {
	t := 0
	for i, c := range criteria {
		t += marks[i] * c.Weight
	}
	return t
}

// Final is an entry's final score in hundredths from its judges' weighted
// scores: their mean, rounded, after dropping the highest and the lowest
// when TrimFrom or more judges scored (trimmed).
func Final(totals []int) (score int, trimmed bool) {
	if len(totals) == 0 {
		return 0, false
	}
	t := slices.Clone(totals)
	slices.Sort(t)
	if len(t) >= TrimFrom {
		t, trimmed = t[1:len(t)-1], true
	}
	sum := 0
	for _, v := range t {
		sum += v
	}
	return (2*sum + len(t)) / (2 * len(t)), trimmed
}

// Score records a judge's marks for an accepted entry of a call they
// judge, while judging is open; scoring again revises the same score.
func (s *Store) Score(ctx context.Context, pr *auth.Principal, entryID int64, marks []int) (*BlindEntry, error) {
	var callID int64
	var status EntryStatus
	var memberPath string
	err := s.DB.QueryRow(ctx, "SELECT call_id, status, member_org_path FROM works_entries WHERE id = ?", entryID).Scan(&callID, &status, &memberPath)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFound("entry")
	}
	if err != nil {
		return nil, errs.Internal(err, "works: score")
	}
	// An entry of the judge's own union is not theirs to score: as for
	// one they may not see at all, there is no such entry.
	if st, err := s.judgeSeat(ctx, pr, callID); err != nil || st.recuses(memberPath) {
		return nil, errs.NotFound("entry")
	}
	c, err := load(ctx, s.DB, callID)
	if err != nil {
		return nil, err
	}
	if status != EntryAccepted {
		return nil, errs.NotFound("entry")
	}
	if c.PhaseAt(s.stamp()) != PhaseJudging {
		return nil, errs.Conflict("not_judging", "works.not_judging")
	}
	f := errs.Fields{}
	if f.Check(len(marks) == len(c.Criteria), "marks", "works.marks_count", len(c.Criteria)) {
		for i, m := range marks {
			f.Check(m >= 0 && m <= 100, "marks."+itoa(i), "field.out_of_range", 0, 100)
		}
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	total := Weighted(c.Criteria, marks)
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		// The entry's row lock orders a judge's racing requests; the
		// primary key (entry, judge) keeps one score each.
		if err := tx.LockRows(ctx, "SELECT id FROM works_entries WHERE id = ?", entryID); err != nil {
			return errs.Internal(err, "works: lock entry")
		}
		ms := scope.Millis(s.stamp())
		res, err := tx.Exec(ctx, "UPDATE works_scores SET marks = ?, total = ?, scored_at = ? WHERE entry_id = ? AND judge_id = ?",
			jsonText(marks), total, ms, entryID, pr.UserID)
		if err != nil {
			return errs.Internal(err, "works: score")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			if _, err := tx.Exec(ctx, "INSERT INTO works_scores (entry_id, judge_id, call_id, marks, total, scored_at) VALUES (?, ?, ?, ?, ?, ?)",
				entryID, pr.UserID, callID, jsonText(marks), total, ms); err != nil {
				return errs.Internal(err, "works: score")
			}
		}
		return audit.Record(ctx, tx, audit.Event{Action: "works.score", Entity: "works_entry", EntityID: db.FormatID(entryID), OrgPath: c.OrgPath,
			After: map[string]any{"marks": marks, "total": float64(total) / 100}})
	})
	if err != nil {
		return nil, err
	}
	v := float64(total) / 100
	return &BlindEntry{ID: entryID, Marks: marks, Total: &v}, nil
}

func itoa(i int) string { return db.FormatID(int64(i)) }

// Award works out the final scores once judging has closed, ranks the
// accepted entries by them (ties: the earlier entry first) and gives the
// call's tiers by rank: the first Count of the first tier, the next of the
// second, and so on. Entries no judge scored are not ranked. It may run
// again (a late screening) until the results are published.
func (s *Store) Award(ctx context.Context, pr *auth.Principal, callID int64) (*Call, error) {
	if pr == nil {
		return nil, scope.NilPrincipal("works: award")
	}
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		c, err := lock(ctx, tx, pr, callID, 0)
		if err != nil {
			return err
		}
		if p := c.PhaseAt(s.stamp()); p != PhaseJudged {
			return errs.Conflict("not_judged", "works.not_judged")
		}
		rows, err := tx.Query(ctx, `SELECT e.id, sc.total FROM works_entries e JOIN works_scores sc ON sc.entry_id = e.id
			JOIN works_judges j ON j.call_id = e.call_id AND j.user_id = sc.judge_id
			WHERE e.call_id = ? AND e.status = ? AND NOT `+aside+` ORDER BY e.created_at, e.id`, callID, EntryAccepted)
		type mark struct{ id, total int64 }
		marks, err := signup.All(rows, err, "works: award", func(sc signup.Scanner) (mark, error) {
			var m mark
			return m, sc.Scan(&m.id, &m.total)
		})
		if err != nil {
			return err
		}
		var order []int64
		totals := map[int64][]int{}
		for _, m := range marks {
			if _, ok := totals[m.id]; !ok {
				order = append(order, m.id)
			}
			totals[m.id] = append(totals[m.id], int(m.total))
		}
		final := map[int64]int{}
		for id, t := range totals {
			final[id], _ = Final(t)
		}
		// order is by arrival: a stable sort keeps the earlier entry first on ties.
		slices.SortStableFunc(order, func(a, b int64) int { return final[b] - final[a] })
		now := scope.Millis(s.stamp())
		if _, err := tx.Exec(ctx, "UPDATE works_entries SET score = NULL, judges = 0, place = 0, award = '' WHERE call_id = ?", callID); err != nil {
			return errs.Internal(err, "works: award")
		}
		tier, left := 0, 0
		if len(c.Tiers) > 0 {
			left = c.Tiers[0].Count
		}
		awarded := 0
		for i, id := range order {
			award := ""
			for tier < len(c.Tiers) && left == 0 {
				tier++
				if tier < len(c.Tiers) {
					left = c.Tiers[tier].Count
				}
			}
			if tier < len(c.Tiers) {
				award, left = c.Tiers[tier].Name, left-1
				awarded++
			}
			if _, err := tx.Exec(ctx, "UPDATE works_entries SET score = ?, judges = ?, place = ?, award = ? WHERE id = ?",
				final[id], len(totals[id]), i+1, award, id); err != nil {
				return errs.Internal(err, "works: award")
			}
		}
		if _, err := tx.Exec(ctx, "UPDATE works_calls SET ranked_at = ?, version = version + 1, updated_at = ? WHERE id = ?", now, now, callID); err != nil {
			return errs.Internal(err, "works: award")
		}
		return audit.Record(ctx, tx, audit.Event{Action: "works.award", Entity: "works_call", EntityID: db.FormatID(callID), OrgPath: c.OrgPath,
			After: map[string]any{"ranked": len(order), "awarded": awarded}})
	})
	if err != nil {
		return nil, err
	}
	return load(ctx, s.DB, callID)
}

// PublishResults shows the winners (names with their union) on the
// members' pages; from then on the call stays as it is.
func (s *Store) PublishResults(ctx context.Context, pr *auth.Principal, callID int64) (*Call, error) {
	if pr == nil {
		return nil, scope.NilPrincipal("works: results")
	}
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		c, err := lock(ctx, tx, pr, callID, 0)
		if err != nil {
			return err
		}
		if c.ResultsAt != nil {
			return errs.Conflict("published", "works.results_out")
		}
		if c.RankedAt == nil || c.PhaseAt(s.stamp()) != PhaseJudged {
			return errs.Conflict("not_ranked", "works.not_ranked")
		}
		now := scope.Millis(s.stamp())
		if _, err := tx.Exec(ctx, "UPDATE works_calls SET results_at = ?, version = version + 1, updated_at = ? WHERE id = ?", now, now, callID); err != nil {
			return errs.Internal(err, "works: results")
		}
		return audit.Record(ctx, tx, audit.Event{Action: "works.results", Entity: "works_call", EntityID: db.FormatID(callID), OrgPath: c.OrgPath})
	})
	if err != nil {
		return nil, err
	}
	return load(ctx, s.DB, callID)
}

// Winners lists a call's awarded entries for its staff.
func (s *Store) Winners(ctx context.Context, pr *auth.Principal, callID int64) ([]Winner, error) {
	if _, err := s.Get(ctx, pr, callID); err != nil {
		return nil, err
	}
	return s.winners(ctx, callID)
}
