package activity

import (
	"context"
	"strings"
	"time"

	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/member"
	"gonghui/internal/scope"
	"gonghui/internal/signup"
)

// MemberActivity is an activity as a member sees it: the activity, their
// registration (nil when none), their place on the waiting list and their
// stamp card.
type MemberActivity struct {
	Activity
	Registration *Registration `json:"registration,omitempty"`
	Position     int           `json:"waiting_position,omitempty"` // 1 = next to be promoted
	Card         *StampCard    `json:"stamp_card,omitempty"`
	Photos       []Photo       `json:"photos"` // pictures staff attached (the poster, the place, the day itself)
}

// open reports whether an activity is open to member m at all: published
// (or over), to an audience holding their union, with their tags.
func open(a *Activity, m *member.Brief) bool {
	if a.Status == StatusDraft || m.Status != member.StatusActive || !strings.HasPrefix(m.OrgPath, a.AudiencePath) {
		return false
	}
	if len(a.AudienceTags) == 0 {
		return true
	}
	bits, _ := member.TagBits(a.AudienceTags)
	return m.Tags&bits != 0
}

// MemberQuery filters a member's listing.
type MemberQuery struct {
	Mine  bool   // only those they registered for (any status)
	Past  bool   // ended ones instead of coming ones
	Q     string // title substring
	After string
	Limit int
}

// ForMember lists the activities open to a member: published to their
// union or one above it, coming ones soonest first (or, with Past, ended
// ones latest first), with their registrations.
func (s *Store) ForMember(ctx context.Context, memberID int64, q MemberQuery) ([]MemberActivity, string, error) {
	m, anc, err := signup.Reach(ctx, s.Members, memberID)
	if err != nil {
		return nil, "", err
	}
	cur, ok := decodeCursor(q.After)
	if !ok {
		return nil, "", badCursor()
	}
	limit := scope.PageLimit(q.Limit)
	if len(anc) == 0 {
		return []MemberActivity{}, "", nil
	}
	now := scope.Millis(s.now())
	where := []string{"a.audience_path IN (" + db.Placeholders(len(anc)) + ")", "a.status IN (?, ?, ?)"}
	args := append(anc, StatusPublished, StatusFinished, StatusCancelled)
	order := "a.starts_at, a.id"
	if q.Past {
		where, args = append(where, "a.ends_at < ?"), append(args, now)
		order = "a.starts_at DESC, a.id DESC"
		if cur != nil {
			where, args = append(where, "(a.starts_at < ? OR (a.starts_at = ? AND a.id < ?))"), append(args, cur.starts, cur.starts, cur.id)
		}
	} else {
		where, args = append(where, "a.ends_at >= ?"), append(args, now)
		if cur != nil {
			where, args = append(where, "(a.starts_at > ? OR (a.starts_at = ? AND a.id > ?))"), append(args, cur.starts, cur.starts, cur.id)
		}
	}
	if q.Mine {
		where, args = append(where, "EXISTS (SELECT 1 FROM registrations r WHERE r.activity_id = a.id AND r.member_id = ?)"), append(args, memberID)
	}
	if m.Tags == 0 {
		where = append(where, "a.audience_tags = 0")
	} else {
		where, args = append(where, "(a.audience_tags = 0 OR (a.audience_tags & ?) <> 0)"), append(args, m.Tags)
	}
	if q.Q != "" {
		where, args = append(where, s.DB.Contains("a.title")), append(args, s.DB.ContainsArg(q.Q))
	}
	args = append(args, limit+1)
	rows, err := s.DB.QueryFresh(ctx, "SELECT "+activityCols+activityFrom+" WHERE "+strings.Join(where, " AND ")+" ORDER BY "+order+" LIMIT ?", args...)
	list, err := signup.All(rows, err, "activity: member listing", scanListed)
	if err != nil {
		return nil, "", err
	}
	list, next := signup.Page(list, limit, activityCursor)
	out := make([]MemberActivity, 0, len(list))
	for _, a := range list {
		ma := MemberActivity{Activity: a}
		if ma.Registration, err = s.ownRegistration(ctx, a.ID, memberID); err != nil {
			return nil, "", err
		}
		out = append(out, ma)
	}
	return out, next, nil
}

// MemberView returns one activity for a member, with their registration,
// waiting position and stamp card; NotFound unless it is open to them or
// they registered.
func (s *Store) MemberView(ctx context.Context, memberID, activityID int64) (*MemberActivity, error) {
	m, err := s.Members.Brief(ctx, memberID)
	if err != nil {
		return nil, err
	}
	a, err := load(ctx, s.DB, activityID)
	if err != nil {
		return nil, err
	}
	ma := &MemberActivity{Activity: *a}
	if ma.Registration, err = s.ownRegistration(ctx, activityID, memberID); err != nil {
		return nil, err
	}
	if a.Status == StatusDraft || (ma.Registration == nil && !open(a, m)) {
		return nil, errs.NotFound("activity")
	}
	if ma.Registration != nil && ma.Registration.Status == RegWaiting {
		if ma.Position, err = book.Position(ctx, s.DB, activityID, ma.Registration.Seq); err != nil {
			return nil, err
		}
	}
	if ma.Card, err = s.StampCard(ctx, activityID, memberID); err != nil {
		return nil, err
	}
	if ma.Photos, err = s.photos(ctx, activityID); err != nil {
		return nil, err
	}
	for i := range ma.Checkpoints {
		ma.Checkpoints[i].secret = nil
	}
	return ma, nil
}

// MemberPhotoData returns one picture of an activity the member may see.
func (s *Store) MemberPhotoData(ctx context.Context, memberID, activityID, photoID int64) (string, []byte, error) {
	m, err := s.Members.Brief(ctx, memberID)
	if err != nil {
		return "", nil, err
	}
	a, err := load(ctx, s.DB, activityID)
	if err != nil {
		return "", nil, err
	}
	if a.Status == StatusDraft || !open(a, m) {
		r, err := s.ownRegistration(ctx, activityID, memberID)
		if err != nil {
			return "", nil, err
		}
		if r == nil || a.Status == StatusDraft {
			return "", nil, errs.NotFound("photo")
		}
	}
	return s.photoData(ctx, activityID, photoID)
}

func (s *Store) ownRegistration(ctx context.Context, activityID, memberID int64) (*Registration, error) {
	e, err := book.Read(ctx, s.DB, activityID, memberID, false)
	return registration(e), err
}

// Timetable is a member's coming activities they hold a place in.
func (s *Store) Timetable(ctx context.Context, memberID int64, until time.Time) ([]MemberActivity, error) {
	items, _, err := s.ForMember(ctx, memberID, MemberQuery{Mine: true, Limit: 200})
	if err != nil {
		return nil, err
	}
	out := items[:0]
	for _, it := range items {
		if it.Status != StatusCancelled && it.Registration != nil && (it.Registration.Status == RegConfirmed || it.Registration.Status == RegWaiting) &&
			(until.IsZero() || it.StartsAt.Before(until)) {
			out = append(out, it)
		}
	}
	return out, nil
}
