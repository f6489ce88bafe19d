package congress

import (
	"context"
	"database/sql"
	"errors"
	"net/url"
	"sort"
	"strings"
	"time"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/scope"
	"gonghui/internal/signup"
)

// Vote kinds of an agenda item.
const (
	VoteNone  = ""
	VoteCount = "count" // counts for, against and abstaining entered by staff
	VoteNamed = "named" // one ballot per present delegate (记名表决)
)

// AgendaItem is one point of a session's agenda, with its vote if it was
// put to one. An item passes when more than half of all the session's
// delegates (not of those present) vote for it: the usual rule of
// congress regulations.
type AgendaItem struct {
	ID        int64      `json:"id,string"`
	Position  int        `json:"position"`
	Title     string     `json:"title"`
	Note      string     `json:"note"`
	VoteKind  string     `json:"vote_kind"`
	For       int        `json:"for"`
	Against   int        `json:"against"`
	Abstain   int        `json:"abstain"`
	Delegates int        `json:"delegates"` // the session's delegates when the vote was recorded
	Passed    bool       `json:"passed"`
	VotedAt   *time.Time `json:"voted_at,omitempty"`
}

// Passes reports whether votesFor of delegates carries an item: more than
// half of all delegates.
func Passes(votesFor, delegates int) bool { return delegates > 0 && votesFor*2 > delegates }

// AgendaInput adds an item to the agenda.
type AgendaInput struct {
	Title string `json:"title"`
	Note  string `json:"note"`
}

// AddAgendaItem appends an item to the agenda of a session not closed.
func (s *Store) AddAgendaItem(ctx context.Context, pr *auth.Principal, sessionID int64, in AgendaInput) (*AgendaItem, error) {
	f := errs.Fields{}
	checkText(f, "title", &in.Title, 1, MaxTitle, true)
	checkText(f, "note", &in.Note, 0, MaxNote, false)
	if err := f.Err(); err != nil {
		return nil, err
	}
	var out *AgendaItem
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		ses, err := s.lockSession(ctx, tx, pr, sessionID)
		if err != nil {
			return err
		}
		if ses.Status == SessionClosed {
			return errStatus()
		}
		var n, last int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*), COALESCE(MAX(position), 0) FROM congress_agenda WHERE session_id = ?", sessionID).Scan(&n, &last); err != nil {
			return errs.Internal(err, "congress: agenda")
		}
		if n >= MaxAgenda {
			return errs.Conflict("too_many", "congress.too_many_items", MaxAgenda)
		}
		it := &AgendaItem{ID: db.NewID(), Position: last + 1, Title: in.Title, Note: in.Note}
		if _, err := tx.Exec(ctx, "INSERT INTO congress_agenda (id, session_id, position, title, note) VALUES (?, ?, ?, ?, ?)",
			it.ID, sessionID, it.Position, it.Title, it.Note); err != nil {
			return errs.Internal(err, "congress: agenda")
		}
		out = it
		return audit.Record(ctx, tx, audit.Event{Action: "congress.agenda_add", Entity: "congress_session", EntityID: db.FormatID(sessionID), OrgPath: ses.path,
			After: map[string]any{"position": it.Position, "title": it.Title}})
	})
	return out, err
}

const agendaCols = "id, position, title, note, vote_kind, votes_for, votes_against, votes_abstain, delegates, voted_at"

func scanAgenda(sc signup.Scanner) (AgendaItem, error) {
	var it AgendaItem
	var voted int64
	err := sc.Scan(&it.ID, &it.Position, &it.Title, &it.Note, &it.VoteKind, &it.For, &it.Against, &it.Abstain, &it.Delegates, &voted)
	if voted != 0 {
		t := scope.FromMillis(voted)
		it.VotedAt = &t
		it.Passed = Passes(it.For, it.Delegates)
	}
	return it, err
}

func (s *Store) agenda(ctx context.Context, q reader, sessionID int64) ([]AgendaItem, error) {
	rows, err := q.Query(ctx, "SELECT "+agendaCols+" FROM congress_agenda WHERE session_id = ? ORDER BY position", sessionID)
	return signup.All(rows, err, "congress: agenda", scanAgenda)
}

// VoteInput is a vote's counts as staff entered them.
type VoteInput struct {
	For     int `json:"for"`
	Against int `json:"against"`
	Abstain int `json:"abstain"`
}

// voteOn locks the session of agenda item id for a vote: the session must
// be held and quorate (a vote of a session without its quorum is void).
func (s *Store) voteOn(ctx context.Context, tx *db.Tx, pr *auth.Principal, itemID int64) (*Session, *AgendaItem, error) {
	var sessionID int64
	err := s.DB.QueryRow(ctx, "SELECT session_id FROM congress_agenda WHERE id = ?", itemID).Scan(&sessionID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, errs.NotFound("congress")
	}
	if err != nil {
		return nil, nil, errs.Internal(err, "congress: vote")
	}
	ses, err := s.lockSession(ctx, tx, pr, sessionID)
	if err != nil {
		return nil, nil, err
	}
	it, err := signup.One(tx.QueryRow(ctx, "SELECT "+agendaCols+" FROM congress_agenda WHERE id = ?", itemID), "congress", "congress: vote", scanAgenda)
	if err != nil {
		return nil, nil, err
	}
	if ses.Status != SessionHeld {
		return nil, nil, errs.Conflict("not_held", "congress.vote_not_held")
	}
	if !ses.QuorumMet {
		return nil, nil, errs.Conflict("no_quorum", "congress.no_quorum", QuorumNeeded(ses.Delegates), ses.Present)
	}
	return ses, it, nil
}

func (s *Store) saveVote(ctx context.Context, tx *db.Tx, ses *Session, it *AgendaItem, kind string, v VoteInput) error {
	now := s.stamp()
	if _, err := tx.Exec(ctx, `UPDATE congress_agenda SET vote_kind = ?, votes_for = ?, votes_against = ?, votes_abstain = ?, delegates = ?, voted_at = ? WHERE id = ?`,
		kind, v.For, v.Against, v.Abstain, ses.Delegates, scope.Millis(now), it.ID); err != nil {
		return errs.Internal(err, "congress: vote")
	}
	it.VoteKind, it.For, it.Against, it.Abstain, it.Delegates, it.VotedAt = kind, v.For, v.Against, v.Abstain, ses.Delegates, &now
	it.Passed = Passes(v.For, ses.Delegates)
	return audit.Record(ctx, tx, audit.Event{Action: "congress.vote", Entity: "congress_session", EntityID: db.FormatID(ses.ID), OrgPath: ses.path,
		After: map[string]any{"item": it.Title, "kind": kind, "for": v.For, "against": v.Against, "abstain": v.Abstain, "delegates": ses.Delegates, "passed": it.Passed}})
}

// RecordVote records the counts of a vote on an agenda item (again: the
// last counts). The counts cannot exceed the delegates present.
func (s *Store) RecordVote(ctx context.Context, pr *auth.Principal, itemID int64, v VoteInput) (*AgendaItem, error) {
	f := errs.Fields{}
	for name, n := range map[string]int{"for": v.For, "against": v.Against, "abstain": v.Abstain} {
		f.Check(n >= 0 && n <= MaxDelegate, name, "field.out_of_range", 0, MaxDelegate)
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	var out *AgendaItem
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		ses, it, err := s.voteOn(ctx, tx, pr, itemID)
		if err != nil {
			return err
		}
		if sum := v.For + v.Against + v.Abstain; sum > ses.Present {
			f.Add("for", "congress.votes_over_present", sum, ses.Present)
			return f.Err()
		}
		if _, err := tx.Exec(ctx, "DELETE FROM congress_ballots WHERE agenda_id = ?", itemID); err != nil {
			return errs.Internal(err, "congress: vote")
		}
		if err := s.saveVote(ctx, tx, ses, it, VoteCount, v); err != nil {
			return err
		}
		out = it
		return nil
	})
	return out, err
}

// Ballot is one delegate's choice in a named vote.
type Ballot struct {
	MemberID int64  `json:"member_id,string"`
	Choice   Choice `json:"choice"`
}

// NamedVote records a named vote: one ballot per present delegate (those
// not listed did not vote); the counts follow from them.
func (s *Store) NamedVote(ctx context.Context, pr *auth.Principal, itemID int64, ballots []Ballot) (*AgendaItem, error) {
	f := errs.Fields{}
	seen := map[int64]bool{}
	for _, b := range ballots {
		if !validIn(Choices, b.Choice) {
			f.Add("ballots", "field.invalid_choice")
			break
		}
		if seen[b.MemberID] {
			f.Add("ballots", "congress.ballot_twice")
			break
		}
		seen[b.MemberID] = true
	}
	f.Check(len(ballots) > 0, "ballots", "field.required")
	if err := f.Err(); err != nil {
		return nil, err
	}
	var out *AgendaItem
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		ses, it, err := s.voteOn(ctx, tx, pr, itemID)
		if err != nil {
			return err
		}
		ds, err := s.delegates(ctx, tx, ses.ID)
		if err != nil {
			return err
		}
		present := map[int64]bool{}
		for _, d := range ds {
			present[d.MemberID] = d.Present
		}
		var v VoteInput
		flat := make([]any, 0, 3*len(ballots))
		for _, b := range ballots {
			if !present[b.MemberID] {
				f.Add("ballots", "congress.ballot_absent")
				return f.Err()
			}
			switch b.Choice {
			case ChoiceFor:
				v.For++
			case ChoiceAgainst:
				v.Against++
			default:
				v.Abstain++
			}
			flat = append(flat, itemID, b.MemberID, b.Choice)
		}
		if _, err := tx.Exec(ctx, "DELETE FROM congress_ballots WHERE agenda_id = ?", itemID); err != nil {
			return errs.Internal(err, "congress: ballots")
		}
		if err := tx.InsertRows(ctx, "congress_ballots (agenda_id, member_id, choice)", 3, flat); err != nil {
			return errs.Internal(err, "congress: ballots")
		}
		if err := s.saveVote(ctx, tx, ses, it, VoteNamed, v); err != nil {
			return err
		}
		out = it
		return nil
	})
	return out, err
}

// Ballots reads a named vote's ballots with the delegates' names.
func (s *Store) Ballots(ctx context.Context, pr *auth.Principal, itemID int64) ([]NamedBallot, error) {
	var sessionID int64
	err := s.DB.QueryRow(ctx, "SELECT session_id FROM congress_agenda WHERE id = ?", itemID).Scan(&sessionID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFound("congress")
	}
	if err != nil {
		return nil, errs.Internal(err, "congress: ballots")
	}
	if _, err := s.Session(ctx, pr, sessionID); err != nil {
		return nil, err
	}
	rows, err := s.DB.Query(ctx, `SELECT b.member_id, m.name, b.choice FROM congress_ballots b JOIN members m ON m.id = b.member_id
		WHERE b.agenda_id = ? ORDER BY m.name, b.member_id`, itemID)
	return signup.All(rows, err, "congress: ballots", func(sc signup.Scanner) (NamedBallot, error) {
		var b NamedBallot
		return b, sc.Scan(&b.MemberID, &b.Name, &b.Choice)
	})
}

// NamedBallot is a ballot with its delegate's name.
type NamedBallot struct {
	MemberID int64  `json:"member_id,string"`
	Name     string `json:"name"`
	Choice   Choice `json:"choice"`
}

// ParseBallots reads a named vote's form: a field "ballot.<member id>" per
// delegate, holding a choice or nothing (did not vote). Fields with other
// names are ignored; a malformed ballot field is the "ballots" error.
func ParseBallots(form url.Values) ([]Ballot, error) {
	f := errs.Fields{}
	var out []Ballot
	seen := map[int64]bool{}
	keys := make([]string, 0, len(form))
	for k := range form {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		rest, ok := strings.CutPrefix(k, "ballot.")
		if !ok {
			continue
		}
		id, ok := db.ParseID(rest)
		vs := form[k]
		if !ok || id <= 0 || len(vs) != 1 || seen[id] {
			f.Add("ballots", "field.invalid_id")
			return nil, f.Err()
		}
		seen[id] = true
		c := Choice(strings.TrimSpace(vs[0]))
		if c == "" {
			continue
		}
		if !validIn(Choices, c) {
			f.Add("ballots", "field.invalid_choice")
			return nil, f.Err()
		}
		out = append(out, Ballot{MemberID: id, Choice: c})
		if len(out) > MaxDelegate {
			f.Add("ballots", "field.too_many", MaxDelegate)
			return nil, f.Err()
		}
	}
	return out, nil
}
