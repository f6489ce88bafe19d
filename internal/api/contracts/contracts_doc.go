package contracts

import (
	"gonghui/internal/api"
	"gonghui/internal/contract"
)

// The collective contracts' routes and what the OpenAPI document says of
// them.

func (h *API) routes() []api.Route {
	listParams := []api.Param{api.QP("q", "words of the title or of a covered employer's name", api.Str()),
		api.QP("kind", "", api.EnumS(api.EnumOf(contract.Kinds...)...)), api.QP("status", "the status on today (Beijing)", api.EnumS(api.EnumOf(contract.Statuses...)...)),
		api.QP("expiring", "only contracts in force ending within three months with no renewal submitted", api.FlagS()),
		api.QP("org", "only contracts negotiated within this organisation's subtree", api.IDS()), api.SortParam(contract.Sorts.Names())}
	return api.WithTag("contracts", []api.Route{
		api.R("GET", "/contracts", api.Full, h.listContracts, api.Doc("listContracts", "Collective contracts negotiated by organisations of the caller's subtrees (contract.read), most recently changed first unless sorted, with the filter's total; each with its status on today").
			Params(listParams...).Paged().Out(api.TotalList[contract.Contract]{}).Errors(422)),
		api.R("GET", "/contracts/totals", api.Full, h.totals, api.Doc("contractTotals", "The contracts of the caller's subtrees (or of org's) by status on today, those expiring, and the coverage of the subtree's employers, counted live").
			Params(api.QP("org", "only this organisation's subtree", api.IDS())).Out(contract.Totals{}).Errors(422)),
		api.R("GET", "/contracts/export.xlsx", api.Full, h.export, api.Doc("exportContracts", "The contracts the filters select (up to 10,000) as .xlsx").
			Params(listParams...).File("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "The workbook").Errors(422)),
		api.R("GET", "/contracts/employers", api.Full, h.choices, api.Doc("contractEmployers", "Employers a contract drafted by the caller may cover: those owned or organised within the subtrees where the caller holds contract.write, by name (the first 500), or those matching q").
			Params(api.QP("q", "a credit code (spaces allowed), or words of the name or short name, or their pinyin initials; at most 100 characters", api.Str())).
			Out(api.List[contract.Choice]{}).Errors(422)),
		api.R("POST", "/contracts", api.Full, h.create, api.Doc("createContract", "Draft a contract negotiated by an organisation where the caller holds contract.write, covering employers of its subtree (one for an employer's contract, two or more for a regional or industry one)").
			In(contractInput{}).Made(contract.Contract{})),
		api.R("GET", "/contracts/{id}", api.Full, h.get, api.Doc("getContract", "A contract with its employers, history, renewal chain, text and what the caller may do now (404 outside the caller's subtrees)").Out(contract.Detail{}).Errors(400)),
		api.R("PUT", "/contracts/{id}", api.Full, h.put, api.Doc("putContract", "Replace a draft's fields at the version it was read (409 stale, or wrong_status when it is not a draft); its organisation stays").In(contractUpdate{}).Out(contract.Contract{}).Errors(409)),
		api.R("POST", "/contracts/{id}/submit", api.Full, h.submit, api.Doc("submitContract", "Record that a draft was submitted to the labour authority (on submitted_on, default today; not after today nor before signing). With no objection within the 15 days after it, it is in force from the 16th day, or from the start of its term when later; a renewal's submission ends the contract it renews when the renewal comes into force").
			OptIn(submitInput{}).Out(contract.Contract{}).Errors(409)),
		api.R("POST", "/contracts/{id}/object", api.Full, h.object, api.Doc("objectContract", "Record the labour authority's objection (raised on objected_on, within the 15 days) with its reason: the contract goes back to draft. 409 in_force once it came into force").
			In(objectInput{}).Out(contract.Contract{}).Errors(409)),
		api.R("POST", "/contracts/{id}/renew", api.Full, h.renew, api.Doc("renewContract", "Make the renewal of a contract that passed review: a draft with the same parties, kind, employers and wage terms whose term follows this one's and is as long. One renewal per contract (409 renewed)").
			OptIn(struct{}{}).Made(contract.Contract{}).Errors(409)),
		api.R("PUT", "/contracts/{id}/file", api.Full, h.upload, api.Doc("uploadContractText", "Upload the contract's text (PDF, Word 97–2003 or .docx, up to 20 MiB; the type is read from the bytes), sealed at rest, in place of the one before").
			Form(&api.Schema{Type: "object", Required: []string{"file"}, Properties: api.PropsOf("file", &api.Schema{Type: "string", Format: "binary"})}).
			Out(contract.File{})),
		api.R("GET", "/contracts/{id}/file", api.Full, h.file, api.Doc("getContractText", "The contract's uploaded text, as stored").
			Image("The text", contract.TypePDF, contract.TypeDOC, contract.TypeDOCX)),
	})
}

func notes(ns api.Notes) {
	statuses := api.EnumOf(contract.Statuses...)
	api.Note[contract.Contract](ns, api.TypeNote{Name: "Contract", Desc: "A collective contract (集体合同). Days are Beijing days, YYYY-MM-DD", Fields: map[string]api.FieldNote{
		"kind":           {Desc: "comprehensive 综合性; wage 工资专项; female 女职工权益保护专项; safety 劳动安全卫生专项", Enum: api.EnumOf(contract.Kinds...)},
		"coverage":       {Desc: "employer: one employer; regional 区域性 or industry 行业性: several", Enum: api.EnumOf(contract.Coverages...)},
		"status":         {Desc: "on today: draft; review (with the labour authority, within 15 days); upcoming (passed review, term not begun); in_force; expired; renewed (its renewal took over)", Enum: statuses},
		"expiring":       {Desc: "in force, within three months of its end, with no renewal submitted"},
		"workers":        {Desc: "workers covered: the sum of the covered employers' figures"},
		"wage_increase":  {Desc: "the agreed wage increase in hundredths of a percent (350 = 3.50%); 0 none"},
		"min_wage":       {Desc: "the agreed minimum wage in fen a month; 0 none"},
		"review_ends_on": {Desc: "the last day the labour authority may object (the 15th day after submission)"},
		"effective_on":   {Desc: "the first day in force, if no objection"},
		"lapse_on":       {Desc: "the first day no longer in force: the day after the term ends, or the day its renewal comes into force"},
		"remind_on":      {Desc: "the day reminders start: three months before the end of the term"},
		"previous_id":    {Desc: "the contract this one renews"},
		"renewed":        {Desc: "its renewal has been submitted"},
		"has_file":       {Desc: "its text has been uploaded"},
		"employers":      {Desc: "the covered employers (reads of one contract)"},
		"title":          {MaxLength: api.Count(contract.MaxTitle)},
	}})
	api.Note[contract.Employer](ns, api.TypeNote{Name: "ContractEmployer"})
	api.Note[contract.Detail](ns, api.TypeNote{Name: "ContractDetail", Fields: map[string]api.FieldNote{"chain": {Desc: "the renewal chain, oldest first, this contract among them"}}})
	api.Note[contract.Event](ns, api.TypeNote{Name: "ContractEvent", Fields: map[string]api.FieldNote{"kind": {Enum: contract.EventKinds},
		"day": {Desc: "the day it names: a submission's, an objection's, the day a renewal takes over"}}})
	api.Note[contract.Link](ns, api.TypeNote{Name: "ContractLink", Fields: map[string]api.FieldNote{"status": {Enum: statuses}}})
	api.Note[contract.File](ns, api.TypeNote{Name: "ContractText", Fields: map[string]api.FieldNote{"content_type": {Enum: []string{contract.TypePDF, contract.TypeDOC, contract.TypeDOCX}}}})
	api.Note[contract.Can](ns, api.TypeNote{Name: "ContractActions", Desc: "What the reader may do with the contract now"})
	api.Note[contract.Choice](ns, api.TypeNote{Name: "ContractEmployerChoice"})
	api.Note[contract.Totals](ns, api.TypeNote{Name: "ContractTotals", Fields: map[string]api.FieldNote{
		"by_status": {Schema: &api.Schema{Type: "object", AdditionalProperties: &api.Schema{Type: "integer"}}},
		"employers": {Desc: "employers of the subtree (owned or organised there) covered by a contract in force"},
		"registry":  {Desc: "employers of the subtree in the registry"},
		"workers":   {Desc: "workers covered at those employers: per employer, the most any contract in force covers"}}})
	api.Note[contract.Figures](ns, api.TypeNote{Name: "ContractFigures"})
	api.Note[contractInput](ns, api.TypeNote{Name: "ContractInput", Required: []string{"org_id", "title", "kind", "coverage", "union_rep", "employer_rep", "signed_on", "starts_on", "ends_on", "employers"},
		Fields: map[string]api.FieldNote{"kind": {Enum: api.EnumOf(contract.Kinds...)}, "coverage": {Enum: api.EnumOf(contract.Coverages...)},
			"title": {MaxLength: api.Count(contract.MaxTitle)}, "union_rep": {MaxLength: api.Count(contract.MaxRep)}, "employer_rep": {MaxLength: api.Count(contract.MaxRep)},
			"notes": {MaxLength: api.Count(contract.MaxNotes)}, "employers": {MaxItems: api.Count(contract.MaxEmployers)},
			"wage_increase": {Desc: "hundredths of a percent"}, "min_wage": {Desc: "fen a month"}}})
	api.Note[contractUpdate](ns, api.TypeNote{Name: "ContractUpdate", Required: []string{"version", "org_id", "title", "kind", "coverage", "union_rep", "employer_rep", "signed_on", "starts_on", "ends_on", "employers"}})
	api.Note[employerInput](ns, api.TypeNote{Name: "ContractEmployerInput", Required: []string{"employer_id", "workers"}})
	api.Note[submitInput](ns, api.TypeNote{Name: "ContractSubmit", Fields: map[string]api.FieldNote{"submitted_on": {Desc: "default today"}}})
	api.Note[objectInput](ns, api.TypeNote{Name: "ContractObjection", Required: []string{"reason"}, Fields: map[string]api.FieldNote{
		"objected_on": {Desc: "default today"}, "reason": {MaxLength: api.Count(contract.MaxReason)}}})
}
