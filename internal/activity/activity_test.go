package activity

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/notice"
	"gonghui/internal/signup/signuptest"
	"gonghui/internal/sms"
	"gonghui/internal/testkit"
)

func TestCreateRejectsBadInputAndSavesNothing(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		cases := []struct {
			name, field, key string
			edit             func(*Input)
		}{
			{"no title", "title", "field.required", func(in *Input) { in.Title = "  " }},
			{"bad kind", "kind", "field.invalid_choice", func(in *Input) { in.Kind = "party" }},
			{"end before start", "ends_at", "activity.ends_before_start", func(in *Input) { in.EndsAt = "2026-12-01T08:30" }},
			{"bad time", "starts_at", "activity.time_format", func(in *Input) { in.StartsAt = "明天上午" }},
			{"capacity", "capacity", "field.out_of_range", func(in *Input) { in.Capacity = -1 }},
			{"waitlist without capacity", "waitlist", "activity.waitlist_needs_capacity", func(in *Input) { in.Waitlist = true }},
			{"unknown tag", "audience_tags", "field.invalid_choice", func(in *Input) { in.AudienceTags = []string{"vip"} }},
			{"lone latitude", "lng", "activity.coordinates_pair", func(in *Input) { v := 39.9; in.Lat = &v }},
			{"stamps beyond checkpoints", "stamps_required", "field.out_of_range", func(in *Input) { in.StampsRequired = 2 }},
			{"duplicate checkpoint", "checkpoints.1.name", "activity.checkpoint_duplicate", func(in *Input) {
				in.Checkpoints = []CheckpointInput{{Name: "明理"}, {Name: "明理"}}
			}},
			{"audience above publisher", "audience_org_id", "activity.audience_outside", func(in *Input) { in.AudienceOrgID = w.xicheng.ID }},
			{"audience elsewhere", "audience_org_id", "activity.audience_outside", func(in *Input) { in.AudienceOrgID = w.unionB.ID }},
		}
		for _, c := range cases {
			in := w.input(w.dashilan)
			c.edit(&in)
			_, err := w.s.Create(ctx, w.dashilanOfficer, in)
			wantField(t, err, c.field, c.key)
		}
		// Outside the caller's subtree: the organisation does not exist for them.
		_, err := w.s.Create(ctx, w.dashilanOfficer, w.input(w.xichang))
		wantField(t, err, "org_id", "field.invalid_id")
		// A leader reads but does not publish.
		_, err = w.s.Create(ctx, w.leader, w.input(w.dashilan))
		wantCode(t, err, "forbidden")
		var n int
		if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM activities").Scan(&n); err != nil || n != 0 {
			t.Fatalf("activities after refusals: %d %v", n, err)
		}
	})
}

func TestScopeListAndVisibility(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		a := w.published(t, w.dashilanOfficer, w.input(w.dashilan))
		in := w.input(w.xichang)
		in.Title = "观影：长津湖"
		in.Kind = "screening"
		b := w.published(t, w.xichangOfficer, in)
		if _, err := w.s.Get(ctx, w.xichangOfficer, a.ID); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("other subtree reads: %v", err)
		}
		if _, err := w.s.Get(ctx, w.leader, a.ID); err != nil {
			t.Fatalf("leader reads: %v", err)
		}
		items, _, err := w.s.List(ctx, w.city, Query{Q: "长津", Kind: "screening"})
		if err != nil || len(items) != 1 || items[0].ID != b.ID {
			t.Fatalf("city search: %v %v", items, err)
		}
		items, _, err = w.s.List(ctx, w.dashilanOfficer, Query{})
		if err != nil || len(items) != 1 || items[0].ID != a.ID {
			t.Fatalf("dashilan listing: %v %v", items, err)
		}
		// Pages of one with a cursor cover everything once.
		seen := map[int64]bool{}
		after := ""
		for range 5 {
			items, next, err := w.s.List(ctx, w.city, Query{Limit: 1, After: after})
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range items {
				if seen[it.ID] {
					t.Fatalf("%d twice", it.ID)
				}
				seen[it.ID] = true
			}
			if after = next; next == "" {
				break
			}
		}
		if len(seen) != 2 {
			t.Fatalf("paged %d activities, want 2", len(seen))
		}
		if _, _, err := w.s.List(ctx, w.city, Query{After: "garbage!"}); err == nil {
			t.Fatal("bad cursor accepted")
		}
		// The filter's dates are refused by their field, as the
		// dashboard's are: backwards, or centuries apart.
		for q, field := range map[Query]string{{From: "2026-05-01", To: "2026-04-01"}: "to", {From: "1900-01-01", To: "2100-01-01"}: "from", {From: "2026-02-30"}: "from"} {
			_, _, err := w.s.List(ctx, w.city, q)
			if e, ok := errs.As(err); !ok || len(e.Fields) != 1 || e.Fields[field].Key == "" {
				t.Fatalf("%+v: %v", q, err)
			}
		}
	})
}

func TestAudienceByTreeAndTags(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		inA := w.add(t, w.unionA, "outdoor_worker")
		plainA := w.add(t, w.unionA)
		inB := w.add(t, w.unionB, "outdoor_worker")
		in := w.input(w.dashilan)
		in.AudienceTags = []string{"outdoor_worker", "platform_worker"}
		a := w.published(t, w.dashilanOfficer, in)
		draft, err := w.s.Create(ctx, w.dashilanOfficer, w.input(w.dashilan))
		if err != nil {
			t.Fatal(err)
		}

		list := func(m int64) []int64 {
			items, _, err := w.s.ForMember(ctx, m, MemberQuery{})
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, it := range items {
				ids = append(ids, it.ID)
			}
			return ids
		}
		if got := list(inA.ID); len(got) != 1 || got[0] != a.ID {
			t.Fatalf("tagged member in the subtree sees %v", got)
		}
		if got := list(plainA.ID); len(got) != 0 {
			t.Fatalf("untagged member sees %v", got)
		}
		if got := list(inB.ID); len(got) != 0 {
			t.Fatalf("member elsewhere sees %v", got)
		}
		if _, err := w.s.MemberView(ctx, inA.ID, draft.ID); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("draft visible to a member: %v", err)
		}
		if _, _, err := w.s.Register(ctx, self(plainA), a.ID, plainA.ID); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("untagged member signs up: %v", err)
		}
		if _, _, err := w.s.Register(ctx, w.dashilanOfficer, a.ID, inB.ID); err == nil {
			t.Fatal("staff signed up a member outside the audience")
		} else {
			wantCode(t, err, "not_in_audience")
		}
		if _, _, err := w.s.Register(ctx, self(inA), a.ID, plainA.ID); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("a member signs someone else up: %v", err)
		}
		if _, _, err := w.s.Register(ctx, self(inA), a.ID, inA.ID); err != nil {
			t.Fatal(err)
		}
	})
}

func TestCapacityWaitingListAndPromotion(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		in := w.input(w.dashilan)
		in.Capacity, in.Waitlist = 2, true
		a := w.published(t, w.dashilanOfficer, in)
		m := []int64{w.add(t, w.unionA).ID, w.add(t, w.unionA).ID, w.add(t, w.unionA).ID, w.add(t, w.unionA).ID}
		want := []RegStatus{RegConfirmed, RegConfirmed, RegWaiting, RegWaiting}
		for i, id := range m {
			r, made, err := w.s.Register(ctx, authPrincipalMember{id}.p(), a.ID, id)
			if err != nil || !made || r.Status != want[i] {
				t.Fatalf("member %d: %+v %v %v", i, r, made, err)
			}
		}
		// A second click is the same registration.
		r, made, err := w.s.Register(ctx, authPrincipalMember{m[0]}.p(), a.ID, m[0])
		if err != nil || made || r.Status != RegConfirmed {
			t.Fatalf("second click: %+v %v %v", r, made, err)
		}
		mv, err := w.s.MemberView(ctx, m[3], a.ID)
		if err != nil || mv.Position != 2 {
			t.Fatalf("waiting position: %+v %v", mv, err)
		}
		// A confirmed member cancels: the first waiting is promoted and told.
		if _, err := w.s.CancelRegistration(ctx, authPrincipalMember{m[1]}.p(), a.ID, m[1]); err != nil {
			t.Fatal(err)
		}
		if mv, _ := w.s.MemberView(ctx, m[2], a.ID); mv.Registration.Status != RegConfirmed {
			t.Fatalf("first waiting not promoted: %+v", mv.Registration)
		}
		notices, err := notice.NewStore(d, w.m).List(ctx, m[2], 10)
		if err != nil || len(notices) != 1 || notices[0].Kind != NoticePromoted {
			t.Fatalf("promotion notice: %+v %v", notices, err)
		}
		// Cancelling again answers the cancelled registration unchanged.
		if r, err := w.s.CancelRegistration(ctx, authPrincipalMember{m[1]}.p(), a.ID, m[1]); err != nil || r.Status != RegCancelled {
			t.Fatalf("second cancel: %+v %v", r, err)
		}
		// Raising the capacity promotes the rest at once.
		cur, _ := w.s.Get(ctx, w.dashilanOfficer, a.ID)
		in.Capacity = 5
		if _, err := w.s.Update(ctx, w.dashilanOfficer, a.ID, cur.Version, in); err != nil {
			t.Fatal(err)
		}
		got, _ := w.s.Get(ctx, w.dashilanOfficer, a.ID)
		if got.Confirmed != 3 || got.Waiting != 0 {
			t.Fatalf("after raising capacity: confirmed %d waiting %d", got.Confirmed, got.Waiting)
		}
		if c := counts(t, d, a.ID); c[RegConfirmed] != 3 || c[RegCancelled] != 1 {
			t.Fatalf("rows: %v", c)
		}
		// Lowering below those holding a place is refused.
		in.Capacity = 2
		_, err = w.s.Update(ctx, w.dashilanOfficer, a.ID, got.Version, in)
		wantField(t, err, "capacity", "activity.capacity_below_confirmed")
		// After the deadline a member may no longer cancel; staff may.
		w.clock.Add(time.Hour + time.Minute)
		_, err = w.s.CancelRegistration(ctx, authPrincipalMember{m[0]}.p(), a.ID, m[0])
		wantCode(t, err, "cancel_too_late")
		if _, err := w.s.CancelRegistration(ctx, w.dashilanOfficer, a.ID, m[0]); err != nil {
			t.Fatalf("staff cancel: %v", err)
		}
	})
}

type authPrincipalMember struct{ id int64 }

func (m authPrincipalMember) p() *auth.Principal {
	return &auth.Principal{Kind: auth.KindMember, MemberID: m.id}
}

func utf8Valid(s string) bool { return utf8.ValidString(s) }

func TestFullWithoutWaitlistAndApproval(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		in := w.input(w.dashilan)
		in.Capacity, in.Approval = 1, true
		a := w.published(t, w.dashilanOfficer, in)
		x, y := w.add(t, w.unionA), w.add(t, w.unionA)
		r, _, err := w.s.Register(ctx, self(x), a.ID, x.ID)
		if err != nil || r.Status != RegPending {
			t.Fatalf("with approval: %+v %v", r, err)
		}
		// Staff sign-ups need no approval and take the place.
		if r, _, err = w.s.Register(ctx, w.dashilanOfficer, a.ID, y.ID); err != nil || r.Status != RegConfirmed {
			t.Fatalf("staff sign-up: %+v %v", r, err)
		}
		_, err = w.s.Decide(ctx, w.dashilanOfficer, a.ID, x.ID, true)
		wantCode(t, err, "full")
		if r, err = w.s.Decide(ctx, w.dashilanOfficer, a.ID, x.ID, false); err != nil || r.Status != RegRejected {
			t.Fatalf("reject: %+v %v", r, err)
		}
		got, _ := w.s.Get(ctx, w.dashilanOfficer, a.ID)
		if got.Confirmed != 1 || got.Pending != 0 {
			t.Fatalf("counters: %+v", got)
		}
		// Outside the window members cannot sign up.
		w.clock.Add(2 * time.Hour)
		z := w.add(t, w.unionA)
		_, _, err = w.s.Register(ctx, self(z), a.ID, z.ID)
		wantCode(t, err, "registration_closed")
	})
}

func TestCancelActivityTellsRegistrants(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		a := w.published(t, w.dashilanOfficer, w.input(w.dashilan))
		x := w.add(t, w.unionA)
		if _, _, err := w.s.Register(ctx, self(x), a.ID, x.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.Cancel(ctx, w.dashilanOfficer, a.ID, "天气原因"); err != nil {
			t.Fatal(err)
		}
		inbox := notice.NewStore(d, w.m)
		n, err := inbox.List(ctx, x.ID, 10)
		if err != nil || len(n) != 1 || n[0].Kind != NoticeCancelled || n[0].ActivityTitle != a.Title {
			t.Fatalf("notices: %+v %v", n, err)
		}
		if u, _ := inbox.Unread(ctx, x.ID); u != 1 {
			t.Fatalf("unread %d", u)
		}
		// The notice goes out by SMS once, whichever process sends.
		var rec sms.Recorder
		render := func(kind, title string) string { return kind + ":" + title }
		other := notice.NewStore(d, w.m)
		if n, err := inbox.Send(ctx, rec.Send, render); err != nil || n != 1 {
			t.Fatalf("sent %d: %v", n, err)
		}
		if n, err := other.Send(ctx, rec.Send, render); err != nil || n != 0 {
			t.Fatalf("sent again %d: %v", n, err)
		}
		if got := rec.Last(w.mobiles[x.ID]); got != NoticeCancelled+":"+a.Title {
			t.Fatalf("SMS %q", got)
		}
		_, _, err = w.s.Register(ctx, self(x), a.ID, x.ID)
		if err != nil {
			// The old registration is still live; a fresh member is refused.
			t.Fatal(err)
		}
		y := w.add(t, w.unionA)
		_, _, err = w.s.Register(ctx, self(y), a.ID, y.ID)
		wantCode(t, err, "not_open")
	})
}

// Many goroutines on two stores (two "processes") over one database never
// give more places than the capacity, and every sign-up is answered.
func TestConcurrentSignUpsNeverOversell(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		in := w.input(w.dashilan)
		in.Capacity, in.Waitlist = 30, true
		a := w.published(t, w.dashilanOfficer, in)
		const n = 120
		ids := make([]int64, n)
		for i := range ids {
			ids[i] = w.add(t, w.unionA).ID
		}
		other := NewStore(d, w.m)
		other.SetClock(w.clock.Now)
		stores := []*Store{w.s, other}
		var clicks []func() error
		for i, id := range ids {
			for k := range 2 { // every member clicks twice, on both stores
				clicks = append(clicks, func() error {
					_, _, err := stores[(i+k)%2].Register(ctx, authPrincipalMember{id}.p(), a.ID, id)
					return err
				})
			}
		}
		signuptest.Together(t, clicks)
		c := counts(t, d, a.ID)
		if c[RegConfirmed] != 30 || c[RegWaiting] != n-30 || len(c) != 2 {
			t.Fatalf("rows by status: %v", c)
		}
		got, _ := w.s.Get(ctx, w.dashilanOfficer, a.ID)
		if got.Confirmed != 30 || got.Waiting != n-30 {
			t.Fatalf("counters: confirmed %d waiting %d", got.Confirmed, got.Waiting)
		}
		batches, ops := w.s.GroupStats()
		t.Logf("group commit: %d operations in %d transactions", ops, batches)
	})
}

func TestICSFoldsAndEscapes(t *testing.T) {
	lat, lng := 39.9, 116.4
	a := &Activity{ID: 7, Title: "健步走,环湖; 集章\\", Description: strings.Repeat("明理增信崇德力行", 20) + "\n第二行",
		Venue: "什刹海", StartsAt: time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC), EndsAt: time.Date(2026, 12, 1, 4, 0, 0, 0, time.UTC),
		Lat: &lat, Lng: &lng, Organiser: `大栅栏"街道"总工会`, Version: 3, Status: StatusPublished}
	out := string(ICS(a, "https://example.org/m/activities/7", time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)))
	for _, want := range []string{"BEGIN:VCALENDAR\r\n", "SUMMARY:健步走\\,环湖\\; 集章\\\\\r\n", "DTSTART:20261201T010000Z\r\n",
		"GEO:39.900000;116.400000\r\n", "ORGANIZER;CN=\"大栅栏街道总工会\":", "END:VCALENDAR\r\n"} {
		if !strings.Contains(out, want) {
			t.Fatalf("ics lacks %q:\n%s", want, out)
		}
	}
	for _, l := range strings.Split(out, "\r\n") {
		if len(l) > 75 {
			t.Fatalf("line longer than 75 octets: %q", l)
		}
		if !utf8Valid(l) {
			t.Fatalf("fold split a character: %q", l)
		}
	}
}
