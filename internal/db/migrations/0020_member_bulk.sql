-- compat: keeps
-- The member list sorted by a column walks that column's index, checking
-- each entry against the caller's subtrees and the common filters (status,
-- tags) from the index alone, when the subtree is large; a small subtree's
-- rows are sorted instead (internal/member/sort.go). Ties by id.
CREATE INDEX members_joined ON members (joined_on, id, org_path, status, tags);
-- The name index gains the same columns; its prefix (name, id) serves the
-- surname search as before.
DROP INDEX members_name;
CREATE INDEX members_name ON members (name, id, org_path, status, tags);

-- A notice staff write themselves (kind 'message'): its text. Other kinds
-- name what they are about (an activity, a course term) and leave it empty.
ALTER TABLE member_notices ADD COLUMN body TEXT NOT NULL DEFAULT '';
