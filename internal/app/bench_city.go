package app

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"sort"
	"text/tabwriter"
	"time"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/beijing"
	"gonghui/internal/member"
	"gonghui/internal/member/roster"
	"gonghui/internal/org"
	"gonghui/internal/report"
)

// cmdBenchCity measures, on a city made by `gonghui generate`, what staff
// wait for: the dashboard at the root and at a busy street, comparing the
// districts, member searches and filtered pages, an import of 100,000 rows
// and sign-ups on one popular activity. It prints a table.
func cmdBenchCity(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg Config
	fs := flag.NewFlagSet("bench city", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.Bind(fs, "db", "log-level", "log-format", "key-file", "key-profile", "sqlite-cache-mb")
	runs := fs.Int("runs", 20, "how many times each read is measured (the median is reported)")
	importRows := fs.Int("import", 100_000, "rows to import (0: skip; the rows are added to the city)")
	signups := fs.Int("signups", 10_000, "sign-ups to make on one activity (0: skip; they are added to the city)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the import to this file (go tool pprof)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *runs < 1 || *importRows < 0 || *signups < 0 {
		return errors.New("--runs at least 1; --import and --signups 0 or more")
	}
	if !flagSet(fs, "log-level") && os.Getenv("GONGHUI_LOG_LEVEL") == "" {
		cfg.LogLevel = "warn"
	}
	setupLogging(cfg, stderr)
	cfg.Addr = "127.0.0.1:0"
	m, err := Open(ctx, cfg)
	if err != nil {
		return err
	}
	defer m.Close()
	rootID, err := m.Orgs.RootID(ctx)
	if err != nil {
		return fmt.Errorf("no city here: run gonghui generate first: %w", err)
	}
	var total, orgs int
	if err := m.DB.QueryRow(ctx, "SELECT (SELECT COUNT(*) FROM members), (SELECT COUNT(*) FROM orgs)").Scan(&total, &orgs); err != nil {
		return err
	}
	if err := m.Stats.FoldAll(ctx); err != nil {
		return err
	}
	var root org.Org
	if err := m.DB.QueryRow(ctx, "SELECT id, path FROM orgs WHERE id = ?", rootID).Scan(&root.ID, &root.Path); err != nil {
		return err
	}
	city := &auth.Principal{Username: "bench", Kind: auth.KindStaff, Grants: []auth.Grant{{Role: auth.RoleOfficer, OrgID: root.ID, OrgPath: root.Path}}}
	// The street with the most members, and a grassroots union in it.
	var street, union org.Org
	if err := m.DB.QueryRow(ctx, `SELECT o.id, o.path FROM orgs o JOIN stat_rollups r ON r.org_id = o.id AND r.metric = ? AND r.month = ''
		WHERE o.depth = 2 ORDER BY r.value DESC, o.id LIMIT 1`, member.StatStatus(member.StatusActive)).Scan(&street.ID, &street.Path); err != nil {
		return fmt.Errorf("pick a street: %w", err)
	}
	// A union to import into: in that street, or (a small city) anywhere.
	for _, scope := range []string{street.Path, root.Path} {
		err := m.DB.QueryRow(ctx, "SELECT id, path FROM orgs WHERE path >= ? AND path < ? AND kind IN ('grassroots_union', 'joint_union') ORDER BY id LIMIT 1",
			scope, audit.PathEnd(scope)).Scan(&union.ID, &union.Path)
		if err == nil {
			break
		}
		if !errors.Is(err, sql.ErrNoRows) || scope == root.Path {
			return fmt.Errorf("pick a union: %w", err)
		}
	}
	rep := &report.Reporter{Orgs: m.Orgs, Members: m.Members, Stats: m.Stats}
	year := time.Now().In(beijing.Zone).Format("2006")
	thisYear := report.Period{From: year + "-01-01", To: year + "-12-31"}

	type row struct {
		what   string
		median time.Duration
		p90    time.Duration
		note   string
	}
	var rows []row
	measure := func(what string, fn func() (string, error)) error {
		var ds []time.Duration
		note := ""
		for i := range *runs + 1 {
			start := time.Now()
			n, err := fn()
			if err != nil {
				return fmt.Errorf("%s: %w", what, err)
			}
			if i > 0 { // the first run warms the caches
				ds = append(ds, time.Since(start))
			}
			note = n
		}
		sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
		rows = append(rows, row{what, ds[len(ds)/2], ds[len(ds)*9/10], note})
		return nil
	}
	steps := []struct {
		what string
		fn   func() (string, error)
	}{
		{"dashboard, city root (this year)", func() (string, error) {
			d, err := rep.Dashboard(ctx, city, root.ID, thisYear)
			if err != nil {
				return "", err
			}
			return fmt.Sprintf("%d active members", d.Members.Active), nil
		}},
		{"dashboard, busiest street", func() (string, error) {
			d, err := rep.Dashboard(ctx, city, street.ID, thisYear)
			if err != nil {
				return "", err
			}
			return fmt.Sprintf("%d active members", d.Members.Active), nil
		}},
		{"districts side by side", func() (string, error) {
			kids, err := rep.Children(ctx, city, root.ID, thisYear, "active")
			return fmt.Sprintf("%d districts", len(kids)), err
		}},
		{"member search 王伟, city, first page", func() (string, error) {
			items, _, err := m.Members.List(ctx, city, member.Query{Q: "王伟"})
			return fmt.Sprintf("%d on the page", len(items)), err
		}},
		{"劳模 and active, city, first page", func() (string, error) {
			items, _, err := m.Members.List(ctx, city, member.Query{Status: member.StatusActive, Tags: []string{"model_worker"}})
			return fmt.Sprintf("%d on the page", len(items)), err
		}},
		{"one street, joined this year", func() (string, error) {
			items, _, err := m.Members.List(ctx, city, member.Query{Org: street.ID, JoinedFrom: thisYear.From, JoinedTo: thisYear.To})
			return fmt.Sprintf("%d on the page", len(items)), err
		}},
	}
	for _, s := range steps {
		if err := measure(s.what, s.fn); err != nil {
			return err
		}
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "gonghui bench city: %s, %d CPU cores, %d members, %d organisations\n\n", m.DB.Engine(), runtime.NumCPU(), total, orgs)
	fmt.Fprintf(tw, "what\tmedian\tp90\t\n")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%.2f ms\t%.2f ms\t%s\n", r.what, float64(r.median.Microseconds())/1000, float64(r.p90.Microseconds())/1000, r.note)
	}
	tw.Flush()

	if *importRows > 0 {
		data, err := roster.SampleRoster(ctx, m.Members, *importRows, time.Now().UnixNano())
		if err != nil {
			return err
		}
		if *cpuProfile != "" {
			f, err := os.Create(*cpuProfile)
			if err != nil {
				return err
			}
			defer f.Close()
			if err := pprof.StartCPUProfile(f); err != nil {
				return err
			}
		}
		start := time.Now()
		rep, err := roster.Import(ctx, m.Members, city, bytes.NewReader(data), int64(len(data)), roster.ImportOptions{OrgID: union.ID, Mode: roster.ImportValidRows, Name: "bench.csv"})
		if err != nil {
			return err
		}
		el := time.Since(start)
		if *cpuProfile != "" {
			pprof.StopCPUProfile()
		}
		fmt.Fprintf(stdout, "import of %d rows (valid-rows mode): %s, %.0f rows/s (%d imported, %d invalid)\n",
			*importRows, el.Round(time.Millisecond), float64(*importRows)/el.Seconds(), rep.Imported, rep.Invalid)
	}
	if *signups > 0 {
		if err := benchSignupsHTTP(ctx, m, root.ID, *signups, stdout); err != nil {
			return err
		}
	}
	return nil
}

// benchSignupsHTTP serves the program on a loopback port and signs up n
// members for one activity through the API, 64 clients at a time.
func benchSignupsHTTP(ctx context.Context, m *Main, rootID int64, n int, stdout io.Writer) error {
	ids, _, err := benchMembers(ctx, m, n, io.Discard)
	if err != nil {
		return err
	}
	var path string
	if err := m.DB.QueryRow(ctx, "SELECT path FROM orgs WHERE id = ?", rootID).Scan(&path); err != nil {
		return err
	}
	officer, password, username, err := benchOfficer(ctx, m, &org.Org{ID: rootID, Path: path})
	if err != nil {
		return err
	}
	srv, base, token, err := benchServe(ctx, m, username, password)
	if err != nil {
		return err
	}
	defer srv.Close()
	rate, batches, ops, err := benchHTTPSignups(ctx, m, officer, rootID, base, token, ids, 64)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "sign-ups through the API, one activity: %.0f/s (%d in %d shared commits)\n", rate, ops, batches)
	return nil
}
