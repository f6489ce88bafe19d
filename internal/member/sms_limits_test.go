package member

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/member/membertest"
	"gonghui/internal/sms"
	"gonghui/internal/testkit"
)

// Finding 10 of the security audit: sign-in codes could be sent to any
// number of numbers from one address, and each new code reset the count of
// guesses, so a member's code could be guessed about five times a minute.
func TestSignInCodeLimits(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		a := auth.NewService(d, w.s.Keys)
		rec := &sms.Recorder{}
		a.SetSMS(rec)
		var clock atomic.Int64
		clock.Store(time.Now().UnixMilli())
		a.SetClock(func() time.Time { return time.UnixMilli(clock.Load()) })
		tick := func(d time.Duration) { clock.Add(d.Milliseconds()) }

		// One address walks through numbers: cut off after the limit.
		lim := auth.DefaultSMSLimits()
		sent := 0
		var err error
		for i := range 60 {
			if err = a.SendCode(ctx, fmt.Sprintf("1390000%04d", i), "10.9.9.9"); err != nil {
				break
			}
			sent++
		}
		if sent != lim.PerAddress || !errs.Is(err, errs.KindTooMany) {
			t.Fatalf("one address sent %d codes (limit %d): %v", sent, lim.PerAddress, err)
		}
		// Another address still may.
		if err := a.SendCode(ctx, "13900009999", "10.9.9.10"); err != nil {
			t.Fatal(err)
		}

		// A member's code: wrong guesses survive a resend.
		w.add(t, w.UnionA, "孙快递", 2000)
		mob := membertest.Mobile(2000)
		if err := a.SendCode(ctx, mob, "10.0.0.2"); err != nil {
			t.Fatal(err)
		}
		for range 4 {
			_, err := a.MemberLogin(ctx, auth.MemberLoginInput{Mobile: mob, Code: "000000", IP: "10.0.0.2"})
			membertest.WantField(t, err, "code", "auth.member_bad_code")
		}
		tick(61 * time.Second)
		if err := a.SendCode(ctx, mob, "10.0.0.2"); err != nil {
			t.Fatal(err)
		}
		code := codeRE.FindString(rec.Last(mob))
		_, err = a.MemberLogin(ctx, auth.MemberLoginInput{Mobile: mob, Code: "000001", IP: "10.0.0.2"})
		membertest.WantField(t, err, "code", "auth.member_bad_code")
		// Five wrong guesses on this number within the hour: even the right
		// code of the new message no longer works.
		if _, err := a.MemberLogin(ctx, auth.MemberLoginInput{Mobile: mob, Code: code, IP: "10.0.0.2"}); err == nil {
			t.Fatal("a resent code gave five more guesses")
		}

		// Per number: a few codes an hour, whatever the address.
		other := membertest.Mobile(2001)
		n := 1
		for ; n <= 10; n++ {
			tick(61 * time.Second)
			if err = a.SendCode(ctx, other, fmt.Sprintf("10.1.0.%d", n)); err != nil {
				break
			}
		}
		if n-1 != lim.PerNumber || !errs.Is(err, errs.KindTooMany) {
			t.Fatalf("one number got %d codes (limit %d): %v", n-1, lim.PerNumber, err)
		}
		// An hour later it may again.
		tick(time.Hour)
		if err := a.SendCode(ctx, other, "10.1.0.99"); err != nil {
			t.Fatalf("after an hour: %v", err)
		}

		// The global ceiling.
		a.SetSMSLimits(auth.SMSLimits{PerNumber: 5, PerAddress: 100, Global: 3})
		tick(time.Hour)
		for i := range 3 {
			if err := a.SendCode(ctx, fmt.Sprintf("1380000%04d", i), fmt.Sprintf("10.2.0.%d", i)); err != nil {
				t.Fatal(err)
			}
		}
		if err := a.SendCode(ctx, "13800009999", "10.2.0.99"); !errs.Is(err, errs.KindTooMany) {
			t.Fatalf("past the global ceiling: %v", err)
		}
	})
}
