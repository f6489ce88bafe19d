package contests

import (
	"gonghui/internal/api"
	"gonghui/internal/contest"
	"gonghui/internal/contest/bank"
	"gonghui/internal/member"
)

// The contests' routes and what the OpenAPI document says of them.

func (h *API) contestRoutes() []api.Route {
	offsetP := api.QP("offset", "rows to skip (page numbers), at most 10,000", &api.Schema{Type: "integer", Minimum: api.Num(0), Maximum: api.Num(10000)})
	return api.WithTag("contests", []api.Route{
		api.R("GET", "/contests", api.Full, h.listContests, api.Doc("listContests", "Contests the caller runs (their subtrees') and contests published above them for their subtree, newest opening first unless sorted, with the filter's total").
			Params(api.QP("q", "title substring", api.Str()), api.QP("status", "", api.EnumS(api.EnumOf(contest.Statuses...)...)),
				api.QP("sort", "the order, a key, descending with a leading -", api.EnumS(contest.Sorts.Names()...))).Paged().Out(api.TotalList[contest.Contest]{})),
		api.R("POST", "/contests", api.Full, h.createContest, api.Doc("createContest", "Create a contest (a draft); its sections are checked against their banks (422 with the section's field when a bank holds too few questions for its rules)").In(contestInput{}).Made(contest.Contest{}).Errors(404)),
		api.R("GET", "/contests/{id}", api.Full, h.getContest, api.Doc("getContest", "A contest the caller runs, or one run above them for their subtree (whole false: its boards show only their subtrees' takers)").Out(contestView{}).Errors(400, 422)),
		api.R("PUT", "/contests/{id}", api.Full, h.putContest, api.Doc("putContest", "Edit a contest at the version it was read; once anyone has opened a paper the rules, scoring and time limit stay (422 rules_frozen)").In(contestUpdateInput{}).Out(contest.Contest{}).Errors(409)),
		api.R("POST", "/contests/{id}/publish", api.Full, h.publishContest, api.Doc("publishContest", "Publish a draft to its audience (its banks are checked again)").OptIn(versionInput{}).Out(contest.Contest{}).Errors(409)),
		api.R("POST", "/contests/{id}/cancel", api.Full, h.cancelContest, api.Doc("cancelContest", "Call a contest off: nobody may start or answer any more").OptIn(versionInput{}).Out(contest.Contest{}).Errors(409)),
		api.R("GET", "/contests/{id}/board", api.Full, h.board, api.Doc("contestBoard", "The board: each taker's counting attempt, highest score first, then the quickest; within the caller's sight and org's subtree").
			Params(api.QP("org", "only takers of this organisation's subtree", api.IDS()), api.Param{Ref: "limit"}, offsetP).Out(api.TotalList[contest.BoardRow]{}).Errors(422)),
		api.R("GET", "/contests/{id}/board/orgs", api.Full, h.orgBoard, api.Doc("contestOrgBoard", "The board by organisation: an organisation's subtree (default the audience's root, or the caller's own subtree) and its children side by side: members, takers, participation, average score, pass rate; from the folded figures, as fresh as the last fold").
			Params(api.QP("org", "the organisation whose children are compared", api.IDS()), api.QP("sort", "the children's order, best first; order: the official order", api.EnumS(contest.OrgSorts...)),
				api.Param{Ref: "limit"}, offsetP).Out(contest.OrgBoard{}).Errors(422)),
		api.R("GET", "/contests/{id}/attempts", api.Full, h.listAttempts, api.Doc("listContestAttempts", "Attempts, newest first: who, when, score, short answers waiting for grading, and how often the taker switched away from the page").
			Params(api.QP("org", "only takers of this organisation's subtree", api.IDS()), api.QP("status", "", api.EnumS(contest.AttemptOpen, contest.AttemptSubmitted)),
				api.QP("pending", "only those with short answers to grade", api.FlagS()), api.Param{Ref: "limit"}, offsetP).Out(api.TotalList[contest.Taken]{}).Errors(422)),
		api.R("POST", "/attempts/{id}/grades", api.Full, h.gradeShort, api.Doc("gradeShortAnswer", "Staff give a short answer of a handed-in paper its points (once; 409 graded after)").In(gradeInput{}).Out(contest.Attempt{}).Errors(409)),
		api.R("GET", "/me/contests", api.Self, h.myContests, api.Doc("myContests", "Contests open to a signed-in member (and those closed in the last 30 days), with their attempts and best score").Out(api.List[contest.Listed]{})),
		api.R("POST", "/contests/{id}/attempts", api.Self, h.startAttempt, api.Doc("startAttempt", "A member opens their paper: the open attempt with its saved answers and the time left by the server's clock, or a new attempt while attempts remain. The answer key is never sent. Pressing it many times at once makes one attempt").OptIn(api.Empty{}).Out(contest.Sheet{}).Errors(409, 422)),
		api.R("PUT", "/attempts/{id}/answers/{position}", api.Self, h.saveAnswer, api.Doc("saveAnswer", "Save the answer to the question at position (0 first) of the member's open attempt, replacing an earlier one; durable when answered. 409 time_up after the deadline, 409 submitted once handed in; in practice the answer's feedback comes back").In(bank.Answer{}).Out(contest.Saved{}).Errors(409)),
		api.R("POST", "/attempts/{id}/submit", api.Self, h.submitAttempt, api.Doc("submitAttempt", "Hand the paper in and get the result (score, rank, corrections when the organiser shows them). Idempotent: again answers the same result").OptIn(api.Empty{}).Out(contest.Result{}).Errors(409)),
		api.R("GET", "/attempts/{id}", api.Self, h.getAttempt, api.Doc("getAttempt", "A member's attempt: its state while open (one past its deadline is handed in with the answers saved), its result once handed in").Out(contest.Result{}).Errors(400, 422)),
		api.R("POST", "/attempts/{id}/switches", api.Self, h.switched, api.Doc("recordSwitch", "The taker left the paper's page (organisers see the count; nothing is blocked)").OptIn(api.Empty{}).None("Recorded")),
	})
}

func contestNotes(ns api.Notes) {
	api.Named[contest.Figures](ns, "ContestFigures")
	api.Named[contest.Attempt](ns, "ContestAttempt")
	api.Named[contest.Result](ns, "ContestResult")
	api.Named[contest.Sheet](ns, "ContestSheet")
	api.Named[contest.Taken](ns, "ContestTaker")
	api.Named[contest.Listed](ns, "MemberContest")
	api.Named[contest.Saved](ns, "SavedAnswer")
	api.Named[contest.Feedback](ns, "AnswerFeedback")
	api.Named[contest.Correction](ns, "AnswerCorrection")
	api.Named[contest.TakerQuestion](ns, "PaperQuestion")
	api.Named[contest.BoardRow](ns, "BoardRow")
	api.Note[contest.OrgBoard](ns, api.TypeNote{Name: "ContestOrgBoard", Fields: map[string]api.FieldNote{"up": {Desc: "the parent's parent, when the caller may see its board; absent: none"}}})
	api.Note[contest.OrgRow](ns, api.TypeNote{Name: "ContestOrgRow", Fields: map[string]api.FieldNote{
		"members":       {Desc: "active members of the subtree (with the audience's tag when the contest is for exactly one tag)"},
		"participation": {Desc: "takers / members, 0 to 1 (above 1 when members left after taking part)"},
		"average":       {Desc: "the takers' mean counting score"}, "pass_rate": {Desc: "passed / takers, 0 to 1"}}})
	credit := api.FieldNote{Desc: "0 wrong, 1 partial (half the points), 2 right, 3 a short answer for staff to grade", Enum: nil}
	types := api.EnumOf(bank.Types...)
	api.Note[bank.Answer](ns, api.TypeNote{Name: "ContestAnswer", Desc: "an answer: choices (option positions as shown, 0 first) for choice questions, true for true/false, blanks in order for fill-in-the-blank, text for a short answer; {} leaves the question unanswered",
		Fields: map[string]api.FieldNote{"choices": {MaxItems: api.Count(bank.MaxOptions)}, "blanks": {MaxItems: api.Count(bank.MaxBlanks)}, "text": {MaxLength: api.Count(bank.MaxShortAnswer)}}})
	api.Note[contest.Section](ns, api.TypeNote{Name: "ContestSection", Fields: map[string]api.FieldNote{
		"questions": {Desc: "fixed: these questions, in this order", Schema: &api.Schema{Type: "array", Items: api.Ref("ID")}},
		"count":     {Desc: "random: how many to draw per taker"},
		"type":      {Enum: types}, "difficulty": {Desc: "1 easy, 2 medium, 3 hard; absent: any", Min: api.Num(1), Max: api.Num(3)},
	}})
	api.Note[contest.Contest](ns, api.TypeNote{Fields: map[string]api.FieldNote{
		"audience_tags": {Desc: "empty: every member of the audience; otherwise members carrying one of these tags", Enum: api.EnumOf(member.Tags...)},
		"status":        {Enum: api.EnumOf(contest.Statuses...)},
		"counting":      {Enum: []string{string(contest.CountBest), string(contest.CountLast)}},
		"time_limit":    {Desc: "seconds a taker has from opening the paper; 0: until closing"},
		"max_score":     {Desc: "the points of a paper answered all right"},
	}})
	api.Note[contestInput](ns, api.TypeNote{Name: "ContestInput", Required: []string{"org_id", "title", "opens_at", "closes_at", "sections"}, Fields: map[string]api.FieldNote{
		"org_id":          {Desc: "the publishing organisation (where the caller holds contest.write)"},
		"audience_org_id": {Desc: "the publisher or an organisation below it; default the publisher"},
		"audience_tags":   {Enum: api.EnumOf(member.Tags...)},
		"counting":        {Enum: []string{string(contest.CountBest), string(contest.CountLast)}},
		"time_limit":      {Desc: "seconds; 0: until closing", Min: api.Num(0), Max: api.Num(contest.MaxTimeLimit)},
		"attempts":        {Desc: "default 1", Min: api.Num(0), Max: api.Num(contest.MaxAttempts)},
		"sections":        {MaxItems: api.Count(contest.MaxSections)},
	}})
	api.Note[sectionInput](ns, api.TypeNote{Name: "ContestSectionInput", Required: []string{"bank_id", "points"}, Fields: map[string]api.FieldNote{
		"type": {Enum: types}, "difficulty": {Desc: "1 easy, 2 medium, 3 hard; 0: any", Min: api.Num(0), Max: api.Num(3)},
		"points": {Min: api.Num(1), Max: api.Num(contest.MaxPoints)}, "count": {Min: api.Num(0), Max: api.Num(contest.MaxSectionSize)},
	}})
	api.Note[contestUpdateInput](ns, api.TypeNote{Name: "ContestUpdate", Required: []string{"org_id", "title", "opens_at", "closes_at", "sections", "version"}})
	api.Note[contestView](ns, api.TypeNote{Name: "ContestView", Fields: map[string]api.FieldNote{"whole": {Desc: "false: run above the caller; its boards and attempts show only the caller's subtrees"}}})
	api.Note[contest.TakerQuestion](ns, api.TypeNote{Name: "PaperQuestion", Fields: map[string]api.FieldNote{
		"type": {Enum: types}, "blanks": {Desc: "fill-in-the-blank: how many blanks to fill"}, "section": {Desc: "the section's title"}}})
	api.Note[contest.Sheet](ns, api.TypeNote{Name: "ContestSheet", Fields: map[string]api.FieldNote{
		"answers":   {Desc: "the answers saved so far, by position", Schema: &api.Schema{Type: "object", AdditionalProperties: api.Ref("ContestAnswer")}},
		"feedback":  {Desc: "practice: what each saved answer earned, by position", Schema: &api.Schema{Type: "object", AdditionalProperties: api.Ref("AnswerFeedback")}},
		"remaining": {Desc: "seconds left by the server's clock; -1: no limit"},
	}})
	api.Note[contest.Feedback](ns, api.TypeNote{Name: "AnswerFeedback", Fields: map[string]api.FieldNote{"credit": credit,
		"right": {Desc: "the right options as shown"}, "key": {Desc: "the right answer in words (true/false, blanks)"}}})
	api.Note[contest.Correction](ns, api.TypeNote{Name: "AnswerCorrection", Fields: map[string]api.FieldNote{"credit": credit}})
	api.Note[contest.Attempt](ns, api.TypeNote{Name: "ContestAttempt", Fields: map[string]api.FieldNote{
		"status": {Enum: []string{contest.AttemptOpen, contest.AttemptSubmitted}}, "pending": {Desc: "short answers staff have yet to grade"},
		"switches": {Desc: "times the taker left the page"}}})
	api.Note[gradeInput](ns, api.TypeNote{Name: "ShortAnswerGrade", Required: []string{"position", "points"}})
	api.Note[versionInput](ns, api.TypeNote{Name: "ContestVersion", Fields: map[string]api.FieldNote{"version": {Desc: "the version read (0: as it is now)"}}})
}
