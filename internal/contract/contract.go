// Package contract keeps collective contracts (集体合同): negotiated by a
// union (the contract's organisation, its scope) with one employer or, as
// a regional (区域性) or industry (行业性) contract, with many; a
// comprehensive contract or a special one (wages, female workers' rights,
// safety and health). A draft is submitted to the labour authority; the
// authority may object within 15 days (the contract goes back to draft to
// be renegotiated), and when the 15 days pass without objection it is in
// force from the next day, or from its term's start when that is later,
// until its term ends or its renewal takes over. Renewal makes the next
// contract of a chain, which the contract's page shows whole.
//
// Time: whether a contract is under review, in force, expiring or expired
// on a day follows from its stored days (status.go), so lists, counts and
// reminders agree on any day without a background job. The dashboard's
// figures are levels in internal/stats, which must be moved when a day
// passes: each contract and each covered employer keeps the figures it
// has logged and the next day they change, and Settle (run by any server
// process every few minutes, and by every write for the rows it touches)
// logs the moves that are due (figures.go).
//
// Scoping: contract.read to see, contract.write to change, over the
// negotiating union's subtree; anyone else gets NotFound.
package contract

import (
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/beijing"
	"gonghui/internal/db"
	"gonghui/internal/pii"
	"gonghui/internal/scope"
)

// Kind is what a contract is about: a fixed list.
type Kind string

const (
	KindComprehensive Kind = "comprehensive" // 综合性集体合同
	KindWage          Kind = "wage"          // 工资专项集体合同
	KindFemale        Kind = "female"        // 女职工权益保护专项集体合同
	KindSafety        Kind = "safety"        // 劳动安全卫生专项集体合同
)

// Kinds lists every kind in display order.
var Kinds = []Kind{KindComprehensive, KindWage, KindFemale, KindSafety}

// Coverage is whom a contract covers.
type Coverage string

const (
	CoverEmployer Coverage = "employer" // one employer (企业集体合同)
	CoverRegional Coverage = "regional" // 区域性: employers of an area
	CoverIndustry Coverage = "industry" // 行业性: employers of a trade
)

// Coverages lists every coverage in display order.
var Coverages = []Coverage{CoverEmployer, CoverRegional, CoverIndustry}

// State is what is stored; Status is what a contract is on a day.
type State string

const (
	StateDraft     State = "draft"
	StateSubmitted State = "submitted"
)

// Status is where a contract stands on a day.
type Status string

const (
	StatusDraft      Status = "draft"    // 草案: being negotiated (again, after an objection)
	StatusReview     Status = "review"   // 审查中: with the labour authority, within the 15 days
	StatusUpcoming   Status = "upcoming" // 待生效: passed review, its term not yet begun
	StatusInForce    Status = "in_force" // 生效中
	StatusExpired    Status = "expired"  // 已到期
	StatusSuperseded Status = "renewed"  // 已续订: its renewal took over
)

// Statuses lists every status in display order.
var Statuses = []Status{StatusDraft, StatusReview, StatusUpcoming, StatusInForce, StatusExpired, StatusSuperseded}

// Limits of a contract.
const (
	MaxTitle     = 100
	MaxRep       = 40
	MaxNotes     = 2000
	MaxReason    = 500
	MaxEmployers = 500
	MaxWorkers   = 10_000_000
	// MaxWageIncrease is 100.00%, in hundredths of a percent.
	MaxWageIncrease = 10000
	// MaxMinWage is 100,000 yuan a month, in fen.
	MaxMinWage   = 100_000_00
	MinTermDays  = 28 // shorter is a typing slip, not a contract
	MaxTermYears = 3  // 集体合同期限一般为1至3年
	MaxFileBytes = 20 << 20

	// ReviewDays is how long the labour authority has to object.
	ReviewDays = 15
	// RemindMonths is how long before the end of its term an expiring
	// contract appears in its union's to-do inbox.
	RemindMonths = 3
)

// Contract is one collective contract.
type Contract struct {
	ID           int64      `json:"id,string"`
	OrgID        int64      `json:"org_id,string"`
	OrgName      string     `json:"org_name"`
	Title        string     `json:"title"`
	Kind         Kind       `json:"kind"`
	Coverage     Coverage   `json:"coverage"`
	UnionRep     string     `json:"union_rep"`
	EmployerRep  string     `json:"employer_rep"`
	SignedOn     string     `json:"signed_on"`
	StartsOn     string     `json:"starts_on"`
	EndsOn       string     `json:"ends_on"`
	Workers      int        `json:"workers"`
	WageIncrease int        `json:"wage_increase"` // hundredths of a percent
	MinWage      int64      `json:"min_wage"`      // fen a month
	Notes        string     `json:"notes"`
	Status       Status     `json:"status"` // on the day it was read
	Expiring     bool       `json:"expiring"`
	SubmittedOn  string     `json:"submitted_on,omitempty"`
	ReviewEndsOn string     `json:"review_ends_on,omitempty"` // the last day an objection may be raised
	EffectiveOn  string     `json:"effective_on,omitempty"`
	LapseOn      string     `json:"lapse_on,omitempty"` // the first day no longer in force
	RemindOn     string     `json:"remind_on"`
	PreviousID   int64      `json:"previous_id,string,omitempty"`
	Renewed      bool       `json:"renewed"` // its renewal has been submitted
	Employers    []Employer `json:"employers,omitempty"`
	HasFile      bool       `json:"has_file"`
	Version      int        `json:"version"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`

	state State
	path  string
}

// Employer is one employer a contract covers.
type Employer struct {
	EmployerID int64  `json:"employer_id,string"`
	Name       string `json:"name"`
	CreditCode string `json:"credit_code"`
	Workers    int    `json:"workers"`
}

// OrgPath is the path of the negotiating union.
func (c *Contract) OrgPath() string { return c.path }

// rule scopes contracts over the negotiating union's subtree.
var rule = scope.Rule{Entity: "contract", Read: auth.PermContractRead, Write: auth.PermContractWrite}

// Store reads and changes contracts.
type Store struct {
	DB   *db.DB
	Keys *pii.Keyring // seals the texts
	now  func() time.Time
}

// NewStore returns a store on d whose uploaded texts are sealed with keys.
func NewStore(d *db.DB, keys *pii.Keyring) *Store {
	return &Store{DB: d, Keys: keys, now: time.Now}
}

// SetClock replaces the clock (tests).
func (s *Store) SetClock(now func() time.Time) { s.now = now }

func (s *Store) stamp() time.Time { return s.now().UTC().Truncate(time.Millisecond) }

// Today is the store's Beijing day.
func (s *Store) Today() string { return beijing.Day(s.now()) }

// MayRead says whether p may open the contract pages at all.
func MayRead(p *auth.Principal) bool {
	return p != nil && (p.Can(auth.PermContractRead) || p.Can(auth.PermContractWrite))
}
