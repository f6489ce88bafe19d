package orgs

import (
	"gonghui/internal/api"
	"gonghui/internal/org"
)

// The routes of this module and what the OpenAPI document says of them.

func (h *API) employerRoutes() []api.Route {
	return api.WithTag("employers", []api.Route{
		api.R("GET", "/orgs/{id}/employers", api.Full, h.orgEmployers, api.Doc("orgEmployers", "Employers the union organises").Out(api.List[employerView]{})),
		api.R("POST", "/orgs/{id}/employers", api.Full, h.linkEmployer, api.Doc("linkEmployer", "Record that the union organises an employer").In(linkInput{}).None("Done").Errors(409)),
		api.R("DELETE", "/orgs/{id}/employers/{employer_id}", api.Full, h.unlinkEmployer, api.Doc("unlinkEmployer", "The union no longer organises the employer").None("Done")),
		api.R("GET", "/employers", api.Full, h.listEmployers, api.Doc("listEmployers", "Search employers, by name unless sorted, with the filter's total").
			Params(api.QP("q", "name or short name contains, or their pinyin initials, or the exact credit code", api.Str()), api.QP("within", "owned within this subtree", api.IDS()), api.QP("category", "only this category", api.Str()), api.QP("organised", "with (true) or without (false) a union", api.FlagS()), api.QP("new_forms", "new-forms flag", api.FlagS()), api.QP("public", "public (true) or non-public (false) sector", api.FlagS()), api.SortParam(org.EmployerSorts.Names())).Paged().Out(api.TotalList[employerView]{}).Errors(404)),
		api.R("POST", "/employers", api.Full, h.createEmployer, api.Doc("createEmployer", "Create an employer").In(employerCreateInput{}).Made(employerView{}).Errors(404, 409)),
		api.R("GET", "/employers/{id}", api.Full, h.getEmployer, api.Doc("getEmployer", "One employer").Out(employerView{})),
		api.R("PATCH", "/employers/{id}", api.Full, h.patchEmployer, api.Doc("patchEmployer", "Change some fields of an employer").OptIn(employerPatchInput{}).Out(employerView{}).Errors(409)),
	})
}

func employerNotes(ns api.Notes) {
	api.Named[api.TotalList[employerView]](ns, "EmployerPage")
	api.Note[employerView](ns, api.TypeNote{
		Fields: map[string]api.FieldNote{
			"credit_code": {Desc: "unified social credit code (GB 32100), 18 characters, or empty"},
			"category":    {Desc: "registration category code", Enum: api.EnumOf(org.Categories...)},
			"industry":    {Desc: "GB/T 4754-2017 section letter, or empty", Enum: []string{"", "A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O", "P", "Q", "R", "S", "T"}},
			"new_forms":   {Desc: "new industries, new forms, new models"},
			"union_id":    {Desc: "the union that organises the employer, or null"},
		},
	})
	api.Note[linkInput](ns, api.TypeNote{
		Name:     "Link",
		Required: []string{"employer_id"},
	})
	api.Note[employerCreateInput](ns, api.TypeNote{
		Name:     "EmployerCreate",
		Required: []string{"owner_org_id", "name", "category"},
		Fields: map[string]api.FieldNote{
			"category":  {Desc: "registration category code", Enum: api.EnumOf(org.Categories...)},
			"industry":  {Desc: "GB/T 4754-2017 section letter, or empty", Enum: []string{"", "A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O", "P", "Q", "R", "S", "T"}},
			"is_public": {Desc: "omitted: derived from the category"},
			"employees": {Min: api.Num(0)},
		},
	})
	api.Note[employerPatchInput](ns, api.TypeNote{
		Name: "EmployerPatch",
		Desc: "Only the fields given change. A new owner_org_id needs write rights over both the old and the new owner.",
		Fields: map[string]api.FieldNote{
			"category":  {Desc: "registration category code", Enum: api.EnumOf(org.Categories...)},
			"industry":  {Desc: "GB/T 4754-2017 section letter, or empty", Enum: []string{"", "A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O", "P", "Q", "R", "S", "T"}},
			"employees": {Min: api.Num(0)},
		},
	})
}
