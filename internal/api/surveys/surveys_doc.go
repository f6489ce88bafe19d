package surveys

import (
	"gonghui/internal/api"
	"gonghui/internal/member"
	"gonghui/internal/survey"
)

// The routes of this module and what the OpenAPI document says of them.

const xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

func (h *API) routes() []api.Route {
	offsetP := api.QP("offset", "rows to skip (page numbers), at most 10,000", &api.Schema{Type: "integer", Minimum: api.Num(0), Maximum: api.Num(10000)})
	orgP := api.QP("org", "only responses of this organisation's subtree (in the survey's audience)", api.IDS())
	return api.WithTag("surveys", []api.Route{
		api.R("GET", "/surveys", api.Full, h.listSurveys, api.Doc("listSurveys", "Surveys of the caller's subtrees, and those published above them that reach their subtrees (partial: read only, responses of their subtrees), newest opening first unless sorted, with the filter's total").
			Params(api.QP("q", "title substring", api.Str()), api.QP("status", "", api.EnumS(api.EnumOf(survey.Statuses...)...)),
				api.QP("sort", "the order, a key, descending with a leading -", api.EnumS(survey.Sorts.Names()...))).Paged().Out(api.TotalList[survey.Survey]{})),
		api.R("POST", "/surveys", api.Full, h.createSurvey, api.Doc("createSurvey", "Create a survey (a draft); its questions and skip rules are checked (a rule names an earlier choice question and one of its options)").In(surveyInput{}).Made(survey.Survey{}).Errors(404)),
		api.R("GET", "/surveys/{id}", api.Full, h.getSurvey, api.Doc("getSurvey", "A survey of the caller's subtrees, or one published above them that reaches their subtrees (partial); any other is 404").Out(survey.Survey{}).Errors(400, 422)),
		api.R("PUT", "/surveys/{id}", api.Full, h.putSurvey, api.Doc("putSurvey", "Edit a survey at the version it was read; once anyone has responded the questions and anonymity stay (422 questions_frozen, anonymous_frozen)").In(surveyUpdateInput{}).Out(survey.Survey{}).Errors(409)),
		api.R("POST", "/surveys/{id}/publish", api.Full, h.publishSurvey, api.Doc("publishSurvey", "Publish a draft to its audience from its opening time").OptIn(versionInput{}).Out(survey.Survey{}).Errors(409)),
		api.R("POST", "/surveys/{id}/close", api.Full, h.closeSurvey, api.Doc("closeSurvey", "Close a published survey: nobody may respond any more").OptIn(versionInput{}).Out(survey.Survey{}).Errors(409)),
		api.R("GET", "/surveys/{id}/results", api.Full, h.results, api.Doc("surveyResults", "Each question's answers: counts and percentages of options and rating values, means of ratings and numbers, how many wrote text. A survey published above the caller counts only their subtrees' responses (partial). In an anonymous survey fewer than 5 responses (of what is counted) are withheld: withheld true, no questions").
			Params(orgP).Out(survey.Results{}).Errors(422)),
		api.R("GET", "/surveys/{id}/texts", api.Full, h.texts, api.Doc("surveyTexts", "The written answers to one question (texts and \"other\" texts), a page of them; a named survey's with who wrote them. An anonymous survey's are in random order and refused (409 too_few) below 5 responses").
			Params(api.QP("question", "the question, 0 first (required)", &api.Schema{Type: "integer", Minimum: api.Num(0)}), orgP, api.Param{Ref: "limit"}, offsetP).Out(api.TotalList[survey.TextAnswer]{}).Errors(409, 422)),
		api.R("GET", "/surveys/{id}/breakdown", api.Full, h.breakdown, api.Doc("surveyBreakdown", "Responses by organisation: an organisation's subtree (default the audience's root, or the caller's own for a survey published above them) and its children side by side: members, responses, response rate. In an anonymous survey a cell of 1 to 4 responses is withheld").
			Params(api.QP("org", "the organisation whose children are compared", api.IDS()), api.Param{Ref: "limit"}, offsetP).Out(survey.Breakdown{}).Errors(422)),
		api.R("GET", "/surveys/{id}/export", api.Full, h.export, api.Doc("exportSurvey", "The results as .xlsx: a summary sheet and one row per response, of the caller's subtrees for a survey published above them (an anonymous survey's without member columns, shuffled; refused with 409 too_few below 5 responses). Audited").File(xlsx, "The workbook").Errors(409)),
		api.R("GET", "/me/surveys", api.Self, h.mySurveys, api.Doc("mySurveys", "Surveys open to a signed-in member (and those closed in the last 30 days), with whether they have responded").Out(api.List[survey.Listed]{})),
		api.R("GET", "/me/surveys/{id}", api.Self, h.mySurvey, api.Doc("mySurvey", "A survey published to the member, with its questions and skip rules").Out(survey.Listed{}).Errors(400, 422)),
		api.R("POST", "/me/surveys/{id}/responses", api.Self, h.respond, api.Doc("respondSurvey", "A member answers a survey, once (409 responded after; 409 not_open outside its window). Answers to questions the skip rules hide are dropped; visible required ones must be given").In(responseInput{}).Made(survey.Listed{}).Errors(409)),
	})
}

func notes(ns api.Notes) {
	types := api.EnumOf(survey.Types...)
	api.Named[survey.Figures](ns, "SurveyFigures")
	api.Named[survey.Listed](ns, "MemberSurvey")
	api.Named[api.List[survey.Listed]](ns, "MemberSurveyList")
	api.Named[api.TotalList[survey.Survey]](ns, "SurveyPage")
	api.Named[api.TotalList[survey.TextAnswer]](ns, "SurveyTextPage")
	api.Named[survey.TextAnswer](ns, "SurveyTextAnswer")
	api.Named[survey.OptionCount](ns, "SurveyOptionCount")
	api.Named[survey.QuestionResult](ns, "SurveyQuestionResult")
	api.Note[survey.Question](ns, api.TypeNote{Name: "SurveyQuestion", Optional: []string{"required"}, Fields: map[string]api.FieldNote{
		"type":      {Desc: "single and multiple choice, a rating, a line or a paragraph of text, a number (up to two decimals)", Enum: types},
		"title":     {MaxLength: api.Count(survey.MaxQTitle)},
		"hint":      {MaxLength: api.Count(survey.MaxHint)},
		"options":   {Desc: "choice questions: 2 to 30 options", MaxItems: api.Count(survey.MaxOptions)},
		"other":     {Desc: "choice questions: an \"other, please specify\" option after the options"},
		"min_picks": {Desc: "multiple choice: the fewest picks (0: none)", Min: api.Num(0)},
		"max_picks": {Desc: "multiple choice: the most picks (0: any)", Min: api.Num(0)},
		"scale":     {Desc: "rating: 5 or 10 (default 5); absent for other types", Min: api.Num(0), Max: api.Num(10)},
		"show_if":   {Desc: "skip logic: shown only when the answer to an earlier choice question includes an option; absent: always shown"},
	}})
	api.Note[survey.Condition](ns, api.TypeNote{Name: "SurveyCondition", Fields: map[string]api.FieldNote{
		"question": {Desc: "an earlier choice question, 0 first", Min: api.Num(0)}, "option": {Desc: "one of its options, 0 first", Min: api.Num(0)}}})
	api.Note[survey.Survey](ns, api.TypeNote{Fields: map[string]api.FieldNote{
		"audience_tags": {Desc: "empty: every member of the audience; otherwise members carrying one of these tags", Enum: api.EnumOf(member.Tags...)},
		"status":        {Enum: api.EnumOf(survey.Statuses...)},
		"anonymous":     {Desc: "no answer is linked to a member; results of fewer than 5 responses are withheld"},
		"responses":     {Desc: "responses so far (partial: of the caller's subtrees)"},
		"partial":       {Desc: "published above the caller to an audience reaching their subtrees: read only, its results counted over their subtrees"},
	}})
	api.Note[surveyInput](ns, api.TypeNote{Name: "SurveyInput", Required: []string{"org_id", "title", "opens_at", "closes_at", "questions"}, Fields: map[string]api.FieldNote{
		"org_id":          {Desc: "the publishing organisation (where the caller holds contest.write)"},
		"audience_org_id": {Desc: "the publisher or an organisation below it; default the publisher"},
		"audience_tags":   {Enum: api.EnumOf(member.Tags...)},
		"opens_at":        {Desc: "Beijing time 2006-01-02T15:04, or RFC 3339 with a zone"},
		"closes_at":       {Desc: "after opens_at, at most a year later"},
		"questions":       {MaxItems: api.Count(survey.MaxQuestions)},
	}})
	api.Note[surveyUpdateInput](ns, api.TypeNote{Name: "SurveyUpdate", Required: []string{"org_id", "title", "opens_at", "closes_at", "questions", "version"}})
	api.Note[versionInput](ns, api.TypeNote{Name: "SurveyVersion", Fields: map[string]api.FieldNote{"version": {Desc: "the version read (0: as it is now)"}}})
	api.Note[survey.Answer](ns, api.TypeNote{Name: "SurveyAnswer", Desc: "an answer: choices (option indexes, 0 first) and other (the \"other\" text; present: other was picked) for choice questions, text for text questions, number for ratings and numbers",
		Fields: map[string]api.FieldNote{"choices": {MaxItems: api.Count(survey.MaxOptions)}, "text": {MaxLength: api.Count(survey.MaxLongAnswer)}, "other": {MaxLength: api.Count(survey.MaxShortAnswer)}}})
	api.Note[answerInput](ns, api.TypeNote{Name: "SurveyAnswerInput", Required: []string{"question"}, Fields: map[string]api.FieldNote{"question": {Desc: "the question, 0 first", Min: api.Num(0)}}})
	api.Note[responseInput](ns, api.TypeNote{Name: "SurveyResponse", Required: []string{"answers"}, Fields: map[string]api.FieldNote{"answers": {Desc: "at most one per question", MaxItems: api.Count(survey.MaxQuestions)}}})
	api.Note[survey.Results](ns, api.TypeNote{Name: "SurveyResults", Fields: map[string]api.FieldNote{
		"withheld": {Desc: "an anonymous survey with 1 to 4 responses here: nothing is shown"}, "org_id": {Desc: "the organisation the results are narrowed to"},
		"partial": {Desc: "only the caller's subtrees' responses (a survey published above them)"}}})
	api.Note[survey.Breakdown](ns, api.TypeNote{Name: "SurveyBreakdown", Fields: map[string]api.FieldNote{"up": {Desc: "the parent's organisation within the audience; absent: none"}}})
	api.Note[survey.OrgRow](ns, api.TypeNote{Name: "SurveyOrgRow", Fields: map[string]api.FieldNote{
		"rate": {Desc: "responses / members, 0 to 1"}, "withheld": {Desc: "an anonymous survey's cell of 1 to 4 responses: responses and rate are not shown (0)"}}})
}
