package members

import (
	"net/http"
	"strconv"

	"gonghui/internal/api"
	"gonghui/internal/auth"
	"gonghui/internal/card"
	"gonghui/internal/errs"
	"gonghui/internal/member"
)

// memberCard: GET /members/{id}/card — a freshly signed card payload.
func (h *API) memberCard(w http.ResponseWriter, r *http.Request) error {
	c, err := h.pathCard(r)
	if err != nil {
		return err
	}
	// writeJSON's no-store keeps a signed card out of every cache.
	return api.OK(w, c)
}

// memberCardPNG: GET /members/{id}/card.png — the card's QR code.
func (h *API) memberCardPNG(w http.ResponseWriter, r *http.Request) error {
	c, err := h.pathCard(r)
	if err != nil {
		return err
	}
	size := 360
	if s := r.URL.Query().Get("size"); s != "" {
		if n, err := strconv.Atoi(s); err == nil && n >= 120 && n <= 1200 {
			size = n
		}
	}
	png, err := card.PNG(c.Payload, size)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write(png)
	return err
}

type verifyInput struct {
	Payload string `json:"payload"`
}

// verifyCard: POST /cards/verify (public) — valid, expired, revoked or
// forged; a malformed payload is a field error.
func (h *API) verifyCard(w http.ResponseWriter, r *http.Request) error {
	var in verifyInput
	if err := api.Decode(w, r, &in); err != nil {
		return err
	}
	c, err := h.Members.VerifyCard(r.Context(), in.Payload)
	if err != nil {
		return err
	}
	return api.OK(w, c)
}

// cardKey: GET /cards/public-key (public) — the key offline verifiers use.
func (h *API) cardKey(w http.ResponseWriter, r *http.Request) error {
	k, err := h.Members.PublicKey(r.Context())
	if err != nil {
		return err
	}
	return api.OK(w, map[string]any{"keys": []string{k}, "format": "ghc1-ed25519:<key id>:<base64url Ed25519 public key>", "payload_prefix": card.Prefix})
}

// pathCard signs the card of the member {id} names for the caller.
func (h *API) pathCard(r *http.Request) (*member.Card, error) {
	id, err := api.PathID(r, "id")
	if err != nil {
		return nil, err
	}
	return h.card(r, id)
}

// card signs member id's card for the caller: the member themself, or
// staff who may see the member.
func (h *API) card(r *http.Request, id int64) (*member.Card, error) {
	p := api.Principal(r)
	if p.Kind == auth.KindMember {
		if p.MemberID != id {
			return nil, errs.NotFound("member")
		}
		return h.Members.OwnCard(r.Context(), id)
	}
	return h.Members.Card(r.Context(), p, id)
}

// myCard: GET /me/card, a member's own card.
func (h *API) myCard(w http.ResponseWriter, r *http.Request) error {
	p := api.Principal(r)
	c, err := h.Members.OwnCard(r.Context(), p.MemberID)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return api.OK(w, c)
}

// myTransfers: GET /me/transfers, a member's own transfers.
func (h *API) myTransfers(w http.ResponseWriter, r *http.Request) error {
	p := api.Principal(r)
	t, err := h.Members.OwnTransfers(r.Context(), p.MemberID)
	if err != nil {
		return err
	}
	return api.OK(w, api.NewList(t, ""))
}

type memberPasswordInput struct {
	Current  string `json:"current"`
	Password string `json:"password"`
}

// myPassword: PUT /me/password, a member sets or changes their password.
func (h *API) myPassword(w http.ResponseWriter, r *http.Request) error {
	p := api.Principal(r)
	var in memberPasswordInput
	if err := api.Decode(w, r, &in); err != nil {
		return err
	}
	if err := h.Auth.SetMemberPassword(r.Context(), p, in.Current, in.Password); err != nil {
		return err
	}
	return api.NoContent(w)
}

// myApplications: GET /me/applications, a member's own applications.
func (h *API) myApplications(w http.ResponseWriter, r *http.Request) error {
	p := api.Principal(r)
	v, err := h.Members.OwnApplications(r.Context(), p.MemberID)
	if err != nil {
		return err
	}
	return api.OK(w, api.NewList(v, ""))
}
