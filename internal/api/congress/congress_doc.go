package congress

import (
	"gonghui/internal/api"
	"gonghui/internal/congress"
)

// The congress's routes and what the OpenAPI document says of them.

const xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

func (h *API) routes() []api.Route {
	sessionStatuses, motionStatuses := api.EnumOf(congress.SessionStatuses...), api.EnumOf(congress.MotionStatuses...)
	org := api.QP("org", "only what belongs to unions within this organisation's subtree", api.IDS())
	return api.WithTag("congress", []api.Route{
		api.R("GET", "/congress/sessions", api.Full, h.listSessions, api.Doc("listCongressSessions", "Congress sessions of unions in the caller's subtrees (congress.read), latest first unless sorted, with the filter's total").
			Params(api.QP("q", "words of the employer's or the union's name", api.Str()), api.QP("status", "", api.EnumS(sessionStatuses...)),
				api.QP("year", "the year the session is held in", api.Str()), org, api.SortParam(congress.SessionSorts.Names())).Paged().
			Out(api.TotalList[congress.Session]{}).Errors(422)),
		api.R("GET", "/congress/employers", api.Full, h.employers, api.Doc("congressEmployers", "Employers with a union where the caller holds congress.write: whose congress they may run and to whose members they may publish").
			Params(api.QP("q", "words of the employer's name", api.Str())).Out(api.List[congress.Employer]{})),
		api.R("POST", "/congress/sessions", api.Full, h.createSession, api.Doc("createCongressSession", "Plan a session (第N届第M次会议) of an employer's congress, owned by the employer's union (congress.write there). 422 with meeting when the number is taken").
			In(sessionInput{}).Made(congress.Session{})),
		api.R("GET", "/congress/sessions/{id}", api.Full, h.getSession, api.Doc("getCongressSession", "A session with its delegates and their composition, attendance and quorum, agenda with votes, and motions").Out(congress.SessionView{}).Errors(400, 422)),
		api.R("PUT", "/congress/sessions/{id}", api.Full, h.editSession, api.Doc("editCongressSession", "Change a session's title (optional), date and place until it closes (409 wrong_status), at the version read (409 stale); a held session's figure follows its date. Audited and kept in the session's history").In(sessionEditInput{}).Out(congress.Session{}).Errors(409)),
		api.R("POST", "/congress/sessions/{id}/status", api.Full, h.setStatus, api.Doc("setCongressSessionStatus", "Move a session on: planned → held → closed (never back; 409 wrong_status)").In(statusInput{}).Out(congress.Session{}).Errors(409)),
		api.R("POST", "/congress/sessions/{id}/delegates", api.Full, h.addDelegate, api.Doc("addCongressDelegate", "Elect a member of the employer's union (its subtree; employed by that employer or none on record) as a delegate. 422 member_id when not one, or already a delegate").
			In(delegateInput{}).Made(congress.Delegate{}).Errors(409)),
		api.R("DELETE", "/congress/sessions/{id}/delegates/{member_id}", api.Full, h.removeDelegate, api.Doc("removeCongressDelegate", "Take a delegate off a session that is not closed; one who filed or seconded a motion stays (409 delegate_acted)").None("Removed").Errors(409)),
		api.R("PUT", "/congress/sessions/{id}/attendance", api.Full, h.attendance, api.Doc("setCongressAttendance", "Record who of the delegates are present (everyone else is absent); the session answers whether its quorum (two thirds of the delegates) is met").
			In(attendanceInput{}).Out(congress.Session{}).Errors(409)),
		api.R("POST", "/congress/sessions/{id}/agenda", api.Full, h.addItem, api.Doc("addCongressAgendaItem", "Append an item to the agenda").In(congress.AgendaInput{}).Out(congress.AgendaItem{}).Errors(409)),
		api.R("POST", "/congress/agenda/{id}/move", api.Full, h.moveItem, api.Doc("moveCongressAgendaItem", "Move an item one place up or down, swapping it with its neighbour; neither may have been voted on (409 voted), nor the session closed (409 wrong_status). At either end it stays. Answers the agenda").In(moveInput{}).Out(api.List[congress.AgendaItem]{}).Errors(409)),
		api.R("DELETE", "/congress/agenda/{id}", api.Full, h.deleteItem, api.Doc("deleteCongressAgendaItem", "Take an item off the agenda of a session not closed, unless it was voted on (409 voted)").None("Deleted").Errors(409)),
		api.R("POST", "/congress/agenda/{id}/vote", api.Full, h.vote, api.Doc("recordCongressVote", "Record a vote's counts on an agenda item of a held session whose quorum is met (409 not_held, no_quorum). The counts together cannot exceed the delegates present (422 for); the item passes with more than half of all delegates for it").
			In(congress.VoteInput{}).Out(congress.AgendaItem{}).Errors(409)),
		api.R("POST", "/congress/agenda/{id}/ballots", api.Full, h.namedVote, api.Doc("recordCongressNamedVote", "Record a named vote: one ballot per present delegate; the counts follow").In(ballotsInput{}).Out(congress.AgendaItem{}).Errors(409)),
		api.R("GET", "/congress/agenda/{id}/ballots", api.Full, h.ballots, api.Doc("congressBallots", "A named vote's ballots with the delegates' names").Out(api.List[congress.NamedBallot]{}).Errors(400)),
		api.R("POST", "/congress/sessions/{id}/motions", api.Full, h.submit(true), api.Doc("enterCongressMotion", "Enter a motion on a delegate's behalf (congress.write); it is recorded as entered by the caller").In(motionInput{}).Made(congress.Motion{}).Errors(409)),
		api.R("GET", "/congress/motions", api.Full, h.listMotions, api.Doc("listCongressMotions", "Motions at sessions of unions in the caller's subtrees, newest first unless sorted, with the filter's total").
			Params(api.QP("q", "words of the title or the text", api.Str()), api.QP("status", "", api.EnumS(motionStatuses...)),
				api.QP("session", "only this session's", api.IDS()), org, api.QP("overdue", "only motions being handled past their due day", api.FlagS()),
				api.SortParam(congress.MotionSorts.Names())).Paged().Out(api.TotalList[congress.Motion]{}).Errors(422)),
		api.R("GET", "/congress/motions/export", api.Full, h.exportMotions, api.Doc("exportCongressMotions", "The motions of the list's filter (up to 5,000) as .xlsx, in the caller's language. Audited").
			Params(api.QP("q", "", api.Str()), api.QP("status", "", api.EnumS(motionStatuses...)), api.QP("session", "", api.IDS()), org,
				api.QP("overdue", "", api.FlagS()), api.SortParam(congress.MotionSorts.Names())).File(xlsx, "The workbook").Errors(422)),
		api.R("GET", "/congress/motions/{id}", api.Full, h.getMotion, api.Doc("getCongressMotion", "A motion with who seconded it and what the caller may do now").Out(congress.MotionView{}).Errors(400, 422)),
		api.R("POST", "/congress/motions/{id}/review", api.Full, h.review, api.Doc("reviewCongressMotion", "The motions committee's decision on a motion waiting for review: accept (立案), suggestion or reject, with the reason (required unless accepted); the delegate gets a notice").
			In(congress.ReviewInput{}).Out(congress.Motion{}).Errors(409)),
		api.R("POST", "/congress/motions/{id}/assign", api.Full, h.assign, api.Doc("assignCongressMotion", "Hand an accepted motion to a department or person, to answer by a day not in the past (again: a new handler or day)").
			In(congress.AssignInput{}).Out(congress.Motion{}).Errors(409)),
		api.R("POST", "/congress/motions/{id}/answer", api.Full, h.answer, api.Doc("answerCongressMotion", "Answer a motion being handled; the delegate gets a notice. One the delegate was not satisfied with comes back to be answered once more").
			In(answerInput{}).Out(congress.Motion{}).Errors(409)),
		api.R("GET", "/congress/affairs", api.Full, h.listAffairs, api.Doc("listCongressAffairs", "Open-affairs items published by unions in the caller's subtrees, newest first, with their read counts").
			Params(api.QP("q", "words of the title or the employer's name", api.Str()), api.QP("category", "", api.EnumS(api.EnumOf(congress.AffairCategories...)...)), org).Paged().
			Out(api.TotalList[congress.Affair]{}).Errors(422)),
		api.R("POST", "/congress/affairs", api.Full, h.publish, api.Doc("publishCongressAffair", "Publish an open-affairs item to the members of an employer's union (congress.write there)").In(affairInput{}).Made(congress.Affair{})),
		api.R("GET", "/congress/affairs/{id}", api.Full, h.getAffair, api.Doc("getCongressAffair", "An open-affairs item with its read count").Out(congress.Affair{}).Errors(400)),
		api.R("POST", "/congress/affairs/{id}/withdraw", api.Full, h.withdraw, api.Doc("withdrawCongressAffair", "Withdraw a published item: members no longer see it").Out(congress.Affair{}).Errors(409)),
		api.R("GET", "/me/congress", api.Self, h.mine, api.Doc("myCongress", "The member's congress: sessions they are a delegate of, motions waiting for their second, their own motions and the open-affairs items for them").Out(congress.MyCongress{})),
		api.R("GET", "/me/congress/sessions/{id}", api.Self, h.mySession, api.Doc("myCongressSession", "A session of which the member is a delegate, with its agenda, votes, delegates and motions").Out(congress.SessionView{}).Errors(400)),
		api.R("POST", "/me/congress/sessions/{id}/motions", api.Self, h.submit(false), api.Doc("fileCongressMotion", "File a motion at a session of which the member is a delegate; it waits for the session's number of seconds").In(motionInput{}).Made(congress.Motion{}).Errors(409)),
		api.R("GET", "/me/congress/motions/{id}", api.Self, h.myMotion, api.Doc("myCongressMotion", "A motion of one of the member's sessions").Out(congress.MotionView{}).Errors(400)),
		api.R("POST", "/me/congress/motions/{id}/second", api.Self, h.second, api.Doc("secondCongressMotion", "Second (附议) another delegate's motion, once (409 already_seconded, own_motion)").Out(congress.Motion{}).Errors(409)),
		api.R("POST", "/me/congress/motions/{id}/withdraw", api.Self, h.withdrawMotion, api.Doc("withdrawCongressMotion", "Withdraw one's own motion while it waits for seconds or review (409 reviewed afterwards); it then counts nowhere").Out(congress.Motion{}).Errors(409)),
		api.R("POST", "/me/congress/motions/{id}/rating", api.Self, h.rate, api.Doc("rateCongressMotion", "Rate the answer to one's motion, once per answer; not satisfied with the first answer sends it back to be answered again").In(rateInput{}).Out(congress.Motion{}).Errors(409)),
		api.R("GET", "/me/congress/affairs/{id}", api.Self, h.readAffair, api.Doc("readCongressAffair", "Read an open-affairs item published to the member (counted once among its readers)").Out(congress.Affair{}).Errors(400, 409)),
	})
}

func notes(ns api.Notes) {
	api.Note[moveInput](ns, api.TypeNote{Name: "CongressAgendaMove", Fields: map[string]api.FieldNote{"direction": {Enum: []string{"up", "down"}}}})
	api.Note[congress.SessionEvent](ns, api.TypeNote{Name: "CongressSessionEvent", Desc: "One change of a session after it was planned", Fields: map[string]api.FieldNote{
		"kind": {Enum: congress.SessionEventKinds}, "body": {Desc: "the fields edited (comma-separated), or the agenda item's or motion's title"}}})
	sessionStatuses, motionStatuses := api.EnumOf(congress.SessionStatuses...), api.EnumOf(congress.MotionStatuses...)
	categories, ratings := api.EnumOf(congress.Categories...), api.EnumOf(congress.Ratings...)
	api.Note[congress.Session](ns, api.TypeNote{Name: "CongressSession", Desc: "A session (第N届第M次会议) of an employer's workers' congress", Fields: map[string]api.FieldNote{
		"org_id": {Desc: "the employer's union, which owns the session"}, "status": {Enum: sessionStatuses}, "held_on": {Desc: "YYYY-MM-DD"},
		"seconds_needed": {Desc: "how many other delegates must second a motion before it is reviewed"},
		"quorum_met":     {Desc: "at least two thirds of the delegates are present"}}})
	api.Note[congress.SessionView](ns, api.TypeNote{Name: "CongressSessionView"})
	api.Note[congress.Composition](ns, api.TypeNote{Name: "CongressComposition", Desc: "The delegates' make-up. The warnings follow common practice, not law: front-line workers at least 50%, leaders at most 20%", Fields: map[string]api.FieldNote{
		"by_category": {Schema: &api.Schema{Type: "object", AdditionalProperties: &api.Schema{Type: "integer"}}}}})
	api.Note[congress.Delegate](ns, api.TypeNote{Name: "CongressDelegate", Fields: map[string]api.FieldNote{
		"category": {Enum: categories}, "gender": {Enum: congress.Genders}, "org_name": {Desc: "the member's union"}}})
	api.Note[congress.AgendaItem](ns, api.TypeNote{Name: "CongressAgendaItem", Fields: map[string]api.FieldNote{
		"vote_kind": {Desc: "empty: no vote yet", Enum: []string{"", congress.VoteCount, congress.VoteNamed}},
		"delegates": {Desc: "the session's delegates when the vote was recorded"}, "passed": {Desc: "more than half of all delegates voted for it"}}})
	api.Note[congress.NamedBallot](ns, api.TypeNote{Name: "CongressBallot", Fields: map[string]api.FieldNote{"choice": {Enum: api.EnumOf(congress.Choices...)}}})
	api.Note[congress.Motion](ns, api.TypeNote{Name: "CongressMotion", Desc: "A motion (提案) filed by a delegate", Fields: map[string]api.FieldNote{
		"status": {Enum: motionStatuses}, "rating": {Desc: "the delegate's rating of the latest answer; absent: none", Enum: ratings},
		"first_rating": {Enum: ratings}, "reason": {Desc: "案由"}, "proposal": {Desc: "建议措施"}, "due_on": {Desc: "YYYY-MM-DD; empty until assigned"},
		"overdue": {Desc: "being handled past its due day"}, "entered_by": {Desc: "staff who entered it on the delegate's behalf"}}})
	api.Note[congress.MotionView](ns, api.TypeNote{Name: "CongressMotionView"})
	api.Note[congress.MotionCan](ns, api.TypeNote{Name: "CongressMotionActions", Desc: "What the reader may do with the motion now"})
	api.Note[congress.Affair](ns, api.TypeNote{Name: "CongressAffair", Desc: "An open-affairs item (厂务公开)", Fields: map[string]api.FieldNote{
		"category": {Enum: api.EnumOf(congress.AffairCategories...)}, "status": {Enum: []string{congress.AffairPublished, congress.AffairWithdrawn}},
		"read": {Desc: "a member's own reads: whether they had opened it before"}}})
	api.Note[congress.Employer](ns, api.TypeNote{Name: "CongressEmployer"})
	api.Note[congress.MyCongress](ns, api.TypeNote{Name: "MyCongress"})
	api.Note[congress.Figures](ns, api.TypeNote{Name: "CongressFigures"})
	api.Note[sessionInput](ns, api.TypeNote{Name: "CongressSessionInput", Required: []string{"employer_id", "term", "meeting", "held_on"}, Fields: map[string]api.FieldNote{
		"place": {MaxLength: api.Count(congress.MaxPlace)}, "seconds_needed": {Desc: "default 2"}}})
	api.Note[statusInput](ns, api.TypeNote{Name: "CongressSessionStatus", Required: []string{"status"}, Fields: map[string]api.FieldNote{"status": {Enum: sessionStatuses}}})
	api.Note[delegateInput](ns, api.TypeNote{Name: "CongressDelegateInput", Required: []string{"member_id", "category", "gender", "elected_on"}, Fields: map[string]api.FieldNote{
		"category": {Enum: categories}, "gender": {Enum: congress.Genders}}})
	api.Note[attendanceInput](ns, api.TypeNote{Name: "CongressAttendance", Required: []string{"present"}, Fields: map[string]api.FieldNote{"present": {MaxItems: api.Count(congress.MaxDelegate)}}})
	api.Note[congress.AgendaInput](ns, api.TypeNote{Name: "CongressAgendaInput", Required: []string{"title"}, Fields: map[string]api.FieldNote{
		"title": {MaxLength: api.Count(congress.MaxTitle)}, "note": {MaxLength: api.Count(congress.MaxNote)}}})
	api.Note[congress.VoteInput](ns, api.TypeNote{Name: "CongressVoteInput", Required: []string{"for", "against", "abstain"}})
	api.Note[ballotsInput](ns, api.TypeNote{Name: "CongressBallotsInput", Required: []string{"ballots"}})
	api.Note[ballotInput](ns, api.TypeNote{Name: "CongressBallotInput", Required: []string{"member_id", "choice"}, Fields: map[string]api.FieldNote{"choice": {Enum: api.EnumOf(congress.Choices...)}}})
	api.Note[motionInput](ns, api.TypeNote{Name: "CongressMotionInput", Required: []string{"title", "reason", "proposal"}, Fields: map[string]api.FieldNote{
		"member_id": {Desc: "staff entering it: the delegate; a member files their own and leaves it out"},
		"title":     {MaxLength: api.Count(congress.MaxTitle)}, "reason": {MaxLength: api.Count(congress.MaxText)}, "proposal": {MaxLength: api.Count(congress.MaxText)}}})
	api.Note[congress.ReviewInput](ns, api.TypeNote{Name: "CongressReviewInput", Required: []string{"outcome"}, Fields: map[string]api.FieldNote{
		"outcome": {Enum: api.EnumOf(congress.Outcomes...)}, "note": {MaxLength: api.Count(congress.MaxNote)}}})
	api.Note[congress.AssignInput](ns, api.TypeNote{Name: "CongressAssignInput", Required: []string{"handler", "due_on"}, Fields: map[string]api.FieldNote{
		"handler": {MaxLength: api.Count(congress.MaxHandler)}}})
	api.Note[answerInput](ns, api.TypeNote{Name: "CongressAnswerInput", Required: []string{"text"}, Fields: map[string]api.FieldNote{"text": {MaxLength: api.Count(congress.MaxText)}}})
	api.Note[affairInput](ns, api.TypeNote{Name: "CongressAffairInput", Required: []string{"employer_id", "category", "title", "body"}, Fields: map[string]api.FieldNote{
		"category": {Enum: api.EnumOf(congress.AffairCategories...)}, "title": {MaxLength: api.Count(congress.MaxTitle)}, "body": {MaxLength: api.Count(congress.MaxAffair)}}})
	api.Note[rateInput](ns, api.TypeNote{Name: "CongressRating", Required: []string{"rating"}, Fields: map[string]api.FieldNote{"rating": {Enum: ratings}}})
}
