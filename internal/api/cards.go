package api

import (
	"net/http"
	"strconv"

	"gonghui/internal/auth"
	"gonghui/internal/card"
	"gonghui/internal/errs"
	"gonghui/internal/member"
)

// memberCard: GET /members/{id}/card — a freshly signed card payload.
func (h *Handler) memberCard(w http.ResponseWriter, r *http.Request) error {
	c, err := h.pathCard(r)
	if err != nil {
		return err
	}
	// writeJSON's no-store keeps a signed card out of every cache.
	return ok(w, c)
}

// memberCardPNG: GET /members/{id}/card.png — the card's QR code.
func (h *Handler) memberCardPNG(w http.ResponseWriter, r *http.Request) error {
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
func (h *Handler) verifyCard(w http.ResponseWriter, r *http.Request) error {
	var in verifyInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	c, err := h.mem.VerifyCard(r.Context(), in.Payload)
	if err != nil {
		return err
	}
	return ok(w, c)
}

// cardKey: GET /cards/public-key (public) — the key offline verifiers use.
func (h *Handler) cardKey(w http.ResponseWriter, r *http.Request) error {
	k, err := h.mem.PublicKey(r.Context())
	if err != nil {
		return err
	}
	return ok(w, map[string]any{"keys": []string{k}, "format": "ghc1-ed25519:<key id>:<base64url Ed25519 public key>", "payload_prefix": card.Prefix})
}

// pathCard signs the card of the member {id} names for the caller.
func (h *Handler) pathCard(r *http.Request) (*member.Card, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return h.card(r, id)
}

// card signs member id's card for the caller: the member themself, or
// staff who may see the member.
func (h *Handler) card(r *http.Request, id int64) (*member.Card, error) {
	p := principal(r)
	if p.Kind == auth.KindMember {
		if p.MemberID != id {
			return nil, errs.NotFound("member")
		}
		return h.mem.OwnCard(r.Context(), id)
	}
	return h.mem.Card(r.Context(), p, id)
}

// myCard: GET /me/card, a member's own card.
func (h *Handler) myCard(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	c, err := h.mem.OwnCard(r.Context(), p.MemberID)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return ok(w, c)
}

// myTransfers: GET /me/transfers, a member's own transfers.
func (h *Handler) myTransfers(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	t, err := h.mem.OwnTransfers(r.Context(), p.MemberID)
	if err != nil {
		return err
	}
	return ok(w, newList(t, ""))
}

type memberPasswordInput struct {
	Current  string `json:"current"`
	Password string `json:"password"`
}

// myPassword: PUT /me/password, a member sets or changes their password.
func (h *Handler) myPassword(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	var in memberPasswordInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := h.auth.SetMemberPassword(r.Context(), p, in.Current, in.Password); err != nil {
		return err
	}
	return noContent(w)
}

// myApplications: GET /me/applications, a member's own applications.
func (h *Handler) myApplications(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	v, err := h.mem.OwnApplications(r.Context(), p.MemberID)
	if err != nil {
		return err
	}
	return ok(w, newList(v, ""))
}
