package activities

import (
	"gonghui/internal/activity"
	"gonghui/internal/api"
	"gonghui/internal/listing"
	"gonghui/internal/member"
	"gonghui/internal/notice"
)

// The routes of this module and what the OpenAPI document says of them.

func (h *API) activityRoutes() []api.Route {
	return api.WithTag("activities", []api.Route{
		api.R("GET", "/activities", api.Either, h.listActivities, api.Doc("listActivities", "Activities: staff see those published in their subtrees (newest start first unless sorted, with the filter's total); a member sees those open to them (answered as MemberActivity)").
			Params(api.QP("q", "title substring", api.Str()), api.QP("org", "staff: published in this organisation's subtree", api.IDS()), api.QP("kind", "staff", api.EnumS(api.EnumOf(activity.Kinds...)...)), api.QP("status", "staff", api.EnumS(api.EnumOf(activity.Statuses...)...)), api.QP("from", "staff: starting on or after this day", api.DateS()), api.QP("to", "staff: starting on or before this day", api.DateS()), api.QP("mine", "members: only those they signed up for", api.FlagS()), api.QP("past", "members: ended ones, latest first (default: coming ones, soonest first)", api.FlagS()),
				api.QP("sort", "staff: the order, a key, descending with a leading -", api.EnumS(activity.Sorts.Names()...))).Paged().Out(callerActivities{}).Errors(404)),
		api.R("POST", "/activities", api.Full, h.createActivity, api.Doc("createActivity", "Create an activity (a draft)").In(activityInput{}).Made(activity.Activity{}).Errors(404, 409)),
		api.R("GET", "/activities/{id}", api.Either, h.getActivity, api.Doc("getActivity", "An activity; a member gets it with their registration, waiting position and stamp card (MemberActivity)").Out(api.OneOf{Types: []any{activity.Activity{}, activity.MemberActivity{}}}).Errors(400, 422)),
		api.R("PUT", "/activities/{id}", api.Full, h.putActivity, api.Doc("putActivity", "Edit an activity at the version it was read (raising the capacity promotes from the waiting list)").In(activityUpdateInput{}).Out(activity.Activity{}).Errors(409)),
		api.R("POST", "/activities/{id}/publish", api.Full, h.publishActivity, api.Doc("publishActivity", "Publish a draft to its audience").OptIn(api.Empty{}).Out(activity.Activity{}).Errors(409)),
		api.R("POST", "/activities/{id}/cancel", api.Full, h.cancelActivity, api.Doc("cancelActivity", "Call an activity off; everyone signed up is told").OptIn(cancelInput{}).Out(activity.Activity{}).Errors(409)),
		api.R("POST", "/activities/{id}/finish", api.Full, h.finishActivity, api.Doc("finishActivity", "Close an activity that has started: no more sign-ups or check-ins").OptIn(api.Empty{}).Out(activity.Activity{}).Errors(409)),
		api.R("PUT", "/activities/{id}/report", api.Full, h.putActivityReport, api.Doc("putActivityReport", "Save the report written after the activity").In(reportInput{}).Out(activity.Activity{}).Errors(409)),
		api.R("GET", "/activities/{id}/registrations", api.Either, h.listRegistrations, api.Doc("listRegistrations", "Sign-ups in order, with each member's stamps; a member gets only their own").
			Params(api.QP("status", "", api.EnumS(api.EnumOf(activity.RegStatuses...)...)), api.QP("q", "name substring", api.Str())).Paged().Out(api.List[activity.Registration]{})),
		api.R("POST", "/activities/{id}/registrations", api.Either, h.register, api.Doc("register", "Sign up: a member themself with {}, staff a member of the audience with member_id. Never oversold: when full the sign-up waits (with a waiting list) or is refused (409 full). Idempotent: 201 when made, 200 with the standing registration").OptIn(api.RegisterInput{}).Made(activity.Registration{}).Also(200, "Already signed up", activity.Registration{}).Errors(409)),
		api.R("DELETE", "/activities/{id}/registrations/{member_id}", api.Either, h.unregister, api.Doc("unregister", "Withdraw a sign-up (a member before the cancellation deadline, staff until the end); the place goes to the first on the waiting list").Out(activity.Registration{}).Errors(409)),
		api.R("POST", "/activities/{id}/registrations/{member_id}/decision", api.Full, h.decideRegistration, api.Doc("decideRegistration", "Approve or reject a sign-up awaiting approval").In(registrationDecision{}).Out(activity.Registration{}).Errors(409)),
		api.R("GET", "/activities/{id}/checkins", api.Full, h.listCheckins, api.Doc("listCheckins", "Check-ins, latest first").Paged().Out(api.List[activity.CheckInRow]{})),
		api.R("POST", "/activities/{id}/checkins", api.Either, h.checkIn, api.Doc("checkIn", "Check in: a member with a checkpoint's code; staff with a member's card or ID. Idempotent: 201 when made, 200 with the first check-in").OptIn(checkInInput{}).Made(activity.CheckIn{}).Also(200, "Already checked in", activity.CheckIn{}).Errors(409)),
		api.R("GET", "/activities/{id}/checkpoints/{cp}/code", api.Full, h.checkpointCode, api.Doc("checkpointCode", "The code a checkpoint shows now, for its QR code").Out(api.CheckpointCodeView{}).Errors(400, 422)),
		api.R("GET", "/activities/{id}/attendance", api.Full, h.attendance, api.Doc("attendance", "Who came: counts, rate, and people and unions per organisation").Out(activity.Attendance{}).Errors(400, 422)),
		api.R("GET", "/activities/{id}/attendance.xlsx", api.Full, h.exportAttendance, api.Doc("exportAttendance", "Sign-ups with their check-ins as .xlsx").File("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "The workbook")),
		api.R("GET", "/activities/{id}/calendar.ics", api.Either, h.activityICS, api.Doc("activityICS", "The activity as an iCalendar file").File("text/calendar", "iCalendar")),
		api.R("POST", "/activities/{id}/prizes", api.Full, h.redeemPrize, api.Doc("redeemPrize", "Hand a member the prize their completed stamp card earned (once; 409 prize_redeemed after)").OptIn(prizeInput{}).Out(activity.StampCard{}).Errors(409)),
		api.R("GET", "/activities/{id}/stamp-card", api.Self, h.myStampCard, api.Doc("myStampCard", "A signed-in member's stamp card for an activity").Out(activity.StampCard{})),
		api.R("GET", "/activities/{id}/photos", api.Full, h.listPhotos, api.Doc("listPhotos", "Photos of the activity (without their bytes)").Out(api.List[activity.Photo]{})),
		api.R("POST", "/activities/{id}/photos", api.Full, h.addPhoto, api.Doc("addPhoto", "Add a photo (JPEG, PNG or WebP, at most 8 MiB; the type is read from the bytes; at most 50)").
			Form(&api.Schema{Type: "object", Required: []string{"photo"}, Properties: api.PropsOf("photo", &api.Schema{Type: "string", Format: "binary"}, "caption", &api.Schema{Type: "string", MaxLength: api.Count(200)})}).Made(activity.Photo{})),
		api.R("GET", "/activities/{id}/photos/{photo_id}", api.Either, h.getPhoto, api.Doc("getPhoto", "A photo's bytes").Image("The picture", "image/jpeg", "image/png", "image/webp")),
		api.R("DELETE", "/activities/{id}/photos/{photo_id}", api.Full, h.deletePhoto, api.Doc("deletePhoto", "Remove a photo").None("Done")),
		api.R("POST", "/checkins", api.Self, h.checkInByCode, api.Doc("checkInByCode", "A signed-in member checks in with a scanned checkpoint code (the code names the activity). Idempotent: 201 when made, 200 with the first check-in").In(codeCheckInInput{}).Made(activity.CheckIn{}).Also(200, "Already checked in", activity.CheckIn{}).Errors(409)),
		api.R("GET", "/me/activities", api.Self, h.myActivities, api.Doc("myActivities", "A signed-in member's activities: open to them, coming ones soonest first").
			Params(api.QP("q", "title substring", api.Str()), api.QP("mine", "members: only those they signed up for", api.FlagS()), api.QP("past", "members: ended ones, latest first (default: coming ones, soonest first)", api.FlagS())).Paged().Out(api.List[activity.MemberActivity]{})),
		api.R("GET", "/me/notices", api.Self, h.myNotices, api.Doc("myNotices", "A signed-in member's latest notices (promoted from the waiting list, approved, rejected, activity cancelled), newest first").
			Params(api.Param{Ref: "limit"}).Out(api.List[notice.Notice]{})),
	})
}

func activityNotes(ns api.Notes) {
	api.Named[activity.Figures](ns, "ActivityFigures")
	api.Note[callerActivities](ns, api.TypeNote{
		Name: "ActivityListForCaller",
		Desc: "staff get Activity items, a member MemberActivity items",
		Fields: map[string]api.FieldNote{
			"items": {Schema: &api.Schema{Type: "array", Items: &api.Schema{OneOf: []*api.Schema{api.Ref("Activity"), api.Ref("MemberActivity")}}}},
			"next":  {Schema: api.Ref("Cursor")},
			"total": {Desc: "staff: the filter's total"},
		},
	})
	api.Note[activity.MemberActivity](ns, api.TypeNote{
		Desc: "an activity as a member sees it",
		Fields: map[string]api.FieldNote{
			"waiting_position": {Desc: "1: next to be promoted"},
			"photos":           {Desc: "pictures staff attached (the poster, the place, the day itself); null in lists, which leave them out", Nullable: true},
		},
	})
	api.Note[activity.Photo](ns, api.TypeNote{
		Fields: map[string]api.FieldNote{
			"content_type": {Enum: []string{"image/jpeg", "image/png", "image/webp"}},
		},
	})
	api.Note[activity.StampCard](ns, api.TypeNote{
		Fields: map[string]api.FieldNote{
			"required": {Desc: "0: no prize"},
		},
	})
	api.Note[activity.Stamp](ns, api.TypeNote{
		Fields: map[string]api.FieldNote{
			"at": {Desc: "absent: not stamped yet"},
		},
	})
	api.Note[activity.Registration](ns, api.TypeNote{
		Fields: map[string]api.FieldNote{
			"status": {Enum: api.EnumOf(activity.RegStatuses...)},
			"seq":    {Desc: "sign-up order"},
			"via":    {Enum: []string{"self", "staff", "walkin"}},
			"stamps": {Desc: "check-ins (in the staff list)"},
		},
	})
	api.Note[activity.Checkpoint](ns, api.TypeNote{
		Fields: map[string]api.FieldNote{
			"name":           {Desc: "empty for the single default checkpoint"},
			"rotate_seconds": {Desc: "0: the code never changes"},
		},
	})
	api.Note[activity.Activity](ns, api.TypeNote{
		Fields: map[string]api.FieldNote{
			"audience_tags":   {Desc: "empty: every member of the audience; otherwise members carrying one of these tags", Enum: api.EnumOf(member.Tags...)},
			"kind":            {Enum: api.EnumOf(activity.Kinds...)},
			"capacity":        {Desc: "0: no limit"},
			"stamps_required": {Desc: "0: no stamp card"},
			"status":          {Enum: api.EnumOf(activity.Statuses...)},
		},
	})
	api.Note[activityInput](ns, api.TypeNote{
		Required: []string{"org_id", "title", "kind", "starts_at", "ends_at"},
		Fields: map[string]api.FieldNote{
			"org_id":                 {Desc: "the publishing organisation (ignored on an edit: the publisher stays)"},
			"audience_org_id":        {Desc: "the publisher or an organisation below it; default the publisher: members of its subtree may sign up"},
			"audience_tags":          {Desc: "only members carrying one of these tags (empty: all)", Enum: api.EnumOf(member.Tags...)},
			"title":                  {MaxLength: api.Count(100)},
			"kind":                   {Enum: api.EnumOf(activity.Kinds...)},
			"description":            {MaxLength: api.Count(20000)},
			"organiser":              {MaxLength: api.Count(200)},
			"venue":                  {MaxLength: api.Count(200)},
			"address":                {MaxLength: api.Count(200)},
			"lat":                    {Min: api.Num(-90), Max: api.Num(90), Nullable: true},
			"lng":                    {Min: api.Num(-180), Max: api.Num(180), Nullable: true},
			"starts_at":              {Desc: "2006-01-02T15:04 (Beijing time, as a datetime-local field sends), with seconds, or RFC 3339 with a zone"},
			"ends_at":                {Desc: "after starts_at; 2006-01-02T15:04 (Beijing time, as a datetime-local field sends), with seconds, or RFC 3339 with a zone"},
			"registration_opens_at":  {Desc: "default: at once"},
			"registration_closes_at": {Desc: "default: the start; not after the end"},
			"cancel_before":          {Desc: "members may withdraw until then; default: the start"},
			"capacity":               {Desc: "0: no limit", Min: api.Num(0), Max: api.Num(1000000)},
			"waitlist":               {Desc: "when full, further sign-ups wait and are promoted in order as places come free (needs a capacity)"},
			"approval":               {Desc: "members' sign-ups wait for staff approval"},
			"walk_ins":               {Desc: "members of the audience who did not sign up may check in (outside the capacity)"},
			"stamps_required":        {Desc: "stamps (check-ins at distinct checkpoints) that earn the prize; at most the number of checkpoints; 0: no stamp card", Min: api.Num(0)},
			"prize":                  {Desc: "required with stamps_required", MaxLength: api.Count(200)},
			"checkpoints":            {Desc: "where attendance is taken; default one unnamed checkpoint", MaxItems: api.Count(20)},
		},
	})
	api.Note[checkpointInput](ns, api.TypeNote{
		Fields: map[string]api.FieldNote{
			"id":             {Desc: "an existing checkpoint when editing (its printed codes stay valid); omit for a new one"},
			"name":           {Desc: "required when there are several", MaxLength: api.Count(40)},
			"rotate_seconds": {Desc: "0 (a fixed code) or 10 to 86400: the code shown changes this often; a code is accepted in its period and the next"},
		},
	})
	api.Note[activityUpdateInput](ns, api.TypeNote{
		Name:     "ActivityUpdate",
		Required: []string{"title", "kind", "starts_at", "ends_at", "version"},
		Fields: map[string]api.FieldNote{
			"version": {Desc: "the version the activity was read at"},
		},
	})
	api.Note[cancelInput](ns, api.TypeNote{
		Fields: map[string]api.FieldNote{
			"reason": {MaxLength: api.Count(200)},
		},
	})
	api.Note[reportInput](ns, api.TypeNote{
		Required: []string{"report"},
		Fields: map[string]api.FieldNote{
			"report": {MaxLength: api.Count(20000)},
		},
	})
	api.Note[api.RegisterInput](ns, api.TypeNote{
		Desc: "a member sends {} to sign themself up; staff name the member",
		Fields: map[string]api.FieldNote{
			"member_id": {Desc: "required for staff; a member may only name themself"},
		},
	})
	api.Note[registrationDecision](ns, api.TypeNote{
		Required: []string{"approve"},
	})
	api.Note[activity.CheckInRow](ns, api.TypeNote{
		Fields: map[string]api.FieldNote{
			"via": {Enum: []string{"code", "card", "staff"}},
		},
	})
	api.Note[activity.CheckIn](ns, api.TypeNote{
		Fields: map[string]api.FieldNote{
			"via": {Enum: []string{"code", "card", "staff"}},
		},
	})
	api.Note[checkInInput](ns, api.TypeNote{
		Desc: "a member: code; staff: card or member_id, and checkpoint_id (default the first checkpoint)",
		Fields: map[string]api.FieldNote{
			"code": {Desc: "a checkpoint's code (GHA1:...) or the URL its QR code holds"},
			"card": {Desc: "a member card's QR payload (GHC1:...)"},
		},
	})
	api.Note[api.CheckpointCodeView](ns, api.TypeNote{
		Name: "CheckpointCode",
		Desc: "the code an activity's checkpoint or a course session shows now",
		Fields: map[string]api.FieldNote{
			"code":        {Desc: "what the QR code carries (a session's: GHK1:...)"},
			"url":         {Desc: "the link for the QR code: a member's phone opens it and is checked in (at a session: attendance is taken)", Format: "uri"},
			"valid_until": {Desc: "when the code shown changes (a session's: every 30 seconds); null for a fixed code"},
		},
	})
	api.Note[activity.Attendance](ns, api.TypeNote{
		Fields: map[string]api.FieldNote{
			"attended": {Desc: "members with at least one check-in"},
			"rate":     {Desc: "registered members who came / confirmed"},
			"by_org":   {Desc: "per child of the audience organisation"},
		},
	})
	api.Note[prizeInput](ns, api.TypeNote{
		Desc: "member_id or a scanned card",
		Fields: map[string]api.FieldNote{
			"card": {Desc: "a member card's QR payload"},
		},
	})
	api.Note[codeCheckInInput](ns, api.TypeNote{
		Name:     "CodeCheckIn",
		Required: []string{"code"},
		Fields: map[string]api.FieldNote{
			"code": {Desc: "a checkpoint's code (GHA1:...) or the URL its QR code holds"},
		},
	})
	api.Note[notice.Notice](ns, api.TypeNote{
		Fields: map[string]api.FieldNote{
			"activity_title": {Desc: "the activity's title, a course term's, or (kind message) the text staff wrote"},
			"kind":           {Enum: notice.Kinds()},
			"term_id":        {Desc: "a course term's notice"},
			"letter_id":      {Desc: "a suggestion-box letter's notice"},
			"about":          {Desc: "what another kind of notice is about: case (a rights case, /me/cases/{id}), motion (a congress motion)"},
			"about_id":       {Desc: "the id of what about names"},
		},
	})
}

// callerActivities is the list GET /activities answers: staff get Activity
// items, a member MemberActivity items (the handler writes a list of one or
// the other).
type callerActivities struct {
	Items []any          `json:"items"`
	Next  string         `json:"next"`
	Total *listing.Total `json:"total,omitempty"`
}
