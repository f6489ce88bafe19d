-- compat: keeps
-- The suggestion box (职工心声 / 主席信箱, internal/mailbox): letters a
-- member writes to their union or one above it, answered by the staff of
-- the addressed union (or of one above it), with their history.
CREATE TABLE letters (
    id          ID_PK,
    -- The writer: kept for their own follow-up even when anonymous; staff
    -- reads join it only for letters that are not anonymous.
    member_id   BIGINT NOT NULL REFERENCES members(id),
    anonymous   INTEGER NOT NULL DEFAULT 0,
    -- The addressee now (a forward moves it) and a copy of its path, kept
    -- by internal/org on moves as the other modules' copies are.
    org_id      BIGINT NOT NULL REFERENCES orgs(id),
    org_path    TEXT_C NOT NULL,
    category    TEXT NOT NULL,
    subject     TEXT NOT NULL,
    body        TEXT NOT NULL,
    status      TEXT NOT NULL,
    -- Who handles it (words, optional), set on acceptance.
    handler     TEXT NOT NULL DEFAULT '',
    received_at BIGINT NOT NULL,
    -- When an answer is due (received_at plus the working days allowed;
    -- moved on by a follow-up).
    due_at      BIGINT NOT NULL,
    -- The first answer (0: none yet): the figures' "answered on time".
    answered_at BIGINT NOT NULL DEFAULT 0,
    -- Whether that first answer came by its due time.
    on_time     INTEGER NOT NULL DEFAULT 0,
    closed_at   BIGINT NOT NULL DEFAULT 0,
    -- The writer's rating of the answer: '', satisfied, fair, dissatisfied.
    rating      TEXT NOT NULL DEFAULT '',
    followed_up INTEGER NOT NULL DEFAULT 0,
    version     INTEGER NOT NULL DEFAULT 1,
    updated_at  BIGINT NOT NULL
);
-- Staff lists and the inbox: by status within a subtree.
CREATE INDEX letters_status ON letters (status, org_path, received_at);
CREATE INDEX letters_path ON letters (org_path, received_at);
CREATE INDEX letters_member ON letters (member_id, id);

-- Each letter's history: status changes, answers, follow-ups, ratings.
CREATE TABLE letter_events (
    id         ID_PK,
    letter_id  BIGINT NOT NULL REFERENCES letters(id),
    kind       TEXT NOT NULL,
    -- The status after the event ('' when it did not change).
    status     TEXT NOT NULL DEFAULT '',
    -- The words: an answer, a reason, a follow-up.
    body       TEXT NOT NULL DEFAULT '',
    -- A forward's source and target organisations (their names at the time).
    from_org   TEXT NOT NULL DEFAULT '',
    to_org     TEXT NOT NULL DEFAULT '',
    -- Staff who acted (NULL: the writer).
    user_id    BIGINT,
    user_name  TEXT NOT NULL DEFAULT '',
    -- The union that acted, as the writer sees it.
    org_name   TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE INDEX letter_events_letter ON letter_events (letter_id, id);

-- Photos of a letter, sealed with the data key (pii) as uploads are.
CREATE TABLE letter_photos (
    id           ID_PK,
    letter_id    BIGINT NOT NULL REFERENCES letters(id),
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    data         BLOB NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX letter_photos_letter ON letter_photos (letter_id, id);

-- Letters a member wrote on a Beijing day: the daily limit holds across
-- server processes by a conditional update of this row.
CREATE TABLE letter_quota (
    member_id BIGINT NOT NULL,
    day       TEXT NOT NULL,
    n         INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (member_id, day)
) WITHOUT_ROWID;
