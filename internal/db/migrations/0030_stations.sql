-- compat: keeps
-- Service stations (服务阵地, internal/station): 职工之家, 暖心驿站 and the
-- other places where workers rest, drink, charge a phone or get help, each
-- kept by an organisation, found on a map and by the nearest-first search.
--
-- Coordinates are WGS-84 in microdegrees (integers: both engines compare
-- and index them alike, and no float rounds differently between them).
-- Chinese maps (GCJ-02) are converted at the edges (internal/station/geo.go).
CREATE TABLE station_types (
    code       TEXT NOT NULL PRIMARY KEY,
    -- Built-in types take their words from the catalogues; staff's own
    -- types carry their name.
    name       TEXT NOT NULL DEFAULT '',
    builtin    INTEGER NOT NULL DEFAULT 0,
    position   INTEGER NOT NULL DEFAULT 0,
    org_path   TEXT_C NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL DEFAULT 0
);
INSERT INTO station_types (code, builtin, position) VALUES
    ('home', 1, 1), ('warm', 1, 2), ('centre', 1, 3), ('service', 1, 4),
    ('library', 1, 5), ('nursing', 1, 6), ('mediation', 1, 7);

CREATE TABLE stations (
    id         ID_PK,
    -- The code of the station's QR poster (/s/<code>): random, so that
    -- nobody walks the stations by counting.
    code       TEXT NOT NULL,
    org_id     BIGINT NOT NULL REFERENCES orgs(id),
    org_path   TEXT_C NOT NULL,
    type       TEXT NOT NULL REFERENCES station_types(code),
    name       TEXT NOT NULL,
    address    TEXT NOT NULL DEFAULT '',
    lat_e6     BIGINT NOT NULL,
    lng_e6     BIGINT NOT NULL,
    -- A bit per amenity (station.Amenities' order).
    amenities  BIGINT NOT NULL DEFAULT 0,
    -- Opening hours: JSON of station.Hours (the week and its exceptions).
    hours      TEXT NOT NULL,
    phone      TEXT NOT NULL DEFAULT '',
    contact    TEXT NOT NULL DEFAULT '',
    note       TEXT NOT NULL DEFAULT '',
    -- active (shown to the public) or closed.
    status     TEXT NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1,
    created_by BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX stations_code ON stations (code);
-- One name per organisation: an import run twice adds nothing.
CREATE UNIQUE INDEX stations_name ON stations (org_id, name);
CREATE INDEX stations_path ON stations (org_path, id);
-- The nearest-first search: a box of latitudes, longitudes filtered in
-- the index, then exact distances in Go (no PostGIS, no R*Tree: the same
-- on both engines).
CREATE INDEX stations_geo ON stations (status, lat_e6, lng_e6);

-- A station's photos (public pictures of a public place: not sealed).
CREATE TABLE station_photos (
    id           ID_PK,
    station_id   BIGINT NOT NULL REFERENCES stations(id),
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    data         BLOB NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX station_photos_station ON station_photos (station_id, id);

-- Visits recorded by scanning a station's code: one per member per
-- station per Beijing day (signed in), or one per device cookie per
-- station per day (anonymous); the unique keys hold across processes.
CREATE TABLE station_visits (
    id         ID_PK,
    station_id BIGINT NOT NULL REFERENCES stations(id),
    -- The station's organisation path, copied (kept on moves by org).
    org_path   TEXT_C NOT NULL,
    day        TEXT NOT NULL,
    member_id  BIGINT REFERENCES members(id),
    device     TEXT,
    at         BIGINT NOT NULL
);
CREATE UNIQUE INDEX station_visits_member ON station_visits (station_id, member_id, day);
CREATE UNIQUE INDEX station_visits_device ON station_visits (station_id, device, day);
-- The busiest stations of a subtree over a period.
CREATE INDEX station_visits_path ON station_visits (org_path, day);

-- Services claimed (a free drink, a phone charge): one per member per
-- station per service per day.
CREATE TABLE station_claims (
    id         ID_PK,
    station_id BIGINT NOT NULL REFERENCES stations(id),
    org_path   TEXT_C NOT NULL,
    day        TEXT NOT NULL,
    member_id  BIGINT NOT NULL REFERENCES members(id),
    service    TEXT NOT NULL,
    at         BIGINT NOT NULL
);
CREATE UNIQUE INDEX station_claims_once ON station_claims (station_id, member_id, service, day);
CREATE INDEX station_claims_path ON station_claims (org_path, day);
