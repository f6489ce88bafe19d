package web

import (
	"net/http"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/i18n"
	"gonghui/internal/org"
)

// homeData is the Data of the home page: who the caller is and the numbers
// of each subtree they see.
type homeData struct {
	Grants    []grantView
	Scopes    []scopeView
	NewOrgURL string // "add a union" under the first root the caller may change
	CanUsers  bool
	CanAudit  bool
}

// scopeView is one of the caller's roots with the counts of its subtree.
type scopeView struct {
	ID, Name, URL string
	KindLabel     string
	Counts        org.Counts
	Kinds         []kindCount
}

type kindCount struct {
	Kind  string
	Label string
	N     int
}

func kindCounts(lang i18n.Lang, c org.Counts) []kindCount {
	var out []kindCount
	for _, k := range org.Kinds {
		if n := c.ByKind[k]; n > 0 {
			out = append(out, kindCount{string(k), kindLabel(lang, k), n})
		}
	}
	return out
}

func (h *Handler) home(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	ctx := r.Context()
	pg := h.page(w, r, p, "page.home.title", "home")
	data := homeData{Grants: grantViews(pg.Lang, p.Grants), CanUsers: p.Can(auth.PermUserManage), CanAudit: p.Can(auth.PermAuditRead)}
	roots, err := h.Orgs.Roots(ctx, p)
	if err != nil {
		h.fail(w, r, p, err)
		return
	}
	for _, root := range roots {
		// The folded figures: a home page at the city root must not count
		// a city's employers on every visit.
		f, err := h.rep.Stats.Read(ctx, root.ID)
		if err != nil {
			h.fail(w, r, p, err)
			return
		}
		c := org.CountsFrom(f)
		data.Scopes = append(data.Scopes, scopeView{
			ID: db.FormatID(root.ID), Name: root.Name, URL: orgURL(root.ID), KindLabel: kindLabel(pg.Lang, root.Kind),
			Counts: c, Kinds: kindCounts(pg.Lang, c),
		})
		if data.NewOrgURL == "" && p.CanAt(auth.PermOrgWrite, root.Path) {
			data.NewOrgURL = orgURL(root.ID) + "/new"
		}
	}
	pg.Data = data
	h.r.Render(w, http.StatusOK, "home", pg)
}
