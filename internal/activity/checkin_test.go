package activity

import (
	"strings"
	"testing"
	"time"

	"gonghui/internal/db"
	"gonghui/internal/testkit"
)

func TestCheckInByRotatingCode(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		in := w.input(w.dashilan)
		in.Checkpoints = []CheckpointInput{{Name: "入口", RotateSeconds: 30}}
		a := w.published(t, w.dashilanOfficer, in)
		cp := a.Checkpoints[0].ID
		x, stranger := w.add(t, w.unionA), w.add(t, w.unionA)
		if _, _, err := w.s.Register(ctx, self(x), a.ID, x.ID); err != nil {
			t.Fatal(err)
		}
		code, until, err := w.s.CheckpointCode(ctx, w.dashilanOfficer, a.ID, cp)
		if err != nil || until.IsZero() || !strings.HasPrefix(code, "GHA1:") {
			t.Fatalf("code %q until %v: %v", code, until, err)
		}
		if _, _, err := w.s.CheckpointCode(ctx, w.leader, a.ID, cp); err == nil {
			t.Fatal("a leader drew a checkpoint code")
		}
		// An hour before the start check-in is not open yet.
		_, _, err = w.s.CheckIn(ctx, self(x), a.ID, CheckInInput{Code: code})
		wantCode(t, err, "checkin_not_open")

		// Half an hour before the start it is; a fresh code works, inside a URL too.
		w.clock.Add(31 * time.Minute)
		code, _, _ = w.s.CheckpointCode(ctx, w.dashilanOfficer, a.ID, cp)
		link := "https://gonghui.example" + CheckinPath(code)
		ci, made, err := w.s.CheckIn(ctx, self(x), 0, CheckInInput{Code: link})
		if err != nil || !made || ci.Via != CheckInByCode || ci.MemberID != x.ID || ci.Stamps != 1 {
			t.Fatalf("check-in: %+v %v %v", ci, made, err)
		}
		// Idempotent: a second scan answers the first check-in.
		again, made, err := w.s.CheckIn(ctx, self(x), a.ID, CheckInInput{Code: code})
		if err != nil || made || !again.At.Equal(ci.At) {
			t.Fatalf("second scan: %+v %v %v", again, made, err)
		}
		// Not registered, no walk-ins: refused.
		_, _, err = w.s.CheckIn(ctx, self(stranger), a.ID, CheckInInput{Code: code})
		wantCode(t, err, "not_registered")
		// One period later the code still works, two periods later it has expired.
		w.clock.Add(30 * time.Second)
		if _, _, err := w.s.CheckIn(ctx, self(stranger), a.ID, CheckInInput{Code: code}); err == nil || CodeError(err) {
			t.Fatalf("code one period old: %v", err)
		}
		w.clock.Add(30 * time.Second)
		_, _, err = w.s.CheckIn(ctx, self(stranger), a.ID, CheckInInput{Code: code})
		wantField(t, err, "code", "checkcode.expired")
		// A tampered code is forged; a code of another activity is refused.
		raw := []byte(code)
		raw[len(raw)-2] ^= 1
		if raw[len(raw)-2] < 'A' && raw[len(raw)-2] > '7' || raw[len(raw)-2] == '8' || raw[len(raw)-2] == '9' {
			raw[len(raw)-2] = 'A'
		}
		_, _, err = w.s.CheckIn(ctx, self(x), a.ID, CheckInInput{Code: string(raw)})
		if !CodeError(err) {
			t.Fatalf("tampered code: %v", err)
		}
		_, _, err = w.s.CheckIn(ctx, self(x), a.ID+1, CheckInInput{Code: code})
		wantField(t, err, "code", "activity.code.other_activity")
		// After the end: closed.
		w.clock.Add(4 * time.Hour)
		code, _, _ = w.s.CheckpointCode(ctx, w.dashilanOfficer, a.ID, cp)
		_, _, err = w.s.CheckIn(ctx, w.dashilanOfficer, a.ID, CheckInInput{MemberID: stranger.ID})
		wantCode(t, err, "checkin_closed")
		var n int
		if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM checkins").Scan(&n); err != nil || n != 1 {
			t.Fatalf("check-ins stored: %d %v", n, err)
		}
	})
}

func TestWalkInsCardScanAndStampCardPrize(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		in := w.input(w.xicheng)
		in.Title, in.Kind = "环什刹海健步走", "walk"
		in.WalkIns, in.Capacity = true, 1
		in.Checkpoints = []CheckpointInput{{Name: "明理"}, {Name: "增信"}, {Name: "崇德"}, {Name: "力行"}}
		in.StampsRequired, in.Prize = 4, "纪念徽章"
		district := grant("officer", w.xicheng)
		a := w.published(t, district, in)
		x, y := w.add(t, w.unionA), w.add(t, w.unionB)
		if _, _, err := w.s.Register(ctx, self(x), a.ID, x.ID); err != nil {
			t.Fatal(err)
		}
		w.clock.Add(time.Hour)
		// Staff scan y's member card: a walk-in (the activity is full).
		cardY, err := w.m.OwnCard(ctx, y.ID)
		if err != nil {
			t.Fatal(err)
		}
		ci, made, err := w.s.CheckIn(ctx, district, a.ID, CheckInInput{Card: cardY.Payload, CheckpointID: a.Checkpoints[1].ID})
		if err != nil || !made || ci.Via != CheckInByCard || ci.MemberID != y.ID || ci.CheckpointName != "增信" {
			t.Fatalf("card scan: %+v %v", ci, err)
		}
		if c := counts(t, d, a.ID); c[RegWalkIn] != 1 || c[RegConfirmed] != 1 {
			t.Fatalf("registrations: %v", c)
		}
		// A forged card: the signature's tail changed (to something else
		// than it was: one card in 32,768 already ends in AAA).
		tail := "AAA"
		if strings.HasSuffix(cardY.Payload, tail) {
			tail = "BBB"
		}
		_, _, err = w.s.CheckIn(ctx, district, a.ID, CheckInInput{Card: cardY.Payload[:len(cardY.Payload)-3] + tail})
		wantField(t, err, "card", "")
		// x collects three stamps by code: no prize yet.
		for _, cp := range a.Checkpoints[:3] {
			code, _, err := w.s.CheckpointCode(ctx, district, a.ID, cp.ID)
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := w.s.CheckIn(ctx, self(x), a.ID, CheckInInput{Code: code}); err != nil {
				t.Fatal(err)
			}
		}
		_, err = w.s.RedeemPrize(ctx, district, a.ID, CheckInInput{MemberID: x.ID})
		wantCode(t, err, "prize_not_earned")
		code, _, _ := w.s.CheckpointCode(ctx, district, a.ID, a.Checkpoints[3].ID)
		ci, _, err = w.s.CheckIn(ctx, self(x), a.ID, CheckInInput{Code: code})
		if err != nil || ci.Stamps != 4 || !ci.PrizeEarned {
			t.Fatalf("fourth stamp: %+v %v", ci, err)
		}
		sc, err := w.s.RedeemPrize(ctx, district, a.ID, CheckInInput{MemberID: x.ID})
		if err != nil || sc.RedeemedAt == nil || sc.Collected != 4 {
			t.Fatalf("redeem: %+v %v", sc, err)
		}
		_, err = w.s.RedeemPrize(ctx, district, a.ID, CheckInInput{MemberID: x.ID})
		wantCode(t, err, "prize_redeemed")

		// Attendance: two people from two unions under two streets.
		att, err := w.s.Attendance(ctx, district, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if att.Attended != 2 || att.Unions != 2 || att.WalkIns != 1 || att.Rate != 1 || att.Redeemed != 1 || len(att.ByOrg) != 2 {
			t.Fatalf("attendance: %+v", att)
		}
		for _, g := range att.ByOrg {
			if g.People != 1 || g.Unions != 1 || (g.OrgID != w.dashilan.ID && g.OrgID != w.xichang.ID) {
				t.Fatalf("by org: %+v", att.ByOrg)
			}
		}
		rows, _, err := w.s.CheckIns(ctx, district, a.ID, "", 2)
		if err != nil || len(rows) != 2 {
			t.Fatalf("check-in list: %v %v", rows, err)
		}
		// A checkpoint with check-ins cannot be removed.
		cur, _ := w.s.Get(ctx, district, a.ID)
		in.Checkpoints = []CheckpointInput{{ID: a.Checkpoints[0].ID, Name: "明理"}}
		in.StampsRequired = 1
		in.Title = "改过的标题"
		_, err = w.s.Update(ctx, district, a.ID, cur.Version, in)
		wantField(t, err, "checkpoints", "activity.checkpoint_in_use")
		// The refused edit changed nothing.
		after, _ := w.s.Get(ctx, district, a.ID)
		if after.Version != cur.Version || after.Title != cur.Title || len(after.Checkpoints) != 4 {
			t.Fatalf("a refused edit was saved: %+v", after)
		}
		in.Checkpoints = []CheckpointInput{{ID: 12345, Name: "明理"}}
		_, err = w.s.Update(ctx, district, a.ID, cur.Version, in)
		wantField(t, err, "checkpoints.0.id", "field.invalid_id")
		if after, _ := w.s.Get(ctx, district, a.ID); after.Version != cur.Version {
			t.Fatalf("a refused edit was saved: version %d", after.Version)
		}
	})
}

func TestParseCodeRejectsGarbage(t *testing.T) {
	for _, s := range []string{"", "GHA1:", "GHA1:!!!!", "GHC1:AAAA", "https://x/m/checkin?code=nope", strings.Repeat("A", 600), "GHA1:AEBAGBAF"} {
		if _, err := ParseCode(s); !CodeError(err) {
			t.Fatalf("%q: %v", s, err)
		}
	}
	c := Checkpoint{ID: 42, secret: []byte("k")}
	code, _ := c.code(7, time.Unix(0, 0))
	got, err := ParseCode(strings.ToLower(code))
	if err != nil || got.ActivityID != 7 || got.CheckpointID != 42 {
		t.Fatalf("lower-case code: %+v %v", got, err)
	}
}

func FuzzParseCode(f *testing.F) {
	c := Checkpoint{ID: 9, RotateSeconds: 30, secret: []byte("secret")}
	code, _ := c.code(123456789, time.Unix(1_790_000_000, 0))
	for _, s := range []string{code, "https://h/m/checkin?code=" + code, "GHA1:", "GHA1:AAAAAAAAAAAAAAAAAAAAAA", "", "/m/checkin/" + code, "GHC1:ABC"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseCode(s)
		if err != nil {
			if !CodeError(err) {
				t.Fatalf("%q: error without a code field: %v", s, err)
			}
			return
		}
		if got.ActivityID <= 0 || got.CheckpointID <= 0 || !got.c.Valid() {
			t.Fatalf("%q parsed to %+v", s, got)
		}
		// Whatever parses verifies only with the right key.
		if c.verify(got, time.Unix(1_790_000_000, 0)) == nil && (got.ActivityID != 123456789 || got.CheckpointID != 9) {
			t.Fatalf("%q verifies for another activity", s)
		}
	})
}

// The generator's activities hold together: counters equal the rows, the
// check-ins belong to registered members, the figures count them.
func TestGenerateActivities(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		for range 30 {
			w.add(t, w.unionA)
		}
		n, err := Generate(ctx, w.s, 1, 3, nil)
		if err != nil || n == 0 {
			t.Fatalf("generated %d: %v", n, err)
		}
		var bad int
		if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM activities a WHERE a.confirmed <> (SELECT COUNT(*) FROM registrations r WHERE r.activity_id = a.id AND r.status = 'confirmed')`).Scan(&bad); err != nil || bad != 0 {
			t.Fatalf("%d activities whose counter differs from their rows (%v)", bad, err)
		}
		if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM checkins c WHERE NOT EXISTS (SELECT 1 FROM registrations r WHERE r.activity_id = c.activity_id AND r.member_id = c.member_id)`).Scan(&bad); err != nil || bad != 0 {
			t.Fatalf("%d check-ins without a registration (%v)", bad, err)
		}
		f, err := w.s.Count(ctx, w.root.Path, time.Time{}, time.Time{})
		if err != nil || f.Held != n || f.Registrations == 0 {
			t.Fatalf("figures: %+v %v (generated %d)", f, err, n)
		}
	})
}
