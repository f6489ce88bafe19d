-- compat: keeps
-- Notices are also sent by SMS: sent_at marks those a server process has
-- taken for sending (each is sent once, by one process).
ALTER TABLE member_notices ADD COLUMN sent_at BIGINT NOT NULL DEFAULT 0;
CREATE INDEX member_notices_unsent ON member_notices (sent_at, id);
