// Package mailbox is the suggestion box (职工心声 / 主席信箱): a member
// writes a letter to their own union or to one above it, up to the city
// federation, optionally anonymously and with a few photos; staff of the
// addressed union (or of one above it) accept, answer, forward within
// their reach, decline or close it; the writer follows it on the phone,
// rates the answer and may follow up once, which reopens it.
//
// Scoping: staff read with letter.read and act with letter.write over the
// addressee's subtree; staff below the addressee (and beside it) get
// NotFound. A member sees only their own letters.
//
// Anonymity: an anonymous letter keeps its writer (member_id) only so
// that the writer can follow it. Staff reads never join the writer
// (writerJoin), the audit records of the writer's own acts name no member
// and carry no address (anonymousActor), and nothing staff see names the
// writer's union below the addressee.
//
// Limits that must hold across server processes are the database's: the
// daily letters per member by a conditional update of letter_quota; each
// change of a letter under the letter row's lock.
package mailbox

import (
	"slices"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/pii"
	"gonghui/internal/scope"
)

// Status is where a letter stands.
type Status string

const (
	StatusNew       Status = "new"       // 待受理
	StatusAccepted  Status = "accepted"  // 已受理
	StatusForwarded Status = "forwarded" // 已转办: waits for the new addressee to accept it
	StatusAnswered  Status = "answered"  // 已答复
	StatusClosed    Status = "closed"    // 已办结
	StatusDeclined  Status = "declined"  // 不予受理
)

// Statuses lists every status in display order.
var Statuses = []Status{StatusNew, StatusAccepted, StatusForwarded, StatusAnswered, StatusClosed, StatusDeclined}

// Waiting are the statuses in which a letter waits for the addressee to
// accept it: the inbox's first kind.
var Waiting = []Status{StatusNew, StatusForwarded}

// Open are the statuses in which an answer is still owed: a letter in one
// of them past its due time is overdue.
var Open = []Status{StatusNew, StatusForwarded, StatusAccepted}

func validStatus(s Status) bool { return slices.Contains(Statuses, s) }

// Category is what a letter is about: a fixed list.
type Category string

const (
	CatWages      Category = "wages"      // 工资待遇
	CatSafety     Category = "safety"     // 劳动安全
	CatInsurance  Category = "insurance"  // 社会保障
	CatWelfare    Category = "welfare"    // 职工福利
	CatSuggestion Category = "suggestion" // 意见建议
	CatOther      Category = "other"      // 其他
)

// Categories lists every category in display order.
var Categories = []Category{CatWages, CatSafety, CatInsurance, CatWelfare, CatSuggestion, CatOther}

// Rating is the writer's word on the answer.
type Rating string

const (
	RateSatisfied    Rating = "satisfied"    // 满意
	RateFair         Rating = "fair"         // 基本满意
	RateDissatisfied Rating = "dissatisfied" // 不满意
)

// Ratings lists every rating in display order.
var Ratings = []Rating{RateSatisfied, RateFair, RateDissatisfied}

// Limits of a letter.
const (
	MaxSubject    = 60
	MinBody       = 10
	MaxBody       = 3000
	MaxAnswer     = 3000
	MaxReason     = 500
	MaxHandler    = 40
	MaxFollowUp   = 1000
	MaxPhotos     = 3
	MaxPhotoBytes = 5 << 20
	MaxBulk       = 100

	// DefaultPerDay is how many letters a member may write on one Beijing day.
	DefaultPerDay = 3
	// DefaultAnswerDays is how many working days (Monday to Friday) the
	// addressee has to answer; holidays are not known yet.
	DefaultAnswerDays = 15
)

// Letter is one letter. Writer is filled only for staff reading a letter
// that is not anonymous; the writer's own reads never carry it.
type Letter struct {
	ID         int64      `json:"id,string"`
	OrgID      int64      `json:"org_id,string"` // the addressee
	OrgName    string     `json:"org_name"`
	Category   Category   `json:"category"`
	Subject    string     `json:"subject"`
	Body       string     `json:"body"`
	Anonymous  bool       `json:"anonymous"`
	Writer     *Writer    `json:"writer,omitempty"`
	Status     Status     `json:"status"`
	Handler    string     `json:"handler"`
	ReceivedAt time.Time  `json:"received_at"`
	DueAt      time.Time  `json:"due_at"`
	Overdue    bool       `json:"overdue"`
	AnsweredAt *time.Time `json:"answered_at,omitempty"`
	ClosedAt   *time.Time `json:"closed_at,omitempty"`
	Rating     Rating     `json:"rating,omitempty"`
	FollowedUp bool       `json:"followed_up"`
	Photos     int        `json:"photos"`
	Version    int        `json:"version"`
	UpdatedAt  time.Time  `json:"updated_at"`

	path     string
	memberID int64
	onTime   bool // the first answer came in time
}

// Writer is who wrote a letter that is not anonymous, as staff see them:
// their name and union (never a phone number).
type Writer struct {
	MemberID int64  `json:"member_id,string"`
	Name     string `json:"name"`
	Union    string `json:"union"`
}

// Event is one entry of a letter's history.
type Event struct {
	ID      int64     `json:"id,string"`
	Kind    string    `json:"kind"`             // one of EventKinds
	Status  Status    `json:"status,omitempty"` // the status after it, when it changed
	Body    string    `json:"body,omitempty"`   // an answer, a reason, a follow-up, a note
	FromOrg string    `json:"from_org,omitempty"`
	ToOrg   string    `json:"to_org,omitempty"`
	By      string    `json:"by,omitempty"` // staff who acted (staff reads only); "" the writer
	OrgName string    `json:"org_name"`     // the union that acted; "" the writer
	Writer  bool      `json:"writer"`       // the writer acted
	At      time.Time `json:"at"`
}

// Kinds of history entries.
const (
	EvWritten   = "written"
	EvAccepted  = "accepted"
	EvAnswered  = "answered"
	EvForwarded = "forwarded"
	EvDeclined  = "declined"
	EvClosed    = "closed"
	EvRated     = "rated"
	EvFollowUp  = "follow_up"
)

// EventKinds lists every kind of history entry.
var EventKinds = []string{EvWritten, EvAccepted, EvAnswered, EvForwarded, EvDeclined, EvClosed, EvRated, EvFollowUp}

// Photo is one picture attached to a letter (without its bytes).
type Photo struct {
	ID          int64     `json:"id,string"`
	ContentType string    `json:"content_type"`
	Size        int       `json:"size"`
	CreatedAt   time.Time `json:"created_at"`
}

// Can says what the reader may do with a letter now.
type Can struct {
	Accept   bool `json:"accept"`
	Answer   bool `json:"answer"`
	Forward  bool `json:"forward"`
	Decline  bool `json:"decline"`
	Close    bool `json:"close"`
	Rate     bool `json:"rate"`      // the writer
	FollowUp bool `json:"follow_up"` // the writer
}

// Thread is a letter with its history and photos, as its reader sees it.
type Thread struct {
	Letter
	Events    []Event `json:"events"`
	PhotoList []Photo `json:"photo_list"`
	Can       Can     `json:"can"`
}

// rule scopes letters: letter.read to see them, letter.write to act on
// them, over the addressee's subtree.
var rule = scope.Rule{Entity: "letter", Read: auth.PermLetterRead, Write: auth.PermLetterWrite}

// Store reads and changes letters.
type Store struct {
	DB   *db.DB
	Keys *pii.Keyring // seals the photos
	// PerDay is how many letters a member may write on one Beijing day;
	// AnswerDays how many working days an answer may take.
	PerDay, AnswerDays int
	now                func() time.Time
}

// NewStore returns a store on d whose photos are sealed with keys.
func NewStore(d *db.DB, keys *pii.Keyring) *Store {
	return &Store{DB: d, Keys: keys, PerDay: DefaultPerDay, AnswerDays: DefaultAnswerDays, now: time.Now}
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

// OrgPath is the path of the letter's addressee.
func (l *Letter) OrgPath() string { return l.path }
