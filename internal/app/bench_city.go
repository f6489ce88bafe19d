package app

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"runtime/pprof"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/beijing"
	"gonghui/internal/db"
	"gonghui/internal/member"
	"gonghui/internal/member/roster"
	"gonghui/internal/org"
	"gonghui/internal/report"
)

// cmdBenchCity measures, on a city made by `gonghui generate`, what staff
// wait for, as HTTP answers from a real loopback listener to a city-wide
// officer: the dashboard (API and page) at the root and at a busy street,
// the districts side by side, the period report, member lists and a
// search; then an import of 100,000 rows and sign-ups on one popular
// activity. It prints a table of p50 and p95 per answer.
func cmdBenchCity(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg Config
	fs := flag.NewFlagSet("bench city", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.Bind(fs, "db", "log-level", "log-format", "key-file", "key-profile", "sqlite-cache-mb")
	runs := fs.Int("runs", 40, "how many requests each answer is timed over (p50 and p95 are reported)")
	importRows := fs.Int("import", 100_000, "rows to import (0: skip; the rows are added to the city)")
	signups := fs.Int("signups", 10_000, "sign-ups to make on one activity (0: skip; they are added to the city)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the timed answers (server side included) to this file (go tool pprof)")
	onlyFlag := fs.String("only", "", "time only the answers whose name contains this")
	importProfile := fs.String("import-cpuprofile", "", "write a CPU profile of the import to this file")
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
	year := time.Now().In(beijing.Zone).Format("2006")
	thisYear := report.Period{From: year + "-01-01", To: year + "-12-31"}
	per := "from=" + thisYear.From + "&to=" + thisYear.To

	// What a user waits for: the answers over HTTP, from a real listener,
	// to a city-wide officer (an API token, a page session).
	site, err := benchSiteAt(ctx, m, &root)
	if err != nil {
		return err
	}
	defer site.srv.Close()
	officer, base, token := site.officer, site.base, site.token
	session, err := m.Auth.Login(ctx, auth.LoginInput{Username: site.username, Password: site.password, Kind: auth.SessionWeb})
	if err != nil {
		return err
	}
	rootS, streetS := db.FormatID(root.ID), db.FormatID(street.ID)
	api, page := benchGetter{base: base, token: token}, benchGetter{base: base, cookie: session.Token}
	only := *onlyFlag
	steps := []benchStep{
		{"API dashboard, city root (this year)", api.get("/api/v1/orgs/" + rootS + "/stats?" + per)},
		{"API dashboard, busiest street", api.get("/api/v1/orgs/" + streetS + "/stats?" + per)},
		{"API districts side by side", api.get("/api/v1/orgs/" + rootS + "/stats/children?" + per)},
		{"API streets of a district side by side", api.get("/api/v1/orgs/" + db.FormatID(district(street.Path)) + "/stats/children?" + per)},
		{"page dashboard, city root", page.get("/orgs/" + rootS + "/dashboard?" + per)},
		{"page dashboard, busiest street", page.get("/orgs/" + streetS + "/dashboard?" + per)},
		{"page period report, city root", page.get("/orgs/" + rootS + "/report?" + per)},
		{"API member list, city root", api.get("/api/v1/members?org=" + rootS)},
		{"API member list, street, tag 劳模", api.get("/api/v1/members?org=" + streetS + "&tag=model_worker")},
		{"API member list, city root, latest joined first", api.get("/api/v1/members?sort=-joined&org=" + rootS)},
		{"API member list, street, tag 劳模, by name", api.get("/api/v1/members?sort=name&org=" + streetS + "&tag=model_worker")},
		{"page member list, street, tag 劳模 (with total)", page.get("/members?org=" + streetS + "&tag=model_worker")},
		{"API member search 王伟, city", api.get("/api/v1/members?q=" + url.QueryEscape("王伟"))},
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "gonghui bench city: %s, %d CPU cores (GOMAXPROCS %d), %d members, %d organisations, %d requests each over HTTP\n\n",
		m.DB.Engine(), runtime.NumCPU(), runtime.GOMAXPROCS(0), total, orgs, *runs)
	fmt.Fprintf(tw, "answer\tp50\tp95\tmax\tbytes\t\n")
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
	for _, st := range steps {
		if only != "" && !strings.Contains(st.what, only) {
			continue
		}
		r, err := benchTime(*runs, st.fn)
		if err != nil {
			return fmt.Errorf("%s: %w", st.what, err)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t\n", st.what, ms(r.p50), ms(r.p95), ms(r.max), r.bytes)
	}
	tw.Flush()
	if *cpuProfile != "" {
		pprof.StopCPUProfile()
	}

	if *importRows > 0 {
		data, err := roster.SampleRoster(ctx, m.Members, *importRows, time.Now().UnixNano())
		if err != nil {
			return err
		}
		if *importProfile != "" {
			f, err := os.Create(*importProfile)
			if err != nil {
				return err
			}
			defer f.Close()
			if err := pprof.StartCPUProfile(f); err != nil {
				return err
			}
		}
		start := time.Now()
		rep, err := roster.Import(ctx, m.Members, officer, bytes.NewReader(data), int64(len(data)), roster.ImportOptions{OrgID: union.ID, Mode: roster.ImportValidRows, Name: "bench.csv"})
		if err != nil {
			return err
		}
		el := time.Since(start)
		if *importProfile != "" {
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
	site, err := benchSiteAt(ctx, m, &org.Org{ID: rootID, Path: path})
	if err != nil {
		return err
	}
	defer site.srv.Close()
	rate, batches, ops, err := benchHTTPSignups(ctx, m, site.officer, rootID, site.base, site.token, ids, 64)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "sign-ups through the API, one activity: %.0f/s (%d in %d shared commits)\n", rate, ops, batches)
	return nil
}

// district is the organisation at depth 1 of a path ("/city/district/…").
func district(path string) int64 {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	if len(parts) < 2 {
		return 0
	}
	id, _ := db.ParseID(parts[1])
	return id
}

type benchStep struct {
	what string
	fn   func() (int, error)
}

// benchGetter GETs from the listener as the bench's officer: with an API
// token, or with a page session's cookie (plain HTTP on loopback).
type benchGetter struct {
	base, token, cookie string
}

var benchClient = &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: 4},
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// get answers a request function that reads the whole body and fails on
// any status but 200 (a redirect to sign-in included).
func (g benchGetter) get(path string) func() (int, error) {
	return func() (int, error) {
		req, err := http.NewRequest("GET", g.base+path, nil)
		if err != nil {
			return 0, err
		}
		if g.token != "" {
			req.Header.Set("Authorization", "Bearer "+g.token)
		}
		if g.cookie != "" {
			req.AddCookie(&http.Cookie{Name: "gh_session", Value: g.cookie})
		}
		resp, err := benchClient.Do(req)
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			return 0, err
		}
		if resp.StatusCode != http.StatusOK {
			return 0, fmt.Errorf("GET %s answered %d: %.200s", path, resp.StatusCode, b)
		}
		return len(b), nil
	}
}

type benchTimes struct {
	p50, p95, max time.Duration
	bytes         int
}

// benchTime calls fn once to warm the caches, then n times, one after
// another, and answers the percentiles of those n.
func benchTime(n int, fn func() (int, error)) (benchTimes, error) {
	var out benchTimes
	ds := make([]time.Duration, 0, n)
	for i := range n + 1 {
		start := time.Now()
		b, err := fn()
		if err != nil {
			return out, err
		}
		if i > 0 {
			ds = append(ds, time.Since(start))
		}
		out.bytes = b
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	pct := func(p int) time.Duration { return ds[min(len(ds)-1, (len(ds)*p+99)/100-1)] }
	out.p50, out.p95, out.max = pct(50), pct(95), ds[len(ds)-1]
	return out, nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }

// benchSite is the program served on a loopback port with a throwaway
// officer at an organisation, signed in to the API.
type benchSite struct {
	officer            *auth.Principal
	username, password string
	srv                *http.Server
	base, token        string
}

func benchSiteAt(ctx context.Context, m *Main, at *org.Org) (*benchSite, error) {
	officer, password, username, err := benchOfficer(ctx, m, at)
	if err != nil {
		return nil, err
	}
	srv, base, token, err := benchServe(ctx, m, username, password)
	if err != nil {
		return nil, err
	}
	return &benchSite{officer: officer, username: username, password: password, srv: srv, base: base, token: token}, nil
}
