package surveys

import (
	"net/http"
	"slices"
	"strconv"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/i18n"
	"gonghui/internal/survey"
	"gonghui/internal/web"
	"gonghui/internal/web/signup"
)

// Surveys in the members' portal, phone first: the surveys open to a
// member (/m/surveys), one survey's form, the thank-you page. Every
// question is in the page; a question with a skip rule carries its rule
// (data-show-q, data-show-o) and survey.js hides it while the rule is
// not met. Without JavaScript it stays visible, marked with its rule in
// words, and the server drops its answer when the rule is not met.

func memberURL(id int64) string { return "/m/surveys/" + db.FormatID(id) }

type mItem struct {
	URL, Title, When, State, StateV string
	Anonymous, Done                 bool
}

type mListData struct {
	Open, Done []mItem
	Unread     int
}

func mItemOf(lang i18n.Lang, l *survey.Listed, now time.Time) mItem {
	it := mItem{URL: memberURL(l.ID), Title: l.Title, When: signup.Window(lang, l.OpensAt, l.ClosesAt), Anonymous: l.Anonymous, Done: l.Responded}
	switch {
	case l.Responded:
		it.State, it.StateV = i18n.T(lang, "survey.m.state.done"), "success"
	case now.Before(l.OpensAt):
		it.State, it.StateV = i18n.T(lang, "survey.m.state.upcoming"), "info"
	case !l.Open(now):
		it.State, it.StateV = i18n.T(lang, "survey.m.state.closed"), "neutral"
	default:
		it.State, it.StateV = i18n.T(lang, "survey.m.state.open"), "warning"
	}
	return it
}

func (h *Pages) mList(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	all, err := h.Surveys.ForMember(r.Context(), p)
	if err != nil {
		return err
	}
	pg := h.MemberPage(w, r, "survey.m.list.title", "surveys")
	now := time.Now()
	d := mListData{Unread: h.Unread(r.Context(), p.MemberID)}
	for i := range all {
		it := mItemOf(pg.Lang, &all[i], now)
		if all[i].CanRespond || now.Before(all[i].OpensAt) {
			d.Open = append(d.Open, it)
		} else {
			d.Done = append(d.Done, it)
		}
	}
	pg.Data = d
	h.Render(w, http.StatusOK, "survey_m_list", pg)
	return nil
}

type mOption struct {
	Value, Label string
	Checked      bool
}

type mQuestion struct {
	N                        int
	Name, Title, Hint        string
	Type, TypeHint           string
	Required                 bool
	Options                  []mOption
	Other                    bool
	OtherChecked             bool
	OtherText                string
	Text                     string
	ShowQ, ShowO             string // the skip rule: question index and option value
	Rule                     string // the rule in words
	Error                    string
	Multiple, Rating, Choice bool
	Long, Number, Short      bool
}

type mShowData struct {
	mItem
	ID, Description string
	Anonymity       string // what named or anonymous means here
	CanRespond      bool
	Note            string
	Error           string
	Questions       []mQuestion
	URL             string
	Unread          int
}

func (h *Pages) mShow(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := web.IDParam(r, "id")
	if err != nil {
		return err
	}
	return h.renderM(w, r, p, id, nil, http.StatusOK)
}

func (h *Pages) renderM(w http.ResponseWriter, r *http.Request, p *auth.Principal, id int64, fail error, status int) error {
	l, err := h.Surveys.ForMemberOne(r.Context(), p, id)
	if err != nil {
		return err
	}
	pg := h.MemberPage(w, r, "", "surveys")
	pg.Title = l.Title
	pg.Path = memberURL(id)
	lang := pg.Lang
	now := time.Now()
	d := mShowData{mItem: mItemOf(lang, l, now), ID: db.FormatID(id), Description: l.Description, CanRespond: l.CanRespond, URL: memberURL(id),
		Unread: h.Unread(r.Context(), p.MemberID)}
	if l.Anonymous {
		d.Anonymity = pg.T("survey.m.anonymous", survey.MinGroup)
	} else {
		d.Anonymity = pg.T("survey.m.named")
	}
	switch {
	case l.Responded:
		d.Note = pg.T("survey.m.note.done")
	case now.Before(l.OpensAt):
		d.Note = pg.T("survey.m.note.opens", signup.Moment(lang, l.OpensAt))
	case !l.CanRespond:
		d.Note = pg.T("survey.m.note.closed")
	}
	fields := map[string]string{}
	if e, ok := errs.As(fail); ok && fail != nil {
		for _, name := range e.FieldNames() {
			fields[name] = i18n.T(lang, e.Fields[name].Key, e.Fields[name].Args...)
		}
		if len(fields) == 0 {
			d.Error = web.ErrMessage(lang, fail)
		} else {
			d.Error = pg.T("survey.m.fix")
		}
	}
	if d.CanRespond {
		form := r.PostForm
		for i, q := range l.Questions {
			name := survey.FormName(i)
			mq := mQuestion{N: i + 1, Name: name, Title: q.Title, Hint: q.Hint, Type: string(q.Type), Required: q.Required, Other: q.Other,
				Error: fields[name], Choice: q.Type.Choice(), Multiple: q.Type == survey.Multiple, Rating: q.Type == survey.Rating,
				Long: q.Type == survey.Long, Number: q.Type == survey.Number, Short: q.Type == survey.Short}
			vals := form[name]
			for n, o := range q.Options {
				v := strconv.Itoa(n)
				mq.Options = append(mq.Options, mOption{Value: v, Label: o, Checked: slices.Contains(vals, v)})
			}
			if q.Type == survey.Rating {
				for n := 1; n <= q.Scale; n++ {
					v := strconv.Itoa(n)
					mq.Options = append(mq.Options, mOption{Value: v, Label: v, Checked: slices.Contains(vals, v)})
				}
			}
			mq.OtherChecked = slices.Contains(vals, survey.OtherValue)
			mq.OtherText = form.Get(name + ".other")
			if len(vals) > 0 && !mq.Choice && !mq.Rating {
				mq.Text = vals[0]
			}
			switch {
			case q.Type == survey.Multiple && q.MinPicks > 0 && q.MaxPicks > 0:
				mq.TypeHint = pg.T("survey.m.picks_between", q.MinPicks, q.MaxPicks)
			case q.Type == survey.Multiple && q.MaxPicks > 0:
				mq.TypeHint = pg.T("survey.m.picks_max", q.MaxPicks)
			case q.Type == survey.Multiple && q.MinPicks > 0:
				mq.TypeHint = pg.T("survey.m.picks_min", q.MinPicks)
			case q.Type == survey.Multiple:
				mq.TypeHint = pg.T("survey.m.picks_any")
			case q.Type == survey.Rating:
				mq.TypeHint = pg.T("survey.m.rating_hint", q.Scale)
			}
			if c := q.ShowIf; c != nil {
				mq.ShowQ, mq.ShowO = strconv.Itoa(c.Question), strconv.Itoa(c.Option)
				mq.Rule = pg.T("survey.m.rule", c.Question+1, l.Questions[c.Question].Options[c.Option])
			}
			d.Questions = append(d.Questions, mq)
		}
	}
	pg.Data = d
	h.Render(w, status, "survey_m_show", pg)
	return nil
}

func (h *Pages) mSubmit(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := web.IDParam(r, "id")
	if err != nil {
		return err
	}
	l, err := h.Surveys.ForMemberOne(r.Context(), p, id)
	if err != nil {
		return err
	}
	answers, err := survey.ParseForm(l.Questions, r.PostForm)
	if err == nil {
		if err = h.Surveys.Respond(r.Context(), p, id, answers); err == nil {
			http.Redirect(w, r, memberURL(id)+"/thanks", http.StatusSeeOther)
			return nil
		}
	}
	if e, ok := errs.As(err); !ok || e.Kind == errs.KindInternal || e.Kind == errs.KindNotFound {
		return err
	}
	return h.renderM(w, r, p, id, err, web.FormStatus(err))
}

type mThanksData struct {
	mItem
	Anonymity string
	Unread    int
}

func (h *Pages) mThanks(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := web.IDParam(r, "id")
	if err != nil {
		return err
	}
	l, err := h.Surveys.ForMemberOne(r.Context(), p, id)
	if err != nil {
		return err
	}
	if !l.Responded {
		http.Redirect(w, r, memberURL(id), http.StatusSeeOther)
		return nil
	}
	pg := h.MemberPage(w, r, "survey.m.thanks.title", "surveys")
	d := mThanksData{mItem: mItemOf(pg.Lang, l, time.Now()), Unread: h.Unread(r.Context(), p.MemberID)}
	if l.Anonymous {
		d.Anonymity = pg.T("survey.m.thanks.anonymous")
	}
	pg.Data = d
	h.Render(w, http.StatusOK, "survey_m_thanks", pg)
	return nil
}
