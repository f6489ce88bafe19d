package api

import (
	"context"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"
	"time"

	"gonghui/internal/activity"
	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
)

// cursor reads the list cursor: ?cursor= as every list takes it, or ?after=.
func (q *query) cursor(pg page) string {
	if pg.Cursor != "" {
		return pg.Cursor
	}
	return q.str("after")
}

// memberActivityQuery reads a member's listing filters: ?mine= ?past= ?q=
// and the page.
func memberActivityQuery(r *http.Request) (activity.MemberQuery, error) {
	q := newQuery(r)
	pg := q.page()
	in := activity.MemberQuery{Q: q.str("q"), After: q.cursor(pg), Limit: pg.Limit}
	if b := q.boolean("mine"); b != nil {
		in.Mine = *b
	}
	if b := q.boolean("past"); b != nil {
		in.Past = *b
	}
	return in, q.err()
}

// listActivities: GET /activities — staff see what their subtrees
// published; a member sees what is open to them.
func (h *Handler) listActivities(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	if p.Kind == auth.KindMember {
		return h.myActivities(w, r)
	}
	return paged(w, r, func(q *query, pg page) activity.Query {
		return activity.Query{Q: q.str("q"), Org: q.id("org"), Kind: activity.Kind(q.str("kind")), Status: activity.Status(q.str("status")),
			From: q.str("from"), To: q.str("to"), After: q.cursor(pg), Limit: pg.Limit}
	}, h.acts.List)
}

// myActivities: GET /me/activities.
func (h *Handler) myActivities(w http.ResponseWriter, r *http.Request) error {
	in, err := memberActivityQuery(r)
	if err != nil {
		return err
	}
	items, next, err := h.acts.ForMember(r.Context(), principal(r).MemberID, in)
	if err != nil {
		return err
	}
	return ok(w, newList(items, next))
}

type checkpointInput struct {
	ID            ID     `json:"id"`
	Name          string `json:"name"`
	RotateSeconds int    `json:"rotate_seconds"`
}

// activityInput is activity.Input with the IDs it leaves to the API.
type activityInput struct {
	activity.Input
	OrgID         ID                `json:"org_id"`
	AudienceOrgID ID                `json:"audience_org_id"`
	Checkpoints   []checkpointInput `json:"checkpoints"`
}

// input resolves the IDs into the store's input; orgRequired is false on an
// edit, where the publisher stays.
func (in *activityInput) input(f errs.Fields, orgRequired bool) activity.Input {
	out := in.Input
	out.OrgID = in.OrgID.parse(f, "org_id", orgRequired)
	out.AudienceOrgID = in.AudienceOrgID.parse(f, "audience_org_id", false)
	out.Checkpoints = nil
	for i, c := range in.Checkpoints {
		out.Checkpoints = append(out.Checkpoints, activity.CheckpointInput{
			ID: c.ID.parse(f, "checkpoints."+strconv.Itoa(i)+".id", false), Name: c.Name, RotateSeconds: c.RotateSeconds})
	}
	return out
}

// createActivity: POST /activities (a draft).
func (h *Handler) createActivity(w http.ResponseWriter, r *http.Request) error {
	var in activityInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	f := errs.Fields{}
	a := in.input(f, true)
	if err := f.Err(); err != nil {
		return err
	}
	out, err := h.acts.Create(r.Context(), principal(r), a)
	if err != nil {
		return err
	}
	return created(w, "/activities/"+db.FormatID(out.ID), out)
}

// getActivity: GET /activities/{id} — staff see the whole activity; a
// member sees it with their registration and stamp card.
func (h *Handler) getActivity(w http.ResponseWriter, r *http.Request) error {
	return forCaller(w, r, h.acts.MemberView, h.acts.Get)
}

type activityUpdateInput struct {
	activityInput
	Version int `json:"version"`
}

// putActivity: PUT /activities/{id} — the whole editable activity at the
// version it was read (org_id, the publisher, cannot change and is ignored).
func (h *Handler) putActivity(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in activityUpdateInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	f := errs.Fields{}
	a := in.input(f, false)
	if err := f.Err(); err != nil {
		return err
	}
	out, err := h.acts.Update(r.Context(), principal(r), id, in.Version, a)
	if err != nil {
		return err
	}
	return ok(w, out)
}

// publishActivity: POST /activities/{id}/publish.
func (h *Handler) publishActivity(w http.ResponseWriter, r *http.Request) error {
	return step(w, r, h.acts.Publish)
}

type cancelInput struct {
	Reason string `json:"reason"`
}

// cancelActivity: POST /activities/{id}/cancel (everyone registered is told).
func (h *Handler) cancelActivity(w http.ResponseWriter, r *http.Request) error {
	return act(w, r, func(ctx context.Context, p *auth.Principal, id int64, in cancelInput) (*activity.Activity, error) {
		return h.acts.Cancel(ctx, p, id, in.Reason)
	})
}

// finishActivity: POST /activities/{id}/finish.
func (h *Handler) finishActivity(w http.ResponseWriter, r *http.Request) error {
	return step(w, r, h.acts.Finish)
}

type reportInput struct {
	Report *string `json:"report"`
}

// putActivityReport: PUT /activities/{id}/report.
func (h *Handler) putActivityReport(w http.ResponseWriter, r *http.Request) error {
	return act(w, r, func(ctx context.Context, p *auth.Principal, id int64, in reportInput) (*activity.Activity, error) {
		if in.Report == nil {
			return nil, fieldErr("report", "field.required")
		}
		return h.acts.SetReport(ctx, p, id, *in.Report)
	})
}

// listRegistrations: GET /activities/{id}/registrations — staff list them
// all (?status= ?q= and the page); a member gets only their own.
func (h *Handler) listRegistrations(w http.ResponseWriter, r *http.Request) error {
	own := func(ma *activity.MemberActivity) *activity.Registration { return ma.Registration }
	return signUps(w, r, h.acts.MemberView, own, func(q *query, pg page) activity.RegQuery {
		return activity.RegQuery{Status: activity.RegStatus(q.str("status")), Q: q.str("q"), After: q.cursor(pg), Limit: pg.Limit}
	}, h.acts.Registrations)
}

// register: POST /activities/{id}/registrations — a member signs
// themself up with {}; staff sign a member up with {"member_id": ID}.
// 201 when this call made the registration, 200 with the same one when it
// already stood.
func (h *Handler) register(w http.ResponseWriter, r *http.Request) error {
	return signUp(w, r, func(id, memberID int64) string {
		return "/activities/" + db.FormatID(id) + "/registrations/" + db.FormatID(memberID)
	}, h.acts.Register)
}

// unregister: DELETE /activities/{id}/registrations/{member_id} — the
// registration is withdrawn and answered; a place given up goes to the
// waiting list.
func (h *Handler) unregister(w http.ResponseWriter, r *http.Request) error {
	return withInput(w, r, registrationMember, h.acts.CancelRegistration)
}

type registrationDecision struct {
	Approve *bool `json:"approve"`
}

// decideRegistration: POST /activities/{id}/registrations/{member_id}/decision.
func (h *Handler) decideRegistration(w http.ResponseWriter, r *http.Request) error {
	id, memberID, err := pathIDs(r, "member_id")
	if err != nil {
		return err
	}
	var in registrationDecision
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if in.Approve == nil {
		return fieldErr("approve", "field.required")
	}
	reg, err := h.acts.Decide(r.Context(), principal(r), id, memberID, *in.Approve)
	if err != nil {
		return err
	}
	return ok(w, reg)
}

type checkInInput struct {
	Code         string `json:"code"`
	Card         string `json:"card"`
	MemberID     ID     `json:"member_id"`
	CheckpointID ID     `json:"checkpoint_id"`
}

// checkIn: POST /activities/{id}/checkins — a member with the code of a
// checkpoint ({"code"}); staff with a member's card or ID at a checkpoint
// ({"card"} or {"member_id"}, and "checkpoint_id", default the first). 201
// for a new check-in, 200 with the first one for a repeated scan.
func (h *Handler) checkIn(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in checkInInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	p := principal(r)
	f := errs.Fields{}
	ci := activity.CheckInInput{Code: in.Code, Card: in.Card}
	if p.Kind == auth.KindMember {
		// A member checks only themself in, by a checkpoint's code.
		f.Check(in.Card == "", "card", "api.field.unknown")
		f.Check(in.MemberID == "", "member_id", "api.field.unknown")
		f.Check(in.CheckpointID == "", "checkpoint_id", "api.field.unknown")
	} else {
		f.Check(in.Code == "", "code", "api.field.unknown")
		ci.MemberID = in.MemberID.parse(f, "member_id", false)
		ci.CheckpointID = in.CheckpointID.parse(f, "checkpoint_id", false)
	}
	if err := f.Err(); err != nil {
		return err
	}
	return h.answerCheckIn(w, r, id, ci)
}

type codeCheckInInput struct {
	Code string `json:"code"`
}

// checkInByCode: POST /checkins — a member scanned a checkpoint's code; the
// code names the activity.
func (h *Handler) checkInByCode(w http.ResponseWriter, r *http.Request) error {
	var in codeCheckInInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	return h.answerCheckIn(w, r, 0, activity.CheckInInput{Code: in.Code})
}

func (h *Handler) answerCheckIn(w http.ResponseWriter, r *http.Request, id int64, in activity.CheckInInput) error {
	c, made, err := h.acts.CheckIn(r.Context(), principal(r), id, in)
	if err != nil {
		return err
	}
	if made {
		return created(w, "/activities/"+db.FormatID(c.ActivityID)+"/checkins", c)
	}
	return ok(w, c)
}

// listCheckins: GET /activities/{id}/checkins, latest first.
func (h *Handler) listCheckins(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return paged(w, r, func(q *query, pg page) page { return page{Cursor: q.cursor(pg), Limit: pg.Limit} },
		func(ctx context.Context, p *auth.Principal, pg page) ([]activity.CheckInRow, string, error) {
			return h.acts.CheckIns(ctx, p, id, pg.Cursor, pg.Limit)
		})
}

// checkpointCode: GET /activities/{id}/checkpoints/{cp}/code — what the
// checkpoint's QR code shows now, and the link a phone's camera opens.
func (h *Handler) checkpointCode(w http.ResponseWriter, r *http.Request) error {
	return h.liveCode(w, r, "cp", h.acts.CheckpointCode)
}

// origin is the scheme and host the request reached us at.
func (h *Handler) origin(r *http.Request) string {
	scheme := "http"
	if httpx.Secure(r, h.opts) {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// attendance: GET /activities/{id}/attendance.
func (h *Handler) attendance(w http.ResponseWriter, r *http.Request) error {
	return get(w, r, h.acts.Attendance)
}

// exportAttendance: GET /activities/{id}/attendance.xlsx — registrations
// with their check-ins, in the reader's language.
func (h *Handler) exportAttendance(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return workbook(w, r, "attendance-"+db.FormatID(id)+".xlsx", "attendance export", func(tr translate, out io.Writer) error {
		return h.acts.ExportAttendance(r.Context(), principal(r), id, tr, out)
	})
}

// activityICS: GET /activities/{id}/calendar.ics — the activity for a
// phone's or Outlook's calendar.
func (h *Handler) activityICS(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p := principal(r)
	var a *activity.Activity
	link := h.origin(r)
	if p.Kind == auth.KindMember {
		ma, err := h.acts.MemberView(r.Context(), p.MemberID, id)
		if err != nil {
			return err
		}
		a, link = &ma.Activity, link+"/m/activities/"+db.FormatID(id)
	} else {
		if a, err = h.acts.Get(r.Context(), p, id); err != nil {
			return err
		}
		link += "/activities/" + db.FormatID(id)
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/calendar; charset=utf-8")
	hd.Set("Content-Disposition", `attachment; filename="activity-`+db.FormatID(id)+`.ics"`)
	hd.Set("Cache-Control", "no-store")
	_, err = w.Write(activity.ICS(a, link, time.Now()))
	return err
}

type prizeInput struct {
	MemberID ID     `json:"member_id"`
	Card     string `json:"card"`
}

// redeemPrize: POST /activities/{id}/prizes — hand a member the prize of a
// completed stamp card, once; the member by {"member_id"} or a scanned
// {"card"}.
func (h *Handler) redeemPrize(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in prizeInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	f := errs.Fields{}
	ci := activity.CheckInInput{Card: in.Card, MemberID: in.MemberID.parse(f, "member_id", false)}
	if err := f.Err(); err != nil {
		return err
	}
	sc, err := h.acts.RedeemPrize(r.Context(), principal(r), id, ci)
	if err != nil {
		return err
	}
	return ok(w, sc)
}

// myStampCard: GET /activities/{id}/stamp-card, a member's own card for an
// activity open to them.
func (h *Handler) myStampCard(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p := principal(r)
	if _, err := h.acts.MemberView(r.Context(), p.MemberID, id); err != nil {
		return err
	}
	sc, err := h.acts.StampCard(r.Context(), id, p.MemberID)
	if err != nil {
		return err
	}
	return ok(w, sc)
}

// listPhotos: GET /activities/{id}/photos (without their bytes).
func (h *Handler) listPhotos(w http.ResponseWriter, r *http.Request) error {
	return getAll(w, r, h.acts.Photos)
}

// addPhoto: POST /activities/{id}/photos — multipart "photo" (JPEG, PNG or
// WebP, at most activity.MaxPhotoBytes) and an optional "caption".
func (h *Handler) addPhoto(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	data, caption, err := readPhoto(w, r)
	if err != nil {
		return err
	}
	ph, err := h.acts.AddPhoto(r.Context(), principal(r), id, data, caption)
	if err != nil {
		return err
	}
	return created(w, "/activities/"+db.FormatID(id)+"/photos/"+db.FormatID(ph.ID), ph)
}

// readPhoto reads the multipart form of addPhoto.
func readPhoto(w http.ResponseWriter, r *http.Request) ([]byte, string, error) {
	const limit = activity.MaxPhotoBytes + 1<<20
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	tooBig := fieldErr("photo", "activity.photo_size", activity.MaxPhotoBytes>>20)
	if err := r.ParseMultipartForm(limit); err != nil {
		var mb *http.MaxBytesError
		switch {
		case errors.As(err, &mb):
			return nil, "", tooBig
		case errors.Is(err, http.ErrNotMultipart), errors.Is(err, http.ErrMissingBoundary):
			return nil, "", fieldErr("photo", "upload.not_multipart")
		}
		return nil, "", fieldErr("photo", "upload.unreadable")
	}
	defer r.MultipartForm.RemoveAll()
	caption := ""
	if v := r.MultipartForm.Value["caption"]; len(v) > 0 {
		caption = v[0]
	}
	fh := r.MultipartForm.File["photo"]
	if len(fh) == 0 {
		return nil, "", fieldErr("photo", "field.required")
	}
	data, err := readPart(fh[0], activity.MaxPhotoBytes+1)
	if err != nil {
		return nil, "", fieldErr("photo", "upload.unreadable")
	}
	if len(data) > activity.MaxPhotoBytes {
		return nil, "", tooBig
	}
	return data, caption, nil
}

func readPart(fh *multipart.FileHeader, max int64) ([]byte, error) {
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, max))
}

// getPhoto: GET /activities/{id}/photos/{photo_id} — the picture's bytes.
func (h *Handler) getPhoto(w http.ResponseWriter, r *http.Request) error {
	id, photoID, err := pathIDs(r, "photo_id")
	if err != nil {
		return err
	}
	var ct string
	var data []byte
	if p := principal(r); p.Kind == auth.KindMember {
		ct, data, err = h.acts.MemberPhotoData(r.Context(), p.MemberID, id, photoID)
	} else {
		ct, data, err = h.acts.PhotoData(r.Context(), p, id, photoID)
	}
	if err != nil {
		return err
	}
	hd := w.Header()
	hd.Set("Content-Type", ct)
	hd.Set("Content-Length", strconv.Itoa(len(data)))
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	hd.Set("Cache-Control", "private, no-cache")
	_, err = w.Write(data)
	return err
}

// deletePhoto: DELETE /activities/{id}/photos/{photo_id}.
func (h *Handler) deletePhoto(w http.ResponseWriter, r *http.Request) error {
	return removeSub(w, r, "photo_id", h.acts.DeletePhoto)
}

// myNotices: GET /me/notices, a member's latest notices (?limit=).
func (h *Handler) myNotices(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	pg := q.page()
	if err := q.err(); err != nil {
		return err
	}
	items, err := h.notes.List(r.Context(), principal(r).MemberID, pg.Limit)
	if err != nil {
		return err
	}
	return ok(w, newList(items, ""))
}
