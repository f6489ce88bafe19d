package orgs

import (
	"net/http"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
	"gonghui/internal/i18n"
	"gonghui/internal/org"
	"gonghui/internal/web"
)

// treeNode is the dict the "tree_node" component takes for o.
func treeNode(lang i18n.Lang, o org.Org, children []map[string]any) map[string]any {
	n := map[string]any{
		"Lang": lang, "Name": o.Name, "URL": web.OrgURL(o.ID),
		"Kind": web.KindLabel(lang, o.Kind), "KindVariant": web.KindVariant(o.Kind),
	}
	if o.ChildCount > 0 {
		n["Meta"] = i18n.T(lang, "page.tree.children", o.ChildCount)
		n["ChildrenURL"] = web.OrgURL(o.ID) + "/children"
		if len(children) > 0 {
			n["Children"] = children
		}
	}
	return n
}

// treeLevelNodes loads one level of the tree under parent. When there are
// more than one level holds, the last item links to the parent's page.
func (h *Pages) treeLevelNodes(r *http.Request, p *auth.Principal, lang i18n.Lang, parent *org.Org) ([]map[string]any, error) {
	kids, next, err := h.Orgs.Children(r.Context(), p, parent.ID, "", web.TreeLevel)
	if err != nil {
		return nil, err
	}
	out := make([]map[string]any, 0, len(kids)+1)
	for _, k := range kids {
		out = append(out, treeNode(lang, k, nil))
	}
	if next != "" {
		out = append(out, map[string]any{"Lang": lang, "Name": i18n.T(lang, "page.tree.more", parent.ChildCount), "URL": web.OrgURL(parent.ID) + "#children"})
	}
	return out, nil
}

// orgHit is an organisation in a result table, with its place in the tree.
type orgHit struct {
	org.Org
	IDStr       string
	URL         string
	KindLabel   string
	KindVariant string
	Trail       []web.Crumb
}

// hits decorates search results with their ancestors; results under the
// same parent share one lookup.
func (h *Pages) hits(r *http.Request, p *auth.Principal, lang i18n.Lang, items []org.Org) ([]orgHit, error) {
	trails := map[int64][]web.Crumb{}
	out := make([]orgHit, 0, len(items))
	for _, o := range items {
		trail, ok := trails[o.ParentID]
		if !ok && o.ParentID != 0 {
			anc, err := h.Orgs.Ancestors(r.Context(), p, o.ID)
			if err != nil {
				return nil, err
			}
			for _, a := range anc {
				if a.ID != o.ID {
					trail = append(trail, web.Crumb{Label: a.Name, URL: web.OrgURL(a.ID)})
				}
			}
			trails[o.ParentID] = trail
		}
		out = append(out, orgHit{Org: o, IDStr: db.FormatID(o.ID), URL: web.OrgURL(o.ID), KindLabel: web.KindLabel(lang, o.Kind), KindVariant: web.KindVariant(o.Kind), Trail: trail})
	}
	return out, nil
}

// orgTreeData is the Data of the tree page: the tree, or search results.
type orgTreeData struct {
	Q, Kind     string
	Within      string // an organisation whose subtree the search keeps to
	WithinName  string
	KindOptions []web.Option
	Searching   bool
	Roots       []map[string]any
	Hits        []orgHit
	Next        string
	HasPrev     bool
	NewOrgURL   string
}

func (h *Pages) orgTree(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	pg := h.Page(w, r, p, "page.orgs.title", "orgs")
	data := orgTreeData{Q: web.QueryValue(r, "q"), Kind: web.QueryValue(r, "kind"), Within: web.QueryValue(r, "within"), KindOptions: web.KindOptions(pg.Lang)}
	data.Searching = data.Q != "" || data.Kind != "" || data.Within != ""
	var within int64
	if data.Within != "" {
		// A dashboard's "organisations by kind" opens here, kept to its
		// subtree; one outside the caller's is not found, like its page.
		if within = web.ParseIDValue(data.Within); within == 0 {
			return errs.NotFound("page")
		}
		o, err := h.Orgs.Get(r.Context(), p, within)
		if err != nil {
			return err
		}
		data.WithinName = o.Name
	}
	status := http.StatusOK
	if root, err := h.WritableRoot(r.Context(), p); err != nil {
		return err
	} else if root != nil {
		data.NewOrgURL = web.OrgURL(root.ID) + "/new"
	}
	if data.Searching {
		cursor := web.QueryValue(r, "cursor")
		items, next, err := h.Orgs.Search(r.Context(), p, org.Query{Q: data.Q, Kind: org.Kind(data.Kind), Within: within, After: cursor, Limit: web.PageSize})
		if err != nil {
			if !h.Validation(w, r, p, pg, err) {
				return nil
			}
			status = httpx.Status(err)
		}
		if data.Hits, err = h.hits(r, p, pg.Lang, items); err != nil {
			return err
		}
		data.Next, data.HasPrev = web.ListURL(pg, "cursor", next), cursor != ""
	} else {
		roots, err := h.Orgs.Roots(r.Context(), p)
		if err != nil {
			return err
		}
		for _, root := range roots {
			var kids []map[string]any
			if root.ChildCount > 0 {
				if kids, err = h.treeLevelNodes(r, p, pg.Lang, &root); err != nil {
					return err
				}
			}
			data.Roots = append(data.Roots, treeNode(pg.Lang, root, kids))
		}
	}
	pg.Data = data
	h.Render(w, status, "org_tree", pg)
	return nil
}

// orgChildren is the fragment app.js loads into a tree node: its children
// as <li> items.
func (h *Pages) orgChildren(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := web.IDParam(r, "id")
	if err != nil {
		return err
	}
	o, err := h.Orgs.Get(r.Context(), p, id)
	if err != nil {
		return err
	}
	pg := h.Page(w, r, p, "", "orgs")
	nodes, err := h.treeLevelNodes(r, p, pg.Lang, o)
	if err != nil {
		return err
	}
	pg.Data = nodes
	h.Fragment(w, http.StatusOK, "org_children", pg)
	return nil
}

// orgShowData is the Data of an organisation's page.
type orgShowData struct {
	Org         *org.Org
	IDStr       string
	KindLabel   string
	KindVariant string
	Counts      org.Counts
	Members     int64  // active members of the subtree
	MembersURL  string // the member list of the subtree, when the reader may see members
	Kinds       []web.KindCount
	Children    []orgHit
	ChildNext   string
	ChildFirst  string
	ChildPaged  bool
	Employers   []employerRow
	Officers    []officerView
	CanWrite    bool
	EmployerQ   string
	Candidates  []web.Option // employers the writer may link
	FormName    string       // which form .Form belongs to: "link"
	Organises   bool         // the kind organises employers (a union, not a federation)
	PartOfUnion bool         // a sub-union or union group: its employer is its parent union's
	CanLink     bool         // the writer may link one more employer
}

// officerView is an officer in the list of an organisation's page.
type officerView struct {
	org.Officer
	IDStr         string
	PositionLabel string
}

func (h *Pages) orgShow(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	h.renderOrgShow(w, r, p, nil, "", http.StatusOK)
	return nil
}

// renderOrgShow renders an organisation's page; form and formName carry a
// failed submission of one of its forms back to it.
func (h *Pages) renderOrgShow(w http.ResponseWriter, r *http.Request, p *auth.Principal, form *web.Form, formName string, status int) {
	ctx := r.Context()
	o, ok := web.Load(h.Kernel, w, r, p, h.Orgs.Get)
	if !ok {
		return
	}
	id := o.ID
	anc, err := h.Orgs.Ancestors(ctx, p, id)
	if err != nil {
		h.Fail(w, r, p, err)
		return
	}
	pg := h.Page(w, r, p, "", "orgs")
	pg.Title = o.Name
	if r.Method != http.MethodGet {
		pg.Path = web.OrgURL(o.ID)
	}
	pg.Crumbs = web.OrgCrumbs(pg.Lang, anc, o)
	pg.Form = form
	data := orgShowData{Org: o, IDStr: db.FormatID(o.ID), KindLabel: web.KindLabel(pg.Lang, o.Kind), KindVariant: web.KindVariant(o.Kind),
		CanWrite: p.CanAt(auth.PermOrgWrite, o.Path), FormName: formName, EmployerQ: web.QueryValue(r, "employer_q")}

	if data.Counts, err = h.Orgs.Count(ctx, p, id); err != nil {
		h.Fail(w, r, p, err)
		return
	}
	data.Kinds = web.KindCounts(pg.Lang, data.Counts)
	if data.Members, err = h.Reports.ActiveMembers(ctx, o); err != nil {
		h.Fail(w, r, p, err)
		return
	}
	if p.CanAt(auth.PermMemberRead, o.Path) {
		data.MembersURL = "/members?org=" + db.FormatID(o.ID)
	}

	cursor := web.QueryValue(r, "cursor")
	kids, next, err := h.Orgs.Children(ctx, p, id, cursor, web.PageSize)
	if err != nil {
		h.Fail(w, r, p, err)
		return
	}
	for _, k := range kids {
		data.Children = append(data.Children, orgHit{Org: k, IDStr: db.FormatID(k.ID), URL: web.OrgURL(k.ID), KindLabel: web.KindLabel(pg.Lang, k.Kind), KindVariant: web.KindVariant(k.Kind)})
	}
	if next != "" {
		data.ChildNext = web.ListURL(pg, "cursor", next) + "#children"
	}
	data.ChildPaged = cursor != ""
	data.ChildFirst = web.SetQuery(web.SetQuery(pg.Path, "flash", ""), "cursor", "") + "#children"

	emps, err := h.Orgs.Employers(ctx, p, id)
	if err != nil {
		h.Fail(w, r, p, err)
		return
	}
	data.Employers = employerRows(pg.Lang, emps)

	offs, err := h.Orgs.Officers(ctx, p, id)
	if err != nil {
		h.Fail(w, r, p, err)
		return
	}
	// The store lists sitting officers first.
	for _, of := range offs {
		data.Officers = append(data.Officers, officerView{Officer: of, IDStr: db.FormatID(of.ID), PositionLabel: web.PositionLabel(pg.Lang, of.Position)})
	}

	data.Organises, data.CanLink = employerRoom(o.Kind, len(emps))
	data.PartOfUnion = o.Kind == org.KindSub || o.Kind == org.KindGroup
	data.CanLink = data.CanLink && data.CanWrite
	if data.CanLink {
		unorganised := false
		cands, _, err := h.Orgs.ListEmployers(ctx, p, org.EmployerQuery{Q: data.EmployerQ, Organised: &unorganised, Limit: web.PageSize})
		if err != nil && !errs.Is(err, errs.KindInvalid) {
			h.Fail(w, r, p, err)
			return
		}
		for _, e := range cands {
			label := e.Name
			if e.CreditCode != "" {
				label += " · " + e.CreditCode
			}
			data.Candidates = append(data.Candidates, web.Option{Value: db.FormatID(e.ID), Label: label})
		}
	}
	pg.Data = data
	h.Render(w, status, "org_show", pg)
}

// employerRoom says whether a kind of organisation organises employers at
// all, and whether it has room for one more besides the n it has: a single
// union (or a committee preparing one) organises one, a joint union any
// number, federations and the inner parts of a union none.
func employerRoom(k org.Kind, n int) (organises, room bool) {
	switch k {
	case org.KindJoint:
		return true, true
	case org.KindGrassroots, org.KindPreparatory:
		return true, n == 0
	}
	return false, false
}

// orgLinkEmployer records that the union organises an employer.
func (h *Pages) orgLinkEmployer(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := web.IDParam(r, "id")
	if err != nil {
		return err
	}
	eid := web.ParseIDValue(r.PostFormValue("employer_id"))
	if eid == 0 {
		f := errs.Fields{}
		f.Add("employer_id", "field.required")
		err = f.Err()
	} else {
		err = h.Orgs.LinkEmployer(r.Context(), p, id, eid)
	}
	if err != nil {
		pg := h.Page(w, r, p, "", "orgs")
		f, ok := web.FormFrom(pg, r, err)
		if !ok {
			return err
		}
		h.renderOrgShow(w, r, p, f, "link", httpx.Status(err))
		return nil
	}
	web.RedirectAnchor(w, r, web.OrgURL(id), "employers", "flash.employer_linked")
	return nil
}

// orgUnlinkEmployer ends the link between the union and an employer.
func (h *Pages) orgUnlinkEmployer(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := web.IDParam(r, "id")
	if err != nil {
		return err
	}
	eid, err := web.IDParam(r, "eid")
	if err != nil {
		return err
	}
	if err := h.Orgs.UnlinkEmployer(r.Context(), p, id, eid); err != nil {
		return err
	}
	web.RedirectAnchor(w, r, web.OrgURL(id), "employers", "flash.employer_unlinked")
	return nil
}
