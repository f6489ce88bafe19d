package rights

import (
	"gonghui/internal/api"
	"gonghui/internal/rights"
)

// The rights cases' routes and what the OpenAPI document says of them.

func (h *API) routes() []api.Route {
	statuses := api.EnumS(api.EnumOf(rights.Statuses...)...)
	filters := []api.Param{api.QP("q", "words of the title, facts or employer; a credit code; a worker's full name, ID or mobile number", api.Str()),
		api.QP("kind", "", api.EnumS(api.EnumOf(rights.Kinds...)...)), api.QP("status", "", statuses),
		api.QP("handler", "only cases this staff account handles", api.IDS()),
		api.QP("overdue", "only open cases past their deadline", api.FlagS()),
		api.QP("org", "only cases handled within this organisation's subtree", api.IDS())}
	files := &api.Schema{Type: "object", Required: []string{"file"}, Properties: api.PropsOf(
		"file", &api.Schema{Type: "array", MaxItems: api.Count(rights.MaxFiles), Items: &api.Schema{Type: "string", Format: "binary"}})}
	return api.WithTag("cases", []api.Route{
		api.R("GET", "/cases", api.Full, h.listCases, api.Doc("listCases", "Rights cases handled by organisations of the caller's subtrees (case.read), newest first unless sorted, with the filter's total. Workers' names are masked").
			Params(append(filters, api.SortParam(rights.Sorts.Names()))...).Paged().Out(api.TotalList[rights.Case]{}).Errors(422)),
		api.R("GET", "/cases/totals", api.Full, h.caseTotals, api.Doc("caseTotals", "How many cases of the caller's subtrees (or of org's) stand in each status, how many are overdue, closed and closed in time, and the money recovered").
			Params(api.QP("org", "only cases handled within this organisation's subtree", api.IDS())).Out(rights.Totals{}).Errors(422)),
		api.R("GET", "/cases/export", api.Full, h.exportCases, api.Doc("exportCases", "The filter's cases as an .xlsx workbook (at most 10,000): workers masked except on cases whose data the caller may reveal (their handler, a supervisor, case.reveal); audited").
			Params(filters...).File("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "The workbook").Errors(422)),
		api.R("POST", "/cases", api.Full, h.takeIn, api.Doc("takeInCase", "Take in a case from the 12351 hotline or a walk-in at a union where the caller holds case.write. A worker whose ID number is a member's is linked to the registry; names, ID and mobile numbers are sealed. Amounts in fen, never negative").
			In(rights.Input{}).Made(rights.Case{}).Errors(422)),
		api.R("GET", "/cases/{id}", api.Full, h.getCase, api.Doc("getCase", "A case with its workers (masked), claims, timeline, notes (confidential ones without their words) and evidence, and what the caller may do now; staff outside its union's subtree get 404").Out(rights.Thread{}).Errors(400, 422)),
		api.R("GET", "/cases/{id}/handlers", api.Full, h.handlers, api.Doc("caseHandlers", "The staff who may handle the case: accounts holding case.write over its union").Out(api.List[rights.Handler]{}).Errors(400, 403)),
		api.R("GET", "/cases/{id}/above", api.Full, h.above, api.Doc("caseUnionsAbove", "The unions above the case's union, nearest first: where a transfer up may send it").Out(api.List[rights.Union]{}).Errors(400, 403)),
		api.R("POST", "/cases/{id}/accept", api.Full, h.accept, api.Doc("acceptCase", "Accept a waiting case and assign its handler (default the caller); the kind's deadline starts. version: the one the caller saw (409 stale when it moved on)").OptIn(assignInput{}).Out(rights.Case{}).Errors(403, 409)),
		api.R("POST", "/cases/{id}/assign", api.Full, h.assign, api.Doc("assignCase", "Give a case being handled to another handler; 409 stale when the case changed since version").In(assignInput{}).Out(rights.Case{}).Errors(403, 409)),
		api.R("POST", "/cases/{id}/transfer", api.Full, h.transfer, api.Doc("transferCase", "Transfer an open case to a union above its union or inside its subtree; it waits there to be accepted, with a new acceptance deadline").In(transferInput{}).Out(rights.Case{}).Errors(403, 409)),
		api.R("POST", "/cases/{id}/extend", api.Full, h.extend, api.Doc("extendCase", "Extend a mediation once by the days both parties agreed to (1–15)").In(extendInput{}).Out(rights.Case{}).Errors(403, 409)),
		api.R("PUT", "/cases/{id}/claims", api.Full, h.setClaims, api.Doc("setCaseClaims", "Replace an open case's claims (amounts in fen)").In(claimsInput{}).Out(rights.Case{}).Errors(403, 409)),
		api.R("POST", "/cases/{id}/workers", api.Full, h.addWorker, api.Doc("addCaseWorker", "Add a worker to an open case (case.write over its union): sealed, and linked to the member whose ID number it is, as at intake; on the timeline by their place in the list, audited").In(workerInput{}).Out(rights.Case{}).Errors(403, 409)),
		api.R("PATCH", "/cases/{id}/workers/{worker_id}", api.Full, h.editWorker, api.Doc("editCaseWorker", "Change a worker of an open case: only the fields given; an empty id_number or mobile clears it (a new ID number links or unlinks the member). Nothing changed is 422").In(workerPatch{}).Out(rights.Case{}).Errors(400, 403, 409)),
		api.R("DELETE", "/cases/{id}/workers/{worker_id}", api.Full, h.removeWorker, api.Doc("removeCaseWorker", "Take a worker off an open case; the last one stays (409 last_worker)").
			Params(api.QP("version", "the version the case was read at (409 stale when it moved on); absent: any", &api.Schema{Type: "integer", Minimum: api.Num(1)})).Out(rights.Case{}).Errors(400, 403, 409, 422)),
		api.R("POST", "/cases/{id}/claims", api.Full, h.addClaim, api.Doc("addCaseClaim", "Add a claim to an open case (amount in fen, above 0); the total follows").In(claimInput{}).Out(rights.Case{}).Errors(403, 409)),
		api.R("PUT", "/cases/{id}/claims/{claim_id}", api.Full, h.editClaim, api.Doc("editCaseClaim", "Change a claim of an open case: its kind, amount in fen and note together").In(claimInput{}).Out(rights.Case{}).Errors(400, 403, 409)),
		api.R("DELETE", "/cases/{id}/claims/{claim_id}", api.Full, h.removeClaim, api.Doc("removeCaseClaim", "Take a claim off an open case").
			Params(api.QP("version", "the version the case was read at (409 stale when it moved on); absent: any", &api.Schema{Type: "integer", Minimum: api.Num(1)})).Out(rights.Case{}).Errors(400, 403, 409, 422)),
		api.R("POST", "/cases/{id}/close", api.Full, h.closeCase, api.Doc("closeCase", "Close a case with its outcome (one of its kind's; not_accepted for a case still waiting, with the reason) and the money recovered in fen").In(rights.CloseInput{}).Out(rights.Case{}).Errors(403, 409)),
		api.R("POST", "/cases/{id}/notes", api.Full, h.addNote, api.Doc("addCaseNote", "Add a staff note; a confidential one only by the case's handler or a supervisor (case.supervise over its union), sealed at rest").In(noteInput{}).Made(rights.Note{}).Errors(400, 403)),
		api.R("GET", "/cases/{id}/notes/{note_id}", api.Full, h.openNote, api.Doc("openCaseNote", "A note with its words; a confidential one only for the case's handler and supervisors (403 for anyone else), each read audited").Out(rights.Note{}).Errors(400, 403)),
		api.R("POST", "/cases/{id}/reveal", api.Full, h.reveal, api.Doc("revealCaseWorkers", "The case's workers with their names, ID and mobile numbers in full, for its handler, a supervisor or a holder of case.reveal over its union (member.reveal does not reach cases); audited").OptIn(revealInput{}).Out(api.List[rights.Worker]{}).Errors(400, 403)),
		api.R("POST", "/cases/{id}/files", api.Full, h.addFiles, api.Doc("addCaseFiles", "Add evidence to an open case: up to 5 files (JPEG, PNG, WebP or PDF, 10 MiB each; the type is read from the bytes), sealed at rest").Form(files).Out(rights.Case{}).Errors(400, 403, 409)),
		api.R("GET", "/cases/{id}/files/{file_id}", api.Either, h.file, api.Doc("getCaseFile", "An evidence file, to staff who may see the case or to its worker").Image("The file", "image/jpeg", "image/png", "image/webp", "application/pdf").Errors(400)),
		api.R("GET", "/me/cases", api.Self, h.myCases, api.Doc("myCases", "The cases the signed-in member filed or is named in, newest first (the latest 200); never a handler's name").Out(api.List[rights.Case]{})),
		api.R("GET", "/me/cases/unions", api.Self, h.unions, api.Doc("caseUnions", "The unions the member may file a case with: their own and each one above it, nearest first").Out(api.List[rights.Union]{})),
		api.R("POST", "/me/cases", api.Self, h.fileCase, api.Doc("fileCase", "File a case from the phone (the member is its one worker); evidence follows by POST /me/cases/{id}/files").In(rights.Input{}).Made(rights.Case{}).Errors(409)),
		api.R("GET", "/me/cases/{id}", api.Self, h.myCase, api.Doc("myCase", "One of the member's cases: status, claims, the timeline as the worker sees it (the unions that acted, never staff names or notes)").Out(rights.Thread{}).Errors(400, 422)),
		api.R("POST", "/me/cases/{id}/files", api.Self, h.addFiles, api.Doc("addMyCaseFiles", "Add evidence to one's open case (as POST /cases/{id}/files)").Form(files).Out(rights.Case{}).Errors(400, 403, 409)),
		api.R("POST", "/me/cases/{id}/rating", api.Self, h.rate, api.Doc("rateCase", "Rate how one's closed case was handled, once (409 rated after)").In(rateInput{}).Out(rights.Case{}).Errors(403, 409)),
	})
}

func notes(ns api.Notes) {
	statuses := api.EnumOf(rights.Statuses...)
	outcomes := api.EnumOf(rights.Outcomes...)
	fen := func(desc string) api.FieldNote { return api.FieldNote{Desc: desc} }
	api.Note[rights.Case](ns, api.TypeNote{Name: "Case", Desc: "A rights case (法律服务与维权)", Fields: map[string]api.FieldNote{
		"org_id":        {Desc: "the handling union now (a transfer moves it)"},
		"kind":          {Enum: api.EnumOf(rights.Kinds...)},
		"channel":       {Desc: "hotline: 12351; online: a member's phone; walk_in", Enum: api.EnumOf(rights.Channels...)},
		"status":        {Enum: statuses},
		"outcome":       {Desc: "how it ended; absent while open", Enum: outcomes},
		"rating":        {Desc: "the filing worker's satisfaction; absent: none", Enum: api.EnumOf(rights.Ratings...)},
		"first_worker":  {Desc: "the first worker's name, masked (lists)"},
		"claimed_fen":   fen("the claims' total, in fen"),
		"recovered_fen": fen("money recovered, in fen"),
		"due_at":        {Desc: "the end of the present stage's deadline: acceptance (3 working days) while waiting; while handled, the kind's (consultation 5 and complaint 15 working days; legal aid 7 and mediation 15 calendar days, a last day on a rest day moving to the next working day)"},
		"provisional":   {Desc: "the deadline was counted into a year whose public holidays are not announced yet"},
		"overdue":       {Desc: "open and past due_at"},
		"on_time":       {Desc: "closed by its deadline"},
		"handler":       {Desc: "the handler's name (staff reads only)"},
		"employer_id":   {Desc: "the registry's employer with the credit code, when known"},
	}})
	api.Note[rights.Worker](ns, api.TypeNote{Name: "CaseWorker", Desc: "A worker of a case: masked unless revealed", Fields: map[string]api.FieldNote{
		"member_id": {Desc: "a member of the registry"}}})
	api.Note[rights.Claim](ns, api.TypeNote{Name: "CaseClaim", Fields: map[string]api.FieldNote{"kind": {Enum: api.EnumOf(rights.ClaimKinds...)}, "amount_fen": fen("in fen")}})
	api.Note[rights.Event](ns, api.TypeNote{Name: "CaseEvent", Fields: map[string]api.FieldNote{
		"kind": {Enum: rights.EventKinds}, "status": {Desc: "the status after it, when it changed", Enum: statuses},
		"by": {Desc: "the staff member who acted (staff reads only)"}, "worker": {Desc: "the worker who filed it acted"}}})
	api.Note[rights.Note](ns, api.TypeNote{Name: "CaseNote", Fields: map[string]api.FieldNote{"body": {Desc: "absent for a confidential note except through openCaseNote"}}})
	api.Note[rights.File](ns, api.TypeNote{Name: "CaseFile"})
	api.Note[rights.Can](ns, api.TypeNote{Name: "CaseActions", Desc: "What the reader may do with the case now"})
	api.Note[rights.Thread](ns, api.TypeNote{Name: "CaseThread", Fields: map[string]api.FieldNote{"worker_list": {Desc: "masked; empty for a member's read"}}})
	api.Note[rights.Handler](ns, api.TypeNote{Name: "CaseHandler"})
	api.Note[rights.Union](ns, api.TypeNote{Name: "CaseUnion"})
	api.Note[rights.Totals](ns, api.TypeNote{Name: "CaseTotals", Fields: map[string]api.FieldNote{
		"by_status": {Schema: &api.Schema{Type: "object", AdditionalProperties: &api.Schema{Type: "integer"}}}, "recovered_fen": fen("in fen")}})
	api.Note[rights.Figures](ns, api.TypeNote{Name: "CaseFigures", Fields: map[string]api.FieldNote{
		"by_kind":    {Schema: &api.Schema{Type: "object", AdditionalProperties: &api.Schema{Type: "integer"}}},
		"by_outcome": {Schema: &api.Schema{Type: "object", AdditionalProperties: &api.Schema{Type: "integer"}}}, "recovered_fen": fen("in fen")}})
	api.Note[rights.Input](ns, api.TypeNote{Name: "CaseInput", Required: []string{"org_id", "kind", "title", "facts"}, Fields: map[string]api.FieldNote{
		"org_id":        {Desc: "the handling union (a member: their own or one above it)"},
		"kind":          {Enum: api.EnumOf(rights.Kinds...)},
		"channel":       {Desc: "staff: hotline or walk_in (required); a member's filing is online", Enum: api.EnumOf(rights.StaffChannels...)},
		"title":         {MaxLength: api.Count(rights.MaxTitle)},
		"facts":         {MaxLength: api.Count(rights.MaxFacts)},
		"employer_name": {MaxLength: api.Count(rights.MaxEmployer)},
		"credit_code":   {Desc: "the employer's unified social credit code (GB 32100)"},
		"workers":       {Desc: "staff: the workers (1–200); a member leaves it out", MaxItems: api.Count(rights.MaxWorkers)},
		"claims":        {MaxItems: api.Count(rights.MaxClaims)}}})
	api.Note[rights.WorkerInput](ns, api.TypeNote{Name: "CaseWorkerInput", Required: []string{"name"}, Fields: map[string]api.FieldNote{
		"name": {MaxLength: api.Count(rights.MaxName)}, "id_number": {Desc: "resident ID number (GB 11643), optional"}, "mobile": {Desc: "optional"}}})
	api.Note[rights.ClaimInput](ns, api.TypeNote{Name: "CaseClaimInput", Required: []string{"kind", "amount_fen"}, Fields: map[string]api.FieldNote{
		"kind": {Enum: api.EnumOf(rights.ClaimKinds...)}, "amount_fen": fen("in fen, above 0")}})
	api.Note[rights.CloseInput](ns, api.TypeNote{Name: "CaseClose", Required: []string{"outcome"}, Fields: map[string]api.FieldNote{
		"outcome": {Enum: outcomes}, "recovered_fen": fen("in fen"), "note": {Desc: "the reason, required for not_accepted", MaxLength: api.Count(rights.MaxReason)}}})
	api.Note[assignInput](ns, api.TypeNote{Name: "CaseAssign", Fields: map[string]api.FieldNote{"handler_id": {Desc: "a staff account with case.write over the case's union"}}})
	api.Note[transferInput](ns, api.TypeNote{Name: "CaseTransfer", Required: []string{"org_id"}, Fields: map[string]api.FieldNote{"note": {MaxLength: api.Count(rights.MaxReason)}}})
	api.Note[extendInput](ns, api.TypeNote{Name: "CaseExtend", Required: []string{"days", "note"}, Fields: map[string]api.FieldNote{
		"days": {Desc: "1–15"}, "note": {MaxLength: api.Count(rights.MaxReason)}}})
	api.Note[claimsInput](ns, api.TypeNote{Name: "CaseClaims", Required: []string{"claims"}, Fields: map[string]api.FieldNote{"claims": {MaxItems: api.Count(rights.MaxClaims)}}})
	api.Note[workerInput](ns, api.TypeNote{Name: "CaseWorkerAdd", Required: []string{"name"}, Fields: map[string]api.FieldNote{
		"name": {MaxLength: api.Count(rights.MaxName)}, "id_number": {Desc: "resident ID number (GB 11643), optional"}, "mobile": {Desc: "optional"},
		"version": {Desc: "the version the case was read at (409 stale when it moved on); 0 or absent: any"}}})
	api.Note[workerPatch](ns, api.TypeNote{Name: "CaseWorkerPatch", Fields: map[string]api.FieldNote{
		"name": {Desc: "absent: unchanged", MaxLength: api.Count(rights.MaxName)}, "id_number": {Desc: "absent: unchanged; empty: cleared"},
		"mobile": {Desc: "absent: unchanged; empty: cleared"}, "version": {Desc: "the version the case was read at; 0 or absent: any"}}})
	api.Note[claimInput](ns, api.TypeNote{Name: "CaseClaimEdit", Required: []string{"kind", "amount_fen"}, Fields: map[string]api.FieldNote{
		"kind": {Enum: api.EnumOf(rights.ClaimKinds...)}, "amount_fen": fen("in fen, above 0, at most 1,000,000,000,000"),
		"note": {MaxLength: api.Count(rights.MaxEmployer)}, "version": {Desc: "the version the case was read at; 0 or absent: any"}}})
	api.Note[noteInput](ns, api.TypeNote{Name: "CaseNoteInput", Required: []string{"body"}, Fields: map[string]api.FieldNote{"body": {MaxLength: api.Count(rights.MaxNote)}}})
	api.Note[revealInput](ns, api.TypeNote{Name: "CaseReveal", Fields: map[string]api.FieldNote{"reason": {MaxLength: api.Count(rights.MaxReason)}}})
	api.Note[rateInput](ns, api.TypeNote{Name: "CaseRating", Required: []string{"rating"}, Fields: map[string]api.FieldNote{"rating": {Enum: api.EnumOf(rights.Ratings...)}}})
}
