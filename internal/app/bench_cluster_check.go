package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"

	"gonghui/internal/db"
)

// clusterVerdict is what the check found on the database after the load.
type clusterVerdict struct {
	Acked       int `json:"acknowledged_signups"`
	LostSignups int `json:"lost_signups"`
	EditsAcked  int `json:"acknowledged_edits"`
	LostEdits   int `json:"lost_edits"`
	Oversold    int `json:"oversold_seats"`
	// Full: the load's activities whose seats were all taken (the limit
	// was reached, people waited); Waiting: sign-ups on waiting lists.
	Full    int `json:"activities_full"`
	Waiting int `json:"waiting"`
	// CountersOff: activities whose confirmed counter differs from their rows.
	CountersOff  int `json:"counters_off"`
	SessionsLost int `json:"sessions_lost"`
	TokensLost   int `json:"tokens_lost"`
}

// check reads every acknowledged write back from the database the nodes
// now use (dsn names every host; the one accepting writes answers) and
// asks, through the balancer, whether every session and token still works.
func (r *clusterRun) check(ctx context.Context, dsn string, o *clusterOpts) error {
	d, err := db.Open(ctx, dsn, db.Options{MaxConns: 2})
	if err != nil {
		return fmt.Errorf("check: %w", err)
	}
	defer d.Close()
	v := &r.verdict
	type key struct{ act, member int64 }
	type row struct {
		status string
		seq    int64
	}
	have := map[key]row{}
	for i, a := range o.acts {
		rows, err := d.Query(ctx, "SELECT member_id, status, seq FROM registrations WHERE activity_id = ?", a.id)
		if err != nil {
			return fmt.Errorf("check: %w", err)
		}
		confirmed, waiting := 0, 0
		for rows.Next() {
			var m int64
			var x row
			if err := rows.Scan(&m, &x.status, &x.seq); err != nil {
				rows.Close()
				return fmt.Errorf("check: %w", err)
			}
			have[key{a.id, m}] = x
			switch x.status {
			case "confirmed":
				confirmed++
			case "waiting":
				waiting++
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("check: %w", err)
		}
		v.Oversold += max(confirmed-a.capacity, 0)
		if i < o.activities && confirmed >= a.capacity {
			v.Full++
			v.Waiting += waiting
		}
		var counter int
		if err := d.QueryRow(ctx, "SELECT confirmed FROM activities WHERE id = ?", a.id).Scan(&counter); err != nil {
			return fmt.Errorf("check: %w", err)
		}
		if counter != confirmed {
			v.CountersOff++
		}
	}
	seen := map[key]bool{}
	for _, a := range r.acks {
		k := key{a.act, a.member}
		if seen[k] {
			continue // asked again after a lost answer: the same registration
		}
		seen[k] = true
		v.Acked++
		// Nobody withdraws in the drill, so nothing moves a registration on
		// from what was answered.
		if x, ok := have[k]; !ok || x.seq != a.seq || x.status != a.status {
			v.LostSignups++
		}
	}
	for _, e := range r.edits {
		if e.acked == "" {
			continue
		}
		v.EditsAcked++
		var job string
		if err := d.QueryRow(ctx, "SELECT job FROM members WHERE id = ?", e.member).Scan(&job); err != nil {
			return fmt.Errorf("check: %w", err)
		}
		if job != e.acked && !slices.Contains(e.doubt, job) {
			v.LostEdits++
		}
	}
	for _, c := range r.clients {
		if code, _ := c.call(ctx, o.base, "GET", "/api/v1/me", nil, nil); code != 200 {
			v.TokensLost++
		}
		if code, _ := c.call(ctx, o.base, "GET", "/members", nil, nil); code != 200 {
			v.SessionsLost++
		}
	}
	return nil
}

// clusterPhase is the load between two moments: its requests and sign-ups
// per second.
type clusterPhase struct {
	Name       string  `json:"name"`
	From       float64 `json:"from_s"`
	To         float64 `json:"to_s"`
	Requests   int     `json:"requests"`
	Errors5xx  int     `json:"errors_5xx"`
	PerSecond  float64 `json:"requests_per_s"`
	SignupsPS  float64 `json:"signups_per_s"`
	EditsPS    float64 `json:"edits_per_s"`
	LongestRun int     `json:"longest_5xx_run"`
	RunSeconds float64 `json:"longest_5xx_run_s"`
}

// clusterSummary is what the drill prints and writes.
type clusterSummary struct {
	Cores        int            `json:"cores"`
	Clients      int            `json:"clients"`
	Seconds      float64        `json:"load_s"`
	Requests     int            `json:"requests"`
	ByKind       map[string]int `json:"requests_by_kind"`
	Errors5xx    int            `json:"errors_5xx"`
	NoAnswer     int            `json:"no_answer"`
	Other4xx     int            `json:"unexpected_4xx"`
	Phases       []clusterPhase `json:"phases"`
	Unavailable  float64        `json:"writes_unavailable_s"` // from the failover's start to the first write acknowledged after it
	FailTimeout  float64        `json:"fail_timeout_s"`
	BurstBefore  float64        `json:"signup_capacity_before_per_s"`
	BurstAfter   float64        `json:"signup_capacity_after_per_s"`
	Verdict      clusterVerdict `json:"verdict"`
	Passed       bool           `json:"passed"`
	FailureCause []string       `json:"failures,omitempty"`
}

func bad(code int) bool { return code == 0 || code >= 500 }

// phase sums the hits between from and to.
func (r *clusterRun) phase(name string, from, to time.Duration) clusterPhase {
	p := clusterPhase{Name: name, From: from.Seconds(), To: to.Seconds()}
	signups, edits := 0, 0
	run, runStart := 0, time.Duration(0)
	for _, h := range r.hits {
		if h.at < from || h.at >= to {
			continue
		}
		p.Requests++
		if bad(h.status) {
			p.Errors5xx++
			if run == 0 {
				runStart = h.at
			}
			run++
			if run > p.LongestRun {
				p.LongestRun = run
			}
			p.RunSeconds = max(p.RunSeconds, (h.at - runStart).Seconds())
			continue
		}
		run = 0
		switch {
		case h.kind == hitSignup && h.status/100 == 2:
			signups++
		case h.kind == hitEdit && h.status == 200:
			edits++
		}
	}
	if secs := (to - from).Seconds(); secs > 0 {
		p.PerSecond, p.SignupsPS, p.EditsPS = float64(p.Requests)/secs, float64(signups)/secs, float64(edits)/secs
	}
	return p
}

// summarise counts the load and cuts it into phases at the events: before
// the node dies, with a node down, the failover, after it.
func (r *clusterRun) summarise(o *clusterOpts) clusterSummary {
	slices.SortFunc(r.hits, func(a, b hit) int { return int(a.at - b.at) })
	s := clusterSummary{Cores: runtime.NumCPU(), Clients: o.conc, Seconds: r.loadEnd.Seconds(), Requests: len(r.hits),
		ByKind: map[string]int{}, FailTimeout: o.failTimeout.Seconds(),
		BurstBefore: r.burstBefore, BurstAfter: r.burstAfter, Verdict: r.verdict}
	names := []string{"api_read", "page", "signup", "member_edit"}
	for _, h := range r.hits {
		s.ByKind[names[h.kind]]++
		switch {
		case h.status == 0:
			s.NoAnswer++
			s.Errors5xx++
		case h.status >= 500:
			s.Errors5xx++
		case h.status >= 400 && !(h.kind == hitEdit && h.status == 409):
			s.Other4xx++
		}
	}
	marks := []struct {
		name string
		at   time.Duration
	}{{"before", 0}}
	for _, e := range o.events {
		name := "node down"
		if e.name == "failover" {
			name = "failover and after"
		}
		marks = append(marks, struct {
			name string
			at   time.Duration
		}{name, e.start})
	}
	for i, m := range marks {
		to := r.loadEnd
		if i+1 < len(marks) {
			to = marks[i+1].at
		}
		s.Phases = append(s.Phases, r.phase(m.name, m.at, to))
	}
	for _, e := range o.events {
		if e.name != "failover" {
			continue
		}
		back := r.loadEnd
		for _, h := range r.hits {
			if h.at > e.end && (h.kind == hitSignup || h.kind == hitEdit) && h.status/100 == 2 {
				back = h.at
				break
			}
		}
		s.Unavailable = (back - e.start).Seconds()
		s.Phases = append(s.Phases, r.phase("after recovery", back, r.loadEnd))
	}
	v := s.Verdict
	fail := func(cond bool, why string) {
		if cond {
			s.FailureCause = append(s.FailureCause, why)
		}
	}
	fail(v.LostSignups > 0 || v.LostEdits > 0, "acknowledged writes lost")
	fail(v.Oversold > 0, "seats oversold")
	fail(v.CountersOff > 0, "an activity's seat counter differs from its sign-ups")
	fail(v.SessionsLost > 0 || v.TokensLost > 0, "sessions or tokens stopped working")
	fail(v.Acked == 0 || v.EditsAcked == 0, "no write was acknowledged")
	fail(s.Other4xx > 0, "unexpected 4xx answers")
	for _, p := range s.Phases {
		fail(p.Name == "node down" && p.RunSeconds > o.failTimeout.Seconds(), "a run of 5xx after the node died outlasted the health-check interval")
	}
	s.Passed = len(s.FailureCause) == 0
	return s
}

// report prints the summary, writes it to --summary (text and JSON), and
// fails when the drill did not pass.
func (r *clusterRun) report(o *clusterOpts, stdout io.Writer) error {
	s := r.summarise(o)
	var b strings.Builder
	fmt.Fprintf(&b, "cluster drill: %d CPU cores, %d clients, %.0fs of mixed load\n", s.Cores, s.Clients, s.Seconds)
	fmt.Fprintf(&b, "requests:                      %d (%d API reads, %d pages, %d sign-ups, %d member edits)\n",
		s.Requests, s.ByKind["api_read"], s.ByKind["page"], s.ByKind["signup"], s.ByKind["member_edit"])
	fmt.Fprintf(&b, "5xx answers:                   %d (%d with no answer at all); unexpected 4xx: %d\n", s.Errors5xx, s.NoAnswer, s.Other4xx)
	for _, p := range s.Phases {
		fmt.Fprintf(&b, "  %-19s %6.1f–%5.1fs %7.0f req/s %6.1f sign-ups/s %5.1f edits/s  5xx %4d, longest run %d (%.2fs)\n",
			p.Name, p.From, p.To, p.PerSecond, p.SignupsPS, p.EditsPS, p.Errors5xx, p.LongestRun, p.RunSeconds)
	}
	fmt.Fprintf(&b, "health-check interval:         %.1fs (nginx fail_timeout)\n", s.FailTimeout)
	if s.Unavailable > 0 {
		fmt.Fprintf(&b, "writes unavailable:            %.2fs (failover start to the first write acknowledged after it)\n", s.Unavailable)
	}
	v := s.Verdict
	fmt.Fprintf(&b, "acknowledged writes:           %d sign-ups, %d members' last edits\n", v.Acked, v.EditsAcked)
	fmt.Fprintf(&b, "lost acknowledged writes:      %d\n", v.LostSignups+v.LostEdits)
	fmt.Fprintf(&b, "oversold seats:                %d (seat counters off: %d; %d of %d activities full, %d waiting)\n",
		v.Oversold, v.CountersOff, v.Full, o.activities, v.Waiting)
	fmt.Fprintf(&b, "sessions, tokens lost:         %d, %d of %d each\n", v.SessionsLost, v.TokensLost, s.Clients)
	if s.BurstBefore > 0 {
		fmt.Fprintf(&b, "sign-up capacity:              %.0f/s before, %.0f/s after failover\n", s.BurstBefore, s.BurstAfter)
	}
	if s.Passed {
		b.WriteString("PASS\n")
	} else {
		fmt.Fprintf(&b, "FAIL: %s\n", strings.Join(s.FailureCause, "; "))
	}
	fmt.Fprint(stdout, b.String())
	if o.summary != "" {
		raw, _ := json.MarshalIndent(s, "", "  ")
		if err := errors.Join(os.WriteFile(o.summary, []byte(b.String()), 0o644),
			os.WriteFile(o.summary+".json", append(raw, '\n'), 0o644)); err != nil {
			return err
		}
	}
	if !s.Passed {
		return errors.New("cluster drill failed: " + strings.Join(s.FailureCause, "; "))
	}
	return nil
}
