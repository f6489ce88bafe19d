package signup_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/signup"
	"gonghui/internal/signup/signuptest"
	"gonghui/internal/stats"
	"gonghui/internal/testkit"
)

var ctx = context.Background()

// The tests run a module of their own, with its own tables, as a new
// module would: bookings of slots (a checkup's, say) with approval, a
// waiting list and a cancellation deadline.
var book = &signup.Book{
	Name: "booking", Entity: "slot",
	Host: "t_slots", HostSeq: "seq", Attended: "attended",
	Counters: []signup.Counter{{Status: "booked", Column: "booked"}, {Status: "waiting", Column: "waiting"}, {Status: "pending", Column: "pending"}},
	Table:    "t_bookings", HostCol: "slot_id", SeqCol: "seq",
	Marks:     signup.Marks{Table: "t_visits", Point: "room_id", PerMember: true},
	Metrics:   []string{"t.a", "t.b", "t.c", "t.d"},
	Confirmed: "booked", Waiting: "waiting", Pending: "pending", Cancelled: "cancelled", Rejected: "rejected",
	Live: []string{"booked", "waiting", "pending"},
}

var schema = []string{
	`CREATE TABLE t_slots (id BIGINT PRIMARY KEY, capacity INTEGER NOT NULL, approval INTEGER NOT NULL, waitlist INTEGER NOT NULL,
		cancel_before BIGINT NOT NULL, seq BIGINT NOT NULL DEFAULT 0, attended INTEGER NOT NULL DEFAULT 0, booked INTEGER NOT NULL DEFAULT 0,
		waiting INTEGER NOT NULL DEFAULT 0, pending INTEGER NOT NULL DEFAULT 0, updated_at BIGINT NOT NULL DEFAULT 0)`,
	`CREATE TABLE t_bookings (slot_id BIGINT NOT NULL, member_id BIGINT NOT NULL, member_org_path TEXT NOT NULL, status TEXT NOT NULL,
		seq BIGINT NOT NULL, via TEXT NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, PRIMARY KEY (slot_id, member_id))`,
	`CREATE TABLE t_visits (room_id BIGINT NOT NULL, member_id BIGINT NOT NULL, slot_id BIGINT NOT NULL, at BIGINT NOT NULL,
		via TEXT NOT NULL, by_user BIGINT, PRIMARY KEY (room_id, member_id))`,
}

// slot is the module's host row.
type slot struct {
	signup.Seats
	approvalN, waitlistN int
	cancelBefore         int64
}

func (s *slot) Columns() (string, []any) {
	return "approval, waitlist, cancel_before", []any{&s.approvalN, &s.waitlistN, &s.cancelBefore}
}

func (s *slot) Figures() stats.Point { return stats.Point{} }

// module is what the module's store would be.
type module struct {
	d        *db.DB
	g        *db.Group
	now      int64
	mu       sync.Mutex
	promoted []int64
}

func newModule(t *testing.T, d *db.DB) *module {
	t.Helper()
	for _, q := range schema {
		if _, err := d.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	return &module{d: d, g: d.NewGroup(64), now: 1000}
}

func (m *module) slot(t *testing.T, id int64, capacity int, approval, waitlist bool, cancelBefore int64) {
	t.Helper()
	b := func(v bool) int {
		if v {
			return 1
		}
		return 0
	}
	if _, err := m.d.Exec(ctx, "INSERT INTO t_slots (id, capacity, approval, waitlist, cancel_before) VALUES (?, ?, ?, ?, ?)",
		id, capacity, b(approval), b(waitlist), cancelBefore); err != nil {
		t.Fatal(err)
	}
}

// eachModule runs fn with a fresh module on each engine.
func eachModule(t *testing.T, fn func(t *testing.T, m *module)) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) { fn(t, newModule(t, d)) })
}

func (m *module) mustBook(t *testing.T, slotID, memberID int64) {
	t.Helper()
	if _, _, err := m.book(slotID, memberID); err != nil {
		t.Fatal(err)
	}
}

func (m *module) told(memberID int64) error {
	m.mu.Lock()
	m.promoted = append(m.promoted, memberID)
	m.mu.Unlock()
	return nil
}

func (m *module) book(slotID, memberID int64) (e *signup.Entry, made bool, err error) {
	err = m.g.Do(ctx, func(tx *db.Tx) error {
		s, err := signup.Lock[slot](ctx, tx, book, slotID)
		if err != nil {
			return err
		}
		status, refusal := book.Place(&s.Seats, s.approvalN != 0, s.waitlistN != 0)
		e, made, err = book.Join(ctx, tx, &s.Seats, signup.Join{MemberID: memberID, OrgPath: "/1/", Status: status, Refusal: refusal, Via: "self", Now: m.now})
		return err
	})
	return e, made, err
}

func (m *module) cancel(slotID, memberID int64, self bool) (e *signup.Entry, err error) {
	err = m.g.Do(ctx, func(tx *db.Tx) error {
		s, err := signup.Lock[slot](ctx, tx, book, slotID)
		if err != nil {
			return err
		}
		if e, err = book.Read(ctx, tx, slotID, memberID, false); err != nil || e == nil || !book.IsLive(e.Status) {
			return err
		}
		if self {
			if err := book.CancelBy(m.now, s.cancelBefore); err != nil {
				return err
			}
		}
		return book.Cancel(ctx, tx, &s.Seats, e, m.now, m.told)
	})
	return e, err
}

func (m *module) decide(slotID, memberID int64, approve bool) (to string, err error) {
	err = m.g.Do(ctx, func(tx *db.Tx) error {
		s, err := signup.Lock[slot](ctx, tx, book, slotID)
		if err != nil {
			return err
		}
		e, err := book.Read(ctx, tx, slotID, memberID, false)
		if err != nil {
			return err
		}
		to, err = book.Decide(ctx, tx, &s.Seats, e, approve, s.waitlistN != 0, m.now)
		return err
	})
	return to, err
}

// check compares the slot's counters with its rows.
func (m *module) check(t *testing.T, slotID int64, want map[string]int) {
	t.Helper()
	rows, err := m.d.Query(ctx, "SELECT status, COUNT(*) FROM t_bookings WHERE slot_id = ? GROUP BY status", slotID)
	counts, err := signup.All(rows, err, "count", func(r signup.Scanner) (c struct {
		s string
		n int
	}, err error) {
		err = r.Scan(&c.s, &c.n)
		return c, err
	})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, c := range counts {
		got[c.s] = c.n
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("rows by status: %v, want %v", got, want)
	}
	var booked, waiting, pending int
	if err := m.d.QueryRow(ctx, "SELECT booked, waiting, pending FROM t_slots WHERE id = ?", slotID).Scan(&booked, &waiting, &pending); err != nil {
		t.Fatal(err)
	}
	if booked != want["booked"] || waiting != want["waiting"] || pending != want["pending"] {
		t.Fatalf("counters: booked %d waiting %d pending %d, rows %v", booked, waiting, pending, want)
	}
}

func code(err error) string {
	if e, ok := errs.As(err); ok {
		return e.Code
	}
	return fmt.Sprint(err)
}

func TestWaitingListPromotesInOrder(t *testing.T) {
	eachModule(t, func(t *testing.T, m *module) {
		m.slot(t, 1, 2, false, true, 5000)
		for id := int64(1); id <= 5; id++ {
			e, made, err := m.book(1, id)
			if err != nil || !made {
				t.Fatalf("member %d: %v %v", id, made, err)
			}
			if want := map[bool]string{true: "booked", false: "waiting"}[id <= 2]; e.Status != want || e.Seq != id {
				t.Fatalf("member %d: %+v", id, e)
			}
		}
		if e, made, err := m.book(1, 1); err != nil || made || e.Status != "booked" {
			t.Fatalf("second click: %+v %v %v", e, made, err)
		}
		if _, _, err := m.book(99, 1); !errs.Is(err, errs.KindNotFound) {
			t.Fatalf("missing slot: %v", err)
		}
		if e, err := m.cancel(1, 2, true); err != nil || e.Status != "cancelled" {
			t.Fatalf("cancel: %+v %v", e, err)
		}
		if fmt.Sprint(m.promoted) != "[3]" {
			t.Fatalf("promoted %v, want the first waiting", m.promoted)
		}
		// Taken up again, a withdrawn booking goes to the end of the queue.
		if e, made, err := m.book(1, 2); err != nil || !made || e.Status != "waiting" || e.Seq != 6 {
			t.Fatalf("again: %+v %v %v", e, made, err)
		}
		if n, err := book.Position(ctx, m.d, 1, 6); err != nil || n != 3 {
			t.Fatalf("position %d %v", n, err)
		}
		m.check(t, 1, map[string]int{"booked": 2, "waiting": 3})
		m.now = 5000
		if _, err := m.cancel(1, 1, true); code(err) != "cancel_too_late" {
			t.Fatalf("after the deadline: %v", err)
		}
		if _, err := m.cancel(1, 1, false); err != nil {
			t.Fatalf("staff after the deadline: %v", err)
		}
		if fmt.Sprint(m.promoted) != "[3 4]" {
			t.Fatalf("promoted %v", m.promoted)
		}
		m.check(t, 1, map[string]int{"booked": 2, "waiting": 2, "cancelled": 1})
	})
}

func TestFullApprovalAndDecisions(t *testing.T) {
	eachModule(t, func(t *testing.T, m *module) {
		m.slot(t, 1, 1, false, false, 5000)
		m.mustBook(t, 1, 1)
		if _, _, err := m.book(1, 2); code(err) != "full" {
			t.Fatalf("full: %v", err)
		}
		m.slot(t, 2, 1, true, true, 5000)
		for id := int64(1); id <= 3; id++ {
			if e, _, err := m.book(2, id); err != nil || e.Status != "pending" {
				t.Fatalf("member %d: %+v %v", id, e, err)
			}
		}
		for _, c := range []struct {
			member  int64
			approve bool
			want    string
		}{{1, true, "booked"}, {2, true, "waiting"}, {3, false, "rejected"}, {3, true, "not_pending"}} {
			got, err := m.decide(2, c.member, c.approve)
			if err != nil {
				got = code(err)
			}
			if got != c.want {
				t.Fatalf("decide %d: %s, want %s", c.member, got, c.want)
			}
		}
		m.check(t, 2, map[string]int{"booked": 1, "waiting": 1, "rejected": 1})
		// A rejected member may ask again.
		if e, made, err := m.book(2, 3); err != nil || !made || e.Status != "pending" {
			t.Fatalf("again: %+v %v %v", e, made, err)
		}
		m.check(t, 2, map[string]int{"booked": 1, "waiting": 1, "pending": 1})
	})
}

func TestMarksCountAMemberOnce(t *testing.T) {
	eachModule(t, func(t *testing.T, m *module) {
		m.slot(t, 1, 0, false, false, 5000)
		m.mustBook(t, 1, 7)
		for _, room := range []int64{10, 11, 10} {
			err := m.g.Do(ctx, func(tx *db.Tx) error {
				s, err := signup.Lock[slot](ctx, tx, book, 1)
				if err != nil {
					return err
				}
				if mk, err := book.Marked(ctx, tx, room, 7); err != nil || mk != nil {
					return err
				}
				return book.Mark(ctx, tx, &s.Seats, signup.Mark{Point: room, MemberID: 7, At: m.now, Via: "code"})
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		var attended int
		if err := m.d.QueryRow(ctx, "SELECT attended FROM t_slots WHERE id = 1").Scan(&attended); err != nil || attended != 1 {
			t.Fatalf("attended %d %v", attended, err)
		}
		e, err := book.Read(ctx, m.d, 1, 7, true)
		if err != nil || e.Attended != 2 {
			t.Fatalf("marks %+v %v", e, err)
		}
	})
}

// TestConcurrentBookingsNeverOversell runs two stores, each on a database
// handle of its own as two server processes would, against one database:
// every member books twice, some cancel, and the seats still hold.
func TestConcurrentBookingsNeverOversell(t *testing.T) {
	for _, engine := range testkit.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			dsn := testkit.NewDSN(t, engine)
			var mods []*module
			for i := range 2 {
				d, err := db.Open(ctx, dsn, db.Options{})
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { d.Close() })
				if i == 0 {
					if err := d.Migrate(ctx); err != nil {
						t.Fatal(err)
					}
					mods = append(mods, newModule(t, d))
					mods[0].slot(t, 1, 20, false, true, 5000)
				} else {
					mods = append(mods, &module{d: d, g: d.NewGroup(64), now: 1000})
				}
			}
			const n = 80
			var clicks, cancels []func() error
			for id := int64(1); id <= n; id++ {
				for k := range 2 { // every member books twice, once through each process
					clicks = append(clicks, func() error { _, _, err := mods[(int(id)+k)%2].book(1, id); return err })
				}
				if id%8 == 1 {
					cancels = append(cancels, func() error { _, err := mods[int(id)%2].cancel(1, id, true); return err })
				}
			}
			signuptest.Together(t, clicks)
			signuptest.Together(t, cancels)
			cancelled := (n + 7) / 8
			mods[0].check(t, 1, map[string]int{"booked": 20, "waiting": n - 20 - cancelled, "cancelled": cancelled})
			rows, err := mods[0].d.Query(ctx, "SELECT seq FROM t_bookings WHERE slot_id = 1 AND status = ? ORDER BY seq", "booked")
			pos, err := signup.All(rows, err, "seqs", func(r signup.Scanner) (seq int64, err error) {
				err = r.Scan(&seq)
				return seq, err
			})
			if err != nil {
				t.Fatal(err)
			}
			// Places go in the order of booking: those promoted were the
			// first waiting, so every place is held by one of the first
			// 20 + cancelled bookings.
			if len(pos) != 20 || pos[19] > int64(20+cancelled) {
				t.Fatalf("booked seqs %v", pos)
			}
		})
	}
}
