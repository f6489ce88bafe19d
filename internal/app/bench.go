package app

import (
	"bytes"
	"context"
	"crypto/rand"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"gonghui/internal/activity"
	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/member/roster"
	"gonghui/internal/org"
)

// cmdBench runs a benchmark against a database: "signups" measures
// sign-ups per second on one popular activity through the HTTP API, beside
// the database's own limit for the same transaction.
func cmdBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "city" {
		return cmdBenchCity(ctx, args[1:], stdout, stderr)
	}
	if len(args) > 0 && args[0] == "stations" {
		return cmdBenchStations(ctx, args[1:], stdout, stderr)
	}
	if len(args) > 0 && args[0] == "contest" {
		return cmdBenchContest(ctx, args[1:], stdout, stderr)
	}
	if len(args) > 0 && args[0] == "cluster" {
		return cmdBenchCluster(ctx, args[1:], stdout, stderr)
	}
	if len(args) > 0 && args[0] == "cases" {
		return cmdBenchCases(ctx, args[1:], stdout, stderr)
	}
	if len(args) == 0 || args[0] != "signups" {
		return errors.New("usage: gonghui bench signups [--db DB] [--members N] [--concurrency C] [--seconds S]\n       gonghui bench city --db DB --key-file K [--runs N] [--import N] [--signups N]\n       gonghui bench contest [--db DB] [--takers N] [--answers N] [--concurrency C]\n       gonghui bench cases [--db DB] [--cases N] [--runs R]\n       gonghui bench cluster --db DB --key-file K --url URL [--duration D] [--kill-cmd C --kill-at T] [--failover-cmd C --failover-at T]")
	}
	var cfg Config
	fs := flag.NewFlagSet("bench signups", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.Bind(fs, "db", "log-level", "log-format", "key-file", "key-profile")
	n := fs.Int("members", 20000, "sign-ups to make (members are generated when the database has fewer)")
	conc := fs.Int("concurrency", 64, "clients signing up at once")
	secs := fs.Int("seconds", 10, "how long pgbench runs (PostgreSQL only)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *n < 100 || *n > 1_000_000 || *conc < 1 || *conc > 1024 {
		return errors.New("--members: 100 … 1,000,000; --concurrency: 1 … 1024")
	}
	m, done, err := benchOpen(ctx, &cfg, fs, stderr)
	if err != nil {
		return err
	}
	defer done()
	fmt.Fprintf(stdout, "gonghui bench signups: %s, %d CPU cores, %d sign-ups, %d clients\n", m.DB.Engine(), runtime.NumCPU(), *n, *conc)
	members, root, err := benchMembers(ctx, m, *n, stdout)
	if err != nil {
		return err
	}
	pr, password, username, err := benchOfficer(ctx, m, root)
	if err != nil {
		return err
	}
	mkActivity := func(title string) (int64, error) { return benchActivity(ctx, m, pr, root.ID, title, *n/5) }

	// Through the HTTP API, with group commit.
	srv, base, token, err := benchServe(ctx, m, username, password)
	if err != nil {
		return err
	}
	defer srv.Close()
	httpRate, batches, ops, err := benchHTTPSignups(ctx, m, pr, root.ID, base, token, members, *conc)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "HTTP API, group commit:        %8.0f sign-ups/s (%d sign-ups in %d shared transactions, %.1f per commit)\n",
		httpRate, ops, batches, float64(ops)/float64(max(batches, 1)))

	// The same transaction, one per sign-up, straight on the database.
	bare := activity.NewStoreGrouped(m.DB, m.Members, 1)
	bareID, err := mkActivity("基准测试：逐笔事务")
	if err != nil {
		return err
	}
	bareRate, err := benchRun(members, *conc, func(_ *http.Client, id int64) error {
		_, _, err := bare.Register(ctx, pr, bareID, id)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "bare Go loop, one transaction: %8.0f sign-ups/s (the same store transaction, no HTTP, no grouping)\n", bareRate)
	fmt.Fprintf(stdout, "ratio HTTP / bare:             %8.2f\n", httpRate/bareRate)
	// SQLite has no pgbench: the line is left out there.
	switch tps, err := pgbenchSignups(ctx, m.DB, cfg.DB, *conc, *secs); {
	case errors.Is(err, db.ErrPostgresOnly):
	case err != nil:
		fmt.Fprintf(stdout, "pgbench: %v\n", err)
	default:
		fmt.Fprintf(stdout, "pgbench, equivalent script:    %8.0f transactions/s (-c %d -j 2 -T %d)\n", tps, *conc, *secs)
		fmt.Fprintf(stdout, "ratio HTTP / pgbench:          %8.2f\n", httpRate/tps)
	}
	return nil
}

// benchOpen opens the database a benchmark runs on, quiet unless asked:
// the one --db names, or a fresh SQLite file in a temporary directory that
// done removes.
func benchOpen(ctx context.Context, cfg *Config, fs *flag.FlagSet, stderr io.Writer) (*Main, func(), error) {
	if !flagSet(fs, "log-level") && os.Getenv("GONGHUI_LOG_LEVEL") == "" {
		cfg.LogLevel = "warn" // a line per request would be measured too
	}
	setupLogging(*cfg, stderr)
	cleanup := func() {}
	if !flagSet(fs, "db") && os.Getenv("GONGHUI_DB") == "" {
		dir, err := os.MkdirTemp("", "gonghui-bench-")
		if err != nil {
			return nil, nil, err
		}
		cleanup = func() { os.RemoveAll(dir) }
		cfg.DB = filepath.Join(dir, "bench.db")
		if cfg.KeyFile == "" {
			cfg.KeyFile = filepath.Join(dir, "keys")
		}
	}
	cfg.Addr = "127.0.0.1:0"
	m, err := Open(ctx, *cfg)
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	return m, func() { m.Close(); cleanup() }, nil
}

func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// benchMembers returns n active members, generating a city when the
// database has too few.
func benchMembers(ctx context.Context, m *Main, n int, stdout io.Writer) ([]int64, *org.Org, error) {
	count := func() (int, error) {
		var k int
		err := m.DB.QueryRow(ctx, "SELECT COUNT(*) FROM members WHERE status = 'active'").Scan(&k)
		return k, err
	}
	have, err := count()
	if err != nil {
		return nil, nil, err
	}
	if have < n {
		if _, err := m.Orgs.RootID(ctx); errs.Is(err, errs.KindNotFound) {
			if err := org.Generate(ctx, m.Orgs, 400, 1, nil); err != nil {
				return nil, nil, err
			}
		}
		fmt.Fprintf(stdout, "generating %d members…\n", (n-have)*5/4)
		if err := roster.Generate(ctx, m.Members, (n-have)*5/4, time.Now().UnixNano(), nil); err != nil {
			return nil, nil, err
		}
	}
	rootID, err := m.Orgs.RootID(ctx)
	if err != nil {
		return nil, nil, err
	}
	var root org.Org
	if err := m.DB.QueryRow(ctx, "SELECT id, path FROM orgs WHERE id = ?", rootID).Scan(&root.ID, &root.Path); err != nil {
		return nil, nil, err
	}
	rows, err := m.DB.Query(ctx, "SELECT id FROM members WHERE status = 'active' ORDER BY id LIMIT ?", n)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, nil, err
		}
		ids = append(ids, id)
	}
	if len(ids) < n {
		return nil, nil, fmt.Errorf("only %d active members", len(ids))
	}
	return ids, &root, rows.Err()
}

// benchOfficer adds a throwaway officer at the root.
func benchOfficer(ctx context.Context, m *Main, root *org.Org) (*auth.Principal, string, string, error) {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	suffix := hex.EncodeToString(b)
	username, password := "bench-"+suffix[:8], "Pw-"+suffix[8:]+"-Bench"
	id, err := m.Auth.Bootstrap(ctx, auth.NewUser{Username: username, Name: username, Kind: auth.KindStaff, OrgID: root.ID, Password: password}, auth.RoleOfficer)
	if err != nil {
		return nil, "", "", err
	}
	pr := &auth.Principal{UserID: id, Username: username, Kind: auth.KindStaff,
		Grants: []auth.Grant{{Role: auth.RoleOfficer, OrgID: root.ID, OrgPath: root.Path}}}
	return pr, password, username, nil
}

func benchToken(base, username, password string) (string, error) {
	body, _ := json.Marshal(map[string]string{"username": username, "password": password})
	resp, err := http.Post(base+"/api/v1/auth/token", "application/json", bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var out struct {
		Token string `json:"token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || out.Token == "" {
		return "", fmt.Errorf("bench token: HTTP %d %v", resp.StatusCode, err)
	}
	return out.Token, nil
}

// benchRun calls fn once per member from conc workers and returns calls
// per second.
func benchRun(members []int64, conc int, fn func(*http.Client, int64) error) (float64, error) {
	var next atomic.Int64
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first error
	start := time.Now()
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			client := &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
			for {
				i := next.Add(1) - 1
				if i >= int64(len(members)) {
					return
				}
				if err := fn(client, members[i]); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
					return
				}
			}
		}()
	}
	wg.Wait()
	return float64(len(members)) / time.Since(start).Seconds(), first
}

// pgbenchScript is one sign-up as the store runs it, in PostgreSQL's SQL
// for pgbench: lock the activity's row, look for the member's
// registration, insert it, move the counter.
//
//go:embed bench_signups.pgbench
var pgbenchScript string

// pgbenchSignups runs pgbench with the equivalent script on scratch tables.
func pgbenchSignups(ctx context.Context, d *db.DB, dsn string, conc, secs int) (float64, error) {
	return d.Pgbench(ctx, dsn, db.PgbenchRun{
		Tables: []string{"bench_reg", "bench_activity"},
		Setup: []string{
			"CREATE TABLE bench_activity (id BIGINT PRIMARY KEY, capacity INTEGER NOT NULL, confirmed INTEGER NOT NULL)",
			"CREATE TABLE bench_reg (activity_id BIGINT NOT NULL, member_id BIGINT NOT NULL, status TEXT NOT NULL, seq BIGINT NOT NULL, PRIMARY KEY (activity_id, member_id))",
			"INSERT INTO bench_activity VALUES (1, 0, 0)",
		},
		Script:  pgbenchScript,
		Clients: conc,
		Seconds: secs,
	})
}

// benchActivity publishes an activity for the whole city to sign up for.
func benchActivity(ctx context.Context, m *Main, pr *auth.Principal, rootID int64, title string, capacity int) (int64, error) {
	start := time.Now().Add(72 * time.Hour)
	a, err := m.Acts.Create(ctx, pr, activity.Input{OrgID: rootID, Title: title, Kind: "walk",
		StartsAt: start.Format(time.RFC3339), EndsAt: start.Add(3 * time.Hour).Format(time.RFC3339),
		Capacity: capacity, Waitlist: true})
	if err != nil {
		return 0, err
	}
	_, err = m.Acts.Publish(ctx, pr, a.ID)
	return a.ID, err
}

// benchServe serves m's handler on a free loopback port and signs the
// bench's officer in there; the caller closes the server.
func benchServe(ctx context.Context, m *Main, username, password string) (srv *http.Server, base, token string, err error) {
	h, err := m.Handler(ctx)
	if err != nil {
		return nil, "", "", err
	}
	if srv, base, err = serveLoopback(h); err != nil {
		return nil, "", "", err
	}
	if token, err = benchToken(base, username, password); err != nil {
		srv.Close()
		return nil, "", "", err
	}
	return srv, base, token, nil
}

// serveLoopback serves h on a free loopback port.
func serveLoopback(h http.Handler) (*http.Server, string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return srv, "http://" + ln.Addr().String(), nil
}

// benchHTTPSignups signs members up for a new activity through the API
// from conc clients and returns sign-ups per second and the shared commits
// they took.
func benchHTTPSignups(ctx context.Context, m *Main, pr *auth.Principal, rootID int64, base, token string, members []int64, conc int) (float64, int64, int64, error) {
	id, err := benchActivity(ctx, m, pr, rootID, "基准测试：经接口报名", len(members)/5)
	if err != nil {
		return 0, 0, 0, err
	}
	b0, o0 := m.Acts.GroupStats()
	rate, err := benchRun(members, conc, func(client *http.Client, member int64) error {
		body, _ := json.Marshal(map[string]string{"member_id": db.FormatID(member)})
		req, _ := http.NewRequest("POST", base+"/api/v1/activities/"+db.FormatID(id)+"/registrations", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			return fmt.Errorf("sign-up answered %d: %s", resp.StatusCode, raw)
		}
		return nil
	})
	b1, o1 := m.Acts.GroupStats()
	return rate, b1 - b0, o1 - o0, err
}
