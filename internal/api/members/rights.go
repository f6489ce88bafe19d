package members

import (
	"context"
	"net/http"

	"gonghui/internal/api"
	"gonghui/internal/audit"
	"gonghui/internal/member"
	"gonghui/internal/member/privacy"
)

// myData: GET /me/data, everything held about the signed-in member, their
// own numbers in full; audited as a self-reveal.
func (h *API) myData(w http.ResponseWriter, r *http.Request) error {
	d, err := privacy.OwnData(r.Context(), h.Members, api.Principal(r).MemberID, "api")
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return api.OK(w, d)
}

// withConsent is the request's context, marked when the caller confirmed
// consent was collected for the people it enters (a member created, or a
// roster imported, under batch ref).
func withConsent(r *http.Request, collected bool, ref string) context.Context {
	if !collected {
		return r.Context()
	}
	p := api.Principal(r)
	return member.WithConsent(r.Context(), member.Collected{CollectorID: p.UserID, Collector: audit.ActorFrom(r.Context()).Name, BatchRef: ref})
}
