// Package survey runs questionnaires (问卷调查) on the organisation tree: a
// survey is published by an organisation to a subtree (optionally only
// members with some tags) for an open window; its questions are choices
// (single or multiple, with an optional "other, please specify"), ratings,
// texts and numbers, each shown always or only when an earlier choice
// question's answer includes a given option (skip logic, checked again on
// the server at submission).
//
// A survey is named or anonymous. Anonymous means the server keeps no
// link from an answer to a member: survey_takers records who has
// responded (so nobody answers twice) with no response ID and no time,
// the responses carry no member, random IDs and only the month, and any
// result of fewer than MinGroup responses (the whole survey, an
// organisation's, a breakdown cell) is withheld from staff.
//
// Scoping follows contests: staff read with contest.read and run with
// contest.write over the publisher's subtree; a member sees what is
// published to their union or one above it. Anything else is NotFound.
//
// One response per member holds across server processes by the primary
// key of survey_takers, written in the response's transaction.
package survey

import (
	"encoding/json"
	"math/rand/v2"
	"slices"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/member"
	"gonghui/internal/scope"
	"gonghui/internal/signup"
)

// Status is where a survey stands.
type Status string

const (
	StatusDraft     Status = "draft"
	StatusPublished Status = "published"
	StatusClosed    Status = "closed"
)

// Statuses lists every status in display order.
var Statuses = []Status{StatusDraft, StatusPublished, StatusClosed}

func validStatus(st Status) bool { return slices.Contains(Statuses, st) }

// MinGroup is the smallest number of responses an anonymous survey's
// result is shown for: below it a few answers could be told apart.
const MinGroup = 5

// Survey is one survey as staff see it.
type Survey struct {
	ID int64 `json:"id,string"`
	signup.Published
	Title       string     `json:"title"`
	Description string     `json:"description"`
	Anonymous   bool       `json:"anonymous"`
	OpensAt     time.Time  `json:"opens_at"`
	ClosesAt    time.Time  `json:"closes_at"`
	Questions   []Question `json:"questions"`
	Status      Status     `json:"status"`
	Responses   int        `json:"responses"` // of the caller's subtrees when Partial
	// Partial: published above the caller to an audience that reaches
	// their subtrees; read only, its results counted over those subtrees.
	Partial   bool      `json:"partial"`
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`

	stored int // responses in all (the listing's sort key and cursor)
}

// Open reports whether members may respond at t.
func (s *Survey) Open(t time.Time) bool {
	return s.Status == StatusPublished && !t.Before(s.OpensAt) && t.Before(s.ClosesAt)
}

// rule scopes surveys: contest.read to see them, contest.write to run
// them (surveys are run by the same officers as contests), over the
// publishing organisation's subtree.
var rule = scope.Rule{Entity: "survey", Read: auth.PermContestRead, Write: auth.PermContestWrite}

// Store reads and changes surveys and their responses.
type Store struct {
	DB      *db.DB
	Members *member.Store
	now     func() time.Time
}

// NewStore returns a store on d; members are read through m.
func NewStore(d *db.DB, m *member.Store) *Store {
	return &Store{DB: d, Members: m, now: time.Now}
}

// SetClock replaces the clock (tests).
func (s *Store) SetClock(now func() time.Time) { s.now = now }

func (s *Store) stamp() time.Time { return s.now().UTC().Truncate(time.Millisecond) }

// randomID is an anonymous response's ID: random, so that the order of
// IDs says nothing of the order of responses.
func randomID() int64 { return rand.Int64N(1<<62) + 1 }

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func questionsJSON(qs []Question) string {
	b, _ := json.Marshal(qs)
	return string(b)
}
