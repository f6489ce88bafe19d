package api

import (
	"log/slog"
	"net/http"
	"strings"

	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
	"gonghui/internal/i18n"
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
	q := newQuery(r)
	pg := q.page()
	in := member.ExportQuery{View: q.str("view"), After: pg.Cursor, Limit: pg.Limit}
	if err := q.err(); err != nil {
		return err
	}
	items, next, err := h.mem.ListExports(r.Context(), principal(r), in)
	if err != nil {
		return err
	}
	return ok(w, newList(items, next))
}

// getExport: GET /member-exports/{id}.
func (h *Handler) getExport(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	e, err := h.mem.GetExport(r.Context(), principal(r), id)
	if err != nil {
		return err
	}
	return ok(w, e)
}

// decideExport: POST /member-exports/{id}/decision.
func (h *Handler) decideExport(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in member.ExportDecision
	if err := decode(w, r, &in); err != nil {
		return err
	}
	e, err := h.mem.DecideExport(r.Context(), principal(r), id, in)
	if err != nil {
		return err
	}
	return ok(w, e)
}

// downloadExport: GET /member-exports/{id}/download — the approved
// workbook, once, for its requester.
func (h *Handler) downloadExport(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	lang := i18n.FromRequest(r)
	tr := func(key string, args ...any) string { return i18n.T(lang, key, args...) }
	out := &httpx.LazyWriter{W: w, Before: func() {
		w.Header().Set("Cache-Control", "no-store")
		httpx.Attachment(w, "members-"+db.FormatID(id)+".xlsx")
	}}
	if _, err := h.mem.DownloadExport(r.Context(), principal(r), id, tr, out); err != nil {
		if out.Started {
			slog.Error("export download broke off", "err", err)
			return nil
		}
		return err
	}
	return nil
}
