-- compat: keeps
-- The workers' congress (职代会) and open affairs (厂务公开), internal/congress.
-- Every table is scoped through the owning union (org_id, joined to orgs for
-- its path at read time): congress rows are few per union, so no path copy
-- is kept and a move of the tree needs nothing here.

-- A session (第N届第M次会议) of an employer's congress, owned by the
-- employer's union.
CREATE TABLE congress_sessions (
    id             ID_PK,
    org_id         BIGINT NOT NULL REFERENCES orgs(id),
    employer_id    BIGINT NOT NULL REFERENCES employers(id),
    term           INTEGER NOT NULL,
    meeting        INTEGER NOT NULL,
    held_on        TEXT NOT NULL,
    place          TEXT NOT NULL DEFAULT '',
    -- planned, held or closed.
    status         TEXT NOT NULL,
    -- How many other delegates must second a motion before it is reviewed.
    seconds_needed INTEGER NOT NULL,
    version        INTEGER NOT NULL DEFAULT 1,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);
CREATE UNIQUE INDEX congress_sessions_number ON congress_sessions (employer_id, term, meeting);
CREATE INDEX congress_sessions_org ON congress_sessions (org_id, held_on);
CREATE INDEX congress_sessions_status ON congress_sessions (status, held_on);

-- A session's delegates: members of the employer's union, with their
-- category and gender as elected, and whether they attended. Attendance is
-- a column here rather than the sign-up part: delegates are elected, not
-- signed up, and have no seats or waiting list.
CREATE TABLE congress_delegates (
    session_id BIGINT NOT NULL REFERENCES congress_sessions(id),
    member_id  BIGINT NOT NULL REFERENCES members(id),
    -- frontline, technician, manager or leader.
    category   TEXT NOT NULL,
    -- male or female, as entered at the election.
    gender     TEXT NOT NULL,
    elected_on TEXT NOT NULL,
    present    INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (session_id, member_id)
);
CREATE INDEX congress_delegates_member ON congress_delegates (member_id);

-- A session's agenda, ordered, with the vote on an item when there was one.
CREATE TABLE congress_agenda (
    id            ID_PK,
    session_id    BIGINT NOT NULL REFERENCES congress_sessions(id),
    position      INTEGER NOT NULL,
    title         TEXT NOT NULL,
    note          TEXT NOT NULL DEFAULT '',
    -- '' (no vote), count (counts entered) or named (one ballot per delegate).
    vote_kind     TEXT NOT NULL DEFAULT '',
    votes_for     INTEGER NOT NULL DEFAULT 0,
    votes_against INTEGER NOT NULL DEFAULT 0,
    votes_abstain INTEGER NOT NULL DEFAULT 0,
    -- How many delegates the session had when the vote was recorded: what
    -- "more than half" is measured against.
    delegates     INTEGER NOT NULL DEFAULT 0,
    voted_at      BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX congress_agenda_position ON congress_agenda (session_id, position);

-- A named vote's ballots: one per delegate and item.
CREATE TABLE congress_ballots (
    agenda_id BIGINT NOT NULL REFERENCES congress_agenda(id),
    member_id BIGINT NOT NULL REFERENCES members(id),
    choice    TEXT NOT NULL,
    PRIMARY KEY (agenda_id, member_id)
);

-- Motions (提案) a delegate files, seconded, reviewed, assigned, answered
-- and rated.
CREATE TABLE congress_motions (
    id              ID_PK,
    session_id      BIGINT NOT NULL REFERENCES congress_sessions(id),
    member_id       BIGINT NOT NULL REFERENCES members(id),
    title           TEXT NOT NULL,
    reason          TEXT NOT NULL,
    proposal        TEXT NOT NULL,
    status          TEXT NOT NULL,
    seconds         INTEGER NOT NULL DEFAULT 0,
    -- Staff who entered it on the delegate's behalf (NULL: the delegate).
    entered_by      BIGINT,
    entered_by_name TEXT NOT NULL DEFAULT '',
    review_note     TEXT NOT NULL DEFAULT '',
    handler         TEXT NOT NULL DEFAULT '',
    due_on          TEXT NOT NULL DEFAULT '',
    answer          TEXT NOT NULL DEFAULT '',
    first_answer    TEXT NOT NULL DEFAULT '',
    answers         INTEGER NOT NULL DEFAULT 0,
    -- The delegate's rating of the latest answer ('' none yet), and of the
    -- first one when it was answered again.
    rating          TEXT NOT NULL DEFAULT '',
    first_rating    TEXT NOT NULL DEFAULT '',
    submitted_at    BIGINT NOT NULL,
    reviewed_at     BIGINT NOT NULL DEFAULT 0,
    answered_at     BIGINT NOT NULL DEFAULT 0,
    version         INTEGER NOT NULL DEFAULT 1,
    updated_at      BIGINT NOT NULL
);
-- The inbox and the lists: by status (and due date for the overdue kind).
CREATE INDEX congress_motions_status ON congress_motions (status, due_on);
CREATE INDEX congress_motions_session ON congress_motions (session_id, id);
CREATE INDEX congress_motions_member ON congress_motions (member_id, id);

-- Who seconded a motion: one row per delegate and motion, whatever the
-- number of requests or processes.
CREATE TABLE congress_seconds (
    motion_id  BIGINT NOT NULL REFERENCES congress_motions(id),
    member_id  BIGINT NOT NULL REFERENCES members(id),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (motion_id, member_id)
);
CREATE INDEX congress_seconds_member ON congress_seconds (member_id);

-- Open affairs (厂务公开): items staff publish to an employer's members.
CREATE TABLE congress_affairs (
    id           ID_PK,
    org_id       BIGINT NOT NULL REFERENCES orgs(id),
    employer_id  BIGINT NOT NULL REFERENCES employers(id),
    category     TEXT NOT NULL,
    title        TEXT NOT NULL,
    body         TEXT NOT NULL,
    -- published or withdrawn.
    status       TEXT NOT NULL,
    published_at BIGINT NOT NULL,
    created_by   BIGINT,
    updated_at   BIGINT NOT NULL
);
CREATE INDEX congress_affairs_org ON congress_affairs (org_id, published_at);
CREATE INDEX congress_affairs_employer ON congress_affairs (employer_id, status, published_at);

-- Who read an item: one row per member, so the read count counts people.
CREATE TABLE congress_affair_reads (
    affair_id BIGINT NOT NULL REFERENCES congress_affairs(id),
    member_id BIGINT NOT NULL REFERENCES members(id),
    read_at   BIGINT NOT NULL,
    PRIMARY KEY (affair_id, member_id)
);
