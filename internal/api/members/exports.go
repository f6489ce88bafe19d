package members

import (
	"context"
	"io"
	"net/http"

	"gonghui/internal/api"
	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/member/exports"
)

// Exports of members' full numbers beyond the direct export's threshold:
// a request with a reason, a second person's approval, one download.

type exportRequestInput struct {
	memberFilterInput
	Reason string `json:"reason"`
}

// requestExport: POST /member-exports.
func (h *API) requestExport(w http.ResponseWriter, r *http.Request) error {
	var in exportRequestInput
	if err := api.Decode(w, r, &in); err != nil {
		return err
	}
	f := errs.Fields{}
	q := in.query(f)
	if err := f.Err(); err != nil {
		return err
	}
	e, err := exports.RequestExport(r.Context(), h.Members, api.Principal(r), q, in.Reason)
	if err != nil {
		return err
	}
	return api.Created(w, api.Prefix+"/member-exports/"+db.FormatID(e.ID), e)
}

// listExports: GET /member-exports?view=awaiting|mine.
func (h *API) listExports(w http.ResponseWriter, r *http.Request) error {
	return api.Paged(w, r, func(q *api.Query, pg api.Page) exports.ExportQuery {
		return exports.ExportQuery{View: q.Str("view"), After: pg.Cursor, Limit: pg.Limit}
	}, func(ctx context.Context, p *auth.Principal, q exports.ExportQuery) ([]exports.ExportRequest, string, error) {
		return exports.ListExports(ctx, h.Members, p, q)
	})
}

// getExport: GET /member-exports/{id}.
func (h *API) getExport(w http.ResponseWriter, r *http.Request) error {
	return api.Get(w, r, func(ctx context.Context, p *auth.Principal, id int64) (*exports.ExportRequest, error) {
		return exports.GetExport(ctx, h.Members, p, id)
	})
}

// decideExport: POST /member-exports/{id}/decision.
func (h *API) decideExport(w http.ResponseWriter, r *http.Request) error {
	return api.Act(w, r, func(ctx context.Context, p *auth.Principal, id int64, in exports.ExportDecision) (*exports.ExportRequest, error) {
		return exports.DecideExport(ctx, h.Members, p, id, in)
	})
}

// downloadExport: GET /member-exports/{id}/download — the approved
// workbook, once, for its requester.
func (h *API) downloadExport(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	return api.Workbook(w, r, "members-"+db.FormatID(id)+".xlsx", "export download", func(tr api.Translate, out io.Writer) error {
		_, err := exports.DownloadExport(r.Context(), h.Members, api.Principal(r), id, tr, out)
		return err
	})
}
