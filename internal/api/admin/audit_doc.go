package admin

import "gonghui/internal/api"

// The routes of this module and what the OpenAPI document says of them.

func (h *API) auditRoutes() []api.Route {
	return api.WithTag("audit", []api.Route{
		api.R("GET", "/audit", api.Full, h.listAudit, api.Doc("listAudit", "Audit log of the caller's subtree, newest first (auditors only; others get 403)").
			Params(api.QP("action", "action prefix, e.g. org. or auth.login", api.Str()), api.QP("entity", "entity type, e.g. org", api.Str()), api.QP("entity_id", "entity ID", api.Str()), api.QP("actor", "actor name, exact", api.Str()), api.QP("actor_id", "the acting account's ID", api.Str()), api.QP("kind", "one action exactly (e.g. pii.reveal), or area:<area> for all of an area's actions (e.g. area:pii)", api.Str()), api.QP("from", "first Beijing day", api.DateS()), api.QP("to", "last Beijing day, not before from", api.DateS()), api.Param{Ref: "limit"}, api.QP("cursor", "a sequence number: entries older than it", api.Str())).Out(api.List[auditView]{}).Errors(422)),
		api.R("GET", "/audit/verify", api.Full, h.verifyAudit, api.Doc("verifyAudit", "Check the hash chain of the whole log (auditors only)").Out(verifyView{})),
	})
}

func auditNotes(ns api.Notes) {
	api.Note[auditView](ns, api.TypeNote{
		Name: "AuditEntry",
		Fields: map[string]api.FieldNote{
			"actor_id": {Desc: "null for the system"},
			"action":   {Examples: []any{"org.create"}},
			"before":   {Desc: "the record before the change, or null", Schema: &api.Schema{Type: []string{"object", "null"}}},
			"after":    {Desc: "the record after the change, or null", Schema: &api.Schema{Type: []string{"object", "null"}}},
		},
	})
	api.Note[verifyView](ns, api.TypeNote{
		Name: "AuditVerify",
		Fields: map[string]api.FieldNote{
			"problems.code": {Desc: "missing: entries were deleted; link: the chain link is broken; hash: the entry was edited; head: the newest entries were removed", Enum: []string{"missing", "link", "hash", "head"}},
		},
	})
}
