package contests

import (
	"gonghui/internal/api"
	"gonghui/internal/contest/bank"
	"gonghui/internal/sheet"
)

// The routes of this module and what the OpenAPI document says of them.

const xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

func (h *API) bankRoutes() []api.Route {
	return api.WithTag("contests", []api.Route{
		api.R("GET", "/banks", api.Full, h.listBanks, api.Doc("listBanks", "Question banks the caller may use: those of their subtrees (writable) and of the organisations above them (read-only), most recently changed first unless sorted, with the filter's total").
			Params(api.QP("q", "name substring", api.Str()), api.QP("org", "only the banks of this organisation's subtree", api.IDS()), api.SortParam(bank.BankSorts.Names())).Paged().Out(api.TotalList[bank.Bank]{}).Errors(404)),
		api.R("POST", "/banks", api.Full, h.createBank, api.Doc("createBank", "Create an empty question bank owned by an organisation where the caller holds contest.write").In(bankInput{}).Made(bank.Bank{})),
		api.R("GET", "/banks/{id}", api.Full, h.getBank, api.Doc("getBank", "A question bank").Out(bank.Bank{})),
		api.R("PATCH", "/banks/{id}", api.Full, h.patchBank, api.Doc("patchBank", "Rename or redescribe a bank at the version it was read (its owner stays)").In(bankPatch{}).Out(bank.Bank{}).Errors(409)),
		api.R("DELETE", "/banks/{id}", api.Full, h.deleteBank, api.Doc("deleteBank", "Delete a bank and its questions at the version it was read (papers already drawn keep their copies)").
			Params(api.QP("version", "the version the bank was read at", &api.Schema{Type: "integer", Minimum: api.Num(1)})).None("Done").Errors(409)),
		api.R("GET", "/banks/{id}/questions", api.Full, h.listQuestions, api.Doc("listQuestions", "A bank's questions with their answer keys, in the bank's order unless sorted, with the filter's total").
			Params(api.QP("q", "stem substring", api.Str()), api.QP("type", "", api.EnumS(api.EnumOf(bank.Types...)...)), api.QP("category", "exactly this category", api.Str()),
				api.QP("difficulty", "1 easy, 2 medium, 3 hard", api.EnumS("1", "2", "3")), api.SortParam(bank.QuestionSorts.Names())).Paged().Out(api.TotalList[bank.Question]{})),
		api.R("POST", "/banks/{id}/questions", api.Full, h.createQuestion, api.Doc("createQuestion", "Add a question at the end of a bank (422 on stem when one of the same type and stem is there)").In(questionInput{}).Made(bank.Question{})),
		api.R("GET", "/questions/{id}", api.Full, h.getQuestion, api.Doc("getQuestion", "A question with its answer key").Out(bank.Question{})),
		api.R("PATCH", "/questions/{id}", api.Full, h.patchQuestion, api.Doc("patchQuestion", "Change some fields of a question at the version it was read; a key sent replaces the whole key (changing the type, send the new type's options and key too)").In(questionPatch{}).Out(bank.Question{}).Errors(409)),
		api.R("DELETE", "/questions/{id}", api.Full, h.deleteQuestion, api.Doc("deleteQuestion", "Remove a question from its bank at the version it was read").
			Params(api.QP("version", "the version the question was read at", &api.Schema{Type: "integer", Minimum: api.Num(1)})).None("Done").Errors(409)),
		api.R("POST", "/banks/{id}/import", api.Full, h.importBank, api.Doc("importBank", "Import questions from a sheet (.xlsx, or .csv in UTF-8 or GB18030; at most 16 MiB and 20,000 rows) in the layout of the bank template: 题型, 题干, 选项A…选项F, 答案, 解析, 分类, 难度. Every row is checked; a question already in the bank (same type and stem) is skipped, so importing a file twice adds nothing. The file is read in the request and not kept").
			Params(api.QP("mode", "", &api.Schema{Type: "string", Enum: []any{"dry-run", "all-or-nothing", "valid-rows"}, Default: "dry-run"})).
			Form(&api.Schema{Type: "object", Required: []string{"file"}, Properties: api.PropsOf("file", &api.Schema{Type: "string", Format: "binary"})}).Also(200, "The report", sheet.ImportReport{})),
		api.R("GET", "/banks/{id}/export", api.Full, h.exportBank, api.Doc("exportBank", "Every question of a bank as .xlsx, in the layout the import reads").File(xlsx, "The workbook")),
	})
}

func bankNotes(ns api.Notes) {
	api.Note[bank.Bank](ns, api.TypeNote{
		Desc: "a question bank: owned by an organisation, usable (read-only) by the subtrees below it",
		Fields: map[string]api.FieldNote{
			"org_id":    {Desc: "the owner"},
			"questions": {Desc: "how many questions it holds"},
			"writable":  {Desc: "the caller may change it (false for a bank of an organisation above theirs)"},
		},
	})
	api.Note[bankInput](ns, api.TypeNote{
		Name:     "BankInput",
		Required: []string{"org_id", "name"},
		Fields: map[string]api.FieldNote{
			"org_id":      {Desc: "the owner: an organisation where the caller holds contest.write"},
			"name":        {Desc: "unique among the owner's banks", MaxLength: api.Count(bank.MaxBankName)},
			"description": {MaxLength: api.Count(bank.MaxBankDescription)},
		},
	})
	api.Note[bankPatch](ns, api.TypeNote{
		Name:     "BankPatch",
		Required: []string{"version"},
		Fields: map[string]api.FieldNote{
			"version":     {Desc: "the version the bank was read at"},
			"name":        {MaxLength: api.Count(bank.MaxBankName)},
			"description": {MaxLength: api.Count(bank.MaxBankDescription)},
		},
	})
	questionFields := map[string]api.FieldNote{
		"type":        {Desc: "single and multiple choice, true/false, fill-in-the-blank, short answer (graded by staff)", Enum: api.EnumOf(bank.Types...)},
		"stem":        {MaxLength: api.Count(bank.MaxStem)},
		"options":     {Desc: "choice questions: 2 to 6 options, A first; empty for the other types", MaxItems: api.Count(bank.MaxOptions)},
		"explanation": {MaxLength: api.Count(bank.MaxExplanation)},
		"category":    {Desc: "papers draw by category", MaxLength: api.Count(bank.MaxCategory)},
		"difficulty":  {Desc: "1 easy, 2 medium (the default), 3 hard", Min: api.Num(1), Max: api.Num(3)},
	}
	api.Note[bank.Question](ns, api.TypeNote{
		Desc:     "a question of a bank with its answer key (staff only: the key never reaches a taker before they submit)",
		Fields:   withFields(questionFields, map[string]api.FieldNote{"options": {Desc: "choice questions: 2 to 6 options, A first; absent for the other types"}}),
		Optional: []string{"options"},
	})
	api.Note[questionInput](ns, api.TypeNote{
		Name:     "QuestionInput",
		Required: []string{"type", "stem", "key"},
		Fields:   questionFields,
	})
	patch := withFields(questionFields, map[string]api.FieldNote{"version": {Desc: "the version the question was read at"}})
	api.Note[questionPatch](ns, api.TypeNote{Name: "QuestionPatch", Required: []string{"version"}, Fields: patch})
	api.Note[bank.Key](ns, api.TypeNote{
		Name: "QuestionKey",
		Desc: "the answer key; which fields count depends on the question's type",
		Fields: map[string]api.FieldNote{
			"choices": {Desc: "single (one) and multiple choice (two or more): option indexes, 0 is A, ascending"},
			"true":    {Desc: "true/false: whether the statement is true"},
			"blanks":  {Desc: "fill-in-the-blank: per blank (at most 10), its accepted answers (at most 10, each at most 100 characters); compared with full-width folded, spaces removed, letters in lower case", MaxItems: api.Count(bank.MaxBlanks)},
			"outline": {Desc: "short answer: a reference answer for the graders", MaxLength: api.Count(bank.MaxExplanation)},
		},
	})
}

// withFields is base with extra's notes added (or replacing base's).
func withFields(base, extra map[string]api.FieldNote) map[string]api.FieldNote {
	out := make(map[string]api.FieldNote, len(base)+len(extra))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range extra {
		out[k] = v
	}
	return out
}
