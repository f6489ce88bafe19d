-- compat: keeps
-- The audit chain is keyed: entries written from now on carry an HMAC under
-- a key derived from the key file, which the database does not hold, instead
-- of a plain SHA-256 that anyone with write access could recompute.
-- mac_version 0 marks the entries written before (checked by their plain
-- hash, as before); 1 the keyed ones. Once a keyed entry exists, an unkeyed
-- one after it is a forgery.
ALTER TABLE audit_log ADD COLUMN mac_version INTEGER NOT NULL DEFAULT 0;
-- The head's own MAC over (seq, hash): moving the head back to hide removed
-- entries needs the key.
ALTER TABLE audit_head ADD COLUMN mac TEXT NOT NULL DEFAULT '';
