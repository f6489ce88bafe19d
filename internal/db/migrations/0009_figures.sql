-- compat: breaks: figures are renamed in place ("member." prefix), which older programs read by their old names
-- Every figure's name begins with the package that counts it ("member.",
-- "org.", "act."), so that a rebuild of one package's figures leaves the
-- others alone. The registry's figures were the only ones so far.
UPDATE stat_rollups SET metric = 'member.' || metric;
UPDATE stat_log SET metric = 'member.' || metric;

-- The prefixes whose figures have been counted in this database:
-- servers count the others when they start.
ALTER TABLE stat_state ADD COLUMN built TEXT NOT NULL DEFAULT '';
UPDATE stat_state SET built = 'member.' WHERE rebuilt_at > 0 OR EXISTS (SELECT 1 FROM stat_rollups);

-- An activity's walk-ins and the members who checked in at least once,
-- kept in its row beside the other counters (under the same row lock), so
-- that its figures can be logged from the row alone.
ALTER TABLE activities ADD COLUMN walked_in INTEGER NOT NULL DEFAULT 0;
ALTER TABLE activities ADD COLUMN attended INTEGER NOT NULL DEFAULT 0;
UPDATE activities SET
    walked_in = (SELECT COUNT(*) FROM registrations r WHERE r.activity_id = activities.id AND r.status = 'walk_in'),
    attended = (SELECT COUNT(DISTINCT c.member_id) FROM checkins c WHERE c.activity_id = activities.id);
