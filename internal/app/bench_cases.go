package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/url"
	"runtime"
	"time"

	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/org"
	"gonghui/internal/rights"
	"gonghui/internal/scope"
)

// cmdBenchCases measures the staff's list of rights cases for a district
// holding --cases cases (and a quarter as many in the rest of the city):
// each shape of the list (status, overdue, both, none) through the JSON
// API, a page of 50 with its bounded total, timed --runs times one after
// another; p50 and p95 per shape with the machine's core count.
func cmdBenchCases(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg Config
	fs := flag.NewFlagSet("bench cases", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.Bind(fs, "db", "log-level", "log-format", "key-file", "key-profile")
	n := fs.Int("cases", 100_000, "cases in the district (generated when it holds fewer)")
	runs := fs.Int("runs", 100, "requests each shape is timed over (p50 and p95)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *n < 100 || *n > 5_000_000 || *runs < 1 {
		return errors.New("--cases: 100 … 5,000,000; --runs at least 1")
	}
	m, done, err := benchOpen(ctx, &cfg, fs, stderr)
	if err != nil {
		return err
	}
	defer done()
	if _, err := m.Orgs.RootID(ctx); errs.Is(err, errs.KindNotFound) {
		if err := org.Generate(ctx, m.Orgs, 400, 1, nil); err != nil {
			return err
		}
	}
	var dist org.Org
	if err := m.DB.QueryRow(ctx, "SELECT id, path FROM orgs WHERE depth = 1 ORDER BY id LIMIT 1").Scan(&dist.ID, &dist.Path); err != nil {
		return fmt.Errorf("bench cases: no district: %w", err)
	}
	fmt.Fprintf(stdout, "gonghui bench cases: %s, %d CPU cores, %d cases in a district, %d runs per shape\n", m.DB.Engine(), runtime.NumCPU(), *n, *runs)
	have := 0
	inside, args2 := scope.SQL("org_path", []string{dist.Path})
	if err := m.DB.QueryRow(ctx, "SELECT COUNT(*) FROM cases WHERE "+inside, args2...).Scan(&have); err != nil {
		return err
	}
	if have < *n {
		start := time.Now()
		fmt.Fprintf(stdout, "generating %d cases…\n", (*n-have)*5/4)
		if err := benchCases(ctx, m.DB, dist.Path, *n-have); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "generated in %s\n", time.Since(start).Round(time.Second))
	}
	// The statistics and, on PostgreSQL, the visibility map autovacuum
	// would have set by the time a district has 100,000 cases: without
	// them PostgreSQL reads the table to check what the index holds.
	if err := m.DB.AnalyzeFull(ctx); err != nil {
		return err
	}
	site, err := benchSiteAt(ctx, m, &dist)
	if err != nil {
		return err
	}
	defer site.srv.Close()
	g := benchGetter{base: site.base, token: site.token}
	for _, shape := range []struct{ name, query string }{
		{"handling and overdue", "status=handling&overdue=true"},
		{"new (waiting)", "status=new"},
		{"overdue, any open status", "overdue=true"},
		{"closed", "status=closed"},
		{"all, newest first", ""},
		{"handling and overdue, by deadline", "status=handling&overdue=true&sort=due"},
		{"handling, page 3", "status=handling&page=3"},
	} {
		q := url.Values{}
		if shape.query != "" {
			if q, err = url.ParseQuery(shape.query); err != nil {
				return err
			}
		}
		q.Set("limit", "50")
		bt, err := benchTime(*runs, g.get("/api/v1/cases?"+q.Encode()))
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "  %-36s p50 %s  p95 %s  max %s  (%d bytes)\n", shape.name, ms(bt.p50), ms(bt.p95), ms(bt.max), bt.bytes)
	}
	return nil
}

// benchCases inserts n cases spread over the unions of the subtree at
// path (a quarter of them more over the rest of the city), received over
// the last three years, in every status, a tenth of the open ones past
// their deadline. They carry no workers and leave no figures: the list
// reads neither.
func benchCases(ctx context.Context, d *db.DB, path string, n int) error {
	type unit struct {
		id   int64
		path string
	}
	read := func(q string, args ...any) ([]unit, error) {
		rows, err := d.Query(ctx, q, args...)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var out []unit
		for rows.Next() {
			var u unit
			if err := rows.Scan(&u.id, &u.path); err != nil {
				return nil, err
			}
			out = append(out, u)
		}
		return out, rows.Err()
	}
	in, args := scope.SQL("path", []string{path})
	mine, err := read("SELECT id, path FROM orgs WHERE "+in, args...)
	if err != nil {
		return err
	}
	others, err := read("SELECT id, path FROM orgs WHERE NOT "+in, args...)
	if err != nil || len(others) == 0 {
		others = mine
	}
	r := rand.New(rand.NewPCG(uint64(n), 7))
	now := time.Now()
	const batch = 500
	total := n + n/4
	for done := 0; done < total; {
		k := min(batch, total-done)
		flat := make([]any, 0, k*14)
		for i := range k {
			u := mine[r.IntN(len(mine))]
			if done+i >= n {
				u = others[r.IntN(len(others))]
			}
			received := now.Add(-time.Duration(r.Int64N(int64(3 * 365 * 24 * time.Hour))))
			st := rights.Statuses[r.IntN(len(rights.Statuses))]
			kind := rights.Kinds[r.IntN(len(rights.Kinds))]
			// Open cases are recent; a tenth of them past their deadline.
			due := received.Add(15 * 24 * time.Hour)
			if st != rights.StatusClosed {
				received = now.Add(-time.Duration(r.Int64N(int64(20 * 24 * time.Hour))))
				due = now.Add(time.Duration(r.Int64N(int64(15*24*time.Hour))) + time.Hour)
				if r.IntN(10) == 0 {
					due = now.Add(-time.Duration(r.Int64N(int64(10 * 24 * time.Hour))))
				}
			}
			outcome := ""
			if st == rights.StatusClosed {
				outcome = string(rights.OutcomesOf(kind)[0])
			}
			ms := scope.Millis(received)
			flat = append(flat, db.NewID(), u.id, u.path, kind, rights.ChannelHotline, fmt.Sprintf("基准案件 %d", done+i), "基准测试生成的案件。", 1,
				st, outcome, ms, scope.Millis(due), scope.Millis(due.Add(-48*time.Hour)), ms)
		}
		err := d.Tx(ctx, func(tx *db.Tx) error {
			return tx.InsertRows(ctx, "cases (id, org_id, org_path, kind, channel, title, facts, workers, status, outcome, received_at, due_at, remind_at, updated_at)", 14, flat)
		})
		if err != nil {
			return fmt.Errorf("bench cases: insert: %w", err)
		}
		done += k
	}
	return nil
}
