package member

import (
	"regexp"
	"testing"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/member/membertest"
	"gonghui/internal/sms"
	"gonghui/internal/testkit"
)

var codeRE = regexp.MustCompile(`\d{6}`)

func TestMemberLogin(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		a := auth.NewService(d, w.s.Keys)
		rec := &sms.Recorder{}
		a.SetSMS(rec)
		m := w.add(t, w.UnionA, "刘骑手", 1000)
		mob := membertest.Mobile(1000)

		if err := a.SendCode(ctx, "12", "10.0.0.1"); !errs.Is(err, errs.KindInvalid) {
			t.Fatalf("bad mobile: %v", err)
		}
		if err := a.SendCode(ctx, mob, "10.0.0.1"); err != nil {
			t.Fatal(err)
		}
		code := codeRE.FindString(rec.Last(mob))
		if code == "" {
			t.Fatalf("no code in %q", rec.Last(mob))
		}
		if err := a.SendCode(ctx, mob, "10.0.0.1"); !errs.Is(err, errs.KindTooMany) {
			t.Fatalf("resend at once: %v", err)
		}
		// A stranger's number: the same answer, no message.
		if err := a.SendCode(ctx, "13199998888", "10.0.0.1"); err != nil || rec.Last("13199998888") != "" {
			t.Fatalf("non-member: %v %q", err, rec.Last("13199998888"))
		}
		wrong := "000000"
		if code == wrong {
			wrong = "111111"
		}
		_, err := a.MemberLogin(ctx, auth.MemberLoginInput{Mobile: mob, Code: wrong, IP: "10.0.0.1"})
		membertest.WantField(t, err, "code", "auth.member_bad_code")
		res, err := a.MemberLogin(ctx, auth.MemberLoginInput{Mobile: mob, Code: code, IP: "10.0.0.1", Kind: auth.SessionAPI})
		if err != nil {
			t.Fatal(err)
		}
		// The code is used up.
		if _, err := a.MemberLogin(ctx, auth.MemberLoginInput{Mobile: mob, Code: code, IP: "10.0.0.1"}); err == nil {
			t.Fatal("a code worked twice")
		}
		p, _, err := a.Authenticate(ctx, res.Token, false)
		if err != nil || p.MemberID != m.ID || p.Kind != auth.KindMember || len(p.Grants) != 0 {
			t.Fatalf("member principal %+v %v", p, err)
		}
		// A member sees nothing of the registry but their own card.
		if list, _, _ := w.s.List(ctx, p, Query{}); len(list) != 0 {
			t.Fatal("a member lists the registry")
		}
		if c, err := w.s.OwnCard(ctx, p.MemberID); err != nil || c.Member.ID != m.ID {
			t.Fatalf("own card %v", err)
		}
		// Set a password, sign in with it; five wrong ones lock.
		if err := a.SetMemberPassword(ctx, p, "", "short"); !errs.Is(err, errs.KindInvalid) {
			t.Fatalf("weak password: %v", err)
		}
		if err := a.SetMemberPassword(ctx, p, "", "Worker-Pass-2026"); err != nil {
			t.Fatal(err)
		}
		if err := a.SetMemberPassword(ctx, p, "nope", "Worker-Pass-2027"); !errs.Is(err, errs.KindInvalid) {
			t.Fatalf("change with a wrong current password: %v", err)
		}
		// Just signed in with a code: a forgotten password may be replaced
		// without the old one; a password session may not.
		if !p.FreshCode {
			t.Fatal("a code session is not marked fresh")
		}
		if err := a.SetMemberPassword(ctx, p, "", "Worker-Pass-2026"); err != nil {
			t.Fatalf("reset after a code sign-in: %v", err)
		}
		pw, err := a.MemberLogin(ctx, auth.MemberLoginInput{Mobile: mob, Password: "Worker-Pass-2026"})
		if err != nil {
			t.Fatal(err)
		}
		pp, _, err := a.Authenticate(ctx, pw.Token, false)
		if err != nil || pp.FreshCode {
			t.Fatalf("password session %+v %v", pp, err)
		}
		if err := a.SetMemberPassword(ctx, pp, "", "Worker-Pass-2028"); !errs.Is(err, errs.KindInvalid) {
			t.Fatalf("change without the current password from a password session: %v", err)
		}
		if _, err := a.MemberLogin(ctx, auth.MemberLoginInput{Mobile: "+86 " + mob, Password: "Worker-Pass-2026"}); err != nil {
			t.Fatal(err)
		}
		for range 4 {
			_, err := a.MemberLogin(ctx, auth.MemberLoginInput{Mobile: mob, Password: "wrong"})
			membertest.WantKind(t, err, errs.KindUnauthenticated)
		}
		_, err = a.MemberLogin(ctx, auth.MemberLoginInput{Mobile: mob, Password: "wrong"})
		membertest.WantKind(t, err, errs.KindLocked)
		_, err = a.MemberLogin(ctx, auth.MemberLoginInput{Mobile: mob, Password: "Worker-Pass-2026"})
		membertest.WantKind(t, err, errs.KindLocked)
		// Leaving the union ends the member's sessions.
		if _, err := w.s.SetStatus(ctx, w.Admin, m.ID, StatusChange{Status: StatusLeft}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := a.Authenticate(ctx, res.Token, false); !errs.Is(err, errs.KindUnauthenticated) {
			t.Fatalf("a former member's session: %v", err)
		}
	})
}
