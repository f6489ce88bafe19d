package api

// The routes of this module and what the OpenAPI document says of them.

func (h *Handler) auditRoutes() []route {
	return withTag("audit", []route{
		{"GET", "/audit", full, h.listAudit, doc("listAudit", "Audit log of the caller's subtree, newest first (auditors only; others get 403)").
			params(qp("action", "action prefix, e.g. org. or auth.login", str()), qp("entity", "entity type, e.g. org", str()), qp("entity_id", "entity ID", str()), qp("actor", "actor name, exact", str()), param{ref: "limit"}, qp("cursor", "a sequence number: entries older than it", str())).out(list[auditView]{})},
		{"GET", "/audit/verify", full, h.verifyAudit, doc("verifyAudit", "Check the hash chain of the whole log (auditors only)").out(verifyView{})},
	})
}

func auditNotes(ns notes) {
	note[auditView](ns, typeNote{
		Name: "AuditEntry",
		Fields: map[string]fieldNote{
			"actor_id": {Desc: "null for the system"},
			"action":   {Examples: []any{"org.create"}},
			"before":   {Desc: "the record before the change, or null", Schema: &schema{Type: []string{"object", "null"}}},
			"after":    {Desc: "the record after the change, or null", Schema: &schema{Type: []string{"object", "null"}}},
		},
	})
	note[verifyView](ns, typeNote{
		Name: "AuditVerify",
		Fields: map[string]fieldNote{
			"problems.code": {Desc: "missing: entries were deleted; link: the chain link is broken; hash: the entry was edited; head: the newest entries were removed", Enum: []string{"missing", "link", "hash", "head"}},
		},
	})
}
