package members

import (
	"context"
	"net/http"
	"strings"

	"gonghui/internal/api"
	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
	"gonghui/internal/member"
)

// memberQuery reads the registry's filters for the export.
func memberQuery(r *http.Request) (member.Query, error) {
	q := api.NewQuery(r)
	in := memberFilter(q, q.Page())
	return in, q.Err()
}

// memberFilter reads the registry's filters, shared by the list and the
// export: ?q= ?org= (subtree) ?org_only= ?status= ?tag= (repeatable, all
// must match) ?joined_from= ?joined_to= ?employer=.
func memberFilter(q *api.Query, pg api.Page) member.Query {
	in := member.Query{Q: q.Str("q"), Org: q.ID("org"), Status: member.Status(q.Str("status")),
		JoinedFrom: q.Str("joined_from"), JoinedTo: q.Str("joined_to"), Employer: q.ID("employer"),
		Sort: member.Sort(q.Str("sort")), After: pg.Cursor, Limit: pg.Limit}
	if b := q.Boolean("org_only"); b != nil {
		in.OrgOnly = *b
	}
	for _, t := range q.R.URL.Query()["tag"] {
		for _, s := range strings.Split(t, ",") {
			if s = strings.TrimSpace(s); s != "" {
				in.Tags = append(in.Tags, s)
			}
		}
	}
	return in
}

// memberList is the registry's page with the filter's total: the usual
// list envelope (items, next) and one added field, so clients that read
// only the envelope are unaffected.
type memberList struct {
	Items []member.Member `json:"items"`
	Next  string          `json:"next"`
	Total member.Total    `json:"total"`
}

// listMembers: GET /members.
func (h *API) listMembers(w http.ResponseWriter, r *http.Request) error {
	q := api.NewQuery(r)
	in := memberFilter(q, q.Page())
	if err := q.Err(); err != nil {
		return err
	}
	return h.answerMembers(w, r, in)
}

// answerMembers answers a page of the registry with the filter's total.
func (h *API) answerMembers(w http.ResponseWriter, r *http.Request, in member.Query) error {
	p := api.Principal(r)
	items, next, err := h.Members.List(r.Context(), p, in)
	if err != nil {
		return err
	}
	total, err := h.Members.Count(r.Context(), p, in)
	if err != nil {
		return err
	}
	l := api.NewList(items, next)
	return api.OK(w, memberList{Items: l.Items, Next: l.Next, Total: total})
}

type memberCreateInput struct {
	OrgID        api.ID   `json:"org_id"`
	Name         string   `json:"name"`
	IDNumber     string   `json:"id_number"`
	Mobile       string   `json:"mobile"`
	EmployerID   api.ID   `json:"employer_id"`
	EmployerName string   `json:"employer_name"`
	Job          string   `json:"job"`
	JoinedOn     string   `json:"joined_on"`
	Tags         []string `json:"tags"`
	// ConsentCollected: the caller confirms consent was collected (recorded
	// in consents; see internal/member/consent.go).
	ConsentCollected bool `json:"consent_collected"`
}

func (in *memberCreateInput) person(f errs.Fields) member.Person {
	return member.Person{Name: in.Name, IDNumber: in.IDNumber, Mobile: in.Mobile,
		EmployerID: in.EmployerID.Parse(f, "employer_id", false), EmployerName: in.EmployerName,
		Job: in.Job, JoinedOn: in.JoinedOn, Tags: in.Tags}
}

// createMember: POST /members (on-site joining).
func (h *API) createMember(w http.ResponseWriter, r *http.Request) error {
	var in memberCreateInput
	if err := api.Decode(w, r, &in); err != nil {
		return err
	}
	f := errs.Fields{}
	orgID := in.OrgID.Parse(f, "org_id", true)
	p := in.person(f)
	if err := f.Err(); err != nil {
		return err
	}
	m, err := h.Members.Create(withConsent(r, in.ConsentCollected, ""), api.Principal(r), orgID, p)
	if err != nil {
		return err
	}
	return api.Created(w, api.Prefix+"/members/"+db.FormatID(m.ID), m)
}

// getMember: GET /members/{id}.
func (h *API) getMember(w http.ResponseWriter, r *http.Request) error {
	return api.Get(w, r, h.Members.Get)
}

type memberUpdateInput struct {
	memberCreateInput
	Version int `json:"version"`
}

// putMember: PUT /members/{id} (the whole editable record, with the version
// it was read at).
func (h *API) putMember(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	var in memberUpdateInput
	if err := api.Decode(w, r, &in); err != nil {
		return err
	}
	f := errs.Fields{}
	p := in.person(f)
	if in.OrgID != "" {
		f.Add("org_id", "api.field.use_transfer")
	}
	if err := f.Err(); err != nil {
		return err
	}
	m, err := h.Members.Edit(r.Context(), api.Principal(r), id, member.Update{Person: p, Version: in.Version})
	if err != nil {
		return err
	}
	return api.OK(w, m)
}

// memberStatus: POST /members/{id}/status.
func (h *API) memberStatus(w http.ResponseWriter, r *http.Request) error {
	return api.Act(w, r, h.Members.SetStatus)
}

type revealInput struct {
	Reason string `json:"reason"`
}

// revealMember: POST /members/{id}/reveal (audited).
func (h *API) revealMember(w http.ResponseWriter, r *http.Request) error {
	// writeJSON's no-store keeps the full numbers out of every cache.
	return api.Act(w, r, func(ctx context.Context, p *auth.Principal, id int64, in revealInput) (*member.Revealed, error) {
		return h.Members.Reveal(ctx, p, id, in.Reason)
	})
}

// memberHistory: GET /members/{id}/history.
func (h *API) memberHistory(w http.ResponseWriter, r *http.Request) error {
	return api.GetAll(w, r, h.Members.History)
}

// listApplications: GET /join-applications.
func (h *API) listApplications(w http.ResponseWriter, r *http.Request) error {
	return api.PagedTotal(w, r, func(q *api.Query, pg api.Page) member.ApplicationQuery {
		return member.ApplicationQuery{Org: q.ID("org"), Status: member.ApplicationStatus(q.Str("status")), Sort: q.Str("sort"), After: pg.Cursor, Limit: pg.Limit}
	}, h.Members.ListApplications, h.Members.CountApplications)
}

type applyInput struct {
	OrgID          api.ID `json:"org_id"`
	Name           string `json:"name"`
	IDNumber       string `json:"id_number"`
	Mobile         string `json:"mobile"`
	EmployerID     api.ID `json:"employer_id"`
	EmployerName   string `json:"employer_name"`
	Job            string `json:"job"`
	PlatformWorker bool   `json:"platform_worker"`
	Consent        bool   `json:"consent"`
}

// apply: POST /join-applications (public: anyone may apply to join).
func (h *API) apply(w http.ResponseWriter, r *http.Request) error {
	in, err := publicForm[applyInput](h, w, r, "apply")
	if err != nil {
		return err
	}
	f := errs.Fields{}
	orgID := in.OrgID.Parse(f, "org_id", true)
	emp := in.EmployerID.Parse(f, "employer_id", false)
	if err := f.Err(); err != nil {
		return err
	}
	a, err := h.Members.Apply(r.Context(), orgID, member.ApplyInput{Name: in.Name, IDNumber: in.IDNumber, Mobile: in.Mobile,
		EmployerID: emp, EmployerName: in.EmployerName, Job: in.Job, PlatformWorker: in.PlatformWorker, Consent: in.Consent})
	if err != nil {
		return err
	}
	// The applicant is not signed in: answer only what they may see, the
	// same for every application filed.
	return api.Created(w, "/join-applications/"+db.FormatID(a.ID), a.Public())
}

// publicForm decodes the body of a form anyone may send, then counts the
// attempt against the sender's address.
func publicForm[In any](h *API, w http.ResponseWriter, r *http.Request, name string) (In, error) {
	var in In
	if err := api.Decode(w, r, &in); err != nil {
		return in, err
	}
	return in, h.Auth.Limit(r.Context(), name, httpx.ClientIP(r, h.Opts), auth.PublicFormLimit)
}

type trackInput struct {
	Mobile   string `json:"mobile"`
	IDNumber string `json:"id_number"`
}

// trackApplications: POST /join-applications/track (public; both numbers
// must match).
func (h *API) trackApplications(w http.ResponseWriter, r *http.Request) error {
	in, err := publicForm[trackInput](h, w, r, "track")
	if err != nil {
		return err
	}
	v, err := h.Members.Track(r.Context(), in.Mobile, in.IDNumber)
	if err != nil {
		return err
	}
	return api.OK(w, api.NewList(v, ""))
}

// getApplication: GET /join-applications/{id}.
func (h *API) getApplication(w http.ResponseWriter, r *http.Request) error {
	return api.Get(w, r, h.Members.GetApplication)
}

// decideApplication: POST /join-applications/{id}/decision.
func (h *API) decideApplication(w http.ResponseWriter, r *http.Request) error {
	return api.Act(w, r, h.Members.Decide)
}

// listTransfers: GET /transfers.
func (h *API) listTransfers(w http.ResponseWriter, r *http.Request) error {
	return api.PagedTotal(w, r, func(q *api.Query, pg api.Page) member.TransferQuery {
		return member.TransferQuery{Status: member.TransferStatus(q.Str("status")), Direction: q.Str("direction"), Member: q.ID("member"),
			Sort: q.Str("sort"), After: pg.Cursor, Limit: pg.Limit}
	}, h.Members.ListTransfers, h.Members.CountTransfers)
}

type transferInput struct {
	MemberID api.ID `json:"member_id"`
	IDNumber string `json:"id_number"`
	ToOrgID  api.ID `json:"to_org_id"`
	Note     string `json:"note"`
}

// requestTransfer: POST /transfers.
func (h *API) requestTransfer(w http.ResponseWriter, r *http.Request) error {
	var in transferInput
	if err := api.Decode(w, r, &in); err != nil {
		return err
	}
	f := errs.Fields{}
	req := member.TransferRequest{MemberID: in.MemberID.Parse(f, "member_id", false), IDNumber: in.IDNumber,
		ToOrgID: in.ToOrgID.Parse(f, "to_org_id", true), Note: in.Note}
	if err := f.Err(); err != nil {
		return err
	}
	t, err := h.Members.RequestTransfer(r.Context(), api.Principal(r), req)
	if err != nil {
		return err
	}
	return api.Created(w, api.Prefix+"/transfers/"+db.FormatID(t.ID), t)
}

// getTransfer: GET /transfers/{id}.
func (h *API) getTransfer(w http.ResponseWriter, r *http.Request) error {
	return api.Get(w, r, h.Members.GetTransfer)
}

// decideTransfer: POST /transfers/{id}/decision.
func (h *API) decideTransfer(w http.ResponseWriter, r *http.Request) error {
	return api.Act(w, r, h.Members.DecideTransfer)
}
