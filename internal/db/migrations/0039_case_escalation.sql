-- compat: keeps: the backfill fills only the new column, which older programs never read
-- Rights cases (internal/rights): the escalation of an overdue case to
-- its supervisors leaves one timeline entry. escalate_at is the deadline
-- still to be escalated (0: none pending): set to due_at whenever the
-- deadline moves, cleared by the one conditional update that writes the
-- entry, so that of several server processes sweeping at once exactly one
-- writes it.
ALTER TABLE cases ADD COLUMN escalate_at BIGINT NOT NULL DEFAULT 0;
UPDATE cases SET escalate_at = due_at WHERE status <> 'closed';
-- The sweep's range: only cases with an escalation pending are in it.
CREATE INDEX cases_escalate ON cases (escalate_at) WHERE escalate_at > 0;
