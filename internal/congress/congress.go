// Package congress runs the workers' congress (职工代表大会, 职代会) and open
// affairs (厂务公开) of an employer: sessions (第N届第M次会议) owned by the
// employer's union, their delegates (members of that union, with the
// composition figures), the agenda and its votes, the motions (提案)
// delegates file and staff review, assign and answer, and the items of open
// affairs published to the employer's members.
//
// Scoping: staff read with congress.read and act with congress.write over
// the owning union's subtree; a session, motion or item outside gets
// NotFound. A member sees the sessions they are a delegate of, the motions
// of those sessions, and the open-affairs items of their employer's union
// (eligible: a member of the union's subtree whose employer on record is
// that employer or none).
//
// Limits that must hold across server processes are the database's: one
// delegate row per member and session, one second per delegate and motion
// (primary keys), each change of a motion under its row's lock.
package congress

import (
	"context"
	"database/sql"
	"slices"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/scope"
)

// SessionStatus is where a session stands.
type SessionStatus string

const (
	SessionPlanned SessionStatus = "planned" // 筹备中
	SessionHeld    SessionStatus = "held"    // 已召开
	SessionClosed  SessionStatus = "closed"  // 已闭会: no more motions, votes or attendance
)

// SessionStatuses lists every session status in display order.
var SessionStatuses = []SessionStatus{SessionPlanned, SessionHeld, SessionClosed}

// Category is a delegate's place in the workforce.
type Category string

const (
	CatFrontline  Category = "frontline"  // 一线职工
	CatTechnician Category = "technician" // 专业技术人员
	CatManager    Category = "manager"    // 中层管理人员
	CatLeader     Category = "leader"     // 领导人员
)

// Categories lists every delegate category in display order.
var Categories = []Category{CatFrontline, CatTechnician, CatManager, CatLeader}

// Genders a delegate is entered with (the registry masks the one the ID
// number gives, so the election's record is used).
var Genders = []string{"male", "female"}

// Composition rules that are common practice in Beijing's congress rules
// (not law for every employer): front-line workers at least half of the
// delegates, leaders at most a fifth. The pages warn; nothing is refused.
const (
	FrontlineMinPercent = 50
	LeadersMaxPercent   = 20
)

// Quorum: a session is valid when at least two thirds of its delegates are
// present (QuorumNum/QuorumDen).
const (
	QuorumNum = 2
	QuorumDen = 3
)

// MotionStatus is where a motion stands.
type MotionStatus string

const (
	MotionSeconding  MotionStatus = "seconding"  // 待附议
	MotionReview     MotionStatus = "review"     // 待审查
	MotionAccepted   MotionStatus = "accepted"   // 已立案, waits to be assigned
	MotionAssigned   MotionStatus = "assigned"   // 办理中
	MotionAnswered   MotionStatus = "answered"   // 已答复
	MotionSuggestion MotionStatus = "suggestion" // 转为意见建议
	MotionRejected   MotionStatus = "rejected"   // 不予立案
	MotionWithdrawn  MotionStatus = "withdrawn"  // 已撤回: by its delegate, before review
)

// MotionStatuses lists every motion status in display order.
var MotionStatuses = []MotionStatus{MotionSeconding, MotionReview, MotionAccepted, MotionAssigned, MotionAnswered, MotionSuggestion, MotionRejected, MotionWithdrawn}

// Outcome is the motions committee's decision on a motion.
type Outcome string

const (
	OutcomeAccept     Outcome = "accept"     // 立案
	OutcomeSuggestion Outcome = "suggestion" // 转为意见建议
	OutcomeReject     Outcome = "reject"     // 不予立案
)

// Outcomes lists every review outcome.
var Outcomes = []Outcome{OutcomeAccept, OutcomeSuggestion, OutcomeReject}

// Rating is the submitting delegate's word on an answer.
type Rating string

const (
	RateSatisfied    Rating = "satisfied"    // 满意
	RateBasically    Rating = "basically"    // 基本满意
	RateDissatisfied Rating = "dissatisfied" // 不满意
)

// Ratings lists every rating in display order.
var Ratings = []Rating{RateSatisfied, RateBasically, RateDissatisfied}

// Choice is a delegate's ballot on an agenda item.
type Choice string

const (
	ChoiceFor     Choice = "for"
	ChoiceAgainst Choice = "against"
	ChoiceAbstain Choice = "abstain"
)

// Choices lists every ballot choice.
var Choices = []Choice{ChoiceFor, ChoiceAgainst, ChoiceAbstain}

// AffairCategory is what an open-affairs item is about.
type AffairCategory string

const (
	AffairWages     AffairCategory = "wages"     // 工资福利
	AffairSafety    AffairCategory = "safety"    // 安全生产
	AffairDecisions AffairCategory = "decisions" // 重大决策
	AffairFinances  AffairCategory = "finances"  // 财务收支
	AffairPersonnel AffairCategory = "personnel" // 人事与考核
	AffairOther     AffairCategory = "other"     // 其他
)

// AffairCategories lists every open-affairs category in display order.
var AffairCategories = []AffairCategory{AffairWages, AffairSafety, AffairDecisions, AffairFinances, AffairPersonnel, AffairOther}

// Limits.
const (
	MaxPlace = 60
	// MaxSessionTitle bounds a session's own title (a congress's full
	// name with what it is joined with, 暨…会议, runs long).
	MaxSessionTitle = 80
	MaxTitle        = 60
	MaxText         = 3000
	MaxNote         = 500
	MaxHandler      = 40
	MaxAgenda       = 50
	MaxTerm         = 99
	MaxSeconds      = 20
	MaxAffair       = 10000
	MinMotion       = 10
	MaxDelegate     = 1000

	// DefaultSeconds is how many other delegates second a motion before it
	// goes to review, unless the session says otherwise.
	DefaultSeconds = 2
)

// rule scopes everything of the congress: congress.read to see, congress.write
// to act, over the owning union's subtree.
var rule = scope.Rule{Entity: "congress", Read: auth.PermCongressRead, Write: auth.PermCongressWrite}

// Store reads and changes congress sessions, motions and open affairs.
type Store struct {
	DB  *db.DB
	now func() time.Time
}

// NewStore returns a store on d.
func NewStore(d *db.DB) *Store { return &Store{DB: d, now: time.Now} }

// SetClock replaces the clock (tests).
func (s *Store) SetClock(now func() time.Time) { s.now = now }

func (s *Store) stamp() time.Time { return s.now().UTC().Truncate(time.Millisecond) }

func validIn[T comparable](list []T, v T) bool { return slices.Contains(list, v) }

func staffName(pr *auth.Principal) string {
	if pr.Name != "" {
		return pr.Name
	}
	return pr.Username
}

// reader is the database or a transaction, for reads that run in either.
type reader interface {
	Query(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRow(ctx context.Context, q string, args ...any) *sql.Row
}
