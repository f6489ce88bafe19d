package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gonghui/internal/app"
	"gonghui/internal/auth"
	"gonghui/internal/contest"
	"gonghui/internal/contest/bank"
	"gonghui/internal/db"
	"gonghui/internal/testkit"
)

// contestSite is a generated city with a published contest open to all of
// it, and an API token for each of its takers.
type contestSite struct {
	dsn       string
	d         *db.DB
	contestID int64
	members   []int64
	tokens    []string
}

// newContestSite generates a city with n active members and publishes a
// 10-question contest through the stores (the API's own tests cover the
// staff's calls); the takers' tokens come from the operator tool the
// benchmark uses.
func newContestSite(t *testing.T, engine db.Dialect, n int) *contestSite {
	t.Helper()
	ctx := context.Background()
	dsn := testkit.NewDSN(t, engine)
	keyFile := testkit.KeyFileFor(dsn)
	if out, code := gonghui(t, "", "generate", "--orgs", "400", "--members", fmt.Sprint(n+n/4), "--db", dsn, "--key-file", keyFile); code != 0 {
		t.Fatalf("generate: %d %s", code, out)
	}
	m, err := app.Open(ctx, app.Config{DB: dsn, KeyFile: keyFile, LogLevel: "warn"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.DB.Close() })
	s := &contestSite{dsn: dsn, d: m.DB}
	var rootID int64
	var rootPath string
	if err := m.DB.QueryRow(ctx, "SELECT id, path FROM orgs WHERE depth = 0").Scan(&rootID, &rootPath); err != nil {
		t.Fatal(err)
	}
	uid, err := m.Auth.Bootstrap(ctx, auth.NewUser{Username: "jingsai", Name: "竞赛管理员", Kind: auth.KindStaff, OrgID: rootID, Password: officerPassword}, auth.RoleOfficer)
	if err != nil {
		t.Fatal(err)
	}
	pr := &auth.Principal{UserID: uid, Username: "jingsai", Kind: auth.KindStaff, Grants: []auth.Grant{{Role: auth.RoleOfficer, OrgID: rootID, OrgPath: rootPath}}}
	b, err := m.Banks.CreateBank(ctx, pr, bank.BankInput{OrgID: rootID, Name: "安全生产知识"})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 30 {
		if _, err := m.Banks.AddQuestion(ctx, pr, b.ID, bank.Question{Type: bank.TrueFalse, Stem: fmt.Sprintf("判断题第 %d 题", i+1), Key: bank.Key{True: i%2 == 0}}); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now()
	c, err := m.Contest.Create(ctx, pr, contest.Input{OrgID: rootID, Title: "安全生产知识竞赛", OpensAt: now.Add(-time.Minute).Format(time.RFC3339),
		ClosesAt: now.Add(24 * time.Hour).Format(time.RFC3339), TimeLimit: 1200, Sections: []contest.Section{{BankID: b.ID, Count: 10, Points: 10}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Contest.Publish(ctx, pr, c.ID, c.Version); err != nil {
		t.Fatal(err)
	}
	s.contestID = c.ID
	rows, err := m.DB.Query(ctx, "SELECT id FROM members WHERE status = 'active' ORDER BY id LIMIT ?", n)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		s.members = append(s.members, id)
	}
	rows.Close()
	if len(s.members) != n {
		t.Fatalf("%d active members generated, want %d", len(s.members), n)
	}
	if s.tokens, err = m.Auth.IssueMemberTokens(ctx, s.members, "e2e contest"); err != nil {
		t.Fatal(err)
	}
	return s
}

// call is one taker's request and what came back (code 0: no answer).
type call struct {
	taker   int
	code    int
	attempt string
	score   float64
}

// storm sends, for each taker, the request that path(taker) names to
// each server in turn (twice when double), from a pool of workers;
// it stops handing out work once stop is set.
func (s *contestSite) storm(servers []string, workers int, double bool, stop *atomic.Bool, path func(i int) string) []call {
	type job struct{ taker, server int }
	jobs := make(chan job)
	var mu sync.Mutex
	var out []call
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: workers}}
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				req, _ := http.NewRequest("POST", servers[j.server]+path(j.taker), bytes.NewReader([]byte(`{}`)))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+s.tokens[j.taker])
				c := call{taker: j.taker}
				if resp, err := client.Do(req); err == nil {
					raw, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					c.code = resp.StatusCode
					var body struct {
						Attempt struct {
							ID    string  `json:"id"`
							Score float64 `json:"score"`
						} `json:"attempt"`
					}
					_ = json.Unmarshal(raw, &body)
					c.attempt, c.score = body.Attempt.ID, body.Attempt.Score
				}
				mu.Lock()
				out = append(out, c)
				mu.Unlock()
			}
		}()
	}
	for i := range s.members {
		if stop != nil && stop.Load() {
			break
		}
		jobs <- job{i, i % len(servers)}
		if double {
			jobs <- job{i, (i + 1) % len(servers)}
		}
	}
	close(jobs)
	wg.Wait()
	return out
}

func (s *contestSite) count(t *testing.T, query string) int {
	t.Helper()
	var n int
	if err := s.d.QueryRow(context.Background(), query, s.contestID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Every taker presses start on two server processes at once, then hands
// in on both: one attempt and one result each, both answers the same.
func TestContestTwoProcesses(t *testing.T) {
	skipShort(t, "starts server processes")
	testkit.ForEachEngine(t, func(t *testing.T, engine db.Dialect) {
		const n = 400
		s := newContestSite(t, engine, n)
		a, b := testkit.StartServer(t, s.dsn, nil), testkit.StartServer(t, s.dsn, nil)
		servers := []string{a.URL, b.URL}
		started := s.storm(servers, 32, true, nil, func(int) string { return "/api/v1/contests/" + db.FormatID(s.contestID) + "/attempts" })
		attempt := make([]string, n)
		for _, c := range started {
			if c.code != 200 || c.attempt == "" {
				t.Fatalf("taker %d: start answered %d", c.taker, c.code)
			}
			if attempt[c.taker] != "" && attempt[c.taker] != c.attempt {
				t.Fatalf("taker %d got two attempts: %s and %s", c.taker, attempt[c.taker], c.attempt)
			}
			attempt[c.taker] = c.attempt
		}
		if got := s.count(t, "SELECT COUNT(*) FROM attempts WHERE contest_id = ?"); got != n {
			t.Fatalf("%d attempts for %d takers", got, n)
		}
		submitted := s.storm(servers, 32, true, nil, func(i int) string { return "/api/v1/attempts/" + attempt[i] + "/submit" })
		for _, c := range submitted {
			if c.code != 200 || c.attempt != attempt[c.taker] {
				t.Fatalf("taker %d: submit answered %d for %q", c.taker, c.code, c.attempt)
			}
		}
		if got := s.count(t, "SELECT COUNT(*) FROM contest_results WHERE contest_id = ?"); got != n {
			t.Fatalf("%d results for %d takers", got, n)
		}
		if got := s.count(t, "SELECT COUNT(*) FROM attempts WHERE contest_id = ? AND status = 'submitted'"); got != n {
			t.Fatalf("%d attempts handed in of %d", got, n)
		}
	})
}

// A server killed with SIGKILL in the middle of a storm of submissions
// loses none it answered: each is handed in and on the board after the
// restart, and the others can still hand in.
func TestContestSubmissionsSurviveKill(t *testing.T) {
	skipShort(t, "starts server processes")
	testkit.ForEachEngine(t, func(t *testing.T, engine db.Dialect) {
		const n = 1200
		s := newContestSite(t, engine, n)
		a := testkit.StartServer(t, s.dsn, nil)
		started := s.storm([]string{a.URL}, 32, false, nil, func(int) string { return "/api/v1/contests/" + db.FormatID(s.contestID) + "/attempts" })
		attempt := make([]string, n)
		for _, c := range started {
			if c.code != 200 {
				t.Fatalf("taker %d: start answered %d", c.taker, c.code)
			}
			attempt[c.taker] = c.attempt
		}
		var stop atomic.Bool
		done := make(chan []call)
		go func() {
			done <- s.storm([]string{a.URL}, 32, false, &stop, func(i int) string { return "/api/v1/attempts/" + attempt[i] + "/submit" })
		}()
		deadline := time.Now().Add(60 * time.Second)
		for s.count(t, "SELECT COUNT(*) FROM contest_results WHERE contest_id = ?") < n/3 && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
		a.Kill()
		stop.Store(true)
		calls := <-done
		ok, cut := 0, 0
		for _, c := range calls {
			if c.code == 200 {
				ok++
				var status string
				var rank int
				if err := s.d.QueryRow(context.Background(), "SELECT status FROM attempts WHERE id = ?", c.attempt).Scan(&status); err != nil || status != contest.AttemptSubmitted {
					t.Fatalf("taker %d was told handed in, the row says %q (%v)", c.taker, status, err)
				}
				if err := s.d.QueryRow(context.Background(), "SELECT COUNT(*) FROM contest_results WHERE attempt_id = ?", c.attempt).Scan(&rank); err != nil || rank != 1 {
					t.Fatalf("taker %d was told handed in and is not on the board", c.taker)
				}
			} else {
				cut++
			}
		}
		if ok == 0 || cut == 0 {
			t.Fatalf("the kill did not land mid-storm: %d answered, %d cut off", ok, cut)
		}
		a2 := testkit.StartServer(t, s.dsn, nil)
		again := s.storm([]string{a2.URL}, 16, false, nil, func(i int) string { return "/api/v1/attempts/" + attempt[i] + "/submit" })
		for _, c := range again {
			if c.code != 200 {
				t.Fatalf("after the restart, taker %d: submit answered %d", c.taker, c.code)
			}
		}
		if got := s.count(t, "SELECT COUNT(*) FROM contest_results WHERE contest_id = ?"); got != n {
			t.Fatalf("%d results for %d takers after the restart", got, n)
		}
		t.Logf("%s: killed after %d papers handed in (%d cut off); all there after the restart", engine, ok, cut)
	})
}
