package dashboard

import (
	"net/http"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/org"
	"gonghui/internal/web"
)

// homeData is the Data of the home page: who the caller is and the numbers
// of each subtree they see.
type homeData struct {
	Grants    []web.GrantView
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
	Kinds         []web.KindCount
}

func (h *Pages) home(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	ctx := r.Context()
	pg := h.Page(w, r, p, "page.home.title", "home")
	data := homeData{Grants: web.GrantViews(pg.Lang, p.Grants), CanUsers: p.Can(auth.PermUserManage), CanAudit: p.Can(auth.PermAuditRead)}
	roots, err := h.Orgs.Roots(ctx, p)
	if err != nil {
		return err
	}
	for _, root := range roots {
		// The folded figures: a home page at the city root must not count
		// a city's employers on every visit.
		f, err := h.Reports.Stats.Read(ctx, root.ID)
		if err != nil {
			return err
		}
		c := org.CountsFrom(f)
		data.Scopes = append(data.Scopes, scopeView{
			ID: db.FormatID(root.ID), Name: root.Name, URL: web.OrgURL(root.ID), KindLabel: web.KindLabel(pg.Lang, root.Kind),
			Counts: c, Kinds: web.KindCounts(pg.Lang, c),
		})
		if data.NewOrgURL == "" && p.CanAt(auth.PermOrgWrite, root.Path) {
			data.NewOrgURL = web.OrgURL(root.ID) + "/new"
		}
	}
	pg.Data = data
	h.Render(w, http.StatusOK, "home", pg)
	return nil
}
