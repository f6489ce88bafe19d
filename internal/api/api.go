// Package api is the JSON API under /api/v1/: bearer-token authentication,
// one thin handler per action (decode, validate, one call into a store, write
// JSON), the error shape of the API contract, and the OpenAPI document.
package api

import (
	"net/http"
	"strings"

	"gonghui/internal/activity"
	"gonghui/internal/auth"
	"gonghui/internal/course"
	"gonghui/internal/db"
	"gonghui/internal/httpx"
	"gonghui/internal/member"
	"gonghui/internal/notice"
	"gonghui/internal/org"
	"gonghui/internal/report"
	"gonghui/internal/stats"
)

// Prefix is where the API lives.
const Prefix = "/api/v1"

// Deps are what the API needs from the rest of the program.
type Deps struct {
	DB      *db.DB
	Auth    *auth.Service
	Orgs    *org.Store
	Members *member.Store
	Acts    *activity.Store
	Courses *course.Store
	HTTP    httpx.Options
}

// Handler serves the API.
type Handler struct {
	db     *db.DB
	auth   *auth.Service
	orgs   *org.Store
	mem    *member.Store
	acts   *activity.Store
	crs    *course.Store
	rep    *report.Reporter
	notes  *notice.Store
	opts   httpx.Options
	mux    *http.ServeMux
	routes []route
}

// access says what a route asks of its caller.
type access int

const (
	public   access = iota // no token
	anyToken               // a valid token, even while two-factor enrolment is owed
	full                   // a valid token and no enrolment owed
	self                   // a member's own token (anyone else: not found)
	either                 // a member's token, or staff as for full
)

type route struct {
	method, path string // path relative to Prefix
	access       access
	fn           func(w http.ResponseWriter, r *http.Request) error
}

// New returns the API handler.
func New(d Deps) *Handler {
	h := &Handler{db: d.DB, auth: d.Auth, orgs: d.Orgs, mem: d.Members, acts: d.Acts, crs: d.Courses,
		rep:   &report.Reporter{Orgs: d.Orgs, Members: d.Members, Stats: stats.NewStore(d.DB)},
		notes: notice.NewStore(d.DB, d.Members), opts: d.HTTP}
	h.routes = h.table()
	return h
}

// table lists every route of the API; the OpenAPI test walks it.
func (h *Handler) table() []route {
	return []route{
		{"GET", "/openapi.json", public, h.openAPI},
		{"POST", "/auth/token", public, h.token},
		{"POST", "/auth/code", public, h.sendCode},
		{"POST", "/auth/logout", anyToken, h.logout},
		{"GET", "/me", anyToken, h.me},
		{"GET", "/me/card", self, h.myCard},
		{"GET", "/me/transfers", self, h.myTransfers},
		{"GET", "/me/applications", self, h.myApplications},
		{"GET", "/me/data", self, h.myData},
		{"PUT", "/me/password", self, h.myPassword},

		{"GET", "/orgs", full, h.listOrgs},
		{"POST", "/orgs", full, h.createOrg},
		{"GET", "/orgs/{id}", full, h.getOrg},
		{"PATCH", "/orgs/{id}", full, h.patchOrg},
		{"GET", "/orgs/{id}/children", full, h.orgChildren},
		{"GET", "/orgs/{id}/subtree", full, h.orgSubtree},
		{"GET", "/orgs/{id}/ancestors", full, h.orgAncestors},
		{"POST", "/orgs/{id}/move", full, h.moveOrg},
		{"GET", "/orgs/{id}/stats", full, h.orgStats},
		{"GET", "/orgs/{id}/stats/children", full, h.orgStatsChildren},
		{"GET", "/orgs/{id}/officers", full, h.listOfficers},
		{"POST", "/orgs/{id}/officers", full, h.addOfficer},
		{"GET", "/orgs/{id}/employers", full, h.orgEmployers},
		{"POST", "/orgs/{id}/employers", full, h.linkEmployer},
		{"DELETE", "/orgs/{id}/employers/{employer_id}", full, h.unlinkEmployer},
		{"PATCH", "/officers/{id}", full, h.patchOfficer},
		{"DELETE", "/officers/{id}", full, h.removeOfficer},

		{"GET", "/employers", full, h.listEmployers},
		{"POST", "/employers", full, h.createEmployer},
		{"GET", "/employers/{id}", full, h.getEmployer},
		{"PATCH", "/employers/{id}", full, h.patchEmployer},

		{"GET", "/users", full, h.listUsers},
		{"POST", "/users", full, h.createUser},
		{"GET", "/users/{id}", full, h.getUser},
		{"PATCH", "/users/{id}", full, h.patchUser},
		{"POST", "/users/{id}/grants", full, h.grant},
		{"DELETE", "/users/{id}/grants/{grant_id}", full, h.revoke},
		{"POST", "/users/{id}/password", full, h.resetPassword},
		{"POST", "/users/{id}/unlock", full, h.unlock},
		{"POST", "/users/{id}/tokens", full, h.createToken},
		{"GET", "/users/{id}/sessions", full, h.userSessions},
		{"DELETE", "/users/{id}/sessions", full, h.revokeSessions},

		{"GET", "/members", full, h.listMembers},
		{"POST", "/members", full, h.createMember},
		{"POST", "/members/import", full, h.importMembers},
		{"GET", "/members/export", full, h.exportMembers},
		{"GET", "/member-exports", full, h.listExports},
		{"POST", "/member-exports", full, h.requestExport},
		{"GET", "/member-exports/{id}", full, h.getExport},
		{"POST", "/member-exports/{id}/decision", full, h.decideExport},
		{"GET", "/member-exports/{id}/download", full, h.downloadExport},
		{"GET", "/members/{id}", full, h.getMember},
		{"PUT", "/members/{id}", full, h.putMember},
		{"POST", "/members/{id}/status", full, h.memberStatus},
		{"POST", "/members/{id}/reveal", full, h.revealMember},
		{"GET", "/members/{id}/history", full, h.memberHistory},
		{"GET", "/members/{id}/card", full, h.memberCard},
		{"GET", "/members/{id}/card.png", full, h.memberCardPNG},
		{"POST", "/cards/verify", public, h.verifyCard},
		{"GET", "/cards/public-key", public, h.cardKey},

		{"GET", "/join-applications", full, h.listApplications},
		{"POST", "/join-applications", public, h.apply},
		{"POST", "/join-applications/track", public, h.trackApplications},
		{"GET", "/join-applications/{id}", full, h.getApplication},
		{"POST", "/join-applications/{id}/decision", full, h.decideApplication},

		{"GET", "/transfers", full, h.listTransfers},
		{"POST", "/transfers", full, h.requestTransfer},
		{"GET", "/transfers/{id}", full, h.getTransfer},
		{"POST", "/transfers/{id}/decision", full, h.decideTransfer},

		// Activities (activities.go).
		{"GET", "/activities", either, h.listActivities},
		{"POST", "/activities", full, h.createActivity},
		{"GET", "/activities/{id}", either, h.getActivity},
		{"PUT", "/activities/{id}", full, h.putActivity},
		{"POST", "/activities/{id}/publish", full, h.publishActivity},
		{"POST", "/activities/{id}/cancel", full, h.cancelActivity},
		{"POST", "/activities/{id}/finish", full, h.finishActivity},
		{"PUT", "/activities/{id}/report", full, h.putActivityReport},
		{"GET", "/activities/{id}/registrations", either, h.listRegistrations},
		{"POST", "/activities/{id}/registrations", either, h.register},
		{"DELETE", "/activities/{id}/registrations/{member_id}", either, h.unregister},
		{"POST", "/activities/{id}/registrations/{member_id}/decision", full, h.decideRegistration},
		{"GET", "/activities/{id}/checkins", full, h.listCheckins},
		{"POST", "/activities/{id}/checkins", either, h.checkIn},
		{"GET", "/activities/{id}/checkpoints/{cp}/code", full, h.checkpointCode},
		{"GET", "/activities/{id}/attendance", full, h.attendance},
		{"GET", "/activities/{id}/attendance.xlsx", full, h.exportAttendance},
		{"GET", "/activities/{id}/calendar.ics", either, h.activityICS},
		{"POST", "/activities/{id}/prizes", full, h.redeemPrize},
		{"GET", "/activities/{id}/stamp-card", self, h.myStampCard},
		{"GET", "/activities/{id}/photos", full, h.listPhotos},
		{"POST", "/activities/{id}/photos", full, h.addPhoto},
		{"GET", "/activities/{id}/photos/{photo_id}", either, h.getPhoto},
		{"DELETE", "/activities/{id}/photos/{photo_id}", full, h.deletePhoto},
		{"POST", "/checkins", self, h.checkInByCode},
		{"GET", "/me/activities", self, h.myActivities},
		{"GET", "/me/notices", self, h.myNotices},

		// Courses (courses.go).
		{"GET", "/courses", full, h.listCourses},
		{"POST", "/courses", full, h.createCourse},
		{"GET", "/courses/{id}", full, h.getCourse},
		{"PUT", "/courses/{id}", full, h.putCourse},
		{"GET", "/courses/{id}/terms", full, h.listTerms},
		{"POST", "/courses/{id}/terms", full, h.createTerm},
		{"GET", "/courses/{id}/groups", full, h.listGroups},
		{"POST", "/courses/{id}/groups", full, h.createGroup},
		{"GET", "/terms/{id}", either, h.getTerm},
		{"PUT", "/terms/{id}", full, h.putTerm},
		{"POST", "/terms/{id}/publish", full, h.publishTerm},
		{"POST", "/terms/{id}/cancel", full, h.cancelTerm},
		{"POST", "/terms/{id}/finish", full, h.finishTerm},
		{"POST", "/terms/{id}/draw", full, h.drawTerm},
		{"GET", "/terms/{id}/draw", either, h.drawRecord},
		{"GET", "/terms/{id}/sessions", full, h.listSessions},
		{"POST", "/terms/{id}/sessions/{sid}/cancel", full, h.cancelSession},
		{"GET", "/terms/{id}/sessions/{sid}/code", full, h.sessionCode},
		{"GET", "/terms/{id}/sessions/{sid}/attendance", full, h.sessionAttendance},
		{"POST", "/terms/{id}/attendance", either, h.attend},
		{"GET", "/terms/{id}/register.xlsx", full, h.exportRegister},
		{"GET", "/terms/{id}/enrolments", either, h.listEnrolments},
		{"POST", "/terms/{id}/enrolments", either, h.enrol},
		{"DELETE", "/terms/{id}/enrolments/{member_id}", either, h.withdraw},
		{"GET", "/groups/{id}/members", full, h.groupMembers},
		{"POST", "/groups/{id}/members", either, h.joinGroup},
		{"DELETE", "/groups/{id}/members/{member_id}", either, h.leaveGroup},
		{"GET", "/me/terms", self, h.myTerms},
		{"GET", "/me/timetable", self, h.myTimetable},
		{"GET", "/me/groups", self, h.myGroups},

		{"GET", "/audit", full, h.listAudit},
		{"GET", "/audit/verify", full, h.verifyAudit},

		{"GET", "/security/policy", full, h.getPolicy},
		{"PUT", "/security/policy", full, h.putPolicy},
	}
}

// Routes registers the API on mux: every route with its method, and a
// catch-all under the prefix that answers 404 or 405 in the API's error shape.
func (h *Handler) Routes(mux *http.ServeMux) {
	h.mux = mux
	for _, rt := range h.routes {
		mux.Handle(rt.method+" "+Prefix+rt.path, h.wrap(rt))
	}
	mux.HandleFunc(Prefix+"/", h.unmatched)
}

// unmatched answers a path no route serves: 405 with Allow when another
// method would have matched, 404 otherwise.
func (h *Handler) unmatched(w http.ResponseWriter, r *http.Request) {
	var allow []string
	for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE"} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := h.mux.Handler(probe); pattern != "" && pattern != Prefix+"/" {
			allow = append(allow, m)
		}
	}
	if len(allow) > 0 {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		h.writeError(w, r, errMethodNotAllowed())
		return
	}
	h.writeError(w, r, errNotFoundPath())
}
