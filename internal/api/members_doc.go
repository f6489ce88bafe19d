package api

import (
	"gonghui/internal/member"
)

// The routes of this module and what the OpenAPI document says of them.

func (h *Handler) memberRoutes() []route {
	var rs []route
	rs = append(rs, withTag("members", []route{
		{"GET", "/me/card", self, h.myCard, doc("myCard", "A signed-in member's own card").out(member.Card{}).errors(409)},
		{"GET", "/me/transfers", self, h.myTransfers, doc("myTransfers", "A signed-in member's own transfers").out(list[member.Transfer]{})},
		{"GET", "/me/applications", self, h.myApplications, doc("myApplications", "A signed-in member's own applications to join").out(list[member.ApplicantView]{})},
		{"GET", "/me/data", self, h.myData, doc("myData", "Everything held about the signed-in member (PIPL access right)").
			about("The member's record with their own ID and mobile numbers in full (each call is audited as a self-reveal, pii.self_reveal), history, applications, transfers, activity sign-ups, course applications, consents and correction requests. Member tokens only; staff get 404.").out(member.MyData{})},
		{"PUT", "/me/password", self, h.myPassword, doc("myPassword", "A signed-in member sets or changes their password").in(memberPasswordInput{}).none("Set")},
		{"GET", "/members", full, h.listMembers, doc("listMembers", "Search the registry").
			params(qp("q", "name substring (two or more characters; one character: surname), pinyin initials, full ID number or mobile number", str()), qp("org", "a union: its whole subtree", idS()), qp("org_only", "only the union itself", flagS()), qp("status", "status", enumS(enumOf(member.Statuses...)...)), qp("tag", "carrying this tag; repeat or comma-separate for several (all must match)", str()), qp("joined_from", "joined on or after", dateS()), qp("joined_to", "joined on or before", dateS()), qp("employer", "employer", idS())).paged().out(list[member.Member]{}).errors(404)},
		{"POST", "/members", full, h.createMember, doc("createMember", "Enter a member on site").in(memberCreateInput{}).made(member.Member{}).errors(404, 409)},
		{"POST", "/members/import", full, h.importMembers, doc("importMembers", "Import a roster (.xlsx, or .csv in UTF-8 or GB18030) into a union").
			params(qp("org", "the union the rows join; default: the caller's own union; a 工会 column in the roster names each row's union (by name or id) instead", idS()), qp("mode", "", &schema{Type: "string", Enum: []any{"dry-run", "all-or-nothing", "valid-rows"}, Default: "dry-run"}), qp("consent_collected", "the caller confirms every person in the roster was given the privacy notice and agreed; recorded for each member imported, with the caller as collector", boolS()), qp("report", "xlsx: answer the errors as a workbook", &schema{Type: "string", Enum: []any{"json", "xlsx"}, Default: "json"})).
			form(&schema{Type: "object", Required: []string{"file"}, Properties: propsOf("file", &schema{Type: "string", Format: "binary"})}).also(200, "The report", member.ImportReport{}).orFile("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet").errors(404, 409)},
		{"GET", "/members/export", full, h.exportMembers, doc("exportMembers", "Export the registry's filtered list as .xlsx, audited with its filters and row count. Numbers, birth date and sex are masked unless reveal=true with a reason, the caller holds member.reveal over the union and no more rows match than the approval threshold (409 export_approval_required: ask through POST /member-exports); full-number exports count against the hourly quota (429)").
			params(qp("q", "name substring (two or more characters; one character: surname), pinyin initials, full ID number or mobile number", str()), qp("org", "a union: its whole subtree", idS()), qp("org_only", "only the union itself", flagS()), qp("status", "status", enumS(enumOf(member.Statuses...)...)), qp("tag", "carrying this tag; repeat or comma-separate for several (all must match)", str()), qp("joined_from", "joined on or after", dateS()), qp("joined_to", "joined on or before", dateS()), qp("employer", "employer", idS()), qp("reveal", "", flagS()), qp("reason", "why full numbers are needed; required with reveal=true", &schema{Type: "string", MaxLength: count(200)})).file("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "The workbook").
			fail(409, "export_approval_required: more rows than the approval threshold; ask through POST /member-exports").
			fail(429, "export_rate_limited: the account's full-number exports for this hour are used up")},
		{"GET", "/member-exports", full, h.listExports, doc("listExports", "Export requests: the caller's own, and others' pending requests the caller may approve (member.reveal over the union)").
			params(qp("view", "awaiting: others' requests waiting for the caller's approval; mine: the caller's own; absent: both", enumS("awaiting", "mine"))).paged().out(list[member.ExportRequest]{})},
		{"POST", "/member-exports", full, h.requestExport, doc("requestExport", "Ask to export members' full numbers, with a reason. Up to the approval threshold (--export-approval-rows, default 50 rows) the request is approved at once; above it another account holding member.reveal over the union must approve it. Counts against the account's hourly export quota; audited").in(exportRequestInput{}).made(member.ExportRequest{}).
			fail(429, "export_rate_limited: the account's full-number exports for this hour are used up")},
		{"GET", "/member-exports/{id}", full, h.getExport, doc("getExport", "One export request (its requester, or those who may approve it)").out(member.ExportRequest{})},
		{"POST", "/member-exports/{id}/decision", full, h.decideExport, doc("decideExport", "Approve or reject a pending export request (another account holding member.reveal over its union; never the requester: export_self_approval). Audited").in(member.ExportDecision{}).out(member.ExportRequest{}).
			fail(409, "export_closed: no longer pending (decided by someone else, or expired)")},
		{"GET", "/member-exports/{id}/download", full, h.downloadExport, doc("downloadExport", "Download an approved export, once, by its requester, before it expires (default 24 hours after approval). Audited with its row count").file("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "The workbook, with full numbers").
			fail(409, "export_unavailable: not approved, already downloaded, or expired")},
		{"GET", "/members/{id}", full, h.getMember, doc("getMember", "A member (numbers masked)").out(member.Member{}).errors(400, 422)},
		{"PUT", "/members/{id}", full, h.putMember, doc("putMember", "Edit a member's record").in(memberUpdateInput{}).out(member.Member{}).errors(409)},
		{"POST", "/members/{id}/status", full, h.memberStatus, doc("memberStatus", "Change a member's status").in(member.StatusChange{}).out(member.Member{}).errors(409)},
		{"POST", "/members/{id}/reveal", full, h.revealMember, doc("revealMember", "Show the full ID and mobile numbers (needs member.reveal; audited)").optIn(revealInput{}).out(member.Revealed{})},
		{"GET", "/members/{id}/history", full, h.memberHistory, doc("memberHistory", "A member's history").out(list[member.Event]{}).errors(400, 422)},
		{"GET", "/members/{id}/card", full, h.memberCard, doc("memberCard", "A freshly signed member card (409 not_active for a former member)").out(member.Card{}).errors(400, 409)},
		{"GET", "/members/{id}/card.png", full, h.memberCardPNG, doc("memberCardPNG", "The member card's QR code").image("PNG", "image/png").errors(400, 409)},
		{"POST", "/cards/verify", public, h.verifyCard, doc("verifyCard", "Check a scanned member card (public)").in(verifyInput{}).out(member.CardCheck{})},
		{"GET", "/cards/public-key", public, h.cardKey, doc("cardKey", "The public keys that verify member cards offline (public)").out(cardKeys{})},
	})...)
	rs = append(rs, withTag("applications", []route{
		{"GET", "/join-applications", full, h.listApplications, doc("listApplications", "Applications to join unions in scope (a queue, oldest first)").
			params(qp("org", "a union's subtree", idS()), qp("status", "status", enumS("pending", "approved", "rejected", "transfer"))).paged().out(list[member.Application]{}).errors(404)},
		{"POST", "/join-applications", public, h.apply, doc("apply", "Apply to join a union (public)").in(applyInput{}).made(applyResult{}).errors(404, 409, 429)},
		{"POST", "/join-applications/track", public, h.trackApplications, doc("trackApplications", "Follow one's applications (public; mobile and ID number must both match)").in(trackInput{}).out(list[member.ApplicantView]{}).errors(404, 429)},
		{"GET", "/join-applications/{id}", full, h.getApplication, doc("getApplication", "An application").out(member.Application{}).errors(400, 422)},
		{"POST", "/join-applications/{id}/decision", full, h.decideApplication, doc("decideApplication", "Approve or reject an application").in(member.Decision{}).out(member.Application{}).errors(409)},
	})...)
	rs = append(rs, withTag("transfers", []route{
		{"GET", "/transfers", full, h.listTransfers, doc("listTransfers", "Transfers in and out of the caller's subtrees, newest first").
			params(qp("status", "status", enumS("requested", "released", "accepted", "rejected", "cancelled")), qp("direction", "in, out or both", enumS("in", "out")), qp("member", "one member's", idS())).paged().out(list[member.Transfer]{}).errors(404)},
		{"POST", "/transfers", full, h.requestTransfer, doc("requestTransfer", "Request a transfer").in(transferInput{}).made(member.Transfer{}).errors(404, 409)},
		{"GET", "/transfers/{id}", full, h.getTransfer, doc("getTransfer", "A transfer").out(member.Transfer{}).errors(400, 422)},
		{"POST", "/transfers/{id}/decision", full, h.decideTransfer, doc("decideTransfer", "Release, accept, reject or cancel a transfer").in(member.TransferDecision{}).out(member.Transfer{}).errors(409)},
	})...)
	return rs
}

func memberNotes(ns notes) {
	// Other modules have types of these names too.
	named[member.Registration](ns, "MemberRegistration")
	named[member.Enrolment](ns, "MemberEnrolment")
	note[member.Card](ns, typeNote{
		Fields: map[string]fieldNote{
			"payload": {Desc: "GHC1:... the QR code's text"},
		},
	})
	note[member.Transfer](ns, typeNote{
		Fields: map[string]fieldNote{
			"id_number": {Desc: "masked"},
			"status":    {Enum: []string{"requested", "released", "accepted", "rejected", "cancelled"}},
		},
	})
	note[member.ApplicantView](ns, typeNote{
		Name: "ApplicantView",
		Fields: map[string]fieldNote{
			"status": {Enum: []string{"pending", "approved", "rejected", "transfer"}},
		},
	})
	note[member.Correction](ns, typeNote{
		Fields: map[string]fieldNote{
			"field":       {Enum: enumOf(member.CorrectionFields...)},
			"value":       {Desc: "the value asked for (numbers in full for the member)"},
			"status":      {Enum: []string{"pending", "approved", "rejected"}},
			"member_name": {Desc: "staff listings only"},
			"org_name":    {Desc: "staff listings only"},
		},
	})
	note[member.Consent](ns, typeNote{
		Fields: map[string]fieldNote{
			"path":      {Enum: []string{"online", "onsite", "import"}},
			"collector": {Desc: "the staff member who collected it; empty when the member gave it online"},
			"purposes":  {Enum: enumOf(member.ConsentPurposes...)},
			"batch_ref": {Desc: "an import: the upload it came with"},
		},
	})
	note[member.Event](ns, typeNote{
		Name: "MemberEvent",
		Fields: map[string]fieldNote{
			"on_date": {Format: "date"},
			"kind":    {Enum: []string{"joined", "rejoined", "edited", "status", "transfer_requested", "transferred_out", "transferred_in", "transfer_closed", "card_reissued"}},
			"detail":  {Desc: "JSON"},
		},
	})
	note[memberPasswordInput](ns, typeNote{
		Name:     "MemberPassword",
		Required: []string{"password"},
		Fields: map[string]fieldNote{
			"current": {Desc: "required when a password is already set"},
		},
	})
	note[memberCreateInput](ns, typeNote{
		Name:     "MemberCreate",
		Required: []string{"org_id", "name", "id_number"},
		Fields: map[string]fieldNote{
			"id_number":         {Desc: "resident ID number (GB 11643), 18 characters"},
			"joined_on":         {Desc: "default today", Format: "date"},
			"tags":              {Enum: enumOf(member.Tags...)},
			"consent_collected": {Desc: "the caller confirms the person was given the privacy notice and agreed (membership, member services and notices, statistics); recorded with the caller as collector"},
		},
	})
	note[member.ImportReport](ns, typeNote{
		Fields: map[string]fieldNote{
			"mode":    {Enum: []string{"dry-run", "all-or-nothing", "valid-rows"}},
			"skipped": {Desc: "valid rows of people already members of this union"},
			"format":  {Enum: []string{"xlsx", "csv"}},
		},
	})
	note[member.ImportError](ns, typeNote{
		Omit: []string{"key", "args"},
		Fields: map[string]fieldNote{
			"row":    {Desc: "row number as the spreadsheet shows it"},
			"column": {Desc: "the column's header as written in the file"},
		},
	})
	note[member.ExportRequest](ns, typeNote{
		Fields: map[string]fieldNote{
			"filters":             {Desc: "the registry filters the export was asked with; a searched-for number is kept as a keyed-hash token"},
			"filters.joined_from": {Format: "date"},
			"filters.joined_to":   {Format: "date"},
			"rows":                {Desc: "members matching when asked"},
			"status":              {Enum: enumOf(member.ExportStatuses...)},
			"expires_at":          {Desc: "pending: until when it may be approved; approved: until when it may be downloaded"},
		},
	})
	note[exportRequestInput](ns, typeNote{
		Required: []string{"reason"},
		Fields: map[string]fieldNote{
			"org":         {Desc: "the union whose subtree is exported; required when the caller may reveal in more than one subtree"},
			"joined_from": {Format: "date"},
			"joined_to":   {Format: "date"},
			"reason":      {MaxLength: count(200)},
		},
	})
	note[member.ExportDecision](ns, typeNote{
		Required: []string{"action"},
		Fields: map[string]fieldNote{
			"action": {Enum: []string{"approve", "reject"}},
			"note":   {Desc: "required to reject", MaxLength: count(200)},
		},
	})
	note[memberUpdateInput](ns, typeNote{
		Name:     "MemberUpdate",
		Required: []string{"name", "id_number", "version"},
		Fields: map[string]fieldNote{
			"version": {Desc: "the version the record was read at"},
		},
	})
	note[member.StatusChange](ns, typeNote{
		Required: []string{"status"},
		Fields: map[string]fieldNote{
			"status": {Enum: enumOf(member.Statuses...)},
			"on":     {Format: "date"},
		},
	})
	note[member.Revealed](ns, typeNote{
		Fields: map[string]fieldNote{
			"gender":     {Enum: []string{"male", "female"}},
			"birth_date": {Format: "date"},
		},
	})
	note[member.CardCheck](ns, typeNote{
		Fields: map[string]fieldNote{
			"status": {Enum: []string{"valid", "expired", "revoked", "forged"}},
		},
	})
	note[verifyInput](ns, typeNote{
		Name:     "CardVerifyInput",
		Required: []string{"payload"},
	})
	note[member.Application](ns, typeNote{
		Fields: map[string]fieldNote{
			"id_number":  {Desc: "masked"},
			"mobile":     {Desc: "masked"},
			"gender":     {Desc: "empty: masked with the ID number"},
			"birth_date": {Desc: "****-**-**: masked with the ID number"},
			"status":     {Enum: []string{"pending", "approved", "rejected", "transfer"}},
		},
	})
	note[applyResult](ns, typeNote{
		Fields: map[string]fieldNote{
			"status": {Desc: "transfer: the applicant is active in another union, so a transfer was requested instead", Enum: []string{"pending", "approved", "rejected", "transfer"}},
		},
	})
	note[applyInput](ns, typeNote{
		Required: []string{"org_id", "name", "id_number", "mobile", "consent"},
		Fields: map[string]fieldNote{
			"consent": {Desc: "the privacy notice was read and accepted"},
		},
	})
	note[trackInput](ns, typeNote{
		Required: []string{"mobile", "id_number"},
	})
	note[member.Decision](ns, typeNote{
		Required: []string{"approve"},
		Fields: map[string]fieldNote{
			"reason": {Desc: "required to reject"},
		},
	})
	note[transferInput](ns, typeNote{
		Name:     "TransferCreate",
		Desc:     "member_id (staff of the member's union) or id_number (staff of the target union)",
		Required: []string{"to_org_id"},
	})
	note[member.TransferDecision](ns, typeNote{
		Required: []string{"action"},
		Fields: map[string]fieldNote{
			"action": {Enum: []string{"release", "accept", "reject", "cancel"}},
			"reason": {Desc: "required to reject"},
		},
	})
}

// applyResult is what POST /join-applications answers (written as a map).
type applyResult struct {
	ID      string                   `json:"id"`
	Status  member.ApplicationStatus `json:"status"`
	OrgName string                   `json:"org_name"`
}

// cardKeys is what GET /cards/public-key answers (written as a map).
type cardKeys struct {
	Keys          []string `json:"keys"`
	Format        string   `json:"format"`
	PayloadPrefix string   `json:"payload_prefix"`
}
