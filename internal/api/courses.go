package api

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"time"

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
	OrgID ID `json:"org_id"`
}

type courseUpdateInput struct {
	courseInput
	Version int `json:"version"`
}

// listCourses: GET /courses — the courses of the caller's subtrees (?q=
// ?org= ?category= and the page), newest first.
func (h *Handler) listCourses(w http.ResponseWriter, r *http.Request) error {
	return paged(w, r, func(q *query, pg page) course.Query {
		return course.Query{Q: q.str("q"), Org: q.id("org"), Category: course.Category(q.str("category")), After: q.cursor(pg), Limit: pg.Limit}
	}, h.crs.ListCourses)
}

// createCourse: POST /courses.
func (h *Handler) createCourse(w http.ResponseWriter, r *http.Request) error {
	var in courseInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	c := in.CourseInput
	orgID, err := in.OrgID.only("org_id", true)
	if err != nil {
		return err
	}
	c.OrgID = orgID
	out, err := h.crs.CreateCourse(r.Context(), principal(r), c)
	if err != nil {
		return err
	}
	return created(w, "/courses/"+db.FormatID(out.ID), out)
}

// getCourse: GET /courses/{id}.
func (h *Handler) getCourse(w http.ResponseWriter, r *http.Request) error {
	return get(w, r, h.crs.GetCourse)
}

// putCourse: PUT /courses/{id} — title, category and description at the
// version read (org_id, the organisation running it, is ignored).
func (h *Handler) putCourse(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in courseUpdateInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if _, err := in.OrgID.only("org_id", false); err != nil {
		return err
	}
	out, err := h.crs.UpdateCourse(r.Context(), principal(r), id, in.Version, in.CourseInput)
	if err != nil {
		return err
	}
	return ok(w, out)
}

// termInput is course.TermInput with the ID it leaves to the API.
type termInput struct {
	course.TermInput
	AudienceOrgID ID `json:"audience_org_id"`
}

func (in *termInput) input() (course.TermInput, error) {
	f := errs.Fields{}
	out := in.TermInput
	out.AudienceOrgID = in.AudienceOrgID.parse(f, "audience_org_id", false)
	return out, f.Err()
}

type termUpdateInput struct {
	termInput
	Version int `json:"version"`
}

// listTerms: GET /courses/{id}/terms, latest first.
func (h *Handler) listTerms(w http.ResponseWriter, r *http.Request) error {
	return getAll(w, r, h.crs.Terms)
}

// createTerm: POST /courses/{id}/terms — a draft term with its sessions.
func (h *Handler) createTerm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in termInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	t, err := in.input()
	if err != nil {
		return err
	}
	out, err := h.crs.CreateTerm(r.Context(), principal(r), id, t)
	if err != nil {
		return err
	}
	return created(w, "/terms/"+db.FormatID(out.ID), out)
}

// getTerm: GET /terms/{id} — staff see the term; a member sees it with
// their enrolment, waiting position and coming sessions.
func (h *Handler) getTerm(w http.ResponseWriter, r *http.Request) error {
	return forCaller(w, r, h.crs.MemberView, h.crs.GetTerm)
}

// putTerm: PUT /terms/{id} — the whole term at the version read, before
// its draw.
func (h *Handler) putTerm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in termUpdateInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	t, err := in.input()
	if err != nil {
		return err
	}
	out, err := h.crs.UpdateTerm(r.Context(), principal(r), id, in.Version, t)
	if err != nil {
		return err
	}
	return ok(w, out)
}

// publishTerm: POST /terms/{id}/publish — members of the audience may
// apply once enrolment opens.
func (h *Handler) publishTerm(w http.ResponseWriter, r *http.Request) error {
	return step(w, r, h.crs.PublishTerm)
}

// cancelTerm: POST /terms/{id}/cancel (everyone who applied is told).
func (h *Handler) cancelTerm(w http.ResponseWriter, r *http.Request) error {
	return step(w, r, h.crs.CancelTerm)
}

// finishTerm: POST /terms/{id}/finish, once drawn.
func (h *Handler) finishTerm(w http.ResponseWriter, r *http.Request) error {
	return step(w, r, h.crs.FinishTerm)
}

// drawTerm: POST /terms/{id}/draw — closes enrolment and gives the
// places; the answer publishes the seed.
func (h *Handler) drawTerm(w http.ResponseWriter, r *http.Request) error {
	return step(w, r, h.crs.DrawTerm)
}

// drawRecord: GET /terms/{id}/draw — the seed's hash, the seed once drawn
// and every ticket's place, for staff who see the term and members it is
// open to: enough to re-run the draw (course.Draw).
func (h *Handler) drawRecord(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p := principal(r)
	var t *course.Term
	if p.Kind == auth.KindMember {
		mt, err := h.crs.MemberView(r.Context(), p.MemberID, id)
		if err != nil {
			return err
		}
		t = &mt.Term
	} else if t, err = h.crs.GetTerm(r.Context(), p, id); err != nil {
		return err
	}
	rec, err := h.crs.Record(r.Context(), t)
	if err != nil {
		return err
	}
	return ok(w, rec)
}

// listSessions: GET /terms/{id}/sessions, in time order.
func (h *Handler) listSessions(w http.ResponseWriter, r *http.Request) error {
	return getAll(w, r, h.crs.Sessions)
}

type sessionCancelInput struct {
	Cancelled *bool `json:"cancelled"`
}

// cancelSession: POST /terms/{id}/sessions/{sid}/cancel — {"cancelled":
// true} calls the session off, false back on; answers the session.
func (h *Handler) cancelSession(w http.ResponseWriter, r *http.Request) error {
	id, sid, err := pathIDs(r, "sid")
	if err != nil {
		return err
	}
	var in sessionCancelInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if in.Cancelled == nil {
		return fieldErr("cancelled", "field.required")
	}
	p := principal(r)
	if err := h.crs.CancelSession(r.Context(), p, id, sid, *in.Cancelled); err != nil {
		return err
	}
	all, err := h.crs.Sessions(r.Context(), p, id)
	if err != nil {
		return err
	}
	for _, x := range all {
		if x.ID == sid {
			return ok(w, x)
		}
	}
	return errs.NotFound("session")
}

// sessionCode: GET /terms/{id}/sessions/{sid}/code — what the session's
// QR code shows now, and the link a phone's camera opens.
func (h *Handler) sessionCode(w http.ResponseWriter, r *http.Request) error {
	return h.liveCode(w, r, "sid", h.crs.SessionCode)
}

// sessionAttendance: GET /terms/{id}/sessions/{sid}/attendance — who
// attended, in the order they came.
func (h *Handler) sessionAttendance(w http.ResponseWriter, r *http.Request) error {
	id, sid, err := pathIDs(r, "sid")
	if err != nil {
		return err
	}
	items, err := h.crs.SessionAttendance(r.Context(), principal(r), id, sid)
	if err != nil {
		return err
	}
	return ok(w, newList(items, ""))
}

type attendInput struct {
	Code      string `json:"code"`
	Card      string `json:"card"`
	SessionID ID     `json:"session_id"`
	MemberIDs []ID   `json:"member_ids"`
}

// attend: POST /terms/{id}/attendance — a member with a session's code
// ({"code"}); staff at a session ({"session_id"}) with a scanned member
// card ({"card"}) or the members ticked on the list ({"member_ids"}). The
// answer lists the attendances taken (a list skips members without a
// place): 201 when any was new, 200 when all were already recorded.
func (h *Handler) attend(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in attendInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	p := principal(r)
	f := errs.Fields{}
	ai := course.AttendInput{Code: in.Code, Card: in.Card}
	if p.Kind == auth.KindMember {
		// A member records only themself, by the session's code.
		f.Check(in.Card == "", "card", "api.field.unknown")
		f.Check(in.SessionID == "", "session_id", "api.field.unknown")
		f.Check(in.MemberIDs == nil, "member_ids", "api.field.unknown")
	} else {
		f.Check(in.Code == "", "code", "api.field.unknown")
		ai.SessionID = in.SessionID.parse(f, "session_id", true)
		for i, m := range in.MemberIDs {
			ai.MemberIDs = append(ai.MemberIDs, m.parse(f, "member_ids."+strconv.Itoa(i), true))
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
	items, err := h.crs.Attend(r.Context(), p, id, ai)
	if err != nil {
		return err
	}
	for _, a := range items {
		if a.Made {
			return created(w, "/terms/"+db.FormatID(a.TermID)+"/sessions/"+db.FormatID(a.SessionID)+"/attendance", newList(items, ""))
		}
	}
	return ok(w, newList(items, ""))
}

// exportRegister: GET /terms/{id}/register.xlsx — the members with a place
// and the sessions they attended, in the reader's language.
func (h *Handler) exportRegister(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return workbook(w, r, "register-"+db.FormatID(id)+".xlsx", "register export", func(tr translate, out io.Writer) error {
		return h.crs.ExportAttendance(r.Context(), principal(r), id, tr, out)
	})
}

// listEnrolments: GET /terms/{id}/enrolments — staff list them all by
// ticket (?status= ?q= and the page); a member gets only their own.
func (h *Handler) listEnrolments(w http.ResponseWriter, r *http.Request) error {
	own := func(mt *course.MemberTerm) *course.Enrolment { return mt.Enrolment }
	return signUps(w, r, h.crs.MemberView, own, func(q *query, pg page) course.EnrolQuery {
		return course.EnrolQuery{Status: course.EnrolStatus(q.str("status")), Q: q.str("q"), After: q.cursor(pg), Limit: pg.Limit}
	}, h.crs.Enrolments)
}

// enrol: POST /terms/{id}/enrolments — a member applies themself with {};
// staff enrol a member with {"member_id": ID}. 201 when this call made the
// enrolment, 200 with the same one (and the same ticket) when it stood.
func (h *Handler) enrol(w http.ResponseWriter, r *http.Request) error {
	return signUp(w, r, func(id, memberID int64) string {
		return "/terms/" + db.FormatID(id) + "/enrolments/" + db.FormatID(memberID)
	}, h.crs.Apply)
}

// withdraw: DELETE /terms/{id}/enrolments/{member_id} — the enrolment is
// withdrawn and answered; a place given up goes to the first waiting.
func (h *Handler) withdraw(w http.ResponseWriter, r *http.Request) error {
	return withInput(w, r, registrationMember, h.crs.Withdraw)
}

// listGroups: GET /courses/{id}/groups.
func (h *Handler) listGroups(w http.ResponseWriter, r *http.Request) error {
	return getAll(w, r, h.crs.Groups)
}

// createGroup: POST /courses/{id}/groups.
func (h *Handler) createGroup(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in course.GroupInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	g, err := h.crs.CreateGroup(r.Context(), principal(r), id, in)
	if err != nil {
		return err
	}
	return created(w, "/courses/"+db.FormatID(id)+"/groups", g)
}

// groupMembers: GET /groups/{id}/members, for staff.
func (h *Handler) groupMembers(w http.ResponseWriter, r *http.Request) error {
	return getAll(w, r, h.crs.GroupMembers)
}

// joinGroup: POST /groups/{id}/members — a member joins with {}; staff add
// a member with {"member_id"}. Idempotent: answers the group.
func (h *Handler) joinGroup(w http.ResponseWriter, r *http.Request) error {
	return signUp(w, r, nil, func(ctx context.Context, p *auth.Principal, id, memberID int64) (*course.Group, bool, error) {
		g, err := h.crs.JoinGroup(ctx, p, id, memberID, false)
		return g, false, err
	})
}

// leaveGroup: DELETE /groups/{id}/members/{member_id} ("me" for a member
// themself). Idempotent: answers the group.
func (h *Handler) leaveGroup(w http.ResponseWriter, r *http.Request) error {
	return withInput(w, r, registrationMember, func(ctx context.Context, p *auth.Principal, id, memberID int64) (*course.Group, error) {
		return h.crs.JoinGroup(ctx, p, id, memberID, true)
	})
}

// myTerms: GET /me/terms — the terms open to a member and those they are
// in, soonest first, with their enrolments.
func (h *Handler) myTerms(w http.ResponseWriter, r *http.Request) error {
	items, err := h.crs.OpenTerms(r.Context(), principal(r).MemberID)
	if err != nil {
		return err
	}
	return ok(w, newList(items, ""))
}

// myTimetable: GET /me/timetable?from=YYYY-MM-DD&to=YYYY-MM-DD — a
// member's sessions on those days (both included, Beijing time; default
// today and the 28 days after, at most 120 days).
func (h *Handler) myTimetable(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	day := func(name string, def time.Time) time.Time {
		s := q.str(name)
		if s == "" {
			return def
		}
		t, err := time.ParseInLocation(time.DateOnly, s, beijing.Zone)
		if err != nil {
			q.f.Add(name, "field.invalid_date")
		}
		return t
	}
	today := beijing.Midnight(time.Now())
	from := day("from", today)
	to := day("to", from.AddDate(0, 0, timetableDays))
	if err := q.err(); err != nil {
		return err
	}
	if to.Before(from) {
		return fieldErr("to", "field.date_order")
	}
	if to.After(from.AddDate(0, 0, maxTimetableDays)) {
		return fieldErr("to", "api.courses.range_too_long", maxTimetableDays)
	}
	items, err := h.crs.Timetable(r.Context(), principal(r).MemberID, from, to.AddDate(0, 0, 1))
	if err != nil {
		return err
	}
	return ok(w, newList(items, ""))
}

// myGroups: GET /me/groups — the interest groups open to a member, those
// they joined first.
func (h *Handler) myGroups(w http.ResponseWriter, r *http.Request) error {
	items, err := h.crs.MemberGroups(r.Context(), principal(r).MemberID)
	if err != nil {
		return err
	}
	return ok(w, newList(items, ""))
}
