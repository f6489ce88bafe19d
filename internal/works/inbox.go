package works

import (
	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/inbox"
	"gonghui/internal/scope"
)

// InboxSources are what calls for works leave waiting (see internal/inbox):
// entries to screen, for staff who run the call (Screen asks for
// contest.write over its publisher); and entries to score, for each judge:
// accepted entries of calls in their judging window without the judge's
// score, but for those of the judge's own union, counted where the judge holds contest.read (the panel's
// judge_path), narrowed to the judge.
func (s *Store) InboxSources() []inbox.Source {
	screen := &inbox.Query{K: inbox.Kind{Key: "works_screen", Title: "works.inbox.screen", Perm: rule.Write, List: "/works?status=" + string(StatusPublished)},
		DB: s.DB, From: "works_entries e JOIN works_calls c ON c.id = e.call_id JOIN orgs o ON o.id = c.org_id",
		Counted: "works_entries e JOIN works_calls c ON c.id = e.call_id",
		Where:   "e.status = ? AND c.status = ?", Args: []any{EntrySubmitted, StatusPublished},
		Path: "c.org_path", Cols: "e.call_id, e.id, e.title || ' · ' || c.title, o.name, e.updated_at",
		Link: func(callID, _ int64) string {
			return "/works/" + db.FormatID(callID) + "/entries?status=" + string(EntrySubmitted)
		}}
	score := &inbox.Query{K: inbox.Kind{Key: "works_score", Title: "works.inbox.score", Perm: rule.Read, List: "/judging"},
		DB: s.DB, From: "works_judges j JOIN works_calls c ON c.id = j.call_id JOIN works_entries e ON e.call_id = c.id JOIN orgs o ON o.id = c.org_id",
		Counted: "works_judges j JOIN works_calls c ON c.id = j.call_id JOIN works_entries e ON e.call_id = c.id",
		Where: "e.status = ? AND c.status = ? AND NOT " + aside +
			" AND NOT EXISTS (SELECT 1 FROM works_scores sc WHERE sc.entry_id = e.id AND sc.judge_id = j.user_id)",
		Args: []any{EntryAccepted, StatusPublished},
		Mine: func(p *auth.Principal) (string, []any) {
			now := scope.Millis(s.now())
			return "j.user_id = ? AND c.closes_at <= ? AND c.judge_until > ?", []any{p.UserID, now, now}
		},
		// The title is the call's only: a judge never learns the author.
		Path: "j.judge_path", Cols: "c.id, e.id, e.title || ' · ' || c.title, o.name, c.closes_at",
		Link: func(callID, _ int64) string { return "/judging/" + db.FormatID(callID) }}
	return []inbox.Source{screen, score}
}
