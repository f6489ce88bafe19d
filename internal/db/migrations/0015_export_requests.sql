-- compat: keeps
-- Exports of members' full numbers: each is a request with a reason; above
-- the approval threshold a second person who holds member.reveal over the
-- request's union approves it before the requester may download it, once,
-- within a time limit. Direct exports (at or below the threshold) are rows
-- too, already downloaded, so that one table holds every full-number export.
CREATE TABLE export_requests (
    id            ID_PK,
    requester_id  BIGINT NOT NULL,
    requester     TEXT NOT NULL,
    org_id        BIGINT NOT NULL REFERENCES orgs(id),
    org_path      TEXT_C NOT NULL,
    filters       TEXT NOT NULL,
    row_count     BIGINT NOT NULL,
    reason        TEXT NOT NULL,
    status        TEXT NOT NULL,
    decided_by_id BIGINT NOT NULL DEFAULT 0,
    decided_by    TEXT NOT NULL DEFAULT '',
    decided_at    BIGINT NOT NULL DEFAULT 0,
    note          TEXT NOT NULL DEFAULT '',
    created_at    BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL,
    downloaded_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX export_requests_requester ON export_requests (requester_id, id);
-- Approvers list the pending requests of their subtrees: a range of paths.
CREATE INDEX export_requests_status_path ON export_requests (status, org_path);

-- What one account read of members in one clock hour (reveals and exported
-- rows) and how many full-number exports it started: one upsert counts and
-- decides, so the limit holds across server processes.
CREATE TABLE account_reads (
    user_id      BIGINT NOT NULL,
    hour         BIGINT NOT NULL,
    reads        BIGINT NOT NULL DEFAULT 0,
    full_exports INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, hour)
);
