-- compat: keeps: the UPDATEs only fill the columns this step adds
-- Calls for works (internal/works), continued.
--
-- A judge never reads nor scores the entries of their own union: the
-- range of union paths each judge stands aside from, fixed when they are
-- seated. own_path is the judge's own union (for a judge whose account
-- sits in a union or one of its inner parts, the union at the top of it);
-- own_end ends its subtree ('' for a judge at a federation: only entries
-- of members registered at that very organisation). An entry conflicts
-- when member_org_path = own_path, or own_path <= member_org_path < own_end.
ALTER TABLE works_judges ADD COLUMN own_path TEXT_C NOT NULL DEFAULT '';
ALTER TABLE works_judges ADD COLUMN own_end TEXT_C NOT NULL DEFAULT '';

-- Judges seated before: their home organisation, and when it is a union
-- or inside one, the topmost union above it with its subtree.
UPDATE works_judges SET own_path = COALESCE((SELECT o.path FROM users u JOIN orgs o ON o.id = u.org_id WHERE u.id = works_judges.user_id), '');
UPDATE works_judges SET own_path = COALESCE((SELECT MIN(a.path) FROM orgs a
        WHERE a.kind IN ('grassroots_union', 'joint_union', 'sub_union', 'union_group', 'preparatory_committee')
        AND substr(works_judges.own_path, 1, length(a.path)) = a.path), own_path)
    WHERE own_path <> '';
UPDATE works_judges SET own_end = substr(own_path, 1, length(own_path) - 1) || '0'
    WHERE own_path <> '' AND EXISTS (SELECT 1 FROM orgs a WHERE a.path = works_judges.own_path
        AND a.kind IN ('grassroots_union', 'joint_union', 'sub_union', 'union_group', 'preparatory_committee'));
CREATE INDEX works_entries_member_path ON works_entries (call_id, member_org_path);

-- A photo's copy sized for a phone (at most works.ThumbSide pixels on its
-- longer side, re-encoded as JPEG without the original's metadata), sealed
-- as the photo is; NULL until made (photos handed in before it existed
-- get theirs on first request).
ALTER TABLE works_photos ADD COLUMN thumb BLOB;
