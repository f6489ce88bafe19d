package notice

import (
	"context"

	"gonghui/internal/db"
	"gonghui/internal/errs"
)

// AddText tells members inside tx about something that is neither an
// activity nor a course term, and has no page of its own (a staff
// message): text is what the notice names in place of their title, kind
// the module's own (its words are activity.notice.<kind>, with the text as
// their argument).
func AddText(ctx context.Context, tx *db.Tx, now int64, kind, text string, memberIDs ...int64) error {
	return AddAbout(ctx, tx, now, kind, text, About{}, memberIDs...)
}

// About names the record a notice is about by a kind its module registers
// with its page (see the web kernel's RegisterMemberURL: "case", "motion")
// and its id.
type About struct {
	Kind string
	ID   int64
}

// AddAbout is AddText for a record with a member's page: the notice
// links to it.
func AddAbout(ctx context.Context, tx *db.Tx, now int64, kind, text string, about About, memberIDs ...int64) error {
	if len(memberIDs) == 0 {
		return nil
	}
	flat := make([]any, 0, 7*len(memberIDs))
	for _, m := range memberIDs {
		flat = append(flat, db.NewID(), m, kind, text, about.Kind, about.ID, now)
	}
	if err := tx.InsertRows(ctx, "member_notices (id, member_id, kind, body, about_kind, about_id, created_at)", 7, flat); err != nil {
		return errs.Internal(err, "notice: add text")
	}
	return nil
}
