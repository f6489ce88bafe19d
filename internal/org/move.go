package org

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/scope"
	"gonghui/internal/stats"
)

// Move puts an organisation, with its whole subtree, under a new parent.
// The caller needs write over the subtree being moved and over the new
// parent. The root cannot move, nor can anything move into its own subtree;
// the moved organisation's name must be free among its new siblings and its
// kind must fit there. Paths and depths of the whole subtree are rewritten
// by one UPDATE; both parents' child counts follow.
func (s *Store) Move(ctx context.Context, p *auth.Principal, id, newParentID int64) (*Org, error) {
	if p == nil {
		return nil, scope.NilPrincipal("org")
	}
	var out *Org
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		// Moves take the root's row lock first, so that on PostgreSQL two
		// concurrent moves cannot each pass the "not into its own subtree"
		// test against paths the other is about to rewrite and build a
		// cycle. Moves are rare; serialising them costs nothing. (SQLite
		// serialises every write transaction anyway.)
		var rootID int64
		err := tx.QueryRow(ctx, "SELECT id FROM orgs WHERE depth = 0"+tx.ForUpdate()).Scan(&rootID)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.NotFound("org")
		}
		if err != nil {
			return errs.Internal(err, "org: lock root")
		}
		o, err := lockFor(ctx, tx, p, id, rule.Readable)
		if err != nil {
			return err
		}
		np, err := lockFor(ctx, tx, p, newParentID, rule.Readable)
		if err != nil {
			return err
		}
		if err := rule.Writable(p, o.Path); err != nil {
			return err
		}
		if err := rule.Writable(p, np.Path); err != nil {
			return err
		}
		f := errs.Fields{}
		switch {
		case o.ParentID == 0:
			f.Add("parent_id", "org.move_root")
		case inside(np.Path, o.Path):
			f.Add("parent_id", "org.move_into_own")
		case np.ID == o.ParentID:
			out = o // already there: nothing to do
			return nil
		default:
			checkPlace(f, o.Kind, np, "parent_id")
			if err := checkSiblingName(ctx, tx, f, np.ID, o.Name, o.ID); err != nil {
				return err
			}
		}
		if err := f.Err(); err != nil {
			return err
		}
		moved, err := moveSubtree(ctx, tx, o, np)
		if err != nil {
			return err
		}
		out = moved
		before := map[string]any{"parent_id": db.FormatID(o.ParentID), "path": o.Path, "depth": o.Depth}
		after := map[string]any{"parent_id": db.FormatID(np.ID), "path": moved.Path, "depth": moved.Depth}
		ev := audit.Event{Action: "org.move", Entity: "org", EntityID: db.FormatID(id), OrgPath: moved.Path, Before: before, After: after}
		if err := audit.Record(ctx, tx, ev); err != nil {
			return err
		}
		// The auditors of the place it left see the departure too, unless
		// that place contains the new one (and so sees the entry above).
		if oldParent := strings.TrimSuffix(o.Path, db.FormatID(id)+"/"); !inside(moved.Path, oldParent) {
			ev.Action, ev.OrgPath = "org.move_out", oldParent
			return audit.Record(ctx, tx, ev)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// pathCopies are the columns, in other packages' tables too, that keep a
// copy of an organisation's materialised path so that their rows can be
// scoped to a subtree by one index range. A move rewrites them all in the
// same transaction; a table that copies a path must be listed here.
var pathCopies = []struct{ table, col string }{
	{"employers", "owner_path"},
	{"employers", "union_path"},
	{"members", "org_path"},
	{"member_grams", "org_path"},
	{"member_tags", "org_path"},
	{"member_events", "org_path"},
	{"join_applications", "org_path"},
	{"transfers", "from_path"},
	{"transfers", "to_path"},
	{"activities", "org_path"},
	{"activities", "audience_path"},
	{"registrations", "member_org_path"},
	{"checkins", "member_org_path"},
	{"courses", "org_path"},
	{"course_terms", "org_path"},
	{"course_terms", "audience_path"},
	{"enrolments", "member_org_path"},
	{"interest_groups", "org_path"},
	{"question_banks", "org_path"},
	{"contests", "org_path"},
	{"contests", "audience_path"},
	{"attempts", "member_org_path"},
	{"contest_results", "member_org_path"},
	{"letters", "org_path"},
	{"cases", "org_path"},
	{"surveys", "org_path"},
	{"surveys", "audience_path"},
	{"survey_takers", "member_org_path"},
	{"survey_responses", "org_path"},
	{"stations", "org_path"},
	{"station_visits", "org_path"},
	{"station_claims", "org_path"},
	{"works_calls", "org_path"},
	{"works_calls", "audience_path"},
	{"works_entries", "member_org_path"},
	{"works_judges", "judge_path"},
	{"stat_log", "org_path"},
}

// moveSubtree rewrites the subtree of o to hang below np and returns o as
// it is afterwards.
func moveSubtree(ctx context.Context, tx *db.Tx, o, np *Org) (*Org, error) {
	oldPrefix, newPrefix := o.Path, np.Path+db.FormatID(o.ID)+"/"
	lo, hi := oldPrefix, audit.PathEnd(oldPrefix)
	// Lock the subtree before rewriting it: a child being created at this
	// moment holds its parent's lock, and we wait for it here; the UPDATE
	// below then starts after its commit and sees the new row. Without
	// this, READ COMMITTED would let that row keep its old path.
	if err := tx.LockRows(ctx, "SELECT id FROM orgs WHERE path >= ? AND path < ?", lo, hi); err != nil {
		return nil, errs.Internal(err, "org: lock subtree")
	}
	// The subtree's figures leave its old ancestors for its new ones.
	oldParent := strings.TrimSuffix(o.Path, db.FormatID(o.ID)+"/")
	if err := stats.MoveSubtree(ctx, tx, o.ID, oldParent, np.Path); err != nil {
		return nil, errs.Internal(err, "org: move figures")
	}
	if err := moveStraddlers(ctx, tx, lo, hi, newPrefix); err != nil {
		return nil, errs.Internal(err, "org: move figures")
	}
	delta := np.Depth + 1 - o.Depth
	// Paths are ASCII, so substr's character positions are byte positions.
	_, err := tx.Exec(ctx, "UPDATE orgs SET path = CAST(? AS TEXT) || substr(path, ?), depth = depth + ? WHERE path >= ? AND path < ?",
		newPrefix, len(oldPrefix)+1, delta, lo, hi)
	if err != nil {
		return nil, errs.Internal(err, "org: rewrite paths")
	}
	// Every copy of an organisation's path elsewhere follows.
	for _, c := range pathCopies {
		_, err = tx.Exec(ctx, "UPDATE "+c.table+" SET "+c.col+" = CAST(? AS TEXT) || substr("+c.col+", ?) WHERE "+c.col+" >= ? AND "+c.col+" < ?",
			newPrefix, len(oldPrefix)+1, lo, hi)
		if err != nil {
			return nil, errs.Internal(err, "org: rewrite paths of "+c.table)
		}
	}
	t := stamp()
	_, err = tx.Exec(ctx, "UPDATE orgs SET parent_id = ?, updated_at = ? WHERE id = ?", np.ID, scope.Millis(t), o.ID)
	if db.IsUnique(err) {
		return nil, nameTakenErr()
	}
	if err != nil {
		return nil, errs.Internal(err, "org: set parent")
	}
	if _, err := tx.Exec(ctx, "UPDATE orgs SET child_count = child_count - 1 WHERE id = ?", o.ParentID); err != nil {
		return nil, errs.Internal(err, "org: count children")
	}
	if _, err := tx.Exec(ctx, "UPDATE orgs SET child_count = child_count + 1 WHERE id = ?", np.ID); err != nil {
		return nil, errs.Internal(err, "org: count children")
	}
	moved := *o
	moved.ParentID, moved.Path, moved.Depth, moved.UpdatedAt = np.ID, newPrefix, np.Depth+1, t
	return &moved, nil
}
