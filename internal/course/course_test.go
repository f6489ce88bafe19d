package course

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"gonghui/internal/auth"
	"gonghui/internal/beijing"
	"gonghui/internal/cnid"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/member"
	"gonghui/internal/org"
	"gonghui/internal/signup/signuptest"
	"gonghui/internal/testkit"
)

var ctx = context.Background()

// world is the sign-up tests' organisation tree (signuptest.Tree) with
// the course store: its officer publishes in the street, the outsider is
// the officer of another street.
type world struct {
	s                 *Store
	m                 *member.Store
	d                 *db.DB
	clock             *signuptest.Clock
	street, unionA    *org.Org
	other             *org.Org
	officer, outsider *auth.Principal
	seq               int
}

var (
	self     = signuptest.Self
	wantCode = signuptest.WantCode
)

func newWorld(t testing.TB, d *db.DB) *world {
	t.Helper()
	tr := signuptest.NewTree(t, org.NewStore(d))
	w := &world{d: d, m: member.NewStore(d, testkit.Keys(t)), clock: signuptest.NewClock(time.Date(2026, 3, 1, 9, 0, 0, 0, beijing.Zone)),
		street: tr.Dashilan, unionA: tr.UnionA, other: tr.Xichang}
	w.s = NewStore(d, w.m)
	w.s.SetClock(w.clock.Now)
	w.officer, w.outsider = signuptest.Grant(auth.RoleOfficer, w.street), signuptest.Grant(auth.RoleOfficer, w.other)
	return w
}

func (w *world) add(t testing.TB, u *org.Org) *member.Member {
	t.Helper()
	w.seq++
	n := w.seq
	id, err := cnid.MakeResidentID("110102", time.Date(1970+n%30, time.Month(1+n%12), 1+n%28, 0, 0, 0, 0, time.UTC), n%1000)
	if err != nil {
		t.Fatal(err)
	}
	sur, giv := []rune("王李张刘陈杨赵黄周吴"), []rune("伟芳娜敏静丽强磊军洋勇艳")
	name := string(sur[n%len(sur)]) + string(giv[(n/len(sur))%len(giv)]) + string(giv[(n/len(sur)/len(giv))%len(giv)])
	m, err := w.m.Create(ctx, signuptest.Grant(auth.RoleOfficer, u), u.ID, member.Person{Name: name, IDNumber: id, Mobile: strconv.Itoa(13800000000 + n), JoinedOn: "2020-01-01"})
	if err != nil {
		t.Fatalf("member %d: %v", n, err)
	}
	return m
}

// term makes a taiji course with a term: Tuesdays and Thursdays at 19:00
// for two weeks from 2026-03-10, enrolment until 2026-03-08.
func (w *world) term(t testing.TB, capacity int) *Term {
	t.Helper()
	c, err := w.s.CreateCourse(ctx, w.officer, CourseInput{OrgID: w.street.ID, Title: "太极拳", Category: "taiji"})
	if err != nil {
		t.Fatal(err)
	}
	tm, err := w.s.CreateTerm(ctx, w.officer, c.ID, TermInput{Name: "2026年春季班", Teacher: "王老师", Venue: "职工之家", Capacity: capacity,
		EnrolClosesAt: "2026-03-08T20:00", StartsOn: "2026-03-10", EndsOn: "2026-03-23",
		Schedule: []Slot{{Weekday: 2, Start: "19:00", Minutes: 90}, {Weekday: 4, Start: "19:00", Minutes: 90}}})
	if err != nil {
		t.Fatal(err)
	}
	if tm, err = w.s.PublishTerm(ctx, w.officer, tm.ID); err != nil {
		t.Fatal(err)
	}
	return tm
}

func wantField(t testing.TB, err error, field string) {
	t.Helper()
	if e, ok := errs.As(err); !ok || e.Fields[field].Key == "" {
		t.Fatalf("error %v, want a problem with %s", err, field)
	}
}

func TestTermInputAndSessions(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		c, err := w.s.CreateCourse(ctx, w.officer, CourseInput{OrgID: w.street.ID, Title: "瑜伽", Category: "yoga"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = w.s.CreateCourse(ctx, w.officer, CourseInput{OrgID: w.street.ID, Title: "", Category: "karaoke"})
		wantField(t, err, "title")
		good := TermInput{Name: "春季班", Capacity: 20, EnrolClosesAt: "2026-03-08T20:00", StartsOn: "2026-03-10", EndsOn: "2026-03-23",
			Schedule: []Slot{{Weekday: 2, Start: "19:00", Minutes: 90}}}
		for field, edit := range map[string]func(*TermInput){
			"schedule":           func(in *TermInput) { in.Schedule = nil },
			"schedule.0.start":   func(in *TermInput) { in.Schedule = []Slot{{Weekday: 2, Start: "7pm", Minutes: 90}} },
			"schedule.0.weekday": func(in *TermInput) { in.Schedule = []Slot{{Weekday: 8, Start: "19:00", Minutes: 90}} },
			"ends_on":            func(in *TermInput) { in.EndsOn = "2026-03-01" },
			"enrol_closes_at":    func(in *TermInput) { in.EnrolClosesAt = "2026-03-20T20:00" },
			"capacity":           func(in *TermInput) { in.Capacity = -5 },
			"audience_org_id":    func(in *TermInput) { in.AudienceOrgID = w.other.ID },
			"schedule.0.minutes": func(in *TermInput) { in.Schedule = []Slot{{Weekday: 2, Start: "19:00", Minutes: 5}} },
		} {
			in := good
			edit(&in)
			_, err := w.s.CreateTerm(ctx, w.officer, c.ID, in)
			wantField(t, err, field)
		}
		_, err = w.s.CreateTerm(ctx, w.outsider, c.ID, good)
		if !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("outsider: %v", err)
		}
		in := good
		in.Schedule = append(in.Schedule, Slot{Weekday: 4, Start: "08:30", Minutes: 60})
		tm, err := w.s.CreateTerm(ctx, w.officer, c.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		ss, err := w.s.Sessions(ctx, w.officer, tm.ID)
		if err != nil || len(ss) != 4 || tm.Sessions != 4 {
			t.Fatalf("sessions: %d (%d) %v", len(ss), tm.Sessions, err)
		}
		want := []string{"03-10 19:00", "03-12 08:30", "03-17 19:00", "03-19 08:30"}
		for i, x := range ss {
			if got := x.StartsAt.In(beijing.Zone).Format("01-02 15:04"); got != want[i] {
				t.Fatalf("session %d at %s, want %s", i, got, want[i])
			}
		}
		if tm.Seed != "" || len(tm.SeedHash) != 64 {
			t.Fatalf("seed shown before the draw: %+v", tm)
		}
	})
}

// The draw depends only on the published seed, the tickets and the
// capacity, and is what an independent SHA-256 over "seed:ticket" gives.
func TestDrawIsReproducible(t *testing.T) {
	seed := "9f86d081884c7d659a2feaa0c55ad015"
	tickets := []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	drawn, waiting := Draw(seed, tickets, 4)
	type kv struct {
		t int64
		k string
	}
	var keys []kv
	for _, tk := range tickets {
		s := sha256.Sum256([]byte(fmt.Sprintf("%s:%d", seed, tk)))
		keys = append(keys, kv{tk, hex.EncodeToString(s[:])})
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].k < keys[j].k })
	for i, k := range keys {
		var got int64
		if i < 4 {
			got = drawn[i]
		} else {
			got = waiting[i-4]
		}
		if got != k.t {
			t.Fatalf("place %d: ticket %d, an independent computation says %d", i+1, got, k.t)
		}
	}
	d2, w2 := Draw(seed, []int64{10, 9, 8, 7, 6, 5, 4, 3, 2, 1}, 4)
	if fmt.Sprint(d2, w2) != fmt.Sprint(drawn, waiting) {
		t.Fatal("the order of the input changed the draw")
	}
	if d, w := Draw(seed, tickets, 0); len(d) != 10 || len(w) != 0 {
		t.Fatal("no limit: everyone gets a place")
	}
	if !bytes.Equal([]byte(SeedHash("abc")), []byte("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")) {
		t.Fatal("seed hash is not SHA-256 of the seed's text")
	}
}

func TestEnrolDrawWithdrawAndPromote(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		tm := w.term(t, 3)
		var ms []*member.Member
		for range 8 {
			ms = append(ms, w.add(t, w.unionA))
		}
		for i, m := range ms {
			e, made, err := w.s.Apply(ctx, self(m), tm.ID, m.ID)
			if err != nil || !made || e.Status != EnrolApplied || e.Ticket != int64(i+1) {
				t.Fatalf("apply %d: %+v %v %v", i, e, made, err)
			}
		}
		if e, made, err := w.s.Apply(ctx, self(ms[0]), tm.ID, ms[0].ID); err != nil || made || e.Ticket != 1 {
			t.Fatalf("second click: %+v %v %v", e, made, err)
		}
		outsider := w.add(t, w.other)
		if _, _, err := w.s.Apply(ctx, self(outsider), tm.ID, outsider.ID); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("member outside the audience: %v", err)
		}
		_, err := w.s.DrawTerm(ctx, w.officer, tm.ID)
		wantCode(t, err, "enrolment_still_open")
		// A withdrawn application takes no part in the draw.
		if _, err := w.s.Withdraw(ctx, self(ms[7]), tm.ID, ms[7].ID); err != nil {
			t.Fatal(err)
		}
		w.clock.Set(time.Date(2026, 3, 8, 21, 0, 0, 0, beijing.Zone))
		_, _, err = w.s.Apply(ctx, self(outsider), tm.ID, ms[6].ID)
		if !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("applying for someone else: %v", err)
		}
		res, err := w.s.DrawTerm(ctx, w.officer, tm.ID)
		if err != nil {
			t.Fatal(err)
		}
		// The system's draw of due terms finds nothing left to draw.
		if n, err := w.s.DrawDue(ctx); err != nil || n != 0 {
			t.Fatalf("due draws after the staff's: %d %v", n, err)
		}
		d2, w2 := Draw(res.Seed, []int64{1, 2, 3, 4, 5, 6, 7}, 3)
		if SeedHash(res.Seed) != tm.SeedHash || fmt.Sprint(d2, w2) != fmt.Sprint(res.Drawn, res.Waiting) {
			t.Fatalf("the published draw does not re-run: %+v", res)
		}
		got, _ := w.s.GetTerm(ctx, w.officer, tm.ID)
		if got.Enrolled != 3 || got.Waiting != 4 || got.Applied != 0 || got.Seed != res.Seed || got.Status != TermDrawn {
			t.Fatalf("after the draw: %+v", got)
		}
		rec, err := w.s.Record(ctx, got)
		if err != nil || len(rec.Tickets) != 7 || rec.Tickets[0].Ticket != res.Drawn[0] || !rec.Tickets[2].Drawn || rec.Tickets[3].Drawn {
			t.Fatalf("record: %+v %v", rec, err)
		}
		byTicket := map[int64]*member.Member{}
		for i, m := range ms[:7] {
			byTicket[int64(i+1)] = m
		}
		first, next := byTicket[res.Drawn[0]], byTicket[res.Waiting[0]]
		mv, err := w.s.MemberView(ctx, next.ID, tm.ID)
		if err != nil || mv.Enrolment.Status != EnrolWaiting || mv.Position != 1 {
			t.Fatalf("first waiting: %+v %v", mv, err)
		}
		if _, err := w.s.Withdraw(ctx, self(first), tm.ID, first.ID); err != nil {
			t.Fatal(err)
		}
		if mv, _ := w.s.MemberView(ctx, next.ID, tm.ID); mv.Enrolment.Status != EnrolEnrolled {
			t.Fatalf("not promoted: %+v", mv.Enrolment)
		}
		var kinds []string
		rows, _ := d.Query(ctx, "SELECT kind FROM member_notices WHERE member_id = ? ORDER BY id", next.ID)
		for rows.Next() {
			var k string
			_ = rows.Scan(&k)
			kinds = append(kinds, k)
		}
		rows.Close()
		if fmt.Sprint(kinds) != fmt.Sprint([]string{NoticeWaiting, NoticePromoted}) {
			t.Fatalf("notices: %v", kinds)
		}
		// After the draw staff may add a member: the place is taken, so the end of the list.
		late := w.add(t, w.unionA)
		e, _, err := w.s.Apply(ctx, w.officer, tm.ID, late.ID)
		if err != nil || e.Status != EnrolWaiting {
			t.Fatalf("late addition: %+v %v", e, err)
		}
		_, _, err = w.s.Apply(ctx, self(ms[7]), tm.ID, ms[7].ID)
		wantCode(t, err, "enrolment_closed")
		// Withdrawing and being added back after the draw leaves the
		// published record as drawn.
		if _, err := w.s.Withdraw(ctx, w.officer, tm.ID, next.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := w.s.Apply(ctx, w.officer, tm.ID, next.ID); err != nil {
			t.Fatal(err)
		}
		got, _ = w.s.GetTerm(ctx, w.officer, tm.ID)
		rec2, err := w.s.Record(ctx, got)
		if err != nil || fmt.Sprint(rec2) != fmt.Sprint(rec) {
			t.Fatalf("the record changed after the draw:\n%+v\n%+v", rec2, rec)
		}
		// 3 places and 4 waiting; one with a place withdrew, one came late.
		if f := wantFigures(t, d, w.street); *f != (Figures{Terms: 1, Applications: 7, Enrolled: 3}) {
			t.Fatalf("figures: %+v", f)
		}
		if f := wantFigures(t, d, w.other); *f != (Figures{}) {
			t.Fatalf("a neighbour's figures: %+v", f)
		}
	})
}

func TestConcurrentApplicationsGetDistinctTickets(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		tm := w.term(t, 10)
		const n = 60
		var ms []*member.Member
		for range n {
			ms = append(ms, w.add(t, w.unionA))
		}
		other := NewStore(d, w.m)
		other.SetClock(w.clock.Now)
		var clicks []func() error
		for i, m := range ms {
			for k := range 2 { // every member clicks twice, on both stores
				clicks = append(clicks, func() error {
					_, _, err := []*Store{w.s, other}[(i+k)%2].Apply(ctx, self(m), tm.ID, m.ID)
					return err
				})
			}
		}
		signuptest.Together(t, clicks)
		var count, distinct, maxT int
		if err := d.QueryRow(ctx, "SELECT COUNT(*), COUNT(DISTINCT ticket), MAX(ticket) FROM enrolments WHERE term_id = ?", tm.ID).Scan(&count, &distinct, &maxT); err != nil {
			t.Fatal(err)
		}
		if count != n || distinct != n || maxT != n {
			t.Fatalf("%d enrolments, %d tickets, highest %d; want %d each", count, distinct, maxT, n)
		}
	})
}

func TestAttendanceCodesListsAndExport(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		tm := w.term(t, 2)
		a, b, c := w.add(t, w.unionA), w.add(t, w.unionA), w.add(t, w.unionA)
		for _, m := range []*member.Member{a, b} {
			if _, _, err := w.s.Apply(ctx, self(m), tm.ID, m.ID); err != nil {
				t.Fatal(err)
			}
		}
		if n, err := w.s.DrawDue(ctx); err != nil || n != 0 {
			t.Fatalf("drew %d before enrolment closed: %v", n, err)
		}
		w.clock.Set(time.Date(2026, 3, 9, 9, 0, 0, 0, beijing.Zone))
		// Nobody drew: the system does, once.
		if n, err := w.s.DrawDue(ctx); err != nil || n != 1 {
			t.Fatalf("due draws: %d %v", n, err)
		}
		if got, _ := w.s.GetTerm(ctx, w.officer, tm.ID); got.Status != TermDrawn || got.Enrolled != 2 {
			t.Fatalf("after the system's draw: %+v", got)
		}
		ss, _ := w.s.Sessions(ctx, w.officer, tm.ID)
		x := ss[0]
		code, until, err := w.s.SessionCode(ctx, w.officer, tm.ID, x.ID)
		if err != nil || until.IsZero() {
			t.Fatalf("code: %v", err)
		}
		_, err = w.s.Attend(ctx, self(a), 0, AttendInput{Code: code})
		wantCode(t, err, "session_not_started")
		w.clock.Set(x.StartsAt.Add(-10 * time.Minute))
		code, _, _ = w.s.SessionCode(ctx, w.officer, tm.ID, x.ID)
		got, err := w.s.Attend(ctx, self(a), 0, AttendInput{Code: "https://h.example/m/checkin?code=" + code})
		if err != nil || len(got) != 1 || !got[0].Made || got[0].Attended != 1 || got[0].Sessions != 4 {
			t.Fatalf("attend by code: %+v %v", got, err)
		}
		if again, err := w.s.Attend(ctx, self(a), tm.ID, AttendInput{Code: code}); err != nil || again[0].Made {
			t.Fatalf("second scan: %+v %v", again, err)
		}
		_, err = w.s.Attend(ctx, self(c), 0, AttendInput{Code: code})
		wantCode(t, err, "not_enrolled")
		w.clock.Set(x.StartsAt.Add(2 * time.Minute))
		_, err = w.s.Attend(ctx, self(c), 0, AttendInput{Code: code})
		wantField(t, err, "code") // two periods old
		// Staff tick the list: the member without a place is skipped.
		got, err = w.s.Attend(ctx, w.officer, tm.ID, AttendInput{SessionID: x.ID, MemberIDs: []int64{a.ID, b.ID, c.ID}})
		if err != nil || len(got) != 2 || got[0].Made || !got[1].Made {
			t.Fatalf("list: %+v %v", got, err)
		}
		list, err := w.s.SessionAttendance(ctx, w.officer, tm.ID, x.ID)
		if err != nil || len(list) != 2 {
			t.Fatalf("session attendance: %v %v", list, err)
		}
		if _, err := w.s.Attend(ctx, w.outsider, tm.ID, AttendInput{SessionID: x.ID, MemberIDs: []int64{a.ID}}); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("outsider: %v", err)
		}
		tt, err := w.s.Timetable(ctx, a.ID, time.Date(2026, 3, 1, 0, 0, 0, 0, beijing.Zone), time.Date(2026, 4, 1, 0, 0, 0, 0, beijing.Zone))
		if err != nil || len(tt) != 4 || !tt[0].Attended || tt[1].Attended {
			t.Fatalf("timetable: %+v %v", tt, err)
		}
		var buf bytes.Buffer
		tr := func(k string, _ ...any) string { return k }
		if err := w.s.ExportAttendance(ctx, w.officer, tm.ID, tr, &buf); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := f.GetRows(f.GetSheetList()[0])
		if len(rows) != 3 || len(rows[0]) != 9 || rows[1][5] != "✓" {
			t.Fatalf("register: %v", rows)
		}
		// The register holds names: its export is audited with its row count.
		var after string
		if err := d.QueryRow(ctx, "SELECT after_json FROM audit_log WHERE action = 'course.export' AND entity_id = ?", db.FormatID(tm.ID)).Scan(&after); err != nil || after != `{"rows":2}` {
			t.Fatalf("export audit: %q %v", after, err)
		}
		if f := wantFigures(t, d, w.street); *f != (Figures{Terms: 1, Applications: 2, Enrolled: 2, Attendance: 2}) {
			t.Fatalf("figures: %+v", f)
		}
	})
}

func TestInterestGroups(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		c, _ := w.s.CreateCourse(ctx, w.officer, CourseInput{OrgID: w.street.ID, Title: "太极拳", Category: "taiji"})
		_, err := w.s.CreateGroup(ctx, w.officer, c.ID, GroupInput{Name: " "})
		wantField(t, err, "name")
		g, err := w.s.CreateGroup(ctx, w.officer, c.ID, GroupInput{Name: "太极兴趣小组", Description: "每周六早上公园练习"})
		if err != nil {
			t.Fatal(err)
		}
		in, out := w.add(t, w.unionA), w.add(t, w.other)
		for range 2 {
			if g2, err := w.s.JoinGroup(ctx, self(in), g.ID, in.ID, false); err != nil || g2.Members != 1 {
				t.Fatalf("join: %+v %v", g2, err)
			}
		}
		if _, err := w.s.JoinGroup(ctx, self(out), g.ID, out.ID, false); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("member elsewhere joins: %v", err)
		}
		gs, err := w.s.MemberGroups(ctx, in.ID)
		if err != nil || len(gs) != 1 || !gs[0].Joined {
			t.Fatalf("member groups: %+v %v", gs, err)
		}
		if gs, _ := w.s.MemberGroups(ctx, out.ID); len(gs) != 0 {
			t.Fatalf("member elsewhere sees %v", gs)
		}
		mem, err := w.s.GroupMembers(ctx, w.officer, g.ID)
		if err != nil || len(mem) != 1 || mem[0].MemberID != in.ID {
			t.Fatalf("group members: %v %v", mem, err)
		}
		if g2, err := w.s.JoinGroup(ctx, self(in), g.ID, in.ID, true); err != nil || g2.Members != 0 {
			t.Fatalf("leave: %+v %v", g2, err)
		}
	})
}
