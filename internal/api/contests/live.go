package contests

import (
	"net/http"
	"strconv"

	"gonghui/internal/api"
	"gonghui/internal/contest"
	"gonghui/internal/contest/bank"
	"gonghui/internal/db"
)

// The live contest (现场竞赛, internal/contest/live*.go) in the API: staff
// start a session and take its steps, members join by the session's code
// and answer the question shown. The pages push the state to their
// screens with server-sent events; an API client reads it with GET (the
// state carries the server's time and the milliseconds left).

// listLive: GET /contests/{id}/live.
func (h *API) listLive(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	list, err := h.Contests.LiveSessions(r.Context(), api.Principal(r), id)
	if err != nil {
		return err
	}
	return api.OK(w, api.NewList(list, ""))
}

// startLive: POST /contests/{id}/live.
func (h *API) startLive(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	var in contest.LiveInput
	if err := api.Decode(w, r, &in); err != nil {
		return err
	}
	s, err := h.Contests.StartLive(r.Context(), api.Principal(r), id, in)
	if err != nil {
		return err
	}
	return api.Created(w, "/contests/"+db.FormatID(id)+"/live/"+db.FormatID(s.ID), s)
}

// getLive: GET /contests/{id}/live/{session}.
func (h *API) getLive(w http.ResponseWriter, r *http.Request) error {
	id, sid, err := api.PathIDs(r, "session")
	if err != nil {
		return err
	}
	st, err := h.Contests.LiveHostState(r.Context(), api.Principal(r), id, sid)
	if err != nil {
		return err
	}
	return api.OK(w, st)
}

// liveStepInput is a host's step at the version the screen showed.
type liveStepInput struct {
	Step    contest.LiveStep `json:"step"`
	Version int              `json:"version"`
}

// stepLive: POST /contests/{id}/live/{session}/steps.
func (h *API) stepLive(w http.ResponseWriter, r *http.Request) error {
	id, sid, err := api.PathIDs(r, "session")
	if err != nil {
		return err
	}
	var in liveStepInput
	if err := api.Decode(w, r, &in); err != nil {
		return err
	}
	st, err := h.Contests.LiveAct(r.Context(), api.Principal(r), id, sid, in.Step, in.Version)
	if err != nil {
		return err
	}
	return api.OK(w, st)
}

// myLive: GET /me/live/{code}.
func (h *API) myLive(w http.ResponseWriter, r *http.Request) error {
	st, err := h.Contests.LiveMemberState(r.Context(), api.Principal(r), r.PathValue("code"))
	if err != nil {
		return err
	}
	return api.OK(w, st)
}

// joinLive: POST /me/live/{code}/join.
func (h *API) joinLive(w http.ResponseWriter, r *http.Request) error {
	var in api.Empty
	if err := api.Decode(w, r, &in); err != nil {
		return err
	}
	st, err := h.Contests.LiveJoin(r.Context(), api.Principal(r), r.PathValue("code"))
	if err != nil {
		return err
	}
	return api.OK(w, st)
}

// answerLive: PUT /me/live/{code}/answers/{position}.
func (h *API) answerLive(w http.ResponseWriter, r *http.Request) error {
	pos, err := strconv.Atoi(r.PathValue("position"))
	if err != nil || pos < 0 {
		return api.FieldErr("position", "contest.not_on_paper")
	}
	var a bank.Answer
	if err := api.Decode(w, r, &a); err != nil {
		return err
	}
	got, err := h.Contests.LiveAnswer(r.Context(), api.Principal(r), r.PathValue("code"), pos, a)
	if err != nil {
		return err
	}
	return api.OK(w, got)
}
