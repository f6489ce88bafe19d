package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os/exec"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/db"
)

// cmdBenchCluster drives a steady mixed load through a load balancer in
// front of several gonghui nodes (scripts/cluster-drill.sh starts them):
// staff reading lists, pages and dashboards, sign-ups into activities with
// limited seats, member edits. At given moments it runs the drill's
// commands (kill a node, fail the database over) and afterwards checks on
// the database every write it was told had succeeded: a write acknowledged
// to a client must survive a node's death and a failover.
func cmdBenchCluster(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg Config
	fs := flag.NewFlagSet("bench cluster", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.Bind(fs, "db", "log-level", "log-format", "key-file", "key-profile")
	var o clusterOpts
	fs.StringVar(&o.base, "url", "http://127.0.0.1:8480", "the load balancer's address (loopback only)")
	fs.DurationVar(&o.length, "duration", 60*time.Second, "how long the mixed load runs")
	fs.IntVar(&o.conc, "concurrency", 12, "clients at once")
	fs.IntVar(&o.members, "members", 2000, "members signing up (the database must hold this many active members)")
	fs.IntVar(&o.activities, "activities", 8, "activities signed up for, all at once")
	fs.IntVar(&o.capacity, "capacity", 300, "seats of the largest activity; the others have 1/N, 2/N … of it (N activities), so that they fill one after another through the drill, and the rest wait")
	fs.DurationVar(&o.burst, "burst", 5*time.Second, "sign-ups only, before and after the mixed load: the cluster's sign-up capacity (0: none)")
	fs.DurationVar(&o.failTimeout, "fail-timeout", 2*time.Second, "the balancer's health-check interval (nginx fail_timeout): no run of 5xx answers after a node dies may last longer")
	killAt := fs.Duration("kill-at", 0, "when to run --kill-cmd, from the start of the mixed load")
	killCmd := fs.String("kill-cmd", "", "shell command that kills a node")
	failAt := fs.Duration("failover-at", 0, "when to run --failover-cmd")
	failCmd := fs.String("failover-cmd", "", "shell command that stops the primary database and promotes the standby")
	fs.StringVar(&o.summary, "summary", "", "also write the summary to this file (and FILE.json)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if u, err := url.Parse(o.base); err != nil || u.Hostname() != "127.0.0.1" {
		return errors.New("--url: only a load balancer on 127.0.0.1 is driven")
	}
	if o.length < 5*time.Second || o.length > time.Hour || o.conc < 1 || o.conc > 256 || o.members < 100 || o.activities < 1 || o.capacity < 1 {
		return errors.New("--duration: 5s … 1h; --concurrency: 1 … 256; --members ≥ 100; --activities, --capacity ≥ 1")
	}
	if *killCmd != "" {
		o.events = append(o.events, &clusterEvent{name: "kill node", at: *killAt, cmd: *killCmd})
	}
	if *failCmd != "" {
		if *killCmd != "" && *failAt <= *killAt {
			return errors.New("--failover-at must come after --kill-at")
		}
		o.events = append(o.events, &clusterEvent{name: "failover", at: *failAt, cmd: *failCmd})
	}
	for _, e := range o.events {
		if e.at <= 0 || e.at >= o.length {
			return fmt.Errorf("%s: its moment must fall inside --duration", e.name)
		}
	}
	// Set-up goes straight to the database (as the other benches do): an
	// officer at the root, the activities. The load itself goes through
	// the balancer only.
	m, done, err := benchOpen(ctx, &cfg, fs, stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "gonghui bench cluster: %s, %d CPU cores, %d clients, %s of mixed load through %s\n",
		m.DB.Engine(), runtime.NumCPU(), o.conc, o.length, o.base)
	members, root, err := benchMembers(ctx, m, o.members, stdout)
	if err == nil {
		var pr *auth.Principal
		pr, o.password, o.officer, err = benchOfficer(ctx, m, root)
		for i := range o.activities + 2 {
			if err != nil {
				break
			}
			capacity, title := max((i+1)*o.capacity/o.activities, 1), fmt.Sprintf("集群演练：活动 %d", i+1)
			if i >= o.activities { // the two bursts' activities: a seat for everyone
				capacity, title = len(members), fmt.Sprintf("集群演练：报名容量 %d", i-o.activities+1)
			}
			var id int64
			if id, err = benchActivity(ctx, m, pr, root.ID, title, capacity); err == nil {
				o.acts = append(o.acts, clusterActivity{id: id, capacity: capacity})
			}
		}
	}
	done() // the nodes hold the database from here on; the check opens it again
	if err != nil {
		return err
	}
	o.memberIDs = members
	r, err := runCluster(ctx, &o, stdout)
	if err != nil {
		return err
	}
	if err := r.check(ctx, cfg.DB, &o); err != nil {
		return err
	}
	return r.report(&o, stdout)
}

type clusterOpts struct {
	base                       string
	length, burst, failTimeout time.Duration
	conc, members              int
	activities, capacity       int
	events                     []*clusterEvent
	summary                    string
	officer, password          string
	acts                       []clusterActivity // the load's, then the two bursts'
	memberIDs                  []int64
}

type clusterActivity struct {
	id       int64
	capacity int
}

// clusterEvent is one of the drill's commands, run at a moment of the load.
type clusterEvent struct {
	name, cmd  string
	at         time.Duration
	start, end time.Duration // when it ran, from the load's start
	out        string
	err        error
}

// What a request was, for the counts.
const (
	hitRead   = iota // the API's lists and records, with a token
	hitPage          // staff pages, with a session cookie
	hitSignup        // POST …/registrations
	hitEdit          // PUT /members/{id}
)

// hit is one answer: when it came (from the load's start), what it was,
// its status (0: no answer at all).
type hit struct {
	at     time.Duration
	kind   uint8
	status int
}

// signupAck is a sign-up the server acknowledged (201, or 200 for one
// already standing): it must be on the database afterwards, as answered.
type signupAck struct {
	act, member, seq int64
	status           string
}

// editState is one member's record as the load edited it: the job last
// acknowledged, and the values sent after it whose outcome the client
// never learnt (an answer lost with a node): the database must hold the
// acknowledged one or one of those.
type editState struct {
	member int64
	acked  string
	doubt  []string
}

// clusterClient is one simulated staff member: a web session and an API
// token, both made through the balancer at the start and used throughout.
type clusterClient struct {
	http  *http.Client
	token string
}

type clusterRun struct {
	start   time.Time
	mu      sync.Mutex
	hits    []hit
	acks    []signupAck
	edits   []*editState
	clients []*clusterClient
	next    atomic.Int64 // the next (activity, member) pair to sign up
	loadEnd time.Duration

	burstBefore, burstAfter float64 // sign-ups per second
	verdict                 clusterVerdict
}

var csrfInput = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// signIn makes a client with a staff session (the sign-in form) and an API
// token, both through the balancer.
func (o *clusterOpts) signIn(ctx context.Context) (*clusterClient, error) {
	jar, _ := cookiejar.New(nil)
	c := &clusterClient{http: &http.Client{Jar: jar, Timeout: 15 * time.Second,
		Transport:     &http.Transport{MaxIdleConnsPerHost: 4},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	resp, err := c.http.Get(o.base + "/login")
	if err != nil {
		return nil, err
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfInput.FindSubmatch(page)
	if m == nil {
		return nil, fmt.Errorf("sign-in page answered %d without a form token", resp.StatusCode)
	}
	resp, err = c.http.PostForm(o.base+"/login", url.Values{"username": {o.officer}, "password": {o.password}, "csrf_token": {string(m[1])}})
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return nil, fmt.Errorf("staff sign-in answered %d", resp.StatusCode)
	}
	var tok struct {
		Token string `json:"token"`
	}
	if code, err := c.call(ctx, o.base, "POST", "/api/v1/auth/token", map[string]string{"username": o.officer, "password": o.password}, &tok); err != nil || code != 200 {
		return nil, fmt.Errorf("API sign-in answered %d: %v", code, err)
	}
	c.token = tok.Token
	return c, nil
}

// call sends one API request and decodes a 2xx answer into out; the status
// is 0 when no answer came.
func (c *clusterClient) call(ctx context.Context, base, method, path string, body, out any) (int, error) {
	var rd io.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		rd = bytes.NewReader(raw)
	}
	req, _ := http.NewRequestWithContext(ctx, method, base+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" && strings.HasPrefix(path, "/api/") {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 == 2 && out != nil {
		return resp.StatusCode, json.Unmarshal(raw, out)
	}
	return resp.StatusCode, nil
}

func (r *clusterRun) record(kind uint8, status int) {
	at := time.Since(r.start)
	r.mu.Lock()
	r.hits = append(r.hits, hit{at: at, kind: kind, status: status})
	r.mu.Unlock()
}

// runCluster signs the clients in, measures the sign-up capacity, runs the
// mixed load with the drill's events, and measures the capacity again.
func runCluster(ctx context.Context, o *clusterOpts, stdout io.Writer) (*clusterRun, error) {
	r := &clusterRun{}
	for range o.conc {
		c, err := o.signIn(ctx)
		if err != nil {
			return nil, fmt.Errorf("sign in through %s: %w", o.base, err)
		}
		r.clients = append(r.clients, c)
	}
	per := max(len(o.memberIDs)/o.conc/4, 1) // members each client edits
	for i := range min(per*o.conc, len(o.memberIDs)) {
		r.edits = append(r.edits, &editState{member: o.memberIDs[len(o.memberIDs)-1-i]})
	}
	if o.burst > 0 {
		r.burstBefore = r.signupBurst(ctx, o, o.acts[o.activities])
		fmt.Fprintf(stdout, "sign-up capacity before (primary + synchronous standby): %.0f sign-ups/s\n", r.burstBefore)
	}

	fmt.Fprintf(stdout, "mixed load: %s", o.length)
	for _, e := range o.events {
		fmt.Fprintf(stdout, "; %s at %s", e.name, e.at)
	}
	fmt.Fprintln(stdout)
	r.start = time.Now()
	lctx, cancel := context.WithTimeout(ctx, o.length)
	defer cancel()
	var wg sync.WaitGroup
	for _, e := range o.events {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case <-lctx.Done():
				e.err = errors.New("the load ended first")
				return
			case <-time.After(e.at):
			}
			e.start = time.Since(r.start)
			// Not bound to the load's context: a failover half done must finish.
			out, err := exec.CommandContext(ctx, "sh", "-c", e.cmd).CombinedOutput()
			e.end, e.out, e.err = time.Since(r.start), strings.TrimSpace(string(out)), err
			fmt.Fprintf(stdout, "  %6.2fs %s: done in %.2fs\n", e.start.Seconds(), e.name, (e.end - e.start).Seconds())
		}()
	}
	for w, c := range r.clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.worker(lctx, o, w, c)
		}()
	}
	wg.Wait()
	r.loadEnd = time.Since(r.start)
	for _, e := range o.events {
		if e.err != nil {
			return nil, fmt.Errorf("%s (%s): %v\n%s", e.name, e.cmd, e.err, e.out)
		}
	}
	if o.burst > 0 {
		r.burstAfter = r.signupBurst(ctx, o, o.acts[o.activities+1])
		fmt.Fprintf(stdout, "sign-up capacity after failover (new primary): %.0f sign-ups/s\n", r.burstAfter)
	}
	return r, nil
}

// worker is one client's loop: mostly reads, some sign-ups and edits.
func (r *clusterRun) worker(ctx context.Context, o *clusterOpts, w int, c *clusterClient) {
	rng := rand.New(rand.NewPCG(uint64(w), 17))
	var retry []int64 // sign-up pairs whose answer was lost: asked again (sign-ups are idempotent)
	seq := 0
	mine := r.edits[w*len(r.edits)/o.conc : (w+1)*len(r.edits)/o.conc]
	pairs := int64(o.activities * len(o.memberIDs))
	for ctx.Err() == nil {
		switch n := rng.IntN(100); {
		case n < 25:
			p := int64(-1)
			if len(retry) > 0 {
				p, retry = retry[0], retry[1:]
			} else if q := r.next.Add(1) - 1; q < pairs {
				p = q
			}
			if p < 0 {
				continue
			}
			// Pairs go round the activities, so each fills at its own pace.
			act := o.acts[p%int64(o.activities)].id
			if !r.signup(ctx, o, c, act, o.memberIDs[p/int64(o.activities)]) && ctx.Err() == nil {
				retry = append(retry, p)
			}
		case n < 35 && len(mine) > 0:
			seq++
			r.edit(ctx, o, c, mine[seq%len(mine)], fmt.Sprintf("演练岗位 %d-%d", w, seq))
		case n < 65:
			paths := []string{"/api/v1/activities?limit=20", "/api/v1/members?limit=20",
				"/api/v1/members/" + db.FormatID(o.memberIDs[rng.IntN(len(o.memberIDs))]),
				"/api/v1/activities/" + db.FormatID(o.acts[rng.IntN(o.activities)].id) + "/registrations?limit=20"}
			code, _ := c.call(ctx, o.base, "GET", paths[rng.IntN(len(paths))], nil, nil)
			r.done(ctx, hitRead, code)
		default:
			paths := []string{"/", "/members", "/activities",
				"/members/" + db.FormatID(o.memberIDs[rng.IntN(len(o.memberIDs))])}
			code, _ := c.call(ctx, o.base, "GET", paths[rng.IntN(len(paths))], nil, nil)
			if code/100 == 3 {
				code = http.StatusUnauthorized // sent to the sign-in page: the session was lost
			}
			r.done(ctx, hitPage, code)
		}
	}
}

// done records an answer unless the load's end cut the request short.
func (r *clusterRun) done(ctx context.Context, kind uint8, code int) {
	if code == 0 && ctx.Err() != nil {
		return
	}
	r.record(kind, code)
}

// signup signs a member up in the mixed load; false when the outcome is
// unknown (no answer, or a 5xx), to be asked again.
func (r *clusterRun) signup(ctx context.Context, o *clusterOpts, c *clusterClient, act, member int64) bool {
	code := r.post(ctx, o, c, act, member)
	r.done(ctx, hitSignup, code)
	return code != 0 && code < 500
}

// post sends one sign-up and keeps its acknowledgement (201 made, 200
// already standing), to be checked on the database afterwards.
func (r *clusterRun) post(ctx context.Context, o *clusterOpts, c *clusterClient, act, member int64) int {
	var reg struct {
		Status string `json:"status"`
		Seq    int64  `json:"seq"`
	}
	code, err := c.call(ctx, o.base, "POST", "/api/v1/activities/"+db.FormatID(act)+"/registrations",
		map[string]string{"member_id": db.FormatID(member)}, &reg)
	if err != nil && code != 0 {
		return 0 // an answer that did not decode is no acknowledgement
	}
	if code == 200 || code == 201 {
		r.mu.Lock()
		r.acks = append(r.acks, signupAck{act: act, member: member, seq: reg.Seq, status: reg.Status})
		r.mu.Unlock()
	}
	return code
}

// edit reads a member's record and writes it back with a new job title at
// the version read.
func (r *clusterRun) edit(ctx context.Context, o *clusterOpts, c *clusterClient, e *editState, job string) {
	var m struct {
		Name         string   `json:"name"`
		EmployerID   string   `json:"employer_id"`
		EmployerName string   `json:"employer_name"`
		Tags         []string `json:"tags"`
		JoinedOn     string   `json:"joined_on"`
		Version      int      `json:"version"`
	}
	path := "/api/v1/members/" + db.FormatID(e.member)
	code, err := c.call(ctx, o.base, "GET", path, nil, &m)
	r.done(ctx, hitRead, code)
	if code != 200 || err != nil {
		return
	}
	code, _ = c.call(ctx, o.base, "PUT", path, map[string]any{"name": m.Name, "employer_id": m.EmployerID,
		"employer_name": m.EmployerName, "job": job, "tags": m.Tags, "joined_on": m.JoinedOn, "version": m.Version}, nil)
	r.done(ctx, hitEdit, code)
	switch {
	case code == 200:
		e.acked, e.doubt = job, nil
	case code == 0 || code >= 500 || code == 409:
		// No answer, or a PUT the balancer replayed on another node after
		// the first had written (409: stale version): it may have landed.
		e.doubt = append(e.doubt, job)
	}
}

// signupBurst signs members up for act from every client for o.burst and
// returns acknowledged sign-ups per second.
func (r *clusterRun) signupBurst(ctx context.Context, o *clusterOpts, act clusterActivity) float64 {
	bctx, cancel := context.WithTimeout(ctx, o.burst)
	defer cancel()
	var next, acked atomic.Int64
	start := time.Now()
	var wg sync.WaitGroup
	for _, c := range r.clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for bctx.Err() == nil {
				i := next.Add(1) - 1
				if i >= int64(len(o.memberIDs)) {
					return
				}
				if r.post(bctx, o, c, act.id, o.memberIDs[i]) == http.StatusCreated {
					acked.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	return float64(acked.Load()) / time.Since(start).Seconds()
}
