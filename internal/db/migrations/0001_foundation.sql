-- compat: keeps
-- The foundation: settings, the organisation tree, employers, officers,
-- accounts, sessions and the audit log.
-- Types: ID_PK and TEXT_C are replaced per engine by the migration runner
-- (see migrate.go); everything else is portable SQL. Timestamps are Unix
-- milliseconds (BIGINT); calendar dates are 'YYYY-MM-DD' text.

CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- The organisation tree as a materialised path: path is '/<root id>/.../<id>/',
-- so "is X inside Y" is a prefix test, a subtree is one index range scan
-- (path >= P AND path < P'), and counting over a subtree needs no recursion.
-- TEXT_C gives byte order on PostgreSQL, whatever the database's locale.
CREATE TABLE orgs (
    id            ID_PK,
    parent_id     BIGINT REFERENCES orgs(id),
    path          TEXT_C NOT NULL,
    depth         INTEGER NOT NULL,
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL,
    division_code TEXT NOT NULL DEFAULT '',
    address       TEXT NOT NULL DEFAULT '',
    phone         TEXT NOT NULL DEFAULT '',
    founded_on    TEXT NOT NULL DEFAULT '',
    note          TEXT NOT NULL DEFAULT '',
    child_count   INTEGER NOT NULL DEFAULT 0,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
CREATE UNIQUE INDEX orgs_path ON orgs (path);
-- Counting a subtree by kind reads this index alone, one range per kind,
-- already grouped: no table rows, no sort.
CREATE INDEX orgs_kind_path ON orgs (kind, path);
CREATE UNIQUE INDEX orgs_parent_name ON orgs (parent_id, name);
-- One tree, one root (NULL parents would not clash in the index above).
CREATE UNIQUE INDEX orgs_one_root ON orgs (depth) WHERE depth = 0;

CREATE TABLE employers (
    id            ID_PK,
    owner_org_id  BIGINT NOT NULL REFERENCES orgs(id),
    name          TEXT NOT NULL,
    credit_code   TEXT,
    category      TEXT NOT NULL,
    industry      TEXT NOT NULL DEFAULT '',
    is_public     BOOLEAN NOT NULL,
    new_forms     BOOLEAN NOT NULL DEFAULT FALSE,
    employees     INTEGER NOT NULL DEFAULT 0,
    address       TEXT NOT NULL DEFAULT '',
    division_code TEXT NOT NULL DEFAULT '',
    -- Copies of the owner's path and of the organising union's path ('' when
    -- none), kept by internal/org on every change of owner, link and move,
    -- so that the organising rate of any subtree is two index range scans.
    owner_path    TEXT_C NOT NULL DEFAULT '',
    union_path    TEXT_C NOT NULL DEFAULT '',
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
CREATE UNIQUE INDEX employers_credit_code ON employers (credit_code);
CREATE INDEX employers_owner ON employers (owner_org_id);
CREATE INDEX employers_owner_path ON employers (owner_path, union_path);
CREATE INDEX employers_union_path ON employers (union_path, owner_path);

-- Which employers a union organises: one for a single union, several for a
-- joint union. An employer is organised by at most one union.
CREATE TABLE org_employers (
    org_id      BIGINT NOT NULL REFERENCES orgs(id),
    employer_id BIGINT NOT NULL REFERENCES employers(id),
    PRIMARY KEY (org_id, employer_id)
);
CREATE UNIQUE INDEX org_employers_employer ON org_employers (employer_id);

CREATE TABLE officers (
    id         ID_PK,
    org_id     BIGINT NOT NULL REFERENCES orgs(id),
    name       TEXT NOT NULL,
    position   TEXT NOT NULL,
    term_start TEXT NOT NULL,
    term_end   TEXT NOT NULL DEFAULT '',
    note       TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX officers_org ON officers (org_id);

CREATE TABLE users (
    id                   ID_PK,
    username             TEXT NOT NULL,
    name                 TEXT NOT NULL,
    kind                 TEXT NOT NULL,
    org_id               BIGINT NOT NULL REFERENCES orgs(id),
    password_hash        TEXT NOT NULL DEFAULT '',
    password_changed_at  BIGINT NOT NULL DEFAULT 0,
    totp_secret          TEXT NOT NULL DEFAULT '',
    totp_enabled         BOOLEAN NOT NULL DEFAULT FALSE,
    totp_last_step       BIGINT NOT NULL DEFAULT 0,
    failed_logins        INTEGER NOT NULL DEFAULT 0,
    locked_until         BIGINT NOT NULL DEFAULT 0,
    disabled             BOOLEAN NOT NULL DEFAULT FALSE,
    created_at           BIGINT NOT NULL,
    updated_at           BIGINT NOT NULL
);
CREATE UNIQUE INDEX users_username ON users (username);

-- A grant gives a user a role over an organisation and its whole subtree.
CREATE TABLE grants (
    id         ID_PK,
    user_id    BIGINT NOT NULL REFERENCES users(id),
    role       TEXT NOT NULL,
    org_id     BIGINT NOT NULL REFERENCES orgs(id),
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX grants_user_role_org ON grants (user_id, role, org_id);
CREATE INDEX grants_org ON grants (org_id);

-- Server-side sessions and API tokens; only a SHA-256 of the secret is kept.
CREATE TABLE sessions (
    id_hash      TEXT PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users(id),
    kind         TEXT NOT NULL,
    name         TEXT NOT NULL DEFAULT '',
    mfa_pending  BOOLEAN NOT NULL DEFAULT FALSE,
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    ip           TEXT NOT NULL DEFAULT '',
    user_agent   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Append-only, hash-chained audit log. seq is handed out under the lock of
-- the single audit_head row, in the same transaction as the change it records.
CREATE TABLE audit_log (
    seq         BIGINT PRIMARY KEY,
    at          BIGINT NOT NULL,
    actor_id    BIGINT,
    actor_name  TEXT NOT NULL DEFAULT '',
    ip          TEXT NOT NULL DEFAULT '',
    action      TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   TEXT NOT NULL DEFAULT '',
    org_path    TEXT_C NOT NULL DEFAULT '',
    before_json TEXT NOT NULL DEFAULT '',
    after_json  TEXT NOT NULL DEFAULT '',
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE INDEX audit_log_org ON audit_log (org_path, seq);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);

CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY,
    seq  BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '');
