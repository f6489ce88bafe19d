package contests

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/contest"
	"gonghui/internal/web"
)

// The live screens' streams (server-sent events): GET …/events answers
// text/event-stream, one "state" event (a contest.LiveState as JSON) when
// the screen connects and whenever the session changes, a comment every
// liveKeepAlive so that a gone client is noticed. The process's hub polls
// the database for changes (internal/contest/live_hub.go), so a screen
// connected to one process sees what the host did on another. GET …/state
// answers the same state once, for a page without EventSource or after a
// reconnect.

// liveKeepAlive is how often an idle stream says it is alive.
var liveKeepAlive = 15 * time.Second

// streamLive writes sub's states to w until the client leaves (the
// request's context ends), the hub closes (the server shuts down) or a
// write fails.
func streamLive(w http.ResponseWriter, r *http.Request, sub *contest.LiveSub) {
	defer sub.Close()
	rc := http.NewResponseController(w)
	// The server's deadlines are for pages, not for a stream that lasts as
	// long as its screen; a read deadline, when it passes, would also end
	// the request's context.
	_ = rc.SetWriteDeadline(time.Time{})
	_ = rc.SetReadDeadline(time.Time{})
	h := w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // a proxy in front must not hold the events back
	w.WriteHeader(http.StatusOK)
	if _, err := w.Write([]byte("retry: 2000\n\n")); err != nil || rc.Flush() != nil {
		return
	}
	ping := time.NewTicker(liveKeepAlive)
	defer ping.Stop()
	for {
		var out []byte
		select {
		case <-r.Context().Done():
			return
		case _, open := <-sub.C:
			if !open {
				return
			}
			st := sub.State()
			if st == nil {
				continue
			}
			b, err := json.Marshal(st)
			if err != nil {
				return
			}
			out = append([]byte("id: "+strconv.Itoa(st.Version)+"\nevent: state\ndata: "), b...)
			out = append(out, "\n\n"...)
		case <-ping.C:
			out = []byte(": ping\n\n")
		}
		if _, err := w.Write(out); err != nil || rc.Flush() != nil {
			return
		}
	}
}

// liveHostEvents: GET /contests/{id}/live/{session}/events.
func (h *Pages) liveHostEvents(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	cid, sid, err := liveParams(r)
	if err != nil {
		return err
	}
	sub, err := h.Contests.WatchHost(r.Context(), p, cid, sid)
	if err != nil {
		return err
	}
	streamLive(w, r, sub)
	return nil
}

// livePhoneEvents: GET /m/live/{code}/events.
func (h *Pages) livePhoneEvents(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	sub, err := h.Contests.WatchMember(r.Context(), p, r.PathValue("code"))
	if err != nil {
		return err
	}
	streamLive(w, r, sub)
	return nil
}

// liveHostState: GET /contests/{id}/live/{session}/state.
func (h *Pages) liveHostState(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	cid, sid, err := liveParams(r)
	if err != nil {
		return err
	}
	st, err := h.Contests.LiveHostState(r.Context(), p, cid, sid)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, st)
	return nil
}

// livePhoneState: GET /m/live/{code}/state.
func (h *Pages) livePhoneState(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	st, err := h.Contests.LiveMemberState(r.Context(), p, r.PathValue("code"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, st)
	return nil
}

// liveParams reads {id} and {session}.
func liveParams(r *http.Request) (contestID, sessionID int64, err error) {
	if contestID, err = web.IDParam(r, "id"); err != nil {
		return 0, 0, err
	}
	sessionID, err = web.IDParam(r, "session")
	return contestID, sessionID, err
}
