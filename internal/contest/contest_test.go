package contest

import (
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/contest/bank"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/member"
	"gonghui/internal/signup/signuptest"
	"gonghui/internal/testkit"
)

func TestRulesRefused(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		in := w.input()
		in.Sections[0].Count = 11 // the bank holds 10 of 安全生产
		_, err := w.s.Create(ctx, w.tr.City, in)
		wantField(t, err, "sections.0.count", "contest.too_few_questions")

		in = w.input()
		in.Sections = append(in.Sections, Section{BankID: w.bankID, Count: 6, Category: "安全生产", Points: 1})
		_, err = w.s.Create(ctx, w.tr.City, in)
		wantField(t, err, "sections.3.count", "contest.too_few_questions")

		in = w.input()
		in.PassMark = 31
		_, err = w.s.Create(ctx, w.tr.City, in)
		wantField(t, err, "pass_mark", "field.out_of_range")

		in = w.input()
		in.ClosesAt = in.OpensAt
		in.TimeLimit = 10
		_, err = w.s.Create(ctx, w.tr.City, in)
		wantField(t, err, "closes_at", "contest.closes_before_opens")
		wantField(t, err, "time_limit", "contest.time_limit")

		in = w.input()
		in.Sections[1] = Section{BankID: w.bankID, Questions: []int64{12345}, Points: 1}
		_, err = w.s.Create(ctx, w.tr.City, in)
		wantField(t, err, "sections.1.questions", "contest.question_not_in_bank")

		// A street may use the city's bank but not publish for the city.
		in = w.input()
		_, err = w.s.Create(ctx, w.street, in)
		wantField(t, err, "org_id", "field.invalid_id")
		in.OrgID = w.tr.Dashilan.ID
		if _, err := w.s.Create(ctx, w.street, in); err != nil {
			t.Fatalf("street contest from the city's bank: %v", err)
		}
	})
}

func TestTakeResumeSubmit(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		c := w.published(t, w.input())
		if c.MaxScore != 30 {
			t.Fatalf("max score %d", c.MaxScore)
		}
		m := w.add(t, w.tr.UnionA)
		me := signuptest.Self(m)
		sh, err := w.s.Start(ctx, me, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(sh.Questions) != 15 || sh.Remaining != 1200 {
			t.Fatalf("paper of %d questions, %d s", len(sh.Questions), sh.Remaining)
		}
		// The key never reaches the phone.
		raw, _ := json.Marshal(sh)
		if strings.Contains(string(raw), `"key"`) || strings.Contains(string(raw), "法律如此规定") {
			t.Fatalf("the sheet carries the key: %s", raw)
		}
		// Answer ten right, then the connection drops: opening again
		// resumes the same paper with the answers and the time left.
		for pos := range 10 {
			if _, err := w.s.Save(ctx, me, sh.Attempt.ID, pos, rightAnswer(t, w, sh.Attempt.ID, pos)); err != nil {
				t.Fatalf("save %d: %v", pos, err)
			}
		}
		w.clock.Add(5 * time.Minute)
		again, err := w.s.Start(ctx, me, c.ID)
		if err != nil || again.Attempt.ID != sh.Attempt.ID || len(again.Answers) != 10 || again.Remaining != 900 {
			t.Fatalf("resume: %+v %v", again, err)
		}
		if again.Questions[3].Stem != sh.Questions[3].Stem {
			t.Fatal("resumed a different paper")
		}
		// Bad answers change nothing.
		_, err = w.s.Save(ctx, me, sh.Attempt.ID, 15, bank.Answer{})
		wantField(t, err, "position", "contest.not_on_paper")
		var single int
		for i, q := range sh.Questions {
			if q.Type == bank.Single {
				single = i
			}
		}
		_, err = w.s.Save(ctx, me, sh.Attempt.ID, single, bank.Answer{Choices: []int{7}})
		wantField(t, err, "answer", "bank.answer_option")
		// Another member cannot touch this attempt.
		other := signuptest.Self(w.add(t, w.tr.UnionB))
		if _, err := w.s.Save(ctx, other, sh.Attempt.ID, 0, bank.Answer{}); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("another member saved: %v", err)
		}
		if _, err := w.s.Result(ctx, other, sh.Attempt.ID); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("another member read the result: %v", err)
		}
		if err := w.s.Switched(ctx, me, sh.Attempt.ID); err != nil {
			t.Fatal(err)
		}

		r, err := w.s.Submit(ctx, me, sh.Attempt.ID)
		if err != nil {
			t.Fatal(err)
		}
		if r.Attempt.Score != 20 || !r.Attempt.Passed || r.Rank != 1 || r.Takers != 1 || len(r.Corrections) != 15 || r.Attempt.Switches != 1 {
			t.Fatalf("result %+v", r.Attempt)
		}
		// Submitting again answers the same; saving after submission is refused.
		r2, err := w.s.Submit(ctx, me, sh.Attempt.ID)
		if err != nil || r2.Attempt.Score != 20 || r2.Attempt.SubmittedAt == nil || !r2.Attempt.SubmittedAt.Equal(*r.Attempt.SubmittedAt) {
			t.Fatalf("second submit: %+v %v", r2, err)
		}
		_, err = w.s.Save(ctx, me, sh.Attempt.ID, 11, rightAnswer(t, w, sh.Attempt.ID, 11))
		wantCode(t, err, "submitted")
		// One attempt allowed: starting again is refused.
		_, err = w.s.Start(ctx, me, c.ID)
		wantCode(t, err, "no_attempts_left")
	})
}

func TestTimeRunsOut(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		c := w.published(t, w.input())
		me := signuptest.Self(w.add(t, w.tr.UnionA))
		sh, err := w.s.Start(ctx, me, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.Save(ctx, me, sh.Attempt.ID, 0, rightAnswer(t, w, sh.Attempt.ID, 0)); err != nil {
			t.Fatal(err)
		}
		w.clock.Add(20*time.Minute + Grace + time.Second)
		_, err = w.s.Save(ctx, me, sh.Attempt.ID, 1, rightAnswer(t, w, sh.Attempt.ID, 1))
		wantCode(t, err, "time_up")
		// Nobody pressed submit: the sweep closes it with what was saved.
		if n, err := w.s.FinishExpired(ctx, 100); err != nil || n != 1 {
			t.Fatalf("finish expired: %d %v", n, err)
		}
		r, err := w.s.Result(ctx, me, sh.Attempt.ID)
		if err != nil || r.Attempt.Status != AttemptSubmitted || r.Attempt.Score != 2 || r.Attempt.Passed {
			t.Fatalf("result after time: %+v %v", r, err)
		}
		if got := r.Attempt.SubmittedAt.Sub(sh.Attempt.StartedAt); got != 20*time.Minute {
			t.Fatalf("took %v, want the limit", got)
		}
	})
}

// Twenty presses of start and of submit at once, through two stores on
// two connections (as two server processes): one attempt, one result.
func TestOneAttemptUnderConcurrency(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		c := w.published(t, w.input())
		me := signuptest.Self(w.add(t, w.tr.UnionA))
		second := NewStore(d, bank.NewStore(d), w.m)
		second.SetClock(w.clock.Now)
		stores := []*Store{w.s, second}
		var mu sync.Mutex
		ids := map[int64]bool{}
		var fns []func() error
		for i := range 20 {
			s := stores[i%2]
			fns = append(fns, func() error {
				sh, err := s.Start(ctx, me, c.ID)
				if err != nil {
					return err
				}
				mu.Lock()
				ids[sh.Attempt.ID] = true
				mu.Unlock()
				return nil
			})
		}
		signuptest.Together(t, fns)
		if len(ids) != 1 {
			t.Fatalf("%d attempts opened", len(ids))
		}
		var id int64
		for k := range ids {
			id = k
		}
		fns = nil
		for i := range 20 {
			s := stores[i%2]
			fns = append(fns, func() error { _, err := s.Submit(ctx, me, id); return err })
		}
		signuptest.Together(t, fns)
		var attempts, results int
		if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM attempts WHERE contest_id = ?", c.ID).Scan(&attempts); err != nil {
			t.Fatal(err)
		}
		if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM contest_results WHERE contest_id = ?", c.ID).Scan(&results); err != nil {
			t.Fatal(err)
		}
		if attempts != 1 || results != 1 {
			t.Fatalf("%d attempts, %d results", attempts, results)
		}
	})
}

func TestScopeAndBoards(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		in := w.input()
		in.Attempts, in.Counting = 2, CountBest
		c := w.published(t, in)
		// Three takers: two in 大栅栏 (union A), one in 西长安街 (union B).
		a, b := w.add(t, w.tr.UnionA), w.add(t, w.tr.UnionA)
		x := w.add(t, w.tr.UnionB)
		take := func(m *member.Member, right int) { w.take(t, c, m, right) }
		take(a, 3)
		take(b, 8)
		take(x, 15)
		take(a, 9) // a's second attempt is better and counts
		board, total, err := w.s.Board(ctx, w.tr.City, c.ID, BoardQuery{})
		if err != nil || total.N != 3 || board[0].MemberID != x.ID || board[1].MemberID != a.ID || board[1].Score != 18 || board[1].Attempts != 2 {
			t.Fatalf("city board %+v %+v %v", board, total, err)
		}
		if f := checkFigures(t, w); *f != (Figures{Held: 1, Takers: 3, Papers: 4, Passed: 3}) {
			t.Fatalf("figures: %+v", f)
		}
		// 大栅栏's officer sees the city's contest and only 大栅栏's takers.
		board, total, err = w.s.Board(ctx, w.street, c.ID, BoardQuery{})
		if err != nil || total.N != 2 || board[0].MemberID != a.ID || board[0].Rank != 1 || board[1].MemberID != b.ID {
			t.Fatalf("street board %+v %v", board, err)
		}
		_, _, err = w.s.Board(ctx, w.street, c.ID, BoardQuery{Org: w.tr.UnionB.ID})
		wantField(t, err, "org", "field.invalid_id")
		list, _, err := w.s.List(ctx, w.street, Query{})
		if err != nil || len(list) != 1 {
			t.Fatalf("street's contests: %+v %v", list, err)
		}
		if _, err := w.s.Update(ctx, w.street, c.ID, 0, w.input()); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("street edited the city's contest: %v", err)
		}
		// A street's own draft is invisible to a sibling street and the
		// city's rules cannot change once papers are out.
		own := w.input()
		own.OrgID = w.tr.Dashilan.ID
		draft, err := w.s.Create(ctx, w.street, own)
		if err != nil {
			t.Fatal(err)
		}
		sibling := signuptest.Grant(auth.RoleOfficer, w.tr.Xichang)
		if _, _, err := w.s.View(ctx, sibling, draft.ID); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("sibling saw a street's draft: %v", err)
		}
		changed := in
		changed.Sections = changed.Sections[:2]
		changed.PassMark = 10
		_, err = w.s.Update(ctx, w.tr.City, c.ID, 0, changed)
		wantField(t, err, "sections", "contest.rules_frozen")
		// A member outside the audience finds nothing.
		streetOnly := w.input()
		streetOnly.OrgID = w.tr.Dashilan.ID
		sc, err := w.s.Create(ctx, w.street, streetOnly)
		if err != nil {
			t.Fatal(err)
		}
		if sc, err = w.s.Publish(ctx, w.street, sc.ID, sc.Version); err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.Start(ctx, signuptest.Self(x), sc.ID); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("a member outside the audience started: %v", err)
		}
		if _, err := w.s.Cancel(ctx, w.street, sc.ID, 0); err != nil {
			t.Fatal(err)
		}
		if f := checkFigures(t, w); f.Held != 1 {
			t.Fatalf("held after a publish and a cancel: %+v", f)
		}
	})
}
