package member

import (
	"context"
	"database/sql"
	"slices"
	"strings"

	"gonghui/internal/audit"
	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/scope"
)

// A selection is members ticked on the registry's page, acted on at once
// (export, tag, notice). It names at most MaxBulk members, every one of
// them within the caller's subtrees: one outside refuses the whole action,
// so nothing is half done and nothing tells the caller about a member they
// may not see.

// checkSelection refuses an empty or oversized selection and removes
// repeated ids, keeping the order.
func checkSelection(ids []int64) ([]int64, error) {
	f := errs.Fields{}
	if f.Check(len(ids) > 0, "ids", "member.bulk_none") {
		f.Check(len(ids) <= MaxBulk, "ids", "member.bulk_too_many", MaxBulk)
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	out := make([]int64, 0, len(ids))
	for _, id := range ids {
		if id > 0 && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	if len(out) == 0 {
		return nil, fieldErr("ids", "member.bulk_outside")
	}
	return out, nil
}

// errOutside refuses a selection holding a member the caller may not act on
// (or one that does not exist): the same answer for both.
func errOutside() error { return fieldErr("ids", "member.bulk_outside") }

// Selection checks a selection for pr and returns its members in the
// selection's order: write asks for member.write over every one (else
// member.read).
func (s *Store) Selection(ctx context.Context, pr *auth.Principal, ids []int64, write bool) ([]Brief, error) {
	return s.selection(ctx, s.DB, "", pr, ids, write)
}

// SelectionTx is Selection inside tx, the rows locked until it ends: for a
// module acting on a selection in its own transaction.
func (s *Store) SelectionTx(ctx context.Context, tx *db.Tx, pr *auth.Principal, ids []int64, write bool) ([]Brief, error) {
	return s.selection(ctx, tx, tx.ForUpdate(), pr, ids, write)
}

type rowsQueryer interface {
	Query(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

func (s *Store) selection(ctx context.Context, q rowsQueryer, lock string, pr *auth.Principal, ids []int64, write bool) ([]Brief, error) {
	ids, err := checkSelection(ids)
	if err != nil {
		return nil, err
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := q.Query(ctx, "SELECT id, org_id, org_path, name, status, tags FROM members WHERE id IN ("+db.Placeholders(len(ids))+") ORDER BY id"+lock, args...)
	found, err := ScanAll(rows, err, []Brief(nil), "member: selection", func(r RowScanner) (Brief, error) {
		var b Brief
		err := r.Scan(&b.ID, &b.OrgID, &b.OrgPath, &b.Name, &b.Status, &b.Tags)
		return b, err
	})
	if err != nil {
		return nil, err
	}
	if len(found) != len(ids) {
		return nil, errOutside()
	}
	may := rule.CanRead
	if write {
		may = rule.CanWrite
	}
	byID := make(map[int64]Brief, len(found))
	for _, b := range found {
		if !may(pr, b.OrgPath) {
			return nil, errOutside()
		}
		byID[b.ID] = b
	}
	out := make([]Brief, len(ids))
	for i, id := range ids {
		out[i] = byID[id]
	}
	return out, nil
}

// TagChange adds or removes one tag on a selection.
type TagChange struct {
	Tag    string `json:"tag"`
	Remove bool   `json:"remove"`
}

// TagMany adds (or removes) one tag on every selected member, in one
// transaction: each member's row, search keys, history and figures change
// as an edit of the tags would, each with its audit record. It answers how
// many members the selection held; those that already had (or lacked) the
// tag are counted and left as they were.
func (s *Store) TagMany(ctx context.Context, pr *auth.Principal, ids []int64, in TagChange) (int, error) {
	tag := Tag(strings.TrimSpace(in.Tag))
	if tag.Bit() == 0 {
		return 0, fieldErr("tag", "field.invalid_choice")
	}
	if _, err := checkSelection(ids); err != nil {
		return 0, err
	}
	n := 0
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		sel, err := s.SelectionTx(ctx, tx, pr, ids, true)
		if err != nil {
			return err
		}
		n = len(sel)
		at := scope.Millis(s.now())
		for _, b := range sel {
			tags := b.Tags | tag.Bit()
			if in.Remove {
				tags = b.Tags &^ tag.Bit()
			}
			if tags == b.Tags {
				continue
			}
			if err := s.retag(ctx, tx, b, tags, at); err != nil {
				return err
			}
		}
		return nil
	})
	return n, err
}

// retag stores a member's new tags inside tx, with what follows a change of
// tags: search keys, figures, history and the audit record.
func (s *Store) retag(ctx context.Context, tx *db.Tx, b Brief, tags, at int64) error {
	err := tracked(ctx, tx, b.ID, func() error {
		_, err := tx.Exec(ctx, "UPDATE members SET tags = ?, version = version + 1, updated_at = ? WHERE id = ?", tags, at, b.ID)
		return err
	})
	if err != nil {
		return errs.Internal(err, "member: tag")
	}
	if _, err := tx.Exec(ctx, "DELETE FROM member_tags WHERE member_id = ?", b.ID); err != nil {
		return errs.Internal(err, "member: tag keys")
	}
	var keys []any
	for _, t := range TagNames(tags) {
		keys = append(keys, t, b.OrgPath, b.ID)
	}
	if err := tx.InsertRows(ctx, "member_tags (tag, org_path, member_id)", 3, keys); err != nil {
		return errs.Internal(err, "member: tag keys")
	}
	if err := addEvent(ctx, tx, event{MemberID: b.ID, At: at, OnDate: s.today(), Kind: EventEdited, OrgID: b.OrgID, OrgPath: b.OrgPath,
		Actor: actorOf(ctx), Detail: map[string]any{"fields": []string{"tags"}}}); err != nil {
		return err
	}
	return audit.Record(ctx, tx, audit.Event{Action: "member.bulk_tag", Entity: "member", EntityID: db.FormatID(b.ID), OrgPath: b.OrgPath,
		Before: map[string]any{"tags": TagNames(b.Tags)}, After: map[string]any{"tags": TagNames(tags)}})
}
