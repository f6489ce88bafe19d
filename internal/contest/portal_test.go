package contest

import (
	"testing"
	"time"

	"gonghui/internal/contest/bank"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/signup/signuptest"
	"gonghui/internal/stats"
	"gonghui/internal/testkit"
)

func TestPortalGradingPractice(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		short, err := w.b.AddQuestion(ctx, w.tr.City, w.bankID, bank.Question{Type: bank.Short, Stem: "简述工会的四项基本职能。", Category: "简答"})
		if err != nil {
			t.Fatal(err)
		}
		in := w.input()
		in.Sections = append(in.Sections, Section{Title: "简答", BankID: w.bankID, Questions: []int64{short.ID}, Points: 10})
		in.PassMark = 30
		c := w.published(t, in)
		m := w.add(t, w.tr.UnionA)
		me := signuptest.Self(m)

		list, err := w.s.ForMember(ctx, me)
		if err != nil || len(list) != 1 || !list[0].CanStart || list[0].Used != 0 {
			t.Fatalf("open to the member: %+v %v", list, err)
		}
		sh, err := w.s.Start(ctx, me, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		for pos, q := range sh.Questions {
			a := rightAnswer(t, w, sh.Attempt.ID, pos)
			if q.Type == bank.Short {
				a = bank.Answer{Text: "维护、建设、参与、教育。"}
			}
			if _, err := w.s.Save(ctx, me, sh.Attempt.ID, pos, a); err != nil {
				t.Fatal(err)
			}
		}
		r, err := w.s.Submit(ctx, me, sh.Attempt.ID)
		if err != nil || r.Attempt.Score != 30 || r.Attempt.Pending != 1 || r.Attempt.Passed {
			t.Fatalf("before grading: %+v %v", r.Attempt, err)
		}
		list, _ = w.s.ForMember(ctx, me)
		if list[0].Used != 1 || list[0].CanStart || list[0].Best == nil || *list[0].Best != 30 {
			t.Fatalf("after submitting: %+v", list[0])
		}

		// The organiser sees the attempt waiting and grades the short answer.
		waiting, total, err := w.s.Attempts(ctx, w.tr.City, c.ID, AttemptQuery{Pending: true})
		if err != nil || total.N != 1 || waiting[0].Name != m.Name {
			t.Fatalf("waiting for grading: %+v %v", waiting, err)
		}
		pos := len(sh.Questions) - 1
		_, err = w.s.GradeShort(ctx, w.tr.City, sh.Attempt.ID, pos, 11)
		wantField(t, err, "points", "field.out_of_range")
		_, err = w.s.GradeShort(ctx, w.tr.City, sh.Attempt.ID, 0, 1)
		wantField(t, err, "position", "contest.not_short")
		if _, err := w.s.GradeShort(ctx, w.street, sh.Attempt.ID, pos, 8); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("a street graded the city's contest: %v", err)
		}
		a, err := w.s.GradeShort(ctx, w.tr.City, sh.Attempt.ID, pos, 8)
		if err != nil || a.Score != 38 || a.Pending != 0 || !a.Passed {
			t.Fatalf("graded: %+v %v", a, err)
		}
		_, err = w.s.GradeShort(ctx, w.tr.City, sh.Attempt.ID, pos, 8)
		wantCode(t, err, "graded")
		if r, err := w.s.Result(ctx, me, sh.Attempt.ID); err != nil || !r.Corrections[pos].Graded || r.Corrections[pos].Earned != 8 {
			t.Fatalf("the taker's corrections after grading: %+v %v", r.Corrections[pos], err)
		}
		// A short answer typed and then cleared leaves nothing to grade.
		other := signuptest.Self(w.add(t, w.tr.UnionA))
		osh, err := w.s.Start(ctx, other, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range []bank.Answer{{Text: "维护"}, {}} {
			if _, err := w.s.Save(ctx, other, osh.Attempt.ID, pos, a); err != nil {
				t.Fatal(err)
			}
		}
		if r, err := w.s.Submit(ctx, other, osh.Attempt.ID); err != nil || r.Attempt.Pending != 0 {
			t.Fatalf("a cleared short answer waits for grading: %+v %v", r.Attempt, err)
		}
		board, _, err := w.s.Board(ctx, w.tr.City, c.ID, BoardQuery{})
		if err != nil || board[0].Score != 38 || !board[0].Passed || len(board) != 2 {
			t.Fatalf("board after grading: %+v %v", board, err)
		}
		if f := checkFigures(t, w); *f != (Figures{Held: 1, Takers: 2, Papers: 2, Passed: 1}) {
			t.Fatalf("figures after grading: %+v", f)
		}

		// Practice: each saved answer earns its feedback at once.
		pin := w.input()
		pin.Title, pin.Practice, pin.TimeLimit = "工会知识每日一练", true, 0
		pc := w.published(t, pin)
		psh, err := w.s.Start(ctx, me, pc.ID)
		if err != nil || psh.Remaining <= 0 {
			t.Fatalf("practice start: %+v %v", psh, err)
		}
		var tf int
		for i, q := range psh.Questions {
			if q.Type == bank.TrueFalse {
				tf = i
			}
		}
		no := false
		saved, err := w.s.Save(ctx, me, psh.Attempt.ID, tf, bank.Answer{True: &no})
		if err != nil || saved.Feedback == nil || saved.Feedback.Credit != bank.Wrong || saved.Feedback.Key != "对" || saved.Feedback.Explanation == "" {
			t.Fatalf("practice feedback: %+v %v", saved, err)
		}
		w.clock.Add(time.Minute)
		again, err := w.s.Start(ctx, me, pc.ID)
		if err != nil || again.Feedback[tf] == nil {
			t.Fatalf("practice resumed without its feedback: %+v %v", again, err)
		}
	})
}

// checkFigures folds the log and compares every contest figure with a
// recount from the rows, and answers the root's figures.
func checkFigures(t *testing.T, w *world) *Figures {
	t.Helper()
	st := stats.NewStore(w.d)
	bad, err := st.Check(ctx, StatSource())
	if err != nil {
		t.Fatal(err)
	}
	if len(bad) > 0 {
		t.Fatalf("%d figures differ from a recount, e.g. %+v", len(bad), bad[0])
	}
	f, err := st.Read(ctx, w.tr.Root.ID)
	if err != nil {
		t.Fatal(err)
	}
	return FiguresFrom(f, "", "")
}
