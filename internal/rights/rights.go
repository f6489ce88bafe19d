// Package rights keeps rights cases (法律服务与维权): legal consultations,
// legal aid, labour-dispute mediations and complaints. A case is taken in
// from the 12351 hotline or a walk-in by staff, or filed by a member from
// their phone; it names one worker or many (forty couriers of one dispute
// are one case), the employer (linked to the registry by its credit code
// when known), what the workers claim in integer fen, and evidence files.
// The handling union's staff accept it and assign a handler (a staff
// lawyer or mediator), transfer it up or down the tree, note it (some
// notes confidential), extend a mediation when both parties agree, and
// close it with an outcome and the money recovered; the worker who filed
// it follows it on the phone and rates it once.
//
// Scoping: staff read with case.read and act with case.write over the
// handling union's subtree; anyone else gets NotFound. A member sees the
// cases they filed or are named in, and nothing of other people's.
//
// Supervisors: staff holding case.supervise over the handling union
// (granted at it or at any union above it). They see the overdue cases
// (the inbox's escalation) and, with the case's current handler, they
// alone open confidential notes; every such read is audited.
//
// Personal data: a worker who is a member is the registry's (member_id);
// anyone else's name, ID number and mobile are sealed with pii on the
// case, found by keyed hashes, shown masked and revealed only to the
// handler, supervisors and holders of case.reveal over the case's union
// (member.reveal, the registry's, does not reach cases), with an audit
// record. Staff with case.write edit the workers while the case is open.
//
// Limits that hold across server processes are the database's: every
// change locks the case's row and checks its status (and, for assignment,
// the version the page showed); the one rating is a conditional update.
package rights

import (
	"slices"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/pii"
	"gonghui/internal/scope"
	"gonghui/internal/workday"
)

// Kind is what a case asks for.
type Kind string

const (
	KindConsultation Kind = "consultation" // 法律咨询
	KindLegalAid     Kind = "legal_aid"    // 法律援助
	KindMediation    Kind = "mediation"    // 劳动争议调解
	KindComplaint    Kind = "complaint"    // 投诉
)

// Kinds lists every kind in display order.
var Kinds = []Kind{KindConsultation, KindLegalAid, KindMediation, KindComplaint}

// Channel is how a case came in.
type Channel string

const (
	ChannelHotline Channel = "hotline" // 12351 热线
	ChannelOnline  Channel = "online"  // 网上（会员手机）
	ChannelWalkIn  Channel = "walk_in" // 来访
)

// Channels lists every channel; staff take in by StaffChannels.
var (
	Channels      = []Channel{ChannelHotline, ChannelOnline, ChannelWalkIn}
	StaffChannels = []Channel{ChannelHotline, ChannelWalkIn}
)

// Status is where a case stands.
type Status string

const (
	StatusNew         Status = "new"         // 待受理
	StatusTransferred Status = "transferred" // 已移交: waits for the receiving union to accept it
	StatusHandling    Status = "handling"    // 办理中
	StatusClosed      Status = "closed"      // 已结案
)

// Statuses lists every status in display order.
var Statuses = []Status{StatusNew, StatusTransferred, StatusHandling, StatusClosed}

// Waiting are the statuses in which a case waits to be accepted.
var Waiting = []Status{StatusNew, StatusTransferred}

// Open are the statuses of a case not closed: past its due time it is
// overdue.
var Open = []Status{StatusNew, StatusTransferred, StatusHandling}

// Outcome is how a case ended.
type Outcome string

const (
	OutcomeAgreement   Outcome = "agreement"    // 达成调解协议
	OutcomeWithdrawn   Outcome = "withdrawn"    // 申请人撤回
	OutcomeArbitration Outcome = "arbitration"  // 转劳动仲裁
	OutcomeCourt       Outcome = "court"        // 转诉讼
	OutcomeAidGranted  Outcome = "aid_granted"  // 给予法律援助
	OutcomeAidRefused  Outcome = "aid_refused"  // 不予法律援助
	OutcomeAnswered    Outcome = "answered"     // 已解答
	OutcomeResolved    Outcome = "resolved"     // 已处理（投诉查实解决）
	OutcomeNotAccepted Outcome = "not_accepted" // 不予受理
)

// Outcomes lists every outcome in display order.
var Outcomes = []Outcome{OutcomeAgreement, OutcomeWithdrawn, OutcomeArbitration, OutcomeCourt, OutcomeAidGranted, OutcomeAidRefused,
	OutcomeAnswered, OutcomeResolved, OutcomeNotAccepted}

// OutcomesOf are the outcomes a case of kind k may close with once it is
// handled; OutcomeNotAccepted closes a case that waits.
func OutcomesOf(k Kind) []Outcome {
	switch k {
	case KindConsultation:
		return []Outcome{OutcomeAnswered, OutcomeWithdrawn, OutcomeArbitration, OutcomeCourt}
	case KindLegalAid:
		return []Outcome{OutcomeAidGranted, OutcomeAidRefused, OutcomeWithdrawn}
	case KindMediation:
		return []Outcome{OutcomeAgreement, OutcomeWithdrawn, OutcomeArbitration, OutcomeCourt}
	case KindComplaint:
		return []Outcome{OutcomeResolved, OutcomeWithdrawn, OutcomeArbitration, OutcomeCourt}
	}
	return nil
}

// ClaimKind is what a claim is for.
type ClaimKind string

const (
	ClaimWages        ClaimKind = "wages"        // 拖欠工资
	ClaimOvertime     ClaimKind = "overtime"     // 加班费
	ClaimCompensation ClaimKind = "compensation" // 经济补偿/赔偿金
	ClaimInsurance    ClaimKind = "insurance"    // 社会保险
	ClaimInjury       ClaimKind = "injury"       // 工伤待遇
	ClaimOther        ClaimKind = "other"        // 其他
)

// ClaimKinds lists every claim kind in display order.
var ClaimKinds = []ClaimKind{ClaimWages, ClaimOvertime, ClaimCompensation, ClaimInsurance, ClaimInjury, ClaimOther}

// Rating is the worker's word on how their case was handled.
type Rating string

const (
	RateSatisfied    Rating = "satisfied"    // 满意
	RateFair         Rating = "fair"         // 基本满意
	RateDissatisfied Rating = "dissatisfied" // 不满意
)

// Ratings lists every rating in display order.
var Ratings = []Rating{RateSatisfied, RateFair, RateDissatisfied}

// Limits of a case.
const (
	MaxTitle    = 60
	MinFacts    = 10
	MaxFacts    = 5000
	MaxWorkers  = 200 // one collective dispute, entered by hand
	MaxClaims   = 20
	MaxNote     = 3000
	MaxReason   = 500
	MaxEmployer = 100
	MaxFiles    = 5
	MaxFileSize = 10 << 20
	MaxFileName = 100
	// MaxFen bounds one amount: ten billion yuan is beyond any claim, and
	// far from int64's end when summed.
	MaxFen int64 = 1_000_000_000_000
	// MaxExtendDays is how long the parties may agree to extend a
	// mediation (企业劳动争议协商调解规定: by at most 15 days).
	MaxExtendDays = 15
	MaxExport     = 10000
)

// Case is one rights case as staff see it (Workers masked) or as a
// member sees their own (no handler, no notes).
type Case struct {
	ID           int64      `json:"id,string"`
	OrgID        int64      `json:"org_id,string"` // the handling union
	OrgName      string     `json:"org_name"`
	Kind         Kind       `json:"kind"`
	Channel      Channel    `json:"channel"`
	Title        string     `json:"title"`
	Facts        string     `json:"facts"`
	Workers      int        `json:"workers"`
	FirstWorker  string     `json:"first_worker"` // the first worker's name, masked for lists
	EmployerName string     `json:"employer_name"`
	CreditCode   string     `json:"credit_code,omitempty"`
	EmployerID   int64      `json:"employer_id,string,omitempty"`
	ClaimedFen   int64      `json:"claimed_fen"`
	RecoveredFen int64      `json:"recovered_fen"`
	Status       Status     `json:"status"`
	Outcome      Outcome    `json:"outcome,omitempty"`
	HandlerID    int64      `json:"handler_id,string,omitempty"`
	Handler      string     `json:"handler,omitempty"`
	ReceivedAt   time.Time  `json:"received_at"`
	AcceptedAt   *time.Time `json:"accepted_at,omitempty"`
	DueAt        time.Time  `json:"due_at"`
	// Provisional: the deadline was counted into a year whose public
	// holidays are not announced yet; it may move when they are.
	Provisional bool       `json:"provisional"`
	Overdue     bool       `json:"overdue"`
	Extended    bool       `json:"extended"`
	ClosedAt    *time.Time `json:"closed_at,omitempty"`
	OnTime      bool       `json:"on_time"`
	Rating      Rating     `json:"rating,omitempty"`
	Version     int        `json:"version"`
	UpdatedAt   time.Time  `json:"updated_at"`

	path     string
	memberID int64
	remindAt time.Time
	// escalateAt is the deadline still to be escalated to the supervisors
	// (0: none pending; see escalate.go).
	escalateAt int64
}

// OrgPath is the path of the handling union.
func (c *Case) OrgPath() string { return c.path }

// Worker is one worker of a case as staff see them: the name, ID number
// and mobile masked unless revealed.
type Worker struct {
	ID       int64  `json:"id,string"`
	MemberID int64  `json:"member_id,string,omitempty"` // a member of the registry
	Name     string `json:"name"`
	IDNumber string `json:"id_number,omitempty"`
	Mobile   string `json:"mobile,omitempty"`
}

// Claim is one thing the workers claim.
type Claim struct {
	ID        int64     `json:"id,string"`
	Kind      ClaimKind `json:"kind"`
	AmountFen int64     `json:"amount_fen"`
	Note      string    `json:"note,omitempty"`
}

// Event is one entry of a case's timeline.
type Event struct {
	ID      int64     `json:"id,string"`
	Kind    string    `json:"kind"`             // one of EventKinds
	Status  Status    `json:"status,omitempty"` // the status after it, when it changed
	Body    string    `json:"body,omitempty"`
	FromOrg string    `json:"from_org,omitempty"`
	ToOrg   string    `json:"to_org,omitempty"`
	By      string    `json:"by,omitempty"` // staff who acted (staff reads only)
	OrgName string    `json:"org_name"`     // the union that acted; "" the worker
	Worker  bool      `json:"worker"`       // the worker who filed it acted
	System  bool      `json:"system"`       // the system acted (an escalation)
	At      time.Time `json:"at"`
}

// Kinds of timeline entries.
const (
	EvFiled       = "filed"       // a member filed it
	EvTakenIn     = "taken_in"    // staff took it in
	EvAccepted    = "accepted"    // accepted, with a handler
	EvAssigned    = "assigned"    // the handler changed
	EvTransferred = "transferred" // handed to another union
	EvExtended    = "extended"    // a mediation extended by agreement
	EvClaims      = "claims"      // the claims changed
	EvEvidence    = "evidence"    // an evidence file added
	EvClosed      = "closed"      // closed with an outcome
	EvRated       = "rated"       // the worker rated it
	// Edits after intake. A worker's entry names them by their place in
	// the list (body "3"), never by anything personal; a claim's carries
	// the claims' new total in yuan.
	EvWorkerAdded   = "worker_added"
	EvWorkerEdited  = "worker_edited"
	EvWorkerRemoved = "worker_removed"
	EvClaimAdded    = "claim_added"
	EvClaimEdited   = "claim_edited"
	EvClaimRemoved  = "claim_removed"
	// EvEscalated: the deadline passed and the case went to the
	// supervisors; written by the system (no actor), once per deadline.
	EvEscalated = "escalated"
)

// EventKinds lists every kind of timeline entry.
var EventKinds = []string{EvFiled, EvTakenIn, EvAccepted, EvAssigned, EvTransferred, EvExtended, EvClaims, EvEvidence, EvClosed, EvRated,
	EvWorkerAdded, EvWorkerEdited, EvWorkerRemoved, EvClaimAdded, EvClaimEdited, EvClaimRemoved, EvEscalated}

// Note is a staff note. A confidential one carries its words only when
// read through OpenNote by the handler or a supervisor.
type Note struct {
	ID           int64     `json:"id,string"`
	Confidential bool      `json:"confidential"`
	Body         string    `json:"body,omitempty"`
	By           string    `json:"by"`
	At           time.Time `json:"at"`
}

// File is an evidence file (without its bytes).
type File struct {
	ID          int64     `json:"id,string"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int       `json:"size"`
	ByWorker    bool      `json:"by_worker"`
	CreatedAt   time.Time `json:"created_at"`
}

// Can says what the reader may do with a case now.
type Can struct {
	Accept   bool `json:"accept"`
	Assign   bool `json:"assign"`
	Transfer bool `json:"transfer"`
	Note     bool `json:"note"`
	// Confidential: may write and open confidential notes (the handler
	// and the supervisors).
	Confidential bool `json:"confidential"`
	Extend       bool `json:"extend"`
	Claims       bool `json:"claims"`
	// Workers: may add, edit and remove workers (case.write, while open).
	Workers  bool `json:"workers"`
	Evidence bool `json:"evidence"`
	Close    bool `json:"close"`
	Reveal   bool `json:"reveal"`
	Rate     bool `json:"rate"` // the member who filed it
}

// Thread is a case with its workers, claims, timeline, notes and files,
// as its reader sees it.
type Thread struct {
	Case
	WorkerList []Worker `json:"worker_list"`
	Claims     []Claim  `json:"claims"`
	Events     []Event  `json:"events"`
	Notes      []Note   `json:"notes"`
	Files      []File   `json:"files"`
	Can        Can      `json:"can"`
}

// rule scopes cases: case.read to see them, case.write to act on them,
// over the handling union's subtree.
var rule = scope.Rule{Entity: "case", Read: auth.PermCaseRead, Write: auth.PermCaseWrite}

// Store reads and changes cases.
type Store struct {
	DB   *db.DB
	Keys *pii.Keyring // seals workers' personal data, confidential notes and evidence
	// Calendar counts working days; nil is workday.Std() at each use.
	Calendar *workday.Calendar
	now      func() time.Time
}

// NewStore returns a store on d whose personal data is sealed with keys.
func NewStore(d *db.DB, keys *pii.Keyring) *Store {
	return &Store{DB: d, Keys: keys, now: time.Now}
}

// SetClock replaces the clock (tests).
func (s *Store) SetClock(now func() time.Time) { s.now = now }

func (s *Store) stamp() time.Time { return s.now().UTC().Truncate(time.Millisecond) }

func (s *Store) calendar() *workday.Calendar {
	if s.Calendar != nil {
		return s.Calendar
	}
	return workday.Std()
}

func validStatus(st Status) bool { return slices.Contains(Statuses, st) }

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
