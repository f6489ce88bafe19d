package contest

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/beijing"
	"gonghui/internal/cnid"
	"gonghui/internal/contest/bank"
	"gonghui/internal/db"
	"gonghui/internal/member"
	"gonghui/internal/org"
	"gonghui/internal/signup/signuptest"
	"gonghui/internal/testkit"
)

var ctx = context.Background()

// world is the contest tests' tree (signuptest.Tree), a city bank of 30
// questions in three categories, and the stores.
type world struct {
	s      *Store
	b      *bank.Store
	m      *member.Store
	d      *db.DB
	clock  *signuptest.Clock
	tr     *signuptest.Tree
	bankID int64
	street *auth.Principal // 大栅栏's officer
	seq    int
}

func newWorld(t testing.TB, d *db.DB) *world {
	t.Helper()
	ms := member.NewStore(d, testkit.Keys(t))
	w := &world{m: ms, d: d, b: bank.NewStore(d), tr: signuptest.NewTree(t, org.NewStore(d)),
		clock: signuptest.NewClock(time.Date(2026, 12, 1, 8, 0, 0, 0, beijing.Zone))}
	w.s = NewStore(d, w.b, ms)
	w.s.SetClock(w.clock.Now)
	w.b.SetClock(w.clock.Now)
	w.street = signuptest.Grant(auth.RoleOfficer, w.tr.Dashilan)
	bk, err := w.b.CreateBank(ctx, w.tr.City, bank.BankInput{OrgID: w.tr.Root.ID, Name: "安全生产知识"})
	if err != nil {
		t.Fatal(err)
	}
	w.bankID = bk.ID
	for i := range 30 {
		cat := []string{"安全生产", "工会法", "劳动法"}[i%3]
		var q bank.Question
		switch i % 3 {
		case 0:
			q = bank.Question{Type: bank.Single, Stem: fmt.Sprintf("单选题 %d", i), Options: []string{"对的", "错的一", "错的二", "错的三"}, Key: bank.Key{Choices: []int{0}}}
		case 1:
			q = bank.Question{Type: bank.Multiple, Stem: fmt.Sprintf("多选题 %d", i), Options: []string{"对一", "对二", "错一", "错二"}, Key: bank.Key{Choices: []int{0, 1}}}
		default:
			q = bank.Question{Type: bank.TrueFalse, Stem: fmt.Sprintf("判断题 %d", i), Key: bank.Key{True: true}, Explanation: "法律如此规定。"}
		}
		q.Category = cat
		if _, err := w.b.AddQuestion(ctx, w.tr.City, bk.ID, q); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// add makes an active member of union u.
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

// input is a valid contest of the city, open from an hour ago for a week:
// 10 questions drawn from each category, 2 points each.
func (w *world) input() Input {
	now := w.clock.Now()
	in := Input{OrgID: w.tr.Root.ID, Title: "2026年安全生产月知识竞赛", OpensAt: now.Add(-time.Hour).Format(time.RFC3339),
		ClosesAt: now.Add(7 * 24 * time.Hour).Format(time.RFC3339), TimeLimit: 1200, PassMark: 12, ShuffleOptions: true, ShuffleQuestions: true,
		ShowCorrections: true}
	for _, cat := range []string{"安全生产", "工会法", "劳动法"} {
		in.Sections = append(in.Sections, Section{Title: cat, BankID: w.bankID, Count: 5, Category: cat, Points: 2})
	}
	return in
}

func (w *world) published(t testing.TB, in Input) *Contest {
	t.Helper()
	c, err := w.s.Create(ctx, w.tr.City, in)
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if c, err = w.s.Publish(ctx, w.tr.City, c.ID, c.Version); err != nil {
		t.Fatalf("publish: %v", err)
	}
	return c
}

// rightAnswer is the right answer to tq of attempt sheet sh, as the taker
// would give it (choices as shown).
func rightAnswer(t testing.TB, w *world, attemptID int64, pos int) bank.Answer {
	t.Helper()
	var raw string
	if err := w.d.QueryRow(ctx, "SELECT paper FROM attempts WHERE id = ?", attemptID).Scan(&raw); err != nil {
		t.Fatal(err)
	}
	p, err := w.s.decodePaper(attemptID, raw)
	if err != nil {
		t.Fatal(err)
	}
	pq := &p.Questions[pos]
	switch pq.Type {
	case bank.TrueFalse:
		v := pq.Key.True
		return bank.Answer{True: &v}
	default:
		return bank.Answer{Choices: pq.shownKey()}
	}
}

// take has member m start c and answer right the first right questions,
// then hand the paper in a minute later; it answers the attempt's id.
func (w *world) take(t testing.TB, c *Contest, m *member.Member, right int) int64 {
	t.Helper()
	me := signuptest.Self(m)
	sh, err := w.s.Start(ctx, me, c.ID)
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	for pos := range min(right, len(sh.Questions)) {
		if _, err := w.s.Save(ctx, me, sh.Attempt.ID, pos, rightAnswer(t, w, sh.Attempt.ID, pos)); err != nil {
			t.Fatalf("save %d: %v", pos, err)
		}
	}
	w.clock.Add(time.Minute)
	if _, err := w.s.Submit(ctx, me, sh.Attempt.ID); err != nil {
		t.Fatalf("submit: %v", err)
	}
	return sh.Attempt.ID
}

var (
	wantField = testkit.WantField
	wantCode  = testkit.WantCode
)
