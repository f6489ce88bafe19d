-- compat: keeps: the UPDATE only fills the column this step adds
-- A term's session attendances (person-sessions), kept in its row beside
-- the other counters, so that its figures can be logged from the row alone.
ALTER TABLE course_terms ADD COLUMN attendance INTEGER NOT NULL DEFAULT 0;
UPDATE course_terms SET attendance = (SELECT COUNT(*) FROM session_attendance a WHERE a.term_id = course_terms.id);
