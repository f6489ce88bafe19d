-- compat: keeps
-- Failed sign-ins per client address, in one-minute buckets, so that
-- guessing across many usernames from one address is slowed down on every
-- server process alike (the per-account lockout cannot see that pattern).
CREATE TABLE login_throttle (
    ip           TEXT NOT NULL,
    minute       BIGINT NOT NULL,
    failures     INTEGER NOT NULL,
    PRIMARY KEY (ip, minute)
);
CREATE INDEX login_throttle_minute ON login_throttle (minute);
