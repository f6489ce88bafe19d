package rights

import (
	"net/http"
	"strconv"

	"gonghui/internal/api"
	"gonghui/internal/rights"
)

// Editing a case's workers and claims after intake (internal/rights,
// edit.go): each handler decodes, makes one call and answers the case.

type workerInput struct {
	rights.WorkerInput
	Version int `json:"version"`
}

type workerPatch struct {
	rights.WorkerEdit
	Version int `json:"version"`
}

type claimInput struct {
	Kind      rights.ClaimKind `json:"kind"`
	AmountFen int64            `json:"amount_fen"`
	Note      string           `json:"note"`
	Version   int              `json:"version"`
}

func (in claimInput) claim() rights.ClaimInput {
	return rights.ClaimInput{Kind: in.Kind, AmountFen: in.AmountFen, Note: in.Note}
}

// version reads ?version= of a DELETE: the version the case was read at
// (absent: any).
func version(r *http.Request) (int, error) {
	s := api.NewQuery(r).Str("version")
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, api.FieldErr("version", "field.not_a_number")
	}
	return n, nil
}

// addWorker: POST /cases/{id}/workers.
func (h *API) addWorker(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	var in workerInput
	if err := api.Decode(w, r, &in); err != nil {
		return err
	}
	c, err := h.Cases.AddWorker(r.Context(), api.Principal(r), id, in.WorkerInput, in.Version)
	if err != nil {
		return err
	}
	return api.OK(w, c)
}

// editWorker: PATCH /cases/{id}/workers/{worker_id}.
func (h *API) editWorker(w http.ResponseWriter, r *http.Request) error {
	id, wid, err := api.PathIDs(r, "worker_id")
	if err != nil {
		return err
	}
	var in workerPatch
	if err := api.Decode(w, r, &in); err != nil {
		return err
	}
	c, err := h.Cases.EditWorker(r.Context(), api.Principal(r), id, wid, in.WorkerEdit, in.Version)
	if err != nil {
		return err
	}
	return api.OK(w, c)
}

// removeWorker: DELETE /cases/{id}/workers/{worker_id}?version=.
func (h *API) removeWorker(w http.ResponseWriter, r *http.Request) error {
	id, wid, err := api.PathIDs(r, "worker_id")
	if err != nil {
		return err
	}
	v, err := version(r)
	if err != nil {
		return err
	}
	c, err := h.Cases.RemoveWorker(r.Context(), api.Principal(r), id, wid, v)
	if err != nil {
		return err
	}
	return api.OK(w, c)
}

// addClaim: POST /cases/{id}/claims.
func (h *API) addClaim(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	var in claimInput
	if err := api.Decode(w, r, &in); err != nil {
		return err
	}
	c, err := h.Cases.AddClaim(r.Context(), api.Principal(r), id, in.claim(), in.Version)
	if err != nil {
		return err
	}
	return api.OK(w, c)
}

// editClaim: PUT /cases/{id}/claims/{claim_id}.
func (h *API) editClaim(w http.ResponseWriter, r *http.Request) error {
	id, cid, err := api.PathIDs(r, "claim_id")
	if err != nil {
		return err
	}
	var in claimInput
	if err := api.Decode(w, r, &in); err != nil {
		return err
	}
	c, err := h.Cases.EditClaim(r.Context(), api.Principal(r), id, cid, in.claim(), in.Version)
	if err != nil {
		return err
	}
	return api.OK(w, c)
}

// removeClaim: DELETE /cases/{id}/claims/{claim_id}?version=.
func (h *API) removeClaim(w http.ResponseWriter, r *http.Request) error {
	id, cid, err := api.PathIDs(r, "claim_id")
	if err != nil {
		return err
	}
	v, err := version(r)
	if err != nil {
		return err
	}
	c, err := h.Cases.RemoveClaim(r.Context(), api.Principal(r), id, cid, v)
	if err != nil {
		return err
	}
	return api.OK(w, c)
}
