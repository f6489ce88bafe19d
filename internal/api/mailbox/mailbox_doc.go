package mailbox

import (
	"gonghui/internal/api"
	"gonghui/internal/mailbox"
)

// The suggestion box's routes and what the OpenAPI document says of them.

func (h *API) routes() []api.Route {
	return api.WithTag("letters", []api.Route{
		api.R("GET", "/letters", api.Full, h.listLetters, api.Doc("listLetters", "Letters addressed to organisations of the caller's subtrees (letter.read), newest first unless sorted, with the filter's total. An anonymous letter carries no writer").
			Params(api.QP("q", "words of the subject or the text", api.Str()), api.QP("status", "", api.EnumS(api.EnumOf(mailbox.Statuses...)...)),
				api.QP("category", "", api.EnumS(api.EnumOf(mailbox.Categories...)...)), api.QP("overdue", "only letters still owed an answer past their due time", api.FlagS()),
				api.QP("org", "only letters addressed within this organisation's subtree", api.IDS()), api.SortParam(mailbox.Sorts.Names())).Paged().
			Out(api.TotalList[mailbox.Letter]{}).Errors(422)),
		api.R("GET", "/letters/totals", api.Full, h.letterTotals, api.Doc("letterTotals", "How many letters of the caller's subtrees (or of org's) stand in each status, and how many are overdue").
			Params(api.QP("org", "only letters addressed within this organisation's subtree", api.IDS())).Out(mailbox.Totals{}).Errors(422)),
		api.R("GET", "/letters/{id}", api.Full, h.getLetter, api.Doc("getLetter", "A letter with its history and photos as staff see it (the writer only when not anonymous; staff below the addressee get 404), and what the caller may do with it now").Out(mailbox.Thread{}).Errors(400, 422)),
		api.R("POST", "/letters/{id}/accept", api.Full, h.accept, api.Doc("acceptLetter", "Accept a new or forwarded letter (letter.write at its addressee); handler names who handles it (default the caller). 409 wrong_status when it is not waiting").OptIn(acceptInput{}).Out(mailbox.Letter{}).Errors(409)),
		api.R("POST", "/letters/{id}/answer", api.Full, h.answer, api.Doc("answerLetter", "Answer a letter (the writer reads the text); an answered letter may get another answer").In(textInput{}).Out(mailbox.Letter{}).Errors(409)),
		api.R("POST", "/letters/{id}/forward", api.Full, h.forward, api.Doc("forwardLetter", "Forward an open letter to another organisation inside the addressee's subtree or above it, where the caller holds letter.write; it waits there to be accepted").In(forwardInput{}).Out(mailbox.Letter{}).Errors(409)),
		api.R("POST", "/letters/{id}/decline", api.Full, h.decline, api.Doc("declineLetter", "Decline an open letter, with the reason the writer reads").In(reasonInput{}).Out(mailbox.Letter{}).Errors(409)),
		api.R("POST", "/letters/{id}/close", api.Full, h.closeLetter, api.Doc("closeLetter", "Close an answered letter (已办结), with an optional note").OptIn(noteInput{}).Out(mailbox.Letter{}).Errors(409)),
		api.R("POST", "/letters/accept", api.Full, h.bulkAccept, api.Doc("acceptLetters", "Accept several letters, each on its own: how many were accepted and why the others were not").In(bulkInput{}).Out(bulkResult{})),
		api.R("GET", "/letters/{id}/photos/{photo_id}", api.Either, h.photo, api.Doc("getLetterPhoto", "A photo of a letter, to staff who may see the letter or to its writer").Image("The picture", "image/jpeg", "image/png", "image/webp")),
		api.R("GET", "/me/letters", api.Self, h.myLetters, api.Doc("myLetters", "The signed-in member's letters, newest first (the latest 200)").Out(api.List[mailbox.Letter]{})),
		api.R("GET", "/me/letters/addressees", api.Self, h.addressees, api.Doc("letterAddressees", "The unions the member may write to: their own and each one above it, nearest first").Out(api.List[mailbox.Addressee]{})),
		api.R("POST", "/me/letters", api.Self, h.write, api.Doc("writeLetter", "Write a letter (at most 3 a day; 409 daily_limit after), optionally anonymous: staff then never see who wrote it. Up to 3 photos (JPEG, PNG or WebP, 5 MiB each; the type is read from the bytes)").
			Form(&api.Schema{Type: "object", Required: []string{"org_id", "category", "subject", "body"}, Properties: api.PropsOf(
				"org_id", api.IDS(), "category", api.EnumS(api.EnumOf(mailbox.Categories...)...),
				"subject", &api.Schema{Type: "string", MaxLength: api.Count(mailbox.MaxSubject)}, "body", &api.Schema{Type: "string", MaxLength: api.Count(mailbox.MaxBody)},
				"anonymous", api.FlagS(), "photo", &api.Schema{Type: "array", MaxItems: api.Count(mailbox.MaxPhotos), Items: &api.Schema{Type: "string", Format: "binary"}})}).
			Made(mailbox.Letter{}).Errors(409)),
		api.R("GET", "/me/letters/{id}", api.Self, h.myLetter, api.Doc("myLetter", "One of the member's letters with its history as the writer sees it (the unions that acted, never staff names)").Out(mailbox.Thread{}).Errors(400, 422)),
		api.R("POST", "/me/letters/{id}/rating", api.Self, h.rate, api.Doc("rateLetter", "Rate the answer to one's letter (again: the last counts)").In(rateInput{}).Out(mailbox.Letter{}).Errors(409)),
		api.R("POST", "/me/letters/{id}/follow-up", api.Self, h.followUp, api.Doc("followUpLetter", "Follow an answered letter up, once: it opens again with a new answer due and its rating cleared").In(textInput{}).Out(mailbox.Letter{}).Errors(409)),
	})
}

func notes(ns api.Notes) {
	statuses := api.EnumOf(mailbox.Statuses...)
	api.Note[mailbox.Letter](ns, api.TypeNote{Name: "Letter", Desc: "A letter to the suggestion box (职工心声)", Fields: map[string]api.FieldNote{
		"org_id":      {Desc: "the addressee now (a forward moves it)"},
		"category":    {Enum: api.EnumOf(mailbox.Categories...)},
		"status":      {Enum: statuses},
		"rating":      {Desc: "the writer's rating of the answer; absent: none", Enum: api.EnumOf(mailbox.Ratings...)},
		"writer":      {Desc: "staff reads of a letter that is not anonymous: who wrote it; never present otherwise"},
		"due_at":      {Desc: "when an answer is due: the end of the 15th working day (Monday to Friday) after receipt, moved on by a follow-up"},
		"overdue":     {Desc: "still owed an answer past due_at"},
		"answered_at": {Desc: "the first answer; absent: none yet"},
		"photos":      {Desc: "how many photos the letter carries"},
		"handler":     {Desc: "who handles it, in words"},
	}})
	api.Note[mailbox.Writer](ns, api.TypeNote{Name: "LetterWriter"})
	api.Note[mailbox.Thread](ns, api.TypeNote{Name: "LetterThread", Fields: map[string]api.FieldNote{"photo_list": {Desc: "the photos, without their bytes"}}})
	api.Note[mailbox.Event](ns, api.TypeNote{Name: "LetterEvent", Fields: map[string]api.FieldNote{
		"kind": {Enum: mailbox.EventKinds}, "status": {Desc: "the status after it, when it changed", Enum: statuses},
		"by": {Desc: "the staff member who acted (staff reads only)"}, "writer": {Desc: "the writer acted"},
		"body": {Desc: "an answer, a reason, a follow-up, a note; for rated, the rating"}}})
	api.Note[mailbox.Photo](ns, api.TypeNote{Name: "LetterPhoto"})
	api.Note[mailbox.Can](ns, api.TypeNote{Name: "LetterActions", Desc: "What the reader may do with the letter now"})
	api.Note[mailbox.Addressee](ns, api.TypeNote{Name: "LetterAddressee", Fields: map[string]api.FieldNote{
		"level": {Desc: "own: the member's union; street: a street or township federation; district; city; upper: another union above", Enum: []string{"own", "street", "district", "city", "upper"}}}})
	api.Note[mailbox.Totals](ns, api.TypeNote{Name: "LetterTotals", Fields: map[string]api.FieldNote{
		"by_status": {Schema: &api.Schema{Type: "object", AdditionalProperties: &api.Schema{Type: "integer"}}}}})
	api.Note[mailbox.Figures](ns, api.TypeNote{Name: "LetterFigures"})
	api.Note[acceptInput](ns, api.TypeNote{Name: "LetterAccept", Fields: map[string]api.FieldNote{"handler": {MaxLength: api.Count(mailbox.MaxHandler)}}})
	api.Note[textInput](ns, api.TypeNote{Name: "LetterText", Required: []string{"text"}, Fields: map[string]api.FieldNote{"text": {MaxLength: api.Count(mailbox.MaxAnswer)}}})
	api.Note[reasonInput](ns, api.TypeNote{Name: "LetterDecline", Required: []string{"reason"}, Fields: map[string]api.FieldNote{"reason": {MaxLength: api.Count(mailbox.MaxReason)}}})
	api.Note[noteInput](ns, api.TypeNote{Name: "LetterClose", Fields: map[string]api.FieldNote{"note": {MaxLength: api.Count(mailbox.MaxReason)}}})
	api.Note[forwardInput](ns, api.TypeNote{Name: "LetterForward", Required: []string{"org_id"}, Fields: map[string]api.FieldNote{"note": {MaxLength: api.Count(mailbox.MaxReason)}}})
	api.Note[bulkInput](ns, api.TypeNote{Name: "LetterBulkAccept", Required: []string{"ids"}, Fields: map[string]api.FieldNote{"ids": {MaxItems: api.Count(mailbox.MaxBulk)}}})
	api.Note[bulkResult](ns, api.TypeNote{Name: "LetterBulkResult"})
	api.Note[bulkFailure](ns, api.TypeNote{Name: "LetterBulkFailure", Fields: map[string]api.FieldNote{"message": {Desc: "why, in the caller's language"}}})
	api.Note[rateInput](ns, api.TypeNote{Name: "LetterRating", Required: []string{"rating"}, Fields: map[string]api.FieldNote{"rating": {Enum: api.EnumOf(mailbox.Ratings...)}}})
}
