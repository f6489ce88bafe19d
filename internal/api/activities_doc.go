package api

import (
	"gonghui/internal/activity"
	"gonghui/internal/member"
	"gonghui/internal/notice"
)

// The routes of this module and what the OpenAPI document says of them.

func (h *Handler) activityRoutes() []route {
	return withTag("activities", []route{
		{"GET", "/activities", either, h.listActivities, doc("listActivities", "Activities: staff see those published in their subtrees (newest start first); a member sees those open to them (answered as MemberActivity)").
			params(qp("q", "title substring", str()), qp("org", "staff: published in this organisation's subtree", idS()), qp("kind", "staff", enumS(enumOf(activity.Kinds...)...)), qp("status", "staff", enumS(enumOf(activity.Statuses...)...)), qp("from", "staff: starting on or after this day", dateS()), qp("to", "staff: starting on or before this day", dateS()), qp("mine", "members: only those they signed up for", flagS()), qp("past", "members: ended ones, latest first (default: coming ones, soonest first)", flagS())).paged().out(callerActivities{}).errors(404)},
		{"POST", "/activities", full, h.createActivity, doc("createActivity", "Create an activity (a draft)").in(activityInput{}).made(activity.Activity{}).errors(404, 409)},
		{"GET", "/activities/{id}", either, h.getActivity, doc("getActivity", "An activity; a member gets it with their registration, waiting position and stamp card (MemberActivity)").out(oneOf{types: []any{activity.Activity{}, activity.MemberActivity{}}}).errors(400, 422)},
		{"PUT", "/activities/{id}", full, h.putActivity, doc("putActivity", "Edit an activity at the version it was read (raising the capacity promotes from the waiting list)").in(activityUpdateInput{}).out(activity.Activity{}).errors(409)},
		{"POST", "/activities/{id}/publish", full, h.publishActivity, doc("publishActivity", "Publish a draft to its audience").optIn(empty{}).out(activity.Activity{}).errors(409)},
		{"POST", "/activities/{id}/cancel", full, h.cancelActivity, doc("cancelActivity", "Call an activity off; everyone signed up is told").optIn(cancelInput{}).out(activity.Activity{}).errors(409)},
		{"POST", "/activities/{id}/finish", full, h.finishActivity, doc("finishActivity", "Close an activity that has started: no more sign-ups or check-ins").optIn(empty{}).out(activity.Activity{}).errors(409)},
		{"PUT", "/activities/{id}/report", full, h.putActivityReport, doc("putActivityReport", "Save the report written after the activity").in(reportInput{}).out(activity.Activity{}).errors(409)},
		{"GET", "/activities/{id}/registrations", either, h.listRegistrations, doc("listRegistrations", "Sign-ups in order, with each member's stamps; a member gets only their own").
			params(qp("status", "", enumS(enumOf(activity.RegStatuses...)...)), qp("q", "name substring", str())).paged().out(list[activity.Registration]{})},
		{"POST", "/activities/{id}/registrations", either, h.register, doc("register", "Sign up: a member themself with {}, staff a member of the audience with member_id. Never oversold: when full the sign-up waits (with a waiting list) or is refused (409 full). Idempotent: 201 when made, 200 with the standing registration").optIn(registerInput{}).made(activity.Registration{}).also(200, "Already signed up", activity.Registration{}).errors(409)},
		{"DELETE", "/activities/{id}/registrations/{member_id}", either, h.unregister, doc("unregister", "Withdraw a sign-up (a member before the cancellation deadline, staff until the end); the place goes to the first on the waiting list").out(activity.Registration{}).errors(409)},
		{"POST", "/activities/{id}/registrations/{member_id}/decision", full, h.decideRegistration, doc("decideRegistration", "Approve or reject a sign-up awaiting approval").in(registrationDecision{}).out(activity.Registration{}).errors(409)},
		{"GET", "/activities/{id}/checkins", full, h.listCheckins, doc("listCheckins", "Check-ins, latest first").paged().out(list[activity.CheckInRow]{})},
		{"POST", "/activities/{id}/checkins", either, h.checkIn, doc("checkIn", "Check in: a member with a checkpoint's code; staff with a member's card or ID. Idempotent: 201 when made, 200 with the first check-in").optIn(checkInInput{}).made(activity.CheckIn{}).also(200, "Already checked in", activity.CheckIn{}).errors(409)},
		{"GET", "/activities/{id}/checkpoints/{cp}/code", full, h.checkpointCode, doc("checkpointCode", "The code a checkpoint shows now, for its QR code").out(checkpointCodeView{}).errors(400, 422)},
		{"GET", "/activities/{id}/attendance", full, h.attendance, doc("attendance", "Who came: counts, rate, and people and unions per organisation").out(activity.Attendance{}).errors(400, 422)},
		{"GET", "/activities/{id}/attendance.xlsx", full, h.exportAttendance, doc("exportAttendance", "Sign-ups with their check-ins as .xlsx").file("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "The workbook")},
		{"GET", "/activities/{id}/calendar.ics", either, h.activityICS, doc("activityICS", "The activity as an iCalendar file").file("text/calendar", "iCalendar")},
		{"POST", "/activities/{id}/prizes", full, h.redeemPrize, doc("redeemPrize", "Hand a member the prize their completed stamp card earned (once; 409 prize_redeemed after)").optIn(prizeInput{}).out(activity.StampCard{}).errors(409)},
		{"GET", "/activities/{id}/stamp-card", self, h.myStampCard, doc("myStampCard", "A signed-in member's stamp card for an activity").out(activity.StampCard{})},
		{"GET", "/activities/{id}/photos", full, h.listPhotos, doc("listPhotos", "Photos of the activity (without their bytes)").out(list[activity.Photo]{})},
		{"POST", "/activities/{id}/photos", full, h.addPhoto, doc("addPhoto", "Add a photo (JPEG, PNG or WebP, at most 8 MiB; the type is read from the bytes; at most 50)").
			form(&schema{Type: "object", Required: []string{"photo"}, Properties: propsOf("photo", &schema{Type: "string", Format: "binary"}, "caption", &schema{Type: "string", MaxLength: count(200)})}).made(activity.Photo{})},
		{"GET", "/activities/{id}/photos/{photo_id}", either, h.getPhoto, doc("getPhoto", "A photo's bytes").image("The picture", "image/jpeg", "image/png", "image/webp")},
		{"DELETE", "/activities/{id}/photos/{photo_id}", full, h.deletePhoto, doc("deletePhoto", "Remove a photo").none("Done")},
		{"POST", "/checkins", self, h.checkInByCode, doc("checkInByCode", "A signed-in member checks in with a scanned checkpoint code (the code names the activity). Idempotent: 201 when made, 200 with the first check-in").in(codeCheckInInput{}).made(activity.CheckIn{}).also(200, "Already checked in", activity.CheckIn{}).errors(409)},
		{"GET", "/me/activities", self, h.myActivities, doc("myActivities", "A signed-in member's activities: open to them, coming ones soonest first").
			params(qp("q", "title substring", str()), qp("mine", "members: only those they signed up for", flagS()), qp("past", "members: ended ones, latest first (default: coming ones, soonest first)", flagS())).paged().out(list[activity.MemberActivity]{})},
		{"GET", "/me/notices", self, h.myNotices, doc("myNotices", "A signed-in member's latest notices (promoted from the waiting list, approved, rejected, activity cancelled), newest first").
			params(param{ref: "limit"}).out(list[notice.Notice]{})},
	})
}

func activityNotes(ns notes) {
	named[activity.Figures](ns, "ActivityFigures")
	note[callerActivities](ns, typeNote{
		Name: "ActivityListForCaller",
		Desc: "staff get Activity items, a member MemberActivity items",
		Fields: map[string]fieldNote{
			"items": {Schema: &schema{Type: "array", Items: &schema{OneOf: []*schema{ref("Activity"), ref("MemberActivity")}}}},
			"next":  {Schema: ref("Cursor")},
		},
	})
	note[activity.MemberActivity](ns, typeNote{
		Desc: "an activity as a member sees it",
		Fields: map[string]fieldNote{
			"waiting_position": {Desc: "1: next to be promoted"},
			"photos":           {Desc: "pictures staff attached (the poster, the place, the day itself); null in lists, which leave them out", Nullable: true},
		},
	})
	note[activity.Photo](ns, typeNote{
		Fields: map[string]fieldNote{
			"content_type": {Enum: []string{"image/jpeg", "image/png", "image/webp"}},
		},
	})
	note[activity.StampCard](ns, typeNote{
		Fields: map[string]fieldNote{
			"required": {Desc: "0: no prize"},
		},
	})
	note[activity.Stamp](ns, typeNote{
		Fields: map[string]fieldNote{
			"at": {Desc: "absent: not stamped yet"},
		},
	})
	note[activity.Registration](ns, typeNote{
		Fields: map[string]fieldNote{
			"status": {Enum: enumOf(activity.RegStatuses...)},
			"seq":    {Desc: "sign-up order"},
			"via":    {Enum: []string{"self", "staff", "walkin"}},
			"stamps": {Desc: "check-ins (in the staff list)"},
		},
	})
	note[activity.Checkpoint](ns, typeNote{
		Fields: map[string]fieldNote{
			"name":           {Desc: "empty for the single default checkpoint"},
			"rotate_seconds": {Desc: "0: the code never changes"},
		},
	})
	note[activity.Activity](ns, typeNote{
		Fields: map[string]fieldNote{
			"audience_tags":   {Desc: "empty: every member of the audience; otherwise members carrying one of these tags", Enum: enumOf(member.Tags...)},
			"kind":            {Enum: enumOf(activity.Kinds...)},
			"capacity":        {Desc: "0: no limit"},
			"stamps_required": {Desc: "0: no stamp card"},
			"status":          {Enum: enumOf(activity.Statuses...)},
		},
	})
	note[activityInput](ns, typeNote{
		Required: []string{"org_id", "title", "kind", "starts_at", "ends_at"},
		Fields: map[string]fieldNote{
			"org_id":                 {Desc: "the publishing organisation (ignored on an edit: the publisher stays)"},
			"audience_org_id":        {Desc: "the publisher or an organisation below it; default the publisher: members of its subtree may sign up"},
			"audience_tags":          {Desc: "only members carrying one of these tags (empty: all)", Enum: enumOf(member.Tags...)},
			"title":                  {MaxLength: count(100)},
			"kind":                   {Enum: enumOf(activity.Kinds...)},
			"description":            {MaxLength: count(20000)},
			"organiser":              {MaxLength: count(200)},
			"venue":                  {MaxLength: count(200)},
			"address":                {MaxLength: count(200)},
			"lat":                    {Min: num(-90), Max: num(90), Nullable: true},
			"lng":                    {Min: num(-180), Max: num(180), Nullable: true},
			"starts_at":              {Desc: "2006-01-02T15:04 (Beijing time, as a datetime-local field sends), with seconds, or RFC 3339 with a zone"},
			"ends_at":                {Desc: "after starts_at; 2006-01-02T15:04 (Beijing time, as a datetime-local field sends), with seconds, or RFC 3339 with a zone"},
			"registration_opens_at":  {Desc: "default: at once"},
			"registration_closes_at": {Desc: "default: the start; not after the end"},
			"cancel_before":          {Desc: "members may withdraw until then; default: the start"},
			"capacity":               {Desc: "0: no limit", Min: num(0), Max: num(1000000)},
			"waitlist":               {Desc: "when full, further sign-ups wait and are promoted in order as places come free (needs a capacity)"},
			"approval":               {Desc: "members' sign-ups wait for staff approval"},
			"walk_ins":               {Desc: "members of the audience who did not sign up may check in (outside the capacity)"},
			"stamps_required":        {Desc: "stamps (check-ins at distinct checkpoints) that earn the prize; at most the number of checkpoints; 0: no stamp card", Min: num(0)},
			"prize":                  {Desc: "required with stamps_required", MaxLength: count(200)},
			"checkpoints":            {Desc: "where attendance is taken; default one unnamed checkpoint", MaxItems: count(20)},
		},
	})
	note[checkpointInput](ns, typeNote{
		Fields: map[string]fieldNote{
			"id":             {Desc: "an existing checkpoint when editing (its printed codes stay valid); omit for a new one"},
			"name":           {Desc: "required when there are several", MaxLength: count(40)},
			"rotate_seconds": {Desc: "0 (a fixed code) or 10 to 86400: the code shown changes this often; a code is accepted in its period and the next"},
		},
	})
	note[activityUpdateInput](ns, typeNote{
		Name:     "ActivityUpdate",
		Required: []string{"title", "kind", "starts_at", "ends_at", "version"},
		Fields: map[string]fieldNote{
			"version": {Desc: "the version the activity was read at"},
		},
	})
	note[cancelInput](ns, typeNote{
		Fields: map[string]fieldNote{
			"reason": {MaxLength: count(200)},
		},
	})
	note[reportInput](ns, typeNote{
		Required: []string{"report"},
		Fields: map[string]fieldNote{
			"report": {MaxLength: count(20000)},
		},
	})
	note[registerInput](ns, typeNote{
		Desc: "a member sends {} to sign themself up; staff name the member",
		Fields: map[string]fieldNote{
			"member_id": {Desc: "required for staff; a member may only name themself"},
		},
	})
	note[registrationDecision](ns, typeNote{
		Required: []string{"approve"},
	})
	note[activity.CheckInRow](ns, typeNote{
		Fields: map[string]fieldNote{
			"via": {Enum: []string{"code", "card", "staff"}},
		},
	})
	note[activity.CheckIn](ns, typeNote{
		Fields: map[string]fieldNote{
			"via": {Enum: []string{"code", "card", "staff"}},
		},
	})
	note[checkInInput](ns, typeNote{
		Desc: "a member: code; staff: card or member_id, and checkpoint_id (default the first checkpoint)",
		Fields: map[string]fieldNote{
			"code": {Desc: "a checkpoint's code (GHA1:...) or the URL its QR code holds"},
			"card": {Desc: "a member card's QR payload (GHC1:...)"},
		},
	})
	note[checkpointCodeView](ns, typeNote{
		Name: "CheckpointCode",
		Desc: "the code an activity's checkpoint or a course session shows now",
		Fields: map[string]fieldNote{
			"code":        {Desc: "what the QR code carries (a session's: GHK1:...)"},
			"url":         {Desc: "the link for the QR code: a member's phone opens it and is checked in (at a session: attendance is taken)", Format: "uri"},
			"valid_until": {Desc: "when the code shown changes (a session's: every 30 seconds); null for a fixed code"},
		},
	})
	note[activity.Attendance](ns, typeNote{
		Fields: map[string]fieldNote{
			"attended": {Desc: "members with at least one check-in"},
			"rate":     {Desc: "registered members who came / confirmed"},
			"by_org":   {Desc: "per child of the audience organisation"},
		},
	})
	note[prizeInput](ns, typeNote{
		Desc: "member_id or a scanned card",
		Fields: map[string]fieldNote{
			"card": {Desc: "a member card's QR payload"},
		},
	})
	note[codeCheckInInput](ns, typeNote{
		Name:     "CodeCheckIn",
		Required: []string{"code"},
		Fields: map[string]fieldNote{
			"code": {Desc: "a checkpoint's code (GHA1:...) or the URL its QR code holds"},
		},
	})
	note[notice.Notice](ns, typeNote{
		Fields: map[string]fieldNote{
			"kind":    {Enum: []string{"promoted", "approved", "waitlisted", "rejected", "cancelled"}},
			"term_id": {Desc: "a course term's notice"},
		},
	})
}

// callerActivities is the list GET /activities answers: staff get Activity
// items, a member MemberActivity items (the handler writes a list of one or
// the other).
type callerActivities struct {
	Items []any  `json:"items"`
	Next  string `json:"next"`
}
