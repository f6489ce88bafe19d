-- compat: keeps
-- Teams (代表队) of a contest (internal/contest/team.go): an organisation in
-- the contest's audience enters teams of its members; a team's score is the
-- average (or, as the publisher sets it, the sum) of its members' counting
-- scores, members who have not taken counting 0. A team's organisation path
-- is read from orgs at query time, so moves need no copy kept here.

-- The publisher's rules for a contest's teams (no row: average, no cap).
CREATE TABLE contest_team_rules (
    contest_id  BIGINT PRIMARY KEY REFERENCES contests(id),
    -- Members a team may hold at most (0: no cap).
    max_members INTEGER NOT NULL DEFAULT 0,
    -- How members' scores make the team's: average or sum.
    scoring     TEXT NOT NULL DEFAULT 'average',
    updated_at  BIGINT NOT NULL
);

CREATE TABLE contest_teams (
    id          ID_PK,
    contest_id  BIGINT NOT NULL REFERENCES contests(id),
    org_id      BIGINT NOT NULL REFERENCES orgs(id),
    name        TEXT NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1,
    created_by  BIGINT,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
-- One name per contest.
CREATE UNIQUE INDEX contest_teams_name ON contest_teams (contest_id, name);
CREATE INDEX contest_teams_org ON contest_teams (org_id, contest_id);

CREATE TABLE contest_team_members (
    team_id    BIGINT NOT NULL REFERENCES contest_teams(id),
    -- A copy of the team's contest: the unique key below holds "one team
    -- per member and contest" across every server process.
    contest_id BIGINT NOT NULL REFERENCES contests(id),
    member_id  BIGINT NOT NULL REFERENCES members(id),
    added_at   BIGINT NOT NULL,
    PRIMARY KEY (team_id, member_id)
);
CREATE UNIQUE INDEX contest_team_members_one ON contest_team_members (contest_id, member_id);
