package member

import (
	"strings"
	"testing"
	"time"

	"gonghui/internal/card"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/member/membertest"
	"gonghui/internal/testkit"
)

func TestTransferBetweenStreets(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		m := w.add(t, w.UnionA, "陈十一", 600, string(TagCraftsman))
		// Only the source's staff may ask by member id.
		_, err := w.s.RequestTransfer(ctx, w.XichangOf, TransferRequest{MemberID: m.ID, ToOrgID: w.UnionB.ID})
		membertest.WantKind(t, err, errs.KindNotFound)
		_, err = w.s.RequestTransfer(ctx, w.DashilanOfficer, TransferRequest{MemberID: m.ID, ToOrgID: w.UnionA.ID})
		membertest.WantField(t, err, "to_org_id", "member.transfer_same")
		_, err = w.s.RequestTransfer(ctx, w.DashilanOfficer, TransferRequest{MemberID: m.ID, ToOrgID: w.Xicheng.ID})
		membertest.WantField(t, err, "to_org_id", "member.org_kind")
		tr, err := w.s.RequestTransfer(ctx, w.DashilanOfficer, TransferRequest{MemberID: m.ID, ToOrgID: w.UnionB.ID, Note: "调动"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = w.s.RequestTransfer(ctx, w.DashilanOfficer, TransferRequest{MemberID: m.ID, ToOrgID: w.UnionB.ID})
		membertest.WantKind(t, err, errs.KindConflict)
		// The target sees it, but may not accept before the release.
		got, err := w.s.GetTransfer(ctx, w.XichangOf, tr.ID)
		if err != nil || got.CanAccept || got.MemberName != "陈十一" || !strings.Contains(got.IDNumber, "*") {
			t.Fatalf("target view %+v %v", got, err)
		}
		_, err = w.s.DecideTransfer(ctx, w.XichangOf, tr.ID, TransferDecision{Action: "accept"})
		membertest.WantKind(t, err, errs.KindConflict)
		_, err = w.s.DecideTransfer(ctx, w.XichangOf, tr.ID, TransferDecision{Action: "release"})
		membertest.WantKind(t, err, errs.KindForbidden)
		if _, err := w.s.DecideTransfer(ctx, w.DashilanOfficer, tr.ID, TransferDecision{Action: "release"}); err != nil {
			t.Fatal(err)
		}
		_, err = w.s.DecideTransfer(ctx, w.XichangOf, tr.ID, TransferDecision{Action: "reject"})
		membertest.WantField(t, err, "reason", "field.required")
		done, err := w.s.DecideTransfer(ctx, w.XichangOf, tr.ID, TransferDecision{Action: "accept"})
		if err != nil || done.Status != TransferAccepted {
			t.Fatalf("accept: %+v %v", done, err)
		}
		// The member is now the other street's, continuously.
		moved, err := w.s.Get(ctx, w.XichangOf, m.ID)
		if err != nil || moved.OrgID != w.UnionB.ID || moved.JoinedOn != m.JoinedOn || moved.CardSerial != m.CardSerial+1 {
			t.Fatalf("moved %+v %v", moved, err)
		}
		_, err = w.s.Get(ctx, w.DashilanOfficer, m.ID)
		membertest.WantKind(t, err, errs.KindNotFound)
		// The search keys moved along: found by name and tag at the target,
		// no longer at the source.
		for _, q := range []Query{{Q: "陈十一"}, {Q: "十一"}, {Tags: []string{string(TagCraftsman)}}} {
			if got, _, _ := w.s.List(ctx, w.XichangOf, q); len(got) != 1 {
				t.Fatalf("target search %+v: %d", q, len(got))
			}
			if got, _, _ := w.s.List(ctx, w.DashilanOfficer, q); len(got) != 0 {
				t.Fatalf("source search %+v: %d", q, len(got))
			}
		}
		// Both sides still see the transfer in their lists.
		for _, p := range []*struct {
			name string
			dir  string
		}{{"out", "out"}, {"in", "in"}} {
			pr := w.DashilanOfficer
			if p.dir == "in" {
				pr = w.XichangOf
			}
			list, _, err := w.s.ListTransfers(ctx, pr, TransferQuery{Direction: p.dir})
			if err != nil || len(list) != 1 {
				t.Fatalf("%s list: %v %v", p.name, list, err)
			}
		}
		if kinds := w.history(t, w.XichangOf, m.ID); kinds != "joined,transfer_requested,transferred_out,transferred_in" {
			t.Fatalf("history %v", kinds)
		}
		if n := membertest.Count(t, d, "SELECT count(*) FROM members WHERE name = ?", "陈十一"); n != 1 {
			t.Fatalf("%d rows after the transfer", n)
		}

		// The target cannot ask by ID number for someone in a union it
		// cannot see (that would tell which union they belong to): the
		// answer is the unknown person's. The person applies instead.
		m2 := w.add(t, w.UnionA, "林十二", 601)
		_, err = w.s.RequestTransfer(ctx, w.XichangOf, TransferRequest{IDNumber: membertest.IDNumber(t, 601), ToOrgID: w.UnionB.ID})
		membertest.WantField(t, err, "id_number", "exp.transfer_unknown")
		app, err := w.s.Apply(ctx, w.UnionB.ID, ApplyInput{Name: "林十二", IDNumber: membertest.IDNumber(t, 601), Mobile: membertest.Mobile(601), EmployerID: w.EmpB.ID, Consent: true})
		if err != nil || app.Status != AppTransfer {
			t.Fatalf("application by the person %+v %v", app, err)
		}
		tr2, err := w.s.GetTransfer(ctx, w.XichangOf, app.TransferID)
		if err != nil || tr2.MemberID != m2.ID {
			t.Fatalf("target-side transfer %+v %v", tr2, err)
		}
		if _, err := w.s.DecideTransfer(ctx, w.DashilanOfficer, tr2.ID, TransferDecision{Action: "reject", Reason: "尚有手续未办"}); err != nil {
			t.Fatal(err)
		}
		_, err = w.s.DecideTransfer(ctx, w.XichangOf, tr2.ID, TransferDecision{Action: "accept"})
		membertest.WantKind(t, err, errs.KindConflict)
	})
}

func TestApplyApproveAndTrack(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		in := ApplyInput{Name: "骑手小刘", IDNumber: membertest.IDNumber(t, 700), Mobile: "13600007000", PlatformWorker: true}
		_, err := w.s.Apply(ctx, w.UnionA.ID, in)
		membertest.WantField(t, err, "consent", "member.consent_required")
		in.Name = "刘强"
		in.Consent = true
		_, err = w.s.Apply(ctx, w.Xicheng.ID, in)
		membertest.WantKind(t, err, errs.KindNotFound)
		a, err := w.s.Apply(ctx, w.UnionA.ID, in)
		if err != nil || a.Status != AppPending {
			t.Fatalf("apply %+v %v", a, err)
		}
		// A second application while one is pending: answered as filed,
		// nothing stored (the queue below holds one).
		if b, err := w.s.Apply(ctx, w.UnionB.ID, in); err != nil || b.Status != AppPending || b.OrgName != w.UnionB.Name {
			t.Fatalf("second application %+v %v", b, err)
		}
		queue, _, err := w.s.ListApplications(ctx, w.DashilanOfficer, ApplicationQuery{Status: AppPending})
		if err != nil || len(queue) != 1 || queue[0].Mobile != "136****7000" {
			t.Fatalf("queue %+v %v", queue, err)
		}
		other, _, _ := w.s.ListApplications(ctx, w.XichangOf, ApplicationQuery{})
		if len(other) != 0 {
			t.Fatal("another street sees the application")
		}
		_, err = w.s.Decide(ctx, w.Leader, a.ID, Decision{Approve: true})
		membertest.WantKind(t, err, errs.KindForbidden)
		ok, err := w.s.Decide(ctx, w.DashilanOfficer, a.ID, Decision{Approve: true})
		if err != nil || ok.Status != AppApproved || ok.MemberID == 0 {
			t.Fatalf("approve %+v %v", ok, err)
		}
		_, err = w.s.Decide(ctx, w.DashilanOfficer, a.ID, Decision{Approve: true})
		membertest.WantKind(t, err, errs.KindConflict)
		m, err := w.s.Get(ctx, w.DashilanOfficer, ok.MemberID)
		if err != nil || m.Source != SourceOnline || len(m.Tags) != 1 || m.Tags[0] != string(TagPlatformWorker) {
			t.Fatalf("member %+v %v", m, err)
		}
		// Applying again, now active here: answered as any application
		// (the public form tells nothing of whose number was typed); the
		// staff review refuses the duplicate.
		dup, err := w.s.Apply(ctx, w.UnionA.ID, in)
		if err != nil || dup.Status != AppPending || dup.Public()["status"] != AppPending {
			t.Fatalf("applying when a member here: %+v %v", dup, err)
		}
		_, err = w.s.Decide(ctx, w.DashilanOfficer, dup.ID, Decision{Approve: true})
		membertest.WantField(t, err, "id_number", "member.already_member")
		// Once more while that one is pending: the same answer, nothing filed.
		pending := "SELECT count(*) FROM join_applications WHERE status = 'pending'"
		before := membertest.Count(t, d, pending)
		again, err := w.s.Apply(ctx, w.UnionB.ID, in)
		if err != nil || again.Status != AppPending || again.OrgName != w.UnionB.Name || again.Public()["status"] != AppPending {
			t.Fatalf("applying with one pending: %+v %v", again, err)
		}
		if after := membertest.Count(t, d, pending); after != before {
			t.Fatalf("%d pending applications after a repeat, want %d", after, before)
		}
		if _, err := w.s.Decide(ctx, w.DashilanOfficer, dup.ID, Decision{Reason: "已是会员"}); err != nil {
			t.Fatal(err)
		}
		// Elsewhere: a transfer, answered as any application too.
		tr, err := w.s.Apply(ctx, w.UnionB.ID, in)
		if err != nil || tr.Status != AppTransfer || tr.TransferID == 0 || tr.Public()["status"] != AppPending {
			t.Fatalf("second union: %+v %v", tr, err)
		}
		views, err := w.s.Track(ctx, in.Mobile, in.IDNumber)
		if err != nil || len(views) != 3 || views[0].TransferStatus != TransferRequested || views[1].Status != AppRejected {
			t.Fatalf("track %+v %v", views, err)
		}
		// The member sees the same three, signed in.
		if own, err := w.s.OwnApplications(ctx, ok.MemberID); err != nil || len(own) != 3 || own[2].Status != AppApproved {
			t.Fatalf("own applications %+v %v", own, err)
		}
		// Again while that transfer is open: filed plainly, not refused (a
		// refusal would tell a stranger this person is a member somewhere).
		plain, err := w.s.Apply(ctx, w.UnionB.ID, in)
		if err != nil || plain.Status != AppPending || plain.TransferID != 0 {
			t.Fatalf("applying with a transfer open: %+v %v", plain, err)
		}
		_, err = w.s.Decide(ctx, w.XichangOf, plain.ID, Decision{Approve: true})
		membertest.WantField(t, err, "id_number", "member.member_elsewhere")
		if _, err := w.s.Decide(ctx, w.XichangOf, plain.ID, Decision{Reason: "已申请接转"}); err != nil {
			t.Fatal(err)
		}
		// The mobile alone is not enough.
		views, err = w.s.Track(ctx, in.Mobile, membertest.IDNumber(t, 701))
		if err != nil || len(views) != 0 {
			t.Fatalf("track with another ID: %+v %v", views, err)
		}
		// A rejection needs a reason.
		b, err := w.s.Apply(ctx, w.UnionB.ID, ApplyInput{Name: "周周", IDNumber: membertest.IDNumber(t, 702), Mobile: "13600007002", EmployerName: "乙公司", Consent: true})
		if err != nil {
			t.Fatal(err)
		}
		_, err = w.s.Decide(ctx, w.XichangOf, b.ID, Decision{})
		membertest.WantField(t, err, "reason", "field.required")
		if _, err := w.s.Decide(ctx, w.XichangOf, b.ID, Decision{Reason: "不是本单位职工"}); err != nil {
			t.Fatal(err)
		}
		if n := membertest.Count(t, d, "SELECT count(*) FROM members WHERE name = ?", "周周"); n != 0 {
			t.Fatal("a rejected applicant became a member")
		}
	})
}

func TestCard(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		m := w.add(t, w.UnionA, "张中喜", 800)
		c, err := w.s.Card(ctx, w.DashilanOfficer, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		chk, err := w.s.VerifyCard(ctx, c.Payload)
		if err != nil || chk.Status != card.StatusValid || chk.Name != "张中喜" || chk.OrgID != w.UnionA.ID {
			t.Fatalf("fresh card %+v %v", chk, err)
		}
		// Another store on the same database (another server process)
		// signs with the same key.
		other := NewStore(d, w.s.Keys)
		if chk, err := other.VerifyCard(ctx, c.Payload); err != nil || chk.Status != card.StatusValid {
			t.Fatalf("other process: %+v %v", chk, err)
		}
		// Forged: one character changed.
		bad := []byte(c.Payload)
		i := len(bad) - 10
		if bad[i] == 'A' {
			bad[i] = 'B'
		} else {
			bad[i] = 'A'
		}
		if chk, err := w.s.VerifyCard(ctx, string(bad)); err == nil && chk.Status != card.StatusForged {
			t.Fatalf("altered card: %+v", chk)
		}
		_, err = w.s.VerifyCard(ctx, "not a card")
		membertest.WantField(t, err, "payload", "")
		// Expired: the clock moves past the validity.
		w.s.now = func() time.Time { return time.Now().AddDate(0, 0, cardValidDays+2) }
		if chk, _ := w.s.VerifyCard(ctx, c.Payload); chk.Status != card.StatusExpired {
			t.Fatalf("later: %+v", chk)
		}
		w.s.now = time.Now
		// Revoked: the member left.
		if _, err := w.s.SetStatus(ctx, w.Admin, m.ID, StatusChange{Status: StatusLeft}); err != nil {
			t.Fatal(err)
		}
		if chk, _ := w.s.VerifyCard(ctx, c.Payload); chk.Status != card.StatusRevoked {
			t.Fatalf("after leaving: %+v", chk)
		}
		_, err = w.s.Card(ctx, w.Admin, m.ID)
		membertest.WantKind(t, err, errs.KindConflict)
		if _, err := w.s.Card(ctx, w.XichangOf, m.ID); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("another street got a card: %v", err)
		}
	})
}
