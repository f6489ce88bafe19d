-- compat: keeps
-- Members sign in with their mobile number: a password they set, or a
-- one-time code sent by SMS. Their sessions are apart from staff sessions.
CREATE TABLE member_credentials (
    member_id           BIGINT PRIMARY KEY REFERENCES members(id),
    password_hash       TEXT NOT NULL DEFAULT '',
    password_changed_at BIGINT NOT NULL DEFAULT 0,
    failed_logins       INTEGER NOT NULL DEFAULT 0,
    locked_until        BIGINT NOT NULL DEFAULT 0,
    updated_at          BIGINT NOT NULL
);

CREATE TABLE member_sessions (
    id_hash      TEXT PRIMARY KEY,
    member_id    BIGINT NOT NULL REFERENCES members(id),
    kind         TEXT NOT NULL,
    -- How the member signed in: 'code' or 'password'. A code session is
    -- as good as knowing the password for a while, so it may set a new one
    -- (the forgotten-password path).
    via          TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    ip           TEXT NOT NULL DEFAULT '',
    user_agent   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX member_sessions_member ON member_sessions (member_id);
CREATE INDEX member_sessions_expires ON member_sessions (expires_at);

-- One-time codes, one live code per mobile number and purpose. Only a keyed
-- hash of the code is kept; attempts are counted so a code cannot be guessed.
CREATE TABLE otp_codes (
    mobile_hash TEXT NOT NULL,
    purpose     TEXT NOT NULL,
    code_hash   TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    sent_at     BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    PRIMARY KEY (mobile_hash, purpose)
);
