-- compat: keeps
-- Live contests (现场竞赛, internal/contest/live*.go): a host screen shows a
-- contest's questions one at a time, members answer from their phones, the
-- board follows. Everything the host screen shows lives here, so a reload,
-- another browser or another server process resumes where it was.
CREATE TABLE live_sessions (
    id          ID_PK,
    contest_id  BIGINT NOT NULL REFERENCES contests(id),
    -- The short code members type (or scan) to join; unique for ever, so
    -- an old code never lands anyone in a new session.
    code        TEXT NOT NULL,
    -- individual: each member answers for themself; team: a member
    -- answers for their contest team, the team's first answer counting.
    mode        TEXT NOT NULL,
    -- Seconds a question stays open; right answers earn a speed bonus
    -- when speed_bonus is 1 (see live.go).
    seconds     INTEGER NOT NULL,
    speed_bonus INTEGER NOT NULL DEFAULT 0,
    partial     INTEGER NOT NULL DEFAULT 0,
    -- The paper drawn once for the session, with its key: a JSON
    -- contest.Paper; a later edit of a bank changes nothing here.
    paper       TEXT NOT NULL,
    -- lobby, open (closed once the server's clock passes closes_at),
    -- revealed, ended.
    phase       TEXT NOT NULL,
    -- The question shown (0 first); -1 in the lobby.
    position    INTEGER NOT NULL DEFAULT -1,
    opened_at   BIGINT NOT NULL DEFAULT 0,
    closes_at   BIGINT NOT NULL DEFAULT 0,
    -- Moved on by every change of the host's; every process watching the
    -- session polls it (with the answers' count) to push to its screens.
    version     INTEGER NOT NULL DEFAULT 1,
    started_by  BIGINT,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    ended_at    BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX live_sessions_code ON live_sessions (code);
CREATE INDEX live_sessions_contest ON live_sessions (contest_id, created_at);

-- Who answers: a member (individual mode) or a team (team mode), by id.
CREATE TABLE live_participants (
    session_id BIGINT NOT NULL REFERENCES live_sessions(id),
    id         BIGINT NOT NULL,
    name       TEXT NOT NULL,
    joined_at  BIGINT NOT NULL,
    PRIMARY KEY (session_id, id)
);
CREATE INDEX live_participants_joined ON live_participants (session_id, joined_at);

-- The members who joined, and for whom they answer (themself or a team).
CREATE TABLE live_members (
    session_id     BIGINT NOT NULL REFERENCES live_sessions(id),
    member_id      BIGINT NOT NULL REFERENCES members(id),
    participant_id BIGINT NOT NULL,
    joined_at      BIGINT NOT NULL,
    PRIMARY KEY (session_id, member_id)
);

-- One answer per participant and question: the primary key holds it
-- across every server process (a team's first answer counts).
CREATE TABLE live_answers (
    session_id     BIGINT NOT NULL REFERENCES live_sessions(id),
    position       INTEGER NOT NULL,
    participant_id BIGINT NOT NULL,
    member_id      BIGINT NOT NULL,
    -- As the member gave it (choices as shown).
    answer         TEXT NOT NULL,
    -- bank.Credit: 0 wrong, 1 partial, 2 right.
    credit         INTEGER NOT NULL,
    points         INTEGER NOT NULL,
    -- Milliseconds from the question's opening to the answer.
    time_ms        BIGINT NOT NULL,
    answered_at    BIGINT NOT NULL,
    PRIMARY KEY (session_id, position, participant_id)
);
