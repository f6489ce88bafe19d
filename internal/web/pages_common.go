package web

import (
	"context"
	"net/http"
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

// PageSize is how many rows a list page shows.
const PageSize = 50

// TreeLevel is how many children one level of the tree shows before a
// "more" link to the organisation's own page.
const TreeLevel = 200

// Labels of the domain's codes. The org package keeps their names in its own
// catalogue (org.*.json).

func KindLabel(lang i18n.Lang, k org.Kind) string { return i18n.T(lang, "org.kind."+string(k)) }

func KindVariant(k org.Kind) string {
	if k.IsFederation() {
		return "accent"
	}
	return "info"
}

func PositionLabel(lang i18n.Lang, pos string) string { return i18n.T(lang, "org.position."+pos) }

func CategoryLabel(lang i18n.Lang, code string) string {
	if code == "" {
		return ""
	}
	if key := "org.category." + code; i18n.Has(key) {
		return i18n.T(lang, key)
	}
	return org.CategoryName(code, lang == i18n.ZH)
}

func IndustryLabel(lang i18n.Lang, letter string) string {
	if letter == "" {
		return ""
	}
	return i18n.T(lang, "org.industry."+letter)
}

func RoleLabel(lang i18n.Lang, r auth.Role) string { return i18n.T(lang, "role."+string(r)) }

func KindOptions(lang i18n.Lang) []Option { return EnumOptions(lang, org.Kinds, KindLabel) }

func PositionOptions(lang i18n.Lang) []Option { return EnumOptions(lang, org.Positions, PositionLabel) }

func CategoryOptions(lang i18n.Lang) []Option {
	out := make([]Option, 0, len(org.Categories))
	for _, c := range org.Categories {
		out = append(out, Option{c, c + " " + CategoryLabel(lang, c)})
	}
	return out
}

func IndustryOptions(lang i18n.Lang) []Option {
	out := make([]Option, 0, len(org.Industries))
	for _, c := range org.Industries {
		out = append(out, Option{c, c + " " + IndustryLabel(lang, c)})
	}
	return out
}

func RoleOptions(lang i18n.Lang) []Option { return EnumOptions(lang, auth.Roles, RoleLabel) }

// YesNoOptions are the choices of a three-way filter ("" = any).
func YesNoOptions(lang i18n.Lang) []Option {
	return []Option{{"yes", i18n.T(lang, "page.yes")}, {"no", i18n.T(lang, "page.no")}}
}

// Reading requests.

func QueryValue(r *http.Request, name string) string {
	return strings.TrimSpace(r.URL.Query().Get(name))
}

func FormValue(r *http.Request, name string) string { return strings.TrimSpace(r.PostFormValue(name)) }

// TriState reads a yes/no filter: nil means "any".
func TriState(v string) *bool {
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

// TriValue normalises a yes/no filter value for refilling the form.
func TriValue(v string) string {
	if b := TriState(v); b != nil {
		if *b {
			return "yes"
		}
		return "no"
	}
	return ""
}

// ParseIDValue reads an ID typed or picked in a form; 0 when absent or bad.
func ParseIDValue(s string) int64 {
	id, _ := db.ParseID(strings.TrimSpace(s))
	return id
}

// ParseIntField reads an integer form field into *dst, recording a field
// error when it is not a number. An empty value leaves def.
func ParseIntField(f errs.Fields, r *http.Request, name string, def int, dst *int) {
	v := FormValue(r, name)
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

// ListURL returns the current page's URL with the cursor parameter set,
// dropping a one-off flash.
func ListURL(pg *Page, param, value string) string {
	if value == "" {
		return ""
	}
	return SetQuery(SetQuery(pg.Path, "flash", ""), param, value)
}

// Validation renders a form page again after a validation error: it fills
// pg.Form and returns true; for any other error it renders the error page.
func (h *Kernel) Validation(w http.ResponseWriter, r *http.Request, p *auth.Principal, pg *Page, err error) bool {
	f, ok := FormFrom(pg, r, err)
	if !ok {
		h.Fail(w, r, p, err)
		return false
	}
	pg.Form = f
	return true
}

// OrgCrumbs builds breadcrumbs: the tree, each ancestor, then tail.
func OrgCrumbs(lang i18n.Lang, ancestors []org.Org, self *org.Org, tail ...Crumb) []Crumb {
	out := []Crumb{{Label: i18n.T(lang, "page.orgs.title"), URL: "/orgs"}}
	for _, a := range ancestors {
		if self != nil && a.ID == self.ID {
			continue
		}
		out = append(out, Crumb{Label: a.Name, URL: OrgURL(a.ID)})
	}
	if self != nil {
		c := Crumb{Label: self.Name}
		if len(tail) > 0 {
			c.URL = OrgURL(self.ID)
		}
		out = append(out, c)
	}
	return append(out, tail...)
}

func OrgURL(id int64) string { return "/orgs/" + db.FormatID(id) }

// Choices gathers the organisations of a picker, each once: those the
// caller holds perm over, that pass only (when set), up to max (when set).
type Choices struct {
	Principal *auth.Principal
	Perm      auth.Perm
	Only      func(org.Org) bool
	Max       int
	Out       []Option
	seen      map[int64]bool
}

func (c *Choices) Full() bool { return c.Max > 0 && len(c.Out) >= c.Max }

func (c *Choices) Add(o org.Org, prefix string) {
	if c.seen == nil {
		c.seen = map[int64]bool{}
	}
	if c.seen[o.ID] || !c.Principal.CanAt(c.Perm, o.Path) || (c.Only != nil && !c.Only(o)) || c.Full() {
		return
	}
	c.seen[o.ID] = true
	c.Out = append(c.Out, Option{db.FormatID(o.ID), prefix + o.Name})
}

// StartChoices puts first the organisations already chosen (keep), then
// the hits of the search q.
func (h *Kernel) StartChoices(ctx context.Context, c *Choices, q string, keep []int64) error {
	for _, id := range keep {
		if id == 0 {
			continue
		}
		if o, err := h.Orgs.Get(ctx, c.Principal, id); err == nil {
			c.Add(*o, "")
		}
	}
	if q != "" {
		hits, _, err := h.Orgs.Search(ctx, c.Principal, org.Query{Q: q, Limit: PageSize})
		if err != nil && !errs.Is(err, errs.KindInvalid) {
			return err
		}
		for _, o := range hits {
			c.Add(o, "")
		}
	}
	return nil
}

// WritableRoot is the first of the caller's roots they may change, or nil.
func (h *Kernel) WritableRoot(ctx context.Context, p *auth.Principal) (*org.Org, error) {
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

// GrantView is one role of an account as pages show it.
type GrantView struct {
	ID                     string
	Role, RoleDesc         string
	OrgName, OrgURL, OrgID string
}

func GrantViews(lang i18n.Lang, gs []auth.Grant) []GrantView {
	out := make([]GrantView, 0, len(gs))
	for _, g := range gs {
		out = append(out, GrantView{
			ID: db.FormatID(g.ID), Role: RoleLabel(lang, g.Role), RoleDesc: i18n.T(lang, "role."+string(g.Role)+".desc"),
			OrgName: g.OrgName, OrgURL: OrgURL(g.OrgID), OrgID: db.FormatID(g.OrgID),
		})
	}
	return out
}

// SessionView is a session or API token in a list.
type SessionView struct {
	Kind, Name, IP, Agent      string
	Created, LastSeen, Expires string
	IsAPI, IsCurrent           bool
	KindLabel                  string
}

func SessionViews(lang i18n.Lang, ss []auth.Session, current string) []SessionView {
	out := make([]SessionView, 0, len(ss))
	for _, s := range ss {
		v := SessionView{
			Kind: s.Kind, Name: s.Name, IP: s.IP, Agent: shortAgent(s.UserAgent),
			Created: FormatTime(s.CreatedAt, "2006-01-02 15:04"), LastSeen: FormatTime(s.LastSeenAt, "2006-01-02 15:04"),
			Expires: FormatTime(s.ExpiresAt, "2006-01-02 15:04"), IsAPI: s.Kind == auth.SessionAPI,
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

// Forbidden renders the 403 page.
func (h *Kernel) Forbidden(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	h.Fail(w, r, p, errs.Forbidden())
}

// RedirectAnchor is redirect to a place on the page (#anchor).
func RedirectAnchor(w http.ResponseWriter, r *http.Request, to, anchor, flash string) {
	SetFlash(w, r, flash)
	http.Redirect(w, r, to+"#"+anchor, http.StatusSeeOther)
}

func TagLabels(lang i18n.Lang, tags []string) []string {
	out := make([]string, 0, len(tags))
	for _, t := range tags {
		out = append(out, TagLabel(lang, t))
	}
	return out
}

// TagChoice is one checkbox of a set of tags.
type TagChoice struct {
	Value, Label, ID string
	Checked          bool
}

func TagChoices(lang i18n.Lang, prefix string, checked []string) []TagChoice {
	out := make([]TagChoice, 0, len(member.Tags))
	for _, t := range member.Tags {
		out = append(out, TagChoice{Value: string(t), Label: TagLabel(lang, string(t)), ID: prefix + string(t), Checked: slices.Contains(checked, string(t))})
	}
	return out
}

func MemberURL(id int64) string { return "/members/" + db.FormatID(id) }

type KindCount struct {
	Kind  string
	Label string
	N     int
}

func KindCounts(lang i18n.Lang, c org.Counts) []KindCount {
	var out []KindCount
	for _, k := range org.Kinds {
		if n := c.ByKind[k]; n > 0 {
			out = append(out, KindCount{string(k), KindLabel(lang, k), n})
		}
	}
	return out
}

func TagLabel(lang i18n.Lang, t string) string { return i18n.T(lang, "member.tag."+t) }
