package surveys

import (
	"context"
	"io"
	"net/http"
	"strconv"

	"gonghui/internal/api"
	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/listing"
	"gonghui/internal/survey"
)

// surveyInput is survey.Input with the ids the API writes as strings.
type surveyInput struct {
	survey.Input
	OrgID         api.ID `json:"org_id"`
	AudienceOrgID api.ID `json:"audience_org_id"`
}

func (in *surveyInput) input(f errs.Fields) survey.Input {
	out := in.Input
	out.OrgID = in.OrgID.Parse(f, "org_id", true)
	out.AudienceOrgID = in.AudienceOrgID.Parse(f, "audience_org_id", false)
	return out
}

type surveyUpdateInput struct {
	surveyInput
	Version int `json:"version"`
}

// versionInput names the version a step acts at (0: whatever it is now).
type versionInput struct {
	Version int `json:"version"`
}

// answerInput is one answer of a response, to the question at Question
// (0 first).
type answerInput struct {
	Question int `json:"question"`
	survey.Answer
}

// responseInput is a member's response.
type responseInput struct {
	Answers []answerInput `json:"answers"`
}

func (h *API) listSurveys(w http.ResponseWriter, r *http.Request) error {
	return api.PagedTotal(w, r, func(q *api.Query, pg api.Page) survey.Query {
		return survey.Query{Q: q.Str("q"), Status: survey.Status(q.Str("status")), Sort: q.Str("sort"), After: q.Cursor(pg), Limit: pg.Limit}
	}, h.Surveys.List, h.Surveys.CountList)
}

func (h *API) createSurvey(w http.ResponseWriter, r *http.Request) error {
	var in surveyInput
	if err := api.Decode(w, r, &in); err != nil {
		return err
	}
	f := errs.Fields{}
	v := in.input(f)
	if err := f.Err(); err != nil {
		return err
	}
	out, err := h.Surveys.Create(r.Context(), api.Principal(r), v)
	if err != nil {
		return err
	}
	return api.Created(w, "/api/v1/surveys/"+db.FormatID(out.ID), out)
}

func (h *API) getSurvey(w http.ResponseWriter, r *http.Request) error {
	return api.Get(w, r, h.Surveys.Get)
}

func (h *API) putSurvey(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	var in surveyUpdateInput
	if err := api.Decode(w, r, &in); err != nil {
		return err
	}
	f := errs.Fields{}
	v := in.input(f)
	if err := f.Err(); err != nil {
		return err
	}
	out, err := h.Surveys.Update(r.Context(), api.Principal(r), id, in.Version, v)
	if err != nil {
		return err
	}
	return api.OK(w, out)
}

func (h *API) publishSurvey(w http.ResponseWriter, r *http.Request) error {
	return api.Act(w, r, func(ctx context.Context, p *auth.Principal, id int64, in versionInput) (*survey.Survey, error) {
		return h.Surveys.Publish(ctx, p, id, in.Version)
	})
}

func (h *API) closeSurvey(w http.ResponseWriter, r *http.Request) error {
	return api.Act(w, r, func(ctx context.Context, p *auth.Principal, id int64, in versionInput) (*survey.Survey, error) {
		return h.Surveys.Close(ctx, p, id, in.Version)
	})
}

func (h *API) results(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	q := api.NewQuery(r)
	org := q.ID("org")
	if err := q.Err(); err != nil {
		return err
	}
	out, err := h.Surveys.Results(r.Context(), api.Principal(r), id, org)
	if err != nil {
		return err
	}
	return api.OK(w, out)
}

// offset reads ?offset=, the rows a page number skips.
func offset(q *api.Query) int {
	s := q.Str("offset")
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > listing.Cap {
		q.F.Add("offset", "field.out_of_range", 0, listing.Cap)
		return 0
	}
	return n
}

func (h *API) texts(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	q := api.NewQuery(r)
	org, pg, off := q.ID("org"), q.Page(), offset(q)
	question, err := strconv.Atoi(q.Str("question"))
	if err != nil {
		q.F.Add("question", "field.required")
	}
	if err := q.Err(); err != nil {
		return err
	}
	rows, total, err := h.Surveys.Texts(r.Context(), api.Principal(r), id, question, org, off, pg.Limit)
	if err != nil {
		return err
	}
	return api.OK(w, api.TotalList[survey.TextAnswer]{Items: rows, Total: total})
}

func (h *API) breakdown(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	q := api.NewQuery(r)
	org, pg, off := q.ID("org"), q.Page(), offset(q)
	if err := q.Err(); err != nil {
		return err
	}
	out, err := h.Surveys.Breakdown(r.Context(), api.Principal(r), id, org, off, pg.Limit)
	if err != nil {
		return err
	}
	return api.OK(w, out)
}

func (h *API) export(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	p := api.Principal(r)
	// The checks first: a refusal answers JSON, not half a workbook.
	if _, err := h.Surveys.Get(r.Context(), p, id); err != nil {
		return err
	}
	return api.Workbook(w, r, "survey-"+db.FormatID(id)+".xlsx", "survey export", func(tr api.Translate, out io.Writer) error {
		return h.Surveys.Export(r.Context(), p, id, survey.Translate(tr), out)
	})
}

func (h *API) mySurveys(w http.ResponseWriter, r *http.Request) error {
	items, err := h.Surveys.ForMember(r.Context(), api.Principal(r))
	if err != nil {
		return err
	}
	return api.OK(w, api.NewList(items, ""))
}

func (h *API) mySurvey(w http.ResponseWriter, r *http.Request) error {
	return api.Get(w, r, h.Surveys.ForMemberOne)
}

func (h *API) respond(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	var in responseInput
	if err := api.Decode(w, r, &in); err != nil {
		return err
	}
	answers := map[int]survey.Answer{}
	for _, a := range in.Answers {
		if _, twice := answers[a.Question]; twice {
			return api.FieldErr("answers", "survey.answer_twice")
		}
		answers[a.Question] = a.Answer
	}
	p := api.Principal(r)
	if err := h.Surveys.Respond(r.Context(), p, id, answers); err != nil {
		return err
	}
	out, err := h.Surveys.ForMemberOne(r.Context(), p, id)
	if err != nil {
		return err
	}
	return api.Created(w, "/api/v1/me/surveys/"+db.FormatID(id), out)
}
