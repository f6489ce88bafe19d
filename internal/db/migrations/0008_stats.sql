-- compat: keeps
-- Figures of every organisation's subtree, kept as rollups: one row per
-- organisation, figure and month ('' for a level such as members by status,
-- 'YYYY-MM' for a flow such as joinings). Writes never touch them: they
-- append to stat_log in their own transaction, and a background folder
-- (any server process) adds the log to the rollups of the organisation and
-- every one above it, so no write waits on the city root's row.
CREATE TABLE stat_log (
    id       ID_PK,
    org_path TEXT_C NOT NULL,
    metric   TEXT NOT NULL,
    month    TEXT NOT NULL,
    delta    BIGINT NOT NULL
);

CREATE TABLE stat_rollups (
    org_id BIGINT NOT NULL,
    metric TEXT NOT NULL,
    month  TEXT NOT NULL,
    value  BIGINT NOT NULL,
    PRIMARY KEY (org_id, metric, month)
);

-- One row: folding and moving a subtree's figures take turns on it.
CREATE TABLE stat_state (
    id         INTEGER PRIMARY KEY,
    folded_at  BIGINT NOT NULL,
    rebuilt_at BIGINT NOT NULL
);
INSERT INTO stat_state (id, folded_at, rebuilt_at) VALUES (1, 0, 0);
