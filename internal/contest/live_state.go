package contest

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"gonghui/internal/contest/bank"
	"gonghui/internal/errs"
	"gonghui/internal/scope"
)

// LiveState is a session as its screens show it: the host screen and the
// phones get the same state (the key only once revealed); a phone's state
// adds Me.
type LiveState struct {
	SessionID  int64         `json:"session_id,string"`
	ContestID  int64         `json:"contest_id,string"`
	Title      string        `json:"title"`
	Code       string        `json:"code"`
	Mode       LiveMode      `json:"mode"`
	Phase      LivePhase     `json:"phase"`
	Version    int           `json:"version"`
	Position   int           `json:"position"` // the question shown, 0 first; -1 in the lobby
	Total      int           `json:"total"`
	Seconds    int           `json:"seconds"`
	SpeedBonus bool          `json:"speed_bonus"`
	Question   *LiveQuestion `json:"question,omitempty"` // absent in the lobby and once ended
	OpenedAt   *time.Time    `json:"opened_at,omitempty"`
	ClosesAt   *time.Time    `json:"closes_at,omitempty"`
	Remaining  int           `json:"remaining_ms"` // while open, by the server's clock when sent
	Now        time.Time     `json:"now"`
	Answers    int           `json:"answers"` // answers to the question shown
	Joined     int           `json:"joined"`
	Names      []string      `json:"names"`           // who joined, newest first (at most LiveNames)
	Tally      []int         `json:"tally,omitempty"` // once closed: see LiveQuestion
	Right      []int         `json:"right,omitempty"` // once revealed: the right entries of Tally
	Blanks     [][]string    `json:"blanks,omitempty"`
	Explain    string        `json:"explanation,omitempty"`
	Board      []LiveRow     `json:"board"` // the top LiveBoardSize, counting revealed questions
	CanRun     bool          `json:"can_run,omitempty"`
	Me         *LiveMe       `json:"me,omitempty"`
}

// LiveQuestion is the question shown, without its key. Tally counts per
// option as shown (single and multiple choice), true then false (true or
// false), right then wrong (fill in the blanks).
type LiveQuestion struct {
	Position int       `json:"position"`
	Type     bank.Type `json:"type"`
	Stem     string    `json:"stem"`
	Options  []string  `json:"options,omitempty"`
	Blanks   int       `json:"blanks,omitempty"`
	Points   int       `json:"points"`
}

// LiveRow is a participant on the board; ties share a rank.
type LiveRow struct {
	Rank    int    `json:"rank"`
	ID      int64  `json:"id,string"` // the member or the team
	Name    string `json:"name"`
	Score   int    `json:"score"`
	TimeMS  int64  `json:"time_ms"` // time taken by the answers that earned points
	Answers int    `json:"answers"`
}

// LiveMe is where the phone's member stands.
type LiveMe struct {
	Joined   bool         `json:"joined"`
	Name     string       `json:"name,omitempty"` // theirs, or their team's
	Answered bool         `json:"answered"`       // the question shown (by them or a teammate)
	Answer   *bank.Answer `json:"answer,omitempty"`
	Teammate bool         `json:"teammate,omitempty"` // the answer is a teammate's
	Credit   *bank.Credit `json:"credit,omitempty"`   // once revealed
	Points   int          `json:"points"`             // once revealed
	Score    int          `json:"score"`
	Rank     int          `json:"rank"` // 0 until a question counts
	Of       int          `json:"of"`
}

// liveGiven is an answer as stored.
type liveGiven struct {
	member int64
	answer bank.Answer
	credit bank.Credit
	points int
}

// liveSnap is everything the screens of a session are shown at one
// version, read once and shared by every screen of the process.
type liveSnap struct {
	row       liveRow
	state     LiveState
	ranks     map[int64]LiveRow   // by participant
	given     map[int64]liveGiven // the question shown, by participant
	joinedBy  map[int64]int64     // member -> participant
	names     map[int64]string    // participant -> name
	shownUpTo int                 // positions counted on the board
}

type liveViewer struct {
	host, canRun bool
	member       int64
}

// liveSnapshot reads session id as its screens show it.
func (s *Store) liveSnapshot(ctx context.Context, id int64) (*liveSnap, error) {
	r, err := s.liveByID(ctx, s.DB, id)
	if err != nil {
		return nil, err
	}
	c, err := load(ctx, s.DB, r.contestID)
	if err != nil {
		return nil, err
	}
	p := &Paper{}
	if err := json.Unmarshal([]byte(r.paper), p); err != nil {
		return nil, errs.Internal(err, "contest: read live paper")
	}
	now := s.stamp()
	ph := r.effective(now)
	sn := &liveSnap{row: *r, ranks: map[int64]LiveRow{}, given: map[int64]liveGiven{}, joinedBy: map[int64]int64{}, names: map[int64]string{}}
	st := &sn.state
	*st = LiveState{SessionID: r.id, ContestID: r.contestID, Title: c.Title, Code: r.code, Mode: r.mode, Phase: ph, Version: r.version,
		Position: r.position, Total: len(p.Questions), Seconds: r.seconds, SpeedBonus: r.bonus, Names: []string{}, Board: []LiveRow{}}
	if r.openedAt != 0 {
		o, cl := scope.FromMillis(r.openedAt), scope.FromMillis(r.closesAt)
		st.OpenedAt, st.ClosesAt = &o, &cl
	}

	// Who joined.
	rows, err := s.DB.Query(ctx, "SELECT id, name FROM live_participants WHERE session_id = ? ORDER BY joined_at DESC, id", r.id)
	if err != nil {
		return nil, errs.Internal(err, "contest: live participants")
	}
	for rows.Next() {
		var pid int64
		var name string
		if err := rows.Scan(&pid, &name); err != nil {
			rows.Close()
			return nil, errs.Internal(err, "contest: live participants")
		}
		sn.names[pid] = name
		if len(st.Names) < LiveNames {
			st.Names = append(st.Names, name)
		}
	}
	rows.Close()
	st.Joined = len(sn.names)
	rows, err = s.DB.Query(ctx, "SELECT member_id, participant_id FROM live_members WHERE session_id = ?", r.id)
	if err != nil {
		return nil, errs.Internal(err, "contest: live members")
	}
	for rows.Next() {
		var m, pid int64
		if err := rows.Scan(&m, &pid); err != nil {
			rows.Close()
			return nil, errs.Internal(err, "contest: live members")
		}
		sn.joinedBy[m] = pid
	}
	rows.Close()

	// The question shown and its answers.
	var pq *PaperQuestion
	if r.position >= 0 && r.position < len(p.Questions) {
		pq = &p.Questions[r.position]
		rows, err = s.DB.Query(ctx, "SELECT participant_id, member_id, answer, credit, points FROM live_answers WHERE session_id = ? AND position = ?",
			r.id, r.position)
		if err != nil {
			return nil, errs.Internal(err, "contest: live answers")
		}
		for rows.Next() {
			var pid int64
			var g liveGiven
			var raw string
			if err := rows.Scan(&pid, &g.member, &raw, &g.credit, &g.points); err != nil {
				rows.Close()
				return nil, errs.Internal(err, "contest: live answers")
			}
			_ = json.Unmarshal([]byte(raw), &g.answer)
			sn.given[pid] = g
		}
		rows.Close()
		st.Answers = len(sn.given)
		if ph != LiveEnded {
			st.Question = &LiveQuestion{Position: r.position, Type: pq.Type, Stem: pq.Stem, Options: pq.Options, Blanks: len(pq.Key.Blanks), Points: pq.Points}
		}
	}
	revealed := ph == LiveRevealed || ph == LiveEnded
	if pq != nil && ph != LiveOpen && st.Question != nil {
		st.Tally = tally(pq, sn.given)
		if revealed {
			switch pq.Type {
			case bank.Single, bank.Multiple:
				st.Right = pq.shownKey()
			case bank.TrueFalse:
				st.Right = []int{boolIndex(!pq.Key.True)}
			case bank.Blank:
				st.Right, st.Blanks = []int{0}, pq.Key.Blanks
			}
			st.Explain = pq.Explanation
		}
	}

	// The board: every question up to the one shown, that one once revealed.
	sn.shownUpTo = r.position - 1
	if revealed {
		sn.shownUpTo = r.position
	}
	if err := s.liveStandings(ctx, sn); err != nil {
		return nil, err
	}
	return sn, nil
}

func boolIndex(b bool) int {
	if b {
		return 1
	}
	return 0
}

// tally counts the answers to pq (see LiveQuestion).
func tally(pq *PaperQuestion, given map[int64]liveGiven) []int {
	var out []int
	switch pq.Type {
	case bank.Single, bank.Multiple:
		out = make([]int, len(pq.Options))
		for _, g := range given {
			for _, c := range g.answer.Choices {
				if c >= 0 && c < len(out) {
					out[c]++
				}
			}
		}
	case bank.TrueFalse:
		out = make([]int, 2)
		for _, g := range given {
			if g.answer.True != nil {
				out[boolIndex(!*g.answer.True)]++
			}
		}
	default:
		out = make([]int, 2)
		for _, g := range given {
			out[boolIndex(g.credit != bank.Right)]++
		}
	}
	return out
}

// liveStandings ranks every participant by the answers up to
// sn.shownUpTo: score, then time, then name.
func (s *Store) liveStandings(ctx context.Context, sn *liveSnap) error {
	totals := map[int64]*LiveRow{}
	for pid, name := range sn.names {
		totals[pid] = &LiveRow{ID: pid, Name: name}
	}
	if sn.shownUpTo >= 0 {
		rows, err := s.DB.Query(ctx, `SELECT participant_id, SUM(points), SUM(CASE WHEN points > 0 THEN time_ms ELSE 0 END), COUNT(*)
			FROM live_answers WHERE session_id = ? AND position <= ? GROUP BY participant_id`, sn.row.id, sn.shownUpTo)
		if err != nil {
			return errs.Internal(err, "contest: live board")
		}
		defer rows.Close()
		for rows.Next() {
			var pid int64
			var score, n int
			var ms int64
			if err := rows.Scan(&pid, &score, &ms, &n); err != nil {
				return errs.Internal(err, "contest: live board")
			}
			if t := totals[pid]; t != nil {
				t.Score, t.TimeMS, t.Answers = score, ms, n
			}
		}
		if err := rows.Err(); err != nil {
			return errs.Internal(err, "contest: live board")
		}
	}
	all := make([]*LiveRow, 0, len(totals))
	for _, t := range totals {
		all = append(all, t)
	}
	slices.SortFunc(all, func(a, b *LiveRow) int {
		switch {
		case a.Score != b.Score:
			return b.Score - a.Score
		case a.TimeMS != b.TimeMS:
			if a.TimeMS < b.TimeMS {
				return -1
			}
			return 1
		}
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		if a.ID < b.ID {
			return -1
		}
		return 1
	})
	for i, t := range all {
		t.Rank = i + 1
		if i > 0 && t.Score == all[i-1].Score && t.TimeMS == all[i-1].TimeMS {
			t.Rank = all[i-1].Rank
		}
		sn.ranks[t.ID] = *t
		if i < LiveBoardSize {
			sn.state.Board = append(sn.state.Board, *t)
		}
	}
	return nil
}

// view is the snapshot as one screen gets it at now.
func (sn *liveSnap) view(now time.Time, v liveViewer) LiveState {
	st := sn.state
	st.Now = now
	st.Phase = sn.row.effective(now)
	if st.Phase == LiveOpen {
		st.Remaining = max(int(sn.row.closesAt-scope.Millis(now)), 0)
	}
	st.CanRun = v.host && v.canRun
	if v.host {
		return st
	}
	me := &LiveMe{Of: len(sn.names)}
	st.Me = me
	pid, ok := sn.joinedBy[v.member]
	if !ok {
		return st
	}
	me.Joined, me.Name = true, sn.names[pid]
	if rk, ok := sn.ranks[pid]; ok && sn.shownUpTo >= 0 { // no rank before a question counts
		me.Score, me.Rank = rk.Score, rk.Rank
	}
	if g, ok := sn.given[pid]; ok && st.Question != nil {
		a := g.answer
		me.Answered, me.Answer, me.Teammate = true, &a, g.member != v.member
		if st.Phase == LiveRevealed {
			c := g.credit
			me.Credit, me.Points = &c, g.points
		}
	}
	return st
}
