package contest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"math/big"
	mrand "math/rand/v2"
	"slices"
	"time"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/contest/bank"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/scope"
	"gonghui/internal/signup"
)

// Live sessions (现场竞赛): staff who run a contest start a session on a
// host screen; members join from their phones with the session's code and
// answer one question at a time while the host keeps it open; the board
// follows.
//
// The session's paper is drawn once from the contest's sections (options
// shuffled once, if the contest shuffles them) and copied into the session
// row: everyone answers the same questions, and a later edit of a bank
// changes nothing. Short answers cannot be graded live and are left out.
//
// Everything lives in the database: the phase, the question shown, when it
// opened and closes (by the server's clock), the answers. A reloaded host
// page, another browser or another server process reads where the session
// stands. Host steps are conditional updates on the row's version (two
// presses of "next" move one question on); an answer is an insert that
// holds only while the question is open (closes_at plus LiveGrace), and the
// answers' primary key (session, question, participant) keeps one answer
// per participant and question across processes.
//
// Participants are members (individual mode) or the contest's teams (team
// mode: a member answers for their team, and the team's first answer
// counts). A right answer earns the question's points, half of them for a
// partly right multiple choice when the contest gives partial credit; with
// the speed bonus on, a right answer earns up to half its points again,
// falling linearly from the opening to the end of the question's time
// (floor(points × time left / time allowed / 2)). The board sorts by score,
// then by the total time taken by the answers that earned points, then by
// name.

// LiveMode says who answers.
type LiveMode string

const (
	LiveIndividual LiveMode = "individual"
	LiveTeams      LiveMode = "team"
)

// LiveModes lists the modes.
var LiveModes = []LiveMode{LiveIndividual, LiveTeams}

// LivePhase is where a session stands, as the server's clock sees it.
type LivePhase string

const (
	LiveLobby    LivePhase = "lobby"    // joining; no question yet
	LiveOpen     LivePhase = "open"     // a question takes answers
	LiveClosed   LivePhase = "closed"   // its time is up (or the host closed it)
	LiveRevealed LivePhase = "revealed" // its right answer is shown
	LiveEnded    LivePhase = "ended"
)

// LivePhases lists the phases in order.
var LivePhases = []LivePhase{LiveLobby, LiveOpen, LiveClosed, LiveRevealed, LiveEnded}

// Limits of a live session.
const (
	LiveMinSeconds     = 5
	LiveMaxSeconds     = 300
	LiveDefaultSeconds = 20
	// LiveGrace: an answer sent just before the question closed may still
	// arrive (a phone on a slow network); later ones are refused.
	LiveGrace     = 2 * time.Second
	LiveBoardSize = 10
	LiveNames     = 40 // names of those who joined, newest first, on the host screen
	liveCodeLen   = 6
)

// LiveInput is what staff choose when they start a session.
type LiveInput struct {
	Mode       LiveMode `json:"mode"`    // "": individual
	Seconds    int      `json:"seconds"` // per question; 0: LiveDefaultSeconds
	SpeedBonus bool     `json:"speed_bonus"`
}

// LiveSession is a session as staff list them.
type LiveSession struct {
	ID         int64      `json:"id,string"`
	ContestID  int64      `json:"contest_id,string"`
	Code       string     `json:"code"`
	Mode       LiveMode   `json:"mode"`
	Seconds    int        `json:"seconds"`
	SpeedBonus bool       `json:"speed_bonus"`
	Phase      LivePhase  `json:"phase"`
	Position   int        `json:"position"` // the question shown, 0 first; -1 in the lobby
	Questions  int        `json:"questions"`
	Joined     int        `json:"joined"`
	CreatedAt  time.Time  `json:"created_at"`
	EndedAt    *time.Time `json:"ended_at,omitempty"`
}

// liveRow is a live_sessions row.
type liveRow struct {
	id, contestID      int64
	code               string
	mode               LiveMode
	seconds            int
	bonus, partial     bool
	paper              string
	phase              LivePhase // as stored: lobby, open, revealed, ended
	position           int
	openedAt, closesAt int64
	version            int
	createdAt, endedAt int64
}

const liveCols = `id, contest_id, code, mode, seconds, speed_bonus, partial, paper, phase, position, opened_at, closes_at, version, created_at, ended_at`

func scanLive(sc interface{ Scan(...any) error }) (liveRow, error) {
	var r liveRow
	var bonus, partial int
	err := sc.Scan(&r.id, &r.contestID, &r.code, &r.mode, &r.seconds, &bonus, &partial, &r.paper, &r.phase, &r.position, &r.openedAt,
		&r.closesAt, &r.version, &r.createdAt, &r.endedAt)
	r.bonus, r.partial = bonus == 1, partial == 1
	return r, err
}

// effective is the row's phase at now: an open question whose time has
// passed is closed.
func (r *liveRow) effective(now time.Time) LivePhase {
	if r.phase == LiveOpen && scope.Millis(now) >= r.closesAt {
		return LiveClosed
	}
	return r.phase
}

func (s *Store) liveByID(ctx context.Context, q queryer, id int64) (*liveRow, error) {
	r, err := scanLive(q.QueryRow(ctx, "SELECT "+liveCols+" FROM live_sessions WHERE id = ?", id))
	if err == sql.ErrNoRows {
		return nil, errs.NotFound("live_session")
	}
	if err != nil {
		return nil, errs.Internal(err, "contest: read live session")
	}
	return &r, nil
}

func (s *Store) liveByCode(ctx context.Context, code string) (*liveRow, error) {
	r, err := scanLive(s.DB.QueryRow(ctx, "SELECT "+liveCols+" FROM live_sessions WHERE code = ?", NormaliseLiveCode(code)))
	if err == sql.ErrNoRows {
		return nil, errs.NotFound("live_session")
	}
	if err != nil {
		return nil, errs.Internal(err, "contest: read live session")
	}
	return &r, nil
}

// NormaliseLiveCode keeps the digits of a typed code (people type spaces
// and full-width digits).
func NormaliseLiveCode(code string) string {
	out := make([]rune, 0, liveCodeLen)
	for _, c := range code {
		switch {
		case c >= '0' && c <= '9':
			out = append(out, c)
		case c >= '０' && c <= '９':
			out = append(out, '0'+(c-'０'))
		}
		if len(out) > liveCodeLen {
			break
		}
	}
	return string(out)
}

func newLiveCode() string {
	n, _ := rand.Int(rand.Reader, big.NewInt(900000))
	return big.NewInt(0).Add(n, big.NewInt(100000)).String()
}

// hostSession reads session id of contest contestID for staff who see the
// contest (write: who run it); anything else is missing.
func (s *Store) hostSession(ctx context.Context, pr *auth.Principal, contestID, id int64, write bool) (*liveRow, *Contest, error) {
	c, _, err := s.View(ctx, pr, contestID)
	if err != nil {
		return nil, nil, err
	}
	r, err := s.liveByID(ctx, s.DB, id)
	if err != nil {
		return nil, nil, err
	}
	if r.contestID != c.ID {
		return nil, nil, errs.NotFound("live_session")
	}
	if write {
		if err := rule.Writable(pr, c.OrgPath); err != nil {
			return nil, nil, err
		}
	}
	return r, c, nil
}

// livePaper draws the session's paper: the contest's draw, without short
// answers.
func (s *Store) livePaper(ctx context.Context, c *Contest) (*Paper, error) {
	p, err := s.draw(ctx, c, mrand.New(mrand.NewPCG(uint64(db.NewID()), uint64(time.Now().UnixNano()))))
	if err != nil {
		return nil, err
	}
	p.Questions = slices.DeleteFunc(p.Questions, func(q PaperQuestion) bool { return q.Type == bank.Short })
	if len(p.Questions) == 0 {
		return nil, errs.Conflict("no_live_questions", "live.no_questions")
	}
	return p, nil
}

// StartLive starts a live session of a contest the caller runs.
func (s *Store) StartLive(ctx context.Context, pr *auth.Principal, contestID int64, in LiveInput) (*LiveSession, error) {
	c, _, err := s.View(ctx, pr, contestID)
	if err != nil {
		return nil, err
	}
	if err := rule.Writable(pr, c.OrgPath); err != nil {
		return nil, err
	}
	f := errs.Fields{}
	if in.Mode == "" {
		in.Mode = LiveIndividual
	}
	if in.Seconds == 0 {
		in.Seconds = LiveDefaultSeconds
	}
	f.Check(slices.Contains(LiveModes, in.Mode), "mode", "field.invalid_choice")
	f.Check(in.Seconds >= LiveMinSeconds && in.Seconds <= LiveMaxSeconds, "seconds", "field.out_of_range", LiveMinSeconds, LiveMaxSeconds)
	if in.Mode == LiveTeams {
		var n int
		if err := s.DB.QueryRow(ctx, "SELECT COUNT(*) FROM contest_teams WHERE contest_id = ?", contestID).Scan(&n); err != nil {
			return nil, errs.Internal(err, "contest: count teams")
		}
		f.Check(n > 0, "mode", "live.no_teams")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	if c.Status == StatusCancelled {
		return nil, errs.Conflict("cancelled", "live.cancelled")
	}
	p, err := s.livePaper(ctx, c)
	if err != nil {
		return nil, err
	}
	raw, _ := json.Marshal(p)
	id, now := db.NewID(), scope.Millis(s.stamp())
	var code string
	for range 8 {
		code = newLiveCode()
		err = s.DB.Tx(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, `INSERT INTO live_sessions (id, contest_id, code, mode, seconds, speed_bonus, partial, paper, phase, started_by,
				created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, contestID, code, in.Mode, in.Seconds, boolInt(in.SpeedBonus),
				boolInt(c.PartialCredit), string(raw), LiveLobby, nullUser(pr), now, now)
			if err != nil {
				return err
			}
			return audit.Record(ctx, tx, audit.Event{Action: "contest.live_start", Entity: "contest", EntityID: db.FormatID(c.ID), OrgPath: c.OrgPath,
				After: map[string]any{"session": db.FormatID(id), "mode": in.Mode, "seconds": in.Seconds, "speed_bonus": in.SpeedBonus, "questions": len(p.Questions)}})
		})
		if !db.IsUnique(err) {
			break
		}
	}
	if err != nil {
		return nil, wrapErr(err, "contest: start live session")
	}
	return s.liveSession(ctx, id)
}

func nullUser(pr *auth.Principal) any {
	if pr.UserID != 0 {
		return pr.UserID
	}
	return nil
}

func (s *Store) liveSession(ctx context.Context, id int64) (*LiveSession, error) {
	r, err := s.liveByID(ctx, s.DB, id)
	if err != nil {
		return nil, err
	}
	return s.liveListed(ctx, r)
}

func (s *Store) liveListed(ctx context.Context, r *liveRow) (*LiveSession, error) {
	out := &LiveSession{ID: r.id, ContestID: r.contestID, Code: r.code, Mode: r.mode, Seconds: r.seconds, SpeedBonus: r.bonus,
		Phase: r.effective(s.stamp()), Position: r.position, CreatedAt: scope.FromMillis(r.createdAt)}
	if r.endedAt != 0 {
		t := scope.FromMillis(r.endedAt)
		out.EndedAt = &t
	}
	var p struct {
		Questions []json.RawMessage `json:"questions"`
	}
	_ = json.Unmarshal([]byte(r.paper), &p)
	out.Questions = len(p.Questions)
	if err := s.DB.QueryRow(ctx, "SELECT COUNT(*) FROM live_participants WHERE session_id = ?", r.id).Scan(&out.Joined); err != nil {
		return nil, errs.Internal(err, "contest: count participants")
	}
	return out, nil
}

// LiveSessions lists a contest's sessions, newest first (at most 50), for
// staff who see the contest.
func (s *Store) LiveSessions(ctx context.Context, pr *auth.Principal, contestID int64) ([]LiveSession, error) {
	if _, _, err := s.View(ctx, pr, contestID); err != nil {
		return nil, err
	}
	rows, err := s.DB.Query(ctx, "SELECT "+liveCols+" FROM live_sessions WHERE contest_id = ? ORDER BY created_at DESC, id DESC LIMIT 50", contestID)
	all, err := signup.All(rows, err, "contest: live sessions", func(sc signup.Scanner) (liveRow, error) { return scanLive(sc) })
	if err != nil {
		return nil, err
	}
	out := []LiveSession{}
	for i := range all {
		l, err := s.liveListed(ctx, &all[i])
		if err != nil {
			return nil, err
		}
		out = append(out, *l)
	}
	return out, nil
}

// LiveStep is a host's step.
type LiveStep string

const (
	StepNext   LiveStep = "next"   // open the next question for the session's seconds
	StepClose  LiveStep = "close"  // close the open question early
	StepReveal LiveStep = "reveal" // show the right answer of the closed question
	StepEnd    LiveStep = "end"    // end the session
)

// LiveSteps lists the steps.
var LiveSteps = []LiveStep{StepNext, StepClose, StepReveal, StepEnd}

// LiveAct takes a host's step at the version the host saw (0: as it is
// now). A step that does not fit the phase, or a stale version (another
// screen moved first), is a conflict and changes nothing.
func (s *Store) LiveAct(ctx context.Context, pr *auth.Principal, contestID, id int64, step LiveStep, version int) (*LiveState, error) {
	r, c, err := s.hostSession(ctx, pr, contestID, id, true)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(LiveSteps, step) {
		return nil, signup.FieldErr("step", "field.invalid_choice")
	}
	if version != 0 && version != r.version {
		return nil, errs.Conflict("stale", "live.stale")
	}
	nowT := s.stamp()
	now := scope.Millis(nowT)
	ph := r.effective(nowT)
	total := livePaperLen(r.paper)
	var set string
	var args []any
	after := map[string]any{"session": db.FormatID(r.id), "position": r.position}
	switch step {
	case StepNext:
		switch {
		case ph == LiveEnded:
			return nil, errs.Conflict("ended", "live.ended")
		case ph == LiveOpen:
			return nil, errs.Conflict("still_open", "live.still_open")
		case r.position+1 >= total:
			return nil, errs.Conflict("no_more", "live.no_more")
		}
		set, args = "phase = ?, position = position + 1, opened_at = ?, closes_at = ?", []any{LiveOpen, now, now + int64(r.seconds)*1000}
		after["position"] = r.position + 1
	case StepClose:
		if ph != LiveOpen {
			return nil, errs.Conflict("not_open", "live.not_open")
		}
		set, args = "closes_at = ?", []any{now}
	case StepReveal:
		if ph != LiveClosed {
			return nil, errs.Conflict("not_closed", "live.not_closed")
		}
		set, args = "phase = ?", []any{LiveRevealed}
	case StepEnd:
		if ph == LiveEnded {
			return nil, errs.Conflict("ended", "live.ended")
		}
		set, args = "phase = ?, ended_at = ?, closes_at = CASE WHEN closes_at > ? THEN ? ELSE closes_at END", []any{LiveEnded, now, now, now}
	}
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, "UPDATE live_sessions SET "+set+", version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
			append(args, now, r.id, r.version)...)
		if err != nil {
			return errs.Internal(err, "contest: live step")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.Conflict("stale", "live.stale")
		}
		ev := audit.Event{Entity: "contest", EntityID: db.FormatID(c.ID), OrgPath: c.OrgPath, After: after}
		switch step {
		case StepNext:
			ev.Action = "contest.live_next"
		case StepReveal:
			ev.Action = "contest.live_reveal"
		case StepEnd:
			ev.Action = "contest.live_end"
		default:
			return nil // closing early belongs to the question's step, which is recorded
		}
		return audit.Record(ctx, tx, ev)
	})
	if err != nil {
		return nil, err
	}
	return s.hostState(ctx, pr, c, r.id)
}

func livePaperLen(raw string) int {
	var p struct {
		Questions []json.RawMessage `json:"questions"`
	}
	_ = json.Unmarshal([]byte(raw), &p)
	return len(p.Questions)
}

// LiveHostState is the session as the host screen shows it, read afresh.
func (s *Store) LiveHostState(ctx context.Context, pr *auth.Principal, contestID, id int64) (*LiveState, error) {
	r, c, err := s.hostSession(ctx, pr, contestID, id, false)
	if err != nil {
		return nil, err
	}
	return s.hostState(ctx, pr, c, r.id)
}

func (s *Store) hostState(ctx context.Context, pr *auth.Principal, c *Contest, id int64) (*LiveState, error) {
	snap, err := s.liveSnapshot(ctx, id)
	if err != nil {
		return nil, err
	}
	st := snap.view(s.stamp(), liveViewer{host: true, canRun: rule.CanWrite(pr, c.OrgPath)})
	return &st, nil
}
