// Package contest runs knowledge contests and quizzes on the organisation
// tree: a contest is published by an organisation to a subtree (optionally
// only members with some tags), its paper is drawn from question banks
// (internal/contest/bank) by the contest's sections, fixed or at random per
// taker, with options shuffled per taker; attempts are timed by the
// server's clock, answers are saved as the taker goes, submission is
// idempotent and grading happens on the server; each taker's counting
// attempt feeds the boards.
//
// Scoping follows activities: staff read with contest.read and run with
// contest.write over the publisher's subtree; a member sees what is
// published to their union or one above it, and only their own attempts.
// Anything else answers NotFound.
//
// Limits that must hold across server processes are kept by the database:
// one attempt per member and number by a unique key; a submission by the
// attempt row's lock; answers after the deadline by the save's own
// condition on the attempt row.
package contest

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/contest/bank"
	"gonghui/internal/db"
	"gonghui/internal/member"
	"gonghui/internal/scope"
	"gonghui/internal/signup"
)

// Status is where a contest stands.
type Status string

const (
	StatusDraft     Status = "draft"
	StatusPublished Status = "published"
	StatusCancelled Status = "cancelled"
)

// Statuses lists every status in display order.
var Statuses = []Status{StatusDraft, StatusPublished, StatusCancelled}

// Counting says which attempt counts when several are allowed.
type Counting string

const (
	CountBest Counting = "best"
	CountLast Counting = "last"
)

// Section is one part of a paper: questions of one bank, either fixed (the
// listed questions, in order) or drawn at random per taker (Count
// questions matching Category, Type and Difficulty; empty or 0 match all).
type Section struct {
	Title      string          `json:"title"`
	BankID     int64           `json:"bank_id,string"`
	Questions  IDList          `json:"questions,omitempty"` // fixed: these, in this order
	Count      int             `json:"count,omitempty"`     // random: how many to draw
	Category   string          `json:"category,omitempty"`
	Type       bank.Type       `json:"type,omitempty"`
	Difficulty bank.Difficulty `json:"difficulty,omitempty"`
	Points     int             `json:"points"` // per question
}

// IDList is a list of ids, written in JSON as strings (as every id is:
// they do not fit a JavaScript number).
type IDList []int64

func (l IDList) MarshalJSON() ([]byte, error) {
	out := make([]string, len(l))
	for i, id := range l {
		out[i] = db.FormatID(id)
	}
	return json.Marshal(out)
}

func (l *IDList) UnmarshalJSON(b []byte) error {
	var ss []string
	if err := json.Unmarshal(b, &ss); err != nil {
		return err
	}
	*l = make(IDList, len(ss))
	for i, s := range ss {
		id, ok := db.ParseID(s)
		if !ok {
			return fmt.Errorf("contest: %q is not an id", s)
		}
		(*l)[i] = id
	}
	return nil
}

// Size is how many questions the section puts on a paper.
func (s Section) Size() int {
	if len(s.Questions) > 0 {
		return len(s.Questions)
	}
	return s.Count
}

// Contest is one contest as staff see it.
type Contest struct {
	ID int64 `json:"id,string"`
	signup.Published
	Title            string    `json:"title"`
	Description      string    `json:"description"`
	Practice         bool      `json:"practice"`
	OpensAt          time.Time `json:"opens_at"`
	ClosesAt         time.Time `json:"closes_at"`
	TimeLimit        int       `json:"time_limit"` // seconds; 0: until closing
	Attempts         int       `json:"attempts"`
	Counting         Counting  `json:"counting"`
	PassMark         int       `json:"pass_mark"`
	MaxScore         int       `json:"max_score"`
	ShuffleQuestions bool      `json:"shuffle_questions"`
	ShuffleOptions   bool      `json:"shuffle_options"`
	PartialCredit    bool      `json:"partial_credit"`
	ShowCorrections  bool      `json:"show_corrections"`
	Sections         []Section `json:"sections"`
	Status           Status    `json:"status"`
	Version          int       `json:"version"`
	CreatedAt        time.Time `json:"created_at"`
	UpdatedAt        time.Time `json:"updated_at"`
}

// Open reports whether takers may start at t.
func (c *Contest) Open(t time.Time) bool {
	return c.Status == StatusPublished && !t.Before(c.OpensAt) && t.Before(c.ClosesAt)
}

// Questions is how many questions a paper holds.
func (c *Contest) Questions() int {
	n := 0
	for _, s := range c.Sections {
		n += s.Size()
	}
	return n
}

// rule scopes contests: contest.read to see them, contest.write to run
// them, over the publishing organisation's subtree.
var rule = scope.Rule{Entity: "contest", Read: auth.PermContestRead, Write: auth.PermContestWrite}

// Store reads and changes contests and attempts.
type Store struct {
	DB      *db.DB
	Banks   *bank.Store
	Members *member.Store
	group   *db.Group
	now     func() time.Time
	papers  *paperCache
	// feedback holds each contest's practice and partial-credit switches
	// once it has papers: from then on they are frozen (write.go refuses
	// to change them), so every process may keep them.
	feedback sync.Map // contest id → feedbackRules

	standings  *standings
	exactBelow int // boards counted exactly: ExactBelow (tests lower it)
}

// NewStore returns a store on d; questions are read through banks,
// members through m.
func NewStore(d *db.DB, banks *bank.Store, m *member.Store) *Store {
	return NewStoreGrouped(d, banks, m, 256)
}

// NewStoreGrouped returns a store whose shared commits of answers and
// submissions hold at most max operations; 1 gives each its own
// transaction, run by its caller (the benchmark's baseline: the
// database's own limit for these transactions).
func NewStoreGrouped(d *db.DB, banks *bank.Store, m *member.Store, max int) *Store {
	s := &Store{DB: d, Banks: banks, Members: m, now: time.Now, papers: newPaperCache(16384),
		standings: newStandings(), exactBelow: ExactBelow}
	if max > 1 {
		s.group = d.NewSpreadGroup(max)
	}
	return s
}

// shared runs fn in a commit shared with the operations arriving at the
// same moment (or in its own transaction when the store has no group).
func (s *Store) shared(ctx context.Context, fn func(*db.Tx) error) error {
	if s.group == nil {
		return s.DB.Tx(ctx, fn)
	}
	return s.group.Do(ctx, fn)
}

// GroupStats reports the shared commits of answers and submissions:
// transactions and the operations they held.
func (s *Store) GroupStats() (batches, ops int64) {
	if s.group == nil {
		return 0, 0
	}
	return s.group.Stats()
}

// SetClock replaces the clock (tests).
func (s *Store) SetClock(now func() time.Time) { s.now = now }

func (s *Store) stamp() time.Time { return s.now().UTC().Truncate(time.Millisecond) }

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func validStatus(st Status) bool { return slices.Contains(Statuses, st) }
