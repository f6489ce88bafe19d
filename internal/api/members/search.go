package members

import (
	"net/http"
	"strings"

	"gonghui/internal/api"
	"gonghui/internal/errs"
	"gonghui/internal/member"
)

// memberFilterInput is the registry's filters in a JSON body, as GET
// /members takes them in its query.
type memberFilterInput struct {
	Q          string   `json:"q"`
	Org        api.ID   `json:"org"`
	OrgOnly    bool     `json:"org_only"`
	Status     string   `json:"status"`
	Tags       []string `json:"tags"`
	JoinedFrom string   `json:"joined_from"`
	JoinedTo   string   `json:"joined_to"`
	Employer   api.ID   `json:"employer"`
}

// query makes the store's query, the identifiers' errors going to f; the
// store checks the rest.
func (in *memberFilterInput) query(f errs.Fields) member.Query {
	q := member.Query{Q: strings.TrimSpace(in.Q), Org: in.Org.Parse(f, "org", false), OrgOnly: in.OrgOnly, Status: member.Status(strings.TrimSpace(in.Status)),
		JoinedFrom: strings.TrimSpace(in.JoinedFrom), JoinedTo: strings.TrimSpace(in.JoinedTo), Employer: in.Employer.Parse(f, "employer", false)}
	for _, t := range in.Tags {
		if t = strings.TrimSpace(t); t != "" {
			q.Tags = append(q.Tags, t)
		}
	}
	return q
}

// memberSearchInput is the body of POST /members/search: the filters of
// GET /members, so that a full ID or mobile number searched for travels in
// the body and never in a URL (a proxy's or server's access log, a
// browser's history), with the order and the page.
type memberSearchInput struct {
	memberFilterInput
	Sort   string `json:"sort"`
	Cursor string `json:"cursor"`
	Limit  int    `json:"limit"`
}

// query checks the page size and makes the store's query.
func (in *memberSearchInput) query() (member.Query, error) {
	f := errs.Fields{}
	q := in.memberFilterInput.query(f)
	q.Sort, q.After, q.Limit = member.Sort(strings.TrimSpace(in.Sort)), in.Cursor, in.Limit
	if in.Limit < 0 || in.Limit > member.MaxBulk {
		f.Add("limit", "field.out_of_range", 1, member.MaxBulk)
	}
	return q, f.Err()
}

// searchMembers: POST /members/search, GET /members with its filters in
// the body; the answer is the same list.
func (h *API) searchMembers(w http.ResponseWriter, r *http.Request) error {
	var in memberSearchInput
	if err := api.Decode(w, r, &in); err != nil {
		return err
	}
	q, err := in.query()
	if err != nil {
		return err
	}
	return h.answerMembers(w, r, q)
}

func searchNotes(ns api.Notes) {
	api.Note[memberSearchInput](ns, api.TypeNote{
		Name: "MemberSearch",
		Desc: "The filters of GET /members in a body. Search full ID or mobile numbers here: a body stays out of access logs and browser histories, a URL does not.",
		Fields: map[string]api.FieldNote{
			"q":           {Desc: "name substring (two or more characters; one character: surname), pinyin initials, full ID number or mobile number", MaxLength: api.Count(50)},
			"org":         {Desc: "a union: its whole subtree"},
			"org_only":    {Desc: "only the union itself"},
			"status":      {Enum: api.EnumOf(member.Statuses...)},
			"tags":        {Desc: "carrying all of these tags (" + strings.Join(api.EnumOf(member.Tags...), ", ") + ")", Nullable: true},
			"joined_from": {Desc: "joined on or after", Format: "date"},
			"joined_to":   {Desc: "joined on or before", Format: "date"},
			"employer":    {Desc: "employer"},
			"sort":        {Desc: "the order: by union (org, the default), joining date (joined, -joined latest first) or name (name, -name); ties by id", Enum: sortEnum()},
			"cursor":      {Desc: "the next field of the previous page"},
			"limit":       {Desc: "page size; 0: 50", Min: api.Num(0), Max: api.Num(float64(member.MaxBulk))},
		},
	})
}

// sortEnum names the sorts as the API spells them (the default as "org").
func sortEnum() []string {
	out := []string{"org"}
	for _, s := range member.Sorts {
		if s != member.SortOrg {
			out = append(out, string(s))
		}
	}
	return out
}
