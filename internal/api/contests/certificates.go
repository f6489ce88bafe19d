package contests

import (
	"net/http"

	"gonghui/internal/api"
)

// Certificates: a member's certificate of a passed paper, and the public
// check of a scanned one.

// certificate: GET /attempts/{id}/certificate, the member's own.
func (h *API) certificate(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	c, err := h.Contests.Certificate(r.Context(), api.Principal(r), id)
	if err != nil {
		return err
	}
	return api.OK(w, c)
}

type certVerifyInput struct {
	Payload string `json:"payload"`
}

// verifyCertificate: POST /certificates/verify (public) — valid,
// tampered, unknown_key or revoked; an unreadable payload is a field error.
func (h *API) verifyCertificate(w http.ResponseWriter, r *http.Request) error {
	var in certVerifyInput
	if err := api.Decode(w, r, &in); err != nil {
		return err
	}
	c, err := h.Contests.VerifyCertificate(r.Context(), in.Payload)
	if err != nil {
		return err
	}
	return api.OK(w, c)
}
