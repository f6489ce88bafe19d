package activities

import (
	"math"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gonghui/internal/activity"
	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/web"
	"gonghui/internal/web/signup"
)

// The form of an activity: new (/activities/new) and edit
// (/activities/{id}/edit). Checkpoints are rows named cp_name.N,
// cp_rotate.N, cp_id.N (an existing checkpoint, whose printed codes stay
// valid) and cp_remove.N; signup.js adds rows, and without JS the form
// always ends with one empty row.

// cpRow is one checkpoint row of the form.
type cpRow struct {
	Index               int
	ID, Name, Rotate    string
	Remove              bool
	NameError, RotError string
	input               int // its position in the store's input, -1 when left out
}

// actFormValues are the fields as first shown.
type actFormValues struct {
	OrgID, AudienceOrgID, Title, Kind, Description, Organiser, Venue, Address string
	Lat, Lng, StartsAt, EndsAt, RegOpensAt, RegClosesAt, CancelBefore         string
	Capacity, StampsRequired, Prize                                           string
	Waitlist, Approval, WalkIns                                               string
	Tags                                                                      []string
}

// activityFormData is the Data of the form.
type activityFormData struct {
	Editing          bool
	Action, Cancel   string
	OrgName          string
	Org              *web.OrgPicker // the publisher, when new
	Audience         *web.OrgPicker
	KindOptions      []web.Option
	V                actFormValues
	TagChoices       []web.TagChoice
	TagsError        string
	Checkpoints      []cpRow
	CheckpointsError string
	Version          string
}

var cpNameRE = regexp.MustCompile(`^cp_(name|rotate|id|remove)\.([0-9]{1,3})$`)

// cpRowsFrom reads the submitted checkpoint rows in their order.
func cpRowsFrom(r *http.Request) []cpRow {
	byIndex := map[int]*cpRow{}
	for k, v := range r.PostForm {
		m := cpNameRE.FindStringSubmatch(k)
		if m == nil || len(v) == 0 {
			continue
		}
		i, _ := strconv.Atoi(m[2])
		row, ok := byIndex[i]
		if !ok {
			row = &cpRow{Index: i}
			byIndex[i] = row
		}
		val := strings.TrimSpace(v[0])
		switch m[1] {
		case "name":
			row.Name = val
		case "rotate":
			row.Rotate = val
		case "id":
			row.ID = val
		case "remove":
			row.Remove = web.IsChecked(val)
		}
	}
	idx := make([]int, 0, len(byIndex))
	for i := range byIndex {
		idx = append(idx, i)
	}
	slices.Sort(idx)
	out := make([]cpRow, 0, len(idx))
	for _, i := range idx {
		out = append(out, *byIndex[i])
	}
	return out
}

// parseCoord reads an optional coordinate.
func parseCoord(f errs.Fields, r *http.Request, name string) *float64 {
	v := web.FormValue(r, name)
	if v == "" {
		return nil
	}
	x, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		f.Add(name, "aweb.error.not_a_decimal")
		return nil
	}
	return &x
}

// activityInputFrom reads the form; the field errors are those the store
// cannot see (numbers that are not numbers).
func activityInputFrom(r *http.Request) (activity.Input, []cpRow, errs.Fields) {
	f := errs.Fields{}
	in := activity.Input{Title: web.FormValue(r, "title"), Kind: activity.Kind(web.FormValue(r, "kind")), Description: strings.TrimSpace(r.PostFormValue("description")),
		Organiser: web.FormValue(r, "organiser"), Venue: web.FormValue(r, "venue"), Address: web.FormValue(r, "address"),
		StartsAt: web.FormValue(r, "starts_at"), EndsAt: web.FormValue(r, "ends_at"), RegOpensAt: web.FormValue(r, "registration_opens_at"),
		RegClosesAt: web.FormValue(r, "registration_closes_at"), CancelBefore: web.FormValue(r, "cancel_before"),
		Waitlist: web.IsChecked(web.FormValue(r, "waitlist")), Approval: web.IsChecked(web.FormValue(r, "approval")), WalkIns: web.IsChecked(web.FormValue(r, "walk_ins")),
		Prize: web.FormValue(r, "prize"), AudienceTags: r.PostForm["tag"]}
	if in.AudienceTags == nil {
		in.AudienceTags = []string{}
	}
	in.Lat, in.Lng = parseCoord(f, r, "lat"), parseCoord(f, r, "lng")
	web.ParseIntField(f, r, "capacity", 0, &in.Capacity)
	web.ParseIntField(f, r, "stamps_required", 0, &in.StampsRequired)
	rows := cpRowsFrom(r)
	for i := range rows {
		c := &rows[i]
		c.input = -1
		if c.Remove || (c.ID == "" && c.Name == "" && c.Rotate == "") {
			continue
		}
		cp := activity.CheckpointInput{Name: c.Name}
		if c.ID != "" {
			if cp.ID = web.ParseIDValue(c.ID); cp.ID == 0 {
				f.Add("checkpoints", "field.invalid_id")
			}
		}
		if c.Rotate != "" {
			n, err := strconv.Atoi(c.Rotate)
			if err != nil {
				f.Add("checkpoints."+strconv.Itoa(len(in.Checkpoints))+".rotate_seconds", "field.not_a_number")
			}
			cp.RotateSeconds = n
		}
		c.input = len(in.Checkpoints)
		in.Checkpoints = append(in.Checkpoints, cp)
	}
	return in, rows, f
}

// numberRows numbers the rows in order and adds one empty row.
func numberRows(rows []cpRow) []cpRow {
	out := make([]cpRow, 0, len(rows)+1)
	for _, c := range rows {
		c.Index = len(out)
		out = append(out, c)
	}
	return append(out, cpRow{Index: len(out), input: -1})
}

// rowErrors puts the store's errors about checkpoints on their rows.
func rowErrors(pg *web.Page, d *activityFormData) {
	for i := range d.Checkpoints {
		c := &d.Checkpoints[i]
		if c.input < 0 {
			continue
		}
		k := "checkpoints." + strconv.Itoa(c.input)
		c.NameError, c.RotError = pg.FieldError(k+".name"), pg.FieldError(k+".rotate_seconds")
		if msg := pg.FieldError(k + ".id"); msg != "" && d.CheckpointsError == "" {
			d.CheckpointsError = msg
		}
	}
	if msg := pg.FieldError("checkpoints"); msg != "" {
		d.CheckpointsError = msg
	}
}

// The form's organisation pickers: the publisher (new activities only) and
// the audience (none: the publisher's whole subtree).
var (
	orgPick      = web.PickerSpec{Field: "org_id", QField: "org_q", Required: true, Perm: auth.PermActivityWrite}
	audiencePick = web.PickerSpec{Field: "audience_org_id", QField: "audience_q", Perm: auth.PermActivityWrite}
)

// pickedOrgs puts the organisations the form sent into in; one the caller
// may not pick is a field error in f.
func (h *Pages) pickedOrgs(r *http.Request, p *auth.Principal, in *activity.Input, f errs.Fields) (err error) {
	if in.OrgID, err = h.PickedOrg(r, p, orgPick, f); err != nil {
		return err
	}
	in.AudienceOrgID, err = h.PickedOrg(r, p, audiencePick, f)
	return err
}

func (h *Pages) renderActivityForm(w http.ResponseWriter, r *http.Request, p *auth.Principal, pg *web.Page, status int, a *activity.Activity, d *activityFormData) {
	var err error
	d.KindOptions = actKindOptions(pg.Lang)
	d.TagChoices = web.TagChoices(pg.Lang, "f-tag-", d.V.Tags)
	d.TagsError = pg.FieldError("audience_tags")
	if a == nil {
		spec := orgPick
		spec.Label, spec.Hint = pg.T("aweb.field.org"), pg.T("aweb.form.org_hint")
		if d.Org, err = h.OrgPicker(r, p, spec, d.V.OrgID); err != nil {
			h.Fail(w, r, p, err)
			return
		}
	} else {
		d.Editing, d.OrgName = true, a.OrgName
	}
	spec := audiencePick
	spec.Label, spec.Hint, spec.Blank = pg.T("aweb.field.audience"), pg.T("aweb.form.audience_hint"), pg.T("aweb.form.audience_same")
	if d.Audience, err = h.OrgPicker(r, p, spec, d.V.AudienceOrgID); err != nil {
		h.Fail(w, r, p, err)
		return
	}
	rowErrors(pg, d)
	crumbs := []web.Crumb{{Label: pg.T("aweb.list.title"), URL: "/activities"}}
	if a != nil {
		crumbs = append(crumbs, web.Crumb{Label: a.Title, URL: activityURL(a.ID)})
	}
	pg.Crumbs = append(crumbs, web.Crumb{Label: pg.Title})
	pg.Data = d
	h.Render(w, status, "activity_form", pg)
}

func (h *Pages) activityNew(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !p.Can(auth.PermActivityWrite) {
		return errs.Forbidden()
	}
	pg := h.Page(w, r, p, "aweb.new.title", "activities")
	d := &activityFormData{Action: "/activities/new", Cancel: "/activities", Checkpoints: numberRows(nil)}
	if org := signup.DefaultPublisher(p, web.ParseIDValue(web.QueryValue(r, "org"))); org != 0 {
		d.V.OrgID = db.FormatID(org)
	}
	d.V.Kind = string(activity.Kinds[0])
	h.renderActivityForm(w, r, p, pg, http.StatusOK, nil, d)
	return nil
}

// formAfterError fills the page's form after a failed submission: the
// store's messages, the submitted values, and unticked boxes as unticked.
// With no error it is the form as typed, for a picker's search.
func activityFormAfter(pg *web.Page, r *http.Request, err error) bool {
	f := web.KeptForm(r)
	if err != nil {
		var ok bool
		if f, ok = web.FormFrom(pg, r, err); !ok {
			return false
		}
	}
	for _, name := range []string{"waitlist", "approval", "walk_ins"} {
		if _, sent := f.Values[name]; !sent {
			f.Values[name] = "0"
		}
	}
	pg.Form = f
	return true
}

func (h *Pages) activityCreate(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !p.Can(auth.PermActivityWrite) {
		return errs.Forbidden()
	}
	in, rows, fe := activityInputFrom(r)
	var err error
	if !web.PickerAsked(r) { // a picker's search shows the form again, as typed
		var a *activity.Activity
		if a, err = h.createActivity(r, p, in, fe); err == nil {
			web.Redirect(w, r, activityURL(a.ID), "flash.aweb.created")
			return nil
		}
	}
	pg := h.Page(w, r, p, "aweb.new.title", "activities")
	pg.Path = "/activities/new"
	if !activityFormAfter(pg, r, err) {
		return err
	}
	d := &activityFormData{Action: "/activities/new", Cancel: "/activities", Checkpoints: numberRows(rows)}
	d.V.Tags = in.AudienceTags
	h.renderActivityForm(w, r, p, pg, web.FormStatus(err), nil, d)
	return nil
}

func (h *Pages) createActivity(r *http.Request, p *auth.Principal, in activity.Input, fe errs.Fields) (*activity.Activity, error) {
	if err := h.pickedOrgs(r, p, &in, fe); err != nil {
		return nil, err
	}
	if in.OrgID == 0 && fe["org_id"].Key == "" {
		fe.Add("org_id", "field.required")
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	return h.Acts.Create(r.Context(), p, in)
}

// formValuesOf are an activity's fields as the form shows them.
func formValuesOf(a *activity.Activity) actFormValues {
	v := actFormValues{OrgID: db.FormatID(a.OrgID), Title: a.Title, Kind: string(a.Kind), Description: a.Description,
		Organiser: a.Organiser, Venue: a.Venue, Address: a.Address, StartsAt: web.LocalValue(a.StartsAt), EndsAt: web.LocalValue(a.EndsAt),
		RegOpensAt: web.LocalValue(a.RegOpensAt), RegClosesAt: web.LocalValue(a.RegClosesAt), CancelBefore: web.LocalValue(a.CancelBefore),
		Prize: a.Prize, Tags: a.AudienceTags}
	if a.AudienceOrgID != a.OrgID {
		v.AudienceOrgID = db.FormatID(a.AudienceOrgID)
	}
	if a.Lat != nil && a.Lng != nil {
		v.Lat, v.Lng = strconv.FormatFloat(*a.Lat, 'f', -1, 64), strconv.FormatFloat(*a.Lng, 'f', -1, 64)
	}
	if a.Capacity > 0 {
		v.Capacity = strconv.Itoa(a.Capacity)
	}
	if a.StampsRequired > 0 {
		v.StampsRequired = strconv.Itoa(a.StampsRequired)
	}
	b := func(x bool) string {
		if x {
			return "1"
		}
		return ""
	}
	v.Waitlist, v.Approval, v.WalkIns = b(a.Waitlist), b(a.Approval), b(a.WalkIns)
	return v
}

func cpRowsOf(a *activity.Activity) []cpRow {
	rows := make([]cpRow, 0, len(a.Checkpoints))
	for _, c := range a.Checkpoints {
		row := cpRow{ID: db.FormatID(c.ID), Name: c.Name, input: -1}
		if c.RotateSeconds > 0 {
			row.Rotate = strconv.Itoa(c.RotateSeconds)
		}
		rows = append(rows, row)
	}
	return numberRows(rows)
}

// editable refuses the form for activities that are over.
func (h *Pages) activityEditable(w http.ResponseWriter, r *http.Request, p *auth.Principal) (*activity.Activity, bool) {
	a, ok := h.activityWritable(w, r, p)
	if !ok {
		return nil, false
	}
	if a.Status == activity.StatusCancelled || a.Status == activity.StatusFinished {
		h.Fail(w, r, p, errs.Conflict("closed", "activity.closed"))
		return nil, false
	}
	return a, true
}

func (h *Pages) activityEdit(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	a, ok := h.activityEditable(w, r, p)
	if !ok {
		return nil
	}
	pg := h.Page(w, r, p, "aweb.edit.title", "activities")
	d := &activityFormData{Action: activityURL(a.ID) + "/edit", Cancel: activityURL(a.ID), V: formValuesOf(a),
		Checkpoints: cpRowsOf(a), Version: strconv.Itoa(a.Version)}
	h.renderActivityForm(w, r, p, pg, http.StatusOK, a, d)
	return nil
}

func (h *Pages) activityUpdate(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	a, ok := h.activityEditable(w, r, p)
	if !ok {
		return nil
	}
	in, rows, fe := activityInputFrom(r)
	version := 0
	web.ParseIntField(fe, r, "version", 0, &version)
	var err error
	if !web.PickerAsked(r) { // a picker's search shows the form again, as typed
		if err = h.pickedOrgs(r, p, &in, fe); err == nil {
			if err = fe.Err(); err == nil {
				_, err = h.Acts.Update(r.Context(), p, a.ID, version, in)
			}
		}
		if err == nil {
			web.Redirect(w, r, activityURL(a.ID), "flash.aweb.saved")
			return nil
		}
	}
	pg := h.Page(w, r, p, "aweb.edit.title", "activities")
	pg.Path = activityURL(a.ID) + "/edit"
	if !activityFormAfter(pg, r, err) {
		return err
	}
	d := &activityFormData{Action: activityURL(a.ID) + "/edit", Cancel: activityURL(a.ID), V: formValuesOf(a),
		Checkpoints: numberRows(rows), Version: strconv.Itoa(version)}
	d.V.Tags = in.AudienceTags
	h.renderActivityForm(w, r, p, pg, web.FormStatus(err), a, d)
	return nil
}
