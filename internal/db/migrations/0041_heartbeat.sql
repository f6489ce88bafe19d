-- compat: keeps
-- The primary's heartbeat, by which a process with a read replica measures
-- how far the replica lags (internal/db/replica.go): such a process moves
-- beat_at (the primary's clock, Unix milliseconds) about once a second, and
-- the replica's copy is as old as the replica is behind. An idle primary
-- still beats, so it never looks lagged.
CREATE TABLE db_heartbeat (
    id      INTEGER PRIMARY KEY,
    beat_at BIGINT NOT NULL
);
INSERT INTO db_heartbeat (id, beat_at) VALUES (1, 0);
