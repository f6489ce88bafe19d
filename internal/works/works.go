// Package works runs calls for works (作品征集): essay and photo contests
// published by an organisation to a subtree (optionally only members with
// some tags). Members submit entries in the submission window (at most
// PerMember each, held by the unique (call, member, slot) across server
// processes), staff screen them (accept, or reject with a reason), a
// panel of judges scores the accepted ones blind (a judge never reads the
// author) against weighted criteria, one score per judge and entry that
// the judge may revise until judging closes; the final score is the mean
// of the judges' weighted scores (the highest and the lowest dropped when
// five or more judges scored), entries are ranked by it and the call's
// award tiers given by rank, then the results are published to members.
//
// Scoping: staff read with contest.read and run with contest.write over
// the publisher's subtree (the same line of work as knowledge contests); a
// judge needs only to sit on the panel and hold contest.read at the
// publisher or below; a member sees calls published to their union or
// one above it, and only their own entries. Anything else is NotFound.
//
// Photos are personal uploads: sealed with the data key (pii), each bound
// to its row, typed from their bytes, never from what the client claims.
package works

import (
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/member"
	"gonghui/internal/pii"
	"gonghui/internal/scope"
	"gonghui/internal/signup"
)

// Kind is what a call asks for.
type Kind string

const (
	KindEssay Kind = "essay"
	KindPhoto Kind = "photo"
)

// Kinds lists every kind in display order.
var Kinds = []Kind{KindEssay, KindPhoto}

// Status is where a call stands.
type Status string

const (
	StatusDraft     Status = "draft"
	StatusPublished Status = "published"
	StatusCancelled Status = "cancelled"
)

// Statuses lists every status in display order.
var Statuses = []Status{StatusDraft, StatusPublished, StatusCancelled}

// EntryStatus is where an entry stands.
type EntryStatus string

const (
	EntrySubmitted EntryStatus = "submitted"
	EntryAccepted  EntryStatus = "accepted"
	EntryRejected  EntryStatus = "rejected"
	EntryWithdrawn EntryStatus = "withdrawn"
)

// EntryStatuses lists every entry status in display order.
var EntryStatuses = []EntryStatus{EntrySubmitted, EntryAccepted, EntryRejected, EntryWithdrawn}

// Criterion is one thing judges mark (0..100), with its weight in percent;
// a call's weights add up to 100.
type Criterion struct {
	Name   string `json:"name"`
	Weight int    `json:"weight"`
}

// Tier is one award (一等奖) and how many entries get it.
type Tier struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
}

// Call is one call for works as staff see it.
type Call struct {
	ID int64 `json:"id,string"`
	signup.Published
	Title       string      `json:"title"`
	Description string      `json:"description"`
	Kind        Kind        `json:"kind"`
	MinChars    int         `json:"min_chars"`    // essay
	MaxChars    int         `json:"max_chars"`    // essay
	MaxPhotos   int         `json:"max_photos"`   // photo: 1..MaxPhotos per entry
	MaxPhotoKB  int         `json:"max_photo_kb"` // photo: each at most this size
	PerMember   int         `json:"per_member"`
	OpensAt     time.Time   `json:"opens_at"`
	ClosesAt    time.Time   `json:"closes_at"`
	JudgeUntil  time.Time   `json:"judge_until"`
	Criteria    []Criterion `json:"criteria"`
	Tiers       []Tier      `json:"tiers"`
	Status      Status      `json:"status"`
	RankedAt    *time.Time  `json:"ranked_at,omitempty"`
	ResultsAt   *time.Time  `json:"results_at,omitempty"`
	Version     int         `json:"version"`
	CreatedAt   time.Time   `json:"created_at"`
	UpdatedAt   time.Time   `json:"updated_at"`
}

// Phase is where a published call stands in time.
type Phase string

const (
	PhaseDraft     Phase = "draft"
	PhaseUpcoming  Phase = "upcoming"
	PhaseOpen      Phase = "open"    // entries are taken
	PhaseJudging   Phase = "judging" // judges score
	PhaseJudged    Phase = "judged"  // judging closed, results not yet published
	PhaseResults   Phase = "results" // results published
	PhaseCancelled Phase = "cancelled"
)

// PhaseAt is where the call stands at t.
func (c *Call) PhaseAt(t time.Time) Phase {
	switch {
	case c.Status == StatusDraft:
		return PhaseDraft
	case c.Status == StatusCancelled:
		return PhaseCancelled
	case c.ResultsAt != nil:
		return PhaseResults
	case t.Before(c.OpensAt):
		return PhaseUpcoming
	case t.Before(c.ClosesAt):
		return PhaseOpen
	case t.Before(c.JudgeUntil):
		return PhaseJudging
	}
	return PhaseJudged
}

// Trimmed reports whether the final score drops the highest and the
// lowest mark: when at least TrimFrom judges scored.
const TrimFrom = 5

// rule scopes calls: contest.read to see them, contest.write to run them,
// over the publishing organisation's subtree.
var rule = scope.Rule{Entity: "works", Read: auth.PermContestRead, Write: auth.PermContestWrite}

// Store reads and changes calls, entries and scores.
type Store struct {
	DB      *db.DB
	Members *member.Store
	Keys    *pii.Keyring // seals photos
	now     func() time.Time
}

// NewStore returns a store on d; members through m, photos sealed with
// the members' keys.
func NewStore(d *db.DB, m *member.Store) *Store {
	return &Store{DB: d, Members: m, Keys: m.Keys, now: time.Now}
}

// SetClock replaces the clock (tests).
func (s *Store) SetClock(now func() time.Time) { s.now = now }

// Now is the store's clock: pages name phases by the time the store
// decides them by.
func (s *Store) Now() time.Time { return s.now() }

func (s *Store) stamp() time.Time { return s.now().UTC().Truncate(time.Millisecond) }

func optTime(ms int64) *time.Time {
	if ms == 0 {
		return nil
	}
	t := scope.FromMillis(ms)
	return &t
}
