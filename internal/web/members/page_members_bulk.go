package members

import (
	"log/slog"
	"net/http"
	"strings"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/beijing"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
	"gonghui/internal/i18n"
	"gonghui/internal/member"
	"gonghui/internal/member/exports"
	"gonghui/internal/notice"
	"gonghui/internal/web"
)

// The registry's column sorts and its selection: members ticked on the
// page (the applications queue's pattern: checkboxes in the rows belong to
// one form below the table, static/lists.js ticks them all) and what may be
// done with them at once: export them (masked, audited like the list's
// export), add or remove a tag, leave them a message (a notice, sent by
// SMS). The store refuses a selection holding anyone outside the caller's
// subtrees, and each action runs in one transaction.

// sortHead is a sortable column head: the link that sorts by it (or turns
// the order round) and aria-sort's value when the list is sorted by it.
type sortHead struct {
	URL, AriaSort string
}

// sortHeads are the heads of the name, union and joining-date columns.
func sortHeads(f memberFilters) map[string]sortHead {
	cur := member.Sort(f.Sort)
	if cur == "org" {
		cur = member.SortOrg
	}
	link := func(s member.Sort) string {
		g := f
		g.Sort = string(s)
		return memberListPath(g, "")
	}
	head := func(asc, desc, first member.Sort) sortHead {
		switch cur {
		case asc:
			return sortHead{URL: link(desc), AriaSort: "ascending"}
		case desc:
			return sortHead{URL: link(asc), AriaSort: "descending"}
		}
		return sortHead{URL: link(first)}
	}
	out := map[string]sortHead{
		"name":   head(member.SortName, member.SortNameDesc, member.SortName),
		"joined": head(member.SortJoined, member.SortJoinedDesc, member.SortJoinedDesc),
		"org":    {URL: link(member.SortOrg)},
	}
	if cur == member.SortOrg {
		out["org"] = sortHead{URL: out["org"].URL, AriaSort: "ascending"}
	}
	return out
}

// sortOptions are the sorts of the filter form's choice (the default, by
// union, is its blank).
func sortOptions(lang i18n.Lang) []web.Option {
	var out []web.Option
	for _, s := range member.Sorts {
		if s != member.SortOrg {
			out = append(out, web.Option{Value: string(s), Label: i18n.T(lang, "mweb.sort."+strings.TrimPrefix(string(s), "-")+sortDir(s))})
		}
	}
	return out
}

func sortDir(s member.Sort) string {
	if strings.HasPrefix(string(s), "-") {
		return "_desc"
	}
	return ""
}

// memberListPath is the registry's address at f and cursor.
func memberListPath(f memberFilters, cursor string) string {
	v := f.values()
	if cursor != "" {
		v.Set("cursor", cursor)
	}
	if enc := v.Encode(); enc != "" {
		return "/members?" + enc
	}
	return "/members"
}

// bulkForm is the selection's form under the list.
type bulkForm struct {
	Action     string // POST /members/bulk?<the list's address>
	CanWrite   bool   // may tag and message (member.write somewhere)
	TagOptions []web.Option
	OpOptions  []web.Option
	Max        int // how many members one action may take
	MessageMax int
	Checked    map[string]bool // ids ticked in a refused submission
}

func bulkFormFor(pg *web.Page, r *http.Request, p *auth.Principal, f memberFilters, cursor string, rows []memberRow) *bulkForm {
	if len(rows) == 0 {
		return nil
	}
	b := &bulkForm{Action: "/members/bulk", CanWrite: p.Can(auth.PermMemberWrite), Max: member.MaxBulk, MessageMax: notice.MaxMessage,
		Checked: map[string]bool{}}
	if q := strings.TrimPrefix(memberListPath(f, cursor), "/members"); q != "" {
		b.Action += q
	}
	for _, t := range member.Tags {
		b.TagOptions = append(b.TagOptions, web.Option{Value: string(t), Label: web.TagLabel(pg.Lang, string(t))})
	}
	b.OpOptions = []web.Option{{Value: "add", Label: pg.T("mweb.bulk.tag_add")}, {Value: "remove", Label: pg.T("mweb.bulk.tag_remove")}}
	if r.Method == http.MethodPost {
		for _, id := range r.PostForm["id"] {
			b.Checked[id] = true
		}
	}
	return b
}

// bulkIDs reads the ticked members.
func bulkIDs(r *http.Request) []int64 {
	var ids []int64
	for _, v := range r.PostForm["id"] {
		if id := web.ParseIDValue(v); id != 0 {
			ids = append(ids, id)
		}
	}
	return ids
}

// memberBulk: POST /members/bulk?<the list's address>, the ticked members
// (id, repeated) and action=export, tag (bulk_tag, bulk_op) or message
// (message). Success goes back to the list with "已处理 N 人"; a refusal
// shows the list again with the selection and the form's errors.
func (h *Pages) memberBulk(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	ctx := r.Context()
	ids := bulkIDs(r)
	var n int
	var err error
	switch action := web.FormValue(r, "action"); action {
	case "export":
		return h.memberBulkExport(w, r, p, ids)
	case "tag":
		n, err = h.Members.TagMany(ctx, p, ids, member.TagChange{Tag: web.FormValue(r, "bulk_tag"), Remove: web.FormValue(r, "bulk_op") == "remove"})
	case "message":
		n, err = h.Notices.MessageMany(ctx, p, ids, web.FormValue(r, "message"))
	default:
		err = errs.Fields{"action": {Key: "field.invalid_choice"}}.Err()
	}
	if err != nil {
		return h.bulkRefused(w, r, p, err)
	}
	web.SetFlashCount(w, r, "flash.mweb.bulk_done", n)
	http.Redirect(w, r, memberListPath(memberFiltersFrom(r), web.QueryValue(r, "cursor")), http.StatusSeeOther)
	return nil
}

// bulkRefused shows the list again with a refused action's errors and
// what was typed and ticked.
func (h *Pages) bulkRefused(w http.ResponseWriter, r *http.Request, p *auth.Principal, err error) error {
	pg := h.Page(w, r, p, "", "")
	form, ok := web.FormError(pg, err)
	if !ok {
		return err
	}
	if msg, bad := form.Errors["tag"]; bad { // the filters have a "tag" of their own
		delete(form.Errors, "tag")
		form.Errors["bulk_tag"] = msg
	}
	for _, k := range []string{"bulk_tag", "bulk_op", "message"} {
		form.Values[k] = web.FormValue(r, k)
	}
	return h.renderMemberList(w, r, p, form, httpx.Status(err))
}

// memberBulkExport answers the ticked members as the list's export would
// (masked numbers, the same columns, an audit record naming the count).
func (h *Pages) memberBulkExport(w http.ResponseWriter, r *http.Request, p *auth.Principal, ids []int64) error {
	if _, err := h.Members.Selection(r.Context(), p, ids, false); err != nil {
		return h.bulkRefused(w, r, p, err)
	}
	lang := i18n.FromRequest(r)
	out := &httpx.LazyWriter{W: w, Before: func() {
		w.Header().Set("Cache-Control", "no-store")
		httpx.Attachment(w, i18n.T(lang, "member.export_sheet")+"-"+beijing.FileDate(time.Now())+".xlsx")
	}}
	q := member.Query{IDs: ids, Sort: member.Sort(memberFiltersFrom(r).Sort)}
	if _, err := exports.Export(r.Context(), h.Members, p, q, exports.ExportOptions{}, func(k string, a ...any) string { return i18n.T(lang, k, a...) }, out); err != nil {
		if out.Started {
			slog.Error("export of a selection broke off", "err", err)
			return nil
		}
		return h.bulkRefused(w, r, p, err)
	}
	return nil
}
