package api

import (
	"gonghui/internal/course"
	"gonghui/internal/member"
)

// The routes of this module and what the OpenAPI document says of them.

func (h *Handler) courseRoutes() []route {
	return withTag("courses", []route{
		{"GET", "/courses", full, h.listCourses, doc("listCourses", "Courses run in the caller's subtrees, newest first").
			params(qp("q", "title substring", str()), qp("org", "in this organisation's subtree", idS()), qp("category", "", enumS(enumOf(course.Categories...)...)), qp("after", "the same as cursor", str())).paged().out(list[course.Course]{}).errors(404)},
		{"POST", "/courses", full, h.createCourse, doc("createCourse", "Create a course").in(courseInput{}).made(course.Course{}).errors(404, 409)},
		{"GET", "/courses/{id}", full, h.getCourse, doc("getCourse", "A course").out(course.Course{}).errors(400, 422)},
		{"PUT", "/courses/{id}", full, h.putCourse, doc("putCourse", "Edit a course's title, category and description at the version it was read").in(courseUpdateInput{}).out(course.Course{}).errors(409)},
		{"GET", "/courses/{id}/terms", full, h.listTerms, doc("listTerms", "A course's terms, latest first").out(list[course.Term]{}).errors(400, 422)},
		{"POST", "/courses/{id}/terms", full, h.createTerm, doc("createTerm", "Add a draft term with its sessions; the hash of its lottery seed is shown from now on").in(termInput{}).made(course.Term{}).errors(409)},
		{"GET", "/courses/{id}/groups", full, h.listGroups, doc("listGroups", "A course's interest groups").out(list[course.Group]{}).errors(400, 422)},
		{"POST", "/courses/{id}/groups", full, h.createGroup, doc("createGroup", "Start an interest group around a course").in(course.GroupInput{}).made(course.Group{}).errors(409)},
		{"GET", "/terms/{id}", either, h.getTerm, doc("getTerm", "A term; a member of its audience (or who applied) gets it with their enrolment, waiting position and coming sessions (MemberTerm)").out(course.MemberTerm{}).errors(400, 422)},
		{"PUT", "/terms/{id}", full, h.putTerm, doc("putTerm", "Edit a term at the version it was read, before its draw (the sessions are made again from the schedule)").in(termUpdateInput{}).out(course.Term{}).errors(409)},
		{"POST", "/terms/{id}/publish", full, h.publishTerm, doc("publishTerm", "Publish a draft term: members of the audience may apply once enrolment opens").optIn(empty{}).out(course.Term{}).errors(409)},
		{"POST", "/terms/{id}/cancel", full, h.cancelTerm, doc("cancelTerm", "Call a term off; everyone who applied or holds a place is told").optIn(empty{}).out(course.Term{}).errors(409)},
		{"POST", "/terms/{id}/finish", full, h.finishTerm, doc("finishTerm", "Close a drawn term").optIn(empty{}).out(course.Term{}).errors(409)},
		{"POST", "/terms/{id}/draw", full, h.drawTerm, doc("drawTerm", "Give the places once enrolment has closed: everyone when there are enough, otherwise by lottery with the term's seed, which is published; the rest wait in draw order. Everyone is told").optIn(empty{}).out(course.DrawResult{}).errors(409)},
		{"GET", "/terms/{id}/draw", either, h.drawRecord, doc("drawRecord", "The draw's record, for staff who see the term and members it is open to: seed hash, seed once drawn, capacity and every ticket's place, enough to re-run the draw").out(course.DrawRecord{}).errors(400, 422)},
		{"GET", "/terms/{id}/sessions", full, h.listSessions, doc("listSessions", "A term's sessions in time order, with how many attended each").out(list[course.Session]{}).errors(400, 422)},
		{"POST", "/terms/{id}/sessions/{sid}/cancel", full, h.cancelSession, doc("cancelSession", "Call a session off (cancelled: true) or back on (false)").in(sessionCancelInput{}).out(course.Session{}).errors(409)},
		{"GET", "/terms/{id}/sessions/{sid}/code", full, h.sessionCode, doc("sessionCode", "The code a session shows now, for its QR code").out(checkpointCodeView{}).errors(400, 422)},
		{"GET", "/terms/{id}/sessions/{sid}/attendance", full, h.sessionAttendance, doc("sessionAttendance", "Who attended a session, in the order they came").out(list[course.Attendance]{}).errors(400, 422)},
		{"POST", "/terms/{id}/attendance", either, h.attend, doc("attend", "Take attendance, from 30 minutes before a session until its end, for members with a place: a member with the session's code; staff at a session with a member card or a list of members (those without a place are skipped). Idempotent: 201 when any attendance was new, 200 when all were already recorded").optIn(attendInput{}).made(list[course.Attendance]{}).also(200, "Already recorded", list[course.Attendance]{}).errors(409)},
		{"GET", "/terms/{id}/register.xlsx", full, h.exportRegister, doc("exportRegister", "The register as .xlsx: members with a place, one column a session, in the reader's language").file("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "The workbook")},
		{"GET", "/terms/{id}/enrolments", either, h.listEnrolments, doc("listEnrolments", "Enrolments by ticket, with sessions attended; a member gets only their own").
			params(qp("status", "", enumS(enumOf(course.EnrolStatuses...)...)), qp("q", "name substring", str()), qp("after", "the same as cursor", str())).paged().out(list[course.Enrolment]{})},
		{"POST", "/terms/{id}/enrolments", either, h.enrol, doc("enrol", "Apply: a member themself with {} inside the enrolment window, staff a member of the audience with member_id (after the draw: a free place, else the end of the waiting list). Idempotent: 201 when made, 200 with the standing enrolment and its ticket").optIn(registerInput{}).made(course.Enrolment{}).also(200, "Already applied", course.Enrolment{}).errors(409)},
		{"DELETE", "/terms/{id}/enrolments/{member_id}", either, h.withdraw, doc("withdraw", "Withdraw an application or give up a place (a member as me, or staff); the place goes to the first on the waiting list").out(course.Enrolment{}).errors(409)},
		{"GET", "/groups/{id}/members", full, h.groupMembers, doc("groupMembers", "An interest group's members (staff)").out(list[course.GroupMember]{}).errors(400, 422)},
		{"POST", "/groups/{id}/members", either, h.joinGroup, doc("joinGroup", "Join an interest group: a member themself with {}, staff a member with member_id. Idempotent: answers the group").optIn(registerInput{}).out(course.Group{}).errors(409)},
		{"DELETE", "/groups/{id}/members/{member_id}", either, h.leaveGroup, doc("leaveGroup", "Leave an interest group (a member as me, or staff). Idempotent: answers the group").out(course.Group{})},
		{"GET", "/me/terms", self, h.myTerms, doc("myTerms", "A signed-in member's terms: those open to them that have not ended and those they applied for, soonest first, with their enrolments").out(list[course.MemberTerm]{})},
		{"GET", "/me/timetable", self, h.myTimetable, doc("myTimetable", "A signed-in member's sessions in terms they have a place in, between two days (Beijing time, both included; at most 120 days; at most 200 sessions)").
			params(qp("from", "first day; default today", dateS()), qp("to", "last day; default 28 days after from", dateS())).out(list[course.TimetableEntry]{})},
		{"GET", "/me/groups", self, h.myGroups, doc("myGroups", "The interest groups open to a signed-in member (courses of their union or above), those they joined first").out(list[course.Group]{})},
	})
}

func courseNotes(ns notes) {
	named[course.Figures](ns, "CourseFigures")
	note[course.Course](ns, typeNote{
		Fields: map[string]fieldNote{
			"category": {Enum: enumOf(course.Categories...)},
			"terms":    {Desc: "how many terms the course has"},
			"groups":   {Desc: "how many interest groups"},
		},
	})
	note[courseInput](ns, typeNote{
		Required: []string{"org_id", "title", "category"},
		Fields: map[string]fieldNote{
			"org_id":      {Desc: "the organisation running the course (ignored on an edit)"},
			"title":       {MaxLength: count(100)},
			"category":    {Enum: enumOf(course.Categories...)},
			"description": {MaxLength: count(20000)},
		},
	})
	note[courseUpdateInput](ns, typeNote{
		Name:     "CourseUpdate",
		Required: []string{"version", "title", "category"},
		Fields: map[string]fieldNote{
			"version": {Desc: "the version the course was read at"},
		},
	})
	note[course.Term](ns, typeNote{
		Desc: "one run of a course",
		Fields: map[string]fieldNote{
			"category":      {Enum: enumOf(course.Categories...)},
			"audience_tags": {Desc: "empty: every member of the audience; otherwise members carrying one of these tags", Enum: enumOf(member.Tags...)},
			"capacity":      {Desc: "0: no limit"},
			"starts_on":     {Format: "date"},
			"ends_on":       {Format: "date"},
			"status":        {Desc: "draft; open (published: members apply in the window); drawn (places given); finished; cancelled", Enum: enumOf(course.TermStatuses...)},
			"seed_hash":     {Desc: "SHA-256 (hex) of the lottery seed, published from the term's creation"},
			"seed":          {Desc: "the lottery seed, present once drawn"},
			"drawn_at":      {Desc: "present once drawn"},
			"sessions":      {Desc: "sessions not called off"},
		},
	})
	note[course.Slot](ns, typeNote{
		Desc: "one weekly meeting",
		Fields: map[string]fieldNote{
			"weekday": {Desc: "1 Monday … 7 Sunday", Min: num(1), Max: num(7)},
			"start":   {Desc: "HH:MM, Beijing time", Pattern: "^[0-9]{1,2}:[0-9]{2}$"},
			"minutes": {Min: num(10), Max: num(600)},
		},
	})
	note[termInput](ns, typeNote{
		Required: []string{"name", "enrol_closes_at", "starts_on", "ends_on", "schedule"},
		Fields: map[string]fieldNote{
			"audience_org_id": {Desc: "the course's organisation or one below it; default the course's organisation: members of its subtree may apply"},
			"audience_tags":   {Desc: "only members carrying one of these tags (empty: all)", Enum: enumOf(member.Tags...)},
			"name":            {MaxLength: count(100)},
			"teacher":         {MaxLength: count(200)},
			"venue":           {MaxLength: count(200)},
			"address":         {MaxLength: count(200)},
			"capacity":        {Desc: "0: no limit (everyone who applied gets a place)", Min: num(0), Max: num(100000)},
			"enrol_opens_at":  {Desc: "2006-01-02T15:04 (Beijing time), with seconds, or RFC 3339 with a zone; default: at once"},
			"enrol_closes_at": {Desc: "after enrol_opens_at and not after the first day; same forms"},
			"starts_on":       {Desc: "the first day (YYYY-MM-DD)", Format: "date"},
			"ends_on":         {Desc: "the last day, at most 104 weeks after the first", Format: "date"},
			"schedule":        {Desc: "weekly meetings; the sessions are every meeting between the first and last day (at most 400)", MinItems: count(1), MaxItems: count(14)},
		},
	})
	note[course.Group](ns, typeNote{
		Desc: "an interest group around a course",
		Fields: map[string]fieldNote{
			"joined": {Desc: "for a member: they are in it (absent otherwise)"},
		},
	})
	note[course.GroupInput](ns, typeNote{
		Required: []string{"name"},
		Fields: map[string]fieldNote{
			"name":        {MaxLength: count(100)},
			"description": {MaxLength: count(20000)},
		},
	})
	note[course.MemberTerm](ns, typeNote{
		Desc: "a term; as a member sees it, with their enrolment, waiting position and next sessions (staff never get those three)",
		Fields: map[string]fieldNote{
			"waiting_position":  {Desc: "1: next to be given a place"},
			"upcoming_sessions": {Desc: "the next (at most 10) sessions"},
		},
	})
	note[course.Session](ns, typeNote{
		Name: "CourseSession",
		Desc: "one meeting of a term",
		Fields: map[string]fieldNote{
			"attended": {Desc: "members who attended"},
		},
	})
	note[course.Enrolment](ns, typeNote{
		Fields: map[string]fieldNote{
			"org_name":  {Desc: "in the staff list"},
			"status":    {Desc: "applied (before the draw), enrolled (has a place), waiting (in draw order), cancelled", Enum: enumOf(course.EnrolStatuses...)},
			"ticket":    {Desc: "the lottery ticket, in order of application"},
			"draw_rank": {Desc: "place in the draw (absent before it)"},
			"via":       {Enum: []string{"self", "staff"}},
			"attended":  {Desc: "sessions attended"},
		},
	})
	note[termUpdateInput](ns, typeNote{
		Name:     "TermUpdate",
		Required: []string{"version", "name", "enrol_closes_at", "starts_on", "ends_on", "schedule"},
		Fields: map[string]fieldNote{
			"version": {Desc: "the version the term was read at"},
		},
	})
	note[course.DrawResult](ns, typeNote{
		Desc: "the outcome of a draw; re-run it with the published seed",
		Fields: map[string]fieldNote{
			"seed":     {Desc: "now published: SHA-256 of it is the seed_hash shown before"},
			"capacity": {Desc: "0: no limit"},
			"tickets":  {Desc: "every applicant's ticket, ascending"},
			"drawn":    {Desc: "tickets given a place, in draw order"},
			"waiting":  {Desc: "the rest, in draw order"},
		},
	})
	note[course.DrawRecord](ns, typeNote{
		Desc: "Everything needed to check a draw, without personal data. The draw orders the tickets by SHA-256 of \"SEED:TICKET\" (the seed as published, the ticket in decimal), smallest first; the first capacity tickets get a place (all when capacity is 0).",
		Fields: map[string]fieldNote{
			"seed":          {Desc: "present once drawn"},
			"drawn_at":      {Desc: "present once drawn"},
			"tickets":       {Desc: "in draw order; empty before the draw"},
			"tickets.rank":  {Desc: "1-based place in the draw"},
			"tickets.drawn": {Desc: "given a place by the draw"},
		},
	})
	note[sessionCancelInput](ns, typeNote{
		Required: []string{"cancelled"},
		Fields: map[string]fieldNote{
			"cancelled": {Desc: "true calls the session off, false back on"},
		},
	})
	note[course.Attendance](ns, typeNote{
		Name: "CourseAttendance",
		Desc: "one member's attendance at one session",
		Fields: map[string]fieldNote{
			"via":      {Enum: []string{"code", "card", "staff"}},
			"made":     {Desc: "false: already recorded (answered as it was)"},
			"attended": {Desc: "sessions of the term the member has attended (when taken)"},
			"sessions": {Desc: "sessions of the term (when taken)"},
		},
	})
	note[attendInput](ns, typeNote{
		Desc: "a member: code; staff: session_id with a card or member_ids",
		Fields: map[string]fieldNote{
			"code":       {Desc: "a session's code (GHK1:...) or the URL its QR code holds"},
			"card":       {Desc: "a member card's QR payload (GHC1:...)"},
			"member_ids": {Desc: "members ticked on the list; those without a place are skipped", MaxItems: count(1000)},
		},
	})
	note[course.TimetableEntry](ns, typeNote{
		Desc: "one session of a term the member has a place in",
		Fields: map[string]fieldNote{
			"attended": {Desc: "the member's attendance is recorded"},
		},
	})
}
