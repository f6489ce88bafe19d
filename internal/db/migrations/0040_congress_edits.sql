-- compat: keeps
-- Workers' congress: a session's title (what its notice calls it, e.g.
-- 第三届职工代表大会第二次会议暨工资集体协商会议; '' shows the term and
-- meeting), and each session's history of what staff and delegates
-- changed after planning it (date, place, title edited; agenda items
-- moved or deleted; motions withdrawn), shown on the session's page. The
-- audit log keeps the same changes for auditors; this is what the
-- session's own staff read, in words.
ALTER TABLE congress_sessions ADD COLUMN title TEXT NOT NULL DEFAULT '';

CREATE TABLE congress_session_events (
    id          ID_PK,
    session_id  BIGINT NOT NULL REFERENCES congress_sessions(id),
    kind        TEXT NOT NULL,
    -- What it names: the title of the item or motion, or the fields
    -- edited ("held_on,place").
    body        TEXT NOT NULL DEFAULT '',
    by_name     TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL
);
CREATE INDEX congress_session_events_session ON congress_session_events (session_id, created_at);

-- A withdrawn motion's time (0 while not withdrawn).
ALTER TABLE congress_motions ADD COLUMN withdrawn_at BIGINT NOT NULL DEFAULT 0;
