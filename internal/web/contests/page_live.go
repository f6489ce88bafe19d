package contests

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"gonghui/internal/auth"
	"gonghui/internal/card"
	"gonghui/internal/contest"
	"gonghui/internal/contest/bank"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
	"gonghui/internal/i18n"
	"gonghui/internal/web"
)

// The live contest's staff pages: a contest's sessions with the form that
// starts one (GET/POST /contests/{id}/live), and the host screen
// (/contests/{id}/live/{session}) with its steps (POST …/{step}), the join
// code's QR image, its state and its stream (page_live_events.go). The host
// screen is rendered whole by the server from the session's state (it
// works, and resumes, without JavaScript: a reload reads the database);
// static/live.js keeps it current from the stream and takes the steps
// without leaving the page.

func liveURL(contestID, sessionID int64) string {
	return contestURL(contestID) + "/live/" + db.FormatID(sessionID)
}

// MemberLiveURL is a session's page on the phone.
func MemberLiveURL(code string) string { return "/m/live/" + code }

func livePhaseLabel(lang i18n.Lang, ph contest.LivePhase) string {
	return i18n.T(lang, "live.phase."+string(ph))
}

func livePhaseVariant(ph contest.LivePhase) string {
	switch ph {
	case contest.LiveOpen:
		return "success"
	case contest.LiveClosed, contest.LiveRevealed:
		return "info"
	case contest.LiveLobby:
		return "warning"
	}
	return "outline"
}

// liveSessionRow is a session in the contest's list.
type liveSessionRow struct {
	URL, Code, Mode, Phase, PhaseV, Progress, Created string
	Joined                                            int
}

// liveListData is the Data of a contest's sessions.
type liveListData struct {
	ContestURL, StartURL string
	Rows                 []liveSessionRow
	CanRun, HasTeams     bool
	ModeOptions          []web.Option
	Tabs                 []web.Tab
}

func (h *Pages) liveList(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	v, ok := h.contestFor(w, r, p)
	if !ok {
		return nil
	}
	return h.renderLiveList(w, r, p, v.Contest, nil, http.StatusOK)
}

func (h *Pages) renderLiveList(w http.ResponseWriter, r *http.Request, p *auth.Principal, c *contest.Contest, form *web.Form, status int) error {
	list, err := h.Contests.LiveSessions(r.Context(), p, c.ID)
	if err != nil {
		return err
	}
	pg := h.Page(w, r, p, "live.list.title", "contests")
	pg.Form = form
	base := contestURL(c.ID)
	pg.Crumbs = []web.Crumb{{Label: pg.T("kweb.list.title"), URL: "/contests"}, {Label: c.Title, URL: base}, {Label: pg.T("live.list.title")}}
	d := &liveListData{ContestURL: base, StartURL: base + "/live", CanRun: p.CanAt(auth.PermContestWrite, c.OrgPath) && c.Status != contest.StatusCancelled,
		Tabs: append(contestTabs(pg, c, ""), web.Tab{Label: pg.T("live.tab"), URL: base + "/live", Current: true})}
	if _, n, _, err := h.Contests.TeamBoard(r.Context(), p, c.ID, 0, 1); err == nil {
		d.HasTeams = n > 0
	}
	for _, m := range contest.LiveModes {
		if m == contest.LiveTeams && !d.HasTeams {
			continue
		}
		d.ModeOptions = append(d.ModeOptions, web.Option{Value: string(m), Label: pg.T("live.mode." + string(m))})
	}
	for _, s := range list {
		row := liveSessionRow{URL: liveURL(c.ID, s.ID), Code: s.Code, Mode: pg.T("live.mode." + string(s.Mode)), Phase: livePhaseLabel(pg.Lang, s.Phase),
			PhaseV: livePhaseVariant(s.Phase), Created: web.FormatTime(s.CreatedAt, "2006-01-02 15:04"), Joined: s.Joined,
			Progress: pg.T("live.progress", max(s.Position+1, 0), s.Questions)}
		d.Rows = append(d.Rows, row)
	}
	pg.Data = d
	h.Render(w, status, "live_list", pg)
	return nil
}

// liveStart: POST /contests/{id}/live.
func (h *Pages) liveStart(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	c, ok := h.contestWritable(w, r, p)
	if !ok {
		return nil
	}
	f := errs.Fields{}
	in := contest.LiveInput{Mode: contest.LiveMode(web.FormValue(r, "mode")), SpeedBonus: web.FormValue(r, "speed_bonus") != ""}
	web.ParseIntField(f, r, "seconds", contest.LiveDefaultSeconds, &in.Seconds)
	err := f.Err()
	var s *contest.LiveSession
	if err == nil {
		s, err = h.Contests.StartLive(r.Context(), p, c.ID, in)
	}
	if err != nil {
		pg := h.Page(w, r, p, "live.list.title", "contests")
		form, ok := web.FormFrom(pg, r, err)
		if !ok {
			return err
		}
		return h.renderLiveList(w, r, p, c, form, web.FormStatus(err))
	}
	web.Redirect(w, r, liveURL(c.ID, s.ID), "")
	return nil
}

// liveOpt is an entry of the question shown: an option, true or false, or
// right/wrong for blanks; with its count once closed.
type liveOpt struct {
	Letter, Label   string
	Count, Pct      int
	Right, Mine     bool
	Value, Name     string // the phone's input
	Multiple, Blank bool
}

// liveBoardRow is a row of the board in words.
type liveBoardRow struct {
	Rank, Score int
	Name, Time  string
}

// liveSeconds is a time in seconds with one decimal (the script shows it
// the same way).
func liveSeconds(ms int64) string { return strconv.FormatFloat(float64(ms)/1000, 'f', 1, 64) }

// liveView is a state as the pages render it before the script takes over.
type liveView struct {
	State               *contest.LiveState
	Phase, PhaseV       string
	Type                string
	Opts                []liveOpt
	Tallied, Revealed   bool
	Key                 string
	Clock               string
	Board               []liveBoardRow
	More                int // joined beyond the names shown
	Msgs                string
	StateURL, EventsURL string
}

// liveViewOf lays out st in lang.
func liveViewOf(lang i18n.Lang, st *contest.LiveState) liveView {
	v := liveView{State: st, Phase: livePhaseLabel(lang, st.Phase), PhaseV: livePhaseVariant(st.Phase), Tallied: st.Tally != nil,
		Revealed: st.Right != nil, More: st.Joined - len(st.Names)}
	for _, b := range st.Board {
		v.Board = append(v.Board, liveBoardRow{Rank: b.Rank, Name: b.Name, Score: b.Score, Time: i18n.T(lang, "live.js.time_v", liveSeconds(b.TimeMS))})
	}
	if st.Phase == contest.LiveOpen {
		v.Clock = strconv.Itoa((st.Remaining + 999) / 1000)
	}
	q := st.Question
	if q == nil {
		return v
	}
	v.Type = string(q.Type)
	labels := q.Options
	letters := make([]string, len(labels))
	for i := range labels {
		letters[i] = bank.Letter(i)
	}
	switch q.Type {
	case bank.TrueFalse:
		labels, letters = []string{i18n.T(lang, "portal.contest.true"), i18n.T(lang, "portal.contest.false")}, []string{"✓", "✗"}
	case bank.Blank:
		labels, letters = []string{i18n.T(lang, "live.tally.right"), i18n.T(lang, "live.tally.wrong")}, []string{"✓", "✗"}
	}
	total := 0
	for _, n := range st.Tally {
		total += n
	}
	for i, l := range labels {
		o := liveOpt{Letter: letters[i], Label: l, Right: slices.Contains(st.Right, i), Value: strconv.Itoa(i)}
		if i < len(st.Tally) {
			o.Count = st.Tally[i]
			if total > 0 {
				o.Pct = o.Count * 100 / total
			}
		}
		v.Opts = append(v.Opts, o)
	}
	if len(st.Blanks) > 0 {
		parts := make([]string, len(st.Blanks))
		for i, alts := range st.Blanks {
			parts[i] = i18n.T(lang, "bweb.key.blank", i+1, strings.Join(alts, i18n.T(lang, "bweb.key.or")))
		}
		v.Key = strings.Join(parts, i18n.T(lang, "bweb.key.blank_sep"))
	}
	return v
}

// liveMsgs are the script's words.
func liveMsgs(lang i18n.Lang) string {
	m := map[string]string{}
	for _, k := range []string{"live.js.reconnecting", "live.js.offline", "live.js.answered", "live.js.sending", "live.js.right", "live.js.wrong",
		"live.js.partial", "live.js.no_answer", "live.js.rank", "live.js.score", "live.js.teammate", "live.js.joined", "live.js.waiting",
		"live.js.seconds", "live.js.answers", "live.js.time", "live.tally.right", "live.tally.wrong", "portal.contest.true", "portal.contest.false",
		"live.board.empty", "live.js.submit", "live.js.blank_n", "live.js.more", "live.js.key", "live.js.multiple_hint", "live.board.rank",
		"live.board.name", "live.board.score", "live.board.time", "live.js.ended_me", "live.js.answers_n", "live.js.points", "live.js.worth", "live.js.your",
		"live.js.time_v", "live.phone.as", "live.phone.lobby", "live.progress", "live.progress_none", "live.host.ended", "live.host.join_now",
		"live.code.label", "live.step.end_confirm", "live.phone.join_individual", "live.phone.join_team"} {
		m[k] = i18n.T(lang, k)
	}
	for _, ph := range contest.LivePhases {
		m["phase."+string(ph)] = livePhaseLabel(lang, ph)
		m["variant."+string(ph)] = livePhaseVariant(ph)
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// liveHostData is the Data of the host screen.
type liveHostData struct {
	liveView
	ContestURL, ListURL, URL string
	JoinURL, QRURL           string
	CanNext, CanClose        bool
	CanReveal, CanEnd        bool
	Version                  int
	Error                    string // a refused step, in words
}

func (h *Pages) liveHost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	cid, sid, err := liveParams(r)
	if err != nil {
		return err
	}
	return h.renderHost(w, r, p, cid, sid, "", http.StatusOK)
}

// renderHost renders the host screen, with a refused step's message.
func (h *Pages) renderHost(w http.ResponseWriter, r *http.Request, p *auth.Principal, cid, sid int64, refusal string, status int) error {
	st, err := h.Contests.LiveHostState(r.Context(), p, cid, sid)
	if err != nil {
		return err
	}
	pg := h.Page(w, r, p, "live.host.title", "contests")
	pg.Title = st.Title
	url := liveURL(cid, sid)
	if r.Method != http.MethodGet {
		pg.Path = url
	}
	pg.Crumbs = []web.Crumb{{Label: pg.T("kweb.list.title"), URL: "/contests"}, {Label: st.Title, URL: contestURL(cid)},
		{Label: pg.T("live.list.title"), URL: contestURL(cid) + "/live"}, {Label: st.Code}}
	d := &liveHostData{liveView: liveViewOf(pg.Lang, st), ContestURL: contestURL(cid), ListURL: contestURL(cid) + "/live", URL: url,
		JoinURL: h.liveJoinURL(r, st.Code), QRURL: url + "/qr.png", Version: st.Version, Error: refusal}
	d.StateURL, d.EventsURL, d.Msgs = url+"/state", url+"/events", liveMsgs(pg.Lang)
	if st.CanRun {
		d.CanNext = (st.Phase == contest.LiveLobby || st.Phase == contest.LiveClosed || st.Phase == contest.LiveRevealed) && st.Position+1 < st.Total
		d.CanClose = st.Phase == contest.LiveOpen
		d.CanReveal = st.Phase == contest.LiveClosed
		d.CanEnd = st.Phase != contest.LiveEnded
	}
	pg.Data = d
	h.Render(w, status, "live_host", pg)
	return nil
}

// liveJoinURL is the phone's address of a session, in full (for the QR).
func (h *Pages) liveJoinURL(r *http.Request, code string) string {
	scheme := "http"
	if httpx.Secure(r, h.HTTP) {
		scheme = "https"
	}
	return scheme + "://" + r.Host + MemberLiveURL(code)
}

// liveQR: GET /contests/{id}/live/{session}/qr.png.
func (h *Pages) liveQR(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	cid, sid, err := liveParams(r)
	if err != nil {
		return err
	}
	st, err := h.Contests.LiveHostState(r.Context(), p, cid, sid)
	if err != nil {
		return err
	}
	png, err := card.PNG(h.liveJoinURL(r, st.Code), 480)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "private, max-age=3600")
	_, _ = w.Write(png)
	return nil
}

// liveStep: POST /contests/{id}/live/{session}/{step}. The script asks for
// JSON (the new state, or the error in words); a form goes back to the
// host screen with the refusal as its notice.
func (h *Pages) liveStep(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	cid, sid, err := liveParams(r)
	if err != nil {
		return err
	}
	version, _ := strconv.Atoi(web.FormValue(r, "version"))
	st, err := h.Contests.LiveAct(r.Context(), p, cid, sid, contest.LiveStep(r.PathValue("step")), version)
	if web.WantsJSON(r) {
		if err != nil {
			return liveJSONError(w, r, err)
		}
		web.WriteJSON(w, http.StatusOK, st)
		return nil
	}
	if err != nil {
		if _, ok := errs.As(err); !ok || httpx.Status(err) >= 500 || errs.Is(err, errs.KindNotFound) {
			return err
		}
		return h.renderHost(w, r, p, cid, sid, web.ErrMessage(i18n.FromRequest(r), err), httpx.Status(err))
	}
	web.Redirect(w, r, liveURL(cid, sid), "")
	return nil
}

// liveError is a refusal as the script gets it.
type liveError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func liveJSONError(w http.ResponseWriter, r *http.Request, err error) error {
	e, ok := errs.As(err)
	if !ok || httpx.Status(err) >= 500 {
		return err
	}
	web.WriteJSON(w, httpx.Status(e), liveError{Code: e.Code, Message: web.ErrMessage(i18n.FromRequest(r), err)})
	return nil
}
