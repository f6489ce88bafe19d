package works

import (
	"gonghui/internal/api"
	"gonghui/internal/member"
	"gonghui/internal/signup"
	"gonghui/internal/works"
)

// The routes of calls for works and what the OpenAPI document says of them.

func (h *API) routes() []api.Route {
	offsetP := api.QP("offset", "rows to skip (page numbers), at most 10,000", &api.Schema{Type: "integer", Minimum: api.Num(0), Maximum: api.Num(10000)})
	entryForm := func(required ...string) *api.Schema {
		return &api.Schema{Type: "object", Required: required, Properties: api.PropsOf(
			"title", &api.Schema{Type: "string", MaxLength: api.Count(works.MaxEntryTitle)},
			"body", &api.Schema{Type: "string", Description: "essay calls: the text, between the call's min_chars and max_chars characters", MaxLength: api.Count(works.MaxEssayChars)},
			"note", &api.Schema{Type: "string", Description: "a short description of the work", MaxLength: api.Count(works.MaxEntryNote)},
			"original", &api.Schema{Type: "string", Enum: []any{"true", "false"}, Description: "true: the member confirms the work is their own and consents to its use by the union (required)"},
			"photo", &api.Schema{Type: "array", Description: "photo calls: the pictures (JPEG, PNG or WebP, the type read from the bytes; each at most the call's max_photo_kb)",
				MaxItems: api.Count(works.MaxPhotos), Items: &api.Schema{Type: "string", Format: "binary"}},
			"remove", &api.Schema{Type: "array", Description: "editing: the IDs of photos to drop", MaxItems: api.Count(works.MaxPhotos), Items: api.IDS()})}
	}
	img := func(op api.Op) api.Op {
		return op.Image("The picture", "image/jpeg", "image/png", "image/webp").
			Params(api.QP("size", "thumb: the copy for phones (JPEG, at most 1080 pixels on its longer side, upright, without the original's metadata)", api.EnumS("original", "thumb")))
	}
	const xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	return api.WithTag("works", []api.Route{
		api.R("GET", "/works", api.Full, h.listCalls, api.Doc("listWorksCalls", "Calls for works of the caller's subtrees (contest.read), latest opening first unless sorted, with the filter's total").
			Params(api.QP("q", "title substring", api.Str()), api.QP("status", "", api.EnumS(api.EnumOf(works.Statuses...)...)),
				api.QP("kind", "", api.EnumS(api.EnumOf(works.Kinds...)...)), api.SortParam(works.Sorts.Names())).Paged().Out(api.TotalList[works.Call]{})),
		api.R("POST", "/works", api.Full, h.createCall, api.Doc("createWorksCall", "Create a call for works (a draft) published by an organisation where the caller holds contest.write").In(callInput{}).Made(works.Call{})),
		api.R("GET", "/works/{id}", api.Full, h.getCall, api.Doc("getWorksCall", "A call for works of the caller's subtrees").Out(works.Call{}).Errors(400, 422)),
		api.R("PUT", "/works/{id}", api.Full, h.putCall, api.Doc("putWorksCall", "Edit a call at the version it was read. Once entries came in, the kind and the limits entries were checked against may only loosen (422 on kind); once scored, the criteria stay; a cancelled call or one with results out is frozen (409)").In(callUpdate{}).Out(works.Call{}).Errors(409)),
		api.R("POST", "/works/{id}/publish", api.Full, h.stepAt(h.Works.Publish), api.Doc("publishWorksCall", "Publish a draft to its audience").OptIn(versionInput{}).Out(works.Call{}).Errors(409)),
		api.R("POST", "/works/{id}/cancel", api.Full, h.stepAt(h.Works.Cancel), api.Doc("cancelWorksCall", "Call a call off: no more entries, no judging, no results").OptIn(versionInput{}).Out(works.Call{}).Errors(409)),
		api.R("POST", "/works/{id}/close", api.Full, h.stepAt(h.Works.Close), api.Doc("closeWorksCall", "End the submission window now (closes_at moves to now): judging starts. 409 not_open outside the window").OptIn(versionInput{}).Out(works.Call{}).Errors(409)),
		api.R("GET", "/works/{id}/entries", api.Full, h.listEntries, api.Doc("listWorksEntries", "A call's entries with their authors, ranked ones by place and the rest newest first, with the filter's total; withdrawn ones only when asked by status").
			Params(api.QP("q", "words of the title or the author's name", api.Str()), api.QP("status", "", api.EnumS(api.EnumOf(works.EntryStatuses...)...)), api.Param{Ref: "limit"}, offsetP).
			Out(api.TotalList[works.Entry]{})),
		api.R("GET", "/work-entries/{id}", api.Full, h.staffEntry, api.Doc("getWorksEntry", "One entry of a call of the caller's subtrees, with its author").Out(works.Entry{}).Errors(400, 422)),
		api.R("POST", "/work-entries/{id}/screen", api.Full, h.screen, api.Doc("screenWorksEntry", "Accept an entry for judging, or reject it with the reason its author reads; until the results are out. 409 scored: an entry a judge scored may not be rejected").In(screenInput{}).Out(works.Entry{}).Errors(409)),
		api.R("GET", "/works/{id}/judges", api.Full, h.judges, api.Doc("listWorksJudges", "A call's panel, with how many entries each judge scored").Out(api.List[works.Judge]{}).Errors(400, 422)),
		api.R("GET", "/works/{id}/judges/candidates", api.Full, h.candidates, api.Doc("worksJudgeCandidates", "Staff accounts that may sit on the panel: enabled, holding contest.read at the publisher or below (at most 50)").
			Params(api.QP("q", "words of the name or the username", api.Str())).Out(api.List[works.Judge]{})),
		api.R("POST", "/works/{id}/judges", api.Full, h.addJudge, api.Doc("addWorksJudge", "Put a staff account on the panel, until judging closes (422 on user_id when not eligible or already there); answers the panel").In(judgeInput{}).Out(api.List[works.Judge]{}).Errors(409)),
		api.R("DELETE", "/works/{id}/judges/{user_id}", api.Full, h.removeJudge, api.Doc("removeWorksJudge", "Take a judge off the panel, with the scores they gave (until the results are out)").None("Removed").Errors(409)),
		api.R("POST", "/works/{id}/award", api.Full, h.award, api.Doc("awardWorksCall", "Once judging has closed: work out the final scores (the judges' mean, the highest and lowest dropped from five judges), rank the accepted entries and give the tiers by rank. May run again until the results are published; 409 not_judged before").OptIn(api.Empty{}).Out(works.Call{}).Errors(409)),
		api.R("POST", "/works/{id}/results", api.Full, h.results, api.Doc("publishWorksResults", "Publish the results: the winners (names with their union) reach the members; the call is frozen after. 409 not_ranked before an award").OptIn(api.Empty{}).Out(works.Call{}).Errors(409)),
		api.R("GET", "/works/{id}/winners", api.Full, h.winners, api.Doc("listWorksWinners", "A call's awarded entries by place, as members read them once published (with the works: an essay's text, a photo call's pictures)").Out(api.List[works.Winner]{}).Errors(400, 422)),
		api.R("GET", "/works/{id}/awards", api.Full, h.awards, api.Doc("listWorksAwards", "A call's awards by place, to hand on (to honours, say): rank, award, the entry, its author and their union with IDs, the final score and how many judges gave it; empty before the award").Out(api.List[works.Award]{}).Errors(400, 422)),
		api.R("GET", "/works/{id}/awards.xlsx", api.Full, h.exportAwards, api.Doc("exportWorksAwards", "The awards as .xlsx (rank, award, title, author, union, score), in the reader's language. Audited").File(xlsx, "The workbook")),
		api.R("GET", "/work-photos/{id}", api.Full, h.photo, img(api.Doc("getWorksPhoto", "A photo of an entry, to staff who read the call and to its judges once the entry is accepted (never to a judge of the author's own union)"))),
		api.R("GET", "/judging", api.Full, h.judging, api.Doc("listJudging", "The published calls the caller sits on the panel of, latest judging deadline first; entries counts the accepted entries the judge has yet to score").Out(api.List[works.Listed]{})),
		api.R("GET", "/judging/{id}", api.Full, h.blind, api.Doc("getJudging", "A call's accepted entries as the judge reads them: numbered, never with their author, with the judge's own marks; entries by members of the judge's own union are left out (recused counts them)").Out(works.Judging{}).Errors(400, 422)),
		api.R("PUT", "/judging/entries/{id}", api.Full, h.score, api.Doc("scoreWorksEntry", "The judge's marks for an accepted entry, one per criterion in the call's order (0 to 100), while judging is open; again revises them. 409 outside the judging window; 404 for an entry of the judge's own union").In(marksInput{}).Out(scored{}).Errors(409)),
		api.R("GET", "/me/works", api.Self, h.myCalls, api.Doc("myWorksCalls", "Calls for works open to the signed-in member (their union or one above it, and their tags): taking entries, judging, or with results of the last 60 days; entries counts their own").Out(api.List[works.Listed]{})),
		api.R("GET", "/me/works/{id}", api.Self, h.myCall, api.Doc("myWorksCall", "A call as a member reads it: their own entries (their award once the results are out), whether they may hand in another, the winners once published").Out(works.MemberCall{}).Errors(400, 422)),
		api.R("POST", "/me/works/{id}/entries", api.Self, h.submit, api.Doc("submitWorksEntry", "Hand in an entry while the call takes entries (409 not_open otherwise; 409 limit past the call's per_member). Essays send body, photo calls one or more photo parts; every field's fault is a 422 on that field and nothing is kept. An entry without photos (an essay) may come as a JSON object instead of a form, with original a boolean").
			Form(entryForm("title", "original")).OrJSON(entryJSON{}).Made(works.Entry{}).Errors(409)),
		api.R("GET", "/me/work-entries/{id}", api.Self, h.myEntry, api.Doc("myWorksEntry", "One of the member's own entries with its photos, its screening and, when rejected, the reason").Out(works.Entry{}).Errors(400, 422)),
		api.R("PUT", "/me/work-entries/{id}", api.Self, h.editEntry, api.Doc("editWorksEntry", "Rewrite an entry while the call takes entries: the fields replace the old ones, photo parts are added, remove drops photos; a screened entry waits to be screened again. Without new photos it may come as a JSON object instead of a form").
			Form(entryForm("title", "original")).OrJSON(entryJSON{}).Out(works.Entry{}).Errors(409)),
		api.R("POST", "/me/work-entries/{id}/withdraw", api.Self, h.withdraw, api.Doc("withdrawWorksEntry", "Take an entry back while the call takes entries: its photos are deleted and the member may hand in another").OptIn(api.Empty{}).None("Withdrawn").Errors(409)),
		api.R("GET", "/me/work-photos/{id}", api.Self, h.photo, img(api.Doc("myWorksPhoto", "A photo of one of the member's own entries; or, once a call's results are published, a winner's photo to the members the call is for (always the copy for phones)"))),
	})
}

func notes(ns api.Notes) {
	kinds, statuses, entryStatuses := api.EnumOf(works.Kinds...), api.EnumOf(works.Statuses...), api.EnumOf(works.EntryStatuses...)
	phases := api.EnumOf(works.PhaseDraft, works.PhaseUpcoming, works.PhaseOpen, works.PhaseJudging, works.PhaseJudged, works.PhaseResults, works.PhaseCancelled)
	phase := api.FieldNote{Desc: "where the call stands in time: upcoming, open (takes entries), judging, judged (results not yet out), results", Enum: phases}
	callFields := map[string]api.FieldNote{
		"audience_tags": {Desc: "empty: every member of the audience; otherwise members carrying one of these tags", Enum: api.EnumOf(member.Tags...)},
		"kind":          {Desc: "essay: a text; photo: one or more pictures", Enum: kinds},
		"status":        {Enum: statuses},
		"min_chars":     {Desc: "essay calls: the fewest characters"},
		"max_chars":     {Desc: "essay calls: the most characters"},
		"max_photos":    {Desc: "photo calls: the most photos of an entry"},
		"max_photo_kb":  {Desc: "photo calls: the largest photo, in KB"},
		"per_member":    {Desc: "how many entries a member may hand in"},
		"judge_until":   {Desc: "judging closes; the award and the results come after"},
		"criteria":      {Desc: "what judges mark, 0 to 100 each; the weights add up to 100"},
		"tiers":         {Desc: "the awards, best first, each given to Count entries by rank"},
		"ranked_at":     {Desc: "the last award; absent: none yet"},
		"results_at":    {Desc: "when the results were published; absent: not yet"},
	}
	api.Note[works.Call](ns, api.TypeNote{Name: "WorksCall", Desc: "A call for works (作品征集): an essay or photo contest", Fields: callFields})
	api.Note[works.Criterion](ns, api.TypeNote{Name: "WorksCriterion", Fields: map[string]api.FieldNote{
		"name": {MaxLength: api.Count(works.MaxName)}, "weight": {Desc: "percent", Min: api.Num(1), Max: api.Num(100)}}})
	api.Note[works.Tier](ns, api.TypeNote{Name: "WorksTier", Fields: map[string]api.FieldNote{
		"name": {Desc: "e.g. 一等奖", MaxLength: api.Count(works.MaxName)}, "count": {Min: api.Num(1), Max: api.Num(works.MaxTierCount)}}})
	inputFields := map[string]api.FieldNote{
		"org_id":          {Desc: "the publishing organisation (where the caller holds contest.write)"},
		"audience_org_id": {Desc: "the publisher or an organisation below it; default the publisher"},
		"audience_tags":   {Enum: api.EnumOf(member.Tags...)},
		"title":           {MaxLength: api.Count(signup.MaxTitle)},
		"description":     {MaxLength: api.Count(signup.MaxDescription)},
		"kind":            {Enum: kinds},
		"min_chars":       {Desc: "essay calls", Min: api.Num(0), Max: api.Num(works.MaxEssayChars)},
		"max_chars":       {Desc: "essay calls; 0: 3000", Min: api.Num(0), Max: api.Num(works.MaxEssayChars)},
		"max_photos":      {Desc: "photo calls; 0: 1", Min: api.Num(0), Max: api.Num(works.MaxPhotos)},
		"max_photo_kb":    {Desc: "photo calls, 100 to 10240; 0: 5120", Min: api.Num(0), Max: api.Num(works.MaxPhotoKB)},
		"per_member":      {Desc: "0: one", Min: api.Num(0), Max: api.Num(works.MaxPerMember)},
		"opens_at":        {Desc: "2006-01-02T15:04 in Beijing time, or RFC 3339 with a zone"},
		"closes_at":       {Desc: "after opens_at, within a year"},
		"judge_until":     {Desc: "after closes_at, within a year"},
		"criteria":        {Desc: "weights adding up to 100", MaxItems: api.Count(works.MaxCriteria)},
		"tiers":           {MaxItems: api.Count(works.MaxTiers)},
	}
	api.Note[callInput](ns, api.TypeNote{Name: "WorksCallInput", Required: []string{"org_id", "title", "kind", "opens_at", "closes_at", "judge_until", "criteria", "tiers"}, Fields: inputFields})
	api.Note[callUpdate](ns, api.TypeNote{Name: "WorksCallUpdate", Required: []string{"org_id", "title", "kind", "opens_at", "closes_at", "judge_until", "criteria", "tiers", "version"},
		Fields: map[string]api.FieldNote{"version": {Desc: "the version the call was read at"}}})
	api.Note[versionInput](ns, api.TypeNote{Name: "WorksVersion", Fields: map[string]api.FieldNote{"version": {Desc: "the version read (0: as it is now)"}}})
	api.Note[works.Entry](ns, api.TypeNote{Name: "WorksEntry", Desc: "An entry with its author (staff and the author only; judges read WorksBlindEntry)", Fields: map[string]api.FieldNote{
		"member_id": {Desc: "the author"}, "name": {Desc: "the author's name"}, "union": {Desc: "the author's union"},
		"body":   {Desc: "essay calls: the text"},
		"status": {Enum: entryStatuses}, "reason": {Desc: "why it was rejected"},
		"score":  {Desc: "the final score, once awarded (for the author, once the results are out)"},
		"judges": {Desc: "how many judges scored it, once awarded"}, "place": {Desc: "its rank; 0 before"}, "award": {Desc: "its tier's name; empty: none"}}})
	api.Note[works.Photo](ns, api.TypeNote{Name: "WorksPhoto", Desc: "A picture of an entry, without its bytes"})
	api.Note[works.Listed](ns, api.TypeNote{Name: "WorksListedCall", Fields: withCall(callFields, map[string]api.FieldNote{
		"phase": phase, "entries": {Desc: "members: their own entries; judges: the accepted entries they have yet to score"}})})
	api.Named[api.List[works.Listed]](ns, "WorksListedCallList")
	api.Named[api.List[works.Judge]](ns, "WorksJudgeList")
	api.Named[api.List[works.Winner]](ns, "WorksWinnerList")
	api.Named[api.TotalList[works.Call]](ns, "WorksCallPage")
	api.Named[api.TotalList[works.Entry]](ns, "WorksEntryPage")
	api.Note[works.MemberCall](ns, api.TypeNote{Name: "WorksMemberCall", Fields: map[string]api.FieldNote{"phase": phase,
		"can_submit": {Desc: "the call takes entries and the member has a slot left"}, "winners": {Desc: "once the results are out"}}})
	api.Note[works.Winner](ns, api.TypeNote{Name: "WorksWinner", Fields: map[string]api.FieldNote{"union": {Desc: "the author's union"},
		"body": {Desc: "essay calls: the text"}, "photos": {Desc: "photo calls: the pictures (GET /me/work-photos/{id}?size=thumb for members)"}}})
	api.Note[works.Award](ns, api.TypeNote{Name: "WorksAward", Desc: "An awarded entry as staff hand it on", Fields: map[string]api.FieldNote{
		"place": {Desc: "its rank"}, "award": {Desc: "its tier's name"}, "member_id": {Desc: "the author"}, "union_id": {Desc: "the author's union (now)"},
		"score": {Desc: "the final score"}, "judges": {Desc: "how many judges scored it"}}})
	api.Named[api.List[works.Award]](ns, "WorksAwardList")
	api.Note[entryJSON](ns, api.TypeNote{Name: "WorksEntryJSON", Desc: "An entry without photos (an essay) as JSON", Required: []string{"title", "original"}, Fields: map[string]api.FieldNote{
		"title": {MaxLength: api.Count(works.MaxEntryTitle)}, "body": {Desc: "essay calls: the text, between the call's min_chars and max_chars characters", MaxLength: api.Count(works.MaxEssayChars)},
		"note":     {Desc: "a short description of the work", MaxLength: api.Count(works.MaxEntryNote)},
		"original": {Desc: "true: the member confirms the work is their own and consents to its use by the union (required)"},
		"remove":   {Desc: "editing: the IDs of photos to drop", MaxItems: api.Count(works.MaxPhotos)}}})
	api.Note[works.Judging](ns, api.TypeNote{Name: "WorksJudging", Fields: map[string]api.FieldNote{"phase": phase,
		"can_score": {Desc: "judging is open"}, "scored": {Desc: "entries the judge has scored"},
		"recused": {Desc: "accepted entries by members of the judge's own union, left out"}}})
	api.Note[works.BlindEntry](ns, api.TypeNote{Name: "WorksBlindEntry", Desc: "An entry as a judge reads it: a number in place of its author", Fields: map[string]api.FieldNote{
		"number": {Desc: "1.. in the order entries came in"}, "marks": {Desc: "the judge's marks by criterion; empty before scoring"},
		"total": {Desc: "the judge's weighted score; absent before scoring"}}})
	api.Note[scored](ns, api.TypeNote{Name: "WorksScored", Fields: map[string]api.FieldNote{"id": {Desc: "the entry"},
		"marks": {Desc: "the judge's marks by criterion, as kept"}, "total": {Desc: "the judge's weighted score"}}})
	api.Note[works.Judge](ns, api.TypeNote{Name: "WorksJudge", Fields: map[string]api.FieldNote{"user_id": {Desc: "the staff account"}, "scored": {Desc: "entries this judge scored"},
		"recused": {Desc: "accepted entries by members of the judge's own union, which the judge neither reads nor scores"}}})
	api.Note[screenInput](ns, api.TypeNote{Name: "WorksScreening", Required: []string{"decision"}, Fields: map[string]api.FieldNote{
		"decision": {Enum: []string{decideAccept, decideReject}}, "reason": {Desc: "reject: why, in words the author reads (required)", MaxLength: api.Count(works.MaxReason)}}})
	api.Note[judgeInput](ns, api.TypeNote{Name: "WorksJudgeInput", Required: []string{"user_id"}})
	api.Note[marksInput](ns, api.TypeNote{Name: "WorksMarks", Required: []string{"marks"}, Fields: map[string]api.FieldNote{
		"marks": {Desc: "0 to 100 per criterion, in the call's order", MaxItems: api.Count(works.MaxCriteria)}}})
}

// withCall is a call's notes with extra's added.
func withCall(base, extra map[string]api.FieldNote) map[string]api.FieldNote {
	out := make(map[string]api.FieldNote, len(base)+len(extra))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range extra {
		out[k] = v
	}
	return out
}
