// Package mailbox serves the pages of the suggestion box (职工心声 /
// 主席信箱): the staff's list of letters with their filters, a letter's
// page with its history and the forms that accept, answer, forward,
// decline and close it, bulk acceptance; and the members' phone pages:
// their letters, writing one (with photos), a letter as its writer sees
// it, the rating and the one follow-up. The store is internal/mailbox; it
// scopes everything and never gives staff the writer of an anonymous
// letter.
package mailbox

import (
	"embed"
	"net/http"

	"gonghui/internal/db"
	"gonghui/internal/i18n"
	"gonghui/internal/mailbox"
	"gonghui/internal/web"
)

//go:embed templates static
var files embed.FS

func init() { web.AddFiles(files) }

// Pages serve this module's pages on the web kernel.
type Pages struct {
	*web.Kernel
	Letters *mailbox.Store // nil: the pages are not served
}

// New returns the module's pages.
func New(k *web.Kernel, letters *mailbox.Store) *Pages { return &Pages{Kernel: k, Letters: letters} }

// writeLimit bounds the body of the writing form: its photos and text.
const writeLimit = mailbox.MaxPhotos*mailbox.MaxPhotoBytes + 1<<20

// Routes registers the staff pages (through h.Authed, which checks the
// form token of every POST) and the members' (h.MemberAuthed).
func (h *Pages) Routes(mux *http.ServeMux) {
	if h.Letters == nil {
		return
	}
	a, m := h.Authed, h.MemberAuthed
	mux.HandleFunc("GET /letters", a(h.list))
	mux.HandleFunc("POST /letters/accept", a(h.bulkAccept))
	mux.HandleFunc("GET /letters/{id}", a(h.show))
	mux.HandleFunc("POST /letters/{id}/{action}", a(h.act))
	mux.HandleFunc("GET /letters/{id}/photos/{pid}", a(h.photo))
	mux.HandleFunc("GET /m/letters", m(h.mine))
	mux.HandleFunc("GET /m/letters/new", m(h.writeForm))
	// The body limit comes first: the member's wrapper reads the form
	// (and so the photos) to check its token.
	mux.Handle("POST /m/letters/new", http.MaxBytesHandler(m(h.write), writeLimit))
	mux.HandleFunc("GET /m/letters/{id}", m(h.mineOne))
	mux.HandleFunc("POST /m/letters/{id}/rating", m(h.rate))
	mux.HandleFunc("POST /m/letters/{id}/follow-up", m(h.followUp))
	mux.HandleFunc("GET /m/letters/{id}/photos/{pid}", m(h.photo))
}

func letterURL(id int64) string       { return "/letters/" + db.FormatID(id) }
func memberLetterURL(id int64) string { return "/m/letters/" + db.FormatID(id) }

// Words of the store's codes.

func statusLabel(lang i18n.Lang, s mailbox.Status) string {
	return i18n.T(lang, "mailbox.status."+string(s))
}

func statusVariant(s mailbox.Status) string {
	switch s {
	case mailbox.StatusNew:
		return "warning"
	case mailbox.StatusAccepted:
		return "info"
	case mailbox.StatusForwarded:
		return "accent"
	case mailbox.StatusAnswered:
		return "success"
	case mailbox.StatusDeclined:
		return "danger"
	}
	return "outline"
}

func categoryLabel(lang i18n.Lang, c mailbox.Category) string {
	return i18n.T(lang, "mailbox.category."+string(c))
}

func ratingLabel(lang i18n.Lang, r mailbox.Rating) string {
	return i18n.T(lang, "mailbox.rating."+string(r))
}

// letterRow is a letter in a list or at the top of its page.
type letterRow struct {
	ID, URL, Link, Subject, Category, OrgName string
	Writer                                    string // "匿名" or the name and union
	Received, Due                             string
	StatusLabel, StatusV                      string
	Overdue, Anonymous                        bool
	Rating                                    string
	Photos                                    int
	CanAccept                                 bool
}

func rowOf(lang i18n.Lang, l *mailbox.Letter, canAccept bool) letterRow {
	v := letterRow{ID: db.FormatID(l.ID), URL: letterURL(l.ID), Subject: l.Subject, Category: categoryLabel(lang, l.Category), OrgName: l.OrgName,
		Received: web.FormatTime(l.ReceivedAt, "2006-01-02 15:04"), Due: web.FormatTime(l.DueAt.Add(-1), "2006-01-02"),
		StatusLabel: statusLabel(lang, l.Status), StatusV: statusVariant(l.Status), Overdue: l.Overdue, Anonymous: l.Anonymous,
		Photos: l.Photos, CanAccept: canAccept}
	if l.Writer != nil {
		v.Writer = i18n.T(lang, "mailbox.writer_of", l.Writer.Name, l.Writer.Union)
	} else {
		v.Writer = i18n.T(lang, "mailbox.anonymous")
	}
	if l.Rating != "" {
		v.Rating = ratingLabel(lang, l.Rating)
	}
	return v
}
