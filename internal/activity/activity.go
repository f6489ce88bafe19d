// Package activity runs the activities unions hold for their members —
// themed-education visits, walks with stamp cards, screenings, lectures,
// volunteering — from publication to an audience (a subtree of the
// organisation tree, optionally only members with some tags), through
// sign-up with a capacity that is never oversold and a waiting list that
// promotes on cancellation, to check-in at signed checkpoints, stamp cards
// with prizes, attendance and the numbers counted up the tree.
//
// Scoping follows internal/org: staff read with activity.read and change
// with activity.write over the publishing organisation's subtree; anything
// outside answers NotFound. Members see what is published to their union or
// one of its ancestors and, with audience tags, only if they carry one.
//
// Sign-ups go through the sign-up part (internal/signup) over a db.Group:
// those arriving together share one durable commit, and each is decided,
// under the activity row's lock, against counters kept in that row, so
// capacity holds across every server process on one database.
package activity

import (
	"slices"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/beijing"
	"gonghui/internal/db"
	"gonghui/internal/member"
	"gonghui/internal/scope"
	"gonghui/internal/signup"
)

// Kind is what sort of activity it is.
type Kind string

// Kinds lists every kind in display order.
var Kinds = []Kind{"themed_education", "visit", "walk", "screening", "lecture", "contest", "volunteering", "condolence", "other"}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return slices.Contains(Kinds, k) }

// Status is where an activity stands.
type Status string

const (
	StatusDraft     Status = "draft"
	StatusPublished Status = "published"
	StatusCancelled Status = "cancelled"
	StatusFinished  Status = "finished"
)

// Statuses lists every status in display order.
var Statuses = []Status{StatusDraft, StatusPublished, StatusCancelled, StatusFinished}

// Activity is one activity as staff see it.
type Activity struct {
	ID int64 `json:"id,string"`
	signup.Published
	Title          string       `json:"title"`
	Kind           Kind         `json:"kind"`
	Description    string       `json:"description"`
	Organiser      string       `json:"organiser"`
	Venue          string       `json:"venue"`
	Address        string       `json:"address"`
	Lat            *float64     `json:"lat,omitempty"`
	Lng            *float64     `json:"lng,omitempty"`
	StartsAt       time.Time    `json:"starts_at"`
	EndsAt         time.Time    `json:"ends_at"`
	RegOpensAt     time.Time    `json:"registration_opens_at"`
	RegClosesAt    time.Time    `json:"registration_closes_at"`
	CancelBefore   time.Time    `json:"cancel_before"`
	Capacity       int          `json:"capacity"` // 0: no limit
	Waitlist       bool         `json:"waitlist"`
	Approval       bool         `json:"approval"`
	WalkIns        bool         `json:"walk_ins"`
	StampsRequired int          `json:"stamps_required"` // 0: no stamp card
	Prize          string       `json:"prize"`
	Status         Status       `json:"status"`
	CancelReason   string       `json:"cancel_reason,omitempty"`
	Confirmed      int          `json:"confirmed"`
	Waiting        int          `json:"waiting"`
	Pending        int          `json:"pending"`
	Report         string       `json:"report"`
	Checkpoints    []Checkpoint `json:"checkpoints"`
	Version        int          `json:"version"`
	CreatedAt      time.Time    `json:"created_at"`
	UpdatedAt      time.Time    `json:"updated_at"`
}

// SeatsLeft is how many places remain, -1 without a limit.
func (a *Activity) SeatsLeft() int {
	if a.Capacity == 0 {
		return -1
	}
	return max(a.Capacity-a.Confirmed, 0)
}

// RegistrationOpen reports whether members may sign up at t.
func (a *Activity) RegistrationOpen(t time.Time) bool {
	return a.Status == StatusPublished && !t.Before(a.RegOpensAt) && t.Before(a.RegClosesAt)
}

// CheckInOpen reports whether check-ins are taken at t: from half an hour
// before the start until the end.
func (a *Activity) CheckInOpen(t time.Time) bool {
	return a.Status == StatusPublished && !t.Before(a.StartsAt.Add(-CheckInLead)) && !t.After(a.EndsAt)
}

// CheckInLead is how long before the start check-ins open.
const CheckInLead = 30 * time.Minute

// Checkpoint is one place where attendance is taken (and a stamp earned).
type Checkpoint struct {
	ID            int64  `json:"id,string"`
	Position      int    `json:"position"`
	Name          string `json:"name"`
	RotateSeconds int    `json:"rotate_seconds"` // 0: the code never changes
	secret        []byte
}

// Store reads and changes activities.
type Store struct {
	DB      *db.DB
	Members *member.Store
	group   *db.Group
	now     func() time.Time
}

// NewStore returns a store on d; members are read through m.
func NewStore(d *db.DB, m *member.Store) *Store { return NewStoreGrouped(d, m, 256) }

// NewStoreGrouped returns a store whose shared sign-up commits hold at most
// max operations; 1 gives every sign-up a transaction of its own (the
// benchmark's baseline).
func NewStoreGrouped(d *db.DB, m *member.Store, max int) *Store {
	return &Store{DB: d, Members: m, group: d.NewGroup(max), now: time.Now}
}

// SetClock replaces the clock (tests).
func (s *Store) SetClock(now func() time.Time) { s.now = now }

// GroupStats reports the shared commits of sign-ups and cancellations:
// transactions and the operations they held.
func (s *Store) GroupStats() (batches, ops int64) { return s.group.Stats() }

// rule scopes activities: activity.read to see them, activity.write to run
// them, over the publishing organisation's subtree.
var rule = scope.Rule{Entity: "activity", Read: auth.PermActivityRead, Write: auth.PermActivityWrite}

var fieldErr = signup.FieldErr

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func slicesContains[T comparable](s []T, v T) bool { return slices.Contains(s, v) }

// dayStart reads a calendar day as its midnight in Beijing.
func dayStart(s string) (time.Time, bool) { return beijing.ParseDay(s) }
