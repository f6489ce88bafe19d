-- compat: keeps
-- Rights cases (法律服务与维权, internal/rights): legal consultation, legal
-- aid, labour-dispute mediation and complaints, taken in from the 12351
-- hotline, a member's phone or a walk-in, handled by a union's staff
-- lawyer or mediator, transferred up or down the tree, closed with an
-- outcome and rated by the worker who filed it.
CREATE TABLE cases (
    id            ID_PK,
    -- The handling union now (a transfer moves it) and a copy of its
    -- path, kept by internal/org on moves as the other modules' copies are.
    org_id        BIGINT NOT NULL REFERENCES orgs(id),
    org_path      TEXT_C NOT NULL,
    kind          TEXT NOT NULL,
    channel       TEXT NOT NULL,
    title         TEXT NOT NULL,
    facts         TEXT NOT NULL,
    -- The member who filed it from their phone (NULL: taken in by staff);
    -- they follow it and rate it.
    member_id     BIGINT REFERENCES members(id),
    workers       INTEGER NOT NULL,
    employer_name TEXT NOT NULL DEFAULT '',
    credit_code   TEXT NOT NULL DEFAULT '',
    -- The registry's employer with that credit code, when there is one.
    employer_id   BIGINT REFERENCES employers(id),
    claimed_fen   BIGINT NOT NULL DEFAULT 0,
    recovered_fen BIGINT NOT NULL DEFAULT 0,
    status        TEXT NOT NULL,
    outcome       TEXT NOT NULL DEFAULT '',
    handler_id    BIGINT REFERENCES users(id),
    handler_name  TEXT NOT NULL DEFAULT '',
    received_at   BIGINT NOT NULL,
    accepted_at   BIGINT NOT NULL DEFAULT 0,
    -- The deadline of the case's present stage: acceptance while it
    -- waits, the kind's deadline while it is handled (internal/rights,
    -- deadline.go); due_known 0 when it was counted into a year whose
    -- holidays are not announced yet (shown as provisional).
    due_at        BIGINT NOT NULL,
    due_known     INTEGER NOT NULL DEFAULT 1,
    -- From when the handler is reminded of the deadline.
    remind_at     BIGINT NOT NULL,
    extended      INTEGER NOT NULL DEFAULT 0,
    closed_at     BIGINT NOT NULL DEFAULT 0,
    on_time       INTEGER NOT NULL DEFAULT 0,
    rating        TEXT NOT NULL DEFAULT '',
    version       INTEGER NOT NULL DEFAULT 1,
    updated_at    BIGINT NOT NULL
);
-- The staff list of a subtree filtered by status, and overdue (due_at
-- before now): one range per status over the subtree's paths, the
-- deadline and the list's order read from the index itself.
CREATE INDEX cases_status ON cases (status, org_path, due_at, received_at, id);
-- The list of a subtree without a status filter, newest first.
CREATE INDEX cases_path ON cases (org_path, received_at, id);
-- A member's own cases.
CREATE INDEX cases_member ON cases (member_id, id);
-- A handler's cases and their reminders.
CREATE INDEX cases_handler ON cases (handler_id, status, remind_at);

-- The workers of a case: one for an individual, forty for forty couriers.
-- A member links to the registry (member_id); anyone else, a hotline
-- caller, is recorded here, sealed with pii and found by keyed hashes.
CREATE TABLE case_workers (
    id            ID_PK,
    case_id       BIGINT NOT NULL REFERENCES cases(id),
    position      INTEGER NOT NULL,
    member_id     BIGINT REFERENCES members(id),
    name_sealed   TEXT NOT NULL DEFAULT '',
    name_hash     TEXT NOT NULL DEFAULT '',
    id_sealed     TEXT NOT NULL DEFAULT '',
    id_hash       TEXT NOT NULL DEFAULT '',
    mobile_sealed TEXT NOT NULL DEFAULT '',
    mobile_hash   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX case_workers_case ON case_workers (case_id, position);
CREATE INDEX case_workers_member ON case_workers (member_id, case_id);
CREATE INDEX case_workers_name ON case_workers (name_hash);
CREATE INDEX case_workers_id ON case_workers (id_hash);
CREATE INDEX case_workers_mobile ON case_workers (mobile_hash);

-- What the workers claim (wage arrears and the like), in integer fen.
CREATE TABLE case_claims (
    id         ID_PK,
    case_id    BIGINT NOT NULL REFERENCES cases(id),
    position   INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    amount_fen BIGINT NOT NULL,
    note       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX case_claims_case ON case_claims (case_id, position);

-- The timeline: intake, acceptance, assignments, transfers, extensions,
-- closing, the worker's rating.
CREATE TABLE case_events (
    id         ID_PK,
    case_id    BIGINT NOT NULL REFERENCES cases(id),
    kind       TEXT NOT NULL,
    status     TEXT NOT NULL DEFAULT '',
    body       TEXT NOT NULL DEFAULT '',
    from_org   TEXT NOT NULL DEFAULT '',
    to_org     TEXT NOT NULL DEFAULT '',
    -- Staff who acted (NULL: the worker who filed it).
    user_id    BIGINT,
    user_name  TEXT NOT NULL DEFAULT '',
    org_name   TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE INDEX case_events_case ON case_events (case_id, id);

-- Staff notes. A confidential note's words are sealed (body stays
-- empty): only the handler and their supervisors open it, each read
-- audited.
CREATE TABLE case_notes (
    id           ID_PK,
    case_id      BIGINT NOT NULL REFERENCES cases(id),
    confidential INTEGER NOT NULL DEFAULT 0,
    body         TEXT NOT NULL DEFAULT '',
    sealed       TEXT NOT NULL DEFAULT '',
    user_id      BIGINT NOT NULL,
    user_name    TEXT NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX case_notes_case ON case_notes (case_id, id);

-- Evidence files, sealed with the data key as uploads are.
CREATE TABLE case_files (
    id           ID_PK,
    case_id      BIGINT NOT NULL REFERENCES cases(id),
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    data         BLOB NOT NULL,
    -- 1: the worker sent it from their phone.
    by_worker    INTEGER NOT NULL DEFAULT 0,
    created_at   BIGINT NOT NULL
);
CREATE INDEX case_files_case ON case_files (case_id, id);
