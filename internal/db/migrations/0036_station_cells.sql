-- compat: keeps
-- The nearest-station search reads bands of latitude about 1.1 km tall
-- (lat_e6 / 10000, integer division on both engines) and, in each band, a
-- range of longitudes: one index seek a band instead of a scan across
-- the whole city's width that a box on (lat_e6, lng_e6) needs.
CREATE INDEX stations_cell ON stations (status, (lat_e6 / 10000), lng_e6, lat_e6, type, amenities);
