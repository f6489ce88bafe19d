package orgs

import (
	"reflect"

	"gonghui/internal/api"
	"gonghui/internal/org"
	"gonghui/internal/report"
)

// The routes of this module and what the OpenAPI document says of them.

func (h *API) orgRoutes() []api.Route {
	var rs []api.Route
	rs = append(rs, api.WithTag("orgs", []api.Route{
		api.R("GET", "/orgs", api.Full, h.listOrgs, api.Doc("listOrgs", "Search organisations").
			Params(api.QP("q", "name or short name contains, or their pinyin initials (bjpsjt)", api.Str()), api.QP("parent", "direct children of this organisation, in the official order (division code, then pinyin)", api.IDS()), api.QP("within", "anywhere in this organisation's subtree", api.IDS()), api.QP("kind", "only this kind", &api.Schema{Type: "string", Description: "organisation kind", Enum: []any{"city_federation", "district_federation", "street_federation", "township_federation", "industry_union", "grassroots_union", "joint_union", "sub_union", "union_group", "preparatory_committee"}})).Paged().Out(api.List[orgView]{}).Errors(404)),
		api.R("POST", "/orgs", api.Full, h.createOrg, api.Doc("createOrg", "Create an organisation under parent_id").In(orgCreateInput{}).Made(orgView{}).Errors(404, 409)),
		api.R("GET", "/orgs/{id}", api.Full, h.getOrg, api.Doc("getOrg", "One organisation").Out(orgView{})),
		api.R("PATCH", "/orgs/{id}", api.Full, h.patchOrg, api.Doc("patchOrg", "Change some fields of an organisation").OptIn(orgPatchInput{}).Out(orgView{}).Errors(409)),
		api.R("GET", "/orgs/{id}/children", api.Full, h.orgChildren, api.Doc("orgChildren", "Direct children").Paged().Out(api.List[orgView]{})),
		api.R("GET", "/orgs/{id}/subtree", api.Full, h.orgSubtree, api.Doc("orgSubtree", "The organisation and everything below it").Paged().Out(api.List[orgView]{})),
		api.R("GET", "/orgs/{id}/ancestors", api.Full, h.orgAncestors, api.Doc("orgAncestors", "The path from the root down to the parent (the caller's reach only)").Out(api.List[orgView]{})),
		api.R("POST", "/orgs/{id}/move", api.Full, h.moveOrg, api.Doc("moveOrg", "Move the subtree under another parent").In(moveInput{}).Out(orgView{}).Errors(409)),
		api.R("GET", "/orgs/{id}/stats", api.Full, h.orgStats, api.Doc("orgStats", "Figures of the subtree").
			About("Organisations, employers and the organising rate; members by status and tag (active members); joinings, departures and transfers in the period (by month: flows are kept per month) and month by month; applications waiting; activities held in the period, places taken and members who attended. Member figures include every change folded by as_of (within a couple of seconds). Every figure is read from rollups folded from a change log within a couple of seconds of a change; as_of says when the last fold ran and pending_changes how many changes wait.").
			Params(api.QP("from", "period start YYYY-MM-DD (flows — joinings, departures, transfers, activities and course terms by the month they start — cover its whole month)", api.DateS()), api.QP("to", "period end YYYY-MM-DD, not before from", api.DateS())).Out(docValue(report.DashboardType()))),
		api.R("GET", "/orgs/{id}/stats/children", api.Full, h.orgStatsChildren, api.Doc("orgStatsChildren", "Each child's figures side by side").
			Params(api.QP("from", "", api.DateS()), api.QP("to", "", api.DateS()), api.QP("sort", "the figure to sort by, largest first (default active)", api.EnumS(report.SortKeys()...))).Out(docValue(childListType()))),
	})...)
	rs = append(rs, api.WithTag("officers", []api.Route{
		api.R("GET", "/orgs/{id}/officers", api.Full, h.listOfficers, api.Doc("listOfficers", "Officers of an organisation").Out(api.List[officerView]{})),
		api.R("POST", "/orgs/{id}/officers", api.Full, h.addOfficer, api.Doc("addOfficer", "Add an officer").In(officerInput{}).Made(officerView{})),
		api.R("PATCH", "/officers/{id}", api.Full, h.patchOfficer, api.Doc("patchOfficer", "Change some fields of an officer").OptIn(officerPatchInput{}).Out(officerView{})),
		api.R("DELETE", "/officers/{id}", api.Full, h.removeOfficer, api.Doc("removeOfficer", "Remove an officer").None("Done")),
	})...)
	return rs
}

func orgNotes(ns api.Notes) {
	api.Note[orgView](ns, api.TypeNote{
		Fields: map[string]api.FieldNote{
			"parent_id":     {Desc: "null for the root"},
			"depth":         {Desc: "0 for the root"},
			"short_name":    {Desc: "the short name people use (简称), or empty; searched like the name"},
			"kind":          {Desc: "organisation kind", Enum: api.EnumOf(org.Kinds...)},
			"division_code": {Desc: "administrative division code (GB/T 2260), or empty"},
			"founded_on":    {Desc: "a calendar date YYYY-MM-DD, or empty", Examples: []any{"2024-05-01"}},
		},
	})
	api.Note[orgCreateInput](ns, api.TypeNote{
		Name:     "OrgCreate",
		Required: []string{"parent_id", "name", "kind"},
		Fields: map[string]api.FieldNote{
			"kind":       {Desc: "organisation kind", Enum: api.EnumOf(org.Kinds...)},
			"founded_on": {Desc: "a calendar date YYYY-MM-DD, or empty", Examples: []any{"2024-05-01"}},
		},
	})
	api.Note[orgPatchInput](ns, api.TypeNote{
		Name: "OrgPatch",
		Desc: "Only the fields given change. The parent cannot be set here (parent_id is refused as an unknown field): use POST /orgs/{id}/move.",
		Fields: map[string]api.FieldNote{
			"kind":       {Desc: "organisation kind", Enum: api.EnumOf(org.Kinds...)},
			"founded_on": {Desc: "a calendar date YYYY-MM-DD, or empty", Examples: []any{"2024-05-01"}},
		},
	})
	api.Note[moveInput](ns, api.TypeNote{
		Name:     "Move",
		Required: []string{"parent_id"},
	})
	// A dashboard's and a child's JSON carry the registered sections'
	// figures: their documented types are built with them (report.DashboardType).
	ns[report.DashboardType()] = &api.TypeNote{
		Name: "Stats",
		Fields: map[string]api.FieldNote{
			"period.from":           {Format: "date"},
			"period.to":             {Format: "date"},
			"organising_rate":       {Desc: "organised employers / employers"},
			"members.by_tag":        {Desc: "active members with each tag"},
			"members.joined_by_tag": {Desc: "of those who joined in the period, how many had each tag on joining"},
			"new_forms_employers":   {Desc: "employers of new industries, forms and models"},
			"employees":             {Desc: "employees of the employers, as recorded"},
			"membership_rate":       {Desc: "active members / employees"},
		},
	}
	for _, s := range report.Sections() {
		if s.About() != "" {
			ns[report.DashboardType()].Fields[s.Key()] = api.FieldNote{Desc: s.About()}
		}
	}
	ns[report.ChildType()] = &api.TypeNote{Name: "ChildStats"}
	ns[childListType()] = &api.TypeNote{Name: "ListChild"}
	api.Note[officerView](ns, api.TypeNote{
		Fields: map[string]api.FieldNote{
			"position":   {Desc: "officer post", Enum: api.EnumOf(org.Positions...)},
			"term_start": {Desc: "a calendar date YYYY-MM-DD, or empty", Examples: []any{"2024-05-01"}},
			"term_end":   {Desc: "a calendar date YYYY-MM-DD, or empty", Examples: []any{"2024-05-01"}},
			"current":    {Desc: "the term has begun and not ended"},
		},
	})
	api.Note[officerInput](ns, api.TypeNote{
		Required: []string{"name", "position", "term_start"},
		Fields: map[string]api.FieldNote{
			"position":   {Desc: "officer post", Enum: api.EnumOf(org.Positions...)},
			"term_start": {Desc: "a calendar date YYYY-MM-DD, or empty", Examples: []any{"2024-05-01"}},
			"term_end":   {Desc: "a calendar date YYYY-MM-DD, or empty", Examples: []any{"2024-05-01"}},
		},
	})
	api.Note[officerPatchInput](ns, api.TypeNote{
		Name: "OfficerPatch",
		Desc: "Only the fields given change.",
		Fields: map[string]api.FieldNote{
			"position":   {Desc: "officer post", Enum: api.EnumOf(org.Positions...)},
			"term_start": {Desc: "a calendar date YYYY-MM-DD, or empty", Examples: []any{"2024-05-01"}},
			"term_end":   {Desc: "a calendar date YYYY-MM-DD, or empty", Examples: []any{"2024-05-01"}},
		},
	})
}

// childListType is the Go type of the children side by side: an api.List
// of report.ChildType.
func childListType() reflect.Type {
	t := reflect.TypeFor[api.List[report.Child]]()
	items, _ := t.FieldByName("Items")
	next, _ := t.FieldByName("Next")
	return reflect.StructOf([]reflect.StructField{
		{Name: items.Name, Type: reflect.SliceOf(report.ChildType()), Tag: items.Tag},
		{Name: next.Name, Type: next.Type, Tag: next.Tag},
	})
}

// docValue is a zero value of t, for the document to reflect.
func docValue(t reflect.Type) any { return reflect.New(t).Elem().Interface() }
