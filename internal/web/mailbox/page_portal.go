package mailbox

import (
	"io"
	"net/http"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
	"gonghui/internal/i18n"
	"gonghui/internal/mailbox"
	"gonghui/internal/web"
)

// The suggestion box in the members' portal, phone first: the member's
// letters (/m/letters), writing one (/m/letters/new, a multipart form:
// photos go with the text), and one letter as its writer sees it, with
// the answers, the history (the unions that acted, never staff names),
// the rating and the one follow-up.

// mineItem is one of the member's letters on their list.
type mineItem struct {
	URL, Subject, Org, When string
	StatusLabel, StatusV    string
	Anonymous               bool
	Replied                 bool // answered once, the status since moved on (closed, or reopened by a follow-up)
}

type mineData struct {
	Items  []mineItem
	Unread int
}

func (h *Pages) mine(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	ls, err := h.Letters.MineList(r.Context(), p)
	if err != nil {
		return err
	}
	pg := h.MemberPage(w, r, "mailbox.portal.title", "letters")
	d := mineData{Unread: h.Unread(r.Context(), p.MemberID)}
	for i := range ls {
		l := &ls[i]
		d.Items = append(d.Items, mineItem{URL: memberLetterURL(l.ID), Subject: l.Subject, Org: l.OrgName,
			When: web.FormatTime(l.ReceivedAt, "2006-01-02"), StatusLabel: statusLabel(pg.Lang, l.Status), StatusV: statusVariant(l.Status),
			Anonymous: l.Anonymous, Replied: l.AnsweredAt != nil && l.Status != mailbox.StatusAnswered})
	}
	pg.Data = d
	h.Render(w, http.StatusOK, "letter_mine", pg)
	return nil
}

// writeData is the Data of the writing form.
type writeData struct {
	Addressees []web.Option
	Categories []web.Option
	MaxSubject int
	MaxBody    int
	MaxPhotos  int
	PhotoMB    int
	PerDay     int
	Unread     int
}

func (h *Pages) writeForm(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return h.renderWrite(w, r, p, nil)
}

func (h *Pages) renderWrite(w http.ResponseWriter, r *http.Request, p *auth.Principal, err error) error {
	as, aerr := h.Letters.Addressees(r.Context(), p)
	if aerr != nil {
		return aerr
	}
	pg := h.MemberPage(w, r, "mailbox.portal.write", "letters")
	pg.Path = "/m/letters/new"
	status := http.StatusOK
	if err != nil {
		f, ok := web.FormFrom(pg, r, err)
		if !ok {
			return err
		}
		pg.Form, status = f, httpx.Status(err)
	}
	d := writeData{Categories: web.EnumOptions(pg.Lang, mailbox.Categories, categoryLabel), MaxSubject: mailbox.MaxSubject, MaxBody: mailbox.MaxBody,
		MaxPhotos: mailbox.MaxPhotos, PhotoMB: mailbox.MaxPhotoBytes >> 20, PerDay: h.Letters.PerDay, Unread: h.Unread(r.Context(), p.MemberID)}
	for _, a := range as {
		d.Addressees = append(d.Addressees, web.Option{Value: db.FormatID(a.OrgID), Label: i18n.T(pg.Lang, "mailbox.level."+string(a.Level)) + " · " + a.Name})
	}
	pg.Data = d
	h.Render(w, status, "letter_write", pg)
	return nil
}

// write: POST /m/letters/new.
func (h *Pages) write(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	f := errs.Fields{}
	in := mailbox.Input{OrgID: web.ParseIDValue(web.FormValue(r, "org_id")), Category: mailbox.Category(web.FormValue(r, "category")),
		Subject: r.PostFormValue("subject"), Body: r.PostFormValue("body"), Anonymous: web.FormValue(r, "anonymous") == "1"}
	var photos [][]byte
	if r.MultipartForm != nil {
		files := r.MultipartForm.File["photo"]
		if len(files) > mailbox.MaxPhotos {
			f.Add("photos", "mailbox.photos_too_many", mailbox.MaxPhotos)
		}
		for _, fh := range files {
			if fh.Size == 0 {
				continue // a file input left empty: nothing to attach
			}
			file, err := fh.Open()
			if err != nil {
				f.Add("photos", "upload.unreadable")
				break
			}
			data, err := io.ReadAll(io.LimitReader(file, mailbox.MaxPhotoBytes+1))
			file.Close()
			if err != nil {
				f.Add("photos", "upload.unreadable")
				break
			}
			photos = append(photos, data)
		}
	}
	err := f.Err()
	if err == nil {
		var l *mailbox.Letter
		if l, err = h.Letters.Write(r.Context(), p, in, photos); err == nil {
			web.Redirect(w, r, memberLetterURL(l.ID), "flash.mailbox.written")
			return nil
		}
	}
	return h.renderWrite(w, r, p, err)
}

// mineShowData is the Data of a letter as its writer sees it.
type mineShowData struct {
	L             letterRow
	Body          string
	Events        []eventRow
	Photos        []photoView
	Can           mailbox.Can
	URL           string
	Rating        string
	RatingOptions []web.Option
	MaxFollowUp   int
	Unread        int
}

func (h *Pages) mineOne(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return h.renderMineOne(w, r, p, nil)
}

func (h *Pages) renderMineOne(w http.ResponseWriter, r *http.Request, p *auth.Principal, err error) error {
	id, ierr := web.IDParam(r, "id")
	if ierr != nil {
		return ierr
	}
	th, lerr := h.Letters.Mine(r.Context(), p, id)
	if lerr != nil {
		return lerr
	}
	pg := h.MemberPage(w, r, "", "letters")
	pg.Title = th.Subject
	pg.Path = memberLetterURL(id)
	status := http.StatusOK
	if err != nil {
		f, ok := web.FormFrom(pg, r, err)
		if !ok {
			return err
		}
		pg.Form, status = f, httpx.Status(err)
	}
	d := mineShowData{L: rowOf(pg.Lang, &th.Letter, false), Body: th.Body, Can: th.Can, URL: memberLetterURL(id),
		RatingOptions: web.EnumOptions(pg.Lang, mailbox.Ratings, ratingLabel), Rating: string(th.Rating), MaxFollowUp: mailbox.MaxFollowUp,
		Unread: h.Unread(r.Context(), p.MemberID)}
	for i := range th.Events {
		d.Events = append(d.Events, eventOf(pg.Lang, &th.Events[i], false))
	}
	for i, ph := range th.PhotoList {
		d.Photos = append(d.Photos, photoView{URL: d.URL + "/photos/" + db.FormatID(ph.ID), Alt: pg.T("mailbox.photo_n", i+1)})
	}
	pg.Data = d
	h.Render(w, status, "letter_mine_show", pg)
	return nil
}

func (h *Pages) rate(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := web.IDParam(r, "id")
	if err != nil {
		return err
	}
	if _, err := h.Letters.Rate(r.Context(), p, id, mailbox.Rating(web.FormValue(r, "rating"))); err != nil {
		return h.renderMineOne(w, r, p, err)
	}
	web.Redirect(w, r, memberLetterURL(id)+"#rate", "flash.mailbox.rated")
	return nil
}

func (h *Pages) followUp(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := web.IDParam(r, "id")
	if err != nil {
		return err
	}
	if _, err := h.Letters.FollowUp(r.Context(), p, id, r.PostFormValue("text")); err != nil {
		return h.renderMineOne(w, r, p, err)
	}
	web.Redirect(w, r, memberLetterURL(id), "flash.mailbox.followed_up")
	return nil
}
