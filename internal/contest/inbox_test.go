package contest

import (
	"testing"

	"gonghui/internal/auth"
	"gonghui/internal/contest/bank"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/inbox"
	"gonghui/internal/signup/signuptest"
	"gonghui/internal/testkit"
)

// A paper with a short answer waits in the inbox of those who run the
// contest, not of a street below it, until it is graded; staff review it
// with the taker's answers and the grades.
func TestShortAnswersInboxAndReview(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		short, err := w.b.AddQuestion(ctx, w.tr.City, w.bankID, bank.Question{Type: bank.Short, Stem: "简述工会的四项基本职能。", Category: "简答",
			Key: bank.Key{Outline: "维护、建设、参与、教育"}})
		if err != nil {
			t.Fatal(err)
		}
		in := w.input()
		in.Sections = append(in.Sections, Section{Title: "简答", BankID: w.bankID, Questions: []int64{short.ID}, Points: 10})
		c := w.published(t, in)
		m := w.add(t, w.tr.UnionA)
		me := signuptest.Self(m)
		sh, err := w.s.Start(ctx, me, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		pos := -1
		for i, q := range sh.Questions {
			if q.Type == bank.Short {
				pos = i
				if _, err := w.s.Save(ctx, me, sh.Attempt.ID, i, bank.Answer{Text: "维护职工权益。"}); err != nil {
					t.Fatal(err)
				}
			}
		}
		if _, err := w.s.Submit(ctx, me, sh.Attempt.ID); err != nil {
			t.Fatal(err)
		}

		reg := inbox.New(w.s.InboxSource())
		count := func(p *auth.Principal) int {
			t.Helper()
			n, err := reg.Total(ctx, p)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := count(w.tr.City); n != 1 {
			t.Fatalf("the city's inbox holds %d papers to grade, want 1", n)
		}
		if n := count(w.street); n != 0 {
			t.Fatalf("a street below sees %d of the city's papers to grade", n)
		}
		groups, err := reg.Groups(ctx, w.tr.City, 5)
		if err != nil || len(groups) != 1 || len(groups[0].Items) != 1 {
			t.Fatalf("groups: %+v %v", groups, err)
		}
		if it := groups[0].Items[0]; it.Link != "/contests/"+db.FormatID(c.ID)+"/attempts?pending=1" || it.Title != m.Name+" · "+c.Title {
			t.Fatalf("item: %+v", it)
		}

		// The review: the short answer waits, with the reference answer.
		rv, err := w.s.Review(ctx, w.tr.City, sh.Attempt.ID)
		if err != nil || !rv.CanGrade || rv.Name != m.Name || len(rv.Questions) != len(sh.Questions) {
			t.Fatalf("review: %+v %v", rv, err)
		}
		if q := rv.Questions[pos]; q.Graded != nil || q.Answer.Text != "维护职工权益。" || q.Key != "维护、建设、参与、教育" {
			t.Fatalf("short answer before grading: %+v", q)
		}
		// The street sees its own taker's paper but may not grade it; the
		// other street does not see it at all.
		if rv, err := w.s.Review(ctx, w.street, sh.Attempt.ID); err != nil || rv.CanGrade {
			t.Fatalf("street's review: %+v %v", rv, err)
		}
		west := signuptest.Grant(auth.RoleOfficer, w.tr.Xichang)
		if _, err := w.s.Review(ctx, west, sh.Attempt.ID); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("another street read the paper: %v", err)
		}
		if _, err := w.s.GradeShort(ctx, w.tr.City, sh.Attempt.ID, pos, 7); err != nil {
			t.Fatal(err)
		}
		if n := count(w.tr.City); n != 0 {
			t.Fatalf("a graded paper still waits: %d", n)
		}
		rv, _ = w.s.Review(ctx, w.tr.City, sh.Attempt.ID)
		if q := rv.Questions[pos]; q.Graded == nil || *q.Graded != 7 || q.Earned != 7 {
			t.Fatalf("short answer after grading: %+v", q)
		}
	})
}
