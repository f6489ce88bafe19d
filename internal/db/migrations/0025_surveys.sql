-- compat: keeps
-- Surveys (internal/survey): published by an organisation to a subtree
-- (optionally only members with some tags), named or anonymous, one
-- response per member.
CREATE TABLE surveys (
    id              ID_PK,
    org_id          BIGINT NOT NULL REFERENCES orgs(id),
    -- Copies of the publisher's and the audience's paths (kept by
    -- internal/org on moves), as activities keep them.
    org_path        TEXT_C NOT NULL,
    audience_org_id BIGINT NOT NULL REFERENCES orgs(id),
    audience_path   TEXT_C NOT NULL,
    audience_tags   INTEGER NOT NULL DEFAULT 0,
    title           TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    -- Anonymous: no row links a response to a member (see below).
    anonymous       INTEGER NOT NULL DEFAULT 0,
    opens_at        BIGINT NOT NULL,
    closes_at       BIGINT NOT NULL,
    -- The questions with their skip rules: a JSON list of survey.Question.
    questions       TEXT NOT NULL DEFAULT '[]',
    status          TEXT NOT NULL,
    responses       INTEGER NOT NULL DEFAULT 0,
    version         INTEGER NOT NULL DEFAULT 1,
    created_by      BIGINT,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX surveys_path ON surveys (org_path, id);
CREATE INDEX surveys_audience ON surveys (audience_path, status);

-- Who has responded: the primary key is what holds "one response per
-- member" across every server process. response_id links a named
-- survey's response to its member; in an anonymous survey it is NULL and
-- the row carries nothing to join on (no time, no shared ID): it only
-- stops a second response and counts who answered per organisation.
CREATE TABLE survey_takers (
    survey_id       BIGINT NOT NULL REFERENCES surveys(id),
    member_id       BIGINT NOT NULL REFERENCES members(id),
    member_org_path TEXT_C NOT NULL,
    response_id     BIGINT,
    PRIMARY KEY (survey_id, member_id)
) WITHOUT_ROWID;
CREATE INDEX survey_takers_path ON survey_takers (survey_id, member_org_path);
CREATE INDEX survey_takers_response ON survey_takers (response_id);

-- Responses carry no member: the responder's union (for results by
-- organisation, withheld below five responses in anonymous surveys) and
-- the month (for the figures). IDs of anonymous responses are random, so
-- their order tells nothing of who answered when.
CREATE TABLE survey_responses (
    id        ID_PK,
    survey_id BIGINT NOT NULL REFERENCES surveys(id),
    org_path  TEXT_C NOT NULL,
    month     TEXT NOT NULL
);
CREATE INDEX survey_responses_path ON survey_responses (survey_id, org_path);

-- One row per answer: a choice question one per option picked (choice -1
-- with text: "other, please specify"), a rating or number its value in
-- num (numbers times 100), a text question its text.
CREATE TABLE survey_answers (
    response_id BIGINT NOT NULL REFERENCES survey_responses(id),
    survey_id   BIGINT NOT NULL,
    question    INTEGER NOT NULL,
    seq         INTEGER NOT NULL,
    choice      INTEGER NOT NULL DEFAULT -1,
    num         BIGINT,
    text        TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (response_id, question, seq)
);
CREATE INDEX survey_answers_question ON survey_answers (survey_id, question, choice);
