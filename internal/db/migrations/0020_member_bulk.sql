-- The member list sorted by joining date walks this index (ties by id), at
-- the city root as in a street.
CREATE INDEX members_joined ON members (joined_on, id);

-- A notice staff write themselves (kind 'message'): its text. Other kinds
-- name what they are about (an activity, a course term) and leave it empty.
ALTER TABLE member_notices ADD COLUMN body TEXT NOT NULL DEFAULT '';
