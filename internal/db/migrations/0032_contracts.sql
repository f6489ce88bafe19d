-- compat: keeps
-- Collective contracts (集体合同, internal/contract): negotiated by a union
-- (org_id), covering one employer or many (regional 区域性, industry
-- 行业性), submitted to the labour authority and in force once 15 days
-- pass without objection, until their term ends or a renewal takes over.
--
-- Days are Beijing days as 'YYYY-MM-DD' text: they compare as strings on
-- both engines, and whether a contract is in force on a day is a range
-- test of them (see internal/contract/status.go). The contract's scope is
-- its union's current path, joined from orgs: no copy to keep on moves.
CREATE TABLE contracts (
    id            ID_PK,
    org_id        BIGINT NOT NULL REFERENCES orgs(id),
    title         TEXT NOT NULL,
    kind          TEXT NOT NULL,
    coverage      TEXT NOT NULL,
    union_rep     TEXT NOT NULL,
    employer_rep  TEXT NOT NULL,
    signed_on     TEXT_C NOT NULL,
    starts_on     TEXT_C NOT NULL,
    ends_on       TEXT_C NOT NULL,
    -- Workers covered: the sum of the covered employers' figures.
    workers       INTEGER NOT NULL DEFAULT 0,
    -- Wage terms: the increase in hundredths of a percent (350 = 3.50%),
    -- and a minimum wage in fen; 0 when the contract sets none.
    wage_increase INTEGER NOT NULL DEFAULT 0,
    min_wage      BIGINT NOT NULL DEFAULT 0,
    notes         TEXT NOT NULL DEFAULT '',
    -- draft or submitted; what a submitted one is on a day follows from
    -- the days below.
    state         TEXT NOT NULL,
    submitted_on  TEXT_C NOT NULL DEFAULT '',
    -- The first day in force: the 16th day after submission, or the term's
    -- start when later ('' while a draft).
    effective_on  TEXT_C NOT NULL DEFAULT '',
    -- The first day no longer in force: the day after the term ends, or
    -- the day its renewal takes over when that is earlier.
    lapse_on      TEXT_C NOT NULL DEFAULT '',
    -- The first day of the three months before the term ends: reminders.
    remind_on     TEXT_C NOT NULL,
    remind_at     BIGINT NOT NULL,
    -- The renewal chain: the contract this one renews, and whether this
    -- one's own renewal has been submitted (its reminders then stop).
    previous_id   BIGINT REFERENCES contracts(id),
    renewed       INTEGER NOT NULL DEFAULT 0,
    -- The figures this contract has logged (internal/stats): whether it
    -- counts as in force and as expiring, and the next day they change.
    fig_in_force  INTEGER NOT NULL DEFAULT 0,
    fig_expiring  INTEGER NOT NULL DEFAULT 0,
    fig_next      TEXT_C NOT NULL DEFAULT '',
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
CREATE INDEX contracts_org ON contracts (org_id, state, ends_on);
CREATE INDEX contracts_remind ON contracts (state, remind_on, org_id);
CREATE INDEX contracts_fig_next ON contracts (fig_next);
-- One renewal per contract: two at once cannot both be made.
CREATE UNIQUE INDEX contracts_previous ON contracts (previous_id);

-- The employers a contract covers, each with its workers covered.
CREATE TABLE contract_employers (
    contract_id BIGINT NOT NULL REFERENCES contracts(id),
    employer_id BIGINT NOT NULL REFERENCES employers(id),
    workers     INTEGER NOT NULL,
    PRIMARY KEY (contract_id, employer_id)
) WITHOUT_ROWID;
CREATE INDEX contract_employers_employer ON contract_employers (employer_id, contract_id);

-- Each employer's coverage as its figures last logged it: covered by a
-- contract in force, the most workers any such contract covers there, the
-- owner and union it was counted at, and the next day it may change.
CREATE TABLE contract_cover (
    employer_id BIGINT PRIMARY KEY REFERENCES employers(id),
    covered     INTEGER NOT NULL DEFAULT 0,
    workers     INTEGER NOT NULL DEFAULT 0,
    owner_id    BIGINT NOT NULL DEFAULT 0,
    union_id    BIGINT NOT NULL DEFAULT 0,
    next_on     TEXT_C NOT NULL DEFAULT ''
);
CREATE INDEX contract_cover_next ON contract_cover (next_on);

-- A contract's history: created, edited, submitted, objected, renewed,
-- the text uploaded.
CREATE TABLE contract_events (
    id          ID_PK,
    contract_id BIGINT NOT NULL REFERENCES contracts(id),
    kind        TEXT NOT NULL,
    -- The day it names (a submission's, an objection's), or ''.
    day         TEXT_C NOT NULL DEFAULT '',
    body        TEXT NOT NULL DEFAULT '',
    user_id     BIGINT,
    user_name   TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL
);
CREATE INDEX contract_events_contract ON contract_events (contract_id, id);

-- The contract's text (PDF or Word), sealed with the data key (pii) as
-- uploads are; a new upload replaces the old one.
CREATE TABLE contract_files (
    id           ID_PK,
    contract_id  BIGINT NOT NULL REFERENCES contracts(id),
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    data         BLOB NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX contract_files_contract ON contract_files (contract_id, id);
