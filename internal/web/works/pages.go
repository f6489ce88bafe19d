// Package works serves the pages of calls for works (作品征集): the staff's
// calls, their entries with screening, the judging panel, awards and
// results; the judges' blind scoring; members' calls and entries on the
// phone; and the photos, to those the store lets see them.
package works

import (
	"embed"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/beijing"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/i18n"
	"gonghui/internal/web"
	"gonghui/internal/works"
)

//go:embed templates static
var files embed.FS

func init() { web.AddFiles(files) }

// Pages serve this module's pages on the web kernel.
type Pages struct {
	*web.Kernel
	Works *works.Store // nil: the pages are not served
}

// New returns the module's pages.
func New(k *web.Kernel, s *works.Store) *Pages { return &Pages{Kernel: k, Works: s} }

// uploadMax bounds a request carrying photos: the largest call's photos
// and the form around them.
const uploadMax = works.MaxPhotos*works.MaxPhotoKB<<10 + 1<<20

// Routes registers the pages. Staff pages go through h.Authed, members'
// through h.MemberAuthed; both check the form token of every POST.
func (h *Pages) Routes(mux *http.ServeMux) {
	if h.Works == nil {
		return
	}
	a, m := h.Authed, h.MemberAuthed
	mux.HandleFunc("GET /works", a(h.list))
	mux.HandleFunc("GET /works/new", a(h.newForm))
	mux.HandleFunc("POST /works/new", a(h.create))
	mux.HandleFunc("GET /works/{id}", a(h.show))
	mux.HandleFunc("GET /works/{id}/edit", a(h.editForm))
	mux.HandleFunc("POST /works/{id}/edit", a(h.update))
	mux.HandleFunc("POST /works/{id}/{action}", a(h.act)) // publish, cancel, close, award, results, judges
	mux.HandleFunc("GET /works/{id}/awards.xlsx", a(h.awardsExport))
	mux.HandleFunc("GET /works/{id}/entries", a(h.entries))
	mux.HandleFunc("POST /works/entries/{entry}/screen", a(h.screen))
	mux.HandleFunc("GET /judging", a(h.judgeList))
	mux.HandleFunc("GET /judging/{id}", a(h.judging))
	mux.HandleFunc("POST /judging/entries/{entry}", a(h.score))
	mux.HandleFunc("GET /work-photos/{photo}", a(h.photo))
	mux.HandleFunc("GET /m/works", m(h.mList))
	mux.HandleFunc("GET /m/works/{id}", m(h.mShow))
	mux.Handle("POST /m/works/{id}", http.MaxBytesHandler(m(h.mSubmit), uploadMax))
	mux.HandleFunc("GET /m/works/entries/{entry}", m(h.mEntry))
	mux.Handle("POST /m/works/entries/{entry}", http.MaxBytesHandler(m(h.mEdit), uploadMax))
	mux.HandleFunc("POST /m/works/entries/{entry}/withdraw", m(h.mWithdraw))
	mux.HandleFunc("GET /m/works/photos/{photo}", m(h.photo))
}

func callURL(id int64) string { return "/works/" + db.FormatID(id) }

func mayUse(p *auth.Principal) bool { return p.Can(auth.PermContestRead) }

// photo serves a photo to whoever the store lets see it, typed by its
// sniffed content and never sniffed again by the browser: ?size=thumb
// asks for the copy for phones (all that the call's audience gets).
func (h *Pages) photo(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := web.IDParam(r, "photo")
	if err != nil {
		return err
	}
	size := works.PhotoOriginal
	if r.URL.Query().Get("size") == "thumb" {
		size = works.PhotoThumb
	}
	ct, data, err := h.Works.PhotoData(r.Context(), p, id, size)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "private, max-age=3600")
	w.Header().Set("Content-Disposition", "inline")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; sandbox")
	_, err = w.Write(data)
	return err
}

// ---------- words ----------

func phaseLabel(lang i18n.Lang, ph works.Phase) string {
	return i18n.T(lang, "works.phase."+string(ph))
}

func phaseVariant(ph works.Phase) string {
	switch ph {
	case works.PhaseOpen:
		return "success"
	case works.PhaseJudging:
		return "info"
	case works.PhaseResults:
		return "accent"
	case works.PhaseDraft:
		return "warning"
	}
	return "neutral"
}

func entryLabel(lang i18n.Lang, st works.EntryStatus) string {
	return i18n.T(lang, "works.entry."+string(st))
}

func entryVariant(st works.EntryStatus) string {
	switch st {
	case works.EntryAccepted:
		return "success"
	case works.EntryRejected:
		return "danger"
	}
	return "warning"
}

func moment(t time.Time) string { return t.In(beijing.Zone).Format("2006-01-02 15:04") }

func window(a, b time.Time) string { return moment(a) + " – " + moment(b) }

func score(v *float64) string {
	if v == nil {
		return "—"
	}
	return strconv.FormatFloat(*v, 'f', 2, 64)
}

// facts are a call's rules in words.
func facts(lang i18n.Lang, c *works.Call) []string {
	out := []string{i18n.T(lang, "works.kind."+string(c.Kind))}
	if c.Kind == works.KindEssay {
		out = append(out, i18n.T(lang, "works.fact.chars", c.MinChars, c.MaxChars))
	} else {
		out = append(out, i18n.T(lang, "works.fact.photos", c.MaxPhotos, float64(c.MaxPhotoKB)/1024))
	}
	out = append(out, i18n.T(lang, "works.fact.per_member", c.PerMember))
	var crit []string
	for _, k := range c.Criteria {
		crit = append(crit, k.Name+" "+strconv.Itoa(k.Weight)+"%")
	}
	out = append(out, i18n.T(lang, "works.fact.criteria", strings.Join(crit, "、")))
	var tiers []string
	for _, t := range c.Tiers {
		tiers = append(tiers, t.Name+" "+strconv.Itoa(t.Count))
	}
	out = append(out, i18n.T(lang, "works.fact.tiers", strings.Join(tiers, "、")))
	return out
}

// entryFrom reads an entry's form: its texts, the photos attached and
// those ticked for removal.
func entryFrom(r *http.Request) (works.EntryInput, error) {
	in := works.EntryInput{Title: r.PostFormValue("title"), Body: r.PostFormValue("body"), Note: r.PostFormValue("note"),
		Original: r.PostFormValue("original") == "1"}
	if r.MultipartForm != nil {
		for _, fh := range r.MultipartForm.File["photos"] {
			if fh.Size == 0 {
				continue
			}
			f, err := fh.Open()
			if err != nil {
				return in, errs.Internal(err, "works: read upload")
			}
			b, err := io.ReadAll(io.LimitReader(f, works.MaxPhotoKB<<10+1))
			f.Close()
			if err != nil {
				return in, errs.Internal(err, "works: read upload")
			}
			in.Photos = append(in.Photos, b)
		}
	}
	for _, s := range r.PostForm["remove"] {
		if id, ok := db.ParseID(s); ok {
			in.Remove = append(in.Remove, id)
		}
	}
	return in, nil
}
