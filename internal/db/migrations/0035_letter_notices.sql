-- compat: keeps
-- The suggestion box tells a letter's writer when staff accept, forward,
-- answer or decline it (internal/mailbox): their notices name the letter.
-- The letter already keeps its writer (letters.member_id, even when
-- anonymous), so this column links nothing staff could not; no staff
-- read joins it.
ALTER TABLE member_notices ADD COLUMN letter_id BIGINT REFERENCES letters(id);
