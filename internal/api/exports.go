package api

import (
	"io"
	"net/http"
	"strings"

	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/member"
)

// Exports of members' full numbers beyond the direct export's threshold:
// a request with a reason, a second person's approval, one download.

type exportRequestInput struct {
	Q          string   `json:"q"`
	Org        ID       `json:"org"`
	OrgOnly    bool     `json:"org_only"`
	Status     string   `json:"status"`
	Tags       []string `json:"tags"`
	JoinedFrom string   `json:"joined_from"`
	JoinedTo   string   `json:"joined_to"`
	Employer   ID       `json:"employer"`
	Reason     string   `json:"reason"`
}

// requestExport: POST /member-exports.
func (h *Handler) requestExport(w http.ResponseWriter, r *http.Request) error {
	var in exportRequestInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	f := errs.Fields{}
	q := member.Query{Q: strings.TrimSpace(in.Q), Org: in.Org.parse(f, "org", false), OrgOnly: in.OrgOnly, Status: member.Status(in.Status),
		Tags: in.Tags, JoinedFrom: in.JoinedFrom, JoinedTo: in.JoinedTo, Employer: in.Employer.parse(f, "employer", false)}
	if err := f.Err(); err != nil {
		return err
	}
	e, err := h.mem.RequestExport(r.Context(), principal(r), q, in.Reason)
	if err != nil {
		return err
	}
	return created(w, Prefix+"/member-exports/"+db.FormatID(e.ID), e)
}

// listExports: GET /member-exports?view=awaiting|mine.
func (h *Handler) listExports(w http.ResponseWriter, r *http.Request) error {
	return paged(w, r, func(q *query, pg page) member.ExportQuery {
		return member.ExportQuery{View: q.str("view"), After: pg.Cursor, Limit: pg.Limit}
	}, h.mem.ListExports)
}

// getExport: GET /member-exports/{id}.
func (h *Handler) getExport(w http.ResponseWriter, r *http.Request) error {
	return get(w, r, h.mem.GetExport)
}

// decideExport: POST /member-exports/{id}/decision.
func (h *Handler) decideExport(w http.ResponseWriter, r *http.Request) error {
	return act(w, r, h.mem.DecideExport)
}

// downloadExport: GET /member-exports/{id}/download — the approved
// workbook, once, for its requester.
func (h *Handler) downloadExport(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return workbook(w, r, "members-"+db.FormatID(id)+".xlsx", "export download", func(tr translate, out io.Writer) error {
		_, err := h.mem.DownloadExport(r.Context(), principal(r), id, tr, out)
		return err
	})
}
