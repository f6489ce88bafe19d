package member

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"gonghui/internal/audit"
	"gonghui/internal/db"
	"gonghui/internal/stats"
)

// The registry's figures (see internal/stats):
//
//	member.status.<status>  level: memberships by status
//	member.tag.<tag>        level: active members with the tag
//	member.joined           flow: joinings and re-joinings (and returns to active)
//	member.joined_tag.<tag> flow: joinings and re-joinings with the tag, as
//	                        the member's tags were on joining
//	member.left             flow: active members who left, retired, died, moved away
//	member.transfer_in      flow: transfers accepted, at the target
//	member.transfer_out     flow: transfers accepted, at the source
//
// Levels are logged from a membership's state before and after a change;
// flows from the history events, so a recount from member_events gives
// exactly what was logged, at the union and on the date of each event.
const (
	StatPrefix      = "member."
	StatJoined      = StatPrefix + "joined"
	StatLeft        = StatPrefix + "left"
	StatTransferIn  = StatPrefix + "transfer_in"
	StatTransferOut = StatPrefix + "transfer_out"
)

// StatStatus names the level of memberships with status st.
func StatStatus(st Status) string { return StatPrefix + "status." + string(st) }

// StatJoinedTag names the flow of joinings of members with tag t.
func StatJoinedTag(t Tag) string { return StatPrefix + "joined_tag." + string(t) }

// joinDetail is the detail of a joining event: how the member came and,
// for the figures of joinings by tag, the tags they came with.
func joinDetail(source string, tags int64) map[string]any {
	d := map[string]any{"source": source}
	if names := TagNames(tags); len(names) > 0 {
		d["tags"] = names
	}
	return d
}

// detailTags reads the tags of a joining event's detail, as written
// (strings) or read back from JSON (values).
func detailTags(detail map[string]any) []string {
	switch v := detail["tags"].(type) {
	case []string:
		return v
	case []any:
		out := make([]string, 0, len(v))
		for _, x := range v {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// StatTag names the level of active members with tag t.
func StatTag(t Tag) string { return StatPrefix + "tag." + string(t) }

// state is what the level figures of one membership depend on.
type state struct {
	path   string
	status Status
	tags   int64
}

// levels lists the level changes of holding st (sign +1) or giving it up
// (sign -1).
func levels(st state, sign int64) []stats.Change {
	if st.path == "" {
		return nil
	}
	out := []stats.Change{{OrgPath: st.path, Metric: StatStatus(st.status), Delta: sign}}
	if st.status == StatusActive {
		for _, t := range TagNames(st.tags) {
			out = append(out, stats.Change{OrgPath: st.path, Metric: StatTag(Tag(t)), Delta: sign})
		}
	}
	return out
}

func month(day string) string {
	if len(day) >= 7 {
		return day[:7]
	}
	return ""
}

// eventFlows lists the flows one history event counts.
func eventFlows(kind EventKind, path, onDate string, detail map[string]any) []stats.Change {
	m := month(onDate)
	if m == "" {
		return nil
	}
	one := func(metric string) []stats.Change {
		return []stats.Change{{OrgPath: path, Metric: metric, Month: m, Delta: 1}}
	}
	switch kind {
	case EventJoined, EventRejoined:
		out := one(StatJoined)
		for _, t := range detailTags(detail) {
			out = append(out, stats.Change{OrgPath: path, Metric: StatJoinedTag(Tag(t)), Month: m, Delta: 1})
		}
		return out
	case EventTransferredIn:
		return one(StatTransferIn)
	case EventTransferredOut:
		return one(StatTransferOut)
	case EventStatus:
		from, _ := detail["from"].(Status)
		to, _ := detail["to"].(Status)
		if s, ok := detail["from"].(string); ok {
			from = Status(s)
		}
		if s, ok := detail["to"].(string); ok {
			to = Status(s)
		}
		switch {
		case from == StatusActive && to != StatusActive:
			return one(StatLeft)
		case from != StatusActive && to == StatusActive:
			return one(StatJoined)
		}
	}
	return nil
}

// readState reads a membership's state inside tx.
func readState(ctx context.Context, tx *db.Tx, id int64) (state, error) {
	var st state
	err := tx.QueryRow(ctx, "SELECT org_path, status, tags FROM members WHERE id = ?", id).Scan(&st.path, &st.status, &st.tags)
	if err != nil {
		return st, fmt.Errorf("member: read state: %w", err)
	}
	return st, nil
}

// tracked runs change, which alters membership id inside tx, and logs the
// level figures it moved.
func tracked(ctx context.Context, tx *db.Tx, id int64, change func() error) error {
	before, err := readState(ctx, tx, id)
	if err != nil {
		return err
	}
	if err := change(); err != nil {
		return err
	}
	after, err := readState(ctx, tx, id)
	if err != nil {
		return err
	}
	return stats.Log(ctx, tx, append(levels(before, -1), levels(after, +1)...)...)
}

// StatSource recounts the registry's figures from the rows: levels from
// the memberships, flows from their history.
func StatSource() stats.Source {
	return stats.Source{Prefix: StatPrefix, Count: func(ctx context.Context, q stats.Queryer, emit func(stats.Change)) error {
		if err := recountLevels(ctx, q, emit); err != nil {
			return err
		}
		return recountFlows(ctx, q, emit)
	}}
}

func recountLevels(ctx context.Context, q stats.Queryer, emit func(stats.Change)) error {
	rows, err := q.Query(ctx, "SELECT org_path, status, tags, COUNT(*) FROM members GROUP BY org_path, status, tags")
	if err != nil {
		return fmt.Errorf("member: recount levels: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var st state
		var n int64
		if err := rows.Scan(&st.path, &st.status, &st.tags, &n); err != nil {
			return fmt.Errorf("member: recount levels: %w", err)
		}
		for _, c := range levels(st, n) {
			emit(c)
		}
	}
	return rows.Err()
}

func recountFlows(ctx context.Context, q stats.Queryer, emit func(stats.Change)) error {
	rows, err := q.Query(ctx, "SELECT kind, org_path, on_date, detail FROM member_events WHERE kind IN (?, ?, ?, ?, ?)",
		string(EventJoined), string(EventRejoined), string(EventStatus), string(EventTransferredIn), string(EventTransferredOut))
	if err != nil {
		return fmt.Errorf("member: recount flows: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind EventKind
		var path, on, detail string
		if err := rows.Scan(&kind, &path, &on, &detail); err != nil {
			return fmt.Errorf("member: recount flows: %w", err)
		}
		var d map[string]any
		if kind == EventStatus && detail != "" || strings.Contains(detail, `"tags"`) {
			if err := json.Unmarshal([]byte(detail), &d); err != nil {
				return fmt.Errorf("member: recount flows: event detail: %w", err)
			}
		}
		for _, c := range eventFlows(kind, path, on, d) {
			emit(c)
		}
	}
	return rows.Err()
}

// PendingApplications counts the applications to join waiting for a
// decision in the subtree at path.
func (s *Store) PendingApplications(ctx context.Context, path string) (int, error) {
	var n int
	err := s.DB.QueryRow(ctx, "SELECT COUNT(*) FROM join_applications WHERE org_path >= ? AND org_path < ? AND status = ?",
		path, audit.PathEnd(path), string(AppPending)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("member: pending applications: %w", err)
	}
	return n, nil
}
