package courses

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"time"

	"gonghui/internal/api"
	"gonghui/internal/auth"
	"gonghui/internal/beijing"
	"gonghui/internal/course"
	"gonghui/internal/db"
	"gonghui/internal/errs"
)

// Timetable windows: the default, and the longest a client may ask for.
const (
	timetableDays    = 28
	maxTimetableDays = 120
)

// courseInput is course.CourseInput with the ID it leaves to the API.
type courseInput struct {
	course.CourseInput
	OrgID api.ID `json:"org_id"`
}

type courseUpdateInput struct {
	courseInput
	Version int `json:"version"`
}

// listCourses: GET /courses — the courses of the caller's subtrees (?q=
// ?org= ?category= ?sort= and the page), newest first unless sorted, with
// the filter's total.
func (h *API) listCourses(w http.ResponseWriter, r *http.Request) error {
	return api.PagedTotal(w, r, func(q *api.Query, pg api.Page) course.Query {
		return course.Query{Q: q.Str("q"), Org: q.ID("org"), Category: course.Category(q.Str("category")), Sort: q.Str("sort"), After: q.Cursor(pg), Limit: pg.Limit}
	}, h.Courses.ListCourses, h.Courses.CountCourses)
}

// createCourse: POST /courses.
func (h *API) createCourse(w http.ResponseWriter, r *http.Request) error {
	var in courseInput
	if err := api.Decode(w, r, &in); err != nil {
		return err
	}
	c := in.CourseInput
	orgID, err := in.OrgID.Only("org_id", true)
	if err != nil {
		return err
	}
	c.OrgID = orgID
	out, err := h.Courses.CreateCourse(r.Context(), api.Principal(r), c)
	if err != nil {
		return err
	}
	return api.Created(w, "/courses/"+db.FormatID(out.ID), out)
}

// getCourse: GET /courses/{id}.
func (h *API) getCourse(w http.ResponseWriter, r *http.Request) error {
	return api.Get(w, r, h.Courses.GetCourse)
}

// putCourse: PUT /courses/{id} — title, category and description at the
// version read (org_id, the organisation running it, is ignored).
func (h *API) putCourse(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	var in courseUpdateInput
	if err := api.Decode(w, r, &in); err != nil {
		return err
	}
	if _, err := in.OrgID.Only("org_id", false); err != nil {
		return err
	}
	out, err := h.Courses.UpdateCourse(r.Context(), api.Principal(r), id, in.Version, in.CourseInput)
	if err != nil {
		return err
	}
	return api.OK(w, out)
}

// termInput is course.TermInput with the ID it leaves to the API.
type termInput struct {
	course.TermInput
	AudienceOrgID api.ID `json:"audience_org_id"`
}

func (in *termInput) input() (course.TermInput, error) {
	f := errs.Fields{}
	out := in.TermInput
	out.AudienceOrgID = in.AudienceOrgID.Parse(f, "audience_org_id", false)
	return out, f.Err()
}

type termUpdateInput struct {
	termInput
	Version int `json:"version"`
}

// listTerms: GET /courses/{id}/terms, latest first.
func (h *API) listTerms(w http.ResponseWriter, r *http.Request) error {
	return api.GetAll(w, r, h.Courses.Terms)
}

// createTerm: POST /courses/{id}/terms — a draft term with its sessions.
func (h *API) createTerm(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	var in termInput
	if err := api.Decode(w, r, &in); err != nil {
		return err
	}
	t, err := in.input()
	if err != nil {
		return err
	}
	out, err := h.Courses.CreateTerm(r.Context(), api.Principal(r), id, t)
	if err != nil {
		return err
	}
	return api.Created(w, "/terms/"+db.FormatID(out.ID), out)
}

// getTerm: GET /terms/{id} — staff see the term; a member sees it with
// their enrolment, waiting position and coming sessions.
func (h *API) getTerm(w http.ResponseWriter, r *http.Request) error {
	return api.ForCaller(w, r, h.Courses.MemberView, h.Courses.GetTerm)
}

// putTerm: PUT /terms/{id} — the whole term at the version read, before
// its draw.
func (h *API) putTerm(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	var in termUpdateInput
	if err := api.Decode(w, r, &in); err != nil {
		return err
	}
	t, err := in.input()
	if err != nil {
		return err
	}
	out, err := h.Courses.UpdateTerm(r.Context(), api.Principal(r), id, in.Version, t)
	if err != nil {
		return err
	}
	return api.OK(w, out)
}

// publishTerm: POST /terms/{id}/publish — members of the audience may
// apply once enrolment opens.
func (h *API) publishTerm(w http.ResponseWriter, r *http.Request) error {
	return api.Step(w, r, h.Courses.PublishTerm)
}

// cancelTerm: POST /terms/{id}/cancel (everyone who applied is told).
func (h *API) cancelTerm(w http.ResponseWriter, r *http.Request) error {
	return api.Step(w, r, h.Courses.CancelTerm)
}

// finishTerm: POST /terms/{id}/finish, once drawn.
func (h *API) finishTerm(w http.ResponseWriter, r *http.Request) error {
	return api.Step(w, r, h.Courses.FinishTerm)
}

// drawTerm: POST /terms/{id}/draw — closes enrolment and gives the
// places; the answer publishes the seed.
func (h *API) drawTerm(w http.ResponseWriter, r *http.Request) error {
	return api.Step(w, r, h.Courses.DrawTerm)
}

// drawRecord: GET /terms/{id}/draw — the seed's hash, the seed once drawn
// and every ticket's place, for staff who see the term and members it is
// open to: enough to re-run the draw (course.Draw).
func (h *API) drawRecord(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	p := api.Principal(r)
	var t *course.Term
	if p.Kind == auth.KindMember {
		mt, err := h.Courses.MemberView(r.Context(), p.MemberID, id)
		if err != nil {
			return err
		}
		t = &mt.Term
	} else if t, err = h.Courses.GetTerm(r.Context(), p, id); err != nil {
		return err
	}
	rec, err := h.Courses.Record(r.Context(), t)
	if err != nil {
		return err
	}
	return api.OK(w, rec)
}

// listSessions: GET /terms/{id}/sessions, in time order.
func (h *API) listSessions(w http.ResponseWriter, r *http.Request) error {
	return api.GetAll(w, r, h.Courses.Sessions)
}

type sessionCancelInput struct {
	Cancelled *bool `json:"cancelled"`
}

// cancelSession: POST /terms/{id}/sessions/{sid}/cancel — {"cancelled":
// true} calls the session off, false back on; answers the session.
func (h *API) cancelSession(w http.ResponseWriter, r *http.Request) error {
	id, sid, err := api.PathIDs(r, "sid")
	if err != nil {
		return err
	}
	var in sessionCancelInput
	if err := api.Decode(w, r, &in); err != nil {
		return err
	}
	if in.Cancelled == nil {
		return api.FieldErr("cancelled", "field.required")
	}
	p := api.Principal(r)
	if err := h.Courses.CancelSession(r.Context(), p, id, sid, *in.Cancelled); err != nil {
		return err
	}
	all, err := h.Courses.Sessions(r.Context(), p, id)
	if err != nil {
		return err
	}
	for _, x := range all {
		if x.ID == sid {
			return api.OK(w, x)
		}
	}
	return errs.NotFound("session")
}

// sessionCode: GET /terms/{id}/sessions/{sid}/code — what the session's
// QR code shows now, and the link a phone's camera opens.
func (h *API) sessionCode(w http.ResponseWriter, r *http.Request) error {
	return h.LiveCode(w, r, "sid", h.Courses.SessionCode)
}

// sessionAttendance: GET /terms/{id}/sessions/{sid}/attendance — who
// attended, in the order they came.
func (h *API) sessionAttendance(w http.ResponseWriter, r *http.Request) error {
	id, sid, err := api.PathIDs(r, "sid")
	if err != nil {
		return err
	}
	items, err := h.Courses.SessionAttendance(r.Context(), api.Principal(r), id, sid)
	if err != nil {
		return err
	}
	return api.OK(w, api.NewList(items, ""))
}

type attendInput struct {
	Code      string   `json:"code"`
	Card      string   `json:"card"`
	SessionID api.ID   `json:"session_id"`
	MemberIDs []api.ID `json:"member_ids"`
}

// attend: POST /terms/{id}/attendance — a member with a session's code
// ({"code"}); staff at a session ({"session_id"}) with a scanned member
// card ({"card"}) or the members ticked on the list ({"member_ids"}). The
// answer lists the attendances taken (a list skips members without a
// place): 201 when any was new, 200 when all were already recorded.
func (h *API) attend(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	var in attendInput
	if err := api.Decode(w, r, &in); err != nil {
		return err
	}
	p := api.Principal(r)
	f := errs.Fields{}
	ai := course.AttendInput{Code: in.Code, Card: in.Card}
	if p.Kind == auth.KindMember {
		// A member records only themself, by the session's code.
		f.Check(in.Card == "", "card", "api.field.unknown")
		f.Check(in.SessionID == "", "session_id", "api.field.unknown")
		f.Check(in.MemberIDs == nil, "member_ids", "api.field.unknown")
	} else {
		f.Check(in.Code == "", "code", "api.field.unknown")
		ai.SessionID = in.SessionID.Parse(f, "session_id", true)
		for i, m := range in.MemberIDs {
			ai.MemberIDs = append(ai.MemberIDs, m.Parse(f, "member_ids."+strconv.Itoa(i), true))
		}
		switch {
		case in.Card != "" && len(in.MemberIDs) > 0:
			f.Add("member_ids", "api.courses.card_or_list")
		case in.Card == "" && len(in.MemberIDs) == 0:
			f.Add("member_ids", "field.required")
		}
	}
	if err := f.Err(); err != nil {
		return err
	}
	items, err := h.Courses.Attend(r.Context(), p, id, ai)
	if err != nil {
		return err
	}
	for _, a := range items {
		if a.Made {
			return api.Created(w, "/terms/"+db.FormatID(a.TermID)+"/sessions/"+db.FormatID(a.SessionID)+"/attendance", api.NewList(items, ""))
		}
	}
	return api.OK(w, api.NewList(items, ""))
}

// exportRegister: GET /terms/{id}/register.xlsx — the members with a place
// and the sessions they attended, in the reader's language.
func (h *API) exportRegister(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	return api.Workbook(w, r, "register-"+db.FormatID(id)+".xlsx", "register export", func(tr api.Translate, out io.Writer) error {
		return h.Courses.ExportAttendance(r.Context(), api.Principal(r), id, tr, out)
	})
}

// listEnrolments: GET /terms/{id}/enrolments — staff list them all by
// ticket (?status= ?q= and the page); a member gets only their own.
func (h *API) listEnrolments(w http.ResponseWriter, r *http.Request) error {
	own := func(mt *course.MemberTerm) *course.Enrolment { return mt.Enrolment }
	return api.SignUps(w, r, h.Courses.MemberView, own, func(q *api.Query, pg api.Page) course.EnrolQuery {
		return course.EnrolQuery{Status: course.EnrolStatus(q.Str("status")), Q: q.Str("q"), After: q.Cursor(pg), Limit: pg.Limit}
	}, h.Courses.Enrolments)
}

// enrol: POST /terms/{id}/enrolments — a member applies themself with {};
// staff enrol a member with {"member_id": ID}. 201 when this call made the
// enrolment, 200 with the same one (and the same ticket) when it stood.
func (h *API) enrol(w http.ResponseWriter, r *http.Request) error {
	return api.SignUp(w, r, func(id, memberID int64) string {
		return "/terms/" + db.FormatID(id) + "/enrolments/" + db.FormatID(memberID)
	}, h.Courses.Apply)
}

// withdraw: DELETE /terms/{id}/enrolments/{member_id} — the enrolment is
// withdrawn and answered; a place given up goes to the first waiting.
func (h *API) withdraw(w http.ResponseWriter, r *http.Request) error {
	return api.WithInput(w, r, api.RegistrationMember, h.Courses.Withdraw)
}

// listGroups: GET /courses/{id}/groups.
func (h *API) listGroups(w http.ResponseWriter, r *http.Request) error {
	return api.GetAll(w, r, h.Courses.Groups)
}

// createGroup: POST /courses/{id}/groups.
func (h *API) createGroup(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	var in course.GroupInput
	if err := api.Decode(w, r, &in); err != nil {
		return err
	}
	g, err := h.Courses.CreateGroup(r.Context(), api.Principal(r), id, in)
	if err != nil {
		return err
	}
	return api.Created(w, "/courses/"+db.FormatID(id)+"/groups", g)
}

// groupMembers: GET /groups/{id}/members, for staff.
func (h *API) groupMembers(w http.ResponseWriter, r *http.Request) error {
	return api.GetAll(w, r, h.Courses.GroupMembers)
}

// joinGroup: POST /groups/{id}/members — a member joins with {}; staff add
// a member with {"member_id"}. Idempotent: answers the group.
func (h *API) joinGroup(w http.ResponseWriter, r *http.Request) error {
	return api.SignUp(w, r, nil, func(ctx context.Context, p *auth.Principal, id, memberID int64) (*course.Group, bool, error) {
		g, err := h.Courses.JoinGroup(ctx, p, id, memberID, false)
		return g, false, err
	})
}

// leaveGroup: DELETE /groups/{id}/members/{member_id} ("me" for a member
// themself). Idempotent: answers the group.
func (h *API) leaveGroup(w http.ResponseWriter, r *http.Request) error {
	return api.WithInput(w, r, api.RegistrationMember, func(ctx context.Context, p *auth.Principal, id, memberID int64) (*course.Group, error) {
		return h.Courses.JoinGroup(ctx, p, id, memberID, true)
	})
}

// myTerms: GET /me/terms — the terms open to a member and those they are
// in, soonest first, with their enrolments.
func (h *API) myTerms(w http.ResponseWriter, r *http.Request) error {
	items, err := h.Courses.OpenTerms(r.Context(), api.Principal(r).MemberID)
	if err != nil {
		return err
	}
	return api.OK(w, api.NewList(items, ""))
}

// myTimetable: GET /me/timetable?from=YYYY-MM-DD&to=YYYY-MM-DD — a
// member's sessions on those days (both included, Beijing time; default
// today and the 28 days after, at most 120 days).
func (h *API) myTimetable(w http.ResponseWriter, r *http.Request) error {
	q := api.NewQuery(r)
	day := func(name string, def time.Time) time.Time {
		s := q.Str(name)
		if s == "" {
			return def
		}
		t, err := time.ParseInLocation(time.DateOnly, s, beijing.Zone)
		if err != nil {
			q.F.Add(name, "field.invalid_date")
		}
		return t
	}
	today := beijing.Midnight(time.Now())
	from := day("from", today)
	to := day("to", from.AddDate(0, 0, timetableDays))
	if err := q.Err(); err != nil {
		return err
	}
	if to.Before(from) {
		return api.FieldErr("to", "field.date_order")
	}
	if to.After(from.AddDate(0, 0, maxTimetableDays)) {
		return api.FieldErr("to", "api.courses.range_too_long", maxTimetableDays)
	}
	items, err := h.Courses.Timetable(r.Context(), api.Principal(r).MemberID, from, to.AddDate(0, 0, 1))
	if err != nil {
		return err
	}
	return api.OK(w, api.NewList(items, ""))
}

// myGroups: GET /me/groups — the interest groups open to a member, those
// they joined first.
func (h *API) myGroups(w http.ResponseWriter, r *http.Request) error {
	items, err := h.Courses.MemberGroups(r.Context(), api.Principal(r).MemberID)
	if err != nil {
		return err
	}
	return api.OK(w, api.NewList(items, ""))
}
