package app

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"gonghui/internal/stats"
	"io"
	"net/http"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"text/tabwriter"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/contest"
	"gonghui/internal/contest/bank"
	"gonghui/internal/db"
)

// cmdBenchContest measures a knowledge contest's storm through the HTTP
// API: takers opening their papers, saving each answer, handing in; then
// the same store transactions one by one without HTTP or shared commits
// (the database's own limit for them) and, on PostgreSQL, pgbench running
// the answer's statement.
func cmdBenchContest(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg Config
	fs := flag.NewFlagSet("bench contest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.Bind(fs, "db", "log-level", "log-format", "key-file", "key-profile")
	n := fs.Int("takers", 20000, "members taking the paper (generated when the database has fewer)")
	answers := fs.Int("answers", 20, "questions on the paper, each answered")
	conc := fs.Int("concurrency", 64, "clients at once")
	secs := fs.Int("seconds", 10, "how long pgbench runs (PostgreSQL only)")
	profile := fs.String("cpuprofile", "", "write a CPU profile of the HTTP saves and submissions to this file (go tool pprof)")
	runs := fs.Int("runs", 100, "requests each board answer is timed over (p50 and p95)")
	bareRun := fs.Bool("bare", true, "also run the store's transactions one by one (the database's own limit)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *n < 100 || *n > 1_000_000 || *conc < 1 || *conc > 1024 || *answers < 1 || *answers > 100 {
		return errors.New("--takers: 100 … 1,000,000; --concurrency: 1 … 1024; --answers: 1 … 100")
	}
	m, done, err := benchOpen(ctx, &cfg, fs, stderr)
	if err != nil {
		return err
	}
	defer done()
	fmt.Fprintf(stdout, "gonghui bench contest: %s, %d CPU cores, %d takers, %d answers each, %d clients\n", m.DB.Engine(), runtime.NumCPU(), *n, *answers, *conc)
	members, root, err := benchMembers(ctx, m, *n, stdout)
	if err != nil {
		return err
	}
	pr, password, username, err := benchOfficer(ctx, m, root)
	if err != nil {
		return err
	}
	bankID, err := benchBank(ctx, m, pr, root.ID, *answers*3)
	if err != nil {
		return err
	}
	mkContest := func(title string) (int64, error) { return benchContest(ctx, m, pr, root.ID, bankID, title, *answers) }
	tokens, err := m.Auth.IssueMemberTokens(ctx, members, "gonghui bench contest")
	if err != nil {
		return err
	}
	srv, base, token, err := benchServe(ctx, m, username, password)
	if err != nil {
		return err
	}
	defer srv.Close()

	// Through the HTTP API, with shared commits.
	id, err := mkContest("基准测试：经接口答题")
	if err != nil {
		return err
	}
	attempts := make([]string, len(members))
	idx := make([]int64, len(members))
	for i := range idx {
		idx[i] = int64(i)
	}
	call := func(client *http.Client, i int64, method, path string, body any, out any) error {
		raw, _ := json.Marshal(body)
		req, _ := http.NewRequest(method, base+path, bytes.NewReader(raw))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+tokens[i])
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		got, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("%s %s answered %d: %s", method, path, resp.StatusCode, got)
		}
		if out != nil {
			return json.Unmarshal(got, out)
		}
		return nil
	}
	yes := true
	opened, err := benchRun(idx, *conc, func(c *http.Client, i int64) error {
		var sh contest.Sheet
		if err := call(c, i, "POST", "/api/v1/contests/"+db.FormatID(id)+"/attempts", struct{}{}, &sh); err != nil {
			return err
		}
		attempts[i] = db.FormatID(sh.Attempt.ID)
		return nil
	})
	if err != nil {
		return err
	}
	// A running system's tables grow slowly enough for the planner's
	// statistics to follow; these were filled in seconds.
	if err := m.DB.Analyze(ctx); err != nil {
		return err
	}
	b0, o0 := m.Contest.GroupStats()
	stopProfile, err := startProfile(*profile)
	if err != nil {
		return err
	}
	saves := make([]int64, len(members)**answers)
	for i := range saves {
		saves[i] = int64(i)
	}
	saved, err := benchRun(saves, *conc, func(c *http.Client, k int64) error {
		i, pos := k/int64(*answers), k%int64(*answers)
		return call(c, i, "PUT", "/api/v1/attempts/"+attempts[i]+"/answers/"+fmt.Sprint(pos), bank.Answer{True: &yes}, nil)
	})
	if err != nil {
		return err
	}
	if err := m.DB.Analyze(ctx); err != nil {
		return err
	}
	submitted, err := benchRun(idx, *conc, func(c *http.Client, i int64) error {
		return call(c, i, "POST", "/api/v1/attempts/"+attempts[i]+"/submit", struct{}{}, nil)
	})
	stopProfile()
	if err != nil {
		return err
	}
	b1, o1 := m.Contest.GroupStats()
	fmt.Fprintf(stdout, "HTTP API, shared commits: %8.0f papers opened/s, %8.0f answers saved/s, %8.0f papers handed in/s (%d writes in %d commits, %.1f per commit)\n",
		opened, saved, submitted, o1-o0, b1-b0, float64(o1-o0)/float64(max(b1-b0, 1)))

	if err := benchBoards(ctx, m, base, token, username, password, id, members[0], *runs, stdout); err != nil {
		return err
	}
	if !*bareRun {
		return nil
	}

	// The same store transactions, one each, no HTTP.
	bare := contest.NewStoreGrouped(m.DB, m.Banks, m.Members, 1)
	bareID, err := mkContest("基准测试：逐笔事务")
	if err != nil {
		return err
	}
	ids := make([]int64, len(members))
	self := func(i int64) *auth.Principal { return &auth.Principal{Kind: auth.KindMember, MemberID: members[i]} }
	bOpened, err := benchRun(idx, *conc, func(_ *http.Client, i int64) error {
		sh, err := bare.Start(ctx, self(i), bareID)
		if err == nil {
			ids[i] = sh.Attempt.ID
		}
		return err
	})
	if err != nil {
		return err
	}
	if err := m.DB.Analyze(ctx); err != nil {
		return err
	}
	bSaved, err := benchRun(saves, *conc, func(_ *http.Client, k int64) error {
		i, pos := k/int64(*answers), int(k%int64(*answers))
		_, err := bare.Save(ctx, self(i), ids[i], pos, bank.Answer{True: &yes})
		return err
	})
	if err != nil {
		return err
	}
	if err := m.DB.Analyze(ctx); err != nil {
		return err
	}
	bSubmitted, err := benchRun(idx, *conc, func(_ *http.Client, i int64) error {
		_, err := bare.Submit(ctx, self(i), ids[i])
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "bare Go loop, one transaction each: %8.0f opened/s, %8.0f saved/s, %8.0f handed in/s\n", bOpened, bSaved, bSubmitted)
	fmt.Fprintf(stdout, "ratio HTTP / bare:                  %8.2f opened, %8.2f saved, %8.2f handed in\n", opened/bOpened, saved/bSaved, submitted/bSubmitted)
	switch tps, err := pgbenchAnswers(ctx, m.DB, cfg.DB, *conc, *secs); {
	case errors.Is(err, db.ErrPostgresOnly):
	case err != nil:
		fmt.Fprintf(stdout, "pgbench: %v\n", err)
	default:
		fmt.Fprintf(stdout, "pgbench, an answer's statement:     %8.0f transactions/s (-c %d -j 2 -T %d)\n", tps, *conc, *secs)
		fmt.Fprintf(stdout, "ratio HTTP answers / pgbench:       %8.2f\n", saved/tps)
	}
	return nil
}

// benchBank makes a bank of n true/false questions at the root.
func benchBank(ctx context.Context, m *Main, pr *auth.Principal, rootID int64, n int) (int64, error) {
	b, err := m.Banks.CreateBank(ctx, pr, bank.BankInput{OrgID: rootID, Name: "基准测试题库 " + time.Now().Format("150405.000")})
	if err != nil {
		return 0, err
	}
	for i := range n {
		if _, err := m.Banks.AddQuestion(ctx, pr, b.ID, bank.Question{Type: bank.TrueFalse, Stem: fmt.Sprintf("基准测试判断题第 %d 题", i+1), Key: bank.Key{True: i%2 == 0}}); err != nil {
			return 0, err
		}
	}
	return b.ID, nil
}

// benchContest publishes a contest for the whole city: answers questions
// drawn at random from the bank, 20 minutes each.
func benchContest(ctx context.Context, m *Main, pr *auth.Principal, rootID, bankID int64, title string, answers int) (int64, error) {
	now := time.Now()
	c, err := m.Contest.Create(ctx, pr, contest.Input{OrgID: rootID, Title: title, OpensAt: now.Add(-time.Minute).Format(time.RFC3339),
		ClosesAt: now.Add(24 * time.Hour).Format(time.RFC3339), TimeLimit: 1200, ShuffleOptions: true, ShuffleQuestions: true,
		Sections: []contest.Section{{BankID: bankID, Count: answers, Points: 5}}})
	if err != nil {
		return 0, err
	}
	_, err = m.Contest.Publish(ctx, pr, c.ID, c.Version)
	return c.ID, err
}

// pgbenchAnswerScript is one saved answer as the store writes it, in
// PostgreSQL's SQL for pgbench: the attempt row shared, the answer upserted.
//
//go:embed bench_answers.pgbench
var pgbenchAnswerScript string

func pgbenchAnswers(ctx context.Context, d *db.DB, dsn string, conc, secs int) (float64, error) {
	return d.Pgbench(ctx, dsn, db.PgbenchRun{
		Tables: []string{"bench_answers", "bench_attempts"},
		Setup: []string{
			"CREATE TABLE bench_attempts (id BIGINT PRIMARY KEY, status TEXT NOT NULL)",
			"CREATE TABLE bench_answers (attempt_id BIGINT NOT NULL, position INTEGER NOT NULL, answer TEXT NOT NULL, saved_at BIGINT NOT NULL, PRIMARY KEY (attempt_id, position))",
			"INSERT INTO bench_attempts WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 20000) SELECT n, 'open' FROM g",
		},
		Script:  pgbenchAnswerScript,
		Clients: conc,
		Seconds: secs,
	})
}

// startProfile writes a CPU profile to path ("": none) until the function
// it answers is called.
func startProfile(path string) (func(), error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// benchBoards times the contest's boards once every paper is in: by
// person (first page, a deep page, one street's takers), by organisation
// (the city's districts, a district's streets) through the API, and the
// staff's board page.
func benchBoards(ctx context.Context, m *Main, base, token, username, password string, contestID, member int64, runs int, stdout io.Writer) error {
	if err := stats.NewStore(m.DB).FoldAll(ctx); err != nil {
		return err
	}
	var path string
	if err := m.DB.QueryRow(ctx, "SELECT o.path FROM members m JOIN orgs o ON o.id = m.org_id WHERE m.id = ?", member).Scan(&path); err != nil {
		return err
	}
	segs := strings.Split(strings.Trim(path, "/"), "/")
	district, street := segs[min(1, len(segs)-1)], segs[min(2, len(segs)-1)]
	session, err := m.Auth.Login(ctx, auth.LoginInput{Username: username, Password: password, Kind: auth.SessionWeb})
	if err != nil {
		return err
	}
	var takers int
	if err := m.DB.QueryRow(ctx, "SELECT COUNT(*) FROM contest_results WHERE contest_id = ?", contestID).Scan(&takers); err != nil {
		return err
	}
	c := "/contests/" + db.FormatID(contestID)
	api, page := benchGetter{base: base, token: token}, benchGetter{base: base, cookie: session.Token}
	steps := []benchStep{
		{"API board by person, first page", api.get("/api/v1" + c + "/board")},
		{"API board by person, page 100", api.get("/api/v1" + c + "/board?offset=4950")},
		{"API board by person, one street", api.get("/api/v1" + c + "/board?org=" + street)},
		{"API board by organisation, city root", api.get("/api/v1" + c + "/board/orgs")},
		{"API board by organisation, a district", api.get("/api/v1" + c + "/board/orgs?org=" + district)},
		{"page board by person", page.get(c + "/board")},
		{"page board by organisation, city root", page.get(c + "/board?by=org")},
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "\nboards of %d takers, %d requests each\nanswer\tp50\tp95\tmax\tbytes\t\n", takers, runs)
	for _, st := range steps {
		r, err := benchTime(runs, st.fn)
		if err != nil {
			return fmt.Errorf("%s: %w", st.what, err)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t\n", st.what, ms(r.p50), ms(r.p95), ms(r.max), r.bytes)
	}
	return tw.Flush()
}
