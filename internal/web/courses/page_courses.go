package courses

import (
	"net/http"
	"strconv"
	"strings"

	"gonghui/internal/auth"
	"gonghui/internal/course"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
	"gonghui/internal/i18n"
	"gonghui/internal/listing"
	"gonghui/internal/web"
	"gonghui/internal/web/signup"
)

// The staff pages of courses: the list, a course's form and page with its
// terms and interest groups (this file), a term's form and page with its
// draw, enrolments and sessions (page_courses_term.go), and a session's
// register, code screen, scanner and the register's download
// (page_courses_session.go). The store is internal/course; it scopes
// everything as activities are scoped (activity.read / activity.write over
// the course's subtree), answering NotFound outside the caller's subtrees.

func (h *Pages) courseRoutes(mux *http.ServeMux) {
	a, f := h.Authed, h.crsTermForms()
	mux.HandleFunc("GET /courses", a(h.crsList))
	mux.HandleFunc("GET /courses/new", a(h.crsNew))
	mux.HandleFunc("POST /courses/new", a(h.crsCreate))
	mux.HandleFunc("GET /courses/{id}", a(h.crsShow))
	mux.HandleFunc("GET /courses/{id}/edit", a(h.crsEdit))
	mux.HandleFunc("POST /courses/{id}/edit", a(h.crsUpdate))
	mux.HandleFunc("POST /courses/{id}/groups", a(h.crsGroupCreate))
	mux.HandleFunc("GET /groups/{id}", a(h.crsGroupShow))
	mux.HandleFunc("GET /courses/{id}/terms/new", a(h.crsTermNew))
	mux.HandleFunc("POST /courses/{id}/terms/new", a(h.crsTermCreate))
	mux.HandleFunc("GET /terms/{id}", a(h.crsTermShow))
	mux.HandleFunc("GET /terms/{id}/edit", a(h.crsTermEdit))
	mux.HandleFunc("POST /terms/{id}/edit", a(h.crsTermUpdate))
	mux.HandleFunc("POST /terms/{id}/publish", a(f.Handle("status", "", h.crsTermPublish)))
	mux.HandleFunc("POST /terms/{id}/cancel", a(f.Handle("status", "", h.crsTermCancel)))
	mux.HandleFunc("POST /terms/{id}/finish", a(f.Handle("status", "", h.crsTermFinish)))
	mux.HandleFunc("POST /terms/{id}/draw", a(f.Handle("draw", "#lottery", h.crsTermDraw)))
	mux.HandleFunc("GET /terms/{id}/draw", a(h.crsDrawRecord))
	mux.HandleFunc("POST /terms/{id}/members", a(f.Search("add", "cweb.add.no_member_access", h.renderCrsTerm)))
	mux.HandleFunc("POST /terms/{id}/apply", a(f.SignUp("add", "#enrolments", h.crsApply)))
	mux.HandleFunc("POST /terms/{id}/enrolments/{mid}/withdraw", a(f.OnMember("enrolments", "#enrolments", h.crsWithdraw)))
	mux.HandleFunc("GET /terms/{id}/register.xlsx", a(h.crsExport))
	mux.HandleFunc("GET /terms/{id}/sessions/{sid}", a(h.crsSession))
	mux.HandleFunc("POST /terms/{id}/sessions/{sid}/attend", a(h.crsAttend))
	mux.HandleFunc("POST /terms/{id}/sessions/{sid}/cancel", a(h.crsSessionCancel))
	mux.HandleFunc("GET /terms/{id}/sessions/{sid}/display", a(h.crsDisplay))
	mux.HandleFunc("GET /terms/{id}/sessions/{sid}/qr.png", a(signup.QRPage(h.crsCodeNow)))
	mux.HandleFunc("GET /terms/{id}/sessions/{sid}/code", a(signup.CodeJSONPage(h.crsCodeNow)))
	mux.HandleFunc("GET /terms/{id}/sessions/{sid}/scan", a(h.crsScanPage))
	mux.HandleFunc("POST /terms/{id}/sessions/{sid}/scan", a(h.crsScan))
}

// Labels of the store's codes (course.*.json).

var (
	crsCategories = signup.Labels[course.Category]{Key: "course.category."}
	crsStatuses   = signup.Labels[course.TermStatus]{Key: "course.status.", Variants: map[course.TermStatus]string{
		course.TermOpen: "success", course.TermDraft: "warning", course.TermDrawn: "info", course.TermFinished: "neutral"}}
	crsEnrolStatuses = signup.Labels[course.EnrolStatus]{Key: "course.enrol.", Variants: map[course.EnrolStatus]string{
		course.EnrolEnrolled: "success", course.EnrolWaiting: "warning", course.EnrolApplied: "info"}}
)

func crsCategoryLabel(lang i18n.Lang, c course.Category) string { return crsCategories.Label(lang, c) }
func crsStatusLabel(lang i18n.Lang, s course.TermStatus) string { return crsStatuses.Label(lang, s) }
func crsStatusVariant(s course.TermStatus) string               { return crsStatuses.Variant(s) }
func crsEnrolLabel(lang i18n.Lang, s course.EnrolStatus) string {
	return crsEnrolStatuses.Label(lang, s)
}
func crsEnrolVariant(s course.EnrolStatus) string { return crsEnrolStatuses.Variant(s) }
func crsCategoryOptions(lang i18n.Lang) []web.Option {
	return crsCategories.Options(lang, course.Categories)
}

func CourseURL(id int64) string { return "/courses/" + db.FormatID(id) }
func TermURL(id int64) string   { return "/terms/" + db.FormatID(id) }
func crsGroupURL(id int64) string {
	return "/groups/" + db.FormatID(id)
}
func SessionURL(termID, sessionID int64) string {
	return TermURL(termID) + "/sessions/" + db.FormatID(sessionID)
}

// crsTranslate is the store's translate function in the page's language.
func crsTranslate(lang i18n.Lang) course.Translate {
	return func(k string, a ...any) string { return i18n.T(lang, k, a...) }
}

// crsWeekday names a weekday 1 (Monday) … 7 (Sunday).
func crsWeekday(lang i18n.Lang, d int) string {
	return i18n.T(lang, "cweb.weekday."+strconv.Itoa(d))
}

func crsWeekdayOptions(lang i18n.Lang) []web.Option {
	out := make([]web.Option, 0, 7)
	for d := 1; d <= 7; d++ {
		out = append(out, web.Option{Value: strconv.Itoa(d), Label: crsWeekday(lang, d)})
	}
	return out
}

// crsSchedule says a weekly schedule in words: "周二 19:00（90 分钟）、…".
func crsSchedule(lang i18n.Lang, slots []course.Slot) string {
	parts := make([]string, 0, len(slots))
	for _, s := range slots {
		parts = append(parts, i18n.T(lang, "cweb.slot", crsWeekday(lang, s.Weekday), s.Start, s.Minutes))
	}
	return strings.Join(parts, i18n.T(lang, "cweb.list_sep"))
}

// crsRow is a course in the list or on its page.
type crsRow struct {
	ID, URL, Title, CategoryLabel, OrgName, OrgURL string
	Created                                        string // the day it was created
	Terms, Groups                                  int
	Link                                           string // URL with the way back to the list (the list sets it)
}

func crsView(lang i18n.Lang, c *course.Course) crsRow {
	return crsRow{ID: db.FormatID(c.ID), URL: CourseURL(c.ID), Title: c.Title, CategoryLabel: crsCategoryLabel(lang, c.Category),
		OrgName: c.OrgName, OrgURL: web.OrgURL(c.OrgID), Created: web.FormatTime(c.CreatedAt, "2006-01-02"), Terms: c.Terms, Groups: c.Groups}
}

// crsFilters are the list's filters as the URL carries them.
type crsFilters struct{ Q, Org, Category string }

func (f crsFilters) Any() bool { return f.Q != "" || f.Org != "" || f.Category != "" }

// crsListData is the Data of the list.
type crsListData struct {
	signup.Events
	F               crsFilters
	CategoryOptions []web.Option
	Rows            []crsRow
	Cols            []any // the headings, sortable ones linked
	Sort            string
}

func (h *Pages) crsList(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !signup.CanRead(p) {
		return errs.Forbidden()
	}
	pg := h.Page(w, r, p, "cweb.list.title", "courses")
	f := crsFilters{Q: web.QueryValue(r, "q"), Org: signup.OrgValue(r), Category: web.QueryValue(r, "category")}
	d := crsListData{F: f, CategoryOptions: crsCategoryOptions(pg.Lang), Sort: web.SortParam(r, course.Sorts.Default)}
	org, err := signup.OrgFilter(h.Kernel, r, p, pg, f.Org, pg.T("cweb.field.org"), pg.T("cweb.list.all_orgs"))
	if err != nil {
		return err
	}
	var status int
	back := web.BackQuery(pg)
	d.Events, status, err = signup.ListEvents(h.Kernel, r, p, pg, "/courses/new", f.Org, org, func(org int64, cursor string) (string, int, listing.Total, error) {
		q := course.Query{Q: f.Q, Category: course.Category(f.Category), Org: org, Sort: d.Sort, After: cursor, Limit: web.PageSize}
		items, next, total, err := web.ListPage(r, &q.Offset, func() ([]course.Course, string, error) { return h.Courses.ListCourses(r.Context(), p, q) },
			func() (listing.Total, error) { return h.Courses.CountCourses(r.Context(), p, q) })
		for i := range items {
			v := crsView(pg.Lang, &items[i])
			v.Link = v.URL + back
			d.Rows = append(d.Rows, v)
		}
		return next, len(items), total, err
	})
	d.Cols = web.SortCols(pg, d.Sort, []web.SortHead{{Label: pg.T("cweb.field.title"), Key: "title"}, {Label: pg.T("cweb.field.category")},
		{Label: pg.T("cweb.field.org"), Key: "org"}, {Label: pg.T("cweb.list.created"), Key: "created", Desc: true},
		{Label: pg.T("cweb.list.terms"), Class: "num"}, {Label: pg.T("cweb.list.groups"), Class: "num"}})
	if err != nil {
		return err
	}
	pg.Data = d
	h.Render(w, status, "crs_list", pg)
	return nil
}

// crsFor loads the course of the {id} path value, or answers the error page.
func (h *Pages) crsFor(w http.ResponseWriter, r *http.Request, p *auth.Principal) (*course.Course, bool) {
	return web.Load(h.Kernel, w, r, p, h.Courses.GetCourse)
}

// crsWritable is crsFor for what changes the course: those who only read
// it get the 403 page.
func (h *Pages) crsWritable(w http.ResponseWriter, r *http.Request, p *auth.Principal) (*course.Course, bool) {
	c, ok := h.crsFor(w, r, p)
	return c, ok && signup.Writable(h.Kernel, w, r, p, c.OrgPath)
}

// The course's form.

type crsFormValues struct{ OrgID, Title, Category, Description string }

// crsFormData is the Data of the course's form.
type crsFormData struct {
	Editing         bool
	Action, Cancel  string
	OrgName         string
	Org             *web.OrgPicker // when new
	CategoryOptions []web.Option
	V               crsFormValues
	Version         string
}

func (h *Pages) renderCrsForm(w http.ResponseWriter, r *http.Request, p *auth.Principal, pg *web.Page, status int, c *course.Course, d *crsFormData) {
	d.CategoryOptions = crsCategoryOptions(pg.Lang)
	crumbs := []web.Crumb{{Label: pg.T("cweb.list.title"), URL: "/courses"}}
	if c == nil {
		spec := crsOrgPick
		spec.Label, spec.Hint = pg.T("cweb.field.org"), pg.T("cweb.form.org_hint")
		var err error
		if d.Org, err = h.OrgPicker(r, p, spec, d.V.OrgID); err != nil {
			h.Fail(w, r, p, err)
			return
		}
	} else {
		d.Editing, d.OrgName = true, c.OrgName
		crumbs = append(crumbs, web.Crumb{Label: c.Title, URL: CourseURL(c.ID)})
	}
	pg.Crumbs = append(crumbs, web.Crumb{Label: pg.Title})
	pg.Data = d
	h.Render(w, status, "crs_form", pg)
}

// crsOrgPick is the picker of a new course's organisation.
var crsOrgPick = web.PickerSpec{Field: "org_id", QField: "org_q", Required: true, Perm: auth.PermActivityWrite}

func crsInputFrom(r *http.Request) course.CourseInput {
	return course.CourseInput{Title: web.FormValue(r, "title"), Category: course.Category(web.FormValue(r, "category")),
		Description: strings.TrimSpace(r.PostFormValue("description"))}
}

func (h *Pages) crsNew(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !p.Can(auth.PermActivityWrite) {
		return errs.Forbidden()
	}
	pg := h.Page(w, r, p, "cweb.new.title", "courses")
	d := &crsFormData{Action: "/courses/new", Cancel: "/courses"}
	if org := signup.DefaultPublisher(p, web.ParseIDValue(web.QueryValue(r, "org"))); org != 0 {
		d.V.OrgID = db.FormatID(org)
	}
	h.renderCrsForm(w, r, p, pg, http.StatusOK, nil, d)
	return nil
}

func (h *Pages) crsCreate(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !p.Can(auth.PermActivityWrite) {
		return errs.Forbidden()
	}
	var err error
	if !web.PickerAsked(r) { // a picker's search shows the form again, as typed
		var c *course.Course
		if c, err = h.createCourse(r, p); err == nil {
			web.Redirect(w, r, CourseURL(c.ID), "flash.cweb.course_created")
			return nil
		}
	}
	pg := h.Page(w, r, p, "cweb.new.title", "courses")
	pg.Path = "/courses/new"
	if h.FormAgain(w, r, p, pg, err) {
		h.renderCrsForm(w, r, p, pg, web.FormStatus(err), nil, &crsFormData{Action: "/courses/new", Cancel: "/courses"})
	}
	return nil
}

func (h *Pages) createCourse(r *http.Request, p *auth.Principal) (*course.Course, error) {
	in, fe := crsInputFrom(r), errs.Fields{}
	var err error
	if in.OrgID, err = h.PickedOrg(r, p, crsOrgPick, fe); err != nil {
		return nil, err
	}
	if in.OrgID == 0 && fe["org_id"].Key == "" {
		fe.Add("org_id", "field.required")
	}
	if err = fe.Err(); err != nil {
		return nil, err
	}
	return h.Courses.CreateCourse(r.Context(), p, in)
}

func (h *Pages) crsEdit(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	c, ok := h.crsWritable(w, r, p)
	if !ok {
		return nil
	}
	pg := h.Page(w, r, p, "cweb.edit.title", "courses")
	d := &crsFormData{Action: CourseURL(c.ID) + "/edit", Cancel: CourseURL(c.ID), Version: strconv.Itoa(c.Version),
		V: crsFormValues{OrgID: db.FormatID(c.OrgID), Title: c.Title, Category: string(c.Category), Description: c.Description}}
	h.renderCrsForm(w, r, p, pg, http.StatusOK, c, d)
	return nil
}

func (h *Pages) crsUpdate(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	c, ok := h.crsWritable(w, r, p)
	if !ok {
		return nil
	}
	in, fe := crsInputFrom(r), errs.Fields{}
	version := 0
	web.ParseIntField(fe, r, "version", 0, &version)
	err := fe.Err()
	if err == nil {
		_, err = h.Courses.UpdateCourse(r.Context(), p, c.ID, version, in)
	}
	if err != nil {
		pg := h.Page(w, r, p, "cweb.edit.title", "courses")
		pg.Path = CourseURL(c.ID) + "/edit"
		if !h.Validation(w, r, p, pg, err) {
			return nil
		}
		d := &crsFormData{Action: CourseURL(c.ID) + "/edit", Cancel: CourseURL(c.ID), Version: strconv.Itoa(version),
			V: crsFormValues{OrgID: db.FormatID(c.OrgID), Title: c.Title, Category: string(c.Category), Description: c.Description}}
		h.renderCrsForm(w, r, p, pg, httpx.Status(err), c, d)
		return nil
	}
	web.Redirect(w, r, CourseURL(c.ID), "flash.cweb.course_saved")
	return nil
}

// A course's page.

// crsTermRow is a term in a course's list of terms.
type crsTermRow struct {
	ID, URL, Name, StatusLabel, StatusV  string
	Teacher, Venue, Dates, Enrol         string
	Schedule                             string
	Enrolled, Capacity, Applied, Waiting int
	Sessions                             int
}

func crsTermView(lang i18n.Lang, t *course.Term) crsTermRow {
	return crsTermRow{ID: db.FormatID(t.ID), URL: TermURL(t.ID), Name: t.Name, StatusLabel: crsStatusLabel(lang, t.Status),
		StatusV: crsStatusVariant(t.Status), Teacher: t.Teacher, Venue: t.Venue, Dates: t.StartsOn + " – " + t.EndsOn,
		Enrol:    web.FormatTime(t.EnrolOpensAt, "2006-01-02 15:04") + " – " + web.FormatTime(t.EnrolClosesAt, "2006-01-02 15:04"),
		Schedule: crsSchedule(lang, t.Schedule), Enrolled: t.Enrolled, Capacity: t.Capacity, Applied: t.Applied, Waiting: t.Waiting,
		Sessions: t.Sessions}
}

// crsGroupRow is an interest group on a course's page.
type crsGroupRow struct {
	ID, URL, Name, Description, Created string
	Members                             int
}

// crsShowData is the Data of a course's page.
type crsShowData struct {
	C            crsRow
	Course       *course.Course
	CanWrite     bool
	Terms        []crsTermRow
	Groups       []crsGroupRow
	URL, NewTerm string
	GroupFailed  bool
}

func (h *Pages) crsShow(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	c, ok := h.crsFor(w, r, p)
	if !ok {
		return nil
	}
	h.renderCrsShow(w, r, p, c, nil, http.StatusOK)
	return nil
}

func (h *Pages) renderCrsShow(w http.ResponseWriter, r *http.Request, p *auth.Principal, c *course.Course, form *web.Form, status int) {
	ctx := r.Context()
	pg := h.Page(w, r, p, "", "courses")
	pg.Title = c.Title
	pg.Crumbs = []web.Crumb{{Label: pg.T("cweb.list.title"), URL: web.ListBack(r, "/courses")}, {Label: c.Title}}
	if r.Method != http.MethodGet {
		pg.Path = CourseURL(c.ID)
	}
	pg.Form = form
	d := &crsShowData{C: crsView(pg.Lang, c), Course: c, CanWrite: p.CanAt(auth.PermActivityWrite, c.OrgPath), URL: CourseURL(c.ID),
		NewTerm: CourseURL(c.ID) + "/terms/new", GroupFailed: form != nil}
	terms, err := h.Courses.Terms(ctx, p, c.ID)
	if err != nil {
		h.Fail(w, r, p, err)
		return
	}
	for i := range terms {
		d.Terms = append(d.Terms, crsTermView(pg.Lang, &terms[i]))
	}
	groups, err := h.Courses.Groups(ctx, p, c.ID)
	if err != nil {
		h.Fail(w, r, p, err)
		return
	}
	for _, g := range groups {
		d.Groups = append(d.Groups, crsGroupRow{ID: db.FormatID(g.ID), URL: crsGroupURL(g.ID), Name: g.Name, Description: g.Description,
			Created: web.FormatTime(g.CreatedAt, "2006-01-02"), Members: g.Members})
	}
	pg.Data = d
	h.Render(w, status, "crs_show", pg)
}

// Interest groups.

func (h *Pages) crsGroupCreate(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	c, ok := h.crsWritable(w, r, p)
	if !ok {
		return nil
	}
	_, err := h.Courses.CreateGroup(r.Context(), p, c.ID, course.GroupInput{Name: web.FormValue(r, "group_name"),
		Description: strings.TrimSpace(r.PostFormValue("group_description"))})
	if err != nil {
		pg := h.Page(w, r, p, "", "courses")
		form, ok := web.FormFrom(pg, r, err)
		if !ok {
			return err
		}
		// The group's inputs are named apart from the course's.
		for _, k := range []string{"name", "description"} {
			if msg, bad := form.Errors[k]; bad {
				delete(form.Errors, k)
				form.Errors["group_"+k] = msg
			}
		}
		h.renderCrsShow(w, r, p, c, form, httpx.Status(err))
		return nil
	}
	web.RedirectAnchor(w, r, CourseURL(c.ID), "groups", "flash.cweb.group_created")
	return nil
}

// crsGroupData is the Data of an interest group's page.
type crsGroupData struct {
	Group   course.Group
	Course  crsRow
	Members []crsGroupMember
}

// crsGroupMember is a member of an interest group in the list.
type crsGroupMember struct {
	URL, Name, OrgName, Joined string
}

func (h *Pages) crsGroupShow(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	ctx := r.Context()
	gid, err := web.IDParam(r, "id")
	var members []course.GroupMember
	if err == nil {
		// GroupMembers checks the caller may see the group.
		members, err = h.Courses.GroupMembers(ctx, p, gid)
	}
	if err != nil {
		return err
	}
	g, err := h.Courses.GetGroup(ctx, p, gid)
	var c *course.Course
	if err == nil {
		c, err = h.Courses.GetCourse(ctx, p, g.CourseID)
	}
	if err != nil {
		return err
	}
	d := &crsGroupData{Group: *g}
	pg := h.Page(w, r, p, "", "courses")
	pg.Title = d.Group.Name
	d.Course = crsView(pg.Lang, c)
	for _, m := range members {
		d.Members = append(d.Members, crsGroupMember{URL: web.MemberURL(m.MemberID), Name: m.Name, OrgName: m.OrgName,
			Joined: web.FormatTime(m.JoinedAt, "2006-01-02")})
	}
	pg.Crumbs = []web.Crumb{{Label: pg.T("cweb.list.title"), URL: "/courses"}, {Label: c.Title, URL: CourseURL(c.ID)}, {Label: d.Group.Name}}
	pg.Data = d
	h.Render(w, http.StatusOK, "crs_group", pg)
	return nil
}
