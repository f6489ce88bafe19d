package members

import (
	"net/http"

	"gonghui/internal/auth"
	"gonghui/internal/card"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
	"gonghui/internal/web"
)

// A member's card for staff (printable), and checking a scanned card
// (public).

// staffCard: GET /members/{id}/card, for staff who may see the member.
func (h *Pages) staffCard(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := web.IDParam(r, "id")
	if err != nil {
		return err
	}
	c, err := h.Members.Card(r.Context(), p, id)
	if err != nil {
		w.Header().Set("Cache-Control", "no-store")
		return err
	}
	pg := h.Page(w, r, p, "portal.staff_card.title", "members")
	m := c.Member
	pg.Crumbs = []web.Crumb{{Label: pg.T("mweb.members.title"), URL: "/members"}, {Label: m.OrgName, URL: "/members?org=" + db.FormatID(m.OrgID)},
		{Label: m.Name, URL: web.MemberURL(m.ID)}, {Label: pg.Title}}
	d := cardView(c, web.MemberURL(m.ID)+"/card.png")
	d.Staff, d.MemberURL = true, web.MemberURL(m.ID)
	pg.Data = d
	w.Header().Set("Cache-Control", "no-store")
	h.Render(w, http.StatusOK, "portal_staff_card", pg)
	return nil
}

// staffCardPNG: GET /members/{id}/card.png.
func (h *Pages) staffCardPNG(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := web.IDParam(r, "id")
	if err == nil {
		c, cerr := h.Members.Card(r.Context(), p, id)
		if err = cerr; err == nil {
			err = writeCardPNG(w, c)
		}
	}
	if err != nil {
		w.Header().Set("Cache-Control", "no-store")
		h.Fail(w, r, p, err)
	}
	return nil
}

// cardVerifyData is the Data of the page that checks a scanned card.
type cardVerifyData struct {
	Checked   bool   // a payload was checked: show the verdict
	Status    string // valid, expired, revoked, forged
	Valid     bool
	Label     string // translated status
	Explain   string // what the status means, in a sentence
	Name      string // claims of a card that is not forged
	OrgName   string
	Issued    string
	Until     string
	PublicKey string
}

func (h *Pages) renderCardVerify(w http.ResponseWriter, r *http.Request, pg *web.Page, d cardVerifyData, status int) {
	key, err := h.Members.PublicKey(r.Context())
	if err != nil {
		h.Fail(w, r, nil, err)
		return
	}
	d.PublicKey = key
	pg.Data = d
	h.Render(w, status, "portal_verify", pg)
}

// cardVerifyPage: GET /card/verify.
func (h *Pages) cardVerifyPage(w http.ResponseWriter, r *http.Request) {
	pg := h.PublicPage(w, r, "portal.verify.title")
	h.renderCardVerify(w, r, pg, cardVerifyData{}, http.StatusOK)
}

// cardVerifySubmit: POST /card/verify. A POST, so that the payload (a
// name) stays out of addresses and logs.
func (h *Pages) cardVerifySubmit(w http.ResponseWriter, r *http.Request) {
	pg := h.PublicPage(w, r, "portal.verify.title")
	if !h.CheckCSRF(r) {
		pg.Form = &web.Form{Values: map[string]string{"payload": r.PostFormValue("payload")}, Errors: map[string]string{}, Message: pg.T("error.csrf")}
		h.renderCardVerify(w, r, pg, cardVerifyData{}, httpx.KindStatus(errs.KindForbidden))
		return
	}
	payload := r.PostFormValue("payload")
	c, err := h.Members.VerifyCard(r.Context(), payload)
	if err != nil {
		form, ok := web.FormError(pg, err)
		if !ok {
			h.Fail(w, r, nil, err)
			return
		}
		form.Values["payload"] = payload
		form.Message = ""
		pg.Form = form
		h.renderCardVerify(w, r, pg, cardVerifyData{}, httpx.Status(err))
		return
	}
	d := cardVerifyData{Checked: true, Status: string(c.Status), Valid: c.Status == card.StatusValid,
		Label: pg.T("portal.verify.verdict." + string(c.Status)), Explain: pg.T("portal.verify.explain." + string(c.Status))}
	if c.Status != card.StatusForged {
		d.Name, d.OrgName = c.Name, c.OrgName
		d.Issued, d.Until = web.FormatTime(c.IssuedAt, "2006-01-02"), web.FormatTime(c.ValidUntil, "2006-01-02")
	}
	// The textarea is left empty for the next card.
	h.renderCardVerify(w, r, pg, d, http.StatusOK)
}
