package notice

import (
	"context"

	"gonghui/internal/db"
	"gonghui/internal/errs"
)

// AddText tells members inside tx about something that is neither an
// activity nor a course term (a rights case, say): text is what the notice
// names in place of their title, kind the module's own (its words are
// activity.notice.<kind>, with the text as their argument).
func AddText(ctx context.Context, tx *db.Tx, now int64, kind, text string, memberIDs ...int64) error {
	if len(memberIDs) == 0 {
		return nil
	}
	flat := make([]any, 0, 5*len(memberIDs))
	for _, m := range memberIDs {
		flat = append(flat, db.NewID(), m, kind, text, now)
	}
	if err := tx.InsertRows(ctx, "member_notices (id, member_id, kind, body, created_at)", 5, flat); err != nil {
		return errs.Internal(err, "notice: add text")
	}
	return nil
}
