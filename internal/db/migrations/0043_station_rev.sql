-- compat: keeps
-- A counter every change to a station's place, type, amenities, hours or
-- status raises, in the change's transaction: each server process keeps
-- the active stations' positions in memory for the nearest-first search
-- and reloads them when the counter moved, so that a station added or
-- closed by one process is found or gone in the next search on any other.
CREATE TABLE station_rev (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  BIGINT NOT NULL
);
INSERT INTO station_rev (id, n) VALUES (1, 0);
