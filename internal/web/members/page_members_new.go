package members

import (
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/beijing"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
	"gonghui/internal/i18n"
	"gonghui/internal/member"
	"gonghui/internal/org"
	"gonghui/internal/web"
)

// On-site joining (现场入会): staff enter several people on one screen.
// Each filled row is created on its own; a row that fails changes nothing
// and comes back with its values and its errors in place, the rows that
// succeeded are confirmed above the form.

const (
	entryRowsDefault = 5
	entryRowsMax     = 100
)

// entryFields are the inputs of one row; a row's input is named
// "<field>.<index>".
var entryFields = []string{"name", "id_number", "mobile", "job", "joined_on", "employer_id", "employer_name"}

var entryNameRE = regexp.MustCompile(`^(name|id_number|mobile|job|joined_on|employer_id|employer_name)\.([0-9]{1,3})$`)

// entryRow is one person of the form.
type entryRow struct {
	Index   int
	Number  int // 1-based, for people
	Values  map[string]string
	Errors  map[string]string
	Message string // the row's own message when it is not about one field
}

func (e entryRow) V(field string) string   { return e.Values[field] }
func (e entryRow) Err(field string) string { return e.Errors[field] }
func (e entryRow) blank() bool {
	return e.Values["name"] == "" && e.Values["id_number"] == "" && e.Values["mobile"] == "" && e.Values["job"] == "" && e.Values["employer_name"] == ""
}

// memberNewData is the Data of the on-site joining page.
type memberNewData struct {
	Picking    bool           // no union chosen yet
	Union      *web.OrgPicker // the union picker while Picking
	OrgID      string
	OrgName    string
	OrgURL     string
	Employers  []web.Option
	DefaultEmp string // the union's only employer, preselected
	Rows       []entryRow
	Created    []memberRow
	Failed     int
	Today      string
	Action     string
}

// unionFilter names, for the organisation picker, the unions that hold
// members (not a city's or a district's federation).
const unionFilter = "member_union"

func init() {
	web.RegisterOrgFilter(unionFilter, func(o org.Org) bool { return takesMembers(o.Kind) })
}

// newRow is an empty row: joined today, at the union's only employer if it
// has just one.
func newRow(i int, d *memberNewData) entryRow {
	row := entryRow{Index: i, Values: map[string]string{"joined_on": d.Today}, Errors: map[string]string{}}
	if d.DefaultEmp != "" {
		row.Values["employer_id"] = d.DefaultEmp
	}
	return row
}

// padRows numbers the rows and adds empty ones up to n.
func padRows(d *memberNewData, n int) {
	next := 0
	for _, r := range d.Rows {
		next = max(next, r.Index+1)
	}
	for len(d.Rows) < n {
		d.Rows = append(d.Rows, newRow(next, d))
		next++
	}
	for i := range d.Rows {
		d.Rows[i].Number = i + 1
	}
}

// entryUnion loads the union of ?org= / org_id for on-site joining: one the
// caller may write members into.
func (h *Pages) entryUnion(w http.ResponseWriter, r *http.Request, p *auth.Principal, id int64) (*org.Org, bool) {
	o, err := h.Orgs.Get(r.Context(), p, id)
	if err != nil {
		h.Fail(w, r, p, err)
		return nil, false
	}
	if !p.CanAt(auth.PermMemberWrite, o.Path) {
		h.Forbidden(w, r, p)
		return nil, false
	}
	return o, true
}

func (h *Pages) memberNew(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !p.Can(auth.PermMemberWrite) {
		return errs.Forbidden()
	}
	pg := h.Page(w, r, p, "mweb.new.title", "members")
	pg.Crumbs = []web.Crumb{{Label: pg.T("mweb.members.title"), URL: "/members"}, {Label: pg.Title}}
	d := &memberNewData{Today: beijing.Today()}
	id := web.ParseIDValue(web.QueryValue(r, "org"))
	// The picker's search button asks again rather than going on.
	if id != 0 && web.QueryValue(r, web.PickerSearchButton) == "" {
		o, ok := h.entryUnion(w, r, p, id)
		if !ok {
			return nil
		}
		if takesMembers(o.Kind) {
			if !h.fillEntryUnion(w, r, p, d, o) {
				return nil
			}
			padRows(d, entryRowsDefault)
			pg.Data = d
			h.Render(w, http.StatusOK, "member_new", pg)
			return nil
		}
		pg.Form = web.FieldErrorForm(pg, "org", "member.org_kind")
	}
	h.renderUnionPicker(w, r, p, pg, d, http.StatusOK)
	return nil
}

// renderUnionPicker asks which union the people join first.
func (h *Pages) renderUnionPicker(w http.ResponseWriter, r *http.Request, p *auth.Principal, pg *web.Page, d *memberNewData, status int) {
	d.Picking = true
	var err error
	spec := web.PickerSpec{Field: "org", QField: "org_q", Label: pg.T("mweb.field.union"), Hint: pg.T("mweb.new.pick_hint"), Required: true,
		Perm: auth.PermMemberWrite, Only: unionFilter}
	if d.Union, err = h.OrgPicker(r, p, spec, ""); err != nil {
		h.Fail(w, r, p, err)
		return
	}
	// Before any search the choice list starts from the caller's unions,
	// as a list to pick from without typing.
	if !d.Union.Searched {
		d.Union.Searched = true
		if d.Union.Matches, err = h.unionOptions(r.Context(), p, auth.PermMemberWrite, ""); err != nil {
			h.Fail(w, r, p, err)
			return
		}
	}
	pg.Data = d
	h.Render(w, status, "member_new", pg)
}

func (h *Pages) fillEntryUnion(w http.ResponseWriter, r *http.Request, p *auth.Principal, d *memberNewData, o *org.Org) bool {
	d.OrgID, d.OrgName, d.OrgURL = db.FormatID(o.ID), o.Name, web.OrgURL(o.ID)
	d.Action = "/members/new?org=" + d.OrgID
	var err error
	if d.Employers, err = h.employerOptions(r.Context(), o.ID); err != nil {
		h.Fail(w, r, p, err)
		return false
	}
	if len(d.Employers) == 1 {
		d.DefaultEmp = d.Employers[0].Value
	}
	return true
}

// entryRowsFrom reads the submitted rows in their order on the form.
func entryRowsFrom(r *http.Request) []entryRow {
	byIndex := map[int]*entryRow{}
	for k, v := range r.PostForm {
		m := entryNameRE.FindStringSubmatch(k)
		if m == nil || len(v) == 0 {
			continue
		}
		i, _ := strconv.Atoi(m[2])
		if i >= entryRowsMax*2 {
			continue
		}
		row, ok := byIndex[i]
		if !ok {
			row = &entryRow{Index: i, Values: map[string]string{}, Errors: map[string]string{}}
			byIndex[i] = row
		}
		row.Values[m[1]] = strings.TrimSpace(v[0])
	}
	idx := make([]int, 0, len(byIndex))
	for i := range byIndex {
		idx = append(idx, i)
	}
	slices.Sort(idx)
	out := make([]entryRow, 0, len(idx))
	for _, i := range idx {
		if len(out) == entryRowsMax {
			break
		}
		out = append(out, *byIndex[i])
	}
	return out
}

func (h *Pages) memberCreateMany(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	ctx := r.Context()
	pg := h.Page(w, r, p, "mweb.new.title", "members")
	pg.Path = "/members/new"
	pg.Crumbs = []web.Crumb{{Label: pg.T("mweb.members.title"), URL: "/members"}, {Label: pg.Title}}
	d := &memberNewData{Today: beijing.Today()}
	id := web.ParseIDValue(web.FormValue(r, "org_id"))
	if id == 0 {
		id = web.ParseIDValue(web.QueryValue(r, "org"))
	}
	if id == 0 {
		pg.Form = web.FieldErrorForm(pg, "org", "field.required")
		h.renderUnionPicker(w, r, p, pg, d, httpx.KindStatus(errs.KindInvalid))
		return nil
	}
	o, ok := h.entryUnion(w, r, p, id)
	if !ok {
		return nil
	}
	if !takesMembers(o.Kind) {
		pg.Form = web.FieldErrorForm(pg, "org", "member.org_kind")
		h.renderUnionPicker(w, r, p, pg, d, httpx.KindStatus(errs.KindInvalid))
		return nil
	}
	if !h.fillEntryUnion(w, r, p, d, o) {
		return nil
	}
	pg.Path = d.Action
	rows := entryRowsFrom(r)

	// Without JavaScript, "add a row" posts the form: show it again with one
	// more row, entering nobody.
	if web.FormValue(r, "more") != "" {
		d.Rows = rows
		padRows(d, len(rows)+1)
		pg.Data = d
		h.Render(w, http.StatusOK, "member_new", pg)
		return nil
	}

	// Consent is collected on paper or aloud on site: staff confirm it
	// for the people of this form, and each member entered records it.
	if !web.IsChecked(web.FormValue(r, "consent")) && slices.ContainsFunc(rows, func(e entryRow) bool { return !e.blank() }) {
		d.Rows = rows
		padRows(d, len(rows))
		pg.Form = web.FieldErrorForm(pg, "consent", "rights.consent.required")
		pg.Data = d
		h.Render(w, httpx.KindStatus(errs.KindInvalid), "member_new", pg)
		return nil
	}
	ctx = member.WithConsent(ctx, member.Collected{CollectorID: p.UserID, Collector: audit.ActorFrom(ctx).Name})
	var kept []entryRow
	filled := 0
	for _, row := range rows {
		if row.blank() {
			continue
		}
		filled++
		in := member.Person{Name: row.V("name"), IDNumber: row.V("id_number"), Mobile: row.V("mobile"), Job: row.V("job"), JoinedOn: row.V("joined_on")}
		fe := errs.Fields{}
		if s := row.V("employer_id"); s != "" {
			if in.EmployerID = web.ParseIDValue(s); in.EmployerID == 0 {
				fe.Add("employer_id", "field.invalid_id")
			}
		} else {
			in.EmployerName = row.V("employer_name")
		}
		err := fe.Err()
		var m *member.Member
		if err == nil {
			m, err = h.Members.Create(ctx, p, o.ID, in)
		}
		if err != nil {
			e, ok := errs.As(err)
			if !ok || (e.Kind != errs.KindInvalid && e.Kind != errs.KindConflict) {
				// Not about this row (the union, the caller, the database):
				// the rows entered so far stay entered.
				return err
			}
			for _, name := range e.FieldNames() {
				f := e.Fields[name]
				if slices.Contains(entryFields, name) {
					row.Errors[name] = i18n.T(pg.Lang, f.Key, f.Args...)
				} else if row.Message == "" {
					row.Message = i18n.T(pg.Lang, f.Key, f.Args...)
				}
			}
			if len(row.Errors) == 0 && row.Message == "" {
				row.Message = i18n.T(pg.Lang, e.Key, e.Args...)
			}
			kept = append(kept, row)
			continue
		}
		d.Created = append(d.Created, memberView(pg.Lang, *m))
	}
	d.Failed = len(kept)
	d.Rows = kept
	padRows(d, max(entryRowsDefault, len(kept)+1))
	status := http.StatusOK
	switch {
	case filled == 0:
		pg.Form = &web.Form{Values: map[string]string{}, Errors: map[string]string{}, Message: pg.T("mweb.new.none_filled")}
		status = httpx.KindStatus(errs.KindInvalid)
	case d.Failed > 0:
		pg.Form = &web.Form{Values: map[string]string{}, Errors: map[string]string{}, Message: pg.T("mweb.new.some_failed", d.Failed)}
		status = httpx.KindStatus(errs.KindInvalid)
	}
	pg.Data = d
	h.Render(w, status, "member_new", pg)
	return nil
}
