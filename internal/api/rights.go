package api

import "net/http"

// myData: GET /me/data, everything held about the signed-in member, their
// own numbers in full; audited as a self-reveal.
func (h *Handler) myData(w http.ResponseWriter, r *http.Request) error {
	d, err := h.mem.OwnData(r.Context(), principal(r).MemberID, "api")
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return ok(w, d)
}
