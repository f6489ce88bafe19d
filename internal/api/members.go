package api

import (
	"context"
	"net/http"
	"strings"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
	"gonghui/internal/member"
)

// memberQuery reads the registry's filters for the export.
func memberQuery(r *http.Request) (member.Query, error) {
	q := newQuery(r)
	in := memberFilter(q, q.page())
	return in, q.err()
}

// memberFilter reads the registry's filters, shared by the list and the
// export: ?q= ?org= (subtree) ?org_only= ?status= ?tag= (repeatable, all
// must match) ?joined_from= ?joined_to= ?employer=.
func memberFilter(q *query, pg page) member.Query {
	in := member.Query{Q: q.str("q"), Org: q.id("org"), Status: member.Status(q.str("status")),
		JoinedFrom: q.str("joined_from"), JoinedTo: q.str("joined_to"), Employer: q.id("employer"),
		After: pg.Cursor, Limit: pg.Limit}
	if b := q.boolean("org_only"); b != nil {
		in.OrgOnly = *b
	}
	for _, t := range q.r.URL.Query()["tag"] {
		for _, s := range strings.Split(t, ",") {
			if s = strings.TrimSpace(s); s != "" {
				in.Tags = append(in.Tags, s)
			}
		}
	}
	return in
}

// listMembers: GET /members.
func (h *Handler) listMembers(w http.ResponseWriter, r *http.Request) error {
	return paged(w, r, memberFilter, h.mem.List)
}

type memberCreateInput struct {
	OrgID        ID       `json:"org_id"`
	Name         string   `json:"name"`
	IDNumber     string   `json:"id_number"`
	Mobile       string   `json:"mobile"`
	EmployerID   ID       `json:"employer_id"`
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
		EmployerID: in.EmployerID.parse(f, "employer_id", false), EmployerName: in.EmployerName,
		Job: in.Job, JoinedOn: in.JoinedOn, Tags: in.Tags}
}

// createMember: POST /members (on-site joining).
func (h *Handler) createMember(w http.ResponseWriter, r *http.Request) error {
	var in memberCreateInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	f := errs.Fields{}
	orgID := in.OrgID.parse(f, "org_id", true)
	p := in.person(f)
	if err := f.Err(); err != nil {
		return err
	}
	m, err := h.mem.Create(withConsent(r, in.ConsentCollected, ""), principal(r), orgID, p)
	if err != nil {
		return err
	}
	return created(w, Prefix+"/members/"+db.FormatID(m.ID), m)
}

// getMember: GET /members/{id}.
func (h *Handler) getMember(w http.ResponseWriter, r *http.Request) error {
	return get(w, r, h.mem.Get)
}

type memberUpdateInput struct {
	memberCreateInput
	Version int `json:"version"`
}

// putMember: PUT /members/{id} (the whole editable record, with the version
// it was read at).
func (h *Handler) putMember(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in memberUpdateInput
	if err := decode(w, r, &in); err != nil {
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
	m, err := h.mem.Edit(r.Context(), principal(r), id, member.Update{Person: p, Version: in.Version})
	if err != nil {
		return err
	}
	return ok(w, m)
}

// memberStatus: POST /members/{id}/status.
func (h *Handler) memberStatus(w http.ResponseWriter, r *http.Request) error {
	return act(w, r, h.mem.SetStatus)
}

type revealInput struct {
	Reason string `json:"reason"`
}

// revealMember: POST /members/{id}/reveal (audited).
func (h *Handler) revealMember(w http.ResponseWriter, r *http.Request) error {
	// writeJSON's no-store keeps the full numbers out of every cache.
	return act(w, r, func(ctx context.Context, p *auth.Principal, id int64, in revealInput) (*member.Revealed, error) {
		return h.mem.Reveal(ctx, p, id, in.Reason)
	})
}

// memberHistory: GET /members/{id}/history.
func (h *Handler) memberHistory(w http.ResponseWriter, r *http.Request) error {
	return getAll(w, r, h.mem.History)
}

// listApplications: GET /join-applications.
func (h *Handler) listApplications(w http.ResponseWriter, r *http.Request) error {
	return paged(w, r, func(q *query, pg page) member.ApplicationQuery {
		return member.ApplicationQuery{Org: q.id("org"), Status: member.ApplicationStatus(q.str("status")), After: pg.Cursor, Limit: pg.Limit}
	}, h.mem.ListApplications)
}

type applyInput struct {
	OrgID          ID     `json:"org_id"`
	Name           string `json:"name"`
	IDNumber       string `json:"id_number"`
	Mobile         string `json:"mobile"`
	EmployerID     ID     `json:"employer_id"`
	EmployerName   string `json:"employer_name"`
	Job            string `json:"job"`
	PlatformWorker bool   `json:"platform_worker"`
	Consent        bool   `json:"consent"`
}

// apply: POST /join-applications (public: anyone may apply to join).
func (h *Handler) apply(w http.ResponseWriter, r *http.Request) error {
	var in applyInput
	if err := h.publicForm(w, r, "apply", &in); err != nil {
		return err
	}
	f := errs.Fields{}
	orgID := in.OrgID.parse(f, "org_id", true)
	emp := in.EmployerID.parse(f, "employer_id", false)
	if err := f.Err(); err != nil {
		return err
	}
	a, err := h.mem.Apply(r.Context(), orgID, member.ApplyInput{Name: in.Name, IDNumber: in.IDNumber, Mobile: in.Mobile,
		EmployerID: emp, EmployerName: in.EmployerName, Job: in.Job, PlatformWorker: in.PlatformWorker, Consent: in.Consent})
	if err != nil {
		return err
	}
	// The applicant is not signed in: answer only what they may see.
	return created(w, "/join-applications/"+db.FormatID(a.ID), map[string]any{"id": db.FormatID(a.ID), "status": a.Status, "org_name": a.OrgName})
}

// publicForm decodes the body of a form anyone may send into in, then
// counts the attempt against the sender's address.
func (h *Handler) publicForm(w http.ResponseWriter, r *http.Request, name string, in any) error {
	if err := decode(w, r, in); err != nil {
		return err
	}
	return h.auth.Limit(r.Context(), name, httpx.ClientIP(r, h.opts), auth.PublicFormLimit)
}

type trackInput struct {
	Mobile   string `json:"mobile"`
	IDNumber string `json:"id_number"`
}

// trackApplications: POST /join-applications/track (public; both numbers
// must match).
func (h *Handler) trackApplications(w http.ResponseWriter, r *http.Request) error {
	var in trackInput
	if err := h.publicForm(w, r, "track", &in); err != nil {
		return err
	}
	v, err := h.mem.Track(r.Context(), in.Mobile, in.IDNumber)
	if err != nil {
		return err
	}
	return ok(w, newList(v, ""))
}

// getApplication: GET /join-applications/{id}.
func (h *Handler) getApplication(w http.ResponseWriter, r *http.Request) error {
	return get(w, r, h.mem.GetApplication)
}

// decideApplication: POST /join-applications/{id}/decision.
func (h *Handler) decideApplication(w http.ResponseWriter, r *http.Request) error {
	return act(w, r, h.mem.Decide)
}

// listTransfers: GET /transfers.
func (h *Handler) listTransfers(w http.ResponseWriter, r *http.Request) error {
	return paged(w, r, func(q *query, pg page) member.TransferQuery {
		return member.TransferQuery{Status: member.TransferStatus(q.str("status")), Direction: q.str("direction"), Member: q.id("member"),
			After: pg.Cursor, Limit: pg.Limit}
	}, h.mem.ListTransfers)
}

type transferInput struct {
	MemberID ID     `json:"member_id"`
	IDNumber string `json:"id_number"`
	ToOrgID  ID     `json:"to_org_id"`
	Note     string `json:"note"`
}

// requestTransfer: POST /transfers.
func (h *Handler) requestTransfer(w http.ResponseWriter, r *http.Request) error {
	var in transferInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	f := errs.Fields{}
	req := member.TransferRequest{MemberID: in.MemberID.parse(f, "member_id", false), IDNumber: in.IDNumber,
		ToOrgID: in.ToOrgID.parse(f, "to_org_id", true), Note: in.Note}
	if err := f.Err(); err != nil {
		return err
	}
	t, err := h.mem.RequestTransfer(r.Context(), principal(r), req)
	if err != nil {
		return err
	}
	return created(w, Prefix+"/transfers/"+db.FormatID(t.ID), t)
}

// getTransfer: GET /transfers/{id}.
func (h *Handler) getTransfer(w http.ResponseWriter, r *http.Request) error {
	return get(w, r, h.mem.GetTransfer)
}

// decideTransfer: POST /transfers/{id}/decision.
func (h *Handler) decideTransfer(w http.ResponseWriter, r *http.Request) error {
	return act(w, r, h.mem.DecideTransfer)
}
