-- compat: keeps
-- Courses (太极, 瑜伽, 舞蹈 ...): a course has terms; a term has a weekly
-- schedule of sessions, a capacity and an enrolment window. When more
-- apply than there are places, a lottery with a published seed decides.
CREATE TABLE courses (
    id          ID_PK,
    org_id      BIGINT NOT NULL REFERENCES orgs(id),
    org_path    TEXT_C NOT NULL,
    title       TEXT NOT NULL,
    category    TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_by  BIGINT,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX courses_org ON courses (org_path, id);

CREATE TABLE course_terms (
    id              ID_PK,
    course_id       BIGINT NOT NULL REFERENCES courses(id),
    org_path        TEXT_C NOT NULL,
    audience_org_id BIGINT NOT NULL REFERENCES orgs(id),
    audience_path   TEXT_C NOT NULL,
    audience_tags   INTEGER NOT NULL DEFAULT 0,
    name            TEXT NOT NULL,
    teacher         TEXT NOT NULL DEFAULT '',
    venue           TEXT NOT NULL DEFAULT '',
    address         TEXT NOT NULL DEFAULT '',
    capacity        INTEGER NOT NULL,
    enrol_opens_at  BIGINT NOT NULL,
    enrol_closes_at BIGINT NOT NULL,
    starts_on       TEXT NOT NULL,
    ends_on         TEXT NOT NULL,
    -- The weekly schedule, JSON: [{"weekday": 1, "start": "19:00", "minutes": 90}].
    schedule        TEXT NOT NULL,
    status          TEXT NOT NULL,
    -- The lottery: SHA-256 of the seed is shown from publication, the seed
    -- itself once drawn, so anyone can check it was not chosen afterwards
    -- and re-run the draw.
    seed            TEXT NOT NULL,
    seed_hash       TEXT NOT NULL,
    drawn_at        BIGINT NOT NULL DEFAULT 0,
    applied         INTEGER NOT NULL DEFAULT 0,
    enrolled        INTEGER NOT NULL DEFAULT 0,
    waiting         INTEGER NOT NULL DEFAULT 0,
    ticket_seq      BIGINT NOT NULL DEFAULT 0,
    -- HMAC key of the sessions' check-in codes.
    secret          BLOB NOT NULL,
    created_by      BIGINT,
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX course_terms_course ON course_terms (course_id, starts_on);
CREATE INDEX course_terms_org ON course_terms (org_path, starts_on);
CREATE INDEX course_terms_audience ON course_terms (audience_path, status, starts_on);

CREATE TABLE course_sessions (
    id        ID_PK,
    term_id   BIGINT NOT NULL REFERENCES course_terms(id),
    starts_at BIGINT NOT NULL,
    ends_at   BIGINT NOT NULL,
    cancelled INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX course_sessions_term ON course_sessions (term_id, starts_at);
CREATE INDEX course_sessions_time ON course_sessions (starts_at);

CREATE TABLE enrolments (
    term_id         BIGINT NOT NULL REFERENCES course_terms(id),
    member_id       BIGINT NOT NULL REFERENCES members(id),
    member_org_path TEXT_C NOT NULL,
    -- applied (before the draw), enrolled, waiting (in draw order), or
    -- cancelled.
    status          TEXT NOT NULL,
    -- The lottery ticket: the order of application, 1, 2, 3 ...
    ticket          BIGINT NOT NULL,
    -- The place in the draw (1 = drawn first); 0 before the draw.
    draw_rank       BIGINT NOT NULL DEFAULT 0,
    via             TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    PRIMARY KEY (term_id, member_id)
);
CREATE UNIQUE INDEX enrolments_ticket ON enrolments (term_id, ticket);
CREATE INDEX enrolments_queue ON enrolments (term_id, status, draw_rank);
CREATE INDEX enrolments_member ON enrolments (member_id);
CREATE INDEX enrolments_org ON enrolments (member_org_path);

-- The draw as it was made: every ticket with its place. Kept apart from
-- the enrolments, which change afterwards (withdrawals, late additions),
-- so the published record always re-runs to what was drawn.
CREATE TABLE course_draws (
    term_id BIGINT NOT NULL REFERENCES course_terms(id),
    ticket  BIGINT NOT NULL,
    rank    BIGINT NOT NULL,
    drawn   INTEGER NOT NULL,
    PRIMARY KEY (term_id, ticket)
);

CREATE TABLE session_attendance (
    session_id BIGINT NOT NULL REFERENCES course_sessions(id),
    member_id  BIGINT NOT NULL REFERENCES members(id),
    term_id    BIGINT NOT NULL REFERENCES course_terms(id),
    at         BIGINT NOT NULL,
    via        TEXT NOT NULL,
    by_user    BIGINT,
    PRIMARY KEY (session_id, member_id)
);
CREATE INDEX session_attendance_term ON session_attendance (term_id, member_id);

-- Interest groups gather members around a course between terms.
CREATE TABLE interest_groups (
    id          ID_PK,
    course_id   BIGINT NOT NULL REFERENCES courses(id),
    org_path    TEXT_C NOT NULL,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    members     INTEGER NOT NULL DEFAULT 0,
    created_at  BIGINT NOT NULL
);
CREATE INDEX interest_groups_course ON interest_groups (course_id);
CREATE INDEX interest_groups_org ON interest_groups (org_path);

CREATE TABLE interest_group_members (
    group_id  BIGINT NOT NULL REFERENCES interest_groups(id),
    member_id BIGINT NOT NULL REFERENCES members(id),
    joined_at BIGINT NOT NULL,
    PRIMARY KEY (group_id, member_id)
);
CREATE INDEX interest_group_members_member ON interest_group_members (member_id);

-- Course notices go to the same inbox as activity notices.
ALTER TABLE member_notices ADD COLUMN term_id BIGINT REFERENCES course_terms(id);
