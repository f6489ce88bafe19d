package member

import (
	"context"
	"strings"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/scope"
	"gonghui/internal/stats"
)

// EventKind is what happened to a membership.
type EventKind string

const (
	EventJoined          EventKind = "joined"
	EventRejoined        EventKind = "rejoined"
	EventEdited          EventKind = "edited"
	EventStatus          EventKind = "status"
	EventTransferAsked   EventKind = "transfer_requested"
	EventTransferredOut  EventKind = "transferred_out"
	EventTransferredIn   EventKind = "transferred_in"
	EventTransferDropped EventKind = "transfer_closed"
	EventCardReissued    EventKind = "card_reissued"
)

// event is one row of member_events.
type event struct {
	MemberID   int64
	At         int64
	OnDate     string
	Kind       EventKind
	OrgID      int64
	OrgPath    string
	OtherOrgID int64
	Actor      string
	Detail     map[string]any
}

const eventCols = 10

func eventValues(e event) []any {
	detail := ""
	if len(e.Detail) > 0 {
		detail = mustJSON(e.Detail)
	}
	return []any{db.NewID(), e.MemberID, e.At, e.OnDate, string(e.Kind), e.OrgID, e.OrgPath, nullID(e.OtherOrgID), e.Actor, detail}
}

func addEvent(ctx context.Context, tx *db.Tx, e event) error {
	_, err := tx.Exec(ctx, "INSERT INTO member_events (id, member_id, at, on_date, kind, org_id, org_path, other_org_id, actor, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		eventValues(e)...)
	if err != nil {
		return errs.Internal(err, "member: event")
	}
	if err := stats.Log(ctx, tx, eventFlows(e.Kind, e.OrgPath, e.OnDate, e.Detail)...); err != nil {
		return errs.Internal(err, "member: event figures")
	}
	return nil
}

// Event is one entry of a member's history.
type Event struct {
	ID           int64     `json:"id,string"`
	At           time.Time `json:"at"`
	OnDate       string    `json:"on_date"`
	Kind         EventKind `json:"kind"`
	OrgID        int64     `json:"org_id,string"`
	OrgName      string    `json:"org_name"`
	OtherOrgID   int64     `json:"other_org_id,string,omitempty"`
	OtherOrgName string    `json:"other_org_name,omitempty"`
	Actor        string    `json:"actor"`
	Detail       string    `json:"detail,omitempty"`
}

// History returns a member's history, oldest first.
func (s *Store) History(ctx context.Context, pr *auth.Principal, id int64) ([]Event, error) {
	if _, err := s.Get(ctx, pr, id); err != nil {
		return nil, err
	}
	return s.OwnHistory(ctx, id)
}

// OwnHistory reads a member's history, unscoped: for the member themself.
func (s *Store) OwnHistory(ctx context.Context, id int64) ([]Event, error) {
	rows, err := s.DB.Query(ctx, `SELECT e.id, e.at, e.on_date, e.kind, e.org_id, o.name, COALESCE(e.other_org_id, 0), COALESCE(x.name, ''), e.actor, e.detail
		FROM member_events e JOIN orgs o ON o.id = e.org_id LEFT JOIN orgs x ON x.id = e.other_org_id
		WHERE e.member_id = ? ORDER BY e.at, e.id`, id)
	if err != nil {
		return nil, errs.Internal(err, "member: history")
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		var at int64
		if err := rows.Scan(&e.ID, &at, &e.OnDate, &e.Kind, &e.OrgID, &e.OrgName, &e.OtherOrgID, &e.OtherOrgName, &e.Actor, &e.Detail); err != nil {
			return nil, errs.Internal(err, "member: history")
		}
		e.At = scope.FromMillis(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// fieldErr is a validation error on one field.
func fieldErr(field, key string, args ...any) error {
	f := errs.Fields{}
	f.Add(field, key, args...)
	return f.Err()
}

func parseDate(s string) (time.Time, error) { return time.Parse(time.DateOnly, s) }

// ActorKey returns the catalogue key naming, in words, an actor the store
// records that is not a member of staff: the applicant, the bulk import or
// data generator, a system job, a member acting for themselves. ok is false
// for a staff account's name, which is shown as it is.
func ActorKey(actor string) (key string, ok bool) {
	switch {
	case actor == "applicant":
		return "member.actor.applicant", true
	case actor == "generate" || actor == SourceImport:
		return "member.actor.bulk", true
	case actor == "system" || strings.HasPrefix(actor, "system:"):
		return "member.actor.system", true
	case strings.HasPrefix(actor, "member:"):
		return "member.actor.member", true
	}
	return "", false
}
