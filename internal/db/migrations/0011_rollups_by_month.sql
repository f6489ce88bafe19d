-- compat: breaks: stat_rollups is replaced by the monthly table under its name
-- Rollups ordered by organisation, then month: an organisation's levels
-- (month '') and the flows of a period's months are each one contiguous
-- range of the key, so a report of this year need not read the decades
-- of history the city's flows go back to.
CREATE TABLE stat_rollups_by_month (
    org_id BIGINT NOT NULL,
    month  TEXT_C NOT NULL,
    metric TEXT_C NOT NULL,
    value  BIGINT NOT NULL,
    PRIMARY KEY (org_id, month, metric)
) WITHOUT_ROWID;
INSERT INTO stat_rollups_by_month (org_id, month, metric, value) SELECT org_id, month, metric, value FROM stat_rollups;
DROP TABLE stat_rollups;
ALTER TABLE stat_rollups_by_month RENAME TO stat_rollups;
