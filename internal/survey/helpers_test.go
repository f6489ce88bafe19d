package survey

import (
	"context"
	"strconv"
	"testing"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/beijing"
	"gonghui/internal/cnid"
	"gonghui/internal/db"
	"gonghui/internal/member"
	"gonghui/internal/org"
	"gonghui/internal/signup/signuptest"
	"gonghui/internal/testkit"
)

var ctx = context.Background()

type world struct {
	s      *Store
	m      *member.Store
	d      *db.DB
	clock  *signuptest.Clock
	tr     *signuptest.Tree
	street *auth.Principal
	seq    int
}

func newWorld(t testing.TB, d *db.DB) *world {
	t.Helper()
	ms := member.NewStore(d, testkit.Keys(t))
	w := &world{m: ms, d: d, tr: signuptest.NewTree(t, org.NewStore(d)),
		clock: signuptest.NewClock(time.Date(2026, 12, 1, 8, 0, 0, 0, beijing.Zone))}
	w.s = NewStore(d, ms)
	w.s.SetClock(w.clock.Now)
	w.street = signuptest.Grant(auth.RoleOfficer, w.tr.Dashilan)
	return w
}

func (w *world) add(t testing.TB, u *org.Org) *member.Member {
	t.Helper()
	w.seq++
	n := w.seq
	id, err := cnid.MakeResidentID("110102", time.Date(1980+n%20, time.Month(1+n%12), 1+n%28, 0, 0, 0, 0, time.UTC), n%1000)
	if err != nil {
		t.Fatal(err)
	}
	m, err := w.m.Create(ctx, w.tr.City, u.ID, member.Person{Name: "职工" + string([]rune("甲乙丙丁戊己庚辛壬癸")[n%10]) + string([]rune("一二三四五六七八九十")[n/10%10]), IDNumber: id, Mobile: strconv.Itoa(13800000000 + n), JoinedOn: "2020-05-01"})
	if err != nil {
		t.Fatalf("add member %d: %v", n, err)
	}
	return m
}

// questions: 1 single (yes/no, other), 2 multiple shown if 1 = yes, 3 rating, 4 long text, 5 number.
func questions() []Question {
	return []Question{
		{Type: Single, Title: "您是否参加过工会活动？", Required: true, Options: []string{"参加过", "没有参加过"}, Other: true},
		{Type: Multiple, Title: "参加过哪些活动？", Required: true, Options: []string{"文体活动", "技能培训", "疗休养"}, MaxPicks: 2, ShowIf: &Condition{Question: 0, Option: 0}},
		{Type: Rating, Title: "满意度", Scale: 5, Required: true},
		{Type: Long, Title: "意见和建议"},
		{Type: Number, Title: "工龄（年）"},
	}
}

func (w *world) input(anon bool) Input {
	now := w.clock.Now()
	return Input{OrgID: w.tr.Root.ID, Title: "2026年职工需求调查", Anonymous: anon, OpensAt: now.Add(-time.Hour).Format(time.RFC3339),
		ClosesAt: now.Add(7 * 24 * time.Hour).Format(time.RFC3339), Questions: questions()}
}

func (w *world) published(t testing.TB, in Input) *Survey {
	t.Helper()
	v, err := w.s.Create(ctx, w.tr.City, in)
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if v, err = w.s.Publish(ctx, w.tr.City, v.ID, v.Version); err != nil {
		t.Fatalf("publish: %v", err)
	}
	return v
}

func num(f float64) *float64 { return &f }
func str(s string) *string   { return &s }

// yes is a full response taking the skip rule's branch.
func yes(rating float64) map[int]Answer {
	return map[int]Answer{0: {Choices: []int{0}}, 1: {Choices: []int{0, 2}}, 2: {Number: num(rating)}, 3: {Text: "希望多组织活动"}, 4: {Number: num(12.5)}}
}

var (
	wantField = testkit.WantField
	wantCode  = testkit.WantCode
)
