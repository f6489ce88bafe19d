-- compat: keeps
-- Members: the real-name registry, applications to join, transfers between
-- unions, each member's history, and the uploads and jobs behind imports.
--
-- Personal data: the resident ID number and the mobile number are stored
-- sealed (internal/pii: authenticated encryption, key id in the value) and
-- found through a keyed hash; neither appears in plain text anywhere.

-- One row per person: the ID number's hash is unique, so a person holds at
-- most one membership platform-wide whatever its status, and re-joining or a
-- transfer moves this row rather than adding one.
CREATE TABLE members (
    id            ID_PK,
    org_id        BIGINT NOT NULL REFERENCES orgs(id),
    -- A copy of the union's path (kept by internal/org on moves), so that a
    -- subtree's members are one range of the (org_path, id) index.
    org_path      TEXT_C NOT NULL,
    name          TEXT_C NOT NULL,
    -- Pinyin initials of the name, lower case ("zzx" for 张中喜).
    initials      TEXT_C NOT NULL DEFAULT '',
    id_hash       TEXT NOT NULL,
    id_sealed     TEXT NOT NULL,
    mobile_hash   TEXT,
    mobile_sealed TEXT NOT NULL DEFAULT '',
    gender        TEXT NOT NULL,
    birth_date    TEXT NOT NULL,
    employer_id   BIGINT REFERENCES employers(id),
    employer_name TEXT NOT NULL DEFAULT '',
    job           TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL,
    -- Tags as bits (see internal/member/tags.go).
    tags          INTEGER NOT NULL DEFAULT 0,
    joined_on     TEXT NOT NULL,
    status_on     TEXT NOT NULL DEFAULT '',
    source        TEXT NOT NULL,
    -- The member card's serial: reissuing a card bumps it, so older cards
    -- verify as revoked.
    card_serial   INTEGER NOT NULL DEFAULT 1,
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
CREATE UNIQUE INDEX members_id_hash ON members (id_hash);
CREATE UNIQUE INDEX members_mobile_hash ON members (mobile_hash);
CREATE INDEX members_path ON members (org_path, id);
CREATE INDEX members_name ON members (name, id);
CREATE INDEX members_initials ON members (initials, id);

-- Character bigrams of every member's name. Most Chinese names have two or
-- three characters, which trigram indexes cannot find; a name of n
-- characters has n-1 bigrams here, and any substring of two or more
-- characters contains one of them. The member's union path rides along
-- (kept by internal/org on moves, by transfers), so a search within a
-- subtree is one range of the primary key, already in listing order.
CREATE TABLE member_grams (
    gram      TEXT_C NOT NULL,
    org_path  TEXT_C NOT NULL,
    member_id BIGINT NOT NULL REFERENCES members(id),
    PRIMARY KEY (gram, org_path, member_id)
);
CREATE INDEX member_grams_member ON member_grams (member_id);

-- One row per tag a member carries, with the union path, so that filtering
-- a subtree by a tag (劳模, 困难职工...) is one range of the primary key in
-- listing order rather than a scan of every member for a rare bit.
CREATE TABLE member_tags (
    tag       TEXT_C NOT NULL,
    org_path  TEXT_C NOT NULL,
    member_id BIGINT NOT NULL REFERENCES members(id),
    PRIMARY KEY (tag, org_path, member_id)
);
CREATE INDEX member_tags_member ON member_tags (member_id);

-- What happened to a membership: joined, transferred, status changes,
-- edits. org_path is where it happened, for statistics over a subtree.
CREATE TABLE member_events (
    id           ID_PK,
    member_id    BIGINT NOT NULL REFERENCES members(id),
    at           BIGINT NOT NULL,
    on_date      TEXT NOT NULL,
    kind         TEXT NOT NULL,
    org_id       BIGINT NOT NULL REFERENCES orgs(id),
    org_path     TEXT_C NOT NULL,
    other_org_id BIGINT REFERENCES orgs(id),
    actor        TEXT NOT NULL DEFAULT '',
    detail       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX member_events_member ON member_events (member_id, id);
CREATE INDEX member_events_path ON member_events (org_path, on_date);

-- Applications to join (指尖入会 through a union's link or QR code).
CREATE TABLE join_applications (
    id            ID_PK,
    org_id        BIGINT NOT NULL REFERENCES orgs(id),
    org_path      TEXT_C NOT NULL,
    name          TEXT NOT NULL,
    id_hash       TEXT NOT NULL,
    id_sealed     TEXT NOT NULL,
    mobile_hash   TEXT NOT NULL,
    mobile_sealed TEXT NOT NULL,
    gender        TEXT NOT NULL,
    birth_date    TEXT NOT NULL,
    employer_id   BIGINT REFERENCES employers(id),
    employer_name TEXT NOT NULL DEFAULT '',
    job           TEXT NOT NULL DEFAULT '',
    tags          INTEGER NOT NULL DEFAULT 0,
    status        TEXT NOT NULL,
    reason        TEXT NOT NULL DEFAULT '',
    member_id     BIGINT REFERENCES members(id),
    transfer_id   BIGINT,
    consent       TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    decided_at    BIGINT NOT NULL DEFAULT 0,
    decided_by    TEXT NOT NULL DEFAULT ''
);
-- One open application per person at a time.
CREATE UNIQUE INDEX join_applications_pending ON join_applications (id_hash) WHERE status = 'pending';
CREATE INDEX join_applications_path ON join_applications (org_path, status, id);
CREATE INDEX join_applications_mobile ON join_applications (mobile_hash, id);

-- Membership transfers (会籍接转): the source union releases, the target
-- union accepts; the member row moves at acceptance.
CREATE TABLE transfers (
    id           ID_PK,
    member_id    BIGINT NOT NULL REFERENCES members(id),
    from_org_id  BIGINT NOT NULL REFERENCES orgs(id),
    from_path    TEXT_C NOT NULL,
    to_org_id    BIGINT NOT NULL REFERENCES orgs(id),
    to_path      TEXT_C NOT NULL,
    status       TEXT NOT NULL,
    reason       TEXT NOT NULL DEFAULT '',
    note         TEXT NOT NULL DEFAULT '',
    requested_by TEXT NOT NULL,
    requested_at BIGINT NOT NULL,
    released_by  TEXT NOT NULL DEFAULT '',
    released_at  BIGINT NOT NULL DEFAULT 0,
    decided_by   TEXT NOT NULL DEFAULT '',
    decided_at   BIGINT NOT NULL DEFAULT 0
);
-- At most one open transfer per member.
CREATE UNIQUE INDEX transfers_open ON transfers (member_id) WHERE status IN ('requested', 'released');
CREATE INDEX transfers_from ON transfers (from_path, id);
CREATE INDEX transfers_to ON transfers (to_path, id);
CREATE INDEX transfers_member ON transfers (member_id, id);

-- Uploaded files waiting for an import job (kept in the database so that
-- any server process can run the job or show its result).
CREATE TABLE uploads (
    id         ID_PK,
    user_id    BIGINT NOT NULL REFERENCES users(id),
    name       TEXT NOT NULL,
    size       BIGINT NOT NULL,
    sha256     TEXT NOT NULL,
    data       BLOB NOT NULL,
    created_at BIGINT NOT NULL
);

-- Long jobs (imports) with their progress, readable from any process.
CREATE TABLE jobs (
    id          ID_PK,
    kind        TEXT NOT NULL,
    user_id     BIGINT NOT NULL REFERENCES users(id),
    org_id      BIGINT NOT NULL REFERENCES orgs(id),
    upload_id   BIGINT REFERENCES uploads(id),
    params      TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL,
    done        BIGINT NOT NULL DEFAULT 0,
    total       BIGINT NOT NULL DEFAULT 0,
    result      TEXT NOT NULL DEFAULT '',
    error       TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX jobs_user ON jobs (user_id, id);
