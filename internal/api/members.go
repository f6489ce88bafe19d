package api

import (
	"net/http"
	"strings"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
	"gonghui/internal/member"
)

// memberQuery reads the registry's filters, shared by the list and the
// export: ?q= ?org= (subtree) ?org_only= ?status= ?tag= (repeatable, all
// must match) ?joined_from= ?joined_to= ?employer=.
func memberQuery(r *http.Request) (member.Query, error) {
	q := newQuery(r)
	pg := q.page()
	in := member.Query{Q: q.str("q"), Org: q.id("org"), Status: member.Status(q.str("status")),
		JoinedFrom: q.str("joined_from"), JoinedTo: q.str("joined_to"), Employer: q.id("employer"),
		After: pg.Cursor, Limit: pg.Limit}
	if b := q.boolean("org_only"); b != nil {
		in.OrgOnly = *b
	}
	for _, t := range r.URL.Query()["tag"] {
		for _, s := range strings.Split(t, ",") {
			if s = strings.TrimSpace(s); s != "" {
				in.Tags = append(in.Tags, s)
			}
		}
	}
	return in, q.err()
}

// listMembers: GET /members.
func (h *Handler) listMembers(w http.ResponseWriter, r *http.Request) error {
	in, err := memberQuery(r)
	if err != nil {
		return err
	}
	items, next, err := h.mem.List(r.Context(), principal(r), in)
	if err != nil {
		return err
	}
	return ok(w, newList(items, next))
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
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	m, err := h.mem.Get(r.Context(), principal(r), id)
	if err != nil {
		return err
	}
	return ok(w, m)
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
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in member.StatusChange
	if err := decode(w, r, &in); err != nil {
		return err
	}
	m, err := h.mem.SetStatus(r.Context(), principal(r), id, in)
	if err != nil {
		return err
	}
	return ok(w, m)
}

type revealInput struct {
	Reason string `json:"reason"`
}

// revealMember: POST /members/{id}/reveal (audited).
func (h *Handler) revealMember(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in revealInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	v, err := h.mem.Reveal(r.Context(), principal(r), id, in.Reason)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return ok(w, v)
}

// memberHistory: GET /members/{id}/history.
func (h *Handler) memberHistory(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ev, err := h.mem.History(r.Context(), principal(r), id)
	if err != nil {
		return err
	}
	return ok(w, newList(ev, ""))
}

// listApplications: GET /join-applications.
func (h *Handler) listApplications(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	pg := q.page()
	in := member.ApplicationQuery{Org: q.id("org"), Status: member.ApplicationStatus(q.str("status")), After: pg.Cursor, Limit: pg.Limit}
	if err := q.err(); err != nil {
		return err
	}
	items, next, err := h.mem.ListApplications(r.Context(), principal(r), in)
	if err != nil {
		return err
	}
	return ok(w, newList(items, next))
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
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := h.auth.Limit(r.Context(), "apply", httpx.ClientIP(r, h.opts), auth.PublicFormLimit); err != nil {
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

type trackInput struct {
	Mobile   string `json:"mobile"`
	IDNumber string `json:"id_number"`
}

// trackApplications: POST /join-applications/track (public; both numbers
// must match).
func (h *Handler) trackApplications(w http.ResponseWriter, r *http.Request) error {
	var in trackInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := h.auth.Limit(r.Context(), "track", httpx.ClientIP(r, h.opts), auth.PublicFormLimit); err != nil {
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
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a, err := h.mem.GetApplication(r.Context(), principal(r), id)
	if err != nil {
		return err
	}
	return ok(w, a)
}

// decideApplication: POST /join-applications/{id}/decision.
func (h *Handler) decideApplication(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in member.Decision
	if err := decode(w, r, &in); err != nil {
		return err
	}
	a, err := h.mem.Decide(r.Context(), principal(r), id, in)
	if err != nil {
		return err
	}
	return ok(w, a)
}

// listTransfers: GET /transfers.
func (h *Handler) listTransfers(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	pg := q.page()
	in := member.TransferQuery{Status: member.TransferStatus(q.str("status")), Direction: q.str("direction"), Member: q.id("member"),
		After: pg.Cursor, Limit: pg.Limit}
	if err := q.err(); err != nil {
		return err
	}
	items, next, err := h.mem.ListTransfers(r.Context(), principal(r), in)
	if err != nil {
		return err
	}
	return ok(w, newList(items, next))
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
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	t, err := h.mem.GetTransfer(r.Context(), principal(r), id)
	if err != nil {
		return err
	}
	return ok(w, t)
}

// decideTransfer: POST /transfers/{id}/decision.
func (h *Handler) decideTransfer(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in member.TransferDecision
	if err := decode(w, r, &in); err != nil {
		return err
	}
	t, err := h.mem.DecideTransfer(r.Context(), principal(r), id, in)
	if err != nil {
		return err
	}
	return ok(w, t)
}
