package contest

import (
	"context"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/errs"
)

// The live sessions' screens are pushed their state (server-sent events in
// the pages). Several server processes may serve one session, so no process
// can rely on its own broadcast: each process that has screens watching a
// session polls the session's row (its version, phase and closing, and the
// answers' and participants' counts: one small query) every LivePoll while
// it has watchers, one poll per process and session whatever the number
// of screens, and when anything moved it reads the session once and
// signals its screens. Answers are counted rather than moving the version,
// so that hundreds of phones answering at once do not queue on one row.

// LivePoll is how often a process looks at a watched session.
const LivePoll = 500 * time.Millisecond

// LiveHub is a process's watchers of live sessions.
type LiveHub struct {
	s       *Store
	every   time.Duration
	mu      sync.Mutex
	watches map[int64]*liveWatch
	done    chan struct{}
	closed  bool
}

type liveWatch struct {
	id   int64
	subs map[*LiveSub]struct{}
	snap *liveSnap
	stop context.CancelFunc
}

// LiveSub is one screen watching a session. C receives a signal when a
// newer state waits (State reads it); it is closed when the hub shuts
// down.
type LiveSub struct {
	C      chan struct{}
	hub    *LiveHub
	w      *liveWatch
	viewer liveViewer
}

var liveHubs sync.Map // *Store -> *LiveHub

// LiveHub is the store's hub (one per store and process).
func (s *Store) LiveHub() *LiveHub {
	if h, ok := liveHubs.Load(s); ok {
		return h.(*LiveHub)
	}
	h, _ := liveHubs.LoadOrStore(s, &LiveHub{s: s, every: LivePoll, watches: map[int64]*liveWatch{}, done: make(chan struct{})})
	return h.(*LiveHub)
}

// SetEvery changes how often the hub polls (tests).
func (h *LiveHub) SetEvery(d time.Duration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.every = d
}

// Close ends every watch: the screens' channels are closed, so their
// streams end (on the server's shutdown). Watching afterwards is refused.
func (h *LiveHub) Close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return
	}
	h.closed = true
	close(h.done)
	for id, w := range h.watches {
		w.stop()
		for sub := range w.subs {
			close(sub.C)
		}
		delete(h.watches, id)
	}
}

// Watching reports how many sessions the hub polls (tests).
func (h *LiveHub) Watching() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.watches)
}

func (h *LiveHub) subscribe(id int64, v liveViewer) (*LiveSub, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, errs.Conflict("shutting_down", "live.unavailable")
	}
	w := h.watches[id]
	if w == nil {
		ctx, cancel := context.WithCancel(context.Background())
		w = &liveWatch{id: id, subs: map[*LiveSub]struct{}{}, stop: cancel}
		h.watches[id] = w
		go h.poll(ctx, w, h.every)
	}
	sub := &LiveSub{C: make(chan struct{}, 1), hub: h, w: w, viewer: v}
	w.subs[sub] = struct{}{}
	if w.snap != nil {
		sub.C <- struct{}{}
	}
	return sub, nil
}

// Close stops watching; the last screen of a session stops its poll.
func (sub *LiveSub) Close() {
	h := sub.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	w := sub.w
	if _, ok := w.subs[sub]; !ok {
		return
	}
	delete(w.subs, sub)
	if len(w.subs) == 0 && h.watches[w.id] == w {
		w.stop()
		delete(h.watches, w.id)
	}
}

// State is the newest state for this screen (nil before the first read).
func (sub *LiveSub) State() *LiveState {
	sub.hub.mu.Lock()
	snap := sub.w.snap
	sub.hub.mu.Unlock()
	if snap == nil {
		return nil
	}
	st := snap.view(sub.hub.s.stamp(), sub.viewer)
	return &st
}

// poll watches one session until its last screen leaves.
func (h *LiveHub) poll(ctx context.Context, w *liveWatch, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	last := ""
	for {
		key, err := h.s.livePollKey(ctx, w.id)
		if err == nil && key != last {
			var snap *liveSnap
			if snap, err = h.s.liveSnapshot(ctx, w.id); err == nil {
				last = key
				h.publish(w, snap)
			}
		}
		if err != nil && ctx.Err() == nil {
			slog.Warn("live: poll", "session", w.id, "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (h *LiveHub) publish(w *liveWatch, snap *liveSnap) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed || h.watches[w.id] != w {
		return
	}
	w.snap = snap
	for sub := range w.subs {
		select {
		case sub.C <- struct{}{}:
		default: // a signal already waits
		}
	}
}

// livePollKey is what a watcher compares between polls: anything a screen
// shows that moves.
func (s *Store) livePollKey(ctx context.Context, id int64) (string, error) {
	var version, position, answers, joined, members int
	var phase LivePhase
	var closes int64
	err := s.DB.QueryRow(ctx, `SELECT s.version, s.phase, s.position, s.closes_at,
		(SELECT COUNT(*) FROM live_answers a WHERE a.session_id = s.id AND a.position = s.position),
		(SELECT COUNT(*) FROM live_participants p WHERE p.session_id = s.id),
		(SELECT COUNT(*) FROM live_members m WHERE m.session_id = s.id)
		FROM live_sessions s WHERE s.id = ?`, id).Scan(&version, &phase, &position, &closes, &answers, &joined, &members)
	if err != nil {
		return "", err
	}
	r := liveRow{phase: phase, closesAt: closes}
	return strconv.Itoa(version) + "/" + string(r.effective(s.stamp())) + "/" + strconv.Itoa(answers) + "/" + strconv.Itoa(joined) + "/" +
		strconv.Itoa(members), nil
}

// WatchHost watches session id of a contest the caller sees, for its host
// screen.
func (s *Store) WatchHost(ctx context.Context, pr *auth.Principal, contestID, id int64) (*LiveSub, error) {
	r, c, err := s.hostSession(ctx, pr, contestID, id, false)
	if err != nil {
		return nil, err
	}
	return s.LiveHub().subscribe(r.id, liveViewer{host: true, canRun: rule.CanWrite(pr, c.OrgPath)})
}

// WatchMember watches the session of code for the member's phone.
func (s *Store) WatchMember(ctx context.Context, pr *auth.Principal, code string) (*LiveSub, error) {
	r, _, m, err := s.memberSession(ctx, pr, code)
	if err != nil {
		return nil, err
	}
	return s.LiveHub().subscribe(r.id, liveViewer{member: m.ID})
}
