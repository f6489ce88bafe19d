package activity

import (
	"context"
	"testing"
	"time"

	"gonghui/internal/audit"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/member"
	"gonghui/internal/org"
	"gonghui/internal/scope"
	"gonghui/internal/stats"
	"gonghui/internal/testkit"
)

// Every way an activity's figures change (publishing, sign-ups, the waiting
// list, cancellations, walk-ins, check-ins at several checkpoints, a new
// start date, calling it off, a move of its organiser) keeps the folded
// figures equal to a recount from the registrations and check-ins, and to
// the live count of every organisation.
func TestFiguresFollowEveryChange(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		st := stats.NewStore(d)
		check := func(when string) {
			t.Helper()
			bad, err := st.Check(ctx, StatSource())
			if err != nil {
				t.Fatal(err)
			}
			if len(bad) > 0 {
				t.Fatalf("%s: %d figures differ from a recount, e.g. %+v", when, len(bad), bad[0])
			}
			for _, o := range []*org.Org{w.root, w.xicheng, w.dashilan, w.xichang, w.unionA, w.unionB} {
				p, err := w.o.PathOf(ctx, o.ID)
				if err != nil {
					t.Fatal(err)
				}
				live, err := w.s.Count(ctx, p, time.Time{}, time.Time{})
				if err != nil {
					t.Fatal(err)
				}
				f, err := st.Read(ctx, o.ID)
				if err != nil {
					t.Fatal(err)
				}
				if got := FiguresFrom(f, "", ""); *got != *live {
					t.Fatalf("%s: %s: rollups %+v, live %+v", when, o.Name, got, live)
				}
			}
		}
		in := w.input(w.dashilan)
		in.Capacity, in.Waitlist, in.WalkIns = 2, true, true
		in.Checkpoints = []CheckpointInput{{Name: "明理"}, {Name: "力行"}}
		draft, err := w.s.Create(ctx, w.dashilanOfficer, in)
		if err != nil {
			t.Fatal(err)
		}
		check("a draft counts for nothing")
		a, err := w.s.Publish(ctx, w.dashilanOfficer, draft.ID)
		if err != nil {
			t.Fatal(err)
		}
		x, y, z, walker := w.add(t, w.unionA), w.add(t, w.unionA), w.add(t, w.unionA), w.add(t, w.unionA)
		for _, m := range []*member.Member{x, y, z} {
			if _, _, err := w.s.Register(ctx, self(m), a.ID, m.ID); err != nil {
				t.Fatal(err)
			}
		}
		check("two places taken, one waiting")
		if _, err := w.s.CancelRegistration(ctx, w.dashilanOfficer, a.ID, x.ID); err != nil {
			t.Fatal(err)
		}
		check("a cancellation promotes the waiting")

		w.clock.Add(45 * time.Minute) // check-in opens half an hour before the start
		for _, c := range []struct {
			m  int64
			cp int
		}{{y.ID, 0}, {y.ID, 1}, {z.ID, 1}, {walker.ID, 0}, {walker.ID, 1}} {
			if _, _, err := w.s.CheckIn(ctx, w.dashilanOfficer, a.ID, CheckInInput{MemberID: c.m, CheckpointID: a.Checkpoints[c.cp].ID}); err != nil {
				t.Fatal(err)
			}
		}
		check("check-ins at two checkpoints and a walk-in")

		// A second activity moves to another month, then is called off.
		in2 := w.input(w.unionB)
		b := w.published(t, w.xichangOfficer, in2)
		if _, _, err := w.s.Register(ctx, w.xichangOfficer, b.ID, w.add(t, w.unionB).ID); err != nil {
			t.Fatal(err)
		}
		later := w.clock.Now().AddDate(0, 2, 0)
		in2.StartsAt, in2.EndsAt = later.Format(time.RFC3339), later.Add(time.Hour).Format(time.RFC3339)
		if b, err = w.s.Update(ctx, w.xichangOfficer, b.ID, b.Version, in2); err != nil {
			t.Fatal(err)
		}
		check("a new start date")
		f, _ := st.Read(ctx, w.root.ID)
		if got := FiguresFrom(f, later.Format("2006-01"), later.Format("2006-01")); got.Held != 1 || got.Registrations != 1 {
			t.Fatalf("the later month: %+v", got)
		}
		if _, err := w.s.Cancel(ctx, w.xichangOfficer, b.ID, "天气"); err != nil {
			t.Fatal(err)
		}
		check("called off")

		w.clock.Add(time.Hour)
		if _, err := w.s.Finish(ctx, w.dashilanOfficer, a.ID); err != nil {
			t.Fatal(err)
		}
		// The organiser's street moves to another district: its figures go too.
		if _, err := w.o.Move(ctx, w.city, w.dashilan.ID, w.root.ID); err != nil {
			t.Fatal(err)
		}
		check("finished, its organiser moved")
		f, _ = st.Read(ctx, w.root.ID)
		if got := FiguresFrom(f, "", ""); got.Held != 1 || got.Cancelled != 1 || got.Registrations != 3 || got.Attended != 3 {
			t.Fatalf("root: %+v", got)
		}
		if f, _ = st.Read(ctx, w.xicheng.ID); FiguresFrom(f, "", "").Held != 0 {
			t.Fatalf("xicheng kept a moved activity: %+v", FiguresFrom(f, "", ""))
		}
	})
}

// Count counts, straight from the rows, the activities of the subtree at path that start in
// [from, to) (zero bounds are open). Cancelled registrations are not
// counted, and attendance is people, not scans.
func (s *Store) Count(ctx context.Context, path string, from, to time.Time) (*Figures, error) {
	where := "a.org_path >= ? AND a.org_path < ?"
	args := []any{path, audit.PathEnd(path)}
	if !from.IsZero() {
		where, args = where+" AND a.starts_at >= ?", append(args, scope.Millis(from))
	}
	if !to.IsZero() {
		where, args = where+" AND a.starts_at < ?", append(args, scope.Millis(to))
	}
	f := &Figures{}
	q := `SELECT
		COALESCE(SUM(CASE WHEN a.status IN ('published', 'finished') THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN a.status = 'cancelled' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN a.status IN ('published', 'finished') THEN a.confirmed ELSE 0 END), 0)
		FROM activities a WHERE ` + where
	if err := s.DB.QueryRow(ctx, q, args...).Scan(&f.Held, &f.Cancelled, &f.Registrations); err != nil {
		return nil, errs.Internal(err, "activity: count")
	}
	var walkIns, attended int
	err := s.DB.QueryRow(ctx, `SELECT
		(SELECT COUNT(*) FROM registrations r JOIN activities a ON a.id = r.activity_id WHERE `+where+` AND a.status IN ('published', 'finished') AND r.status = 'walk_in'),
		(SELECT COUNT(*) FROM (SELECT DISTINCT c.activity_id, c.member_id FROM checkins c JOIN activities a ON a.id = c.activity_id
			WHERE `+where+` AND a.status IN ('published', 'finished')) x)`, append(append([]any{}, args...), args...)...).Scan(&walkIns, &attended)
	if err != nil {
		return nil, errs.Internal(err, "activity: count attendance")
	}
	f.Registrations += walkIns
	f.Attended = attended
	return f, nil
}
