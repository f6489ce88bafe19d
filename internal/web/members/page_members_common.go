package members

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/i18n"
	"gonghui/internal/member"
	"gonghui/internal/org"
	"gonghui/internal/web"
)

// Labels of the member registry's codes. The member package keeps their
// names in its own catalogue (member.*.json); the pages' own wording is in
// members_web.*.json under "mweb.".

func memberStatusLabel(lang i18n.Lang, s member.Status) string {
	return i18n.T(lang, "member.status."+string(s))
}

func memberStatusVariant(s member.Status) string {
	switch s {
	case member.StatusActive:
		return "success"
	case member.StatusTransferredOut:
		return "info"
	case member.StatusRetired:
		return "neutral"
	}
	return "outline"
}

func memberStatusOptions(lang i18n.Lang) []web.Option {
	return web.EnumOptions(lang, member.Statuses, memberStatusLabel)
}

func appStatusLabel(lang i18n.Lang, s member.ApplicationStatus) string {
	return i18n.T(lang, "member.app_status."+string(s))
}

func appStatusVariant(s member.ApplicationStatus) string {
	switch s {
	case member.AppPending:
		return "warning"
	case member.AppApproved:
		return "success"
	case member.AppTransfer:
		return "info"
	}
	return "outline"
}

var appStatuses = []member.ApplicationStatus{member.AppPending, member.AppApproved, member.AppRejected, member.AppTransfer}

func transferStatusLabel(lang i18n.Lang, s member.TransferStatus) string {
	return i18n.T(lang, "member.transfer_status."+string(s))
}

func transferStatusVariant(s member.TransferStatus) string {
	switch s {
	case member.TransferRequested, member.TransferReleased:
		return "warning"
	case member.TransferAccepted:
		return "success"
	}
	return "outline"
}

var transferStatuses = []member.TransferStatus{member.TransferRequested, member.TransferReleased, member.TransferAccepted,
	member.TransferRejected, member.TransferCancelled}

// takesMembers reports whether an organisation of kind k holds members:
// city and district federations lead unions and have none of their own.
func takesMembers(k org.Kind) bool { return k != org.KindCity && k != org.KindDistrict }

// memberRow is a member in a table or on its page.
type memberRow struct {
	member.Member
	IDStr, URL, OrgURL   string
	StatusLabel, StatusV string
	Tags                 []string // translated
	GenderLabel          string
	SourceLabel          string
}

func memberView(lang i18n.Lang, m member.Member) memberRow {
	v := memberRow{Member: m, IDStr: db.FormatID(m.ID), URL: web.MemberURL(m.ID), OrgURL: web.OrgURL(m.OrgID),
		StatusLabel: memberStatusLabel(lang, m.Status), StatusV: memberStatusVariant(m.Status), Tags: web.TagLabels(lang, m.Tags)}
	if m.Gender != "" {
		v.GenderLabel = i18n.T(lang, "member.gender."+m.Gender)
	} else {
		v.GenderLabel = i18n.T(lang, "exp.masked")
	}
	if m.Source != "" {
		v.SourceLabel = i18n.T(lang, "member.source."+m.Source)
	}
	return v
}

func memberRows(lang i18n.Lang, ms []member.Member) []memberRow {
	out := make([]memberRow, 0, len(ms))
	for _, m := range ms {
		out = append(out, memberView(lang, m))
	}
	return out
}

// memberSection is the sub-navigation shared by the registry, the
// applications queue and the transfers.
type memberSection struct{ Key, URL, Label string }

// queue is a list of items staff decide on, under the registry, and the
// page of one of its items.
type queue struct{ ListTitle, URL, ItemTitle, ItemPage string }

var (
	applicationQueue = queue{"mweb.apps.title", "/applications", "mweb.app.title", "application_show"}
	transferQueue    = queue{"mweb.transfers.title", "/transfers", "mweb.transfer.title", "transfer_show"}
)

// queueItemData is the Data of an item's page: the item's view and where
// its "back" links lead (the form's "back", else the queue).
type queueItemData struct {
	Item any
	Back string
}

// renderQueueItem renders the page of the item id of q, called name, with
// the form that failed on a POST to it; view makes the item's view.
func (h *Pages) renderQueueItem(w http.ResponseWriter, r *http.Request, p *auth.Principal, form *web.Form, status int,
	q queue, id int64, name string, view func(i18n.Lang, *pathCache) any) {
	pg := h.Page(w, r, p, "", "members")
	pg.Title = pg.T(q.ItemTitle, name)
	if r.Method != http.MethodGet {
		pg.Path = q.URL + "/" + db.FormatID(id)
	}
	pg.Crumbs = []web.Crumb{{Label: pg.T("mweb.members.title"), URL: "/members"}, {Label: pg.T(q.ListTitle), URL: web.ListBack(r, q.URL)}, {Label: name}}
	pg.Form = form
	pg.Data = queueItemData{Item: view(pg.Lang, h.pathCache(r.Context(), p)), Back: web.LocalURL(r.FormValue("back"), q.URL)}
	h.Render(w, status, q.ItemPage, pg)
}

func memberSections(lang i18n.Lang) []memberSection {
	return []memberSection{
		{"members", "/members", i18n.T(lang, "mweb.section.members")},
		{"applications", "/applications", i18n.T(lang, "mweb.section.applications")},
		{"transfers", "/transfers", i18n.T(lang, "mweb.section.transfers")},
		{"exports", "/exports", i18n.T(lang, "exp.section")},
		{"corrections", "/corrections", i18n.T(lang, "rights.staff.title")},
	}
}

// pathCache remembers the paths of the organisations a page looks up,
// answering "" for those the caller may not see.
type pathCache struct {
	h     *Pages
	ctx   context.Context
	p     *auth.Principal
	paths map[int64]string
}

func (h *Pages) pathCache(ctx context.Context, p *auth.Principal) *pathCache {
	return &pathCache{h: h, ctx: ctx, p: p, paths: map[int64]string{}}
}

func (c *pathCache) path(id int64) string {
	if p, ok := c.paths[id]; ok {
		return p
	}
	path := ""
	if o, err := c.h.Orgs.Get(c.ctx, c.p, id); err == nil {
		path = o.Path
	}
	c.paths[id] = path
	return path
}

// can reports whether the caller holds perm at organisation id.
func (c *pathCache) can(perm auth.Perm, id int64) bool {
	p := c.path(id)
	return p != "" && c.p.CanAt(perm, p)
}

// unionOptions lists the unions that hold members and where the caller
// holds perm, to pick from: the ones in keep, the matches of q, and from
// the caller's roots down through the federations that hold none (a city
// federation's officer sees the street federations under its districts).
func (h *Pages) unionOptions(ctx context.Context, p *auth.Principal, perm auth.Perm, q string, keep ...int64) ([]web.Option, error) {
	c := &web.Choices{Principal: p, Perm: perm, Max: 400, Only: func(o org.Org) bool { return takesMembers(o.Kind) }}
	if err := h.StartChoices(ctx, c, q, keep); err != nil {
		return nil, err
	}
	roots, err := h.Orgs.Roots(ctx, p)
	if err != nil {
		return nil, err
	}
	var walk func(o org.Org, depth int) error
	walk = func(o org.Org, depth int) error {
		c.Add(o, strings.Repeat("— ", depth))
		if o.ChildCount == 0 || depth >= 3 || c.Full() || (takesMembers(o.Kind) && depth > 0) {
			return nil
		}
		kids, _, err := h.Orgs.Children(ctx, p, o.ID, "", web.TreeLevel)
		if err != nil {
			return err
		}
		for _, k := range kids {
			if err := walk(k, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	for _, r := range roots {
		if err := walk(r, 0); err != nil {
			return nil, err
		}
	}
	return c.Out, nil
}

// employerOptions are the employers a member of union orgID may work for.
func (h *Pages) employerOptions(ctx context.Context, orgID int64) ([]web.Option, error) {
	t, err := h.Members.Target(ctx, orgID)
	if err != nil {
		return nil, err
	}
	out := make([]web.Option, 0, len(t.Employers))
	for _, e := range t.Employers {
		out = append(out, web.Option{Value: db.FormatID(e.ID), Label: e.Name})
	}
	return out, nil
}

// refill copies the submitted values of r into form, for fields shown with
// the "field" component.
func refill(form *web.Form, r *http.Request) {
	for k, v := range r.PostForm {
		if k != "csrf_token" && len(v) > 0 {
			form.Values[k] = v[0]
		}
	}
}

// eventView is an entry of a member's history.
type eventView struct {
	Date, At                  string
	Kind, Variant             string
	OrgName, OrgURL           string
	OtherName, OtherURL       string
	Actor, Detail, OtherLabel string
}

func eventViews(lang i18n.Lang, evs []member.Event) []eventView {
	out := make([]eventView, 0, len(evs))
	for i := len(evs) - 1; i >= 0; i-- { // newest first
		e := evs[i]
		v := eventView{Date: e.OnDate, At: web.FormatTime(e.At, "2006-01-02 15:04"), Kind: i18n.T(lang, "member.event."+string(e.Kind)),
			Variant: "neutral", OrgName: e.OrgName, OrgURL: web.OrgURL(e.OrgID), Actor: e.Actor, Detail: eventDetail(lang, e)}
		switch e.Kind {
		case member.EventJoined, member.EventRejoined, member.EventTransferredIn:
			v.Variant = "success"
		case member.EventStatus, member.EventTransferredOut:
			v.Variant = "info"
		case member.EventTransferAsked:
			v.Variant = "warning"
		}
		if e.OtherOrgID != 0 {
			v.OtherName, v.OtherURL = e.OtherOrgName, web.OrgURL(e.OtherOrgID)
			if e.Kind == member.EventTransferredIn {
				v.OtherLabel = i18n.T(lang, "mweb.history.from")
			} else {
				v.OtherLabel = i18n.T(lang, "mweb.history.to")
			}
		}
		if k, ok := member.ActorKey(e.Actor); ok {
			v.Actor = i18n.T(lang, k)
		}
		out = append(out, v)
	}
	return out
}

// editedFields are the names the store records of an edit, in form order.
var editedFields = []string{"name", "id_number", "mobile", "employer", "job", "tags", "joined_on"}

// eventDetail describes an event's detail in words.
func eventDetail(lang i18n.Lang, e member.Event) string {
	if e.Detail == "" {
		return ""
	}
	var d map[string]any
	if json.Unmarshal([]byte(e.Detail), &d) != nil {
		return ""
	}
	str := func(k string) string { s, _ := d[k].(string); return s }
	switch e.Kind {
	case member.EventJoined, member.EventRejoined:
		if s := str("source"); s != "" && i18n.Has("member.source."+s) {
			return i18n.T(lang, "member.source."+s)
		}
	case member.EventEdited:
		list, _ := d["fields"].([]any)
		var names []string
		for _, f := range list {
			if s, ok := f.(string); ok && slices.Contains(editedFields, s) {
				names = append(names, i18n.T(lang, "mweb.field."+s))
			}
		}
		if len(names) == 0 {
			return i18n.T(lang, "mweb.history.no_change")
		}
		return i18n.T(lang, "mweb.history.changed", strings.Join(names, i18n.T(lang, "mweb.list_sep")))
	case member.EventStatus:
		from, to := member.Status(str("from")), member.Status(str("to"))
		out := ""
		if from.Valid() && to.Valid() {
			out = memberStatusLabel(lang, from) + " → " + memberStatusLabel(lang, to)
		}
		if n := str("note"); n != "" {
			if out != "" {
				out += i18n.T(lang, "mweb.list_sep")
			}
			out += n
		}
		return out
	case member.EventTransferDropped:
		out := ""
		if s := member.TransferStatus(str("status")); slices.Contains(transferStatuses, s) {
			out = transferStatusLabel(lang, s)
		}
		if r := str("reason"); r != "" {
			if out != "" {
				out += i18n.T(lang, "mweb.list_sep")
			}
			out += r
		}
		return out
	}
	return ""
}

// transferView is a transfer in a list, with the steps the caller may take.
type transferView struct {
	member.Transfer
	IDStr, URL              string
	MemberURL               string // "" when the caller cannot open the member
	FromURL, ToURL          string
	StatusLabel, StatusV    string
	Requested, Released     string
	Decided                 string
	Open, CanAct            bool
	RequestedBy, ReleasedBy string
}

func (h *Pages) transferViews(ctx context.Context, p *auth.Principal, lang i18n.Lang, ts []member.Transfer) []transferView {
	paths := h.pathCache(ctx, p)
	out := make([]transferView, 0, len(ts))
	for _, t := range ts {
		out = append(out, transferViewOf(lang, paths, t))
	}
	return out
}

func transferViewOf(lang i18n.Lang, paths *pathCache, t member.Transfer) transferView {
	v := transferView{Transfer: t, IDStr: db.FormatID(t.ID), URL: "/transfers/" + db.FormatID(t.ID),
		FromURL: web.OrgURL(t.FromOrgID), ToURL: web.OrgURL(t.ToOrgID),
		StatusLabel: transferStatusLabel(lang, t.Status), StatusV: transferStatusVariant(t.Status),
		Requested: web.FormatTime(t.RequestedAt, "2006-01-02 15:04"), Released: web.FormatTime(t.ReleasedAt, "2006-01-02 15:04"),
		Decided:     web.FormatTime(t.DecidedAt, "2006-01-02 15:04"),
		Open:        t.Status == member.TransferRequested || t.Status == member.TransferReleased,
		CanAct:      t.CanRelease || t.CanAccept || t.CanReject || t.CanCancel,
		RequestedBy: t.RequestedBy, ReleasedBy: t.ReleasedBy}
	if v.RequestedBy == "applicant" {
		v.RequestedBy = i18n.T(lang, "mweb.actor.applicant")
	}
	// The member is in the source union until the transfer is accepted.
	at := t.FromOrgID
	if t.Status == member.TransferAccepted {
		at = t.ToOrgID
	}
	if paths.can(auth.PermMemberRead, at) || paths.can(auth.PermMemberWrite, at) {
		v.MemberURL = web.MemberURL(t.MemberID)
	}
	return v
}
