-- compat: keeps
-- Knowledge contests and quizzes (internal/contest): published by an
-- organisation to a subtree, papers drawn from question banks, timed
-- attempts graded on the server, one result per taker for the boards.
CREATE TABLE contests (
    id                ID_PK,
    org_id            BIGINT NOT NULL REFERENCES orgs(id),
    -- Copies of the publisher's and the audience's paths (kept by
    -- internal/org on moves), as activities keep them.
    org_path          TEXT_C NOT NULL,
    audience_org_id   BIGINT NOT NULL REFERENCES orgs(id),
    audience_path     TEXT_C NOT NULL,
    audience_tags     INTEGER NOT NULL DEFAULT 0,
    title             TEXT NOT NULL,
    description       TEXT NOT NULL DEFAULT '',
    -- Practice: instant feedback with explanations, not ranked.
    practice          INTEGER NOT NULL DEFAULT 0,
    opens_at          BIGINT NOT NULL,
    closes_at         BIGINT NOT NULL,
    -- Seconds a taker has from opening the paper (0: until closing).
    time_limit        INTEGER NOT NULL DEFAULT 0,
    attempts          INTEGER NOT NULL DEFAULT 1,
    -- Which attempt counts when several are allowed: best or last.
    counting          TEXT NOT NULL DEFAULT 'best',
    pass_mark         INTEGER NOT NULL DEFAULT 0,
    max_score         INTEGER NOT NULL DEFAULT 0,
    shuffle_questions INTEGER NOT NULL DEFAULT 0,
    shuffle_options   INTEGER NOT NULL DEFAULT 0,
    partial_credit    INTEGER NOT NULL DEFAULT 0,
    show_corrections  INTEGER NOT NULL DEFAULT 0,
    -- The paper's rules: a JSON list of sections (contest.Section).
    sections          TEXT NOT NULL DEFAULT '[]',
    status            TEXT NOT NULL,
    version           INTEGER NOT NULL DEFAULT 1,
    created_by        BIGINT,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL
);
CREATE INDEX contests_path ON contests (org_path, id);
CREATE INDEX contests_audience ON contests (audience_path, status);

CREATE TABLE attempts (
    id              ID_PK,
    contest_id      BIGINT NOT NULL REFERENCES contests(id),
    member_id       BIGINT NOT NULL REFERENCES members(id),
    member_org_path TEXT_C NOT NULL,
    -- 1 for the first attempt: the unique key below is what holds "one
    -- attempt per member" across every server process.
    number          INTEGER NOT NULL,
    status          TEXT NOT NULL,
    started_at      BIGINT NOT NULL,
    -- The server's deadline (0: none); answers after it are refused.
    deadline_at     BIGINT NOT NULL DEFAULT 0,
    submitted_at    BIGINT NOT NULL DEFAULT 0,
    score           INTEGER NOT NULL DEFAULT 0,
    max_score       INTEGER NOT NULL DEFAULT 0,
    passed          INTEGER NOT NULL DEFAULT 0,
    -- Short answers waiting for staff to grade.
    pending         INTEGER NOT NULL DEFAULT 0,
    -- Times the taker switched away from the page (recorded, not blocked).
    switches        INTEGER NOT NULL DEFAULT 0,
    -- The drawn paper as the taker sees it, with its key: a JSON
    -- contest.Paper; it never changes once drawn.
    paper           TEXT NOT NULL
);
CREATE UNIQUE INDEX attempts_member ON attempts (contest_id, member_id, number);
CREATE INDEX attempts_status ON attempts (status, deadline_at);

-- A taker's answers as they go, one row per question of the paper.
CREATE TABLE attempt_answers (
    attempt_id BIGINT NOT NULL REFERENCES attempts(id),
    position   INTEGER NOT NULL,
    answer     TEXT NOT NULL,
    saved_at   BIGINT NOT NULL,
    PRIMARY KEY (attempt_id, position)
) WITHOUT_ROWID;

-- One row per taker: the attempt that counts, for boards and ranks.
CREATE TABLE contest_results (
    contest_id      BIGINT NOT NULL REFERENCES contests(id),
    member_id       BIGINT NOT NULL REFERENCES members(id),
    member_org_path TEXT_C NOT NULL,
    attempt_id      BIGINT NOT NULL,
    score           INTEGER NOT NULL,
    duration_ms     BIGINT NOT NULL,
    passed          INTEGER NOT NULL DEFAULT 0,
    attempts        INTEGER NOT NULL DEFAULT 1,
    submitted_at    BIGINT NOT NULL,
    -- The taker's first submission: the month the figures count them in.
    first_at        BIGINT NOT NULL,
    PRIMARY KEY (contest_id, member_id)
);
-- The board: highest score first, then the quickest.
CREATE INDEX contest_results_board ON contest_results (contest_id, score DESC, duration_ms, member_id);
CREATE INDEX contest_results_path ON contest_results (contest_id, member_org_path);

-- Points staff gave short answers, one grading per question of an attempt.
CREATE TABLE short_grades (
    attempt_id BIGINT NOT NULL REFERENCES attempts(id),
    position   INTEGER NOT NULL,
    points     INTEGER NOT NULL,
    graded_by  BIGINT,
    graded_at  BIGINT NOT NULL,
    PRIMARY KEY (attempt_id, position)
);
CREATE INDEX attempts_pending ON attempts (contest_id, pending);
