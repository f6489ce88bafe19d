-- compat: keeps
-- What a notice is about when it is none of the columns above (an
-- activity, a course term, a letter): a kind the module registers
-- ("case", "motion") and the record's id, so that the member's notices
-- link every one of them to its page, not only the kinds that have a
-- column of their own.
ALTER TABLE member_notices ADD COLUMN about_kind TEXT NOT NULL DEFAULT '';
ALTER TABLE member_notices ADD COLUMN about_id BIGINT NOT NULL DEFAULT 0;
