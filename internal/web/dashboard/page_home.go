package dashboard

import (
	"net/http"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/beijing"
	"gonghui/internal/db"
	"gonghui/internal/i18n"
	"gonghui/internal/inbox"
	"gonghui/internal/org"
	"gonghui/internal/web"
)

// homeData is the Data of the home page: who the caller is and the numbers
// of each subtree they see.
type homeData struct {
	Inbox     []inboxGroup // what waits for the caller's decision (internal/inbox)
	HasInbox  bool         // an inbox is wired: show it, empty or not
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

// inboxGroup is one kind of waiting item on the home page.
type inboxGroup struct {
	ID, Title, List string
	Count           int
	More            int // waiting beyond the items shown
	Items           []inboxItem
}

// inboxItem is one waiting item: what, where, and for how long.
type inboxItem struct {
	Title, OrgName, Link string
	Since, Age           string
}

// inboxShown is how many of each kind's oldest items the home page lists.
const inboxShown = 3

// waited says how long an item has waited, in Beijing days: "today",
// "waiting 3 days".
func waited(lang i18n.Lang, since, now time.Time) string {
	switch d := int(beijing.Midnight(now).Sub(beijing.Midnight(since)).Hours() / 24); {
	case d <= 0:
		return i18n.T(lang, "inbox.age.today")
	case d == 1:
		return i18n.T(lang, "inbox.age.day")
	default:
		return i18n.T(lang, "inbox.age.days", d)
	}
}

func inboxGroups(lang i18n.Lang, gs []inbox.Group, now time.Time) []inboxGroup {
	out := make([]inboxGroup, 0, len(gs))
	for _, g := range gs {
		v := inboxGroup{ID: g.Key, Title: i18n.T(lang, g.Title), List: g.List, Count: g.Count, More: g.Count - len(g.Items)}
		for _, it := range g.Items {
			v.Items = append(v.Items, inboxItem{Title: it.Title, OrgName: it.OrgName, Link: it.Link,
				Since: web.FormatTime(it.Since, "2006-01-02 15:04"), Age: waited(lang, it.Since, now)})
		}
		out = append(out, v)
	}
	return out
}

func (h *Pages) home(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	ctx := r.Context()
	pg := h.Page(w, r, p, "page.home.title", "home")
	data := homeData{Grants: web.GrantViews(pg.Lang, p.Grants), CanUsers: p.Can(auth.PermUserManage), CanAudit: p.Can(auth.PermAuditRead)}
	if h.Inbox != nil {
		gs, err := h.Inbox.Groups(ctx, p, inboxShown)
		if err != nil {
			return err
		}
		data.Inbox, data.HasInbox = inboxGroups(pg.Lang, gs, time.Now()), true
	}
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
