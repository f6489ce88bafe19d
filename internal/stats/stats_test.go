package stats

import (
	"context"
	"sync"
	"testing"

	"gonghui/internal/db"
	"gonghui/internal/testkit"
)

// Changes logged by many writers and folded by two folders at once add up
// exactly at every level of the tree, once each.
func TestLogAndFoldAddUpOnce(t *testing.T) {
	testkit.ForEachDBContext(t, func(t *testing.T, ctx context.Context, d *db.DB) {
		a, b := NewStore(d), NewStore(d)
		var wg sync.WaitGroup
		for i := range 40 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				path := "/1/2/3/"
				if i%2 == 1 {
					path = "/1/2/4/"
				}
				err := d.Tx(ctx, func(tx *db.Tx) error {
					return Log(ctx, tx, Change{path, "status.active", "", 1}, Change{path, "joined", "2026-11", 1},
						Change{path, "tag.x", "", 1}, Change{path, "tag.x", "", -1}) // cancels out: not logged
				})
				if err != nil {
					t.Error(err)
				}
			}()
		}
		for range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 10 {
					if _, err := a.Fold(ctx); err != nil {
						t.Error(err)
					}
					if _, err := b.Fold(ctx); err != nil {
						t.Error(err)
					}
				}
			}()
		}
		wg.Wait()
		if err := a.FoldAll(ctx); err != nil {
			t.Fatal(err)
		}
		want := map[int64]int64{1: 40, 2: 40, 3: 20, 4: 20}
		for org, n := range want {
			f, err := a.Read(ctx, org)
			if err != nil {
				t.Fatal(err)
			}
			if f.Levels["status.active"] != n || f.Flow("joined", "2026-01", "2026-12") != n || f.Flow("joined", "2027-01", "") != 0 {
				t.Fatalf("org %d: %+v, want %d", org, f, n)
			}
			if _, ok := f.Levels["tag.x"]; ok {
				t.Fatalf("org %d holds a figure that cancelled out: %+v", org, f.Levels)
			}
		}
		// Read with months: levels whole, flows of those months only.
		m, err := a.ReadMany(ctx, []int64{1, 3, 99}, "2027-01", "")
		if err != nil || len(m) != 3 || m[1].Levels["status.active"] != 40 || m[1].Flow("joined", "", "") != 0 || len(m[99].Levels) != 0 {
			t.Fatalf("read from 2027: %+v %v", m, err)
		}
		if m, _ = a.ReadMany(ctx, []int64{3}, "2026-11", "2026-11"); m[3].Flow("joined", "", "") != 20 {
			t.Fatalf("read November: %+v", m[3])
		}
		if n, _, err := a.Pending(ctx); err != nil || n != 0 {
			t.Fatalf("pending %d: %v", n, err)
		}
		// A subtree moves from 2 to 5: 3's figures leave 2 and join 5.
		err = d.Tx(ctx, func(tx *db.Tx) error { return MoveSubtree(ctx, tx, 3, "/1/2/", "/1/5/") })
		if err != nil {
			t.Fatal(err)
		}
		if err := a.FoldAll(ctx); err != nil {
			t.Fatal(err)
		}
		for org, n := range map[int64]int64{1: 40, 2: 20, 3: 20, 5: 20} {
			f, _ := a.Read(ctx, org)
			if f.Levels["status.active"] != n {
				t.Fatalf("after the move, org %d: %d, want %d", org, f.Levels["status.active"], n)
			}
		}
		// A recount from a source replaces its own figures; Check compares.
		src := Source{Prefix: "status.", Count: func(_ context.Context, _ Queryer, emit func(Change)) error {
			emit(Change{"/1/2/4/", "status.active", "", 7})
			return nil
		}}
		bad, err := a.Check(ctx, src)
		if err != nil || len(bad) == 0 {
			t.Fatalf("check against a different recount: %v %v", bad, err)
		}
		if err := a.Rebuild(ctx, src); err != nil {
			t.Fatal(err)
		}
		if bad, err := a.Check(ctx, src); err != nil || len(bad) != 0 {
			t.Fatalf("after the rebuild: %v %v", bad, err)
		}
		if f, _ := a.Read(ctx, 1); f.Levels["status.active"] != 7 || f.Flow("joined", "", "") != 40 {
			t.Fatalf("root after the rebuild (joinings are another source's, left alone): %+v", f)
		}
		// A source never counted here is counted once; then it is kept.
		flows := func(n int64) Source {
			return Source{Prefix: "joined", Count: func(_ context.Context, _ Queryer, emit func(Change)) error {
				emit(Change{"/1/5/", "joined", "2026-10", n})
				return nil
			}}
		}
		if err := a.EnsureBuilt(ctx, src, flows(3)); err != nil {
			t.Fatal(err)
		}
		if err := b.EnsureBuilt(ctx, src, flows(99)); err != nil {
			t.Fatal(err)
		}
		if f, _ := a.Read(ctx, 1); f.Levels["status.active"] != 7 || f.Flow("joined", "", "") != 3 {
			t.Fatalf("root after EnsureBuilt: %+v", f)
		}
		// A source must keep to its prefix.
		stray := Source{Prefix: "x.", Count: func(_ context.Context, _ Queryer, emit func(Change)) error {
			emit(Change{"/1/", "y", "", 1})
			return nil
		}}
		if err := a.Rebuild(ctx, stray); err == nil {
			t.Fatal("a source counting outside its prefix was accepted")
		}
	})
}

// ReadTotals answers every level and the flows named, summed over the
// period, as ReadMany's figures would sum them; other flows are left out.
func TestReadTotalsSumsTheNamedFlows(t *testing.T) {
	testkit.ForEachDBContext(t, func(t *testing.T, ctx context.Context, d *db.DB) {
		s := NewStore(d)
		err := d.Tx(ctx, func(tx *db.Tx) error {
			return Log(ctx, tx, Change{"/1/2/", "status.active", "", 7}, Change{"/1/2/", "joined", "2025-12", 1},
				Change{"/1/2/", "joined", "2026-01", 2}, Change{"/1/2/", "joined", "2026-03", 3}, Change{"/1/2/", "left", "2026-02", 5},
				Change{"/1/3/", "joined", "2026-02", 4}, Change{"/1/3/", "tag.x", "", 1})
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.FoldAll(ctx); err != nil {
			t.Fatal(err)
		}
		ids := []int64{2, 3, 99}
		for _, p := range [][2]string{{"2026-01", "2026-12"}, {"", ""}, {"", "2026-01"}, {"2026-02", ""}, {"2027-01", ""}} {
			many, err := s.ReadMany(ctx, ids, p[0], p[1])
			if err != nil {
				t.Fatal(err)
			}
			tot, err := s.ReadTotals(ctx, ids, nil, []string{"joined"}, p[0], p[1])
			if err != nil {
				t.Fatal(err)
			}
			for _, id := range ids {
				m, f := many[id], tot[id]
				if f == nil || f.Flow("joined", p[0], p[1]) != m.Flow("joined", p[0], p[1]) || len(f.Levels) != len(m.Levels) ||
					f.Levels["status.active"] != m.Levels["status.active"] || f.Flows["left"] != nil {
					t.Fatalf("period %v, org %d: totals %+v, figures %+v", p, id, f, m)
				}
			}
		}
		if tot, err := s.ReadTotals(ctx, []int64{1}, nil, nil, "", ""); err != nil || tot[1].Levels["tag.x"] != 1 || len(tot[1].Flows) != 0 {
			t.Fatalf("levels only: %+v %v", tot[1], err)
		}
		if tot, err := s.ReadTotals(ctx, []int64{1}, []string{"tag.x", "tag.y"}, nil, "", ""); err != nil || len(tot[1].Levels) != 1 || tot[1].Levels["tag.x"] != 1 {
			t.Fatalf("the levels named: %+v %v", tot[1], err)
		}
	})
}
