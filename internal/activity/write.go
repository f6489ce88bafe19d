package activity

import (
	"context"
	"crypto/rand"
	"strconv"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/notice"
	"gonghui/internal/scope"
	"gonghui/internal/signup"
)

// places resolves the publisher and the audience of in and checks that p
// may publish there.
func places(ctx context.Context, q queryer, pr *auth.Principal, in *parsed) (orgP, audP string, err error) {
	if in.OrgID == 0 {
		return "", "", fieldErr("org_id", "field.required")
	}
	orgP, err = signup.SeenOrg(ctx, q, rule, pr, in.OrgID, "org_id")
	if err != nil {
		return "", "", err
	}
	if !rule.CanWrite(pr, orgP) {
		return "", "", errs.Forbidden()
	}
	audP, err = book.Audience(ctx, q, &in.AudienceOrgID, in.OrgID, orgP)
	return orgP, audP, err
}

func nullFloat(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}

// Create saves a new activity as a draft.
func (s *Store) Create(ctx context.Context, pr *auth.Principal, in Input) (*Activity, error) {
	if pr == nil {
		return nil, scope.NilPrincipal("activity: create")
	}
	now := s.now()
	p, err := in.validate(now)
	if err != nil {
		return nil, err
	}
	id := db.NewID()
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		orgP, audP, err := places(ctx, tx, pr, p)
		if err != nil {
			return err
		}
		ms := scope.Millis(now)
		var by any
		if pr.UserID != 0 {
			by = pr.UserID
		}
		_, err = tx.Exec(ctx, `INSERT INTO activities (id, org_id, org_path, audience_org_id, audience_path, audience_tags,
			title, kind, description, organiser, venue, address, lat, lng, starts_at, ends_at, reg_opens_at, reg_closes_at, cancel_before,
			capacity, waitlist, approval, walk_ins, stamps_required, prize, status, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			id, p.OrgID, orgP, p.AudienceOrgID, audP, p.tags,
			p.Title, p.Kind, p.Description, p.Organiser, p.Venue, p.Address, nullFloat(p.Lat), nullFloat(p.Lng),
			scope.Millis(p.starts), scope.Millis(p.ends), scope.Millis(p.opens), scope.Millis(p.closes), scope.Millis(p.cancelled),
			p.Capacity, boolInt(p.Waitlist), boolInt(p.Approval), boolInt(p.WalkIns), p.StampsRequired, p.Prize, StatusDraft, by, ms, ms)
		if err != nil {
			return errs.Internal(err, "activity: create")
		}
		if err := saveCheckpoints(ctx, tx, id, nil, p.Checkpoints); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "activity.create", Entity: "activity", EntityID: db.FormatID(id),
			OrgPath: orgP, After: map[string]any{"title": p.Title, "kind": p.Kind, "capacity": p.Capacity}})
	})
	if err != nil {
		return nil, err
	}
	return load(ctx, s.DB, id)
}

// checkCheckpoints refuses, before anything is written, a checkpoint list
// naming unknown checkpoints or leaving out one where people checked in;
// it answers those left out, to remove.
func checkCheckpoints(ctx context.Context, tx *db.Tx, have []Checkpoint, want []CheckpointInput) ([]Checkpoint, error) {
	kept := map[int64]bool{}
	for i, c := range want {
		if c.ID == 0 {
			continue
		}
		found := false
		for _, h := range have {
			found = found || h.ID == c.ID
		}
		if !found {
			return nil, fieldErr("checkpoints."+strconv.Itoa(i)+".id", "field.invalid_id")
		}
		kept[c.ID] = true
	}
	var dropped []Checkpoint
	for _, h := range have {
		if kept[h.ID] {
			continue
		}
		var n int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM checkins WHERE checkpoint_id = ?", h.ID).Scan(&n); err != nil {
			return nil, errs.Internal(err, "activity: check checkpoints")
		}
		if n > 0 {
			return nil, fieldErr("checkpoints", "activity.checkpoint_in_use", h.Name)
		}
		dropped = append(dropped, h)
	}
	return dropped, nil
}

// saveCheckpoints makes the activity's checkpoints those of want: existing
// ones named by ID keep their keys (their printed codes stay valid), new
// ones get fresh keys, and ones left out are removed unless someone has
// checked in there.
func saveCheckpoints(ctx context.Context, tx *db.Tx, activityID int64, have []Checkpoint, want []CheckpointInput) error {
	dropped, err := checkCheckpoints(ctx, tx, have, want)
	if err != nil {
		return err
	}
	for i, c := range want {
		if c.ID != 0 {
			if _, err := tx.Exec(ctx, "UPDATE activity_checkpoints SET position = ?, name = ?, rotate_seconds = ? WHERE id = ?",
				i, c.Name, c.RotateSeconds, c.ID); err != nil {
				return errs.Internal(err, "activity: save checkpoint")
			}
			continue
		}
		secret := make([]byte, 32)
		_, _ = rand.Read(secret)
		if _, err := tx.Exec(ctx, "INSERT INTO activity_checkpoints (id, activity_id, position, name, rotate_seconds, secret) VALUES (?, ?, ?, ?, ?, ?)",
			db.NewID(), activityID, i, c.Name, c.RotateSeconds, secret); err != nil {
			return errs.Internal(err, "activity: add checkpoint")
		}
	}
	for _, h := range dropped {
		if _, err := tx.Exec(ctx, "DELETE FROM activity_checkpoints WHERE id = ?", h.ID); err != nil {
			return errs.Internal(err, "activity: remove checkpoint")
		}
	}
	return nil
}

// Update replaces an activity's editable fields, at the version it was
// read. The publisher stays; the audience may change within it. Raising
// the capacity promotes from the waiting list at once.
func (s *Store) Update(ctx context.Context, pr *auth.Principal, id int64, version int, in Input) (*Activity, error) {
	if pr == nil {
		return nil, scope.NilPrincipal("activity: update")
	}
	now := s.now()
	// Registration opened already: leaving the field blank keeps it.
	opened := now
	if cur, err := load(ctx, s.DB, id); err == nil {
		opened = cur.RegOpensAt
	}
	p, err := in.validate(opened)
	if err != nil {
		return nil, err
	}
	err = signup.Locked(ctx, s.group, book, id, func(tx *db.Tx, st *seats) error {
		if err := rule.Writable(pr, st.orgPath); err != nil {
			return err
		}
		a, err := load(ctx, tx, id)
		if err != nil {
			return err
		}
		if a.Version != version {
			return errs.Conflict("stale_version", "activity.stale_version")
		}
		if a.Status == StatusCancelled || a.Status == StatusFinished {
			return refused("closed")
		}
		p.OrgID = a.OrgID
		_, audP, err := places(ctx, tx, pr, p)
		if err != nil {
			return err
		}
		f := errs.Fields{}
		confirmed, waiting := st.Count(string(RegConfirmed)), st.Count(string(RegWaiting))
		f.Check(p.Capacity == 0 || p.Capacity >= confirmed, "capacity", "activity.capacity_below_confirmed", confirmed)
		f.Check(p.Waitlist || waiting == 0, "waitlist", "activity.waitlist_in_use", waiting)
		if err := f.Err(); err != nil {
			return err
		}
		if _, err := checkCheckpoints(ctx, tx, a.Checkpoints, p.Checkpoints); err != nil {
			return err
		}
		ms := scope.Millis(now)
		_, err = tx.Exec(ctx, `UPDATE activities SET audience_org_id = ?, audience_path = ?, audience_tags = ?,
			title = ?, kind = ?, description = ?, organiser = ?, venue = ?, address = ?, lat = ?, lng = ?,
			starts_at = ?, ends_at = ?, reg_opens_at = ?, reg_closes_at = ?, cancel_before = ?,
			capacity = ?, waitlist = ?, approval = ?, walk_ins = ?, stamps_required = ?, prize = ?,
			version = version + 1, updated_at = ? WHERE id = ?`,
			p.AudienceOrgID, audP, p.tags, p.Title, p.Kind, p.Description, p.Organiser, p.Venue, p.Address, nullFloat(p.Lat), nullFloat(p.Lng),
			scope.Millis(p.starts), scope.Millis(p.ends), scope.Millis(p.opens), scope.Millis(p.closes), scope.Millis(p.cancelled),
			p.Capacity, boolInt(p.Waitlist), boolInt(p.Approval), boolInt(p.WalkIns), p.StampsRequired, p.Prize, ms, id)
		if err != nil {
			return errs.Internal(err, "activity: update")
		}
		if err := saveCheckpoints(ctx, tx, id, a.Checkpoints, p.Checkpoints); err != nil {
			return err
		}
		st.audiencePath, st.tags, st.Capacity = audP, p.tags, p.Capacity
		st.waitlist, st.approval, st.walkIns = p.Waitlist, p.Approval, p.WalkIns
		st.opens, st.closes, st.cancelBefore = scope.Millis(p.opens), scope.Millis(p.closes), scope.Millis(p.cancelled)
		st.starts, st.ends = scope.Millis(p.starts), scope.Millis(p.ends)
		st.Touch(ms)
		if err := book.Promote(ctx, tx, &st.Seats, ms, promoted(ctx, tx, st, ms)); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "activity.update", Entity: "activity", EntityID: db.FormatID(id),
			OrgPath: a.OrgPath, Before: map[string]any{"title": a.Title, "capacity": a.Capacity},
			After: map[string]any{"title": p.Title, "capacity": p.Capacity}})
	})
	if err != nil {
		return nil, err
	}
	return load(ctx, s.DB, id)
}

// Publish opens a draft to its audience.
func (s *Store) Publish(ctx context.Context, pr *auth.Principal, id int64) (*Activity, error) {
	return s.transition(ctx, pr, id, "activity.publish", StatusPublished, "", func(a *Activity) error {
		if a.Status != StatusDraft {
			return refused("not_draft")
		}
		if !a.EndsAt.After(s.now()) {
			return fieldErr("ends_at", "activity.ends_in_past")
		}
		return nil
	})
}

// Cancel calls an activity off; everyone registered is told.
func (s *Store) Cancel(ctx context.Context, pr *auth.Principal, id int64, reason string) (*Activity, error) {
	return s.transition(ctx, pr, id, "activity.cancel", StatusCancelled, reason, func(a *Activity) error {
		if a.Status != StatusDraft && a.Status != StatusPublished {
			return refused("closed")
		}
		if len([]rune(reason)) > MaxText {
			return fieldErr("reason", "field.too_long", MaxText)
		}
		return nil
	})
}

// Finish closes an activity that has started: no more sign-ups or
// check-ins; attendance, photos and the report remain.
func (s *Store) Finish(ctx context.Context, pr *auth.Principal, id int64) (*Activity, error) {
	return s.transition(ctx, pr, id, "activity.finish", StatusFinished, "", func(a *Activity) error {
		if a.Status != StatusPublished {
			return refused("not_published")
		}
		if s.now().Before(a.StartsAt) {
			return refused("not_started")
		}
		return nil
	})
}

func (s *Store) transition(ctx context.Context, pr *auth.Principal, id int64, action string, to Status, reason string, check func(*Activity) error) (*Activity, error) {
	if pr == nil {
		return nil, scope.NilPrincipal(action)
	}
	err := signup.Locked(ctx, s.group, book, id, func(tx *db.Tx, st *seats) error {
		a, err := load(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := rule.Writable(pr, a.OrgPath); err != nil {
			return err
		}
		if err := check(a); err != nil {
			return err
		}
		ms := scope.Millis(s.now())
		if _, err := tx.Exec(ctx, "UPDATE activities SET status = ?, cancel_reason = ?, version = version + 1, updated_at = ? WHERE id = ?",
			to, reason, ms, id); err != nil {
			return errs.Internal(err, action)
		}
		st.status = to
		if to == StatusCancelled {
			if err := book.CallOff(ctx, tx, id, ms, NoticeCancelled, notice.Ref{ActivityID: id}); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, audit.Event{Action: action, Entity: "activity", EntityID: db.FormatID(id),
			OrgPath: a.OrgPath, Before: map[string]any{"status": a.Status}, After: map[string]any{"status": to, "reason": reason}})
	})
	if err != nil {
		return nil, err
	}
	return load(ctx, s.DB, id)
}

// SetReport saves the short report written after the activity.
func (s *Store) SetReport(ctx context.Context, pr *auth.Principal, id int64, report string) (*Activity, error) {
	if len([]rune(report)) > MaxDescription {
		return nil, fieldErr("report", "field.too_long", MaxDescription)
	}
	a, err := s.Get(ctx, pr, id)
	if err != nil {
		return nil, err
	}
	if err := rule.Writable(pr, a.OrgPath); err != nil {
		return nil, err
	}
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, "UPDATE activities SET report = ?, updated_at = ? WHERE id = ?", report, scope.Millis(s.now()), id); err != nil {
			return errs.Internal(err, "activity: report")
		}
		return audit.Record(ctx, tx, audit.Event{Action: "activity.report", Entity: "activity", EntityID: db.FormatID(id), OrgPath: a.OrgPath})
	})
	if err != nil {
		return nil, err
	}
	return load(ctx, s.DB, id)
}
