package contests

import (
	"gonghui/internal/api"
	"gonghui/internal/contest"
	"gonghui/internal/contest/bank"
)

// The live contest's routes and what the OpenAPI document says of them.
// The screens' server-sent events are served by the pages
// (/contests/{id}/live/{session}/events, /m/live/{code}/events), not by
// the API: a client of the API reads the state again, every second or so
// while a question is open.

func (h *API) liveRoutes() []api.Route {
	return api.WithTag("contests", []api.Route{
		api.R("GET", "/contests/{id}/live", api.Full, h.listLive, api.Doc("listLiveSessions", "A contest's live sessions (现场竞赛), newest first, at most 50, for staff who see the contest").
			Out(api.List[contest.LiveSession]{})),
		api.R("POST", "/contests/{id}/live", api.Full, h.startLive, api.Doc("startLiveSession", "Start a live session of a contest the caller runs: its paper is drawn once for everyone (short answers left out) and kept with the session; members join with the six-digit code it answers").
			In(contest.LiveInput{}).Made(contest.LiveSession{}).Errors(409)),
		api.R("GET", "/contests/{id}/live/{session}", api.Full, h.getLive, api.Doc("getLiveSession", "A live session as its host screen shows it, read afresh: the phase by the server's clock, the question shown (its key and tally once closed and revealed), who joined, the board").
			Out(contest.LiveState{}).Errors(400, 422)),
		api.R("POST", "/contests/{id}/live/{session}/steps", api.Full, h.stepLive, api.Doc("stepLiveSession", "The host's step at the version the screen showed (0: as it is now): next opens the next question for the session's seconds, close ends it early, reveal shows its answer once closed, end ends the session. A step that does not fit, or a stale version, answers 409 and changes nothing").
			In(liveStepInput{}).Out(contest.LiveState{}).Errors(409)),
		api.R("GET", "/me/live/{code}", api.Self, h.myLive, api.Doc("myLiveSession", "The live session of a code (the six digits on the host screen) as the member's phone shows it, with where the member stands (me); the key only once revealed").
			Out(contest.LiveState{}).Errors(400, 422)),
		api.R("POST", "/me/live/{code}/join", api.Self, h.joinLive, api.Doc("joinLiveSession", "The member joins the session of the code: for themself, or in a team session for the contest team they are on (409 no_team otherwise). Joining again changes nothing").
			OptIn(api.Empty{}).Out(contest.LiveState{}).Errors(409)),
		api.R("PUT", "/me/live/{code}/answers/{position}", api.Self, h.answerLive, api.Doc("answerLiveQuestion", "Answer the question shown (position, 0 first) while it is open by the server's clock (a short grace after its closing). One answer per participant and question: a second one, or a teammate's after the team's, answers 409 answered; after the close, 409 closed. Whether it is right shows once the host reveals it").
			In(bank.Answer{}).Out(contest.LiveAnswered{}).Errors(409)),
	})
}

func liveNotes(ns api.Notes) {
	modes := api.EnumOf(contest.LiveModes...)
	phases := api.EnumOf(contest.LivePhases...)
	api.Note[contest.LiveInput](ns, api.TypeNote{Name: "LiveSessionInput", Fields: map[string]api.FieldNote{
		"mode":        {Desc: "individual (default): each member answers for themself; team: a member answers for their contest team, the team's first answer counting", Enum: modes},
		"seconds":     {Desc: "how long each question stays open; 0: 20", Min: api.Num(0), Max: api.Num(contest.LiveMaxSeconds)},
		"speed_bonus": {Desc: "a right answer earns up to half its points again, falling linearly to 0 at the end of the question's time"},
	}})
	api.Note[contest.LiveSession](ns, api.TypeNote{Name: "LiveSession", Fields: map[string]api.FieldNote{
		"code": {Desc: "six digits members type (or scan) to join"}, "mode": {Enum: modes}, "phase": {Enum: phases},
		"position": {Desc: "the question shown, 0 first; -1 before the first"},
	}})
	api.Note[contest.LiveState](ns, api.TypeNote{Name: "LiveState", Fields: map[string]api.FieldNote{
		"mode": {Enum: modes}, "phase": {Desc: "lobby, open (answers taken), closed (time is up), revealed, ended: by the server's clock", Enum: phases},
		"position":     {Desc: "the question shown, 0 first; -1 in the lobby"},
		"remaining_ms": {Desc: "while open: milliseconds left at now"},
		"now":          {Desc: "the server's time when the state was read"},
		"tally":        {Desc: "once closed: answers per option as shown (choice questions), true then false (true or false), right then wrong (blanks)"},
		"right":        {Desc: "once revealed: the right entries of tally"},
		"blanks":       {Desc: "once revealed: each blank's accepted answers"},
		"board":        {Desc: "the top 10 by score, then time taken by the answers that earned points; the question shown counts once revealed"},
		"can_run":      {Desc: "the caller may take the host's steps"},
		"me":           {Desc: "a member's own standing (the member's routes only)"},
	}})
	api.Note[contest.LiveQuestion](ns, api.TypeNote{Name: "LiveQuestion", Fields: map[string]api.FieldNote{"type": {Enum: api.EnumOf(bank.Types...)},
		"blanks": {Desc: "fill in the blanks: how many"}}})
	api.Note[contest.LiveRow](ns, api.TypeNote{Name: "LiveBoardRow", Fields: map[string]api.FieldNote{"id": {Desc: "the member or the team"},
		"time_ms": {Desc: "time taken by the answers that earned points"}}})
	api.Note[contest.LiveMe](ns, api.TypeNote{Name: "LiveMe", Fields: map[string]api.FieldNote{
		"name": {Desc: "the member's, or their team's"}, "answer": {Desc: "the answer given to the question shown (choices as shown)"},
		"credit": {Desc: "once revealed: 0 wrong, 1 partial, 2 right"}, "points": {Desc: "once revealed: what the answer earned"},
		"rank": {Desc: "0 before joining"}, "of": {Desc: "participants"}}})
	api.Named[contest.LiveAnswered](ns, "LiveAnswered")
	api.Note[liveStepInput](ns, api.TypeNote{Name: "LiveStepInput", Required: []string{"step"}, Fields: map[string]api.FieldNote{
		"step": {Enum: api.EnumOf(contest.LiveSteps...)}, "version": {Desc: "the state's version the screen showed; 0: as it is now"}}})
}
