-- compat: keeps
-- Recovery codes stand in for the authenticator when a phone is lost: ten
-- made when two-step verification is turned on, each usable once. Only a
-- hash is kept (the codes are random, so a plain SHA-256 is enough).
CREATE TABLE recovery_codes (
    user_id    BIGINT NOT NULL REFERENCES users(id),
    code_hash  TEXT NOT NULL,
    used_at    BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, code_hash)
);

-- A sign-in waiting for its second factor remembers whether the password
-- was right, so that the code step answers alike for a wrong password and a
-- wrong code: the first step must not tell a guesser the password is right.
ALTER TABLE sessions ADD COLUMN password_ok BOOLEAN NOT NULL DEFAULT TRUE;
