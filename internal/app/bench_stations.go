package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"slices"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/org"
	"gonghui/internal/station"
)

// cmdBenchStations times the nearest-first search over a generated city
// of stations: the 20 nearest from random points, plain and with the
// filters the public page offers (amenities, open now, a type), each
// shape's p50 and p95 over --runs searches, one at a time.
func cmdBenchStations(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg Config
	fs := flag.NewFlagSet("bench stations", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.Bind(fs, "db", "log-level", "log-format", "key-file", "key-profile")
	n := fs.Int("stations", 20000, "stations in the city (generated when the database has fewer)")
	runs := fs.Int("runs", 500, "searches timed for each shape")
	k := fs.Int("nearest", 20, "how many nearest stations each search asks for")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *n < 100 || *n > 1_000_000 || *runs < 10 || *runs > 100_000 || *k < 1 || *k > station.MaxNear {
		return errors.New("--stations: 100 … 1,000,000; --runs: 10 … 100,000; --nearest: 1 … 50")
	}
	m, done, err := benchOpen(ctx, &cfg, fs, stderr)
	if err != nil {
		return err
	}
	defer done()
	fmt.Fprintf(stdout, "gonghui bench stations: %s, %d CPU cores, %d stations, %d nearest, %d runs a shape\n", m.DB.Engine(), runtime.NumCPU(), *n, *k, *runs)
	var have int
	if err := m.DB.QueryRow(ctx, "SELECT COUNT(*) FROM stations WHERE status = 'active'").Scan(&have); err != nil {
		return fmt.Errorf("bench stations: %w", err)
	}
	if have < *n {
		start := time.Now()
		pr, orgs, err := benchStationOrgs(ctx, m)
		if err != nil {
			return err
		}
		if _, err := m.Stations.Generate(ctx, pr, orgs, *n-have, 42); err != nil {
			return fmt.Errorf("bench stations: generate: %w", err)
		}
		fmt.Fprintf(stdout, "generated %d stations in %s\n", *n-have, time.Since(start).Round(time.Millisecond))
	}
	if err := m.DB.Analyze(ctx); err != nil {
		return fmt.Errorf("bench stations: analyze: %w", err)
	}
	shapes := []struct {
		name string
		q    station.NearQuery
	}{
		{"nearest", station.NearQuery{}},
		{"amenity (water + charging)", station.NearQuery{Amenities: []station.Amenity{station.AmWater, station.AmCharging}}},
		{"open now", station.NearQuery{OpenNow: true}},
		{"暖心驿站 + water + open now", station.NearQuery{Type: station.TypeWarm, Amenities: []station.Amenity{station.AmWater}, OpenNow: true}},
	}
	rng := rand.New(rand.NewPCG(7, 7))
	for _, sh := range shapes {
		var took []time.Duration
		found := 0
		for range *runs {
			q := sh.q
			q.Limit = *k
			r := 0.25 * rng.Float64()
			q.At = station.Point{Lat: 39.9087 + r*(rng.Float64()*2-1), Lng: 116.3975 + r*1.3*(rng.Float64()*2-1)}
			t0 := time.Now()
			got, err := m.Stations.Nearest(ctx, q)
			took = append(took, time.Since(t0))
			if err != nil {
				return fmt.Errorf("bench stations: %s: %w", sh.name, err)
			}
			found += len(got)
		}
		slices.Sort(took)
		fmt.Fprintf(stdout, "%-30s p50 %8s  p95 %8s  (%.1f found on average)\n", sh.name, pct(took, 50), pct(took, 95), float64(found)/float64(*runs))
	}
	return nil
}

func pct(d []time.Duration, p int) time.Duration {
	return d[min(len(d)-1, len(d)*p/100)].Round(10 * time.Microsecond)
}

// benchStationOrgs finds or makes a root and a few streets to keep the
// generated stations, and an officer's principal at the root.
func benchStationOrgs(ctx context.Context, m *Main) (*auth.Principal, []int64, error) {
	var rootID int64
	var path string
	err := m.DB.QueryRow(ctx, "SELECT id, path FROM orgs WHERE parent_id IS NULL ORDER BY id LIMIT 1").Scan(&rootID, &path)
	if err != nil {
		root, err := m.Orgs.CreateRoot(ctx, "北京市总工会", org.KindCity, "110000")
		if err != nil {
			return nil, nil, fmt.Errorf("bench stations: root: %w", err)
		}
		rootID, path = root.ID, root.Path
	}
	pr := &auth.Principal{Username: "bench", Kind: auth.KindStaff, Grants: []auth.Grant{{Role: auth.RoleOfficer, OrgID: rootID, OrgPath: path}}}
	orgs := []int64{rootID}
	rows, err := m.DB.Query(ctx, "SELECT id FROM orgs WHERE kind IN (?, ?) ORDER BY id LIMIT 300", org.KindStreet, org.KindTownship)
	if err != nil {
		return nil, nil, fmt.Errorf("bench stations: streets: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, nil, err
		}
		orgs = append(orgs, id)
	}
	return pr, orgs, rows.Err()
}
