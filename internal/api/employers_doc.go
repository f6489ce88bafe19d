package api

import (
	"gonghui/internal/org"
)

// The routes of this module and what the OpenAPI document says of them.

func (h *Handler) employerRoutes() []route {
	return withTag("employers", []route{
		{"GET", "/orgs/{id}/employers", full, h.orgEmployers, doc("orgEmployers", "Employers the union organises").out(list[employerView]{})},
		{"POST", "/orgs/{id}/employers", full, h.linkEmployer, doc("linkEmployer", "Record that the union organises an employer").in(linkInput{}).none("Done").errors(409)},
		{"DELETE", "/orgs/{id}/employers/{employer_id}", full, h.unlinkEmployer, doc("unlinkEmployer", "The union no longer organises the employer").none("Done")},
		{"GET", "/employers", full, h.listEmployers, doc("listEmployers", "Search employers").
			params(qp("q", "name or credit code contains", str()), qp("within", "owned within this subtree", idS()), qp("category", "only this category", str()), qp("organised", "with (true) or without (false) a union", flagS()), qp("new_forms", "new-forms flag", flagS()), qp("public", "public (true) or non-public (false) sector", flagS())).paged().out(list[employerView]{}).errors(404)},
		{"POST", "/employers", full, h.createEmployer, doc("createEmployer", "Create an employer").in(employerCreateInput{}).made(employerView{}).errors(404, 409)},
		{"GET", "/employers/{id}", full, h.getEmployer, doc("getEmployer", "One employer").out(employerView{})},
		{"PATCH", "/employers/{id}", full, h.patchEmployer, doc("patchEmployer", "Change some fields of an employer").optIn(employerPatchInput{}).out(employerView{}).errors(409)},
	})
}

func employerNotes(ns notes) {
	note[employerView](ns, typeNote{
		Fields: map[string]fieldNote{
			"credit_code": {Desc: "unified social credit code (GB 32100), 18 characters, or empty"},
			"category":    {Desc: "registration category code", Enum: enumOf(org.Categories...)},
			"industry":    {Desc: "GB/T 4754-2017 section letter, or empty", Enum: []string{"", "A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O", "P", "Q", "R", "S", "T"}},
			"new_forms":   {Desc: "new industries, new forms, new models"},
			"union_id":    {Desc: "the union that organises the employer, or null"},
		},
	})
	note[linkInput](ns, typeNote{
		Name:     "Link",
		Required: []string{"employer_id"},
	})
	note[employerCreateInput](ns, typeNote{
		Name:     "EmployerCreate",
		Required: []string{"owner_org_id", "name", "category"},
		Fields: map[string]fieldNote{
			"category":  {Desc: "registration category code", Enum: enumOf(org.Categories...)},
			"industry":  {Desc: "GB/T 4754-2017 section letter, or empty", Enum: []string{"", "A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O", "P", "Q", "R", "S", "T"}},
			"is_public": {Desc: "omitted: derived from the category"},
			"employees": {Min: num(0)},
		},
	})
	note[employerPatchInput](ns, typeNote{
		Name: "EmployerPatch",
		Desc: "Only the fields given change. A new owner_org_id needs write rights over both the old and the new owner.",
		Fields: map[string]fieldNote{
			"category":  {Desc: "registration category code", Enum: enumOf(org.Categories...)},
			"industry":  {Desc: "GB/T 4754-2017 section letter, or empty", Enum: []string{"", "A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O", "P", "Q", "R", "S", "T"}},
			"employees": {Min: num(0)},
		},
	})
}
