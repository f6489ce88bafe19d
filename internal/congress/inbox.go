package congress

import (
	"context"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/inbox"
	"gonghui/internal/scope"
)

// The congress's kinds of waiting items (see internal/inbox), counted
// where the principal holds congress.write over the session's union:
// motions waiting for the committee's review, and motions being handled
// past their due day. Titles are the motions' titles and the employers'
// names.

func motionLink(id, _ int64) string { return "/congress/motions/" + db.FormatID(id) }

const inboxFrom = `congress_motions m JOIN congress_sessions s ON s.id = m.session_id JOIN orgs o ON o.id = s.org_id
	JOIN employers e ON e.id = s.employer_id`

const inboxCounted = "congress_motions m JOIN congress_sessions s ON s.id = m.session_id JOIN orgs o ON o.id = s.org_id"

// InboxSources are the motions to review and the overdue ones.
func (s *Store) InboxSources() []inbox.Source {
	return []inbox.Source{
		&inbox.Query{K: inbox.Kind{Key: "motion_review", Title: "congress.inbox.review", Perm: rule.Write, List: "/congress/motions?status=" + string(MotionReview)},
			DB: s.DB, From: inboxFrom, Counted: inboxCounted, Where: "m.status = ?", Args: []any{MotionReview},
			Path: "o.path", Cols: "m.id, 0, m.title, e.name, m.updated_at", Link: motionLink},
		&overdue{s: s},
	}
}

// overdue is the motions being handled past their due day: what waits
// depends on the day, so its query is built at each read.
type overdue struct{ s *Store }

func (o *overdue) query() *inbox.Query {
	return &inbox.Query{K: o.Kind(), DB: o.s.DB, From: inboxFrom, Counted: inboxCounted,
		Where: "m.status = ? AND m.due_on <> '' AND m.due_on < ?", Args: []any{MotionAssigned, o.s.today()},
		Path: "o.path", Cols: "m.id, 0, m.title, e.name, m.updated_at", Link: motionLink}
}

func (o *overdue) Kind() inbox.Kind {
	return inbox.Kind{Key: "motion_overdue", Title: "congress.inbox.overdue", Perm: rule.Write, List: "/congress/motions?overdue=1"}
}

func (o *overdue) Count(ctx context.Context, p *auth.Principal, paths []string) (int, error) {
	return o.query().Count(ctx, p, paths)
}

func (o *overdue) Oldest(ctx context.Context, p *auth.Principal, paths []string, limit int) ([]inbox.Item, error) {
	return o.query().Oldest(ctx, p, paths, limit)
}

// MemberInboxSource tells a delegate, on the portal's home page, of the
// motions of their sessions waiting for their second, and where their own
// motions stand (open ones, and those settled since).
func (s *Store) MemberInboxSource() inbox.MemberSource { return memberSource{s} }

type memberSource struct{ s *Store }

// memberShown is how many of each the home page lists at most.
const memberShown = 5

func (ms memberSource) ForMember(ctx context.Context, memberID int64, since time.Time) ([]inbox.MemberItem, error) {
	var out []inbox.MemberItem
	rows, err := ms.s.DB.Query(ctx, `SELECT m.id, m.title, m.submitted_at FROM congress_motions m JOIN congress_sessions s ON s.id = m.session_id
		WHERE m.session_id IN (SELECT session_id FROM congress_delegates WHERE member_id = ?) AND m.status IN (?, ?) AND s.status <> ?
		AND m.member_id <> ? AND NOT EXISTS (SELECT 1 FROM congress_seconds c WHERE c.motion_id = m.id AND c.member_id = ?)
		ORDER BY m.submitted_at DESC, m.id DESC LIMIT ?`, memberID, MotionSeconding, MotionReview, SessionClosed, memberID, memberID, memberShown)
	if err != nil {
		return nil, errs.Internal(err, "congress: member inbox")
	}
	for rows.Next() {
		var id, at int64
		var title string
		if err := rows.Scan(&id, &title, &at); err != nil {
			rows.Close()
			return nil, errs.Internal(err, "congress: member inbox")
		}
		out = append(out, inbox.MemberItem{Kind: "motion_second", State: "pending", Subject: title, At: scope.FromMillis(at), Link: "/m/congress/motions/" + db.FormatID(id)})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, errs.Internal(err, "congress: member inbox")
	}
	rows, err = ms.s.DB.Query(ctx, `SELECT id, title, status, review_note, updated_at FROM congress_motions WHERE member_id = ?
		AND (status IN (?, ?, ?, ?) OR updated_at >= ?) AND status <> ? ORDER BY updated_at DESC, id DESC LIMIT ?`,
		memberID, MotionSeconding, MotionReview, MotionAccepted, MotionAssigned, scope.Millis(since), MotionWithdrawn, memberShown)
	if err != nil {
		return nil, errs.Internal(err, "congress: member inbox")
	}
	defer rows.Close()
	for rows.Next() {
		var id, at int64
		var title, note string
		var st MotionStatus
		if err := rows.Scan(&id, &title, &st, &note, &at); err != nil {
			return nil, errs.Internal(err, "congress: member inbox")
		}
		it := inbox.MemberItem{Kind: "motion", State: "pending", Subject: title, At: scope.FromMillis(at), Link: "/m/congress/motions/" + db.FormatID(id)}
		switch st {
		case MotionAnswered:
			it.State = "answered"
		case MotionSuggestion:
			it.State, it.Reason = "suggestion", note
		case MotionRejected:
			it.State, it.Reason = "rejected", note
		}
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Internal(err, "congress: member inbox")
	}
	return out, nil
}
