// Package member keeps the real-name registry of union members: who belongs
// to which union, since when, with what status and tags; applications to
// join, transfers between unions, imports and exports of rosters, and each
// member's history.
//
// One row per person: the keyed hash of the resident ID number is unique, so
// a person holds at most one membership platform-wide, and re-joining or a
// transfer moves that row instead of adding one. ID and mobile numbers are
// sealed with the installation's pii keyring and found through keyed hashes;
// the plain values exist only in memory, and only masked forms leave the
// package unless the caller holds member.reveal (each reveal is audited).
//
// Scoping follows internal/org: every method takes the caller's principal;
// reads need member.read over the member's union, writes member.write, and
// anything outside the caller's subtrees answers NotFound.
package member

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/beijing"
	"gonghui/internal/card"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/pii"
	"gonghui/internal/scope"
	"gonghui/internal/sms"
)

// Status is where a membership stands.
type Status string

const (
	StatusActive         Status = "active"          // 在册
	StatusTransferredOut Status = "transferred_out" // 转出 (to a union outside the platform)
	StatusRetired        Status = "retired"         // 退休
	StatusLeft           Status = "left"            // 退会
	StatusDeceased       Status = "deceased"        // 去世
)

// Statuses lists every status in display order.
var Statuses = []Status{StatusActive, StatusTransferredOut, StatusRetired, StatusLeft, StatusDeceased}

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return slices.Contains(Statuses, s) }

// Tag is one of the marks staff put on members; a member's tags are stored
// as bits of one integer, so a filter is one bitwise test on the row.
type Tag string

const (
	TagModelWorker    Tag = "model_worker"    // 劳模
	TagCraftsman      Tag = "craftsman"       // 工匠
	TagPartyMember    Tag = "party_member"    // 党员
	TagHardship       Tag = "hardship"        // 困难职工
	TagPlatformWorker Tag = "platform_worker" // 新就业形态劳动者
	TagOutdoorWorker  Tag = "outdoor_worker"  // 户外劳动者
)

// Tags lists every tag in display order; a tag's bit is 1 << its index, so
// the order may only ever be appended to.
var Tags = []Tag{TagModelWorker, TagCraftsman, TagPartyMember, TagHardship, TagPlatformWorker, TagOutdoorWorker}

// Bit returns the tag's bit, 0 for an unknown tag.
func (t Tag) Bit() int64 {
	if i := slices.Index(Tags, t); i >= 0 {
		return 1 << i
	}
	return 0
}

// TagBits turns tag names into the bits stored for them; ok is false if a
// name is unknown.
func TagBits(names []string) (int64, bool) {
	var bits int64
	for _, n := range names {
		b := Tag(strings.TrimSpace(n)).Bit()
		if b == 0 {
			return 0, false
		}
		bits |= b
	}
	return bits, true
}

// TagNames lists the tags set in bits, in display order.
func TagNames(bits int64) []string {
	out := []string{}
	for i, t := range Tags {
		if bits&(1<<i) != 0 {
			out = append(out, string(t))
		}
	}
	return out
}

// Member is one membership as shown to staff: personal numbers masked.
type Member struct {
	ID           int64     `json:"id,string"`
	OrgID        int64     `json:"org_id,string"`
	OrgName      string    `json:"org_name"`
	OrgPath      string    `json:"-"`
	Name         string    `json:"name"`
	IDNumber     string    `json:"id_number"`  // masked unless revealed
	Mobile       string    `json:"mobile"`     // masked unless revealed
	Gender       string    `json:"gender"`     // "male" or "female", from the ID number; "" while masked
	BirthDate    string    `json:"birth_date"` // MaskedBirthDate while the ID number is masked
	EmployerID   int64     `json:"employer_id,string,omitempty"`
	EmployerName string    `json:"employer_name"`
	Job          string    `json:"job"`
	Status       Status    `json:"status"`
	StatusOn     string    `json:"status_on,omitempty"`
	Tags         []string  `json:"tags"`
	JoinedOn     string    `json:"joined_on"`
	Source       string    `json:"source"`
	CardSerial   int       `json:"card_serial"`
	Version      int       `json:"version"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// Sources of a membership.
const (
	SourceOnSite   = "onsite"   // entered by staff
	SourceOnline   = "online"   // an approved application
	SourceImport   = "import"   // a roster import
	SourceGenerate = "generate" // demo and synthetic data
)

// Store reads and changes the registry.
type Store struct {
	DB     *db.DB
	Keys   *pii.Keyring
	Policy ExportPolicy
	now    func() time.Time
	// countCap, when set (tests), replaces CountCap.
	countCap int64
	// sortWalkMin, when set (tests), replaces sortWalkMin.
	sortWalkMin int

	cardMu sync.Mutex
	card   *card.Signer // the card signing key, once read

	// Messages about repeated applications (join_sms.go).
	dupSMS    sms.Sender
	dupBudget SMSBudget
	smsWG     sync.WaitGroup // messages under way (tests wait for them)
}

// NewStore returns a store on d sealing personal data with keys.
func NewStore(d *db.DB, keys *pii.Keyring) *Store {
	return &Store{DB: d, Keys: keys, Policy: DefaultExportPolicy, now: time.Now}
}

// today is the current date in Beijing, in which calendar dates are read.
func (s *Store) today() string { return beijing.Day(s.now()) }

// rule scopes members: member.read to see them, member.write to change them.
var rule = scope.Rule{Entity: "member", Read: auth.PermMemberRead, Write: auth.PermMemberWrite}

// Brief is what other packages need to know about a member to decide
// whether something is open to them.
type Brief struct {
	ID      int64
	OrgID   int64
	OrgPath string
	Name    string
	Status  Status
	Tags    int64
}

// Brief reads a member's union, status and tags, unscoped: callers decide
// what the member may do, never what staff may see.
func (s *Store) Brief(ctx context.Context, id int64) (*Brief, error) {
	var b Brief
	err := s.DB.QueryRow(ctx, "SELECT id, org_id, org_path, name, status, tags FROM members WHERE id = ?", id).
		Scan(&b.ID, &b.OrgID, &b.OrgPath, &b.Name, &b.Status, &b.Tags)
	return One(b, err, "member", "member: brief")
}

// MobileForMessage opens a member's mobile number for the system to send
// them a message (a notice by SMS): the number goes to the SMS sender only,
// never to a page, a log or a person, so it is not a reveal and is not
// audited. "" when the member has no number or it cannot be opened.
func (s *Store) MobileForMessage(ctx context.Context, id int64) (string, error) {
	var sealed string
	err := s.DB.QueryRow(ctx, "SELECT mobile_sealed FROM members WHERE id = ? AND status = ?", id, StatusActive).Scan(&sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", errs.Internal(err, "member: mobile for message")
	}
	return s.openOr(sealed, mobileAAD(id)), nil
}
