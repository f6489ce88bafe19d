package members

import (
	"fmt"

	"gonghui/internal/api"
	"gonghui/internal/member"
	"gonghui/internal/member/exports"
	"gonghui/internal/member/privacy"
	"gonghui/internal/member/roster"
)

// The routes of this module and what the OpenAPI document says of them.

func (h *API) memberRoutes() []api.Route {
	var rs []api.Route
	rs = append(rs, api.WithTag("members", []api.Route{
		api.R("GET", "/me/card", api.Self, h.myCard, api.Doc("myCard", "A signed-in member's own card").Out(member.Card{}).Errors(409)),
		api.R("GET", "/me/transfers", api.Self, h.myTransfers, api.Doc("myTransfers", "A signed-in member's own transfers").Out(api.List[member.Transfer]{})),
		api.R("GET", "/me/applications", api.Self, h.myApplications, api.Doc("myApplications", "A signed-in member's own applications to join").Out(api.List[member.ApplicantView]{})),
		api.R("GET", "/me/data", api.Self, h.myData, api.Doc("myData", "Everything held about the signed-in member (PIPL access right)").
			About("The member's record with their own ID and mobile numbers in full (each call is audited as a self-reveal, pii.self_reveal), history, applications, transfers, activity sign-ups, course applications, consents and correction requests. Member tokens only; staff get 404.").Out(privacy.MyData{})),
		api.R("PUT", "/me/password", api.Self, h.myPassword, api.Doc("myPassword", "A signed-in member sets or changes their password").In(memberPasswordInput{}).None("Set")),
		api.R("GET", "/members", api.Full, h.listMembers, api.Doc("listMembers", "Search the registry").
			Params(api.QP("q", "name substring (two or more characters; one character: surname), pinyin initials, full ID number or mobile number (kept for existing clients: a number in a URL reaches access logs, so search numbers with POST /members/search)", api.Str()), api.QP("org", "a union: its whole subtree", api.IDS()), api.QP("org_only", "only the union itself", api.FlagS()), api.QP("status", "status", api.EnumS(api.EnumOf(member.Statuses...)...)), api.QP("tag", "carrying this tag; repeat or comma-separate for several (all must match)", api.Str()), api.QP("joined_from", "joined on or after", api.DateS()), api.QP("joined_to", "joined on or before", api.DateS()), api.QP("employer", "employer", api.IDS()), api.QP("sort", "the order: by union (org, the default), joining date (joined, -joined latest first) or name (name, -name); ties by id", api.EnumS(sortEnum()...))).Paged().Out(memberList{}).Errors(404)),
		api.R("POST", "/members/search", api.Full, h.searchMembers, api.Doc("searchMembers", "Search the registry with the filters in the body").
			About("GET /members with its filters in a JSON body, answering the same list. Search full ID or mobile numbers here rather than with GET ?q=: a request body stays out of access logs, proxies' logs and browser histories, a URL does not. The next page: the same body with cursor set to next.").
			In(memberSearchInput{}).Out(memberList{}).Errors(404)),
		api.R("POST", "/members", api.Full, h.createMember, api.Doc("createMember", "Enter a member on site").In(memberCreateInput{}).Made(member.Member{}).Errors(404, 409)),
		api.R("POST", "/members/import", api.Full, h.importMembers, api.Doc("importMembers", "Import a roster (.xlsx, or .csv in UTF-8 or GB18030) into a union").
			Params(api.QP("org", "the union the rows join; default: the caller's own union; a 工会 column in the roster names each row's union (by name or id) instead", api.IDS()), api.QP("mode", "", &api.Schema{Type: "string", Enum: []any{"dry-run", "all-or-nothing", "valid-rows"}, Default: "dry-run"}), api.QP("consent_collected", "the caller confirms every person in the roster was given the privacy notice and agreed; recorded for each member imported, with the caller as collector", api.BoolS()), api.QP("report", "xlsx: answer the errors as a workbook", &api.Schema{Type: "string", Enum: []any{"json", "xlsx"}, Default: "json"})).
			Form(&api.Schema{Type: "object", Required: []string{"file"}, Properties: api.PropsOf("file", &api.Schema{Type: "string", Format: "binary"})}).Also(200, "The report", roster.ImportReport{}).OrFile("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet").Errors(404, 409)),
		api.R("GET", "/members/export", api.Full, h.exportMembers, api.Doc("exportMembers", "Export the registry's filtered list as .xlsx, audited with its filters and row count. Numbers, birth date and sex are masked unless reveal=true with a reason, the caller holds member.reveal over the union and no more rows match than the approval threshold (409 export_approval_required: ask through POST /member-exports); full-number exports count against the hourly quota (429)").
			Params(api.QP("q", "name substring (two or more characters; one character: surname), pinyin initials, full ID number or mobile number", api.Str()), api.QP("org", "a union: its whole subtree", api.IDS()), api.QP("org_only", "only the union itself", api.FlagS()), api.QP("status", "status", api.EnumS(api.EnumOf(member.Statuses...)...)), api.QP("tag", "carrying this tag; repeat or comma-separate for several (all must match)", api.Str()), api.QP("joined_from", "joined on or after", api.DateS()), api.QP("joined_to", "joined on or before", api.DateS()), api.QP("employer", "employer", api.IDS()), api.QP("reveal", "", api.FlagS()), api.QP("reason", "why full numbers are needed; required with reveal=true", &api.Schema{Type: "string", MaxLength: api.Count(200)})).File("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "The workbook").
			Fail(409, "export_approval_required: more rows than the approval threshold; ask through POST /member-exports").
			Fail(429, "export_rate_limited: the account's full-number exports for this hour are used up")),
		api.R("GET", "/member-exports", api.Full, h.listExports, api.Doc("listExports", "Export requests: the caller's own, and others' pending requests the caller may approve (member.reveal over the union)").
			Params(api.QP("view", "awaiting: others' requests waiting for the caller's approval; mine: the caller's own; absent: both", api.EnumS("awaiting", "mine"))).Paged().Out(api.List[exports.ExportRequest]{})),
		api.R("POST", "/member-exports", api.Full, h.requestExport, api.Doc("requestExport", "Ask to export members' full numbers, with a reason. Up to the approval threshold (--export-approval-rows, default 50 rows) the request is approved at once; above it another account holding member.reveal over the union must approve it. Counts against the account's hourly export quota; audited").In(exportRequestInput{}).Made(exports.ExportRequest{}).
			Fail(429, "export_rate_limited: the account's full-number exports for this hour are used up")),
		api.R("GET", "/member-exports/{id}", api.Full, h.getExport, api.Doc("getExport", "One export request (its requester, or those who may approve it)").Out(exports.ExportRequest{})),
		api.R("POST", "/member-exports/{id}/decision", api.Full, h.decideExport, api.Doc("decideExport", "Approve or reject a pending export request (another account holding member.reveal over its union; never the requester: export_self_approval). Audited").In(exports.ExportDecision{}).Out(exports.ExportRequest{}).
			Fail(409, "export_closed: no longer pending (decided by someone else, or expired)")),
		api.R("GET", "/member-exports/{id}/download", api.Full, h.downloadExport, api.Doc("downloadExport", "Download an approved export, once, by its requester, before it expires (default 24 hours after approval). Audited with its row count").File("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "The workbook, with full numbers").
			Fail(409, "export_unavailable: not approved, already downloaded, or expired")),
		api.R("GET", "/members/{id}", api.Full, h.getMember, api.Doc("getMember", "A member (numbers masked)").Out(member.Member{}).Errors(400, 422)),
		api.R("PUT", "/members/{id}", api.Full, h.putMember, api.Doc("putMember", "Edit a member's record").In(memberUpdateInput{}).Out(member.Member{}).Errors(409)),
		api.R("POST", "/members/{id}/status", api.Full, h.memberStatus, api.Doc("memberStatus", "Change a member's status").In(member.StatusChange{}).Out(member.Member{}).Errors(409)),
		api.R("POST", "/members/{id}/reveal", api.Full, h.revealMember, api.Doc("revealMember", "Show the full ID and mobile numbers (needs member.reveal; audited)").OptIn(revealInput{}).Out(member.Revealed{})),
		api.R("GET", "/members/{id}/history", api.Full, h.memberHistory, api.Doc("memberHistory", "A member's history").Out(api.List[member.Event]{}).Errors(400, 422)),
		api.R("GET", "/members/{id}/card", api.Full, h.memberCard, api.Doc("memberCard", "A freshly signed member card (409 not_active for a former member)").Out(member.Card{}).Errors(400, 409)),
		api.R("GET", "/members/{id}/card.png", api.Full, h.memberCardPNG, api.Doc("memberCardPNG", "The member card's QR code").Image("PNG", "image/png").Errors(400, 409)),
		api.R("POST", "/cards/verify", api.Public, h.verifyCard, api.Doc("verifyCard", "Check a scanned member card (public)").In(verifyInput{}).Out(member.CardCheck{})),
		api.R("GET", "/cards/public-key", api.Public, h.cardKey, api.Doc("cardKey", "The public keys that verify member cards offline (public)").Out(cardKeys{})),
	})...)
	rs = append(rs, api.WithTag("applications", []api.Route{
		api.R("GET", "/join-applications", api.Full, h.listApplications, api.Doc("listApplications", "Applications to join unions in scope (a queue, oldest first unless sorted), with the filter's total").
			Params(api.QP("org", "a union's subtree", api.IDS()), api.QP("status", "status", api.EnumS("pending", "approved", "rejected", "transfer")), api.SortParam(member.ApplicationSorts.Names())).Paged().Out(api.TotalList[member.Application]{}).Errors(404)),
		api.R("POST", "/join-applications", api.Public, h.apply, api.Doc("apply", "Apply to join a union (public)").In(applyInput{}).Made(applyResult{}).Errors(404, 409, 429)),
		api.R("POST", "/join-applications/track", api.Public, h.trackApplications, api.Doc("trackApplications", "Follow one's applications (public; mobile and ID number must both match)").In(trackInput{}).Out(api.List[member.ApplicantView]{}).Errors(404, 429)),
		api.R("GET", "/join-applications/{id}", api.Full, h.getApplication, api.Doc("getApplication", "An application").Out(member.Application{}).Errors(400, 422)),
		api.R("POST", "/join-applications/{id}/decision", api.Full, h.decideApplication, api.Doc("decideApplication", "Approve or reject an application").In(member.Decision{}).Out(member.Application{}).Errors(409)),
	})...)
	rs = append(rs, api.WithTag("transfers", []api.Route{
		api.R("GET", "/transfers", api.Full, h.listTransfers, api.Doc("listTransfers", "Transfers in and out of the caller's subtrees, newest first unless sorted, with the filter's total").
			Params(api.QP("status", "status", api.EnumS("requested", "released", "accepted", "rejected", "cancelled")), api.QP("direction", "in, out or both", api.EnumS("in", "out")), api.QP("member", "one member's", api.IDS()), api.SortParam(member.TransferSorts.Names())).Paged().Out(api.TotalList[member.Transfer]{}).Errors(404)),
		api.R("POST", "/transfers", api.Full, h.requestTransfer, api.Doc("requestTransfer", "Request a transfer").In(transferInput{}).Made(member.Transfer{}).Errors(404, 409)),
		api.R("GET", "/transfers/{id}", api.Full, h.getTransfer, api.Doc("getTransfer", "A transfer").Out(member.Transfer{}).Errors(400, 422)),
		api.R("POST", "/transfers/{id}/decision", api.Full, h.decideTransfer, api.Doc("decideTransfer", "Release, accept, reject or cancel a transfer").In(member.TransferDecision{}).Out(member.Transfer{}).Errors(409)),
	})...)
	return rs
}

func memberNotes(ns api.Notes) {
	searchNotes(ns)
	api.Named[api.TotalList[member.Transfer]](ns, "TransferPage")
	api.Named[api.TotalList[member.Application]](ns, "ApplicationPage")
	api.Named[memberList](ns, "MemberList")
	api.Note[member.Total](ns, api.TypeNote{
		Desc: fmt.Sprintf("How many members the filter matches. From the statistics rollups (from_figures, exact as of the last fold, seconds behind) when the filter has no search text, joining dates or employer, covers whole subtrees, and has no tag or one tag with status active; otherwise counted, stopping past %d matches (over: more than n).", member.CountCap),
		Fields: map[string]api.FieldNote{
			"n":            {Desc: "the total; with over, the cap reached"},
			"over":         {Desc: "more members match than n"},
			"from_figures": {Desc: "read from the statistics rollups"},
		},
	})
	// Other modules have types of these names too.
	api.Named[privacy.Registration](ns, "MemberRegistration")
	api.Named[privacy.Enrolment](ns, "MemberEnrolment")
	api.Note[member.Card](ns, api.TypeNote{
		Fields: map[string]api.FieldNote{
			"payload": {Desc: "GHC1:... the QR code's text"},
		},
	})
	api.Note[member.Transfer](ns, api.TypeNote{
		Fields: map[string]api.FieldNote{
			"id_number": {Desc: "masked"},
			"status":    {Enum: []string{"requested", "released", "accepted", "rejected", "cancelled"}},
		},
	})
	api.Note[member.ApplicantView](ns, api.TypeNote{
		Name: "ApplicantView",
		Fields: map[string]api.FieldNote{
			"status": {Enum: []string{"pending", "approved", "rejected", "transfer"}},
		},
	})
	api.Note[privacy.Correction](ns, api.TypeNote{
		Fields: map[string]api.FieldNote{
			"field":       {Enum: api.EnumOf(privacy.CorrectionFields...)},
			"value":       {Desc: "the value asked for (numbers in full for the member)"},
			"status":      {Enum: []string{"pending", "approved", "rejected"}},
			"member_name": {Desc: "staff listings only"},
			"org_name":    {Desc: "staff listings only"},
		},
	})
	api.Note[privacy.Consent](ns, api.TypeNote{
		Fields: map[string]api.FieldNote{
			"path":      {Enum: []string{"online", "onsite", "import"}},
			"collector": {Desc: "the staff member who collected it; empty when the member gave it online"},
			"purposes":  {Enum: api.EnumOf(member.ConsentPurposes...)},
			"batch_ref": {Desc: "an import: the upload it came with"},
		},
	})
	api.Note[member.Event](ns, api.TypeNote{
		Name: "MemberEvent",
		Fields: map[string]api.FieldNote{
			"on_date": {Format: "date"},
			"kind":    {Enum: []string{"joined", "rejoined", "edited", "status", "transfer_requested", "transferred_out", "transferred_in", "transfer_closed", "card_reissued"}},
			"detail":  {Desc: "JSON"},
		},
	})
	api.Note[memberPasswordInput](ns, api.TypeNote{
		Name:     "MemberPassword",
		Required: []string{"password"},
		Fields: map[string]api.FieldNote{
			"current": {Desc: "required when a password is already set"},
		},
	})
	api.Note[memberCreateInput](ns, api.TypeNote{
		Name:     "MemberCreate",
		Required: []string{"org_id", "name", "id_number"},
		Fields: map[string]api.FieldNote{
			"id_number":         {Desc: "resident ID number (GB 11643), 18 characters"},
			"joined_on":         {Desc: "default today", Format: "date"},
			"tags":              {Enum: api.EnumOf(member.Tags...)},
			"consent_collected": {Desc: "the caller confirms the person was given the privacy notice and agreed (membership, member services and notices, statistics); recorded with the caller as collector"},
		},
	})
	api.Note[roster.ImportReport](ns, api.TypeNote{
		Fields: map[string]api.FieldNote{
			"mode":    {Enum: []string{"dry-run", "all-or-nothing", "valid-rows"}},
			"skipped": {Desc: "valid rows already there: people already members of this union, questions of the same type and stem already in the bank"},
			"format":  {Enum: []string{"xlsx", "csv"}},
		},
	})
	api.Note[roster.ImportError](ns, api.TypeNote{
		Omit: []string{"key", "args"},
		Fields: map[string]api.FieldNote{
			"row":    {Desc: "row number as the spreadsheet shows it"},
			"column": {Desc: "the column's header as written in the file"},
		},
	})
	api.Note[exports.ExportRequest](ns, api.TypeNote{
		Fields: map[string]api.FieldNote{
			"filters":             {Desc: "the registry filters the export was asked with; a searched-for number is kept as a keyed-hash token"},
			"filters.joined_from": {Format: "date"},
			"filters.joined_to":   {Format: "date"},
			"rows":                {Desc: "members matching when asked"},
			"status":              {Enum: api.EnumOf(exports.ExportStatuses...)},
			"expires_at":          {Desc: "pending: until when it may be approved; approved: until when it may be downloaded"},
		},
	})
	api.Note[exportRequestInput](ns, api.TypeNote{
		Required: []string{"reason"},
		Fields: map[string]api.FieldNote{
			"org":         {Desc: "the union whose subtree is exported; required when the caller may reveal in more than one subtree"},
			"joined_from": {Format: "date"},
			"joined_to":   {Format: "date"},
			"reason":      {MaxLength: api.Count(200)},
		},
	})
	api.Note[exports.ExportDecision](ns, api.TypeNote{
		Required: []string{"action"},
		Fields: map[string]api.FieldNote{
			"action": {Enum: []string{"approve", "reject"}},
			"note":   {Desc: "required to reject", MaxLength: api.Count(200)},
		},
	})
	api.Note[memberUpdateInput](ns, api.TypeNote{
		Name:     "MemberUpdate",
		Required: []string{"name", "id_number", "version"},
		Fields: map[string]api.FieldNote{
			"version": {Desc: "the version the record was read at"},
		},
	})
	api.Note[member.StatusChange](ns, api.TypeNote{
		Required: []string{"status"},
		Fields: map[string]api.FieldNote{
			"status": {Enum: api.EnumOf(member.Statuses...)},
			"on":     {Format: "date"},
		},
	})
	api.Note[member.Revealed](ns, api.TypeNote{
		Fields: map[string]api.FieldNote{
			"gender":     {Enum: []string{"male", "female"}},
			"birth_date": {Format: "date"},
		},
	})
	api.Note[member.CardCheck](ns, api.TypeNote{
		Fields: map[string]api.FieldNote{
			"status": {Enum: []string{"valid", "expired", "revoked", "forged"}},
		},
	})
	api.Note[verifyInput](ns, api.TypeNote{
		Name:     "CardVerifyInput",
		Required: []string{"payload"},
	})
	api.Note[member.Application](ns, api.TypeNote{
		Fields: map[string]api.FieldNote{
			"id_number":  {Desc: "masked"},
			"mobile":     {Desc: "masked"},
			"gender":     {Desc: "empty: masked with the ID number"},
			"birth_date": {Desc: "****-**-**: masked with the ID number"},
			"status":     {Enum: []string{"pending", "approved", "rejected", "transfer"}},
		},
	})
	api.Note[applyResult](ns, api.TypeNote{
		Fields: map[string]api.FieldNote{
			"status": {Desc: "transfer: the applicant is active in another union, so a transfer was requested instead", Enum: []string{"pending", "approved", "rejected", "transfer"}},
		},
	})
	api.Note[applyInput](ns, api.TypeNote{
		Required: []string{"org_id", "name", "id_number", "mobile", "consent"},
		Fields: map[string]api.FieldNote{
			"consent": {Desc: "the privacy notice was read and accepted"},
		},
	})
	api.Note[trackInput](ns, api.TypeNote{
		Required: []string{"mobile", "id_number"},
	})
	api.Note[member.Decision](ns, api.TypeNote{
		Required: []string{"approve"},
		Fields: map[string]api.FieldNote{
			"reason": {Desc: "required to reject"},
		},
	})
	api.Note[transferInput](ns, api.TypeNote{
		Name:     "TransferCreate",
		Desc:     "member_id (staff of the member's union) or id_number (staff of the target union)",
		Required: []string{"to_org_id"},
	})
	api.Note[member.TransferDecision](ns, api.TypeNote{
		Required: []string{"action"},
		Fields: map[string]api.FieldNote{
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
