-- Issue 9: the program's side of the license.
-- A machine holds one instance slot while its program session lives (it sends heartbeats).
-- The row outlives the session: `ended_at` and `end_reason` tell the program why its token
-- stopped working, and staff what happened. One live machine per fingerprint and account.
CREATE TABLE machines (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id),
  session_hash TEXT NOT NULL UNIQUE,
  fingerprint TEXT NOT NULL,
  name TEXT NOT NULL,
  os TEXT NOT NULL,
  app_version TEXT NOT NULL,
  address TEXT NOT NULL DEFAULT '',
  signed_in_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  ended_at INTEGER,
  end_reason TEXT CHECK (end_reason IN ('signed_out', 'signed_out_from_dashboard', 'deactivated',
                                        'replaced', 'heartbeat_timeout', 'instances_removed')),
  CHECK ((ended_at IS NULL) = (end_reason IS NULL))
);
CREATE UNIQUE INDEX machines_live_fingerprint ON machines (user_id, fingerprint)
  WHERE ended_at IS NULL;
CREATE INDEX machines_by_user ON machines (user_id, ended_at);
CREATE INDEX machines_live_by_last_seen ON machines (last_seen_at) WHERE ended_at IS NULL;

-- What the program reports it bought, idempotent by the program's own id per account.
CREATE TABLE checkouts (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id),
  client_id TEXT NOT NULL,
  store TEXT NOT NULL,
  product TEXT NOT NULL,
  price_cents INTEGER NOT NULL CHECK (price_cents >= 0),
  currency TEXT NOT NULL,
  quantity INTEGER NOT NULL CHECK (quantity >= 1),
  at INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  machine_id INTEGER REFERENCES machines (id),
  UNIQUE (user_id, client_id)
);
CREATE INDEX checkouts_by_user_time ON checkouts (user_id, at);
CREATE INDEX checkouts_by_time ON checkouts (at);

-- The Ed25519 keys that sign leases. The newest unretired key signs; a retired key stays in
-- the JWKS until the last lease it signed has ended. The secret never leaves this table.
CREATE TABLE signing_keys (
  kid TEXT PRIMARY KEY,
  public_key TEXT NOT NULL,
  secret_key TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  retired_at INTEGER
);

-- Edit Instances: fewer instances from the next renewal; Deactivate license's cooldown.
ALTER TABLE licenses ADD COLUMN instances_at_renewal INTEGER CHECK (instances_at_renewal >= 1);
ALTER TABLE licenses ADD COLUMN deactivated_at INTEGER;
