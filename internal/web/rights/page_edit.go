package rights

import (
	"net/http"
	"strconv"
	"strings"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
	"gonghui/internal/rights"
	"gonghui/internal/web"
)

// Editing a case's workers and claims after intake. Adding is a form on
// the case's page (POST /cases/{id}/workers, /cases/{id}/claims, through
// act); changing one has a page of its own (/cases/{id}/workers/{wid},
// /cases/{id}/claims/{cid}); removing is a button on the case's page.
// The worker's page shows what is held masked and changes only what is
// typed, so that editing reveals nothing.

// workerData is the Data of a worker's edit page.
type workerData struct {
	Worker          rights.Worker
	URL, Back       string
	Version, Number int
	MaxName         int
}

// claimData is the Data of a claim's edit page.
type claimData struct {
	URL, Back  string
	Version    int
	ClaimKinds []web.Option
	MaxNote    int
}

// formable: err is one a form shows again (not a missing page, not a
// failure of the server).
func formable(err error) bool {
	_, ok := errs.As(err)
	return ok && httpx.Status(err) < 500 && !errs.Is(err, errs.KindNotFound)
}

func ids(r *http.Request, sub string) (int64, int64, error) {
	id, err := web.IDParam(r, "id")
	if err != nil {
		return 0, 0, err
	}
	sid, err := web.IDParam(r, sub)
	return id, sid, err
}

func formVersion(r *http.Request) int {
	v, _ := strconv.Atoi(web.FormValue(r, "version"))
	return v
}

// workerForm: GET /cases/{id}/workers/{wid}.
func (h *Pages) workerForm(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return h.renderWorker(w, r, p, nil)
}

func (h *Pages) renderWorker(w http.ResponseWriter, r *http.Request, p *auth.Principal, failed error) error {
	id, wid, err := ids(r, "wid")
	if err != nil {
		return err
	}
	c, wk, n, err := h.Cases.Worker(r.Context(), p, id, wid)
	if err != nil {
		return err
	}
	pg := h.Page(w, r, p, "", "cases")
	pg.Title = pg.T("case.worker.edit_title", n)
	pg.Path = caseURL(id)
	status := http.StatusOK
	if failed != nil {
		if !h.FormAgain(w, r, p, pg, failed) {
			return nil
		}
		status = web.FormStatus(failed)
	}
	pg.Data = &workerData{Worker: *wk, URL: caseURL(id) + "/workers/" + db.FormatID(wid), Back: caseURL(id) + "#workers", Version: c.Version, Number: n,
		MaxName: rights.MaxName}
	pg.Crumbs = []web.Crumb{{Label: pg.T("case.list.title"), URL: "/cases"}, {Label: c.Title, URL: caseURL(id)}, {Label: pg.Title}}
	h.Render(w, status, "case_worker", pg)
	return nil
}

// saveWorker: POST /cases/{id}/workers/{wid}. An empty field keeps what
// is held; the boxes clear the ID or mobile number.
func (h *Pages) saveWorker(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, wid, err := ids(r, "wid")
	if err != nil {
		return err
	}
	var in rights.WorkerEdit
	given := func(name, clear string) *string {
		if clear != "" && web.FormValue(r, clear) == "1" {
			return new(string)
		}
		if v := strings.TrimSpace(web.FormValue(r, name)); v != "" {
			return &v
		}
		return nil
	}
	in.Name, in.IDNumber, in.Mobile = given("name", ""), given("id_number", "clear_id_number"), given("mobile", "clear_mobile")
	if _, err = h.Cases.EditWorker(r.Context(), p, id, wid, in, formVersion(r)); err != nil {
		if formable(err) {
			return h.renderWorker(w, r, p, err)
		}
		return err
	}
	web.Redirect(w, r, caseURL(id)+"#workers", "flash.case.worker_edit")
	return nil
}

// removeWorker: POST /cases/{id}/workers/{wid}/remove.
func (h *Pages) removeWorker(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, wid, err := ids(r, "wid")
	if err != nil {
		return err
	}
	if _, err = h.Cases.RemoveWorker(r.Context(), p, id, wid, formVersion(r)); err != nil {
		if formable(err) {
			return h.renderShow(w, r, p, "workers", err, nil)
		}
		return err
	}
	web.Redirect(w, r, caseURL(id)+"#workers", "flash.case.worker_remove")
	return nil
}

// claimForm: GET /cases/{id}/claims/{cid}.
func (h *Pages) claimForm(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return h.renderClaim(w, r, p, nil)
}

func (h *Pages) renderClaim(w http.ResponseWriter, r *http.Request, p *auth.Principal, failed error) error {
	id, cid, err := ids(r, "cid")
	if err != nil {
		return err
	}
	c, cl, err := h.Cases.Claim(r.Context(), p, id, cid)
	if err != nil {
		return err
	}
	pg := h.Page(w, r, p, "case.claim.edit_title", "cases")
	pg.Path = caseURL(id)
	status := http.StatusOK
	if failed != nil {
		if !h.FormAgain(w, r, p, pg, failed) {
			return nil
		}
		status = web.FormStatus(failed)
	} else {
		pg.Form = &web.Form{Errors: map[string]string{}, Values: map[string]string{
			"kind": string(cl.Kind), "amount": rights.FormatFen(cl.AmountFen), "note": cl.Note}}
	}
	pg.Data = &claimData{URL: caseURL(id) + "/claims/" + db.FormatID(cid), Back: caseURL(id) + "#claims", Version: c.Version,
		ClaimKinds: web.EnumOptions(pg.Lang, rights.ClaimKinds, claimLabel), MaxNote: rights.MaxEmployer}
	pg.Crumbs = []web.Crumb{{Label: pg.T("case.list.title"), URL: "/cases"}, {Label: c.Title, URL: caseURL(id)}, {Label: pg.T("case.claim.edit_title")}}
	h.Render(w, status, "case_claim", pg)
	return nil
}

// claimOf reads a claim's form (the amount as typed, in yuan).
func claimOf(r *http.Request, note string) rights.ClaimInput {
	return rights.ClaimInput{Kind: rights.ClaimKind(web.FormValue(r, "kind")), Text: web.FormValue(r, "amount"), Note: web.FormValue(r, note)}
}

// saveClaim: POST /cases/{id}/claims/{cid}.
func (h *Pages) saveClaim(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, cid, err := ids(r, "cid")
	if err != nil {
		return err
	}
	if _, err = h.Cases.EditClaim(r.Context(), p, id, cid, claimOf(r, "note"), formVersion(r)); err != nil {
		if formable(err) {
			return h.renderClaim(w, r, p, err)
		}
		return err
	}
	web.Redirect(w, r, caseURL(id)+"#claims", "flash.case.claim_edit")
	return nil
}

// removeClaim: POST /cases/{id}/claims/{cid}/remove.
func (h *Pages) removeClaim(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, cid, err := ids(r, "cid")
	if err != nil {
		return err
	}
	if _, err = h.Cases.RemoveClaim(r.Context(), p, id, cid, formVersion(r)); err != nil {
		if formable(err) {
			return h.renderShow(w, r, p, "claims", err, nil)
		}
		return err
	}
	web.Redirect(w, r, caseURL(id)+"#claims", "flash.case.claim_remove")
	return nil
}
