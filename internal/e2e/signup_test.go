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

	"gonghui/internal/db"
	"gonghui/internal/testkit"
)

// signupSite is a database with a generated city, an officer at its root,
// and a published activity open to the whole city.
type signupSite struct {
	dsn        string
	d          *db.DB
	token      string
	activityID string
	members    []int64
}

const officerPassword = "Officer-Password-2026"

// newSignupSite generates a city with at least n active members, adds an
// officer at the root, starts the given servers and publishes an activity
// with capacity places and a waiting list through the first one.
// onSignupSite runs fn on each engine with a fresh site for n sign-ups to
// capacity places (see newSignupSite); not with -short, as it starts server
// processes.
func onSignupSite(t *testing.T, n, capacity int, fn func(t *testing.T, engine db.Dialect, s *signupSite, servers []*testkit.Server, start func() *testkit.Server)) {
	t.Helper()
	skipShort(t, "starts server processes")
	testkit.ForEachEngine(t, func(t *testing.T, engine db.Dialect) {
		s, servers, start := newSignupSite(t, engine, n, capacity)
		fn(t, engine, s, servers, start)
	})
}

func newSignupSite(t *testing.T, engine db.Dialect, n, capacity int) (*signupSite, []*testkit.Server, func() *testkit.Server) {
	t.Helper()
	dsn := testkit.NewDSN(t, engine)
	keyFile := testkit.KeyFileFor(dsn)
	if out, code := gonghui(t, "", "generate", "--orgs", "400", "--members", fmt.Sprint(n+n/4), "--db", dsn, "--key-file", keyFile); code != 0 {
		t.Fatalf("generate: %d %s", code, out)
	}
	d, err := db.Open(context.Background(), dsn, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	ctx := context.Background()
	var rootID int64
	if err := d.QueryRow(ctx, "SELECT id FROM orgs WHERE depth = 0").Scan(&rootID); err != nil {
		t.Fatal(err)
	}
	if out, code := gonghui(t, officerPassword+"\n", "user", "add", "--username", "huodong", "--password-stdin", "--role", "officer",
		"--org", db.FormatID(rootID), "--db", dsn, "--key-file", keyFile); code != 0 {
		t.Fatalf("user add: %d %s", code, out)
	}
	rows, err := d.Query(ctx, "SELECT id FROM members WHERE status = 'active' ORDER BY id LIMIT ?", n)
	if err != nil {
		t.Fatal(err)
	}
	s := &signupSite{dsn: dsn, d: d}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		s.members = append(s.members, id)
	}
	rows.Close()
	if len(s.members) != n {
		t.Fatalf("only %d active members generated, want %d", len(s.members), n)
	}
	start := func() *testkit.Server { return testkit.StartServer(t, dsn, nil) }
	a := start()
	code, body := postJSON(t, a.URL+"/api/v1/auth/token", "", map[string]string{"username": "huodong", "password": officerPassword})
	if code != 200 {
		t.Fatalf("token: %d %v", code, body)
	}
	s.token, _ = body["token"].(string)
	now := time.Now()
	code, body = postJSON(t, a.URL+"/api/v1/activities", s.token, map[string]any{
		"org_id": db.FormatID(rootID), "title": "环湖健步走", "kind": "walk",
		"starts_at": now.Add(48 * time.Hour).Format(time.RFC3339), "ends_at": now.Add(51 * time.Hour).Format(time.RFC3339),
		"capacity": capacity, "waitlist": true})
	if code != 201 {
		t.Fatalf("create activity: %d %v", code, body)
	}
	s.activityID, _ = body["id"].(string)
	if code, body := postJSON(t, a.URL+"/api/v1/activities/"+s.activityID+"/publish", s.token, map[string]any{}); code != 200 {
		t.Fatalf("publish: %d %v", code, body)
	}
	return s, []*testkit.Server{a}, start
}

// answer is what the server said to one sign-up.
type answer struct {
	member int64
	code   int
	status string
}

// storm posts one staff sign-up per member (and a second click for every
// tenth), spread over the servers by a pool of workers; transport errors
// (a killed server) are answers with code 0.
func (s *signupSite) storm(t *testing.T, servers []string, workers int, stop *atomic.Bool) []answer {
	t.Helper()
	jobs := make(chan int64)
	var mu sync.Mutex
	var out []answer
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: workers}}
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			i := w
			for m := range jobs {
				i++
				url := servers[i%len(servers)] + "/api/v1/activities/" + s.activityID + "/registrations"
				b, _ := json.Marshal(map[string]string{"member_id": db.FormatID(m)})
				req, _ := http.NewRequest("POST", url, bytes.NewReader(b))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+s.token)
				a := answer{member: m}
				resp, err := client.Do(req)
				if err == nil {
					raw, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					a.code = resp.StatusCode
					var body struct {
						Status string `json:"status"`
					}
					_ = json.Unmarshal(raw, &body)
					a.status = body.Status
					if a.code/100 != 2 {
						a.status = string(raw)
					}
				}
				mu.Lock()
				out = append(out, a)
				mu.Unlock()
			}
		}()
	}
	for i, m := range s.members {
		if stop != nil && stop.Load() {
			break
		}
		jobs <- m
		if i%10 == 0 {
			jobs <- m
		}
	}
	close(jobs)
	wg.Wait()
	return out
}

// check compares the rows with the capacity and with every success answer.
func (s *signupSite) check(t *testing.T, capacity int, answers []answer) (confirmed, waiting int) {
	t.Helper()
	ctx := context.Background()
	id, _ := db.ParseID(s.activityID)
	rows, err := s.d.Query(ctx, "SELECT member_id, status FROM registrations WHERE activity_id = ?", id)
	if err != nil {
		t.Fatal(err)
	}
	stored := map[int64]string{}
	for rows.Next() {
		var m int64
		var st string
		if err := rows.Scan(&m, &st); err != nil {
			t.Fatal(err)
		}
		if _, dup := stored[m]; dup {
			t.Fatalf("member %d registered twice", m)
		}
		stored[m] = st
		switch st {
		case "confirmed":
			confirmed++
		case "waiting":
			waiting++
		default:
			t.Fatalf("member %d has status %s", m, st)
		}
	}
	rows.Close()
	if confirmed > capacity {
		t.Fatalf("%d confirmed for %d places: oversold", confirmed, capacity)
	}
	var cConfirmed, cWaiting int
	if err := s.d.QueryRow(ctx, "SELECT confirmed, waiting FROM activities WHERE id = ?", id).Scan(&cConfirmed, &cWaiting); err != nil {
		t.Fatal(err)
	}
	if cConfirmed != confirmed || cWaiting != waiting {
		t.Fatalf("counters say %d confirmed, %d waiting; rows say %d, %d", cConfirmed, cWaiting, confirmed, waiting)
	}
	for _, a := range answers {
		if a.code != 200 && a.code != 201 {
			continue
		}
		if got := stored[a.member]; got != a.status {
			t.Fatalf("member %d was told %q (HTTP %d) but the database holds %q", a.member, a.status, a.code, got)
		}
	}
	return confirmed, waiting
}

// Two server processes on one database take 5,000 sign-ups (and a second
// click from every tenth member) for 1,000 places: exactly 1,000 confirmed,
// the rest waiting, nobody twice — on SQLite and on PostgreSQL.
func TestSignUpStormTwoProcesses(t *testing.T) {
	const n, capacity = 5000, 1000
	onSignupSite(t, n, capacity, func(t *testing.T, engine db.Dialect, s *signupSite, servers []*testkit.Server, start func() *testkit.Server) {
		b := start()
		began := time.Now()
		answers := s.storm(t, []string{servers[0].URL, b.URL}, 64, nil)
		el := time.Since(began)
		created, repeated := 0, 0
		for _, a := range answers {
			switch a.code {
			case 201:
				created++
			case 200:
				repeated++
			default:
				t.Fatalf("member %d: HTTP %d %s", a.member, a.code, a.status)
			}
		}
		if created != n || repeated != n/10 {
			t.Fatalf("%d created, %d repeated; want %d and %d", created, repeated, n, n/10)
		}
		confirmed, waiting := s.check(t, capacity, answers)
		if confirmed != capacity || waiting != n-capacity {
			t.Fatalf("%d confirmed, %d waiting; want %d and %d", confirmed, waiting, capacity, n-capacity)
		}
		t.Logf("%s: %d sign-ups over two processes in %s (%.0f/s)", engine, len(answers), el.Round(time.Millisecond), float64(len(answers))/el.Seconds())
	})
}

// A server killed with SIGKILL in the middle of a sign-up storm loses no
// sign-up it answered with success, and the capacity still holds once it
// is back.
func TestSignUpSurvivesKill(t *testing.T) {
	const n, capacity = 3000, 500
	onSignupSite(t, n, capacity, func(t *testing.T, engine db.Dialect, s *signupSite, servers []*testkit.Server, start func() *testkit.Server) {
		a := servers[0]
		var stop atomic.Bool
		done := make(chan []answer)
		go func() { done <- s.storm(t, []string{a.URL}, 32, &stop) }()
		// Kill the server once a good part of the storm is answered.
		id, _ := db.ParseID(s.activityID)
		deadline := time.Now().Add(60 * time.Second)
		for {
			var k int
			_ = s.d.QueryRow(context.Background(), "SELECT COUNT(*) FROM registrations WHERE activity_id = ?", id).Scan(&k)
			if k >= n/3 || time.Now().After(deadline) {
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
		a.Kill()
		stop.Store(true)
		answers := <-done
		ok, failed := 0, 0
		for _, x := range answers {
			if x.code == 200 || x.code == 201 {
				ok++
			} else {
				failed++
			}
		}
		if ok == 0 || failed == 0 {
			t.Fatalf("the kill did not land mid-storm: %d answered, %d failed", ok, failed)
		}
		// Back up: every acknowledged sign-up is there, nothing oversold,
		// and the restarted server goes on taking sign-ups.
		a2 := start()
		s.check(t, capacity, answers)
		more := s.storm(t, []string{a2.URL}, 16, nil)
		for _, x := range more {
			if x.code != 200 && x.code != 201 {
				t.Fatalf("after restart, member %d: HTTP %d %s", x.member, x.code, x.status)
			}
		}
		confirmed, waiting := s.check(t, capacity, more)
		if confirmed != capacity || waiting != n-capacity {
			t.Fatalf("after the restart: %d confirmed, %d waiting; want %d and %d", confirmed, waiting, capacity, n-capacity)
		}
		t.Logf("%s: killed after %d acknowledged sign-ups (%d cut off); all there after restart", engine, ok, failed)
	})
}
