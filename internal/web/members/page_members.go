package members

import (
	"net/http"
	"net/url"
	"strings"

	"gonghui/internal/auth"
	"gonghui/internal/beijing"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
	"gonghui/internal/i18n"
	"gonghui/internal/member"
	"gonghui/internal/web"
)

// The member registry: the list with its filters, a member's record and
// the forms on it (reveal, status, transfer), and the edit form. On-site
// joining of several people is in page_members_new.go.

// memberFilters are the registry's filters as the URL carries them. The
// names are the JSON API's (internal/api/members.go), so the export link
// passes them on unchanged.
type memberFilters struct {
	Q, Org, OrgOnly, Status, JoinedFrom, JoinedTo, Employer string
	Tags                                                    []string
	Sort                                                    string // the list's order (member.Sort)
}

func memberFiltersFrom(r *http.Request) memberFilters { return memberFiltersOf(r.URL.Query()) }

func memberFiltersOf(q url.Values) memberFilters {
	get := func(k string) string { return strings.TrimSpace(q.Get(k)) }
	f := memberFilters{Q: get("q"), Org: get("org"), Status: get("status"), JoinedFrom: get("joined_from"),
		JoinedTo: get("joined_to"), Employer: get("employer"), Sort: get("sort")}
	if get(web.PickerClearButton) == "org" {
		// The union picker's clear button (memberOrgPick).
		f.Org = ""
	}
	if web.IsChecked(get("org_only")) {
		f.OrgOnly = "1"
	}
	for _, t := range q["tag"] {
		for _, s := range strings.Split(t, ",") {
			if s = strings.TrimSpace(s); s != "" && !contains(f.Tags, s) {
				f.Tags = append(f.Tags, s)
			}
		}
	}
	return f
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// values encodes the filters for a URL.
func (f memberFilters) values() url.Values {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set("q", f.Q)
	set("org", f.Org)
	set("org_only", f.OrgOnly)
	set("status", f.Status)
	set("joined_from", f.JoinedFrom)
	set("joined_to", f.JoinedTo)
	set("employer", f.Employer)
	for _, t := range f.Tags {
		v.Add("tag", t)
	}
	set("sort", f.Sort)
	return v
}

// Query turns the filters into the store's query, with field errors for
// identifiers that are not ones.
func (f memberFilters) query() (member.Query, error) {
	fe := errs.Fields{}
	q := member.Query{Q: f.Q, OrgOnly: f.OrgOnly != "", Status: member.Status(f.Status), Tags: f.Tags,
		JoinedFrom: f.JoinedFrom, JoinedTo: f.JoinedTo, Sort: member.Sort(f.Sort)}
	if f.Org != "" {
		if q.Org = web.ParseIDValue(f.Org); q.Org == 0 {
			fe.Add("org", "field.invalid_id")
		}
	}
	if f.Employer != "" {
		if q.Employer = web.ParseIDValue(f.Employer); q.Employer == 0 {
			fe.Add("employer", "field.invalid_id")
		}
	}
	return q, fe.Err()
}

// memberListData is the Data of the registry.
type memberListData struct {
	F             memberFilters
	Org           *web.OrgPicker // the union filtered by
	StatusOptions []web.Option
	TagChoices    []web.TagChoice
	Rows          []memberRow
	Pager         web.CursorPager
	Total         member.Total
	TotalHint     string // how the total was reached, for its title
	Filtered      bool
	MoreOpen      bool // the folded filters hold a value
	CanWrite      bool
	NewURL        string
	ExportURL     string
	RevealURL     string // the request form for full numbers, for holders of member.reveal
	Sections      []memberSection
	Section       string
	// NumberSearch names the kind of number searched for ("id_number",
	// "mobile") when the search is a number token: the box stays empty,
	// since the page knows only the number's keyed hash.
	NumberSearch string
	ClearURL     string
	// The column heads that sort the list, and the selection's bulk form
	// (page_members_bulk.go).
	SortHeads   map[string]sortHead
	SortOptions []web.Option
	Bulk        *bulkForm
}

// memberSearch: POST /members/search. The search form posts, so that a
// full ID or mobile number typed into it never becomes part of a URL (a
// browser's history, a proxy's log): it is turned into a token naming the
// number's keyed hash, and the list is shown at that address.
func (h *Pages) memberSearch(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	f := memberFiltersOf(r.PostForm)
	if tok, ok := h.Members.NumberToken(f.Q); ok {
		f.Q = tok
	}
	v := f.values()
	cleared := r.PostFormValue(web.PickerClearButton) == memberOrgPick.Field
	if oq := strings.TrimSpace(r.PostFormValue(memberOrgPick.QField)); oq != "" && !cleared {
		// A union's name typed but not chosen (no JavaScript, or no
		// choice made): the list's page shows its matches to choose from.
		v.Set(memberOrgPick.QField, oq)
	}
	to := "/members"
	if enc := v.Encode(); enc != "" {
		to += "?" + enc
	}
	web.Redirect(w, r, to, "")
	return nil
}

// memberOrgPick is the registry's union filter: any organisation where the
// caller reads members (the list shows its whole subtree).
var memberOrgPick = web.PickerSpec{Field: "org", QField: "org_q", Perm: auth.PermMemberRead}

func (h *Pages) memberList(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	f := memberFiltersFrom(r)
	if tok, ok := h.Members.NumberToken(f.Q); ok {
		// A number in the address (a bookmark, a link): move it out.
		f.Q = tok
		web.Redirect(w, r, "/members?"+f.values().Encode(), "")
		return nil
	}
	return h.renderMemberList(w, r, p, nil, http.StatusOK)
}

// renderMemberList shows the registry at the filters of r's address; form
// carries a failed bulk action (its values and errors).
func (h *Pages) renderMemberList(w http.ResponseWriter, r *http.Request, p *auth.Principal, form *web.Form, status int) error {
	ctx := r.Context()
	f := memberFiltersFrom(r)
	pg := h.Page(w, r, p, "mweb.members.title", "members")
	if r.Method != http.MethodGet {
		pg.Path = memberListPath(f, web.QueryValue(r, "cursor"))
	}
	d := memberListData{F: f, StatusOptions: memberStatusOptions(pg.Lang), TagChoices: web.TagChoices(pg.Lang, "f-tag-", f.Tags),
		CanWrite: p.Can(auth.PermMemberWrite), Sections: memberSections(pg.Lang), Section: "members"}
	d.Filtered = f.Q != "" || f.Org != "" || f.Status != "" || len(f.Tags) > 0 || f.JoinedFrom != "" || f.JoinedTo != "" || f.Employer != ""
	if kind, ok := member.IsNumberToken(f.Q); ok {
		d.NumberSearch = kind
		clear := f
		clear.Q = ""
		d.ClearURL = "/members"
		if enc := clear.values().Encode(); enc != "" {
			d.ClearURL += "?" + enc
		}
	}
	d.MoreOpen = len(f.Tags) > 0 || f.JoinedFrom != "" || f.JoinedTo != ""
	spec := memberOrgPick
	spec.Label, spec.Blank = pg.T("mweb.members.union"), pg.T("mweb.members.all_unions")
	var err error
	if d.Org, err = h.FilterPicker(pg, r, p, spec, f.Org); err != nil {
		return err
	}
	d.NewURL = "/members/new"
	if f.Org != "" {
		d.NewURL += "?org=" + url.QueryEscape(f.Org)
	}
	d.ExportURL = "/members/export"
	if enc := f.values().Encode(); enc != "" {
		d.ExportURL += "?" + enc
	}
	if p.Can(auth.PermMemberReveal) {
		d.RevealURL = exportNewURL(f)
	}
	cursor := web.QueryValue(r, "cursor")
	q, err := f.query()
	var items []member.Member
	var next string
	if err == nil {
		q.After, q.Limit = cursor, web.PageSize
		items, next, err = h.Members.List(ctx, p, q)
	}
	switch {
	case err != nil:
	case cursor == "" && next == "":
		// The whole list is on this page: its length is the exact total
		// (and not the figures, which may lag a moment behind).
		d.Total = member.Total{N: int64(len(items))}
	default:
		d.Total, err = h.Members.Count(ctx, p, q)
	}
	if err != nil {
		form, ok := web.FormError(pg, err)
		if !ok {
			return err
		}
		if msg, bad := form.Errors["tags"]; bad {
			form.Errors["tag"] = msg
		}
		pg.Form = form
		d.MoreOpen = d.MoreOpen || form.Errors["joined_from"] != "" || form.Errors["joined_to"] != ""
		status = httpx.Status(err)
	} else if form != nil {
		pg.Form = form
	}
	d.Rows = memberRows(pg.Lang, items)
	d.SortHeads, d.SortOptions = sortHeads(f), sortOptions(pg.Lang)
	d.Bulk = bulkFormFor(pg, r, p, f, cursor, d.Rows)
	// The record's page links back here, filter and page kept.
	back := "?back=" + url.QueryEscape(web.SetQuery(pg.Path, "flash", ""))
	for i := range d.Rows {
		d.Rows[i].URL += back
	}
	d.Pager = web.NewCursorPager(pg, r, next, len(items), totalWords(pg.Lang, d.Total, len(items) > 0))
	switch {
	case d.Total.Over:
		d.TotalHint = pg.T("list.total_over_hint")
	case d.Total.FromFigures:
		d.TotalHint = pg.T("list.total_figures_hint")
	}
	pg.Data = d
	h.Render(w, status, "member_list", pg)
	return nil
}

// totalWords is a list's total in words, "" when there is nothing to say.
func totalWords(lang i18n.Lang, t member.Total, shown bool) string {
	switch {
	case t.Over:
		return i18n.T(lang, "list.total_over", web.Num(t.N))
	case shown:
		return i18n.T(lang, "list.total", web.Num(t.N))
	}
	return ""
}

// memberListBack is the registry's address a record's page returns to: the
// list it was opened from (its "back", filter and page kept) or the list.
func memberListBack(r *http.Request) string {
	if b := web.LocalURL(web.QueryValue(r, "back"), ""); strings.HasPrefix(b, "/members?") {
		return b
	}
	return "/members"
}

// memberFor loads the member of the {id} path value.
func (h *Pages) memberFor(w http.ResponseWriter, r *http.Request, p *auth.Principal) (*member.Member, bool) {
	return web.Load(h.Kernel, w, r, p, h.Members.Get)
}

// memberShowData is the Data of a member's page.
type memberShowData struct {
	M             memberRow
	Revealed      *member.Revealed
	RevealedSex   string // the revealed sex, in words
	CanWrite      bool
	CanReveal     bool
	History       []eventView
	Transfers     []transferView
	OpenTransfer  bool
	StatusOptions []web.Option
	TargetOptions []web.Option
	Today         string
	FormName      string // which form .Form belongs to: "reveal", "status", "transfer"
}

func (h *Pages) memberShow(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	m, ok := h.memberFor(w, r, p)
	if !ok {
		return nil
	}
	h.renderMemberShow(w, r, p, m, nil, "", http.StatusOK, nil)
	return nil
}

// renderMemberShow renders a member's page; form and formName carry a
// failed submission of one of its forms, revealed the full numbers just
// asked for.
func (h *Pages) renderMemberShow(w http.ResponseWriter, r *http.Request, p *auth.Principal, m *member.Member, form *web.Form, formName string, status int, revealed *member.Revealed) {
	ctx := r.Context()
	pg := h.Page(w, r, p, "", "members")
	pg.Title = m.Name
	if r.Method != http.MethodGet {
		pg.Path = web.MemberURL(m.ID)
	}
	pg.Crumbs = []web.Crumb{{Label: pg.T("mweb.members.title"), URL: memberListBack(r)}, {Label: m.OrgName, URL: "/members?org=" + db.FormatID(m.OrgID)}, {Label: m.Name}}
	pg.Form = form
	d := memberShowData{M: memberView(pg.Lang, *m), Revealed: revealed, CanWrite: p.CanAt(auth.PermMemberWrite, m.OrgPath),
		CanReveal: p.CanAt(auth.PermMemberReveal, m.OrgPath), StatusOptions: memberStatusOptions(pg.Lang), Today: beijing.Today(),
		FormName: formName}
	if revealed != nil && revealed.Gender != "" {
		d.RevealedSex = i18n.T(pg.Lang, "member.gender."+revealed.Gender)
	}
	evs, err := h.Members.History(ctx, p, m.ID)
	if err != nil {
		h.Fail(w, r, p, err)
		return
	}
	d.History = eventViews(pg.Lang, evs)
	ts, _, err := h.Members.ListTransfers(ctx, p, member.TransferQuery{Member: m.ID, Limit: 20})
	if err != nil {
		h.Fail(w, r, p, err)
		return
	}
	d.Transfers = h.transferViews(ctx, p, pg.Lang, ts)
	for _, t := range d.Transfers {
		d.OpenTransfer = d.OpenTransfer || t.Open
	}
	if d.CanWrite && m.Status == member.StatusActive && !d.OpenTransfer {
		keep := int64(0)
		if form != nil && formName == "transfer" {
			keep = web.ParseIDValue(form.Values["to_org_id"])
		}
		if d.TargetOptions, err = h.unionOptions(ctx, p, auth.PermOrgRead, "", keep); err != nil {
			h.Fail(w, r, p, err)
			return
		}
		own := db.FormatID(m.OrgID)
		d.TargetOptions = deleteOption(d.TargetOptions, own)
	}
	pg.Data = d
	h.Render(w, status, "member_show", pg)
}

func deleteOption(opts []web.Option, value string) []web.Option {
	out := opts[:0]
	for _, o := range opts {
		if o.Value != value {
			out = append(out, o)
		}
	}
	return out
}

// memberReveal shows a member's full numbers once, to those who hold
// member.reveal; the store writes the audit record.
func (h *Pages) memberReveal(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	m, ok := h.memberFor(w, r, p)
	if !ok {
		return nil
	}
	if !p.CanAt(auth.PermMemberReveal, m.OrgPath) {
		return errs.Forbidden()
	}
	reason := web.FormValue(r, "reason")
	var err error
	var rv *member.Revealed
	if reason == "" {
		f := errs.Fields{}
		f.Add("reason", "field.required")
		err = f.Err()
	} else {
		rv, err = h.Members.Reveal(r.Context(), p, m.ID, reason)
	}
	if err != nil {
		pg := h.Page(w, r, p, "", "members")
		form, ok := web.FormFrom(pg, r, err)
		if !ok {
			return err
		}
		h.renderMemberShow(w, r, p, m, form, "reveal", httpx.Status(err), nil)
		return nil
	}
	h.renderMemberShow(w, r, p, m, nil, "", http.StatusOK, rv)
	return nil
}

// memberSetStatus changes a member's status.
func (h *Pages) memberSetStatus(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	m, ok := h.memberFor(w, r, p)
	if !ok {
		return nil
	}
	_, err := h.Members.SetStatus(r.Context(), p, m.ID, member.StatusChange{Status: member.Status(web.FormValue(r, "status")), On: web.FormValue(r, "on"), Note: web.FormValue(r, "note")})
	if err != nil {
		pg := h.Page(w, r, p, "", "members")
		form, ok := web.FormFrom(pg, r, err)
		if !ok {
			return err
		}
		h.renderMemberShow(w, r, p, m, form, "status", httpx.Status(err), nil)
		return nil
	}
	web.RedirectAnchor(w, r, web.MemberURL(m.ID), "status", "flash.mweb.status_saved")
	return nil
}

// targetFrom reads the union a transfer goes to: an ID typed in
// to_org_other wins over the choice of to_org_id. typed says which it was.
func targetFrom(r *http.Request) (id int64, typed bool, err error) {
	if other := web.FormValue(r, "to_org_other"); other != "" {
		if id = web.ParseIDValue(other); id == 0 {
			f := errs.Fields{}
			f.Add("to_org_other", "field.invalid_id")
			return 0, true, f.Err()
		}
		return id, true, nil
	}
	return web.ParseIDValue(web.FormValue(r, "to_org_id")), false, nil
}

// moveTargetError shows an error about the target union under the input
// the user filled in.
func moveTargetError(form *web.Form, typed bool) {
	if msg, ok := form.Errors["to_org_id"]; ok && typed {
		delete(form.Errors, "to_org_id")
		form.Errors["to_org_other"] = msg
	}
}

// memberTransfer asks to move a member to another union.
func (h *Pages) memberTransfer(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	m, ok := h.memberFor(w, r, p)
	if !ok {
		return nil
	}
	to, typed, err := targetFrom(r)
	if err == nil {
		_, err = h.Members.RequestTransfer(r.Context(), p, member.TransferRequest{MemberID: m.ID, ToOrgID: to, Note: web.FormValue(r, "note")})
	}
	if err != nil {
		pg := h.Page(w, r, p, "", "members")
		form, ok := web.FormFrom(pg, r, err)
		if !ok {
			return err
		}
		moveTargetError(form, typed)
		h.renderMemberShow(w, r, p, m, form, "transfer", httpx.Status(err), nil)
		return nil
	}
	web.RedirectAnchor(w, r, web.MemberURL(m.ID), "transfers", "flash.mweb.transfer_requested")
	return nil
}

// memberFormValues are the fields of the edit form as shown.
type memberFormValues struct {
	Name, IDNumber, Mobile, EmployerID, EmployerName, Job, JoinedOn, Version string
	Tags                                                                     []string
}

// memberFormData is the Data of the edit form.
type memberFormData struct {
	M           memberRow
	V           memberFormValues
	Employers   []web.Option
	TagChoices  []web.TagChoice
	CanReveal   bool
	Action      string
	Cancel      string
	IDHint      string
	MobileHint  string
	TagsError   string
	VersionNote string
}

func (h *Pages) renderMemberForm(w http.ResponseWriter, r *http.Request, p *auth.Principal, pg *web.Page, status int, m *member.Member, v memberFormValues) {
	d := memberFormData{M: memberView(pg.Lang, *m), V: v, TagChoices: web.TagChoices(pg.Lang, "f-tag-", v.Tags),
		CanReveal: p.CanAt(auth.PermMemberReveal, m.OrgPath), Action: web.MemberURL(m.ID) + "/edit", Cancel: web.MemberURL(m.ID)}
	d.IDHint = pg.T("mweb.edit.id_keep", m.IDNumber)
	d.MobileHint = pg.T("mweb.edit.mobile_keep", m.Mobile)
	if m.Mobile == "" {
		d.MobileHint = pg.T("mweb.edit.mobile_none")
	}
	d.TagsError = pg.FieldError("tags")
	var err error
	if d.Employers, err = h.employerOptions(r.Context(), m.OrgID); err != nil {
		h.Fail(w, r, p, err)
		return
	}
	pg.Crumbs = []web.Crumb{{Label: pg.T("mweb.members.title"), URL: memberListBack(r)}, {Label: m.Name, URL: web.MemberURL(m.ID)}, {Label: pg.Title}}
	pg.Data = d
	h.Render(w, status, "member_form", pg)
}

func (h *Pages) memberEdit(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	m, ok := h.memberFor(w, r, p)
	if !ok {
		return nil
	}
	if !p.CanAt(auth.PermMemberWrite, m.OrgPath) {
		return errs.Forbidden()
	}
	pg := h.Page(w, r, p, "mweb.edit.title", "members")
	v := memberFormValues{Name: m.Name, Job: m.Job, JoinedOn: m.JoinedOn, Tags: m.Tags, Version: itoa(m.Version)}
	if m.EmployerID != 0 {
		v.EmployerID = db.FormatID(m.EmployerID)
	} else {
		v.EmployerName = m.EmployerName
	}
	h.renderMemberForm(w, r, p, pg, http.StatusOK, m, v)
	return nil
}

func itoa(n int) string { return db.FormatID(int64(n)) }

func (h *Pages) memberUpdate(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	ctx := r.Context()
	m, ok := h.memberFor(w, r, p)
	if !ok {
		return nil
	}
	if !p.CanAt(auth.PermMemberWrite, m.OrgPath) {
		return errs.Forbidden()
	}
	v := memberFormValues{Name: web.FormValue(r, "name"), IDNumber: web.FormValue(r, "id_number"), Mobile: web.FormValue(r, "mobile"), EmployerID: web.FormValue(r, "employer_id"),
		EmployerName: web.FormValue(r, "employer_name"), Job: web.FormValue(r, "job"), JoinedOn: web.FormValue(r, "joined_on"), Version: web.FormValue(r, "version"), Tags: r.PostForm["tag"]}
	in := member.Update{Person: member.Person{Name: v.Name, IDNumber: v.IDNumber, Mobile: v.Mobile, Job: v.Job, JoinedOn: v.JoinedOn, Tags: v.Tags}}
	if in.Tags == nil {
		in.Tags = []string{}
	}
	f := errs.Fields{}
	if v.EmployerID != "" {
		if in.EmployerID = web.ParseIDValue(v.EmployerID); in.EmployerID == 0 {
			f.Add("employer_id", "field.invalid_id")
		}
	} else {
		in.EmployerName = v.EmployerName
	}
	web.ParseIntField(f, r, "version", 0, &in.Version)
	// The form never holds the full numbers: a blank one keeps the number
	// on file (the store opens it; nobody sees it).
	err := f.Err()
	if err == nil {
		_, err = h.Members.Edit(ctx, p, m.ID, in)
	}
	if err != nil {
		pg := h.Page(w, r, p, "mweb.edit.title", "members")
		if h.Validation(w, r, p, pg, err) {
			h.renderMemberForm(w, r, p, pg, httpx.Status(err), m, v)
		}
		return nil
	}
	web.Redirect(w, r, web.MemberURL(m.ID), "flash.mweb.member_saved")
	return nil
}
