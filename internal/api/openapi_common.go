package api

// The parts of the OpenAPI document that belong to no one module: the
// introduction, the tags, and the shapes every route shares.

// apiIntro is the document's introduction.
const apiIntro = "The JSON API of gonghui, the trade-union work platform.\n\nAuthentication: POST /api/v1/auth/token with a username and password answers a token; send it on every other call as `Authorization: Bearer TOKEN`. Without a valid one: 401.\n\nScope: every staff permission covers the subtree of the organisation where the role was granted. Anything outside the caller's subtree answers 404, exactly as if it did not exist.\n\nIDs are opaque strings, in URLs and bodies alike.\n\nLists answer `{\"items\": [...], \"next\": \"CURSOR or empty\"}`; pass `?limit=` (default 50, at most 200) and `?cursor=` with the previous page's next value. An empty next means the last page.\n\nBodies are a single JSON object of at most 1 MiB (Content-Type application/json; none, text/plain and application/x-www-form-urlencoded are read as JSON too, other types answer 415). Unknown fields are refused (400 unknown_field, the field named in fields). Breaking a rule answers 422 validation_failed with every offending field named; nothing changes.\n\nErrors answer `{\"error\": {\"code\": \"snake_case\", \"message\": \"...\", \"fields\": {\"field\": \"what is wrong\"}}}`; message and fields follow Accept-Language (zh-CN by default, en) or ?lang=."

// apiTags are the tags in the order the document lists them.
var apiTags = [][2]string{
	{"meta", "This document"},
	{"auth", "Tokens, one-time sign-in codes and the caller"},
	{"orgs", "The organisation tree, its officers and employers, and its statistics"},
	{"officers", "Union officers' terms"},
	{"employers", "Employers and the unions that organise them"},
	{"users", "Staff accounts, their roles and sessions"},
	{"audit", "The tamper-evident audit log"},
	{"security", "The security policy"},
	{"members", "The member registry"},
	{"applications", "Joining online"},
	{"transfers", "Membership transfers"},
	{"activities", "Activities: publication, sign-up with capacity and waiting list, check-in at signed checkpoints, stamp cards, attendance"},
	{"courses", "Courses: terms with weekly sessions, applications with lottery tickets, a verifiable draw (seed hash published first, seed at the draw), waiting list, attendance per session, timetable, interest groups"},
	{"contests", "Knowledge contests: question banks owned by an organisation and usable by the subtrees below it, their questions (single and multiple choice, true/false, fill-in-the-blank, short answer) with answer keys, import from and export to spreadsheets"},
	{"letters", "The suggestion box (职工心声): letters members write to their union or one above it, optionally anonymous, answered by the addressee's staff"},
	{"contracts", "Collective contracts (集体合同): drafted by a union for one employer or many, submitted to the labour authority, in force when 15 days pass without objection, renewed in chains; coverage of any subtree"},
	{"works", "Calls for works (作品征集): essay and photo contests published to a subtree; members hand in entries with their photos, staff screen them, a panel of judges scores them blind against weighted criteria, awards go by rank and the results to the members"},
	{"stations", "Service stations (服务阵地): 职工之家, 暖心驿站 and the others, kept by organisations, with amenities and opening hours; the nearest open ones for anyone; visits and services claimed by scanning a station's code; the busiest"},
	{"surveys", "Surveys (问卷调查): named or anonymous questionnaires with skip logic, one response per member, results by question and by organisation (anonymous results of fewer than 5 responses withheld), .xlsx export"},
	{"cases", "Rights cases (法律服务与维权): legal consultations, legal aid, dispute mediations and complaints taken in from the 12351 hotline, walk-ins or members' phones; acceptance, handlers, transfers up and down the tree, deadlines in working or calendar days, confidential notes, evidence, outcomes and the workers' ratings"},
	{"congress", "The workers' congress (职代会) and open affairs (厂务公开): sessions of an employer's congress with their delegates, attendance and quorum, agenda and votes; motions delegates file, second, and staff review, assign and answer; open-affairs items published to the employer's members"},
	{"inbox", "The to-do inbox: what waits for the caller's decision, by kind"},
}

// baseSchemas are the schemas of no Go type: an ID as the API writes it,
// and the cursor of a list.
func baseSchemas() map[string]*Schema {
	return map[string]*Schema{
		"ID": {Type: "string", Pattern: "^[1-9][0-9]{0,18}$",
			Description: "An opaque identifier. Always a string in URLs and bodies.", Examples: []any{"5312698112004096"}},
		"Cursor": {Type: "string", Description: "Pass as ?cursor= to get the next page; empty on the last page."},
	}
}

// commonNotes describe the error shape.
func commonNotes(ns Notes) {
	Note[errorBody](ns, TypeNote{Name: "Error"})
	Note[errorDetail](ns, TypeNote{Fields: map[string]FieldNote{
		"code":    {Pattern: "^[a-z][a-z0-9_]*$", Desc: "stable snake_case code for programs, e.g. validation_failed, unknown_field, bad_json, not_found, unauthenticated, forbidden, mfa_enrolment_required, account_locked, invalid_credentials, otp_required"},
		"message": {Desc: "human text in the language of Accept-Language (zh-CN by default, en)"},
		"fields":  {Desc: "field name -> what is wrong with it (always present, possibly empty)"},
	}})
}

// pathParams describe the path parameters by name; any other name is an ID.
var pathParams = map[string]string{
	"id":          "",
	"employer_id": "",
	"grant_id":    "",
	"photo_id":    "",
	"cp":          "a checkpoint's ID",
	"sid":         "a session's ID",
	"member_id":   "a member's ID; a member may write me for themself",
	"position":    "a question's place on the paper, 0 first",
}

func componentParameters() *omap {
	m := &omap{}
	names := []string{"id", "employer_id", "grant_id", "member_id", "cp", "photo_id", "sid", "position"}
	for _, n := range names {
		p := &omap{}
		p.set("name", n)
		p.set("in", "path")
		p.set("required", true)
		switch n {
		case "member_id":
			p.set("schema", &Schema{OneOf: []*Schema{Ref("ID"), {Type: "string", Const: "me"}}})
		case "position":
			p.set("schema", &Schema{Type: "integer", Minimum: Num(0), Maximum: Num(299)})
		default:
			p.set("schema", Ref("ID"))
		}
		if d := pathParams[n]; d != "" {
			p.set("description", d)
		}
		m.set(n, p)
	}
	limit := &omap{}
	limit.set("name", "limit")
	limit.set("in", "query")
	limit.set("schema", &Schema{Type: "integer", Minimum: Num(1), Maximum: Num(200), Default: 50})
	limit.set("description", "page size; values over 200 are taken as 200")
	m.set("limit", limit)
	cursor := &omap{}
	cursor.set("name", "cursor")
	cursor.set("in", "query")
	cursor.set("schema", &Schema{Type: "string"})
	cursor.set("description", "the next value of the previous page")
	m.set("cursor", cursor)
	return m
}

// errorDescriptions say what each shared error answer means.
var errorDescriptions = map[string]string{
	"BadRequest":      "Malformed request: bad_json, unknown_field (named in fields) or bad_cursor",
	"Unauthenticated": "No valid bearer token (unauthenticated)",
	"Forbidden":       "Not allowed (forbidden), or two-step verification must be turned on first (mfa_enrolment_required)",
	"NotFound":        "Not found, or outside the caller's subtree (the two are the same answer)",
	"Conflict":        "Clashes with existing data",
	"Unprocessable":   "validation_failed: fields names every field that breaks a rule; nothing was changed",
	"TooLarge":        "The body is larger than 1 MiB",
	"MediaType":       "The body is not declared as JSON",
	"Locked":          "account_locked: the account is locked after too many failed sign-ins",
	"TooManyRequests": "too_many_requests: too many requests from this client address in the last 15 minutes",
}

func componentResponses(used map[int]bool) *omap {
	m := &omap{}
	for _, st := range []int{400, 401, 403, 404, 409, 413, 415, 422, 423, 429} {
		if !used[st] {
			continue
		}
		name := errorResponses[st]
		r := &omap{}
		r.set("description", errorDescriptions[name])
		r.set("content", map[string]any{"application/json": map[string]any{"schema": Ref("Error")}})
		if st == 401 {
			r.set("headers", map[string]any{"WWW-Authenticate": map[string]string{"$ref": "#/components/headers/WWW-Authenticate"}})
		}
		m.set(name, r)
	}
	return m
}

func componentHeaders() *omap {
	m := &omap{}
	h := func(name, desc string, required bool, s *Schema) {
		o := &omap{}
		o.set("description", desc)
		o.set("required", required)
		o.set("schema", s)
		m.set(name, o)
	}
	h("Location", "the path of the created resource", true, Str())
	h("WWW-Authenticate", "the bearer challenge", true, &Schema{Type: "string", Examples: []any{`Bearer realm="gonghui"`}})
	h("Content-Disposition", "attachment, with the file name", true, Str())
	h("Content-Disposition-Optional", "attachment, with the file name, when a workbook is sent", false, Str())
	return m
}
