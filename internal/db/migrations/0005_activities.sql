-- compat: keeps
-- Activities: published by an organisation to a subtree (and optionally only
-- to members with some tags), signed up for, checked in at checkpoints.
CREATE TABLE activities (
    id              ID_PK,
    org_id          BIGINT NOT NULL REFERENCES orgs(id),
    -- Copies of the publisher's and the audience's paths (kept by
    -- internal/org on moves): staff listings are a range of org_path, a
    -- member's listing is an IN over the ancestors of their union.
    org_path        TEXT_C NOT NULL,
    audience_org_id BIGINT NOT NULL REFERENCES orgs(id),
    audience_path   TEXT_C NOT NULL,
    -- Only members with at least one of these tag bits (0: everyone).
    audience_tags   INTEGER NOT NULL DEFAULT 0,
    title           TEXT NOT NULL,
    kind            TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    organiser       TEXT NOT NULL DEFAULT '',
    venue           TEXT NOT NULL DEFAULT '',
    address         TEXT NOT NULL DEFAULT '',
    lat             DOUBLE PRECISION,
    lng             DOUBLE PRECISION,
    starts_at       BIGINT NOT NULL,
    ends_at         BIGINT NOT NULL,
    reg_opens_at    BIGINT NOT NULL,
    reg_closes_at   BIGINT NOT NULL,
    cancel_before   BIGINT NOT NULL,
    -- 0: no limit.
    capacity        INTEGER NOT NULL DEFAULT 0,
    waitlist        INTEGER NOT NULL DEFAULT 0,
    approval        INTEGER NOT NULL DEFAULT 0,
    walk_ins        INTEGER NOT NULL DEFAULT 0,
    -- Stamps that earn the prize (0: no stamp card).
    stamps_required INTEGER NOT NULL DEFAULT 0,
    prize           TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL,
    cancel_reason   TEXT NOT NULL DEFAULT '',
    -- Counters kept in the sign-up transaction, under the row's lock: the
    -- capacity check reads them, so they are exact, never estimated.
    confirmed       INTEGER NOT NULL DEFAULT 0,
    waiting         INTEGER NOT NULL DEFAULT 0,
    pending         INTEGER NOT NULL DEFAULT 0,
    -- Last registration sequence number: the order of the waiting list.
    reg_seq         BIGINT NOT NULL DEFAULT 0,
    report          TEXT NOT NULL DEFAULT '',
    created_by      BIGINT,
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX activities_org ON activities (org_path, starts_at, id);
CREATE INDEX activities_audience ON activities (audience_path, status, starts_at, id);

CREATE TABLE activity_checkpoints (
    id             ID_PK,
    activity_id    BIGINT NOT NULL REFERENCES activities(id),
    position       INTEGER NOT NULL,
    name           TEXT NOT NULL,
    -- 0: the code never changes; otherwise it changes every so many
    -- seconds and a code older than one period is refused.
    rotate_seconds INTEGER NOT NULL DEFAULT 0,
    -- HMAC key signing the checkpoint's codes.
    secret         BLOB NOT NULL
);
CREATE INDEX activity_checkpoints_activity ON activity_checkpoints (activity_id, position);

CREATE TABLE registrations (
    activity_id     BIGINT NOT NULL REFERENCES activities(id),
    member_id       BIGINT NOT NULL REFERENCES members(id),
    -- The member's union when they signed up (kept on moves): attendance
    -- is counted per organisation up the tree from it.
    member_org_path TEXT_C NOT NULL,
    status          TEXT NOT NULL,
    seq             BIGINT NOT NULL,
    via             TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    PRIMARY KEY (activity_id, member_id)
);
CREATE INDEX registrations_queue ON registrations (activity_id, status, seq);
CREATE INDEX registrations_member ON registrations (member_id, created_at);
CREATE INDEX registrations_org ON registrations (member_org_path);

CREATE TABLE checkins (
    checkpoint_id   BIGINT NOT NULL REFERENCES activity_checkpoints(id),
    member_id       BIGINT NOT NULL REFERENCES members(id),
    activity_id     BIGINT NOT NULL REFERENCES activities(id),
    member_org_path TEXT_C NOT NULL,
    at              BIGINT NOT NULL,
    -- 'code' (the member scanned the checkpoint), 'card' (staff scanned the
    -- member's card) or 'staff' (ticked on the list).
    via             TEXT NOT NULL,
    by_user         BIGINT,
    PRIMARY KEY (checkpoint_id, member_id)
);
CREATE INDEX checkins_activity ON checkins (activity_id, member_id);
CREATE INDEX checkins_member ON checkins (member_id, at);
CREATE INDEX checkins_org ON checkins (member_org_path);

CREATE TABLE prize_redemptions (
    activity_id BIGINT NOT NULL REFERENCES activities(id),
    member_id   BIGINT NOT NULL REFERENCES members(id),
    at          BIGINT NOT NULL,
    by_user     BIGINT,
    PRIMARY KEY (activity_id, member_id)
);

-- What members are told (promoted from the waiting list, activity
-- cancelled, registration approved...), shown in their portal.
CREATE TABLE member_notices (
    id          ID_PK,
    member_id   BIGINT NOT NULL REFERENCES members(id),
    kind        TEXT NOT NULL,
    activity_id BIGINT REFERENCES activities(id),
    created_at  BIGINT NOT NULL,
    read_at     BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX member_notices_member ON member_notices (member_id, id);

-- Photos of an activity (the report is a column of activities).
CREATE TABLE activity_photos (
    id           ID_PK,
    activity_id  BIGINT NOT NULL REFERENCES activities(id),
    content_type TEXT NOT NULL,
    data         BLOB NOT NULL,
    caption      TEXT NOT NULL DEFAULT '',
    created_by   BIGINT,
    created_at   BIGINT NOT NULL
);
CREATE INDEX activity_photos_activity ON activity_photos (activity_id, id);
