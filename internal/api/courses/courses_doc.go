package courses

import (
	"gonghui/internal/api"
	"gonghui/internal/course"
	"gonghui/internal/member"
)

// The routes of this module and what the OpenAPI document says of them.

func (h *API) courseRoutes() []api.Route {
	return api.WithTag("courses", []api.Route{
		api.R("GET", "/courses", api.Full, h.listCourses, api.Doc("listCourses", "Courses run in the caller's subtrees, newest first unless sorted, with the filter's total").
			Params(api.QP("q", "title substring", api.Str()), api.QP("org", "in this organisation's subtree", api.IDS()), api.QP("category", "", api.EnumS(api.EnumOf(course.Categories...)...)), api.QP("after", "the same as cursor", api.Str()), api.SortParam(course.Sorts.Names())).Paged().Out(api.TotalList[course.Course]{}).Errors(404)),
		api.R("POST", "/courses", api.Full, h.createCourse, api.Doc("createCourse", "Create a course").In(courseInput{}).Made(course.Course{}).Errors(404, 409)),
		api.R("GET", "/courses/{id}", api.Full, h.getCourse, api.Doc("getCourse", "A course").Out(course.Course{}).Errors(400, 422)),
		api.R("PUT", "/courses/{id}", api.Full, h.putCourse, api.Doc("putCourse", "Edit a course's title, category and description at the version it was read").In(courseUpdateInput{}).Out(course.Course{}).Errors(409)),
		api.R("GET", "/courses/{id}/terms", api.Full, h.listTerms, api.Doc("listTerms", "A course's terms, latest first").Out(api.List[course.Term]{}).Errors(400, 422)),
		api.R("POST", "/courses/{id}/terms", api.Full, h.createTerm, api.Doc("createTerm", "Add a draft term with its sessions; the hash of its lottery seed is shown from now on").In(termInput{}).Made(course.Term{}).Errors(409)),
		api.R("GET", "/courses/{id}/groups", api.Full, h.listGroups, api.Doc("listGroups", "A course's interest groups").Out(api.List[course.Group]{}).Errors(400, 422)),
		api.R("POST", "/courses/{id}/groups", api.Full, h.createGroup, api.Doc("createGroup", "Start an interest group around a course").In(course.GroupInput{}).Made(course.Group{}).Errors(409)),
		api.R("GET", "/terms/{id}", api.Either, h.getTerm, api.Doc("getTerm", "A term; a member of its audience (or who applied) gets it with their enrolment, waiting position and coming sessions (MemberTerm)").Out(course.MemberTerm{}).Errors(400, 422)),
		api.R("PUT", "/terms/{id}", api.Full, h.putTerm, api.Doc("putTerm", "Edit a term at the version it was read, before its draw (the sessions are made again from the schedule)").In(termUpdateInput{}).Out(course.Term{}).Errors(409)),
		api.R("POST", "/terms/{id}/publish", api.Full, h.publishTerm, api.Doc("publishTerm", "Publish a draft term: members of the audience may apply once enrolment opens").OptIn(api.Empty{}).Out(course.Term{}).Errors(409)),
		api.R("POST", "/terms/{id}/cancel", api.Full, h.cancelTerm, api.Doc("cancelTerm", "Call a term off; everyone who applied or holds a place is told").OptIn(api.Empty{}).Out(course.Term{}).Errors(409)),
		api.R("POST", "/terms/{id}/finish", api.Full, h.finishTerm, api.Doc("finishTerm", "Close a drawn term").OptIn(api.Empty{}).Out(course.Term{}).Errors(409)),
		api.R("POST", "/terms/{id}/draw", api.Full, h.drawTerm, api.Doc("drawTerm", "Give the places once enrolment has closed: everyone when there are enough, otherwise by lottery with the term's seed, which is published; the rest wait in draw order. Everyone is told").OptIn(api.Empty{}).Out(course.DrawResult{}).Errors(409)),
		api.R("GET", "/terms/{id}/draw", api.Either, h.drawRecord, api.Doc("drawRecord", "The draw's record, for staff who see the term and members it is open to: seed hash, seed once drawn, capacity and every ticket's place, enough to re-run the draw").Out(course.DrawRecord{}).Errors(400, 422)),
		api.R("GET", "/terms/{id}/sessions", api.Full, h.listSessions, api.Doc("listSessions", "A term's sessions in time order, with how many attended each").Out(api.List[course.Session]{}).Errors(400, 422)),
		api.R("POST", "/terms/{id}/sessions/{sid}/cancel", api.Full, h.cancelSession, api.Doc("cancelSession", "Call a session off (cancelled: true) or back on (false)").In(sessionCancelInput{}).Out(course.Session{}).Errors(409)),
		api.R("GET", "/terms/{id}/sessions/{sid}/code", api.Full, h.sessionCode, api.Doc("sessionCode", "The code a session shows now, for its QR code").Out(api.CheckpointCodeView{}).Errors(400, 422)),
		api.R("GET", "/terms/{id}/sessions/{sid}/attendance", api.Full, h.sessionAttendance, api.Doc("sessionAttendance", "Who attended a session, in the order they came").Out(api.List[course.Attendance]{}).Errors(400, 422)),
		api.R("POST", "/terms/{id}/attendance", api.Either, h.attend, api.Doc("attend", "Take attendance, from 30 minutes before a session until its end, for members with a place: a member with the session's code; staff at a session with a member card or a list of members (those without a place are skipped). Idempotent: 201 when any attendance was new, 200 when all were already recorded").OptIn(attendInput{}).Made(api.List[course.Attendance]{}).Also(200, "Already recorded", api.List[course.Attendance]{}).Errors(409)),
		api.R("GET", "/terms/{id}/register.xlsx", api.Full, h.exportRegister, api.Doc("exportRegister", "The register as .xlsx: members with a place, one column a session, in the reader's language").File("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "The workbook")),
		api.R("GET", "/terms/{id}/enrolments", api.Either, h.listEnrolments, api.Doc("listEnrolments", "Enrolments by ticket, with sessions attended; a member gets only their own").
			Params(api.QP("status", "", api.EnumS(api.EnumOf(course.EnrolStatuses...)...)), api.QP("q", "name substring", api.Str()), api.QP("after", "the same as cursor", api.Str())).Paged().Out(api.List[course.Enrolment]{})),
		api.R("POST", "/terms/{id}/enrolments", api.Either, h.enrol, api.Doc("enrol", "Apply: a member themself with {} inside the enrolment window, staff a member of the audience with member_id (after the draw: a free place, else the end of the waiting list). Idempotent: 201 when made, 200 with the standing enrolment and its ticket").OptIn(api.RegisterInput{}).Made(course.Enrolment{}).Also(200, "Already applied", course.Enrolment{}).Errors(409)),
		api.R("DELETE", "/terms/{id}/enrolments/{member_id}", api.Either, h.withdraw, api.Doc("withdraw", "Withdraw an application or give up a place (a member as me, or staff); the place goes to the first on the waiting list").Out(course.Enrolment{}).Errors(409)),
		api.R("GET", "/groups/{id}/members", api.Full, h.groupMembers, api.Doc("groupMembers", "An interest group's members (staff)").Out(api.List[course.GroupMember]{}).Errors(400, 422)),
		api.R("POST", "/groups/{id}/members", api.Either, h.joinGroup, api.Doc("joinGroup", "Join an interest group: a member themself with {}, staff a member with member_id. Idempotent: answers the group").OptIn(api.RegisterInput{}).Out(course.Group{}).Errors(409)),
		api.R("DELETE", "/groups/{id}/members/{member_id}", api.Either, h.leaveGroup, api.Doc("leaveGroup", "Leave an interest group (a member as me, or staff). Idempotent: answers the group").Out(course.Group{})),
		api.R("GET", "/me/terms", api.Self, h.myTerms, api.Doc("myTerms", "A signed-in member's terms: those open to them that have not ended and those they applied for, soonest first, with their enrolments").Out(api.List[course.MemberTerm]{})),
		api.R("GET", "/me/timetable", api.Self, h.myTimetable, api.Doc("myTimetable", "A signed-in member's sessions in terms they have a place in, between two days (Beijing time, both included; at most 120 days; at most 200 sessions)").
			Params(api.QP("from", "first day; default today", api.DateS()), api.QP("to", "last day; default 28 days after from", api.DateS())).Out(api.List[course.TimetableEntry]{})),
		api.R("GET", "/me/groups", api.Self, h.myGroups, api.Doc("myGroups", "The interest groups open to a signed-in member (courses of their union or above), those they joined first").Out(api.List[course.Group]{})),
	})
}

func courseNotes(ns api.Notes) {
	api.Named[api.TotalList[course.Course]](ns, "CoursePage")
	api.Named[course.Figures](ns, "CourseFigures")
	api.Note[course.Course](ns, api.TypeNote{
		Fields: map[string]api.FieldNote{
			"category": {Enum: api.EnumOf(course.Categories...)},
			"terms":    {Desc: "how many terms the course has"},
			"groups":   {Desc: "how many interest groups"},
		},
	})
	api.Note[courseInput](ns, api.TypeNote{
		Required: []string{"org_id", "title", "category"},
		Fields: map[string]api.FieldNote{
			"org_id":      {Desc: "the organisation running the course (ignored on an edit)"},
			"title":       {MaxLength: api.Count(100)},
			"category":    {Enum: api.EnumOf(course.Categories...)},
			"description": {MaxLength: api.Count(20000)},
		},
	})
	api.Note[courseUpdateInput](ns, api.TypeNote{
		Name:     "CourseUpdate",
		Required: []string{"version", "title", "category"},
		Fields: map[string]api.FieldNote{
			"version": {Desc: "the version the course was read at"},
		},
	})
	api.Note[course.Term](ns, api.TypeNote{
		Desc: "one run of a course",
		Fields: map[string]api.FieldNote{
			"category":      {Enum: api.EnumOf(course.Categories...)},
			"audience_tags": {Desc: "empty: every member of the audience; otherwise members carrying one of these tags", Enum: api.EnumOf(member.Tags...)},
			"capacity":      {Desc: "0: no limit"},
			"starts_on":     {Format: "date"},
			"ends_on":       {Format: "date"},
			"status":        {Desc: "draft; open (published: members apply in the window); drawn (places given); finished; cancelled", Enum: api.EnumOf(course.TermStatuses...)},
			"seed_hash":     {Desc: "SHA-256 (hex) of the lottery seed, published from the term's creation"},
			"seed":          {Desc: "the lottery seed, present once drawn"},
			"drawn_at":      {Desc: "present once drawn"},
			"sessions":      {Desc: "sessions not called off"},
		},
	})
	api.Note[course.Slot](ns, api.TypeNote{
		Desc: "one weekly meeting",
		Fields: map[string]api.FieldNote{
			"weekday": {Desc: "1 Monday … 7 Sunday", Min: api.Num(1), Max: api.Num(7)},
			"start":   {Desc: "HH:MM, Beijing time", Pattern: "^[0-9]{1,2}:[0-9]{2}$"},
			"minutes": {Min: api.Num(10), Max: api.Num(600)},
		},
	})
	api.Note[termInput](ns, api.TypeNote{
		Required: []string{"name", "enrol_closes_at", "starts_on", "ends_on", "schedule"},
		Fields: map[string]api.FieldNote{
			"audience_org_id": {Desc: "the course's organisation or one below it; default the course's organisation: members of its subtree may apply"},
			"audience_tags":   {Desc: "only members carrying one of these tags (empty: all)", Enum: api.EnumOf(member.Tags...)},
			"name":            {MaxLength: api.Count(100)},
			"teacher":         {MaxLength: api.Count(200)},
			"venue":           {MaxLength: api.Count(200)},
			"address":         {MaxLength: api.Count(200)},
			"capacity":        {Desc: "0: no limit (everyone who applied gets a place)", Min: api.Num(0), Max: api.Num(100000)},
			"enrol_opens_at":  {Desc: "2006-01-02T15:04 (Beijing time), with seconds, or RFC 3339 with a zone; default: at once"},
			"enrol_closes_at": {Desc: "after enrol_opens_at and not after the first day; same forms"},
			"starts_on":       {Desc: "the first day (YYYY-MM-DD)", Format: "date"},
			"ends_on":         {Desc: "the last day, at most 104 weeks after the first", Format: "date"},
			"schedule":        {Desc: "weekly meetings; the sessions are every meeting between the first and last day (at most 400)", MinItems: api.Count(1), MaxItems: api.Count(14)},
		},
	})
	api.Note[course.Group](ns, api.TypeNote{
		Desc: "an interest group around a course",
		Fields: map[string]api.FieldNote{
			"joined": {Desc: "for a member: they are in it (absent otherwise)"},
		},
	})
	api.Note[course.GroupInput](ns, api.TypeNote{
		Required: []string{"name"},
		Fields: map[string]api.FieldNote{
			"name":        {MaxLength: api.Count(100)},
			"description": {MaxLength: api.Count(20000)},
		},
	})
	api.Note[course.MemberTerm](ns, api.TypeNote{
		Desc: "a term; as a member sees it, with their enrolment, waiting position and next sessions (staff never get those three)",
		Fields: map[string]api.FieldNote{
			"waiting_position":  {Desc: "1: next to be given a place"},
			"upcoming_sessions": {Desc: "the next (at most 10) sessions"},
		},
	})
	api.Note[course.Session](ns, api.TypeNote{
		Name: "CourseSession",
		Desc: "one meeting of a term",
		Fields: map[string]api.FieldNote{
			"attended": {Desc: "members who attended"},
		},
	})
	api.Note[course.Enrolment](ns, api.TypeNote{
		Fields: map[string]api.FieldNote{
			"org_name":  {Desc: "in the staff list"},
			"status":    {Desc: "applied (before the draw), enrolled (has a place), waiting (in draw order), cancelled", Enum: api.EnumOf(course.EnrolStatuses...)},
			"ticket":    {Desc: "the lottery ticket, in order of application"},
			"draw_rank": {Desc: "place in the draw (absent before it)"},
			"via":       {Enum: []string{"self", "staff"}},
			"attended":  {Desc: "sessions attended"},
		},
	})
	api.Note[termUpdateInput](ns, api.TypeNote{
		Name:     "TermUpdate",
		Required: []string{"version", "name", "enrol_closes_at", "starts_on", "ends_on", "schedule"},
		Fields: map[string]api.FieldNote{
			"version": {Desc: "the version the term was read at"},
		},
	})
	api.Note[course.DrawResult](ns, api.TypeNote{
		Desc: "the outcome of a draw; re-run it with the published seed",
		Fields: map[string]api.FieldNote{
			"seed":     {Desc: "now published: SHA-256 of it is the seed_hash shown before"},
			"capacity": {Desc: "0: no limit"},
			"tickets":  {Desc: "every applicant's ticket, ascending"},
			"drawn":    {Desc: "tickets given a place, in draw order"},
			"waiting":  {Desc: "the rest, in draw order"},
		},
	})
	api.Note[course.DrawRecord](ns, api.TypeNote{
		Desc: "Everything needed to check a draw, without personal data. The draw orders the tickets by SHA-256 of \"SEED:TICKET\" (the seed as published, the ticket in decimal), smallest first; the first capacity tickets get a place (all when capacity is 0).",
		Fields: map[string]api.FieldNote{
			"seed":          {Desc: "present once drawn"},
			"drawn_at":      {Desc: "present once drawn"},
			"tickets":       {Desc: "in draw order; empty before the draw"},
			"tickets.rank":  {Desc: "1-based place in the draw"},
			"tickets.drawn": {Desc: "given a place by the draw"},
		},
	})
	api.Note[sessionCancelInput](ns, api.TypeNote{
		Required: []string{"cancelled"},
		Fields: map[string]api.FieldNote{
			"cancelled": {Desc: "true calls the session off, false back on"},
		},
	})
	api.Note[course.Attendance](ns, api.TypeNote{
		Name: "CourseAttendance",
		Desc: "one member's attendance at one session",
		Fields: map[string]api.FieldNote{
			"via":      {Enum: []string{"code", "card", "staff"}},
			"made":     {Desc: "false: already recorded (answered as it was)"},
			"attended": {Desc: "sessions of the term the member has attended (when taken)"},
			"sessions": {Desc: "sessions of the term (when taken)"},
		},
	})
	api.Note[attendInput](ns, api.TypeNote{
		Desc: "a member: code; staff: session_id with a card or member_ids",
		Fields: map[string]api.FieldNote{
			"code":       {Desc: "a session's code (GHK1:...) or the URL its QR code holds"},
			"card":       {Desc: "a member card's QR payload (GHC1:...)"},
			"member_ids": {Desc: "members ticked on the list; those without a place are skipped", MaxItems: api.Count(1000)},
		},
	})
	api.Note[course.TimetableEntry](ns, api.TypeNote{
		Desc: "one session of a term the member has a place in",
		Fields: map[string]api.FieldNote{
			"attended": {Desc: "the member's attendance is recorded"},
		},
	})
}
