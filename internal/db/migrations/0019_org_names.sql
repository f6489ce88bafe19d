-- compat: keeps
-- Short names (简称) and the keys people find and order organisations and
-- employers by. search_key holds the names in lower case and their pinyin
-- initials (internal/hanzi.SearchKey), so "北京排水集团" or "bjpsjt" finds
-- 北京城市排水集团有限责任公司工会. sort_key puts an organisation's children
-- in the official order: by division code where one is recorded, then by
-- the pinyin reading of the name. Rows written before this version get their
-- keys from org.FillKeys when a server starts.
ALTER TABLE orgs ADD COLUMN short_name TEXT NOT NULL DEFAULT '';
ALTER TABLE orgs ADD COLUMN search_key TEXT NOT NULL DEFAULT '';
ALTER TABLE orgs ADD COLUMN sort_key TEXT_C NOT NULL DEFAULT '';
CREATE INDEX orgs_parent_sort ON orgs (parent_id, sort_key, id);
ALTER TABLE employers ADD COLUMN short_name TEXT NOT NULL DEFAULT '';
ALTER TABLE employers ADD COLUMN search_key TEXT NOT NULL DEFAULT '';
