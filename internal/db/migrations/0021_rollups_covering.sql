-- compat: keeps
-- postgres only
-- The rollups' key carries the value too, so the children side by side
-- (a few hundred organisations' levels and a period's flows in one read)
-- is an index-only scan. Rows of one organisation lie scattered over the
-- heap; fetching each cost a street's dashboard page 60 ms at 5,000,000
-- members. SQLite keeps the table in its key's order (WITHOUT ROWID) and
-- needs nothing. The price: a changed value is no longer a HOT update.
ALTER TABLE stat_rollups DROP CONSTRAINT stat_rollups_by_month_pkey;
ALTER TABLE stat_rollups ADD CONSTRAINT stat_rollups_pkey PRIMARY KEY (org_id, month, metric) INCLUDE (value);
