package api

import (
	"gonghui/internal/org"
	"gonghui/internal/report"
)

// The routes of this module and what the OpenAPI document says of them.

func (h *Handler) orgRoutes() []route {
	var rs []route
	rs = append(rs, withTag("orgs", []route{
		{"GET", "/orgs", full, h.listOrgs, doc("listOrgs", "Search organisations").
			params(qp("q", "name contains", str()), qp("parent", "direct children of this organisation", idS()), qp("within", "anywhere in this organisation's subtree", idS()), qp("kind", "only this kind", &schema{Type: "string", Description: "organisation kind", Enum: []any{"city_federation", "district_federation", "street_federation", "township_federation", "industry_union", "grassroots_union", "joint_union", "sub_union", "union_group", "preparatory_committee"}})).paged().out(list[orgView]{}).errors(404)},
		{"POST", "/orgs", full, h.createOrg, doc("createOrg", "Create an organisation under parent_id").in(orgCreateInput{}).made(orgView{}).errors(404, 409)},
		{"GET", "/orgs/{id}", full, h.getOrg, doc("getOrg", "One organisation").out(orgView{})},
		{"PATCH", "/orgs/{id}", full, h.patchOrg, doc("patchOrg", "Change some fields of an organisation").optIn(orgPatchInput{}).out(orgView{}).errors(409)},
		{"GET", "/orgs/{id}/children", full, h.orgChildren, doc("orgChildren", "Direct children").paged().out(list[orgView]{})},
		{"GET", "/orgs/{id}/subtree", full, h.orgSubtree, doc("orgSubtree", "The organisation and everything below it").paged().out(list[orgView]{})},
		{"GET", "/orgs/{id}/ancestors", full, h.orgAncestors, doc("orgAncestors", "The path from the root down to the parent (the caller's reach only)").out(list[orgView]{})},
		{"POST", "/orgs/{id}/move", full, h.moveOrg, doc("moveOrg", "Move the subtree under another parent").in(moveInput{}).out(orgView{}).errors(409)},
		{"GET", "/orgs/{id}/stats", full, h.orgStats, doc("orgStats", "Figures of the subtree").
			about("Organisations, employers and the organising rate; members by status and tag (active members); joinings, departures and transfers in the period (by month: flows are kept per month) and month by month; applications waiting; activities held in the period, places taken and members who attended. Member figures include every change folded by as_of (within a couple of seconds). Every figure is read from rollups folded from a change log within a couple of seconds of a change; as_of says when the last fold ran and pending_changes how many changes wait.").
			params(qp("from", "period start YYYY-MM-DD (flows — joinings, departures, transfers, activities and course terms by the month they start — cover its whole month)", dateS()), qp("to", "period end YYYY-MM-DD, not before from", dateS())).out(report.Dashboard{})},
		{"GET", "/orgs/{id}/stats/children", full, h.orgStatsChildren, doc("orgStatsChildren", "Each child's figures side by side").
			params(qp("from", "", dateS()), qp("to", "", dateS()), qp("sort", "the figure to sort by, largest first (default active)", enumS(enumOf(report.SortKeys...)...))).out(list[report.Child]{})},
	})...)
	rs = append(rs, withTag("officers", []route{
		{"GET", "/orgs/{id}/officers", full, h.listOfficers, doc("listOfficers", "Officers of an organisation").out(list[officerView]{})},
		{"POST", "/orgs/{id}/officers", full, h.addOfficer, doc("addOfficer", "Add an officer").in(officerInput{}).made(officerView{})},
		{"PATCH", "/officers/{id}", full, h.patchOfficer, doc("patchOfficer", "Change some fields of an officer").optIn(officerPatchInput{}).out(officerView{})},
		{"DELETE", "/officers/{id}", full, h.removeOfficer, doc("removeOfficer", "Remove an officer").none("Done")},
	})...)
	return rs
}

func orgNotes(ns notes) {
	note[orgView](ns, typeNote{
		Fields: map[string]fieldNote{
			"parent_id":     {Desc: "null for the root"},
			"depth":         {Desc: "0 for the root"},
			"kind":          {Desc: "organisation kind", Enum: enumOf(org.Kinds...)},
			"division_code": {Desc: "administrative division code (GB/T 2260), or empty"},
			"founded_on":    {Desc: "a calendar date YYYY-MM-DD, or empty", Examples: []any{"2024-05-01"}},
		},
	})
	note[orgCreateInput](ns, typeNote{
		Name:     "OrgCreate",
		Required: []string{"parent_id", "name", "kind"},
		Fields: map[string]fieldNote{
			"kind":       {Desc: "organisation kind", Enum: enumOf(org.Kinds...)},
			"founded_on": {Desc: "a calendar date YYYY-MM-DD, or empty", Examples: []any{"2024-05-01"}},
		},
	})
	note[orgPatchInput](ns, typeNote{
		Name: "OrgPatch",
		Desc: "Only the fields given change. The parent cannot be set here (parent_id is refused as an unknown field): use POST /orgs/{id}/move.",
		Fields: map[string]fieldNote{
			"kind":       {Desc: "organisation kind", Enum: enumOf(org.Kinds...)},
			"founded_on": {Desc: "a calendar date YYYY-MM-DD, or empty", Examples: []any{"2024-05-01"}},
		},
	})
	note[moveInput](ns, typeNote{
		Name:     "Move",
		Required: []string{"parent_id"},
	})
	note[report.Dashboard](ns, typeNote{
		Name: "Stats",
		Fields: map[string]fieldNote{
			"period.from":           {Format: "date"},
			"period.to":             {Format: "date"},
			"organising_rate":       {Desc: "organised employers / employers"},
			"members.by_tag":        {Desc: "active members with each tag"},
			"members.joined_by_tag": {Desc: "of those who joined in the period, how many had each tag on joining"},
			"courses":               {Desc: "course terms starting in the period's months, their applications, places taken and session attendances (person-sessions)"},
			"new_forms_employers":   {Desc: "employers of new industries, forms and models"},
			"employees":             {Desc: "employees of the employers, as recorded"},
			"membership_rate":       {Desc: "active members / employees"},
		},
	})
	note[report.Child](ns, typeNote{
		Name: "ChildStats",
	})
	note[officerView](ns, typeNote{
		Fields: map[string]fieldNote{
			"position":   {Desc: "officer post", Enum: enumOf(org.Positions...)},
			"term_start": {Desc: "a calendar date YYYY-MM-DD, or empty", Examples: []any{"2024-05-01"}},
			"term_end":   {Desc: "a calendar date YYYY-MM-DD, or empty", Examples: []any{"2024-05-01"}},
			"current":    {Desc: "the term has begun and not ended"},
		},
	})
	note[officerInput](ns, typeNote{
		Required: []string{"name", "position", "term_start"},
		Fields: map[string]fieldNote{
			"position":   {Desc: "officer post", Enum: enumOf(org.Positions...)},
			"term_start": {Desc: "a calendar date YYYY-MM-DD, or empty", Examples: []any{"2024-05-01"}},
			"term_end":   {Desc: "a calendar date YYYY-MM-DD, or empty", Examples: []any{"2024-05-01"}},
		},
	})
	note[officerPatchInput](ns, typeNote{
		Name: "OfficerPatch",
		Desc: "Only the fields given change.",
		Fields: map[string]fieldNote{
			"position":   {Desc: "officer post", Enum: enumOf(org.Positions...)},
			"term_start": {Desc: "a calendar date YYYY-MM-DD, or empty", Examples: []any{"2024-05-01"}},
			"term_end":   {Desc: "a calendar date YYYY-MM-DD, or empty", Examples: []any{"2024-05-01"}},
		},
	})
}
