package station

import (
	"os"
	"slices"
	"sort"
	"testing"
	"time"

	"gonghui/internal/db"
	"gonghui/internal/testkit"
)

// TestBusiestCost measures the busiest stations and the list sorted by
// visits in 30 days over a city of 20,000 stations and about 1.8 million
// visits in 30 days (one to five devices a station a day), read from the
// daily counts, against the old query that grouped every visit; the two
// must agree. It is a measurement, run on request only:
//
//	GONGHUI_STATION_BUSY_COST=1 go test ./internal/station -run TestBusiestCost -v
//
// (with GONGHUI_TEST_POSTGRES_URL for PostgreSQL too).
func TestBusiestCost(t *testing.T) {
	if os.Getenv("GONGHUI_STATION_BUSY_COST") == "" {
		t.Skip("a measurement: set GONGHUI_STATION_BUSY_COST=1")
	}
	const stations, days = 20000, 30
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		start := time.Now()
		orgs := []int64{w.tr.Dashilan.ID, w.tr.Xichang.ID, w.tr.UnionA.ID, w.tr.UnionB.ID}
		if _, err := w.s.Generate(ctx, w.tr.City, orgs, stations, 7); err != nil {
			t.Fatal(err)
		}
		today := w.clock.Now()
		// Anonymous visits straight into the table (the visit path is
		// tested elsewhere): 1 + lat_e6 mod 5 devices a station a day.
		for k := range days {
			day := today.AddDate(0, 0, -k).Format("2006-01-02")
			if _, err := d.Exec(ctx, `INSERT INTO station_visits (id, station_id, org_path, day, member_id, device, at)
				WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5)
				SELECT CAST(? AS BIGINT) + ROW_NUMBER() OVER (ORDER BY s.id, n.i), s.id, s.org_path, ?, NULL, 'device' || n.i || 'xxxxxxxxxxxxxxxx', 0
				FROM stations s JOIN n ON n.i <= 1 + s.lat_e6 % 5`, int64(k+1)*100_000_000, day); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := d.Exec(ctx, `INSERT INTO station_visit_days (station_id, day, org_path, visits, anonymous, claims)
			SELECT station_id, day, MIN(org_path), 0, COUNT(*), 0 FROM station_visits GROUP BY station_id, day`); err != nil {
			t.Fatal(err)
		}
		if err := d.AnalyzeFull(ctx); err != nil {
			t.Fatal(err)
		}
		visits := count(t, d, "station_visits")
		t.Logf("%s: %d stations, %d visits, %d station-days, made in %v", d.Engine(), stations, visits, count(t, d, "station_visit_days"), time.Since(start).Round(time.Second))

		from := today.AddDate(0, 0, -(days - 1)).Format("2006-01-02")
		to := today.Format("2006-01-02")
		median := func(f func()) time.Duration {
			var ts []time.Duration
			for range 7 {
				s := time.Now()
				f()
				ts = append(ts, time.Since(s))
			}
			slices.Sort(ts)
			return ts[len(ts)/2]
		}
		var busy []Busy
		newT := median(func() {
			var err error
			if busy, err = w.s.Busiest(ctx, w.tr.City, BusyQuery{From: from, To: to, Limit: 20}); err != nil {
				t.Fatal(err)
			}
		})
		// The old query: every visit of the subtree and period grouped.
		var old []int64
		oldT := median(func() {
			rows, err := d.Query(ctx, `SELECT v.station_id FROM station_visits v WHERE v.org_path LIKE ? AND v.day >= ? AND v.day <= ?
				GROUP BY v.station_id ORDER BY COUNT(*) DESC, v.station_id LIMIT 20`, w.tr.Root.Path+"%", from, to)
			if err != nil {
				t.Fatal(err)
			}
			old = old[:0]
			for rows.Next() {
				var id int64
				rows.Scan(&id)
				old = append(old, id)
			}
			rows.Close()
		})
		ids := make([]int64, len(busy))
		for i, b := range busy {
			ids[i] = b.ID
		}
		if !slices.Equal(ids, old) || len(ids) != 20 || busy[0].Anonymous != days*5 {
			t.Fatalf("the daily counts disagree with the visits: %v vs %v (%+v)", ids, old, busy[0])
		}
		var page []Station
		listT := median(func() {
			var err error
			if page, _, err = w.s.List(ctx, w.tr.City, Query{Sort: "-visits", Limit: 50}); err != nil {
				t.Fatal(err)
			}
		})
		if len(page) != 50 || !sort.SliceIsSorted(page, func(i, j int) bool { return page[i].Visits30 > page[j].Visits30 }) || page[0].Visits30 != days*5 {
			t.Fatalf("list by visits: %d rows, first %d", len(page), page[0].Visits30)
		}
		t.Logf("%s: busiest 20 of the city over %d days: daily counts %v, grouping the visits %v; list sorted by visits (50 rows) %v (median of 7)",
			d.Engine(), days, newT.Round(time.Microsecond), oldT.Round(time.Microsecond), listT.Round(time.Microsecond))
	})
}
