package activities

import (
	"context"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"
	"time"

	"gonghui/internal/activity"
	"gonghui/internal/api"
	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/httpx"
)

// memberActivityQuery reads a member's listing filters: ?mine= ?past= ?q=
// and the page.
func memberActivityQuery(r *http.Request) (activity.MemberQuery, error) {
	q := api.NewQuery(r)
	pg := q.Page()
	in := activity.MemberQuery{Q: q.Str("q"), After: q.Cursor(pg), Limit: pg.Limit}
	if b := q.Boolean("mine"); b != nil {
		in.Mine = *b
	}
	if b := q.Boolean("past"); b != nil {
		in.Past = *b
	}
	return in, q.Err()
}

// listActivities: GET /activities — staff see what their subtrees
// published; a member sees what is open to them.
func (h *API) listActivities(w http.ResponseWriter, r *http.Request) error {
	p := api.Principal(r)
	if p.Kind == auth.KindMember {
		return h.myActivities(w, r)
	}
	return api.PagedTotal(w, r, func(q *api.Query, pg api.Page) activity.Query {
		return activity.Query{Q: q.Str("q"), Org: q.ID("org"), Kind: activity.Kind(q.Str("kind")), Status: activity.Status(q.Str("status")),
			From: q.Str("from"), To: q.Str("to"), Sort: q.Str("sort"), After: q.Cursor(pg), Limit: pg.Limit}
	}, h.Acts.List, h.Acts.CountList)
}

// myActivities: GET /me/activities.
func (h *API) myActivities(w http.ResponseWriter, r *http.Request) error {
	in, err := memberActivityQuery(r)
	if err != nil {
		return err
	}
	items, next, err := h.Acts.ForMember(r.Context(), api.Principal(r).MemberID, in)
	if err != nil {
		return err
	}
	return api.OK(w, api.NewList(items, next))
}

type checkpointInput struct {
	ID            api.ID `json:"id"`
	Name          string `json:"name"`
	RotateSeconds int    `json:"rotate_seconds"`
}

// activityInput is activity.Input with the IDs it leaves to the API.
type activityInput struct {
	activity.Input
	OrgID         api.ID            `json:"org_id"`
	AudienceOrgID api.ID            `json:"audience_org_id"`
	Checkpoints   []checkpointInput `json:"checkpoints"`
}

// input resolves the IDs into the store's input; orgRequired is false on an
// edit, where the publisher stays.
func (in *activityInput) input(f errs.Fields, orgRequired bool) activity.Input {
	out := in.Input
	out.OrgID = in.OrgID.Parse(f, "org_id", orgRequired)
	out.AudienceOrgID = in.AudienceOrgID.Parse(f, "audience_org_id", false)
	out.Checkpoints = nil
	for i, c := range in.Checkpoints {
		out.Checkpoints = append(out.Checkpoints, activity.CheckpointInput{
			ID: c.ID.Parse(f, "checkpoints."+strconv.Itoa(i)+".id", false), Name: c.Name, RotateSeconds: c.RotateSeconds})
	}
	return out
}

// createActivity: POST /activities (a draft).
func (h *API) createActivity(w http.ResponseWriter, r *http.Request) error {
	var in activityInput
	if err := api.Decode(w, r, &in); err != nil {
		return err
	}
	f := errs.Fields{}
	a := in.input(f, true)
	if err := f.Err(); err != nil {
		return err
	}
	out, err := h.Acts.Create(r.Context(), api.Principal(r), a)
	if err != nil {
		return err
	}
	return api.Created(w, "/activities/"+db.FormatID(out.ID), out)
}

// getActivity: GET /activities/{id} — staff see the whole activity; a
// member sees it with their registration and stamp card.
func (h *API) getActivity(w http.ResponseWriter, r *http.Request) error {
	return api.ForCaller(w, r, h.Acts.MemberView, h.Acts.Get)
}

type activityUpdateInput struct {
	activityInput
	Version int `json:"version"`
}

// putActivity: PUT /activities/{id} — the whole editable activity at the
// version it was read (org_id, the publisher, cannot change and is ignored).
func (h *API) putActivity(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	var in activityUpdateInput
	if err := api.Decode(w, r, &in); err != nil {
		return err
	}
	f := errs.Fields{}
	a := in.input(f, false)
	if err := f.Err(); err != nil {
		return err
	}
	out, err := h.Acts.Update(r.Context(), api.Principal(r), id, in.Version, a)
	if err != nil {
		return err
	}
	return api.OK(w, out)
}

// publishActivity: POST /activities/{id}/publish.
func (h *API) publishActivity(w http.ResponseWriter, r *http.Request) error {
	return api.Step(w, r, h.Acts.Publish)
}

type cancelInput struct {
	Reason string `json:"reason"`
}

// cancelActivity: POST /activities/{id}/cancel (everyone registered is told).
func (h *API) cancelActivity(w http.ResponseWriter, r *http.Request) error {
	return api.Act(w, r, func(ctx context.Context, p *auth.Principal, id int64, in cancelInput) (*activity.Activity, error) {
		return h.Acts.Cancel(ctx, p, id, in.Reason)
	})
}

// finishActivity: POST /activities/{id}/finish.
func (h *API) finishActivity(w http.ResponseWriter, r *http.Request) error {
	return api.Step(w, r, h.Acts.Finish)
}

type reportInput struct {
	Report *string `json:"report"`
}

// putActivityReport: PUT /activities/{id}/report.
func (h *API) putActivityReport(w http.ResponseWriter, r *http.Request) error {
	return api.Act(w, r, func(ctx context.Context, p *auth.Principal, id int64, in reportInput) (*activity.Activity, error) {
		if in.Report == nil {
			return nil, api.FieldErr("report", "field.required")
		}
		return h.Acts.SetReport(ctx, p, id, *in.Report)
	})
}

// listRegistrations: GET /activities/{id}/registrations — staff list them
// all (?status= ?q= and the page); a member gets only their own.
func (h *API) listRegistrations(w http.ResponseWriter, r *http.Request) error {
	own := func(ma *activity.MemberActivity) *activity.Registration { return ma.Registration }
	return api.SignUps(w, r, h.Acts.MemberView, own, func(q *api.Query, pg api.Page) activity.RegQuery {
		return activity.RegQuery{Status: activity.RegStatus(q.Str("status")), Q: q.Str("q"), After: q.Cursor(pg), Limit: pg.Limit}
	}, h.Acts.Registrations)
}

// register: POST /activities/{id}/registrations — a member signs
// themself up with {}; staff sign a member up with {"member_id": ID}.
// 201 when this call made the registration, 200 with the same one when it
// already stood.
func (h *API) register(w http.ResponseWriter, r *http.Request) error {
	return api.SignUp(w, r, func(id, memberID int64) string {
		return "/activities/" + db.FormatID(id) + "/registrations/" + db.FormatID(memberID)
	}, h.Acts.Register)
}

// unregister: DELETE /activities/{id}/registrations/{member_id} — the
// registration is withdrawn and answered; a place given up goes to the
// waiting list.
func (h *API) unregister(w http.ResponseWriter, r *http.Request) error {
	return api.WithInput(w, r, api.RegistrationMember, h.Acts.CancelRegistration)
}

type registrationDecision struct {
	Approve *bool `json:"approve"`
}

// decideRegistration: POST /activities/{id}/registrations/{member_id}/decision.
func (h *API) decideRegistration(w http.ResponseWriter, r *http.Request) error {
	id, memberID, err := api.PathIDs(r, "member_id")
	if err != nil {
		return err
	}
	var in registrationDecision
	if err := api.Decode(w, r, &in); err != nil {
		return err
	}
	if in.Approve == nil {
		return api.FieldErr("approve", "field.required")
	}
	reg, err := h.Acts.Decide(r.Context(), api.Principal(r), id, memberID, *in.Approve)
	if err != nil {
		return err
	}
	return api.OK(w, reg)
}

type checkInInput struct {
	Code         string `json:"code"`
	Card         string `json:"card"`
	MemberID     api.ID `json:"member_id"`
	CheckpointID api.ID `json:"checkpoint_id"`
}

// checkIn: POST /activities/{id}/checkins — a member with the code of a
// checkpoint ({"code"}); staff with a member's card or ID at a checkpoint
// ({"card"} or {"member_id"}, and "checkpoint_id", default the first). 201
// for a new check-in, 200 with the first one for a repeated scan.
func (h *API) checkIn(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	var in checkInInput
	if err := api.Decode(w, r, &in); err != nil {
		return err
	}
	p := api.Principal(r)
	f := errs.Fields{}
	ci := activity.CheckInInput{Code: in.Code, Card: in.Card}
	if p.Kind == auth.KindMember {
		// A member checks only themself in, by a checkpoint's code.
		f.Check(in.Card == "", "card", "api.field.unknown")
		f.Check(in.MemberID == "", "member_id", "api.field.unknown")
		f.Check(in.CheckpointID == "", "checkpoint_id", "api.field.unknown")
	} else {
		f.Check(in.Code == "", "code", "api.field.unknown")
		ci.MemberID = in.MemberID.Parse(f, "member_id", false)
		ci.CheckpointID = in.CheckpointID.Parse(f, "checkpoint_id", false)
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
func (h *API) checkInByCode(w http.ResponseWriter, r *http.Request) error {
	var in codeCheckInInput
	if err := api.Decode(w, r, &in); err != nil {
		return err
	}
	return h.answerCheckIn(w, r, 0, activity.CheckInInput{Code: in.Code})
}

func (h *API) answerCheckIn(w http.ResponseWriter, r *http.Request, id int64, in activity.CheckInInput) error {
	c, made, err := h.Acts.CheckIn(r.Context(), api.Principal(r), id, in)
	if err != nil {
		return err
	}
	if made {
		return api.Created(w, "/activities/"+db.FormatID(c.ActivityID)+"/checkins", c)
	}
	return api.OK(w, c)
}

// listCheckins: GET /activities/{id}/checkins, latest first.
func (h *API) listCheckins(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	return api.Paged(w, r, func(q *api.Query, pg api.Page) api.Page { return api.Page{Cursor: q.Cursor(pg), Limit: pg.Limit} },
		func(ctx context.Context, p *auth.Principal, pg api.Page) ([]activity.CheckInRow, string, error) {
			return h.Acts.CheckIns(ctx, p, id, pg.Cursor, pg.Limit)
		})
}

// checkpointCode: GET /activities/{id}/checkpoints/{cp}/code — what the
// checkpoint's QR code shows now, and the link a phone's camera opens.
func (h *API) checkpointCode(w http.ResponseWriter, r *http.Request) error {
	return h.LiveCode(w, r, "cp", h.Acts.CheckpointCode)
}

// attendance: GET /activities/{id}/attendance.
func (h *API) attendance(w http.ResponseWriter, r *http.Request) error {
	return api.Get(w, r, h.Acts.Attendance)
}

// exportAttendance: GET /activities/{id}/attendance.xlsx — registrations
// with their check-ins, in the reader's language.
func (h *API) exportAttendance(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	return api.Workbook(w, r, "attendance-"+db.FormatID(id)+".xlsx", "attendance export", func(tr api.Translate, out io.Writer) error {
		return h.Acts.ExportAttendance(r.Context(), api.Principal(r), id, tr, out)
	})
}

// activityICS: GET /activities/{id}/calendar.ics — the activity for a
// phone's or Outlook's calendar.
func (h *API) activityICS(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	p := api.Principal(r)
	var a *activity.Activity
	link := h.Origin(r)
	if p.Kind == auth.KindMember {
		ma, err := h.Acts.MemberView(r.Context(), p.MemberID, id)
		if err != nil {
			return err
		}
		a, link = &ma.Activity, link+"/m/activities/"+db.FormatID(id)
	} else {
		if a, err = h.Acts.Get(r.Context(), p, id); err != nil {
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
	MemberID api.ID `json:"member_id"`
	Card     string `json:"card"`
}

// redeemPrize: POST /activities/{id}/prizes — hand a member the prize of a
// completed stamp card, once; the member by {"member_id"} or a scanned
// {"card"}.
func (h *API) redeemPrize(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	var in prizeInput
	if err := api.Decode(w, r, &in); err != nil {
		return err
	}
	f := errs.Fields{}
	ci := activity.CheckInInput{Card: in.Card, MemberID: in.MemberID.Parse(f, "member_id", false)}
	if err := f.Err(); err != nil {
		return err
	}
	sc, err := h.Acts.RedeemPrize(r.Context(), api.Principal(r), id, ci)
	if err != nil {
		return err
	}
	return api.OK(w, sc)
}

// myStampCard: GET /activities/{id}/stamp-card, a member's own card for an
// activity open to them.
func (h *API) myStampCard(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	p := api.Principal(r)
	if _, err := h.Acts.MemberView(r.Context(), p.MemberID, id); err != nil {
		return err
	}
	sc, err := h.Acts.StampCard(r.Context(), id, p.MemberID)
	if err != nil {
		return err
	}
	return api.OK(w, sc)
}

// listPhotos: GET /activities/{id}/photos (without their bytes).
func (h *API) listPhotos(w http.ResponseWriter, r *http.Request) error {
	return api.GetAll(w, r, h.Acts.Photos)
}

// addPhoto: POST /activities/{id}/photos — multipart "photo" (JPEG, PNG or
// WebP, at most activity.MaxPhotoBytes) and an optional "caption".
func (h *API) addPhoto(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	data, caption, err := readPhoto(w, r)
	if err != nil {
		return err
	}
	ph, err := h.Acts.AddPhoto(r.Context(), api.Principal(r), id, data, caption)
	if err != nil {
		return err
	}
	return api.Created(w, "/activities/"+db.FormatID(id)+"/photos/"+db.FormatID(ph.ID), ph)
}

// readPhoto reads the multipart form of addPhoto.
func readPhoto(w http.ResponseWriter, r *http.Request) ([]byte, string, error) {
	const limit = activity.MaxPhotoBytes + 1<<20
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	tooBig := api.FieldErr("photo", "activity.photo_size", activity.MaxPhotoBytes>>20)
	if err := r.ParseMultipartForm(limit); err != nil {
		var mb *http.MaxBytesError
		switch {
		case errors.As(err, &mb):
			return nil, "", tooBig
		case errors.Is(err, http.ErrNotMultipart), errors.Is(err, http.ErrMissingBoundary):
			return nil, "", api.FieldErr("photo", "upload.not_multipart")
		}
		return nil, "", api.FieldErr("photo", "upload.unreadable")
	}
	defer r.MultipartForm.RemoveAll()
	caption := ""
	if v := r.MultipartForm.Value["caption"]; len(v) > 0 {
		caption = v[0]
	}
	fh := r.MultipartForm.File["photo"]
	if len(fh) == 0 {
		return nil, "", api.FieldErr("photo", "field.required")
	}
	data, err := readPart(fh[0], activity.MaxPhotoBytes+1)
	if err != nil {
		return nil, "", api.FieldErr("photo", "upload.unreadable")
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
func (h *API) getPhoto(w http.ResponseWriter, r *http.Request) error {
	id, photoID, err := api.PathIDs(r, "photo_id")
	if err != nil {
		return err
	}
	var ct string
	var data []byte
	if p := api.Principal(r); p.Kind == auth.KindMember {
		ct, data, err = h.Acts.MemberPhotoData(r.Context(), p.MemberID, id, photoID)
	} else {
		ct, data, err = h.Acts.PhotoData(r.Context(), p, id, photoID)
	}
	if err != nil {
		return err
	}
	return httpx.ServeUpload(w, ct, data, "private, no-cache")
}

// deletePhoto: DELETE /activities/{id}/photos/{photo_id}.
func (h *API) deletePhoto(w http.ResponseWriter, r *http.Request) error {
	return api.RemoveSub(w, r, "photo_id", h.Acts.DeletePhoto)
}

// myNotices: GET /me/notices, a member's latest notices (?limit=).
func (h *API) myNotices(w http.ResponseWriter, r *http.Request) error {
	q := api.NewQuery(r)
	pg := q.Page()
	if err := q.Err(); err != nil {
		return err
	}
	items, err := h.Notices.List(r.Context(), api.Principal(r).MemberID, pg.Limit)
	if err != nil {
		return err
	}
	return api.OK(w, api.NewList(items, ""))
}
