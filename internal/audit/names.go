package audit

import (
	"context"
	"fmt"
	"strings"

	"gonghui/internal/db"
)

// The log stores objects as a kind and an ID. To show them by name, Names
// reads the names of one page's objects in one query per kind (never one
// per entry), and only where the auditor's subtrees reach: an object that
// now lives outside them (a member transferred away, an account of a higher
// level) is marked Hidden and shown in neutral words. These are read-only
// look-ups of other modules' tables, kept here so that the log's words do
// not depend on every module's store.

// Ref is an object named by an entry.
type Ref struct{ Kind, ID string }

// RefOf returns the object of an entry. An entry about a whole subtree (a
// list exported, organisations bulk-loaded) names no ID: its object is the
// organisation at its path.
func RefOf(e *Entry) Ref {
	if e.EntityID == "" && e.OrgPath != "" {
		if _, ok := lookup[e.Entity]; ok {
			return Ref{"org", lastID(e.OrgPath)}
		}
	}
	return Ref{e.Entity, e.EntityID}
}

// Name is what the log may show of an object.
type Name struct {
	Name   string // "" when not found or Hidden
	Of     string // the object it belongs to (a registration's activity), or ""
	Hidden bool   // the object exists outside the caller's subtrees
	Found  bool
	Page   string // the kind of page that shows it: "member", "org", ... ("" none)
	PageID int64  // that page's ID
}

// lookup is the query of one kind: it selects id, page id, name, "of" and
// the path that decides who may see it, for the IDs in "(%s)".
var lookup = map[string]struct{ sql, page string }{
	"member":           {"SELECT id, id, name, '', org_path FROM members WHERE id IN (%s)", "member"},
	"org":              {"SELECT id, id, name, '', path FROM orgs WHERE id IN (%s)", "org"},
	"employer":         {"SELECT id, id, name, '', owner_path FROM employers WHERE id IN (%s)", "employer"},
	"officer":          {"SELECT f.id, o.id, f.name, o.name, o.path FROM officers f JOIN orgs o ON o.id = f.org_id WHERE f.id IN (%s)", "org"},
	"user":             {"SELECT u.id, u.id, u.name, o.name, o.path FROM users u JOIN orgs o ON o.id = u.org_id WHERE u.id IN (%s)", "user"},
	"activity":         {"SELECT id, id, title, '', org_path FROM activities WHERE id IN (%s)", "activity"},
	"course":           {"SELECT id, id, title, '', org_path FROM courses WHERE id IN (%s)", "course"},
	"course_term":      {"SELECT t.id, t.id, t.name, c.title, t.org_path FROM course_terms t JOIN courses c ON c.id = t.course_id WHERE t.id IN (%s)", "course_term"},
	"course_session":   {"SELECT s.id, t.id, t.name, c.title, t.org_path FROM course_sessions s JOIN course_terms t ON t.id = s.term_id JOIN courses c ON c.id = t.course_id WHERE s.id IN (%s)", "course_term"},
	"interest_group":   {"SELECT g.id, c.id, g.name, c.title, g.org_path FROM interest_groups g JOIN courses c ON c.id = g.course_id WHERE g.id IN (%s)", "course"},
	"contest":          {"SELECT id, id, title, '', org_path FROM contests WHERE id IN (%s)", ""},
	"survey":           {"SELECT id, id, title, '', org_path FROM surveys WHERE id IN (%s)", ""},
	"works_call":       {"SELECT id, id, title, '', org_path FROM works_calls WHERE id IN (%s)", ""},
	"works_entry":      {"SELECT e.id, c.id, e.title, c.title, c.org_path FROM works_entries e JOIN works_calls c ON c.id = e.call_id WHERE e.id IN (%s)", ""},
	"question_bank":    {"SELECT id, id, name, '', org_path FROM question_banks WHERE id IN (%s)", "bank"},
	"question":         {"SELECT q.id, b.id, substr(q.stem, 1, 40), b.name, b.org_path FROM questions q JOIN question_banks b ON b.id = q.bank_id WHERE q.id IN (%s)", "bank"},
	"transfer":         {"SELECT t.id, t.id, m.name, '', m.org_path FROM transfers t JOIN members m ON m.id = t.member_id WHERE t.id IN (%s)", "transfer"},
	"join_application": {"SELECT id, id, name, '', org_path FROM join_applications WHERE id IN (%s)", "application"},
	"contract":         {"SELECT c.id, c.id, c.title, o.name, o.path FROM contracts c JOIN orgs o ON o.id = c.org_id WHERE c.id IN (%s)", ""},
	"letter":           {"SELECT id, id, subject, '', org_path FROM letters WHERE id IN (%s)", ""},
	"station":          {"SELECT id, id, name, '', org_path FROM stations WHERE id IN (%s)", ""},
	"case":             {"SELECT id, id, title, '', org_path FROM cases WHERE id IN (%s)", ""},
	"congress_session": {"SELECT s.id, s.id, e.name, o.name, o.path FROM congress_sessions s JOIN employers e ON e.id = s.employer_id JOIN orgs o ON o.id = s.org_id WHERE s.id IN (%s)", ""},
	"congress_motion":  {"SELECT m.id, m.id, m.title, e.name, o.path FROM congress_motions m JOIN congress_sessions s ON s.id = m.session_id JOIN employers e ON e.id = s.employer_id JOIN orgs o ON o.id = s.org_id WHERE m.id IN (%s)", ""},
	"congress_affair":  {"SELECT a.id, a.id, a.title, e.name, o.path FROM congress_affairs a JOIN employers e ON e.id = a.employer_id JOIN orgs o ON o.id = a.org_id WHERE a.id IN (%s)", ""},
	"export_request":   {"SELECT e.id, e.id, o.name, '', e.org_path FROM export_requests e JOIN orgs o ON o.id = e.org_id WHERE e.id IN (%s)", "export"},
}

// pairs are kinds whose ID is "<parent>/<member>": the member's name, of
// the parent object.
var pairs = map[string]string{"registration": "activity", "enrolment": "course_term"}

// Names resolves refs within the subtrees paths, one query per kind.
func Names(ctx context.Context, d *db.DB, paths []string, refs []Ref) (map[Ref]Name, error) {
	ids := map[string]map[int64]bool{}
	add := func(kind, id string) {
		n, ok := db.ParseID(id)
		if !ok {
			return
		}
		if ids[kind] == nil {
			ids[kind] = map[int64]bool{}
		}
		ids[kind][n] = true
	}
	for _, r := range refs {
		if parent, ok := pairs[r.Kind]; ok {
			if p, m, ok := strings.Cut(r.ID, "/"); ok {
				add(parent, p)
				add("member", m)
			}
			continue
		}
		if _, ok := lookup[r.Kind]; ok {
			add(r.Kind, r.ID)
		}
	}
	found := map[Ref]Name{}
	for kind, set := range ids {
		if err := resolveKind(ctx, d, paths, kind, set, found); err != nil {
			return nil, err
		}
	}
	out := make(map[Ref]Name, len(refs))
	for _, r := range refs {
		if parent, ok := pairs[r.Kind]; ok {
			p, m, _ := strings.Cut(r.ID, "/")
			pn, mn := found[Ref{parent, p}], found[Ref{"member", m}]
			n := mn
			n.Of = pn.Name
			if pn.Hidden {
				n.Of = ""
			}
			out[r] = n
			continue
		}
		out[r] = found[r]
	}
	return out, nil
}

func resolveKind(ctx context.Context, d *db.DB, paths []string, kind string, set map[int64]bool, found map[Ref]Name) error {
	q := lookup[kind]
	args := make([]any, 0, len(set))
	for id := range set {
		args = append(args, id)
	}
	rows, err := d.Query(ctx, fmt.Sprintf(q.sql, db.Placeholders(len(args))), args...)
	if err != nil {
		return fmt.Errorf("audit: names of %s: %w", kind, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, page int64
		var name, of, path string
		if err := rows.Scan(&id, &page, &name, &of, &path); err != nil {
			return fmt.Errorf("audit: names of %s: %w", kind, err)
		}
		n := Name{Found: true, Page: q.page, PageID: page}
		if Within(paths, path) {
			n.Name, n.Of = name, of
		} else {
			n = Name{Found: true, Hidden: true}
		}
		found[Ref{kind, db.FormatID(id)}] = n
	}
	return rows.Err()
}

// Within reports whether path lies in one of the subtrees paths.
func Within(paths []string, path string) bool {
	for _, p := range paths {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}

// Staff is an acting account as the log shows it.
type Staff struct {
	ID      int64
	Name    string
	OrgName string
	Role    string // the role of its first grant, or ""
}

// Actors reads the acting accounts of one page in one query. Auditors see
// who acted on the records of their subtrees, whatever level the actor
// works at: that is what the log is for.
func Actors(ctx context.Context, d *db.DB, ids []int64) (map[int64]Staff, error) {
	out := map[int64]Staff{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := d.Query(ctx, `SELECT u.id, u.name, o.name, COALESCE((SELECT g.role FROM grants g WHERE g.user_id = u.id ORDER BY g.id LIMIT 1), '')
		FROM users u JOIN orgs o ON o.id = u.org_id WHERE u.id IN (`+db.Placeholders(len(args))+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("audit: actors: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var s Staff
		if err := rows.Scan(&s.ID, &s.Name, &s.OrgName, &s.Role); err != nil {
			return nil, fmt.Errorf("audit: actors: %w", err)
		}
		out[s.ID] = s
	}
	return out, rows.Err()
}

// People lists the accounts of the auditor's subtrees, by name, for the
// actor filter. Accounts of the levels above act on the subtrees' records
// too; they are named on their entries, and a filter on one of them comes
// from a link there, not from this list (which would show a street's
// auditor the city's staff).
func People(ctx context.Context, d *db.DB, paths []string) ([]Staff, error) {
	if len(paths) == 0 {
		return nil, nil
	}
	var cond []string
	var args []any
	for _, p := range paths {
		cond = append(cond, "(o.path >= ? AND o.path < ?)")
		args = append(args, p, PathEnd(p))
	}
	rows, err := d.Query(ctx, `SELECT u.id, u.name, o.name, '' FROM users u JOIN orgs o ON o.id = u.org_id
		WHERE `+strings.Join(cond, " OR ")+` ORDER BY u.name, u.id LIMIT 1000`, args...)
	if err != nil {
		return nil, fmt.Errorf("audit: people: %w", err)
	}
	defer rows.Close()
	var out []Staff
	for rows.Next() {
		var s Staff
		if err := rows.Scan(&s.ID, &s.Name, &s.OrgName, &s.Role); err != nil {
			return nil, fmt.Errorf("audit: people: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
