-- compat: keeps
-- Member data rights (PIPL): consent recorded on every intake path,
-- correction requests from members, and the anonymisation of memberships
-- ended longer ago than the retention period.

-- One row per consent given: on the online joining form (application_id
-- set, member_id once known through the application's ID hash), on site
-- (collected by staff) or with an import (the importer confirms consent was
-- collected for the file; one row per imported member, batch_ref naming the
-- file). Purposes and the notice's version say what was agreed to.
CREATE TABLE consents (
    id             ID_PK,
    member_id      BIGINT REFERENCES members(id),
    application_id BIGINT REFERENCES join_applications(id),
    path           TEXT NOT NULL,
    org_path       TEXT_C NOT NULL,
    collector_id   BIGINT,
    collector      TEXT NOT NULL DEFAULT '',
    at             BIGINT NOT NULL,
    purposes       TEXT NOT NULL,
    text_version   TEXT NOT NULL,
    batch_ref      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX consents_member ON consents (member_id, id);
CREATE INDEX consents_application ON consents (application_id);

-- A member's request to correct their record: the field and the value it
-- should hold (personal data, so the value is sealed like the registry's
-- numbers when it is one), decided by staff of the member's union.
CREATE TABLE correction_requests (
    id           ID_PK,
    member_id    BIGINT NOT NULL REFERENCES members(id),
    org_path     TEXT_C NOT NULL,
    field        TEXT NOT NULL,
    value_sealed TEXT NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL,
    reason       TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    decided_at   BIGINT NOT NULL DEFAULT 0,
    decided_by   TEXT NOT NULL DEFAULT ''
);
-- One open request per member and field.
CREATE UNIQUE INDEX correction_requests_open ON correction_requests (member_id, field) WHERE status = 'pending';
-- Pending requests are few: staff listings start from them and keep those
-- whose member is in the caller's subtree now (members move; org_path is
-- where the member was when asking, for the record).
CREATE INDEX correction_requests_status ON correction_requests (status, id);
CREATE INDEX correction_requests_member ON correction_requests (member_id, id);

-- Memberships anonymised after the retention period. The primary key is
-- the claim: of two processes sweeping at once, one inserts the row and
-- does the work, the other's insert fails and it moves on.
CREATE TABLE member_anonymised (
    member_id BIGINT PRIMARY KEY REFERENCES members(id),
    at        BIGINT NOT NULL,
    ended_on  TEXT NOT NULL
);
