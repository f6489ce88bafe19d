package contests

import (
	"net/http"
	"slices"
	"strconv"

	"gonghui/internal/auth"
	"gonghui/internal/contest"
	"gonghui/internal/contest/bank"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
	"gonghui/internal/i18n"
	"gonghui/internal/web"
)

// The live contest on a member's phone: /m/live takes the code shown on
// the host screen (the QR code opens /m/live/{code} directly); the
// session's page shows the question with its answers as one form (a tap
// sends a single choice or true/false at once when the script runs), then
// whether the answer was right once the host reveals it, and the member's
// (or their team's) rank. Without JavaScript every step is a form and a
// reload shows where the session stands.

// livePhoneData is the Data of the phone's page.
type livePhoneData struct {
	liveView
	Code, URL, JoinURL, AnswerURL string
	Me                            *contest.LiveMe
	Name                          string // the answer fields' prefix: q<position>.
	Mine                          string // the answer given, in words
	Verdict, VerdictV             string
	Blanks                        []pcBlank
	Error                         string
	Unread                        int
}

// liveCodeData is the Data of the code form.
type liveCodeData struct {
	Code, Error string
	Unread      int
}

// liveCodePage: GET /m/live (?code= goes to the session).
func (h *Pages) liveCodePage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	pg := h.MemberPage(w, r, "live.code.title", "contests")
	d := &liveCodeData{Code: web.QueryValue(r, "code"), Unread: h.Unread(r.Context(), p.MemberID)}
	status := http.StatusOK
	if d.Code != "" {
		code := contest.NormaliseLiveCode(d.Code)
		if _, err := h.Contests.LiveMemberState(r.Context(), p, code); err == nil {
			http.Redirect(w, r, MemberLiveURL(code), http.StatusSeeOther)
			return nil
		} else if !errs.Is(err, errs.KindNotFound) {
			return err
		}
		d.Error, status = pg.T("live.code.unknown"), http.StatusNotFound
	}
	pg.Data = d
	h.Render(w, status, "live_code", pg)
	return nil
}

// livePhone: GET /m/live/{code}.
func (h *Pages) livePhone(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return h.renderPhone(w, r, p, "", http.StatusOK)
}

func (h *Pages) renderPhone(w http.ResponseWriter, r *http.Request, p *auth.Principal, refusal string, status int) error {
	code := r.PathValue("code")
	st, err := h.Contests.LiveMemberState(r.Context(), p, code)
	if err != nil {
		return err
	}
	pg := h.MemberPage(w, r, "live.phone.title", "contests")
	pg.Title = st.Title
	url := MemberLiveURL(st.Code)
	pg.Path = url
	d := &livePhoneData{liveView: liveViewOf(pg.Lang, st), Code: st.Code, URL: url, JoinURL: url + "/join", AnswerURL: url + "/answer", Me: st.Me,
		Error: refusal, Unread: h.Unread(r.Context(), p.MemberID)}
	d.StateURL, d.EventsURL, d.Msgs = url+"/state", url+"/events", liveMsgs(pg.Lang)
	if q := st.Question; q != nil {
		d.Name = "q" + strconv.Itoa(q.Position) + "."
		for i := range q.Blanks {
			d.Blanks = append(d.Blanks, pcBlank{N: i + 1})
		}
		for i := range d.Opts {
			o := &d.Opts[i]
			o.Multiple, o.Name = q.Type == bank.Multiple, d.Name+"choice"
			if q.Type == bank.TrueFalse {
				o.Name, o.Value = d.Name+"tf", []string{"true", "false"}[i]
			}
		}
		if st.Me != nil && st.Me.Answer != nil {
			a := *st.Me.Answer
			tq := contest.TakerQuestion{Type: q.Type}
			d.Mine = takerWords(pg.Lang, &tq, a)
			for i := range d.Opts {
				switch q.Type {
				case bank.Single, bank.Multiple:
					d.Opts[i].Mine = slices.Contains(a.Choices, i)
				case bank.TrueFalse:
					d.Opts[i].Mine = a.True != nil && *a.True == (i == 0)
				}
			}
			if st.Me.Credit != nil {
				d.Verdict, d.VerdictV = pcVerdict(pg.Lang, *st.Me.Credit)
			}
		}
	}
	pg.Data = d
	h.Render(w, status, "live_phone", pg)
	return nil
}

// livePhoneJoin: POST /m/live/{code}/join.
func (h *Pages) livePhoneJoin(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	st, err := h.Contests.LiveJoin(r.Context(), p, r.PathValue("code"))
	if err != nil {
		if _, ok := errs.As(err); !ok || httpx.Status(err) >= 500 || errs.Is(err, errs.KindNotFound) {
			return err
		}
		return h.renderPhone(w, r, p, web.ErrMessage(i18n.FromRequest(r), err), httpx.Status(err))
	}
	http.Redirect(w, r, MemberLiveURL(st.Code), http.StatusSeeOther)
	return nil
}

// livePhoneAnswer: POST /m/live/{code}/answer, the fields of the paper's
// form (q<position>.choice, .tf, .blank) and position. The script asks for
// JSON: the answer taken, or the refusal in words.
func (h *Pages) livePhoneAnswer(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	code := r.PathValue("code")
	pos, err := strconv.Atoi(web.FormValue(r, "position"))
	if err != nil || pos < 0 {
		err = errs.Conflict("closed", "live.closed")
	} else {
		var a bank.Answer
		if a, err = answerFrom(r.PostForm, pos); err == nil {
			var got *contest.LiveAnswered
			if got, err = h.Contests.LiveAnswer(r.Context(), p, code, pos, a); err == nil && web.WantsJSON(r) {
				web.WriteJSON(w, http.StatusOK, got)
				return nil
			}
		}
	}
	if err != nil {
		if web.WantsJSON(r) {
			return liveJSONError(w, r, err)
		}
		if _, ok := errs.As(err); !ok || httpx.Status(err) >= 500 || errs.Is(err, errs.KindNotFound) {
			return err
		}
		return h.renderPhone(w, r, p, web.ErrMessage(i18n.FromRequest(r), err), httpx.Status(err))
	}
	http.Redirect(w, r, MemberLiveURL(contest.NormaliseLiveCode(code)), http.StatusSeeOther)
	return nil
}
