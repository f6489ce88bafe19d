package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/i18n"
	"gonghui/internal/member"
	"gonghui/internal/org"
)

// pageSize is how many rows a list page shows.
const pageSize = 50

// treeLevel is how many children one level of the tree shows before a
// "more" link to the organisation's own page.
const treeLevel = 200

// Labels of the domain's codes. The org package keeps their names in its own
// catalogue (org.*.json).

func kindLabel(lang i18n.Lang, k org.Kind) string { return i18n.T(lang, "org.kind."+string(k)) }

func kindVariant(k org.Kind) string {
	if k.IsFederation() {
		return "accent"
	}
	return "info"
}

func positionLabel(lang i18n.Lang, pos string) string { return i18n.T(lang, "org.position."+pos) }

func categoryLabel(lang i18n.Lang, code string) string {
	if code == "" {
		return ""
	}
	if key := "org.category." + code; i18n.Has(key) {
		return i18n.T(lang, key)
	}
	return org.CategoryName(code, lang == i18n.ZH)
}

func industryLabel(lang i18n.Lang, letter string) string {
	if letter == "" {
		return ""
	}
	return i18n.T(lang, "org.industry."+letter)
}

func roleLabel(lang i18n.Lang, r auth.Role) string { return i18n.T(lang, "role."+string(r)) }

func kindOptions(lang i18n.Lang) []Option {
	out := make([]Option, 0, len(org.Kinds))
	for _, k := range org.Kinds {
		out = append(out, Option{string(k), kindLabel(lang, k)})
	}
	return out
}

func positionOptions(lang i18n.Lang) []Option {
	out := make([]Option, 0, len(org.Positions))
	for _, p := range org.Positions {
		out = append(out, Option{p, positionLabel(lang, p)})
	}
	return out
}

func categoryOptions(lang i18n.Lang) []Option {
	out := make([]Option, 0, len(org.Categories))
	for _, c := range org.Categories {
		out = append(out, Option{c, c + " " + categoryLabel(lang, c)})
	}
	return out
}

func industryOptions(lang i18n.Lang) []Option {
	out := make([]Option, 0, len(org.Industries))
	for _, c := range org.Industries {
		out = append(out, Option{c, c + " " + industryLabel(lang, c)})
	}
	return out
}

func roleOptions(lang i18n.Lang) []Option {
	out := make([]Option, 0, len(auth.Roles))
	for _, r := range auth.Roles {
		out = append(out, Option{string(r), roleLabel(lang, r)})
	}
	return out
}

// yesNoOptions are the choices of a three-way filter ("" = any).
func yesNoOptions(lang i18n.Lang) []Option {
	return []Option{{"yes", i18n.T(lang, "page.yes")}, {"no", i18n.T(lang, "page.no")}}
}

// Reading requests.

func qstr(r *http.Request, name string) string { return strings.TrimSpace(r.URL.Query().Get(name)) }

func fstr(r *http.Request, name string) string { return strings.TrimSpace(r.PostFormValue(name)) }

// triState reads a yes/no filter: nil means "any".
func triState(v string) *bool {
	switch strings.ToLower(v) {
	case "yes", "1", "true":
		t := true
		return &t
	case "no", "0", "false":
		f := false
		return &f
	}
	return nil
}

// triValue normalises a yes/no filter value for refilling the form.
func triValue(v string) string {
	if b := triState(v); b != nil {
		if *b {
			return "yes"
		}
		return "no"
	}
	return ""
}

// parseIDValue reads an ID typed or picked in a form; 0 when absent or bad.
func parseIDValue(s string) int64 {
	id, _ := db.ParseID(strings.TrimSpace(s))
	return id
}

// parseIntField reads an integer form field into *dst, recording a field
// error when it is not a number. An empty value leaves def.
func parseIntField(f errs.Fields, r *http.Request, name string, def int, dst *int) {
	v := fstr(r, name)
	if v == "" {
		*dst = def
		return
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		f.Add(name, "field.not_a_number")
		return
	}
	*dst = n
}

// listURL returns the current page's URL with the cursor parameter set,
// dropping a one-off flash.
func listURL(pg *Page, param, value string) string {
	if value == "" {
		return ""
	}
	return setQuery(setQuery(pg.Path, "flash", ""), param, value)
}

// validation renders a form page again after a validation error: it fills
// pg.Form and returns true; for any other error it renders the error page.
func (h *Handler) validation(w http.ResponseWriter, r *http.Request, p *auth.Principal, pg *Page, err error) bool {
	f, ok := formFrom(pg, r, err)
	if !ok {
		h.fail(w, r, p, err)
		return false
	}
	pg.Form = f
	return true
}

// orgCrumbs builds breadcrumbs: the tree, each ancestor, then tail.
func orgCrumbs(lang i18n.Lang, ancestors []org.Org, self *org.Org, tail ...Crumb) []Crumb {
	out := []Crumb{{Label: i18n.T(lang, "page.orgs.title"), URL: "/orgs"}}
	for _, a := range ancestors {
		if self != nil && a.ID == self.ID {
			continue
		}
		out = append(out, Crumb{Label: a.Name, URL: orgURL(a.ID)})
	}
	if self != nil {
		c := Crumb{Label: self.Name}
		if len(tail) > 0 {
			c.URL = orgURL(self.ID)
		}
		out = append(out, c)
	}
	return append(out, tail...)
}

func orgURL(id int64) string { return "/orgs/" + db.FormatID(id) }

// orgChoices lists organisations to pick from in a select: the caller's
// roots where they hold perm, the roots' first level, the organisations
// matching q, and the ones in keep (e.g. the current value). Each is
// labelled with its name; search hits get their parent's name too.
func (h *Handler) orgChoices(ctx context.Context, p *auth.Principal, lang i18n.Lang, perm auth.Perm, q string, keep ...int64) ([]Option, error) {
	c := &choices{p: p, perm: perm}
	if err := h.startChoices(ctx, c, q, keep); err != nil {
		return nil, err
	}
	roots, err := h.Orgs.Roots(ctx, p)
	if err != nil {
		return nil, err
	}
	for _, root := range roots {
		c.add(root, "")
		if root.ChildCount == 0 {
			continue
		}
		kids, _, err := h.Orgs.Children(ctx, p, root.ID, "", treeLevel)
		if err != nil {
			return nil, err
		}
		for _, k := range kids {
			c.add(k, "— ")
		}
	}
	return c.out, nil
}

// choices gathers the organisations of a picker, each once: those the
// caller holds perm over, that pass only (when set), up to max (when set).
type choices struct {
	p    *auth.Principal
	perm auth.Perm
	only func(org.Org) bool
	max  int
	out  []Option
	seen map[int64]bool
}

func (c *choices) full() bool { return c.max > 0 && len(c.out) >= c.max }

func (c *choices) add(o org.Org, prefix string) {
	if c.seen == nil {
		c.seen = map[int64]bool{}
	}
	if c.seen[o.ID] || !c.p.CanAt(c.perm, o.Path) || (c.only != nil && !c.only(o)) || c.full() {
		return
	}
	c.seen[o.ID] = true
	c.out = append(c.out, Option{db.FormatID(o.ID), prefix + o.Name})
}

// startChoices puts first the organisations already chosen (keep), then
// the hits of the search q.
func (h *Handler) startChoices(ctx context.Context, c *choices, q string, keep []int64) error {
	for _, id := range keep {
		if id == 0 {
			continue
		}
		if o, err := h.Orgs.Get(ctx, c.p, id); err == nil {
			c.add(*o, "")
		}
	}
	if q != "" {
		hits, _, err := h.Orgs.Search(ctx, c.p, org.Query{Q: q, Limit: pageSize})
		if err != nil && !errs.Is(err, errs.KindInvalid) {
			return err
		}
		for _, o := range hits {
			c.add(o, "")
		}
	}
	return nil
}

// writableRoot is the first of the caller's roots they may change, or nil.
func (h *Handler) writableRoot(ctx context.Context, p *auth.Principal) (*org.Org, error) {
	roots, err := h.Orgs.Roots(ctx, p)
	if err != nil {
		return nil, err
	}
	for _, r := range roots {
		if p.CanAt(auth.PermOrgWrite, r.Path) {
			return &r, nil
		}
	}
	return nil, nil
}

// grantView is one role of an account as pages show it.
type grantView struct {
	ID                     string
	Role, RoleDesc         string
	OrgName, OrgURL, OrgID string
}

func grantViews(lang i18n.Lang, gs []auth.Grant) []grantView {
	out := make([]grantView, 0, len(gs))
	for _, g := range gs {
		out = append(out, grantView{
			ID: db.FormatID(g.ID), Role: roleLabel(lang, g.Role), RoleDesc: i18n.T(lang, "role."+string(g.Role)+".desc"),
			OrgName: g.OrgName, OrgURL: orgURL(g.OrgID), OrgID: db.FormatID(g.OrgID),
		})
	}
	return out
}

// sessionView is a session or API token in a list.
type sessionView struct {
	Kind, Name, IP, Agent      string
	Created, LastSeen, Expires string
	IsAPI, IsCurrent           bool
	KindLabel                  string
}

func sessionViews(lang i18n.Lang, ss []auth.Session, current string) []sessionView {
	out := make([]sessionView, 0, len(ss))
	for _, s := range ss {
		v := sessionView{
			Kind: s.Kind, Name: s.Name, IP: s.IP, Agent: shortAgent(s.UserAgent),
			Created: formatTime(s.CreatedAt, "2006-01-02 15:04"), LastSeen: formatTime(s.LastSeenAt, "2006-01-02 15:04"),
			Expires: formatTime(s.ExpiresAt, "2006-01-02 15:04"), IsAPI: s.Kind == auth.SessionAPI,
			IsCurrent: current != "" && s.IDHash == auth.HashToken(current),
		}
		if v.IsAPI {
			v.KindLabel = i18n.T(lang, "page.session.api")
		} else {
			v.KindLabel = i18n.T(lang, "page.session.web")
		}
		out = append(out, v)
	}
	return out
}

// shortAgent names the browser and system of a User-Agent roughly, which is
// all a person needs to recognise their own session.
func shortAgent(ua string) string {
	if ua == "" {
		return ""
	}
	browser := ""
	for _, b := range []struct{ token, name string }{
		{"Edg/", "Edge"}, {"MicroMessenger", "WeChat"}, {"HeadlessChrome", "Headless Chrome"}, {"Chrome/", "Chrome"},
		{"Firefox/", "Firefox"}, {"Safari/", "Safari"}, {"curl/", "curl"}, {"Go-http-client", "Go"},
	} {
		if strings.Contains(ua, b.token) {
			browser = b.name
			break
		}
	}
	system := ""
	for _, s := range []struct{ token, name string }{
		{"Android", "Android"}, {"iPhone", "iPhone"}, {"iPad", "iPad"}, {"Windows", "Windows"},
		{"Mac OS X", "macOS"}, {"Linux", "Linux"},
	} {
		if strings.Contains(ua, s.token) {
			system = s.name
			break
		}
	}
	parts := slices.DeleteFunc([]string{browser, system}, func(s string) bool { return s == "" })
	if len(parts) == 0 {
		if len(ua) > 40 {
			return ua[:40] + "…"
		}
		return ua
	}
	return strings.Join(parts, " · ")
}

// forbidden renders the 403 page.
func (h *Handler) forbidden(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	h.fail(w, r, p, errs.Forbidden())
}

// redirectAnchor is redirect to a place on the page (#anchor).
func redirectAnchor(w http.ResponseWriter, r *http.Request, to, anchor, flash string) {
	if flash != "" {
		sep := "?"
		if strings.Contains(to, "?") {
			sep = "&"
		}
		to += sep + "flash=" + url.QueryEscape(flash)
	}
	http.Redirect(w, r, to+"#"+anchor, http.StatusSeeOther)
}

func tagLabels(lang i18n.Lang, tags []string) []string {
	out := make([]string, 0, len(tags))
	for _, t := range tags {
		out = append(out, tagLabel(lang, t))
	}
	return out
}

// tagChoice is one checkbox of a set of tags.
type tagChoice struct {
	Value, Label, ID string
	Checked          bool
}

func tagChoices(lang i18n.Lang, prefix string, checked []string) []tagChoice {
	out := make([]tagChoice, 0, len(member.Tags))
	for _, t := range member.Tags {
		out = append(out, tagChoice{Value: string(t), Label: tagLabel(lang, string(t)), ID: prefix + string(t), Checked: slices.Contains(checked, string(t))})
	}
	return out
}

func memberURL(id int64) string { return "/members/" + db.FormatID(id) }

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
