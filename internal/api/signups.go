package api

import (
	"context"
	"net/http"
	"time"

	"gonghui/internal/activity"
	"gonghui/internal/auth"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
)

// Activities and course terms are served alike: each has a member's view
// beside the staff's, sign-ups (an activity's registrations, a term's
// enrolments; a group's members without the list) that a member makes for
// themself and staff for a member, and a QR code to check in by.

// memberView reads {id} as the member it names sees it.
type memberView[V any] = func(ctx context.Context, memberID, id int64) (V, error)

// ForCaller answers {id}: a member gets their view of it, staff the record.
func ForCaller[V, T any](w http.ResponseWriter, r *http.Request, member memberView[V], staff loader[T]) error {
	id, err := PathID(r, "id")
	if err != nil {
		return err
	}
	p := Principal(r)
	if p.Kind == auth.KindMember {
		v, err := member(r.Context(), p.MemberID, id)
		if err != nil {
			return err
		}
		return OK(w, v)
	}
	out, err := staff(r.Context(), p, id)
	if err != nil {
		return err
	}
	return OK(w, out)
}

// SignUps answers the sign-ups of {id}: a member gets their own, if any,
// out of their view of it; staff a page of all, filtered as fill reads.
func SignUps[V, T, Q any](w http.ResponseWriter, r *http.Request, member memberView[V], own func(V) *T,
	fill func(*Query, Page) Q, list func(context.Context, *auth.Principal, int64, Q) ([]T, string, error)) error {
	id, err := PathID(r, "id")
	if err != nil {
		return err
	}
	if p := Principal(r); p.Kind == auth.KindMember {
		v, err := member(r.Context(), p.MemberID, id)
		if err != nil {
			return err
		}
		var items []T
		if s := own(v); s != nil {
			items = append(items, *s)
		}
		return OK(w, NewList(items, ""))
	}
	return Paged(w, r, fill, func(ctx context.Context, p *auth.Principal, in Q) ([]T, string, error) {
		return list(ctx, p, id, in)
	})
}

// SignUp signs the member the body names (a member: themself) up for {id}:
// 201 at location when this call made the sign-up, 200 with the same one
// when it already stood.
func SignUp[T any](w http.ResponseWriter, r *http.Request, location func(id, memberID int64) string,
	add func(ctx context.Context, p *auth.Principal, id, memberID int64) (T, bool, error)) error {
	id, err := PathID(r, "id")
	if err != nil {
		return err
	}
	memberID, err := bodyMember(w, r)
	if err != nil {
		return err
	}
	out, made, err := add(r.Context(), Principal(r), id, memberID)
	if err != nil {
		return err
	}
	if made {
		return Created(w, location(id, memberID), out)
	}
	return OK(w, out)
}

type RegisterInput struct {
	MemberID ID `json:"member_id"`
}

// bodyMember reads {"member_id"} of a body: required of staff; a member's
// own ID when a member leaves it out.
func bodyMember(w http.ResponseWriter, r *http.Request) (int64, error) {
	var in RegisterInput
	if err := Decode(w, r, &in); err != nil {
		return 0, err
	}
	p := Principal(r)
	f := errs.Fields{}
	memberID := in.MemberID.Parse(f, "member_id", p.Kind != auth.KindMember)
	if err := f.Err(); err != nil {
		return 0, err
	}
	if memberID == 0 {
		memberID = p.MemberID
	}
	return memberID, nil
}

// RegistrationMember reads {member_id} of the path; a member may name
// themself "me".
func RegistrationMember(r *http.Request) (int64, error) {
	p := Principal(r)
	if p.Kind == auth.KindMember && r.PathValue("member_id") == "me" {
		return p.MemberID, nil
	}
	return PathID(r, "member_id")
}

type CheckpointCodeView struct {
	Code       string     `json:"code"`
	URL        string     `json:"url"`
	ValidUntil *time.Time `json:"valid_until"`
}

// LiveCode answers what the QR code of {id}'s checkpoint or session (the
// path's sub) shows now, and the link a phone's camera opens.
func (h *Handler) LiveCode(w http.ResponseWriter, r *http.Request, sub string,
	read func(ctx context.Context, p *auth.Principal, id, sub int64) (string, time.Time, error)) error {
	id, subID, err := PathIDs(r, sub)
	if err != nil {
		return err
	}
	code, until, err := read(r.Context(), Principal(r), id, subID)
	if err != nil {
		return err
	}
	return OK(w, CheckpointCodeView{Code: code, URL: h.Origin(r) + activity.CheckinPath(code), ValidUntil: utc(until)})
}

// Origin is the scheme and host the request reached us at.
func (h *Handler) Origin(r *http.Request) string {
	scheme := "http"
	if httpx.Secure(r, h.Opts) {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
