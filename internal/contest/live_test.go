package contest

import (
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/contest/bank"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/signup/signuptest"
	"gonghui/internal/testkit"
)

// liveRight is the right answer (as shown) to the session's question at
// pos; liveWrong a wrong one.
func liveRight(t testing.TB, w *world, id int64, pos int) bank.Answer {
	t.Helper()
	pq := livePQ(t, w, id, pos)
	if pq.Type == bank.TrueFalse {
		v := pq.Key.True
		return bank.Answer{True: &v}
	}
	return bank.Answer{Choices: pq.shownKey()}
}

func liveWrong(t testing.TB, w *world, id int64, pos int) bank.Answer {
	t.Helper()
	pq := livePQ(t, w, id, pos)
	if pq.Type == bank.TrueFalse {
		v := !pq.Key.True
		return bank.Answer{True: &v}
	}
	for i := range pq.Options {
		if !containsInt(pq.shownKey(), i) {
			return bank.Answer{Choices: []int{i}}
		}
	}
	t.Fatal("no wrong option")
	return bank.Answer{}
}

func containsInt(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func livePQ(t testing.TB, w *world, id int64, pos int) PaperQuestion {
	t.Helper()
	var raw string
	if err := w.d.QueryRow(ctx, "SELECT paper FROM live_sessions WHERE id = ?", id).Scan(&raw); err != nil {
		t.Fatal(err)
	}
	var p Paper
	if err := json.Unmarshal([]byte(raw), &p); err != nil {
		t.Fatal(err)
	}
	return p.Questions[pos]
}

func TestLiveSession(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		c := w.published(t, w.input())
		a, b, outsider := w.add(t, w.tr.UnionA), w.add(t, w.tr.UnionB), w.add(t, w.tr.UnionB)
		xichang := signuptest.Grant(auth.RoleOfficer, w.tr.Xichang)

		// Only staff who run the contest start a session; bad input changes nothing.
		if _, err := w.s.StartLive(ctx, xichang, c.ID, LiveInput{}); !errs.Is(err, errs.KindForbidden) && !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("street started: %v", err)
		}
		_, err := w.s.StartLive(ctx, w.tr.City, c.ID, LiveInput{Seconds: 2})
		wantField(t, err, "seconds", "field.out_of_range")
		_, err = w.s.StartLive(ctx, w.tr.City, c.ID, LiveInput{Mode: LiveTeams})
		wantField(t, err, "mode", "live.no_teams")
		ls, err := w.s.StartLive(ctx, w.tr.City, c.ID, LiveInput{Seconds: 20, SpeedBonus: true})
		if err != nil || ls.Phase != LiveLobby || ls.Questions != 15 || len(ls.Code) != 6 || ls.Position != -1 {
			t.Fatalf("start: %+v %v", ls, err)
		}
		// The street sees it (the contest covers it) but may not run it.
		if _, err := w.s.LiveHostState(ctx, xichang, c.ID, ls.ID); err != nil {
			t.Fatalf("street watch: %v", err)
		}
		if _, err := w.s.LiveAct(ctx, xichang, c.ID, ls.ID, StepNext, 0); !errs.Is(err, errs.KindForbidden) && !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("street ran: %v", err)
		}

		// Members join by code (spaces and full-width digits are fine).
		pa, pb := signuptest.Self(a), signuptest.Self(b)
		full := ""
		for _, r := range ls.Code {
			full += string('０' + (r - '0'))
		}
		if st, err := w.s.LiveJoin(ctx, pa, " "+full+" "); err != nil || !st.Me.Joined || st.Joined != 1 {
			t.Fatalf("join: %+v %v", st, err)
		}
		if _, err := w.s.LiveJoin(ctx, pb, ls.Code); err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.LiveJoin(ctx, pa, ls.Code); err != nil { // again: nothing changes
			t.Fatal(err)
		}
		if _, err := w.s.LiveJoin(ctx, pa, "000000"); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("bad code: %v", err)
		}
		// Answering before the first question: closed.
		_, err = w.s.LiveAnswer(ctx, pa, ls.Code, 0, bank.Answer{Choices: []int{0}})
		wantCode(t, err, "closed")
		_, err = w.s.LiveAnswer(ctx, signuptest.Self(outsider), ls.Code, 0, bank.Answer{Choices: []int{0}})
		wantCode(t, err, "not_joined")

		// Next opens question 0 for 20 s by the server's clock.
		opened := w.clock.Now()
		st, err := w.s.LiveAct(ctx, w.tr.City, c.ID, ls.ID, StepNext, 1)
		if err != nil || st.Phase != LiveOpen || st.Position != 0 || st.Question == nil || st.Remaining != 20000 ||
			!st.ClosesAt.Equal(opened.Add(20*time.Second)) || st.Tally != nil || st.Right != nil || !st.CanRun {
			t.Fatalf("next: %+v %v", st, err)
		}
		// A second screen with the old version is refused; next while open too.
		_, err = w.s.LiveAct(ctx, w.tr.City, c.ID, ls.ID, StepNext, 1)
		wantCode(t, err, "stale")
		_, err = w.s.LiveAct(ctx, w.tr.City, c.ID, ls.ID, StepNext, 0)
		wantCode(t, err, "still_open")
		_, err = w.s.LiveAct(ctx, w.tr.City, c.ID, ls.ID, StepReveal, 0)
		wantCode(t, err, "not_closed")

		// a answers right after 5 s (bonus: 2 points × 15/20 / 2 = 0), b wrong.
		w.clock.Add(5 * time.Second)
		_, err = w.s.LiveAnswer(ctx, pa, ls.Code, 0, bank.Answer{})
		wantField(t, err, "answer", "live.answer_empty")
		_, err = w.s.LiveAnswer(ctx, pa, ls.Code, 1, liveRight(t, w, ls.ID, 0))
		wantCode(t, err, "closed")
		if got, err := w.s.LiveAnswer(ctx, pa, ls.Code, 0, liveRight(t, w, ls.ID, 0)); err != nil || got.TimeMS != 5000 {
			t.Fatalf("answer: %+v %v", got, err)
		}
		_, err = w.s.LiveAnswer(ctx, pa, ls.Code, 0, liveWrong(t, w, ls.ID, 0))
		wantCode(t, err, "answered")
		// The phone sees its answer, not whether it is right.
		me, err := w.s.LiveMemberState(ctx, pa, ls.Code)
		if err != nil || !me.Me.Answered || me.Me.Credit != nil || me.Right != nil || me.Tally != nil || me.Answers != 1 {
			t.Fatalf("phone: %+v %v", me, err)
		}
		// Past the close and its grace: refused; within the grace: taken.
		w.clock.Add(15*time.Second + LiveGrace - time.Millisecond)
		if _, err := w.s.LiveAnswer(ctx, pb, ls.Code, 0, liveWrong(t, w, ls.ID, 0)); err != nil {
			t.Fatalf("within grace: %v", err)
		}
		w.clock.Add(2 * time.Millisecond)
		if st, _ = w.s.LiveHostState(ctx, w.tr.City, c.ID, ls.ID); st.Phase != LiveClosed || st.Tally == nil || st.Right != nil || st.Answers != 2 {
			t.Fatalf("closed: %+v", st)
		}
		// Before the reveal the board holds nothing of this question.
		if st.Board[0].Score != 0 || st.Board[1].Score != 0 {
			t.Fatalf("board before reveal: %+v", st.Board)
		}
		st, err = w.s.LiveAct(ctx, w.tr.City, c.ID, ls.ID, StepReveal, 0)
		if err != nil || st.Phase != LiveRevealed || len(st.Right) == 0 || st.Board[0].Name != a.Name || st.Board[0].Score != 2 || st.Board[0].TimeMS != 5000 ||
			st.Board[1].Score != 0 || st.Board[1].Rank != 2 {
			t.Fatalf("reveal: %+v %v", st, err)
		}
		sum := 0
		for _, n := range st.Tally {
			sum += n
		}
		if sum != 2 {
			t.Fatalf("tally %v", st.Tally)
		}
		me, _ = w.s.LiveMemberState(ctx, pa, ls.Code)
		if me.Me.Credit == nil || *me.Me.Credit != bank.Right || me.Me.Points != 2 || me.Me.Rank != 1 || me.Me.Of != 2 || me.Me.Score != 2 {
			t.Fatalf("phone after reveal: %+v", me.Me)
		}

		// Question 1: b answers right at once (bonus 1), a right later; the
		// host closes early; b leads.
		st, err = w.s.LiveAct(ctx, w.tr.City, c.ID, ls.ID, StepNext, st.Version)
		if err != nil || st.Position != 1 {
			t.Fatalf("next 2: %+v %v", st, err)
		}
		w.clock.Add(time.Second)
		if _, err := w.s.LiveAnswer(ctx, pb, ls.Code, 1, liveRight(t, w, ls.ID, 1)); err != nil {
			t.Fatal(err)
		}
		w.clock.Add(2 * time.Second)
		if _, err := w.s.LiveAnswer(ctx, pa, ls.Code, 1, liveRight(t, w, ls.ID, 1)); err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.LiveAct(ctx, w.tr.City, c.ID, ls.ID, StepClose, 0); err != nil {
			t.Fatal(err)
		}
		_, err = w.s.LiveAnswer(ctx, pb, ls.Code, 1, liveRight(t, w, ls.ID, 1))
		wantCode(t, err, "answered")
		if st, err = w.s.LiveAct(ctx, w.tr.City, c.ID, ls.ID, StepReveal, 0); err != nil {
			t.Fatal(err)
		}
		// a: 2 + (2 + 2×17/20/2=0) = 4 in 8 s; b: 0 + (2 + 2×19/20/2=0) = 2.
		if st.Board[0].Score != 4 || st.Board[1].Score != 2 {
			t.Fatalf("board: %+v", st.Board)
		}

		// Resume after a reload: a fresh read says the same.
		again, err := w.s.LiveHostState(ctx, w.tr.City, c.ID, ls.ID)
		if err != nil || again.Version != st.Version || again.Phase != st.Phase || again.Position != 1 || len(again.Board) != 2 {
			t.Fatalf("reload: %+v %v", again, err)
		}

		// The end: no more steps, answers or joins.
		if st, err = w.s.LiveAct(ctx, w.tr.City, c.ID, ls.ID, StepEnd, 0); err != nil || st.Phase != LiveEnded || st.Question != nil {
			t.Fatalf("end: %+v %v", st, err)
		}
		_, err = w.s.LiveAct(ctx, w.tr.City, c.ID, ls.ID, StepNext, 0)
		wantCode(t, err, "ended")
		_, err = w.s.LiveJoin(ctx, signuptest.Self(outsider), ls.Code)
		wantCode(t, err, "ended")
		list, err := w.s.LiveSessions(ctx, w.tr.City, c.ID)
		if err != nil || len(list) != 1 || list[0].Phase != LiveEnded || list[0].Joined != 2 || list[0].EndedAt == nil {
			t.Fatalf("list: %+v %v", list, err)
		}
		var n int
		if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'contest.live_%'").Scan(&n); err != nil || n != 6 {
			t.Fatalf("audit: %d %v", n, err)
		}
	})
}

// TestLiveOneAnswer: one answer per participant and question under
// concurrent presses, and one per team among teammates.
func TestLiveOneAnswer(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		c := w.published(t, w.input())
		team, err := w.s.CreateTeam(ctx, w.street, c.ID, TeamInput{OrgID: w.tr.Dashilan.ID, Name: "大栅栏代表队"})
		if err != nil {
			t.Fatal(err)
		}
		var mates []*auth.Principal
		for range 4 {
			m := w.add(t, w.tr.UnionA)
			if _, err := w.s.AddTeamMember(ctx, w.street, team.ID, m.ID); err != nil {
				t.Fatal(err)
			}
			mates = append(mates, signuptest.Self(m))
		}
		solo := signuptest.Self(w.add(t, w.tr.UnionB))

		for _, mode := range LiveModes {
			ls, err := w.s.StartLive(ctx, w.tr.City, c.ID, LiveInput{Mode: mode})
			if err != nil {
				t.Fatal(err)
			}
			players := mates
			if mode == LiveIndividual {
				players = []*auth.Principal{mates[0], mates[0], mates[0], mates[0], mates[0], mates[0]}
			} else {
				_, err := w.s.LiveJoin(ctx, solo, ls.Code)
				wantCode(t, err, "no_team")
			}
			for _, p := range players {
				if _, err := w.s.LiveJoin(ctx, p, ls.Code); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := w.s.LiveAct(ctx, w.tr.City, c.ID, ls.ID, StepNext, 0); err != nil {
				t.Fatal(err)
			}
			ans := liveRight(t, w, ls.ID, 0)
			var mu sync.Mutex
			ok, refused := 0, 0
			var wg sync.WaitGroup
			for _, p := range players {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, err := w.s.LiveAnswer(ctx, p, ls.Code, 0, ans)
					mu.Lock()
					defer mu.Unlock()
					var e *errs.Error
					switch {
					case err == nil:
						ok++
					case errors.As(err, &e) && e.Code == "answered":
						refused++
					default:
						t.Errorf("%s: %v", mode, err)
					}
				}()
			}
			wg.Wait()
			if ok != 1 || refused != len(players)-1 {
				t.Fatalf("%s: %d taken, %d refused", mode, ok, refused)
			}
			st, _ := w.s.LiveMemberState(ctx, mates[1], ls.Code)
			if mode == LiveTeams && (st.Joined != 1 || !st.Me.Answered || st.Me.Name != "大栅栏代表队") {
				t.Fatalf("team phone: %+v", st.Me)
			}
		}
	})
}

// TestLiveHub: a watcher is signalled when another "process" (a second
// store on the same database) moves the session, and the hub's close ends
// every watch.
func TestLiveHub(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		c := w.published(t, w.input())
		ls, err := w.s.StartLive(ctx, w.tr.City, c.ID, LiveInput{})
		if err != nil {
			t.Fatal(err)
		}
		other := NewStore(d, w.b, w.m) // another server process
		other.SetClock(w.clock.Now)
		hub := other.LiveHub()
		hub.SetEvery(20 * time.Millisecond)
		wait := func(sub *LiveSub, ok func(*LiveState) bool) *LiveState {
			t.Helper()
			deadline := time.After(5 * time.Second)
			for {
				select {
				case <-sub.C:
					if st := sub.State(); st != nil && ok(st) {
						return st
					}
				case <-deadline:
					t.Fatal("no state in time")
				}
			}
		}
		host, err := other.WatchHost(ctx, w.tr.City, c.ID, ls.ID)
		if err != nil {
			t.Fatal(err)
		}
		host2, _ := other.WatchHost(ctx, w.tr.City, c.ID, ls.ID)
		if hub.Watching() != 1 {
			t.Fatalf("one poll per session: %d", hub.Watching())
		}
		wait(host, func(st *LiveState) bool { return st.Phase == LiveLobby })
		m := w.add(t, w.tr.UnionA)
		phone, err := other.WatchMember(ctx, signuptest.Self(m), ls.Code)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.LiveJoin(ctx, signuptest.Self(m), ls.Code); err != nil {
			t.Fatal(err)
		}
		wait(phone, func(st *LiveState) bool { return st.Me != nil && st.Me.Joined })
		go func() { _, _ = w.s.LiveAct(ctx, w.tr.City, c.ID, ls.ID, StepNext, 0) }()
		st := wait(host, func(st *LiveState) bool { return st.Phase == LiveOpen })
		if st.Question == nil || st.Joined != 1 || st.Me != nil {
			t.Fatalf("host state: %+v", st)
		}
		go func() { _, _ = w.s.LiveAnswer(ctx, signuptest.Self(m), ls.Code, 0, liveRight(t, w, ls.ID, 0)) }()
		wait(host2, func(st *LiveState) bool { return st.Answers == 1 })
		// The clock passing the close is a change too.
		w.clock.Add(time.Minute)
		wait(host, func(st *LiveState) bool { return st.Phase == LiveClosed && st.Tally != nil })

		host2.Close()
		phone.Close()
		host.Close()
		if hub.Watching() != 0 {
			t.Fatalf("still polling %d", hub.Watching())
		}
		host, _ = other.WatchHost(ctx, w.tr.City, c.ID, ls.ID)
		hub.Close()
		select {
		case _, open := <-host.C:
			if open {
				if _, open = <-host.C; open {
					t.Fatal("channel open after close")
				}
			}
		case <-time.After(time.Second):
			t.Fatal("not closed")
		}
		if _, err := other.WatchHost(ctx, w.tr.City, c.ID, ls.ID); err == nil {
			t.Fatal("watch after close")
		}
	})
}

// FuzzNormaliseLiveCode: whatever a member types, the code looked up is a
// short string of ASCII digits.
func FuzzNormaliseLiveCode(f *testing.F) {
	for _, s := range []string{"123456", " 123 456 ", "１２３４５６", "12345678901234", "", "abc", "١٢٣"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := NormaliseLiveCode(s)
		if len(got) > liveCodeLen+1 {
			t.Fatalf("%q: %q is too long", s, got)
		}
		for _, r := range got {
			if r < '0' || r > '9' {
				t.Fatalf("%q: %q holds %q", s, got, r)
			}
		}
	})
}

// TestLiveBonus: up to half the points again, falling linearly over the
// question's time; nothing without the bonus or after the time.
func TestLiveBonus(t *testing.T) {
	r := &liveRow{bonus: true, seconds: 20, openedAt: 1_000_000}
	for _, c := range []struct {
		at   int64
		want int
	}{{1_000_000, 5}, {1_005_000, 3}, {1_010_000, 2}, {1_019_999, 0}, {1_030_000, 0}, {999_000, 5}} {
		if got := liveBonus(r, 10, c.at); got != c.want {
			t.Errorf("at +%d ms: %d, want %d", c.at-r.openedAt, got, c.want)
		}
	}
	r.bonus = false
	if got := liveBonus(r, 10, r.openedAt); got != 0 {
		t.Errorf("without the bonus: %d", got)
	}
}
