package member

import (
	"strings"
	"testing"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/member/membertest"
	"gonghui/internal/sms"
	"gonghui/internal/testkit"
)

// Someone types the ID number of a member, or of a person whose application
// is pending, into a joining form: the form answers as always, and the
// person is told by SMS at the number on record, not the number typed;
// repeats within the throttle's window send nothing more.
func TestDuplicateApplicationSMS(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		rec := &sms.Recorder{}
		w.s.SetDuplicateSMS(rec, ThrottleBudget(auth.NewService(d, w.s.Keys)))
		apply := func(n, mobile int) {
			t.Helper()
			if _, err := w.s.Apply(ctx, w.UnionA.ID, ApplyInput{Name: "冒名者", IDNumber: membertest.IDNumber(t, n), Mobile: membertest.Mobile(mobile),
				EmployerName: "甲公司", Consent: true}); err != nil {
				t.Fatal(err)
			}
			w.s.smsWG.Wait()
		}

		// A member: told at their own number.
		w.add(t, w.UnionA, "吴敏", 900)
		apply(900, 901)
		if got := rec.Sent(membertest.Mobile(900)); len(got) != 1 || !strings.Contains(got[0], "甲公司工会") || !strings.Contains(got[0], "您已是工会会员") {
			t.Fatalf("member told: %q", got)
		}
		if got := rec.Sent(membertest.Mobile(901)); len(got) != 0 {
			t.Fatalf("the typed number got %q", got)
		}
		// Again at once: the budget allows one message per number.
		apply(900, 902)
		if got := rec.Sent(membertest.Mobile(900)); len(got) != 1 {
			t.Fatalf("a repeat sent %d messages", len(got))
		}

		// A first application tells nobody; a second, while it is pending,
		// tells the first applicant's number.
		apply(910, 910)
		if got := rec.Sent(membertest.Mobile(910)); len(got) != 0 {
			t.Fatalf("a first application sent %q", got)
		}
		apply(910, 911)
		if got := rec.Sent(membertest.Mobile(910)); len(got) != 1 || !strings.Contains(got[0], "正在审核") {
			t.Fatalf("pending applicant told: %q", got)
		}
		if got := rec.Sent(membertest.Mobile(911)); len(got) != 0 {
			t.Fatalf("the typed number got %q", got)
		}

		// Sending off: nothing is sent, the form still answers.
		w.s.SetDuplicateSMS(nil, nil)
		apply(910, 912)
		if got := rec.Sent(membertest.Mobile(910)); len(got) != 1 {
			t.Fatalf("sent while off: %q", got)
		}
	})
}
