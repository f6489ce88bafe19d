-- compat: keeps
-- Calls for works (作品征集: essay and photo contests, internal/works):
-- published by an organisation to a subtree, entries submitted by members
-- in a window, screened by staff, scored blind by a panel of judges.
CREATE TABLE works_calls (
    id              ID_PK,
    org_id          BIGINT NOT NULL REFERENCES orgs(id),
    org_path        TEXT_C NOT NULL,
    audience_org_id BIGINT NOT NULL REFERENCES orgs(id),
    audience_path   TEXT_C NOT NULL,
    audience_tags   INTEGER NOT NULL DEFAULT 0,
    title           TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    -- essay or photo.
    kind            TEXT NOT NULL,
    min_chars       INTEGER NOT NULL DEFAULT 0,
    max_chars       INTEGER NOT NULL DEFAULT 0,
    max_photos      INTEGER NOT NULL DEFAULT 0,
    max_photo_kb    INTEGER NOT NULL DEFAULT 0,
    per_member      INTEGER NOT NULL DEFAULT 1,
    opens_at        BIGINT NOT NULL,
    closes_at       BIGINT NOT NULL,
    -- Judging runs from closes_at until judge_until.
    judge_until     BIGINT NOT NULL,
    -- JSON lists: works.Criterion (name, weight) and works.Tier (name, count).
    criteria        TEXT NOT NULL DEFAULT '[]',
    tiers           TEXT NOT NULL DEFAULT '[]',
    status          TEXT NOT NULL,
    -- When the awards were last worked out, and when the results were
    -- published to members (0: not yet).
    ranked_at       BIGINT NOT NULL DEFAULT 0,
    results_at      BIGINT NOT NULL DEFAULT 0,
    version         INTEGER NOT NULL DEFAULT 1,
    created_by      BIGINT,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX works_calls_path ON works_calls (org_path, id);
CREATE INDEX works_calls_audience ON works_calls (audience_path, status);

CREATE TABLE works_entries (
    id              ID_PK,
    call_id         BIGINT NOT NULL REFERENCES works_calls(id),
    member_id       BIGINT NOT NULL REFERENCES members(id),
    member_org_path TEXT_C NOT NULL,
    -- 1..per_member while the entry stands, NULL once withdrawn: the unique
    -- key below holds "at most K entries per member" across processes.
    slot            INTEGER,
    title           TEXT NOT NULL,
    body            TEXT NOT NULL DEFAULT '',
    note            TEXT NOT NULL DEFAULT '',
    -- submitted, accepted, rejected, withdrawn.
    status          TEXT NOT NULL,
    reason          TEXT NOT NULL DEFAULT '',
    screened_by     BIGINT,
    -- The final score in hundredths (NULL: not worked out), rank and award.
    score           INTEGER,
    judges          INTEGER NOT NULL DEFAULT 0,
    place           INTEGER NOT NULL DEFAULT 0,
    award           TEXT NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE UNIQUE INDEX works_entries_slot ON works_entries (call_id, member_id, slot);
CREATE INDEX works_entries_status ON works_entries (status, call_id);
CREATE INDEX works_entries_call ON works_entries (call_id, status, id);

-- An entry's photos, sealed with the data key (pii): AAD binds each to its row.
CREATE TABLE works_photos (
    id           ID_PK,
    entry_id     BIGINT NOT NULL REFERENCES works_entries(id),
    position     INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    width        INTEGER NOT NULL DEFAULT 0,
    height       INTEGER NOT NULL DEFAULT 0,
    data         BLOB NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX works_photos_entry ON works_photos (entry_id, position);

-- The judging panel: staff accounts, with the path of the organisation
-- where each holds contest.read (what the inbox scopes them by).
CREATE TABLE works_judges (
    call_id    BIGINT NOT NULL REFERENCES works_calls(id),
    user_id    BIGINT NOT NULL REFERENCES users(id),
    judge_path TEXT_C NOT NULL,
    added_at   BIGINT NOT NULL,
    PRIMARY KEY (call_id, user_id)
);
CREATE INDEX works_judges_user ON works_judges (user_id);

-- One score per judge and entry (revised in place until judging closes):
-- marks per criterion (JSON list of 0..100), total the weighted score in
-- hundredths.
CREATE TABLE works_scores (
    entry_id  BIGINT NOT NULL REFERENCES works_entries(id),
    judge_id  BIGINT NOT NULL REFERENCES users(id),
    call_id   BIGINT NOT NULL REFERENCES works_calls(id),
    marks     TEXT NOT NULL,
    total     INTEGER NOT NULL,
    scored_at BIGINT NOT NULL,
    PRIMARY KEY (entry_id, judge_id)
);
CREATE INDEX works_scores_call ON works_scores (call_id, judge_id);
