package app

import (
	"slices"
	"testing"
	"time"
)

// The drill's verdict is computed from the answers it recorded: runs of
// 5xx counted in order, phases cut at the events, and a run after the
// node's death longer than the health-check interval fails the drill.
func TestClusterSummary(t *testing.T) {
	s := func(sec float64) time.Duration { return time.Duration(sec * float64(time.Second)) }
	o := &clusterOpts{conc: 2, failTimeout: 2 * time.Second, events: []*clusterEvent{
		{name: "kill node", start: s(10), end: s(10.1)},
		{name: "failover", start: s(20), end: s(22)},
	}}
	r := &clusterRun{loadEnd: s(30), verdict: clusterVerdict{Acked: 5, EditsAcked: 2}}
	add := func(at float64, kind uint8, status int) {
		r.hits = append(r.hits, hit{at: s(at), kind: kind, status: status})
	}
	for i := range 10 {
		add(float64(i), hitSignup, 201)
	}
	// The node dies: two 502s in a row half a second apart, then a success.
	add(10.2, hitPage, 502)
	add(10.7, hitSignup, 0)
	add(10.8, hitRead, 200)
	add(11, hitEdit, 409) // a replayed PUT: expected, not an unexpected 4xx
	// The failover: three 500s, the first write back at 23s.
	add(20.1, hitRead, 500)
	add(20.5, hitRead, 500)
	add(21.5, hitSignup, 500)
	add(23, hitSignup, 201)
	add(25, hitEdit, 200)
	slices.Reverse(r.hits) // summarise sorts them

	sum := r.summarise(o)
	if !sum.Passed {
		t.Fatalf("failed: %v", sum.FailureCause)
	}
	if sum.Requests != 19 || sum.Errors5xx != 5 || sum.NoAnswer != 1 || sum.Other4xx != 0 {
		t.Fatalf("counts: %+v", sum)
	}
	names := []string{}
	for _, p := range sum.Phases {
		names = append(names, p.Name)
	}
	if !slices.Equal(names, []string{"before", "node down", "failover and after", "after recovery"}) {
		t.Fatalf("phases %v", names)
	}
	down, fail, after := sum.Phases[1], sum.Phases[2], sum.Phases[3]
	if down.LongestRun != 2 || down.RunSeconds < 0.49 || down.RunSeconds > 0.51 || down.Errors5xx != 2 {
		t.Fatalf("node down: %+v", down)
	}
	if fail.LongestRun != 3 || fail.RunSeconds < 1.39 || fail.RunSeconds > 1.41 {
		t.Fatalf("failover: %+v", fail)
	}
	if after.From != 23 || after.Errors5xx != 0 || after.Requests != 2 {
		t.Fatalf("after recovery: %+v", after)
	}
	if sum.Unavailable != 3 {
		t.Fatalf("writes unavailable %.2fs, want 3s", sum.Unavailable)
	}
	if before := sum.Phases[0]; before.SignupsPS != 1 {
		t.Fatalf("before: %.2f sign-ups/s, want 1", before.SignupsPS)
	}

	// A run after the node's death longer than fail_timeout fails the
	// drill, and so does any lost write, oversold seat or lost token.
	add(12, hitRead, 502)
	add(12.5, hitRead, 502)
	add(14.9, hitRead, 503)
	r.verdict = clusterVerdict{Acked: 5, EditsAcked: 2, LostSignups: 1, Oversold: 1, TokensLost: 1}
	sum = r.summarise(o)
	if sum.Passed || len(sum.FailureCause) != 4 {
		t.Fatalf("want four failures, got %v", sum.FailureCause)
	}
}
