package rights

import (
	"net/http"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
	"gonghui/internal/rights"
	"gonghui/internal/web"
)

// Rights cases in the members' portal, phone first: the member's cases
// (/m/cases), filing one (/m/cases/new, a multipart form: the evidence
// goes with the text), and one case as its worker sees it: its status,
// deadline, claims, timeline (the unions that acted, never staff names or
// notes), more evidence while it is open, and the rating once it is closed.

type mineItem struct {
	URL, Title, Org, When, Kind string
	StatusLabel, StatusV        string
	Overdue                     bool
}

type mineData struct {
	Items  []mineItem
	Unread int
}

func (h *Pages) mine(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	cs, err := h.Cases.MineList(r.Context(), p)
	if err != nil {
		return err
	}
	pg := h.MemberPage(w, r, "case.portal.title", "cases")
	d := mineData{Unread: h.Unread(r.Context(), p.MemberID)}
	for i := range cs {
		c := &cs[i]
		d.Items = append(d.Items, mineItem{URL: memberCaseURL(c.ID), Title: c.Title, Org: c.OrgName, When: web.FormatTime(c.ReceivedAt, "2006-01-02"),
			Kind: kindLabel(pg.Lang, c.Kind), StatusLabel: statusLabel(pg.Lang, c.Status), StatusV: statusVariant(c.Status)})
	}
	pg.Data = d
	h.Render(w, http.StatusOK, "case_mine", pg)
	return nil
}

// fileData is the Data of the filing form.
type fileData struct {
	Unions, Kinds, ClaimKinds []web.Option
	Claims                    []int
	MaxTitle, MaxFacts        int
	MaxFiles, FileMB          int
	Unread                    int
}

func (h *Pages) fileForm(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return h.renderFile(w, r, p, nil)
}

func (h *Pages) renderFile(w http.ResponseWriter, r *http.Request, p *auth.Principal, err error) error {
	us, uerr := h.Cases.Unions(r.Context(), p)
	if uerr != nil {
		return uerr
	}
	pg := h.MemberPage(w, r, "case.portal.file", "cases")
	pg.Path = "/m/cases/new"
	status := http.StatusOK
	if err != nil {
		f, ok := web.FormFrom(pg, r, err)
		if !ok {
			return err
		}
		pg.Form, status = f, httpx.Status(err)
	}
	d := fileData{Kinds: web.EnumOptions(pg.Lang, rights.Kinds, kindLabel), ClaimKinds: web.EnumOptions(pg.Lang, rights.ClaimKinds, claimLabel),
		MaxTitle: rights.MaxTitle, MaxFacts: rights.MaxFacts, MaxFiles: rights.MaxFiles, FileMB: rights.MaxFileSize >> 20,
		Unread: h.Unread(r.Context(), p.MemberID)}
	for i, u := range us {
		label := u.Name
		if i == 0 {
			label = pg.T("case.portal.own_union", u.Name)
		}
		d.Unions = append(d.Unions, web.Option{Value: db.FormatID(u.OrgID), Label: label})
	}
	for i := range ClaimRows {
		d.Claims = append(d.Claims, i)
	}
	pg.Data = d
	h.Render(w, status, "case_file", pg)
	return nil
}

// fileCase: POST /m/cases/new.
func (h *Pages) fileCase(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	f := errs.Fields{}
	in := rights.Input{OrgID: web.ParseIDValue(web.FormValue(r, "org_id")), Kind: rights.Kind(web.FormValue(r, "kind")),
		Title: r.PostFormValue("title"), Facts: r.PostFormValue("facts"), EmployerName: r.PostFormValue("employer_name"),
		CreditCode: r.PostFormValue("credit_code")}
	var rows []int
	in.Claims, rows = claimsOf(r)
	files := readFiles(r, "file", f)
	err := f.Err()
	if err == nil {
		var c *rights.Case
		if c, err = h.Cases.File(r.Context(), p, in, files); err == nil {
			web.Redirect(w, r, memberCaseURL(c.ID), "flash.case.filed")
			return nil
		}
		err = renumber(err, "claims", rows)
	}
	return h.renderFile(w, r, p, err)
}

// mineShowData is the Data of a case as its worker sees it.
type mineShowData struct {
	C             caseRow
	Facts         string
	Claims        []claimRow
	Files         []fileRow
	Events        []eventRow
	Can           rights.Can
	URL           string
	RatingOptions []web.Option
	MaxFiles, MB  int
	Unread        int
}

func (h *Pages) mineOne(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return h.renderMineOne(w, r, p, nil)
}

func (h *Pages) renderMineOne(w http.ResponseWriter, r *http.Request, p *auth.Principal, err error) error {
	id, ierr := web.IDParam(r, "id")
	if ierr != nil {
		return ierr
	}
	th, lerr := h.Cases.Mine(r.Context(), p, id)
	if lerr != nil {
		return lerr
	}
	pg := h.MemberPage(w, r, "", "cases")
	pg.Title = th.Title
	pg.Path = memberCaseURL(id)
	status := http.StatusOK
	if err != nil {
		f, ok := web.FormFrom(pg, r, err)
		if !ok {
			return err
		}
		pg.Form, status = f, httpx.Status(err)
	}
	d := mineShowData{C: rowOf(pg.Lang, &th.Case), Facts: th.Facts, Claims: claimsView(pg.Lang, th.Claims, ""), Files: filesView(memberCaseURL(id), th.Files),
		Can: th.Can, URL: memberCaseURL(id), RatingOptions: web.EnumOptions(pg.Lang, rights.Ratings, ratingLabel),
		MaxFiles: rights.MaxFiles, MB: rights.MaxFileSize >> 20, Unread: h.Unread(r.Context(), p.MemberID)}
	for i := range th.Events {
		d.Events = append(d.Events, eventOf(pg.Lang, &th.Events[i], false))
	}
	pg.Data = d
	h.Render(w, status, "case_mine_show", pg)
	return nil
}

func (h *Pages) rate(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := web.IDParam(r, "id")
	if err != nil {
		return err
	}
	if _, err := h.Cases.Rate(r.Context(), p, id, rights.Rating(web.FormValue(r, "rating"))); err != nil {
		return h.renderMineOne(w, r, p, err)
	}
	web.Redirect(w, r, memberCaseURL(id), "flash.case.rated")
	return nil
}

// addMyFiles: POST /m/cases/{id}/files (multipart).
func (h *Pages) addMyFiles(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := web.IDParam(r, "id")
	if err != nil {
		return err
	}
	f := errs.Fields{}
	files := readFiles(r, "file", f)
	if err = f.Err(); err == nil {
		if _, err = h.Cases.AddFiles(r.Context(), p, id, files); err == nil {
			web.Redirect(w, r, memberCaseURL(id), "flash.case.files")
			return nil
		}
	}
	return h.renderMineOne(w, r, p, err)
}
