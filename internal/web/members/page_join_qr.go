package members

import (
	"net/http"

	"gonghui/internal/auth"
	"gonghui/internal/card"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
	"gonghui/internal/org"
	"gonghui/internal/web"
)

// The joining poster: a union's printable page with the QR code of its
// public joining page.

// joinURL is the absolute address of a union's joining page, as the
// visitor reached this server (https when the connection, or a trusted
// proxy, says so).
func (h *Pages) joinURL(r *http.Request, id int64) string {
	scheme := "http"
	if httpx.Secure(r, h.HTTP) {
		scheme = "https"
	}
	return scheme + "://" + r.Host + "/join/" + db.FormatID(id)
}

// posterUnion loads the union of the {id} path value if it takes members.
func (h *Pages) posterUnion(w http.ResponseWriter, r *http.Request, p *auth.Principal) (*org.Org, bool) {
	id, err := web.IDParam(r, "id")
	if err == nil {
		var o *org.Org
		if o, err = h.Orgs.Get(r.Context(), p, id); err == nil {
			if takesMembers(o.Kind) {
				return o, true
			}
			err = errs.NotFound("join poster")
		}
	}
	h.Fail(w, r, p, err)
	return nil, false
}

// joinQRData is the Data of the poster.
type joinQRData struct {
	OrgName, OrgURL, URL, ImageURL string
}

// joinQR: GET /orgs/{id}/join-qr.
func (h *Pages) joinQR(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	o, ok := h.posterUnion(w, r, p)
	if !ok {
		return nil
	}
	anc, err := h.Orgs.Ancestors(r.Context(), p, o.ID)
	if err != nil {
		return err
	}
	pg := h.Page(w, r, p, "mweb.poster.title", "orgs")
	pg.Crumbs = web.OrgCrumbs(pg.Lang, anc, o, web.Crumb{Label: pg.Title})
	pg.Data = joinQRData{OrgName: o.Name, OrgURL: web.OrgURL(o.ID), URL: h.joinURL(r, o.ID), ImageURL: web.OrgURL(o.ID) + "/join-qr.png"}
	h.Render(w, http.StatusOK, "join_qr", pg)
	return nil
}

// joinQRPNG: GET /orgs/{id}/join-qr.png, the code of the joining address.
func (h *Pages) joinQRPNG(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	o, ok := h.posterUnion(w, r, p)
	if !ok {
		return nil
	}
	png, err := card.PNG(h.joinURL(r, o.ID), 720)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "private, max-age=300")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Write(png)
	return nil
}
