package activity

import (
	"context"
	"database/sql"
	"encoding/base64"
	"strconv"
	"strings"

	"gonghui/internal/auth"
	"gonghui/internal/errs"
	"gonghui/internal/member"
	"gonghui/internal/scope"
	"gonghui/internal/signup"
)

const activityCols = `a.id, a.org_id, o.name, a.org_path, a.audience_org_id, ao.name, a.audience_path, a.audience_tags,
	a.title, a.kind, a.description, a.organiser, a.venue, a.address, a.lat, a.lng,
	a.starts_at, a.ends_at, a.reg_opens_at, a.reg_closes_at, a.cancel_before,
	a.capacity, a.waitlist, a.approval, a.walk_ins, a.stamps_required, a.prize, a.status, a.cancel_reason,
	a.confirmed, a.waiting, a.pending, a.report, a.version, a.created_at, a.updated_at`

const activityFrom = ` FROM activities a JOIN orgs o ON o.id = a.org_id JOIN orgs ao ON ao.id = a.audience_org_id`

func scanActivity(r interface{ Scan(...any) error }) (Activity, error) {
	var a Activity
	var tags, starts, ends, opens, closes, cancel, created, updated int64
	var waitlist, approval, walkIns int
	var lat, lng sql.NullFloat64
	err := r.Scan(&a.ID, &a.OrgID, &a.OrgName, &a.OrgPath, &a.AudienceOrgID, &a.AudienceOrgName, &a.AudiencePath, &tags,
		&a.Title, &a.Kind, &a.Description, &a.Organiser, &a.Venue, &a.Address, &lat, &lng,
		&starts, &ends, &opens, &closes, &cancel,
		&a.Capacity, &waitlist, &approval, &walkIns, &a.StampsRequired, &a.Prize, &a.Status, &a.CancelReason,
		&a.Confirmed, &a.Waiting, &a.Pending, &a.Report, &a.Version, &created, &updated)
	a.AudienceTags = member.TagNames(tags)
	if lat.Valid && lng.Valid {
		a.Lat, a.Lng = &lat.Float64, &lng.Float64
	}
	a.StartsAt, a.EndsAt = scope.FromMillis(starts), scope.FromMillis(ends)
	a.RegOpensAt, a.RegClosesAt, a.CancelBefore = scope.FromMillis(opens), scope.FromMillis(closes), scope.FromMillis(cancel)
	a.Waitlist, a.Approval, a.WalkIns = waitlist != 0, approval != 0, walkIns != 0
	a.CreatedAt, a.UpdatedAt = scope.FromMillis(created), scope.FromMillis(updated)
	return a, err
}

type queryer interface {
	QueryRow(ctx context.Context, q string, args ...any) *sql.Row
	Query(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

// load reads an activity with its checkpoints, unscoped.
func load(ctx context.Context, q queryer, id int64) (*Activity, error) {
	a, err := signup.One(q.QueryRow(ctx, "SELECT "+activityCols+activityFrom+" WHERE a.id = ?", id), "activity", "activity: load", scanActivity)
	if err != nil {
		return nil, err
	}
	if a.Checkpoints, err = checkpoints(ctx, q, id); err != nil {
		return nil, err
	}
	return a, nil
}

func checkpoints(ctx context.Context, q queryer, activityID int64) ([]Checkpoint, error) {
	rows, err := q.Query(ctx, "SELECT id, position, name, rotate_seconds, secret FROM activity_checkpoints WHERE activity_id = ? ORDER BY position", activityID)
	return signup.All(rows, err, "activity: checkpoints", func(r signup.Scanner) (Checkpoint, error) {
		var c Checkpoint
		err := r.Scan(&c.ID, &c.Position, &c.Name, &c.RotateSeconds, &c.secret)
		return c, err
	})
}

// Get returns an activity the caller may see.
func (s *Store) Get(ctx context.Context, pr *auth.Principal, id int64) (*Activity, error) {
	a, err := load(ctx, s.DB, id)
	return signup.Seen(rule, pr, a, err, func(a *Activity) string { return a.OrgPath })
}

// scanListed reads an activity of a listing (without its checkpoints).
func scanListed(r signup.Scanner) (Activity, error) {
	a, err := scanActivity(r)
	a.Checkpoints = []Checkpoint{}
	return a, err
}

func activityCursor(a Activity) string {
	return encodeCursor(cursor{starts: scope.Millis(a.StartsAt), id: a.ID})
}

type cursor struct{ starts, id int64 }

func encodeCursor(c cursor) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(c.starts, 10) + "." + strconv.FormatInt(c.id, 10)))
}

// decodeCursor reads a cursor; an empty one is the first page (nil, true).
func decodeCursor(s string) (*cursor, bool) {
	if s == "" {
		return nil, true
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, false
	}
	a, z, ok := strings.Cut(string(b), ".")
	if !ok {
		return nil, false
	}
	starts, err1 := strconv.ParseInt(a, 10, 64)
	id, err2 := strconv.ParseInt(z, 10, 64)
	if err1 != nil || err2 != nil {
		return nil, false
	}
	return &cursor{starts, id}, true
}

func badCursor() error { return errs.Invalid("bad_cursor", "error.bad_cursor") }
