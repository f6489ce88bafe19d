// Package congress is the JSON API of the workers' congress (职代会) and
// open affairs (厂务公开): staff plan sessions, elect delegates, record
// attendance and votes, review, assign and answer motions and publish
// open-affairs items within their subtrees; a delegate files motions from
// their phone, seconds others' and rates the answers; a member reads the
// open affairs of their employer (internal/congress).
package congress

import (
	"context"
	"io"
	"net/http"
	"strconv"

	"gonghui/internal/api"
	"gonghui/internal/auth"
	"gonghui/internal/congress"
	"gonghui/internal/db"
	"gonghui/internal/errs"
)

// API is this module's part of the JSON API, on the API's kernel.
type API struct {
	*api.Handler
	Congress *congress.Store
}

// New returns the module.
func New(h *api.Handler, c *congress.Store) *API { return &API{Handler: h, Congress: c} }

// Routes lists the module's routes with their descriptions.
func (h *API) Routes() []api.Route { return h.routes() }

// Notes adds the module's notes on its types to the document.
func (h *API) Notes(ns api.Notes) { notes(ns) }

func flag(q *api.Query, name string) bool {
	b := q.Boolean(name)
	return b != nil && *b
}

// listSessions: GET /congress/sessions.
func (h *API) listSessions(w http.ResponseWriter, r *http.Request) error {
	return api.PagedTotal(w, r, func(q *api.Query, pg api.Page) congress.SessionQuery {
		return congress.SessionQuery{Q: q.Str("q"), Status: congress.SessionStatus(q.Str("status")), Year: year(q), Org: q.ID("org"),
			Sort: q.Str("sort"), After: q.Cursor(pg), Limit: pg.Limit}
	}, h.Congress.Sessions, h.Congress.CountSessions)
}

// year reads the "year" filter; a malformed one is the field's error.
func year(q *api.Query) int {
	v := q.Str("year")
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		q.F.Add("year", "field.not_a_number")
	}
	return n
}

// employers: GET /congress/employers.
func (h *API) employers(w http.ResponseWriter, r *http.Request) error {
	q := api.NewQuery(r)
	name := q.Str("q")
	if err := q.Err(); err != nil {
		return err
	}
	es, err := h.Congress.Employers(r.Context(), api.Principal(r), name)
	if err != nil {
		return err
	}
	return api.OK(w, api.NewList(es, ""))
}

type sessionInput struct {
	EmployerID    api.ID `json:"employer_id"`
	Term          int    `json:"term"`
	Meeting       int    `json:"meeting"`
	HeldOn        string `json:"held_on"`
	Place         string `json:"place"`
	SecondsNeeded *int   `json:"seconds_needed"`
}

// createSession: POST /congress/sessions.
func (h *API) createSession(w http.ResponseWriter, r *http.Request) error {
	var in sessionInput
	if err := api.Decode(w, r, &in); err != nil {
		return err
	}
	f := errs.Fields{}
	c := congress.SessionInput{EmployerID: in.EmployerID.Parse(f, "employer_id", true), Term: in.Term, Meeting: in.Meeting, HeldOn: in.HeldOn,
		Place: in.Place, SecondsNeeded: in.SecondsNeeded}
	if err := f.Err(); err != nil {
		return err
	}
	s, err := h.Congress.CreateSession(r.Context(), api.Principal(r), c)
	if err != nil {
		return err
	}
	return api.Created(w, api.Prefix+"/congress/sessions/"+db.FormatID(s.ID), s)
}

func (h *API) getSession(w http.ResponseWriter, r *http.Request) error {
	return api.Get(w, r, h.Congress.SessionPage)
}

type statusInput struct {
	Status congress.SessionStatus `json:"status"`
}

func (h *API) setStatus(w http.ResponseWriter, r *http.Request) error {
	return api.Act(w, r, func(ctx context.Context, p *auth.Principal, id int64, in statusInput) (*congress.Session, error) {
		return h.Congress.SetStatus(ctx, p, id, in.Status)
	})
}

type delegateInput struct {
	MemberID  api.ID            `json:"member_id"`
	Category  congress.Category `json:"category"`
	Gender    string            `json:"gender"`
	ElectedOn string            `json:"elected_on"`
}

// addDelegate: POST /congress/sessions/{id}/delegates.
func (h *API) addDelegate(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	var in delegateInput
	if err := api.Decode(w, r, &in); err != nil {
		return err
	}
	f := errs.Fields{}
	c := congress.DelegateInput{MemberID: in.MemberID.Parse(f, "member_id", true), Category: in.Category, Gender: in.Gender, ElectedOn: in.ElectedOn}
	if err := f.Err(); err != nil {
		return err
	}
	d, err := h.Congress.AddDelegate(r.Context(), api.Principal(r), id, c)
	if err != nil {
		return err
	}
	return api.Created(w, api.Prefix+"/congress/sessions/"+db.FormatID(id), d)
}

func (h *API) removeDelegate(w http.ResponseWriter, r *http.Request) error {
	return api.RemoveSub(w, r, "member_id", h.Congress.RemoveDelegate)
}

type attendanceInput struct {
	Present []api.ID `json:"present"`
}

func (h *API) attendance(w http.ResponseWriter, r *http.Request) error {
	return api.Act(w, r, func(ctx context.Context, p *auth.Principal, id int64, in attendanceInput) (*congress.Session, error) {
		f := errs.Fields{}
		ids := make([]int64, 0, len(in.Present))
		for _, s := range in.Present {
			ids = append(ids, s.Parse(f, "present", true))
		}
		if err := f.Err(); err != nil {
			return nil, err
		}
		return h.Congress.SetAttendance(ctx, p, id, ids)
	})
}

func (h *API) addItem(w http.ResponseWriter, r *http.Request) error {
	return api.Act(w, r, func(ctx context.Context, p *auth.Principal, id int64, in congress.AgendaInput) (*congress.AgendaItem, error) {
		return h.Congress.AddAgendaItem(ctx, p, id, in)
	})
}

func (h *API) vote(w http.ResponseWriter, r *http.Request) error {
	return api.Act(w, r, func(ctx context.Context, p *auth.Principal, id int64, in congress.VoteInput) (*congress.AgendaItem, error) {
		return h.Congress.RecordVote(ctx, p, id, in)
	})
}

type ballotInput struct {
	MemberID api.ID          `json:"member_id"`
	Choice   congress.Choice `json:"choice"`
}

type ballotsInput struct {
	Ballots []ballotInput `json:"ballots"`
}

func (h *API) namedVote(w http.ResponseWriter, r *http.Request) error {
	return api.Act(w, r, func(ctx context.Context, p *auth.Principal, id int64, in ballotsInput) (*congress.AgendaItem, error) {
		f := errs.Fields{}
		bs := make([]congress.Ballot, 0, len(in.Ballots))
		for _, b := range in.Ballots {
			bs = append(bs, congress.Ballot{MemberID: b.MemberID.Parse(f, "ballots", true), Choice: b.Choice})
		}
		if err := f.Err(); err != nil {
			return nil, err
		}
		return h.Congress.NamedVote(ctx, p, id, bs)
	})
}

func (h *API) ballots(w http.ResponseWriter, r *http.Request) error {
	return api.GetAll(w, r, h.Congress.Ballots)
}

type motionInput struct {
	MemberID api.ID `json:"member_id"`
	Title    string `json:"title"`
	Reason   string `json:"reason"`
	Proposal string `json:"proposal"`
}

// submit: POST /congress/sessions/{id}/motions (staff, on a delegate's
// behalf) and POST /me/congress/sessions/{id}/motions (the delegate).
func (h *API) submit(staff bool) func(w http.ResponseWriter, r *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := api.PathID(r, "id")
		if err != nil {
			return err
		}
		var in motionInput
		if err := api.Decode(w, r, &in); err != nil {
			return err
		}
		f := errs.Fields{}
		c := congress.MotionInput{Title: in.Title, Reason: in.Reason, Proposal: in.Proposal}
		if staff {
			c.MemberID = in.MemberID.Parse(f, "member_id", true)
		} else if in.MemberID != "" {
			f.Add("member_id", "congress.member_id_self")
		}
		if err := f.Err(); err != nil {
			return err
		}
		m, err := h.Congress.Submit(r.Context(), api.Principal(r), id, c)
		if err != nil {
			return err
		}
		where := "/congress/motions/"
		if !staff {
			where = "/me/congress/motions/"
		}
		return api.Created(w, api.Prefix+where+db.FormatID(m.ID), m)
	}
}

func motionQuery(q *api.Query, pg api.Page) congress.MotionQuery {
	return congress.MotionQuery{Q: q.Str("q"), Status: congress.MotionStatus(q.Str("status")), Session: q.ID("session"), Org: q.ID("org"),
		Overdue: flag(q, "overdue"), Sort: q.Str("sort"), After: q.Cursor(pg), Limit: pg.Limit}
}

func (h *API) listMotions(w http.ResponseWriter, r *http.Request) error {
	return api.PagedTotal(w, r, motionQuery, h.Congress.Motions, h.Congress.CountMotions)
}

// exportMotions: GET /congress/motions/export, the list's filter as .xlsx.
func (h *API) exportMotions(w http.ResponseWriter, r *http.Request) error {
	q := api.NewQuery(r)
	mq := motionQuery(q, q.Page())
	if err := q.Err(); err != nil {
		return err
	}
	return api.Workbook(w, r, "motions.xlsx", "motions export", func(tr api.Translate, out io.Writer) error {
		return h.Congress.ExportMotions(r.Context(), api.Principal(r), mq, tr, out)
	})
}

func (h *API) getMotion(w http.ResponseWriter, r *http.Request) error {
	return api.Get(w, r, h.Congress.Motion)
}

func (h *API) review(w http.ResponseWriter, r *http.Request) error {
	return api.Act(w, r, func(ctx context.Context, p *auth.Principal, id int64, in congress.ReviewInput) (*congress.Motion, error) {
		return h.Congress.Review(ctx, p, id, in)
	})
}

func (h *API) assign(w http.ResponseWriter, r *http.Request) error {
	return api.Act(w, r, func(ctx context.Context, p *auth.Principal, id int64, in congress.AssignInput) (*congress.Motion, error) {
		return h.Congress.Assign(ctx, p, id, in)
	})
}

type answerInput struct {
	Text string `json:"text"`
}

func (h *API) answer(w http.ResponseWriter, r *http.Request) error {
	return api.Act(w, r, func(ctx context.Context, p *auth.Principal, id int64, in answerInput) (*congress.Motion, error) {
		return h.Congress.Answer(ctx, p, id, in.Text)
	})
}

func (h *API) listAffairs(w http.ResponseWriter, r *http.Request) error {
	return api.PagedTotal(w, r, func(q *api.Query, pg api.Page) congress.AffairQuery {
		return congress.AffairQuery{Q: q.Str("q"), Category: congress.AffairCategory(q.Str("category")), Org: q.ID("org"), After: q.Cursor(pg), Limit: pg.Limit}
	}, h.Congress.Affairs, h.Congress.CountAffairs)
}

type affairInput struct {
	EmployerID api.ID                  `json:"employer_id"`
	Category   congress.AffairCategory `json:"category"`
	Title      string                  `json:"title"`
	Body       string                  `json:"body"`
}

func (h *API) publish(w http.ResponseWriter, r *http.Request) error {
	var in affairInput
	if err := api.Decode(w, r, &in); err != nil {
		return err
	}
	f := errs.Fields{}
	c := congress.AffairInput{EmployerID: in.EmployerID.Parse(f, "employer_id", true), Category: in.Category, Title: in.Title, Body: in.Body}
	if err := f.Err(); err != nil {
		return err
	}
	a, err := h.Congress.Publish(r.Context(), api.Principal(r), c)
	if err != nil {
		return err
	}
	return api.Created(w, api.Prefix+"/congress/affairs/"+db.FormatID(a.ID), a)
}

func (h *API) getAffair(w http.ResponseWriter, r *http.Request) error {
	return api.Get(w, r, h.Congress.Affair)
}

func (h *API) withdraw(w http.ResponseWriter, r *http.Request) error {
	return api.Step(w, r, h.Congress.Withdraw)
}

// mine: GET /me/congress.
func (h *API) mine(w http.ResponseWriter, r *http.Request) error {
	out, err := h.Congress.Mine(r.Context(), api.Principal(r))
	if err != nil {
		return err
	}
	return api.OK(w, out)
}

func (h *API) mySession(w http.ResponseWriter, r *http.Request) error {
	return api.Get(w, r, h.Congress.DelegateSession)
}

func (h *API) myMotion(w http.ResponseWriter, r *http.Request) error {
	return api.Get(w, r, h.Congress.MemberMotion)
}

func (h *API) second(w http.ResponseWriter, r *http.Request) error {
	return api.Step(w, r, h.Congress.Second)
}

type rateInput struct {
	Rating congress.Rating `json:"rating"`
}

func (h *API) rate(w http.ResponseWriter, r *http.Request) error {
	return api.Act(w, r, func(ctx context.Context, p *auth.Principal, id int64, in rateInput) (*congress.Motion, error) {
		return h.Congress.Rate(ctx, p, id, in.Rating)
	})
}

func (h *API) readAffair(w http.ResponseWriter, r *http.Request) error {
	return api.Get(w, r, h.Congress.ReadAffair)
}

type sessionEditInput struct {
	Version int    `json:"version"` // as read; 0 skips the check
	Title   string `json:"title"`
	HeldOn  string `json:"held_on"`
	Place   string `json:"place"`
}

// editSession: PUT /congress/sessions/{id}.
func (h *API) editSession(w http.ResponseWriter, r *http.Request) error {
	return api.Act(w, r, func(ctx context.Context, p *auth.Principal, id int64, in sessionEditInput) (*congress.Session, error) {
		return h.Congress.EditSession(ctx, p, id, in.Version, congress.SessionEdit{Title: in.Title, HeldOn: in.HeldOn, Place: in.Place})
	})
}

type moveInput struct {
	Direction string `json:"direction"` // up or down
}

// moveItem: POST /congress/agenda/{id}/move.
func (h *API) moveItem(w http.ResponseWriter, r *http.Request) error {
	return api.Act(w, r, func(ctx context.Context, p *auth.Principal, id int64, in moveInput) (*api.List[congress.AgendaItem], error) {
		by := map[string]int{"up": -1, "down": 1}[in.Direction] // anything else: 0, the store's field error
		items, err := h.Congress.MoveAgendaItem(ctx, p, id, by)
		if err != nil {
			return nil, err
		}
		return &api.List[congress.AgendaItem]{Items: items}, nil
	})
}

// deleteItem: DELETE /congress/agenda/{id}.
func (h *API) deleteItem(w http.ResponseWriter, r *http.Request) error {
	return api.Remove(w, r, h.Congress.DeleteAgendaItem)
}

// withdrawMotion: POST /me/congress/motions/{id}/withdraw.
func (h *API) withdrawMotion(w http.ResponseWriter, r *http.Request) error {
	return api.Step(w, r, h.Congress.WithdrawMotion)
}
