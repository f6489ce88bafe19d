package contest

import (
	"testing"
	"time"

	"gonghui/internal/db"
	"gonghui/internal/member"
	"gonghui/internal/signup/signuptest"
	"gonghui/internal/testkit"
)

// A rank read from the process's copy of the board is the same as one
// counted exactly, ties broken by time; a copy misses only those who
// handed in since it was read.
func TestRankFromTheBoardsCopy(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		c := w.published(t, w.input())
		type taken struct {
			me      *member.Member
			attempt int64
		}
		var all []taken
		for i, right := range []int{9, 3, 9, 15, 0, 9} {
			m := w.add(t, w.tr.UnionA)
			me := signuptest.Self(m)
			sh, err := w.s.Start(ctx, me, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			for pos := range right {
				if _, err := w.s.Save(ctx, me, sh.Attempt.ID, pos, rightAnswer(t, w, sh.Attempt.ID, pos)); err != nil {
					t.Fatal(err)
				}
			}
			w.clock.Add(time.Duration(10-i) * time.Minute) // later takers are quicker
			if _, err := w.s.Submit(ctx, me, sh.Attempt.ID); err != nil {
				t.Fatal(err)
			}
			all = append(all, taken{m, sh.Attempt.ID})
		}
		board, _, err := w.s.Board(ctx, w.tr.City, c.ID, BoardQuery{})
		if err != nil {
			t.Fatal(err)
		}
		place := map[int64]int{}
		for _, b := range board {
			place[b.MemberID] = b.Rank
		}
		expire := func() {
			st := w.s.standings.m[c.ID]
			st.mu.Lock()
			st.at = time.Time{}
			st.mu.Unlock()
		}
		for _, exact := range []bool{true, false} {
			w.s.exactBelow = ExactBelow
			if !exact {
				w.s.exactBelow = 0
				expire()
			}
			for _, tk := range all {
				r, err := w.s.Result(ctx, signuptest.Self(tk.me), tk.attempt)
				if err != nil {
					t.Fatal(err)
				}
				if r.Rank != place[tk.me.ID] || r.Takers != len(all) {
					t.Fatalf("exact %v: %s ranked %d of %d, the board says %d of %d", exact, tk.me.Name, r.Rank, r.Takers, place[tk.me.ID], len(all))
				}
			}
		}
		// A new leader hands in: the copy read a moment ago does not know
		// yet (the leader is told 1st of 7 all the same), a fresh one does.
		m := w.add(t, w.tr.UnionA)
		me := signuptest.Self(m)
		sh, err := w.s.Start(ctx, me, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		for pos := range 15 {
			if _, err := w.s.Save(ctx, me, sh.Attempt.ID, pos, rightAnswer(t, w, sh.Attempt.ID, pos)); err != nil {
				t.Fatal(err)
			}
		}
		w.clock.Add(time.Second)
		r, err := w.s.Submit(ctx, me, sh.Attempt.ID)
		if err != nil || r.Rank != 1 || r.Takers != 6 {
			t.Fatalf("the leader on the old copy: rank %d of %d, %v", r.Rank, r.Takers, err)
		}
		second := all[3]
		if r, _ := w.s.Result(ctx, signuptest.Self(second.me), second.attempt); r.Rank != 1 {
			t.Fatalf("the old copy moved: %d", r.Rank)
		}
		expire()
		if r, _ := w.s.Result(ctx, signuptest.Self(second.me), second.attempt); r.Rank != 2 || r.Takers != 7 {
			t.Fatalf("a fresh copy: rank %d of %d", r.Rank, r.Takers)
		}
	})
}
