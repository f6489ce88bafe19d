package mailbox

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/notice"
	"gonghui/internal/signup/signuptest"
	"gonghui/internal/testkit"
)

// kinds are a member's notices about letter id, oldest first.
func kinds(t *testing.T, ns *notice.Store, memberID, letterID int64) []string {
	t.Helper()
	list, err := ns.List(ctx, memberID, 50)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i := len(list) - 1; i >= 0; i-- {
		if list[i].LetterID == letterID {
			out = append(out, list[i].Kind)
		}
	}
	return out
}

// TestMailboxTellsTheWriter: accepting, forwarding, answering, answering
// a follow-up and declining each leave the writer a notice naming the
// letter, named or anonymous; closing and the writer's own steps do not;
// a refused step leaves none. Telling the writer of an anonymous letter
// shows staff nothing more: their reads, the audit log and the list stay
// without the writer.
func TestMailboxTellsTheWriter(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ns := notice.NewStore(d, w.m)
		me := w.member(t, w.tr.UnionA)
		other := w.member(t, w.tr.UnionA)
		street := signuptest.Grant(auth.RoleOfficer, w.tr.Dashilan)
		district := signuptest.Grant(auth.RoleOfficer, w.tr.Xicheng)

		for _, anon := range []bool{false, true} {
			l := w.write(t, me, w.tr.Xicheng, anon)
			if got := kinds(t, ns, me.MemberID, l.ID); len(got) != 0 {
				t.Fatalf("notices before staff acted: %v", got)
			}
			w.clock.Add(time.Minute)
			if _, err := w.s.Forward(ctx, district, l.ID, w.tr.Dashilan.ID, "请街道核实"); err != nil {
				t.Fatal(err)
			}
			// A refused step (the wrong status) tells nothing.
			if _, err := w.s.Close(ctx, street, l.ID, ""); err == nil {
				t.Fatal("closed a forwarded letter")
			}
			if _, err := w.s.Accept(ctx, street, l.ID, ""); err != nil {
				t.Fatal(err)
			}
			if _, err := w.s.Answer(ctx, street, l.ID, "已协调企业补发。"); err != nil {
				t.Fatal(err)
			}
			if _, err := w.s.Rate(ctx, me, l.ID, RateDissatisfied); err != nil {
				t.Fatal(err)
			}
			if _, err := w.s.FollowUp(ctx, me, l.ID, "还没有到账。"); err != nil {
				t.Fatal(err)
			}
			if _, err := w.s.Answer(ctx, street, l.ID, "企业已于今日补发。"); err != nil {
				t.Fatal(err)
			}
			if _, err := w.s.Close(ctx, street, l.ID, ""); err != nil {
				t.Fatal(err)
			}
			want := NoticeForwarded + "," + NoticeAccepted + "," + NoticeAnswered + "," + NoticeFollowUpAnswered
			if got := strings.Join(kinds(t, ns, me.MemberID, l.ID), ","); got != want {
				t.Fatalf("anonymous %v: notices %s, want %s", anon, got, want)
			}
			list, err := ns.List(ctx, me.MemberID, 1)
			if err != nil || len(list) != 1 || list[0].ActivityTitle != l.Subject {
				t.Fatalf("the notice's title: %+v %v", list, err)
			}
			if got := kinds(t, ns, other.MemberID, l.ID); len(got) != 0 {
				t.Fatalf("another member was told: %v", got)
			}
		}
		declined := w.write(t, me, w.tr.Dashilan, true)
		if _, err := w.s.Decline(ctx, street, declined.ID, "不属于工会职责范围。"); err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(kinds(t, ns, me.MemberID, declined.ID), ","); got != NoticeDeclined {
			t.Fatalf("declined: %s", got)
		}
		if n, err := ns.Unread(ctx, me.MemberID); err != nil || n != 9 {
			t.Fatalf("unread %d %v", n, err)
		}

		// What staff see of the anonymous letters still names nobody.
		th, err := w.s.Get(ctx, street, declined.ID)
		if err != nil || th.Writer != nil {
			t.Fatalf("staff read %+v %v", th, err)
		}
		rows, err := d.Query(ctx, "SELECT actor_name, after_json FROM audit_log WHERE entity = 'letter'")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var actor, after string
			if err := rows.Scan(&actor, &after); err != nil {
				t.Fatal(err)
			}
			for _, leak := range []string{db.FormatID(me.MemberID), "写信人", "notice"} {
				if strings.Contains(after, leak) || strings.Contains(actor, db.FormatID(me.MemberID)) {
					t.Fatalf("the audit log names the writer or their notice (%s): %s %s", leak, actor, after)
				}
			}
		}

		// The home page lists the letters with where they stand, newest first.
		items, err := w.s.MemberSource().ForMember(ctx, me.MemberID, w.clock.Now().Add(-24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		var states []string
		for _, it := range items {
			states = append(states, it.State)
			if !strings.HasPrefix(it.Link, "/m/letters/") || it.Subject == "" {
				t.Fatalf("item %+v", it)
			}
		}
		if got := strings.Join(states, ","); got != "rejected,closed,closed" {
			t.Fatalf("home page states %s", got)
		}
		if items[0].Reason != "不属于工会职责范围。" {
			t.Fatalf("the decline's reason: %+v", items[0])
		}
		b, _ := json.Marshal(items)
		if old, err := w.s.MemberSource().ForMember(ctx, me.MemberID, w.clock.Now().Add(time.Hour)); err != nil || len(old) != 0 {
			t.Fatalf("settled letters older than since: %s %v", b, err)
		}
		if theirs, err := w.s.MemberSource().ForMember(ctx, other.MemberID, time.Time{}); err != nil || len(theirs) != 0 {
			t.Fatalf("another member's home page: %+v %v", theirs, err)
		}
	})
}
