-- compat: keeps
-- The to-do inbox (internal/inbox) counts what waits in a subtree on every
-- page (the navigation's badge): each count must be one index range, led by
-- the status so that decided rows, the great majority, are never read.
CREATE INDEX join_applications_waiting ON join_applications (status, org_path, created_at);
CREATE INDEX transfers_waiting_from ON transfers (status, from_path);
CREATE INDEX transfers_waiting_to ON transfers (status, to_path);
-- Registrations name their activity, not its organisation: the waiting
-- ones are few, read oldest first and kept if their activity is in scope.
CREATE INDEX registrations_waiting ON registrations (status, created_at);
