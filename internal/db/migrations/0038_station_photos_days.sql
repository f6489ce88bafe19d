-- compat: keeps: the backfill writes only the new daily table, which older programs never read (visits an older node records during a rolling upgrade are in station_visits but not in the daily counts)
-- Station photos, uploaded by staff who keep the station. They are public
-- pictures of a public place, shown to anyone on the station's page
-- without signing in, so they are deliberately not sealed (unlike works'
-- and letters' photos, which show people and are sealed with pii). What
-- is stored is never the upload itself: a copy re-encoded from the pixels
-- (internal/imagefile.Clean: upright, no EXIF or GPS) in data and a copy
-- for phones in thumb; position is the order staff set.
ALTER TABLE station_photos ADD COLUMN position INTEGER NOT NULL DEFAULT 0;
ALTER TABLE station_photos ADD COLUMN width INTEGER NOT NULL DEFAULT 0;
ALTER TABLE station_photos ADD COLUMN height INTEGER NOT NULL DEFAULT 0;
ALTER TABLE station_photos ADD COLUMN thumb BLOB;
ALTER TABLE station_photos ADD COLUMN created_by BIGINT;

-- Visits and claims counted per station and Beijing day, kept in the
-- transaction that records each visit or claim (an upsert on the key, so
-- concurrent visits from several processes count exactly). The busiest
-- stations and the staff list's "visits in 30 days" read at most one row
-- per station and day here instead of grouping every visit.
CREATE TABLE station_visit_days (
    station_id BIGINT NOT NULL REFERENCES stations(id),
    day        TEXT NOT NULL,
    -- The station's organisation path, copied (moved with the station).
    org_path   TEXT_C NOT NULL,
    visits     INTEGER NOT NULL DEFAULT 0, -- signed-in workers
    anonymous  INTEGER NOT NULL DEFAULT 0, -- devices
    claims     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (station_id, day)
);
-- Both covering: the busiest of a subtree reads (org_path, day) ranges
-- and sums the counts without visiting the table; the list's sort by
-- visits in 30 days reads a station's last 30 days the same way.
CREATE INDEX station_visit_days_path ON station_visit_days (org_path, day, station_id, visits, anonymous, claims);
CREATE INDEX station_visit_days_station ON station_visit_days (station_id, day, visits, anonymous);
INSERT INTO station_visit_days (station_id, day, org_path, visits, anonymous, claims)
    SELECT station_id, day, MIN(org_path), SUM(CASE WHEN member_id IS NULL THEN 0 ELSE 1 END),
        SUM(CASE WHEN member_id IS NULL THEN 1 ELSE 0 END), 0
    FROM station_visits GROUP BY station_id, day;
UPDATE station_visit_days SET claims = (SELECT COUNT(*) FROM station_claims c
    WHERE c.station_id = station_visit_days.station_id AND c.day = station_visit_days.day);
-- A station's claims per service over recent days (its staff page).
CREATE INDEX station_claims_station ON station_claims (station_id, day, service);
