package members

import (
	"net/http"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/card"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
	"gonghui/internal/i18n"
	"gonghui/internal/member"
	"gonghui/internal/web"
)

// A signed-in member's pages: home (/m), the card (/m/card) and the
// account (/m/account). Numbers are always shown masked.

// portalHomeData is the Data of a member's home page.
type portalHomeData struct {
	M           memberRow
	HasPassword bool
	Unread      int          // unread notices (page_portal_activities.go)
	ForYou      []forYouItem // replies and results (internal/inbox)
}

// forYouItem is one reply or result on a member's home page.
type forYouItem struct {
	Text, Reason, When, Link string
	Open                     bool
}

// forYouDays is how long a settled reply or result stays on the home page.
const forYouDays = 30

// forYou reads what is for the member: their inbox's items in words.
func (h *Pages) forYou(r *http.Request, lang i18n.Lang, memberID int64) ([]forYouItem, error) {
	items, err := h.Inbox.ForMember(r.Context(), memberID, time.Now().AddDate(0, 0, -forYouDays))
	if err != nil {
		return nil, err
	}
	out := make([]forYouItem, 0, len(items))
	for _, it := range items {
		subject := it.Subject
		if it.SubjectKey != "" {
			subject = i18n.T(lang, it.SubjectKey)
		}
		v := forYouItem{Text: i18n.T(lang, "inbox.member."+it.Kind+"_"+it.State, subject), When: web.FormatTime(it.At, "2006-01-02"), Link: it.Link, Open: it.Open()}
		if it.Reason != "" && it.State == "rejected" {
			v.Reason = i18n.T(lang, "inbox.member.reason", it.Reason)
		}
		out = append(out, v)
	}
	return out, nil
}

// portalHome: GET /m.
func (h *Pages) portalHome(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	m, err := h.Members.Own(r.Context(), p.MemberID)
	if err != nil {
		return err
	}
	has, err := h.Auth.HasMemberPassword(r.Context(), p.MemberID)
	if err != nil {
		return err
	}
	d := portalHomeData{HasPassword: has}
	d.Unread = h.Unread(r.Context(), p.MemberID)
	pg := h.MemberPage(w, r, "portal.home.title", "home")
	if d.ForYou, err = h.forYou(r, pg.Lang, p.MemberID); err != nil {
		return err
	}
	d.M = memberView(pg.Lang, *m)
	pg.Data = d
	h.Render(w, http.StatusOK, "portal_home", pg)
	return nil
}

// portalCardData is the Data of a card page, the member's or staff's.
type portalCardData struct {
	Name, OrgName string
	ValidUntil    string // date, Beijing time
	ImageURL      string
	Staff         bool   // shown to staff (printable), not to the member
	MemberURL     string // staff: back to the member's page
}

// cardView fills the card of c; imageURL serves its QR code.
func cardView(c *member.Card, imageURL string) portalCardData {
	return portalCardData{Name: c.Member.Name, OrgName: c.Member.OrgName, ValidUntil: web.FormatTime(c.ValidUntil, "2006-01-02"), ImageURL: imageURL}
}

// portalCard: GET /m/card, the member's digital card.
func (h *Pages) portalCard(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	c, err := h.Members.OwnCard(r.Context(), p.MemberID)
	if err != nil {
		return err
	}
	pg := h.MemberPage(w, r, "portal.card.title", "card")
	pg.Data = cardView(c, "/m/card.png")
	h.Render(w, http.StatusOK, "portal_card", pg)
	return nil
}

// cardPNGSize is the side of a card's QR image: 8 pixels a module for a
// typical card, sharp at 2× on a phone and in print.
const cardPNGSize = 480

// writeCardPNG answers the QR code of a freshly signed card, never cached.
func writeCardPNG(w http.ResponseWriter, c *member.Card) error {
	png, err := card.PNG(c.Payload, cardPNGSize)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, err = w.Write(png)
	return err
}

// portalCardPNG: GET /m/card.png, signed anew on every request.
func (h *Pages) portalCardPNG(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	c, err := h.Members.OwnCard(r.Context(), p.MemberID)
	if err == nil {
		err = writeCardPNG(w, c)
	}
	if err != nil {
		w.Header().Set("Cache-Control", "no-store")
		h.Fail(w, r, nil, err)
	}
	return nil
}

// portalAccountData is the Data of a member's account page.
type portalAccountData struct {
	Mobile       string // masked
	HasPassword  bool
	FreshCode    bool // signed in with a code minutes ago: may replace a forgotten password
	PasswordHint string
	Transfers    []portalTransfer
	Applications []portalApplication
}

// portalApplication is an application to join as its member sees it.
type portalApplication struct {
	Org, Status, Variant, Created, Reason string
}

// portalTransfer is a transfer as its member sees it.
type portalTransfer struct {
	From, To          string
	Status, Variant   string
	Requested, Closed string
	Reason            string
}

func (h *Pages) renderPortalAccount(w http.ResponseWriter, r *http.Request, p *auth.Principal, pg *web.Page, status int) {
	ctx := r.Context()
	m, err := h.Members.Own(ctx, p.MemberID)
	if err != nil {
		h.Fail(w, r, nil, err)
		return
	}
	d := portalAccountData{Mobile: m.Mobile, FreshCode: p.FreshCode}
	if d.HasPassword, err = h.Auth.HasMemberPassword(ctx, p.MemberID); err != nil {
		h.Fail(w, r, nil, err)
		return
	}
	pol, err := h.Auth.Policy(ctx)
	if err != nil {
		h.Fail(w, r, nil, err)
		return
	}
	d.PasswordHint = pg.T("portal.account.password_rule", pol.MinLength, pol.MinClasses)
	ts, err := h.Members.OwnTransfers(ctx, p.MemberID)
	if err != nil {
		h.Fail(w, r, nil, err)
		return
	}
	for _, t := range ts {
		v := portalTransfer{From: t.FromOrgName, To: t.ToOrgName, Status: transferStatusLabel(pg.Lang, t.Status),
			Variant: transferStatusVariant(t.Status), Requested: web.FormatTime(t.RequestedAt, "2006-01-02"), Reason: t.Reason}
		if t.Status != member.TransferRequested && t.Status != member.TransferReleased {
			v.Closed = web.FormatTime(t.DecidedAt, "2006-01-02")
		}
		d.Transfers = append(d.Transfers, v)
	}
	apps, err := h.Members.OwnApplications(ctx, p.MemberID)
	if err != nil {
		h.Fail(w, r, nil, err)
		return
	}
	for _, a := range apps {
		d.Applications = append(d.Applications, portalApplication{Org: a.OrgName, Status: appStatusLabel(pg.Lang, a.Status),
			Variant: appStatusVariant(a.Status), Created: web.FormatTime(a.CreatedAt, "2006-01-02"), Reason: a.Reason})
	}
	pg.Data = d
	h.Render(w, status, "portal_account", pg)
}

// portalAccount: GET /m/account.
func (h *Pages) portalAccount(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	h.renderPortalAccount(w, r, p, h.MemberPage(w, r, "portal.account.title", "account"), http.StatusOK)
	return nil
}

// portalPassword: POST /m/password, set or change the sign-in password.
func (h *Pages) portalPassword(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	ctx := r.Context()
	had, err := h.Auth.HasMemberPassword(ctx, p.MemberID)
	if err != nil {
		return err
	}
	password := r.PostFormValue("password")
	if password != r.PostFormValue("password2") {
		f := errs.Fields{}
		f.Add("password2", "portal.account.mismatch")
		err = f.Err()
	} else {
		err = h.Auth.SetMemberPassword(ctx, p, r.PostFormValue("current"), password)
	}
	if err != nil {
		pg := h.MemberPage(w, r, "portal.account.title", "account")
		pg.Path = "/m/account"
		form, ok := web.FormError(pg, err)
		if !ok {
			return err
		}
		pg.Form = form
		h.renderPortalAccount(w, r, p, pg, httpx.Status(err))
		return nil
	}
	flash := "portal.flash.password_set"
	if had {
		flash = "portal.flash.password_changed"
	}
	web.Redirect(w, r, "/m/account", flash)
	return nil
}
