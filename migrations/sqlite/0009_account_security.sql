-- Issue 10: account security. A user's email is verified by a link (NULL until then: accounts
-- from before this migration have not proven theirs); must_change_password marks a password
-- someone else chose (`tenure user add`); the TOTP secret is set while two-factor is being
-- turned on and counts once totp_enabled_at is set; totp_last_step is the newest time step a
-- code was accepted for, so that no code is accepted twice.
ALTER TABLE users ADD COLUMN email_verified_at INTEGER;
ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0
  CHECK (must_change_password IN (0, 1));
ALTER TABLE users ADD COLUMN password_changed_at INTEGER;
ALTER TABLE users ADD COLUMN totp_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN totp_enabled_at INTEGER;
ALTER TABLE users ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;

-- Two-factor recovery codes: only their SHA-256 is kept (each is 80 random bits), shown once.
CREATE TABLE recovery_codes (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  code_hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  used_at INTEGER
);
CREATE INDEX recovery_codes_by_user ON recovery_codes (user_id);

-- Single-use tokens sent or handed to the account's owner: a password reset link, an email
-- verification link, or the pending second step of a sign-in. Only the SHA-256 is kept.
CREATE TABLE account_tokens (
  token_hash TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  purpose TEXT NOT NULL
    CHECK (purpose IN ('password_reset', 'email_verification', 'two_factor')),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER,
  attempts INTEGER NOT NULL DEFAULT 0,  -- wrong codes typed against a pending second step
  address TEXT NOT NULL DEFAULT ''
);
CREATE INDEX account_tokens_by_user ON account_tokens (user_id, purpose);
CREATE INDEX account_tokens_by_expiry ON account_tokens (expires_at);

-- Fixed-window counters for requests that are throttled per address or per account (sign-up,
-- password reset requests): one row per scope, key and window.
CREATE TABLE rate_limits (
  scope TEXT NOT NULL,
  key TEXT NOT NULL,
  window_start INTEGER NOT NULL,
  hits INTEGER NOT NULL,
  PRIMARY KEY (scope, key, window_start)
) WITHOUT ROWID;
CREATE INDEX rate_limits_by_window ON rate_limits (window_start);
