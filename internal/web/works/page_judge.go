package works

import (
	"net/http"
	"strconv"
	"strings"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/web"
	"gonghui/internal/works"
)

// The judges' pages: the calls they sit on, and a call's accepted entries
// without their authors, each with the form of marks by criterion.

func (h *Pages) judgeList(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	list, err := h.Works.JudgeCalls(r.Context(), p)
	if err != nil {
		return err
	}
	pg := h.Page(w, r, p, "works.judge.title", "works")
	var rows []callRow
	for _, l := range list {
		rows = append(rows, callRow{URL: "/judging/" + db.FormatID(l.ID), Title: l.Title, OrgName: l.OrgName,
			Window: window(l.ClosesAt, l.JudgeUntil), Kind: pg.T("works.judge.left", l.Entries), Phase: phaseLabel(pg.Lang, l.Phase), PhaseV: phaseVariant(l.Phase)})
	}
	pg.Data = map[string]any{"Rows": rows}
	h.Render(w, http.StatusOK, "works_judge_list", pg)
	return nil
}

type blindRow struct {
	works.BlindEntry
	Action string
	Photos []photoLink
	Marks  []markField
	TotalS string
}

type markField struct{ Name, Label, Value, Error string }

func (h *Pages) judging(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := web.IDParam(r, "id")
	if err != nil {
		return err
	}
	return h.renderJudging(w, r, p, h.Page(w, r, p, "", "works"), id, 0, nil, http.StatusOK)
}

// renderJudging shows a call's entries to a judge; failed is the entry
// whose marks were refused (its fields carry the form's errors and keep
// what was typed), 0 for none.
func (h *Pages) renderJudging(w http.ResponseWriter, r *http.Request, p *auth.Principal, pg *web.Page, id, failed int64, typed []string, status int) error {
	j, err := h.Works.Blind(r.Context(), p, id)
	if err != nil {
		return err
	}
	pg.Title = pg.T("works.judge.call", j.Call.Title)
	pg.Crumbs = []web.Crumb{{Label: pg.T("works.judge.title"), URL: "/judging"}, {Label: j.Call.Title}}
	var rows []blindRow
	for _, e := range j.Entries {
		row := blindRow{BlindEntry: e, Action: "/judging/entries/" + db.FormatID(e.ID), TotalS: score(e.Total),
			Photos: photoLinks(e.Photos, "/work-photos/", true)}
		for i, c := range j.Call.Criteria {
			v := ""
			if i < len(e.Marks) {
				v = strconv.Itoa(e.Marks[i])
			}
			mf := markField{Name: "mark." + strconv.Itoa(i), Label: c.Name + " " + strconv.Itoa(c.Weight) + "%", Value: v}
			if e.ID == failed && pg.Form != nil {
				mf.Error = pg.Form.Errors["marks."+strconv.Itoa(i)]
				if i < len(typed) {
					mf.Value = typed[i]
				}
			}
			row.Marks = append(row.Marks, mf)
		}
		rows = append(rows, row)
	}
	pg.Data = map[string]any{"J": j, "Rows": rows, "Facts": facts(pg.Lang, j.Call), "Judging": window(j.Call.ClosesAt, j.Call.JudgeUntil)}
	h.Render(w, status, "works_judging", pg)
	return nil
}

func (h *Pages) score(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := web.IDParam(r, "entry")
	if err != nil {
		return err
	}
	var marks []int
	var typed []string
	for i := 0; ; i++ {
		v, ok := r.PostForm["mark."+strconv.Itoa(i)]
		if !ok || len(v) == 0 {
			break
		}
		n, err := strconv.Atoi(strings.TrimSpace(v[0]))
		if err != nil {
			n = -1 // refused by the store, field by field
		}
		marks, typed = append(marks, n), append(typed, v[0])
	}
	_, err = h.Works.Score(r.Context(), p, id, marks)
	callID, _ := db.ParseID(r.PostFormValue("call"))
	if err == nil {
		web.RedirectAnchor(w, r, "/judging/"+db.FormatID(callID), "e-"+db.FormatID(id), "flash.works.scored")
		return nil
	}
	pg := h.Page(w, r, p, "", "works")
	form, ok := web.FormError(pg, err)
	if !ok || callID == 0 {
		return err
	}
	pg.Form = form
	return h.renderJudging(w, r, p, pg, callID, id, typed, web.FormStatus(err))
}
