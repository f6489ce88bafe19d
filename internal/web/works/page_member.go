package works

import (
	"net/http"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/web"
	"gonghui/internal/works"
)

// The members' pages (/m/works): the calls open to them, a call with
// their entries and the form to hand in another, an entry's page to edit
// or withdraw it, and the winners once published.

type mItem struct {
	URL, Title, Phase, PhaseV, When, Mine string
}

type mEntryRow struct {
	URL, Title, Status, StatusV, Reason, Award string
	Photos                                     []photoLink
}

type mShowData struct {
	Item      mItem
	ID        string
	Desc      string
	Facts     []string
	Essay     bool
	CanSubmit bool
	Entries   []mEntryRow
	Winners   []winnerView
	Action    string
	Unread    int
}

func (h *Pages) mList(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	all, err := h.Works.ForMember(r.Context(), p)
	if err != nil {
		return err
	}
	pg := h.MemberPage(w, r, "works.m.title", "works")
	var items []mItem
	for _, l := range all {
		it := mItem{URL: "/m/works/" + db.FormatID(l.ID), Title: l.Title, Phase: phaseLabel(pg.Lang, l.Phase), PhaseV: phaseVariant(l.Phase),
			When: window(l.OpensAt, l.ClosesAt)}
		if l.Entries > 0 {
			it.Mine = pg.T("works.m.mine", l.Entries, l.PerMember)
		}
		items = append(items, it)
	}
	pg.Data = map[string]any{"Items": items, "Unread": h.Unread(r.Context(), p.MemberID)}
	h.Render(w, http.StatusOK, "works_m_list", pg)
	return nil
}

func (h *Pages) mShow(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := web.IDParam(r, "id")
	if err != nil {
		return err
	}
	pg := h.MemberPage(w, r, "", "works")
	return h.renderShow(w, r, p, pg, id, http.StatusOK)
}

func (h *Pages) renderShow(w http.ResponseWriter, r *http.Request, p *auth.Principal, pg *web.Page, id int64, status int) error {
	mc, err := h.Works.ForMemberOne(r.Context(), p, id)
	if err != nil {
		return err
	}
	c := mc.Call
	pg.Title = c.Title
	d := mShowData{Item: mItem{Title: c.Title, Phase: phaseLabel(pg.Lang, mc.Phase), PhaseV: phaseVariant(mc.Phase), When: window(c.OpensAt, c.ClosesAt)},
		ID: db.FormatID(c.ID), Desc: c.Description, Facts: facts(pg.Lang, c), Essay: c.Kind == works.KindEssay, CanSubmit: mc.CanSubmit,
		Winners: winnerViews(mc.Winners, "/m/works/photos/", false), Action: "/m/works/" + db.FormatID(c.ID), Unread: h.Unread(r.Context(), p.MemberID)}
	for _, e := range mc.Entries {
		row := mEntryRow{URL: "/m/works/entries/" + db.FormatID(e.ID), Title: e.Title, Status: entryLabel(pg.Lang, e.Status),
			StatusV: entryVariant(e.Status), Reason: e.Reason, Award: e.Award}
		row.Photos = photoLinks(e.Photos, "/m/works/photos/", true)
		d.Entries = append(d.Entries, row)
	}
	pg.Data = d
	h.Render(w, status, "works_m_show", pg)
	return nil
}

func (h *Pages) mSubmit(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := web.IDParam(r, "id")
	if err != nil {
		return err
	}
	in, err := entryFrom(r)
	if err == nil {
		if _, err = h.Works.Submit(r.Context(), p, id, in); err == nil {
			web.Redirect(w, r, "/m/works/"+db.FormatID(id), "flash.works.submitted")
			return nil
		}
	}
	pg := h.MemberPage(w, r, "", "works")
	if !h.Validation(w, r, p, pg, err) {
		return nil
	}
	return h.renderShow(w, r, p, pg, id, web.FormStatus(err))
}

type mEntryData struct {
	Entry    *works.Entry
	Photos   []mPhoto
	Essay    bool
	CanEdit  bool
	Action   string
	Withdraw string
	Back     string
	Status   string
	StatusV  string
	Unread   int
}

type mPhoto struct{ ID, URL, Full string }

func (h *Pages) mEntry(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := web.IDParam(r, "entry")
	if err != nil {
		return err
	}
	pg := h.MemberPage(w, r, "", "works")
	return h.renderEntry(w, r, p, pg, id, http.StatusOK)
}

func (h *Pages) renderEntry(w http.ResponseWriter, r *http.Request, p *auth.Principal, pg *web.Page, id int64, status int) error {
	e, err := h.Works.Own(r.Context(), p, id)
	if err != nil {
		return err
	}
	mc, err := h.Works.ForMemberOne(r.Context(), p, e.CallID)
	if err != nil {
		return err
	}
	pg.Title = e.Title
	d := mEntryData{Entry: e, Essay: mc.Call.Kind == works.KindEssay, CanEdit: mc.Phase == works.PhaseOpen,
		Action: "/m/works/entries/" + db.FormatID(id), Withdraw: "/m/works/entries/" + db.FormatID(id) + "/withdraw",
		Back: "/m/works/" + db.FormatID(e.CallID), Status: entryLabel(pg.Lang, e.Status), StatusV: entryVariant(e.Status),
		Unread: h.Unread(r.Context(), p.MemberID)}
	for _, ph := range e.Photos {
		u := "/m/works/photos/" + db.FormatID(ph.ID)
		d.Photos = append(d.Photos, mPhoto{ID: db.FormatID(ph.ID), URL: u + "?size=thumb", Full: u})
	}
	pg.Data = d
	h.Render(w, status, "works_m_entry", pg)
	return nil
}

func (h *Pages) mEdit(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := web.IDParam(r, "entry")
	if err != nil {
		return err
	}
	in, err := entryFrom(r)
	if err == nil {
		if _, err = h.Works.Edit(r.Context(), p, id, in); err == nil {
			web.Redirect(w, r, "/m/works/entries/"+db.FormatID(id), "flash.works.saved")
			return nil
		}
	}
	pg := h.MemberPage(w, r, "", "works")
	if !h.Validation(w, r, p, pg, err) {
		return nil
	}
	return h.renderEntry(w, r, p, pg, id, web.FormStatus(err))
}

func (h *Pages) mWithdraw(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := web.IDParam(r, "entry")
	if err != nil {
		return err
	}
	e, err := h.Works.Own(r.Context(), p, id)
	if err != nil {
		return err
	}
	if err := h.Works.Withdraw(r.Context(), p, id); err != nil {
		return err
	}
	web.Redirect(w, r, "/m/works/"+db.FormatID(e.CallID), "flash.works.withdrawn")
	return nil
}
