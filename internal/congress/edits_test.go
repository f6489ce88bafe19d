package congress

import (
	"strings"
	"testing"

	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/stats"
	"gonghui/internal/testkit"
)

// A session's title, date and place change until it closes; bad input
// names its fields and changes nothing; a held session's figure follows
// its date to another month; each change is in the session's history.
func TestCongressEditSession(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ses := w.session(t, 0)
		_, err := w.s.EditSession(ctx, w.street, ses.ID, ses.Version, SessionEdit{Title: "第三届\n第二次", HeldOn: "2026-02-30", Place: ""})
		testkit.WantField(t, err, "title", "congress.one_line")
		testkit.WantField(t, err, "held_on", "field.invalid_date")
		_, err = w.s.EditSession(ctx, w.street, ses.ID, ses.Version, SessionEdit{Title: repeat("会", MaxSessionTitle+1), HeldOn: "", Place: repeat("地", MaxPlace+1)})
		testkit.WantField(t, err, "title", "field.too_long")
		testkit.WantField(t, err, "held_on", "field.required")
		testkit.WantField(t, err, "place", "field.too_long")
		// Another street's officer cannot see it, let alone edit it.
		_, err = w.s.EditSession(ctx, w.stWest, ses.ID, 0, SessionEdit{HeldOn: "2026-12-11"})
		testkit.WantKind(t, err, errs.KindNotFound)
		if got, _ := w.s.Session(ctx, w.street, ses.ID); got.HeldOn != "2026-12-10" || got.Title != "" || got.Version != ses.Version {
			t.Fatalf("refused edits changed the session: %+v", got)
		}
		if n := count(t, d, "SELECT COUNT(*) FROM congress_session_events"); n != 0 {
			t.Fatalf("history after refusals: %d", n)
		}

		// Held in December, then moved to January: the figure moves too.
		if _, err := w.s.SetStatus(ctx, w.street, ses.ID, SessionHeld); err != nil {
			t.Fatal(err)
		}
		cur, _ := w.s.Session(ctx, w.street, ses.ID)
		got, err := w.s.EditSession(ctx, w.street, ses.ID, cur.Version, SessionEdit{Title: " 第三届职代会第二次会议 ", HeldOn: "2027-01-08", Place: "三号会议室"})
		if err != nil || got.Title != "第三届职代会第二次会议" || got.HeldOn != "2027-01-08" || got.Place != "三号会议室" {
			t.Fatalf("edit: %+v %v", got, err)
		}
		// An edit from a page read before it is stale.
		_, err = w.s.EditSession(ctx, w.street, ses.ID, cur.Version, SessionEdit{HeldOn: "2027-01-09"})
		testkit.WantCode(t, err, "stale")
		st := stats.NewStore(d)
		if err := st.FoldAll(ctx); err != nil {
			t.Fatal(err)
		}
		f, err := st.Read(ctx, w.tr.Xicheng.ID)
		if err != nil {
			t.Fatal(err)
		}
		if dec, jan := FiguresFrom(f, "2026-12", "2026-12").Sessions, FiguresFrom(f, "2027-01", "2027-01").Sessions; dec != 0 || jan != 1 {
			t.Fatalf("sessions by month: December %d, January %d", dec, jan)
		}
		bad, err := st.Check(ctx, StatSource())
		testkit.Recounted(t, "after moving the date", bad, err)
		ev, err := w.s.SessionEvents(ctx, w.street, ses.ID)
		if err != nil || len(ev) != 1 || ev[0].Kind != EvEdited || ev[0].Body != "title,held_on,place" || ev[0].By == "" {
			t.Fatalf("history %+v %v", ev, err)
		}
		if n := count(t, d, "SELECT COUNT(*) FROM audit_log WHERE action = 'congress.session_edit'"); n != 1 {
			t.Fatalf("audit records: %d", n)
		}
		if _, err := w.s.SessionEvents(ctx, w.stWest, ses.ID); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("neighbour reads the history: %v", err)
		}

		// Closed: no more edits.
		if _, err := w.s.SetStatus(ctx, w.street, ses.ID, SessionClosed); err != nil {
			t.Fatal(err)
		}
		_, err = w.s.EditSession(ctx, w.street, ses.ID, 0, SessionEdit{HeldOn: "2027-01-09"})
		testkit.WantCode(t, err, "wrong_status")
	})
}

func repeat(s string, n int) string { return strings.Repeat(s, n) }

// Agenda items move up and down and are deleted until voted on; a voted
// item stays where it was taken, and a closed session's agenda is fixed.
func TestCongressAgendaOrder(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ses := w.session(t, 0)
		var ids []int64
		for _, title := range []string{"工作报告", "财务报告", "集体合同草案", "提案审查"} {
			it, err := w.s.AddAgendaItem(ctx, w.street, ses.ID, AgendaInput{Title: title})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, it.ID)
		}
		titles := func() string {
			items, err := w.s.agenda(ctx, d, ses.ID)
			if err != nil {
				t.Fatal(err)
			}
			out := ""
			for _, it := range items {
				out += it.Title + ";"
			}
			return out
		}
		_, err := w.s.MoveAgendaItem(ctx, w.street, ids[2], 2)
		testkit.WantField(t, err, "direction", "field.invalid_choice")
		if _, err := w.s.MoveAgendaItem(ctx, w.street, ids[2], -1); err != nil {
			t.Fatal(err)
		}
		if got := titles(); got != "工作报告;集体合同草案;财务报告;提案审查;" {
			t.Fatalf("after moving up: %s", got)
		}
		// At the top it stays.
		if items, err := w.s.MoveAgendaItem(ctx, w.street, ids[0], -1); err != nil || items[0].ID != ids[0] {
			t.Fatalf("top moved up: %v %v", items, err)
		}
		if _, err := w.s.MoveAgendaItem(ctx, w.stWest, ids[0], 1); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("neighbour moves an item: %v", err)
		}
		if err := w.s.DeleteAgendaItem(ctx, w.street, ids[3]); err != nil {
			t.Fatal(err)
		}
		if got := titles(); got != "工作报告;集体合同草案;财务报告;" {
			t.Fatalf("after deleting: %s", got)
		}
		if err := w.s.DeleteAgendaItem(ctx, w.street, ids[3]); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("deleted twice: %v", err)
		}
		// A vote fixes the item and its place.
		ds := w.delegates(t, ses, CatFrontline, CatFrontline, CatTechnician)
		if _, err := w.s.SetStatus(ctx, w.street, ses.ID, SessionHeld); err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.SetAttendance(ctx, w.street, ses.ID, []int64{ds[0].ID, ds[1].ID, ds[2].ID}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.RecordVote(ctx, w.street, ids[2], VoteInput{For: 3}); err != nil {
			t.Fatal(err)
		}
		testkit.WantCode(t, func() error { _, err := w.s.MoveAgendaItem(ctx, w.street, ids[2], -1); return err }(), "voted")
		testkit.WantCode(t, func() error { _, err := w.s.MoveAgendaItem(ctx, w.street, ids[0], 1); return err }(), "voted")
		testkit.WantCode(t, w.s.DeleteAgendaItem(ctx, w.street, ids[2]), "voted")
		ev, err := w.s.SessionEvents(ctx, w.street, ses.ID)
		if err != nil || len(ev) != 2 || ev[0].Kind != EvAgendaMoved || ev[1].Kind != EvAgendaDeleted || ev[1].Body != "提案审查" {
			t.Fatalf("history %+v %v", ev, err)
		}
		if _, err := w.s.SetStatus(ctx, w.street, ses.ID, SessionClosed); err != nil {
			t.Fatal(err)
		}
		testkit.WantCode(t, w.s.DeleteAgendaItem(ctx, w.street, ids[0]), "wrong_status")
	})
}

// A delegate withdraws their own motion before review; afterwards, or
// someone else's, not; a withdrawn motion counts nowhere.
func TestCongressWithdrawMotion(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ses := w.session(t, 1)
		ds := w.delegates(t, ses, CatFrontline, CatFrontline, CatManager)
		in := MotionInput{Title: "增设职工食堂夜班窗口", Reason: "夜班职工下班后没有热饭吃。", Proposal: "食堂晚十点至凌晨两点开一个窗口。"}
		m, err := w.s.Submit(ctx, self(ds[0]), ses.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.WithdrawMotion(ctx, self(ds[1]), m.ID); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("another delegate withdrew it: %v", err)
		}
		if _, err := w.s.WithdrawMotion(ctx, w.street, m.ID); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("staff withdrew it: %v", err)
		}
		got, err := w.s.WithdrawMotion(ctx, self(ds[0]), m.ID)
		if err != nil || got.Status != MotionWithdrawn {
			t.Fatalf("withdraw: %+v %v", got, err)
		}
		testkit.WantCode(t, func() error { _, err := w.s.WithdrawMotion(ctx, self(ds[0]), m.ID); return err }(), "reviewed")
		testkit.WantCode(t, func() error { _, err := w.s.Second(ctx, self(ds[1]), m.ID); return err }(), "wrong_status")

		// Reviewed: too late.
		m2, err := w.s.Submit(ctx, self(ds[0]), ses.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.Second(ctx, self(ds[1]), m2.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.Review(ctx, w.street, m2.ID, ReviewInput{Outcome: OutcomeAccept}); err != nil {
			t.Fatal(err)
		}
		testkit.WantCode(t, func() error { _, err := w.s.WithdrawMotion(ctx, self(ds[0]), m2.ID); return err }(), "reviewed")

		st := stats.NewStore(d)
		if err := st.FoldAll(ctx); err != nil {
			t.Fatal(err)
		}
		f, err := st.Read(ctx, w.tr.Xicheng.ID)
		if err != nil {
			t.Fatal(err)
		}
		if fig := FiguresFrom(f, "", ""); fig.Motions != 1 {
			t.Fatalf("motions counted %d, want 1 (the withdrawn one counts nowhere)", fig.Motions)
		}
		bad, err := st.Check(ctx, StatSource())
		testkit.Recounted(t, "after withdrawing a motion", bad, err)
		ev, err := w.s.SessionEvents(ctx, w.street, ses.ID)
		if err != nil || len(ev) != 1 || ev[0].Kind != EvWithdrawn || ev[0].Body != in.Title || ev[0].By != ds[0].Name {
			t.Fatalf("history %+v %v", ev, err)
		}
	})
}
