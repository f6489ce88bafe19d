// Package course runs courses (太极, 瑜伽, 舞蹈 ...): a course belongs to an
// organisation and has terms; a term has a weekly schedule of sessions, a
// venue, a teacher, a capacity and an enrolment window, and is open to an
// audience (a subtree, optionally only members with some tags). Members
// apply during the window; when the window closes staff draw: when more
// applied than there are places a lottery decides, with a seed whose hash
// was published from the start and which is itself published at the draw,
// so anyone can re-run it (see Draw). The rest wait in draw order and move
// up when someone withdraws. Attendance is taken per session, by the
// session's QR code or from the list. Interest groups gather members
// around a course between terms.
//
// Scoping is that of activities: activity.read to see, activity.write to
// run, over the course's organisation subtree.
package course

import (
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/member"
	"gonghui/internal/scope"
	"gonghui/internal/signup"
)

// Category is what kind of course it is.
type Category string

// Categories lists every category in display order.
var Categories = []Category{"taiji", "yoga", "dance", "fitness", "singing", "calligraphy", "painting", "handicraft", "skills", "other"}

// Valid reports whether c is a known category.
func (c Category) Valid() bool {
	for _, k := range Categories {
		if k == c {
			return true
		}
	}
	return false
}

// TermStatus is where a term stands.
type TermStatus string

const (
	TermDraft     TermStatus = "draft"     // being prepared
	TermOpen      TermStatus = "open"      // published: members apply in the window
	TermDrawn     TermStatus = "drawn"     // places given (by lottery when oversubscribed)
	TermCancelled TermStatus = "cancelled" // called off; applicants are told
	TermFinished  TermStatus = "finished"
)

// TermStatuses lists every term status in display order.
var TermStatuses = []TermStatus{TermDraft, TermOpen, TermDrawn, TermFinished, TermCancelled}

// EnrolStatus is where a member's enrolment stands.
type EnrolStatus string

const (
	EnrolApplied   EnrolStatus = "applied"  // before the draw
	EnrolEnrolled  EnrolStatus = "enrolled" // has a place
	EnrolWaiting   EnrolStatus = "waiting"  // after the draw, in draw order
	EnrolCancelled EnrolStatus = "cancelled"
)

// EnrolStatuses lists every enrolment status in display order.
var EnrolStatuses = []EnrolStatus{EnrolApplied, EnrolEnrolled, EnrolWaiting, EnrolCancelled}

// Course is one course.
type Course struct {
	ID          int64     `json:"id,string"`
	OrgID       int64     `json:"org_id,string"`
	OrgName     string    `json:"org_name"`
	OrgPath     string    `json:"-"`
	Title       string    `json:"title"`
	Category    Category  `json:"category"`
	Description string    `json:"description"`
	Terms       int       `json:"terms"`
	Groups      int       `json:"groups"`
	Version     int       `json:"version"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Slot is one weekly meeting of a term.
type Slot struct {
	Weekday int    `json:"weekday"` // 1 Monday … 7 Sunday
	Start   string `json:"start"`   // "19:00", Beijing time
	Minutes int    `json:"minutes"`
}

// Term is one run of a course.
type Term struct {
	ID          int64    `json:"id,string"`
	CourseID    int64    `json:"course_id,string"`
	CourseTitle string   `json:"course_title"`
	Category    Category `json:"category"`
	signup.Published
	Name          string     `json:"name"`
	Teacher       string     `json:"teacher"`
	Venue         string     `json:"venue"`
	Address       string     `json:"address"`
	Capacity      int        `json:"capacity"` // 0: no limit
	EnrolOpensAt  time.Time  `json:"enrol_opens_at"`
	EnrolClosesAt time.Time  `json:"enrol_closes_at"`
	StartsOn      string     `json:"starts_on"`
	EndsOn        string     `json:"ends_on"`
	Schedule      []Slot     `json:"schedule"`
	Status        TermStatus `json:"status"`
	SeedHash      string     `json:"seed_hash"`
	Seed          string     `json:"seed,omitempty"` // published once drawn
	DrawnAt       *time.Time `json:"drawn_at,omitempty"`
	Applied       int        `json:"applied"`
	Enrolled      int        `json:"enrolled"`
	Waiting       int        `json:"waiting"`
	Sessions      int        `json:"sessions"`
	Version       int        `json:"version"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
	secret        []byte
}

// Session is one meeting of a term.
type Session struct {
	ID        int64     `json:"id,string"`
	TermID    int64     `json:"term_id,string"`
	StartsAt  time.Time `json:"starts_at"`
	EndsAt    time.Time `json:"ends_at"`
	Cancelled bool      `json:"cancelled"`
	Attended  int       `json:"attended"`
}

// Store reads and changes courses.
type Store struct {
	DB      *db.DB
	Members *member.Store
	group   *db.Group
	now     func() time.Time
}

// NewStore returns a store on d; members are read through m.
func NewStore(d *db.DB, m *member.Store) *Store {
	return &Store{DB: d, Members: m, group: d.NewGroup(256), now: time.Now}
}

// SetClock replaces the clock (tests).
func (s *Store) SetClock(now func() time.Time) { s.now = now }

// rule scopes courses as activities are scoped: activity.read to see them,
// activity.write to run them, over the course's organisation subtree.
var rule = scope.Rule{Entity: "course", Read: auth.PermActivityRead, Write: auth.PermActivityWrite}

var fieldErr = signup.FieldErr

func refused(code string) error { return errs.Conflict(code, "course."+code) }

func badCursor() error { return errs.Invalid("bad_cursor", "error.bad_cursor") }
