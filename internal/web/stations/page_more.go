package stations

import (
	"io"
	"net/http"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/beijing"
	"gonghui/internal/errs"
	"gonghui/internal/sheet"
	"gonghui/internal/station"
	"gonghui/internal/web"
)

// The busiest stations and the import.

type busyRow struct {
	Rank                           int
	Name, Type, OrgName            string
	Visits, Anonymous, Claims, All int
}

func (h *Pages) busiest(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !mayUse(p) {
		return errs.Forbidden()
	}
	pg := h.Page(w, r, p, "sweb.busy.title", "stations")
	pg.Crumbs = []web.Crumb{{Label: pg.T("sweb.list.title"), URL: "/stations"}, {Label: pg.Title}}
	spec := orgPick
	spec.Label, spec.Blank = pg.T("sweb.field.org"), pg.T("sweb.list.all_orgs")
	org, err := h.FilterPicker(pg, r, p, spec, web.FilterValue(r, orgPick.Field))
	if err != nil {
		return err
	}
	now := time.Now().In(beijing.Zone)
	from, to := web.QueryValue(r, "from"), web.QueryValue(r, "to")
	if from == "" {
		from = now.Format("2006-01") + "-01"
	}
	if to == "" {
		to = beijing.Day(now)
	}
	status := http.StatusOK
	list, err := h.Stations.Busiest(r.Context(), p, station.BusyQuery{Org: web.ParseIDValue(org.Value), From: from, To: to})
	if err != nil {
		f, ok := web.FormError(pg, err)
		if !ok {
			return err
		}
		pg.Form, status = f, web.FormStatus(err)
	}
	var rows []busyRow
	for i, b := range list {
		rows = append(rows, busyRow{Rank: i + 1, Name: b.Name, Type: typeLabel(pg.Lang, b.Type, b.TypeName), OrgName: b.OrgName,
			Visits: b.Visits, Anonymous: b.Anonymous, Claims: b.Claims, All: b.Visits + b.Anonymous})
	}
	pg.Data = map[string]any{"From": from, "To": to, "Org": org, "Rows": rows}
	h.Render(w, status, "station_busy", pg)
	return nil
}

type importData struct {
	Org    *web.OrgPicker
	Modes  []web.Option
	Report *sheet.ImportReport
	Done   string
	Errors []sheet.ImportError
}

func (h *Pages) importForm(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !p.Can(auth.PermStationWrite) {
		return errs.Forbidden()
	}
	return h.renderImport(w, r, p, h.Page(w, r, p, "sweb.import.title", "stations"), nil, http.StatusOK)
}

func (h *Pages) renderImport(w http.ResponseWriter, r *http.Request, p *auth.Principal, pg *web.Page, rep *sheet.ImportReport, status int) error {
	pg.Crumbs = []web.Crumb{{Label: pg.T("sweb.list.title"), URL: "/stations"}, {Label: pg.Title}}
	spec := formPick
	spec.Label, spec.Hint = pg.T("sweb.import.org"), pg.T("sweb.import.org_hint")
	org, err := h.OrgPicker(r, p, spec, "")
	if err != nil {
		return err
	}
	d := &importData{Org: org, Report: rep}
	for _, m := range []sheet.ImportMode{sheet.ImportDryRun, sheet.ImportAllOrNothing, sheet.ImportValidRows} {
		d.Modes = append(d.Modes, web.Option{Value: string(m), Label: pg.T("sweb.import.mode." + string(m))})
	}
	if rep != nil {
		d.Done = pg.T("sweb.import.done", rep.Total, rep.Valid, rep.Invalid, rep.Imported, rep.Skipped)
		for _, e := range rep.Errors {
			e.Message = pg.T(e.Key, e.Args...)
			d.Errors = append(d.Errors, e)
		}
	}
	pg.Data = d
	h.Render(w, status, "station_import", pg)
	return nil
}

func (h *Pages) importFile(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	pg := h.Page(w, r, p, "sweb.import.title", "stations")
	if web.PickerAsked(r) {
		pg.Form = web.KeptForm(r)
		return h.renderImport(w, r, p, pg, nil, http.StatusOK)
	}
	opt := station.ImportOptions{Mode: sheet.ImportMode(r.PostFormValue("mode")), OrgID: web.ParseIDValue(r.PostFormValue("org_id"))}
	f, fh, err := r.FormFile("file")
	if err != nil {
		pg.Form = web.FieldErrorForm(pg, "file", "field.required")
		return h.renderImport(w, r, p, pg, nil, http.StatusUnprocessableEntity)
	}
	defer f.Close()
	opt.Name = fh.Filename
	ra, ok := f.(io.ReaderAt)
	if !ok {
		return errs.Internal(errs.Forbidden(), "stations: upload is not seekable")
	}
	rep, err := h.Stations.Import(r.Context(), p, ra, fh.Size, opt)
	if err != nil {
		if !h.Validation(w, r, p, pg, err) {
			return nil
		}
		return h.renderImport(w, r, p, pg, nil, web.FormStatus(err))
	}
	return h.renderImport(w, r, p, pg, rep, http.StatusOK)
}
